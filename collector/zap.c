/* zap.c: admission to the collector. The ZAP handler: every ZMTP handshake on the collector's
 * socket asks it; a CURVE client key not in the allowlist is refused before any message of its
 * is read. The key admitted rides along as connection metadata, so every later message is
 * checked against the allowlist of the moment (a key removed or replaced loses its
 * connection). And the connection table, fed by the ROUTER's monitor: it keeps the number of
 * open connections and of connections per agent under their caps. */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "clock.h"
#include "err.h"
#include "limits.h"
#include "log.h"
#include "zap.h"
#include "zmqapi.h"

#define ZAP_FRAMES 7   /* version, request id, domain, address, identity, mechanism, key */
#define ZAP_MONITOR "inproc://peil-router-monitor"
#define ZAP_MAX_FD  (1 << 20)   /* the table grows with the socket numbers, to this at most */
/* The ZAP metadata property numbering each admitted connection (decimal, from 1). */
#define ZAP_CONN_PROPERTY "X-Peil-Conn"

enum conn_state {
	CONN_NONE = 0,   /* no connection known on this socket number */
	CONN_OPEN,       /* accepted; handshaking, or admitted and silent so far */
	CONN_NAMED,      /* a message of an admitted agent came on it */
	CONN_CLOSING,    /* we shut it down; libzmq has not reported it gone yet */
};

/* A socket number names a connection only for a while: the kernel hands it to the next one
 * once libzmq closes it, while messages of the closed connection may still wait in the
 * ROUTER's queue, carrying the old number (ZMQ_SRCFD). So every admitted connection also gets
 * a serial number from the ZAP handler, in its metadata: a message whose serial is not above
 * the entry's `floor` (the serials handed out before this number's connection was accepted)
 * comes from an earlier connection, gone, and is dropped without touching the entry. */
struct conn {
	enum conn_state state;
	int64_t opened_ms;
	uint64_t floor;          /* serials handed out when this number was last accepted/closed */
	uint64_t serial;         /* the serial of the connection that named it */
	char name[MAX_AGENT_NAME_LEN + 1];
	char key[KEY_Z85_LEN + 1];
};

struct zap {
	void *sock;
	void *mon;               /* PAIR on the ROUTER's monitor */
	struct allowlist *al;
	bool plaintext;
	struct log_limit *ll;
	struct zap_stats stats;
	struct conn *conns;      /* indexed by socket number */
	size_t nconns;
	size_t live;             /* OPEN and NAMED entries */
	size_t max_conns;
	uint64_t serial;         /* admitted connections so far: the last serial handed out */
};

struct zap *
zap_new(void *zctx, struct allowlist *al, bool plaintext, char *err, size_t errlen)
{
	const struct zmqapi *zmq = zmqapi();
	struct zap *z;

	if ((z = calloc(1, sizeof(*z))) == NULL ||
	    (z->ll = log_limit_new(1024, DROP_LOG_INTERVAL_S)) == NULL) {
		snprintf(err, errlen, "out of memory");
		free(z);
		allowlist_free(al);
		return NULL;
	}
	z->al = al;
	z->plaintext = plaintext;
	if ((z->sock = zmq->socket(zctx, ZMQ_REP)) == NULL ||
	    zmq->bind(z->sock, "inproc://zeromq.zap.01") != 0) {
		snprintf(err, errlen, "binding the ZAP handler: %s", zmq->strerror(zmq->errnum()));
		zap_free(z);
		return NULL;
	}
	return z;
}

void
zap_free(struct zap *z)
{
	const struct zmqapi *zmq;

	if (z == NULL)
		return;
	zmq = zmqapi();         /* zap_new ran: libzmq is loaded */
	if (z->sock != NULL)
		zmq->close(z->sock);
	if (z->mon != NULL)
		zmq->close(z->mon);
	allowlist_free(z->al);
	log_limit_free(z->ll);
	free(z->conns);
	free(z);
}

void *
zap_socket(struct zap *z)
{
	return z->sock;
}

