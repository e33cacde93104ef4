/*
 * ipvs_compat.h - kernel IPVS values that older <linux/ip_vs.h> lack, so
 * lvsbox builds against the headers of any kernel it supports.
 */
#ifndef LVSBOX_IPVS_COMPAT_H
#define LVSBOX_IPVS_COMPAT_H

#include <linux/ip_vs.h>

#ifndef IP_VS_SVC_F_SCHED_MH_FALLBACK
#define IP_VS_SVC_F_SCHED_MH_FALLBACK IP_VS_SVC_F_SCHED1
#define IP_VS_SVC_F_SCHED_MH_PORT     IP_VS_SVC_F_SCHED2
#endif

#endif
