#!/usr/bin/env bash
# Revocation: an agent connected and delivering loses its session when its key file is
# removed and the allowlist reloaded (SIGHUP): its connection is closed at once, nothing more
# of it is stored, and it cannot come back; a key REPLACED under the same name ends the old
# key's session the same way, and the new key delivers. Other agents are not disturbed.
BIN=$1
TEST_NAME=revoke
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47108}

count() { "$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c "\"vantage\":\"$1\"" || true; }

make_keys good other swap
write_collector_conf "$PORT"
import_targets 3000
# Slow deliverers: one small batch at a time, each a durable commit.
for a in good other swap; do write_agent_conf "$a" "$PORT" "batch_max = 20" "window = 1"; done
start_collector

"$SYNTH_BIN" -c "$T/good.conf" --count 200000 >"$T/good.log" 2>&1 &
GOOD=$!
PIDS+=($GOOD)
"$SYNTH_BIN" -c "$T/swap.conf" --count 200000 >"$T/swap.log" 2>&1 &
SWAP=$!
PIDS+=($SWAP)
for _ in $(seq 1 100); do
	[ "$(count good)" -ge 200 ] && [ "$(count swap)" -ge 200 ] && break
	sleep 0.1
done
[ "$(count good)" -ge 200 ] || fail "good is not delivering"
[ "$(count swap)" -ge 200 ] || fail "swap is not delivering"

# good's key file goes; swap's file gets a new key (the old one was "lost").
rm "$T/allow/good"
"$AGENT_BIN" keygen --output "$T/keys/swap2" >/dev/null
cp "$T/keys/swap2.pub" "$T/allow/swap"
kill -HUP "$COLLECTOR_PID"
for _ in $(seq 1 50); do
	[ "$(grep -c "its key is no longer in the allowlist" "$T/collector.log")" -ge 2 ] && break
	sleep 0.1
done
grep -q "closed the connection of 'good': its key is no longer in the allowlist" \
    "$T/collector.log" || fail "good's connection was not closed"
grep -q "closed the connection of 'swap': its key is no longer in the allowlist" \
    "$T/collector.log" || fail "the replaced key's connection was not closed"
sleep 1
g1=$(count good)
s1=$(count swap)
sleep 4
g2=$(count good)
s2=$(count swap)
echo "good: $g1 then $g2 results; swap (old key): $s1 then $s2"
[ "$g2" -eq "$g1" ] || fail "good's results were still stored after its key was removed ($g1 -> $g2)"
[ "$s2" -eq "$s1" ] || fail "the old key's results were still stored after it was replaced ($s1 -> $s2)"
[ "$g2" -lt 200000 ] || fail "good finished: the revocation came too late to test"
kill -0 "$GOOD" 2>/dev/null || fail "good finished after its key was removed"
kill -0 "$SWAP" 2>/dev/null || fail "the old key finished after it was replaced"

# Others are not disturbed, and the new key delivers under the name.
"$SYNTH_BIN" -c "$T/other.conf" --count 300 >"$T/other.log" 2>&1 &
OTHER=$!
PIDS+=($OTHER)
wait_pid "$OTHER" 60 || fail "other could not deliver"
[ "$(count other)" -eq 300 ] || fail "other's 300 results were not all stored"
kill "$SWAP"
wait "$SWAP" 2>/dev/null || true
# The key rotated on the same machine: its spool (instance) goes on with the new key, and
# delivers the rest, nothing lost or stored twice.
write_agent_conf swapnew "$PORT"
sed -i -e "s|$T/keys/swapnew.key|$T/keys/swap2.key|" -e "s|$T/spool-swapnew|$T/spool-swap|" \
    "$T/swapnew.conf"
"$SYNTH_BIN" -c "$T/swapnew.conf" --count 100 >"$T/swapnew.log" 2>&1 &
NEW=$!
PIDS+=($NEW)
wait_pid "$NEW" 90 || fail "the new key of swap could not deliver"
[ "$(count swap)" -eq 200100 ] || fail "expected 200100 results under swap, found $(count swap)"
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
grep "stored .* results" "$T/collector.log" | tail -n 1
echo "1 passed, 0 failed"
