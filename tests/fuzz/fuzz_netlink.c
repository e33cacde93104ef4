/*
 * fuzz_netlink.c - libFuzzer harness for the netlink reply path: arbitrary
 * bytes are taken as one datagram from the kernel and walked with mnl_cb_run;
 * every message goes through each IPVS reply decoder and the generic netlink
 * family decoder, and through a generic attribute walk with validation.
 * Seeds (tests/fuzz/corpus/fuzz_netlink/) are real kernel replies captured
 * by tests/vm/capture_netlink.sh.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "genl.h"
#include "ipvs_parse.h"

static int validate_every_type(const struct nlattr *attr, void *data)
{
	int t;

	(void)data;
	for (t = MNL_TYPE_UNSPEC; t < MNL_TYPE_MAX; t++)
		mnl_attr_validate(attr, (enum mnl_attr_data_type)t);
	if (mnl_attr_validate(attr, MNL_TYPE_NESTED) == 0)
		mnl_attr_parse_nested(attr, validate_every_type, NULL);
	return MNL_CB_OK;
}

static int every_decoder(const struct nlmsghdr *nlh, void *data)
{
	struct ipvs_service svc;
	struct ipvs_dest dest;
	struct ipvs_daemon daemon;
	struct ipvs_info info;
	struct ipvs_timeouts timeouts;
	uint16_t id;

	(void)data;
	ipvs_parse_service_msg(nlh, &svc);
	ipvs_parse_dest_msg(nlh, AF_INET, &dest);
	ipvs_parse_dest_msg(nlh, AF_INET6, &dest);
	ipvs_parse_daemon_msg(nlh, &daemon);
	ipvs_parse_info_msg(nlh, &info);
	ipvs_parse_timeouts_msg(nlh, &timeouts);
	genl_parse_family_msg(nlh, IPVS_GENL_NAME, &id);
	if (nlh->nlmsg_len >= MNL_NLMSG_HDRLEN + GENL_HDRLEN)
		mnl_attr_parse(nlh, GENL_HDRLEN, validate_every_type, NULL);
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
	/* seq 0 and port 0: accept any, the checks are not what is fuzzed */
	mnl_cb_run(buf, size, 0, 0, every_decoder, NULL);
	free(buf);
	return 0;
}
