#!/usr/bin/env bash
# Network tests for remote mailslots: real hosts in network namespaces.
#
#   usage: run.sh PATH/TO/mailslot        (as root; exit 77 = skipped)
#
# Four namespaces made here, named after this shell's pid and removed on
# exit: a switch (a Linux bridge, "br0") and hosts A, B and C on
# 10.231.1.0/24 behind it.  Nothing is routed out of them, so no datagram
# ever leaves this machine.  A and B run "mailslot bridge"; C runs Samba's
# nmbd with a private configuration.  Each host has its own MAILSLOT_DIR.
#
# Sections: unicast, broadcast and domain writes; the size limit; a slot
# that does not exist; 10,000 malformed datagrams while valid ones keep
# arriving; Wireshark's dissectors over every datagram we emitted; nmbd
# taking our host announcement into its browse list, and nmbd's own
# announcements arriving through our bridge.
set -u

M=$(readlink -f "${1:?usage: run.sh PATH/TO/mailslot}")
HERE=$(cd "$(dirname "$0")" && pwd)
TSV=$HERE/datagrams.tsv
HELPER="python3 $HERE/helper.py"

# A developer without root may skip this suite; CI (CI=true) runs as root
# with every tool installed, so there a skip would hide a failure.
skip() {
    echo "SKIP: $1"
    [ -z "${CI:-}" ] || exit 1
    exit 77
}
[ "$(id -u)" = 0 ] || skip "network namespaces need root"
for tool in ip python3 tshark nmbd; do
    command -v "$tool" >/dev/null 2>&1 ||
        skip "$tool is missing (scripts/deps.sh test installs it)"
done

ID=$$
NS_SW=mssw$ID
declare -A NS=([A]=msa$ID [B]=msb$ID [C]=msc$ID)
declare -A ADDR=([A]=10.231.1.1 [B]=10.231.1.2 [C]=10.231.1.3)
WORK=$(mktemp -d /tmp/mailslot-net.XXXXXX)
PIDS=()
PASSED=0
FAILED=0

pass() {
    PASSED=$((PASSED + 1))
    echo "ok - $1"
}

