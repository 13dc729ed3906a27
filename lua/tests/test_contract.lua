-- test_contract.lua -- the behaviour contract (ARCHITECTURE.md section 3)
-- through the Lua module: round trip, empty message, exactly-at-limit and
-- over-limit, timeouts 0 / finite / forever, close twice, use after close,
-- order, many writers in other processes, Unicode names and text.
local T = require "harness"
local mailslot = require "mailslot"

-- Code for a helper process: LUA_CPATH is inherited, so it loads the same
-- module.  Each helper sends COUNT messages "<tag> <i>" to NAME.
local function writer_code(name, tag, count, delay)
    return string.format([[
        local m = require "mailslot"
        if %g > 0 then os.execute("sleep %g") end
        local w = assert(m.open(%q))
        for i = 1, %d do assert(w:write(%q .. " " .. i)) end
        w:close()
    ]], delay or 0, delay or 0, name, count, tag)
end

T.test("round trip", function()
    local name = T.name("rt")
    local slot <close> = assert(mailslot.create(name))
    T.eq(mailslot.send(name, "hello"), 5, "send result")
    T.eq(slot:read(0), "hello")
end)

T.test("binary data with NUL bytes is carried as it is", function()
    local name = T.name("bin")
    local slot <close> = assert(mailslot.create(name))
    local data = "a\0b\255\0"
    T.eq(mailslot.send(name, data), #data)
    T.eq(slot:read(0), data)
end)

T.test("an empty message is \"\", distinct from no message", function()
    local name = T.name("empty")
    local slot <close> = assert(mailslot.create(name))
    T.eq(mailslot.send(name, ""), 0, "bytes sent")
    local info = slot:info()
    T.eq(info.count, 1, "count")
    T.eq(info.next_size, 0, "next_size")
    T.eq(slot:read(0), "", "the empty message")
    local v, err, msg = slot:read(0)
    T.eq(v, nil)
    T.eq(err, "timeout")
    T.eq(msg, "timed out")
end)

T.test("max_size: exactly at the limit is sent, one over is refused",
    function()
    local name = T.name("max")
    local slot <close> = assert(mailslot.create(name, { max_size = 10 }))
    T.eq(slot:info().max_size, 10, "info.max_size")
    local w <close> = assert(mailslot.open(name))
    T.eq(w:write(("x"):rep(10)), 10)
    T.fails("too_big", w:write(("y"):rep(11)))
    T.fails("too_big", mailslot.send(name, ("z"):rep(11)))
    T.eq(slot:info().count, 1, "nothing of the refused messages queued")
    T.eq(slot:read(0), ("x"):rep(10))
    T.fails("timeout", slot:read(0))
end)

T.test("a large message round trips; over the platform limit is too_big",
    function()
    local name = T.name("large")
    local slot <close> = assert(mailslot.create(name))
    local big = ("0123456789abcdef"):rep(64 * 200)  -- 200 KiB
    T.eq(mailslot.send(name, big), #big)
    T.eq(slot:read(0) == big, true, "the 200 KiB message")
    T.fails("too_big", mailslot.send(name, ("x"):rep(1024 * 1024 + 1)))
    T.eq(slot:info().count, 0, "nothing queued")
end)

T.test("timeout 0 polls", function()
    local slot <close> = assert(mailslot.create(T.name("poll")))
    local t0 = T.now()
    T.fails("timeout", slot:read(0))
    T.ok(T.now() - t0 < 0.5, "returned at once")
end)

T.test("a finite timeout waits about that long", function()
    local slot <close> = assert(mailslot.create(T.name("finite")))
    local t0 = T.now()
    T.fails("timeout", slot:read(0.2))
    local dt = T.now() - t0
    T.ok(dt >= 0.19 and dt < 2, "waited " .. dt .. " s")
end)

T.test("by default a read blocks until a writer in another process sends",
    function()
    local name = T.name("forever")
    local slot <close> = assert(mailslot.create(name))
    T.eq(slot:info().timeout, nil, "default timeout is nil (block)")
    local p = assert(io.popen(T.lua_cmd(writer_code(name, "late", 1, 0.3))))
    local t0 = T.now()
    T.eq(slot:read(), "late 1")
    T.ok(T.now() - t0 >= 0.2, "it did wait for the writer")
    T.ok(p:close(), "writer process succeeded")
end)

T.test("create's timeout option and settimeout set the default", function()
    local slot <close> = assert(mailslot.create(T.name("opt"),
        { timeout = 0.1 }))
    T.eq(slot:info().timeout, 0.1, "info.timeout")
    local t0 = T.now()
    T.fails("timeout", slot:read())
    T.ok(T.now() - t0 >= 0.09, "waited the slot's timeout")
    T.eq(slot:settimeout(0), true)
    T.eq(slot:info().timeout, 0)
    T.fails("timeout", slot:read())
    slot:settimeout(nil)
    T.eq(slot:info().timeout, nil, "nil blocks")
    slot:settimeout(-1)
    T.eq(slot:info().timeout, nil, "negative blocks (LuaSocket's rule)")
    slot:settimeout(math.huge)
    T.eq(slot:info().timeout, nil, "math.huge blocks")
    slot:settimeout(2.5)
    T.eq(slot:info().timeout, 2.5)
    slot:settimeout(0.0001)
    T.eq(slot:info().timeout, 0.001, "fractions of a ms round up")
end)

T.test("a per-call timeout overrides the slot's", function()
    local slot <close> = assert(mailslot.create(T.name("percall")))
    T.fails("timeout", slot:read(0))
    T.fails("timeout", slot:read_text(nil, 0))
    T.eq(slot:messages(0)(), nil, "iterator ends on timeout")
end)

T.test("close twice, use after close raises", function()
    local slot = assert(mailslot.create(T.name("close")))
    T.eq(slot:close(), true)
    T.eq(slot:close(), true, "second close")
    T.eq(tostring(slot), "mailslot reader (closed)")
    for _, m in ipairs({ "read", "read_text", "messages", "info",
        "settimeout", "getfd" }) do
        T.raises(function() slot[m](slot, 0) end, "closed")
    end
    local name = T.name("wclose")
    local r <close> = assert(mailslot.create(name))
    local w = assert(mailslot.open(name))
    T.eq(w:close(), true)
    T.eq(w:close(), true)
    T.eq(tostring(w), "mailslot writer (closed)")
    T.raises(function() w:write("x") end, "closed")
    T.eq(r:info().count, 0, "nothing sent")
end)

T.test("FIFO order from one writer", function()
    local name = T.name("order")
    local slot <close> = assert(mailslot.create(name, { timeout = 5 }))
    local w <close> = assert(mailslot.open(name))
    for i = 1, 200 do
        assert(w:write("m" .. i))
    end
    T.eq(slot:info().count, 200, "count")
    T.eq(slot:info().next_size, 2, "next_size")
    for i = 1, 200 do
        T.eq(slot:read(), "m" .. i)
    end
    T.eq(slot:info().next_size, nil, "next_size is nil when empty")
end)

T.test("many writers in other processes; each one's order kept", function()
    local name = T.name("many")
    local slot <close> = assert(mailslot.create(name, { timeout = 10 }))
    local procs = {}
    for k = 1, 4 do
        procs[k] = assert(io.popen(T.lua_cmd(writer_code(name, "w" .. k, 50))))
    end
    local next_of = { w1 = 1, w2 = 1, w3 = 1, w4 = 1 }
    for _ = 1, 200 do
        local msg = assert(slot:read())
        local tag, i = msg:match("^(w%d) (%d+)$")
        T.eq(tonumber(i), next_of[tag], "order of " .. tostring(tag))
        next_of[tag] = next_of[tag] + 1
    end
    for k = 1, 4 do
        T.ok(procs[k]:close(), "writer " .. k)
    end
    T.fails("timeout", slot:read(0))
end)

T.test("messages() iterates in a generic for", function()
    local name = T.name("iter")
    local slot <close> = assert(mailslot.create(name))
    for i = 1, 3 do
        mailslot.send(name, "n" .. i)
    end
    mailslot.send(name, "")
    local got = {}
    for msg in slot:messages(0) do
        got[#got + 1] = msg
    end
    T.eq(table.concat(got, ","), "n1,n2,n3,", "messages, the empty one too")
end)

T.test("a signal does not cut a timed read short (EINTR is retried)",
    function()
    local name = T.name("signal")
    -- lua5.4 catches SIGINT while it runs a script, so the signal
    -- interrupts the wait inside the read rather than killing the process.
    local code = string.format([[
        local m = require "mailslot"
        local s = assert(m.create(%q))
        io.write("ready\n") io.flush()
        s:read(1.5)
    ]], name)
    local p = assert(io.popen("echo $$; exec " .. T.lua_cmd(code) ..
        " 2>/dev/null"))
    local pid = p:read("l")
    T.eq(p:read("l"), "ready", "the helper created the slot")
    local t0 = T.now()
    T.sleep(0.2)
    T.ok(T.sh("kill -INT " .. pid), "signal sent")
    p:read("a")
    p:close()
    local dt = T.now() - t0
    T.ok(dt >= 1.2, "the read went on after the signal: " .. dt .. " s")
end)

T.test("a second reader of a name gets exists; free after close", function()
    local name = T.name("exists")
    local a = assert(mailslot.create(name))
    T.fails("exists", mailslot.create(name))
    T.fails("exists", mailslot.create(name:upper()))
    a:close()
    local b <close> = assert(mailslot.create(name), "created again")
end)

T.test("a reader that died without closing frees its name", function()
    local name = T.name("dead")
    local code = string.format([[
        local m = require "mailslot"
        local s = assert(m.create(%q))
        io.write("ready\n") io.flush()
        os.exit(0, false) -- no close, no __gc: as if killed
    ]], name)
    local out = T.capture(T.lua_cmd(code))
    T.eq(out, "ready\n", "the helper created the slot")
    local slot <close> = assert(mailslot.create(name))
end)

T.test("open and send fail with not_found when no reader exists", function()
    local name = T.name("nobody")
    T.fails("not_found", mailslot.open(name))
    T.fails("not_found", mailslot.send(name, "x"))
end)

T.test("a write after the reader went away is reader_gone", function()
    local name = T.name("gone")
    local slot = assert(mailslot.create(name))
    local w <close> = assert(mailslot.open(name))
    T.eq(w:write("before"), 6)
    slot:close()
    T.fails("reader_gone", w:write("after"))
end)

T.test("Unicode names are case-insensitive the Windows way", function()
    local name = T.name("Café☃ωmega")
    local slot <close> = assert(mailslot.create(name))
    T.eq(mailslot.send(name:gsub("é", "É"):gsub("ω", "Ω"):upper(), "a"), 1)
    T.eq(mailslot.send([[\\.\mailslot\]] .. name:gsub("/", "\\"), "b"), 1)
    T.eq(slot:read(0), "a")
    T.eq(slot:read(0), "b")
    T.ok(tostring(slot):find("Café", 1, true), "tostring shows the name")
end)

T.test("Unicode text in every encoding", function()
    local name = T.name("text")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    local text = "héllo ☃ 😀 Ω"
    T.eq(w:write(text), #text, "raw UTF-8")
    T.eq(slot:read(), text)
    T.eq(w:write(text, "utf-8"), #text)
    T.eq(slot:read_text(), text)
    T.eq(w:write(text, "utf-16le"), 2 * 10 + 4, "UTF-16LE bytes")
    T.eq(slot:info().next_size, 24)
    T.eq(slot:read_text(), text, "auto recognises UTF-16LE")
    T.eq(w:write(text, "utf-16le", true), 26, "with a 2-byte terminator")
    T.eq(slot:read(), mailslot.encode(text, "utf-16le") .. "\0\0")
    T.eq(w:write("café", "ansi", true), 5, "ansi with NUL")
    T.eq(slot:read_text(), "café", "auto falls back to ansi")
    T.eq(w:write("abc", nil, true), 4, "raw bytes with a NUL")
    T.eq(slot:read(), "abc\0")
    T.fails("encoding", w:write("Ω", "ansi"))
    T.fails("encoding", mailslot.send(name, "\xff", "utf-8"))
    T.eq(slot:info().count, 0, "nothing sent for the refused text")
    mailslot.send(name, "h\0i\0")
    T.eq(slot:read_text("utf-8"), "h\0i", "explicit encoding; NUL dropped")
end)

T.test("getfd: readable while messages wait (LuaSocket's select)",
    function()
    local socket = require "socket"
    local name = T.name("fd")
    local slot <close> = assert(mailslot.create(name))
    local fd = slot:getfd()
    T.eq(math.type(fd), "integer", "an integer descriptor")
    T.ok(fd >= 0, "fd >= 0")
    local ready = socket.select({ slot }, nil, 0)
    T.eq(#ready, 0, "not readable while empty")
    mailslot.send(name, "ping")
    ready = socket.select({ slot }, nil, 2)
    T.eq(ready[1], slot, "readable once a message waits")
    T.eq(slot:read(0), "ping")
    ready = socket.select({ slot }, nil, 0)
    T.eq(#ready, 0, "not readable once drained")
end)

T.test("info reports count, next size and timeout", function()
    local name = T.name("info")
    local slot <close> = assert(mailslot.create(name, { max_size = 100 }))
    local info = slot:info()
    T.eq(info.count, 0)
    T.eq(info.next_size, nil)
    T.eq(info.max_size, 100)
    T.eq(info.timeout, nil)
    mailslot.send(name, "abc")
    mailslot.send(name, "de")
    info = slot:info()
    T.eq(info.count, 2)
    T.eq(info.next_size, 3)
end)

T.done()
