/*
 * loptions.c -- the options tables of mailslot.create(), mailslot.open()
 * and mailslot.send(): one list of known keys, each with the functions
 * that take it and the check of its value.
 *
 * A wrong options table is a programming error, so it raises, naming the
 * option: an unknown key (the message lists the keys that function
 * takes), a value of the wrong type or out of range.  All of this happens
 * before the caller creates, opens or sends anything.
 */
#include <string.h>

#include "lmailslot.h"

typedef void (*option_check)(lua_State *L, int arg, const char *key,
                             int kind, lmailslot_options *o);

typedef struct option {
    const char *key;
    int kinds; /* LMAILSLOT_OPT_* bits of the functions that take it */
    option_check check;
} option;

/*
 * Raise "bad argument #ARG to 'f' (option 'KEY' WHAT, got VALUE)" for the
 * value on top: numbers and strings are shown, other values by type.
 */
static int
option_error(lua_State *L, int arg, const char *key, const char *what)
{
    const char *got;

    switch (lua_type(L, -1)) {
    case LUA_TNUMBER:
        got = luaL_tolstring(L, -1, NULL);
        break;
    case LUA_TSTRING:
        got = lua_pushfstring(L, "\"%s\"", lua_tostring(L, -1));
        break;
    default:
        got = luaL_typename(L, -1);
        break;
    }
    return luaL_argerror(L, arg,
                         lua_pushfstring(L, "option '%s' %s, got %s", key,
                                         what, got));
}

/*
 * The value on top as a whole number from LO to HI (a Lua number, not a
 * string that looks like one); anything else raises with WHAT.
 */
static lua_Integer
check_whole(lua_State *L, int arg, const char *key, lua_Integer lo,
            lua_Integer hi, const char *what)
{
    lua_Integer n = 0;
    int isint = 0;

    if (lua_type(L, -1) == LUA_TNUMBER)
        n = lua_tointegerx(L, -1, &isint);
    if (!isint || n < lo || n > hi)
        option_error(L, arg, key, what);
    return n;
}

/* The value on top as a non-empty string without NUL bytes. */
static const char *
check_text(lua_State *L, int arg, const char *key)
{
    size_t len = 0;
    const char *s = NULL;

    if (lua_type(L, -1) == LUA_TSTRING)
        s = lua_tolstring(L, -1, &len);
    if (s == NULL || len == 0 || strlen(s) != len)
        option_error(L, arg, key, "must be a non-empty string without NUL");
    return s;
}

static void
check_max_size(lua_State *L, int arg, const char *key, int kind,
               lmailslot_options *o)
{
    (void)kind;
    o->core.max_message_size = (uint32_t)check_whole(
        L, arg, key, 0, (lua_Integer)UINT32_MAX,
        "must be a whole number of bytes from 0 (any) to 4294967295");
}

/* Seconds; a negative number or math.huge waits forever (LuaSocket). */
static void
check_timeout(lua_State *L, int arg, const char *key, int kind,
              lmailslot_options *o)
{
    int32_t ms;

    if (lua_type(L, -1) != LUA_TNUMBER ||
        lua_tonumber(L, -1) != lua_tonumber(L, -1)) /* NaN */
        option_error(L, arg, key, "must be a number of seconds");
    ms = lmailslot_to_ms(L, -1, arg);
    if (kind == LMAILSLOT_OPT_CREATE)
        o->core.read_timeout_ms = ms;
    else
        o->core.write_timeout_ms = ms;
}

/* A reader's encoding may be "auto"; a message's is never guessed. */
static void
check_encoding(lua_State *L, int arg, const char *key, int kind,
               lmailslot_options *o)
{
    int enc = -1;

    if (lua_type(L, -1) == LUA_TSTRING)
        enc = mailslot_encoding_from_name(lua_tostring(L, -1));
    if (enc < 0)
        option_error(L, arg, key,
                     "must be \"utf-8\", \"utf-16le\", \"ansi\" or "
                     "another known encoding name");
    if (kind == LMAILSLOT_OPT_CREATE) {
        o->core.encoding = enc;
    } else {
        if (enc == MAILSLOT_ENC_AUTO)
            option_error(L, arg, key, "names what is sent: not \"auto\"");
        o->encoding = enc;
    }
}

static void
check_nul(lua_State *L, int arg, const char *key, int kind,
          lmailslot_options *o)
{
    (void)kind;
    if (!lua_isboolean(L, -1))
        option_error(L, arg, key, "must be a boolean");
    o->nul = lua_toboolean(L, -1);
}

static void
check_queue_limit_msgs(lua_State *L, int arg, const char *key, int kind,
                       lmailslot_options *o)
{
    (void)kind;
    o->core.queue_limit_msgs = (uint32_t)check_whole(
        L, arg, key, 1, (lua_Integer)UINT32_MAX,
        "must be a whole number of messages from 1 to 4294967295");
}

