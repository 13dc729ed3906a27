/*
 * The one Win32 error translation of the Windows backend, and the pieces
 * both the reader and the writer need: the UTF-16 path of a name and the
 * platform constants.
 */
#include "mailslot.h"
#include "platform.h"
#include "win.h"

/* Windows 11 24H2 and Server 2025 disable remote mailslots with this. */
#ifndef ERROR_REMOTE_MAILSLOTS_DEPRECATED
#define ERROR_REMOTE_MAILSLOTS_DEPRECATED 3025L
#endif

/* Errors whose meaning depends on the operation that raised them. */
static int
by_operation(DWORD err, enum mailslot__win_op op)
{
    switch (err) {
    case ERROR_PATH_NOT_FOUND:
        /* Creating: the name is not a mailslot name Windows accepts. */
        return op == MAILSLOT__OP_CREATE ? MAILSLOT_ENAME
                                         : MAILSLOT_ENOTFOUND;
    case ERROR_INVALID_PARAMETER:
        /* Windows refuses a write over the slot's maximum size so. */
        return op == MAILSLOT__OP_WRITE ? MAILSLOT_ETOOBIG : MAILSLOT_EINVAL;
    case ERROR_BAD_NETPATH:
        /* Over 424 bytes to a domain or to "*" fails with this. */
        return op == MAILSLOT__OP_WRITE ? MAILSLOT_ETOOBIG
                                        : MAILSLOT_ENETWORK;
    case ERROR_BROKEN_PIPE:
    case ERROR_NO_DATA:
    case ERROR_PIPE_NOT_CONNECTED:
    case ERROR_HANDLE_EOF:
        /* A write to a slot whose reader has gone; a read never sees
         * these on Windows (Wine 8 fails empty messages with 109). */
        return op == MAILSLOT__OP_WRITE ? MAILSLOT_EGONE : MAILSLOT_EOS;
    default:
        return MAILSLOT_EOS;
    }
}

int
mailslot__win_fail(DWORD err, enum mailslot__win_op op)
{
    int code;

    switch (err) {
    case ERROR_FILE_NOT_FOUND:
        code = MAILSLOT_ENOTFOUND;
        break;
    case ERROR_INVALID_NAME:
    case ERROR_BAD_PATHNAME:
    case ERROR_FILENAME_EXCED_RANGE:
        code = MAILSLOT_ENAME;
        break;
    case ERROR_ALREADY_EXISTS:
    case ERROR_FILE_EXISTS:
        code = MAILSLOT_EEXISTS;
        break;
    case ERROR_SEM_TIMEOUT:
    case WAIT_TIMEOUT:
        code = MAILSLOT_ETIMEOUT;
        break;
    case ERROR_INSUFFICIENT_BUFFER:
    case ERROR_MORE_DATA:
        code = MAILSLOT_EBUFFER;
        break;
    case ERROR_ACCESS_DENIED:
    case ERROR_SHARING_VIOLATION:
        code = MAILSLOT_EACCESS;
        break;
    case ERROR_NOT_ENOUGH_MEMORY:
    case ERROR_OUTOFMEMORY:
    case ERROR_NO_SYSTEM_RESOURCES:
        code = MAILSLOT_ENOMEM;
        break;
    case ERROR_OPERATION_ABORTED:
        code = MAILSLOT_ECLOSED;
        break;
    case ERROR_TOO_MANY_OPEN_FILES:
        code = MAILSLOT_EFILES;
        break;
    case ERROR_REMOTE_MAILSLOTS_DEPRECATED:
        code = MAILSLOT_EREMOTEOFF;
        break;
    case ERROR_BAD_NET_NAME:
    case ERROR_NETNAME_DELETED:
    case ERROR_REM_NOT_LIST:
    case ERROR_NO_NETWORK:
    case ERROR_NETWORK_UNREACHABLE:
    case ERROR_HOST_UNREACHABLE:
        code = MAILSLOT_ENETWORK;
        break;
    default:
        code = by_operation(err, op);
        break;
    }
    return mailslot__err(code, (int)err);
}

int
mailslot__win_path(const mailslot__name *name, WCHAR *out, size_t cap)
{
    /* The canonical form, so two names equal by our rules (which follow
     * Windows' upper-casing) always reach the same kernel object. */
    int n = MultiByteToWideChar(CP_UTF8, MB_ERR_INVALID_CHARS,
        name->canonical, -1, out, (int)cap);

    if (n <= 0)
        return mailslot__win_fail(GetLastError(), MAILSLOT__OP_OTHER);
    return 0;
}

size_t
mailslot__plat_max_message(void)
{
    return MAILSLOT__WIN_MAX_MESSAGE;
}

/* Windows has no documented way to enumerate mailslots. */
int
mailslot__plat_list(char **out, size_t *count)
{
    (void)out;
    *count = 0;
    return MAILSLOT_ENOTSUP;
}
