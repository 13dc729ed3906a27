-- The Lua benchmark: the mailslot module against LuaSocket's unix
-- datagram socket (Debian lua-socket: require "socket.unix", .dgram()).
--
--   lua5.4 lua_bench.lua luasocket|mailslot tput SIZE WRITERS COUNT
--   lua5.4 lua_bench.lua luasocket|mailslot rtt SIZE COUNT
--   lua5.4 lua_bench.lua luasocket|mailslot wakeup COUNT GAP_US
--   lua5.4 lua_bench.lua luasocket|mailslot batch SIZE COUNT BATCH
--
-- "luasocket" is what a Lua programmer writes without the library: the
-- reader binds a unix datagram socket and calls receive(65536) (it does
-- not know the size of the next message); writers connect and send().
-- "batch" is one writer: LuaSocket's single-datagram loop (as tput)
-- against mailslot's batch calls, w:write_many() of BATCH messages and
-- slot:read_many(BATCH).
-- Lua cannot fork, so this process (the reader) starts its writers with
-- io.popen(): each opens the slot, sends a one-byte "ready" message, and
-- waits for a "go" line on its standard input.  One JSON line on stdout.
local socket = require "socket"
local unix = require "socket.unix"

local RTT_WARMUP = 500
local now = socket.gettime

local function fail(...)
    io.stderr:write("lua_bench: ", string.format(...), "\n")
    os.exit(1)
end

local function raw_path(name)
    local dir = os.getenv("TMPDIR")
    if dir == nil or dir == "" then dir = "/tmp" end
    return dir .. "/" .. name .. ".sock"
end

local impls = {}

impls.luasocket = {
    rx_open = function(name)
        local path = raw_path(name)
        os.remove(path)
        local s = assert(unix.dgram())
        assert(s:bind(path))
        local function read() return s:receive(65536) end
        local function close() s:close(); os.remove(path) end
        return read, close
    end,
    tx_open = function(name)
        local s = assert(unix.dgram())
        assert(s:connect(raw_path(name)))
        return function(m) return s:send(m) end, function() s:close() end
    end,
}

impls.mailslot = {
    rx_open = function(name)
        local mailslot = require "mailslot"
        local r = assert(mailslot.create("msbench\\" .. name))
        return function() return r:read() end, function() r:close() end
    end,
    tx_open = function(name)
        local mailslot = require "mailslot"
        local w = assert(mailslot.open("msbench\\" .. name))
        return function(m) return w:write(m) end, function() w:close() end
    end,
}

-- Batch calls: "write" sends a list of messages, "read" returns one.
local function mailslot_batch(n)
    return {
        rx_open = function(name)
            local mailslot = require "mailslot"
            local r = assert(mailslot.create("msbench\\" .. name))
            return function() return r:read_many(n) end,
                function() r:close() end
        end,
        tx_open = function(name)
            local mailslot = require "mailslot"
            local w = assert(mailslot.open("msbench\\" .. name))
            return function(list) return w:write_many(list) end,
                function() w:close() end
        end,
    }
end

