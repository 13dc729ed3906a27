#!/usr/bin/env bash
# Run every test suite, as CI does: installs the Debian packages it needs
# (when run as root), builds everything, runs CTest, then rebuilds the C
# tests with AddressSanitizer and UndefinedBehaviorSanitizer and runs them.
# The Python tests fetch pytest and the packaging tools from PyPI into
# venvs under build/ (offline: see README.md, "Python").
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh test

jobs=$(nproc 2>/dev/null || echo 2)

echo "== build (all suites)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$jobs"

echo "== tests"
ctest --test-dir build --output-on-failure -j"$jobs" "$@"

echo "== C tests under AddressSanitizer + UndefinedBehaviorSanitizer"
CC=clang cmake -S . -B build-asan -DCMAKE_BUILD_TYPE=Debug \
    -DMAILSLOT_SANITIZE=address,undefined -DMAILSLOT_C_TESTS_ONLY=ON \
    >/dev/null
cmake --build build-asan -j"$jobs"
ctest --test-dir build-asan --output-on-failure -j"$jobs" -L c
