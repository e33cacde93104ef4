/*
 * lvs_event.c - checkd's event lines into lvsd's model: parsing a line,
 * applying it to the real server it names, and the quorum that follows.
 * No sockets and no daemon state, so unit tests and the fuzzer reach it.
 */
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "log.h"
#include "lvs_event.h"

/* Like strsep() on line[*pos, len) with *done as its NULL: false when nothing is left. */
static bool event_field(const char *line, size_t len, size_t *pos, bool *done, const char **f, size_t *flen)
{
	if (*done)
		return false;
	const char *start = line + *pos;
	const char *sp = memchr(start, ' ', len - *pos);
	if (sp) {
		*flen = (size_t)(sp - start);
		*pos += *flen + 1;
	} else {
		*flen = len - *pos;
		*pos = len;
		*done = true;
	}
	*f = start;
	return true;
}

static bool event_word_is(const char *f, size_t n, const char *word)
{
	return n == strlen(word) && memcmp(f, word, n) == 0;
}

/*
 * weight=N's number as strtol() reads it: decimal, after optional white
 * space and a sign. -1 unless that is all of the text and 0..INT32_MAX;
 * no text at all reads as 0.
 */
static long event_weight(const char *s, size_t n)
{
	size_t i = 0;
	bool negative = false;
	uint64_t v = 0;

	while (i < n && (s[i] == ' ' || (s[i] >= '\t' && s[i] <= '\r')))   /* isspace() in the C locale */
		i++;
	if (i < n && (s[i] == '+' || s[i] == '-'))
		negative = s[i++] == '-';
	size_t digits = i;
	for (; i < n && s[i] >= '0' && s[i] <= '9'; i++)
		if (v <= INT32_MAX)
			v = v * 10 + (uint64_t)(s[i] - '0');
	if (i == digits)
		return n == 0 ? 0 : -1;
	if (i != n || (negative && v != 0) || v > INT32_MAX)
		return -1;
	return (long)v;
}

/*
 * "SECONDS up|down|weight VS RS weight=N [inhibit] [initial] [reason=TEXT]":
 * 0 and *out filled, or LVS_EVENT_MALFORMED, or LVS_EVENT_UNKNOWN with
 * out->word set. SECONDS is not read; words other than initial before
 * reason= are ignored. Reads only line[0, len).
 */
int lvs_event_parse(const char *line, size_t len, struct lvs_event *out)
{
	const char *field[5];
	size_t flen[5], pos = 0;
	bool done = false;
	long weight = -1;

	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 5; i++)
		if (!event_field(line, len, &pos, &done, &field[i], &flen[i]) || flen[i] == 0)
			return LVS_EVENT_MALFORMED;
	if (flen[4] >= 7 && memcmp(field[4], "weight=", 7) == 0)
		weight = event_weight(field[4] + 7, flen[4] - 7);
	while (!done && pos < len) {
		if (len - pos >= 7 && memcmp(line + pos, "reason=", 7) == 0) {
			out->reason = line + pos + 7;
			out->reason_len = len - pos - 7;
			break;
		}
		const char *word;
		size_t n;
		event_field(line, len, &pos, &done, &word, &n);
		if (event_word_is(word, n, "initial"))
			out->initial = true;
	}
	out->word = field[1];
	out->word_len = flen[1];
	if (event_word_is(field[1], flen[1], "up"))
		out->kind = LVS_EVENT_UP;
	else if (event_word_is(field[1], flen[1], "down"))
		out->kind = LVS_EVENT_DOWN;
	else if (event_word_is(field[1], flen[1], "weight"))
		out->kind = LVS_EVENT_WEIGHT;
	else
		return LVS_EVENT_UNKNOWN;
	if (weight < 0)
		return LVS_EVENT_UNKNOWN;
	out->weight = (int)weight;
	out->vs = field[2];
	out->vs_len = flen[2];
	out->rs = field[3];
	out->rs_len = flen[3];
	return 0;
}

/*
 * The event applied to the model: the real server's health, weight and
 * reason, and a log line when its health changes (none for initial ones).
 * The real server, its virtual server in *vsp; NULL when the running config
 * has no such real server.
 */
struct lrs *lvs_event_apply(struct lvs *model, int nvs, const struct lvs_event *ev, uint64_t now,
			    struct lvs **vsp, bool *table_changed)
{
	struct lvs *vs = NULL;
	struct lrs *rs = lvs_find_rs(model, nvs, ev->vs, ev->vs_len, ev->rs, ev->rs_len, &vs);
	if (!rs)
		return NULL;
	*vsp = vs;
	bool was_up = rs->up;
	int was_weight = lvs_rs_weight(rs);
	bool up = ev->kind == LVS_EVENT_DOWN ? false : ev->kind == LVS_EVENT_UP ? true : rs->up;
	int reason_len = ev->reason_len < INT_MAX ? (int)ev->reason_len : INT_MAX;
	if (up != rs->up) {
		rs->transitions++;
		rs->changed_ms = now;
		rs->changed_valid = true;
		char name[LRS_NAME_MAX];
		if (!ev->initial)
			log_notice("%s %s is %s%s%.*s", vs->name, lrs_name(rs, name), up ? "up" : "down",
				   ev->reason ? ": " : "", ev->reason ? reason_len : 0, ev->reason ? ev->reason : "");
	}
	rs->up = up;
	if (up) {
		rs->weight = ev->weight;
		rs->weight_conf_seen = rs->conf->weight;
		rs->have_weight = true;
	}
	if (ev->reason)
		lrs_reason_set(rs, ev->reason, (size_t)reason_len);
	if (table_changed)
		*table_changed = rs->up != was_up || lvs_rs_weight(rs) != was_weight;
	return rs;
}

/*
 * keepalived's quorum with hysteresis: gained at quorum + hysteresis, lost
 * below quorum - hysteresis (or when no weight is left). The script the
 * change calls for (quorum_up or quorum_down); NULL when quorum stays.
 */
const struct conf_cmd *lvs_quorum_update(struct lvs *vs)
{
	long sum = live_weight(vs);
	long q = vs->conf->quorum, h = vs->conf->hysteresis;

	if (!vs->quorum_up && sum >= q + h) {
		vs->quorum_up = true;
		log_notice("%s: gained quorum (live weight %ld >= %ld+%ld)", vs->name, sum, q, h);
		return &vs->conf->quorum_up;
	}
	if (vs->quorum_up && (sum == 0 || sum < q - h)) {
		vs->quorum_up = false;
		log_notice("%s: lost quorum (live weight %ld < %ld-%ld)%s", vs->name, sum, q, h,
			   vs->conf->sorry_server ? ", using the sorry server" : "");
		return &vs->conf->quorum_down;
	}
	return NULL;
}
