/*
 * vrrp_strict.c - vrrp_strict / strict_mode as keepalived 2.2.7 applies it: the
 * configs it refuses, the settings it corrects, and Accept_Mode.
 */
#include <string.h>
#include "conf.h"
#include "log.h"
#include "vrrp_engine.h"
#include "vrrp_strict.h"

/* keepalived's vrrp_strict, or the instance's own "strict_mode [on|off]". */
bool conf_strict(const struct conf_keepalived *conf, const struct conf_vrrp_instance *c)
{
	const struct conf_node *n = top_block(conf, "vrrp_instance", c->name);
	const struct conf_node *mode = n ? conf_child(n, "strict_mode") : NULL;

	if (!mode)
		return conf->global.vrrp_strict != 0;
	if (mode->nargs < 1)
		return true;
	return strcmp(mode->args[0], "on") == 0 || strcmp(mode->args[0], "true") == 0 ||
	       strcmp(mode->args[0], "yes") == 0;
}

/*
 * What vrrp_strict refuses outright, as keepalived 2.2.7 does (its VRRP
 * process does not start): an instance without virtual addresses. Each is
 * logged; returns how many. Unicast peers are forbidden by its manual too,
 * but 2.2.7 checks before it knows the instance is unicast and runs it:
 * configs that work there must work here, so that is only logged.
 */
int strict_refusals(const struct conf_keepalived *conf)
{
	int bad = 0;

	for (int i = 0; i < conf->ninstances; i++) {
		const struct conf_vrrp_instance *c = &conf->instances[i];
		if (!conf_strict(conf, c))
			continue;
		if (c->unicast_peers.n)
			log_err("%s:%d: (%s) vrrp_strict forbids unicast peers; running unicast anyway, "
				"as keepalived 2.2.7 does", c->file, c->line, c->name);
		if (!c->vips.n) {
			log_err("%s:%d: (%s) vrrp_strict needs at least one virtual_ipaddress", c->file, c->line,
				c->name);
			bad++;
		}
	}
	return bad;
}

/* The rest of vrrp_strict corrects the instance and says so, as keepalived. */
void inst_apply_strict(struct inst *in, const struct conf_vrrp_instance *c)
{
	bool owner = c->priority == 255;

	if (in->want_master != owner) {
		log_err("%s:%d: (%s) vrrp_strict: state MASTER goes with priority 255 only; using state %s",
			c->file, c->line, c->name, owner ? "MASTER" : "BACKUP");
		in->want_master = owner;
	}
	if (in->auth_type != CONF_AUTH_NONE) {
		log_err("%s:%d: (%s) vrrp_strict: authentication is not allowed, ignored", c->file, c->line,
			c->name);
		in->auth_type = CONF_AUTH_NONE;
	}
	if (in->preempt_delay_ms) {
		log_err("%s:%d: (%s) vrrp_strict: preempt_delay is not allowed, ignored", c->file, c->line,
			c->name);
		in->preempt_delay_ms = 0;
	}
	if (in->family == AF_INET6 && c->vips.n &&
	    !(c->vips.v[0].addr.addr[0] == 0xfe && (c->vips.v[0].addr.addr[1] & 0xc0) == 0x80))
		log_err("%s:%d: (%s) vrrp_strict: the first IPv6 virtual address must be link-local",
			c->file, c->line, c->name);
	if (c->accept_mode == CONF_ACCEPT_ON && in->version == 2 && c->priority != 255)
		log_err("%s:%d: (%s) vrrp_strict: accept mode is not in VRRPv2 (RFC 3768), ignored",
			c->file, c->line, c->name);
}

/*
 * RFC 5798's Accept_Mode, as keepalived 2.2.7 settles it: off with
 * no_accept, or under vrrp_strict unless "accept" (VRRPv3 only); always
 * on for the address owner (priority 255).
 */
bool inst_no_accept(const struct inst *in, const struct conf_vrrp_instance *c)
{
	if (c->priority == 255)
		return false;
	if (c->accept_mode == CONF_ACCEPT_OFF)
		return true;
	return in->strict && (c->accept_mode == CONF_ACCEPT_UNSET || in->version == 2);
}

/* vrrp_strict: no lower-priority GARPs and no answering advert; only
 * what the instance asked for itself is an error, as in keepalived. */
void inst_strict_lower_prio(struct inst *in, const struct conf_keepalived *conf,
			    const struct conf_vrrp_instance *c)
{
	static const char *const keywords[] = { "garp_lower_prio_repeat", "garp_lower_prio_delay",
						 "lower_prio_no_advert" };
	const struct conf_node *n = top_block(conf, "vrrp_instance", c->name);

	for (size_t i = 0; n && i < sizeof(keywords) / sizeof(keywords[0]); i++) {
		const struct conf_node *k = conf_child(n, keywords[i]);
		bool conflicts = i < 2 ? (i == 0 ? c->garp_lower_prio_repeat : c->garp_lower_prio_delay_ms) != 0
				       : !c->lower_prio_no_advert;
		if (k && conflicts)
			log_err("%s:%d: (%s) vrrp_strict: %s is not allowed, ignored", k->file, k->line,
				c->name, keywords[i]);
	}
	in->garp_lower_prio_repeat = 0;
	in->garp_lower_prio_delay_ms = 0;
	in->lower_prio_advert = false;
}
