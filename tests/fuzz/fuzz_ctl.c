/*
 * fuzz_ctl.c - libFuzzer harness for the control socket's request side:
 * the bytes a client sends, cut into a line as the server does, parsed
 * (ctl_parse_request), dispatched (daemon_ctl_answer) and framed
 * (ctl_answer). The first input byte picks whether the reply's room is
 * cut down so that building it fails; the rest is what the client sent.
 *
 * Besides crashes and sanitizer reports it checks the framing promises: a
 * bare request gets no length line; a sized one gets "<length>\n" equal to
 * the reply's length, or one "error: ...\n" line and no reply (also when
 * the handler's own reply is an error, as for an unknown command); a reply
 * that could not be built whole is never sent in part.
 */
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "ctl.h"
#include "daemon.h"

static const char table_text[] = "VI_1 MASTER\n";
static const char json_text[] = "{\"instances\":[{\"name\":\"VI_1\",\"state\":\"MASTER\"}]}\n";

static void status_table(void *daemon, struct strbuf *reply)
{
	(void)daemon;
	strbuf_puts(reply, table_text);
}

static void status_json(void *daemon, struct strbuf *reply)
{
	(void)daemon;
	strbuf_puts(reply, json_text);
}

static void handler(const char *command, struct strbuf *reply, void *arg)
{
	bool starve = *(const bool *)arg;
	/* Less room than any answer needs: the append is refused. */
	if (starve)
		reply->max = 8;
	daemon_ctl_answer(command, reply, NULL, status_table, status_json);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char line[CTL_MAX_REQUEST];
	char head[CTL_HEAD_MAX];
	struct strbuf reply = { 0 };

	if (size < 1)
		return 0;
	bool starve = data[0] & 1;
	data++;
	size--;
	/* What the server keeps: the first CTL_MAX_REQUEST - 1 bytes, up to a newline. */
	size_t len = size < sizeof(line) - 1 ? size : sizeof(line) - 1;
	memcpy(line, data, len);
	char *nl = memchr(line, '\n', len);
	if (nl)
		len = (size_t)(nl - line);
	line[len] = '\0';

	char copy[CTL_MAX_REQUEST];
	memcpy(copy, line, len + 1);
	struct ctl_request_line req;
	ctl_parse_request(copy, &req);
	if (req.command < copy || req.command > copy + len)
		abort();
	if (req.sized != (strncmp(line, CTL_SIZED, strlen(CTL_SIZED)) == 0))
		abort();

	size_t head_len = ctl_answer(line, handler, &starve, &reply, head);
	if (head_len >= CTL_HEAD_MAX || strlen(head) != head_len)
		abort();
	if (reply.oom)
		abort();

	const char *expect = strcmp(req.command, "status") == 0 ? table_text
			   : strcmp(req.command, "json") == 0 ? json_text : NULL;
	const char *text = reply.data ? reply.data : "";
	if (!req.sized) {
		if (head_len != 0)
			abort();
		if (starve ? strncmp(text, "error: ", 7) != 0
			   : expect ? strcmp(text, expect) != 0 : strncmp(text, "error: ", 7) != 0)
			abort();
	} else if (starve) {
		if (strncmp(head, "error: ", 7) != 0 || head[head_len - 1] != '\n' || reply.len != 0)
			abort();
	} else if (expect) {
		char want[32];
		snprintf(want, sizeof(want), "%zu\n", reply.len);
		if (strcmp(head, want) != 0 || strcmp(text, expect) != 0)
			abort();
	} else {
		/* The handler's error line is the head, whole and alone. */
		if (strncmp(head, "error: ", 7) != 0 || head[head_len - 1] != '\n' ||
		    memchr(head, '\n', head_len - 1) || reply.len != 0)
			abort();
	}
	strbuf_free(&reply);
	return 0;
}
