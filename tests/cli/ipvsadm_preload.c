/*
 * ipvsadm_preload.c - LD_PRELOAD library for the real ipvsadm in host tests.
 *
 * The host kernel has no IPVS, so ipvsadm stops at start-up before it ever
 * parses its arguments. With this library its IPVS socket options answer
 * as an IPVS 1.2.1 kernel with an empty table whose every other request
 * fails with ENOPROTOOPT, so the real ipvsadm's parsing and error messages
 * can be compared with lvsctl's on the host (lvsctl runs against
 * fake_ipvs.c, which fails the same requests the same way). Every other
 * socket option goes to the C library: the checkd benchmark runs
 * keepalived's checker under this library too, and its probes are real.
 */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/ip_vs.h>

static int is_ipvs(int level, int name)
{
	return level == IPPROTO_IP && name >= IP_VS_BASE_CTL && name <= IP_VS_SO_GET_MAX;
}

int getsockopt(int fd, int level, int name, void *val, socklen_t *len)
{
	if (!is_ipvs(level, name)) {
		int (*real)(int, int, int, void *, socklen_t *) =
			(int (*)(int, int, int, void *, socklen_t *))dlsym(RTLD_NEXT, "getsockopt");
		return real(fd, level, name, val, len);
	}
	if (level == IPPROTO_IP && name == IP_VS_SO_GET_INFO && val && len &&
	    *len >= sizeof(struct ip_vs_getinfo)) {
		struct ip_vs_getinfo info = { .version = 0x010201, .size = 4096, .num_services = 0 };
		memcpy(val, &info, sizeof(info));
		return 0;
	}
	errno = ENOPROTOOPT;
	return -1;
}

int setsockopt(int fd, int level, int name, const void *val, socklen_t len)
{
	if (!is_ipvs(level, name)) {
		int (*real)(int, int, int, const void *, socklen_t) =
			(int (*)(int, int, int, const void *, socklen_t))dlsym(RTLD_NEXT, "setsockopt");
		return real(fd, level, name, val, len);
	}
	errno = ENOPROTOOPT;
	return -1;
}
