#!/usr/bin/env bash
# Check the Linux backend's wake-up and hand-off protocol with spin
# (tests/model/handoff.pml says what is modelled and checked).
#   tests/model/run.sh [WORKDIR]
# Every check is an exhaustive search; the model must pass each one, and
# each mutant (a known way to break the protocol) must fail the check that
# is meant to catch it, so the checks cannot pass vacuously.  spin's
# files (pan.*, trails) go to WORKDIR (default: a temporary directory).
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
model=$here/handoff.pml
cc=${CC:-cc}

if ! command -v spin >/dev/null 2>&1; then
    echo "spin (the model checker) is not installed: apt-get install spin" >&2
    exit 1
fi
if [ $# -gt 0 ]; then
    work=$1
    mkdir -p "$work"
else
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
fi

# check NAME safety|live pass|ASSERT|END|CYCLE [spin -D flags...]
# Runs one search in WORKDIR/NAME and writes its verdict to NAME/verdict.
check() {
    local name=$1 kind=$2 want=$3 dir=$work/$1 got
    shift 3
    rm -rf "$dir"
    mkdir -p "$dir"
    (
        cd "$dir"
        spin -a "$@" "$model" >spin.log 2>&1 || { echo "spin -a failed" >verdict; exit 0; }
        if [ "$kind" = safety ]; then
            "$cc" -O2 -w -DSAFETY -DNFAIR=3 -o pan pan.c >cc.log 2>&1 ||
                { echo "cc failed" >verdict; exit 0; }
            ./pan -m200000 >pan.log 2>&1 || true
        else
            "$cc" -O2 -w -DNP -DNFAIR=3 -o pan pan.c >cc.log 2>&1 ||
                { echo "cc failed" >verdict; exit 0; }
            ./pan -l -f -m200000 >pan.log 2>&1 || true
        fi
        if ! grep -q 'errors: [0-9]' pan.log; then
            echo "pan did not finish" >verdict
        elif grep -q 'max search depth too small' pan.log; then
            echo "search depth too small (incomplete)" >verdict
        elif grep -q 'errors: 0' pan.log; then
            echo pass >verdict
        elif grep -q '^pan:1: assertion violated' pan.log; then
            echo ASSERT >verdict
        elif grep -q '^pan:1: invalid end state' pan.log; then
            echo END >verdict
        elif grep -q '^pan:1: non-progress cycle' pan.log; then
            echo CYCLE >verdict
        else
            echo "unknown error" >verdict
        fi
        got=$(cat verdict)
        if [ "$got" = "$want" ]; then
            echo ok >result
        else
            echo "FAIL: expected $want, got $got" >result
        fi
    )
}

# name kind expected flags
# The longest first, so that the two cores stay busy.
checks=(
    "live_2x2 live pass -DSMALL_READER=1"
    "safety_2x2 safety pass"
    "live_3x1 live pass -DNW=3 -DNMSG=1 -DSMALL_READER=1"
    "safety_3x1 safety pass -DNW=3 -DNMSG=1"
    # 1: drain_main() ignores urgent rings while the FIFO is empty.
    "mutant1 live CYCLE -DMUTANT=1 -DSMALL_READER=1"
    # 2: send_when_room() does not ring again after each slice.
    "mutant2 live CYCLE -DMUTANT=2 -DSMALL_READER=1"
    # 3: take() never wakes the drain thread waiting for room.
    "mutant3 safety END -DMUTANT=3"
    # 4: the drain thread receives while a read sleeps in recv().
    "mutant4 safety ASSERT -DMUTANT=4"
    # 5: take_direct() drops the rest of a batch.
    "mutant5 safety ASSERT -DMUTANT=5"
    # 6: the eventfd is never made readable for a read asleep in poll().
    "mutant6 safety ASSERT -DMUTANT=6"
    # 7: DRAIN_SKIP forgets time: a reader once seen taking is never drained.
    "mutant7 live CYCLE -DMUTANT=7 -DSMALL_READER=1"
)

start=$(date +%s)
# Two searches at a time.
running=0
for c in "${checks[@]}"; do
    # shellcheck disable=SC2086
    check $c &
    running=$((running + 1))
    if [ $running -ge 2 ]; then
        wait -n || true
        running=$((running - 1))
    fi
done
wait

status=0
for c in "${checks[@]}"; do
    set -- $c
    dir=$work/$1
    result=$(cat "$dir/result" 2>/dev/null || echo "FAIL: no result")
    stats=$(grep -E 'states, stored' "$dir/pan.log" 2>/dev/null | head -1 |
        sed 's/^ *//' || true)
    printf '%-11s %-6s %-6s %s  [%s]\n' "$1" "$2" "$3" "$result" "$stats"
    if [ "$result" != ok ]; then
        status=1
        sed -n '1,40p' "$dir/pan.log" 2>/dev/null || true
        cat "$dir/spin.log" "$dir/cc.log" 2>/dev/null || true
    fi
done
echo "model checks took $(( $(date +%s) - start )) s"
exit $status
