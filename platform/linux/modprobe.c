/*
 * modprobe.c - running modprobe for one module (see modprobe.h).
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "modprobe.h"

int platform_modprobe(const char *module)
{
	int status;

	/* The child would flush our buffered output a second time on exit. */
	fflush(stdout);
	fflush(stderr);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { "/sbin/modprobe", "--", (char *)module, NULL };
		execv(args[0], args);
		_exit(127);
	}
	if (pid < 0)
		return -1;
	while (waitpid(pid, &status, 0) < 0)
		if (errno != EINTR)
			return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) == 127)
		return -1;
	return WEXITSTATUS(status);
}