fail() {
    FAILED=$((FAILED + 1))
    echo "FAIL - $1"
    if [ $# -gt 1 ]; then
        echo "       $2"
    fi
}

check() {
    local desc=$1
    shift
    if "$@"; then pass "$desc"; else fail "$desc"; fi
}

cleanup() {
    local p ns
    for p in "${PIDS[@]}"; do
        kill -TERM "$p" 2>/dev/null
    done
    sleep 0.3
    for p in "${PIDS[@]}"; do
        kill -KILL "$p" 2>/dev/null
        wait "$p" 2>/dev/null
    done
    for ns in "${NS[@]}" "$NS_SW"; do
        ip netns del "$ns" 2>/dev/null
        rm -rf "/etc/netns/$ns"
    done
    if [ -n "${MAILSLOT_NET_KEEP:-}" ]; then
        echo "kept $WORK"
    else
        rm -rf "$WORK"
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Run a command on host H with that host's slot directory and names.
on() {
    local h=$1
    shift
    ip netns exec "${NS[$h]}" env MAILSLOT_DIR="$WORK/dir$h" \
        MAILSLOT_NETBIOS_NAME="HOST$h" MAILSLOT_WORKGROUP=TESTGRP "$@"
}

# Start a background command on host H; its pid goes to PIDS and $LAST.
# "ip netns exec" and env exec the command, so the pid is the command's
# (a backgrounded shell function would be a subshell, not the command).
start_on() {
    local h=$1
    shift
    ip netns exec "${NS[$h]}" env MAILSLOT_DIR="$WORK/dir$h" \
        MAILSLOT_NETBIOS_NAME="HOST$h" MAILSLOT_WORKGROUP=TESTGRP "$@" &
    LAST=$!
    PIDS+=("$LAST")
}

# Wait up to SECONDS for FILE to contain a line matching the fixed string.
wait_for() {
    local file=$1 text=$2 secs=${3:-10} i
    for ((i = 0; i < secs * 10; i++)); do
        if [ -f "$file" ] && grep -qF -- "$text" "$file"; then
            return 0
        fi
        sleep 0.1
    done
    return 1
}

port_up() {
    ip -n "$NS_SW" -o link show "p$1" | grep -q LOWER_UP
}

# Retry a command for up to SECONDS.
wait_cmd() {
    local secs=$1 i
    shift
    for ((i = 0; i < secs * 10; i++)); do
        "$@" && return 0
        sleep 0.1
    done
    return 1
}

wait_file() {
    local i
    for ((i = 0; i < ${2:-10} * 10; i++)); do
        [ -e "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

setup_network() {
    local h
    ip netns add "$NS_SW" || return 1
    ip -n "$NS_SW" link add br0 type bridge || return 1
    ip -n "$NS_SW" link set br0 up
    for h in A B C; do
        ip netns add "${NS[$h]}" || return 1
        ip link add eth0 netns "${NS[$h]}" type veth peer name "p$h" \
            netns "$NS_SW" || return 1
        ip -n "$NS_SW" link set "p$h" master br0
        ip -n "$NS_SW" link set "p$h" up
        ip -n "${NS[$h]}" link set lo up
        ip -n "${NS[$h]}" addr add "${ADDR[$h]}/24" broadcast 10.231.1.255 \
            dev eth0
        ip -n "${NS[$h]}" link set eth0 up
        mkdir -m 700 "$WORK/dir$h"
        # Host names for the system resolver, and no DNS server to ask:
        # "ip netns exec" mounts these over /etc/hosts and resolv.conf.
        mkdir -p "/etc/netns/${NS[$h]}"
        printf '127.0.0.1 localhost\n%s hosta\n%s hostb\n' \
            "${ADDR[A]}" "${ADDR[B]}" >"/etc/netns/${NS[$h]}/hosts"
        printf 'options timeout:1 attempts:1\n' \
            >"/etc/netns/${NS[$h]}/resolv.conf"
    done
    # The switch ports must forward before anything is sent.
    for h in A B C; do
        wait_cmd 5 port_up "$h"
    done
    return 0
}

# --------------------------------------------------------------------------
# Sending and the bridge
# --------------------------------------------------------------------------

# From host H, send TEXT to NAME; then wait for "] TEXT" in each FILE.
send_and_see() {
    local h=$1 name=$2 text=$3 f
    shift 3
    on "$h" "$M" send "$name" "$text" || return 1
    for f in "$@"; do
        wait_for "$f" "] $text" 5 || return 1
    done
}

# On the switch ports of A and B: a capture on br0 itself would miss the
# unicast frames the bridge forwards between ports.
start_capture() {
    ip netns exec "$NS_SW" tshark -i pA -i pB -f "udp port 138" \
        -w "$WORK/emit.pcapng" >"$WORK/tshark.log" 2>&1 &
    CAPTURE=$!
    PIDS+=("$CAPTURE")
    wait_for "$WORK/tshark.log" "Capturing on" 20 && sleep 0.5
}

start_bridges() {
    local h
    for h in A B; do
        start_on "$h" "$M" bridge --debug --ready "$WORK/bridge$h.ready" \
            2>"$WORK/bridge$h.log"
        eval "BRIDGE_$h=$LAST"
        start_on "$h" "$M" listen inbox --origin \
            --ready "$WORK/inbox$h.ready" >"$WORK/inbox$h.out"
    done
    for h in A B; do
        wait_file "$WORK/bridge$h.ready" || return 1
        wait_file "$WORK/inbox$h.ready" || return 1
    done
}

test_unicast() {
    check "unicast to \\\\hostb (system resolver) is sent" \
        on A "$M" send '\\hostb\mailslot\inbox' "unicast by name"
    check "  ... and arrives at host B with its origin" \
        wait_for "$WORK/inboxB.out" \
        "[HOSTA<00> ${ADDR[A]}:" 5
    check "  ... naming HOSTB<00> as the destination" \
        wait_for "$WORK/inboxB.out" "to HOSTB<00>] unicast by name" 5
    check "unicast to \\\\${ADDR[B]} arrives at host B" \
        send_and_see A "\\\\${ADDR[B]}\\mailslot\\inbox" "by address" \
        "$WORK/inboxB.out"
    if grep -qF "unicast by name" "$WORK/inboxA.out"; then
        fail "a unicast write reaches only its host" "host A got it too"
    else
        pass "a unicast write reaches only its host"
    fi
}

test_broadcast() {
    check "\\\\* write is sent" \
        on A "$M" send '\\*\mailslot\inbox' "to everyone"
    check "  ... and reaches host B's bridge" \
        wait_for "$WORK/inboxB.out" "to TESTGRP<00>] to everyone" 5
    check "  ... and the sending host's own bridge" \
        wait_for "$WORK/inboxA.out" "to TESTGRP<00>] to everyone" 5
    check "\\\\testgrp (domain) write from B reaches A and B" \
        send_and_see B '\\testgrp\mailslot\inbox' "domain write" \
        "$WORK/inboxA.out" "$WORK/inboxB.out"
}

test_size_limit() {
    local max over rc
    max=$(head -c 424 /dev/zero | tr '\0' m)
    over=$(head -c 425 /dev/zero | tr '\0' m)
    check "424 bytes to a 5-letter slot are sent" \
        on A "$M" send '\\hostb\mailslot\inbox' "$max"
    check "  ... and arrive whole" \
        wait_for "$WORK/inboxB.out" "] $max" 5
    on A "$M" send '\\hostb\mailslot\inbox' "$over" 2>"$WORK/over.err"
    rc=$?
    if [ $rc -eq 1 ] && grep -q "(too_big)" "$WORK/over.err"; then
        pass "425 bytes fail with too_big before anything is sent"
    else
        fail "425 bytes fail with too_big" "exit $rc: $(cat "$WORK/over.err")"
    fi
}

test_no_slot() {
    check "a write to a slot nobody reads is sent" \
        on A "$M" send '\\hostb\mailslot\nosuch' "lost"
    check "  ... the bridge drops it and says why (debug)" \
        wait_for "$WORK/bridgeB.log" "nosuch: no such slot" 5
    check "  ... and still delivers the next message" \
        send_and_see A '\\hostb\mailslot\inbox' "still here" \
        "$WORK/inboxB.out"
}

# Counters of bridge B, as its last counter line says (after SIGUSR1).
counter() {
    kill -USR1 "$BRIDGE_B"
    sleep 0.5
    grep "received" "$WORK/bridgeB.log" | tail -n 1 |
        sed -n "s/.*$1 \\([0-9]*\\).*/\\1/p"
}

test_flood() {
    local i before after malformed
    before=$(counter received)
    start_on B "$M" listen flood --count 20 --timeout 30 \
        --ready "$WORK/flood.ready" >"$WORK/flood.out"
    local listener=$LAST
    wait_file "$WORK/flood.ready"
    ip netns exec "${NS[A]}" $HELPER blast "${ADDR[B]}" 138 10000 "$TSV" &
    local blaster=$!
    for i in $(seq 1 20); do
        on A "$M" send '\\hostb\mailslot\flood' "valid $i" || break
        sleep 0.1
    done
    wait "$blaster"
    check "all 20 valid messages arrive during 10,000 malformed ones" \
        wait "$listener"
    check "  ... in order" \
        [ "$(sed 's/^valid //' "$WORK/flood.out" | tr '\n' ' ')" = \
            "$(seq 1 20 | tr '\n' ' ')" ]
    sleep 0.5
    after=$(counter received)
    malformed=$(counter malformed)
    if [ -n "$after" ] && [ $((after - before)) -ge 10020 ] &&
        [ "${malformed:-0}" -ge 9900 ]; then
        pass "the bridge counted them (received +$((after - before)), malformed $malformed)"
    else
        fail "the bridge counted them" "received ${before:-?} -> ${after:-?}, malformed ${malformed:-?}"
    fi
    check "  ... and is still running" kill -0 "$BRIDGE_B"
}

test_stop_bridge() {
    local rc
    kill -TERM "$BRIDGE_B"
    wait "$BRIDGE_B"
    rc=$?
    if [ $rc -eq 0 ] && grep -q "stopped" "$WORK/bridgeB.log"; then
        pass "SIGTERM stops the bridge cleanly"
    else
        fail "SIGTERM stops the bridge cleanly" "exit $rc"
    fi
    if [ -e "$WORK/dirB/relay.sock" ]; then
        fail "  ... and it removes its relay socket"
    else
        pass "  ... and it removes its relay socket"
    fi
}

# --------------------------------------------------------------------------
# Wireshark's dissectors over what we sent
# --------------------------------------------------------------------------

test_dissection() {
    local cap=$WORK/emit.pcapng fields n bad
    # dumpcap hands packets over in batches: give the last ones time to
    # reach the file before stopping it.
    sleep 2
    kill -INT "$CAPTURE"
    wait "$CAPTURE"
    n=$(tshark -r "$cap" -Y "nbdgm" 2>/dev/null | wc -l)
    if [ "$n" -ge 10 ]; then
        pass "tshark sees our $n datagrams"
    else
        fail "tshark sees our datagrams" "only $n"
    fi
    bad=$(tshark -r "$cap" -Y "_ws.malformed || _ws.expert" 2>/dev/null |
        wc -l)
    check "  ... none malformed, no expert warnings" [ "$bad" -eq 0 ]
    fields=$(tshark -r "$cap" -Y mailslot -T fields -E separator='|' \
        -e nbdgm.type -e nbdgm.flags -e nbdgm.source_name \
        -e nbdgm.destination_name -e nbdgm.dgram_len -e smb.cmd -e smb.wct \
        -e smb.data_offset -e smb.dc -e mailslot.opcode -e mailslot.class \
        -e mailslot.name 2>/dev/null)
    printf '%s\n' "$fields" >"$WORK/fields.txt"
    check "  ... a DIRECT_UNIQUE from HOSTA<00> to HOSTB<00>" \
        grep -q "^16|0x02|HOSTA<00>|HOSTB<00>|" "$WORK/fields.txt"
    check "  ... a DIRECT_GROUP from HOSTA<00> to TESTGRP<00>" \
        grep -q "^17|0x02|HOSTA<00>|TESTGRP<00>|" "$WORK/fields.txt"
    check "  ... every one a mailslot write (SMB 0x25, 17 words, class 2)" \
        awk -F'|' 'BEGIN { ok = 1 } $6 != "0x25" || $7 != 17 ||
            $10 != 1 || $11 != 2 { ok = 0 } END { exit !ok }' \
        "$WORK/fields.txt"
    check "  ... to \\MAILSLOT\\inbox with the data 4-byte aligned" \
        awk -F'|' 'BEGIN { ok = 1 } $12 !~ /^\\MAILSLOT\\/ ||
            $8 % 4 != 0 { ok = 0 } END { exit !ok }' "$WORK/fields.txt"
    check "  ... the 424-byte message is one datagram (DataCount 424)" \
        awk -F'|' '$9 == 424 { found = 1 } END { exit !found }' \
        "$WORK/fields.txt"
}

# --------------------------------------------------------------------------
# Samba's nmbd
# --------------------------------------------------------------------------

start_nmbd() {
    local d=$WORK/samba
    mkdir -p "$d"/{lock,state,cache,pid,private,ncalrpc,log}
    cat >"$d/smb.conf" <<EOF
[global]
   workgroup = TESTGRP
   netbios name = SAMBAC
   server role = standalone server
   interfaces = ${ADDR[C]}/24
   bind interfaces only = yes
   local master = yes
   preferred master = yes
   os level = 65
   domain master = no
   lock directory = $d/lock
   state directory = $d/state
   cache directory = $d/cache
   pid directory = $d/pid
   private dir = $d/private
   ncalrpc dir = $d/ncalrpc
   log file = $d/log/log.%m
   log level = 3
EOF
    start_on C nmbd -F --no-process-group -s "$d/smb.conf"
    NMBD=$LAST
    NMBD_DIR=$d
}

test_nmbd() {
    start_on A "$M" listen browse --hex --origin \
        --ready "$WORK/browse.ready" >"$WORK/browse.out"
    wait_file "$WORK/browse.ready"
    start_nmbd
    if wait_for "$NMBD_DIR/log/log.nmbd" \
        "SAMBAC is now a local master browser for workgroup TESTGRP" 90; then
        pass "nmbd becomes the local master browser of TESTGRP"
    else
        fail "nmbd becomes the local master browser of TESTGRP"
        return
    fi
    # B's bridge is stopped, so B sends from port 138 as Windows does.
    $HELPER host-announcement HOSTB >"$WORK/announce.bin"
    check "our HostAnnouncement to \\\\TESTGRP\\mailslot\\browse is sent" \
        on B "$M" send '\\TESTGRP\mailslot\browse' - <"$WORK/announce.bin"
    check "  ... and nmbd takes HOSTB into its browse list" \
        wait_for "$NMBD_DIR/cache/browse.dat" '"HOSTB"' 30
    check "  ... and logs it as a host announcement" \
        wait_for "$NMBD_DIR/log/log.nmbd" "for server HOSTB" 5
    # A's bridge holds port 138 there, so A sends from an ephemeral port.
    $HELPER host-announcement HOSTA >"$WORK/announce.bin"
    on A "$M" send '\\TESTGRP\mailslot\browse' - <"$WORK/announce.bin"
    check "  ... also from an ephemeral source port (HOSTA)" \
        wait_for "$NMBD_DIR/cache/browse.dat" '"HOSTA"' 30
    check "nmbd's announcements reach our bridge's browse reader" \
        wait_for "$WORK/browse.out" "[SAMBAC<00> ${ADDR[C]}:138 to TESTGRP<" 60
    $HELPER browse-names <"$WORK/browse.out" >"$WORK/browse.txt"
    check "  ... and decode to host SAMBAC in workgroup TESTGRP" \
        grep -Eq "^(01|0f) SAMBAC TESTGRP<1[de]>$" "$WORK/browse.txt"
    check "NetBIOS name query finds SAMBAC (no resolver knows it)" \
        on A "$M" send '\\SAMBAC\mailslot\probe' "hello samba"
    kill -TERM "$NMBD"
    if wait "$NMBD"; then pass "nmbd stops cleanly"; else fail "nmbd stops cleanly"; fi
}

main() {
    if ! setup_network; then
        fail "network namespaces could not be set up"
        echo "$PASSED passed, $FAILED failed"
        exit 1
    fi
    if ! start_capture; then
        fail "tshark capture on br0" "$(cat "$WORK/tshark.log")"
    fi
    if start_bridges; then
        pass "bridges and readers start on hosts A and B"
        test_unicast
        test_broadcast
        test_size_limit
        test_no_slot
        test_dissection
        test_flood
        test_stop_bridge
        test_nmbd
    else
        fail "bridges and readers start on hosts A and B" \
            "$(cat "$WORK"/bridge*.log)"
    fi
    echo "$PASSED passed, $FAILED failed"
    [ "$FAILED" -eq 0 ]
}

main
