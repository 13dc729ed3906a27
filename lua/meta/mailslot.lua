---@meta mailslot

-- Type definitions of the Lua module "mailslot" for lua-language-server
-- (LuaLS): completion, hover documentation and type checks.  Nothing here
-- runs; the module itself is C (mailslot.so).  Point LuaLS at the folder
-- that holds this file, e.g. in .luarc.json:
--     { "workspace.library": ["<rock dir>/meta"] }
-- where `luarocks --lua-version=5.4 show --rock-dir mailslot` prints
-- <rock dir>.

---Windows mailslots: whole messages, first in first out, one reader
---(the slot's creator), many writers.  Native on Windows, emulated on
---POSIX systems.
---
---Runtime failures return `nil, errname, message` (LuaSocket's order, so
---`if err == "timeout"` works); misuse (a wrong argument type, an unknown
---option or encoding, a closed slot or writer) raises.
---@class mailslot
local mailslot = {}

---The C library's version, e.g. `"0.1.0"`.
---@type string
mailslot._VERSION = "0.1.0"

---The largest message the platform takes, in bytes.
---@type integer
mailslot.MAX_MESSAGE_SIZE = 0

---A short, stable error name of a runtime failure.
---@alias mailslot.errname
---| "invalid_argument"
---| "invalid_name"
---| "not_found"
---| "exists"
---| "timeout"
---| "too_big"
---| "buffer_too_small"
---| "full"
---| "closed"
---| "reader_gone"
---| "not_supported"
---| "no_memory"
---| "encoding"
---| "access_denied"
---| "unsafe_directory"
---| "interrupted"
---| "remote_disabled"
---| "network"
---| "os_error"
---| "malformed"
---| "not_addressed"
---| "too_many_files"

---An encoding name: the core's, or Python's spellings of them
---(`"utf_8"`, `"UTF-16-LE"`, `"windows-1252"`, ...).
---@alias mailslot.encoding
---| "utf-8"
---| "utf-16le"
---| "ansi"
---| "auto" # reading only: weigh the evidence and pick
---| string

---Options of `mailslot.create`.
---@class mailslot.create_options
---@field max_size? integer Largest message in bytes; 0 (the default) takes any.
---@field timeout? number Default read timeout in seconds; absent blocks, 0 polls, negative or `math.huge` blocks.
---@field encoding? mailslot.encoding What the writers send, for `read_text` (default `"auto"`).
---@field queue_limit_msgs? integer Messages queued before writers wait (at least 1; default 1048576).
---@field queue_limit_bytes? integer Bytes queued before writers wait (at least 1; default 64 MiB).
---@field access? string Who may write: `"user"` (the default), `"all"` (every local user) or `"group:NAME"` (Linux).

---Options of `mailslot.open`.  The network fields apply to remote names
---(`\\host\mailslot\x`, `\\domain\mailslot\x`, `\\*\mailslot\x`); each
---defaults to its environment variable (`MAILSLOT_NETBIOS_NAME`, ...),
---then to the built-in default.
---@class mailslot.open_options
---@field timeout? number Seconds a write waits for room in a full queue (default 5); 0 fails at once, negative or `math.huge` waits forever.
---@field netbios_name? string The NetBIOS name we send as (default: the host name's first label).
---@field workgroup? string The workgroup `\\*\` goes to (default `"WORKGROUP"`).
---@field broadcast? string Interface names or IPv4 broadcast addresses, comma-separated (default: every up broadcast interface).
---@field netbios_scope? string The NetBIOS scope (default none).
---@field port? integer The remote UDP port, 1 to 65535 (default 138).

---Options of `mailslot.send`: open's, and how the data is sent.
---@class mailslot.send_options: mailslot.open_options
---@field encoding? mailslot.encoding Send `data` as UTF-8 text in this encoding (not `"auto"`); absent sends the bytes as they are.
---@field nul? boolean Append a terminator (one 0 byte, or two for UTF-16LE).

---What `slot:info()` returns.
---@class mailslot.info
---@field max_size integer The slot's largest message, 0 for any.
---@field next_size? integer Size of the next message; nil when none waits.
---@field count integer Messages waiting.
---@field timeout? number The slot's read timeout in seconds; nil blocks.

---Where a message `mailslot bridge` took off the network came from.
---@class mailslot.origin
---@field source_name string The sender's NetBIOS name.
---@field source_suffix integer The suffix byte of the sender's name.
---@field dest_name string The NetBIOS name the datagram was sent to.
---@field dest_suffix integer The suffix byte of that name.
---@field source_addr string The sender's IPv4 address.
---@field source_port integer The sender's UDP port.
---@field datagram_type integer 0x10 unique, 0x11 group, 0x12 broadcast.

---A slot this process created and reads from.  `close` is also
---`__close` and `__gc`.
---@class mailslot.reader
local reader = {}

---Read one whole message (`""` is a real, empty message).
---@param timeout? number Seconds; absent uses the slot's timeout, 0 polls, negative blocks.
---@return string? message
---@return mailslot.errname? errname `"timeout"` when none came
---@return string? errmsg
function reader:read(timeout) end

---Read many whole messages in one call: wait (up to `timeout`) for the
---first one only, then take what is already queued, up to `max`; the
---same messages, in the same order, as `max` calls of `read`.
---@param max integer At least 1.
---@param timeout? number Seconds; absent uses the slot's timeout, 0 polls, negative blocks.
---@return string[]? messages 1 to `max` of them, oldest first
---@return mailslot.errname? errname `"timeout"` when none came
---@return string? errmsg
function reader:read_many(max, timeout) end

---Read one message and where it came from.
---@param timeout? number
---@return string? message
---@return mailslot.origin|mailslot.errname|nil origin nil for a local writer's message; on failure the error name
---@return string? errmsg
function reader:read_origin(timeout) end

---Read one message and decode it to UTF-8 with the core.
---@param encoding? mailslot.encoding Default: the slot's encoding.
---@param timeout? number
---@return string? text
---@return mailslot.errname? errname
---@return string? errmsg
function reader:read_text(encoding, timeout) end

---An iterator over messages for a generic `for`; it ends at the first
---timeout and raises on other failures.
---@param timeout? number
---@return fun(): string?
function reader:messages(timeout) end

---The slot's state.
---@return mailslot.info? info
---@return mailslot.errname? errname
---@return string? errmsg
function reader:info() end

---Set the slot's default read timeout.
---@param timeout? number Seconds; nil or negative blocks, 0 polls.
---@return true? ok
---@return mailslot.errname? errname
---@return string? errmsg
function reader:settimeout(timeout) end

---The slot's default read timeout in seconds; nil when reads block.
---@return number?
function reader:gettimeout() end

---A descriptor that polls readable while a message waits.
---@return integer? fd
---@return mailslot.errname? errname
---@return string? errmsg
function reader:getfd() end

---What the writers send, as `create` was told (`"auto"` by default).
---@return string
function reader:getencoding() end

---Close the slot: unread messages are discarded and the name is freed.
---Idempotent.
---@return true
function reader:close() end

---A writer to a slot.  `close` is also `__close` and `__gc`.
---@class mailslot.writer
local writer = {}

---Send one message, whole or not at all.
---@param data string Bytes, or UTF-8 text when `encoding` is given.
---@param encoding? mailslot.encoding Encode `data` to this (not `"auto"`).
---@param nul? boolean Append a terminator.
---@return integer? bytes the size of the message sent
---@return mailslot.errname? errname
---@return string? errmsg
function writer:write(data, encoding, nul) end

---Send every message of `list`, in order, each whole, as `write` would.
---A list item that is not a string raises, and nothing is sent.
---@param list string[]
---@param encoding? mailslot.encoding Encode each item to this (not `"auto"`).
---@param nul? boolean Append a terminator to each.
---@return integer? count how many were sent (all of them)
---@return mailslot.errname? errname why the first failing one was not sent
---@return string? errmsg
---@return integer? written on failure, how many were sent before it
function writer:write_many(list, encoding, nul) end

---Set how long later writes wait for room in a full queue.
---@param timeout? number Seconds; nil or negative waits forever, 0 fails at once.
---@return true? ok
---@return mailslot.errname? errname
---@return string? errmsg
function writer:settimeout(timeout) end

---The write timeout in seconds; nil when writes wait forever.
---@return number?
function writer:gettimeout() end

---Close the writer.  Idempotent.
---@return true
function writer:close() end

---Create the slot `name` and become its reader.
---@param name string `\\.\mailslot\a\b` or the short form `a/b`.
---@param options? mailslot.create_options
---@return mailslot.reader? slot
---@return mailslot.errname? errname `"exists"`, `"invalid_name"`, ...
---@return string? errmsg
function mailslot.create(name, options) end

---Open the slot `name` for writing.
---@param name string A local name, or `\\host\mailslot\x`, `\\domain\mailslot\x`, `\\*\mailslot\x`.
---@param options? mailslot.open_options
---@return mailslot.writer? writer
---@return mailslot.errname? errname `"not_found"`, `"invalid_name"`, ...
---@return string? errmsg
function mailslot.open(name, options) end

---Open, write one message, close.
---@param name string
---@param data string
---@param encoding? mailslot.encoding|mailslot.send_options An encoding, or an options table.
---@param nul? boolean With an encoding argument: append a terminator.
---@return integer? bytes
---@return mailslot.errname? errname
---@return string? errmsg
---@overload fun(name: string, data: string, options: mailslot.send_options): integer?, mailslot.errname?, string?
function mailslot.send(name, data, encoding, nul) end

---Encode UTF-8 text as a message's bytes.
---@param text string
---@param encoding? mailslot.encoding Default `"utf-8"`; not `"auto"`.
---@param nul? boolean Append a terminator.
---@return string? bytes
---@return mailslot.errname? errname `"encoding"`
---@return string? errmsg
function mailslot.encode(text, encoding, nul) end

---Decode a message's bytes to UTF-8 text.
---@param bytes string
---@param encoding? mailslot.encoding Default `"auto"`.
---@param strict? boolean Fail instead of replacing invalid sequences.
---@return string? text
---@return mailslot.errname? errname `"encoding"`
---@return string? errmsg
function mailslot.decode(bytes, encoding, strict) end

---What `decode` picks with `"auto"`.
---@param bytes string
---@return "utf-8"|"utf-16le"|"ansi"
function mailslot.detect_encoding(bytes) end

---This user's live slots, as `mailslot list` prints them.
---@return string[]? names
---@return mailslot.errname? errname
---@return string? errmsg
function mailslot.list() end

---The form that decides which names are one slot.
---@param name string
---@return string? canonical
---@return mailslot.errname? errname `"invalid_name"`
---@return string? errmsg
function mailslot.canonical_name(name) end

return mailslot
