/*
 * fuzz_lvsctl_restore.c - libFuzzer harness for how lvsctl -R reads its
 * input: the save file is read a line at a time (lvsctl_lines_next), each
 * line split into words (lvsctl_restore_words) and parsed as a restore
 * line; nothing goes to the kernel.
 *
 * Besides sanitizer reports it checks that the lines read put back together
 * (with their newlines) are the input up to its end or its first NUL byte,
 * that no line holds a newline, and that the words are at most
 * LVSCTL_RESTORE_MAX_WORDS, non-empty, free of separators and never
 * "ipvsadm", with argv[0] the program and a NULL after the last.
 * Seeds (tests/fuzz/corpus/fuzz_lvsctl_restore/) are ipvsadm-save output
 * (IPv4, IPv6, fwmark, CRLF line ends), a file without a final newline and
 * one cut short by a NUL byte.
 *
 * As in fuzz_lvsctl_cli.c, the harness resolves host names itself (only
 * "localhost") so that fuzzing sends nothing over the network.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "lvsctl.h"
#include "lvsctl_restore.h"

struct hostent *gethostbyname(const char *name)
{
	static struct in_addr loopback = { .s_addr = 0x0100007f };
	static char *addrs[] = { (char *)&loopback, NULL };
	static struct hostent local = { .h_name = "localhost", .h_addrtype = AF_INET,
					.h_length = 4, .h_addr_list = addrs };
	return strcmp(name, "localhost") == 0 ? &local : NULL;
}

static void check_words(char *line, size_t len)
{
	char *argv[LVSCTL_RESTORE_MAX_WORDS + 1];
	int argc = lvsctl_restore_words(line, "lvsctl", argv);

	if (argc < 1 || argc > LVSCTL_RESTORE_MAX_WORDS || argv[argc] != NULL || strcmp(argv[0], "lvsctl") != 0)
		abort();
	for (int i = 1; i < argc; i++) {
		if (argv[i] < line || argv[i] >= line + len || !*argv[i] || strpbrk(argv[i], " \t\r") ||
		    strcmp(argv[i], "ipvsadm") == 0)
			abort();
	}
	if (argc < 2)
		return;
	struct lvsctl_cmd cmd;
	struct lvsctl_exit ex;
	if (!lvsctl_parse(argc, argv, true, &cmd, &ex)) {
		if (!ex.err && !ex.out)
			abort();
		lvsctl_exit_free(&ex);
	} else if (cmd.cmd == LVS_CMD_NONE) {
		abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size == 0)
		return 0;
	/* fmemopen reads the copy in place: a read past its end is seen */
	char *copy = malloc(size);
	if (!copy)
		return 0;
	memcpy(copy, data, size);
	FILE *in = fmemopen(copy, size, "r");
	if (!in) {
		free(copy);
		return 0;
	}
	struct lvsctl_lines lines = { .in = in };
	size_t pos = 0;
	char *line;

	while ((line = lvsctl_lines_next(&lines))) {
		size_t len = strlen(line);
		if (memchr(line, '\n', len) || len > size - pos || memcmp(line, data + pos, len) != 0)
			abort();
		pos += len;
		if (pos < size && data[pos] == '\n')
			pos++;
		else if (pos < size && data[pos] != '\0')
			abort();
		char *words = strdup(line);
		if (!words)
			abort();
		check_words(words, len);
		free(words);
	}
	/* ended at the end of the input or at a NUL byte, never earlier */
	if (pos < size && data[pos] != '\0')
		abort();
	fclose(in);
	free(lines.buf);
	free(copy);
	return 0;
}
