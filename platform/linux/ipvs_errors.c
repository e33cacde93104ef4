/*
 * ipvs_errors.c - kernel errors, worded per call the way libipvs words them
 * (and, where it falls back to strerror, the way glibc words them).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>
#include "ipvs_errors.h"

static const struct {
	enum ipvs_call call;
	int err;
	const char *text;
} error_texts[] = {
	{ CALL_ADD_SVC, EEXIST, "Service already exists" },
	{ CALL_ADD_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ CALL_EDIT_SVC, ESRCH, "No such service" },
	{ CALL_EDIT_SVC, ENOENT, "Scheduler or persistence engine not found" },
	{ CALL_DEL_SVC, ESRCH, "No such service" },
	{ CALL_ZERO, ESRCH, "No such service" },
	{ CALL_ADD_DEST, ESRCH, "Service not defined" },
	{ CALL_ADD_DEST, EEXIST, "Destination already exists" },
	{ CALL_EDIT_DEST, ESRCH, "Service not defined" },
	{ CALL_EDIT_DEST, ENOENT, "No such destination" },
	{ CALL_DEL_DEST, ESRCH, "Service not defined" },
	{ CALL_DEL_DEST, ENOENT, "No such destination" },
	{ CALL_START_DAEMON, EEXIST, "Daemon has already run" },
	{ CALL_STOP_DAEMON, ESRCH, "No daemon is running" },
	{ CALL_GET_DESTS, ESRCH, "No such service" },
	{ CALL_GET_SERVICE, ESRCH, "No such service" },
	{ CALL_OTHER, EPERM, "Permission denied (you must be root)" },
	{ CALL_OTHER, EINVAL, "Invalid operation.  Possibly wrong module version, address not unicast, ..." },
	{ CALL_OTHER, ENOPROTOOPT, "Protocol not available" },
	{ CALL_OTHER, ENOMEM, "Memory allocation problem" },
	{ CALL_OTHER, EOPNOTSUPP, "Operation not supported with IPv6" },
	{ CALL_OTHER, EAFNOSUPPORT, "Operation not supported with specified address family" },
	{ CALL_OTHER, EMSGSIZE, "Module is wrong version" },
};

/* ipvsadm prints strerror() for errors it has no words of its own for, and
 * the users' ipvsadm runs on glibc: its wording where the C library we are
 * built with words it differently (musl says "Result not representable"
 * where glibc says "Numerical result out of range"). */
