/* zap.h: the collector's ZAP handler (RFC 27): admits only CURVE keys in the allowlist and
 * names each connection by its agent name, which becomes the ZAP user id of its messages. */
#ifndef PEIL_ZAP_H
#define PEIL_ZAP_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"

struct zap;

struct zap_stats {
	uint64_t admitted, denied;
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
/* Replaces the allowlist (takes ownership); connections already admitted stay admitted. */
void zap_set_allowlist(struct zap *z, struct allowlist *al);
void zap_get_stats(const struct zap *z, struct zap_stats *out);

#endif