/* The entry for socket `fd`, the table grown to hold it; NULL for a number out of range. */
static struct conn *
conn_at(struct zap *z, int fd)
{
	size_t n;
	struct conn *c;

	if (fd < 0 || fd >= ZAP_MAX_FD)
		return NULL;
	if ((size_t)fd >= z->nconns) {
		n = z->nconns == 0 ? 1024 : z->nconns;
		while (n <= (size_t)fd)
			n *= 2;
		if ((c = realloc(z->conns, n * sizeof(*c))) == NULL)
			log_fatal("out of memory");
		memset(c + z->nconns, 0, (n - z->nconns) * sizeof(*c));
		z->conns = c;
		z->nconns = n;
	}
	return &z->conns[fd];
}

/* Closes the TCP connection under libzmq's feet: its engine reads end-of-file and tears the
 * connection down as if the peer had gone (ROUTER has no per-peer disconnect in libzmq 4.3). */
static void
conn_close(struct zap *z, int fd, const char *why)
{
	struct conn *c = &z->conns[fd];
	int type;
	socklen_t len = sizeof(type);

	if (c->state == CONN_OPEN || c->state == CONN_NAMED)
		z->live--;
	c->state = CONN_CLOSING;
	/* Only a stream socket: never act on a number that is not (or no longer) one. */
	if (getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &len) != 0 || type != SOCK_STREAM)
		return;
	if (shutdown(fd, SHUT_RDWR) != 0 && errno != ENOTCONN)
		log_warn("closing connection %d: %s", fd, strerror(errno));
	if (log_limit_ok(z->ll, c->name[0] ? c->name : "conn", time(NULL)))
		log_warn("closed the connection of '%s': %s", c->name[0] ? c->name : "(unnamed)",
		    why);
}

/* Is `key_z85` in the allowlist under the name `user`? */
static bool
zap_key_allowed(const struct zap *z, const char *user, const char *key_z85)
{
	const struct zmqapi *zmq = zmqapi();
	uint8_t bin[32];
	const char *name;

	if (strlen(key_z85) != KEY_Z85_LEN || zmq->z85_decode(bin, key_z85) == NULL)
		return false;
	name = allowlist_find(z->al, bin);
	return name != NULL && strcmp(name, user) == 0;
}

void
zap_set_allowlist(struct zap *z, struct allowlist *al)
{
	allowlist_free(z->al);
	z->al = al;
	if (z->plaintext)
		return;
	/* Connections of keys no longer allowed (removed, or their name now has another key)
	 * are closed now; those that have not spoken yet are caught by their first message. */
	for (size_t fd = 0; fd < z->nconns; fd++) {
		struct conn *c = &z->conns[fd];

		if (c->state == CONN_NAMED && !zap_key_allowed(z, c->name, c->key)) {
			z->stats.revoked++;
			conn_close(z, (int)fd, "its key is no longer in the allowlist");
		}
	}
}

int
zap_watch(struct zap *z, void *zctx, void *router, size_t max_conns, char *err, size_t errlen)
{
	const struct zmqapi *zmq = zmqapi();

	z->max_conns = max_conns;
	if (zmq->socket_monitor(router, ZAP_MONITOR,
	    ZMQ_EVENT_ACCEPTED | ZMQ_EVENT_DISCONNECTED) != 0 ||
	    (z->mon = zmq->socket(zctx, ZMQ_PAIR)) == NULL ||
	    zmq->connect(z->mon, ZAP_MONITOR) != 0) {
		snprintf(err, errlen, "monitoring the collector's socket: %s",
		    zmq->strerror(zmq->errnum()));
		return PEIL_EZMQ;
	}
	return 0;
}

void *
zap_monitor_socket(struct zap *z)
{
	return z->mon;
}

/* A full table: the oldest unnamed connection past CONN_EVICT_AGE_MS makes room (a peer
 * that never finishes its handshake, or an admitted one that never speaks, holds no place
 * for long), else the newcomer is turned away. */
