#!/usr/bin/env bash
# The demo: builds peil, serves a DNSSEC-signed DNS tree with NSD on loopback, starts a
# collector and two agents, runs one round over the demo domains and prints every verdict.
# State is kept in DEMO_DIR (default /tmp/peil-demo) for exploring afterwards.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
DEMO_DIR=${DEMO_DIR:-/tmp/peil-demo}
PORT=${PORT:-47000}
DNS_ADDR=${DNS_ADDR:-127.0.1.53}

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (NSD serves the demo tree on port 53)" >&2; exit 1; }

echo "== building"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target peil-agent peil-collector >/dev/null
A="$ROOT/build/agent/peil-agent"
C="$ROOT/build/collector/peil-collector"

PIDS=()
cleanup() {
	for p in "${PIDS[@]:-}"; do [ -n "$p" ] && kill "$p" 2>/dev/null || true; done
	wait 2>/dev/null || true
	"$ROOT/tests/integration/dns/dnstree.sh" stop "$DEMO_DIR/dns" >/dev/null 2>&1 || true
}
trap cleanup EXIT

rm -rf "$DEMO_DIR"
mkdir -p "$DEMO_DIR/keys" "$DEMO_DIR/allow"
echo "== DNS: a private signed root, the TLD 'test' and the demo domains on $DNS_ADDR"
"$ROOT/tests/integration/dns/dnstree.sh" start "$DEMO_DIR/dns" "$DNS_ADDR" >"$DEMO_DIR/dns.log" 2>&1 ||
    { cat "$DEMO_DIR/dns.log" >&2; exit 1; }

echo "== keys: the collector's, and one per agent in the collector's allowlist"
"$C" keygen --output "$DEMO_DIR/keys/collector" >/dev/null
for a in vantage-a vantage-b; do
	"$A" keygen --output "$DEMO_DIR/keys/$a" >/dev/null
	cp "$DEMO_DIR/keys/$a.pub" "$DEMO_DIR/allow/$a"
done
cat >"$DEMO_DIR/collector.conf" <<CONF
[collector]
listen = tcp://127.0.0.1:$PORT
secret_key = $DEMO_DIR/keys/collector.key
allowlist = $DEMO_DIR/allow
store = $DEMO_DIR/store
interval = 3600
CONF
for a in vantage-a vantage-b; do
	cat >"$DEMO_DIR/$a.conf" <<CONF
[agent]
name = $a
description = demo vantage $a on loopback
secret_key = $DEMO_DIR/keys/$a.key
spool = $DEMO_DIR/spool-$a
[collector]
endpoint = tcp://127.0.0.1:$PORT
public_key = $DEMO_DIR/keys/collector.pub
[resolver]
root_hints = $DEMO_DIR/dns/root.hints
trust_anchor = $DEMO_DIR/dns/root.ds
ipv6 = no
CONF
done

domains=$(grep -v '^#' tests/integration/dns/expect | awk 'NF {print $1}' | sort -u)
{
	echo "organisation,domain,publish"
	for d in $domains; do echo "Demo organisation,$d,yes"; done
} >"$DEMO_DIR/targets.csv"
"$C" targets import -c "$DEMO_DIR/collector.conf" "$DEMO_DIR/targets.csv"

echo "== collector and two agents: one round"
"$C" run -c "$DEMO_DIR/collector.conf" >"$DEMO_DIR/collector.log" 2>&1 &
PIDS+=($!)
apids=()
for a in vantage-a vantage-b; do
	"$A" run -c "$DEMO_DIR/$a.conf" --rounds 1 >"$DEMO_DIR/$a.log" 2>&1 &
	apids+=($!)
	PIDS+=($!)
done
for p in "${apids[@]}"; do
	wait "$p" || { echo "an agent failed; see $DEMO_DIR/*.log" >&2; exit 1; }
done

echo
"$C" rounds -c "$DEMO_DIR/collector.conf"
echo
"$C" agents -c "$DEMO_DIR/collector.conf"
echo
echo "== results per domain and test (tests not implemented yet are not_tested and hidden here)"
for d in $domains; do
	"$C" show -c "$DEMO_DIR/collector.conf" --format json "$d"
done | python3 "$ROOT/deploy/summary.py"
echo
echo "The store stays in $DEMO_DIR/store. Explore it with, for example:"
echo "  build/collector/peil-collector show -s $DEMO_DIR/store $(echo "$domains" | head -n 1)"
echo "  build/collector/peil-collector export -s $DEMO_DIR/store --format csv"
