-- The Lua 5.4 module "mailslot".  LuaRocks builds it with CMake from the
-- versioned source archive (scripts/release.sh puts it in dist/ beside
-- this file and packs both into mailslot-0.1.0-1.src.rock):
--     luarocks --lua-version=5.4 install mailslot-0.1.0-1.src.rock
-- or, from a checkout, offline, at the top of the tree:
--     luarocks --lua-version=5.4 make --local lua/mailslot-0.1.0-1.rockspec
-- CMake reads the core's sources from core/sources.txt, the one list every
-- build uses, and installs only the module (MAILSLOT_LUA_ROCK) and its
-- lua-language-server definitions (lua/meta/mailslot.lua).
rockspec_format = "3.0"
package = "mailslot"
version = "0.1.0-1"

source = {
    -- The release tarball, found next to the rockspec (or inside the
    -- .src.rock); `luarocks make` builds the checkout instead.
    url = "mailslot-0.1.0.tar.gz",
    dir = "mailslot-0.1.0",
}

description = {
    summary = "Windows mailslots for Lua: whole messages, one reader, "
        .. "many writers",
    detailed = [[
One C core with the same behaviour everywhere: native mailslots on
Windows, an emulation on Linux and other POSIX systems.  Messages are
bytes; text helpers encode UTF-8, UTF-16LE and ANSI and recognise all
three when reading.]],
}

dependencies = {
    "lua >= 5.4",
}

build = {
    type = "cmake",
    variables = {
        CMAKE_BUILD_TYPE = "Release",
        MAILSLOT_LUA_ROCK = "ON",
        LUA54_INCLUDE_DIR = "$(LUA_INCDIR)",
        MAILSLOT_LUA_INSTALL_DIR = "$(LIBDIR)",
        -- lua-language-server definitions, in the rock's directory
        -- (`luarocks show --rock-dir mailslot`), folder meta/.
        MAILSLOT_LUA_META_DIR = "$(PREFIX)/meta",
        -- Only Windows needs it: a DLL links against Lua's import library.
        MAILSLOT_LUA_LIBRARY = "$(LUA_LIBDIR)/$(LUALIB)",
    },
}
