/*
 * mnl_compat.c - exercises the libmnl API lvsbox uses and prints every byte
 * built and every decision taken. Built twice (tests/tests.mk): against
 * Debian's libmnl and against the in-tree core/mnl.c; tests/unit/mnl_compat.sh
 * requires the two outputs to be identical, line for line.
 *
 * Buffers are pre-filled with 0xAA so a difference in padding or in what is
 * zeroed shows up in the dumps. Port ids vary per run and are masked.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/genetlink.h>
#include "mnl.h"

static unsigned char buf[8192];

static void hexdump(const char *what, const void *data, size_t len)
{
	const unsigned char *p = data;
	size_t i;

	printf("%s (%zu bytes):", what, len);
	for (i = 0; i < len; i++)
		printf("%s%02x", i % 16 ? " " : "\n  ", p[i]);
	printf("\n");
}

static void dump_msg(const char *what, const struct nlmsghdr *nlh)
{
	hexdump(what, nlh, nlh->nlmsg_len);
}

static struct nlmsghdr *fresh(uint16_t type, uint16_t flags, uint32_t seq)
{
	struct nlmsghdr *nlh;

	memset(buf, 0xaa, sizeof(buf));
	nlh = mnl_nlmsg_put_header(buf);
	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	return nlh;
}

/* ---- building ---- */

static void build_headers(void)
{
	size_t sizes[] = { 0, 1, 2, 3, 4, 5, 7, 8, 16, 17 };
	size_t i;

	for (i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		struct nlmsghdr *nlh = fresh(0x20, NLM_F_REQUEST, 7);
		char *extra = mnl_nlmsg_put_extra_header(nlh, sizes[i]);
		char what[64];

		printf("extra header %zu at offset %td, payload len %zu, size(%zu)=%zu\n", sizes[i],
		       extra - (char *)nlh, mnl_nlmsg_get_payload_len(nlh), sizes[i], mnl_nlmsg_size(sizes[i]));
		printf("  payload at %td, offset(3) at %td, tail at %td\n",
		       (char *)mnl_nlmsg_get_payload(nlh) - (char *)nlh,
		       (char *)mnl_nlmsg_get_payload_offset(nlh, 3) - (char *)nlh,
		       (char *)mnl_nlmsg_get_payload_tail(nlh) - (char *)nlh);
		snprintf(what, sizeof(what), "message with %zu-byte extra header", sizes[i]);
		dump_msg(what, nlh);
	}
}

static void build_attrs(void)
{
	struct nlmsghdr *nlh = fresh(0x21, NLM_F_REQUEST | NLM_F_ACK, 8);
	struct genlmsghdr *g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	const char bin[] = "0123456789abcdef";
	size_t len;

	g->cmd = 3;
	g->version = 1;
	mnl_attr_put_u8(nlh, 1, 0x11);
	mnl_attr_put_u16(nlh, 2, 0x2233);
	mnl_attr_put_u32(nlh, 3, 0x44556677);
	mnl_attr_put_u64(nlh, 4, 0x8899aabbccddeeffULL);
	mnl_attr_put_str(nlh, 5, "");
	mnl_attr_put_str(nlh, 6, "a");
	mnl_attr_put_str(nlh, 7, "abcd");
	mnl_attr_put_strz(nlh, 8, "");
	mnl_attr_put_strz(nlh, 9, "abc");
	mnl_attr_put_strz(nlh, 10, "abcd");
	for (len = 0; len <= 9; len++)
		mnl_attr_put(nlh, (uint16_t)(20 + len), len, bin);
	mnl_attr_put(nlh, 0x7fff, 2, bin);
	dump_msg("every attribute kind and padding length", nlh);
}

