#!/usr/bin/env bash
# lab.sh BUILD_DIR: the lab (deploy/lab/lab) with its own state directory and namespace
# prefix: up, check (every case's expect lines from every vantage), down; then nothing of it
# (namespace, process, state) may be left. Skipped (77) without root or network namespaces.
set -uo pipefail
BIN=${1:?usage: lab.sh BUILD_DIR}
BIN=$(cd "$BIN" && pwd)
HERE=$(cd "$(dirname "$0")" && pwd)
LAB="$HERE/../../deploy/lab/lab"
export PEIL_LAB_DIR=$(mktemp -d /tmp/peil-it-lab-XXXXXX)
export PEIL_LAB_PREFIX="peilt$$-"
export PEIL_LAB_BUILD=$BIN
export PEIL_LAB_KEEP_LOGS=$PEIL_LAB_DIR-logs

skip() { echo "SKIP: $*"; rmdir "$PEIL_LAB_DIR" 2>/dev/null; exit 77; }
fail() { echo "FAIL: $*" >&2; rc=1; }

[ "$(id -u)" -eq 0 ] || skip "needs root (network namespaces, NSD on port 53)"
command -v ip >/dev/null 2>&1 || skip "ip (iproute2) not found"
command -v python3 >/dev/null 2>&1 || skip "python3 not found"
for t in nsd ldns-keygen ldns-signzone ldns-key2ds ldns-read-zone; do
	command -v "$t" >/dev/null 2>&1 || skip "$t not found (packages nsd, ldnsutils)"
done
probe="${PEIL_LAB_PREFIX}probe"
ip netns add "$probe" 2>/dev/null || skip "network namespaces are unavailable here"
ip netns del "$probe"
rmdir "$PEIL_LAB_DIR"   # the lab makes it itself

rc=0
# Whatever happens, the lab goes down.
trap '"$LAB" down >/dev/null 2>&1 || true; echo "logs: $PEIL_LAB_KEEP_LOGS" >&2' EXIT
t0=$(date +%s.%N)
"$LAB" up || { fail "lab up failed"; exit 1; }
t1=$(date +%s.%N)
"$LAB" status >/dev/null || fail "lab status after up failed"
"$LAB" up 2>&1 | grep -q "already up" || fail "a second up did not say 'already up'"
# No default route anywhere, and only documentation (or link-local/loopback) addresses.
for n in $(ip netns list | awk -v p="$PEIL_LAB_PREFIX" 'index($1, p) == 1 {print $1}'); do
	[ -z "$(ip -n "$n" route show default; ip -n "$n" -6 route show default)" ] ||
	    fail "$n has a default route"
	ip -n "$n" -o addr show | awk '{print $4}' | python3 -c '
import ipaddress, sys
ok = [ipaddress.ip_network(p) for p in ("192.0.2.0/24", "198.51.100.0/24", "203.0.113.0/24",
      "2001:db8::/32", "127.0.0.0/8", "::1/128", "fe80::/10")]
bad = [a for a in sys.stdin.read().split() if not any(ipaddress.ip_interface(a).ip in n for n in ok)]
sys.exit(1 if bad else 0)' || fail "$n has an address outside the lab ranges"
done
"$LAB" check > "/tmp/lab-check-$$.out"; crc=$?
t2=$(date +%s.%N)
cat "/tmp/lab-check-$$.out"
tail -n 1 "/tmp/lab-check-$$.out" | grep -qE '^[0-9]+ passed, 0 failed$' || fail "lab check: mismatches"
[ $crc -eq 0 ] || fail "lab check exited $crc"
rm -f "/tmp/lab-check-$$.out"
# Pids of everything the lab started, before it goes.
pids=$(cat "$PEIL_LAB_DIR"/pids/*.pid "$PEIL_LAB_DIR"/dns/nsd.pid 2>/dev/null)
"$LAB" down || fail "lab down failed"
trap - EXIT
# A sanitizer report in any daemon's log (written up to its exit) fails the test.
if grep -lE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" "$PEIL_LAB_KEEP_LOGS"/*.log \
    >/dev/null 2>&1; then
	fail "sanitizer report in $(grep -lE "Sanitizer|runtime error:" "$PEIL_LAB_KEEP_LOGS"/*.log)"
fi
if [ $rc -ne 0 ]; then
	echo "--- logs in $PEIL_LAB_KEEP_LOGS (last 20 lines each)" >&2
	tail -n 20 "$PEIL_LAB_KEEP_LOGS"/*.log >&2
else
	rm -rf "$PEIL_LAB_KEEP_LOGS"
fi
left=$(ip netns list | awk -v p="$PEIL_LAB_PREFIX" 'index($1, p) == 1 {print $1}')
[ -z "$left" ] || fail "namespaces left: $left"
for p in $pids; do
	kill -0 "$p" 2>/dev/null && fail "process $p left running"
done
[ -e "$PEIL_LAB_DIR" ] && fail "state directory $PEIL_LAB_DIR left"
awk -v a="$t0" -v b="$t1" -v c="$t2" 'BEGIN { printf "lab: up %.1f s, check %.1f s\n", b - a, c - b }'
[ $rc -eq 0 ] && echo "1 passed, 0 failed"
exit $rc
