-- test_api.lua -- the Lua face of the module: require leaves the globals
-- alone, misuse raises while runtime failures return nil, errname,
-- message (LuaSocket's order); invalid names and oversized messages send
-- nothing; garbage collection and <close> free a slot's name; metatables
-- as liolib's.
local T = require "harness"

-- Snapshot the globals before the module is loaded for the first time.
local before = {}
for k, v in pairs(_G) do
    before[k] = v
end
local loaded_before = {}
for k in pairs(package.loaded) do
    loaded_before[k] = true
end

local mailslot = require "mailslot"

T.test("require touches no global", function()
    for k, v in pairs(_G) do
        T.ok(before[k] == v, "new or changed global " .. tostring(k))
    end
    for k in pairs(before) do
        T.ok(rawget(_G, k) ~= nil, "removed global " .. tostring(k))
    end
    for k in pairs(package.loaded) do
        T.ok(loaded_before[k] or k == "mailslot",
            "unexpected package.loaded." .. tostring(k))
    end
    T.eq(package.loaded.mailslot, mailslot)
end)

T.test("the module table", function()
    T.eq(type(mailslot), "table")
    for _, f in ipairs({ "create", "open", "send", "encode", "decode" }) do
        T.eq(type(mailslot[f]), "function", f)
    end
end)

T.test("_VERSION is the C library's version", function()
    local f = assert(io.open(T.source_dir .. "/core/include/mailslot.h"))
    local header = f:read("a")
    f:close()
    local v = header:match('#define MAILSLOT_VERSION_STRING "([%d.]+)"')
    T.eq(mailslot._VERSION, v, "header version")
    if T.cli then
        local out = T.capture(T.q(T.cli) .. " --version")
        T.eq(out, "mailslot " .. v .. "\n", "the command's version")
    end
end)

T.test("wrong argument types raise", function()
    local name = T.name("types")
    local slot <close> = assert(mailslot.create(name))
    local w <close> = assert(mailslot.open(name))
    local cases = {
        { "create()", function() mailslot.create() end },
        { "create({})", function() mailslot.create({}) end },
        { "create(name, 5)", function() mailslot.create("x", 5) end },
        { "max_size string", function()
            mailslot.create("x", { max_size = "big" }) end },
        { "max_size fraction", function()
            mailslot.create("x", { max_size = 1.5 }) end },
        { "max_size negative", function()
            mailslot.create("x", { max_size = -1 }) end },
        { "max_size too large", function()
            mailslot.create("x", { max_size = 1 << 40 }) end },
        { "timeout string", function()
            mailslot.create("x", { timeout = "soon" }) end },
        { "unknown option", function()
            mailslot.create("x", { maxsize = 1 }) end },
        { "open(true)", function() mailslot.open(true) end },
        { "send(name)", function() mailslot.send(name) end },
        { "send(name, {})", function() mailslot.send(name, {}) end },
        { "send bad encoding", function()
            mailslot.send(name, "x", "klingon") end },
        { "encode({})", function() mailslot.encode({}) end },
        { "encode unknown", function() mailslot.encode("x", "ebcdic") end },
        { "encode auto", function() mailslot.encode("x", "auto") end },
        { "decode(nil)", function() mailslot.decode(nil) end },
        { "decode unknown", function() mailslot.decode("x", "latin9") end },
        { "read('soon')", function() slot:read("soon") end },
        { "read(NaN)", function() slot:read(0 / 0) end },
        { "read_text({})", function() slot:read_text({}) end },
        { "read_text bad encoding", function() slot:read_text("x") end },
        { "settimeout({})", function() slot:settimeout({}) end },
        { "messages('x')", function() slot:messages("x") end },
        { "write({})", function() w:write({}) end },
        { "write bad encoding", function() w:write("x", "auto") end },
        { "reader method on a writer", function() slot.read(w) end },
        { "writer method on a reader", function() w.write(slot, "x") end },
        { "method on a string", function() slot.info("x") end },
    }
    for _, c in ipairs(cases) do
        local ok = pcall(c[2])
        T.ok(not ok, c[1] .. " raises")
    end
    T.eq(slot:info().count, 0, "nothing was sent")
end)

T.test("invalid names: nil, invalid_name, message; nothing created",
    function()
    local bad = { "", "a//b", "a/../b", "./x", "a\0b", "\xff\xfe",
        "a*b", "a?b", "a|b", "x\n", ("n"):rep(300) }
    for _, n in ipairs(bad) do
        T.fails("invalid_name", mailslot.create(n))
        T.fails("invalid_name", mailslot.open(n))
        T.fails("invalid_name", mailslot.send(n, "x"))
    end
    -- A reader only lives on its own machine.
    T.fails("invalid_name", mailslot.create([[\\host\mailslot\x]]))
    T.fails("invalid_name", mailslot.create([[\\*\mailslot\x]]))
    -- The part before an embedded NUL is a valid, live slot: the message
    -- must not go there.
    local name = T.name("nul")
    local slot <close> = assert(mailslot.create(name))
    T.fails("invalid_name", mailslot.send(name .. "\0tail", "x"))
    T.fails("invalid_name", mailslot.open(name .. "\0tail"))
    T.eq(slot:info().count, 0, "nothing sent")
end)

T.test("oversized messages: too_big and nothing sent", function()
    local name = T.name("big")
    local slot <close> = assert(mailslot.create(name, { max_size = 4 }))
    local w <close> = assert(mailslot.open(name))
    T.fails("too_big", w:write("12345"))
    T.fails("too_big", w:write("1234", nil, true))
    T.fails("too_big", w:write("abc", "utf-16le"))
    T.fails("too_big", mailslot.send(name, "12345"))
    T.eq(slot:info().count, 0, "nothing queued")
    T.eq(w:write("1234"), 4, "at the limit")
    T.eq(w:write("a", "utf-16le", true), 4)
    T.eq(slot:info().count, 2)
end)

T.test("the error triple carries the core's message and name", function()
    local slot <close> = assert(mailslot.create(T.name("triple")))
    local n = select("#", slot:read(0))
    T.eq(n, 3, "three values")
    local v, err, msg = slot:read(0)
    T.eq(v, nil)
    T.eq(err, "timeout", "LuaSocket's order: if err == \"timeout\" works")
    T.eq(msg, "timed out")
    v, err, msg = mailslot.open(T.name("absent"))
    T.eq(err, "not_found")
    T.eq(msg, "no mailslot of that name exists")
end)

-- Whether NAME can be created right now (then it is closed again).
local function free(name)
    local s = mailslot.create(name)
    if s == nil then
        return false
    end
    s:close()
    return true
end

T.test("a slot dropped without close() frees its name when collected",
    function()
    local name = T.name("gc")
    do
        local slot = assert(mailslot.create(name))
        slot = nil
    end
    collectgarbage()
    collectgarbage()
    T.ok(free(name), "the name is free after collection")
    -- The same for a writer: collected without close, the reader's
    -- name stays and the writer's handle goes.
    local reader <close> = assert(mailslot.create(name))
    do
        local w = assert(mailslot.open(name))
        w:write("x")
    end
    collectgarbage()
    collectgarbage()
    T.eq(reader:read(0), "x")
end)

T.test("<close> frees the name at scope exit, also on error", function()
    local name = T.name("tbc")
    do
        local slot <close> = assert(mailslot.create(name))
        T.ok(not free(name), "taken inside the scope")
    end
    T.ok(free(name), "free after the scope")
    local ok = pcall(function()
        local slot <close> = assert(mailslot.create(name))
        error("boom")
    end)
    T.ok(not ok)
    T.ok(free(name), "free after an error unwound the scope")
    do
        local w <close> = mailslot.open(name)  -- nil (not_found) is fine
    end
end)

T.test("__gc and __close are one idempotent function that never raises",
    function()
    local slot = assert(mailslot.create(T.name("meta")))
    local mt = getmetatable(slot)
    T.eq(mt.__gc, mt.__close, "one function")
    T.eq(mt.__gc, mt.__index.close, "the close method")
    mt.__close(slot, "an error value")
    mt.__gc(slot)
    mt.__gc(slot)
    T.eq(slot:close(), true)
end)

T.test("metatables: __name, __tostring, methods apart", function()
    local name = T.name("Ünï")
    local slot <close> = assert(mailslot.create(name))
    local w <close> = assert(mailslot.open(name))
    T.eq(getmetatable(slot).__name, "mailslot.reader")
    T.eq(getmetatable(w).__name, "mailslot.writer")
    T.eq(type(getmetatable(slot).__index), "table")
    T.eq(getmetatable(slot).__index.__gc, nil, "no metamethod in methods")
    T.eq(tostring(slot), [[mailslot reader (\\.\mailslot\]] ..
        name:gsub("/", "\\") .. ")")
    T.eq(tostring(w), "mailslot writer (" .. name .. ")")
    local err = T.raises(function() slot.read(w) end)
    T.ok(tostring(err):find("mailslot.reader", 1, true),
        "the error names the expected type")
end)

T.test("encode and decode are the core's codec", function()
    T.eq(mailslot.encode("hé"), "h\xc3\xa9", "utf-8 by default")
    T.eq(mailslot.encode("hé", "utf-16le"), "h\0\xe9\0")
    T.eq(mailslot.encode("hé", "UTF-16LE", true), "h\0\xe9\0\0\0")
    T.eq(mailslot.encode("€", "ansi"), "\x80")
    T.eq(mailslot.encode(""), "")
    T.fails("encoding", mailslot.encode("\xff"))
    T.fails("encoding", mailslot.encode("Ω", "ansi"))
    T.eq(mailslot.decode("h\0\xe9\0"), "hé", "auto")
    T.eq(mailslot.decode("\x80", "ansi"), "€")
    T.eq(mailslot.decode("a\xffb"), "aÿb", "invalid UTF-8: auto reads ansi")
    T.eq(mailslot.decode("a\xffb", "utf-8"), "a\u{FFFD}b")
    T.fails("encoding", mailslot.decode("a\xffb", "utf-8", true))
    T.eq(mailslot.decode(""), "")
end)

T.test("list, canonical_name and MAX_MESSAGE_SIZE", function()
    T.eq(mailslot.canonical_name("Caf\u{E9}/x"),
        "\\\\.\\mailslot\\CAF\u{C9}\\X")
    T.eq(mailslot.canonical_name("\\\\.\\mailslot\\caf\u{E9}\\x"),
        mailslot.canonical_name("CAF\u{C9}/X"))
    T.fails("invalid_name", mailslot.canonical_name("a//b"))
    T.eq(math.type(mailslot.MAX_MESSAGE_SIZE), "integer")
    T.ok(mailslot.MAX_MESSAGE_SIZE >= 65536, "a large limit")
    local name = T.name("listed")
    local function listed()
        local want = mailslot.canonical_name(name)
        for _, n in ipairs(assert(mailslot.list())) do
            if mailslot.canonical_name(n) == want then
                return true
            end
        end
        return false
    end
    T.ok(not listed(), "not listed before create")
    do
        local slot <close> = assert(mailslot.create(name))
        T.ok(listed(), "listed while live")
    end
    T.ok(not listed(), "not listed after close")
end)

T.test("unsafe_directory's message names the directory and the fix", function()
    local dir = os.tmpname() -- a regular file where the directory should be
    local out = T.capture("MAILSLOT_DIR=" .. T.q(dir) .. " " .. T.lua_cmd([[
        local mailslot = require "mailslot"
        local _, errname, message = mailslot.create("lua\\unsafe")
        print(errname)
        print(message)]]))
    os.remove(dir)
    local errname, message = out:match("^([^\n]*)\n([^\n]*)\n$")
    T.eq(errname, "unsafe_directory")
    T.ok(message and message:find(dir, 1, true), "path in: " .. out)
    T.ok(message and message:find("MAILSLOT_DIR", 1, true), "fix in: " .. out)
end)

T.done()
