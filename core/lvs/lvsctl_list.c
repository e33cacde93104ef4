/*
 * lvsctl_list.c - the list commands: the table read from the kernel and
 * put in ipvsadm's order, then handed to the text or JSON printers.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ipvs_errors.h"
#include "lvsctl.h"
#include "lvsctl_json.h"
#include "lvsctl_list.h"
#include "lvsctl_print.h"
#include "lvsctl_text.h"

#define CONN_PROC_FILE          "/proc/net/ip_vs_conn"

/* ---------------------------------------------------------------------
 * Collecting and sorting the table.
 */
struct svc_vec {
	struct ipvs_service *v;
	size_t n, cap;
};

struct dest_vec {
	struct ipvs_dest *v;
	size_t n, cap;
};

static int grow(void **v, size_t *cap, size_t n, size_t elem)
{
	if (n < *cap)
		return 0;
	size_t ncap = *cap ? *cap * 2 : 64;
	void *nv = realloc(*v, ncap * elem);
	if (!nv)
		return -ENOMEM;
	*v = nv;
	*cap = ncap;
	return 0;
}

static int collect_service(const struct ipvs_service *s, void *arg)
{
	struct svc_vec *sv = arg;
	if (grow((void **)&sv->v, &sv->cap, sv->n, sizeof(*s)))
		return -ENOMEM;
	sv->v[sv->n++] = *s;
	return 0;
}

static int collect_dest(const struct ipvs_dest *d, void *arg)
{
	struct dest_vec *dv = arg;
	if (grow((void **)&dv->v, &dv->cap, dv->n, sizeof(*d)))
		return -ENOMEM;
	dv->v[dv->n++] = *d;
	return 0;
}

/*
 * ipvsadm sorts with qsort and comparators that subtract unsigned values
 * into an int, so e.g. 200.0.0.1 sorts before 10.0.0.1. To list in the very
 * same order we keep the arithmetic, and sort the way glibc's qsort does
 * (top-down merge sort, left half n/2, ties keep the left element), which
 * matters because such a comparison is not a consistent order.
 */
typedef int (*cmp_fn)(const void *a, const void *b);

static void merge_sort(const void **v, const void **tmp, size_t n, cmp_fn cmp)
{
	if (n <= 1)
		return;
	size_t n1 = n / 2, n2 = n - n1, i = 0, j = 0, k = 0;
	const void **left = v, **right = v + n1;
	merge_sort(left, tmp, n1, cmp);
	merge_sort(right, tmp, n2, cmp);
	while (i < n1 && j < n2)
		tmp[k++] = cmp(left[i], right[j]) <= 0 ? left[i++] : right[j++];
	while (i < n1)
		tmp[k++] = left[i++];
	memcpy(v, tmp, k * sizeof(*v));
}

static int wrapped_diff(uint32_t a, uint32_t b)
{
	return (int)(int32_t)(a - b);
}

static int addr_diff(int af, const union ipvs_addr *a, const union ipvs_addr *b)
{
	int r = 0;
	for (int i = 0; i < (af == AF_INET6 ? 4 : 1) && !r; i++) {
		uint32_t x, y;
		memcpy(&x, a->raw + 4 * i, 4);
		memcpy(&y, b->raw + 4 * i, 4);
		r = wrapped_diff(ntohl(x), ntohl(y));
	}
	return r;
}

static int cmp_services(const void *pa, const void *pb)
{
	const struct ipvs_service *a = pa, *b = pb;
	int r;
	if ((r = wrapped_diff(a->fwmark, b->fwmark)))
		return r;
	if ((r = (int)a->af - (int)b->af))
		return r;
	if ((r = (int)a->protocol - (int)b->protocol))
		return r;
	if ((r = addr_diff(a->af, &a->addr, &b->addr)))
		return r;
	return (int)a->port - (int)b->port;
}

static int cmp_dests(const void *pa, const void *pb)
{
	const struct ipvs_dest *a = pa, *b = pb;
	int r = addr_diff(a->af, &a->addr, &b->addr);
	return r ? r : (int)a->port - (int)b->port;
}

/* Pointers to the elements, sorted unless --nosort. */
static const void **ordered(const void *base, size_t n, size_t elem, bool sort, cmp_fn cmp)
{
	const void **v = malloc((n + 1) * sizeof(*v)), **tmp;
	if (!v)
		return NULL;
	for (size_t i = 0; i < n; i++)
		v[i] = (const char *)base + i * elem;
	if (sort && n > 1 && (tmp = malloc(n * sizeof(*tmp)))) {
		merge_sort(v, tmp, n, cmp);
		free(tmp);
	}
	return v;
}

/* ---------------------------------------------------------------------
 * Listing.
 */
