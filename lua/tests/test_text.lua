-- test_text.lua -- every row of the shared text table (tests/
-- text_table.tsv, whose header describes the format) through the Lua
-- module: mailslot.decode / mailslot.encode, and again through a real
-- slot (w:write with the encoding, slot:read_text with it).
--
-- In Lua, "!invalid_argument" (a call the core refuses as a programming
-- error, such as encoding to "auto") raises; every other "!errname" is
-- the failure triple nil, errname, message.
local T = require "harness"
local mailslot = require "mailslot"

-- The table's text escapes: \\ \t \n \r \0 and \u{HEX}.  Lua 5.4's
-- utf8.char writes surrogates as 3-byte sequences (ED A0 80 ...), which
-- is exactly what the table asks for in an encode input.
local simple = { ["\\"] = "\\", t = "\t", n = "\n", r = "\r", ["0"] = "\0" }

local function unescape(field)
    if field == "-" then
        return ""
    end
    local out, i = {}, 1
    while i <= #field do
        local c = field:sub(i, i)
        if c ~= "\\" then
            out[#out + 1] = c
            i = i + 1
        else
            local e = field:sub(i + 1, i + 1)
            if simple[e] then
                out[#out + 1] = simple[e]
                i = i + 2
            elseif e == "u" then
                local hex, stop = field:match("^{(%x+)}()", i + 2)
                assert(hex, "bad \\u escape in " .. field)
                out[#out + 1] = utf8.char(tonumber(hex, 16))
                i = stop
            else
                error("unknown escape \\" .. e .. " in " .. field)
            end
        end
    end
    return table.concat(out)
end

local function hexfield(field)
    return field == "-" and "" or T.unhex(field)
end

local function load_rows()
    local path = os.getenv("MAILSLOT_TEXT_TABLE") or
        (T.source_dir .. "/tests/text_table.tsv")
    local rows = {}
    local lineno = 0
    for line in io.lines(path) do
        lineno = lineno + 1
        if line ~= "" and line:sub(1, 1) ~= "#" then
            local f = {}
            for field in (line .. "\t"):gmatch("([^\t]*)\t") do
                f[#f + 1] = field
            end
            assert(#f == 6, path .. ":" .. lineno .. ": not 6 fields")
            local flags = {}
            for flag in f[3]:gmatch("[^,]+") do
                if flag ~= "-" then
                    flags[flag] = true
                end
            end
            rows[#rows + 1] = { op = f[1], enc = f[2], flags = flags,
                input = f[4], expected = f[5], note = f[6],
                label = string.format("line %d: %s %s %s (%s)", lineno,
                    f[1], f[2], f[4], f[6]) }
        end
    end
    return rows
end

-- Check one call's results against EXPECTED (already decoded).
local function check_result(expected, ok, v, msg, errname)
    local want_err = expected:match("^!(.+)$")
    if want_err == "invalid_argument" then
        T.ok(not ok, "the call raises (a programming error)")
    elseif want_err then
        T.ok(ok, "no raise: " .. tostring(v))
        T.fails(want_err, v, msg, errname)
    else
        T.ok(ok, "no raise: " .. tostring(v))
        T.eq(v, expected, "result (" .. tostring(msg) .. ")")
    end
end

local function run_decode(row)
    local data = hexfield(row.input)
    local want = row.expected:sub(1, 1) == "!" and row.expected or
        unescape(row.expected)
    check_result(want, pcall(mailslot.decode, data, row.enc,
        row.flags.strict == true))
end

local function run_encode(row)
    local text = unescape(row.input)
    local want = row.expected:sub(1, 1) == "!" and row.expected or
        hexfield(row.expected)
    check_result(want, pcall(mailslot.encode, text, row.enc,
        row.flags.nul == true))
end

local rows = load_rows()

T.test("the table has rows of both kinds", function()
    local n = { decode = 0, encode = 0 }
    for _, r in ipairs(rows) do
        n[r.op] = (n[r.op] or 0) + 1
    end
    T.ok(n.decode > 50, "decode rows: " .. n.decode)
    T.ok(n.encode > 20, "encode rows: " .. n.encode)
end)

for _, row in ipairs(rows) do
    T.test(row.label, function()
        if row.op == "decode" then
            run_decode(row)
        elseif row.op == "encode" then
            run_encode(row)
        else
            error("unknown op " .. row.op)
        end
    end)
end

-- The same rows through a slot: the decoder behind read_text and the
-- encoder behind write are the ones tested above.
T.test("every decode row through slot:read_text", function()
    local name = T.name("text")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    for _, row in ipairs(rows) do
        if row.op == "decode" and not row.flags.strict then
            assert(w:write(hexfield(row.input)))
            T.eq(slot:read_text(row.enc), unescape(row.expected), row.label)
        end
    end
end)

T.test("every successful encode row through w:write", function()
    local name = T.name("text")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    local w <close> = assert(mailslot.open(name))
    for _, row in ipairs(rows) do
        if row.op == "encode" then
            local text = unescape(row.input)
            local ok, n, msg, err = pcall(w.write, w, text, row.enc,
                row.flags.nul == true)
            if row.expected:sub(1, 1) ~= "!" then
                local bytes = hexfield(row.expected)
                T.eq(n, #bytes, row.label)
                T.eq(slot:read(), bytes, row.label)
            end
        end
    end
    T.eq(slot:info().count, 0, "refused texts sent nothing")
end)

T.test("a reader says what its writers send", function()
    local name = T.name("text")
    local bytes = "caf\u{E9}"                    -- UTF-8 bytes
    do
        local slot <close> = assert(mailslot.create(name,
            { timeout = 1, encoding = "cp1252" }))
        T.eq(slot:getencoding(), "cp1252")
        for _ = 1, 3 do
            assert(mailslot.send(name, bytes))
        end
        T.eq(slot:read_text(), "caf\u{C3}\u{A9}", "never guessed")
        T.eq(slot:read_text("auto"), "caf\u{E9}")
        T.eq(slot:read_text("UTF_8"), "caf\u{E9}", "Python's spelling")
    end
    do
        local slot <close> = assert(mailslot.create(name, { timeout = 1 }))
        T.eq(slot:getencoding(), "auto")
        assert(mailslot.send(name, "\u{395}\u{3BB}\u{3BB}\u{3AC}\u{3B4}\u{3B1}",
            "utf-16le"))
        T.eq(slot:read_text(), "\u{395}\u{3BB}\u{3BB}\u{3AC}\u{3B4}\u{3B1}")
    end
    -- A bad option raises (misuse) and creates nothing.
    T.ok(not pcall(mailslot.create, name, { encoding = "klingon" }))
    T.ok(not pcall(mailslot.create, name, { encoding = 8 }))
    local slot <close> = assert(mailslot.create(name))
end)

T.test("detect_encoding picks what every binding picks", function()
    T.eq(mailslot.detect_encoding("h\0\xE9\0"), "utf-16le")
    T.eq(mailslot.detect_encoding("\xE9"), "ansi")
    T.eq(mailslot.detect_encoding("\u{E9}"), "utf-8")
    -- BOM-less Chinese in UTF-16LE, as a "W" program writes it.
    T.eq(mailslot.detect_encoding("\x60\x4F\x7D\x59\x16\x4E\x4C\x75"),
        "utf-16le")
    T.eq(mailslot.detect_encoding("Bush hid the facts"), "utf-8")
end)

T.done()
