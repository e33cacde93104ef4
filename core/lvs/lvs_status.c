/*
 * lvs_status.c - one virtual server with its real servers as the status
 * table's lines and as a JSON object, from the model alone.
 */
#include <stdio.h>
#include <arpa/inet.h>
#include "json.h"
#include "lvs_ctl.h"
#include "lvs_status.h"
#include "strbuf.h"

static void fmt_ago(char *buf, size_t size, uint64_t now, uint64_t at, bool valid)
{
	if (!valid)
		snprintf(buf, size, "-");
	else
		snprintf(buf, size, "%llus", (unsigned long long)((now - at) / 1000));
}

static const char *kind_name(int k)
{
	return k == CONF_LB_DR ? "DR" : k == CONF_LB_TUN ? "TUN" : "NAT";
}

/* One virtual server and its real servers in the status table; now: ms since the start. */
void lvs_table(struct strbuf *b, const struct lvs *vs, uint64_t now)
{
	const struct conf_virtual_server *cv = vs->conf;
	char ago[32];

	strbuf_printf(b, "\n%s  %s %s", vs->name, cv->lb_algo, kind_name(cv->lb_kind));
	if (cv->persistence_timeout)
		strbuf_printf(b, " persistent %u", cv->persistence_timeout);
	strbuf_printf(b, "  services %d/%d in IPVS, quorum %s%s\n", vs->services_in, vs->nservices,
		      vs->quorum_up ? "up" : "down", vs->suspended ? ", suspended (ha_suspend)" : "");
	strbuf_printf(b, "  %-28s %-5s %6s %6s %8s %8s %10s %6s %6s  %s\n", "REAL SERVER", "STATE", "WEIGHT",
		      "IPVS", "ACTIVE", "INACTIVE", "CONNS", "FLAPS", "SINCE", "REASON");
	for (int r = 0; r < vs->nrs; r++) {
		const struct lrs *rs = &vs->rs[r];
		char kw[16];
		if (rs->services_in)
			snprintf(kw, sizeof(kw), "%d", rs->kernel_weight);
		else
			snprintf(kw, sizeof(kw), "-");
		fmt_ago(ago, sizeof(ago), now, rs->changed_ms, rs->changed_valid);
		/* lvsd ctl's override leads the last column: the IPVS weight differs because of it. */
		char ctl[40] = "";
		if (rs->ctl != LRS_CTL_NONE) {
			char what[32];
			snprintf(ctl, sizeof(ctl), "[ctl: %s]%s", lvs_ctl_describe(rs, what, sizeof(what)),
				 rs->error || rs->reason ? " " : "");
		}
		char name[LRS_NAME_MAX], reason[LVS_REASON_MAX];
		strbuf_printf(b, "  %-28s %-5s %6d %6s %8llu %8llu %10llu %6u %6s  %s%s\n", lrs_name(rs, name),
			      rs->up ? "up" : "down", rs->up ? lvs_rs_weight(rs) : rs_inhibit(vs, rs) ? 0 : rs->conf->weight,
			      kw, (unsigned long long)rs->active, (unsigned long long)rs->inactive,
			      (unsigned long long)rs->conns, rs->transitions, ago, ctl,
			      rs->error ? rs->error : lvs_text(lrs_reason(rs, reason, sizeof(reason))));
	}
	if (cv->sorry_server) {
		char sn[64];
		conf_addr_port(&cv->sorry_server->addr, cv->sorry_server->port, sn, sizeof(sn));
		strbuf_printf(b, "  sorry server %s: %s\n", sn, vs->sorry_in ? "in IPVS" : "standing by");
	}
}

static void lrs_json(struct json *j, const struct lvs *vs, const struct lrs *rs)
{
	char a[INET6_ADDRSTRLEN] = "";

	inet_ntop(rs->conf->addr.family, rs->conf->addr.addr, a, sizeof(a));
	json_object_begin(j);
	char name[LRS_NAME_MAX];
	json_key_string(j, "name", lrs_name(rs, name));
	json_key_string(j, "address", a);
	json_key_uint(j, "port", rs->conf->port);
	json_key_string(j, "health", rs->up ? "up" : "down");
	json_key_int(j, "weight", lvs_rs_weight(rs));
	json_key_int(j, "configured_weight", rs->conf->weight);
	json_key_bool(j, "inhibit_on_failure", rs_inhibit(vs, rs));
	json_key_bool(j, "in_ipvs", rs->services_in);
	json_key_int_if(j, "ipvs_weight", rs->services_in, rs->kernel_weight);
	json_key_uint(j, "active_conns", rs->active);
	json_key_uint(j, "inactive_conns", rs->inactive);
	json_key_uint(j, "conns", rs->conns);
	json_key_uint(j, "transitions", rs->transitions);
	json_key_uint_if(j, "last_change_ms", rs->changed_valid, rs->changed_ms);
	char reason[LVS_REASON_MAX];
	json_key_string(j, "reason", lrs_reason(rs, reason, sizeof(reason)));
	json_key_string(j, "error", rs->error);
	json_key_string(j, "ctl", rs->ctl == LRS_CTL_DRAIN ? "drained" : rs->ctl == LRS_CTL_WEIGHT ? "weight" : NULL);
	json_key_int_if(j, "ctl_weight", rs->ctl != LRS_CTL_NONE, rs->ctl_weight);
	json_object_end(j);
}

void lvs_json(struct json *j, const struct lvs *vs)
{
	const struct conf_virtual_server *cv = vs->conf;

	json_object_begin(j);
	json_key_string(j, "name", vs->name);
	json_key_string(j, "lb_algo", cv->lb_algo ? cv->lb_algo : "");
	json_key_string(j, "lb_kind", kind_name(cv->lb_kind));
	json_key_uint(j, "persistence_timeout", cv->persistence_timeout);
	json_key_int(j, "services", vs->nservices);
	json_key_int(j, "services_in_ipvs", vs->services_in);
	json_key_uint(j, "quorum", cv->quorum);
	json_key_uint(j, "hysteresis", cv->hysteresis);
	json_key_bool(j, "quorum_up", vs->quorum_up);
	json_key_int(j, "live_weight", live_weight(vs));
	json_key_bool(j, "suspended", vs->suspended);
	json_key_uint(j, "conns", vs->stats.conns);
	json_key_uint(j, "inpkts", vs->stats.inpkts);
	json_key_uint(j, "outpkts", vs->stats.outpkts);
	json_key_uint(j, "inbytes", vs->stats.inbytes);
	json_key_uint(j, "outbytes", vs->stats.outbytes);
	if (cv->sorry_server) {
		char sn[64];
		conf_addr_port(&cv->sorry_server->addr, cv->sorry_server->port, sn, sizeof(sn));
		json_key_object(j, "sorry_server");
		json_key_string(j, "name", sn);
		json_key_bool(j, "in_ipvs", vs->sorry_in);
		json_object_end(j);
	} else {
		json_key_null(j, "sorry_server");
	}
	json_key_array(j, "real_servers");
	for (int r = 0; r < vs->nrs; r++)
		lrs_json(j, vs, &vs->rs[r]);
	json_array_end(j);
	json_object_end(j);
}
