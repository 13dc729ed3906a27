# The extension mailslot._mailslot, linked against the static core, and the
# pure-Python package copied next to it: ${CMAKE_CURRENT_BINARY_DIR}/pkg is
# an importable tree (for the Lua cross-language test and the benchmarks;
# users install with pip).
set(MAILSLOT_PY_PKG ${CMAKE_CURRENT_BINARY_DIR}/pkg/mailslot)

add_library(mailslot_python MODULE
    src/batch.c
    src/codec.c
    src/module.c
    src/reader.c
    src/writer.c)
target_link_libraries(mailslot_python PRIVATE mailslot_static Python3::Module)
# The Limited API of 3.9: one abi3 binary for every later Python.
target_compile_definitions(mailslot_python PRIVATE Py_LIMITED_API=0x03090000)
if(WIN32)
  set(_py_suffix ".pyd")
else()
  set(_py_suffix ".abi3.so")
endif()
set_target_properties(mailslot_python PROPERTIES
    PREFIX ""
    OUTPUT_NAME _mailslot
    SUFFIX ${_py_suffix}
    LIBRARY_OUTPUT_DIRECTORY ${MAILSLOT_PY_PKG})
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang")
  # Python's callback signatures have parameters a function may not need.
  target_compile_options(mailslot_python PRIVATE -Wno-unused-parameter)
endif()
# Keep the core's symbols private to the module: only PyInit__mailslot is
# exported, so another copy of the library in the process cannot clash.
if(CMAKE_C_COMPILER_ID MATCHES "GNU|Clang" AND NOT APPLE AND NOT WIN32)
  target_link_options(mailslot_python PRIVATE "LINKER:--exclude-libs,ALL")
endif()

# The pure-Python part, copied at build time so edits are picked up.
set(_py_outputs)
foreach(f __init__.py __init__.pyi py.typed)
  add_custom_command(OUTPUT ${MAILSLOT_PY_PKG}/${f}
      COMMAND ${CMAKE_COMMAND} -E copy
              ${CMAKE_CURRENT_SOURCE_DIR}/mailslot/${f} ${MAILSLOT_PY_PKG}/${f}
      DEPENDS ${CMAKE_CURRENT_SOURCE_DIR}/mailslot/${f}
      VERBATIM)
  list(APPEND _py_outputs ${MAILSLOT_PY_PKG}/${f})
endforeach()
add_custom_target(mailslot_python_files ALL DEPENDS ${_py_outputs})
add_dependencies(mailslot_python mailslot_python_files)
