/*
 * script.h - one way to read, judge and run a command line from the config
 * (notify scripts, vrrp_script, MISC_CHECK, quorum_up/down), so that the
 * same line means the same thing wherever it stands: keepalived 2.2.7's
 * quoting, its script security rules, and a spawn that drops to the
 * script's user. Base layer: every daemon and the checkers share it.
 */
#ifndef LVSBOX_SCRIPT_H
#define LVSBOX_SCRIPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "loop.h"

/* ---- reading a line ---- */

/*
 * Splits a command line into words as keepalived 2.2.7 does for a script
 * (after its config parser has taken the line's own quotes off): blanks
 * (space, tab, \f \n \r \v) separate words; '...' and "..." keep blanks
 * inside one word and may be glued to unquoted text ("a"'b'c is one word);
 * a backslash escapes in and out of quotes: \a \b \E \f \n \r \t \v, \xHH,
 * \NNN octal, \cX (control-X), any other character stands for itself.
 * No shell expansion of any kind: $, *, ~, | and ; are plain characters.
 * Returns the word count with *argv set (NULL-terminated; argv[0] also owns
 * the one buffer holding every word: free both with script_argv_free), 0
 * for a blank line (*argv NULL), -1 with err set for an unterminated quote
 * or a trailing backslash, or out of memory.
 */
int script_split(const char *line, char ***argv, char *err, size_t errsize);
void script_argv_free(char **argv);

/*
 * True when the line has shell syntax outside keepalived's quotes: one of
 * | & ; < > ( ) $ ` * ? [ ~. keepalived would pass such characters to the
 * program as plain arguments; lvsbox's daemons have always handed such a
 * line to /bin/sh -c, and configs (and tests) rely on it, so the runner
 * keeps that: the SCRIPT_SHELL_COMPAT branch of script_spawn_line.
 */
bool script_line_wants_shell(const char *line);

/* ---- who runs it, and whether it may ---- */

/*
 * user/group names to the ids a script runs as: NULL user means our own;
 * group NULL means the user's primary group. (uid_t)-1 / (gid_t)-1 mean
 * "no change" (also when the name is who we already are). -1 (logged)
 * for an unknown name.
 */
int script_ids(const char *user, const char *group, uid_t *uid, gid_t *gid);

/*
 * keepalived's rules for one program: program (a path, or a bare name
 * looked up in LOOP_CHILD_PATH, as the spawned child will) must exist and
 * be executable by run_as ((uid_t)-1: ourselves). When it would run as
 * root (or is set-uid root), the file and every directory on its path,
 * symbolic links resolved or not, must be owned by root and not writable
 * by a non-root group or by others (a directory with the sticky bit, like
 * /tmp, may be). Returns:
 *   SCRIPT_OK
 *   SCRIPT_UNSAFE    runnable but someone else could change it: the
 *                    caller refuses it when enable_script_security is set
 *   SCRIPT_UNUSABLE  missing or not executable: never run it
 * why gets a one-line reason naming the file (empty when OK).
 */
#define SCRIPT_OK 0
#define SCRIPT_UNSAFE 1
#define SCRIPT_UNUSABLE 2
int script_secure(const char *program, uid_t run_as, char *why, size_t n);

/*
 * script_secure on every program the line would run, the worst verdict
 * (why names the first program that has it). A plain line runs its first
 * word (and /bin/sh when that is a script file without "#!"). A shell line
 * (script_line_wants_shell) runs /bin/sh and the first word of each of its
 * commands: those with a '/' are judged, bare names only when found in
 * LOOP_CHILD_PATH (the others are the shell's builtins, like exit or cd),
 * names made by $ or ` expansion cannot be known and are not.
 */
int script_line_secure(const char *line, uid_t run_as, char *why, size_t n);

/* ---- running it ---- */

/*
 * How argv is exec'd: as it is, unless argv[0] is a regular file that
 * starts with neither "#!" nor an ELF header. The kernel refuses such a
 * file (ENOEXEC); keepalived and glibc's execvp then run it with /bin/sh,
 * musl's does not: here it always is. Returns a new argv ("/bin/sh" and
 * the file's path in front of argv[1..]; free it, not its strings) or
 * NULL when argv is to run unchanged.
 */
char **script_sh_fallback(char *const argv[]);

/*
 * Forks argv in a process group of its own, as uid/gid ((uid_t)-1 /
 * (gid_t)-1: unchanged; the child calls setgroups, setgid, setuid), signals
 * at their defaults, through the loop: timeout_ms (0: none) gets the group
 * SIGTERM then SIGKILL, done(arg) is called once it is reaped (exit 127:
 * could not exec). child stays allocated until then. With the ENOEXEC
 * fallback above. Returns the pid, or -1 (done never called).
 */
pid_t script_spawn_argv(struct loop *loop, struct loop_child *child, char *const argv[], uid_t uid,
			gid_t gid, uint64_t timeout_ms, loop_child_fn *done, void *arg);

/*
 * A config line with nextra arguments appended (notify's TYPE NAME STATE
 * PRIORITY): split by script_split and run as above; or, for a line with
 * shell syntax (script_line_wants_shell), SCRIPT_SHELL_COMPAT: /bin/sh -c
 * with the line and the extra arguments single-quoted after it. Returns the
 * pid, or -1 (logged: the line does not split, or the fork failed).
 */
pid_t script_spawn_line(struct loop *loop, struct loop_child *child, const char *line,
			const char *const *extra, int nextra, uid_t uid, gid_t gid, uint64_t timeout_ms,
			loop_child_fn *done, void *arg);

#endif
