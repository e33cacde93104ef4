/*
 * fuzz_rtnl.c - libFuzzer harness for what rtnetlink sends vrrpd and rsctl:
 * arbitrary bytes are taken as one datagram of link events and walked as
 * rtnl_monitor_read does (nl_events_walk, every data message through
 * rtnl_parse_link), and as one reply datagram through mnl_cb_run with the
 * same parser, as rtnl_link_get's answer is read; every message also goes
 * through rtnl_parse_addr, as rsctl's address dump reads it.
 *
 * Besides sanitizer reports it checks what callers rely on: a parsed link
 * has a NUL-terminated name and an operstate of -1 or a u8.
 * Seeds (tests/fuzz/corpus/fuzz_rtnl/) are RTM_NEWLINK/RTM_DELLINK messages
 * laid out as the kernel sends them (ifinfomsg, IFLA_IFNAME, IFLA_ADDRESS,
 * IFLA_OPERSTATE), alone, in a datagram with an NLMSG_DONE, and two in one.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <linux/rtnetlink.h>
#include "nl_exchange.h"
#include "rtnl.h"

static int parse_one(const struct nlmsghdr *nlh, void *data)
{
	struct rtnl_link link;
	struct rtnl_addr_info addr;

	(void)data;
	/* rsctl's address dump reads each message this way. */
	if (rtnl_parse_addr(nlh, &addr) == 0 && addr.family != AF_INET && addr.family != AF_INET6)
		abort();
	if (rtnl_parse_link(nlh, &link) != 0)
		return 0;
	if (memchr(link.name, '\0', sizeof(link.name)) == NULL)
		abort();
	if (link.operstate < -1 || link.operstate > 255)
		abort();
	if (link.deleted != (nlh->nlmsg_type == RTM_DELLINK))
		abort();
	rtnl_link_usable(&link);
	return 0;
}

static int parse_reply(const struct nlmsghdr *nlh, void *data)
{
	parse_one(nlh, data);
	return MNL_CB_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	/* Exactly the input plus the up-to-3 alignment bytes libmnl's tail
	 * arithmetic may touch, so AddressSanitizer catches any read beyond. */
	unsigned char *buf = malloc(size + 4);

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	memset(buf + size, 0, 4);
	if (nl_events_walk(buf, size, parse_one, NULL) != 0)
		abort();
	/* seq 0 and port 0: accept any, the checks are not what is fuzzed */
	mnl_cb_run(buf, size, 0, 0, parse_reply, NULL);
	free(buf);
	return 0;
}
