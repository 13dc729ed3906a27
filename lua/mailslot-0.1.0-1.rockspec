-- The Lua 5.4 module "mailslot", built from a checkout of this repository
-- without fetching anything:
--     cd lua && luarocks --lua-version=5.4 make --local mailslot-0.1.0-1.rockspec
-- The module compiles the core's sources in (the same lists as
-- core/CMakeLists.txt, which lua/tests/test_rockspec.lua keeps in step).
rockspec_format = "3.0"
package = "mailslot"
version = "0.1.0-1"

source = {
    -- `luarocks make` builds the checkout it runs in; nothing is fetched.
    url = "git+file://./..",
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

-- The core's shared sources, relative to lua/.
local shared = {
    "src/lmailslot.c",
    "src/lreader.c",
    "../core/src/api.c",
    "../core/src/error.c",
    "../core/src/name.c",
    "../core/src/nbns.c",
    "../core/src/nbt.c",
    "../core/src/queue.c",
    "../core/src/relay.c",
    "../core/src/text.c",
    "../core/src/upcase.c",
    "../core/src/utf.c",
}

-- (A rockspec runs without the standard library: no ipairs here.)
local function with(list, more)
    local all = {}
    for i = 1, #list do all[#all + 1] = list[i] end
    for i = 1, #more do all[#all + 1] = more[i] end
    return all
end

local incdirs = { "../core/include", "../core/src" }

-- Each platform gives the whole module: LuaRocks merges a platform's
-- tables into the common ones key by key, which would overwrite a shared
-- list of sources position by position rather than extend it.
build = {
    type = "builtin",
    modules = {},
    platforms = {
        unix = {
            modules = {
                mailslot = {
                    sources = with(shared, {
                        "../core/src/ansi_cp1252.c",
                        "../core/src/posix/dir.c",
                        "../core/src/posix/list.c",
                        "../core/src/posix/mem.c",
                        "../core/src/posix/notify.c",
                        "../core/src/posix/read.c",
                        "../core/src/posix/reader.c",
                        "../core/src/posix/remote.c",
                        "../core/src/posix/sink.c",
                        "../core/src/posix/writer.c",
                    }),
                    incdirs = incdirs,
                    defines = { "_GNU_SOURCE" },
                    libraries = { "pthread" },
                },
            },
        },
        windows = {
            modules = {
                mailslot = {
                    sources = with(shared, {
                        "../core/src/win/ansi_win.c",
                        "../core/src/win/mem.c",
                        "../core/src/win/net.c",
                        "../core/src/win/oserr.c",
                        "../core/src/win/reader.c",
                        "../core/src/win/watch.c",
                        "../core/src/win/writer.c",
                    }),
                    incdirs = incdirs,
                    defines = { "_WIN32_WINNT=0x0601", "UNICODE", "_UNICODE" },
                    -- PostMessageW, for mailslot_notify_window().
                    libraries = { "user32" },
                },
            },
        },
    },
}
