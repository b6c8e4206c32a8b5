#!/usr/bin/env bash
# What an agent may store: results only for a target of a round handed to it, open or ended
# within collector.round_grace, up to a cap per agent and round. A raw client sends the rest
# over the real protocol: every such batch is acknowledged with its refused results counted
# (Ack.refused, the log), nothing of them stored, while an honest agent's results all are.
BIN=$1
TEST_NAME=accept
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47111}
RAW="$BIN/tests/integration/rawagent"

make_keys good raw other
# One test per round: the cap is 5 targets x 1 test, plus the margin.
write_collector_conf "$PORT" "round_grace = 1" "tests = web_dnssec_exist"
import_targets 5
write_agent_conf good "$PORT"
start_collector
EP="tcp://127.0.0.1:$PORT"
PUB="$T/keys/collector.pub"

"$SYNTH_BIN" -c "$T/good.conf" --count 500 >"$T/good.log" 2>&1 &
GOOD=$!
PIDS+=($GOOD)

# Round 1 is handed to raw (R). Batches: honest; a domain not in the round beside honest ones;
# a round that does not exist; then more than the cap (5 + 2 stored so far).
"$RAW" send "$EP" "$PUB" "$T/keys/raw.key" "R:T:5" "R:nottarget.example:3,R:T:2" "R+1:T:4" \
    "R:T:1100" >"$T/raw1.out" 2>"$T/raw1.log" || fail "rawagent failed: $(cat "$T/raw1.log")"
cat "$T/raw1.out"
grep -q "round 1 handed out" "$T/raw1.out" || fail "raw was not handed round 1"
grep -qx "batch 1: ack refused=0" "$T/raw1.out" || fail "honest batch: $(cat "$T/raw1.out")"
grep -qx "batch 2: ack refused=3" "$T/raw1.out" || fail "domain not in the round not refused"
grep -qx "batch 3: ack refused=4" "$T/raw1.out" || fail "a round that does not exist not refused"
cap=$(( 5 + 5 * 25 / 100 + 1024 ))
grep -qx "batch 4: ack refused=$(( 1100 - (cap - 7) ))" "$T/raw1.out" || fail "cap ($cap) not kept"

# Round 2 opens (round 1 ends); past the grace second, round 1 is closed for raw, and round 1
# was never handed to other, who joins now.
wait_pid "$GOOD" 60 || fail "the honest agent did not deliver"
"$COLLECTOR_BIN" rounds --open -c "$T/collector.conf" >/dev/null 2>&1 || fail "rounds --open failed"
sleep 3
"$RAW" send "$EP" "$PUB" "$T/keys/raw.key" "R-1:T:3,R:T:2" >"$T/raw2.out" 2>"$T/raw2.log" ||
    fail "rawagent failed: $(cat "$T/raw2.log")"
cat "$T/raw2.out"
grep -q "round 2 handed out" "$T/raw2.out" || fail "raw was not handed round 2"
grep -qx "batch 5: ack refused=3" "$T/raw2.out" || fail "results of a closed round not refused"
"$RAW" send "$EP" "$PUB" "$T/keys/other.key" "R-1:T:6,R:T:1" >"$T/other.out" 2>"$T/other.log" ||
    fail "rawagent failed: $(cat "$T/other.log")"
cat "$T/other.out"
grep -qx "batch 1: ack refused=6" "$T/other.out" || fail "a round never handed out not refused"

kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
grep "refused results:" "$T/collector.log" | tail -n 1
not_given=$(( 4 + 6 ))
over=$(( 1100 - (cap - 7) ))
grep -q "refused results: $not_given not given, 3 round closed, 3 not a target, $over over the cap" \
    "$T/collector.log" || fail "the refusals were not counted as expected"
grep -q "batch 2 from 'raw': refused 3 of 5 results" "$T/collector.log" ||
    fail "no refusal logged"

# The operator sees them per agent and per round.
"$COLLECTOR_BIN" agents -c "$T/collector.conf" --format json >"$T/agents.json"
grep -q '"agent":"raw".*"refused":'$(( 3 + 4 + over + 3 ))'}' "$T/agents.json" ||
    fail "agents does not show raw's refusals: $(cat "$T/agents.json")"
grep -q '"agent":"other".*"refused":6}' "$T/agents.json" || fail "agents lacks other's refusals"
"$COLLECTOR_BIN" rounds -c "$T/collector.conf" --format json >"$T/rounds.json"
grep -q '"round":1,.*"refused":'$(( 3 + over + 3 ))'}' "$T/rounds.json" ||
    fail "rounds does not show round 1's refusals: $(cat "$T/rounds.json")"
"$COLLECTOR_BIN" export -c "$T/collector.conf" >"$T/export.jsonl"
n_good=$(grep -c '"vantage":"good"' "$T/export.jsonl" || true)
n_raw=$(grep -c '"vantage":"raw"' "$T/export.jsonl" || true)
n_other=$(grep -c '"vantage":"other"' "$T/export.jsonl" || true)
echo "stored: good $n_good, raw $n_raw, other $n_other"
[ "$n_good" -eq 500 ] || fail "expected the honest agent's 500 results, found $n_good"
[ "$n_raw" -eq $(( cap + 2 )) ] || fail "expected $(( cap + 2 )) results of raw, found $n_raw"
[ "$n_other" -eq 1 ] || fail "expected 1 result of other, found $n_other"
grep -q nottarget "$T/export.jsonl" && fail "a result for a domain not in the round was stored"
echo "1 passed, 0 failed"
