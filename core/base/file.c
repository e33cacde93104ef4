/*
 * file.c - files written whole or not at all (see file.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
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
