/* tasks.h: rounds and the task lists handed to agents (DESIGN.md §4, issue: rounds). */
#ifndef PEIL_TASKS_H
#define PEIL_TASKS_H

#include <stdint.h>

#include "peil.pb-c.h"
#include "store.h"

struct tasks;

/* A round every `interval_s` seconds over every target domain in the store (it ends when every
 * agent seen within the last interval has finished it, or when the next opens), for the tests
 * named in `tests` (space or comma separated test ids; NULL or "": every test). The store is
 * borrowed. NULL with the reason in err (an id not in the catalogue, out of memory). */
struct tasks *tasks_new(struct store *s, uint64_t interval_s, const char *tests, char *err,
    size_t errlen);
/* How long an idle agent waits before it asks again (default DEFAULT_RETRY_AFTER_S). */
void tasks_set_retry_after(struct tasks *t, uint32_t seconds);
void tasks_free(struct tasks *t);
/* Checks a test list as tasks_new takes it; *n (when not NULL): how many ids (0: all).
 * Returns 0, or PEIL_ECONF with the reason in err. */
int tasks_check_tests(const char *tests, size_t *n, char *err, size_t errlen);

/* Opens a new round when one is due (and there are targets). Returns the milliseconds until
 * the next is due, for the caller's poll timeout. */
int64_t tasks_tick(struct tasks *t, int64_t now);
/* What answering a TaskRequest leaves for the store to record (in the turn's transaction). */
struct tasks_note {
	uint64_t done;     /* the round the agent says it finished (0: none, or not a round) */
	uint64_t given;    /* the round handed out in the TaskList (0: none) */
};
/* Answers a TaskRequest of `agent`: the current round's targets from req->offset (at most
 * MAX_TASK_PAGE), or round_id 0 and a retry time when the agent has done the current round.
 * Writes nothing: *note says what to record (store_touch) before the answer is sent. Strings
 * in *out point into `t`, valid until the next tasks_tick. */
int tasks_answer(struct tasks *t, const char *agent, const Peil__TaskRequest *req,
    Peil__TaskList *out, struct tasks_note *note, int64_t now);
/* After a turn's transaction has committed: ends the current round when an agent said it
 * finished it and every agent seen within the last interval has (one check per turn). */
void tasks_after_turn(struct tasks *t, int64_t now);

#endif
