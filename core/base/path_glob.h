/*
 * path_glob.h - the file names a shell wildcard pattern matches, for the
 * config's `include`: * ? and [...] ([!...] negates) within one path
 * component, a leading '.' matched only by a '.' in the pattern, a
 * backslash quoting the next character; the names sorted as glob(3) sorts
 * them in the C locale.
 *
 * Our own instead of libc's glob(): musl's pulls in fnmatch and the
 * wide-character class and case tables, 19 KiB of the mipsel binary. The
 * components are matched with core/base/ere.h.
 */
#ifndef LVSBOX_PATH_GLOB_H
#define LVSBOX_PATH_GLOB_H

#include <stdbool.h>
#include <stddef.h>

struct path_list {
	char **v;
	size_t n, cap;
};

/* Whether pattern has a wildcard (a character path_glob expands). */
bool path_has_wildcard(const char *pattern);
/* 0 with the names in out (none is 0 and n 0: a name without wildcards is
 * there when it exists), -1 when memory runs out. */
int path_glob(const char *pattern, struct path_list *out);
void path_list_free(struct path_list *l);

#endif
