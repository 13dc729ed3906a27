#!/usr/bin/env bash
# Run every test suite, as CI does: installs the Debian packages it needs
# (when run as root), builds everything, runs CTest, then rebuilds the C
# tests with AddressSanitizer and UndefinedBehaviorSanitizer and runs them.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)
# Debian's own Python has pytest from apt; a PATH python may not.
py=/usr/bin/python3

echo "== build (all suites)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    -DPython3_EXECUTABLE="$py" >/dev/null
cmake --build build -j"$jobs"

echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs" "$@"

echo "== C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
    -DMAILSLOT_SANITIZE=address,undefined -DMAILSLOT_C_TESTS_ONLY=ON \
    >/dev/null
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure -j"$jobs" -L c
