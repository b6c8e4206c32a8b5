/* store.h: the collector's LMDB store (DESIGN.md §5): an append-only result log, per-agent
 * batch sequence numbers, targets, rounds, and indexes built off the ingest path. */
#ifndef PEIL_STORE_H
#define PEIL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "limits.h"
#include "peil.pb-c.h"

/* The store's schema version, in meta. 1: the first; 2: meta "created"; 3: the per-round
 * index's values carry the result's status (store_view_keys). An older store is upgraded in
 * place by a writer after a backup (store_open); a newer one is refused. */
#define STORE_SCHEMA_VERSION 3

struct store;

struct store_opts {
	size_t map_mb;      /* initial map size; grown by doubling on MDB_MAP_FULL */
	bool readonly;      /* open for reading (CLI show/export) */
	bool nosync;        /* tests and benchmarks only: no fsync per commit */
	size_t map_max_mb;  /* the map never grows past this (0: DEFAULT_STORE_MAP_MAX_MB) */
	uint32_t round_grace_s;  /* a closed round's results are taken this long after it
	                          * ended (0: DEFAULT_ROUND_GRACE_S) */
};

/* Opens (creating when writable) the store in directory `dir`. Checks the schema version in
 * `meta`: a newer one than STORE_SCHEMA_VERSION is refused (PEIL_ESCHEMA, logged naming
 * both); an older one is refused read-only, and opened for writing is first copied to
 * `dir`/backup-vN-TIME (store_backup's copy) and then upgraded in place in one transaction.
 * Returns 0, PEIL_EIO, PEIL_ESTORE or PEIL_ESCHEMA; *out is owned by the caller, closed
 * with store_close (accepts NULL). */
int store_open(const char *dir, const struct store_opts *opts, struct store **out);
void store_close(struct store *s);

/* What store_backup copied. */
struct store_backup_info {
	uint64_t schema;          /* the copy's schema version */
	uint64_t bytes;           /* the copy's size */
};
/* A consistent, compacted copy (mdb_env_copy2, MDB_CP_COMPACT) of the store in `dir` into
 * `dest`, while a collector may be writing: made in `dest`.tmp, synced, then renamed to
 * `dest`. `dest` must not exist or be an empty directory; a `dest`.tmp left by an
 * interrupted backup is refused too. Any schema version is copied. Returns 0, PEIL_EEXIST
 * (dest or dest.tmp has content), PEIL_EIO (errno kept: ENOSPC, EACCES...) or PEIL_ESTORE;
 * err names the path and what to do. */
int store_backup(const char *dir, const char *dest, struct store_backup_info *info, char *err,
    size_t errlen);

/* Why a result inside a stored batch was refused (it is counted, not stored; the batch is
 * acknowledged all the same: a re-send would be refused again). Checked in this order. */
enum store_refusal {
	STORE_REFUSED_NOT_GIVEN = 0,  /* its round was never handed to this agent (no TaskList) */
	STORE_REFUSED_CLOSED = 1,     /* its round ended more than the grace period ago */
	STORE_REFUSED_DOMAIN = 2,     /* its domain is not a target of the round */
	STORE_REFUSED_CAP = 3,        /* the agent stored its cap for the round already */
	STORE_REFUSALS = 4
};
/* "not given", "round closed", "not a target", "over the cap". */
const char *store_refusal_name(enum store_refusal r);

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
	/* out, for STORE_STORED: results refused, per store_refusal (stored: n - their sum) */
	uint32_t refused[STORE_REFUSALS];
};
/* What one Hello or TaskRequest of an agent changes in its record, in a turn. */
struct store_touch {
	const char *agent;             /* authenticated name */
	bool hello;                    /* a Hello: vantage, instance and first_unacked count */
	const Peil__Vantage *vantage;  /* NULL: not said */
	uint64_t instance;             /* the spool's instance; 0: not said */
	uint64_t first_unacked;        /* the oldest batch not acknowledged; 0: not said */
	uint64_t round_done;           /* the last round the agent finished; 0: none */
	uint64_t round_given;          /* a TaskList of this round goes to the agent; 0: none */
	bool conflict;                 /* out: a Hello from another instance than the active one
	                                * (AGENT_TAKEOVER_S): nothing of it was recorded */
	uint64_t last_batch_seq;       /* out: the agent's highest batch stored, after the touch */
};
/* One turn of the collector in one durable write transaction: first every touch (in order),
 * then every batch (in order, so two batches of one agent are handled as if sent one after
 * the other). A batch is STORED, DUPLICATE, GAP or CONFLICT (as store_batch says); inside a
 * STORED batch each result is checked (store_refusal) and stored or counted as refused.
 * A Hello's record is written at most once per AGENT_SEEN_WRITE_S when nothing changed.
 * Grows the map up to its ceiling and replays on MDB_MAP_FULL. When it returns 0 everything
 * is committed to disk. Returns 0, PEIL_ETOOBIG (the map is at its ceiling: nothing stored,
 * the store as it was), PEIL_ESTORE or PEIL_ENOMEM (then nothing is stored either). */
int store_turn(struct store *s, struct store_touch *t, size_t nt, struct store_batch *b,
    size_t nb, int64_t now);
/* store_turn with batches only. */
int store_ingest(struct store *s, struct store_batch *b, size_t nb, int64_t now);
/* The most results `agent` may store for a round of `targets` targets and `tests` tests
 * (0: the whole catalogue): targets x tests, plus ROUND_CAP_MARGIN_PCT and ROUND_CAP_SLACK. */
uint64_t store_round_cap(uint32_t targets, uint32_t tests);

