-- test_rockspec.lua -- the rockspec builds the same module as CMake: its
-- source lists and defines match core/CMakeLists.txt, and `luarocks make`
-- builds and installs it offline into a fresh tree, from which it loads
-- and works.  luarocks missing is a failure (Debian: apt-get install
-- luarocks), not a skip.
local T = require "harness"

local src = T.source_dir
local rockspec_path = src .. "/lua/mailslot-0.1.0-1.rockspec"

local function read(path)
    local f = assert(io.open(path, "r"))
    local s = f:read("a")
    f:close()
    return s
end

-- A rockspec is Lua run without the standard library.
local function load_rockspec()
    local env = {}
    assert(loadfile(rockspec_path, "t", env))()
    return env
end

-- The words of "set(VAR ...)" blocks in CMake text, for each block.
local function cmake_sets(text, var)
    local blocks = {}
    for body in text:gmatch("set%(" .. var .. "%s(.-)%)") do
        local words = {}
        for w in body:gmatch("%S+") do
            words[#words + 1] = w
        end
        blocks[#blocks + 1] = words
    end
    return blocks
end

local function sorted(list)
    local copy = { table.unpack(list) }
    table.sort(copy)
    return table.concat(copy, " ")
end

T.test("rockspec sources and defines match core/CMakeLists.txt", function()
    local spec = load_rockspec()
    T.eq(spec.package, "mailslot")
    T.eq(spec.version:match("^([%d.]+)%-"), require("mailslot")._VERSION,
        "rock version = library version")
    local cmake = read(src .. "/core/CMakeLists.txt")
    local shared = assert(cmake_sets(cmake, "MAILSLOT_SHARED_SOURCES")[1])
    local backends = cmake_sets(cmake, "MAILSLOT_BACKEND_SOURCES")
    local defs = cmake_sets(cmake, "MAILSLOT_BACKEND_DEFS")
    local by_platform = {}
    for i, list in ipairs(backends) do
        local kind = list[1]:find("/win/") and "windows" or "unix"
        by_platform[kind] = { sources = list, defines = defs[i] }
    end
    for _, plat in ipairs({ "unix", "windows" }) do
        local want = {}
        for _, s in ipairs({ "lmailslot.c", "lreader.c" }) do
            want[#want + 1] = "src/" .. s
        end
        for _, s in ipairs(shared) do
            want[#want + 1] = "../core/" .. s
        end
        for _, s in ipairs(by_platform[plat].sources) do
            want[#want + 1] = "../core/" .. s
        end
        local mod = spec.build.platforms[plat].modules.mailslot
        T.eq(sorted(mod.sources), sorted(want), plat .. " sources")
        T.eq(sorted(mod.defines), sorted(by_platform[plat].defines),
            plat .. " defines")
    end
end)

T.test("luarocks make builds and installs the module offline", function()
    T.ok(T.sh("command -v luarocks >/dev/null"),
        "luarocks is installed (Debian: apt-get install luarocks)")
    -- Build in a copy: LuaRocks writes its objects next to the sources.
    local work = T.capture("mktemp -d"):gsub("%s+$", "")
    local ok, err = pcall(function()
        T.ok(T.sh(string.format("cp -R %s %s %s/",
            T.q(src .. "/core"), T.q(src .. "/lua"), T.q(work))), "copy")
        local log = work .. "/luarocks.log"
        local built = T.sh(string.format(
            "cd %s/lua && luarocks --lua-version=5.4 make --tree %s " ..
            "mailslot-0.1.0-1.rockspec >%s 2>&1",
            T.q(work), T.q(work .. "/tree"), T.q(log)))
        if not built then
            print(read(log))
        end
        T.ok(built, "luarocks make succeeded")
        local code = [[
            local m = require "mailslot"
            local s <close> = assert(m.create("rock/check", { timeout = 1 }))
            assert(m.send("ROCK/CHECK", "h\u{E9}", "utf-16le") == 4)
            io.write(m._VERSION, " ", s:read_text())
        ]]
        local out = T.capture(string.format(
            "LUA_CPATH_5_4=%s LUA_CPATH=%s %s",
            T.q(work .. "/tree/lib/lua/5.4/?.so"),
            T.q(work .. "/tree/lib/lua/5.4/?.so"), T.lua_cmd(code)))
        T.eq(out, require("mailslot")._VERSION .. " h\u{E9}",
            "the installed module works")
    end)
    os.execute("rm -rf " .. T.q(work))
    if not ok then
        error(err, 0)
    end
end)

T.done()