static void build_checked(void)
{
	struct nlmsghdr *nlh = fresh(0x22, 0, 9);
	size_t limit = MNL_NLMSG_HDRLEN + 8;   /* room for exactly one 4-byte attribute */

	printf("u32_check at limit %zu: %d\n", limit, mnl_attr_put_u32_check(nlh, limit, 1, 5));
	printf("u8_check past limit: %d\n", mnl_attr_put_u8_check(nlh, limit, 2, 5));
	printf("u16_check with 4 more: %d\n", mnl_attr_put_u16_check(nlh, limit + 4, 3, 6));
	printf("u16_check with 8 more: %d\n", mnl_attr_put_u16_check(nlh, limit + 8, 3, 6));
	printf("u64_check tight: %d\n", mnl_attr_put_u64_check(nlh, nlh->nlmsg_len + 11, 4, 7));
	printf("u64_check exact: %d\n", mnl_attr_put_u64_check(nlh, nlh->nlmsg_len + 12, 4, 7));
	printf("str_check 3 chars in 8: %d\n", mnl_attr_put_str_check(nlh, nlh->nlmsg_len + 8, 5, "xyz"));
	printf("strz_check 4+1 in 8: %d\n", mnl_attr_put_strz_check(nlh, nlh->nlmsg_len + 8, 6, "wxyz"));
	printf("strz_check 4+1 in 12: %d\n", mnl_attr_put_strz_check(nlh, nlh->nlmsg_len + 12, 6, "wxyz"));
	printf("put_check 0 bytes in 4: %d\n", mnl_attr_put_check(nlh, nlh->nlmsg_len + 4, 7, 0, "x"));
	printf("nest_start_check in 3: %s\n", mnl_attr_nest_start_check(nlh, nlh->nlmsg_len + 3, 8) ? "nest" : "NULL");
	dump_msg("after checked puts", nlh);
}

static void build_nests(void)
{
	struct nlmsghdr *nlh = fresh(0x23, NLM_F_REQUEST, 10);
	struct nlattr *outer, *inner, *empty, *cancelled;

	mnl_nlmsg_put_extra_header(nlh, 4);
	outer = mnl_attr_nest_start(nlh, 1);
	mnl_attr_put_u32(nlh, 1, 1);
	inner = mnl_attr_nest_start(nlh, 2);
	mnl_attr_put_u16(nlh, 1, 2);
	mnl_attr_put_strz(nlh, 2, "in");
	mnl_attr_nest_end(nlh, inner);
	empty = mnl_attr_nest_start(nlh, 3);
	mnl_attr_nest_end(nlh, empty);
	mnl_attr_nest_end(nlh, outer);
	cancelled = mnl_attr_nest_start(nlh, 4);
	mnl_attr_put_u64(nlh, 1, 3);
	mnl_attr_nest_cancel(nlh, cancelled);
	mnl_attr_put_u8(nlh, 5, 4);
	dump_msg("nests: outer(inner, empty), a cancelled one, then u8", nlh);
}

static void build_batch(void)
{
	static unsigned char bbuf[512];
	struct mnl_nlmsg_batch *b;
	int i;

	memset(bbuf, 0xaa, sizeof(bbuf));
	b = mnl_nlmsg_batch_start(bbuf, 200);   /* bbuf has room past the limit */
	printf("batch empty at start: %d size %zu\n", mnl_nlmsg_batch_is_empty(b), mnl_nlmsg_batch_size(b));
	for (i = 0; i < 12; i++) {
		struct nlmsghdr *nlh = mnl_nlmsg_put_header(mnl_nlmsg_batch_current(b));
		bool fits;

		nlh->nlmsg_type = (uint16_t)(0x30 + i);
		nlh->nlmsg_seq = (uint32_t)i;
		mnl_attr_put_u32(nlh, 1, (uint32_t)i);
		if (i % 3 == 0)
			mnl_attr_put_strz(nlh, 2, "batch");
		fits = mnl_nlmsg_batch_next(b);
		printf("message %d (%u bytes): next=%d size=%zu current at %td\n", i, nlh->nlmsg_len, fits,
		       mnl_nlmsg_batch_size(b), (char *)mnl_nlmsg_batch_current(b) - (char *)bbuf);
		if (!fits) {
			hexdump("batch sent", mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b));
			mnl_nlmsg_batch_reset(b);
			printf("after reset: empty=%d size=%zu current at %td\n", mnl_nlmsg_batch_is_empty(b),
			       mnl_nlmsg_batch_size(b), (char *)mnl_nlmsg_batch_current(b) - (char *)bbuf);
		}
	}
	hexdump("batch rest", mnl_nlmsg_batch_head(b), mnl_nlmsg_batch_size(b));
	mnl_nlmsg_batch_reset(b);
	printf("after final reset: empty=%d size=%zu\n", mnl_nlmsg_batch_is_empty(b), mnl_nlmsg_batch_size(b));
	mnl_nlmsg_batch_stop(b);
}

/* ---- parsing attributes ---- */

