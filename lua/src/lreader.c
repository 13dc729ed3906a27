/*
 * lreader.c -- the reader side of the Lua module: mailslot.create() and
 * the methods of the slot it returns.
 */
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "lmailslot.h"

#define READER_MT "mailslot.reader"

typedef struct reader_box {
    mailslot_reader *r; /* NULL once closed */
    int32_t timeout;    /* the slot's read timeout, as the core has it */
    char *buf;          /* receive buffer of CAP bytes, NULL until a read */
    size_t cap;
    size_t slice;       /* read_many(): each message's share of BUF */
} reader_box;

/* read_many(): messages per core call; most bytes of BUF for each. */
#define BATCH 64u
#define SLICE 4096u

/* ---------------------------------------------------------------------- */
/* Reading                                                                */
/* ---------------------------------------------------------------------- */

/*
 * The read buffer starts BUF_SKEW bytes into its allocation.  A buffer of
 * a message's maximum size is large enough for malloc() to map it on its
 * own, 16 bytes into a page, and there the kernel's copy of a large
 * datagram into it ran at a third of its speed on the benchmark machine
 * (60 KiB: 31 us instead of 10; bench/notes.md).
 */
#define BUF_SKEW 64

static char *
alloc_buffer(size_t cap)
{
    char *raw = (char *)malloc(cap + BUF_SKEW);

    return raw != NULL ? raw + BUF_SKEW : NULL;
}

static void
free_buffer(char *buf)
{
    if (buf != NULL)
        free(buf - BUF_SKEW);
}

/*
 * Wall-clock milliseconds, only to count down a wait after a signal.
 * timespec_get() is C11's, but some C runtimes lack it (MinGW's default
 * msvcrt), and TIME_UTC is the standard's sign that it is there.  Whole
 * seconds do without it: those runtimes are Windows', where no signal
 * interrupts a wait.
 */

static int64_t
now_ms(void)
{
#ifdef TIME_UTC
    struct timespec ts;

    if (timespec_get(&ts, TIME_UTC) != 0)
        return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
#endif
    return (int64_t)time(NULL) * 1000;
}

/*
 * mailslot_read_ex() that rides out signals: MAILSLOT_EINTR means a signal
 * woke the wait before anything was consumed, which is not a failure of
 * the read, so wait again for the time that is left (forever stays
 * forever).  A clock that jumps can only shorten or lengthen that one
 * retry, never make it negative.  TIMEOUT is never MAILSLOT_TIMEOUT_DEFAULT.
 */
static int
read_retrying(mailslot_reader *r, void *buf, size_t cap, size_t *len,
              int32_t timeout, mailslot_origin *origin)
{
    int64_t start = 0, left;
    int rc;

    /* The clock matters only for a finite wait. */
    if (timeout > 0)
        start = now_ms();
    for (;;) {
        rc = mailslot_read_ex(r, buf, cap, len, timeout, origin);
        if (rc != MAILSLOT_EINTR)
            return rc;
        if (timeout <= 0)
            continue;
        left = (int64_t)timeout - (now_ms() - start);
        if (left < 0)
            left = 0;
        if (left > timeout)
            left = timeout;
        start = now_ms();
        timeout = (int32_t)left;
    }
}

/*
 * Read one message and push it as a string.  The message is received into
 * the slot's buffer (room for the largest message, allocated on the first
 * read) and copied once into the string.  A longer one, where the platform
 * allows that, is read again into a Lua buffer of the size the core
 * reported (it kept the message).  TIMEOUT MAILSLOT_TIMEOUT_DEFAULT means
 * the slot's.  ORIGIN, when not NULL, receives where the message came
 * from.  Returns 0 or an error code.
 */
static int
push_read(lua_State *L, reader_box *box, int32_t timeout,
          mailslot_origin *origin)
{
    luaL_Buffer b;
    size_t need, len = 0;
    char *p;
    int rc;

    if (timeout == MAILSLOT_TIMEOUT_DEFAULT)
        timeout = box->timeout;
    if (box->buf == NULL && (box->buf = alloc_buffer(box->cap)) == NULL)
        return MAILSLOT_ENOMEM;
    rc = read_retrying(box->r, box->buf, box->cap, &len, timeout, origin);
    if (rc == 0) {
        lua_pushlstring(L, box->buf, len); /* "" for an empty message */
        return 0;
    }
    if (rc != MAILSLOT_EBUFFER)
        return rc;
    need = len;
    luaL_buffinit(L, &b);
    for (;;) {
        p = luaL_prepbuffsize(&b, need);
        rc = mailslot_read_ex(box->r, p, need, &len, 0, origin);
        if (rc == 0)
            break;
        if (rc != MAILSLOT_EBUFFER) {
            lua_pop(L, 1);
            return rc;
        }
        /* The reader is shared with another thread that took the message
           we measured; the next one is LEN bytes. */
        need = len;
    }
    luaL_addsize(&b, len);
    luaL_pushresult(&b);
    return 0;
}

