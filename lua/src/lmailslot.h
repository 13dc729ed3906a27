/*
 * lmailslot.h -- what the two files of the Lua module share.  Not an API:
 * the module exports only luaopen_mailslot.
 *
 * Conventions (those of Lua's io library and LuaSocket):
 *  - Runtime failures return nil, short error name, message (the core's
 *    mailslot_strerror() and mailslot_errname()); misuse -- a wrong
 *    argument type, an unknown encoding, a closed handle -- raises.
 *  - Timeouts are seconds as numbers; nil, a negative number or math.huge
 *    means wait forever, 0 means do not wait.
 *  - A handle lives in a userdata box that is created closed (NULL) before
 *    the core opens anything, so that a memory error while making the box
 *    cannot leak an open slot.  close, __close and __gc are one function
 *    that frees the handle and clears the box; it is idempotent and never
 *    raises.
 */
#ifndef LMAILSLOT_H
#define LMAILSLOT_H

#define LUA_LIB

#include <stdint.h>

#include "lauxlib.h"
#include "lua.h"

#include "mailslot.h"

/*
 * The CMake build hides every symbol by default and defines
 * MAILSLOT_LUA_EXPORT to make the entry point visible; builds that hide
 * nothing (LuaRocks) need only LUAMOD_API.
 */
#ifndef MAILSLOT_LUA_EXPORT
#define MAILSLOT_LUA_EXPORT
#endif

MAILSLOT_LUA_EXPORT LUAMOD_API int luaopen_mailslot(lua_State *L);

/* Push nil, short error name, message for CODE; returns 3 (LuaSocket's
 * order: `if err == "timeout"` works). */
int lmailslot_push_failure(lua_State *L, int code);

/* The number at IDX, seconds, as milliseconds; ARG is for error messages. */
int32_t lmailslot_to_ms(lua_State *L, int idx, int arg);
/* A timeout argument in seconds; absent or nil gives IF_NIL. */
int32_t lmailslot_check_timeout(lua_State *L, int arg, int32_t if_nil);
/* Push milliseconds as seconds, or nil for "wait forever". */
void lmailslot_push_timeout(lua_State *L, int32_t ms);

/* An encoding argument (a core name); nil gives IF_NIL; unknown raises. */
int lmailslot_check_encoding(lua_State *L, int arg, int if_nil);
/* A slot name argument; *OK is 0 when it holds an embedded NUL. */
const char *lmailslot_check_name(lua_State *L, int arg, int *ok);
/* Decode DATA to UTF-8 and push it; returns 0 or an error code. */
int lmailslot_push_decoded(lua_State *L, const char *data, size_t len, int enc,
                           int flags);

/* Which function an options table is for (bits, see loptions.c). */
#define LMAILSLOT_OPT_CREATE 1
#define LMAILSLOT_OPT_OPEN 2
#define LMAILSLOT_OPT_SEND 4

/* An options table, checked: the core's options and, for send(), how
 * the message is made from the data. */
typedef struct lmailslot_options {
    mailslot_options core;
    int encoding; /* send: the text's encoding; -1: the bytes as they are */
    int nul;      /* send: append a terminator */
} lmailslot_options;

/* The defaults for the function KIND: the core's, except that create's
 * read timeout is "forever", Lua's default. */
void lmailslot_default_options(int kind, lmailslot_options *o);
/*
 * Fill *O from the options table at ARG for the function KIND (absent or
 * nil: the defaults).  A wrong table raises, naming the option.  The strings *O
 * points to belong to the table, which must stay on the stack.
 */
void lmailslot_check_options(lua_State *L, int arg, int kind,
                             lmailslot_options *o);

/* A metatable named TNAME (which sets __name) with METHODS as __index. */
void lmailslot_new_class(lua_State *L, const char *tname, const luaL_Reg *meta,
                         const luaL_Reg *methods);

/* Register the reader's metatable; mailslot.create(). */
void lmailslot_reader_class(lua_State *L);
int lmailslot_create(lua_State *L);

#endif
