#!/bin/sh
# test_nopoll.sh -- an idle reader makes no system calls: nothing polls.
#
# Usage: sh tests/test_nopoll.sh /path/to/mailslot
#
# Runs "mailslot listen" under "strace -f" (every thread: the reading one
# and the drain thread), sends it a message, a burst that fills the
# kernel's queue (so the drain thread has worked), then counts the system
# calls it makes while it waits for the next message: none may start in
# IDLE seconds.  Once with no timeout (the reader sleeps in one recv()),
# once with --timeout (one poll() until the deadline).  Exits 77 (a skip)
# only when strace is missing; the README's test command installs it.

M=${1:?usage: test_nopoll.sh /path/to/mailslot}
IDLE=${IDLE:-2}
if ! command -v strace >/dev/null 2>&1; then
    echo "test_nopoll.sh: SKIP: strace is not installed (apt-get install strace)"
    exit 77
fi
MAILSLOT_DIR=$(mktemp -d) || exit 2
chmod 700 "$MAILSLOT_DIR"
export MAILSLOT_DIR
WORK=$(mktemp -d) || exit 2
LPID=
# strace ends with its tracee: stop the listener, not strace.
stop_listener() {
    [ -n "$LPID" ] || return
    pkill -f "listen nopoll$$-" 2>/dev/null
    wait "$LPID" 2>/dev/null
    LPID=
}
trap 'stop_listener; rm -rf "$MAILSLOT_DIR" "$WORK"' EXIT
FAIL=0

# calls TRACE: the number of system calls started so far, in every thread.
calls() {
    grep -vc -e 'resumed>' -e '^[0-9]* *+++' -e '^[0-9]* *---' "$1"
}

# idle_check LABEL [LISTEN OPTIONS...]
idle_check() {
    label=$1
    shift
    name="nopoll$$-$label"
    trace="$WORK/trace.$label"
    ready="$WORK/ready.$label"
    strace -f -qq -o "$trace" "$M" listen "$name" --ready "$ready" "$@" \
        >"$WORK/out.$label" 2>"$WORK/err.$label" &
    LPID=$!
    i=0
    while [ ! -e "$ready" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    if [ ! -e "$ready" ]; then
        echo "FAIL $label: the listener did not start"
        cat "$WORK/err.$label"
        stop_listener
        FAIL=$((FAIL + 1))
        return
    fi
    "$M" send "$name" "one" || FAIL=$((FAIL + 1))
    # More than the kernel queues at once (10), so writers ring and the
    # drain thread wakes up and goes back to sleep.
    seq 1 200 | "$M" send "$name" --lines || FAIL=$((FAIL + 1))
    i=0
    while [ "$(wc -l <"$WORK/out.$label")" -lt 201 ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    got=$(wc -l <"$WORK/out.$label")
    sleep 0.3
    before=$(calls "$trace")
    sleep "$IDLE"
    after=$(calls "$trace")
    stop_listener
    if [ "$got" -ne 201 ]; then
        echo "FAIL $label: the listener printed $got of 201 messages"
        FAIL=$((FAIL + 1))
    elif [ "$after" -ne "$before" ]; then
        echo "FAIL $label: $((after - before)) system calls in ${IDLE}s idle:"
        tail -n $((after - before + 2)) "$trace"
        FAIL=$((FAIL + 1))
    else
        echo "ok $label: 201 messages, then no system call in ${IDLE}s idle"
    fi
}

idle_check forever
idle_check timeout --timeout 60

[ $FAIL -eq 0 ] || exit 1
exit 0
