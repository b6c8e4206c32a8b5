/* agent_metrics.h: the agent's metrics (common/metrics.h): spool depth and age, probes in
 * flight, per-test durations, time-outs and errors by test. One registry per process, so
 * the probe workers' hooks need no handle; every hook is a no-op until agent_metrics_start
 * and when [metrics] listen is empty. */
#ifndef PEIL_AGENT_METRICS_H
#define PEIL_AGENT_METRICS_H

#include <stdbool.h>
#include <stdint.h>

#include "catalogue.h"
#include "conf.h"
#include "result.h"
#include "spool.h"

/* Serves the metrics on [metrics] listen, when set. EXIT_OK; EXIT_USAGE (a malformed
 * address) or EXIT_FAIL (a port in use) after printing a message naming the address
 * ("PROG: metrics.listen ...") on stderr. */
int agent_metrics_start(const struct conf *c, const char *prog);
void agent_metrics_stop(void);

/* A domain's probe begins (in flight + 1); returns the clock to give to _end. */
int64_t agent_metrics_probe_begin(void);
/* The domain's probe ended: in flight - 1, its duration, and its results out->items[first..]
 * counted by status, with errors and time-outs by test. */
void agent_metrics_probe_end(int64_t t0, const struct result_set *out, size_t first);

/* Around one module of the runner: the tests it decided (done[] false before, true after)
 * took the time between. */
struct agent_metrics_clock {
	int64_t t0;
	bool before[TEST_COUNT];
};
void agent_metrics_module_begin(struct agent_metrics_clock *mc, const bool done[TEST_COUNT]);
void agent_metrics_module_end(const struct agent_metrics_clock *mc,
    const bool done[TEST_COUNT]);

/* Reads the spool's depth, at most once a second (the daemon's loop calls it each turn). */
void agent_metrics_spool(struct spool *sp);

#endif
