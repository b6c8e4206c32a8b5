/* mhdapi.h: libmicrohttpd (libmicrohttpd.so.12), loaded on first use (dynlib.h) by the
 * metrics endpoint (metrics.c). Callers take the table into a local named `mhd` and call
 * through it: `mhd->start_daemon(...)`. */
#ifndef PEIL_MHDAPI_H
#define PEIL_MHDAPI_H

#include <microhttpd.h>

#include "dynlib.h"

/* X(member, libmicrohttpd's function) for every function peil calls (dynlib.h's
 * DYNLIB_DECLARE). */
#define MHDAPI_FUNCS(X) \
	X(start_daemon, MHD_start_daemon) \
	X(stop_daemon, MHD_stop_daemon) \
	X(create_response_from_buffer, MHD_create_response_from_buffer) \
	X(add_response_header, MHD_add_response_header) \
	X(queue_response, MHD_queue_response) \
	X(destroy_response, MHD_destroy_response)

/* struct mhdapi, mhdapi_load(err, errlen) and mhdapi(), as dynlib.h says. */
DYNLIB_DECLARE(mhdapi, MHDAPI_FUNCS)

#endif
