# The Windows DLL, included by core/CMakeLists.txt on WIN32:
# - mailslot.dll (no "lib" prefix), exports from mailslot.def, undecorated
#   even for 32-bit stdcall (--kill-at), so DllCall and VBA find them;
# - a version resource generated from the version in mailslot.h;
# - libgcc linked in statically, so it needs only system DLLs.
enable_language(RC)
configure_file(${CMAKE_CURRENT_SOURCE_DIR}/mailslot.rc.in
    ${CMAKE_CURRENT_BINARY_DIR}/mailslot.rc @ONLY)
target_sources(mailslot_shared PRIVATE
    ${CMAKE_CURRENT_SOURCE_DIR}/mailslot.def
    ${CMAKE_CURRENT_BINARY_DIR}/mailslot.rc)
set_target_properties(mailslot_shared PROPERTIES PREFIX "")
if(MINGW)
  target_link_options(mailslot_shared PRIVATE -static-libgcc -static)
  if(CMAKE_SIZEOF_VOID_P EQUAL 4)
    target_link_options(mailslot_shared PRIVATE -Wl,--kill-at
        -Wl,--enable-stdcall-fixup)
    # An import library with the stdcall names C programs call (see
    # implib32.cmake).
    string(REGEX REPLACE "gcc(-[a-z0-9]+)?$" "dlltool" _dlltool
        "${CMAKE_C_COMPILER}")
    add_custom_command(TARGET mailslot_shared POST_BUILD
        COMMAND ${CMAKE_COMMAND} -DNM=${CMAKE_NM} -DDLLTOOL=${_dlltool}
                -DDEF=${CMAKE_CURRENT_SOURCE_DIR}/mailslot.def
                "-DOBJECTS=$<TARGET_OBJECTS:mailslot_shared>"
                -DWORK=${CMAKE_CURRENT_BINARY_DIR}
                -DOUT=$<TARGET_LINKER_FILE:mailslot_shared>
                -P ${CMAKE_CURRENT_SOURCE_DIR}/implib32.cmake
        VERBATIM)
  endif()
endif()
