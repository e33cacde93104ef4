/*
 * lvs_ctl.c - `lvsd ctl` requests into overrides of lvsd's model (see
 * lvs_ctl.h): the parser, the look-up by ipvsadm's or lvsd's names, and
 * the override itself.
 */
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include "log.h"
#include "lvs_ctl.h"

#define MAX_WORDS 8
#define MAX_WORD 80

static const char usage[] =
	"usage: drain|enable VS RS, weight VS RS N; VS: -t|-u|--sctp-service ADDR:PORT, -f MARK, "
	"or tcp/ADDR:PORT, fwm/MARK, group/NAME as lvsd -s shows; RS: ADDR[:PORT] ([IPv6]:PORT)";

struct words {
	char w[MAX_WORDS][MAX_WORD];
	int n, at;
};

/* Splits line at blanks into words; false when there are too many or one is too long. */
static bool split(const char *line, struct words *ws)
{
	ws->n = ws->at = 0;
	for (const char *p = line; *p;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (!*p)
			break;
		size_t len = strcspn(p, " \t");
		if (ws->n == MAX_WORDS || len >= MAX_WORD)
			return false;
		memcpy(ws->w[ws->n], p, len);
		ws->w[ws->n][len] = '\0';
		ws->n++;
		p += len;
	}
	return true;
}

static const char *next_word(struct words *ws)
{
	return ws->at < ws->n ? ws->w[ws->at++] : NULL;
}

static bool is(const char *word, const char *a, const char *b)
{
	return word && (strcmp(word, a) == 0 || (b && strcmp(word, b) == 0));
}

static bool verb_of(const char *word, enum lvs_ctl_verb *verb)
{
	if (is(word, "drain", NULL))
		*verb = LVS_CTL_DRAIN;
	else if (is(word, "enable", NULL))
		*verb = LVS_CTL_ENABLE;
	else if (is(word, "weight", NULL))
		*verb = LVS_CTL_WEIGHT;
	else
		return false;
	return true;
}

bool lvs_ctl_is_request(const char *line)
{
	enum lvs_ctl_verb verb;
	char first[16];
	size_t len = strcspn(line, " \t");

	if (len == 0 || len >= sizeof(first))
		return false;
	memcpy(first, line, len);
	first[len] = '\0';
	return verb_of(first, &verb);
}

static int fail(char *err, size_t errlen, const char *fmt, const char *word)
{
	snprintf(err, errlen, fmt, word ? word : "");
	return -1;
}

/* An address service in ipvsadm's or lvsd's spelling, with its port. */
static int vs_address(struct lvs_ctl_cmd *cmd, int protocol, const char *text, char *err, size_t errlen)
{
	bool has_port;

	cmd->vs_kind = LVS_CTL_VS_ADDR;
	cmd->protocol = protocol;
	if (!lvs_addr_port(text, &cmd->vs_addr, &cmd->vs_port, &has_port) || !has_port)
		return fail(err, errlen, "virtual server '%s': a numeric ADDR:PORT ([ADDR]:PORT for IPv6) expected",
			    text);
	return 0;
}

static int vs_fwmark(struct lvs_ctl_cmd *cmd, const char *text, char *err, size_t errlen)
{
	long long mark = lvs_decimal(text, 0xffffffffLL);

	cmd->vs_kind = LVS_CTL_VS_FWMARK;
	if (mark <= 0)
		return fail(err, errlen, "virtual server fwmark '%s': a number from 1 to 4294967295 expected", text);
	cmd->fwmark = (unsigned)mark;
	return 0;
}

