#!/usr/bin/env bash
# The demo: builds peil, brings up the lab (a simulated internet in network namespaces: a
# signed private DNS root and TLDs, mail and web servers, routers, a collector and three
# vantage agents), runs one round over the lab's case domains and prints every verdict. The
# lab stays up for exploring: deploy/lab/lab status | exec NODE CMD... | down.
set -euo pipefail
cd "$(dirname "$0")/.."

[ "$(id -u)" -eq 0 ] || { echo "demo.sh: run as root (the lab uses network namespaces)" >&2; exit 1; }

echo "== building"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc)" --target peil-agent peil-collector >/dev/null

echo "== the lab: up, one round, the results"
exec ./deploy/lab/lab demo --build build
