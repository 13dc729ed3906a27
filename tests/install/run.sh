#!/bin/sh
# cmake --install into a temporary prefix, then build consumers with the
# CMake package and with pkg-config, and run them and the installed command.
#   run.sh BUILD_DIR SOURCE_DIR
set -eu
build=$1 src=$2
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
export MAILSLOT_DIR="$tmp/slots"
pass=0 fail=0
check() { # name command...
    name=$1; shift
    if "$@" >"$tmp/out" 2>&1; then
        echo "ok   - $name"; pass=$((pass + 1))
    else
        echo "not ok - $name"; cat "$tmp/out"; fail=$((fail + 1))
    fi
}
check "cmake --install" cmake --install "$build" --prefix "$tmp/prefix"
for f in include/mailslot.h lib/libmailslot.a lib/libmailslot.so bin/mailslot \
         lib/cmake/mailslot/mailslotConfig.cmake lib/pkgconfig/mailslot.pc; do
    check "installed $f" test -e "$tmp/prefix/$f"
done
check "installed command runs" "$tmp/prefix/bin/mailslot" --version
check "find_package consumer builds" cmake -S "$src/tests/install" \
    -B "$tmp/consumer" -DCMAKE_PREFIX_PATH="$tmp/prefix"
check "find_package consumer compiles" cmake --build "$tmp/consumer"
check "shared consumer runs" env LD_LIBRARY_PATH="$tmp/prefix/lib" \
    "$tmp/consumer/consumer_shared"
check "static consumer runs" "$tmp/consumer/consumer_static"
export PKG_CONFIG_PATH="$tmp/prefix/lib/pkgconfig"
check "pkg-config consumer compiles" sh -c 'cc -o "$1/pc" "$2" $(pkg-config --cflags --libs mailslot)' \
    sh "$tmp" "$src/tests/install/consumer.c"
check "pkg-config consumer runs" env LD_LIBRARY_PATH="$tmp/prefix/lib" "$tmp/pc"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
