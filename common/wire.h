/* wire.h: the ZeroMQ side of the protocol (DESIGN.md §4): sockets with CURVE and limits,
 * Envelope encoding and checked decoding. The only module that talks to libzmq directly. */
#ifndef PEIL_WIRE_H
#define PEIL_WIRE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include <zmq.h>

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

struct keypair;

/* Is `endpoint` on this host only (tcp on 127.0.0.0/8, [::1] or localhost, ipc, inproc)?
 * Plain text (no CURVE) is refused anywhere else. */
bool wire_endpoint_is_loopback(const char *endpoint);

/* The collector's ROUTER socket, bound to `endpoint`, CURVE server with `server` keys (or
 * plain text when `server` is NULL: loopback only), ZAP domain "peil", ZMQ_ROUTER_MANDATORY,
 * limits applied. NULL on error with the reason in err. Close with wire_close. */
void *wire_router_new(void *zctx, const char *endpoint, const struct keypair *server,
    const struct wire_limits *wl, char *err, size_t errlen);
/* The agent's DEALER socket connected to `endpoint`, CURVE client with `client` keys and the
 * collector's public key (plain text when `client` is NULL: loopback only, and `routing_id`,
 * when not NULL, names the agent to a plain-text collector). */
void *wire_dealer_new(void *zctx, const char *endpoint, const struct keypair *client,
    const char *server_public_z85, const char *routing_id, const struct wire_limits *wl,
    char *err, size_t errlen);
void wire_close(void *sock);

/* The ZAP metadata property naming the CURVE key a connection was admitted with (Z85). */
#define WIRE_KEY_PROPERTY "X-Peil-Key"

/* One message taken from a ROUTER socket, without copying its payload. */
struct wire_in {
	uint8_t route[256];
	size_t route_len;
	char user[128];         /* ZAP user id: the authenticated agent name */
	char key[48];           /* WIRE_KEY_PROPERTY of its connection ("" when none) */
	int fd;                 /* the connection's socket (ZMQ_SRCFD), -1 when unknown */
	const uint8_t *data;    /* the payload frame, inside `msg` */
	size_t len;
	bool extra_frames;      /* more than one payload frame arrived (a protocol error) */
	bool held;              /* msg must be released */
	zmq_msg_t msg;
};
/* Receives one message (ZMQ_DONTWAIT when `nowait`). Returns 0, PEIL_EAGAIN or PEIL_EZMQ.
 * On 0 the caller calls wire_in_release when done with in->data. */
int wire_recv_router(void *sock, struct wire_in *in, bool nowait);
void wire_in_release(struct wire_in *in);

/* An arena for decoding many messages at once: allocations are bumped from large chunks and
 * all freed together by wire_arena_reset. */
struct wire_arena;
/* `limit`: bytes it hands out at most between resets; past it decoding fails. */
struct wire_arena *wire_arena_new(size_t limit);
void wire_arena_reset(struct wire_arena *a);
void wire_arena_free(struct wire_arena *a);
/* size bytes (16-aligned) valid until the next reset; NULL past the arena's limit. */
void *wire_arena_get(struct wire_arena *a, size_t size);
/* Bytes handed out since the last reset. */
size_t wire_arena_used(const struct wire_arena *a);
/* Receives one single-frame message from a DEALER socket; *data malloc'd, caller frees.
 * Extra frames are drained and reported as PEIL_EINVAL. */
int wire_recv(void *sock, uint8_t **data, size_t *len, bool nowait);

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
/* As wire_decode, with every allocation from `arena`: the Envelope lives until the arena is
 * reset and is not freed with wire_envelope_free. */
Peil__Envelope *wire_decode_arena(const uint8_t *buf, size_t len, struct wire_arena *arena,
    const char **why);

#endif
