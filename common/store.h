/* store.h: the collector's LMDB store (DESIGN.md §5): an append-only result log, per-agent
 * batch sequence numbers, targets, rounds, and indexes built off the ingest path. */
#ifndef PEIL_STORE_H
#define PEIL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peil.pb-c.h"

#define STORE_SCHEMA_VERSION 1

struct store;

struct store_opts {
	size_t map_mb;      /* initial map size; grown by doubling on MDB_MAP_FULL */
	bool readonly;      /* open for reading (CLI show/export) */
	bool nosync;        /* tests and benchmarks only: no fsync per commit */
};

/* Opens (creating when writable) the store in directory `dir`. Checks the schema version in
 * `meta`: PEIL_ESCHEMA when it differs. Returns 0, PEIL_EIO, PEIL_ESTORE or PEIL_ESCHEMA;
 * *out is owned by the caller, closed with store_close (accepts NULL). */
int store_open(const char *dir, const struct store_opts *opts, struct store **out);
void store_close(struct store *s);

/* One ResultBatch from one authenticated agent, decided in store_ingest. */
enum store_outcome {
	STORE_STORED = 1,     /* appended now */
	STORE_DUPLICATE = 2,  /* batch_seq <= last stored: a re-send, nothing stored, ack again */
	STORE_GAP = 3,        /* batch_seq > last + 1: refused; `expected` says which seq */
	STORE_CONFLICT = 4,   /* from another instance than the one this name's Hello chose */
};
struct store_packed {
	const uint8_t *buf;
	size_t len;
};
struct store_batch {
	const char *agent;            /* authenticated name (ZAP user id) */
	uint64_t batch_seq;
	Peil__Result **results;       /* borrowed; vantage is overwritten with `agent` */
	size_t n;
	enum store_outcome outcome;   /* out */
	uint64_t expected;            /* out, for STORE_GAP */
	uint64_t instance;            /* the sender's spool instance; 0: not said */
	/* Optional: results[i] already packed, with vantage set to `agent`, so the writer only
	 * copies bytes (the collector packs on its decoder thread). NULL: packed here. */
	const struct store_packed *packed;
};
/* Decides and stores every batch in one durable write transaction (in order, so two batches of
 * one agent in one call are handled as if sent one after the other). Grows the map and
 * replays on MDB_MAP_FULL. When it returns 0 everything STORED is committed to disk.
 * Returns 0 or PEIL_ESTORE/PEIL_ENOMEM (then nothing is stored). */
int store_ingest(struct store *s, struct store_batch *b, size_t nb, int64_t now);

/* Agents. */
struct store_agent {
	const char *name;
	uint64_t last_batch_seq;
	uint64_t results;         /* results stored from this agent */
	int64_t first_seen, last_seen;
	bool ipv4, ipv6;
	const char *description;
	uint64_t last_round_done;
};
/* Records that `agent` said Hello (vantage facts, seen times) with its oldest batch not yet
 * acknowledged: batches below it count as stored from then on (a new agent starts there; a
 * store that lost acknowledged batches jumps, logged as an error). Writes at most once per
 * AGENT_SEEN_WRITE_S when nothing changed. `instance` (non-zero) becomes the one instance whose
 * batches are taken under this name, unless another was active within AGENT_TAKEOVER_S:
 * then PEIL_EEXIST and nothing changes. Returns 0, PEIL_EEXIST or PEIL_ESTORE. */
int store_agent_hello(struct store *s, const char *agent, const Peil__Vantage *v,
    uint64_t instance, uint64_t first_unacked, int64_t now);
/* Records the last round `agent` has finished. */
int store_agent_round_done(struct store *s, const char *agent, uint64_t round_id, int64_t now);
/* Fills *out (strings valid until the next store call) or returns PEIL_ENOENT. */
int store_agent_get(struct store *s, const char *agent, struct store_agent *out);
/* Calls cb for each agent in name order; a non-zero return from cb stops and is returned. */
int store_agents_each(struct store *s, int (*cb)(const struct store_agent *a, void *arg), void *arg);

/* Targets: organisations and their domains. */
struct store_target {
	const char *organisation;
	const char *domain;       /* lower case, no trailing dot */
	bool publish;             /* consent to publish this organisation's figures */
};
/* Imports a CSV file with columns organisation,domain[,publish] (a header line naming them
 * is allowed; publish is yes/no/true/false/1/0, default no). The whole file is checked first:
 * on any error nothing is imported and err says "FILE:LINE: reason". Re-importing a domain
 * moves it to the new organisation. *count: domains imported. */
int store_targets_import(struct store *s, const char *csv_path, size_t *count,
    char *err, size_t errlen);
/* The checks of store_targets_import on CSV bytes, storing nothing (and the parser's fuzz
 * target). Returns 0 with *count domains, or an error with "line N: reason" in err. */
int store_targets_check(const uint8_t *buf, size_t len, size_t *count, char *err,
    size_t errlen);
int store_targets_each(struct store *s, int (*cb)(const struct store_target *t, void *arg), void *arg);
/* A sorted, de-duplicated array of every target domain; caller frees with store_strv_free. */
int store_targets_domains(struct store *s, char ***domains, size_t *n);
void store_strv_free(char **v, size_t n);

/* Rounds. */
struct store_round {
	uint64_t id;              /* 1, 2, ... */
	int64_t started, ended;   /* unix seconds; ended 0 while open */
	uint32_t targets;
	uint64_t results;         /* results stored for this round */
};
/* The newest round, or PEIL_ENOENT when none. */
int store_round_latest(struct store *s, struct store_round *out);
/* Ends any open round at `now` and opens the next one. */
int store_round_begin(struct store *s, int64_t now, uint32_t targets, uint64_t *id);
int store_round_end(struct store *s, uint64_t id, int64_t now);
int store_rounds_each(struct store *s, int (*cb)(const struct store_round *r, void *arg), void *arg);

/* Reading. Results passed to callbacks are valid only during the call. */
struct store_stats {
	uint64_t results;         /* log entries */
	uint64_t indexed;         /* log entries the indexes cover */
	size_t map_bytes;
};
int store_stats(struct store *s, struct store_stats *out);
/* Builds the indexes from the log, at most `max` entries per transaction, until caught up
 * or `max` done; *done says how many. Called by the collector's writer when idle. */
int store_index_step(struct store *s, size_t max, size_t *done);
/* The latest result of every (test, vantage) for `domain`, ordered by test id then vantage.
 * Exact even when the index lags: the unindexed tail of the log is scanned too. */
int store_show(struct store *s, const char *domain,
    int (*cb)(const Peil__Result *r, void *arg), void *arg);
/* Every result in log order. */
int store_export(struct store *s, int (*cb)(const Peil__Result *r, void *arg), void *arg);

#endif
