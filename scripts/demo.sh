#!/usr/bin/env bash
# The demo: builds the library and the mailslot command, then shows a
# reader and several writers exchanging Unicode messages, first through
# the command line and then through the C library.
set -euo pipefail
cd "$(dirname "$0")/.."

scripts/deps.sh demo

echo "== building (build/)"
cmake -S . -B build -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j"$(nproc 2>/dev/null || echo 2)" \
    --target mailslot_cli demo_chat >/dev/null
ms=build/cli/mailslot

# A private slot directory, so the demo never meets other slots.
export MAILSLOT_DIR
MAILSLOT_DIR=$(mktemp -d)
trap 'rm -rf "$MAILSLOT_DIR"' EXIT
chmod 700 "$MAILSLOT_DIR"

echo
echo "== 1. the command: 'mailslot listen inbox' in the background"
"$ms" listen inbox --count 4 --timeout 10 --ready "$MAILSLOT_DIR/ready" &
listener=$!
while [ ! -e "$MAILSLOT_DIR/ready" ]; do sleep 0.05; done
"$ms" list | sed 's/^/   live slot: /'
echo "   sending four messages from four writer processes:"
"$ms" send INBOX 'héllo ☃ 😀'
"$ms" send '\\.\mailslot\Inbox' --encoding utf-16le 'UTF-16LE, as Windows "W" programs write: Grüße'
"$ms" send inbox --encoding ansi --nul 'ANSI (windows-1252) with a NUL, like a C string: café'
printf '' | "$ms" send inbox -
wait "$listener"
echo "   (the last line above is the empty message: a real message)"

echo
echo "== 2. the library: a C reader and writer threads (build/demo/demo_chat)"
build/demo/demo_chat
