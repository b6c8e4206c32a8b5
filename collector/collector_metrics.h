/* collector_metrics.h: the collector's metrics (common/metrics.h), fed by its event loop. */
#ifndef PEIL_COLLECTOR_METRICS_H
#define PEIL_COLLECTOR_METRICS_H

#include <stdint.h>

#include "server.h"
#include "store.h"
#include "zap.h"

struct collector_metrics;

/* Registers every metric and serves them on `listen` (ADDR:PORT). NULL with the reason in
 * err (naming the address: a port in use, a malformed address). */
struct collector_metrics *collector_metrics_start(const char *listen, char *err,
    size_t errlen);
void collector_metrics_free(struct collector_metrics *cm);
/* The number of agents in the allowlist, after each (re)load. */
void collector_metrics_allowlist(struct collector_metrics *cm, size_t n);
/* Copies the loop's counters, and at most once a second reads the store (size, index lag,
 * the newest round) and the agents connected, and every 5 s the store's agents (last seen,
 * round done). Called from the collector's loop (the store's thread); NULL cm: nothing. */
void collector_metrics_tick(struct collector_metrics *cm, const struct server_stats *ss,
    const struct zap *z, struct store *s);

#endif
