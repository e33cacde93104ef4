/*
 * script.c - who a configured script runs as and whether it may run at all
 * (keepalived's script security). It sits in the base layer so that every
 * daemon and the checkers judge a command line by one set of rules.
 */
#include <errno.h>
#include <grp.h>
#include <limits.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "log.h"
#include "script.h"

int daemon_script_ids(int argc, char *const *argv, const char *default_user, const char *default_group,
		      uid_t *uid, gid_t *gid)
{
	const char *user = argc >= 2 ? argv[1] : default_user;
	const char *group = argc >= 3 ? argv[2] : argc >= 2 ? NULL : default_group;

	*uid = (uid_t)-1;
	*gid = (gid_t)-1;
	if (!user)
		return 0;
	struct passwd *pw = getpwnam(user);
	if (!pw) {
		log_err("script user '%s' does not exist", user);
		return -1;
	}
	*uid = pw->pw_uid;
	*gid = pw->pw_gid;
	if (group) {
		struct group *gr = getgrnam(group);
		if (!gr) {
			log_err("script group '%s' does not exist", group);
			return -1;
		}
		*gid = gr->gr_gid;
	}
	/* Already who the script should be: loop_spawn need not switch. */
	if (*uid == getuid())
		*uid = (uid_t)-1;
	if (*gid == getgid())
		*gid = (gid_t)-1;
	return 0;
}

/* A bare command name looked up in $PATH, as execvp would; 0 when found. */
static int search_path(const char *name, char *out, size_t size)
{
	const char *dirs = getenv("PATH");
	struct stat st;

	if (!dirs || !*dirs)
		dirs = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
	while (*dirs) {
		size_t len = strcspn(dirs, ":");
		int w = snprintf(out, size, "%.*s/%s", (int)(len ? len : 1), len ? dirs : ".", name);
		if (w > 0 && (size_t)w < size && stat(out, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)))
			return 0;
		dirs += len;
		if (*dirs == ':')
			dirs++;
	}
	return -1;
}

static bool runs_for(const struct stat *st, uid_t uid, gid_t gid)
{
	if (uid == 0)
		return (st->st_mode & (S_IXUSR | S_IXGRP | S_IXOTH)) != 0;
	if (uid == st->st_uid)
		return (st->st_mode & S_IXUSR) != 0;
	if (gid == st->st_gid)
		return (st->st_mode & S_IXGRP) != 0;
	return (st->st_mode & S_IXOTH) != 0;
}

/* "/", "/a", "/a/b", then the file: each must be root's, and none writable
 * by a non-root group or by others, except directories with the sticky bit. */
static int path_unsafe(const char *path, const char *script, char *why, size_t n)
{
	char prefix[PATH_MAX];
	size_t len = strlen(path);

	for (size_t end = 1; end <= len; end++) {
		if (end < len && path[end] != '/')
			continue;
		struct stat st;
		memcpy(prefix, path, end);
		prefix[end] = '\0';
		if (lstat(prefix, &st) != 0) {
			snprintf(why, n, "script %s: %s: %s", script, prefix, strerror(errno));
			return DAEMON_SCRIPT_UNUSABLE;
		}
		bool shared = S_ISREG(st.st_mode) || (S_ISDIR(st.st_mode) && !(st.st_mode & S_ISVTX));
		if (st.st_uid != 0) {
			snprintf(why, n, "script %s: %s is owned by uid %u, not root", script, prefix,
				 (unsigned)st.st_uid);
			return DAEMON_SCRIPT_UNSAFE;
		}
		if (shared && (st.st_mode & S_IWOTH)) {
			snprintf(why, n, "script %s: %s is writable by others", script, prefix);
			return DAEMON_SCRIPT_UNSAFE;
		}
		if (shared && st.st_gid != 0 && (st.st_mode & S_IWGRP)) {
			snprintf(why, n, "script %s: %s is writable by group %u", script, prefix,
				 (unsigned)st.st_gid);
			return DAEMON_SCRIPT_UNSAFE;
		}
	}
	return DAEMON_SCRIPT_OK;
}

int daemon_script_secure(const char *argv0, uid_t run_as, char *why, size_t n)
{
	char found[PATH_MAX], real[PATH_MAX];
	const char *path = argv0;
	struct stat st;
	gid_t gid = getegid();

	why[0] = '\0';
	if (!argv0 || !*argv0) {
		snprintf(why, n, "empty script command");
		return DAEMON_SCRIPT_UNUSABLE;
	}
	if (run_as == (uid_t)-1)
		run_as = geteuid();
	else {
		struct passwd *pw = getpwuid(run_as);
		gid = pw ? pw->pw_gid : (gid_t)-1;
	}
	if (!strchr(argv0, '/')) {
		if (search_path(argv0, found, sizeof(found)) != 0) {
			snprintf(why, n, "script %s: not found in PATH", argv0);
			return DAEMON_SCRIPT_UNUSABLE;
		}
		path = found;
	}
	if (!realpath(path, real) || stat(real, &st) != 0) {
		snprintf(why, n, "script %s: %s", argv0, strerror(errno));
		return DAEMON_SCRIPT_UNUSABLE;
	}
	if (!S_ISREG(st.st_mode)) {
		snprintf(why, n, "script %s: %s is not a regular file", argv0, real);
		return DAEMON_SCRIPT_UNUSABLE;
	}
	if (!runs_for(&st, run_as, gid)) {
		snprintf(why, n, "script %s: not executable by uid %u", argv0, (unsigned)run_as);
		return DAEMON_SCRIPT_UNUSABLE;
	}
	/* Only what runs with root's power must be out of everyone else's reach. */
	bool as_root = run_as == 0 || (st.st_uid == 0 && (st.st_mode & S_ISUID)) ||
		       (st.st_gid == 0 && (st.st_mode & S_ISGID) && (st.st_mode & S_IXGRP));
	return as_root ? path_unsafe(real, argv0, why, n) : DAEMON_SCRIPT_OK;
}