static reader_box *
check_reader(lua_State *L, int arg)
{
    reader_box *box = (reader_box *)luaL_checkudata(L, arg, READER_MT);

    if (box->r == NULL)
        luaL_error(L, "attempt to use a closed mailslot");
    return box;
}

/* slot:read([timeout]) -> message | nil, errname, message */
static int
reader_read(lua_State *L)
{
    reader_box *box = check_reader(L, 1);
    int32_t timeout = lmailslot_check_timeout(L, 2, MAILSLOT_TIMEOUT_DEFAULT);
    int rc = push_read(L, box, timeout, NULL);

    return rc == 0 ? 1 : lmailslot_push_failure(L, rc);
}

/*
 * mailslot_read_many() that rides out signals, as read_retrying() does
 * (nothing is consumed by an interrupted wait).
 */
static int
read_many_retrying(mailslot_reader *r, mailslot_rmsg *m, size_t k,
                   size_t *got, int32_t timeout)
{
    int64_t start = timeout > 0 ? now_ms() : 0, left;
    int rc;

    for (;;) {
        rc = mailslot_read_many(r, m, k, got, timeout);
        if (rc != MAILSLOT_EINTR || timeout <= 0) {
            if (rc != MAILSLOT_EINTR)
                return rc;
            continue;
        }
        left = (int64_t)timeout - (now_ms() - start);
        left = left < 0 ? 0 : left > timeout ? timeout : left;
        start = now_ms();
        timeout = (int32_t)left;
    }
}

/*
 * One core call of read_many(): up to K messages into slices of the
 * slot's buffer, appended to the table on top (N so far) as strings.  A
 * message longer than a slice (the core keeps it and says how long) is
 * read into a Lua buffer of its size.  Returns the core's code; *MORE is
 * set when more may be queued.
 */
static int
read_batch(lua_State *L, reader_box *box, size_t k, int32_t timeout,
           lua_Integer *n, int *more)
{
    mailslot_rmsg m[BATCH];
    size_t got = 0, i;
    luaL_Buffer b;
    int rc;

    for (i = 0; i < k; i++) {
        m[i].buf = box->buf + i * box->slice;
        m[i].cap = box->slice;
        m[i].len = 0;
    }
    rc = read_many_retrying(box->r, m, k, &got, timeout);
    *more = 0;
    if (rc == MAILSLOT_EBUFFER) {
        /* Longer than a slice: its own buffer, without waiting. */
        m[0].buf = luaL_buffinitsize(L, &b, m[0].len);
        m[0].cap = m[0].len;
        rc = mailslot_read_many(box->r, m, 1, &got, 0);
        if (rc != 0) {
            lua_pop(L, 1);
            return rc;
        }
        luaL_pushresultsize(&b, m[0].len);
        lua_rawseti(L, -2, ++*n);
        *more = 1;
        return 0;
    }
    for (i = 0; rc == 0 && i < got; i++) {
        lua_pushlstring(L, (const char *)m[i].buf, m[i].len);
        lua_rawseti(L, -2, ++*n);
    }
    /* A full batch, or one cut short by a message longer than a slice. */
    *more = rc == 0 && (got == k || m[got].len > m[got].cap);
    return rc;
}

/*
 * slot:read_many(max [, timeout]) -> {messages} | nil, errname, message
 * Waits (up to TIMEOUT, the slot's by default) for the first message
 * only, then takes what is queued, up to MAX: 1 to MAX messages, oldest
 * first.
 */
static int
reader_read_many(lua_State *L)
{
    reader_box *box = check_reader(L, 1);
    lua_Integer max = luaL_checkinteger(L, 2), n = 0;
    int32_t timeout = lmailslot_check_timeout(L, 3, MAILSLOT_TIMEOUT_DEFAULT);
    size_t k;
    int rc, more = 1;

    luaL_argcheck(L, max >= 1, 2, "max must be at least 1");
    if (timeout == MAILSLOT_TIMEOUT_DEFAULT)
        timeout = box->timeout;
    if (box->buf == NULL && (box->buf = alloc_buffer(box->cap)) == NULL)
        return lmailslot_push_failure(L, MAILSLOT_ENOMEM);
    lua_createtable(L, max < (lua_Integer)BATCH ? (int)max : (int)BATCH, 0);
    do {
        k = (size_t)(max - n) < BATCH ? (size_t)(max - n) : BATCH;
        rc = read_batch(L, box, k, n == 0 ? timeout : 0, &n, &more);
    } while (rc == 0 && more && n < max);
    if (n == 0)
        return lmailslot_push_failure(L, rc);
    return 1;
}

