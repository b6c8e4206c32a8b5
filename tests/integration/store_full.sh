#!/usr/bin/env bash
# The store's map ceiling (collector.map_max_mb): once reached, batches are refused with
# Error STORE_FULL, nothing is acknowledged or half stored, the store stays readable and
# consistent; with a higher ceiling the agent's re-sends deliver everything.
BIN=$1
TEST_NAME=store-full
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47112}

make_keys a1
write_collector_conf "$PORT" "map_mb = 1" "map_max_mb = 1"
import_targets 1000
write_agent_conf a1 "$PORT" "batch_max = 200"
start_collector
"$SYNTH_BIN" -c "$T/a1.conf" --count 20000 >"$T/a1.log" 2>&1 &
AGENT=$!
PIDS+=($AGENT)
for _ in $(seq 1 200); do
	grep -q "the store is full" "$T/collector.log" && break
	sleep 0.1
done
grep -q "store: full: the map is at its ceiling of 1 MiB" "$T/collector.log" ||
    fail "the collector did not say its store is full"
grep -q "batches refused (agents 'a1'): the store is full" "$T/collector.log" ||
    fail "the collector did not name the agent whose batches it refused"
sleep 2
kill -0 "$AGENT" 2>/dev/null || fail "the agent finished although the store is full"
grep -q "collector error 7" "$T/a1.log" || fail "the agent was not told (Error STORE_FULL)"
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
# Readable, and what the agent record says was stored is what the log holds.
n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | wc -l)
held=$("$COLLECTOR_BIN" agents -c "$T/collector.conf" --format json | python3 -c '
import json, sys
for line in sys.stdin:
    line = line.strip()
    if line:
        a = json.loads(line)
        print(a.get("results"))')
echo "stored before the ceiling: $n results (agent record: $held)"
[ "$n" -gt 0 ] && [ "$n" -lt 20000 ] || fail "expected some results stored, found $n"
[ "$held" = "$n" ] || fail "the agent record says $held results, the log holds $n"
# A higher ceiling: the agent's re-sends deliver the rest, nothing twice.
sed -i 's/^map_max_mb = 1$/map_max_mb = 64/' "$T/collector.conf"
start_collector
wait_pid "$AGENT" 120 || fail "the agent did not deliver after the ceiling was raised"
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | wc -l)
[ "$n" -eq 20000 ] || fail "expected 20000 results, found $n"
echo "1 passed, 0 failed"
