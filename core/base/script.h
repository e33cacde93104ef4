/*
 * script.h - who a configured script runs as and whether it may run at
 * all, by keepalived's script security rules; shared by every daemon and
 * the checkers, so it lives in the base layer.
 */
#ifndef LVSBOX_SCRIPT_H
#define LVSBOX_SCRIPT_H

#include <stddef.h>
#include <sys/types.h>

/*
 * The uid/gid a script runs as: "script [user [group]]" (argv[1], argv[2])
 * wins, else default_user/default_group; NULL user means our own.
 * (uid_t)-1 / (gid_t)-1 mean "no change". -1 (logged) for an unknown name.
 */
int daemon_script_ids(int argc, char *const *argv, const char *default_user, const char *default_group,
		      uid_t *uid, gid_t *gid);

/*
 * Run-time script security, keepalived's rules: argv0 (a path, or a bare
 * name looked up in $PATH) must exist and be executable by run_as
 * ((uid_t)-1: ourselves). When it would run as root (or is set-uid root),
 * the file and every directory on its path, symbolic links resolved or not,
 * must be owned by root and not writable by a non-root group or by others
 * (a directory with the sticky bit, like /tmp, may be). Returns:
 *   DAEMON_SCRIPT_OK
 *   DAEMON_SCRIPT_UNSAFE    runnable but someone else could change it: the
 *                           caller refuses it when enable_script_security is set
 *   DAEMON_SCRIPT_UNUSABLE  missing or not executable: never run it
 * why gets a one-line reason naming the file (empty when OK).
 */
#define DAEMON_SCRIPT_OK 0
#define DAEMON_SCRIPT_UNSAFE 1
#define DAEMON_SCRIPT_UNUSABLE 2
int daemon_script_secure(const char *argv0, uid_t run_as, char *why, size_t n);

#endif
