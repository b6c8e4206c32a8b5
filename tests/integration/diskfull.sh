#!/usr/bin/env bash
# A store on a full disk (a small tmpfs): a command that writes fails with exit 1 naming the
# store and the full disk, and leaves the store as it was; a backup onto a full disk fails
# naming DIR.tmp and leaves neither DIR nor DIR.tmp; the running collector stores nothing
# while the disk is full (it says so, naming the store), acknowledges nothing, and stores
# every result once space is back (the agent kept them).
BIN=$1
TEST_NAME=diskfull
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47167}

[ "$(id -u)" -eq 0 ] || skip "needs root to mount a small tmpfs"
mkdir "$T/disk"
mount -t tmpfs -o size=8m peil-diskfull "$T/disk" 2>"$T/mount.err" ||
    skip "cannot mount a tmpfs here: $(cat "$T/mount.err")"
CLEANUP_HOOKS+=("umount -l \"$T/disk\"")
count() { "$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c '"vantage":"w"' || true; }
fill() { dd if=/dev/zero of="$T/disk/fill$1" bs=4k 2>/dev/null || true; }

make_keys w
write_collector_conf "$PORT" "durable = yes"
sed -i "s|store = $T/store|store = $T/disk/store|" "$T/collector.conf"
import_targets 3000
write_agent_conf w "$PORT"
start_collector
"$SYNTH_BIN" -c "$T/w.conf" --count 3000 --go-file "$T/go" >"$T/w.log" 2>&1 &
W=$!
PIDS+=($W)
for _ in $(seq 1 100); do
	grep -q "spooled 3000 synthetic results" "$T/w.log" && break
	sleep 0.1
done
grep -q "spooled 3000 synthetic results" "$T/w.log" || fail "the agent got no round"

fill 1
df -h "$T/disk" | tail -n 1
# The daemon: nothing stored, nothing acknowledged, the reason logged.
touch "$T/go"
for _ in $(seq 1 50); do
	grep -q "No space left on device" "$T/collector.log" && break
	sleep 0.1
done
grep -q "in $T/disk/store failed: No space left on device (the disk is full" \
    "$T/collector.log" || fail "the collector did not say the disk is full"
[ "$(count)" -eq 0 ] || fail "results stored on a full disk"

# A command that writes: exit 1, the store and the cause named, the store as it was.
seq 0 20000 | sed 's/.*/org,more&.example.nl/' >"$T/more.csv"
set +e
"$COLLECTOR_BIN" targets import "$T/more.csv" -c "$T/collector.conf" >/dev/null 2>"$T/err"
rc=$?
set -e
[ $rc -eq 1 ] || fail "targets import on a full disk: exit $rc, not 1"
grep -q "^peil-collector: the store in $T/disk/store: No space left on device: nothing imported (the disk is full" \
    "$T/err" || fail "import on a full disk: $(cat "$T/err")"
"$COLLECTOR_BIN" targets list -c "$T/collector.conf" >"$T/list.csv" ||
    fail "the store cannot be read after a failed import"
[ "$(grep -c example.nl "$T/list.csv")" -eq 3000 ] || fail "a failed import changed the targets"

# A backup onto the full disk: exit 1, DIR.tmp named, nothing left.
set +e
"$COLLECTOR_BIN" backup "$T/disk/bk" -c "$T/collector.conf" 2>"$T/err"; rc=$?
set -e
[ $rc -eq 1 ] || fail "backup onto a full disk: exit $rc, not 1"
grep -q "copying the store to $T/disk/bk.tmp: .*the disk is full" "$T/err" ||
    fail "backup on a full disk: $(cat "$T/err")"
[ ! -e "$T/disk/bk" ] && [ ! -e "$T/disk/bk.tmp" ] || fail "a failed backup left files"

# Space back: every result arrives, none twice.
rm -f "$T/disk"/fill*
wait_pid "$W" 60 || fail "the agent could not deliver once space was back"
[ "$(count)" -eq 3000 ] || fail "expected 3000 results after the disk was freed, found $(count)"
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
echo "full disk: nothing stored or acknowledged, the store intact; 3000 results once freed"
echo "1 passed, 0 failed"
