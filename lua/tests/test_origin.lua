-- test_origin.lua -- slot:read_origin(): where a message came from.
--
-- A local writer's message has no origin (nil).  For a message from the
-- network, "mailslot bridge" runs here on the loopback interface only
-- (--interface lo, a free UDP port, --any), delivering into this run's
-- private slot directory, and "mailslot send" sends the NetBIOS datagram
-- to \\127.0.0.1\mailslot\<name> with MAILSLOT_REMOTE_PORT pointing at
-- the bridge.  Nothing leaves the machine.  When the bridge cannot start
-- (binding to a device needs Linux 5.7 or root) those checks are skipped,
-- except under CI, where that is a failure.
local T = require "harness"
local mailslot = require "mailslot"
local socket = require "socket"

-- A UDP port nobody uses on 127.0.0.1 right now.
local function free_port()
    local u = assert(socket.udp())
    assert(u:setsockname("127.0.0.1", 0))
    local _, port = u:getsockname()
    u:close()
    return port
end

-- Start the bridge in the background; its port and pid file, or nil.
local function start_bridge()
    local port = free_port()
    local ready = os.tmpname()
    os.remove(ready)
    local pidfile = os.tmpname()
    local log = os.tmpname()
    T.sh(string.format(
        "%s bridge --port %d --interface lo --any --ready %s 2>%s & " ..
        "echo $! >%s", T.q(T.cli), port, T.q(ready), T.q(log), T.q(pidfile)))
    local started = T.wait_file(ready, 10)
    os.remove(ready)
    if not started then
        T.sh("kill $(cat " .. T.q(pidfile) .. ") 2>/dev/null")
        local f = io.open(log, "r")
        local err = f and f:read("a") or ""
        if f then f:close() end
        os.remove(log)
        os.remove(pidfile)
        return nil, err
    end
    os.remove(log)
    return port, pidfile
end

local function check_origin(o)
    T.eq(type(o), "table", "origin")
    T.eq(o.source_name, "LUATEST", "source_name")
    T.eq(o.source_suffix, 0, "source_suffix")
    T.eq(o.dest_name, "127.0.0.1", "dest_name")
    T.eq(o.dest_suffix, 0, "dest_suffix")
    T.eq(o.source_addr, "127.0.0.1", "source_addr")
    T.ok(math.type(o.source_port) == "integer" and o.source_port > 0
        and o.source_port < 65536, "source_port is a port")
    T.eq(o.datagram_type, 0x10, "datagram_type (DIRECT_UNIQUE)")
end

T.test("local messages have no origin", function()
    local name = T.name("origin-local")
    local slot <close> = assert(mailslot.create(name, { timeout = 0 }))
    assert(mailslot.send(name, "local"))
    assert(mailslot.send(name, ""))
    local data, origin = slot:read_origin()
    T.eq(data, "local", "data")
    T.eq(origin, nil, "origin")
    local n = select("#", slot:read_origin(5))
    T.eq(n, 2, "two results for a message")
    T.fails("timeout", slot:read_origin())
    T.fails("timeout", slot:read_origin(0.05))
end)

T.test("read_origin checks its arguments", function()
    local slot = assert(mailslot.create(T.name("origin-args")))
    T.raises(function() slot:read_origin("soon") end)
    slot:close()
    T.raises(function() slot:read_origin(0) end, "closed")
end)

local port, pidfile = start_bridge()
if not port then
    local why = "mailslot bridge did not start: " .. tostring(pidfile)
    T.test("mailslot bridge starts on 127.0.0.1", function()
        T.ok(not os.getenv("CI"), why)
        print("       skipped: " .. why)
    end)
    T.done()
end

-- Send DATA to NAME through the bridge as the NetBIOS host LUATEST.
local function remote_send(name, data)
    T.ok(T.sh(string.format(
        "MAILSLOT_REMOTE_PORT=%d MAILSLOT_SOURCE_PORT=0 " ..
        "MAILSLOT_NETBIOS_NAME=LUATEST %s send %s -- %s",
        port, T.q(T.cli), T.q("\\\\127.0.0.1\\mailslot\\" .. name),
        T.q(data))), "mailslot send to 127.0.0.1")
end

T.test("a relayed message carries its origin", function()
    local name = T.name("origin-remote")
    local slot <close> = assert(mailslot.create(name, { timeout = 10 }))
    remote_send(name, "from the network ☃")
    local data, origin = slot:read_origin()
    T.eq(data, "from the network ☃", "data")
    check_origin(origin)
end)

T.test("relayed and local messages, in order", function()
    local name = T.name("origin-mixed")
    local slot <close> = assert(mailslot.create(name, { timeout = 10 }))
    remote_send(name, "one")
    local deadline = T.now() + 10
    while slot:info().count < 1 and T.now() < deadline do
        T.sleep(0.01)
    end
    assert(mailslot.send(name, "two"))
    remote_send(name, "")
    remote_send(name, "plain")
    local data, origin = slot:read_origin()
    T.eq(data, "one", "first")
    check_origin(origin)
    data, origin = slot:read_origin()
    T.eq(data, "two", "second")
    T.eq(origin, nil, "a local writer")
    data, origin = slot:read_origin()
    T.eq(data, "", "an empty relayed message")
    check_origin(origin)
    T.eq(slot:read(), "plain", "slot:read() gives just the data")
end)

T.sh("kill $(cat " .. T.q(pidfile) .. ") 2>/dev/null")
os.remove(pidfile)
T.done()