static void
zap_make_room(struct zap *z, int newfd, int64_t now)
{
	int victim = -1;
	int64_t oldest = now - CONN_EVICT_AGE_MS;

	for (size_t fd = 0; fd < z->nconns; fd++) {
		struct conn *c = &z->conns[fd];

		if (c->state == CONN_OPEN && (int)fd != newfd && c->opened_ms <= oldest) {
			oldest = c->opened_ms;
			victim = (int)fd;
		}
	}
	z->stats.closed_full++;
	conn_close(z, victim >= 0 ? victim : newfd, victim >= 0 ?
	    "connection table full; unnamed for too long" : "connection table full");
}

static void
zap_event(struct zap *z, uint16_t event, int fd)
{
	struct conn *c = conn_at(z, fd);
	int64_t now = clock_mono_ms();

	if (c == NULL)
		return;
	if (c->state == CONN_OPEN || c->state == CONN_NAMED)
		z->live--;   /* accepted again: its end was not reported */
	memset(c, 0, sizeof(*c));
	c->floor = z->serial;
	if (event != ZMQ_EVENT_ACCEPTED)
		return;
	c->state = CONN_OPEN;
	c->opened_ms = now;
	z->live++;
	if (z->max_conns > 0 && z->live > z->max_conns)
		zap_make_room(z, fd, now);
}

void
zap_handle_events(struct zap *z)
{
	const struct zmqapi *zmq = zmqapi();

	for (int i = 0; z->mon != NULL && i < MAX_DRAIN_MESSAGES * 4; i++) {
		zmq_msg_t m;
		uint16_t event;
		uint32_t value;
		bool ok;

		zmq->msg_init(&m);
		if (zmq->msg_recv(&m, z->mon, ZMQ_DONTWAIT) < 0) {
			zmq->msg_close(&m);
			return;
		}
		/* libzmq 4.3 (v1 events): 16-bit event and 32-bit value, then the endpoint. */
		ok = zmq->msg_size(&m) == 6 && zmq->msg_more(&m);
		if (ok) {
			memcpy(&event, zmq->msg_data(&m), 2);
			memcpy(&value, (uint8_t *)zmq->msg_data(&m) + 2, 4);
		}
		while (zmq->msg_more(&m)) {
			zmq->msg_close(&m);
			zmq->msg_init(&m);
			if (zmq->msg_recv(&m, z->mon, 0) < 0)
				break;
		}
		zmq->msg_close(&m);
		if (ok && (event == ZMQ_EVENT_ACCEPTED || event == ZMQ_EVENT_DISCONNECTED))
			zap_event(z, event, (int)value);
	}
}

size_t
zap_connections(const struct zap *z)
{
	return z->live;
}

void
zap_each_named(const struct zap *z, void (*cb)(const char *name, void *arg), void *arg)
{
	for (size_t fd = 0; fd < z->nconns; fd++)
		if (z->conns[fd].state == CONN_NAMED)
			cb(z->conns[fd].name, arg);
}

/* Names a connection by its first message; a third connection of one agent closes its
 * oldest (a reconnect's stale predecessor, or a peer hoarding connections). */
static void
zap_name(struct zap *z, struct conn *c, int fd, const struct wire_in *in, uint64_t serial)
{
	int oldest = -1;
	size_t same = 0;

	if (c->state == CONN_NONE) {     /* accepted before the monitor ran: count it now */
		c->opened_ms = clock_mono_ms();
		z->live++;
	}
	c->state = CONN_NAMED;
	c->serial = serial;
	snprintf(c->name, sizeof(c->name), "%.*s", MAX_AGENT_NAME_LEN, in->user);
	snprintf(c->key, sizeof(c->key), "%.*s", KEY_Z85_LEN, in->key);
	for (size_t i = 0; i < z->nconns; i++) {
		struct conn *o = &z->conns[i];

		if (o->state != CONN_NAMED || strcmp(o->name, c->name) != 0)
			continue;
		same++;
		if ((int)i != fd && (oldest < 0 || o->opened_ms < z->conns[oldest].opened_ms))
			oldest = (int)i;
	}
	if (same > MAX_AGENT_CONNECTIONS && oldest >= 0) {
		z->stats.closed_agent++;
		conn_close(z, oldest, "a newer connection of the same agent");
	}
}

