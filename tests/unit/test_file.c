/*
 * test_file.c - core/base/file: file_read_trusted reads a file root may act
 * on and refuses one that a symlink, a FIFO, a directory, another user or
 * a group/world write bit makes unsafe (each judged on a real file made
 * here); file_replace leaves the new text, with its mode, and never writes
 * through a symlink at the path.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include "file.h"
#include "unit.h"

static char dir[] = "/tmp/test_file.XXXXXX";

static void put(const char *path, const char *text, mode_t mode)
{
	FILE *f = fopen(path, "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	chmod(path, mode);
}

static int read_it(const char *path, char *buf, size_t size, char *why)
{
	size_t len = 0;
	why[0] = '\0';
	return file_read_trusted(path, buf, size, &len, why, 256);
}

int main(void)
{
	char path[128], other[128], buf[64], why[256];
	struct stat st;

	if (!mkdtemp(dir)) {
		CHECK(0, "mkdtemp");
		return unit_exit();
	}
	snprintf(path, sizeof(path), "%s/state", dir);
	snprintf(other, sizeof(other), "%s/other", dir);

	CHECK(read_it(path, buf, sizeof(buf), why) == 1, "an absent file reads as absent (1)");
	put(path, "sysctl x 1\n", 0600);
	CHECK(read_it(path, buf, sizeof(buf), why) == 0 && strcmp(buf, "sysctl x 1\n") == 0,
	      "a 0600 file of ours is read whole");
	chmod(path, 0644);
	CHECK(read_it(path, buf, sizeof(buf), why) == 0, "others may read it (0644)");
	chmod(path, 0666);
	CHECK(read_it(path, buf, sizeof(buf), why) == -1 && strstr(why, "writable by others"),
	      "writable by others: refused (%s)", why);
	chmod(path, 0620);
	CHECK(read_it(path, buf, sizeof(buf), why) == -1 && strstr(why, "writable by its group"),
	      "writable by its group: refused (%s)", why);
	chmod(path, 0600);
	if (geteuid() == 0) {
		CHECK(chown(path, 65534, 65534) == 0 && read_it(path, buf, sizeof(buf), why) == -1 &&
		      strstr(why, "belongs to uid 65534"), "somebody else's file: refused (%s)", why);
		CHECK(chown(path, 0, 0) == 0, "given back to root");
	}
	put(other, "12345678901234567890", 0600);
	CHECK(read_it(other, buf, 20, why) == -1 && strstr(why, "too big"), "a file too big for the buffer: refused");
	CHECK(read_it(other, buf, 22, why) == 0 && strlen(buf) == 20, "one that fits exactly is read");
	unlink(path);
	CHECK(symlink(other, path) == 0 && read_it(path, buf, sizeof(buf), why) == -1 &&
	      strstr(why, "symbolic link"), "a symlink is not followed (%s)", why);

	CHECK(file_replace(path, "new\n", 4, 0600, NULL) == 0 && lstat(path, &st) == 0 &&
	      S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600,
	      "file_replace puts a regular 0600 file where the symlink was");
	CHECK(read_it(other, buf, sizeof(buf), why) == 0 && strcmp(buf, "12345678901234567890") == 0,
	      "and the symlink's target is untouched");
	CHECK(read_it(path, buf, sizeof(buf), why) == 0 && strcmp(buf, "new\n") == 0, "the new text is read back");
	unlink(path);
	CHECK(mkfifo(path, 0600) == 0 && read_it(path, buf, sizeof(buf), why) == -1 &&
	      strstr(why, "not a regular file"), "a FIFO is refused without blocking");
	unlink(path);
	CHECK(mkdir(path, 0700) == 0 && read_it(path, buf, sizeof(buf), why) == -1 &&
	      strstr(why, "not a regular file"), "a directory is refused");
	rmdir(path);
	unlink(other);
	rmdir(dir);
	return unit_exit();
}
