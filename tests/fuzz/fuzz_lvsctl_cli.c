/*
 * fuzz_lvsctl_cli.c - libFuzzer harness for lvsctl's command-line parser.
 *
 * The input is split into argv words on NUL and newline bytes (argv[0] is
 * "ipvsadm"), then parsed as a command line and as a -R save-file line. The
 * parser must never crash, leak or read out of bounds, whatever the words;
 * it never touches the kernel.
 *
 * Words that are not addresses go to gethostbyname, which could ask a DNS
 * server: the harness defines the lookup itself (only "localhost" resolves)
 * so fuzzing sends nothing over the network.
 */
#include <netdb.h>
#include <netinet/in.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include "lvsctl.h"

#define MAX_WORDS 64

struct hostent *gethostbyname(const char *name)
{
	static struct in_addr loopback = { .s_addr = 0x0100007f };
	static char *addrs[] = { (char *)&loopback, NULL };
	static struct hostent local = { .h_name = "localhost", .h_addrtype = AF_INET,
					.h_length = 4, .h_addr_list = addrs };
	return strcmp(name, "localhost") == 0 ? &local : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char *buf = malloc(size + 1);
	char *argv[MAX_WORDS + 2];
	int argc = 0;

	if (!buf)
		return 0;
	memcpy(buf, data, size);
	buf[size] = '\0';
	argv[argc++] = "ipvsadm";
	char *word = buf;
	for (size_t i = 0; i <= size && argc < MAX_WORDS; i++) {
		if (i == size || buf[i] == '\0' || buf[i] == '\n') {
			buf[i] = '\0';
			argv[argc++] = word;
			word = buf + i + 1;
		}
	}
	argv[argc] = NULL;

	for (int restore = 0; restore < 2; restore++) {
		struct lvsctl_cmd cmd;
		struct lvsctl_exit ex;
		if (!lvsctl_parse(argc, argv, restore, &cmd, &ex)) {
			/* an exit is always explained, except -h/-v which print to stdout */
			if (!ex.err && !ex.out)
				abort();
			lvsctl_exit_free(&ex);
		} else if (cmd.cmd == LVS_CMD_NONE) {
			abort();
		}
	}
	free(buf);
	return 0;
}
