-- test_writer.lua -- the options tables of open, send and create, and the
-- writer's timeout: settimeout counts as the reader's does (seconds, nil
-- and negative numbers wait forever); a full queue fails "full" at once
-- with timeout 0 and waits for room with nil; the network options reach
-- the datagram (a LuaSocket UDP socket on 127.0.0.1 plays the remote
-- host); a wrong option raises, names the option, and nothing is created
-- or sent.
local T = require "harness"
local mailslot = require "mailslot"
local socket = require "socket"

T.test("open's timeout option; 5 seconds without it", function()
    local name = T.name("wto")
    local slot <close> = assert(mailslot.create(name))
    local w <close> = assert(mailslot.open(name))
    T.eq(w:gettimeout(), 5, "the default write timeout")
    local w0 <close> = assert(mailslot.open(name, { timeout = 0 }))
    T.eq(w0:gettimeout(), 0)
    local wf <close> = assert(mailslot.open(name, { timeout = -1 }))
    T.eq(wf:gettimeout(), nil, "negative: forever")
    local wh <close> = assert(mailslot.open(name, { timeout = 1.25 }))
    T.eq(wh:gettimeout(), 1.25)
    T.eq(wh:write("x"), 1, "it writes")
    T.eq(slot:read(0), "x")
end)

T.test("writer settimeout counts exactly as the reader's", function()
    local name = T.name("wst")
    local slot <close> = assert(mailslot.create(name))
    local w <close> = assert(mailslot.open(name))
    local inputs = { 0, 1, 2.5, 0.0001, 0.1, -1, -0.5, math.huge, 1e12,
        "3" }
    for _, t in ipairs(inputs) do
        T.eq(w:settimeout(t), true, "settimeout(" .. tostring(t) .. ")")
        slot:settimeout(t)
        T.eq(w:gettimeout(), slot:gettimeout(), "timeout " .. tostring(t))
        T.eq(w:gettimeout(), slot:info().timeout, "info " .. tostring(t))
    end
    T.eq(w:settimeout(0), true)
    T.eq(w:settimeout(nil), true)
    slot:settimeout(nil)
    T.eq(w:gettimeout(), nil, "nil: forever")
    T.eq(slot:gettimeout(), nil)
    T.eq(w:settimeout(), true, "no argument is nil")
    T.eq(w:gettimeout(), nil)
end)

T.test("settimeout misuse raises and keeps the timeout", function()
    local name = T.name("wstbad")
    local slot <close> = assert(mailslot.create(name))
    local w = assert(mailslot.open(name, { timeout = 2 }))
    T.raises(function() w:settimeout("soon") end, "number expected")
    T.raises(function() w:settimeout({}) end, "number expected")
    T.raises(function() w:settimeout(0 / 0) end, "NaN")
    T.raises(function() w.settimeout(slot, 1) end, "mailslot.writer")
    T.eq(w:gettimeout(), 2, "unchanged")
    w:close()
    T.raises(function() w:settimeout(1) end, "closed")
    T.raises(function() w:gettimeout() end, "closed")
end)

-- Write numbered messages with W until one fails; returns how many were
-- written and the failure's name.
local function fill(w, limit)
    for i = 1, limit do
        local n, err = w:write(tostring(i))
        if not n then
            return i - 1, err
        end
    end
    return limit, nil
end

T.test("a full queue: timeout 0 fails 'full', nothing lost", function()
    local name = T.name("full")
    local slot <close> = assert(mailslot.create(name,
        { queue_limit_msgs = 1 }))
    local w <close> = assert(mailslot.open(name, { timeout = 0 }))
    local written, err = fill(w, 2000)
    T.eq(err, "full", "the write that found no room")
    T.ok(written >= 1, "the queue took at least its limit")
    T.fails("full", w:write("more"))
    for i = 1, written do
        T.eq(slot:read(0), tostring(i), "message " .. i)
    end
    T.fails("timeout", slot:read(0))
    T.eq(w:write("again"), 5, "room again once read")
end)

T.test("queue_limit_bytes caps the queue too", function()
    local name = T.name("fullbytes")
    local slot <close> = assert(mailslot.create(name,
        { queue_limit_bytes = 16 }))
    local w <close> = assert(mailslot.open(name, { timeout = 0 }))
    local written, err = fill(w, 2000)
    T.eq(err, "full", "a small byte limit fills")
    for i = 1, written do
        T.eq(slot:read(0), tostring(i), "message " .. i)
    end
    -- The same writes fit a slot with the default limits.
    local roomy = T.name("roomy")
    local slot2 <close> = assert(mailslot.create(roomy))
    local w2 <close> = assert(mailslot.open(roomy, { timeout = 0 }))
    T.eq(fill(w2, written + 100), written + 100, "the default is larger")
end)

