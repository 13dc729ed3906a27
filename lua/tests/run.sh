#!/bin/sh
# run.sh LUA MODULE_DIR TEST.lua -- run one Lua test file the way CTest
# does: the module from MODULE_DIR and the harness from the test's own
# directory first on the search paths, in a private slot directory (mode
# 0700, removed afterwards), with the interpreter and this shell's pid
# exported for helper processes and unique slot names.
lua=${1:?usage: run.sh LUA MODULE_DIR TEST.lua}
module_dir=${2:?usage: run.sh LUA MODULE_DIR TEST.lua}
test_file=${3:?usage: run.sh LUA MODULE_DIR TEST.lua}
dir=$(mktemp -d) || exit 2
chmod 700 "$dir"
# ";;" keeps Lua's default paths after ours (LuaSocket for the tests).
LUA_CPATH="$module_dir/?.so;;"
LUA_PATH="$(dirname "$test_file")/?.lua;;"
MAILSLOT_DIR=$dir
MAILSLOT_LUA=$lua
MAILSLOT_TEST_ID=$$
unset LUA_CPATH_5_4 LUA_PATH_5_4 LUA_INIT LUA_INIT_5_4
export LUA_CPATH LUA_PATH MAILSLOT_DIR MAILSLOT_LUA MAILSLOT_TEST_ID
"$lua" "$test_file"
rc=$?
rm -rf "$dir"
exit $rc
