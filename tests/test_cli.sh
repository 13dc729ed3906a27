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
    expect_error "the slot is gone after listen exits" 1 not_found \
        "$M" send "$NAME" three
else
    fail "--count 2 exits 0 after two messages" "no listener"
fi

new_name
expect_error "--timeout 0.2 fails with 'timeout'" 1 timeout \
    "$M" listen "$NAME" --timeout 0.2

new_name
expect_error "send to a missing slot fails with 'not_found'" 1 not_found \
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
        1 exists "$M" listen "$NAME" --timeout 0.1
    upper=$(printf '%s' "$NAME" | tr 'a-z' 'A-Z')
    expect_error "names match case-insensitively" 1 exists \
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
for opt in --raw --hex --encoding --count --timeout --max-size --ready; do
    grep -q -- "$opt" "$WORK/help.out" || missing="$missing $opt"
done
check "listen --help lists every option" [ -z "$missing" ]

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