/* The serial the ZAP handler gave the message's connection; 0 when it has none. */
static uint64_t
zap_conn_serial(const struct wire_in *in)
{
	const struct zmqapi *zmq = zmqapi();
	const char *v;
	char *end;
	unsigned long long n;

	if (!in->held || (v = zmq->msg_gets((zmq_msg_t *)&in->msg, ZAP_CONN_PROPERTY)) == NULL)
		return 0;
	n = strtoull(v, &end, 10);
	return end != v && *end == '\0' ? (uint64_t)n : 0;
}

enum zap_verdict
zap_check(struct zap *z, const struct wire_in *in)
{
	struct conn *c = conn_at(z, in->fd);
	uint64_t serial = zap_conn_serial(in);

	/* A message of an earlier connection that had this socket number: that connection is
	 * gone (its agent sends again), and the entry is another's, which it must not name or
	 * close. */
	if (c != NULL && serial != 0 && (serial <= c->floor ||
	    (c->state != CONN_NONE && c->serial != 0 && serial < c->serial))) {
		z->stats.stale++;
		return ZAP_CLOSING;
	}
	/* What was queued on a connection being closed is not worth decoding: an agent sends
	 * it again over its next connection. */
	if (c != NULL && c->state == CONN_CLOSING)
		return ZAP_CLOSING;
	/* A later connection on this number whose acceptance was not reported: named anew. */
	if (c != NULL && c->state == CONN_NAMED && serial != 0 && c->serial != 0 &&
	    serial > c->serial)
		c->state = CONN_OPEN;
	if (!z->plaintext && !zap_key_allowed(z, in->user, in->key)) {
		z->stats.refused++;
		if (c != NULL) {
			snprintf(c->name, sizeof(c->name), "%.*s", MAX_AGENT_NAME_LEN, in->user);
			z->stats.revoked++;
			conn_close(z, in->fd, "its key is no longer in the allowlist");
		}
		return ZAP_REVOKED;
	}
	if (c != NULL && (c->state == CONN_NONE || c->state == CONN_OPEN))
		zap_name(z, c, in->fd, in, serial);
	return ZAP_OK;
}

void
zap_get_stats(const struct zap *z, struct zap_stats *out)
{
	*out = z->stats;
}

/* Appends one ZMTP metadata property: name length (1 byte), name, value length (4 bytes,
 * big-endian), value. */
static size_t
zap_meta_put(uint8_t *meta, size_t ml, const char *name, const char *value)
{
	size_t nl = strlen(name), vl = strlen(value);

	meta[ml++] = (uint8_t)nl;
	memcpy(meta + ml, name, nl);
	ml += nl;
	meta[ml++] = (uint8_t)(vl >> 24);
	meta[ml++] = (uint8_t)(vl >> 16);
	meta[ml++] = (uint8_t)(vl >> 8);
	meta[ml++] = (uint8_t)vl;
	memcpy(meta + ml, value, vl);
	return ml + vl;
}

/* `key`, when not NULL, goes back as the connection's metadata (WIRE_KEY_PROPERTY), and
 * `serial`, when not 0, as ZAP_CONN_PROPERTY. Both are set by us for every admitted
 * connection: a peer's own properties of the same name do not override ZAP's. */
static void
zap_reply(struct zap *z, const zmq_msg_t *reqid, const char *code, const char *text,
    const char *user, const char *key, uint64_t serial)
{
	const struct zmqapi *zmq = zmqapi();
	zmq_msg_t id;
	uint8_t meta[2 * 5 + sizeof(WIRE_KEY_PROPERTY) + KEY_Z85_LEN + sizeof(ZAP_CONN_PROPERTY) +
	    20];
	char num[21];
	size_t ml = 0;

	zmq->send(z->sock, "1.0", 3, ZMQ_SNDMORE);
	zmq->msg_init(&id);
	zmq->msg_copy(&id, (zmq_msg_t *)reqid);
	zmq->msg_send(&id, z->sock, ZMQ_SNDMORE);
	zmq->send(z->sock, code, strlen(code), ZMQ_SNDMORE);
	zmq->send(z->sock, text, strlen(text), ZMQ_SNDMORE);
	zmq->send(z->sock, user, strlen(user), ZMQ_SNDMORE);
	if (key != NULL && strlen(key) == KEY_Z85_LEN)
		ml = zap_meta_put(meta, ml, WIRE_KEY_PROPERTY, key);
	if (serial != 0) {
		snprintf(num, sizeof(num), "%llu", (unsigned long long)serial);
		ml = zap_meta_put(meta, ml, ZAP_CONN_PROPERTY, num);
	}
	zmq->send(z->sock, meta, ml, 0);
}

