/*
 * fake_ipvs.c - core/ipvs.h answered without a kernel, for the host CLI
 * tests only: an IPVS 1.2.1 kernel with an empty table that refuses every
 * request with ENOPROTOOPT, or EAFNOSUPPORT where the old socket-option
 * interface ipvsadm falls back to cannot express the request (IPv6, a
 * persistence engine). ipvsadm_preload.c puts the real ipvsadm in the same
 * state, so both programs' parsing and messages can be compared.
 */
#include <errno.h>
#include <stdlib.h>
#include "ipvs.h"

struct ipvs { int unused; };

static int svc_refusal(const struct ipvs_service *s)
{
	if ((s->af && s->af != AF_INET) || s->pe_name[0])
		return -EAFNOSUPPORT;
	return -ENOPROTOOPT;
}

static int dest_refusal(const struct ipvs_service *s, const struct ipvs_dest *d)
{
	int rc = svc_refusal(s);
	if (rc == -ENOPROTOOPT && d->af && d->af != AF_INET)
		rc = -EAFNOSUPPORT;
	return rc;
}

int ipvs_open(struct ipvs **out) { static struct ipvs h; *out = &h; return 0; }
void ipvs_close(struct ipvs *h) { (void)h; }
int ipvs_get_info(struct ipvs *h, struct ipvs_info *info) { (void)h; info->version = 0x010201; info->conn_tab_size = 4096; return 0; }
int ipvs_add_service(struct ipvs *h, const struct ipvs_service *svc) { (void)h; return svc_refusal(svc); }
int ipvs_edit_service(struct ipvs *h, const struct ipvs_service *svc) { (void)h; return svc_refusal(svc); }
int ipvs_del_service(struct ipvs *h, const struct ipvs_service *svc) { (void)h; return svc_refusal(svc); }
int ipvs_get_service(struct ipvs *h, struct ipvs_service *svc) { (void)h; return svc_refusal(svc); }
int ipvs_flush(struct ipvs *h) { (void)h; return -ENOPROTOOPT; }
int ipvs_zero(struct ipvs *h, const struct ipvs_service *svc) { (void)h; return svc ? svc_refusal(svc) : -ENOPROTOOPT; }
int ipvs_add_dest(struct ipvs *h, const struct ipvs_service *s, const struct ipvs_dest *d) { (void)h; return dest_refusal(s, d); }
int ipvs_edit_dest(struct ipvs *h, const struct ipvs_service *s, const struct ipvs_dest *d) { (void)h; return dest_refusal(s, d); }
int ipvs_del_dest(struct ipvs *h, const struct ipvs_service *s, const struct ipvs_dest *d) { (void)h; return dest_refusal(s, d); }
int ipvs_dump_services(struct ipvs *h, ipvs_service_fn fn, void *arg) { (void)h; (void)fn; (void)arg; return -ENOPROTOOPT; }
int ipvs_dump_dests(struct ipvs *h, const struct ipvs_service *s, ipvs_dest_fn fn, void *arg) { (void)h; (void)fn; (void)arg; return svc_refusal(s); }
int ipvs_get_timeouts(struct ipvs *h, struct ipvs_timeouts *t) { (void)h; (void)t; return -ENOPROTOOPT; }
int ipvs_set_timeouts(struct ipvs *h, const struct ipvs_timeouts *t) { (void)h; (void)t; return -ENOPROTOOPT; }
int ipvs_start_daemon(struct ipvs *h, const struct ipvs_daemon *d) { (void)h; (void)d; return -ENOPROTOOPT; }
int ipvs_stop_daemon(struct ipvs *h, const struct ipvs_daemon *d) { (void)h; (void)d; return -ENOPROTOOPT; }
int ipvs_get_daemons(struct ipvs *h, struct ipvs_daemon out[2], int *n) { (void)h; (void)out; *n = 0; return -ENOPROTOOPT; }
/* No batching: lvsctl then sends -R lines one by one, as ipvsadm does. */
int ipvs_batch_begin(struct ipvs *h) { (void)h; return -EOPNOTSUPP; }
void ipvs_batch_tag(struct ipvs *h, long tag) { (void)h; (void)tag; }
int ipvs_batch_end(struct ipvs *h, long *failed_tag) { (void)h; (void)failed_tag; return -EOPNOTSUPP; }
void ipvs_batch_on_failure(struct ipvs *h, ipvs_batch_fail_fn fn, void *arg) { (void)h; (void)fn; (void)arg; }
