#!/usr/bin/env bash
# The Windows build and its tests, run from the Linux build by CTest:
#   tests/win/run.sh SOURCE_DIR WORK_DIR
# 1. cross-builds everything for x86_64 Windows with MinGW-w64 and runs the
#    Windows tests under Wine (headless, in a private prefix under WORK_DIR);
# 2. cross-builds the 32-bit (i686) DLL and checks its export table
#    (Debian 12's wine64 cannot run 32-bit programs; see README);
# 3. prints "N passed, N failed" over all of it.
set -uo pipefail
src=$(cd "$1" && pwd)
work=$2
mkdir -p "$work"
work=$(cd "$work" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
passed=0
failed=0

step() { echo "== $*"; }
ok() { echo "ok   - $*"; passed=$((passed + 1)); }
not_ok() { echo "not ok - $*"; failed=$((failed + 1)); }
finish() {
    [ -n "${WINEPREFIX:-}" ] && "$wineserver" -k 2>/dev/null
    echo "$passed passed, $failed failed"
    [ "$failed" -eq 0 ]
    exit
}

wine=$(command -v wine64 || command -v wine || true)
wineserver=$(command -v wineserver || echo /usr/lib/wine/wineserver)
for tool in x86_64-w64-mingw32-gcc i686-w64-mingw32-gcc; do
    command -v "$tool" >/dev/null || { not_ok "$tool is not installed"; finish; }
done
[ -n "$wine" ] || { not_ok "wine is not installed"; finish; }

# A private, headless Wine prefix; the first start takes ~15-30 s.
export WINEPREFIX="$work/wineprefix" WINEDEBUG=-all WINEARCH=win64
export WINEDLLOVERRIDES="mscoree,mshtml=" DISPLAY=
if [ ! -f "$WINEPREFIX/system.reg" ]; then
    step "creating the Wine prefix $WINEPREFIX"
    "$wine" wineboot -i >/dev/null 2>&1
    # No X display here: Wine's null driver still gives hidden windows
    # (for the window-message notification test).
    "$wine" reg add 'HKCU\Software\Wine\Drivers' /v Graphics /d null /f \
        >/dev/null 2>&1
    "$wineserver" -w
fi

# build DIR TOOLCHAIN [cmake args...]
build() {
    local dir=$1 toolchain=$2
    shift 2
    # The README's commands for the Windows builds, plus ARGS.
    cmake -S "$src" -B "$dir" -DCMAKE_TOOLCHAIN_FILE="$src/cmake/$toolchain" \
        "$@" >"$dir.configure.log" 2>&1 &&
        cmake --build "$dir" -j"$jobs" >"$dir.build.log" 2>&1
}

step "x86_64: build (MinGW-w64)"
if build "$work/win64" toolchain-mingw64.cmake \
        -DCMAKE_CROSSCOMPILING_EMULATOR="$wine"; then
    ok "x86_64 build"
else
    cat "$work/win64.configure.log" "$work/win64.build.log" | tail -40
    not_ok "x86_64 build"
    finish
fi

step "x86_64: tests under Wine ($("$wine" --version 2>/dev/null))"
ctest --test-dir "$work/win64" --output-on-failure -V >"$work/win64.ctest.log" 2>&1
grep -E "known Wine difference|CHECK|passed, [0-9]+ failed|Test +#|tests passed" \
    "$work/win64.ctest.log" | sed 's/^[0-9]*: //'
while read -r name result; do
    if [ "$result" = Passed ]; then ok "$name"; else not_ok "$name"; fi
done < <(sed -n 's/^ *[0-9]*\/[0-9]* Test *#[0-9]*: \([^ ]*\) [.*]*\** *\([A-Za-z]*\).*/\1 \2/p' \
    "$work/win64.ctest.log")

step "x86_64: the mailslot command under Wine (UTF-8 arguments)"
out="$work/win64/cli.out"
"$wine" "$work/win64/bin/mailslot.exe" listen cli-test --count 2 \
    --timeout 20 >"$out" 2>&1 &
listener=$!
for _ in $(seq 50); do
    "$wine" "$work/win64/bin/mailslot.exe" send CLI-TEST 'héllo ☃' \
        >/dev/null 2>&1 && break
    sleep 0.2
done
"$wine" "$work/win64/bin/mailslot.exe" send cli-test --encoding utf-16le \
    'Grüße' >/dev/null 2>&1
wait "$listener"
if [ "$(tr -d '\r' <"$out")" = "$(printf 'héllo ☃\nGrüße')" ]; then
    ok "mailslot listen/send"
else
    echo "got:"; cat "$out"
    not_ok "mailslot listen/send"
fi

# send_when_ready FILE NAME ARGS...: "mailslot send NAME ARGS..." with FILE
# on stdin, retried until the listener started just before has its slot.
send_when_ready() {
    local input=$1
    shift
    for _ in $(seq 50); do
        "$wine" "$work/win64/bin/mailslot.exe" send "$@" <"$input" \
            >/dev/null 2>&1 && return 0
        sleep 0.2
    done
    return 1
}

step "x86_64: the mailslot command's bytes: CR LF and Ctrl-Z pass unchanged"
exe="$work/win64/bin/mailslot.exe"
printf 'a\r\nb\032c\n' >"$work/win64/cli-bytes.in"
"$wine" "$exe" listen "bytes-$$" -x -n 1 -t 20 >"$out" 2>&1 &
listener=$!
send_when_ready "$work/win64/cli-bytes.in" "bytes-$$" -
wait "$listener"
if [ "$(tr -d '\r' <"$out")" = "610d0a621a630a" ]; then
    ok "send - reads stdin as bytes (no CRLF translation, no end at Ctrl-Z)"
else
    echo "got:"; cat "$out"
    not_ok "send - reads stdin as bytes"
fi
"$wine" "$exe" listen "bytes-$$" -r -n 1 -t 20 2>&1 | cat >"$out" &
listener=$!
send_when_ready "$work/win64/cli-bytes.in" "bytes-$$" -
wait "$listener"
if cmp -s "$out" "$work/win64/cli-bytes.in"; then
    ok "listen --raw writes the bytes unchanged through a pipe"
else
    echo "got:"; od -c "$out" | head -5
    not_ok "listen --raw writes the bytes unchanged through a pipe"
fi

step "x86_64: listen --exec runs CMD with cmd.exe"
printf 'hi there' >"$work/win64/cli-exec.in"
"$wine" "$exe" listen "exec-$$" -n 1 -t 20 \
    --exec 'echo %MAILSLOT_SIZE% %MAILSLOT_ORIGIN% %MAILSLOT_ENCODING% & more' \
    >"$out" 2>&1 &
listener=$!
send_when_ready "$work/win64/cli-exec.in" "exec-$$" -
wait "$listener"
if [ "$(tr -d '\r' <"$out")" = "$(printf '8 local utf-8 \nhi there')" ]; then
    ok "listen --exec: the message on stdin, its details in the environment"
else
    echo "got:"; cat "$out"
    not_ok "listen --exec under cmd.exe"
fi

step "x86_64: text on a console goes through WriteConsoleW"
# script(1) gives Wine a terminal, which it turns into a console; text
# written as bytes would be read in the console's code page (mojibake).
if command -v script >/dev/null; then
    : >"$work/win64/cli-console.in"
    (send_when_ready "$work/win64/cli-console.in" "con-$$" 'héllo ☃') &
    script -qc "'$wine' '$exe' listen con-$$ -n 1 -t 20" \
        "$work/win64/cli-console.log" >/dev/null 2>&1
    wait $!
    if grep -q 'héllo ☃' "$work/win64/cli-console.log"; then
        ok "UTF-8 text reaches the console unmangled"
    else
        echo "got:"; od -c "$work/win64/cli-console.log" | head -8
        not_ok "UTF-8 text reaches the console unmangled"
    fi
else
    not_ok "script (util-linux) is not installed: no console check"
fi

step "x86_64: the Lua module for a Windows Lua 5.4 (build only)"
# The rockspec's CMake build, as LuaRocks runs it on Windows.  A Windows Lua
# module links against lua54.dll; an import library made from the API of
# Debian's Lua 5.4 headers stands in for the real one.
lua_inc=/usr/include/lua5.4
if [ -f "$lua_inc/lua.h" ]; then
    lw=$work/lua-win64
    mkdir -p "$lw"
    {
        echo "LIBRARY lua54.dll"; echo "EXPORTS"
        cat "$lua_inc/lua.h" "$lua_inc/lauxlib.h" "$lua_inc/lualib.h" |
            grep -o '(lua[L]\{0,1\}_[A-Za-z_0-9]*) *(\|(luaopen_[a-z0-9_]*) *(' |
            sed 's/[() ]//g' | sort -u | sed 's/^/    /'
    } >"$lw/lua54.def"
    if x86_64-w64-mingw32-dlltool -d "$lw/lua54.def" -l "$lw/liblua54.a" \
            -D lua54.dll >"$lw/build.log" 2>&1 &&
       cmake -S "$src" -B "$lw/build" -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchain-mingw64.cmake" \
            -DMAILSLOT_LUA_ROCK=ON -DLUA54_INCLUDE_DIR="$lua_inc" \
            -DMAILSLOT_LUA_LIBRARY="$lw/liblua54.a" \
            -DMAILSLOT_LUA_INSTALL_DIR="$lw/lib" >>"$lw/build.log" 2>&1 &&
       cmake --build "$lw/build" --target install >>"$lw/build.log" 2>&1 &&
       x86_64-w64-mingw32-objdump -p "$lw/lib/mailslot.dll" \
            >"$lw/objdump.txt" &&
       grep -q '\] luaopen_mailslot$' "$lw/objdump.txt" &&
       [ "$(grep -cE '^[[:space:]]*\[ *[0-9]+\] [A-Za-z_0-9]+$' \
            "$lw/objdump.txt")" -eq 1 ]; then
        ok "Lua module cross-built: mailslot.dll exports only luaopen_mailslot"
    else
        tail -20 "$lw/build.log"
        not_ok "Lua module cross-build"
    fi
else
    not_ok "Lua 5.4 headers missing (apt-get install liblua5.4-dev)"
fi

step "i686: build the 32-bit DLL and check its exports"
if build "$work/win32" toolchain-mingw32.cmake; then
    ok "i686 build"
    # The tests link against the DLL's import library: the stdcall names a
    # 32-bit C program calls must resolve to the DLL's plain exports.
    i686-w64-mingw32-objdump -p "$work/win32/bin/test_contract.exe" \
        >"$work/win32/imports.txt" 2>&1
    if grep -qE '^[[:space:]]+[0-9a-f]+[[:space:]]+[0-9]+  mailslot_create$' \
            "$work/win32/imports.txt"; then
        ok "i686: C programs link against mailslot.dll (stdcall import library)"
    else
        not_ok "i686: C programs link against mailslot.dll"
    fi
    if sh "$src/tests/win/check_exports.sh" i686-w64-mingw32-objdump \
            "$work/win32/bin/mailslot.dll" "$src"; then
        ok "i686 exports"
    else
        not_ok "i686 exports"
    fi
    step "the DllCalls of ahk/*.ahk against both DLLs and mailslot.h"
    if python3 "$src/tests/win/check_ahk.py" "$src" \
            "$work/win64/bin/mailslot.dll" "$work/win32/bin/mailslot.dll" \
            "$work/win32/core/libmailslot.a"; then
        ok "ahk DllCall signatures"
    else
        not_ok "ahk DllCall signatures"
    fi
else
    tail -40 "$work/win32.build.log"
    not_ok "i686 build"
fi
# A ready-to-use AutoHotkey folder: the .ahk files, examples and both DLLs.
bundle="$work/ahk"
mkdir -p "$bundle/x64" "$bundle/x86" "$bundle/examples"
cp "$src"/ahk/*.ahk "$bundle/" && cp "$src"/ahk/examples/* "$bundle/examples/"
cp "$work/win64/bin/mailslot.dll" "$bundle/x64/" 2>/dev/null
cp "$work/win32/bin/mailslot.dll" "$bundle/x86/" 2>/dev/null
echo "AutoHotkey folder with both DLLs: $bundle"
finish