static const char *type_names[] = {
	"UNSPEC", "U8", "U16", "U32", "U64", "STRING", "FLAG", "MSECS",
	"NESTED", "NESTED_COMPAT", "NUL_STRING", "BINARY",
};

static int print_attr(const struct nlattr *attr, void *data)
{
	int t, rc;

	printf("  %sattr type %u len %u payload %u:", (const char *)data,
	       mnl_attr_get_type(attr), mnl_attr_get_len(attr), mnl_attr_get_payload_len(attr));
	for (t = 0; t <= MNL_TYPE_MAX; t++) {
		errno = 0;
		rc = mnl_attr_validate(attr, (enum mnl_attr_data_type)t);
		printf(" %s=%d/%d", t < MNL_TYPE_MAX ? type_names[t] : "MAX", rc, rc < 0 ? errno : 0);
	}
	errno = 0;
	rc = mnl_attr_type_valid(attr, 9);
	printf(" max9=%d/%d", rc, rc < 0 ? errno : 0);
	printf(" v2(BINARY,3)=%d v2(BINARY,4)=%d v2(U32,2)=%d v2(NUL_STRING,4)=%d\n",
	       mnl_attr_validate2(attr, MNL_TYPE_BINARY, 3), mnl_attr_validate2(attr, MNL_TYPE_BINARY, 4),
	       mnl_attr_validate2(attr, MNL_TYPE_U32, 2), mnl_attr_validate2(attr, MNL_TYPE_NUL_STRING, 4));
	if (mnl_attr_get_payload_len(attr) >= 8)
		printf("    u8 %02x u16 %04x u32 %08x u64 %016llx\n", mnl_attr_get_u8(attr),
		       mnl_attr_get_u16(attr), mnl_attr_get_u32(attr),
		       (unsigned long long)mnl_attr_get_u64(attr));
	if (attr->nla_type & NLA_F_NESTED)
		printf("    nested -> %d\n", mnl_attr_parse_nested(attr, print_attr, "    "));
	/* attribute type 0x3ff0 asks the walk to stop here */
	if (mnl_attr_get_type(attr) == 0x3ff0)
		return MNL_CB_STOP;
	if (mnl_attr_get_type(attr) == 0x3ff1)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static void parse_attrs(void)
{
	struct nlmsghdr *nlh;
	struct nlattr *nest, *a;
	int rc, n = 0;

	build_attrs();
	nlh = (struct nlmsghdr *)buf;
	rc = mnl_attr_parse(nlh, sizeof(struct genlmsghdr), print_attr, "");
	printf("parse of every kind -> %d\n", rc);

	build_nests();
	nlh = (struct nlmsghdr *)buf;
	rc = mnl_attr_parse(nlh, 4, print_attr, "");
	printf("parse of nests -> %d\n", rc);
	mnl_attr_for_each(a, nlh, 4)
		n++;
	printf("for_each counts %d\n", n);
	nest = mnl_nlmsg_get_payload_offset(nlh, 4);
	n = 0;
	mnl_attr_for_each_nested(a, nest)
		n++;
	printf("for_each_nested counts %d\n", n);

	/* flags, strings with and without NUL, stop and error from the callback */
	nlh = fresh(0x24, 0, 11);
	mnl_attr_put(nlh, 1, 0, NULL);
	mnl_attr_put(nlh, 2, 3, "abc");
	mnl_attr_put(nlh, 3, 4, "ab\0c");
	mnl_attr_put(nlh, 4, 2, "\0\0");
	mnl_attr_put_u32(nlh, 0x3ff0, 1);
	mnl_attr_put_u32(nlh, 5, 2);
	rc = mnl_attr_parse(nlh, 0, print_attr, "");
	printf("parse stopping at 0x3ff0 -> %d\n", rc);
	nlh = fresh(0x24, 0, 11);
	mnl_attr_put_u16(nlh, 1, 1);
	mnl_attr_put_u32(nlh, 0x3ff1, 1);
	mnl_attr_put_u32(nlh, 5, 2);
	rc = mnl_attr_parse(nlh, 0, print_attr, "");
	printf("parse failing at 0x3ff1 -> %d\n", rc);
	rc = mnl_attr_parse_payload(mnl_nlmsg_get_payload(nlh), 8, print_attr, "payload ");
	printf("parse_payload of the first 8 bytes -> %d\n", rc);
	rc = mnl_attr_parse_payload(mnl_nlmsg_get_payload(nlh), 0, print_attr, "payload ");
	printf("parse_payload of nothing -> %d\n", rc);
}

/* Attribute framing at the edges: what is "ok" and where "next" lands. */
static void attr_edges(void)
{
	struct { uint16_t len, type; } cases[] = {
		{ 0, 1 }, { 3, 1 }, { 4, 1 }, { 5, 1 }, { 8, 1 }, { 9, 1 }, { 12, 1 }, { 13, 1 }, { 0xffff, 1 },
	};
	int room[] = { 0, 3, 4, 8, 12 };
	size_t i, j;

	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct nlattr *a = (struct nlattr *)buf;

		memset(buf, 0, 64);
		a->nla_len = cases[i].len;
		a->nla_type = cases[i].type;
		printf("nla_len %u: next at %td, ok in", cases[i].len, (char *)mnl_attr_next(a) - (char *)a);
		for (j = 0; j < sizeof(room) / sizeof(room[0]); j++)
			printf(" %d:%d", room[j], mnl_attr_ok(a, room[j]));
		printf("\n");
	}
}

