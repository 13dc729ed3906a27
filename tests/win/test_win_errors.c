/*
 * The one Win32 error translation of the Windows backend (oserr.c), for
 * the errors Wine cannot produce on demand: above all 3025, remote
 * mailslots disabled (Windows 11 24H2, Server 2025), whose message must
 * name the setting that enables them.
 */
#include <stdio.h>
#include <string.h>

#include "mailslot.h"
#include "platform.h"
#include "testlib.h"
#include "win/win.h"

/* The backend returns the code with the Windows error packed beside it;
 * the public boundary (mailslot__public()) hands out the code and records
 * the Windows error for mailslot_last_os_error(). */
static void
check_map(DWORD err, enum mailslot__win_op op, int want)
{
    int packed = mailslot__win_fail(err, op);
    int got = mailslot__public(packed);

    if (got != want)
        fprintf(stderr, "Win32 error %lu (op %d): %s, expected %s\n",
            (unsigned long)err, (int)op, mailslot_errname(got),
            mailslot_errname(want));
    CHECK_EQ(got, want);
    CHECK_EQ(mailslot__code(packed), want);
    CHECK_EQ(mailslot_last_os_error(), (int)err);
}

int
main(void)
{
    const char *msg;

    check_map(3025, MAILSLOT__OP_OPEN, MAILSLOT_EREMOTEOFF);
    check_map(3025, MAILSLOT__OP_WRITE, MAILSLOT_EREMOTEOFF);
    msg = mailslot_strerror(MAILSLOT_EREMOTEOFF);
    CHECK(strstr(msg, "Set-SmbClientConfiguration -EnableMailslots $true")
        != NULL);
    CHECK(strstr(msg, "Enable remote mailslots") != NULL);
    CHECK_STR(mailslot_errname(MAILSLOT_EREMOTEOFF), "remote_disabled");

    check_map(ERROR_FILE_NOT_FOUND, MAILSLOT__OP_OPEN, MAILSLOT_ENOTFOUND);
    check_map(ERROR_PATH_NOT_FOUND, MAILSLOT__OP_OPEN, MAILSLOT_ENOTFOUND);
    check_map(ERROR_PATH_NOT_FOUND, MAILSLOT__OP_CREATE, MAILSLOT_ENAME);
    check_map(ERROR_INVALID_NAME, MAILSLOT__OP_CREATE, MAILSLOT_ENAME);
    check_map(ERROR_ALREADY_EXISTS, MAILSLOT__OP_CREATE, MAILSLOT_EEXISTS);
    check_map(ERROR_SEM_TIMEOUT, MAILSLOT__OP_READ, MAILSLOT_ETIMEOUT);
    check_map(ERROR_INSUFFICIENT_BUFFER, MAILSLOT__OP_READ,
        MAILSLOT_EBUFFER);
    check_map(ERROR_ACCESS_DENIED, MAILSLOT__OP_WRITE, MAILSLOT_EACCESS);
    check_map(ERROR_INVALID_PARAMETER, MAILSLOT__OP_WRITE, MAILSLOT_ETOOBIG);
    check_map(ERROR_INVALID_PARAMETER, MAILSLOT__OP_OPEN, MAILSLOT_EINVAL);
    check_map(ERROR_BAD_NETPATH, MAILSLOT__OP_WRITE, MAILSLOT_ETOOBIG);
    check_map(ERROR_BAD_NETPATH, MAILSLOT__OP_OPEN, MAILSLOT_ENETWORK);
    check_map(ERROR_BROKEN_PIPE, MAILSLOT__OP_WRITE, MAILSLOT_EGONE);
    check_map(ERROR_HANDLE_EOF, MAILSLOT__OP_WRITE, MAILSLOT_EGONE);
    check_map(ERROR_BROKEN_PIPE, MAILSLOT__OP_READ, MAILSLOT_EOS);
    check_map(ERROR_OPERATION_ABORTED, MAILSLOT__OP_READ, MAILSLOT_ECLOSED);
    check_map(ERROR_NOT_ENOUGH_MEMORY, MAILSLOT__OP_CREATE,
        MAILSLOT_ENOMEM);
    check_map(ERROR_GEN_FAILURE, MAILSLOT__OP_WRITE, MAILSLOT_EOS);
    return testlib_finish();
}
