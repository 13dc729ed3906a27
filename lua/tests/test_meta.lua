-- test_meta.lua -- lua/meta/mailslot.lua, the LuaLS definition file, says
-- what the module really has, in both directions: every module function
-- and constant, every reader and writer method, every key each options
-- table takes, the fields of info(), and the error names of the C core.
-- So a function added without its definition (or a definition left
-- behind by a removed one) fails here.  lua-language-server itself is not
-- needed: the file is read as annotated Lua.
local T = require "harness"
local mailslot = require "mailslot"

local meta_path = T.source_dir .. "/lua/meta/mailslot.lua"

local function read(path)
    local f = assert(io.open(path, "r"))
    local s = f:read("a")
    f:close()
    return s
end

local meta = read(meta_path)

-- The keys of table T, sorted, as one string (for readable failures).
local function keys(t)
    local list = {}
    for k in pairs(t) do
        list[#list + 1] = tostring(k)
    end
    table.sort(list)
    return table.concat(list, " ")
end

-- A set from the list of strings L.
local function set(l)
    local s = {}
    for _, v in ipairs(l) do
        s[v] = true
    end
    return s
end

-- DECLARED and ACTUAL (sets) hold the same names; WHAT says of what.
local function same(declared, actual, what)
    for k in pairs(actual) do
        T.ok(declared[k], what .. ": '" .. k .. "' exists but the meta " ..
            "file does not declare it")
    end
    for k in pairs(declared) do
        T.ok(actual[k], what .. ": the meta file declares '" .. k ..
            "', which does not exist")
    end
end

-- The names of `function PREFIX<sep>name` declarations.
local function declared_functions(prefix, sep)
    local found = {}
    for name in meta:gmatch("\nfunction " .. prefix .. "%" .. sep ..
        "([%w_]+)%(") do
        found[name] = true
    end
    return found
end

-- The fields of `---@class NAME` (a parent's with `: PARENT`).
local function class_fields(name)
    local fields = {}
    local body = meta:match("\n%-%-%-@class " .. name:gsub("%.", "%%.") ..
        "[^\n]*\n(.-)\n[^%-]")
    assert(body, "no ---@class " .. name)
    for field in body:gmatch("%-%-%-@field ([%w_]+)") do
        fields[field] = true
    end
    local parent = meta:match("\n%-%-%-@class " .. name:gsub("%.", "%%.") ..
        ": ([%w_.]+)")
    if parent then
        for f in pairs(class_fields(parent)) do
            fields[f] = true
        end
    end
    return fields
end

-- The options FN takes, from its unknown-option error.
local function accepted_options(fn)
    local err = T.raises(function() fn({ ["no such option"] = 1 }) end,
        "unknown option")
    local list = assert(tostring(err):match("%(known: ([^)]*)%)"), err)
    local found = {}
    for k in list:gmatch("[%w_]+") do
        found[k] = true
    end
    return found
end

T.test("the meta file is a LuaLS definition file that Lua loads",
    function()
    T.ok(meta:match("^%-%-%-@meta mailslot\n"), "starts with ---@meta")
    local chunk = assert(loadfile(meta_path, "t", {}))
    local ok, defs = pcall(chunk)
    T.ok(ok, "it runs: " .. tostring(defs))
    T.eq(type(defs), "table", "it returns the module's table")
end)

T.test("module functions and constants, both ways", function()
    local defs = assert(loadfile(meta_path, "t", {}))()
    local actual, declared = {}, {}
    for k, v in pairs(mailslot) do
        actual[k] = true
        if defs[k] ~= nil then
            T.eq(type(defs[k]), type(v), "type of mailslot." .. k)
            T.eq(math.type(defs[k]), math.type(v),
                "number type of mailslot." .. k)
        end
    end
    for k in pairs(defs) do
        declared[k] = true
    end
    same(declared, actual, "mailslot")
    -- And every function is declared as `function mailslot.name`, which
    -- is where its documentation sits.
    local fns = declared_functions("mailslot", ".")
    for k, v in pairs(mailslot) do
        if type(v) == "function" then
            T.ok(fns[k], "function mailslot." .. k .. " is declared")
        end
    end
end)

T.test("reader and writer methods, both ways; class names", function()
    local name = T.name("meta")
    local slot <close> = assert(mailslot.create(name))
    local w <close> = assert(mailslot.open(name))
    for _, c in ipairs({ { "reader", slot }, { "writer", w } }) do
        local mt = getmetatable(c[2])
        T.ok(meta:find("\n---@class " .. mt.__name .. "\n", 1, true),
            "a class named as the metatable: " .. mt.__name)
        T.ok(meta:find("\nlocal " .. c[1] .. " = {}\n", 1, true),
            "the class table " .. c[1])
        local actual = {}
        for k, v in pairs(mt.__index) do
            T.eq(type(v), "function", c[1] .. "." .. k)
            actual[k] = true
        end
        same(declared_functions(c[1], ":"), actual, c[1] .. " methods")
    end
end)

T.test("options classes list exactly the keys each function takes",
    function()
    same(class_fields("mailslot.create_options"),
        accepted_options(function(o) mailslot.create("x", o) end),
        "create options")
    same(class_fields("mailslot.open_options"),
        accepted_options(function(o) mailslot.open("x", o) end),
        "open options")
    same(class_fields("mailslot.send_options"),
        accepted_options(function(o) mailslot.send("x", "", o) end),
        "send options")
end)

T.test("info's fields", function()
    local name = T.name("metainfo")
    local slot <close> = assert(mailslot.create(name, { timeout = 1 }))
    assert(mailslot.send(name, "x"))
    local actual = {}
    for k in pairs(slot:info()) do
        actual[k] = true
    end
    same(class_fields("mailslot.info"), actual, "info fields")
end)

T.test("the error names are the C core's", function()
    local header = read(T.source_dir .. "/core/include/mailslot.h")
    local core = {}
    for n in header:gmatch('X%(%w+, %-%d+, "([%w_]+)"') do
        core[n] = true
    end
    T.ok(next(core), "the header's error list was found")
    local body = assert(meta:match("\n%-%-%-@alias mailslot%.errname\n" ..
        "(.-)\n[^%-]"))
    local declared = {}
    for n in body:gmatch('%-%-%-| "([%w_]+)"') do
        declared[n] = true
    end
    same(declared, core, "error names")
end)

T.test("every function and method has a description", function()
    local lines = {}
    for line in (meta .. "\n"):gmatch("([^\n]*)\n") do
        lines[#lines + 1] = line
    end
    local n = 0
    for i, line in ipairs(lines) do
        if line:match("^function ") then
            n = n + 1
            local described = false
            local j = i - 1
            while j > 0 and lines[j]:match("^%-%-%-") do
                if not lines[j]:match("^%-%-%-@") then
                    described = true
                end
                j = j - 1
            end
            T.ok(described, line .. " has a ---description above it")
        end
    end
    T.ok(n >= 20, "the declarations were found")
end)

T.done()
