-- harness.lua -- the little test harness of the Lua suites (no framework
-- is installed): named checks, a closing "N passed, N failed" line and a
-- non-zero exit status when anything failed.
--
-- The suites run under lua/tests/run.sh, which gives them a private slot
-- directory and these environment variables:
--   MAILSLOT_LUA      the interpreter, for helper processes
--   MAILSLOT_TEST_ID  the wrapper's pid, to keep slot names unique
--   MAILSLOT_CLI      the mailslot command (when built)
--   MAILSLOT_PYTHON, MAILSLOT_PYTHONPATH  Python and the built package
--   MAILSLOT_SOURCE_DIR  the repository

local T = { passed = 0, failed = 0 }

-- Line by line, so that a hung check shows where it hung.
io.stdout:setvbuf("line")

local function show(v)
    if type(v) == "string" then
        return string.format("%q", v)
    end
    return tostring(v)
end
T.show = show

-- Run FN as the check NAME; an error inside it is the failure.
function T.test(name, fn)
    local ok, err = xpcall(fn, debug.traceback)
    if ok then
        T.passed = T.passed + 1
        print("ok   - " .. name)
    else
        T.failed = T.failed + 1
        print("FAIL - " .. name)
        print("       " .. tostring(err):gsub("\n", "\n       "))
    end
end

function T.eq(got, want, what)
    if got ~= want then
        error(string.format("%s: expected %s, got %s", what or "value",
            show(want), show(got)), 2)
    end
end

function T.ok(cond, what)
    if not cond then
        error("not true: " .. (what or "condition"), 2)
    end
    return cond
end

-- The runtime-failure triple, in LuaSocket's order: nil, the short error
-- name, a message.
function T.fails(errname, ...)
    local n = select("#", ...)
    local v, name, msg = ...
    if v ~= nil or name ~= errname or type(msg) ~= "string" then
        error(string.format("expected nil, %q, message; got %s, %s, %s (%d)",
            errname, show(v), show(name), show(msg), n), 2)
    end
end

-- FN must raise; the message must contain PATTERN (plain) when given.
function T.raises(fn, pattern)
    local ok, err = pcall(fn)
    if ok then
        error("expected an error, none was raised", 2)
    end
    if pattern and not tostring(err):find(pattern, 1, true) then
        error(string.format("error %s does not mention %q", show(err),
            pattern), 2)
    end
    return err
end

-- Unique slot names: the wrapper's pid, a counter, and a tag.
local counter = 0
function T.name(tag)
    counter = counter + 1
    return string.format("lua-test/%s-%s-%d",
        os.getenv("MAILSLOT_TEST_ID") or tostring(os.time()), tag or "s",
        counter)
end

-- Quote S for /bin/sh.
function T.q(s)
    return "'" .. tostring(s):gsub("'", "'\\''") .. "'"
end

T.lua = os.getenv("MAILSLOT_LUA") or "lua5.4"
T.cli = os.getenv("MAILSLOT_CLI")
T.source_dir = os.getenv("MAILSLOT_SOURCE_DIR") or "."

-- Run a shell command; true when it exits 0.
function T.sh(cmd)
    local ok = os.execute(cmd)
    return ok == true
end

-- Run a shell command and return its whole standard output.
function T.capture(cmd)
    local p = assert(io.popen(cmd, "r"))
    local out = p:read("a")
    local ok, how, code = p:close()
    return out, ok, code
end

-- The command line that runs CODE in another Lua process.
function T.lua_cmd(code)
    return T.q(T.lua) .. " -e " .. T.q(code)
end

-- Wall-clock seconds, with sub-second precision.
local socket_ok, socket = pcall(require, "socket")
function T.now()
    if socket_ok then
        return socket.gettime()
    end
    return tonumber((T.capture("date +%s.%N")))
end

function T.sleep(s)
    assert(os.execute("sleep " .. s))
end

-- Poll for PATH to exist, up to SECONDS.
function T.wait_file(path, seconds)
    local deadline = T.now() + seconds
    repeat
        local f = io.open(path, "r")
        if f then
            f:close()
            return true
        end
        T.sleep(0.02)
    until T.now() > deadline
    return false
end

function T.hex(s)
    return (s:gsub(".", function(c)
        return string.format("%02x", c:byte())
    end))
end

function T.unhex(h)
    return (h:gsub("%x%x", function(b)
        return string.char(tonumber(b, 16))
    end))
end

-- Print the closing line and exit with the verdict.
function T.done()
    print(string.format("%d passed, %d failed", T.passed, T.failed))
    -- Close the state, so every __gc runs, as at a normal end.
    os.exit(T.failed == 0 and 0 or 1, true)
end

return T
