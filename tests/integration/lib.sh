# lib.sh: shared set-up for peil's integration tests (sourced, not run).
# Needs: BIN (the build's directory holding agent/ and collector/), a test name.
# Every process started here is killed on exit; all state lives in one temporary folder.

set -euo pipefail

AGENT_BIN="$BIN/agent/peil-agent"
SYNTH_BIN="$BIN/tests/bench/peil-synth"   # the benchmark's synthetic agent
COLLECTOR_BIN="$BIN/collector/peil-collector"
T=$(mktemp -d "/tmp/peil-it-${TEST_NAME:-test}-XXXXXX")
PIDS=()
CLEANUP_HOOKS=()   # commands run at exit, before the processes are killed

cleanup() {
	local rc=$?
	for h in "${CLEANUP_HOOKS[@]:-}"; do
		[ -n "$h" ] && eval "$h" || true
	done
	for p in "${PIDS[@]:-}"; do
		[ -n "$p" ] && kill -9 "$p" 2>/dev/null || true
	done
	wait 2>/dev/null || true
	# A sanitizer report in any daemon's log fails the test, whatever else it checked.
	if [ "$rc" -eq 0 ] && grep -lE "ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:" \
	    "$T"/*.log >/dev/null 2>&1; then
		echo "FAIL: sanitizer report in $(grep -lE "Sanitizer|runtime error:" "$T"/*.log)" >&2
		rc=1
	fi
	if [ "$rc" -ne 0 ] && [ "$rc" -ne 77 ]; then
		echo "--- test failed (exit $rc); logs in $T:" >&2
		for f in "$T"/*.log; do
			[ -f "$f" ] || continue
			echo "--- $f (last 30 lines)" >&2
			tail -n 30 "$f" >&2
		done
	else
		rm -rf "$T"
	fi
	exit "$rc"
}
trap cleanup EXIT

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# Cannot run on this machine: exit 77 (ctest counts it as skipped; tests/run.sh prints the
# count). Under CI (CI=true, a machine where everything can run) a skip is a failure.
skip() {
	if [ "${CI:-}" = true ]; then
		echo "FAIL: skipped under CI: $*" >&2
		exit 1
	fi
	echo "SKIP: $*"
	exit 77
}

# Keys for the collector and for each agent named; agents go in the allowlist unless the
# name starts with "stranger".
make_keys() {
	mkdir -p "$T/keys" "$T/allow"
	"$COLLECTOR_BIN" keygen --output "$T/keys/collector" >/dev/null
	for a in "$@"; do
		"$AGENT_BIN" keygen --output "$T/keys/$a" >/dev/null
		case "$a" in
		stranger*) ;;
		*) cp "$T/keys/$a.pub" "$T/allow/$a" ;;
		esac
	done
}

# write_collector_conf PORT [extra lines...]
write_collector_conf() {
	local port=$1
	shift
	cat >"$T/collector.conf" <<CONF
[collector]
listen = tcp://127.0.0.1:$port
secret_key = $T/keys/collector.key
allowlist = $T/allow
store = $T/store
interval = 3600
$(printf '%s\n' "$@")
CONF
}

# write_agent_conf NAME PORT [extra lines...]
write_agent_conf() {
	local name=$1 port=$2
	shift 2
	cat >"$T/$name.conf" <<CONF
[agent]
name = $name
secret_key = $T/keys/$name.key
spool = $T/spool-$name
[collector]
endpoint = tcp://127.0.0.1:$port
public_key = $T/keys/collector.pub
[limits]
ack_timeout_ms = 1000
heartbeat_ivl_ms = 500
heartbeat_timeout_ms = 3000
reconnect_ivl_ms = 100
$(printf '%s\n' "$@")
CONF
}

COLLECTOR_PID=
start_collector() {
	"$COLLECTOR_BIN" run -c "$T/collector.conf" "$@" >>"$T/collector.log" 2>&1 &
	COLLECTOR_PID=$!
	PIDS+=("$COLLECTOR_PID")
	# Ready when it logs that it listens (bounded: 10 s).
	for _ in $(seq 1 100); do
		grep -q "listening on" "$T/collector.log" 2>/dev/null && return 0
		kill -0 "$COLLECTOR_PID" 2>/dev/null || fail "collector exited at start"
		sleep 0.1
	done
	fail "collector did not start in 10 s"
}

# wait_pid PID SECONDS: waits for a process to exit; returns its status, fails on time-out.
wait_pid() {
	local pid=$1 secs=$2
	for _ in $(seq 1 $((secs * 10))); do
		if ! kill -0 "$pid" 2>/dev/null; then
			wait "$pid"
			return $?
		fi
		sleep 0.1
	done
	fail "process $pid still running after $secs s"
}

# import_targets N: N target domains (synth0.example.nl, ...) into the collector's store, after
# its configuration is written; a round over them opens when the collector starts. The
# collector takes results only for a round it handed out: `peil-synth` asks for one.
import_targets() {
	local n=$1
	seq 0 $((n - 1)) | sed 's/.*/org,synth&.example.nl/' >"$T/targets.csv"
	"$COLLECTOR_BIN" targets import "$T/targets.csv" -c "$T/collector.conf" >/dev/null ||
	    fail "targets import failed"
}

# start_dnstree ADDR: the signed DNS tree of dns/ served by NSD on ADDR port 53 (root.hints and
# root.ds in $T/dns), stopped at exit; skips when not root or a tool is missing.
start_dnstree() {
	local addr=$1 here
	here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
	[ "$(id -u)" -eq 0 ] || skip "needs root to serve DNS on port 53 of $addr"
	CLEANUP_HOOKS+=("\"$here/dns/dnstree.sh\" stop \"$T/dns\" >/dev/null 2>&1")
	"$here/dns/dnstree.sh" start "$T/dns" "$addr" >"$T/dnstree.log" 2>&1 || {
		local rc=$?
		[ $rc -eq 77 ] && skip "$(tail -n 1 "$T/dnstree.log")"
		fail "the DNS tree did not start"
	}
}