/* Agents. */
struct store_agent {
	const char *name;
	uint64_t last_batch_seq;
	uint64_t results;         /* results stored from this agent */
	int64_t first_seen, last_seen;
	bool ipv4, ipv6;
	const char *description;
	uint64_t last_round_done;
	uint64_t refused;         /* results refused from this agent (store_refusal) */
};
/* Records that `agent` said Hello (vantage facts, seen times) with its oldest batch not yet
 * acknowledged: batches below it count as stored from then on (a new agent starts there; a
 * store that lost acknowledged batches jumps, logged as an error). Writes at most once per
 * AGENT_SEEN_WRITE_S when nothing changed. `instance` (non-zero) becomes the one instance whose
 * batches are taken under this name, unless another was active within AGENT_TAKEOVER_S:
 * then PEIL_EEXIST and nothing changes. Returns 0, PEIL_EEXIST or PEIL_ESTORE. (One touch in
 * its own transaction: the collector folds these into its turn with store_turn.) */
int store_agent_hello(struct store *s, const char *agent, const Peil__Vantage *v,
    uint64_t instance, uint64_t first_unacked, int64_t now);
/* Records the last round `agent` has finished. */
int store_agent_round_done(struct store *s, const char *agent, uint64_t round_id, int64_t now);
/* Records that round `round_id` was handed to `agent` (its results are taken from then on). */
int store_agent_round_given(struct store *s, const char *agent, uint64_t round_id, int64_t now);
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
 * moves it to the new organisation. A public suffix (libpsl, with the implicit "*" rule: a
 * bare TLD) is refused. *count: domains imported. */
int store_targets_import(struct store *s, const char *csv_path, size_t *count,
    char *err, size_t errlen);
/* Lower-cases a domain into out (one trailing dot dropped) and checks its LDH labels and
 * lengths: NULL, or the reason it is not a domain name. */
const char *store_domain_normalize(const char *in, char out[MAX_DOMAIN_LEN + 1]);
/* store_targets_import that also says which lines repeat an earlier one (same organisation
 * and domain, imported once): their count, and the first STORE_DUP_LINES line numbers. */
#define STORE_DUP_LINES 5
struct store_import_dups {
	size_t n;                        /* repeated lines */
	size_t shown;                    /* of lines[] */
	size_t lines[STORE_DUP_LINES];   /* the smallest line numbers of the repeats */
};
int store_targets_import_dups(struct store *s, const char *csv_path, size_t *count,
    struct store_import_dups *dups, char *err, size_t errlen);
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
	uint32_t tests;           /* test ids the round asks for; 0: the whole catalogue */
	uint64_t results;         /* results stored for this round */
	uint64_t refused;         /* results refused that carried this round's id */
};
/* The newest round, or PEIL_ENOENT when none. */
int store_round_latest(struct store *s, struct store_round *out);
/* Ends any open round at `now` and opens the next one, of `targets` targets and `tests` test
 * ids (0: the whole catalogue). */
int store_round_begin(struct store *s, int64_t now, uint32_t targets, uint32_t tests,
    uint64_t *id);
int store_round_end(struct store *s, uint64_t id, int64_t now);
int store_rounds_each(struct store *s, int (*cb)(const struct store_round *r, void *arg), void *arg);

/* Reading. Results passed to callbacks are valid only during the call. */
struct store_stats {
	uint64_t results;         /* log entries */
	uint64_t indexed;         /* log entries the indexes cover */
	size_t map_bytes;
	size_t map_max_bytes;     /* the map's ceiling (collector.map_max_mb) */
	uint64_t used_bytes;      /* pages in use in the map */
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

/* A reader of the per-round index that is exact while the index lags: store_view_open reads
 * the unindexed tail of the log once (its keys, in memory until store_view_free, which
 * accepts NULL); each look-up merges it with the index. Returns 0, PEIL_ENOMEM or
 * PEIL_ESTORE. */
struct store_view;
int store_view_open(struct store *s, struct store_view **out);
void store_view_free(struct store_view *v);
/* What store_view_round reads of one round. */
struct store_sel {
	uint64_t round;           /* non-zero */
	const char *domain;       /* NULL: every domain; "": the vantage self-tests */
	const char *test;         /* with a domain: only this test; NULL: every test */
	bool (*want)(const char *test_id, void *arg);   /* NULL: every test; else a filter
	                                                 * applied before a result is read */
	void *arg;
};
/* Calls cb with the latest result of every (domain, test, vantage) of the round that sel
 * selects, in key order (domain, test id, vantage), as it walks the index (one read
 * transaction); a non-zero return from cb stops and is returned. Results are valid only
 * during the call. Returns 0, PEIL_EINVAL (a domain or test longer than their limits) or
 * PEIL_ESTORE. */
int store_view_round(struct store_view *v, const struct store_sel *sel,
    int (*cb)(const Peil__Result *r, void *arg), void *arg);

/* One entry of the per-round index, without its result. */
struct store_vkey {
	const char *domain;       /* "" for a vantage self-test; valid during the call only */
	const char *test;
	const char *vantage;
	int status;               /* the result's Peil__Status, kept in the index value */
	uint64_t seq;             /* the result's log seq */
};
/* store_view_round without reading the log: the same entries in the same order, each with
 * its status from the index (the unindexed tail's from the view's memory). The judgement
 * (judge.c) walks whole rounds this way. Returns like store_view_round. */
int store_view_keys(struct store_view *v, const struct store_sel *sel,
    int (*cb)(const struct store_vkey *k, void *arg), void *arg);

/* Gives back the pages of the store's memory map that this process has read (a file
 * mapping: they stay in the page cache), so a walk over a store larger than its memory
 * budget keeps a small resident set. Call it between walks, with no read transaction of
 * this process open. */
void store_release_pages(struct store *s);

#endif
