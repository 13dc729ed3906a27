/*
 * The Windows writer: CreateFileW on the slot's path and one WriteFile per
 * message, which Windows delivers whole or not at all.
 *
 * The handle is overlapped so that a write can be given up after the
 * write timeout: Windows never makes a writer wait, but Wine 8 does once
 * about 90 messages are queued, and a write must not hang for ever.
 * Writes on one writer are serialised, as they share one event.
 */
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "platform.h"
#include "win.h"

struct mailslot_writer {
    CRITICAL_SECTION mu;
    HANDLE h;
    HANDLE ev;
    int closed;
    uint32_t max_size; /* the reader's, when Windows tells us; 0 = any */
    int32_t timeout_ms;
};

static void
writer_discard(struct mailslot_writer *w)
{
    if (w->h != INVALID_HANDLE_VALUE)
        CloseHandle(w->h);
    if (w->ev != NULL)
        CloseHandle(w->ev);
    DeleteCriticalSection(&w->mu);
    free(w);
}

static int
open_slot(struct mailslot_writer *w, const mailslot__name *name)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE };
    WCHAR path[MAILSLOT__WIN_PATH_MAX];
    DWORD max = 0;
    int rc = mailslot__win_path(name, path, MAILSLOT__WIN_PATH_MAX);

    if (rc != 0)
        return rc;
    w->ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (w->ev == NULL)
        return mailslot__win_fail(GetLastError(), MAILSLOT__OP_OPEN);
    /* Sharing read and write lets any number of writers coexist, on
     * every Windows version (and on Wine). */
    w->h = CreateFileW(path, GENERIC_WRITE,
        FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING,
        FILE_FLAG_OVERLAPPED, NULL);
    if (w->h == INVALID_HANDLE_VALUE)
        return mailslot__win_fail(GetLastError(), MAILSLOT__OP_OPEN);
    /* Windows 8 and later answer this on a writer's handle too, so the
     * size check happens before anything is sent. */
    if (name->kind == MAILSLOT_NAME_LOCAL &&
        GetMailslotInfo(w->h, &max, NULL, NULL, NULL) && max != MAXDWORD)
        w->max_size = max;
    return 0;
}

int
mailslot__plat_open(const mailslot__name *name,
    const mailslot_options *opts, mailslot_writer **out)
{
    struct mailslot_writer *w = calloc(1, sizeof *w);
    int rc;

    if (w == NULL)
        return mailslot__win_fail(ERROR_NOT_ENOUGH_MEMORY,
            MAILSLOT__OP_OPEN);
    InitializeCriticalSection(&w->mu);
    w->h = INVALID_HANDLE_VALUE;
    w->timeout_ms = opts->write_timeout_ms;
    rc = open_slot(w, name);
    if (rc != 0) {
        writer_discard(w);
        return rc;
    }
    *out = w;
    return 0;
}

/* Wait for a pending write up to the write timeout, else give it up. */
static BOOL
finish_write(struct mailslot_writer *w, OVERLAPPED *ov, DWORD *n)
{
    int32_t timeout = InterlockedCompareExchange(
        (volatile LONG *)&w->timeout_ms, 0, 0);
    DWORD ms = timeout < 0 ? INFINITE : (DWORD)timeout;

    if (WaitForSingleObject(w->ev, ms) != WAIT_OBJECT_0)
        CancelIoEx(w->h, ov);
    if (GetOverlappedResult(w->h, ov, n, TRUE))
        return TRUE;
    if (GetLastError() == ERROR_OPERATION_ABORTED)
        SetLastError(WAIT_TIMEOUT);
    return FALSE;
}

static int
write_locked(struct mailslot_writer *w, const void *data, size_t len)
{
    OVERLAPPED ov;
    DWORD n = 0;
    BOOL ok;

    memset(&ov, 0, sizeof ov);
    ov.hEvent = w->ev;
    ok = WriteFile(w->h, len > 0 ? data : "", (DWORD)len, &n, &ov);
    if (!ok && GetLastError() == ERROR_IO_PENDING)
        ok = finish_write(w, &ov, &n);
    if (!ok) {
        /* A write the timeout gave up on: the queue stayed full. */
        if (GetLastError() == WAIT_TIMEOUT)
            return mailslot__err(MAILSLOT_EFULL, WAIT_TIMEOUT);
        return mailslot__win_fail(GetLastError(), MAILSLOT__OP_WRITE);
    }
    if (n != len)
        return MAILSLOT_EOS;
    return 0;
}

int
mailslot__plat_write(mailslot_writer *w, const void *data, size_t len)
{
    int rc;

    EnterCriticalSection(&w->mu);
    if (w->closed) {
        rc = MAILSLOT_ECLOSED;
    } else if (len > MAILSLOT__WIN_MAX_MESSAGE ||
               (w->max_size != 0 && len > w->max_size)) {
        rc = MAILSLOT_ETOOBIG;
    } else {
        rc = write_locked(w, data, len);
    }
    LeaveCriticalSection(&w->mu);
    return rc;
}

void
mailslot__plat_writer_set_timeout(mailslot_writer *w, int32_t timeout_ms)
{
    InterlockedExchange((volatile LONG *)&w->timeout_ms, timeout_ms);
}

int32_t
mailslot__plat_writer_timeout(mailslot_writer *w)
{
    return InterlockedCompareExchange((volatile LONG *)&w->timeout_ms, 0, 0);
}

void
mailslot__plat_writer_close(mailslot_writer *w)
{
    EnterCriticalSection(&w->mu);
    if (!w->closed) {
        w->closed = 1;
        CloseHandle(w->h);
        w->h = INVALID_HANDLE_VALUE;
    }
    LeaveCriticalSection(&w->mu);
}

void
mailslot__plat_writer_free(mailslot_writer *w)
{
    mailslot__plat_writer_close(w);
    writer_discard(w);
}