/* ---- parsing message streams ---- */

static int data_calls;

static int on_data(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	data_calls++;
	printf("    data type 0x%x seq %u len %u\n", nlh->nlmsg_type, nlh->nlmsg_seq, nlh->nlmsg_len);
	if (nlh->nlmsg_type == 0x7f)
		return MNL_CB_STOP;
	if (nlh->nlmsg_type == 0x7e)
		return MNL_CB_ERROR;
	return MNL_CB_OK;
}

static int on_ctl(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	printf("    ctl type %u\n", nlh->nlmsg_type);
	return nlh->nlmsg_type == NLMSG_DONE ? MNL_CB_STOP : MNL_CB_OK;
}

static size_t stream_len;

/* Appends one message to the stream in buf. */
static struct nlmsghdr *add_msg(uint16_t type, uint16_t flags, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nlh = mnl_nlmsg_put_header(buf + stream_len);

	nlh->nlmsg_type = type;
	nlh->nlmsg_flags = flags;
	nlh->nlmsg_seq = seq;
	nlh->nlmsg_pid = pid;
	return nlh;
}

static void end_msg(struct nlmsghdr *nlh)
{
	stream_len += MNL_ALIGN(nlh->nlmsg_len);
}

static void add_data(uint16_t type, uint32_t seq, uint32_t pid)
{
	struct nlmsghdr *nlh = add_msg(type, NLM_F_MULTI, seq, pid);

	mnl_attr_put_u32(nlh, 1, type);
	end_msg(nlh);
}

static void add_error(int error, uint32_t seq, bool truncated)
{
	struct nlmsghdr *nlh = add_msg(NLMSG_ERROR, 0, seq, 100);
	struct nlmsgerr *e = mnl_nlmsg_put_extra_header(nlh, sizeof(*e));

	e->error = error;
	e->msg.nlmsg_len = 20;
	e->msg.nlmsg_seq = seq;
	if (truncated)
		nlh->nlmsg_len = MNL_NLMSG_HDRLEN + 2;
	end_msg(nlh);
}

static void add_ctl(uint16_t type, uint32_t seq)
{
	struct nlmsghdr *nlh = add_msg(type, NLM_F_MULTI, seq, 100);

	if (type == NLMSG_DONE)
		mnl_attr_put_u32(nlh, 0, 0);   /* DONE carries an int */
	end_msg(nlh);
}

static void run_stream(const char *what, unsigned seq, unsigned portid, size_t cut)
{
	int rc;

	data_calls = 0;
	errno = 0;
	printf("stream: %s\n", what);
	rc = mnl_cb_run(buf, stream_len - cut, seq, portid, on_data, NULL);
	printf("  -> %d errno %d after %d data calls\n", rc, rc < 0 ? errno : 0, data_calls);
}

static void run_stream2(const char *what, mnl_cb_t *ctl, unsigned ctl_len)
{
	int rc;

	data_calls = 0;
	errno = 0;
	printf("stream2: %s\n", what);
	rc = mnl_cb_run2(buf, stream_len, 5, 100, on_data, NULL, ctl, ctl_len);
	printf("  -> %d errno %d after %d data calls\n", rc, rc < 0 ? errno : 0, data_calls);
}

