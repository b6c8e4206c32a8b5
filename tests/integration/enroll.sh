#!/usr/bin/env bash
# Enrollment without a signal: `agents add` admits a waiting agent into the RUNNING collector
# at once (inotify on the allowlist directory), `agents remove` closes its connection at once
# and keeps its stored results; `agents list` and keygen print the same fingerprint;
# `peil-agent enroll` checks the collector key against the fingerprint given. Bad input:
# a bad name (2), a key file of the wrong length, a secret key, a name or key enrolled
# already, a collector key that does not match (1) -- each naming the file or agent.
BIN=$1
TEST_NAME=enroll
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47161}

count() { "$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c "\"vantage\":\"$1\"" || true; }
ca() { "$COLLECTOR_BIN" agents "$@" -c "$T/collector.conf"; }

make_keys other
"$AGENT_BIN" keygen --output "$T/keys/late" >"$T/keygen-late.out"
write_collector_conf "$PORT"
write_agent_conf late "$PORT" "batch_max = 20" "window = 1"
write_agent_conf other "$PORT"
import_targets 3000

# Bad input first: nothing enrolled by any of these.
set +e
ca add .bad "$T/keys/late.pub" 2>"$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "a bad agent name: exit $rc, not 2"
grep -q "'.bad' is not a valid agent name" "$T/err" || fail "bad name: $(cat "$T/err")"
printf 'public-key = %s\n' "0123456789" >"$T/short.pub"
set +e
ca add late "$T/short.pub" 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "a key of the wrong length: exit $rc, not 1"
grep -q "short.pub:1: not a Z85 CURVE key" "$T/err" || fail "short key: $(cat "$T/err")"
set +e
ca add late "$T/keys/late.key" 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "a secret key file: exit $rc, not 1"
grep -q "late.key holds a SECRET key" "$T/err" || fail "secret key: $(cat "$T/err")"
[ -z "$(ls -A "$T/allow" | grep -v '^other$')" ] || fail "bad input left files: $(ls -A "$T/allow")"

start_collector
# Not enrolled: the agent waits (its handshakes are refused) and stores nothing.
"$SYNTH_BIN" -c "$T/late.conf" --count 200000 >"$T/late.log" 2>&1 &
LATE=$!
PIDS+=($LATE)
sleep 1.5
[ "$(count late)" -eq 0 ] || fail "an agent not enrolled delivered"
grep -q "refused a connection from .*public key not in the allowlist" "$T/collector.log" ||
    fail "the collector did not refuse the agent not enrolled"

# Enrolled: admitted at once, no signal sent.
ca add late "$T/keys/late.pub" >"$T/add.out" || fail "agents add failed"
fp=$(grep -o 'SHA256:[0-9a-f:]*' "$T/keygen-late.out")
grep -q "$fp" "$T/add.out" || fail "agents add printed another fingerprint than keygen"
ca list >"$T/list.out"
grep -q "^late	$fp\$" "$T/list.out" || fail "agents list: $(cat "$T/list.out")"
for _ in $(seq 1 100); do
	[ "$(count late)" -ge 200 ] && break
	sleep 0.1
done
n=$(count late)
[ "$n" -ge 200 ] || fail "the agent enrolled did not deliver within 10 s ($n results)"
grep -q "allowlist reloaded: 2 agents" "$T/collector.log" || fail "no reload logged"
echo "enrolled: $n results within seconds, no signal sent"

# Twice, or its key under another name: refused.
set +e
ca add late "$T/keys/late.pub" 2>"$T/err"; rc1=$?
ca add late2 "$T/keys/late.pub" 2>"$T/err2"; rc2=$?
set -e
[ $rc1 -eq 1 ] && grep -q "agent 'late' is enrolled already" "$T/err" ||
    fail "enrolling twice: exit $rc1: $(cat "$T/err")"
[ $rc2 -eq 1 ] && grep -q "is enrolled already as agent 'late'" "$T/err2" ||
    fail "one key, two names: exit $rc2: $(cat "$T/err2")"

# Removed: its connection closed at once, nothing more stored, what was stored kept.
ca remove late >/dev/null || fail "agents remove failed"
for _ in $(seq 1 50); do
	grep -q "closed the connection of 'late'" "$T/collector.log" && break
	sleep 0.1
