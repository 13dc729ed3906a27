-- test_interop.lua -- Lua talks to the mailslot command (C) and to Python,
-- each in its own process, both ways, with Unicode text in every
-- encoding: both sides must see the same bytes and the same text.
--
-- Needs MAILSLOT_CLI (the command) and MAILSLOT_PYTHON with
-- MAILSLOT_PYTHONPATH (the built Python package); a missing one is a
-- failure, not a skip.
local T = require "harness"
local mailslot = require "mailslot"

local TEXTS = {
    "héllo ☃ 😀",
    "e\u{301} नमस्ते",
    "Привет 世界",
}
local RAW = "a\0b\255\0"

local tmpdir = os.getenv("MAILSLOT_DIR")

-- Start "mailslot listen NAME OPTIONS..." and wait until the slot exists.
local function listen(name, options)
    local ready = os.tmpname()
    os.remove(ready)
    local p = assert(io.popen(string.format("%s listen %s --ready %s %s",
        T.q(T.cli), T.q(name), T.q(ready), options)))
    T.ok(T.wait_file(ready, 10), "mailslot listen started")
    os.remove(ready)
    return p
end

local function finish(p)
    local out = p:read("a")
    T.ok(p:close(), "the helper process exited 0")
    return out
end

T.test("the mailslot command is there", function()
    T.ok(T.cli, "MAILSLOT_CLI is set")
    T.ok(T.sh(T.q(T.cli) .. " --version >/dev/null"), "it runs")
end)

