/* spool.h: the agent's durable LMDB spool. Results are written here before anything is sent
 * and deleted only when the collector acknowledges the batch that carried them. */
#ifndef PEIL_SPOOL_H
#define PEIL_SPOOL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "peil.pb-c.h"

struct spool;

/* Errors: LMDB's are translated once (common/lmdb.h: PEIL_ESTORE for LMDB's own codes, a full
 * or damaged spool among them; PEIL_EIO with errno for a system error; PEIL_ENOMEM) and
 * logged with LMDB's text; no MDB_* code is ever returned. */

/* Opens or creates the spool in directory `dir`. `nosync` (tests only) skips fsync.
 * Returns 0, PEIL_EIO or PEIL_ESTORE. Safe to use from several threads. */
int spool_open(const char *dir, size_t map_mb, bool nosync, struct spool **out);
void spool_close(struct spool *sp);
/* This spool's instance id: random, non-zero, made when the spool was created. */
uint64_t spool_instance(const struct spool *sp);

/* Durably appends the results of one domain of round `round_id` (each gets the next
 * result_seq, set in the caller's structs too) and, when `domain` is not NULL, marks that
 * domain done for the round in the same transaction. Returns 0, PEIL_ETOOBIG (a result over
 * MAX_RESULT_BYTES), PEIL_EINVAL (a bad domain) or an LMDB error. */
int spool_put(struct spool *sp, uint64_t round_id, const char *domain, Peil__Result **r, size_t n);
/* Starts round `round_id`: forgets which domains were done in another round. */
int spool_round_begin(struct spool *sp, uint64_t round_id);
/* Is `domain` done in round `round_id`? (false on an error, which is logged) */
bool spool_domain_done(struct spool *sp, uint64_t round_id, const char *domain);
/* The last round this agent finished (0 if none, or on an error, which is logged), and
 * recording it. */
uint64_t spool_round_done(struct spool *sp);
int spool_set_round_done(struct spool *sp, uint64_t round_id);

/* Moves up to `max` pending results, and no more than `max_bytes` of them packed (at least
 * one), into the next batch; *batch_seq is its number, or 0 when nothing was pending. */
int spool_seal(struct spool *sp, size_t max, size_t max_bytes, uint64_t *batch_seq);
/* A copy of batch `seq` as a packed ResultBatch; caller frees *buf. PEIL_ENOENT if absent. */
int spool_get(struct spool *sp, uint64_t seq, uint8_t **buf, size_t *len);
/* Calls fn with batch `seq` as stored (valid only during the call, no copy made) and returns
 * what fn returns; PEIL_ENOENT if absent. */
int spool_read(struct spool *sp, uint64_t seq,
    int (*fn)(const uint8_t *buf, size_t len, void *arg), void *arg);
/* Deletes every batch <= seq. */
int spool_ack(struct spool *sp, uint64_t seq);
/* The collector has stored every batch up to `remote_last`: deletes those, and makes sure
 * the next batch sealed is numbered above it (a new or restored spool). */
int spool_sync_remote(struct spool *sp, uint64_t remote_last);

struct spool_stats {
	uint64_t pending;          /* results not yet in a batch */
	uint64_t batches;          /* batches not acknowledged */
	uint64_t first_batch;      /* lowest unacknowledged batch seq, 0 if none */
	uint64_t last_batch;       /* highest sealed batch seq, 0 if none ever */
	uint64_t next_result_seq;
};
int spool_stats(struct spool *sp, struct spool_stats *out);

#endif
