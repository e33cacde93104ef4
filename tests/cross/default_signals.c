/*
 * default_signals.c - runs a command with every signal at its default and
 * none blocked. GNU make hands its recipes libc's own real-time signals
 * ignored; libc will not reset those, and qemu-user cannot reset them for
 * its guest, so a target's test would see them ignored in its children.
 * Host tool for tests/cross/run.sh: default_signals CMD [ARGS...]
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <sys/syscall.h>

int main(int argc, char **argv)
{
	static const unsigned char default_action[64];   /* SIG_DFL, no flags, empty mask */
	sigset_t none;

	if (argc < 2) {
		fprintf(stderr, "usage: default_signals CMD [ARGS...]\n");
		return 2;
	}
	for (int signo = 1; signo < _NSIG; signo++)
		if (signo != SIGKILL && signo != SIGSTOP)
			syscall(SYS_rt_sigaction, signo, default_action, NULL, (size_t)(_NSIG - 1) / 8);
	sigemptyset(&none);
	sigprocmask(SIG_SETMASK, &none, NULL);
	execvp(argv[1], argv + 1);
	fprintf(stderr, "default_signals: %s: %s\n", argv[1], strerror(errno));
	return 127;
}