/* Set field KEY of the table on top to the NUL-terminated FIELD. */
static void
set_text(lua_State *L, const char *key, const char *field, size_t n)
{
    size_t len = 0;

    while (len < n && field[len] != '\0')
        len++;
    lua_pushlstring(L, field, len);
    lua_setfield(L, -2, key);
}

static void
set_int(lua_State *L, const char *key, lua_Integer value)
{
    lua_pushinteger(L, value);
    lua_setfield(L, -2, key);
}

/* Push the origin table of a message from the network. */
static void
push_origin(lua_State *L, const mailslot_origin *o)
{
    lua_createtable(L, 0, 7);
    set_text(L, "source_name", o->source_name, sizeof o->source_name);
    set_int(L, "source_suffix", o->source_suffix);
    set_text(L, "dest_name", o->dest_name, sizeof o->dest_name);
    set_int(L, "dest_suffix", o->dest_suffix);
    set_text(L, "source_addr", o->source_addr, sizeof o->source_addr);
    set_int(L, "source_port", o->source_port);
    set_int(L, "datagram_type", o->datagram_type);
}

/*
 * slot:read_origin([timeout]) -> message, origin | nil, errname, message
 * ORIGIN is nil for a local writer's message, else a table that says
 * where a message "mailslot bridge" took off the network came from.
 */
static int
reader_read_origin(lua_State *L)
{
    reader_box *box = check_reader(L, 1);
    int32_t timeout = lmailslot_check_timeout(L, 2, MAILSLOT_TIMEOUT_DEFAULT);
    mailslot_origin o;
    int rc;

    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    rc = push_read(L, box, timeout, &o);
    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    if (o.remote)
        push_origin(L, &o);
    else
        lua_pushnil(L);
    return 2;
}

/* slot:read_text([encoding [, timeout]]) -> UTF-8 text | failure; the
 * encoding defaults to the slot's (create's option, "auto" unless said) */
static int
reader_read_text(lua_State *L)
{
    reader_box *box = check_reader(L, 1);
    int enc = lmailslot_check_encoding(L, 2, mailslot_reader_encoding(box->r));
    int32_t timeout = lmailslot_check_timeout(L, 3, MAILSLOT_TIMEOUT_DEFAULT);
    const char *data;
    size_t len;
    int rc;

    rc = push_read(L, box, timeout, NULL);
    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    data = lua_tolstring(L, -1, &len);
    rc = lmailslot_push_decoded(L, data, len, enc, 0);
    return rc == 0 ? 1 : lmailslot_push_failure(L, rc);
}

/*
 * The iterator of slot:messages(): the next message, or nil (ending the
 * loop) on a timeout.  Other failures raise, as io.lines does.
 */
static int
messages_next(lua_State *L)
{
    reader_box *box = check_reader(L, lua_upvalueindex(1));
    int32_t timeout = (int32_t)lua_tointeger(L, lua_upvalueindex(2));
    int rc = push_read(L, box, timeout, NULL);

    if (rc == 0)
        return 1;
    if (rc == MAILSLOT_ETIMEOUT)
        return 0;
    return luaL_error(L, "%s (%s)", mailslot_strerror(rc),
                      mailslot_errname(rc));
}

/* slot:messages([timeout]) -> iterator for a generic for */
static int
reader_messages(lua_State *L)
{
    int32_t timeout;

    check_reader(L, 1);
    timeout = lmailslot_check_timeout(L, 2, MAILSLOT_TIMEOUT_DEFAULT);
    lua_settop(L, 1);
    lua_pushinteger(L, timeout);
    lua_pushcclosure(L, messages_next, 2);
    return 1;
}

/* slot:info() -> {max_size=, next_size=, count=, timeout=} */
static int
reader_info(lua_State *L)
{
    reader_box *box = check_reader(L, 1);
    mailslot_info info = {sizeof info, 0, 0, 0, 0};
    int rc = mailslot_get_info(box->r, &info);

    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    lua_createtable(L, 0, 4);
    lua_pushinteger(L, (lua_Integer)info.max_message_size);
    lua_setfield(L, -2, "max_size");
    if (info.next_size != MAILSLOT_NEXT_NONE) {
        lua_pushinteger(L, (lua_Integer)info.next_size);
        lua_setfield(L, -2, "next_size");
    }
    lua_pushinteger(L, (lua_Integer)info.count);
    lua_setfield(L, -2, "count");
    lmailslot_push_timeout(L, info.read_timeout_ms);
    lua_setfield(L, -2, "timeout");
    return 1;
}

