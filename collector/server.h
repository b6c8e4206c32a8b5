/* server.h: the collector daemon: ROUTER socket, ZAP, ingest with group commit, rounds. */
#ifndef PEIL_SERVER_H
#define PEIL_SERVER_H

#include <stdbool.h>
#include <stdint.h>

#include "keys.h"
#include "store.h"
#include "wire.h"

struct server_conf {
	const char *listen;          /* ZeroMQ endpoint to bind */
	const struct keypair *keys;  /* server keys; NULL: plain text (debug, loopback only) */
	const char *allowlist_dir;
	const char *store_dir;
	size_t map_mb;
	size_t map_max_mb;           /* the store's map never grows past this */
	uint32_t round_grace_s;      /* a closed round's results are taken this long after */
	bool nosync;                 /* tests only */
	uint64_t interval_s;         /* a new round every this many seconds */
	uint32_t retry_after_s;      /* how long idle agents wait before asking again */
	const char *tests;           /* test ids for the agents, space or comma separated; "": all */
	struct wire_limits limits;
	size_t max_conns;            /* connections kept open at once */
	uint64_t memory_mb;          /* budget the limits must fit (server_memory_worst) */
	const char *metrics_listen;  /* ADDR:PORT for Prometheus metrics; NULL or "": none */
};

struct server_stats {
	uint64_t batches_stored, batches_duplicate, batches_gap;
	uint64_t batches_full;       /* refused unstored: the store at its map ceiling */
	uint64_t results_stored, results_dropped;
	uint64_t results_refused[STORE_REFUSALS];  /* inside stored batches, per store_refusal */
	uint64_t messages_dropped;   /* not an Envelope, extra frames, wrong body, no user id */
	uint64_t messages_refused;   /* of a key no longer in the allowlist (also dropped) */
};

/* The most memory, in bytes, the collector may hold with these limits (common/limits.h,
 * "Collector memory"): per connection the receive and send queues, the turn held, two
 * decoding arenas, and COLLECTOR_BASE_MB. */
uint64_t server_memory_worst(const struct server_conf *sc);

/* Runs until SIGINT or SIGTERM. A change in the allowlist directory (inotify, and its
 * mtime checked every ALLOWLIST_CHECK_MS) reloads it at once, as SIGHUP does. Returns 0 on
 * a clean stop, else a PEIL_E* code after logging why. */
int server_run(const struct server_conf *sc);

#endif