done
grep -q "closed the connection of 'late': its key is no longer in the allowlist" \
    "$T/collector.log" || fail "the removed agent's connection was not closed"
sleep 1
n1=$(count late)
sleep 3
n2=$(count late)
[ "$n2" -eq "$n1" ] || fail "results of the removed agent still stored ($n1 -> $n2)"
[ "$n2" -ge 200 ] || fail "the removed agent's results are gone"
[ "$n2" -lt 200000 ] || fail "the agent finished before its removal: nothing tested"
kill -0 "$LATE" 2>/dev/null || fail "the removed agent finished its delivery"
echo "removed: connection closed, $n2 results kept, none added"
ca list >"$T/list.out"
grep -q "^late" "$T/list.out" && fail "agents list still shows late"

# The directory itself replaced (restored from elsewhere): watched again, and an agent
# enrolled there is taken at once.
mv "$T/allow" "$T/allow-old"
mkdir "$T/allow"
cp "$T/allow-old/other" "$T/allow/other"
ca add late "$T/keys/late.pub" >/dev/null || fail "agents add in the new directory failed"
for _ in $(seq 1 50); do
	[ "$(grep -c "allowlist reloaded: 2 agents" "$T/collector.log")" -ge 2 ] && break
	sleep 0.1
done
[ "$(grep -c "allowlist reloaded: 2 agents" "$T/collector.log")" -ge 2 ] ||
    fail "the replaced allowlist directory was not watched"
# The removed agent, still running, finds its connection gone and connects again: enrolled
# again, it resumes without a restart (it waits 3 x ack_timeout_ms, then redials).
for _ in $(seq 1 150); do
	[ "$(count late)" -gt "$n2" ] && break
	sleep 0.1
done
n3=$(count late)
[ "$n3" -gt "$n2" ] || fail "the agent enrolled again did not resume within 15 s ($n2 results)"
kill -0 "$LATE" 2>/dev/null || fail "the agent enrolled again had exited"
echo "enrolled again: the running agent resumed ($n2 -> $n3 results)"
ca remove late >/dev/null

# The other agent is not disturbed.
"$SYNTH_BIN" -c "$T/other.conf" --count 100 >"$T/other.log" 2>&1 &
OTHER=$!
PIDS+=($OTHER)
wait_pid "$OTHER" 60 || fail "other could not deliver"

# peil-agent enroll: the collector key checked against the fingerprint given.
cfp=$("$COLLECTOR_BIN" keygen --output "$T/keys/collector" --force | grep -o 'SHA256:[0-9a-f:]*')
"$AGENT_BIN" enroll -c "$T/late.conf" --collector-key "$cfp" >"$T/enroll.out" ||
    fail "enroll refused the right fingerprint"
grep -q "agent name   late" "$T/enroll.out" && grep -q "fingerprint  $fp" "$T/enroll.out" ||
    fail "enroll did not print the name and fingerprint: $(cat "$T/enroll.out")"
# Upper case, dashes for colons: the same fingerprint.
alt="sha256:$(echo "${cfp#SHA256:}" | tr 'a-f:' 'A-F-')"
"$AGENT_BIN" enroll -c "$T/late.conf" --collector-key "$alt" >/dev/null ||
    fail "enroll refused the fingerprint written otherwise"
wrong=$(echo "$cfp" | sed 's/.$/0/; t; s/$//')
[ "$wrong" != "$cfp" ] || wrong=$(echo "$cfp" | sed 's/.$/1/')
set +e
"$AGENT_BIN" enroll -c "$T/late.conf" --collector-key "$wrong" >"$T/out" 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "a collector key not matching: exit $rc, not 1"
grep -q "collector key in $T/keys/collector.pub does NOT match" "$T/err" ||
    fail "mismatch message: $(cat "$T/err")"
[ ! -s "$T/out" ] || fail "enroll printed what to send despite the mismatch"
set +e
"$AGENT_BIN" enroll -c "$T/late.conf" --collector-key "SHA256:1234" 2>"$T/err"; rc=$?
set -e
[ $rc -eq 2 ] || fail "a malformed fingerprint: exit $rc, not 2"
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
echo "1 passed, 0 failed"
