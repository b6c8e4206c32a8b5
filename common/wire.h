/* wire.h: the ZeroMQ side of the protocol (DESIGN.md §4): sockets with CURVE and limits,
 * Envelope encoding and checked decoding. The only module that talks to libzmq directly. */
#ifndef PEIL_WIRE_H
#define PEIL_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peil.pb-c.h"

#define WIRE_PROTOCOL_VERSION 1

struct wire_limits {
	uint64_t max_message_bytes;
	int sndhwm, rcvhwm;
	int heartbeat_ivl_ms, heartbeat_ttl_ms, heartbeat_timeout_ms;
	int reconnect_ivl_ms;
};
/* Fills the defaults of common/limits.h. */
void wire_limits_default(struct wire_limits *wl);

/* Translates the current zmq_errno() into a PEIL_E* code. */
int wire_err(void);

/* Packs an Envelope into a new zmq message and sends it (routing frame first when `route`
 * is not NULL). Returns 0, PEIL_EAGAIN (would block with ZMQ_DONTWAIT) or PEIL_EZMQ. */
int wire_send(void *sock, const void *route, size_t route_len, const Peil__Envelope *env,
    int flags);

/* Decodes one Envelope from untrusted bytes, checking size and that a body is set.
 * Returns NULL (and the reason in *why, static) on anything malformed. Caller frees with
 * wire_envelope_free. */
Peil__Envelope *wire_decode(const uint8_t *buf, size_t len, const char **why);
void wire_envelope_free(Peil__Envelope *env);

#endif
