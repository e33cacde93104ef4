/*
 * file.h - writing a small file so that a reader sees the old text or the
 * new one, never half of either: the daemons' pid files and signal dumps,
 * rsctl's state file; and reading back a file that root acts on only when
 * nobody else could have written it.
 */
#ifndef LVSBOX_FILE_H
#define LVSBOX_FILE_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

/* Writes len bytes of text to a new file beside path with mode, fsyncs it
 * and renames it over path: a reader never sees half of it, and whatever is
 * at path, a symlink planted there included, is replaced, never written
 * through. written (when not NULL) gets the new file's identity.
 * 0 or -1 with errno. The pid file and the signal dumps both go this way. */
int file_replace(const char *path, const char *text, size_t len, mode_t mode, struct stat *written);

/* Reads path into buf (at most size - 2 bytes, then a NUL) when it is safe
 * to act on as root: opened without following a symlink, a regular file,
 * owned by root or by our effective uid, writable by neither group nor
 * others. 0 with *len set; 1 when path does not exist; -1 with why (a
 * sentence naming path) when it is unsafe, too big or unreadable. */
int file_read_trusted(const char *path, char *buf, size_t size, size_t *len, char *why, size_t whysize);

/* Why path may not be our pid file or lock file (a symlink, not a regular
 * file, somebody else's), or NULL when it is fine or absent. */
const char *file_unsafe(const char *path, char *why, size_t n);

/* "PID\n" into fd, replacing what was there. */
void file_lock_note_pid(int fd);

/*
 * Locks path (created when absent, never through a symlink). The fd, or
 * -1 with why filled in; *holder is the pid found in a lock someone else
 * holds (0 when it cannot be told, -1 when nobody holds it).
 */
int file_lock_take(const char *path, pid_t *holder, char *why, size_t n);

#endif
