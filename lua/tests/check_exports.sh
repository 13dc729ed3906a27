#!/bin/sh
# check_exports.sh NM MODULE -- the Lua module exports luaopen_mailslot and
# nothing else (the core inside it stays private).
nm=${1:?usage: check_exports.sh NM MODULE}
module=${2:?usage: check_exports.sh NM MODULE}
exports=$("$nm" -D --defined-only "$module" | awk '{ print $NF }')
echo "exported by $module:"
echo "$exports"
if [ "$exports" = "luaopen_mailslot" ]; then
    echo "1 passed, 0 failed"
    exit 0
fi
echo "FAIL - expected only luaopen_mailslot"
echo "0 passed, 1 failed"
exit 1
