-- test_rockspec.lua -- the rockspec builds the module with CMake, which
-- reads the core's sources from core/sources.txt like every other build;
-- it names the versioned release archive; and `luarocks make` builds and
-- installs the module offline from a copy of the tree into a fresh tree,
-- from which it loads and works, with the LuaLS definitions beside it.
-- luarocks missing is a failure (Debian: apt-get install luarocks), not a
-- skip.  Packing a .rock from the release archive and installing it is
-- tested by tests/release/run.sh.
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

T.test("rockspec: CMake build of the release archive", function()
    local spec = load_rockspec()
    local version = require("mailslot")._VERSION
    T.eq(spec.package, "mailslot")
    T.eq(spec.version:match("^([%d.]+)%-"), version,
        "rock version = library version")
    T.eq(spec.source.url, "mailslot-" .. version .. ".tar.gz")
    T.eq(spec.source.dir, "mailslot-" .. version)
    T.eq(spec.build.type, "cmake")
    T.eq(spec.build.variables.MAILSLOT_LUA_ROCK, "ON")
    T.eq(spec.build.modules, nil, "no second list of sources")
    T.eq(spec.build.variables.MAILSLOT_LUA_META_DIR, "$(PREFIX)/meta",
        "the LuaLS definitions go to the rock's directory")
end)

T.test("luarocks make builds and installs the module offline", function()
    T.ok(T.sh("command -v luarocks >/dev/null"),
        "luarocks is installed (Debian: apt-get install luarocks)")
    -- Build in a copy: LuaRocks writes its objects next to the sources.
    local work = T.capture("mktemp -d"):gsub("%s+$", "")
    local ok, err = pcall(function()
        T.ok(T.sh(string.format("cp -R %s %s %s %s %s/",
            T.q(src .. "/CMakeLists.txt"), T.q(src .. "/cmake"),
            T.q(src .. "/core"), T.q(src .. "/lua"), T.q(work))), "copy")
        local log = work .. "/luarocks.log"
        local built = T.sh(string.format(
            "cd %s && luarocks --lua-version=5.4 make --tree %s " ..
            "lua/mailslot-0.1.0-1.rockspec >%s 2>&1",
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
        -- The LuaLS definitions, where the README says: the folder meta/
        -- of the directory `luarocks show --rock-dir` prints.
        local rock_dir = T.capture(string.format(
            "luarocks --lua-version=5.4 --tree %s show --rock-dir mailslot",
            T.q(work .. "/tree"))):gsub("%s+$", "")
        local installed = io.open(rock_dir .. "/meta/mailslot.lua", "r")
        T.ok(installed, "meta/mailslot.lua in " .. rock_dir)
        T.eq(installed:read("a"), read(src .. "/lua/meta/mailslot.lua"),
            "the definitions as shipped")
        installed:close()
        T.ok(T.capture("find " .. T.q(work .. "/tree") ..
            " -name mailslot.lua"):gsub("%s+$", "") ==
            rock_dir .. "/meta/mailslot.lua",
            "no other mailslot.lua in the tree (none on package.path)")
    end)
    os.execute("rm -rf " .. T.q(work))
    if not ok then
        error(err, 0)
    end
end)

T.done()
