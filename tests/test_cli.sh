#!/bin/sh
# test_cli.sh -- end-to-end tests of the mailslot command.
#
# Usage: sh tests/test_cli.sh /path/to/mailslot
#
# Every check runs the real program in separate processes, in a private
# slot directory, with slot names made unique by this script's pid (slot
# names are per-user, so parallel runs must not collide).  The last line
# is "N passed, N failed"; the exit status is non-zero if any check failed.

M=${1:?usage: test_cli.sh /path/to/mailslot}
case $M in
    /*) ;;
    *) M=$(pwd)/$M ;;
esac
if [ ! -x "$M" ]; then
    echo "test_cli.sh: $M is not an executable" >&2
    exit 2
fi

MAILSLOT_DIR=$(mktemp -d) || exit 2
chmod 700 "$MAILSLOT_DIR"
export MAILSLOT_DIR
WORK=$(mktemp -d) || exit 2
PIDS=""
PASS=0
FAIL=0
SEQ=0

cleanup() {
    # Only the listeners this script started, by pid.
    for p in $PIDS; do
        kill "$p" 2>/dev/null
    done
    rm -rf "$MAILSLOT_DIR" "$WORK"
}
trap cleanup EXIT
trap 'exit 2' INT TERM

pass() {
    PASS=$((PASS + 1))
    echo "ok   - $1"
}

fail() {
    FAIL=$((FAIL + 1))
    echo "FAIL - $1"
    if [ -n "$2" ]; then
        echo "       $2"
    fi
}

# check DESCRIPTION COMMAND...: pass when COMMAND succeeds.
check() {
    desc=$1
    shift
    if "$@"; then
        pass "$desc"
    else
        fail "$desc"
    fi
}

# A fresh slot name for each use.
new_name() {
    SEQ=$((SEQ + 1))
    NAME="clitest$$-$SEQ"
}

# start_listener NAME OUTFILE [OPTIONS...]: run "mailslot listen" in the
# background (stdout to OUTFILE, stderr to OUTFILE.err) and wait until it
# has created the slot.  Sets LPID.  A --timeout keeps a broken listener
# from hanging the run.
start_listener() {
    sl_name=$1
    sl_out=$2
    shift 2
    sl_ready="$WORK/ready.$sl_name"
    rm -f "$sl_ready"
    "$M" listen "$sl_name" --ready "$sl_ready" --timeout 5 "$@" \
        >"$sl_out" 2>"$sl_out.err" &
    LPID=$!
    PIDS="$PIDS $LPID"
    sl_i=0
    while [ ! -e "$sl_ready" ] && [ $sl_i -lt 200 ]; do
        if ! kill -0 "$LPID" 2>/dev/null; then
            break
        fi
        sleep 0.05
        sl_i=$((sl_i + 1))
    done
    [ -e "$sl_ready" ]
}

# wait_listener: wait for the last listener; sets LRC to its exit status.
wait_listener() {
    wait "$LPID"
    LRC=$?
}

# expect_line OUTFILE TEXT: OUTFILE holds exactly TEXT and a newline.
expect_line() {
    printf '%s\n' "$2" >"$WORK/expected"
    cmp -s "$1" "$WORK/expected"
}

# roundtrip DESC EXPECTED LISTEN-OPTIONS -- SEND-ARGS...: one message from
# "send" to a listener started with --count 1; compare its output line.
roundtrip() {
    rt_desc=$1
    rt_expect=$2
    shift 2
    rt_lopts=""
    while [ "$1" != "--" ]; do
        rt_lopts="$rt_lopts $1"
        shift
    done
    shift
    new_name
    if ! start_listener "$NAME" "$WORK/rt.out" --count 1 $rt_lopts; then
        fail "$rt_desc" "listener did not start: $(cat "$WORK/rt.out.err")"
        return
    fi
    "$M" send "$NAME" "$@"
    rt_src=$?
    wait_listener
    if [ $rt_src -eq 0 ] && [ $LRC -eq 0 ] &&
        expect_line "$WORK/rt.out" "$rt_expect"; then
        pass "$rt_desc"
    else
        fail "$rt_desc" "send=$rt_src listen=$LRC got: $(cat "$WORK/rt.out")"
    fi
}

# expect_error DESC STATUS ERRNAME COMMAND...: COMMAND exits with STATUS
# and names ERRNAME on stderr in the "(errname)" form.
expect_error() {
    ee_desc=$1
    ee_status=$2
    ee_name=$3
    shift 3
    "$@" >"$WORK/ee.out" 2>"$WORK/ee.err" </dev/null
    ee_rc=$?
    if [ $ee_rc -eq "$ee_status" ] &&
        grep -q "^mailslot: .*($ee_name)\$" "$WORK/ee.err"; then
        pass "$ee_desc"
    else
        fail "$ee_desc" "exit $ee_rc, stderr: $(cat "$WORK/ee.err")"
    fi
}

# expect_usage DESC COMMAND...: COMMAND is a usage error (exit 2, a hint on
# stderr, nothing on stdout).
expect_usage() {
    eu_desc=$1
    shift
    "$@" >"$WORK/eu.out" 2>"$WORK/eu.err" </dev/null
    eu_rc=$?
    if [ $eu_rc -eq 2 ] && [ -s "$WORK/eu.err" ] && [ ! -s "$WORK/eu.out" ]
    then
        pass "$eu_desc"
    else
        fail "$eu_desc" "exit $eu_rc, stderr: $(cat "$WORK/eu.err")"
    fi
}

# ---------------------------------------------------------------------
# Text round trips and output forms

TEXT='héllo ☃ 😀'
roundtrip "round trip of UTF-8 text" "$TEXT" -- "$TEXT"
roundtrip "words are joined with single spaces" "a b  c" -- a b "" c
roundtrip "empty message prints an empty line" "" -- ""
roundtrip "options after the name and before the text" "x" \
    -- --encoding utf-8 x
roundtrip "-- ends options" "--literal -x" -- -- --literal -x
roundtrip "--hex prints lowercase hex" "68c3a90a" --hex -- "hé
"
roundtrip "--hex of an empty message is an empty line" "" --hex -- ""
roundtrip "--encoding utf-16le sends UTF-16LE bytes" "680069002600" \
    --hex -- --encoding utf-16le "hi&"
roundtrip "listen auto-decodes UTF-16LE" "$TEXT" \
    -- --encoding utf-16le "$TEXT"
roundtrip "--nul appends a terminator" "686900" --hex -- --nul hi
roundtrip "--nul with utf-16le appends two zero bytes" "680069000000" \
    --hex -- --nul --encoding utf-16le hi
roundtrip "listen drops the terminator in text mode" "hi" -- --nul hi
roundtrip "ansi encodes é as e9" "e9" --hex -- --encoding ansi "é"
roundtrip "listen auto-decodes ansi bytes" "é" -- --encoding ansi "é"
roundtrip "listen --encoding ansi decodes as windows-1252" "Ã©" \
    --encoding ansi -- "é"
roundtrip "listen auto-decodes BOM-less Greek UTF-16LE" "Ελληνικά" \
    -- --encoding utf-16le "Ελληνικά"
roundtrip "listen auto-decodes BOM-less Japanese UTF-16LE" "こんにちは" \
    -- --encoding utf-16le "こんにちは"
roundtrip "cp1252 is windows-1252 everywhere" "80" --hex -- --encoding cp1252 "€"

# --inspect: each reading with its cost, the pick and why.
new_name
if start_listener "$NAME" "$WORK/insp.out" --count 2 --inspect; then
    "$M" send "$NAME" --encoding utf-16le "Ελληνικά"
    "$M" send "$NAME" "Bush hid the facts"
    wait_listener
    if [ $LRC -eq 0 ] &&
        grep -q '^16 bytes: 95 03 bb 03 bb 03 b7 03 bd 03 b9 03 ba 03 ac 03$' \
            "$WORK/insp.out" &&
        grep -q '^  utf-16le .* "Ελληνικά"  <- picked$' "$WORK/insp.out" &&
        grep -q '^  picked: utf-16le, by the lowest cost$' "$WORK/insp.out" &&
        grep -q '^  picked: utf-8, by the lowest cost$' "$WORK/insp.out" &&
        grep -q '^  ansi .*"•\\x03»\\x03' "$WORK/insp.out"; then
        pass "--inspect shows every reading, the pick and the reason"
    else
        fail "--inspect shows every reading" "$(cat "$WORK/insp.out")"
    fi
else
    fail "--inspect shows every reading" "no listener"
fi
expect_usage "--inspect and --raw exclude each other" \
    "$M" listen x --inspect --raw

# list shows a bidi override escaped: "abc<U+202E>dcb" would display as
# "abcbcd", passing for another name.
new_name
if start_listener "$NAME-abc‮dcb" "$WORK/bidi.out" --count 1; then
    "$M" list >"$WORK/list.out"
    "$M" send "$NAME-abc‮dcb" done
    wait_listener
    if grep -q 'abc\\u202edcb$' "$WORK/list.out" &&
        ! grep -q '‮' "$WORK/list.out"; then
        pass "list escapes bidi overrides in names"
    else
        fail "list escapes bidi overrides" "$(cat "$WORK/list.out")"
    fi
else
    fail "list escapes bidi overrides" "no listener"
fi

# --raw keeps every byte, NULs included, and adds no newline.
new_name
if start_listener "$NAME" "$WORK/raw.out" --count 1 --raw; then
    printf 'a\0b' | "$M" send "$NAME" -
    src=$?
    wait_listener
    printf 'a\0b' >"$WORK/raw.expected"
    if [ $src -eq 0 ] && [ $LRC -eq 0 ] &&
        cmp -s "$WORK/raw.out" "$WORK/raw.expected"; then
        pass "--raw and stdin keep bytes exactly (a NUL b)"
    else
        fail "--raw and stdin keep bytes exactly (a NUL b)" \
            "send=$src listen=$LRC"
    fi
else
    fail "--raw and stdin keep bytes exactly (a NUL b)" "no listener"
fi

# Stdin with --encoding is read as UTF-8 text and encoded.
new_name
if start_listener "$NAME" "$WORK/stdin.out" --count 1 --hex; then
    printf 'hi' | "$M" send "$NAME" --encoding utf-16le -
    wait_listener
    check "stdin with --encoding is encoded" \
        expect_line "$WORK/stdin.out" "68006900"
else
    fail "stdin with --encoding is encoded" "no listener"
fi

# Raw stdin with --nul gets one terminating byte; options may also come
# before the name.
new_name
if start_listener "$NAME" "$WORK/rawnul.out" --count 1 --hex; then
    printf 'ab' | "$M" send --nul "$NAME" -
    wait_listener
    check "raw stdin with --nul (options before the name)" \
        expect_line "$WORK/rawnul.out" "616200"
else
    fail "raw stdin with --nul (options before the name)" "no listener"
fi

# A character that ansi cannot encode fails, and nothing is sent: the
# listener's only message is the one sent after it.
new_name
if start_listener "$NAME" "$WORK/enc.out" --count 1; then
    expect_error "ansi refuses ☃ with 'encoding'" 1 encoding \
        "$M" send "$NAME" --encoding ansi "☃"
    "$M" send "$NAME" after
    wait_listener
    check "a refused message is not sent" \
        expect_line "$WORK/enc.out" "after"
else
    fail "ansi refuses ☃ with 'encoding'" "no listener"
fi

# ---------------------------------------------------------------------
# --count, --timeout, and the life of a slot

new_name
if start_listener "$NAME" "$WORK/count.out" --count 2; then
    "$M" send "$NAME" one
    "$M" send "$NAME" two
    wait_listener
    printf 'one\ntwo\n' >"$WORK/count.expected"
    if [ $LRC -eq 0 ] && cmp -s "$WORK/count.out" "$WORK/count.expected"
    then
        pass "--count 2 exits 0 after two messages"
    else
        fail "--count 2 exits 0 after two messages" "exit $LRC"
    fi
    expect_error "the slot is gone after listen exits" 3 not_found \
        "$M" send "$NAME" three
else
    fail "--count 2 exits 0 after two messages" "no listener"
fi

new_name
expect_error "--timeout 0.2 fails with 'timeout', exit 124" 124 timeout \
    "$M" listen "$NAME" --timeout 0.2

new_name
expect_error "send to a missing slot fails with 'not_found', exit 3" 3 \
    not_found \
    "$M" send "$NAME" hello
expect_error "an invalid name fails with 'invalid_name'" 1 invalid_name \
    "$M" send "a//b" hello
expect_error "listen on an invalid name fails with 'invalid_name'" 1 \
    invalid_name "$M" listen "x/../y" --timeout 0.1
# Remote writes go to the loopback address only: nothing leaves the machine.
check "a remote write to 127.0.0.1 is sent" \
    env MAILSLOT_REMOTE_PORT=9 "$M" send '\\127.0.0.1\mailslot\x' hello
expect_error "a remote write over 428 bytes fails with 'too_big'" 1 too_big \
    env MAILSLOT_REMOTE_PORT=9 "$M" send '\\127.0.0.1\mailslot\x' \
    "$(head -c 429 /dev/zero | tr '\0' a)"

new_name
if start_listener "$NAME" "$WORK/live.out" --count 1; then
    expect_error "a second listen of the same name fails with 'exists'" \
        4 exists "$M" listen "$NAME" --timeout 0.1
    upper=$(printf '%s' "$NAME" | tr 'a-z' 'A-Z')
    expect_error "names match case-insensitively" 4 exists \
        "$M" listen "$upper" --timeout 0.1
    "$M" list >"$WORK/list.out"
    list_rc=$?
    if [ $list_rc -eq 0 ] && grep -qF "mailslot\\$NAME" "$WORK/list.out"
    then
        pass "list shows a live slot's display name"
    else
        fail "list shows a live slot's display name" \
            "exit $list_rc: $(cat "$WORK/list.out")"
    fi
    "$M" send "$NAME" bye
    wait_listener
    "$M" list >"$WORK/list.out"
    if grep -qF "mailslot\\$NAME" "$WORK/list.out"; then
        fail "list omits a closed slot" "$(cat "$WORK/list.out")"
    else
        pass "list omits a closed slot"
    fi
else
    fail "list shows a live slot's display name" "no listener"
fi

# A listener killed with SIGKILL cannot clean up; its name must still be
# free at once.
new_name
if start_listener "$NAME" "$WORK/kill.out"; then
    kill -9 "$LPID"
    wait "$LPID" 2>/dev/null
    if start_listener "$NAME" "$WORK/kill2.out" --count 1; then
        "$M" send "$NAME" again
        wait_listener
        check "a killed listen frees its name at once" \
            expect_line "$WORK/kill2.out" "again"
    else
        fail "a killed listen frees its name at once" \
            "$(cat "$WORK/kill2.out.err")"
    fi
else
    fail "a killed listen frees its name at once" "no first listener"
fi

# --max-size makes bigger messages fail for the sender.
new_name
if start_listener "$NAME" "$WORK/max.out" --count 1 --max-size 4; then
    expect_error "--max-size refuses a longer message with 'too_big'" 1 \
        too_big "$M" send "$NAME" 12345
    "$M" send "$NAME" 1234
    wait_listener
    check "--max-size accepts a message at the limit" \
        expect_line "$WORK/max.out" "1234"
else
    fail "--max-size refuses a longer message with 'too_big'" "no listener"
fi

# ---------------------------------------------------------------------
# Short options

roundtrip "-x is --hex, -e is --encoding (send and listen)" "680069002600" \
    -x -- -e utf-16le "hi&"
roundtrip "-e utf-8 on listen decodes as UTF-8" "é" -e utf-8 -- "é"
roundtrip "bundled flags and an attached value (-on1)" "[local] x" -o -- x
new_name
if start_listener "$NAME" "$WORK/short.out" -rn1; then
    printf 'ab' | "$M" send "$NAME" -
    wait_listener
    printf 'ab' >"$WORK/short.expected"
    if [ $LRC -eq 0 ] && cmp -s "$WORK/short.out" "$WORK/short.expected"
    then
        pass "-rn1 is --raw --count 1"
    else
        fail "-rn1 is --raw --count 1" "exit $LRC: $(cat "$WORK/short.out")"
    fi
else
    fail "-rn1 is --raw --count 1" "no listener"
fi
new_name
expect_error "-t 0.1 is --timeout (exit 124)" 124 timeout \
    "$M" listen "$NAME" -t 0.1
new_name
if start_listener "$NAME" "$WORK/maxs.out" -n 1 -m 2; then
    expect_error "-m 2 is --max-size" 1 too_big "$M" send "$NAME" abc
    "$M" send "$NAME" ab
    wait_listener
else
    fail "-m 2 is --max-size" "no listener"
fi

# ---------------------------------------------------------------------
# listen --json: one JSON object per line, that jq parses

if ! command -v jq >/dev/null 2>&1; then
    fail "jq is not installed: the --json checks need it" \
        "install it with scripts/deps.sh test (apt-get install jq)"
else
    # json_field FILE LINE FILTER: jq FILTER on line LINE of FILE (raw).
    json_field() {
        sed -n "${2}p" "$1" | jq -j "$3"
    }
    new_name
    if start_listener "$NAME" "$WORK/json.out" --count 6 --json; then
        "$M" send "$NAME" 'héllo "q" \ ☃'
        printf 'tab\there\nnew\001\033[31m' | "$M" send "$NAME" -
        "$M" send "$NAME" "abc‮dcb"
        "$M" send "$NAME" -e utf-16le "Ελληνικά"
        "$M" send "$NAME" ""
        printf 'a\377\376\375b' | "$M" send "$NAME" -
        wait_listener
        lines=$(wc -l <"$WORK/json.out")
        if [ $LRC -eq 0 ] && [ "$lines" -eq 6 ] &&
            jq -e . "$WORK/json.out" >/dev/null 2>&1; then
            pass "--json prints one object per line that jq parses"
        else
            fail "--json prints one object per line that jq parses" \
                "exit $LRC, $lines lines: $(cat "$WORK/json.out")"
        fi
        check "--json text: quotes and backslash round-trip" \
            [ "$(json_field "$WORK/json.out" 1 .text)" = 'héllo "q" \ ☃' ]
        check "--json size counts bytes, encoding is the one used" \
            [ "$(json_field "$WORK/json.out" 1 '"\(.size) \(.encoding)"')" \
                = "16 utf-8" ]
        printf 'tab\there\nnew\001\033[31m' >"$WORK/ctl.expected"
        json_field "$WORK/json.out" 2 .text >"$WORK/ctl.got"
        if cmp -s "$WORK/ctl.got" "$WORK/ctl.expected" &&
            sed -n 2p "$WORK/json.out" | grep -q '\\t.*\\n.*\\u0001\\u001b' &&
            [ "$(sed -n 2p "$WORK/json.out" | tr -d '\n' | tr -d -c '\000-\037' |
                wc -c)" -eq 0 ]; then
            pass "--json escapes control characters and keeps them exactly"
        else
            fail "--json escapes control characters" \
                "$(sed -n 2p "$WORK/json.out")"
        fi
        if sed -n 3p "$WORK/json.out" | grep -q 'abc\\u202edcb' &&
            [ "$(json_field "$WORK/json.out" 3 .text)" = "abc‮dcb" ]; then
            pass "--json escapes a bidi override, and jq gets it back"
        else
            fail "--json escapes a bidi override" "$(sed -n 3p "$WORK/json.out")"
        fi
        check "--json names the encoding auto picked (utf-16le)" \
            [ "$(json_field "$WORK/json.out" 4 '"\(.encoding) \(.size) \(.text)"')" \
                = "utf-16le 16 Ελληνικά" ]
        check "--json: an empty message has size 0 and text \"\"" \
            [ "$(json_field "$WORK/json.out" 5 '"\(.size)[\(.text)]"')" = "0[]" ]
        check "--json: origin local, slot, and an ISO 8601 UTC time" \
            [ "$(json_field "$WORK/json.out" 1 \
                '"\(.origin.remote) \(.slot) \(.time | test("^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}[.][0-9]{3}Z$"))"')" \
                = "false $NAME true" ]
        check "--json: invalid bytes follow the decode policy (ansi for auto)" \
            [ "$(json_field "$WORK/json.out" 6 '"\(.encoding) \(.text)"')" \
                = "ansi aÿþýb" ]
    else
        fail "--json prints one object per line" "no listener"
    fi

    new_name
    if start_listener "$NAME" "$WORK/jsonu.out" -n 1 -j -e utf-8; then
        printf 'a\377b\300' | "$M" send "$NAME" -
        wait_listener
        check "--json -e utf-8: each invalid byte is U+FFFD, valid JSON" \
            [ "$(json_field "$WORK/jsonu.out" 1 '"\(.encoding) \(.text)"')" \
                = "utf-8 a�b�" ]
    else
        fail "--json -e utf-8 with invalid bytes" "no listener"
    fi

    new_name
    if start_listener "$NAME" "$WORK/json64.out" -n 1 --json --raw; then
        printf 'a\0\r\n\032\377' | "$M" send "$NAME" -
        wait_listener
        printf 'a\0\r\n\032\377' >"$WORK/json64.expected"
        json_field "$WORK/json64.out" 1 .base64 | base64 -d >"$WORK/json64.got"
        if [ $LRC -eq 0 ] && cmp -s "$WORK/json64.got" "$WORK/json64.expected" &&
            [ "$(json_field "$WORK/json64.out" 1 '"\(.encoding) \(.size)"')" \
                = "base64 6" ]; then
            pass "--json --raw gives the exact bytes in base64"
        else
            fail "--json --raw gives the exact bytes in base64" \
                "$(cat "$WORK/json64.out")"
        fi
    else
        fail "--json --raw gives the bytes in base64" "no listener"
    fi
fi

# ---------------------------------------------------------------------
# -0/--null and send --lines

new_name
if start_listener "$NAME" "$WORK/null.out" -n 3 -0; then
    printf 'line 1\nline 2' | "$M" send "$NAME" -
    "$M" send "$NAME" ""
    "$M" send "$NAME" last
    wait_listener
    printf 'line 1\nline 2\0\0last\0' >"$WORK/null.expected"
    if [ $LRC -eq 0 ] && cmp -s "$WORK/null.out" "$WORK/null.expected"; then
        pass "-0 ends each message with NUL; a multi-line message is one record"
    else
        fail "-0 ends each message with NUL" "exit $LRC: $(od -c "$WORK/null.out")"
    fi
else
    fail "-0 ends each message with NUL" "no listener"
fi

new_name
if start_listener "$NAME" "$WORK/nullj.out" -n 2 -j0; then
    "$M" send "$NAME" "a
b"
    "$M" send "$NAME" c
    wait_listener
    if [ "$(tr '\0' '\n' <"$WORK/nullj.out" | jq -j '.text + "|"')" = "a
b|c|" ] && [ "$(tr -d -c '\000' <"$WORK/nullj.out" | wc -c)" -eq 2 ]; then
        pass "--json -0 writes NUL-terminated JSON objects"
    else
        fail "--json -0 writes NUL-terminated JSON objects" \
            "$(od -c "$WORK/nullj.out" | head -5)"
    fi
else
    fail "--json -0" "no listener"
fi

new_name
if start_listener "$NAME" "$WORK/lines.out" -n 5 -x; then
    printf 'one\ntwo\r\n\n\001x\nlast' | "$M" send "$NAME" --lines
    src=$?
    wait_listener
    printf '6f6e65\n74776f\n\n0178\n6c617374\n' >"$WORK/lines.expected"
    if [ $src -eq 0 ] && [ $LRC -eq 0 ] &&
        cmp -s "$WORK/lines.out" "$WORK/lines.expected"; then
        pass "send --lines: one message per line, LF or CRLF, empty lines too"
    else
        fail "send --lines: one message per line" \
            "send=$src listen=$LRC: $(cat "$WORK/lines.out")"
    fi
else
    fail "send --lines" "no listener"
fi

new_name
if start_listener "$NAME" "$WORK/lines0.out" -n 2 -x; then
    printf 'a\nb\0c' | "$M" send "$NAME" -l -0 -
    wait_listener
    check "send -l -0 splits stdin at NUL, keeping newlines" \
        expect_line "$WORK/lines0.out" "610a62
63"
else
    fail "send -l -0" "no listener"
fi

new_name
if start_listener "$NAME" "$WORK/linesu.out" -n 2 -x; then
    printf 'hi\nhé\n' | "$M" send "$NAME" -l -e utf-16le --nul
    wait_listener
    check "send --lines with --encoding and --nul encodes each line" \
        expect_line "$WORK/linesu.out" "680069000000
6800e9000000"
else
    fail "send --lines with --encoding" "no listener"
fi

# A line ansi cannot encode stops --lines with an error naming it; the
# lines before it were sent, the ones after it were not.
new_name
if start_listener "$NAME" "$WORK/linese.out" -n 2; then
    printf 'ok\n☃\nnever\n' | "$M" send "$NAME" -l -e ansi \
        2>"$WORK/linese.err"
    src=$?
    "$M" send "$NAME" after
    wait_listener
    printf 'ok\nafter\n' >"$WORK/linese.expected"
    if [ $src -eq 1 ] && grep -q 'message 2: .*(encoding)$' "$WORK/linese.err" &&
        cmp -s "$WORK/linese.out" "$WORK/linese.expected"; then
        pass "send --lines stops at a line it cannot encode, and says which"
    else
        fail "send --lines stops at a line it cannot encode" \
            "send=$src: $(cat "$WORK/linese.err") / $(cat "$WORK/linese.out")"
    fi
else
    fail "send --lines stops at a bad line" "no listener"
fi

new_name
expect_error "send --lines to a missing slot exits 3 (not_found)" 3 not_found \
    "$M" send "$NAME" --lines

# listen -0 into send --lines -0 relays multi-line messages one to one.
new_name
relay_to=$NAME
new_name
if start_listener "$relay_to" "$WORK/relay.out" -n 2 -x; then
    "$M" listen "$NAME" -0 -n 2 -t 5 --ready "$WORK/relay.ready" |
        "$M" send "$relay_to" -l -0 &
    RPID=$!
    PIDS="$PIDS $RPID"
    i=0
    while [ ! -e "$WORK/relay.ready" ] && [ $i -lt 200 ]; do
        sleep 0.05
        i=$((i + 1))
    done
    printf 'x\ny' | "$M" send "$NAME" -
    "$M" send "$NAME" z
    wait "$RPID"
    wait_listener
    check "listen -0 | send -l -0 relays a two-line message as one" \
        expect_line "$WORK/relay.out" "780a79
7a"
else
    fail "listen -0 | send -l -0" "no listener"
fi

# ---------------------------------------------------------------------
# listen --exec

new_name
if start_listener "$NAME" "$WORK/exec.out" -n 3 --exec \
    'printf "%s|%s|%s|%s|%s|" "$MAILSLOT_SLOT" "$MAILSLOT_SIZE" \
        "$MAILSLOT_ENCODING" "$MAILSLOT_ORIGIN" "${MAILSLOT_SOURCE_ADDR-unset}"
     cat; echo'
then
    "$M" send "$NAME" "héllo ☃"
    "$M" send "$NAME" -e utf-16le "hi"
    "$M" send "$NAME" "two
lines"
    wait_listener
    printf '%s\n' "$NAME|10|utf-8|local|unset|héllo ☃" \
        "$NAME|4|utf-16le|local|unset|hi" \
        "$NAME|9|utf-8|local|unset|two" "lines" >"$WORK/exec.expected"
    if [ $LRC -eq 0 ] && cmp -s "$WORK/exec.out" "$WORK/exec.expected"; then
        pass "--exec runs CMD per message: text on stdin, details in env"
    else
        fail "--exec runs CMD per message" "exit $LRC: $(cat "$WORK/exec.out")"
    fi
else
    fail "--exec runs CMD per message" "no listener"
fi

new_name
if start_listener "$NAME" "$WORK/execf.out" -n 2 --exec 'cat; exit 7'; then
    "$M" send "$NAME" first
    "$M" send "$NAME" second
    wait_listener
    if [ $LRC -eq 0 ] && [ "$(cat "$WORK/execf.out")" = "firstsecond" ] &&
        [ "$(grep -c 'exit status 7$' "$WORK/execf.out.err")" -eq 2 ]; then
        pass "a failing --exec command is reported and listen goes on (exit 0)"
    else
        fail "a failing --exec command is reported" \
            "exit $LRC: $(cat "$WORK/execf.out.err")"
    fi
else
    fail "a failing --exec command" "no listener"
fi

# A command that does not read its stdin must not take listen down.
new_name
if start_listener "$NAME" "$WORK/execq.out" -n 2 --exec 'echo got'; then
    head -c 200000 /dev/zero | tr "\0" x | "$M" send "$NAME" -
    "$M" send "$NAME" small
    wait_listener
    if [ $LRC -eq 0 ] && [ "$(cat "$WORK/execq.out")" = "got
got" ]; then
        pass "--exec with a command that ignores a big stdin"
    else
        fail "--exec with a command that ignores a big stdin" "exit $LRC"
    fi
else
    fail "--exec with a command that ignores stdin" "no listener"
fi

new_name
if start_listener "$NAME" "$WORK/execr.out" -n 1 -r \
    --exec "cat >'$WORK/execr.msg'; echo \"\$MAILSLOT_ENCODING \$MAILSLOT_SIZE\""
then
    printf 'a\0\r\n\032' | "$M" send "$NAME" -
    wait_listener
    printf 'a\0\r\n\032' >"$WORK/execr.expected"
    if [ $LRC -eq 0 ] && cmp -s "$WORK/execr.msg" "$WORK/execr.expected" &&
        expect_line "$WORK/execr.out" "binary 5"; then
        pass "--exec --raw gives CMD the exact bytes"
    else
        fail "--exec --raw gives CMD the exact bytes" "$(cat "$WORK/execr.out")"
    fi
else
    fail "--exec --raw" "no listener"
fi

# ---------------------------------------------------------------------
# Bad values for the new options: exit 2, the option named, nothing done

# expect_bad DESC OPTION COMMAND...: a usage error (exit 2, nothing on
# stdout) whose message names OPTION.
expect_bad() {
    eb_desc=$1
    eb_opt=$2
    shift 2
    "$@" >"$WORK/eb.out" 2>"$WORK/eb.err" </dev/null
    eb_rc=$?
    if [ $eb_rc -eq 2 ] && grep -q -e "$eb_opt" "$WORK/eb.err" &&
        [ ! -s "$WORK/eb.out" ]; then
        pass "$eb_desc"
    else
        fail "$eb_desc" "exit $eb_rc, stderr: $(cat "$WORK/eb.err")"
    fi
}

new_name
rm -f "$WORK/bad.ready"
expect_bad "-t abc names --timeout" "--timeout" \
    "$M" listen "$NAME" --ready "$WORK/bad.ready" -t abc
if [ ! -e "$WORK/bad.ready" ] && ! "$M" list | grep -qF "$NAME"; then
    pass "  ... and creates nothing (no --ready file, no slot)"
else
    fail "  ... and creates nothing (no --ready file, no slot)"
fi
expect_bad "-n 0 names --count" "--count" "$M" listen "$NAME" -n 0
expect_bad "-n with no value names -n" '"-n"' "$M" listen "$NAME" -n
expect_bad "-m lots names --max-size" "--max-size" \
    "$M" listen "$NAME" -m lots
expect_bad "-e ebcdic names the encoding" "ebcdic" \
    "$M" listen "$NAME" -e ebcdic
expect_bad "an unknown short option is named" '"-q"' "$M" listen "$NAME" -q
expect_bad "an unknown option in a bundle is named" '"-q"' \
    "$M" listen "$NAME" -jq
# A shared slot (root makes the shared directory): the socket is in it,
# and a writer finds it there.
if [ "$(id -u)" = 0 ]; then
    new_name
    export MAILSLOT_SHARED_DIR="$WORK/shared"
    if start_listener "$NAME" "$WORK/shared.out" -a all -n 1 &&
        [ -n "$(find "$WORK/shared" -name '*.sock' -perm -0666)" ] &&
        "$M" send "$NAME" "to everyone" && wait_listener &&
        [ "$LRC" -eq 0 ] && [ "$(cat "$WORK/shared.out")" = "to everyone" ]
    then
        pass "listen --access all makes a slot every user may write to"
    else
        fail "listen --access all makes a slot every user may write to" \
            "$(cat "$WORK/shared.out.err" 2>/dev/null)"
    fi
    unset MAILSLOT_SHARED_DIR
else
    echo "note: not root; test_shared covers --access with real users"
fi
expect_bad "--access everyone names --access" "--access" \
    "$M" listen "$NAME" --access everyone
expect_bad "-a group: with no group names --access" "--access" \
    "$M" listen "$NAME" -a group:
expect_bad "--exec with no command" "--exec" "$M" listen "$NAME" --exec
expect_bad "--exec with an empty command" "--exec" \
    "$M" listen "$NAME" --exec ""
expect_bad "--exec with --json" "--exec" \
    "$M" listen "$NAME" --exec cat --json
expect_bad "--exec with -0" "--exec" "$M" listen "$NAME" --exec cat -0
expect_bad "--exec with --hex" "--exec" "$M" listen "$NAME" --exec cat -x
expect_bad "--json with --hex" "--json" "$M" listen "$NAME" --json --hex
expect_bad "--json with --inspect" "--json" \
    "$M" listen "$NAME" --json --inspect
expect_bad "--json given a value" "--json" "$M" listen "$NAME" --json=1
expect_bad "-0 with --raw" "--null" "$M" listen "$NAME" -0 --raw
expect_bad "send -0 without --lines" "--lines" "$M" send "$NAME" -0 -
expect_bad "send --lines with TEXT" "--lines" \
    "$M" send "$NAME" --lines hello
expect_bad "send -e with no value names -e" '"-e"' "$M" send "$NAME" hi -e
expect_bad "send -l -e auto" "auto" "$M" send "$NAME" -l -e auto

# Nothing is sent when send's options are bad.
new_name
if start_listener "$NAME" "$WORK/badsend.out" -n 1; then
    printf 'x\n' | "$M" send "$NAME" --lines -e nosuch 2>/dev/null
    printf 'x\n' | "$M" send "$NAME" --lines extra 2>/dev/null
    printf 'x\n' | "$M" send "$NAME" -0 - 2>/dev/null
    "$M" send "$NAME" after
    wait_listener
    check "bad send options send nothing" \
        expect_line "$WORK/badsend.out" "after"
else
    fail "bad send options send nothing" "no listener"
fi

# ---------------------------------------------------------------------
# The README's examples run as they are: every ```console block under
# "## The command".  Lines that start with "$ " are commands, run in
# order by sh with this mailslot first on PATH; after one that starts a
# listener in the background ("mailslot listen NAME ... &") the block
# waits until the slot exists.  The other lines are the block's expected
# output, stdout and stderr together, once every command has finished.

readme=$(dirname "$0")/../README.md
mkdir -p "$WORK/readme"
awk -v dir="$WORK/readme" '
    /^## / { section = ($0 == "## The command") }
    section && /^```console$/ {
        n++
        script = dir "/" n ".sh"
        expected = dir "/" n ".expected"
        printf "" >expected
        print "wait_slot() {" >script
        print "    i=0" >script
        print "    until mailslot list | grep -qi \"mailslot.$1$\" ||" >script
        print "        [ $i -ge 200 ]; do sleep 0.05; i=$((i + 1)); done" >script
        print "}" >script
        inside = 1
        next
    }
    inside && /^```$/ { print "wait" >script; inside = 0; next }
    inside && /^\$ / {
        command = substr($0, 3)
        print command >script
        if (command ~ /&$/ && match(command, /mailslot listen [^ ]+/))
            print "wait_slot " substr(command, RSTART + 16, RLENGTH - 16) \
                >script
        next
    }
    inside { print >expected }
' "$readme"
blocks=$(ls "$WORK/readme"/*.sh 2>/dev/null | wc -l)
check "the README's command section has its examples (4 or more)" \
    [ "$blocks" -ge 4 ]
for script in "$WORK/readme"/*.sh; do
    [ -e "$script" ] || continue
    n=$(basename "$script" .sh)
    (cd "$WORK/readme" && PATH="$(dirname "$M"):$PATH" \
        timeout 30 sh "$script" >"$n.out" 2>&1)
    if cmp -s "$WORK/readme/$n.out" "$WORK/readme/$n.expected"; then
        pass "README example $n of \"## The command\" runs as shown"
    else
        fail "README example $n" "got: $(cat "$WORK/readme/$n.out")"
    fi
done

# ---------------------------------------------------------------------
# Usage, help and version

expect_usage "no command is a usage error" "$M"
expect_usage "an unknown command is a usage error" "$M" frobnicate
expect_usage "an unknown global option is a usage error" "$M" --frob
expect_usage "an unknown listen option is a usage error" \
    "$M" listen x --frob
expect_usage "a short unknown option is a usage error" "$M" send x -q hi
expect_usage "listen without a name is a usage error" "$M" listen
expect_usage "listen with two names is a usage error" "$M" listen a b
expect_usage "send without text is a usage error" "$M" send x
expect_usage "send without a name is a usage error" "$M" send
expect_usage "a missing option value is a usage error" \
    "$M" listen x --count
expect_usage "a bad --count is a usage error" "$M" listen x --count 0
expect_usage "a bad --timeout is a usage error" \
    "$M" listen x --timeout -1
expect_usage "a bad --max-size is a usage error" \
    "$M" listen x --max-size lots
expect_usage "an unknown encoding is a usage error" \
    "$M" send x --encoding ebcdic hi
expect_usage "send --encoding auto is a usage error" \
    "$M" send x --encoding auto hi
expect_usage "--raw with --hex is a usage error" "$M" listen x --raw --hex
expect_usage "a value given to a flag is a usage error" \
    "$M" send x --nul=1 hi
expect_usage "list takes no arguments" "$M" list extra

help_ok() {
    "$M" "$@" >"$WORK/help.out" 2>&1 && grep -q "^usage: mailslot" \
        "$WORK/help.out"
}
check "--help exits 0" help_ok --help
check "listen --help exits 0" help_ok listen --help
check "send --help exits 0" help_ok send NAME --help
check "list --help exits 0" help_ok list --help

# listen --help names every option.
help_ok listen --help
missing=""
for opt in "-r, --raw" "-x, --hex" "-e, --encoding" "-n, --count" \
    "-t, --timeout" "-m, --max-size" --ready "-o, --origin" --inspect \
    "-j, --json" "-0, --null" --exec MAILSLOT_SIZE MAILSLOT_ENCODING \
    MAILSLOT_ORIGIN MAILSLOT_SLOT; do
    grep -q -- "$opt" "$WORK/help.out" || missing="$missing $opt"
done
check "listen --help lists every option and --exec variable" [ -z "$missing" ]
help_ok send NAME --help
missing=""
for opt in "-e, --encoding" "--nul" "-l, --lines" "-0, --null"; do
    grep -q -- "$opt" "$WORK/help.out" || missing="$missing $opt"
done
check "send --help lists every option" [ -z "$missing" ]

# The exit statuses are listed in --help and in the README, the same.
help_ok --help
missing=""
for line in "  1    " "  2    usage error" "  3    not_found" "  4    exists" \
    "  124  timeout"; do
    grep -qF -- "$line" "$WORK/help.out" || missing="$missing help:'$line'"
done
for code in "| 0 |" "| 1 |" "| 2 |" "| 3 |" "| 4 |" "| 124 |"; do
    grep -qF -- "$code" "$readme" || missing="$missing README:'$code'"
done
check "--help and the README list the exit statuses" [ -z "$missing" ]

version=$("$M" --version)
version_rc=$?
if [ $version_rc -eq 0 ] &&
    printf '%s\n' "$version" | grep -qE '^mailslot [0-9]+\.[0-9]+\.[0-9]+$'
then
    pass "--version prints the version and exits 0"
else
    fail "--version prints the version and exits 0" \
        "exit $version_rc: $version"
fi

echo "$PASS passed, $FAIL failed"
[ "$FAIL" -eq 0 ]
