-- test_readme.lua -- the README's Lua section is tested, so README and
-- code cannot drift: the ```lua quick start runs in a fresh interpreter and
-- prints what its "-->" comments say (whitespace runs compared as one
-- space); the ```sh install commands run as written, offline, in a copy of
-- the sources (the top CMakeLists.txt, cmake/, core/ and lua/) with a private HOME for `--local`.
local T = require "harness"

local function lua_section()
    local f = assert(io.open(T.source_dir .. "/README.md", "r"))
    local text = f:read("a")
    f:close()
    local section = text:match("\n## Lua\n(.-)\n## ")
    assert(section, "README.md has no '## Lua' section")
    return section
end

local function block(lang)
    local body = lua_section():match("\n```" .. lang .. "\n(.-\n)```")
    assert(body, "no ```" .. lang .. " block under ## Lua")
    return body
end

local function squash(s)
    return (s:gsub("%s+", " "):gsub("^ ", ""):gsub(" $", ""))
end

T.test("the quick start prints what its comments say", function()
    local code = block("lua")
    local want = {}
    for line in code:gmatch("[^\n]+") do
        local out = line:match("%-%->%s*(.-)%s*$")
        if out then
            want[#want + 1] = squash(out)
        end
    end
    T.ok(#want >= 8, "the block has expected outputs")
    local path = os.tmpname()
    local f = assert(io.open(path, "w"))
    f:write(code)
    f:close()
    local out, ok = T.capture(T.q(T.lua) .. " " .. T.q(path) .. " 2>&1")
    os.remove(path)
    T.ok(ok, "the quick start ran without error:\n" .. out)
    local got = {}
    for line in out:gmatch("[^\n]+") do
        got[#got + 1] = squash(line)
    end
    T.eq(#got, #want, "lines printed")
    for i = 1, #want do
        T.eq(got[i], want[i], "line " .. i)
    end
end)

T.test("the install commands work offline on a fresh HOME", function()
    local commands = {}
    for line in block("sh"):gmatch("[^\n]+") do
        local cmd = line:gsub("%s+#.*$", ""):gsub("^%s+", "")
        if cmd ~= "" and not cmd:match("^sudo ") then
            commands[#commands + 1] = cmd
        end
    end
    T.ok(#commands >= 2, "install commands found")
    local work = T.capture("mktemp -d"):gsub("%s+$", "")
    local script = table.concat({
        "set -e",
        "unset LUA_PATH LUA_CPATH LUA_PATH_5_4 LUA_CPATH_5_4",
        "export HOME=" .. T.q(work .. "/home"),
        "mkdir -p \"$HOME\"",
        "cp -R " .. T.q(T.source_dir .. "/CMakeLists.txt") .. " " ..
            T.q(T.source_dir .. "/cmake") .. " " ..
            T.q(T.source_dir .. "/core") .. " " ..
            T.q(T.source_dir .. "/lua") .. " " .. T.q(work),
        "cd " .. T.q(work),
        "exec >" .. T.q(work .. "/log") .. " 2>&1",
        table.concat(commands, "\n"),
        -- Elsewhere than the build's own folders.
        "cd \"$HOME\"",
        T.q(T.lua) .. " -e " .. T.q(
            'local m = require "mailslot"\n' ..
            'local where = package.searchpath("mailslot", package.cpath)\n' ..
            'assert(where:find(os.getenv("HOME"), 1, true), where)\n' ..
            'io.stderr:write("loaded ", m._VERSION, " from ", where, "\\n")'),
    }, "\n")
    local ok = T.sh("sh -c " .. T.q(script))
    local log = T.capture("cat " .. T.q(work .. "/log"))
    os.execute("rm -rf " .. T.q(work))
    T.ok(ok, "the commands succeeded; their output:\n" .. log)
    T.ok(log:find("loaded " .. require("mailslot")._VERSION, 1, true),
        "the module loads from the LuaRocks tree in HOME")
end)

T.done()