/* dests_buf: reused from service to service, freed by the caller. j: the
 * JSON being written, NULL for the text listing. */
static int print_one_service(struct ipvs *h, const struct ipvs_service *se, unsigned format, struct json *j,
			     struct dest_vec *dests_buf)
{
	struct dest_vec dv = *dests_buf;
	char svc_name[1024];
	dv.n = 0;
	int err = ipvs_dump_dests(h, se, collect_dest, &dv);
	*dests_buf = dv;

	if (err) {
		if (j)
			lvsctl_json_flush(j->out);
		fflush(stdout);
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_GET_DESTS, -err));
		return 1;
	}
	const void **order = ordered(dv.v, dv.n, sizeof(*dv.v), !(format & LVS_FMT_NOSORT), cmp_dests);
	if (!order)
		return 1;
	if (j) {
		lvsctl_json_service_open(j, se);
		for (size_t i = 0; i < dv.n; i++)
			lvsctl_json_dest(j, order[i]);
		json_array_end(j);
		json_object_end(j);
	} else {
		lvsctl_print_service_head(se, format, svc_name);
		for (size_t i = 0; i < dv.n; i++)
			lvsctl_print_dest_line(se, order[i], svc_name, format);
	}
	free(order);
	return j && j->out->len >= LVSCTL_JSON_CHUNK ? lvsctl_json_flush(j->out) : 0;
}

int lvsctl_list_all(struct ipvs *h, const struct ipvs_info *info, unsigned format)
{
	struct svc_vec sv = { 0 };
	struct strbuf out = { 0 };
	struct json j;
	int rc = 0;
	bool json = format & LVS_FMT_JSON;

	if (json) {
		char version[32];
		snprintf(version, sizeof(version), "%u.%u.%u",
			 (info->version >> 16) & 0xff, (info->version >> 8) & 0xff, info->version & 0xff);
		json_init(&j, &out);
		json_object_begin(&j);
		json_key_string(&j, "version", version);
		json_key_uint(&j, "conn_tab_size", info->conn_tab_size);
		json_key_array(&j, "services");
	} else if (!(format & LVS_FMT_RULE))
		printf("IP Virtual Server version %u.%u.%u (size=%u)\n",
		       (info->version >> 16) & 0xff, (info->version >> 8) & 0xff, info->version & 0xff,
		       info->conn_tab_size);
	int err = ipvs_dump_services(h, collect_service, &sv);
	if (err) {
		lvsctl_json_flush(&out);
		strbuf_free(&out);
		fflush(stdout);
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_OTHER, -err));
		free(sv.v);
		return 1;
	}
	const void **order = ordered(sv.v, sv.n, sizeof(*sv.v), !(format & LVS_FMT_NOSORT), cmp_services);
	if (!order) {
		strbuf_free(&out);
		free(sv.v);
		return 1;
	}
	if (!json)
		lvsctl_print_title(format);
	struct dest_vec dests = { 0 };
	for (size_t i = 0; i < sv.n && !rc; i++)
		rc = print_one_service(h, order[i], format, json ? &j : NULL, &dests);
	if (json) {
		if (!rc) {
			json_array_end(&j);
			json_object_end(&j);
			strbuf_putc(&out, '\n');
		}
		/* after a failure, what was listed before it still goes out */
		int flush_rc = lvsctl_json_flush(&out);
		rc = rc ? rc : flush_rc;
	}
	strbuf_free(&out);
	free(dests.v);
	free(order);
	free(sv.v);
	return rc;
}

int lvsctl_list_service(struct ipvs *h, const struct ipvs_service *want, unsigned format)
{
	struct ipvs_service se = *want;
	int err = ipvs_get_service(h, &se);
	if (err) {
		fprintf(stderr, "%s\n", ipvs_error_text(CALL_GET_SERVICE, -err));
		return 1;
	}
	struct dest_vec dests = { 0 };
	int rc;
	if (format & LVS_FMT_JSON) {
		struct strbuf out = { 0 };
		struct json j;
		json_init(&j, &out);
		json_object_begin(&j);
		json_key_array(&j, "services");
		rc = print_one_service(h, &se, format, &j, &dests);
		if (!rc) {
			json_array_end(&j);
			json_object_end(&j);
			strbuf_putc(&out, '\n');
			rc = lvsctl_json_flush(&out);
		}
		strbuf_free(&out);
	} else {
		lvsctl_print_title(format);
		rc = print_one_service(h, &se, format, NULL, &dests);
	}
	free(dests.v);
	return rc;
}

