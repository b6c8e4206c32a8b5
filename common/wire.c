/* wire.c: ZeroMQ sockets with CURVE and limits, and Envelope framing. */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "err.h"
#include "keys.h"
#include "limits.h"
#include "log.h"
#include "wire.h"
#include "zmqapi.h"

void
wire_limits_default(struct wire_limits *wl)
{
	wl->max_message_bytes = MAX_MESSAGE_BYTES;
	wl->sndhwm = DEFAULT_SNDHWM;
	wl->rcvhwm = DEFAULT_RCVHWM;
	wl->heartbeat_ivl_ms = DEFAULT_HEARTBEAT_IVL_MS;
	wl->heartbeat_ttl_ms = DEFAULT_HEARTBEAT_TTL_MS;
	wl->heartbeat_timeout_ms = DEFAULT_HEARTBEAT_TIMEOUT_MS;
	wl->reconnect_ivl_ms = DEFAULT_RECONNECT_IVL_MS;
}

int
wire_err(void)
{
	const struct zmqapi *zmq = zmqapi();

	switch (zmq->errnum()) {
	case EAGAIN:
		return PEIL_EAGAIN;
	case ENOMEM:
		return PEIL_ENOMEM;
	case EINVAL:
		return PEIL_EINVAL;
	default:
		return PEIL_EZMQ;
	}
}

bool
wire_endpoint_is_loopback(const char *ep)
{
	static const char *const local[] = {
		"tcp://127.", "tcp://[::1]:", "tcp://localhost:", "ipc://", "inproc://",
	};

	for (size_t i = 0; i < sizeof(local) / sizeof(local[0]); i++)
		if (strncasecmp(ep, local[i], strlen(local[i])) == 0)
			return true;
	return false;
}

/* Options shared by both ends; returns 0 or fills err. */
static int
wire_apply_limits(void *sock, const struct wire_limits *wl, char *err, size_t errlen)
{
	const struct zmqapi *zmq = zmqapi();
	int64_t maxmsg = (int64_t)wl->max_message_bytes;
	int linger = 0;
	struct { int opt; int val; const char *name; } opts[] = {
		{ ZMQ_SNDHWM, wl->sndhwm, "sndhwm" },
		{ ZMQ_RCVHWM, wl->rcvhwm, "rcvhwm" },
		{ ZMQ_HEARTBEAT_IVL, wl->heartbeat_ivl_ms, "heartbeat_ivl" },
		{ ZMQ_HEARTBEAT_TTL, wl->heartbeat_ttl_ms, "heartbeat_ttl" },
		{ ZMQ_HEARTBEAT_TIMEOUT, wl->heartbeat_timeout_ms, "heartbeat_timeout" },
		{ ZMQ_RECONNECT_IVL, wl->reconnect_ivl_ms, "reconnect_ivl" },
		{ ZMQ_HANDSHAKE_IVL, 10000, "handshake_ivl" },
	};

	if (zmq->setsockopt(sock, ZMQ_MAXMSGSIZE, &maxmsg, sizeof(maxmsg)) != 0 ||
	    zmq->setsockopt(sock, ZMQ_LINGER, &linger, sizeof(linger)) != 0) {
		snprintf(err, errlen, "setting socket limits: %s", zmq->strerror(zmq->errnum()));
		return PEIL_EZMQ;
	}
	for (size_t i = 0; i < sizeof(opts) / sizeof(opts[0]); i++) {
		if (zmq->setsockopt(sock, opts[i].opt, &opts[i].val, sizeof(int)) != 0) {
			snprintf(err, errlen, "setting %s=%d: %s", opts[i].name, opts[i].val,
			    zmq->strerror(zmq->errnum()));
			return PEIL_EZMQ;
		}
	}
	return 0;
}

/* A socket of `type` with the limits applied, after refusing plain text off loopback and
 * CURVE without libzmq support. */
static void *
wire_socket_new(void *zctx, int type, const char *endpoint, bool curve,
    const struct wire_limits *wl, char *err, size_t errlen)
{
	const struct zmqapi *zmq = zmqapi();
	void *sock;

	if (!curve && !wire_endpoint_is_loopback(endpoint)) {
		snprintf(err, errlen, "plain text refused for %s: only on loopback", endpoint);
		return NULL;
	}
	if (curve && !zmq->has("curve")) {
		snprintf(err, errlen, "this libzmq has no CURVE support");
		return NULL;
	}
	if ((sock = zmq->socket(zctx, type)) == NULL) {
		snprintf(err, errlen, "zmq_socket: %s", zmq->strerror(zmq->errnum()));
		return NULL;
	}
	if (wire_apply_limits(sock, wl, err, errlen) != 0) {
		zmq->close(sock);
		return NULL;
	}
	return sock;
}

