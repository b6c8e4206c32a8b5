/* zmqapi.h: libzmq (libzmq.so.5), loaded on first use (dynlib.h) by wire.c, keys.c and the
 * daemons. Callers take the table into a local named `zmq` and call through it:
 * `zmq->msg_send(...)`. */
#ifndef PEIL_ZMQAPI_H
#define PEIL_ZMQAPI_H

#include <zmq.h>

#include "dynlib.h"

/* X(member, libzmq's function) for every function peil calls (dynlib.h's
 * DYNLIB_DECLARE). zmq_errno is `errnum`: errno is a macro. */
#define ZMQAPI_FUNCS(X) \
	X(ctx_new, zmq_ctx_new) \
	X(ctx_term, zmq_ctx_term) \
	X(socket, zmq_socket) \
	X(close, zmq_close) \
	X(bind, zmq_bind) \
	X(connect, zmq_connect) \
	X(setsockopt, zmq_setsockopt) \
	X(getsockopt, zmq_getsockopt) \
	X(socket_monitor, zmq_socket_monitor) \
	X(send, zmq_send) \
	X(poll, zmq_poll) \
	X(msg_init, zmq_msg_init) \
	X(msg_init_size, zmq_msg_init_size) \
	X(msg_close, zmq_msg_close) \
	X(msg_copy, zmq_msg_copy) \
	X(msg_data, zmq_msg_data) \
	X(msg_size, zmq_msg_size) \
	X(msg_more, zmq_msg_more) \
	X(msg_get, zmq_msg_get) \
	X(msg_gets, zmq_msg_gets) \
	X(msg_send, zmq_msg_send) \
	X(msg_recv, zmq_msg_recv) \
	X(has, zmq_has) \
	X(strerror, zmq_strerror) \
	X(curve_keypair, zmq_curve_keypair) \
	X(curve_public, zmq_curve_public) \
	X(z85_encode, zmq_z85_encode) \
	X(z85_decode, zmq_z85_decode) \
	X(errnum, zmq_errno)

/* struct zmqapi, zmqapi_load(err, errlen) and zmqapi(), as dynlib.h says. */
DYNLIB_DECLARE(zmqapi, ZMQAPI_FUNCS)

#endif