T.test("Lua writer -> mailslot listen (bytes)", function()
    local name = T.name("cli-bytes")
    local p = listen(name, "--hex --count 7")
    local w <close> = assert(mailslot.open(name:upper()))
    local sent = {}
    for _, text in ipairs(TEXTS) do
        assert(w:write(text))
        sent[#sent + 1] = text
    end
    assert(w:write(""))
    sent[#sent + 1] = ""
    assert(w:write(TEXTS[1], "utf-16le", true))
    sent[#sent + 1] = mailslot.encode(TEXTS[1], "utf-16le", true)
    assert(w:write("café", "ansi"))
    sent[#sent + 1] = "caf\xe9"
    assert(w:write(RAW))
    sent[#sent + 1] = RAW
    local lines = {}
    for line in finish(p):gmatch("([^\n]*)\n") do
        lines[#lines + 1] = T.unhex(line)
    end
    T.eq(#lines, #sent, "messages printed")
    for i = 1, #sent do
        T.eq(lines[i], sent[i], "message " .. i)
    end
end)

T.test("Lua writer -> mailslot listen (text, auto-detected)", function()
    local name = T.name("cli-text")
    local p = listen(name, "--count 5")
    assert(mailslot.send(name, TEXTS[1]))
    assert(mailslot.send(name, TEXTS[2], "utf-16le"))
    assert(mailslot.send(name, TEXTS[3], "utf-16le", true))
    assert(mailslot.send(name, "café", "ansi", true))
    assert(mailslot.send(name, ""))
    T.eq(finish(p), table.concat({ TEXTS[1], TEXTS[2], TEXTS[3], "café",
        "" }, "\n") .. "\n")
end)

T.test("mailslot send -> Lua reader", function()
    local name = T.name("Ünï-cli")
    local slot <close> = assert(mailslot.create(name, { timeout = 5 }))
    local cli = T.q(T.cli) .. " send " .. T.q(name:upper())
    for _, text in ipairs(TEXTS) do
        T.ok(T.sh(cli .. " " .. T.q(text)), "send " .. text)
    end
    T.ok(T.sh(cli .. " --encoding utf-16le --nul " .. T.q(TEXTS[1])))
    T.ok(T.sh(cli .. " --encoding ansi -- " .. T.q("-café")))
    T.ok(T.sh(cli .. " ''"), "an empty message")
    for _, text in ipairs(TEXTS) do
        T.eq(slot:read(), text, "UTF-8 bytes as they are")
    end
    T.eq(slot:read(), mailslot.encode(TEXTS[1], "utf-16le", true))
    T.eq(slot:read_text(), "-café", "ansi, auto-detected")
    T.eq(slot:read(), "", "the empty message")
    T.fails("timeout", slot:read(0))
end)

T.test("mailslot list shows a Lua reader's name", function()
    local name = T.name("Lüa-listed")
    local slot <close> = assert(mailslot.create(name))
    local out = T.capture(T.q(T.cli) .. " list")
    local shown = [[\\.\mailslot\]] .. name:gsub("/", "\\")
    T.ok(out:find(shown .. "\n", 1, true), shown .. " in: " .. out)
end)

-- Python: the code runs with the built package on its path.  Names and
-- texts travel as hex, so no locale can change them on the way.
local python = os.getenv("MAILSLOT_PYTHON")
local pypath = os.getenv("MAILSLOT_PYTHONPATH")

local function python_cmd(code, ...)
    local args = {}
    for i, a in ipairs({ ... }) do
        args[i] = T.q(T.hex(a))
    end
    return string.format("PYTHONPATH=%s PYTHONDONTWRITEBYTECODE=1 %s -c %s %s",
        T.q(pypath), T.q(python), T.q(code), table.concat(args, " "))
end

T.test("the Python package is there", function()
    T.ok(python and python ~= "", "MAILSLOT_PYTHON is set")
    T.ok(pypath and pypath ~= "",
        "MAILSLOT_PYTHONPATH is set (the Python binding is built)")
    T.ok(T.sh(python_cmd("import mailslot")), "import mailslot works")
end)

local PY_READER = [==[
import sys, mailslot
name = bytes.fromhex(sys.argv[1]).decode()
with mailslot.create(name, timeout=10) as slot:
    print("ready", flush=True)
    for _ in range(int(bytes.fromhex(sys.argv[2]))):
        data = slot.read()
        text = mailslot.decode(data)
        print(data.hex(), text.encode().hex(), flush=True)
]==]

T.test("Lua writer -> Python reader", function()
    local name = T.name("Ünï-py")
    local p = assert(io.popen(python_cmd(PY_READER, name, "6")))
    T.eq(p:read("l"), "ready", "the Python reader started")
    local w <close> = assert(mailslot.open(name:upper()))
    local sent = {}
    for _, text in ipairs(TEXTS) do
        assert(w:write(text))
        sent[#sent + 1] = { text, text }
    end
    assert(w:write(TEXTS[2], "utf-16le", true))
    sent[#sent + 1] = { mailslot.encode(TEXTS[2], "utf-16le", true),
        TEXTS[2] }
    assert(w:write("café", "ansi"))
    sent[#sent + 1] = { "caf\xe9", "café" }
    assert(w:write(""))
    sent[#sent + 1] = { "", "" }
    local out = finish(p)
    local i = 0
    for data, text in out:gmatch("(%x*) (%x*)\n") do
        i = i + 1
        T.eq(T.unhex(data), sent[i][1], "bytes of message " .. i)
        T.eq(T.unhex(text), sent[i][2], "text of message " .. i)
    end
    T.eq(i, #sent, "messages read by Python")
end)

local PY_WRITER = [==[
import sys, mailslot
name = bytes.fromhex(sys.argv[1]).decode()
texts = [bytes.fromhex(a).decode() for a in sys.argv[2:]]
for t in texts:
    mailslot.send(name, t)
mailslot.send(name, texts[0], encoding="utf-16le", nul=True)
with mailslot.open(name.upper()) as w:
    w.write("caf\u00e9", encoding="ansi")
    w.write(b"a\x00b\xff\x00")
    w.write(b"")
]==]

T.test("Python writer -> Lua reader", function()
    local name = T.name("Ünï-pyw")
    local slot <close> = assert(mailslot.create(name, { timeout = 5 }))
    T.ok(T.sh(python_cmd(PY_WRITER, name, TEXTS[1], TEXTS[2], TEXTS[3])),
        "the Python writer succeeded")
    for _, text in ipairs(TEXTS) do
        T.eq(slot:read(), text)
    end
    T.eq(slot:read(), mailslot.encode(TEXTS[1], "utf-16le", true))
    T.eq(slot:read_text(), "café")
    T.eq(slot:read(), RAW)
    T.eq(slot:read(), "")
    T.fails("timeout", slot:read(0))
end)

T.done()
