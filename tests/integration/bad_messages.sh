#!/usr/bin/env bash
# Hostile messages from an admitted key (every fuzz seed, a two-frame message, one over the
# size limit) are dropped and counted; the collector keeps serving a well-behaved agent.
BIN=$1
SEEDS=$2
TEST_NAME=bad-messages
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47103}

make_keys good hostile
write_collector_conf "$PORT" "[limits]" "max_message_bytes = 1048576"
import_targets 100
write_agent_conf good "$PORT"
start_collector

for round in 1 2 3; do
	"$BIN/tests/integration/rawclient" "tcp://127.0.0.1:$PORT" "$T/keys/collector.pub" \
	    "$T/keys/hostile.key" "$SEEDS" 2000000 >>"$T/rawclient.log" 2>&1 ||
	    fail "rawclient failed"
done
kill -0 "$COLLECTOR_PID" 2>/dev/null || fail "the collector died"
"$SYNTH_BIN" -c "$T/good.conf" --count 1000 >"$T/good.log" 2>&1 &
GOOD=$!
PIDS+=($GOOD)
wait_pid "$GOOD" 60 || fail "the good agent could not deliver after the hostile one"
kill -0 "$COLLECTOR_PID" 2>/dev/null || fail "the collector died"
grep -q "dropped a message from 'hostile'" "$T/collector.log" || fail "no drop was logged"
# Logged at most once per peer per minute, however many were dropped.
lines=$(grep -c "dropped a message from 'hostile'" "$T/collector.log")
[ "$lines" -le 2 ] || fail "drops logged $lines times: not rate limited"
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
grep -E "dropped [1-9][0-9]* messages" "$T/collector.log" || fail "the drop counter stayed at 0"
n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c '"vantage":"good"' || true)
[ "$n" -eq 1000 ] || fail "expected 1000 results of the good agent, found $n"
echo "1 passed, 0 failed"
