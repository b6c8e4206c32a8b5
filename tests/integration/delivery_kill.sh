#!/usr/bin/env bash
# Nothing lost, nothing duplicated: 3 agents deliver 20,000 results while the collector (and
# one agent) are killed with SIGKILL several times and restarted; the store then holds
# exactly 20,000 distinct results.
BIN=$1
TEST_NAME=delivery-kill
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47101}

make_keys a1 a2 a3
write_collector_conf "$PORT"
import_targets 100
for a in a1 a2 a3; do
	# Small batches and a small window: delivery takes long enough to be killed into.
	write_agent_conf "$a" "$PORT" "batch_max = 7" "window = 2"
done
start_collector

declare -A COUNT=([a1]=7000 [a2]=7000 [a3]=6000)
AGENT_PIDS=()
for a in a1 a2 a3; do
	"$SYNTH_BIN" -c "$T/$a.conf" --count "${COUNT[$a]}" >"$T/$a.log" 2>&1 &
	AGENT_PIDS+=($!)
	PIDS+=($!)
done

# Wait until every agent has its results in its spool (before that, nothing is promised).
for a in a1 a2 a3; do
	for _ in $(seq 1 100); do
		grep -q "spooled" "$T/$a.log" && break
		sleep 0.05
	done
done

# Kill the collector at staggered moments while the agents deliver, and agent a2 twice
# (restarted with nothing new: it delivers what its spool still holds).
kills=0
agent_kills=0
for delay in 0.2 0.25 0.3 0.35 0.4; do
	sleep "$delay"
	kill -0 "${AGENT_PIDS[0]}" 2>/dev/null || kill -0 "${AGENT_PIDS[1]}" 2>/dev/null ||
	    kill -0 "${AGENT_PIDS[2]}" 2>/dev/null || break
	kill -9 "$COLLECTOR_PID"
	wait "$COLLECTOR_PID" 2>/dev/null || true
	kills=$((kills + 1))
	if [ $agent_kills -lt 2 ] && kill -0 "${AGENT_PIDS[1]}" 2>/dev/null; then
		kill -9 "${AGENT_PIDS[1]}"
		wait "${AGENT_PIDS[1]}" 2>/dev/null || true
		agent_kills=$((agent_kills + 1))
		"$SYNTH_BIN" -c "$T/a2.conf" --count 0 >>"$T/a2.log" 2>&1 &
		AGENT_PIDS[1]=$!
		PIDS+=($!)
	fi
	start_collector
done
echo "collector killed $kills times, agent a2 $agent_kills times during delivery"
[ "$kills" -ge 1 ] || fail "the agents finished before the collector could be killed once"

for p in "${AGENT_PIDS[@]}"; do
	wait_pid "$p" 120 || fail "an agent failed (see its log)"
done
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly on SIGTERM"

"$COLLECTOR_BIN" export -c "$T/collector.conf" --format json >"$T/export.jsonl"
total=$(wc -l <"$T/export.jsonl")
distinct=$(python3 - "$T/export.jsonl" <<'PY'
import json, sys
seen = set()
per = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    seen.add((r["vantage"], r["result_seq"]))
    per[r["vantage"]] = per.get(r["vantage"], 0) + 1
print(len(seen), " ".join(f"{k}={v}" for k, v in sorted(per.items())))
PY
)
echo "stored $total results; distinct (vantage, result_seq) and per agent: $distinct"
[ "$total" -eq 20000 ] || fail "expected 20000 results, found $total"
[ "${distinct%% *}" -eq 20000 ] || fail "expected 20000 distinct results, found ${distinct%% *}"
[ "${distinct#* }" = "a1=7000 a2=7000 a3=6000" ] || fail "per-agent counts wrong: ${distinct#* }"
echo "1 passed, 0 failed"
