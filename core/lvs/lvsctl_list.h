/*
 * lvsctl_list.h - the list commands: -L (table, one service, --timeout,
 * --daemon, -c) and -S. Each returns 0, or 1 after printing an error.
 */
#ifndef LVSBOX_LVSCTL_LIST_H
#define LVSBOX_LVSCTL_LIST_H

#include "ipvs.h"

int lvsctl_list_all(struct ipvs *h, const struct ipvs_info *info, unsigned format);
int lvsctl_list_service(struct ipvs *h, const struct ipvs_service *want, unsigned format);
int lvsctl_list_timeout(struct ipvs *h, unsigned format);
int lvsctl_list_daemon(struct ipvs *h, unsigned format);
int lvsctl_list_conn(unsigned format);

#endif
