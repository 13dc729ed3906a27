#!/usr/bin/env bash
# The release files, each installed fresh the way its users install it:
#   tests/release/run.sh SOURCE_DIR WORK_DIR
# runs scripts/release.sh into WORK_DIR/dist, then:
# - the source tarball: the README's install line (cmake, PATH python),
#   the installed command and library used by a consumer;
# - the Python sdist with plain `pip install` into a fresh venv of the
#   python3 on PATH, and the manylinux wheel into another;
# - the .src.rock with `luarocks install` into a fresh tree, then a binary
#   .rock packed from that tree and installed into another;
# - the AutoHotkey zip: its files, and both DLLs' architecture.
# Prints "N passed, N failed".
set -uo pipefail
src=$(cd "$1" && pwd)
work=$2
rm -rf "$work"
mkdir -p "$work"
work=$(cd "$work" && pwd)
dist=$work/dist
version=$("$src/scripts/version.sh" "$src")
passed=0
failed=0
export MAILSLOT_DIR=$work/slots
mkdir -m 700 "$MAILSLOT_DIR"

check() { # NAME COMMAND...: runs COMMAND, output to a log shown on failure
    local name=$1 log=$work/check.log
    shift
    if "$@" >"$log" 2>&1; then
        echo "ok   - $name"; passed=$((passed + 1))
    else
        echo "not ok - $name"; tail -30 "$log"; failed=$((failed + 1))
    fi
}
finish() { echo "$passed passed, $failed failed"; [ "$failed" -eq 0 ]; exit; }

check "scripts/release.sh" "$src/scripts/release.sh" "$dist"
[ "$failed" -eq 0 ] || finish

# A round trip through an installed Python package: VENV.
py_roundtrip() {
    "$1/bin/python" -c '
import mailslot, sys
assert mailslot.__file__.startswith(sys.prefix), mailslot.__file__
with mailslot.create("release/py", timeout=5) as slot:
    mailslot.send("RELEASE/PY", "h\u00e9llo \u2603", encoding="utf-16le")
    assert slot.read_text() == "h\u00e9llo \u2603"
'
}
# A round trip through an installed Lua rock: TREE.
lua_roundtrip() {
    TREE=$1 LUA_CPATH="$1/lib/lua/5.4/?.so" lua5.4 -e '
local m = require "mailslot"
local where = package.searchpath("mailslot", package.cpath)
assert(where:sub(1, #os.getenv("TREE")) == os.getenv("TREE"), where)
local s <close> = assert(m.create("release/lua", { timeout = 5 }))
assert(m.send("RELEASE/LUA", "h\u{E9}llo", "utf-16le") == 10)
assert(s:read_text() == "h\u{E9}llo")'
}

tarball=$dist/mailslot-$version.tar.gz
check "source tarball unpacks" tar -xzf "$tarball" -C "$work"
tree=$work/mailslot-$version
check "tarball: the README's install line, PATH python" sh -c \
    "cmake -S '$tree' -B '$work/build' && cmake --build '$work/build' -j2 &&
     cmake --install '$work/build' --prefix '$work/prefix'"
check "tarball: the installed command runs" "$work/prefix/bin/mailslot" --version
check "tarball: a pkg-config consumer of the installed library" sh -c \
    "PKG_CONFIG_PATH='$work/prefix/lib/pkgconfig' &&
     export PKG_CONFIG_PATH &&
     cc -o '$work/consumer' '$src/tests/install/consumer.c' \$(pkg-config --cflags --libs mailslot) &&
     LD_LIBRARY_PATH='$work/prefix/lib' '$work/consumer'"

python=$(command -v python3)
check "sdist: plain pip install into a fresh venv of $python" sh -c \
    "'$python' -m venv '$work/venv-sdist' &&
     '$work/venv-sdist/bin/pip' install -q '$dist/python/mailslot-$version.tar.gz'"
check "sdist: the installed package works" py_roundtrip "$work/venv-sdist"
wheel=$(ls "$dist"/python/mailslot-"$version"-cp39-abi3-manylinux_*.whl)
check "wheel: an abi3 manylinux wheel" test -f "$wheel"
check "wheel: pip install into a fresh venv, no compiler needed" sh -c \
    "'$python' -m venv '$work/venv-wheel' &&
     CC=false '$work/venv-wheel/bin/pip' install -q --no-index '$wheel'"
check "wheel: the installed package works" py_roundtrip "$work/venv-wheel"

rock=$dist/mailslot-$version-1.src.rock
check "src.rock: luarocks install into a fresh tree" \
    luarocks --lua-version=5.4 install --tree "$work/rocks1" "$rock"
check "src.rock: the installed module works" lua_roundtrip "$work/rocks1"
check "rock: luarocks pack from that tree" sh -c \
    "cd '$work' && luarocks --lua-version=5.4 pack --tree '$work/rocks1' mailslot"
binrock=$(ls "$work"/mailslot-"$version"-1.*.rock 2>/dev/null | grep -v src.rock)
check "rock: luarocks install of the binary rock into another tree" \
    luarocks --lua-version=5.4 install --tree "$work/rocks2" "$binrock"
check "rock: the installed module works" lua_roundtrip "$work/rocks2"

zip=$dist/mailslot-ahk-$version.zip
if [ -f "$zip" ]; then
    check "AutoHotkey zip unpacks" unzip -q "$zip" -d "$work/ahk"
    b=$work/ahk/mailslot-ahk-$version
    for f in Mailslot.ahk Mailslot.v1.ahk README.txt x64/mailslot.dll \
             x86/mailslot.dll examples/server.ahk examples/client.ahk \
             examples/client.vbs; do
        check "AutoHotkey zip has $f" test -s "$b/$f"
    done
    check "x64/mailslot.dll is a 64-bit DLL" sh -c \
        "objdump -f '$b/x64/mailslot.dll' 2>/dev/null | grep -q 'pei-x86-64' ||
         x86_64-w64-mingw32-objdump -f '$b/x64/mailslot.dll' | grep -q 'pei-x86-64'"
    check "x86/mailslot.dll is a 32-bit DLL" sh -c \
        "i686-w64-mingw32-objdump -f '$b/x86/mailslot.dll' | grep -q 'pei-i386'"
else
    echo "not ok - no AutoHotkey zip (install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686)"
    failed=$((failed + 1))
fi
finish
