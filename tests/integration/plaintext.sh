#!/usr/bin/env bash
# The plain-text debug mode: both sides must ask for it, it only binds to loopback, and
# results are named "plain:" and the agent's configured name.
BIN=$1
TEST_NAME=plaintext
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47106}

mkdir -p "$T/allow"
cat >"$T/collector.conf" <<CONF
[collector]
listen = tcp://127.0.0.1:$PORT
allowlist = $T/allow
store = $T/store
plaintext = yes
CONF
cat >"$T/dbg.conf" <<CONF
[agent]
name = dbg
spool = $T/spool
[collector]
endpoint = tcp://127.0.0.1:$PORT
plaintext = yes
CONF
import_targets 10
start_collector
grep -q "PLAIN TEXT" "$T/collector.log" || fail "plain-text mode not announced"
"$SYNTH_BIN" -c "$T/dbg.conf" --count 100 >"$T/dbg.log" 2>&1 &
P=$!
PIDS+=($P)
wait_pid "$P" 30 || fail "plain-text agent did not deliver"
n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c '"vantage":"plain:dbg"' || true)
[ "$n" -eq 100 ] || fail "expected 100 results from plain:dbg, found $n"
# Off loopback it is refused, on both sides.
sed -i "s|tcp://127.0.0.1:$PORT|tcp://192.0.2.1:$PORT|" "$T/dbg.conf"
rc=0
"$SYNTH_BIN" -c "$T/dbg.conf" >"$T/refused.out" 2>&1 || rc=$?
[ "$rc" -eq 2 ] || fail "a plain-text agent pointed off loopback exited $rc, not 2"
grep -q "not a loopback endpoint" "$T/refused.out" || fail "no clear refusal: $(cat "$T/refused.out")"
echo "1 passed, 0 failed"
