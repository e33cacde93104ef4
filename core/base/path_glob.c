/*
 * path_glob.c - shell wildcards over the file system (see path_glob.h).
 */
#include "path_glob.h"

#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include "ere.h"

bool path_has_wildcard(const char *pattern)
{
	return strpbrk(pattern, "*?[") != NULL;
}

/* dir/name, or name alone when dir is "" (a relative start); NULL when
 * memory runs out. */
static char *join(const char *dir, const char *name)
{
	size_t len = strlen(dir) + strlen(name) + 2;
	char *path = malloc(len);
	if (path)
		snprintf(path, len, "%s%s%s", dir, *dir && dir[strlen(dir) - 1] != '/' ? "/" : "", name);
	return path;
}

/* Takes path into the list. */
static int add(struct path_list *l, char *path)
{
	if (!path)
		return -1;
	if (l->n == l->cap) {
		size_t cap = l->cap ? 2 * l->cap : 16;
		char **v = realloc(l->v, cap * sizeof(*v));
		if (!v) {
			free(path);
			return -1;
		}
		l->v = v;
		l->cap = cap;
	}
	l->v[l->n++] = path;
	return 0;
}

/* One component's wildcards as an anchored ERE; false when it does not fit. */
static bool component_ere(const char *c, size_t len, char *re, size_t size)
{
	size_t o = 0;
#define PUT(ch) do { if (o + 2 >= size) return false; re[o++] = (ch); } while (0)
	PUT('^');
	for (size_t i = 0; i < len; i++) {
		char ch = c[i];
		size_t j = i + 1;
		if (ch == '[') {
			j += j < len && (c[j] == '!' || c[j] == '^');
			j += j < len && c[j] == ']';
			while (j < len && c[j] != ']')
				j++;
		}
		if (ch == '*') {
			PUT('.');
			PUT('*');
		} else if (ch == '?') {
			PUT('.');
		} else if (ch == '[' && j < len) {
			/* a bracket means the same in both, but for [! */
			PUT('[');
			size_t k = i + 1;
			if (c[k] == '!' || c[k] == '^') {
				PUT('^');
				k++;
			}
			for (; k <= j; k++)
				PUT(c[k]);
			i = j;
		} else {
			if (ch == '\\' && i + 1 < len)
				ch = c[++i];
			if (strchr(".^$|()+*?{}[]\\", ch))
				PUT('\\');
			PUT(ch);
		}
	}
	PUT('$');
	re[o] = '\0';
	return true;
#undef PUT
}

/* Expands the components of rest under dir ("" for a relative start). */
static int expand(struct path_list *out, const char *dir, const char *rest)
{
	while (*rest == '/')
		rest++;
	const char *end = strchrnul(rest, '/');
	size_t len = (size_t)(end - rest);
	bool last = *end == '\0' || end[strspn(end, "/")] == '\0';
	char comp[1024];
	if (len >= sizeof(comp))
		return 0;
	memcpy(comp, rest, len);
	comp[len] = '\0';

	if (!path_has_wildcard(comp)) {
		/* a quoted character stands for itself */
		size_t w = 0;
		for (size_t r = 0; r < len; r++)
			comp[w++] = comp[r] == '\\' && r + 1 < len ? comp[++r] : comp[r];
		comp[w] = '\0';
		char *path = join(dir, comp);
		struct stat st;
		if (!path)
			return -1;
		if (last && lstat(path, &st) == 0)
			return add(out, path);
		int rc = last ? 0 : expand(out, path, end);
		free(path);
		return rc;
	}

	char pattern[2 * sizeof(comp) + 8], err[64];
	struct ere re;
	if (!component_ere(comp, len, pattern, sizeof(pattern)) || ere_compile(&re, pattern, 0, err, sizeof(err)) != 0)
		return 0;
	DIR *d = opendir(*dir ? dir : ".");
	int rc = 0;
	for (struct dirent *e; d && rc == 0 && (e = readdir(d));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (e->d_name[0] == '.' && comp[0] != '.')
			continue;
		if (!ere_match(&re, e->d_name, 0, 0))
			continue;
		char *path = join(dir, e->d_name);
		struct stat st;
		if (last) {
			rc = add(out, path);
			continue;
		}
		if (!path) {
			rc = -1;
			break;
		}
		if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
			rc = expand(out, path, end);
		free(path);
	}
	if (d)
		closedir(d);
	ere_free(&re);
	return rc;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int path_glob(const char *pattern, struct path_list *out)
{
	memset(out, 0, sizeof(*out));
	struct stat st;
	/* as glob(3): a name without wildcards comes back as it was written */
	if (!path_has_wildcard(pattern) && !strchr(pattern, '\\'))
		return lstat(pattern, &st) == 0 ? add(out, join("", pattern)) : 0;
	int rc = expand(out, *pattern == '/' ? "/" : "", pattern);
	if (rc != 0) {
		path_list_free(out);
		return -1;
	}
	if (out->n > 1)
		qsort(out->v, out->n, sizeof(*out->v), by_name);
	return 0;
}

void path_list_free(struct path_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
	memset(l, 0, sizeof(*l));
}