void *
wire_router_new(void *zctx, const char *endpoint, const struct keypair *server,
    const struct wire_limits *wl, char *err, size_t errlen)
{
	const struct zmqapi *zmq = zmqapi();
	void *sock;
	int one = 1, zero = 0;

	if ((sock = wire_socket_new(zctx, ZMQ_ROUTER, endpoint, server != NULL, wl, err,
	    errlen)) == NULL)
		return NULL;
	/* No ZMTP pings from the collector: in libzmq 4.3 a ping timer firing on a connection
	 * whose input is stopped (its receive queue full) after the peer hung up aborts the
	 * process (zeromq/libzmq#4364, #3937: "Assertion failed: !_io_error"), which any agent
	 * could cause by flooding and closing. The agents' pings, with their TTL, still make
	 * the collector drop a silent connection. */
	if (zmq->setsockopt(sock, ZMQ_ROUTER_MANDATORY, &one, sizeof(one)) != 0 ||
	    zmq->setsockopt(sock, ZMQ_ZAP_DOMAIN, "peil", 4) != 0 ||
	    zmq->setsockopt(sock, ZMQ_HEARTBEAT_IVL, &zero, sizeof(zero)) != 0)
		goto zfail;
	if (server != NULL &&
	    (zmq->setsockopt(sock, ZMQ_CURVE_SERVER, &one, sizeof(one)) != 0 ||
	     zmq->setsockopt(sock, ZMQ_CURVE_SECRETKEY, server->secret_z85, KEY_Z85_LEN + 1) != 0))
		goto zfail;
	if (zmq->bind(sock, endpoint) != 0) {
		snprintf(err, errlen, "bind %s: %s", endpoint, zmq->strerror(zmq->errnum()));
		goto fail;
	}
	return sock;
zfail:
	snprintf(err, errlen, "socket options: %s", zmq->strerror(zmq->errnum()));
fail:
	zmq->close(sock);
	return NULL;
}

void *
wire_dealer_new(void *zctx, const char *endpoint, const struct keypair *client,
    const char *server_public_z85, const char *routing_id, const struct wire_limits *wl,
    char *err, size_t errlen)
{
	const struct zmqapi *zmq = zmqapi();
	void *sock;
	int one = 1;

	if ((sock = wire_socket_new(zctx, ZMQ_DEALER, endpoint, client != NULL, wl, err,
	    errlen)) == NULL)
		return NULL;
	/* Queue only to completed connections, so nothing waits in a pipe to a dead peer. */
	if (zmq->setsockopt(sock, ZMQ_IMMEDIATE, &one, sizeof(one)) != 0)
		goto zfail;
	if (routing_id != NULL &&
	    zmq->setsockopt(sock, ZMQ_ROUTING_ID, routing_id, strlen(routing_id)) != 0)
		goto zfail;
	if (client != NULL &&
	    (zmq->setsockopt(sock, ZMQ_CURVE_SERVERKEY, server_public_z85, KEY_Z85_LEN + 1) != 0 ||
	     zmq->setsockopt(sock, ZMQ_CURVE_PUBLICKEY, client->public_z85, KEY_Z85_LEN + 1) != 0 ||
	     zmq->setsockopt(sock, ZMQ_CURVE_SECRETKEY, client->secret_z85, KEY_Z85_LEN + 1) != 0))
		goto zfail;
	if (zmq->connect(sock, endpoint) != 0) {
		snprintf(err, errlen, "connect %s: %s", endpoint, zmq->strerror(zmq->errnum()));
		goto fail;
	}
	return sock;
zfail:
	snprintf(err, errlen, "socket options: %s", zmq->strerror(zmq->errnum()));
fail:
	zmq->close(sock);
	return NULL;
}

void
wire_close(void *sock)
{
	if (sock != NULL) {
		const struct zmqapi *zmq = zmqapi();

		zmq->close(sock);
	}
}

