/*
 * lmailslot.c -- the Lua 5.4 module "mailslot": Lua types and errors over
 * the public C API in mailslot.h, and nothing else.  This file holds the
 * module table, the writer, the text codec and the helpers that the
 * reader (lreader.c) shares; lmailslot.h says what the conventions are.
 */
#include <string.h>

#include "lmailslot.h"

#define WRITER_MT "mailslot.writer"

typedef struct writer_box {
    mailslot_writer *w; /* NULL once closed; user value 1 is the name */
} writer_box;

/* ---------------------------------------------------------------------- */
/* Shared helpers                                                         */
/* ---------------------------------------------------------------------- */

/* nil, errname, message; the message ends with what the machine can say
 * more about the error now (for unsafe_directory: the path, its owner and
 * the fix). */
int
lmailslot_push_failure(lua_State *L, int code)
{
    char detail[1024];

    luaL_pushfail(L);
    lua_pushstring(L, mailslot_errname(code));
    if (mailslot_error_detail(code, detail, sizeof detail) > 0)
        lua_pushfstring(L, "%s; %s", mailslot_strerror(code), detail);
    else
        lua_pushstring(L, mailslot_strerror(code));
    return 3;
}

/*
 * The number at IDX, in seconds, as the core's milliseconds (ARG names the
 * argument in error messages).  A fraction of a millisecond rounds up, so
 * that a tiny positive timeout still waits instead of turning into a poll.
 */
int32_t
lmailslot_to_ms(lua_State *L, int idx, int arg)
{
    lua_Number s = lua_tonumber(L, idx), ms;
    int32_t whole;

    luaL_argcheck(L, s == s, arg, "timeout is not a number (NaN)");
    if (s < 0)
        return MAILSLOT_TIMEOUT_FOREVER;
    ms = s * 1000.0;
    /* About 24.8 days and more (math.huge included): wait forever. */
    if (ms >= (lua_Number)INT32_MAX)
        return MAILSLOT_TIMEOUT_FOREVER;
    whole = (int32_t)ms;
    return whole < ms ? whole + 1 : whole;
}

/* A timeout argument; absent or nil gives IF_NIL. */
int32_t
lmailslot_check_timeout(lua_State *L, int arg, int32_t if_nil)
{
    if (lua_isnoneornil(L, arg))
        return if_nil;
    luaL_checknumber(L, arg);
    return lmailslot_to_ms(L, arg, arg);
}

/* Milliseconds back to seconds; waiting forever is nil. */
void
lmailslot_push_timeout(lua_State *L, int32_t ms)
{
    if (ms < 0)
        lua_pushnil(L);
    else if (ms % 1000 == 0)
        lua_pushinteger(L, ms / 1000);
    else
        lua_pushnumber(L, (lua_Number)ms / 1000.0);
}

/*
 * An encoding argument: nil gives IF_NIL, otherwise one of the core's
 * names.  An unknown name is a programming error, so it raises.
 */
int
lmailslot_check_encoding(lua_State *L, int arg, int if_nil)
{
    const char *name;
    int enc;

    if (lua_isnoneornil(L, arg))
        return if_nil;
    name = luaL_checkstring(L, arg);
    enc = mailslot_encoding_from_name(name);
    if (enc < 0)
        return luaL_argerror(L, arg,
                             lua_pushfstring(L, "unknown encoding '%s'", name));
    return enc;
}

/* Encoding makes no guesses: "auto" is only for reading. */
static int
check_write_encoding(lua_State *L, int arg, int if_nil)
{
    int enc = lmailslot_check_encoding(L, arg, if_nil);

    luaL_argcheck(L, enc != MAILSLOT_ENC_AUTO, arg,
                  "'auto' is for decoding only");
    return enc;
}

/*
 * A name for the core.  The core takes a C string, so a Lua string with
 * an embedded NUL would silently name another slot: refuse it here.
 */
const char *
lmailslot_check_name(lua_State *L, int arg, int *ok)
{
    size_t len;
    const char *name = luaL_checklstring(L, arg, &len);

    *ok = strlen(name) == len;
    return name;
}

/* One call of the core's codec: encode (DECODE 0) or decode. */
static int
run_codec(int decode, const char *in, size_t len, int enc, int flags,
    char *out, size_t cap, size_t *outlen)
{
    return decode ? mailslot_decode(in, len, enc, flags, out, cap, outlen)
                  : mailslot_encode(in, len, enc, flags, out, cap, outlen);
}

/*
 * Encode or decode IN with the core (measure, then fill) and push the
 * result.  Returns 0, or an error code with nothing pushed.  The bytes are
 * built in a luaL_Buffer, so a memory error raised by Lua cannot leak them.
 */
