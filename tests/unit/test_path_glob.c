/*
 * test_path_glob.c - core/base/path_glob.c: the names an include pattern
 * matches, checked against glibc's glob(3) (no flags, the C locale) on a
 * scratch tree, pattern by pattern, as the independent answer.
 */
#include <glob.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "path_glob.h"
#include "unit.h"

static void touch(const char *name)
{
	FILE *f = fopen(name, "w");
	if (f)
		fclose(f);
}

/* Both lists as one line each, for the comparison and the message. */
static void joined(char *const *v, size_t n, char *out, size_t size)
{
	size_t o = 0;
	out[0] = '\0';
	for (size_t i = 0; i < n && o < size; i++)
		o += (size_t)snprintf(out + o, size - o, "%s%s", i ? " " : "", v[i]);
}

static void same_as_glob(const char *pattern)
{
	glob_t g;
	char want[1024], got[1024];
	int rc = glob(pattern, 0, NULL, &g);
	if (rc == 0)
		joined(g.gl_pathv, g.gl_pathc, want, sizeof(want));
	else
		want[0] = '\0';
	struct path_list l;
	int ours = path_glob(pattern, &l);
	joined(l.v, l.n, got, sizeof(got));
	CHECK(ours == 0 && (rc == 0 || rc == GLOB_NOMATCH) && strcmp(want, got) == 0, "'%s': [%s] as glob(3) gives [%s]",
	      pattern, got, want);
	path_list_free(&l);
	if (rc == 0)
		globfree(&g);
}

int main(void)
{
	char dir[] = "/tmp/test_path_glob.XXXXXX";
	if (!mkdtemp(dir) || chdir(dir) != 0) {
		CHECK(0, "scratch directory");
		return unit_exit();
	}
	mkdir("sub", 0755);
	mkdir("dir2", 0755);
	mkdir("conf.d", 0755);
	const char *files[] = { "a.conf", "b.conf", "c.txt", ".hidden.conf", "we[i]rd.conf", "q?.conf", "sub/x.conf",
				"sub/y.txt", "sub/.z.conf", "dir2/x.conf", "conf.d/10-web.conf", "conf.d/20-db.conf",
				"a+b(c).conf", "x.conf.bak" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		touch(files[i]);
	const char *patterns[] = { "*.conf", "*", "sub/*.conf", "*/x.conf", "[ab].conf", "[!a].conf", "[^a].conf",
				   "?.conf", ".*.conf", "a.conf", "nowhere.conf", "nowhere/*.conf", "we\\[i\\]rd.conf",
				   "q\\?.conf", "conf.d/*.conf", "a+b(c).conf", "*.conf*", "sub/*", "[]a].conf",
				   "[a-c].*", "*/*.conf" };
	for (size_t i = 0; i < sizeof(patterns) / sizeof(patterns[0]); i++)
		same_as_glob(patterns[i]);
	char absolute[256];
	snprintf(absolute, sizeof(absolute), "%s/conf.d/*-web.conf", dir);
	same_as_glob(absolute);
	snprintf(absolute, sizeof(absolute), "%s//sub//x.conf", dir);
	same_as_glob(absolute);
	CHECK(path_has_wildcard("conf.d/*.conf") && path_has_wildcard("a?") && path_has_wildcard("[ab]") &&
	      !path_has_wildcard("plain.conf"), "wildcards are * ? [");
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	rmdir("sub");
	rmdir("dir2");
	rmdir("conf.d");
	if (chdir("/") == 0)
		rmdir(dir);
	return unit_exit();
}
