/*
 * The one place the Linux backend maps errno to the library's error
 * codes, and its clock for deadlines.
 */
#include <errno.h>
#include <time.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"

int
mailslot__os_fail(int err)
{
    int code;

    switch (err) {
    case ENOENT:
    case ECONNREFUSED:
    case ENOTDIR:
        code = MAILSLOT_ENOTFOUND;
        break;
    case EEXIST:
    case EADDRINUSE:
        code = MAILSLOT_EEXISTS;
        break;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
    case ETIMEDOUT:
        code = MAILSLOT_EFULL;
        break;
    case EMSGSIZE:
    case ENOBUFS:
        code = MAILSLOT_ETOOBIG;
        break;
    case EPIPE:
    case ENOTCONN:
    case ECONNRESET:
        code = MAILSLOT_EGONE;
        break;
    case EACCES:
    case EPERM:
    case EROFS:
        code = MAILSLOT_EACCESS;
        break;
    case ENOMEM:
        code = MAILSLOT_ENOMEM;
        break;
    case EMFILE:
    case ENFILE:
        code = MAILSLOT_EFILES;
        break;
    case EINTR:
        code = MAILSLOT_EINTR;
        break;
    case ENAMETOOLONG:
        code = MAILSLOT_EINVAL;
        break;
    case ENETUNREACH:
    case ENETDOWN:
    case EHOSTUNREACH:
    case EADDRNOTAVAIL:
        code = MAILSLOT_ENETWORK;
        break;
    default:
        code = MAILSLOT_EOS;
        break;
    }
    return mailslot__err(code, err);
}

int64_t
mailslot__now_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}