int
wire_send(void *sock, const void *route, size_t route_len, const Peil__Envelope *env, int flags)
{
	const struct zmqapi *zmq = zmqapi();
	zmq_msg_t msg;
	size_t len = peil__envelope__get_packed_size(env);

	if (route != NULL && zmq->send(sock, route, route_len, ZMQ_SNDMORE | flags) < 0)
		return wire_err();
	if (zmq->msg_init_size(&msg, len) != 0)
		return PEIL_ENOMEM;
	peil__envelope__pack(env, zmq->msg_data(&msg));
	if (zmq->msg_send(&msg, sock, flags) < 0) {
		int rc = wire_err();
		zmq->msg_close(&msg);
		return rc;
	}
	return 0;
}

/* Discards the remaining frames of a multi-part message. */
static void
wire_drain(void *sock)
{
	const struct zmqapi *zmq = zmqapi();
	int more = 1;
	size_t sz = sizeof(more);

	while (zmq->getsockopt(sock, ZMQ_RCVMORE, &more, &sz) == 0 && more) {
		zmq_msg_t m;
		zmq->msg_init(&m);
		if (zmq->msg_recv(&m, sock, 0) < 0) {
			zmq->msg_close(&m);
			return;
		}
		zmq->msg_close(&m);
	}
}

/* Receives one frame into a malloc'd copy. */
static int
wire_recv_frame(void *sock, zmq_msg_t *m, bool nowait)
{
	const struct zmqapi *zmq = zmqapi();

	zmq->msg_init(m);
	if (zmq->msg_recv(m, sock, nowait ? ZMQ_DONTWAIT : 0) < 0) {
		int rc = wire_err();
		zmq->msg_close(m);
		return rc;
	}
	return 0;
}

int
wire_recv_router(void *sock, struct wire_in *in, bool nowait)
{
	const struct zmqapi *zmq = zmqapi();
	zmq_msg_t m;
	const char *user, *key;
	int rc;

	in->held = false;
	in->extra_frames = false;
	in->data = NULL;
	in->len = 0;
	in->user[0] = '\0';
	in->key[0] = '\0';
	in->fd = -1;
	if ((rc = wire_recv_frame(sock, &m, nowait)) != 0)
		return rc;
	in->route_len = zmq->msg_size(&m);
	if (in->route_len > sizeof(in->route))
		in->route_len = sizeof(in->route);  /* libzmq ids are at most 255 bytes */
	memcpy(in->route, zmq->msg_data(&m), in->route_len);
	zmq->msg_close(&m);
	/* ROUTER always delivers the payload with the routing id. */
	if ((rc = wire_recv_frame(sock, &in->msg, false)) != 0)
		return rc;
	in->held = true;
	user = zmq->msg_gets(&in->msg, "User-Id");
	snprintf(in->user, sizeof(in->user), "%s", user != NULL ? user : "");
	key = zmq->msg_gets(&in->msg, WIRE_KEY_PROPERTY);
	snprintf(in->key, sizeof(in->key), "%s", key != NULL ? key : "");
	/* The connection's socket, for closing it (ZMQ_SRCFD: deprecated, kept in 4.3). */
	in->fd = zmq->msg_get(&in->msg, ZMQ_SRCFD);
	in->data = zmq->msg_data(&in->msg);
	in->len = zmq->msg_size(&in->msg);
	if (zmq->msg_more(&in->msg)) {
		in->extra_frames = true;
		wire_drain(sock);
	}
	return 0;
}

void
wire_in_release(struct wire_in *in)
{
	if (in->held) {
		const struct zmqapi *zmq = zmqapi();

		zmq->msg_close(&in->msg);
	}
	in->held = false;
	in->data = NULL;
	in->len = 0;
}

int
wire_recv(void *sock, uint8_t **data, size_t *len, bool nowait)
{
	const struct zmqapi *zmq = zmqapi();
	zmq_msg_t m;
	int rc, more;

	*data = NULL;
	*len = 0;
	if ((rc = wire_recv_frame(sock, &m, nowait)) != 0)
		return rc;
	more = zmq->msg_more(&m);
	*len = zmq->msg_size(&m);
	if ((*data = malloc(*len > 0 ? *len : 1)) == NULL) {
		zmq->msg_close(&m);
		if (more)
			wire_drain(sock);
		return PEIL_ENOMEM;
	}
	memcpy(*data, zmq->msg_data(&m), *len);
	zmq->msg_close(&m);
	if (more) {
		wire_drain(sock);
		free(*data);
		*data = NULL;
		return PEIL_EINVAL;
	}
	return 0;
}

/* The arena: a list of chunks; the newest is bumped from. */
struct wire_chunk {
	struct wire_chunk *next;
	size_t cap, used;
	max_align_t data[];
};

