#!/usr/bin/env bash
# The whole test suite: unit tests, CLI tests and gold-corpus regression
# thresholds, once in a release build and once under AddressSanitizer +
# UndefinedBehaviorSanitizer.
set -eu
cd "$(dirname "$0")/.."
tools/deps.sh
jobs=$(nproc)
echo "== release build" >&2
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs" >/dev/null
(cd build && ctest --output-on-failure -j"$jobs")
echo "== ASan + UBSan build" >&2
cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug -DATTRIB_SANITIZE=ON >/dev/null
cmake --build build-asan -j"$jobs" >/dev/null
(cd build-asan && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
  ctest --output-on-failure -j"$jobs")