int lvsctl_list_timeout(struct ipvs *h, unsigned format)
{
	struct ipvs_timeouts t;
	if (ipvs_get_timeouts(h, &t))
		return 1;
	if (format & LVS_FMT_JSON) {
		struct strbuf out = { 0 };
		struct json j;
		json_init(&j, &out);
		json_object_begin(&j);
		json_key_uint(&j, "tcp", t.tcp);
		json_key_uint(&j, "tcp_fin", t.tcp_fin);
		json_key_uint(&j, "udp", t.udp);
		json_object_end(&j);
		strbuf_putc(&out, '\n');
		int rc = lvsctl_json_flush(&out);
		strbuf_free(&out);
		return rc;
	} else {
		printf("Timeout (tcp tcpfin udp): %d %d %d\n", (int)t.tcp, (int)t.tcp_fin, (int)t.udp);
	}
	return 0;
}

int lvsctl_list_daemon(struct ipvs *h, unsigned format)
{
	struct ipvs_daemon d[2];
	struct strbuf out = { 0 };
	struct json j;
	int n = 0;
	bool json = format & LVS_FMT_JSON;

	memset(d, 0, sizeof(d));
	if (ipvs_get_daemons(h, d, &n))
		return 1;
	if (json) {
		json_init(&j, &out);
		json_object_begin(&j);
		json_key_array(&j, "daemons");
	}
	for (int i = 0; i < n && i < 2; i++) {
		const char *type = d[i].state & IP_VS_STATE_MASTER ? "master" :
				   d[i].state & IP_VS_STATE_BACKUP ? "backup" : NULL;
		char group[64] = "";
		if (!type)
			continue;
		if (d[i].mcast_af == AF_INET6)
			lvsctl_format_ipv6(d[i].mcast_group.raw, group, sizeof(group));
		else if (d[i].mcast_af == AF_INET)
			lvsctl_format_addr(AF_INET, &d[i].mcast_group, group, sizeof(group));
		if (json) {
			json_object_begin(&j);
			json_key_string(&j, "state", type);
			json_key_string(&j, "mcast_interface", d[i].mcast_ifn);
			json_key_uint(&j, "syncid", d[i].syncid);
			json_key_uint(&j, "sync_maxlen", d[i].sync_maxlen);
			json_key_string(&j, "mcast_group", group);
			json_key_uint(&j, "mcast_port", d[i].mcast_port);
			json_key_uint(&j, "mcast_ttl", d[i].mcast_ttl);
			json_object_end(&j);
			continue;
		}
		printf("%s sync daemon (mcast=%s, syncid=%d", type, d[i].mcast_ifn, (int)d[i].syncid);
		if (d[i].sync_maxlen)
			printf(", maxlen=%u", d[i].sync_maxlen);
		if (group[0])
			printf(", group=%s", group);
		if (d[i].mcast_port)
			printf(", port=%u", d[i].mcast_port);
		if (d[i].mcast_ttl)
			printf(", ttl=%u", d[i].mcast_ttl);
		printf(")\n");
	}
	if (json) {
		json_array_end(&j);
		json_object_end(&j);
		strbuf_putc(&out, '\n');
		int rc = lvsctl_json_flush(&out);
		strbuf_free(&out);
		return rc;
	}
	return 0;
}

/* One line of /proc/net/ip_vs_conn's address columns: IPv4 as hex, IPv6 as text. */
static int conn_addr(const char *text, union ipvs_addr *a, int *af)
{
	memset(a, 0, sizeof(*a));
	if (inet_pton(AF_INET6, text, &a->v6) > 0) {
		*af = AF_INET6;
	} else {
		*af = AF_INET;
		if (inet_pton(AF_INET, text, &a->v4) <= 0)
			a->v4.s_addr = htonl((uint32_t)strtoul(text, NULL, 16));
	}
	return 0;
}

