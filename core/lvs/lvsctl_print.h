/*
 * lvsctl_print.h - ipvsadm's text list formats (-L and its options, -S).
 */
#ifndef LVSBOX_LVSCTL_PRINT_H
#define LVSBOX_LVSCTL_PRINT_H

#include <stddef.h>
#include "ipvs.h"

/* The scheduler flags as -b takes them, comma-separated. */
void lvsctl_sched_flags_text(const struct ipvs_service *s, char *out, size_t size);
void lvsctl_print_title(unsigned format);
/* svc_name: as lvsctl_print_service_head left it. */
void lvsctl_print_dest_line(const struct ipvs_service *se, const struct ipvs_dest *e,
			    const char *svc_name, unsigned format);
void lvsctl_print_service_head(const struct ipvs_service *se, unsigned format, char svc_name[1024]);

#endif
