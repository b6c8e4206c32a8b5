/* uplink.h: the agent's side of the protocol: Hello/Welcome, task requests, and delivery of
 * spooled batches with a go-back-N window, acknowledgements and re-sends. */
#ifndef PEIL_UPLINK_H
#define PEIL_UPLINK_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"
#include "spool.h"
#include "wire.h"

struct uplink_conf {
	const char *endpoint;           /* the collector, e.g. tcp://192.0.2.10:4700 */
	const struct keypair *keys;     /* the agent's keys; NULL: plain text (loopback only) */
	const char *server_public;      /* the collector's public key, Z85 */
	const char *name;               /* routing id in plain-text mode; informational */
	struct wire_limits limits;
	unsigned ack_timeout_ms;        /* re-send unacknowledged batches after this */
	unsigned window;                /* batches in flight */
	unsigned batch_max;             /* results per batch */
	unsigned seal_interval_ms;      /* seal pending results at least this often */
	bool ipv4, ipv6;                /* vantage facts sent in Hello */
	const char *description;
};

struct uplink_stats {
	uint64_t batches_sent, batches_resent, batches_acked, gaps, bad_messages;
};

struct uplink;

/* Connects (asynchronously) and sends Hello. NULL with the reason in err. The uplink borrows
 * `sp` and `zctx`; free it with uplink_free (accepts NULL) before them. */
struct uplink *uplink_new(void *zctx, const struct uplink_conf *uc, struct spool *sp,
    char *err, size_t errlen);
void uplink_free(struct uplink *u);

/* Waits up to timeout_ms for the collector, handles what arrived, seals pending results and
 * sends or re-sends batches. Returns 0, or a negative PEIL_E* on a local failure (spool). */
int uplink_step(struct uplink *u, int timeout_ms);
/* Has the collector answered Hello (so batches can be numbered and sent)? */
bool uplink_welcomed(const struct uplink *u);
/* Asks for round tasks: the last round done, and which page of which round's targets. The
 * request is sent again after ack_timeout_ms until answered; asking the same again while it
 * is outstanding sends nothing more. */
int uplink_request_tasks(struct uplink *u, uint64_t done_round, uint64_t round_id,
    uint32_t offset);
/* The TaskList envelope that arrived since the last call, or NULL. The caller frees it with
 * wire_envelope_free. */
Peil__Envelope *uplink_take_tasks(struct uplink *u);
/* Nothing pending and nothing unacknowledged in the spool. */
bool uplink_drained(struct uplink *u);
void uplink_get_stats(const struct uplink *u, struct uplink_stats *out);

#endif