/* j: the JSON being written, NULL for the text listing. */
static int print_conn(const char *line, unsigned format, struct json *j)
{
	char proto_s[256], c_s[256], v_s[256], d_s[256], state[256], pe_name[256], pe_data[256];
	unsigned short cport = 0, vport = 0, dport = 0;
	int expires = 0, caf, vaf, daf;
	union ipvs_addr ca, va, da;
	uint16_t proto;

	char *text[] = { proto_s, c_s, NULL, v_s, NULL, d_s, NULL, state, NULL, pe_name, pe_data };
	unsigned short *port[] = { NULL, NULL, &cport, NULL, &vport, NULL, &dport };
	int n = 0;

	proto_s[0] = c_s[0] = v_s[0] = d_s[0] = state[0] = pe_name[0] = pe_data[0] = '\0';
	/* The columns in order until one does not convert, as ipvsadm's
	 * sscanf reads them: ports in hex, expires in decimal. */
	for (const char *p = line; n < 11; n++) {
		p += strspn(p, " \t\n");
		size_t len = strcspn(p, " \t\n");
		char word[256], *end;
		if (!len)
			break;
		snprintf(word, sizeof(word), "%.*s", (int)len, p);
		p += len;
		if (text[n]) {
			strcpy(text[n], word);
			continue;
		}
		unsigned long v = strtoul(word, &end, n == 8 ? 10 : 16);
		if (end == word || *end)
			break;
		if (n == 8)
			expires = (int)v;
		else
			*port[n] = (unsigned short)v;
	}
	if (n == 0)
		return 1;
	proto = strcmp(proto_s, "TCP") == 0 ? IPPROTO_TCP : strcmp(proto_s, "UDP") == 0 ? IPPROTO_UDP :
		strcmp(proto_s, "SCTP") == 0 ? IPPROTO_SCTP : 0;
	conn_addr(c_s, &ca, &caf);
	/* the virtual address is read in the client's family */
	memset(&va, 0, sizeof(va));
	vaf = caf;
	if (caf == AF_INET6)
		inet_pton(AF_INET6, v_s, &va.v6);
	else if (inet_pton(AF_INET, c_s, &ca.v4) > 0)
		inet_pton(AF_INET, v_s, &va.v4);
	else
		va.v4.s_addr = htonl((uint32_t)strtoul(v_s, NULL, 16));
	conn_addr(d_s, &da, &daf);

	if (j) {
		char a1[64], a2[64], a3[64];
		lvsctl_format_addr(caf, &ca, a1, sizeof(a1));
		lvsctl_format_addr(vaf, &va, a2, sizeof(a2));
		lvsctl_format_addr(daf, &da, a3, sizeof(a3));
		json_object_begin(j);
		json_key_string(j, "protocol", proto_s);
		json_key_string(j, "client_address", a1);
		json_key_uint(j, "client_port", cport);
		json_key_string(j, "virtual_address", a2);
		json_key_uint(j, "virtual_port", vport);
		json_key_string(j, "dest_address", a3);
		json_key_uint(j, "dest_port", dport);
		json_key_string(j, "state", state);
		json_key_int(j, "expires", expires);
		json_key_string(j, "pe_name", n == 11 ? pe_name : "");
		json_key_string(j, "pe_data", n == 11 ? pe_data : "");
		json_object_end(j);
		return j->out->len >= LVSCTL_JSON_CHUNK ? lvsctl_json_flush(j->out) : 0;
	}

	char cname[60], vname[60], dname[60], expire_str[32];
	lvsctl_addrport_name(caf, &ca, cport, proto, format, cname);
	lvsctl_addrport_name(vaf, &va, vport, proto, format, vname);
	lvsctl_addrport_name(daf, &da, dport, proto, format, dname);
	snprintf(expire_str, sizeof(expire_str), "%02d:%02d", (int)((unsigned)expires / 60), (int)((unsigned)expires % 60));
	if ((format & LVS_FMT_PERSISTENTCONN) && n == 11)
		printf("%-3s %-6s %-11s %-18s %-18s %-16s %-18s %s\n",
		       proto_s, expire_str, state, cname, vname, dname, pe_name, pe_data);
	else
		printf("%-3s %-6s %-11s %-18s %-18s %s\n", proto_s, expire_str, state, cname, vname, dname);
	return 0;
}

int lvsctl_list_conn(unsigned format)
{
	char buf[256];
	struct strbuf out = { 0 };
	struct json j;
	bool json = format & LVS_FMT_JSON;
	FILE *f = fopen(CONN_PROC_FILE, "r");

	if (!f) {
		fprintf(stderr, "cannot open file %s\n", CONN_PROC_FILE);
		return 1;
	}
	if (!fgets(buf, sizeof(buf), f)) {
		fprintf(stderr, "unexpected input from %s\n", CONN_PROC_FILE);
		fclose(f);
		return 1;
	}
	if (json) {
		json_init(&j, &out);
		json_object_begin(&j);
		json_key_array(&j, "connections");
	} else if (format & LVS_FMT_PERSISTENTCONN)
		printf("IPVS connection entries\npro expire %-11s %-18s %-18s %-18s %-16s %s\n",
		       "state", "source", "virtual", "destination", "pe name", "pe_data");
	else
		printf("IPVS connection entries\npro expire %-11s %-18s %-18s %s\n",
		       "state", "source", "virtual", "destination");
	int rc = 0;
	while (!rc && fgets(buf, sizeof(buf), f))
		rc = print_conn(buf, format, json ? &j : NULL);
	if (json) {
		if (!rc) {
			json_array_end(&j);
			json_object_end(&j);
			strbuf_putc(&out, '\n');
		}
		int flush_rc = lvsctl_json_flush(&out);
		rc = rc ? rc : flush_rc;
		strbuf_free(&out);
	}
	fclose(f);
	return rc;
}
