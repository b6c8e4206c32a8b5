/* tasks.h: rounds and the task lists handed to agents (DESIGN.md §4, issue: rounds). */
#ifndef PEIL_TASKS_H
#define PEIL_TASKS_H

#include <stdint.h>

#include "peil.pb-c.h"
#include "store.h"

struct tasks;

/* A round every `interval_s` seconds over every target domain in the store. The store is
 * borrowed. NULL on out of memory. */
struct tasks *tasks_new(struct store *s, uint64_t interval_s);
void tasks_free(struct tasks *t);

/* Opens a new round when one is due (and there are targets). Returns the milliseconds until
 * the next is due, for the caller's poll timeout. */
int64_t tasks_tick(struct tasks *t, int64_t now);
/* Answers a TaskRequest of `agent`: the current round's targets from req->offset (at most
 * MAX_TASK_PAGE), or round_id 0 and a retry time when the agent has done the current round.
 * Records a finished round. Strings in *out point into `t`, valid until the next tasks call. */
int tasks_answer(struct tasks *t, const char *agent, const Peil__TaskRequest *req,
    Peil__TaskList *out, int64_t now);

#endif
