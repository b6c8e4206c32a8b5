#!/usr/bin/env bash
# The units' exposure: `systemd-analyze security --offline=true` scores each configured unit
# of the build tree (0 safest .. 10 exposed); a score of 2.0 or more ("OK" is below 2.0)
# fails, and the checks still open are printed.
#   usage: tests/systemd_security.sh BUILD_DIR
set -euo pipefail
BUILD=$(cd "$1" && pwd)
MAX=2.0
command -v systemd-analyze >/dev/null || {
	[ "${CI:-}" = true ] && { echo "FAIL: no systemd-analyze (deploy/install-deps.sh)" >&2; exit 1; }
	echo "SKIP: no systemd-analyze"; exit 77; }
rc=0
for unit in peil-agent peil-collector; do
	f="$BUILD/deploy/$unit.service"
	[ -f "$f" ] || { echo "FAIL: $f not configured" >&2; exit 1; }
	out=$(systemd-analyze security --offline=true --no-pager "$f" 2>&1) || true
	score=$(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: \([0-9.]*\) .*/\1/p')
	[ -n "$score" ] || { printf '%s\n' "$out" >&2; echo "FAIL: no score for $unit" >&2; exit 1; }
	echo "$unit.service: exposure $score ($(printf '%s\n' "$out" | sed -n 's/.*Overall exposure level for [^:]*: [0-9.]* \([A-Z]*\).*/\1/p'))"
	printf '%s\n' "$out" | grep '✗' | sed 's/^/    /' || true
	if [ "$(echo "$score >= $MAX" | bc)" -eq 1 ]; then
		echo "FAIL: $unit.service scores $score, the limit is below $MAX" >&2
		rc=1
	fi
done
exit $rc
