#!/usr/bin/env bash
# Only allowlisted keys get anything stored; a refused agent does not disturb the others;
# SIGHUP reloads the allowlist; the agent's name comes from its key, not from its messages.
BIN=$1
TEST_NAME=allowlist
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47102}

make_keys good stranger
write_collector_conf "$PORT"
import_targets 100
write_agent_conf good "$PORT"
# The stranger claims to be "good" in its configuration: names come from keys only.
write_agent_conf stranger "$PORT"
sed -i 's/^name = stranger$/name = good/' "$T/stranger.conf"
start_collector

"$SYNTH_BIN" -c "$T/stranger.conf" --count 300 >"$T/stranger.log" 2>&1 &
STRANGER=$!
PIDS+=($STRANGER)
"$SYNTH_BIN" -c "$T/good.conf" --count 500 >"$T/good.log" 2>&1 &
GOOD=$!
PIDS+=($GOOD)
wait_pid "$GOOD" 60 || fail "the allowlisted agent did not deliver"
sleep 2
kill -0 "$STRANGER" 2>/dev/null || fail "the stranger finished: it must not have been served"
grep -q "refused a connection" "$T/collector.log" || fail "collector did not log the refusal"

n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | wc -l)
[ "$n" -eq 500 ] || fail "expected 500 results (only the good agent's), found $n"
"$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -q '"vantage":"stranger"' &&
    fail "a result of the stranger was stored"
"$COLLECTOR_BIN" agents -c "$T/collector.conf" | grep -q '^good ' || fail "agents lacks 'good'"

# Admit the stranger under the name the coordinator gives it, and reload.
cp "$T/keys/stranger.pub" "$T/allow/newcomer"
kill -HUP "$COLLECTOR_PID"
wait_pid "$STRANGER" 60 || fail "the newly allowlisted agent did not deliver after SIGHUP"
grep -q "allowlist reloaded: 2 agents" "$T/collector.log" || fail "no reload logged"
n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | wc -l)
[ "$n" -eq 800 ] || fail "expected 800 results after the reload, found $n"
m=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c '"vantage":"newcomer"' || true)
[ "$m" -eq 300 ] || fail "expected 300 results from 'newcomer', found $m"

# A copy of good's key on a second machine (its own spool): refused while good is active,
# and nothing of good's is lost or acked away.
write_agent_conf twin "$PORT"
sed -i "s|$T/keys/twin.key|$T/keys/good.key|" "$T/twin.conf"
"$SYNTH_BIN" -c "$T/twin.conf" --count 200 >"$T/twin.log" 2>&1 &
TWIN=$!
PIDS+=($TWIN)
sleep 3
kill -0 "$TWIN" 2>/dev/null || fail "a second instance of good's key was served"
grep -q "second instance" "$T/collector.log" || fail "the collector did not log the second instance"
grep -q "another agent with our key is active" "$T/twin.log" || fail "the twin was not told why"
n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c '"vantage":"good"' || true)
[ "$n" -eq 500 ] || fail "expected good's 500 results only, found $n"
echo "1 passed, 0 failed"
