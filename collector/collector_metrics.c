/* collector_metrics.c: the collector's metrics. Counters mirror the loop's totals (struct
 * server_stats, struct zap_stats); gauges are read from the store and the connection table
 * now and then. Prometheus names: peil_collector_*, _total for counters, units in names. */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "catalogue.h"
#include "clock.h"
#include "collector_metrics.h"
#include "limits.h"
#include "log.h"
#include "metrics.h"

#define CM_AGENTS_MAX   4096    /* agents shown by name (last seen, connected) */
#define CM_STORE_MS     1000
#define CM_AGENTS_MS    5000

struct collector_metrics {
	struct metrics *m;
	struct metric *results_stored, *batches_stored, *results_refused[STORE_REFUSALS + 1];
	struct metric *batches_refused[3], *msg_dropped[2], *conns, *closed[3], *handshakes[2];
	struct metric *enrolled, *lag, *logged, *map_bytes, *map_max, *used_bytes, *map_ratio;
	struct metric *round_id, *round_started, *round_ended, *round_targets, *round_tests;
	struct metric *round_results, *round_refused, *round_expected, *round_done;
	struct metric *agents_known, *agents_connected;
	struct metric_family *last_seen, *connected;
	int64_t next_store_ms, next_agents_ms;
	uint64_t cur_round;
	size_t done, known, nconn;
};

static struct metric *
one(struct metrics *m, enum metric_kind k, const char *name, const char *help)
{
	return metrics_series(metrics_family(m, k, name, help, NULL, 1), NULL);
}

