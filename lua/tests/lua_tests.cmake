# The Lua suites (label "lua"), included from lua/CMakeLists.txt.  Each
# test file runs under run.sh: the built module first on LUA_CPATH and a
# private slot directory.

set(_lua_tests_dir ${CMAKE_CURRENT_SOURCE_DIR}/tests)
set(_lua_env "MAILSLOT_SOURCE_DIR=${PROJECT_SOURCE_DIR}")
if(MAILSLOT_BUILD_CLI)
  # The command's target is defined later; generator expressions resolve
  # it at generate time.
  list(APPEND _lua_env "MAILSLOT_CLI=$<TARGET_FILE:mailslot_cli>")
endif()
# The cross-language test talks to the Python package built by python/
# (added after lua/, hence TARGET_EXISTS, evaluated at generate time).
# Debian's Python unless the build names another, as scripts/test.sh does.
if(Python3_EXECUTABLE)
  set(_lua_python ${Python3_EXECUTABLE})
else()
  set(_lua_python /usr/bin/python3)
endif()
list(APPEND _lua_env
    "MAILSLOT_PYTHON=${_lua_python}"
    "MAILSLOT_PYTHONPATH=$<$<TARGET_EXISTS:mailslot_python>:${PROJECT_BINARY_DIR}/python/pkg>")

function(mailslot_lua_test name timeout)
  add_test(NAME lua_${name}
      COMMAND sh ${_lua_tests_dir}/run.sh ${LUA54_EXECUTABLE}
              $<TARGET_FILE_DIR:mailslot_lua>
              ${_lua_tests_dir}/test_${name}.lua)
  set_tests_properties(lua_${name} PROPERTIES
      LABELS lua
      TIMEOUT ${timeout}
      ENVIRONMENT "${_lua_env}")
endfunction()

mailslot_lua_test(contract 120)
mailslot_lua_test(api 60)
mailslot_lua_test(text 60)
mailslot_lua_test(interop 120)
mailslot_lua_test(origin 60)
mailslot_lua_test(writer 120)
mailslot_lua_test(batch 120)
mailslot_lua_test(meta 60)
mailslot_lua_test(readme 300)
mailslot_lua_test(rockspec 300)
# Suites that write to remote names do so from an ephemeral port: never
# hold UDP 138, which a bridge or nmbd on this machine may need.
set_property(TEST lua_writer lua_readme APPEND PROPERTY
    ENVIRONMENT "MAILSLOT_SOURCE_PORT=0")

if(CMAKE_NM AND NOT APPLE AND NOT WIN32)
  add_test(NAME lua_exports
      COMMAND sh ${_lua_tests_dir}/check_exports.sh ${CMAKE_NM}
              $<TARGET_FILE:mailslot_lua>)
  set_tests_properties(lua_exports PROPERTIES LABELS lua TIMEOUT 30)
endif()
