#!/bin/sh
# Check a built mailslot.dll:
#   check_exports.sh OBJDUMP mailslot.dll SOURCE_DIR
# - it exports exactly the functions of mailslot.h, undecorated (no "_"
#   prefix, no "@N" suffix, so DllCall and VBA find them by name);
# - core/mailslot.def lists exactly those functions;
# - it needs only system DLLs (no libgcc_s, libwinpthread);
# - it has a version resource with the version of mailslot.h.
objdump=$1 dll=$2 src=$3
fail=0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

grep -o 'MAILSLOT_CALL *\*\{0,1\} *mailslot_[a-z0-9_]*(' \
    "$src/core/include/mailslot.h" | sed 's/.*\(mailslot_[a-z0-9_]*\)(/\1/' |
    sort >"$tmp/header"
sed -n 's/^ *\(mailslot_[a-z0-9_]*\) *$/\1/p' "$src/core/mailslot.def" |
    sort >"$tmp/def"
"$objdump" -p "$dll" >"$tmp/p" || { echo "not ok - objdump $dll"; exit 1; }
sed -n '/\[Ordinal\/Name Pointer\] Table/,/^$/p' "$tmp/p" |
    sed -n 's/^[[:space:]]*\[ *[0-9]*\] \(.*\)$/\1/p' | sort >"$tmp/exports"

compare() {
    if cmp -s "$tmp/header" "$tmp/$1"; then
        echo "ok   - $2: the $(wc -l <"$tmp/header") functions of mailslot.h"
    else
        echo "not ok - $2 differs from mailslot.h (< header, > $2):"
        diff "$tmp/header" "$tmp/$1" | grep '^[<>]'
        fail=1
    fi
}
compare def "core/mailslot.def"
compare exports "exports of $(basename "$dll")"
if grep -q '@' "$tmp/exports"; then
    echo "not ok - decorated export names:"; grep '@' "$tmp/exports"; fail=1
fi

deps=$(sed -n 's/^[[:space:]]*DLL Name: //p' "$tmp/p" | tr 'A-Z' 'a-z' | sort -u)
bad=$(echo "$deps" | grep -v -x -e kernel32.dll -e user32.dll -e msvcrt.dll \
    -e 'api-ms-win-.*' || true)
if [ -n "$bad" ]; then
    echo "not ok - depends on non-system DLLs: $bad"; fail=1
else
    echo "ok   - imports only system DLLs:" $deps
fi

version=$(sed -n 's/^#define MAILSLOT_VERSION_STRING "\(.*\)"/\1/p' \
    "$src/core/include/mailslot.h")
if strings -el "$dll" | grep -qx "$version" &&
   strings -el "$dll" | grep -qx "FileVersion"; then
    echo "ok   - version resource: FileVersion $version"
else
    echo "not ok - no version resource with $version"; fail=1
fi
exit $fail
