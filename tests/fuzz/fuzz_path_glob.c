/*
 * fuzz_path_glob.c - libFuzzer harness for core/base/path_glob.c: any
 * bytes as an include pattern, expanded under a scratch tree made at
 * start (patterns that climb out with ".." are left out). Every name it returns must exist, and the list must be sorted;
 * a crash or sanitizer report is the other finding.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "path_glob.h"

static char dir[] = "/tmp/fuzz_path_glob.XXXXXX";

static void make_tree(void)
{
	static bool made;
	char path[128];
	if (made)
		return;
	made = true;
	if (!mkdtemp(dir))
		abort();
	const char *names[] = { "conf.d/", "sub/", "a.conf", "b.conf", ".h.conf", "conf.d/10-web.conf",
				"conf.d/[x].conf", "sub/x" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (path[strlen(path) - 1] == '/') {
			mkdir(path, 0755);
			continue;
		}
		FILE *f = fopen(path, "w");
		if (f)
			fclose(f);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char pattern[320];
	make_tree();
	if (size >= 256 || memchr(data, 0, size))
		return 0;
	snprintf(pattern, sizeof(pattern), "%s/%.*s", dir, (int)size, (const char *)data);
	if (strstr(pattern, ".."))
		return 0;
	struct path_list l;
	if (path_glob(pattern, &l) != 0)
		return 0;
	for (size_t i = 0; i < l.n; i++) {
		struct stat st;
		if (lstat(l.v[i], &st) != 0 || (i && strcmp(l.v[i - 1], l.v[i]) > 0))
			abort();
	}
	path_list_free(&l);
	return 0;
}
