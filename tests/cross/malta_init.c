/*
 * malta_init.c - /init of the initramfs the cross suite boots under
 * qemu-system-mipsel -M malta: brings up lo, loads the IPVS modules, runs lvsbox commands,
 * prints their output between markers on the console and powers off.
 *
 * The initramfs holds:
 *   /modules/order   module file names, dependencies first, one per line
 *   /modules/NAME.ko the modules (uncompressed)
 *   /commands        one command per line: "cat FILE", or a program in /bin
 *                    with its arguments separated by blanks (no quoting)
 *   /bin/lvsbox and its applet symlinks
 * For each command the console shows
 *   @@lvsbox@@ begin COMMAND
 *   ...its stdout and stderr...
 *   @@lvsbox@@ end rc=N
 * and finally "@@lvsbox@@ done". A module that fails to load is reported as
 * "@@lvsbox@@ module NAME failed: REASON" and the commands run anyway, so the
 * test shows what went wrong rather than a silent hang.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#define MARK "@@lvsbox@@"
#define MAX_ARGS 64
/* Bounds the wait for one command, so a hung command cannot hang the boot
 * (the host side also kills qemu after its own timeout). */
#define COMMAND_SECONDS 30

static void attach_console(void)
{
	int fd = open("/dev/console", O_RDWR | O_NOCTTY);
	if (fd < 0)
		return;
	dup2(fd, 0);
	dup2(fd, 1);
	dup2(fd, 2);
	if (fd > 2)
		close(fd);
}

static void mount_filesystems(void)
{
	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/tmp", 01777);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	attach_console();
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	mount("tmpfs", "/tmp", "tmpfs", 0, NULL);
}

/* Until an interface is up the kernel has no local routing table, every
 * IPv4 address then looks like a broadcast one, and IPVS refuses IPv4 real
 * servers with EINVAL. Bringing up lo creates the table, as on any booted
 * system (the x86_64 guest of the reference run does the same). */
static void bring_up_loopback(void)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return;
	struct ifreq ifr;
	memset(&ifr, 0, sizeof(ifr));
	strcpy(ifr.ifr_name, "lo");
	if (ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		if (ioctl(fd, SIOCSIFFLAGS, &ifr) != 0)
			printf(MARK " lo: %s\n", strerror(errno));
	}
	close(fd);
}

static void strip_newline(char *line)
{
	line[strcspn(line, "\r\n")] = '\0';
}

static int load_module(const char *name)
{
	int dir = open("/modules", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dir < 0)
		return -errno;
	int fd = openat(dir, name, O_RDONLY | O_CLOEXEC);
	close(dir);
	if (fd < 0)
		return -errno;
	int rc = syscall(SYS_finit_module, fd, "", 0) == 0 ? 0 : -errno;
	close(fd);
	/* Built into this kernel or loaded as a dependency already: fine. */
	return rc == -EEXIST ? 0 : rc;
}

static void load_modules(void)
{
	FILE *order = fopen("/modules/order", "r");
	if (!order) {
		printf(MARK " module list missing: %s\n", strerror(errno));
		return;
	}
	char line[256];
	while (fgets(line, sizeof(line), order)) {
		strip_newline(line);
		if (!line[0])
			continue;
		int rc = load_module(line);
		if (rc)
			printf(MARK " module %s failed: %s\n", line, strerror(-rc));
		else
			printf(MARK " module %s loaded\n", line);
	}
	fclose(order);
	fflush(stdout);
}

static int cat_file(const char *path)
{
	FILE *f = fopen(path, "r");
	if (!f) {
		printf("cat: %s: %s\n", path, strerror(errno));
		return 1;
	}
	char buf[512];
	size_t n;
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	fclose(f);
	return 0;
}

/* Runs /bin/ARGV[0] with the console as its output; returns its exit
 * status, 128+signal when killed, or 127 when it could not start. */
static int run_program(char **argv)
{
	fflush(stdout);
	pid_t pid = fork();
	if (pid < 0)
		return 127;
	if (pid == 0) {
		alarm(COMMAND_SECONDS);
		if (chdir("/bin") == 0)
			execv(argv[0], argv);
		fprintf(stderr, "init: cannot run /bin/%s: %s\n", argv[0], strerror(errno));
		_exit(127);
	}
	int status;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return 127;
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return WEXITSTATUS(status);
}

static void run_commands(void)
{
	FILE *commands = fopen("/commands", "r");
	if (!commands) {
		printf(MARK " command list missing: %s\n", strerror(errno));
		return;
	}
	char line[1024];
	while (fgets(line, sizeof(line), commands)) {
		strip_newline(line);
		if (!line[0] || line[0] == '#')
			continue;
		printf(MARK " begin %s\n", line);
		char *argv[MAX_ARGS + 1];
		int argc = 0;
		for (char *word = strtok(line, " \t"); word && argc < MAX_ARGS; word = strtok(NULL, " \t"))
			argv[argc++] = word;
		argv[argc] = NULL;
		int rc;
		if (argc == 2 && strcmp(argv[0], "cat") == 0)
			rc = cat_file(argv[1]);
		else
			rc = run_program(argv);
		fflush(stdout);
		printf(MARK " end rc=%d\n", rc);
		fflush(stdout);
	}
	fclose(commands);
}

int main(void)
{
	mount_filesystems();
	printf(MARK " init started\n");
	bring_up_loopback();
	load_modules();
	run_commands();
	printf(MARK " done\n");
	fflush(stdout);
	sync();
	/* qemu runs with -no-reboot, so either request ends the emulator. */
	reboot(RB_POWER_OFF);
	reboot(RB_AUTOBOOT);
	for (;;)
		pause();
}
