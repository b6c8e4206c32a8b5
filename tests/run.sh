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
echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs"

echo "== build (clang, ASan + UBSan, libFuzzer targets)"
cmake -S . -B build-asan -DCMAKE_C_COMPILER=clang -DPEIL_SANITIZE=ON -DPEIL_FUZZ=ON \
    -DPEIL_WERROR=ON >/dev/null
cmake --build build-asan -j"$jobs"
echo "== tests under the sanitizers"
ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan --output-on-failure -j"$jobs"
