/* metrics.h: a daemon's metrics in Prometheus's text exposition format (version 0.0.4),
 * served over HTTP by libmicrohttpd on [metrics] listen = ADDR:PORT. Counters, gauges and
 * histograms with at most one label; every update is an atomic operation, so any thread may
 * update while the HTTP thread renders. */
#ifndef PEIL_METRICS_H
#define PEIL_METRICS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* The [metrics] section, spliced into each daemon's configuration schema. */
#define METRICS_CONF_KEYS \
	{ "metrics", "listen", CONF_STR, "", 0, 0, \
	  "ADDR:PORT ([ADDR]:PORT for IPv6) to serve Prometheus metrics on at /metrics; " \
	  "empty: no metrics" }

enum metric_kind { METRIC_COUNTER, METRIC_GAUGE, METRIC_HISTOGRAM };

struct metrics;          /* opaque: the registry and its HTTP server */
struct metric_family;    /* one metric name, its help and its label's name */
struct metric;           /* one series: the family with one label value (or none) */

/* A new, empty registry; NULL when out of memory. */
struct metrics *metrics_new(void);
/* Stops the HTTP server and frees everything (NULL accepted). */
void metrics_free(struct metrics *m);
/* Registers a family. `name` follows Prometheus's conventions (the caller's duty: _total for
 * counters, the unit in the name); `label` is the one label's name, or NULL for none;
 * `max_series` bounds its label values. Histograms observe seconds, in fixed buckets from
 * 5 ms to 10 min. Registering after metrics_serve is allowed. NULL when out of memory or
 * past MAX_METRIC_FAMILIES (then every update through it is ignored). */
struct metric_family *metrics_family(struct metrics *m, enum metric_kind kind,
    const char *name, const char *help, const char *label, size_t max_series);
/* The series of `value` (NULL for a family without a label), made on first use; NULL when
 * the family holds max_series already (updates through NULL are ignored). */
struct metric *metrics_series(struct metric_family *f, const char *value);
/* Every series of the family goes (for a gauge whose label values come and go). */
void metrics_family_clear(struct metric_family *f);
/* A refresh of a family whose label values come and go, with no gap a scrape could see:
 * after metrics_family_mark, set every series that still exists; metrics_family_sweep then
 * hides the series not updated since the mark. metric_marked: updated since the mark. */
void metrics_family_mark(struct metric_family *f);
void metrics_family_sweep(struct metric_family *f);
bool metric_marked(const struct metric *s);

void metric_add(struct metric *s, uint64_t n);            /* counter */
void metric_set_count(struct metric *s, uint64_t v);      /* counter set from a total kept
                                                           * elsewhere (monotonic) */
void metric_set(struct metric *s, double v);               /* gauge */
void metric_gauge_add(struct metric *s, int64_t d);        /* gauge up or down */
void metric_observe(struct metric *s, double seconds);    /* histogram */
/* A counter's or gauge's value now (0 for NULL). */
double metric_value(const struct metric *s);

/* Writes the exposition text into a malloc'd buffer (*len bytes, NUL-terminated); NULL when
 * out of memory or past MAX_METRICS_PAGE_BYTES. */
char *metrics_render(struct metrics *m, size_t *len);

/* Parses ADDR:PORT or [ADDR]:PORT (numeric address, port 1-65535) and starts serving
 * GET /metrics there on a thread of libmicrohttpd's. 0; PEIL_EINVAL (a malformed address),
 * PEIL_EIO (cannot listen there: the address in use, errno kept), PEIL_ENOLIB
 * (libmicrohttpd cannot be loaded: mhdapi.h) or PEIL_ENOMEM, each with a reason naming the
 * address in err. */
int metrics_serve(struct metrics *m, const char *listen, char *err, size_t errlen);
/* Whether `listen` is an address metrics_serve takes: 0, or PEIL_EINVAL with the reason
 * (naming the key and the value) in err. A configuration check before anything starts. */
int metrics_check_listen(const char *listen, char *err, size_t errlen);
/* The port actually listened on (after metrics_serve), for logs. */
unsigned metrics_port(const struct metrics *m);

#endif
