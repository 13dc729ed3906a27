-- test_batch.lua -- slot:read_many() and w:write_many(): the same
-- messages, order, boundaries and errors as single calls, in fewer calls;
-- bad arguments raise and nothing is read or sent.
local T = require "harness"
local mailslot = require "mailslot"

local function numbered(from, to)
    local list = {}
    for i = from, to do
        list[#list + 1] = "m" .. i .. ":" .. string.rep(
            string.char(97 + i % 26), i % 40)
    end
    return list
end

local function same(got, want, what)
    T.eq(#got, #want, (what or "list") .. " length")
    for i = 1, #want do
        T.eq(got[i], want[i], (what or "list") .. " item " .. i)
    end
end

T.test("a round trip keeps order, boundaries and empty messages", function()
    local name = T.name("rt")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    local sent = numbered(1, 300)
    sent[#sent + 1] = ""
    sent[#sent + 1] = "\0"
    sent[#sent + 1] = string.rep("x", 20000)
    sent[#sent + 1] = ""
    T.eq(w:write_many(sent), #sent)
    local got = {}
    while #got < #sent do
        local batch = assert(slot:read_many(64, 5))
        T.ok(#batch >= 1 and #batch <= 64, "1 to max per call")
        table.move(batch, 1, #batch, #got + 1, got)
    end
    same(got, sent)
    T.fails("timeout", slot:read_many(10, 0))
    T.fails("timeout", slot:read_many(10))       -- the slot's timeout, 0
end)

T.test("max is kept and single reads interleave", function()
    local name = T.name("max")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    T.eq(w:write_many(numbered(1, 10)), 10)
    T.eq(w:write("single"), 6)
    T.eq(w:write_many(numbered(11, 12)), 2)
    same(slot:read_many(3), numbered(1, 3))
    T.eq(slot:read(), numbered(4, 4)[1])
    same(slot:read_many(1), numbered(5, 5))
    local rest = slot:read_many(100)
    T.eq(#rest, 8)
    T.eq(rest[6], "single")
    T.eq(rest[8], numbered(12, 12)[1])
end)

T.test("long messages between short ones", function()
    local name = T.name("long")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    local big = string.rep("0123456789abcdef", 14000)
    local sent = { "a", big, "b", big:sub(1, 5000), "c", big, big }
    T.eq(w:write_many(sent), #sent)
    same(slot:read_many(#sent), sent)
end)

T.test("encoding and terminator apply to every item", function()
    local name = T.name("enc")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    T.eq(w:write_many({ "hé", "a" }, "utf-16le", true), 2)
    same(slot:read_many(5), { "h\0\xe9\0\0\0", "a\0\0\0" })
end)

T.test("a failing write reports how many went before it", function()
    local name = T.name("toobig")
    local slot <close> = assert(mailslot.create(name, { max_size = 4,
        timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    local v, errname, msg, written = w:write_many({ "ab", "cd", "too long",
        "ef" })
    T.eq(v, nil)
    T.eq(errname, "too_big")
    T.eq(type(msg), "string")
    T.eq(written, 2)
    same(slot:read_many(10), { "ab", "cd" })
    slot:close()
    v, errname, msg, written = w:write_many({ "x" })
    T.eq(errname, "reader_gone")
    T.eq(written, 0)
end)

T.test("a full queue stops where single writes would", function()
    local name = T.name("full")
    local slot <close> = assert(mailslot.create(name, { timeout = 0,
        queue_limit_msgs = 30 }))
    local w <close> = assert(mailslot.open(name, { timeout = 0 }))
    local v, errname, _, written = w:write_many(numbered(1, 500))
    T.eq(errname, "full")
    T.ok(written >= 30 and written < 500, "written " .. tostring(written))
    local got = {}
    while true do
        local batch = slot:read_many(17)
        if not batch then break end
        table.move(batch, 1, #batch, #got + 1, got)
    end
    same(got, numbered(1, written))
end)

T.test("bad arguments raise, and nothing is read or sent", function()
    local name = T.name("bad")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    T.raises(function() w:write_many({ "a", "b", 3 }) end,
        "item 3 is a number, expected string")
    T.raises(function() w:write_many("abc") end, "table expected")
    T.raises(function() w:write_many({ "a" }, "auto") end, "decoding only")
    T.eq(w:write_many({}), 0)
    T.fails("timeout", slot:read_many(10))   -- nothing was sent
    T.raises(function() slot:read_many(0) end, "max must be at least 1")
    T.raises(function() slot:read_many(-2) end, "max must be at least 1")
    T.raises(function() slot:read_many() end, "number expected")
    T.raises(function() slot:read_many(1.5) end, "integer")
    slot:close()
    T.raises(function() slot:read_many(3) end, "closed mailslot")
    w:close()
    T.raises(function() w:write_many({ "x" }) end, "closed mailslot writer")
end)

T.test("many writer processes, each in order", function()
    local name = T.name("writers")
    local slot <close> = assert(mailslot.create(name, { timeout = 10 }))
    local code = [[
        local mailslot = require "mailslot"
        local name, id = %q, %q
        local w = assert(mailslot.open(name))
        local list = {}
        for i = 1, 400 do list[i] = id .. "-" .. i end
        for i = 1, 400, 23 do
            assert(w:write_many(table.move(list, i, math.min(i + 22, 400),
                1, {})))
        end
    ]]
    local procs = {}
    for id = 1, 3 do
        procs[id] = io.popen(T.lua_cmd(code:format(name, tostring(id))),
            "r")
    end
    local next = { 1, 1, 1 }
    local total, ok = 0, true
    while total < 1200 do
        local batch = slot:read_many(64)
        if not batch then break end
        for _, m in ipairs(batch) do
            local id, n = m:match("^(%d)-(%d+)$")
            id, n = tonumber(id), tonumber(n)
            if not id or next[id] ~= n then ok = false else
                next[id] = next[id] + 1
            end
            total = total + 1
        end
    end
    for id = 1, 3 do T.ok(procs[id]:close(), "writer " .. id) end
    T.ok(ok, "each writer's messages in order")
    T.eq(total, 1200)
end)

T.done()