static void
check_queue_limit_bytes(lua_State *L, int arg, const char *key, int kind,
                        lmailslot_options *o)
{
    (void)kind;
    o->core.queue_limit_bytes = (uint64_t)check_whole(
        L, arg, key, 1, LUA_MAXINTEGER,
        "must be a positive whole number of bytes");
}

static void
check_access(lua_State *L, int arg, const char *key, int kind,
             lmailslot_options *o)
{
    const char *s;

    (void)kind;
    s = check_text(L, arg, key);
    if (strcmp(s, "user") != 0 && strcmp(s, "all") != 0 &&
        (strncmp(s, "group:", 6) != 0 || s[6] == '\0'))
        option_error(L, arg, key, "must be \"user\", \"all\" or "
                                  "\"group:NAME\"");
    o->core.access = s;
}

static void
check_netbios_name(lua_State *L, int arg, const char *key, int kind,
                   lmailslot_options *o)
{
    (void)kind;
    o->core.netbios_name = check_text(L, arg, key);
}

static void
check_workgroup(lua_State *L, int arg, const char *key, int kind,
                lmailslot_options *o)
{
    (void)kind;
    o->core.workgroup = check_text(L, arg, key);
}

static void
check_broadcast(lua_State *L, int arg, const char *key, int kind,
                lmailslot_options *o)
{
    (void)kind;
    o->core.broadcast = check_text(L, arg, key);
}

static void
check_netbios_scope(lua_State *L, int arg, const char *key, int kind,
                    lmailslot_options *o)
{
    (void)kind;
    o->core.netbios_scope = check_text(L, arg, key);
}

static void
check_port(lua_State *L, int arg, const char *key, int kind,
           lmailslot_options *o)
{
    (void)kind;
    o->core.remote_port = (uint32_t)check_whole(
        L, arg, key, 1, 65535, "must be a UDP port number from 1 to 65535");
}

#define C LMAILSLOT_OPT_CREATE
#define W (LMAILSLOT_OPT_OPEN | LMAILSLOT_OPT_SEND)
/* clang-format off */
static const option options[] = {
    { "max_size", C, check_max_size },
    { "timeout", C | W, check_timeout },
    { "encoding", C | LMAILSLOT_OPT_SEND, check_encoding },
    { "nul", LMAILSLOT_OPT_SEND, check_nul },
    { "queue_limit_msgs", C, check_queue_limit_msgs },
    { "queue_limit_bytes", C, check_queue_limit_bytes },
    { "access", C, check_access },
    { "netbios_name", W, check_netbios_name },
    { "workgroup", W, check_workgroup },
    { "broadcast", W, check_broadcast },
    { "netbios_scope", W, check_netbios_scope },
    { "port", W, check_port },
    { NULL, 0, NULL },
};
/* clang-format on */
#undef C
#undef W

/* Raise for an unknown KEY, listing the keys that KIND takes. */
static int
unknown_option(lua_State *L, int arg, int kind, const char *key)
{
    const option *op;
    luaL_Buffer b;
    int first = 1;

    luaL_buffinit(L, &b);
    for (op = options; op->key != NULL; op++) {
        if ((op->kinds & kind) == 0)
            continue;
        if (!first)
            luaL_addstring(&b, ", ");
        luaL_addstring(&b, op->key);
        first = 0;
    }
    luaL_pushresult(&b);
    return luaL_argerror(L, arg,
                         lua_pushfstring(L, "unknown option '%s' (known: %s)",
                                         key, lua_tostring(L, -1)));
}

void
lmailslot_default_options(int kind, lmailslot_options *o)
{
    mailslot_options_init(&o->core);
    if (kind == LMAILSLOT_OPT_CREATE)
        o->core.read_timeout_ms = MAILSLOT_TIMEOUT_FOREVER; /* Lua's default */
    o->encoding = -1;
    o->nul = 0;
}

void
lmailslot_check_options(lua_State *L, int arg, int kind, lmailslot_options *o)
{
    const option *op;
    const char *key;

    lmailslot_default_options(kind, o);
    if (lua_isnoneornil(L, arg))
        return;
    luaL_checktype(L, arg, LUA_TTABLE);
    lua_pushnil(L);
    while (lua_next(L, arg) != 0) {
        if (lua_type(L, -2) != LUA_TSTRING)
            luaL_argerror(L, arg, "option names must be strings");
        key = lua_tostring(L, -2);
        for (op = options; op->key != NULL; op++)
            if ((op->kinds & kind) != 0 && strcmp(op->key, key) == 0)
                break;
        if (op->key == NULL)
            unknown_option(L, arg, kind, key);
        op->check(L, arg, key, kind, o);
        lua_pop(L, 1);
    }
}
