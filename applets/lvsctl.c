/*
 * lvsctl.c - ipvsadm-compatible control of the kernel's IPVS table.
 *
 * Scripts parse ipvsadm's output and test its exit status, so everything a
 * user can observe (option syntax as ipvsadm's popt parser accepts it, error
 * messages, exit codes, every list format, -S) matches ipvsadm 1.31 byte for
 * byte. Beyond it: --json for the list modes, and -R applying a save file in
 * batches.
 *
 * The parser, the printers and the runner are in core/lvs/ (lvsctl_*.c);
 * this is the applet's start-up: IPVS opened as ipvsadm opens it, then the
 * command line parsed and run.
 */
#include <errno.h>
#include <stdio.h>
#include <sys/wait.h>
#include <unistd.h>
#include "applets.h"
#include "ipvs_errors.h"
#include "lvsctl.h"
#include "lvsctl_list.h"
#include "lvsctl_run.h"
#include "modprobe.h"

/* 0, or the errno ipvsadm would report for a failed start. */
static int open_ipvs(struct ipvs **h, struct ipvs_info *info)
{
	int rc = ipvs_open(h);
	if (rc) {
		*h = NULL;
		/* ipvsadm falls back to a raw socket, which needs root and then
		 * says the protocol is not there */
		return rc == -EPERM || rc == -EACCES ? EPERM : ENOPROTOOPT;
	}
	rc = ipvs_get_info(*h, info);
	if (rc) {
		ipvs_close(*h);
		*h = NULL;
		return -rc;
	}
	return 0;
}

int lvsctl_main(int argc, char **argv)
{
	static char outbuf[1 << 16];
	struct ipvs *h = NULL;
	struct ipvs_info info = { 0 };
	const char *prog = argc > 0 && argv[0] ? argv[0] : "ipvsadm";
	int rc;

	if (!isatty(STDOUT_FILENO))
		setvbuf(stdout, outbuf, _IOFBF, sizeof(outbuf));

	int err = open_ipvs(&h, &info);
	if (err) {
		/* As ipvsadm: without IPVS try modprobe once, then give up. */
		platform_modprobe("ip_vs");
		err = open_ipvs(&h, &info);
	}
	if (err) {
		fprintf(stderr, "Can't initialize ipvs: %s\n"
			"Are you sure that IP Virtual Server is built in the kernel or as module?\n",
			ipvs_error_text(CALL_OTHER, err));
		return 2;
	}

	if (argc <= 1) {
		rc = lvsctl_list_all(h, &info, 0) ? RUN_EXIT + 1 : 0;
	} else {
		struct lvsctl_cmd cmd;
		struct lvsctl_exit ex;
		if (lvsctl_parse(argc, argv, false, &cmd, &ex)) {
			rc = lvsctl_run_command(h, &info, &cmd, prog);
		} else {
			if (ex.out)
				fputs(ex.out, stdout);
			if (ex.err)
				fputs(ex.err, stderr);
			rc = RUN_EXIT + ex.status;
			lvsctl_exit_free(&ex);
		}
	}
	fflush(stdout);
	ipvs_close(h);
	if (rc >= RUN_EXIT)
		return (rc - RUN_EXIT) & 0xff;
	return rc == -1 ? 255 : rc;
}

const char lvsctl_usage[] =
	"Usage: lvsctl COMMAND [OPTIONS]   (also answers as ipvsadm)\n"
	"Programs and lists the kernel's IPVS table; every ipvsadm 1.31 command and\n"
	"option works the same way (lvsctl -h lists them). Extra: --json with -L.\n";