static int
push_coded(lua_State *L, int decode, const char *in, size_t len, int enc,
    int flags)
{
    luaL_Buffer b;
    size_t need = 0;
    char *p;
    int rc;

    rc = run_codec(decode, in, len, enc, flags, NULL, 0, &need);
    if (rc != 0 && rc != MAILSLOT_EBUFFER)
        return rc;
    p = luaL_buffinitsize(L, &b, need);
    rc = run_codec(decode, in, len, enc, flags, p, need, &need);
    if (rc != 0) {
        lua_pop(L, 1); /* the abandoned buffer */
        return rc;
    }
    luaL_pushresultsize(&b, need);
    return 0;
}

static int
push_encoded(lua_State *L, const char *text, size_t len, int enc, int flags)
{
    return push_coded(L, 0, text, len, enc, flags);
}

/* Decode message bytes to UTF-8 with the core; as push_encoded(). */
int
lmailslot_push_decoded(lua_State *L, const char *data, size_t len, int enc,
                       int flags)
{
    return push_coded(L, 1, data, len, enc, flags);
}

/*
 * The message a write sends, from the string DATA at index ARG: without
 * an encoding (ENC -1) the bytes it is (NUL appends one 0 byte); with
 * one, UTF-8 text that the core encodes.  Pushes the message and returns
 * 0, or returns an error code.
 */
