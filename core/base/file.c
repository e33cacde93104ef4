/*
 * file.c - files written whole or not at all (see file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>
#include <sys/stat.h>
#include "file.h"

int file_replace(const char *path, const char *text, size_t len, mode_t mode, struct stat *written)
{
	char tmp[PATH_MAX];
	size_t done = 0;

	if (snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path) >= (int)sizeof(tmp)) {
		errno = ENAMETOOLONG;
		return -1;
	}
	/* O_EXCL underneath: never opens a name someone else made first. */
	int fd = mkostemp(tmp, O_CLOEXEC);
	if (fd < 0)
		return -1;
	bool ok = fchmod(fd, mode) == 0;
	while (ok && done < len) {
		ssize_t n = write(fd, text + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;
			break;
		}
		done += (size_t)n;
	}
	if (ok && done == len && fsync(fd) == 0 && (!written || fstat(fd, written) == 0)) {
		int rc = close(fd);
		fd = -1;
		if (rc == 0 && rename(tmp, path) == 0)
			return 0;
	}
	int saved = errno;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
	errno = saved;
	return -1;
}

int file_read_trusted(const char *path, char *buf, size_t size, size_t *len, char *why, size_t whysize)
{
	struct stat st;
	size_t got = 0;
	/* O_NONBLOCK: a FIFO planted at path must not hang us before fstat. */
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);

	if (fd < 0) {
		if (errno == ENOENT)
			return 1;
		if (errno == ELOOP)
			snprintf(why, whysize, "%s is a symbolic link; not following it", path);
		else
			snprintf(why, whysize, "%s: %s", path, strerror(errno));
		return -1;
	}
	/* Judged on the file opened, so it cannot be swapped after the check. */
	if (fstat(fd, &st) != 0)
		snprintf(why, whysize, "%s: %s", path, strerror(errno));
	else if (!S_ISREG(st.st_mode))
		snprintf(why, whysize, "%s is not a regular file", path);
	else if (st.st_uid != 0 && st.st_uid != geteuid())
		snprintf(why, whysize, "%s belongs to uid %u, neither root nor us", path, (unsigned)st.st_uid);
	else if (st.st_mode & (S_IWGRP | S_IWOTH))
		snprintf(why, whysize, "%s is writable by %s", path,
			 (st.st_mode & S_IWOTH) ? "others" : "its group");
	else if ((size_t)st.st_size >= size - 1)
		snprintf(why, whysize, "%s is too big (%lld bytes, at most %zu)", path,
			 (long long)st.st_size, size - 2);
	else {
		while (got < size - 1) {
			ssize_t n = read(fd, buf + got, size - 1 - got);
			if (n < 0 && errno == EINTR)
				continue;
			if (n < 0) {
				snprintf(why, whysize, "%s: %s", path, strerror(errno));
				break;
			}
			if (n == 0) {
				close(fd);
				buf[got] = '\0';
				*len = got;
				return 0;
			}
			got += (size_t)n;
		}
		if (got == size - 1)
			snprintf(why, whysize, "%s grew while read (more than %zu bytes)", path, size - 1);
	}
	close(fd);
	return -1;
}

/* Why path may not be our pid file or lock file (a symlink, not a regular
 * file, somebody else's), or NULL when it is fine or absent. */
const char *file_unsafe(const char *path, char *why, size_t n)
{
	int fd = open(path, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC);
	struct stat st;

	if (fd < 0) {
		if (errno == ELOOP) {
			snprintf(why, n, "%s is a symbolic link; not following it", path);
			return why;
		}
		return NULL;    /* absent, or an error the write itself reports */
	}
	int rc = fstat(fd, &st);
	close(fd);
	if (rc != 0)
		return NULL;
	if (!S_ISREG(st.st_mode))
		snprintf(why, n, "%s is not a regular file", path);
	else if (st.st_uid != geteuid())
		snprintf(why, n, "%s belongs to uid %u, not to us (uid %u)", path, (unsigned)st.st_uid,
			 (unsigned)geteuid());
	else
		return NULL;
	return why;
}

/* "PID\n" into fd, replacing what was there. */
void file_lock_note_pid(int fd)
{
	char buf[24];
	int n = snprintf(buf, sizeof(buf), "%d\n", (int)getpid());

	if (pwrite(fd, buf, (size_t)n, 0) != n)
		return;   /* the message of a second instance loses the pid, nothing more */
	if (ftruncate(fd, n) != 0)
		return;
}

/*
 * Locks path (created when absent, never through a symlink). The fd, or
 * -1 with why filled in; *holder is the pid found in a lock someone else
 * holds (0 when it cannot be told, -1 when nobody holds it).
 */
int file_lock_take(const char *path, pid_t *holder, char *why, size_t n)
{
	*holder = -1;
	/* A lock file replaced between our open and our flock is not the lock
	 * the others take: lock again until the name and the fd agree. */
	for (int tries = 0; tries < 8; tries++) {
		int fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0600);
		struct stat st, now;

		if (fd < 0) {
			if (errno == ELOOP)
				snprintf(why, n, "%s is a symbolic link; not following it", path);
			else
				snprintf(why, n, "cannot open %s: %s", path, strerror(errno));
			return -1;
		}
		if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) || st.st_uid != geteuid()) {
			if (!file_unsafe(path, why, n))
				snprintf(why, n, "%s is not a regular file of ours", path);
			close(fd);
			return -1;
		}
		if (flock(fd, LOCK_EX | LOCK_NB) != 0) {
			char buf[24];
			ssize_t got = errno == EWOULDBLOCK ? pread(fd, buf, sizeof(buf) - 1, 0) : -1;
			if (got < 0) {
				snprintf(why, n, "cannot lock %s: %s", path, strerror(errno));
				close(fd);
				return -1;
			}
			buf[got] = '\0';
			*holder = (pid_t)atoi(buf);
			snprintf(why, n, "%s is locked", path);
			close(fd);
			return -1;
		}
		if (stat(path, &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino) {
			file_lock_note_pid(fd);
			return fd;
		}
		close(fd);
	}
	snprintf(why, n, "%s keeps being replaced", path);
	return -1;
}
