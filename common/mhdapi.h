/* mhdapi.h: libmicrohttpd (libmicrohttpd.so.12), loaded on first use (dynlib.h) by the
 * metrics endpoint (metrics.c). Callers take the table into a local named `mhd` and call
 * through it: `mhd->start_daemon(...)`. */
#ifndef PEIL_MHDAPI_H
#define PEIL_MHDAPI_H

#include <microhttpd.h>

/* X(member, libmicrohttpd's function) for every function peil calls; the member's type is the
 * function's own, from libmicrohttpd's header. */
#define MHDAPI_FUNCS(X) \
	X(start_daemon, MHD_start_daemon) \
	X(stop_daemon, MHD_stop_daemon) \
	X(create_response_from_buffer, MHD_create_response_from_buffer) \
	X(add_response_header, MHD_add_response_header) \
	X(queue_response, MHD_queue_response) \
	X(destroy_response, MHD_destroy_response)

struct mhdapi {
#define MHDAPI_MEMBER(m, fn) __typeof__(fn) *m;
	MHDAPI_FUNCS(MHDAPI_MEMBER)
#undef MHDAPI_MEMBER
};

/* The table, libmicrohttpd.so.12 loaded on the first call; NULL when it cannot be loaded, with the
 * reason (the library and the Debian package libmicrohttpd12) in err. Thread-safe. */
const struct mhdapi *mhdapi_load(char *err, size_t errlen);
/* The table, where mhdapi_load succeeded before (or failing is fatal): exits with the reason
 * when the library cannot be loaded. */
const struct mhdapi *mhdapi(void);

#endif
