#!/usr/bin/env bash
# The release files, in one folder:
#   scripts/release.sh [OUT_DIR]        (default: dist/)
# - mailslot-V.tar.gz: the source tarball (every file git tracks, as the
#   work tree has it), which the others are built from;
# - mailslot-V.tar.gz's Python sdist (mailslot-V.tar.gz in OUT_DIR/python/)
#   and the abi3 manylinux wheel, by scripts/build-python.sh;
# - mailslot-V-1.src.rock: the rockspec and the source tarball, which
#   `luarocks install` builds with CMake, and the rockspec itself;
# - mailslot-ahk-V.zip: the AutoHotkey bundle (both DLLs, the includes,
#   the examples), when the MinGW-w64 cross-compilers are installed.
# tests/release/run.sh installs each one fresh and checks that it works.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
out=${1:-$root/dist}
mkdir -p "$out"
out=$(cd "$out" && pwd)
version=$("$root/scripts/version.sh" "$root")
name=mailslot-$version
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
step() { echo "== $*"; }

step "source tarball: $name.tar.gz"
git -C "$root" rev-parse --git-dir >/dev/null 2>&1 ||
    { echo "release.sh: run it in a git checkout of mailslot" >&2; exit 1; }
(cd "$root" && git ls-files -z | while IFS= read -r -d '' f; do
    [ -e "$f" ] && printf '%s\0' "$f"; done |
    tar --null -T - --transform "s,^,$name/," --sort=name --owner=0 \
        --group=0 --numeric-owner --mtime="@$(git log -1 --format=%ct)" \
        -czf "$out/$name.tar.gz")
tar -xzf "$out/$name.tar.gz" -C "$work"
tree=$work/$name

step "Python: sdist and manylinux wheel (from the tarball's tree)"
mkdir -p "$out/python"
"$tree/scripts/build-python.sh" "$tree" "$out/python" | sed 's/^/   /'

step "Lua: $name-1.src.rock"
rockspec=$name-1.rockspec
cp "$tree/lua/$rockspec" "$out/$rockspec"
# The rockspec names the tarball by its file name; LuaRocks packs from an
# absolute URL, so pack with one, then put the rockspec as released back.
mkdir "$work/rock"
sed "s|url = \"$name.tar.gz\"|url = \"file://$out/$name.tar.gz\"|" \
    "$out/$rockspec" >"$work/rock/$rockspec"
(cd "$work/rock" && luarocks --lua-version=5.4 pack "$rockspec" >/dev/null)
cp "$out/$rockspec" "$work/rock/$rockspec"
(cd "$work/rock" && zip -q "$name-1.src.rock" "$rockspec")
mv "$work/rock/$name-1.src.rock" "$out/"

if command -v x86_64-w64-mingw32-gcc >/dev/null &&
   command -v i686-w64-mingw32-gcc >/dev/null; then
    step "AutoHotkey: mailslot-ahk-$version.zip"
    "$tree/scripts/build-ahk-zip.sh" "$tree" "$work/ahk" "$out" |
        sed 's/^/   /'
else
    step "AutoHotkey: skipped (apt-get install gcc-mingw-w64-x86-64 gcc-mingw-w64-i686)"
fi

step "in $out:"
(cd "$out" && find . -maxdepth 2 -type f ! -path './python/.tools/*' \
    ! -name '*.log' | sed 's|^\./|   |' | sort)
