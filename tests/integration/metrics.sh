#!/usr/bin/env bash
# Metrics: both daemons serve Prometheus text at /metrics on [metrics] listen; a scrape of
# each (curl on loopback) passes `promtool check metrics` and shows what happened (results
# stored, an agent connected and last seen, per-test durations, errors and time-outs by
# test). Bad input: a metrics port in use stops either daemon with exit 1 and a message
# naming the address, before it writes anything (no store, no spool); a malformed address
# is a configuration error (exit 2).
BIN=$1
TEST_NAME=metrics
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47162}
CM=${CM_PORT:-47163}      # the collector's metrics
AM=${AM_PORT:-47164}      # the agent's metrics
DEAD=${DEAD_PORT:-47165}  # a DNS forwarder that is not there: every lookup times out

command -v curl >/dev/null || skip "curl is missing"
command -v promtool >/dev/null || skip "promtool is missing (Debian package prometheus)"

make_keys ag
write_collector_conf "$PORT" "tests = mail_auth_spf_exist web_dnssec_exist" "[metrics]" \
    "listen = 127.0.0.1:$CM"
import_targets 3
write_agent_conf ag "$PORT" "[resolver]" "forwarder = 127.0.0.1@$DEAD" "timeout_ms = 200" \
    "domain_budget_ms = 1000" "[metrics]" "listen = 127.0.0.1:$AM"
start_collector
"$AGENT_BIN" run -c "$T/ag.conf" >>"$T/ag.log" 2>&1 &
AG=$!
PIDS+=($AG)
for _ in $(seq 1 200); do
	n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c '"vantage":"ag"' || true)
	[ "$n" -ge 6 ] && break
	kill -0 "$AG" 2>/dev/null || fail "the agent exited"
	sleep 0.1
done
[ "$n" -ge 6 ] || fail "the agent delivered $n of 6 results in 20 s"
# The collector reads its store for metrics every second, its agents every 5 s.
for _ in $(seq 1 120); do
	curl -sfS "http://127.0.0.1:$CM/metrics" >"$T/collector.prom" ||
	    fail "scraping the collector"
	grep -q '^peil_collector_agent_last_seen_timestamp_seconds{agent="ag"}' \
	    "$T/collector.prom" && break
	sleep 0.1
done
curl -sfS "http://127.0.0.1:$AM/metrics" >"$T/agent.prom" || fail "scraping the agent"
curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$CM/other" >"$T/code"
[ "$(cat "$T/code")" = 404 ] || fail "/other answered $(cat "$T/code"), not 404"
for f in collector agent; do
	promtool check metrics <"$T/$f.prom" >"$T/$f.promtool" 2>&1 ||
	    fail "promtool check metrics on the $f's metrics: $(cat "$T/$f.promtool")"
	echo "promtool check metrics, $f: passed ($(grep -vc '^#' "$T/$f.prom") samples)"
done
val() { awk -v k="$2" '$1 == k { print $2 }' "$T/$1.prom"; }
[ "$(val collector peil_collector_results_stored_total)" -ge 6 ] ||
    fail "results stored: $(val collector peil_collector_results_stored_total)"
[ "$(val collector peil_collector_agents_connected)" = 1 ] || fail "agents connected"
[ "$(val collector peil_collector_agents_enrolled)" = 1 ] || fail "agents enrolled"
grep -q '^peil_collector_agent_last_seen_timestamp_seconds{agent="ag"} [1-9]' \
    "$T/collector.prom" || fail "the agent's last seen is missing"
[ "$(val collector peil_collector_round_targets)" = 3 ] || fail "round targets"
awk '$1 == "peil_collector_store_used_ratio" && $2 > 0 && $2 < 1 { ok = 1 } END { exit !ok }' \
    "$T/collector.prom" || fail "store use: $(val collector peil_collector_store_used_ratio)"
[ "$(val agent peil_agent_probes_in_flight)" = 0 ] || fail "probes in flight after the round"
[ "$(val agent peil_agent_domains_probed_total)" -ge 3 ] || fail "domains probed"
grep -q '^peil_agent_test_duration_seconds_count{test="web_dnssec_exist"} [1-9]' \
    "$T/agent.prom" || fail "no duration of web_dnssec_exist"
grep -q '^peil_agent_test_errors_total{test="web_dnssec_exist"} [1-9]' "$T/agent.prom" ||
    fail "errors of web_dnssec_exist not counted (every lookup times out)"
grep -q '^peil_agent_test_timeouts_total{test="web_dnssec_exist"} [1-9]' "$T/agent.prom" ||
    fail "time-outs of web_dnssec_exist not counted"
if [ -n "${METRICS_SAMPLE:-}" ]; then cp "$T/collector.prom" "$T/agent.prom" "$METRICS_SAMPLE"; fi

# A port in use: exit 1 naming it, nothing written.
write_collector_conf "$((PORT + 10))" "[metrics]" "listen = 127.0.0.1:$CM"
sed -i "s|store = $T/store|store = $T/store2|" "$T/collector.conf"
set +e
"$COLLECTOR_BIN" run -c "$T/collector.conf" >"$T/c2.log" 2>&1; rc=$?
set -e
[ $rc -eq 1 ] || fail "collector with its metrics port in use: exit $rc, not 1"
grep -q "metrics.listen 127.0.0.1:$CM: cannot listen: Address already in use" "$T/c2.log" ||
    fail "port in use, collector: $(cat "$T/c2.log")"
[ ! -e "$T/store2" ] || fail "the collector refused to start but made its store"
write_agent_conf ag2 "$PORT" "[metrics]" "listen = 127.0.0.1:$AM"
cp "$T/keys/ag.key" "$T/keys/ag2.key"
set +e
"$AGENT_BIN" run -c "$T/ag2.conf" >"$T/a2.log" 2>&1; rc=$?
set -e
[ $rc -eq 1 ] || fail "agent with its metrics port in use: exit $rc, not 1"
grep -q "metrics.listen 127.0.0.1:$AM: cannot listen: Address already in use" "$T/a2.log" ||
    fail "port in use, agent: $(cat "$T/a2.log")"
[ ! -e "$T/spool-ag2" ] || fail "the agent refused to start but made its spool"
set +e
"$AGENT_BIN" run -c "$T/ag2.conf" -o metrics.listen=localhost >"$T/a3.log" 2>&1; rc=$?
set -e
[ $rc -eq 2 ] || fail "a malformed metrics address: exit $rc, not 2"
grep -q "metrics.listen 'localhost' is not ADDR:PORT" "$T/a3.log" || fail "$(cat "$T/a3.log")"
kill "$AG" "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
echo "1 passed, 0 failed"
