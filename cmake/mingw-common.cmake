# Shared by the MinGW-w64 toolchain files; MINGW_TRIPLE is set by them.
# Prefer the "-posix" or plain compiler names, whichever Debian provides.
find_program(CMAKE_C_COMPILER NAMES ${MINGW_TRIPLE}-gcc ${MINGW_TRIPLE}-gcc-posix
    ${MINGW_TRIPLE}-gcc-win32 REQUIRED)
find_program(CMAKE_RC_COMPILER NAMES ${MINGW_TRIPLE}-windres REQUIRED)
set(CMAKE_FIND_ROOT_PATH /usr/${MINGW_TRIPLE})
set(CMAKE_FIND_ROOT_PATH_MODE_PROGRAM NEVER)
set(CMAKE_FIND_ROOT_PATH_MODE_LIBRARY ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_INCLUDE ONLY)
set(CMAKE_FIND_ROOT_PATH_MODE_PACKAGE ONLY)
# Programs and the DLL carry libgcc themselves: they need only system DLLs.
set(CMAKE_EXE_LINKER_FLAGS_INIT "-static-libgcc -static")
set(CMAKE_SHARED_LINKER_FLAGS_INIT "-static-libgcc -static")