struct collector_metrics *
collector_metrics_start(const char *listen, char *err, size_t errlen)
{
	static const char *const refusal_label[STORE_REFUSALS + 1] = {
		[STORE_REFUSED_NOT_GIVEN] = "round_not_given", [STORE_REFUSED_CLOSED] = "round_closed",
		[STORE_REFUSED_DOMAIN] = "not_a_target", [STORE_REFUSED_CAP] = "over_cap",
		[STORE_REFUSALS] = "malformed",
	};
	struct collector_metrics *cm;
	struct metric_family *f;
	struct metrics *m;

	if ((cm = calloc(1, sizeof(*cm))) == NULL || (cm->m = m = metrics_new()) == NULL) {
		free(cm);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	cm->results_stored = one(m, METRIC_COUNTER, "peil_collector_results_stored_total",
	    "Results stored in the log.");
	f = metrics_family(m, METRIC_COUNTER, "peil_collector_results_refused_total",
	    "Results not stored, by reason (docs/protocol.md): round_not_given, round_closed, "
	    "not_a_target, over_cap, malformed.", "reason", STORE_REFUSALS + 1);
	for (int r = 0; r <= STORE_REFUSALS; r++)
		cm->results_refused[r] = metrics_series(f, refusal_label[r]);
	cm->batches_stored = one(m, METRIC_COUNTER, "peil_collector_batches_stored_total",
	    "Result batches stored and acknowledged.");
	f = metrics_family(m, METRIC_COUNTER, "peil_collector_batches_refused_total",
	    "Result batches not stored, by reason: resent (stored before: acknowledged again), "
	    "sequence (a gap, or another instance of the agent), store_full.", "reason", 3);
	cm->batches_refused[0] = metrics_series(f, "resent");
	cm->batches_refused[1] = metrics_series(f, "sequence");
	cm->batches_refused[2] = metrics_series(f, "store_full");
	f = metrics_family(m, METRIC_COUNTER, "peil_collector_messages_dropped_total",
	    "Messages dropped unread or unanswered, by reason: malformed (not an envelope, "
	    "extra frames, too large, unexpected type), revoked_key.", "reason", 2);
	cm->msg_dropped[0] = metrics_series(f, "malformed");
	cm->msg_dropped[1] = metrics_series(f, "revoked_key");
	f = metrics_family(m, METRIC_COUNTER, "peil_collector_handshakes_total",
	    "CURVE handshakes answered by the ZAP handler, by result.", "result", 2);
	cm->handshakes[0] = metrics_series(f, "admitted");
	cm->handshakes[1] = metrics_series(f, "denied");
	f = metrics_family(m, METRIC_COUNTER, "peil_collector_connections_closed_total",
	    "Connections the collector closed, by reason: revoked_key, table_full, "
	    "agent_limit.", "reason", 3);
	cm->closed[0] = metrics_series(f, "revoked_key");
	cm->closed[1] = metrics_series(f, "table_full");
	cm->closed[2] = metrics_series(f, "agent_limit");
	cm->conns = one(m, METRIC_GAUGE, "peil_collector_connections",
	    "Open connections (handshaking or admitted).");
	cm->agents_connected = one(m, METRIC_GAUGE, "peil_collector_agents_connected",
	    "Agents with an open connection they have spoken on.");
	cm->connected = metrics_family(m, METRIC_GAUGE, "peil_collector_agent_connections",
	    "Open connections of each agent that has one.", "agent", CM_AGENTS_MAX);
	cm->enrolled = one(m, METRIC_GAUGE, "peil_collector_agents_enrolled",
	    "Agents in the allowlist directory with a usable key.");
	cm->agents_known = one(m, METRIC_GAUGE, "peil_collector_agents_known",
	    "Agents the store has a record of (every agent that ever said hello).");
	cm->last_seen = metrics_family(m, METRIC_GAUGE,
	    "peil_collector_agent_last_seen_timestamp_seconds",
	    "When the collector last heard from each agent (unix time).", "agent",
	    CM_AGENTS_MAX);
	cm->logged = one(m, METRIC_GAUGE, "peil_collector_log_results",
	    "Results in the store's log.");
	cm->lag = one(m, METRIC_GAUGE, "peil_collector_index_lag_results",
	    "Results in the log the indexes do not cover yet.");
	cm->map_bytes = one(m, METRIC_GAUGE, "peil_collector_store_map_bytes",
	    "The store's LMDB map size now (it grows by itself).");
	cm->map_max = one(m, METRIC_GAUGE, "peil_collector_store_map_max_bytes",
	    "The ceiling the map never grows past (collector.map_max_mb).");
	cm->used_bytes = one(m, METRIC_GAUGE, "peil_collector_store_used_bytes",
	    "Bytes of the map in use (pages written).");
	cm->map_ratio = one(m, METRIC_GAUGE, "peil_collector_store_used_ratio",
	    "Bytes in use over the map's ceiling: at 1 results are refused (STORE_FULL).");
	cm->round_id = one(m, METRIC_GAUGE, "peil_collector_round_id",
	    "The newest round's number (0: none yet).");
	cm->round_started = one(m, METRIC_GAUGE, "peil_collector_round_started_timestamp_seconds",
	    "When the newest round started (unix time).");
	cm->round_ended = one(m, METRIC_GAUGE, "peil_collector_round_ended_timestamp_seconds",
	    "When the newest round ended (unix time; 0 while it is open).");
	cm->round_targets = one(m, METRIC_GAUGE, "peil_collector_round_targets",
	    "Target domains of the newest round.");
	cm->round_tests = one(m, METRIC_GAUGE, "peil_collector_round_tests",
	    "Tests the newest round asks for.");
	cm->round_expected = one(m, METRIC_GAUGE, "peil_collector_round_results_per_agent",
	    "Results one agent delivers for the whole newest round: targets times tests.");
	cm->round_results = one(m, METRIC_GAUGE, "peil_collector_round_results_stored",
	    "Results stored for the newest round, from every agent.");
	cm->round_refused = one(m, METRIC_GAUGE, "peil_collector_round_results_refused",
	    "Results refused that carried the newest round's number.");
	cm->round_done = one(m, METRIC_GAUGE, "peil_collector_round_agents_done",
	    "Agents that reported the newest round done.");
	if (metrics_serve(m, listen, err, errlen) != 0) {
		collector_metrics_free(cm);
		return NULL;
	}
	log_info("metrics: http://%s/metrics", listen);
	return cm;
}

void
collector_metrics_free(struct collector_metrics *cm)
{
	if (cm == NULL)
		return;
	metrics_free(cm->m);
	free(cm);
}

void
collector_metrics_allowlist(struct collector_metrics *cm, size_t n)
{
	if (cm != NULL)
		metric_set(cm->enrolled, (double)n);
}

static int
cm_agent(const struct store_agent *a, void *arg)
{
	struct collector_metrics *cm = arg;

	cm->known++;
	metric_set(metrics_series(cm->last_seen, a->name), (double)a->last_seen);
	if (cm->cur_round != 0 && a->last_round_done >= cm->cur_round)
		cm->done++;
	return 0;
}

static void
cm_connected(const char *name, void *arg)
{
	struct collector_metrics *cm = arg;
	struct metric *s = metrics_series(cm->connected, name);

	if (s == NULL)
		return;
	if (!metric_marked(s)) {
		metric_set(s, 1);
		cm->nconn++;
	} else {
		metric_gauge_add(s, 1);
	}
}

void
collector_metrics_tick(struct collector_metrics *cm, const struct server_stats *ss,
    const struct zap *z, struct store *s)
{
	struct zap_stats zs;
	struct store_stats st;
	struct store_round r;
	int64_t now = clock_mono_ms();

	if (cm == NULL)
		return;
	zap_get_stats(z, &zs);
	metric_set_count(cm->results_stored, ss->results_stored);
	for (int i = 0; i < STORE_REFUSALS; i++)
		metric_set_count(cm->results_refused[i], ss->results_refused[i]);
	metric_set_count(cm->results_refused[STORE_REFUSALS], ss->results_dropped);
	metric_set_count(cm->batches_stored, ss->batches_stored);
	metric_set_count(cm->batches_refused[0], ss->batches_duplicate);
	metric_set_count(cm->batches_refused[1], ss->batches_gap);
	metric_set_count(cm->batches_refused[2], ss->batches_full);
	metric_set_count(cm->msg_dropped[0], ss->messages_dropped - ss->messages_refused);
	metric_set_count(cm->msg_dropped[1], ss->messages_refused);
	metric_set_count(cm->handshakes[0], zs.admitted);
	metric_set_count(cm->handshakes[1], zs.denied);
	metric_set_count(cm->closed[0], zs.revoked);
	metric_set_count(cm->closed[1], zs.closed_full);
	metric_set_count(cm->closed[2], zs.closed_agent);
	metric_set(cm->conns, (double)zap_connections(z));
	if (now < cm->next_store_ms)
		return;
	cm->next_store_ms = now + CM_STORE_MS;
	if (store_stats(s, &st) == 0) {
		metric_set(cm->logged, (double)st.results);
		metric_set(cm->lag, (double)(st.results - st.indexed));
		metric_set(cm->map_bytes, (double)st.map_bytes);
		metric_set(cm->map_max, (double)st.map_max_bytes);
		metric_set(cm->used_bytes, (double)st.used_bytes);
		metric_set(cm->map_ratio, st.map_max_bytes ?
		    (double)st.used_bytes / (double)st.map_max_bytes : 0);
	}
	if (store_round_latest(s, &r) == 0) {
		uint32_t tests = r.tests ? r.tests : TEST_COUNT;

		cm->cur_round = r.id;
		metric_set(cm->round_id, (double)r.id);
		metric_set(cm->round_started, (double)r.started);
		metric_set(cm->round_ended, (double)r.ended);
		metric_set(cm->round_targets, r.targets);
		metric_set(cm->round_tests, tests);
		metric_set(cm->round_expected, (double)r.targets * tests);
		metric_set(cm->round_results, (double)r.results);
		metric_set(cm->round_refused, (double)r.refused);
	}
	/* Label values come and go with the agents: refreshed, then the gone ones swept. */
	metrics_family_mark(cm->connected);
	cm->nconn = 0;
	zap_each_named(z, cm_connected, cm);
	metrics_family_sweep(cm->connected);
	metric_set(cm->agents_connected, (double)cm->nconn);
	if (now < cm->next_agents_ms)
		return;
	cm->next_agents_ms = now + CM_AGENTS_MS;
	metrics_family_mark(cm->last_seen);
	cm->done = cm->known = 0;
	if (store_agents_each(s, cm_agent, cm) == 0) {
		metric_set(cm->round_done, (double)cm->done);
		metric_set(cm->agents_known, (double)cm->known);
		metrics_family_sweep(cm->last_seen);
	}
}
