/*
 * modprobe.h - asking modprobe for a kernel module, the way ipvsadm does
 * for ip_vs: lvsctl when IPVS is missing, rsctl when tunl0 or ip6tnl0 is.
 */
#ifndef LVSBOX_MODPROBE_H
#define LVSBOX_MODPROBE_H

/* Runs /sbin/modprobe -- module and waits for it: its exit status (0 when
 * loaded or already there), or -1 when it could not be run. */
int platform_modprobe(const char *module);

#endif
