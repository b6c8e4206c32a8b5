#!/usr/bin/env bash
# A round larger than one TaskList page (25,000 targets, 3 pages) for the tests the collector
# names (collector.tests); the agent is killed with SIGKILL in the middle of the round and
# restarted: it resumes where it stopped, and every target is measured exactly once.
BIN=$1
TEST_NAME=big-round
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47105}
N=25000

make_keys solo
# Two tests decided before any lookup: the RPKI tests on an agent without [rpki] tables are
# not_tested at once (no lookup, no connection). The forwarder is a guard: were
# a lookup made, it would go to a closed loopback port, never to the internet's root servers.
write_collector_conf "$PORT" "durable = no" "tests = web_rpki_exists, web_rpki_valid"
write_agent_conf solo "$PORT" "[agent]" "durable = no" "concurrency = 2" \
    "[resolver]" "forwarder = 127.0.0.1@9" "timeout_ms = 200"
python3 - "$T/targets.csv" "$N" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    f.write("organisation,domain\n")
    for i in range(int(sys.argv[2])):
        f.write(f"Org {i % 97},d{i}.example.nl\n")
PY
"$COLLECTOR_BIN" targets import -c "$T/collector.conf" "$T/targets.csv" >/dev/null
start_collector

"$AGENT_BIN" run -c "$T/solo.conf" --rounds 1 >"$T/solo.log" 2>&1 &
A=$!
PIDS+=($A)
# Kill it once some, but not all, of the round is in its spool.
for _ in $(seq 1 200); do
	[ -f "$T/spool-solo/data.mdb" ] && [ "$(stat -c %s "$T/spool-solo/data.mdb")" -gt 2000000 ] && break
	sleep 0.05
done
kill -9 "$A"
wait "$A" 2>/dev/null || true
"$AGENT_BIN" run -c "$T/solo.conf" --rounds 1 >>"$T/solo.log" 2>&1 &
A=$!
PIDS+=($A)
wait_pid "$A" 120 || fail "the agent failed"
grep -q "already done before a restart" "$T/solo.log" || fail "no resume logged"
skipped=$(grep -o "[0-9]* already done before a restart" "$T/solo.log" | tail -n 1 | cut -d' ' -f1)
[ "$skipped" -gt 0 ] && [ "$skipped" -lt $N ] || fail "expected a partial resume, skipped $skipped"

"$COLLECTOR_BIN" export -c "$T/collector.conf" >"$T/export.jsonl"
python3 - "$T/export.jsonl" "$N" <<'PY' || fail "round results wrong"
import json, sys
n = int(sys.argv[2])
seen = {}
for line in open(sys.argv[1]):
    r = json.loads(line)
    key = (r["domain"], r["test"])
    seen[key] = seen.get(key, 0) + 1
    assert r["status"] == "not_tested", r
    assert r["round"] == 1, r
tests = {t for _, t in seen}
assert tests == {"web_rpki_exists", "web_rpki_valid"}, tests
twice = [k for k, c in seen.items() if c != 1]
assert not twice, f"{len(twice)} (domain, test) stored more than once, e.g. {twice[:3]}"
assert len(seen) == 2 * n, f"{len(seen)} results, expected {2 * n}"
print(f"{len(seen)} results, each (domain, test) once")
PY
"$COLLECTOR_BIN" rounds -c "$T/collector.conf" --format json | grep -q '"round":1,.*"ended":"' ||
    fail "round 1 did not end"
echo "1 passed, 0 failed"
