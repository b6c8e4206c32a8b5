#!/usr/bin/env bash
# The collector's memory under a flood. Three hostile agents (admitted keys) flood, over four
# connections each and never reading a reply, the largest messages the collector takes,
# built to decode to the most memory, with TaskRequests whose TaskLists (4,096 of the longest
# names) the collector must queue; two honest agents deliver meanwhile. The collector's peak
# RSS stays under the worst case it computed from its limits (common/limits.h, "Collector
# memory"), and the honest agents' batches keep being acknowledged while the flood goes on.
BIN=$1
TEST_NAME=collmem
. "$(dirname "$0")/lib.sh"
PORT=${PORT:-47107}
FLOOD_S=${FLOOD_S:-25}
HONEST=10000

make_keys honest1 honest2 hostile1 hostile2 hostile3
write_collector_conf "$PORT" "durable = no"
import_targets 200
# Under a flood an honest batch waits its turn behind the hostile ones: a second, not 1 s.
for a in honest1 honest2; do
	write_agent_conf "$a" "$PORT" "[agent]" "durable = no"
	sed -i 's/^ack_timeout_ms = 1000$/ack_timeout_ms = 5000/' "$T/$a.conf"
done
# A round whose TaskList pages are as large as names allow (253 bytes each).
python3 - "$T/targets.csv" <<'PY'
import sys
with open(sys.argv[1], "w") as f:
    for i in range(4096):
        name = ".".join(["a" * 63, "b" * 63, "c" * 63, "%08d" % i + "d" * 50]) + ".nl"
        assert len(name) == 253
        f.write(f"Org,{name}\n")
PY
"$COLLECTOR_BIN" targets import -c "$T/collector.conf" "$T/targets.csv" >/dev/null
[ -n "${NOROUND:-}" ] || "$COLLECTOR_BIN" rounds --open -c "$T/collector.conf" >/dev/null 2>&1
# A sanitizer build's malloc is AddressSanitizer's: freed blocks wait in a quarantine, and
# shadow memory adds an eighth. Its quarantine is kept small and both are allowed for.
ASAN=
if grep -qa __asan_init "$COLLECTOR_BIN"; then
	ASAN=1
	export ASAN_OPTIONS="${ASAN_OPTIONS:+$ASAN_OPTIONS:}quarantine_size_mb=32"
fi
start_collector
line=$(grep -m1 "memory: at most" "$T/collector.log") || fail "the collector did not state its memory bound"
BOUND_MB=$(sed -E 's/.*at most ([0-9]+) MiB of ([0-9]+).*/\1/' <<<"$line")
BUDGET_MB=$(sed -E 's/.*at most ([0-9]+) MiB of ([0-9]+).*/\2/' <<<"$line")
[ "$BOUND_MB" -le "$BUDGET_MB" ] || fail "bound $BOUND_MB MiB over the budget $BUDGET_MB MiB"
[ -n "$ASAN" ] && BOUND_MB=$((BOUND_MB + BOUND_MB / 8 + 32 + 64)) &&
    echo "sanitizer build: bound raised to $BOUND_MB MiB (shadow, quarantine, redzones)"

# Peak RSS, sampled, besides the kernel's own high-water mark read at the end.
rss_kb() { awk '/^VmRSS:/ { print $2 }' "/proc/$COLLECTOR_PID/status" 2>/dev/null || echo 0; }
(
	peak=0
	while kill -0 "$COLLECTOR_PID" 2>/dev/null; do
		r=$(rss_kb)
		[ "${r:-0}" -gt "$peak" ] && peak=$r && echo "$peak" >"$T/peak"
		echo "$(date +%s.%N | cut -c1-14) $r" >>"$T/rss.txt"
		# Stop the test at once rather than let a runaway collector take the machine.
		if [ "${r:-0}" -gt $((BOUND_MB * 1024)) ]; then
			echo "RSS $r kB over the bound" >"$T/over"
			kill -9 "$COLLECTOR_PID"
		fi
		sleep 0.1
	done
) &
PIDS+=($!)

FLOODERS=()
for h in hostile1 hostile2 hostile3; do
	"$BIN/tests/integration/rawclient" flood "tcp://127.0.0.1:$PORT" "$T/keys/collector.pub" \
	    "$T/keys/$h.key" "$FLOOD_S" 4 1048576 >"$T/$h.log" 2>&1 &
	FLOODERS+=($!)
	PIDS+=($!)
done
sleep 3
t0=$(date +%s)
GOODS=()
for a in honest1 honest2; do
	"$SYNTH_BIN" -c "$T/$a.conf" --count "$HONEST" >"$T/$a.log" 2>&1 &
	GOODS+=($!)
	PIDS+=($!)
done
# While the flood goes on, the honest agents' batches are acknowledged (read from the store
# beside the running collector): at least one batch of each stored, 2 s before the flood ends.
sleep $((FLOOD_S - 5))
for f in "${FLOODERS[@]}"; do kill -0 "$f" 2>/dev/null || fail "a flood ended early"; done
for a in honest1 honest2; do
	n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c "\"vantage\":\"$a\"" || true)
	echo "during the flood: $n results of $a stored"
	[ "$n" -ge 1000 ] || fail "$a had $n results stored during the flood"
done
for g in "${GOODS[@]}"; do
	wait_pid "$g" 60 || fail "an honest agent failed under the flood"
done
t1=$(date +%s)
for f in "${FLOODERS[@]}"; do wait_pid "$f" $((FLOOD_S + 10)) || fail "rawclient flood failed"; done
[ -f "$T/over" ] && fail "$(cat "$T/over") of $BOUND_MB MiB"
kill -0 "$COLLECTOR_PID" 2>/dev/null || fail "the collector died"
HWM_KB=$(awk '/^VmHWM:/ { print $2 }' "/proc/$COLLECTOR_PID/status")
PEAK_KB=$(cat "$T/peak" 2>/dev/null || echo 0)
[ "$HWM_KB" -gt "$PEAK_KB" ] && PEAK_KB=$HWM_KB
cat "$T"/hostile*.log
echo "collector peak RSS $((PEAK_KB / 1024)) MiB; bound from its limits $BOUND_MB MiB; budget $BUDGET_MB MiB"
echo "honest agents delivered 2 x $HONEST results in $((t1 - t0)) s, most during the flood"
[ "$PEAK_KB" -lt $((BOUND_MB * 1024)) ] || fail "peak RSS $PEAK_KB kB not under $BOUND_MB MiB"
kill "$COLLECTOR_PID"
wait_pid "$COLLECTOR_PID" 20 || fail "collector did not stop cleanly"
grep "stored .* results" "$T/collector.log" | tail -n 1
for a in honest1 honest2; do
	n=$("$COLLECTOR_BIN" export -c "$T/collector.conf" | grep -c "\"vantage\":\"$a\"" || true)
	[ "$n" -eq "$HONEST" ] || fail "expected $HONEST results of $a, found $n"
done
echo "1 passed, 0 failed"
