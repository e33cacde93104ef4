/*
 * test_check_misc_vet.c - check_misc_vet(), the load-time verdict on a
 * MISC_CHECK script, against keepalived 2.2.7's check_misc_script_security
 * (read for behaviour): missing or not executable is disabled whatever
 * enable_script_security says; unsafe for root is disabled only under it,
 * else runs (keepalived warns); under it a script needs a user of its own
 * (checkd does not take keepalived's default, keepalived_script). Cases live in a fresh directory in /tmp;
 * needs root, as the unsafe cases are about what root runs.
 */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include "check.h"
#include "unit.h"

static char why[400];

/* Only the file's mode and place matter to the verdict, not what it holds. */
static void touch_mode(const char *path, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, 0600);

	if (fd >= 0) {
		fchmod(fd, mode);
		close(fd);
	}
}

/* The verdict on "path --arg" run as uid, with or without script security. */
static int vet(const char *path, uid_t uid, bool security)
{
	char *argv[] = { (char *)path, "--arg", NULL };
	struct check_misc m = { .argv = argv, .uid = uid, .gid = (gid_t)-1 };
	return check_misc_vet(&m, security, why, sizeof(why));
}

int main(void)
{
	char base[] = "/tmp/lvt-miscvet.XXXXXX";
	char safe[160], open_dir[160], unsafe[160], plain[160], missing[160];

	CHECK(getuid() == 0, "runs as root");
	if (!mkdtemp(base)) {
		CHECK(0, "mkdtemp");
		return unit_exit();
	}
	chmod(base, 0755);
	snprintf(safe, sizeof(safe), "%s/safe.sh", base);
	snprintf(open_dir, sizeof(open_dir), "%s/open", base);
	snprintf(unsafe, sizeof(unsafe), "%s/open/unsafe.sh", base);
	snprintf(plain, sizeof(plain), "%s/plain.txt", base);
	snprintf(missing, sizeof(missing), "%s/missing.sh", base);
	mkdir(open_dir, 0777);
	chmod(open_dir, 0777);       /* no sticky bit: anyone may replace the script */
	touch_mode(safe, 0755);
	touch_mode(unsafe, 0755);
	touch_mode(plain, 0644);

	CHECK(vet(safe, 0, true) == CHECK_MISC_RUN && why[0] == '\0',
	      "a root-owned script in root's directories runs as root under enable_script_security");
	CHECK(vet(safe, (uid_t)-1, false) == CHECK_MISC_RUN, "and without it, with no script user");
	CHECK(vet(safe, (uid_t)-1, true) == CHECK_MISC_DROP && strstr(why, "script user"),
	      "enable_script_security with no script user at all: disabled (%s)", why);

	CHECK(vet(unsafe, 0, true) == CHECK_MISC_DROP && strstr(why, "insecure: ") == why &&
	      strstr(why, open_dir) && strstr(why, "(enable_script_security)"),
	      "root's script in a world-writable directory is disabled under enable_script_security (%s)", why);
	CHECK(vet(unsafe, (uid_t)-1, false) == CHECK_MISC_RUN_UNSAFE && strstr(why, open_dir) &&
	      !strstr(why, "(enable_script_security)"),
	      "without enable_script_security it runs, with the reason for the warning (%s)", why);
	CHECK(vet(unsafe, 65534, true) == CHECK_MISC_RUN,
	      "the same script run by an unprivileged user (misc user nobody) is not refused");

	CHECK(vet(missing, (uid_t)-1, false) == CHECK_MISC_DROP && strstr(why, missing),
	      "a missing script is disabled even without enable_script_security (%s)", why);
	CHECK(vet(missing, 0, true) == CHECK_MISC_DROP, "and with it");
	CHECK(vet(plain, 65534, false) == CHECK_MISC_DROP && strstr(why, "not executable"),
	      "a file its user cannot execute is disabled (%s)", why);
	CHECK(vet("sh", 0, true) == CHECK_MISC_RUN, "a bare name is looked up in PATH (%s)", why);

	struct check_misc none = { .argv = NULL, .uid = (uid_t)-1, .gid = (gid_t)-1 };
	CHECK(check_misc_vet(&none, false, why, sizeof(why)) == CHECK_MISC_DROP, "no misc_path: disabled");

	unlink(safe);
	unlink(unsafe);
	unlink(plain);
	rmdir(open_dir);
	rmdir(base);
	return unit_exit();
}