-- run.py pins the wake-up rows: writers on BENCH_WRITER_CPU, the reader
-- (taskset) on another CPU, for LuaSocket and mailslot alike.
local function self_command(...)
    local parts = { arg[-1], arg[0] }
    local cpu = os.getenv("BENCH_WRITER_CPU")
    if cpu and cpu ~= "" then
        table.insert(parts, 1, "taskset -c " .. cpu)
    end
    for _, a in ipairs({ ... }) do parts[#parts + 1] = tostring(a) end
    return table.concat(parts, " ")
end

-- Start N writer processes on slot NAME; they open it and say "ready".
local function crew(impl_name, read, name, n, ...)
    local procs = {}
    for i = 1, n do
        procs[i] = assert(io.popen(self_command(impl_name, "writer", name,
            ...), "w"))
    end
    for _ = 1, n do
        if read() == nil then fail("no ready message from a writer") end
    end
    return procs
end

local function go(procs)
    local t = now()
    for _, p in ipairs(procs) do p:write("go\n"); p:flush() end
    return t
end

local function finish(procs)
    for _, p in ipairs(procs) do
        if not p:close() then fail("a writer failed") end
    end
end

-- A child: send COUNT messages (stamped ones after a pause when GAP > 0).
local function writer(impl, name, size, count, gap_us)
    local write, close = impl.tx_open(name)
    assert(write("R"))
    if io.read("l") ~= "go" then fail("no go") end
    if gap_us > 0 then
        for _ = 1, count do
            socket.sleep(gap_us / 1e6)
            assert(write(string.pack("<d", now()) .. string.rep("\0", 8)))
        end
    else
        local msg = string.rep("\0", size)
        for _ = 1, count do assert(write(msg)) end
    end
    close()
end

-- A batch writer child: COUNT messages of SIZE bytes, BSIZE per call.
local function batch_writer(impl, name, size, count, bsize)
    local write_many, close = impl.tx_open(name)
    assert(write_many({ "R" }))
    if io.read("l") ~= "go" then fail("no go") end
    local chunk, msg = {}, string.rep("\0", size)
    for i = 1, bsize do chunk[i] = msg end
    for _ = 1, count // bsize do assert(write_many(chunk)) end
    close()
end

local tput

-- One writer: LuaSocket's single-datagram loop, or mailslot's batches.
local function batch(impl_name, impl, size, total, bsize)
    if impl_name ~= "mailslot" then
        return (tput(impl_name, impl, size, 1, total):gsub(
            '"mode": "tput"', '"mode": "batch"'))
    end
    impl = mailslot_batch(bsize)
    total = total // bsize * bsize
    local name = "l" .. tostring(os.time()) .. "-" ..
        tostring(math.random(1, 1e9)) .. "-b"
    local read_many, close = impl.rx_open(name)
    local procs = { assert(io.popen(self_command(impl_name, "batch-writer",
        name, size, total, bsize), "w")) }
    if read_many() == nil then fail("no ready message from a writer") end
    local t0 = go(procs)
    local got = 0
    while got < total do
        local msgs = read_many()
        if msgs == nil or #msgs[#msgs] ~= size then fail("bad message") end
        got = got + #msgs
    end
    local secs = now() - t0
    finish(procs)
    close()
    return string.format('{"mode": "batch", "impl": "%s", "size": %d, ' ..
        '"batch": %d, "msgs": %d, "secs": %.6f, "msgs_per_s": %.1f, ' ..
        '"mb_per_s": %.3f}', impl_name, size, bsize, total, secs,
        total / secs, total * size / secs / 1e6)
end

function tput(impl_name, impl, size, writers, total)
    local per = total // writers
    total = per * writers
    local name = "l" .. tostring(os.time()) .. "-" ..
        tostring(math.random(1, 1e9)) .. "-t"
    local read, close = impl.rx_open(name)
    local procs = crew(impl_name, read, name, writers, size, per, 0)
    local t0 = go(procs)
    for _ = 1, total do
        local m = read()
        if m == nil or #m ~= size then fail("bad message") end
    end
    local secs = now() - t0
    finish(procs)
    close()
    return string.format('{"mode": "tput", "impl": "%s", "size": %d, ' ..
        '"writers": %d, "msgs": %d, "secs": %.6f, "msgs_per_s": %.1f, ' ..
        '"mb_per_s": %.3f}', impl_name, size, writers, total, secs,
        total / secs, total * size / secs / 1e6)
end

local function latency(s)
    table.sort(s)
    local n, sum = #s, 0
    for _, v in ipairs(s) do sum = sum + v end
    local function at(i) return s[i + 1] * 1e6 end
    return string.format('"samples": %d, "min_us": %.3f, "p50_us": %.3f, ' ..
        '"p99_us": %.3f, "max_us": %.3f, "mean_us": %.3f', n, at(0),
        at(n // 2), at(n * 99 // 100), at(n - 1), sum / n * 1e6)
end

local function echo(impl, a, b, n)
    local read, rclose = impl.rx_open(b)
    local write, wclose = impl.tx_open(a)
    assert(write("R"))
    for _ = 1, n do assert(write(assert(read()))) end
    wclose()
    rclose()
end

local function rtt(impl_name, impl, size, n)
    local tok = "l" .. tostring(math.random(1, 1e9))
    local a, b = tok .. "-ra", tok .. "-rb"
    local read, rclose = impl.rx_open(a)
    local p = assert(io.popen(self_command(impl_name, "echo", a, b,
        n + RTT_WARMUP), "w"))
    if read() ~= "R" then fail("no echo") end
    local write, wclose = impl.tx_open(b)
    local msg, lat = string.rep("\0", size), {}
    for i = 1, n + RTT_WARMUP do
        local t = now()
        assert(write(msg))
        local m = read()
        t = now() - t
        if m == nil or #m ~= size then fail("bad echo") end
        if i > RTT_WARMUP then lat[#lat + 1] = t end
    end
    if not p:close() then fail("echo failed") end
    wclose()
    rclose()
    return string.format('{"mode": "rtt", "impl": "%s", "size": %d, %s}',
        impl_name, size, latency(lat))
end

local function wakeup(impl_name, impl, n, gap_us)
    local name = "l" .. tostring(math.random(1, 1e9)) .. "-w"
    local read, close = impl.rx_open(name)
    local procs = crew(impl_name, read, name, 1, 16, n, gap_us)
    go(procs)
    local lat = {}
    for i = 1, n do
        local m = read()
        lat[i] = now() - string.unpack("<d", m)
    end
    finish(procs)
    close()
    return string.format('{"mode": "wakeup", "impl": "%s", "gap_us": %d, %s}',
        impl_name, gap_us, latency(lat))
end

local function main()
    local impl_name, mode = arg[1], arg[2]
    local impl = impls[impl_name or ""]
    local n = {}
    for i = 3, #arg do n[#n + 1] = tonumber(arg[i]) or arg[i] end
    if impl == nil then fail("usage: see the head of lua_bench.lua") end
    math.randomseed(os.time(), math.floor(now() * 1e6) % 1e9)
    if mode == "writer" then
        writer(impl, n[1], n[2], n[3], n[4])
    elseif mode == "batch-writer" then
        batch_writer(mailslot_batch(n[4]), n[1], n[2], n[3], n[4])
    elseif mode == "echo" then
        echo(impl, n[1], n[2], n[3])
    elseif mode == "tput" and #n == 3 then
        print(tput(impl_name, impl, n[1], n[2], n[3]))
    elseif mode == "rtt" and #n == 2 then
        print(rtt(impl_name, impl, n[1], n[2]))
    elseif mode == "batch" and #n == 3 then
        print(batch(impl_name, impl, n[1], n[2], n[3]))
    elseif mode == "wakeup" and #n == 2 then
        print(wakeup(impl_name, impl, n[1], n[2]))
    else
        fail("usage: see the head of lua_bench.lua")
    end
end

main()