T.test("settimeout(nil) waits for room as long as it takes", function()
    local name = T.name("forever")
    local slot <close> = assert(mailslot.create(name,
        { queue_limit_msgs = 1 }))
    local flag = os.tmpname()
    os.remove(flag)
    local helper = string.format([[
        local m = require "mailslot"
        local w <close> = assert(m.open(%q, { timeout = 0 }))
        local n = 0
        while true do
            local ok, err = w:write(tostring(n + 1))
            if not ok then assert(err == "full", err) break end
            n = n + 1
        end
        assert(w:settimeout(nil))
        assert(w:gettimeout() == nil)
        io.open(%q, "w"):close()
        assert(w:write("last"))
        io.write(n)
    ]], name, flag)
    local p = assert(io.popen(T.lua_cmd(helper), "r"))
    T.ok(T.wait_file(flag, 30), "the helper filled the queue")
    -- Long enough for a write that does not wait to have failed.
    T.sleep(0.5)
    local got = {}
    repeat
        local msg = assert(slot:read(30))
        got[#got + 1] = msg
    until msg == "last"
    local out = p:read("a")
    T.ok(p:close(), "the helper's last write succeeded")
    os.remove(flag)
    local n = tonumber(out)
    T.eq(#got, n + 1, "every message arrived")
    for i = 1, n do
        T.eq(got[i], tostring(i), "in order")
    end
end)

-- The NetBIOS first-level encoding of NAME (padded with spaces to 15
-- characters, suffix 0x00): how a datagram carries its names.
local function nb_encoded(name)
    local padded = name:upper() .. (" "):rep(15 - #name) .. "\0"
    return (padded:gsub(".", function(c)
        local b = c:byte()
        return string.char(65 + (b >> 4), 65 + (b & 15))
    end))
end

-- A UDP socket on HOST and a free port, and that port as a number.
local function udp_listener(host)
    local u = assert(socket.udp())
    assert(u:setsockname(host, 0))
    u:settimeout(5)
    local _, port = u:getsockname()
    return u, tonumber(port)
end

T.test("netbios_name and port reach a remote host's datagram", function()
    local u, port = udp_listener("127.0.0.1")
    local w <close> = assert(mailslot.open(
        [[\\127.0.0.1\mailslot\lua\status]],
        { netbios_name = "LuaTester", port = port, timeout = 0 }))
    T.eq(w:write("up"), 2)
    local d = assert(u:receive())
    T.ok(d:find(nb_encoded("LUATESTER"), 1, true), "our NetBIOS name")
    T.ok(d:find("\\MAILSLOT\\lua\\status\0", 1, true), "the slot name")
    T.eq(d:sub(-2), "up", "the message ends the datagram")
    T.eq(mailslot.send([[\\127.0.0.1\mailslot\lua\status]], "h\u{E9}",
        { netbios_name = "OTHER", port = port, encoding = "utf-16le" }), 4)
    d = assert(u:receive())
    T.ok(d:find(nb_encoded("OTHER"), 1, true), "send's NetBIOS name")
    T.eq(d:sub(-4), "h\0\xe9\0", "send's encoding")
    u:close()
end)

T.test("workgroup and broadcast address a domain broadcast", function()
    local u, port = udp_listener("0.0.0.0")
    T.eq(mailslot.send([[\\*\mailslot\lua\all]], "hi", {
        workgroup = "LUAGROUP", broadcast = "127.255.255.255",
        port = port, netbios_name = "LUATESTER" }), 2)
    local d = assert(u:receive())
    T.ok(d:find(nb_encoded("LUAGROUP"), 1, true), "to our workgroup")
    T.ok(d:find(nb_encoded("LUATESTER"), 1, true), "from our name")
    T.eq(d:sub(-2), "hi")
    u:close()
end)

T.test("network options do not disturb a local slot", function()
    local name = T.name("localnet")
    local slot <close> = assert(mailslot.create(name))
    T.eq(mailslot.send(name, "x", { netbios_name = "N", workgroup = "W",
        broadcast = "lo", netbios_scope = "s.example", port = 1 }), 1)
    T.eq(slot:read(0), "x")
end)

T.test("send's options table: encoding, nul, timeout", function()
    local name = T.name("sendopts")
    local slot <close> = assert(mailslot.create(name))
    T.eq(mailslot.send(name, "h\u{E9}", { encoding = "utf-16le",
        nul = true, timeout = 0 }), 6)
    T.eq(mailslot.send(name, "raw", {}), 3, "no options: bytes")
    T.eq(mailslot.send(name, "z", { nul = true }), 2)
    T.eq(mailslot.send(name, "b", nil, true), 2, "the old form still works")
    T.eq(slot:read(0), "h\0\xe9\0\0\0")
    T.eq(slot:read(0), "raw")
    T.eq(slot:read(0), "z\0")
    T.eq(slot:read(0), "b\0")
end)

-- Misuse of an options table: each case raises naming the option.
local bad_writer_options = {
    { "timeuot", { timeuot = 1 } },
    { "timeout", { timeout = "1" } },
    { "timeout", { timeout = true } },
    { "timeout", { timeout = 0 / 0 } },
    { "netbios_name", { netbios_name = 42 } },
    { "netbios_name", { netbios_name = "" } },
    { "netbios_name", { netbios_name = "a\0b" } },
    { "workgroup", { workgroup = {} } },
    { "broadcast", { broadcast = false } },
    { "netbios_scope", { netbios_scope = 1 } },
    { "port", { port = 0 } },
    { "port", { port = -138 } },
    { "port", { port = 65536 } },
    { "port", { port = 13.8 } },
    { "port", { port = "138" } },
    { "max_size", { max_size = 10 } },
    { "option names must be strings", { 1 } },
}

T.test("open: a bad option raises, names it, opens nothing", function()
    local name = T.name("badopen")
    local slot <close> = assert(mailslot.create(name))
    for _, c in ipairs(bad_writer_options) do
        local w
        T.raises(function() w = mailslot.open(name, c[2]) end, c[1])
        T.eq(w, nil, c[1] .. ": no writer")
    end
    T.raises(function() mailslot.open(name, "timeout=1") end,
        "table expected")
    T.raises(function() mailslot.open(name, { encoding = "utf-8" }) end,
        "unknown option 'encoding'")
    T.raises(function() mailslot.open(name, { nul = true }) end,
        "unknown option 'nul'")
end)

T.test("send: a bad option raises, names it, sends nothing", function()
    local name = T.name("badsend")
    local slot <close> = assert(mailslot.create(name))
    local cases = { table.unpack(bad_writer_options) }
    cases[#cases + 1] = { "encoding", { encoding = "auto" } }
    cases[#cases + 1] = { "encoding", { encoding = "klingon" } }
    cases[#cases + 1] = { "encoding", { encoding = 8 } }
    cases[#cases + 1] = { "nul", { nul = 1 } }
    for _, c in ipairs(cases) do
        T.raises(function() mailslot.send(name, "x", c[2]) end, c[1])
    end
    -- The options of a remote send are checked before the name is.
    T.raises(function()
        mailslot.send([[\\127.0.0.1\mailslot\x]], "x", { port = 0 })
    end, "port")
    T.eq(slot:info().count, 0, "nothing was sent")
end)

T.test("create: a bad option raises, names it, creates nothing", function()
    local name = T.name("badcreate")
    local cases = {
        { "maxsize", { maxsize = 1 } },
        { "max_size", { max_size = -1 } },
        { "max_size", { max_size = "8" } },
        { "timeout", { timeout = "1" } },
        { "encoding", { encoding = "klingon" } },
        { "queue_limit_msgs", { queue_limit_msgs = 0 } },
        { "queue_limit_msgs", { queue_limit_msgs = -5 } },
        { "queue_limit_msgs", { queue_limit_msgs = 1.5 } },
        { "queue_limit_msgs", { queue_limit_msgs = 1 << 32 } },
        { "queue_limit_msgs", { queue_limit_msgs = "10" } },
        { "queue_limit_bytes", { queue_limit_bytes = 0 } },
        { "queue_limit_bytes", { queue_limit_bytes = -1 } },
        { "queue_limit_bytes", { queue_limit_bytes = {} } },
        { "access", { access = "everyone" } },
        { "access", { access = "group:" } },
        { "access", { access = 1 } },
        { "netbios_name", { netbios_name = "PC" } },
        { "port", { port = 138 } },
    }
    for _, c in ipairs(cases) do
        T.raises(function() mailslot.create(name, c[2]) end, c[1])
    end
    local slot <close> = assert(mailslot.create(name),
        "the name was never taken")
end)

T.test("the unknown-option error lists what the function takes",
    function()
    local err = T.raises(function() mailslot.create("x", { nope = 1 }) end)
    T.ok(err:find("known: max_size, timeout, encoding, queue_limit_msgs, " ..
        "queue_limit_bytes, access)", 1, true), err)
end)

T.test("access = 'all': a shared slot, found by writers", function()
    -- A short path: socket paths have a limit of 107 bytes.
    local top = T.capture("mktemp -d /tmp/msXXXXXX"):gsub("%s+$", "")
    local shared = top .. "/shared"
    local name = T.name()
    local code = string.format([[
        local mailslot = require "mailslot"
        local slot, err, msg = mailslot.create(%q, {access = "all",
            timeout = 1})
        if not slot then print(err, msg) return end
        print(mailslot.send(%q, "shared"), slot:read())]], name, name)
    local out = T.capture("MAILSLOT_SHARED_DIR=" .. T.q(shared) .. " " ..
        T.lua_cmd(code))
    if T.capture("id -u"):match("^0") then
        T.eq(out, "6\tshared\n", "root makes the directory and the slot")
    else
        T.ok(out:find("^access_denied\t.*" .. shared), out)
    end
    os.execute("rm -rf " .. T.q(top))
end)

T.done()