static void streams(void)
{
	mnl_cb_t ctl[NLMSG_MIN_TYPE] = { [NLMSG_NOOP] = on_ctl, [NLMSG_DONE] = on_ctl, [NLMSG_ERROR] = on_ctl };

	memset(buf, 0xaa, sizeof(buf));
	stream_len = 0;
	add_data(0x20, 5, 100);
	add_data(0x21, 5, 100);
	add_ctl(NLMSG_NOOP, 5);
	add_ctl(NLMSG_OVERRUN, 5);
	add_ctl(7, 5);
	add_data(0x22, 5, 100);
	add_ctl(NLMSG_DONE, 5);
	add_data(0x23, 5, 100);
	run_stream("multi-part dump ending in DONE", 5, 100, 0);
	run_stream("same, checking nothing (seq 0, portid 0)", 0, 0, 0);
	run_stream("same, wrong seq expected", 6, 100, 0);
	run_stream("same, wrong portid expected", 5, 101, 0);
	run_stream("same, cut 4 bytes short of the end", 5, 100, 4);
	run_stream2("with a control array of NLMSG_MIN_TYPE", ctl, NLMSG_MIN_TYPE);
	run_stream2("with a control array of 2 (DONE beyond it)", ctl, 2);
	run_stream2("with no control array but a length", NULL, NLMSG_MIN_TYPE);

	memset(buf, 0xaa, sizeof(buf));
	stream_len = 0;
	add_data(0x20, 5, 0);
	add_data(0x21, 0, 100);
	add_error(0, 5, false);
	add_data(0x22, 5, 100);
	run_stream("reply then ack (message seq 0 / pid 0 accepted)", 5, 100, 0);

	memset(buf, 0xaa, sizeof(buf));
	stream_len = 0;
	add_data(0x20, 5, 100);
	add_error(-2, 5, false);
	run_stream("error -ENOENT", 5, 100, 0);
	stream_len = 0;
	add_error(-95, 5, false);
	run_stream("error -EOPNOTSUPP alone", 5, 100, 0);
	stream_len = 0;
	add_error(17, 5, false);
	run_stream("positive error code", 5, 100, 0);
	stream_len = 0;
	add_error(-2, 5, true);
	run_stream("error message too short for nlmsgerr", 5, 100, 0);

	memset(buf, 0xaa, sizeof(buf));
	stream_len = 0;
	add_data(0x20, 5, 100);
	add_data(0x7f, 5, 100);
	add_data(0x21, 5, 100);
	run_stream("data callback says stop", 5, 100, 0);
	stream_len = 0;
	add_data(0x20, 5, 100);
	add_data(0x7e, 5, 100);
	add_data(0x21, 5, 100);
	run_stream("data callback says error", 5, 100, 0);

	memset(buf, 0xaa, sizeof(buf));
	stream_len = 0;
	{
		struct nlmsghdr *nlh = add_msg(0x20, NLM_F_MULTI | NLM_F_DUMP_INTR, 5, 100);

		end_msg(nlh);
	}
	run_stream("dump interrupted flag", 5, 100, 0);

	memset(buf, 0, sizeof(buf));
	stream_len = 0;
	add_data(0x20, 5, 100);
	((struct nlmsghdr *)buf)->nlmsg_len = 8;
	stream_len = 64;
	run_stream("nlmsg_len below header size", 5, 100, 0);
	((struct nlmsghdr *)buf)->nlmsg_len = 65;
	run_stream("nlmsg_len past the data", 5, 100, 0);
	stream_len = 0;
	run_stream("empty buffer", 5, 100, 0);
	stream_len = 10;
	run_stream("10 bytes", 5, 100, 0);

	{
		struct nlmsghdr h = { .nlmsg_len = 16, .nlmsg_seq = 3, .nlmsg_pid = 4 };
		int len = 40;

		printf("seq_ok: %d %d %d; portid_ok: %d %d %d; ok(16)=%d ok(15)=%d\n",
		       mnl_nlmsg_seq_ok(&h, 3), mnl_nlmsg_seq_ok(&h, 4), mnl_nlmsg_seq_ok(&h, 0),
		       mnl_nlmsg_portid_ok(&h, 4), mnl_nlmsg_portid_ok(&h, 5), mnl_nlmsg_portid_ok(&h, 0),
		       mnl_nlmsg_ok(&h, 16), mnl_nlmsg_ok(&h, 15));
		h.nlmsg_len = 18;
		printf("next of len 18 advances %td, leaves %d\n",
		       (char *)mnl_nlmsg_next(&h, &len) - (char *)&h, len);
	}
}