static int parse_vs(struct words *ws, struct lvs_ctl_cmd *cmd, char *err, size_t errlen)
{
	static const struct { const char *opt, *long_opt, *prefix; int protocol; } forms[] = {
		{ "-t", "--tcp-service", "tcp/", CONF_PROTO_TCP },
		{ "-u", "--udp-service", "udp/", CONF_PROTO_UDP },
		{ NULL, "--sctp-service", "sctp/", CONF_PROTO_SCTP },
	};
	const char *w = next_word(ws);
	int rc;

	if (!w)
		return fail(err, errlen, "%s", usage);
	for (size_t i = 0; i < sizeof(forms) / sizeof(forms[0]); i++) {
		size_t plen = strlen(forms[i].prefix);
		if ((forms[i].opt && strcmp(w, forms[i].opt) == 0) || strcmp(w, forms[i].long_opt) == 0) {
			const char *arg = next_word(ws);
			if (!arg)
				return fail(err, errlen, "%s needs ADDR:PORT", w);
			snprintf(cmd->vs_text, sizeof(cmd->vs_text), "%s %s", w, arg);
			return vs_address(cmd, forms[i].protocol, arg, err, errlen);
		}
		if (strncmp(w, forms[i].prefix, plen) == 0) {
			snprintf(cmd->vs_text, sizeof(cmd->vs_text), "%s", w);
			return vs_address(cmd, forms[i].protocol, w + plen, err, errlen);
		}
	}
	if (is(w, "-f", "--fwmark-service")) {
		const char *arg = next_word(ws);
		if (!arg)
			return fail(err, errlen, "%s needs MARK", w);
		snprintf(cmd->vs_text, sizeof(cmd->vs_text), "%s %s", w, arg);
		if ((rc = vs_fwmark(cmd, arg, err, errlen)) != 0)
			return rc;
		if (ws->at < ws->n && is(ws->w[ws->at], "-6", "--ipv6")) {
			ws->at++;
			cmd->fwmark_family = AF_INET6;
		}
		return 0;
	}
	if (strncmp(w, "fwm/", 4) == 0) {
		snprintf(cmd->vs_text, sizeof(cmd->vs_text), "%s", w);
		return vs_fwmark(cmd, w + 4, err, errlen);
	}
	if (strncmp(w, "group/", 6) == 0 && w[6]) {
		snprintf(cmd->vs_text, sizeof(cmd->vs_text), "%s", w);
		cmd->vs_kind = LVS_CTL_VS_GROUP;
		snprintf(cmd->group, sizeof(cmd->group), "%s", w + 6);
		return 0;
	}
	return fail(err, errlen, "virtual server '%s' not understood: -t|-u|--sctp-service ADDR:PORT, -f MARK, "
			       "tcp/ADDR:PORT, fwm/MARK or group/NAME", w);
}

int lvs_ctl_parse(const char *line, struct lvs_ctl_cmd *cmd, char *err, size_t errlen)
{
	struct words ws;
	const char *w;
	int rc;

	memset(cmd, 0, sizeof(*cmd));
	if (!split(line, &ws))
		return fail(err, errlen, "%s", usage);
	if (!verb_of(next_word(&ws), &cmd->verb))
		return fail(err, errlen, "%s", usage);
	if ((rc = parse_vs(&ws, cmd, err, errlen)) != 0)
		return rc;
	w = next_word(&ws);
	if (is(w, "-r", "--real-server"))
		w = next_word(&ws);
	if (!w)
		return fail(err, errlen, "%s", usage);
	snprintf(cmd->rs_text, sizeof(cmd->rs_text), "%s", w);
	if (!lvs_addr_port(w, &cmd->rs_addr, &cmd->rs_port, &cmd->rs_has_port))
		return fail(err, errlen, "real server '%s': a numeric ADDR[:PORT] ([ADDR]:PORT for IPv6) expected", w);
	if (cmd->verb == LVS_CTL_WEIGHT) {
		w = next_word(&ws);
		if (is(w, "-w", "--weight"))
			w = next_word(&ws);
		if (!w)
			return fail(err, errlen, "weight needs N (0-65535) after the real server%s", NULL);
		long long n = lvs_decimal(w, LVS_CTL_MAX_WEIGHT);
		if (n < 0)
			return fail(err, errlen, "weight '%s': a number from 0 to 65535 expected", w);
		cmd->weight = (int)n;
	}
	if ((w = next_word(&ws)) != NULL)
		return fail(err, errlen, "unexpected '%s' after the real server", w);
	return 0;
}

static size_t ip_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

static uint16_t ipproto_of(int protocol)
{
	return protocol == CONF_PROTO_UDP ? IPPROTO_UDP : protocol == CONF_PROTO_SCTP ? IPPROTO_SCTP : IPPROTO_TCP;
}

static bool vs_matches(const struct conf_keepalived *conf, const struct lvs *vs, const struct lvs_ctl_cmd *cmd)
{
	const struct conf_virtual_server *cv = vs->conf;
	struct ipvs_service key;

	if (cmd->vs_kind == LVS_CTL_VS_GROUP)
		return cv->kind == CONF_VS_GROUP && cv->group && strcmp(cv->group, cmd->group) == 0;
	memset(&key, 0, sizeof(key));
	if (cmd->vs_kind == LVS_CTL_VS_FWMARK) {
		key.fwmark = cmd->fwmark;
		key.af = AF_INET6;
		if (lvs_serves(conf, vs, &key))
			return true;
		key.af = AF_INET;
		return cmd->fwmark_family != AF_INET6 && lvs_serves(conf, vs, &key);
	}
	key.af = (uint16_t)cmd->vs_addr.family;
	key.protocol = ipproto_of(cmd->protocol);
	memcpy(key.addr.raw, cmd->vs_addr.addr, ip_len(cmd->vs_addr.family));
	key.port = (uint16_t)cmd->vs_port;
	return lvs_serves(conf, vs, &key);
}