static const struct {
	int err;
	const char *text;
} glibc_texts[] = {
#ifdef EIO
	{ EIO, "Input/output error" },
#endif
#ifdef ECHILD
	{ ECHILD, "No child processes" },
#endif
#ifdef ENOMEM
	{ ENOMEM, "Cannot allocate memory" },
#endif
#ifdef EBUSY
	{ EBUSY, "Device or resource busy" },
#endif
#ifdef EXDEV
	{ EXDEV, "Invalid cross-device link" },
#endif
#ifdef EMFILE
	{ EMFILE, "Too many open files" },
#endif
#ifdef ENOTTY
	{ ENOTTY, "Inappropriate ioctl for device" },
#endif
#ifdef ESPIPE
	{ ESPIPE, "Illegal seek" },
#endif
#ifdef EDOM
	{ EDOM, "Numerical argument out of domain" },
#endif
#ifdef ERANGE
	{ ERANGE, "Numerical result out of range" },
#endif
#ifdef EDEADLOCK
	{ EDEADLOCK, "Resource deadlock avoided" },
#endif
#ifdef ENAMETOOLONG
	{ ENAMETOOLONG, "File name too long" },
#endif
#ifdef ELOOP
	{ ELOOP, "Too many levels of symbolic links" },
#endif
#ifdef ECHRNG
	{ ECHRNG, "Channel number out of range" },
#endif
#ifdef EL2NSYNC
	{ EL2NSYNC, "Level 2 not synchronized" },
#endif
#ifdef EL3HLT
	{ EL3HLT, "Level 3 halted" },
#endif
#ifdef EL3RST
	{ EL3RST, "Level 3 reset" },
#endif
#ifdef ELNRNG
	{ ELNRNG, "Link number out of range" },
#endif
#ifdef EUNATCH
	{ EUNATCH, "Protocol driver not attached" },
#endif
#ifdef ENOCSI
	{ ENOCSI, "No CSI structure available" },
#endif
#ifdef EL2HLT
	{ EL2HLT, "Level 2 halted" },
#endif
#ifdef EBADE
	{ EBADE, "Invalid exchange" },
#endif
#ifdef EBADR
	{ EBADR, "Invalid request descriptor" },
#endif
#ifdef EXFULL
	{ EXFULL, "Exchange full" },
#endif
#ifdef ENOANO
	{ ENOANO, "No anode" },
#endif
#ifdef EBADRQC
	{ EBADRQC, "Invalid request code" },
#endif
#ifdef EBADSLT
	{ EBADSLT, "Invalid slot" },
#endif
#ifdef EBFONT
	{ EBFONT, "Bad font file format" },
#endif
#ifdef ETIME
	{ ETIME, "Timer expired" },
#endif
#ifdef ENONET
	{ ENONET, "Machine is not on the network" },
#endif
#ifdef ENOPKG
	{ ENOPKG, "Package not installed" },
#endif
#ifdef EREMOTE
	{ EREMOTE, "Object is remote" },
#endif
#ifdef EADV
	{ EADV, "Advertise error" },
#endif
#ifdef ESRMNT
	{ ESRMNT, "Srmount error" },
#endif
#ifdef ECOMM
	{ ECOMM, "Communication error on send" },
#endif
#ifdef EDOTDOT
	{ EDOTDOT, "RFS specific error" },
#endif
#ifdef EOVERFLOW
	{ EOVERFLOW, "Value too large for defined data type" },
#endif
#ifdef ENOTUNIQ
	{ ENOTUNIQ, "Name not unique on network" },
#endif
#ifdef EREMCHG
	{ EREMCHG, "Remote address changed" },
#endif
#ifdef ELIBACC
	{ ELIBACC, "Can not access a needed shared library" },
#endif
#ifdef ELIBBAD
	{ ELIBBAD, "Accessing a corrupted shared library" },
#endif
#ifdef ELIBSCN
	{ ELIBSCN, ".lib section in a.out corrupted" },
#endif
#ifdef ELIBMAX
	{ ELIBMAX, "Attempting to link in too many shared libraries" },
#endif
#ifdef ELIBEXEC
	{ ELIBEXEC, "Cannot exec a shared library directly" },
#endif
#ifdef EILSEQ
	{ EILSEQ, "Invalid or incomplete multibyte or wide character" },
#endif
#ifdef ERESTART
	{ ERESTART, "Interrupted system call should be restarted" },
#endif
#ifdef ESTRPIPE
	{ ESTRPIPE, "Streams pipe error" },
#endif
#ifdef EUSERS
	{ EUSERS, "Too many users" },
#endif
#ifdef ENOTSOCK
	{ ENOTSOCK, "Socket operation on non-socket" },
#endif
#ifdef EMSGSIZE
	{ EMSGSIZE, "Message too long" },
#endif
#ifdef ENOTSUP
	{ ENOTSUP, "Operation not supported" },
#endif
#ifdef EADDRINUSE
	{ EADDRINUSE, "Address already in use" },
#endif
#ifdef EADDRNOTAVAIL
	{ EADDRNOTAVAIL, "Cannot assign requested address" },
#endif
#ifdef ENETUNREACH
	{ ENETUNREACH, "Network is unreachable" },
#endif
#ifdef ENETRESET
	{ ENETRESET, "Network dropped connection on reset" },
#endif
#ifdef ECONNABORTED
	{ ECONNABORTED, "Software caused connection abort" },
#endif
#ifdef EISCONN
	{ EISCONN, "Transport endpoint is already connected" },
#endif
#ifdef ENOTCONN
	{ ENOTCONN, "Transport endpoint is not connected" },
#endif
#ifdef ESHUTDOWN
	{ ESHUTDOWN, "Cannot send after transport endpoint shutdown" },
#endif
#ifdef ETOOMANYREFS
	{ ETOOMANYREFS, "Too many references: cannot splice" },
#endif
#ifdef ETIMEDOUT
	{ ETIMEDOUT, "Connection timed out" },
#endif
#ifdef EHOSTUNREACH
	{ EHOSTUNREACH, "No route to host" },
#endif
#ifdef EINPROGRESS
	{ EINPROGRESS, "Operation now in progress" },
#endif
#ifdef EUCLEAN
	{ EUCLEAN, "Structure needs cleaning" },
#endif
#ifdef ENOTNAM
	{ ENOTNAM, "Not a XENIX named type file" },
#endif
#ifdef ENAVAIL
	{ ENAVAIL, "No XENIX semaphores available" },
#endif
#ifdef EISNAM
	{ EISNAM, "Is a named type file" },
#endif
#ifdef EDQUOT
	{ EDQUOT, "Disk quota exceeded" },
#endif
#ifdef EOWNERDEAD
	{ EOWNERDEAD, "Owner died" },
#endif
#ifdef ERFKILL
	{ ERFKILL, "Operation not possible due to RF-kill" },
#endif
};

static const char *glibc_strerror(int err)
{
	for (size_t i = 0; i < sizeof(glibc_texts) / sizeof(glibc_texts[0]); i++)
		if (glibc_texts[i].err == err)
			return glibc_texts[i].text;
	return strerror(err);
}

/* err is positive (errno). */
const char *ipvs_error_text(enum ipvs_call call, int err)
{
	for (size_t i = 0; i < sizeof(error_texts) / sizeof(error_texts[0]); i++)
		if ((error_texts[i].call == CALL_OTHER || error_texts[i].call == call) &&
		    error_texts[i].err == err)
			return error_texts[i].text;
	return glibc_strerror(err);
}
