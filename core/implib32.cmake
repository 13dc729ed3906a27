# Run after linking the 32-bit mailslot.dll (cmake -P, from windows.cmake):
# remakes its import library so that C programs link against it.  The DLL
# exports plain names (mailslot_create) for DllCall and VBA, but a 32-bit
# C program calls the stdcall names the header implies (mailslot_create@12),
# which an import library made by the linker does not have.  dlltool --kill-at
# makes one that pairs each stdcall name with its plain export, as Windows
# SDK import libraries do.
#   -DNM= -DDLLTOOL= -DDEF=mailslot.def -DOBJECTS=a.obj;b.obj
#   -DWORK=dir -DOUT=libmailslot.dll.a
file(STRINGS ${DEF} _def_lines)
set(_exports)
foreach(_line IN LISTS _def_lines)
  if(_line MATCHES "^[ \t]+(mailslot_[a-z0-9_]+)[ \t]*$")
    list(APPEND _exports ${CMAKE_MATCH_1})
  endif()
endforeach()
execute_process(COMMAND ${NM} -g --defined-only ${OBJECTS}
    OUTPUT_VARIABLE _symbols RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${NM} failed on the DLL's objects")
endif()
set(_decorated "LIBRARY mailslot.dll\nEXPORTS\n")
foreach(_name IN LISTS _exports)
  if(NOT _symbols MATCHES " T _(${_name}@[0-9]+)\n")
    message(FATAL_ERROR "no stdcall symbol for ${_name} in the DLL's objects")
  endif()
  string(APPEND _decorated "    ${CMAKE_MATCH_1}\n")
endforeach()
file(WRITE ${WORK}/mailslot-stdcall.def "${_decorated}")
execute_process(COMMAND ${DLLTOOL} --kill-at -d ${WORK}/mailslot-stdcall.def
    -D mailslot.dll -l ${OUT} RESULT_VARIABLE _rc)
if(NOT _rc EQUAL 0)
  message(FATAL_ERROR "${DLLTOOL} could not make ${OUT}")
endif()
