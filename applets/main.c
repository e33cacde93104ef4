/*
 * main.c - the multi-call entry point: picks the applet from the name the
 * binary was called by, or from the first argument of `lvsbox APPLET ...`.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include "applets.h"
#include "opts.h"

const struct applet applets[] = {
#define USAGE(text) .usage = text
#define OPTS(table) .opts = &table
#define APPLET(applet_name, entry, help, applet_flags, applet_summary) \
	{ .name = #applet_name, .main = entry, .summary = applet_summary, help, .flags = applet_flags },
#include "applets.def"
#undef APPLET
#undef OPTS
#undef USAGE
	{ 0 }
};

const struct applet *applet_find(const char *name)
{
	for (const struct applet *a = applets; a->name; a++)
		if (strcmp(a->name, name) == 0)
			return a;
	return NULL;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

static void print_list(FILE *out)
{
	for (const struct applet *a = applets; a->name; a++)
		fprintf(out, "%s\n", a->name);
}

static void print_lvsbox_help(FILE *out)
{
	fprintf(out, "lvsbox %s: LVS and keepalived for small Linux boxes\n\n"
		"Usage: lvsbox APPLET [ARGS...]   or call a symlink named after the applet\n"
		"       lvsbox --list | --install DIR | --help | --version\n\n"
		"Applets:\n", LVSBOX_VERSION);
	for (const struct applet *a = applets; a->name; a++)
		fprintf(out, "  %-8s %s\n", a->name, a->summary);
}

/* Symlinks every applet name in DIR to this binary, replacing stale links. */
static int install_links(const char *dir)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n < 0) {
		fprintf(stderr, "lvsbox: cannot find own path: %s\n", strerror(errno));
		return 1;
	}
	self[n] = '\0';
	int rc = 0;
	for (const struct applet *a = applets; a->name; a++) {
		char link[PATH_MAX];
		if (snprintf(link, sizeof(link), "%s/%s", dir, a->name) >= (int)sizeof(link)) {
			fprintf(stderr, "lvsbox: path too long: %s/%s\n", dir, a->name);
			rc = 1;
			continue;
		}
		unlink(link);
		if (symlink(self, link) != 0) {
			fprintf(stderr, "lvsbox: %s: %s\n", link, strerror(errno));
			rc = 1;
		}
	}
	return rc;
}

static int run_applet(const struct applet *a, int argc, char **argv)
{
	if (!(a->flags & APPLET_OWN_HELP) && argc > 1) {
		if (strcmp(argv[1], "--help") == 0) {
			if (!a->opts) {
				fputs(a->usage, stdout);
				return 0;
			}
			return opts_print_help(stdout, a->opts) == 0 ? 0 : 1;
		}
		if (strcmp(argv[1], "--version") == 0) {
			printf("%s (lvsbox) %s\n", a->name, LVSBOX_VERSION);
			return 0;
		}
	}
	return a->main(argc, argv);
}

int main(int argc, char **argv)
{
	const char *name = base_name(argc > 0 ? argv[0] : "lvsbox");
	const struct applet *a = applet_find(name);
	if (a)
		return run_applet(a, argc, argv);
	if (strncmp(name, "lvsbox", 6) != 0) {
		fprintf(stderr, "lvsbox: no applet named '%s'\n", name);
		return 127;
	}
	if (argc < 2) {
		print_lvsbox_help(stderr);
		return 1;
	}
	if (strcmp(argv[1], "--list") == 0) {
		print_list(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--help") == 0) {
		print_lvsbox_help(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0) {
		printf("lvsbox %s\n", LVSBOX_VERSION);
		return 0;
	}
	if (strcmp(argv[1], "--install") == 0) {
		if (argc != 3) {
			fprintf(stderr, "lvsbox: --install takes one directory\n");
			return 1;
		}
		return install_links(argv[2]);
	}
	a = applet_find(argv[1]);
	if (!a) {
		fprintf(stderr, "lvsbox: no applet named '%s' (lvsbox --list shows them)\n", argv[1]);
		return 127;
	}
	return run_applet(a, argc - 1, argv + 1);
}
