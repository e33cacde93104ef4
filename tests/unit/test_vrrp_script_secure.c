/*
 * test_vrrp_script_secure.c - script_secure(), the run-time script
 * check vrrpd (vrrp_script, notify) and checkd (MISC_CHECK) apply, against
 * keepalived 2.2.7's rules: a script run as root must sit where only root
 * can change it; a missing or non-executable one never runs.
 * Builds its cases under a fresh directory in /tmp; needs root for chown.
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "script.h"
#include "unit.h"

static char base[] = "/tmp/lvt-secure.XXXXXX";
static char why[512];

static void write_script(const char *path, mode_t mode)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs("#!/bin/sh\nexit 0\n", f);
		fclose(f);
	}
	chmod(path, mode);
}

static int secure(const char *path, uid_t uid)
{
	return script_secure(path, uid, why, sizeof(why));
}

int main(void)
{
	char dir[128], script[160], link[160];

	CHECK(getuid() == 0, "runs as root (chown needs it)");
	if (!mkdtemp(base)) {
		CHECK(0, "mkdtemp");
		return unit_exit();
	}
	chmod(base, 0755);
	snprintf(dir, sizeof(dir), "%s/d", base);
	snprintf(script, sizeof(script), "%s/check.sh", dir);
	mkdir(dir, 0755);
	write_script(script, 0755);

	CHECK(secure(script, 0) == SCRIPT_OK && why[0] == '\0',
	      "root's 0755 script in root's 0755 directories is secure (%s)", why);
	CHECK(secure(script, (uid_t)-1) == SCRIPT_OK, "run_as -1 means ourselves (root): secure");
	CHECK(secure("sh", 0) == SCRIPT_OK, "a bare name is found in PATH (%s)", why);
	CHECK(secure("no-such-command-lvt", 0) == SCRIPT_UNUSABLE && strstr(why, "not found"),
	      "a bare name not in PATH is unusable (%s)", why);

	chmod(dir, 0777);
	CHECK(secure(script, 0) == SCRIPT_UNSAFE && strstr(why, dir) && strstr(why, "others"),
	      "world-writable directory on the path: unsafe, named (%s)", why);
	CHECK(secure(script, 65534) == SCRIPT_OK,
	      "the same script run as an unprivileged user is not refused");
	chmod(dir, 01777);
	CHECK(secure(script, 0) == SCRIPT_OK, "world-writable directory with the sticky bit (like /tmp) is fine");
	chmod(dir, 0775);
	chown(dir, 0, 1000);
	CHECK(secure(script, 0) == SCRIPT_UNSAFE && strstr(why, "group 1000"),
	      "directory writable by a non-root group: unsafe (%s)", why);
	chown(dir, 0, 0);
	CHECK(secure(script, 0) == SCRIPT_OK, "group-writable by root's group is fine");
	chmod(dir, 0755);
	chown(dir, 1000, 0);
	CHECK(secure(script, 0) == SCRIPT_UNSAFE && strstr(why, "uid 1000"),
	      "directory owned by another user: unsafe (%s)", why);
	chown(dir, 0, 0);

	chmod(script, 0757);
	CHECK(secure(script, 0) == SCRIPT_UNSAFE && strstr(why, script),
	      "world-writable script: unsafe, the file is named (%s)", why);
	chmod(script, 0755);
	chown(script, 1000, 0);
	CHECK(secure(script, 0) == SCRIPT_UNSAFE, "script owned by another user: unsafe (%s)", why);
	chown(script, 0, 0);
	chmod(script, 0644);
	CHECK(secure(script, 0) == SCRIPT_UNUSABLE && strstr(why, "not executable"),
	      "no execute bit: unusable (%s)", why);
	chmod(script, 0744);
	CHECK(secure(script, 65534) == SCRIPT_UNUSABLE,
	      "0744 is not executable by another user: unusable (%s)", why);
	chmod(script, 0755);
	CHECK(secure(dir, 0) == SCRIPT_UNUSABLE, "a directory is not a script (%s)", why);

	/* A link in an unsafe place to a safe file: what runs is the target. */
	char other[128];
	snprintf(other, sizeof(other), "%s/open", base);
	mkdir(other, 0777);
	chmod(other, 0777);
	snprintf(link, sizeof(link), "%s/link.sh", other);
	symlink(script, link);
	CHECK(secure(link, 0) == SCRIPT_OK, "symlink resolved: the target's path counts (%s)", why);
	unlink(link);
	snprintf(link, sizeof(link), "%s/missing.sh", dir);
	CHECK(secure(link, 0) == SCRIPT_UNUSABLE && strstr(why, link), "missing script: unusable, named (%s)", why);

	rmdir(other);
	unlink(script);
	rmdir(dir);
	rmdir(base);
	return unit_exit();
}
