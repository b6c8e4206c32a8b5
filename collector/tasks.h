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
/* Checks a test list as tasks_new takes it. Returns 0, or PEIL_ECONF with the reason in err. */
int tasks_check_tests(const char *tests, char *err, size_t errlen);

/* Opens a new round when one is due (and there are targets). Returns the milliseconds until
 * the next is due, for the caller's poll timeout. */
int64_t tasks_tick(struct tasks *t, int64_t now);
/* Answers a TaskRequest of `agent`: the current round's targets from req->offset (at most
 * MAX_TASK_PAGE), or round_id 0 and a retry time when the agent has done the current round.
 * Records a finished round. Strings in *out point into `t`, valid until the next tasks call. */
int tasks_answer(struct tasks *t, const char *agent, const Peil__TaskRequest *req,
    Peil__TaskList *out, int64_t now);

#endif