static bool rs_matches(const struct lrs *rs, const struct lvs_ctl_cmd *cmd)
{
	const struct conf_ip *a = &rs->conf->addr;

	return a->family == cmd->rs_addr.family && memcmp(a->addr, cmd->rs_addr.addr, ip_len(a->family)) == 0 &&
	       (!cmd->rs_has_port || rs->conf->port == cmd->rs_port);
}

int lvs_ctl_find(const struct conf_keepalived *conf, struct lvs *model, int nvs, const struct lvs_ctl_cmd *cmd,
		 struct lvs **vsp, struct lrs **rsp, char *err, size_t errlen)
{
	struct lvs *vs = NULL;
	struct lrs *rs = NULL;
	int nvs_found = 0, nrs_found = 0;

	for (int v = 0; v < nvs; v++)
		if (vs_matches(conf, &model[v], cmd)) {
			if (!vs)
				vs = &model[v];
			nvs_found++;
		}
	if (!vs)
		return fail(err, errlen, "no virtual server %s in the running config", cmd->vs_text);
	if (nvs_found > 1) {
		snprintf(err, errlen, "%s is %d virtual servers in the running config; name one as lvsd -s does",
			 cmd->vs_text, nvs_found);
		return -1;
	}
	for (int r = 0; r < vs->nrs; r++)
		if (rs_matches(&vs->rs[r], cmd)) {
			if (!rs)
				rs = &vs->rs[r];
			nrs_found++;
		}
	if (!rs) {
		snprintf(err, errlen, "no real server %s in virtual server %s", cmd->rs_text, vs->name);
		return -1;
	}
	if (nrs_found > 1) {
		snprintf(err, errlen, "%s is %d real servers of %s; give the port", cmd->rs_text, nrs_found, vs->name);
		return -1;
	}
	*vsp = vs;
	*rsp = rs;
	return 0;
}

bool lvs_ctl_apply(struct lrs *rs, const struct lvs_ctl_cmd *cmd)
{
	enum lrs_ctl was = rs->ctl;
	int was_weight = rs->ctl_weight;

	switch (cmd->verb) {
	case LVS_CTL_DRAIN:
		rs->ctl = LRS_CTL_DRAIN;
		rs->ctl_weight = 0;
		break;
	case LVS_CTL_ENABLE:
		rs->ctl = LRS_CTL_NONE;
		rs->ctl_weight = 0;
		break;
	case LVS_CTL_WEIGHT:
		rs->ctl = LRS_CTL_WEIGHT;
		rs->ctl_weight = cmd->weight;
		break;
	}
	return rs->ctl != was || rs->ctl_weight != was_weight;
}

const char *lvs_ctl_describe(const struct lrs *rs, char *buf, size_t size)
{
	if (rs->ctl == LRS_CTL_DRAIN)
		snprintf(buf, size, "drained");
	else if (rs->ctl == LRS_CTL_WEIGHT)
		snprintf(buf, size, "weight %d", rs->ctl_weight);
	else
		snprintf(buf, size, "none");
	return buf;
}

static void log_kept(const char *vs_name, const char *rs_name, const char *what)
{
	log_notice("reload: %s %s: ctl override (%s) kept (--keep-overrides)", vs_name, rs_name, what);
}

void lvs_ctl_log_kept(const struct lvs *vs)
{
	char what[32], name[LRS_NAME_MAX];

	for (int r = 0; r < vs->nrs; r++)
		if (vs->rs[r].ctl != LRS_CTL_NONE)
			log_kept(vs->name, lrs_name(&vs->rs[r], name), lvs_ctl_describe(&vs->rs[r], what, sizeof(what)));
}

int lvs_ctl_carry(struct lvs *model, int nvs, const struct lvs *old, int nold)
{
	int carried = 0;
	char what[32], name[LRS_NAME_MAX];

	for (int v = 0; v < nold; v++)
		for (int r = 0; r < old[v].nrs; r++) {
			const struct lrs *ors = &old[v].rs[r];
			if (ors->ctl == LRS_CTL_NONE)
				continue;
			lrs_name(ors, name);
			struct lrs *rs = lvs_find_rs(model, nvs, old[v].name, strlen(old[v].name), name,
						     strlen(name), NULL);
			lvs_ctl_describe(ors, what, sizeof(what));
			if (!rs) {
				log_notice("reload: %s %s is gone from the config: its ctl override (%s) with it",
					   old[v].name, name, what);
				continue;
			}
			rs->ctl = ors->ctl;
			rs->ctl_weight = ors->ctl_weight;
			carried++;
			log_kept(old[v].name, name, what);
		}
	return carried;
}
