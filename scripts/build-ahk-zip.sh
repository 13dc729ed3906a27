#!/usr/bin/env bash
# The AutoHotkey bundle, for users without a compiler:
#   scripts/build-ahk-zip.sh SOURCE_DIR WORK_DIR OUT_DIR
# cross-compiles mailslot.dll for x64 and x86 with MinGW-w64 (in WORK_DIR)
# and writes OUT_DIR/mailslot-ahk-VERSION.zip: x64\mailslot.dll,
# x86\mailslot.dll, Mailslot.ahk, Mailslot.v1.ahk, examples\ and README.txt.
set -euo pipefail
src=$(cd "${1:?usage: build-ahk-zip.sh SOURCE_DIR WORK_DIR OUT_DIR}" && pwd)
work=${2:?}
out=${3:?}
mkdir -p "$work" "$out"
work=$(cd "$work" && pwd)
out=$(cd "$out" && pwd)
jobs=$(nproc 2>/dev/null || echo 2)
version=$("$src/scripts/version.sh" "$src")

bundle=$work/mailslot-ahk-$version
rm -rf "$bundle"
mkdir -p "$bundle/x64" "$bundle/x86" "$bundle/examples"
for arch in 64 32; do
    dir=$work/win$arch
    if ! { cmake -S "$src" -B "$dir" -DCMAKE_BUILD_TYPE=Release \
               -DCMAKE_TOOLCHAIN_FILE="$src/cmake/toolchain-mingw$arch.cmake" \
               -DMAILSLOT_BUILD_TESTS=OFF -DMAILSLOT_BUILD_CLI=OFF &&
           cmake --build "$dir" -j"$jobs" --target mailslot_shared; } \
           >"$dir.log" 2>&1; then
        tail -20 "$dir.log" >&2
        echo "build-ahk-zip.sh: the win$arch DLL did not build" >&2
        exit 1
    fi
done
cp "$work/win64/bin/mailslot.dll" "$bundle/x64/"
cp "$work/win32/bin/mailslot.dll" "$bundle/x86/"
cp "$src"/ahk/Mailslot.ahk "$src"/ahk/Mailslot.v1.ahk "$src"/ahk/README.txt \
    "$bundle/"
cp "$src"/ahk/examples/* "$bundle/examples/"
# The project's licence goes with it once the project has one.
[ ! -f "$src/LICENSE" ] || cp "$src/LICENSE" "$bundle/"
rm -f "$out/mailslot-ahk-$version.zip"
(cd "$work" && zip -qr -X "$out/mailslot-ahk-$version.zip" \
    "mailslot-ahk-$version")
echo "mailslot-ahk-$version.zip"
