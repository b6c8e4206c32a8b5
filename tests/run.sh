#!/usr/bin/env bash
# The whole test suite, from a fresh clone: dependencies, a strict build and every test, then
# a clang build with AddressSanitizer, UndefinedBehaviorSanitizer and the libFuzzer targets,
# and every test again under the sanitizers.
set -euo pipefail
cd "$(dirname "$0")/.."

./deploy/install-deps.sh

jobs=$(nproc)
echo "== build (gcc, warnings are errors)"
cmake -S . -B build -DPEIL_WERROR=ON >/dev/null
cmake --build build -j"$jobs"
# Skips are counted: ctest's (an integration script's exit 77) and the unit tests' (a line each
# in PEIL_SKIP_LOG, tests/unit/skip.h). Under CI (CI=true) a test that skips fails itself, and
# any skip counted here fails the run too.
skips=0
export PEIL_SKIP_LOG
PEIL_SKIP_LOG=$(mktemp /tmp/peil-skips-XXXXXX)
# The tests listen on fixed loopback ports 47100-47299, inside Linux's ephemeral range
# (32768-60999): while tests run in parallel, a client socket of one could take another's
# port before its server binds ("Address already in use"). Reserve the range from ephemeral
# use for the run (root only), and give the old setting back at the end.
reserved_file=/proc/sys/net/ipv4/ip_local_reserved_ports
reserved_old=
if [ -w "$reserved_file" ]; then
	reserved_old=$(cat "$reserved_file")
	echo "${reserved_old:+$reserved_old,}47100-47299" >"$reserved_file"
fi
restore_reserved() {
	if [ -w "$reserved_file" ]; then echo "$reserved_old" >"$reserved_file"; fi
}
trap 'rm -f "$PEIL_SKIP_LOG" "$PEIL_SKIP_LOG.ctest"; restore_reserved' EXIT
count_skips() {   # $1: what ran; reads the ctest log, then resets both logs
	local n
	n=$(( $(grep -c -- '\*\*\*Skipped' "$PEIL_SKIP_LOG.ctest" || true) +
	    $(wc -l <"$PEIL_SKIP_LOG") ))
	grep -- '\*\*\*Skipped' "$PEIL_SKIP_LOG.ctest" || true
	cat "$PEIL_SKIP_LOG"
	echo "$1: $n tests skipped"
	skips=$((skips + n))
	: >"$PEIL_SKIP_LOG"
}

echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs" | tee "$PEIL_SKIP_LOG.ctest"
count_skips "tests"

echo "== build (clang, ASan + UBSan, libFuzzer targets)"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DPEIL_SANITIZE=ON -DPEIL_FUZZ=ON \
    -DPEIL_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under the sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs" | tee "$PEIL_SKIP_LOG.ctest"
count_skips "tests under the sanitizers"

echo "== $skips tests skipped in all"
if [ "${CI:-}" = true ] && [ "$skips" -ne 0 ]; then
	echo "FAIL: under CI nothing may be skipped" >&2
	exit 1
fi
