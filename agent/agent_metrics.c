/* agent_metrics.c: the agent's metrics, peil_agent_*, fed by hooks in the daemon's loop, its
 * workers and the runner. */
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "agent_metrics.h"
#include "cli.h"
#include "clock.h"
#include "log.h"
#include "metrics.h"

static struct {
	struct metrics *m;
	struct metric *in_flight, *domains, *domain_s, *spool_pending, *spool_batches;
	struct metric *spool_age, *spool_first;
	struct metric *errors[TEST_COUNT], *timeouts[TEST_COUNT];
	struct metric_family *status, *test_s;
	int64_t next_spool_ms, nonempty_since_ms;
} am;

/* The tests whose duration a module's run gave, in this worker's domain now. */
static _Thread_local bool am_timed[TEST_COUNT];

int
agent_metrics_start(const struct conf *c, const char *prog)
{
	const char *listen = conf_str(c, "metrics", "listen");
	struct metric_family *ft, *fe, *fo;
	char err[1024];

	if (listen == NULL || listen[0] == '\0')
		return EXIT_OK;
	if (metrics_check_listen(listen, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		return EXIT_USAGE;
	}
	if ((am.m = metrics_new()) == NULL)
		log_fatal("out of memory");
	am.in_flight = metrics_series(metrics_family(am.m, METRIC_GAUGE,
	    "peil_agent_probes_in_flight", "Domains being probed now.", NULL, 1), NULL);
	am.domains = metrics_series(metrics_family(am.m, METRIC_COUNTER,
	    "peil_agent_domains_probed_total", "Domains whose probe ended (every test decided).",
	    NULL, 1), NULL);
	am.domain_s = metrics_series(metrics_family(am.m, METRIC_HISTOGRAM,
	    "peil_agent_domain_duration_seconds", "Time to probe one domain, every test of it.",
	    NULL, 1), NULL);
	/* A histogram per test shows once the test ran; the counters show their 0 at once. */
	am.test_s = ft = metrics_family(am.m, METRIC_HISTOGRAM, "peil_agent_test_duration_seconds",
	    "Time a test took to be decided: its module's run (tests of one module are decided "
	    "together, sharing their lookups), or the whole domain's probe when decided "
	    "before any module ran.", "test", TEST_COUNT);
	fe = metrics_family(am.m, METRIC_COUNTER, "peil_agent_test_errors_total",
	    "Results of status error (not decided: a lookup or connection failed), by test.",
	    "test", TEST_COUNT);
	fo = metrics_family(am.m, METRIC_COUNTER, "peil_agent_test_timeouts_total",
	    "Results of status error because a time-out or time budget ran out, by test.",
	    "test", TEST_COUNT);
	for (int t = 0; t < TEST_COUNT; t++) {
		const char *id = catalogue_get(t)->id;

		am.errors[t] = metrics_series(fe, id);
		am.timeouts[t] = metrics_series(fo, id);
	}
	am.status = metrics_family(am.m, METRIC_COUNTER, "peil_agent_results_total",
	    "Results made, by status.", "status", 8);
	am.spool_pending = metrics_series(metrics_family(am.m, METRIC_GAUGE,
	    "peil_agent_spool_results", "Results in the spool not yet sealed into a batch.",
	    NULL, 1), NULL);
	am.spool_batches = metrics_series(metrics_family(am.m, METRIC_GAUGE,
	    "peil_agent_spool_batches", "Batches in the spool not yet acknowledged by the "
	    "collector.", NULL, 1), NULL);
	am.spool_first = metrics_series(metrics_family(am.m, METRIC_GAUGE,
	    "peil_agent_spool_oldest_batch_seq", "The oldest unacknowledged batch's number "
	    "(0: none).", NULL, 1), NULL);
	am.spool_age = metrics_series(metrics_family(am.m, METRIC_GAUGE,
	    "peil_agent_spool_backlog_age_seconds", "How long the spool has held undelivered "
	    "results without being empty (0: empty); sampled every second.", NULL, 1), NULL);
	if (metrics_serve(am.m, listen, err, sizeof(err)) != 0) {
		fprintf(stderr, "%s: %s\n", prog, err);
		metrics_free(am.m);
		memset(&am, 0, sizeof(am));
		return EXIT_FAIL;
	}
	log_info("metrics: http://%s/metrics", listen);
	return EXIT_OK;
}

void
agent_metrics_stop(void)
{
	metrics_free(am.m);
	memset(&am, 0, sizeof(am));
}

int64_t
agent_metrics_probe_begin(void)
{
	if (am.m == NULL)
		return 0;
	metric_gauge_add(am.in_flight, 1);
	memset(am_timed, 0, sizeof(am_timed));
	return clock_mono_ms();
}

/* Whether an error result says a time-out or a time budget decided it. */
static bool
agent_metrics_timed_out(const Peil__Result *r)
{
	static const char *const words[] = { "timed out", "time-out", "timeout", "time budget" };

	for (size_t e = 0; e < r->n_evidence; e++) {
		const char *v = r->evidence[e]->value;

		for (size_t w = 0; v != NULL && w < sizeof(words) / sizeof(words[0]); w++)
			if (strcasestr(v, words[w]) != NULL)
				return true;
	}
	return false;
}

void
agent_metrics_probe_end(int64_t t0, const struct result_set *out, size_t first)
{
	double s;

	if (am.m == NULL)
		return;
	s = (double)(clock_mono_ms() - t0) / 1000.0;
	metric_gauge_add(am.in_flight, -1);
	metric_add(am.domains, 1);
	metric_observe(am.domain_s, s);
	for (size_t i = first; out != NULL && i < out->n; i++) {
		const Peil__Result *r = out->items[i];
		static const char *const names[] = { "unspecified", "passed", "failed", "warning",
		    "info", "not_tested", "error" };
		enum catalogue_test t;

		metric_add(metrics_series(am.status, (size_t)r->status < sizeof(names) /
		    sizeof(names[0]) ? names[r->status] : "unknown"), 1);
		/* Decided before any module ran (the domain does not exist, its SOA timed
		 * out): it took as long as the domain. */
		if (catalogue_test_find(r->test_id, &t) && !am_timed[t])
			metric_observe(metrics_series(am.test_s, catalogue_get(t)->id), s);
		if (r->status != PEIL__STATUS__ERROR || !catalogue_test_find(r->test_id, &t))
			continue;
		metric_add(am.errors[t], 1);
		if (agent_metrics_timed_out(r))
			metric_add(am.timeouts[t], 1);
	}
}

void
agent_metrics_module_begin(struct agent_metrics_clock *mc, const bool done[TEST_COUNT])
{
	if (am.m == NULL)
		return;
	mc->t0 = clock_mono_ms();
	memcpy(mc->before, done, sizeof(mc->before));
}

void
agent_metrics_module_end(const struct agent_metrics_clock *mc, const bool done[TEST_COUNT])
{
	double s;

	if (am.m == NULL)
		return;
	s = (double)(clock_mono_ms() - mc->t0) / 1000.0;
	for (int t = 0; t < TEST_COUNT; t++)
		if (!mc->before[t] && done[t]) {
			metric_observe(metrics_series(am.test_s, catalogue_get(t)->id), s);
			am_timed[t] = true;
		}
}

void
agent_metrics_spool(struct spool *sp)
{
	struct spool_stats st;
	int64_t now;

	if (am.m == NULL || (now = clock_mono_ms()) < am.next_spool_ms)
		return;
	am.next_spool_ms = now + 1000;
	if (spool_stats(sp, &st) != 0)
		return;
	metric_set(am.spool_pending, (double)st.pending);
	metric_set(am.spool_batches, (double)st.batches);
	metric_set(am.spool_first, (double)st.first_batch);
	if (st.pending == 0 && st.batches == 0)
		am.nonempty_since_ms = 0;
	else if (am.nonempty_since_ms == 0)
		am.nonempty_since_ms = now;
	metric_set(am.spool_age, am.nonempty_since_ms ?
	    (double)(now - am.nonempty_since_ms) / 1000.0 : 0);
}