static int
push_message(lua_State *L, int arg, int enc, int nul)
{
    size_t len;
    const char *data = luaL_checklstring(L, arg, &len);
    luaL_Buffer b;

    if (enc >= 0)
        return push_encoded(L, data, len, enc, nul ? MAILSLOT_TEXT_NUL : 0);
    if (!nul) {
        lua_pushvalue(L, arg);
        return 0;
    }
    luaL_buffinit(L, &b);
    luaL_addlstring(&b, data, len);
    luaL_addchar(&b, '\0');
    luaL_pushresult(&b);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Writing                                                                */
/* ---------------------------------------------------------------------- */

static writer_box *
check_writer(lua_State *L, int arg)
{
    writer_box *box = (writer_box *)luaL_checkudata(L, arg, WRITER_MT);

    if (box->w == NULL)
        luaL_error(L, "attempt to use a closed mailslot writer");
    return box;
}

/* w:write(data [, encoding [, nul]]) -> bytes written | failure */
static int
writer_write(lua_State *L)
{
    writer_box *box = check_writer(L, 1);
    const char *msg;
    size_t len;
    int enc, rc;

    msg = luaL_checklstring(L, 2, &len);
    if (lua_gettop(L) > 2) {
        /* An encoding or a terminating NUL: the message is made first. */
        enc = check_write_encoding(L, 3, -1);
        rc = push_message(L, 2, enc, lua_toboolean(L, 4));
        if (rc != 0)
            return lmailslot_push_failure(L, rc);
        msg = lua_tolstring(L, -1, &len);
    }
    rc = mailslot_write(box->w, msg, len);
    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    lua_pushinteger(L, (lua_Integer)len);
    return 1;
}

/*
 * w:write_many(list [, encoding [, nul]]) -> count | nil, errname,
 * message, written
 * Every message of the sequence LIST, in order, each as w:write() makes
 * and sends it.  A list item that is not a string raises, before anything
 * is sent.  On a failure the messages before the failing one are written
 * (WRITTEN of them), it and the rest are not.
 */
static int
writer_write_many(lua_State *L)
{
    writer_box *box = check_writer(L, 1);
    lua_Integer n, i;
    mailslot_wmsg *m;
    size_t written = 0;
    int enc, nul, rc;

    luaL_checktype(L, 2, LUA_TTABLE);
    enc = check_write_encoding(L, 3, -1);
    nul = lua_toboolean(L, 4);
    n = luaL_len(L, 2);
    for (i = 1; i <= n; i++) {
        if (lua_geti(L, 2, i) != LUA_TSTRING)
            return luaL_argerror(L, 2, lua_pushfstring(L,
                "item %I is a %s, expected string", i,
                luaL_typename(L, -1)));
        lua_pop(L, 1);
    }
    /* The messages, made first (encoded, terminated), stay on a table
     * while the core sends them. */
    m = (mailslot_wmsg *)lua_newuserdatauv(L,
        (size_t)(n > 0 ? n : 1) * sizeof *m, 0);
    lua_createtable(L, (int)n, 0);
    for (i = 1; i <= n; i++) {
        lua_geti(L, 2, i);
        rc = push_message(L, lua_gettop(L), enc, nul);
        if (rc != 0)
            return lmailslot_push_failure(L, rc);
        m[i - 1].data = lua_tolstring(L, -1, &m[i - 1].len);
        lua_rawseti(L, -3, i);
        lua_pop(L, 1);
    }
    rc = n > 0 ? mailslot_write_many(box->w, m, (size_t)n, &written) : 0;
    if (rc != 0) {
        lmailslot_push_failure(L, rc);
        lua_pushinteger(L, (lua_Integer)written);
        return 4;
    }
    lua_pushinteger(L, (lua_Integer)written);
    return 1;
}

/*
 * w:settimeout(t) -> true | failure: how long later writes wait for room
 * while the reader's queue is full, as the reader's settimeout counts:
 * seconds, 0 does not wait, nil (or a negative number) waits forever.
 */
static int
writer_settimeout(lua_State *L)
{
    writer_box *box = check_writer(L, 1);
    int32_t timeout = lmailslot_check_timeout(L, 2, MAILSLOT_TIMEOUT_FOREVER);
    int rc = mailslot_writer_set_timeout(box->w, timeout);

    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    lua_pushboolean(L, 1);
    return 1;
}

/* w:gettimeout() -> seconds, or nil for "waits forever" */
static int
writer_gettimeout(lua_State *L)
{
    writer_box *box = check_writer(L, 1);

    lmailslot_push_timeout(L, mailslot_writer_timeout(box->w));
    return 1;
}

static int
writer_close(lua_State *L)
{
    writer_box *box = (writer_box *)luaL_checkudata(L, 1, WRITER_MT);

    mailslot_writer_free(box->w);
    box->w = NULL;
    lua_pushboolean(L, 1);
    return 1;
}

static int
writer_tostring(lua_State *L)
{
    writer_box *box = (writer_box *)luaL_checkudata(L, 1, WRITER_MT);

    if (box->w == NULL) {
        lua_pushliteral(L, "mailslot writer (closed)");
    } else {
        lua_getiuservalue(L, 1, 1);
        lua_pushfstring(L, "mailslot writer (%s)", lua_tostring(L, -1));
    }
    return 1;
}

/*
 * mailslot.open(name [, options]) -> writer | failure; the options are
 * timeout and, for a remote name, netbios_name, workgroup, broadcast,
 * netbios_scope and port.
 */
static int
l_open(lua_State *L)
{
    int ok;
    const char *name = lmailslot_check_name(L, 1, &ok);
    lmailslot_options opts;
    writer_box *box;
    int rc;

    lmailslot_check_options(L, 2, LMAILSLOT_OPT_OPEN, &opts);
    if (!ok)
        return lmailslot_push_failure(L, MAILSLOT_ENAME);
    box = (writer_box *)lua_newuserdatauv(L, sizeof *box, 1);
    box->w = NULL;
    luaL_setmetatable(L, WRITER_MT);
    lua_pushvalue(L, 1);
    lua_setiuservalue(L, -2, 1);
    rc = mailslot_open(name, &opts.core, &box->w);
    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    return 1;
}

/*
 * mailslot.send(name, data [, encoding [, nul]]) -> bytes | failure
 * mailslot.send(name, data, options) -> bytes | failure
 * The options are open()'s and encoding and nul.  Open, write and close
 * run with no Lua call in between, so nothing can raise while the writer
 * is open.
 */
static int
l_send(lua_State *L)
{
    int ok;
    const char *name = lmailslot_check_name(L, 1, &ok);
    lmailslot_options opts;
    mailslot_writer *w = NULL;
    const char *msg;
    size_t len;
    int rc;

    luaL_checkstring(L, 2);
    if (lua_type(L, 3) == LUA_TTABLE) {
        lmailslot_check_options(L, 3, LMAILSLOT_OPT_SEND, &opts);
    } else {
        lmailslot_default_options(LMAILSLOT_OPT_SEND, &opts);
        opts.encoding = check_write_encoding(L, 3, -1);
        opts.nul = lua_toboolean(L, 4);
    }
    rc = push_message(L, 2, opts.encoding, opts.nul);
    if (rc == 0 && !ok)
        rc = MAILSLOT_ENAME;
    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    msg = lua_tolstring(L, -1, &len);
    rc = mailslot_open(name, &opts.core, &w);
    if (rc == 0)
        rc = mailslot_write(w, msg, len);
    mailslot_writer_free(w);
    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    lua_pushinteger(L, (lua_Integer)len);
    return 1;
}

/* mailslot.encode(text [, encoding [, nul]]) -> bytes | failure */
static int
l_encode(lua_State *L)
{
    size_t len;
    const char *text = luaL_checklstring(L, 1, &len);
    int enc = check_write_encoding(L, 2, MAILSLOT_ENC_UTF8);
    int flags = lua_toboolean(L, 3) ? MAILSLOT_TEXT_NUL : 0;
    int rc = push_encoded(L, text, len, enc, flags);

    return rc == 0 ? 1 : lmailslot_push_failure(L, rc);
}

/* mailslot.decode(bytes [, encoding [, strict]]) -> text | failure */
static int
l_decode(lua_State *L)
{
    size_t len;
    const char *data = luaL_checklstring(L, 1, &len);
    int enc = lmailslot_check_encoding(L, 2, MAILSLOT_ENC_AUTO);
    int flags = lua_toboolean(L, 3) ? MAILSLOT_TEXT_STRICT : 0;
    int rc = lmailslot_push_decoded(L, data, len, enc, flags);

    return rc == 0 ? 1 : lmailslot_push_failure(L, rc);
}

/* mailslot.detect_encoding(bytes) -> "utf-8" | "utf-16le" | "ansi":
 * what decode() picks with "auto", as every binding picks it. */
static int
l_detect_encoding(lua_State *L)
{
    size_t len;
    const char *data = luaL_checklstring(L, 1, &len);

    lua_pushstring(L, mailslot_encoding_name(
                          mailslot_detect_encoding(data, len)));
    return 1;
}

/* mailslot.list() -> { name, ... } | failure: this user's live slots, as
 * the `mailslot list` command prints them. */
static int
l_list(lua_State *L)
{
    char *names = NULL;
    const char *p, *nl;
    int rc = mailslot_list(&names, NULL), i = 0;

    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    lua_newtable(L);
    for (p = names; (nl = strchr(p, '\n')) != NULL; p = nl + 1) {
        lua_pushlstring(L, p, (size_t)(nl - p));
        lua_rawseti(L, -2, ++i);
    }
    mailslot_free(names);
    return 1;
}

/* mailslot.canonical_name(name) -> canonical name | failure: two names
 * are one slot exactly when their canonical names are equal. */
static int
l_canonical_name(lua_State *L)
{
    int ok;
    const char *name = lmailslot_check_name(L, 1, &ok);
    char buf[4 * 256];
    size_t len = 0;
    int rc;

    if (!ok)
        return lmailslot_push_failure(L, MAILSLOT_ENAME);
    rc = mailslot_name_canonical(name, buf, sizeof buf, &len);
    if (rc < 0)
        return lmailslot_push_failure(L, rc);
    lua_pushlstring(L, buf, len);
    return 1;
}

/* clang-format off */
static const luaL_Reg module_functions[] = {
    { "create", lmailslot_create },
    { "open", l_open },
    { "send", l_send },
    { "encode", l_encode },
    { "decode", l_decode },
    { "detect_encoding", l_detect_encoding },
    { "list", l_list },
    { "canonical_name", l_canonical_name },
    { NULL, NULL },
};
/* clang-format on */

/* Methods and metamethods kept apart, as liolib.c does. */
/* clang-format off */
static const luaL_Reg writer_methods[] = {
    { "write", writer_write },
    { "write_many", writer_write_many },
    { "settimeout", writer_settimeout },
    { "gettimeout", writer_gettimeout },
    { "close", writer_close },
    { NULL, NULL },
};
/* clang-format on */

/* clang-format off */
static const luaL_Reg writer_meta[] = {
    { "__index", NULL },
    { "__gc", writer_close },
    { "__close", writer_close },
    { "__tostring", writer_tostring },
    { NULL, NULL },
};
/* clang-format on */

void
lmailslot_new_class(lua_State *L, const char *tname, const luaL_Reg *meta,
                    const luaL_Reg *methods)
{
    luaL_newmetatable(L, tname);
    luaL_setfuncs(L, meta, 0);
    lua_newtable(L);
    luaL_setfuncs(L, methods, 0);
    lua_setfield(L, -2, "__index");
    lua_pop(L, 1);
}

MAILSLOT_LUA_EXPORT LUAMOD_API int
luaopen_mailslot(lua_State *L)
{
    lmailslot_reader_class(L);
    lmailslot_new_class(L, WRITER_MT, writer_meta, writer_methods);
    luaL_newlib(L, module_functions);
    lua_pushstring(L, mailslot_version());
    lua_setfield(L, -2, "_VERSION");
    lua_pushinteger(L, (lua_Integer)mailslot_max_message_size());
    lua_setfield(L, -2, "MAX_MESSAGE_SIZE");
    return 1;
}
