/* zap.h: the collector's ZAP handler (RFC 27): admits only CURVE keys in the allowlist and
 * names each connection by its agent name, which becomes the ZAP user id of its messages. */
#ifndef PEIL_ZAP_H
#define PEIL_ZAP_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"
#include "wire.h"

struct zap;

struct zap_stats {
	uint64_t admitted, denied;   /* handshakes */
	uint64_t refused;            /* messages of a key no longer allowed */
	uint64_t revoked;            /* connections closed for that */
	uint64_t closed_full;        /* connections closed: the table was full */
	uint64_t closed_agent;       /* ... an agent had more than MAX_AGENT_CONNECTIONS */
	uint64_t stale;              /* messages of a connection gone whose number was reused */
};

enum zap_verdict {
	ZAP_OK,
	ZAP_REVOKED,     /* the key is no longer allowed under this name: refuse the message */
	ZAP_CLOSING,     /* its connection is being closed: drop the message unread */
};

/* Binds the handler at inproc://zeromq.zap.01 in `zctx`; must happen before the ROUTER
 * binds. `plaintext`: admit NULL-mechanism peers (debug, loopback only) with the user id
 * "plain"; the server then names them by their routing id. Takes ownership of `al`. NULL with the reason in err. */
struct zap *zap_new(void *zctx, struct allowlist *al, bool plaintext, char *err, size_t errlen);
void zap_free(struct zap *z);
/* The REP socket, for zmq_poll. */
void *zap_socket(struct zap *z);
/* Answers every pending request without blocking. */
void zap_handle(struct zap *z);
/* Replaces the allowlist (takes ownership). Connections whose key it no longer holds under
 * their name are closed (those not heard from yet, at their first message: zap_check). */
void zap_set_allowlist(struct zap *z, struct allowlist *al);
/* Watches `router`'s connections (zmq_socket_monitor): more than `max_conns` open (0: no
 * cap) closes the oldest unnamed one or the newcomer. 0, or PEIL_EZMQ with err. */
int zap_watch(struct zap *z, void *zctx, void *router, size_t max_conns, char *err,
    size_t errlen);
/* The monitor's socket, for zmq_poll; NULL before zap_watch. */
void *zap_monitor_socket(struct zap *z);
/* Applies every pending connection event without blocking. */
void zap_handle_events(struct zap *z);
/* Open connections, as far as the events tell. */
size_t zap_connections(const struct zap *z);
/* Calls cb with the agent name of every open connection an agent has spoken on (an agent
 * with two connections comes twice). */
void zap_each_named(const struct zap *z, void (*cb)(const char *name, void *arg), void *arg);
/* Checks one message's connection against the allowlist of the moment: ZAP_REVOKED (and
 * its connection closed) when its key is no longer allowed under its name; ZAP_CLOSING when
 * its connection is already being closed (queued messages are drained unread). Names the
 * connection on its first message (closing the agent's oldest beyond MAX_AGENT_CONNECTIONS).
 * Plain-text mode checks no keys. */
enum zap_verdict zap_check(struct zap *z, const struct wire_in *in);
void zap_get_stats(const struct zap *z, struct zap_stats *out);

#endif
