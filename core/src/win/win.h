/*
 * Internal to the Windows backend: the one Win32 error translation, and
 * turning a parsed name into the path the W functions take.
 */
#ifndef MAILSLOT_WIN_H
#define MAILSLOT_WIN_H

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include "name.h"

/*
 * The largest message the library writes (see README, "Limits").  Windows
 * itself has no limit for local slots; the cap is the same as the POSIX
 * emulation's, so a program behaves the same on both.
 */
#define MAILSLOT__WIN_MAX_MESSAGE (256u * 1024u)

/* Room for a path: "\\" + host + "\mailslot\" + path, in UTF-16 units. */
#define MAILSLOT__WIN_PATH_MAX (MAILSLOT__NAME_MAX + 16)

/* What the failing call was doing; some errors mean different things. */
enum mailslot__win_op {
    MAILSLOT__OP_CREATE,
    MAILSLOT__OP_OPEN,
    MAILSLOT__OP_READ,
    MAILSLOT__OP_WRITE,
    MAILSLOT__OP_OTHER
};

/*
 * Translate the Win32 error ERR, raised by operation OP, to a library
 * error code and record it as the last OS error.  The only place the
 * backend maps Win32 errors.
 */
int mailslot__win_fail(DWORD err, enum mailslot__win_op op);

/* The UTF-16 path of NAME ("\\.\mailslot\a\b", "\\host\mailslot\x"). */
int mailslot__win_path(const mailslot__name *name, WCHAR *out, size_t cap);

#endif
