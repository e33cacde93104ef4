/*
 * ipvs_errors.h - the words ipvsadm prints for a failed IPVS call, so that
 * scripts matching them see the same text from lvsctl.
 */
#ifndef LVSBOX_IPVS_ERRORS_H
#define LVSBOX_IPVS_ERRORS_H

/* Which call failed: libipvs words some errors differently per call. */
enum ipvs_call {
	CALL_OTHER, CALL_ADD_SVC, CALL_EDIT_SVC, CALL_DEL_SVC, CALL_ZERO,
	CALL_ADD_DEST, CALL_EDIT_DEST, CALL_DEL_DEST, CALL_START_DAEMON,
	CALL_STOP_DAEMON, CALL_GET_DESTS, CALL_GET_SERVICE,
};

/* err is positive (errno). */
const char *ipvs_error_text(enum ipvs_call call, int err);

#endif