struct wire_arena {
	struct wire_chunk *head;
	size_t used, limit;
	size_t call_limit;       /* the current decode's own budget (0: none) */
	bool over;               /* an allocation was refused since the last reset */
};

#define WIRE_CHUNK_BYTES (4u << 20)
#define WIRE_ARENA_KEEP  (64u << 20)   /* chunk bytes kept across resets */

struct wire_arena *
wire_arena_new(size_t limit)
{
	struct wire_arena *a = calloc(1, sizeof(struct wire_arena));

	if (a != NULL)
		a->limit = limit;
	return a;
}

static void *
wire_arena_alloc(void *ad, size_t size)
{
	struct wire_arena *a = ad;
	struct wire_chunk *c = a->head;
	size_t need = (size + 15) & ~(size_t)15;

	if (need < size || a->used + need > a->limit ||
	    (a->call_limit != 0 && a->used + need > a->call_limit)) {
		a->over = true;
		return NULL;
	}
	if (c == NULL || c->cap - c->used < need) {
		size_t cap = need > WIRE_CHUNK_BYTES ? need : WIRE_CHUNK_BYTES;

		/* A kept, empty chunk behind the head with room is moved to the front. */
		struct wire_chunk **pp = c != NULL ? &c->next : &a->head;

		while (*pp != NULL && !((*pp)->used == 0 && (*pp)->cap >= need))
			pp = &(*pp)->next;
		if (*pp != NULL) {
			c = *pp;
			*pp = c->next;
		} else {
			if ((c = malloc(sizeof(*c) + cap)) == NULL)
				return NULL;
			c->cap = cap;
			c->used = 0;
		}
		c->next = a->head;
		a->head = c;
	}
	c->used += need;
	a->used += need;
	return (uint8_t *)c->data + c->used - need;
}

static void
wire_arena_nofree(void *ad, void *p)
{
	(void)ad;
	(void)p;
}

void *
wire_arena_get(struct wire_arena *a, size_t size)
{
	return wire_arena_alloc(a, size);
}

void
wire_arena_reset(struct wire_arena *a)
{
	struct wire_chunk *c, *next, *keep = NULL;
	size_t kept = 0;

	if (a == NULL)
		return;
	/* Keep up to WIRE_ARENA_KEEP bytes of chunks for the next turn, free the rest. */
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		if (kept + c->cap <= WIRE_ARENA_KEEP) {
			kept += c->cap;
			c->used = 0;
			c->next = keep;
			keep = c;
		} else {
			free(c);
		}
	}
	a->head = keep;
	a->used = 0;
	a->over = false;
}

void
wire_arena_free(struct wire_arena *a)
{
	struct wire_chunk *c, *next;

	if (a == NULL)
		return;
	for (c = a->head; c != NULL; c = next) {
		next = c->next;
		free(c);
	}
	free(a);
}

size_t
wire_arena_used(const struct wire_arena *a)
{
	return a->used;
}

static Peil__Envelope *
wire_decode_with(const uint8_t *buf, size_t len, ProtobufCAllocator *alloc, const char **why)
{
	Peil__Envelope *env;

	/* Size: the transport refused anything over the configured ZMQ_MAXMSGSIZE already. */
	*why = NULL;
	if ((env = peil__envelope__unpack(alloc, len, buf)) == NULL) {
		*why = "not a valid Envelope";
		return NULL;
	}
	if (env->body_case == PEIL__ENVELOPE__BODY__NOT_SET) {
		*why = "Envelope without a body";
		peil__envelope__free_unpacked(env, alloc);
		return NULL;
	}
	return env;
}

Peil__Envelope *
wire_decode(const uint8_t *buf, size_t len, const char **why)
{
	return wire_decode_with(buf, len, NULL, why);
}

Peil__Envelope *
wire_decode_arena(const uint8_t *buf, size_t len, struct wire_arena *arena, const char **why)
{
	ProtobufCAllocator alloc = { wire_arena_alloc, wire_arena_nofree, arena };
	Peil__Envelope *env;

	/* Each message has its own budget, so one hostile message cannot use up the turn's. */
	arena->over = false;
	arena->call_limit = arena->used + MAX_DECODE_FACTOR * len + DECODE_SLACK_BYTES;
	env = wire_decode_with(buf, len, &alloc, why);
	arena->call_limit = 0;
	if (env == NULL && arena->over)
		*why = "decoding needs more memory than a message may use";
	return env;
}

void
wire_envelope_free(Peil__Envelope *env)
{
	if (env != NULL)
		peil__envelope__free_unpacked(env, NULL);
}
