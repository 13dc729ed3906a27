#!/bin/sh
# Every symbol the libraries export must start with "mailslot_".
#   check_symbols.sh NM libmailslot.so libmailslot.a
nm=$1 shared=$2 static=$3
fail=0
check() {
    bad=$(grep -v '^mailslot_' "$2")
    count=$(wc -l < "$2")
    if [ "$count" -eq 0 ]; then
        echo "not ok - $1: no exported symbols found"; fail=1
    elif [ -n "$bad" ]; then
        echo "not ok - $1 exports symbols without the mailslot_ prefix:"
        echo "$bad"; fail=1
    else
        echo "ok   - $1: $count symbols, all mailslot_*"
    fi
}
tmp=$(mktemp); trap 'rm -f "$tmp"' EXIT
"$nm" -D --defined-only "$shared" | awk '$2 ~ /^[A-Z]$/ {print $3}' \
    | sort -u > "$tmp"
check "$shared" "$tmp"
"$nm" --defined-only "$static" 2>/dev/null | awk 'NF == 3 && $2 ~ /^[A-Z]$/ {print $3}' \
    | sort -u > "$tmp"
check "$static" "$tmp"
# The shared library hides internals: nothing of mailslot__ is visible.
if "$nm" -D --defined-only "$shared" | grep -q ' mailslot__'; then
    echo "not ok - internal mailslot__ symbols are exported"; fail=1
else
    echo "ok   - no internal symbols exported"
fi
exit $fail