static bool
frame_is(const zmq_msg_t *m, const char *s)
{
	const struct zmqapi *zmq = zmqapi();
	size_t n = strlen(s);

	return zmq->msg_size((zmq_msg_t *)m) == n &&
	    memcmp(zmq->msg_data((zmq_msg_t *)m), s, n) == 0;
}

/* Reads one request (all its frames) and answers it. Returns false when none was waiting. */
static bool
zap_handle_one(struct zap *z)
{
	const struct zmqapi *zmq = zmqapi();
	zmq_msg_t f[ZAP_FRAMES];
	int n = 0, more = 1;
	char addr[64] = "", user[MAX_AGENT_NAME_LEN + 16] = "", key[KEY_Z85_LEN + 1] = "";
	const char *name = NULL, *why = NULL;
	bool ok = false;

	for (int i = 0; i < ZAP_FRAMES; i++)
		zmq->msg_init(&f[i]);
	while (more) {
		zmq_msg_t extra;
		zmq_msg_t *m = n < ZAP_FRAMES ? &f[n] : &extra;

		if (n >= ZAP_FRAMES)
			zmq->msg_init(&extra);
		if (zmq->msg_recv(m, z->sock, n == 0 ? ZMQ_DONTWAIT : 0) < 0) {
			if (n >= ZAP_FRAMES)
				zmq->msg_close(&extra);
			goto out;
		}
		more = zmq->msg_more(m);
		if (n >= ZAP_FRAMES)
			zmq->msg_close(&extra);
		n++;
	}
	if (n < 6 || !frame_is(&f[0], "1.0")) {
		/* Not a request we understand; a REP socket must still answer. */
		zap_reply(z, &f[1], "500", "malformed ZAP request", "", NULL, 0);
		ok = true;
		goto out;
	}
	snprintf(addr, sizeof(addr), "%.*s", (int)zmq->msg_size(&f[3]),
	    (char *)zmq->msg_data(&f[3]));
	if (frame_is(&f[5], "CURVE") && n == 7 && zmq->msg_size(&f[6]) == 32) {
		name = z->al != NULL ? allowlist_find(z->al, zmq->msg_data(&f[6])) : NULL;
		if (name != NULL) {
			snprintf(user, sizeof(user), "%s", name);
			zmq->z85_encode(key, zmq->msg_data(&f[6]), 32);
		} else
			why = "public key not in the allowlist";
	} else if (frame_is(&f[5], "NULL") && z->plaintext) {
		/* ZAP does not carry the peer's routing id: the server names plain-text
		 * messages by it (see server.c). */
		snprintf(user, sizeof(user), "plain");
	} else {
		why = "mechanism not allowed";
	}
	if (why == NULL) {
		z->stats.admitted++;
		log_debug("admitted %s from %s", user, addr);
		zap_reply(z, &f[1], "200", "OK", user, key[0] ? key : NULL, ++z->serial);
	} else {
		z->stats.denied++;
		if (log_limit_ok(z->ll, addr, time(NULL)))
			log_warn("refused a connection from %s: %s (%llu refused so far)", addr, why,
			    (unsigned long long)z->stats.denied);
		zap_reply(z, &f[1], "400", why, "", NULL, 0);
	}
	ok = true;
out:
	for (int i = 0; i < ZAP_FRAMES; i++)
		zmq->msg_close(&f[i]);
	return ok;
}

/* Connection events are read before each request: a connection's acceptance, reported
 * before its handshake began, is then known before its serial is handed out. */
void
zap_handle(struct zap *z)
{
	for (int i = 0; i < MAX_DRAIN_MESSAGES; i++) {
		zap_handle_events(z);
		if (!zap_handle_one(z))
			break;
	}
}