/* slot:settimeout(t) -> true | failure; nil waits forever */
static int
reader_settimeout(lua_State *L)
{
    reader_box *box = check_reader(L, 1);
    int32_t timeout = lmailslot_check_timeout(L, 2, MAILSLOT_TIMEOUT_FOREVER);
    int rc = mailslot_set_timeout(box->r, timeout);

    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    box->timeout = timeout;
    lua_pushboolean(L, 1);
    return 1;
}

/* slot:gettimeout() -> seconds, or nil for "waits forever" */
static int
reader_gettimeout(lua_State *L)
{
    reader_box *box = check_reader(L, 1);

    lmailslot_push_timeout(L, box->timeout);
    return 1;
}

/* slot:getencoding() -> what the writers send, as create() was told */
static int
reader_getencoding(lua_State *L)
{
    reader_box *box = check_reader(L, 1);

    lua_pushstring(L, mailslot_encoding_name(mailslot_reader_encoding(box->r)));
    return 1;
}

/* slot:getfd() -> descriptor that polls readable while messages wait */
static int
reader_getfd(lua_State *L)
{
    reader_box *box = check_reader(L, 1);
    intptr_t fd = 0;
    int rc = mailslot_reader_fd(box->r, &fd);

    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    lua_pushinteger(L, (lua_Integer)fd);
    return 1;
}

/* close, __close and __gc: idempotent, never raises. */
static int
reader_close(lua_State *L)
{
    reader_box *box = (reader_box *)luaL_checkudata(L, 1, READER_MT);

    mailslot_reader_free(box->r);
    box->r = NULL;
    free_buffer(box->buf);
    box->buf = NULL;
    lua_pushboolean(L, 1);
    return 1;
}

static int
reader_tostring(lua_State *L)
{
    reader_box *box = (reader_box *)luaL_checkudata(L, 1, READER_MT);

    if (box->r == NULL)
        lua_pushliteral(L, "mailslot reader (closed)");
    else
        lua_pushfstring(L, "mailslot reader (%s)",
                        mailslot_reader_name(box->r));
    return 1;
}

/* ---------------------------------------------------------------------- */
/* Module functions                                                       */
/* ---------------------------------------------------------------------- */

/* mailslot.create(name [, options]) -> slot | failure; the options are
 * max_size, timeout, encoding, queue_limit_msgs, queue_limit_bytes. */
int
lmailslot_create(lua_State *L)
{
    int ok;
    const char *name = lmailslot_check_name(L, 1, &ok);
    lmailslot_options lopts;
    mailslot_options *opts = &lopts.core;
    reader_box *box;
    int rc;

    lmailslot_check_options(L, 2, LMAILSLOT_OPT_CREATE, &lopts);
    if (!ok)
        return lmailslot_push_failure(L, MAILSLOT_ENAME);
    box = (reader_box *)lua_newuserdatauv(L, sizeof *box, 0);
    box->r = NULL;
    box->timeout = opts->read_timeout_ms;
    box->buf = NULL;
    /* Room for the largest message the slot takes (see push_read). */
    box->cap = mailslot_max_message_size();
    if (opts->max_message_size != 0 && opts->max_message_size < box->cap)
        box->cap = opts->max_message_size;
    if (box->cap == 0)
        box->cap = 1;
    /* read_many() receives into BATCH slices of the buffer. */
    box->slice = box->cap < SLICE ? box->cap : SLICE;
    if (box->cap < BATCH * box->slice)
        box->cap = BATCH * box->slice;
    luaL_setmetatable(L, READER_MT);
    rc = mailslot_create(name, opts, &box->r);
    if (rc != 0)
        return lmailslot_push_failure(L, rc);
    return 1;
}

/* clang-format off */
static const luaL_Reg reader_methods[] = {
    { "read", reader_read },
    { "read_many", reader_read_many },
    { "read_origin", reader_read_origin },
    { "read_text", reader_read_text },
    { "messages", reader_messages },
    { "info", reader_info },
    { "settimeout", reader_settimeout },
    { "gettimeout", reader_gettimeout },
    { "getfd", reader_getfd },
    { "getencoding", reader_getencoding },
    { "close", reader_close },
    { NULL, NULL },
};
/* clang-format on */

/* clang-format off */
static const luaL_Reg reader_meta[] = {
    { "__index", NULL }, /* the methods table, set below */
    { "__gc", reader_close },
    { "__close", reader_close },
    { "__tostring", reader_tostring },
    { NULL, NULL },
};
/* clang-format on */

/* Register the reader's metatable (named "mailslot.reader"). */
void
lmailslot_reader_class(lua_State *L)
{
    lmailslot_new_class(L, READER_MT, reader_meta, reader_methods);
}