/* ---- sockets: a real exchange with the kernel's nlctrl family ---- */

static int on_family(const struct nlmsghdr *nlh, void *data)
{
	(void)data;
	printf("  reply type 0x%x flags 0x%x, %zu payload bytes\n", nlh->nlmsg_type, nlh->nlmsg_flags,
	       mnl_nlmsg_get_payload_len(nlh));
	return MNL_CB_OK;
}

/* The request lives apart from buf, which the replies overwrite. */
static struct nlmsghdr *family_request(char (*req)[64])
{
	struct nlmsghdr *nlh;
	struct genlmsghdr *g;

	memset(*req, 0, sizeof(*req));
	nlh = mnl_nlmsg_put_header(*req);
	nlh->nlmsg_type = GENL_ID_CTRL;
	nlh->nlmsg_flags = NLM_F_REQUEST | NLM_F_ACK;
	nlh->nlmsg_seq = 1234;
	g = mnl_nlmsg_put_extra_header(nlh, sizeof(*g));
	g->cmd = CTRL_CMD_GETFAMILY;
	g->version = 1;
	mnl_attr_put_strz(nlh, CTRL_ATTR_FAMILY_NAME, "nlctrl");
	return nlh;
}

static void sockets(void)
{
	char req[64];
	struct mnl_socket *nl = mnl_socket_open(NETLINK_GENERIC);
	struct nlmsghdr *nlh;
	unsigned portid;
	ssize_t n;
	int rc, one = 1, val = 0;
	socklen_t vlen = sizeof(val);

	if (!nl) {
		printf("socket: open failed errno %d\n", errno);
		return;
	}
	printf("socket: fd valid %d\n", mnl_socket_get_fd(nl) >= 0);
	printf("socket: bind %d\n", mnl_socket_bind(nl, 0, MNL_SOCKET_AUTOPID));
	portid = mnl_socket_get_portid(nl);
	printf("socket: portid non-zero %d\n", portid != 0);
	printf("socket: setsockopt CAP_ACK %d\n", mnl_socket_setsockopt(nl, NETLINK_CAP_ACK, &one, sizeof(one)));
	printf("socket: getsockopt CAP_ACK %d value %d\n",
	       mnl_socket_getsockopt(nl, NETLINK_CAP_ACK, &val, &vlen), val);

	nlh = family_request(&req);
	printf("socket: sendto %zd of %u\n", mnl_socket_sendto(nl, nlh, nlh->nlmsg_len), nlh->nlmsg_len);
	/* A 16-byte buffer cannot hold the reply: reported, not half-parsed. */
	errno = 0;
	n = mnl_socket_recvfrom(nl, buf, 16);
	printf("socket: recv into 16 bytes -> %zd errno %d\n", n, n < 0 ? errno : 0);
	n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
	printf("socket: recv ack -> %s\n", n > 0 ? "data" : "nothing");
	if (n > 0) {
		rc = mnl_cb_run(buf, (size_t)n, 1234, portid, on_family, NULL);
		printf("  -> %d\n", rc);
	}
	/* Once more, read whole: reply then ack. */
	nlh = family_request(&req);
	mnl_socket_sendto(nl, nlh, nlh->nlmsg_len);
	rc = MNL_CB_OK;
	while (rc > 0) {
		n = mnl_socket_recvfrom(nl, buf, sizeof(buf));
		if (n <= 0)
			break;
		rc = mnl_cb_run(buf, (size_t)n, 1234, portid, on_family, NULL);
		printf("  -> %d\n", rc);
	}
	printf("socket: close %d\n", mnl_socket_close(nl));
}

int main(void)
{
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("MNL_SOCKET_BUFFER_SIZE %ld MNL_NLMSG_HDRLEN %zu MNL_ATTR_HDRLEN %zu\n",
	       (long)MNL_SOCKET_BUFFER_SIZE, (size_t)MNL_NLMSG_HDRLEN, (size_t)MNL_ATTR_HDRLEN);
	build_headers();
	build_attrs();
	build_checked();
	build_nests();
	build_batch();
	parse_attrs();
	attr_edges();
	streams();
	sockets();
	return 0;
}
