/*
 * The reader's watcher thread: the only one that waits on the slot (see
 * reader.c for why), and what posts window messages when mail arrives.
 */
#include <string.h>

#include "mailslot.h"
#include "platform.h"
#include "reader.h"

/* The next message in the slot itself: its size, or -1 for none. */
int64_t
mailslot__win_slot_next(struct mailslot_reader *r, DWORD *count)
{
    /* Windows says "none" with its own MAILSLOT_NO_MESSAGE, (DWORD)-1. */
    DWORD next = (DWORD)-1, n = 0;

    if (!GetMailslotInfo(r->slot, NULL, &next, &n, NULL))
        return -1;
    if (count != NULL)
        *count = n;
    return next == (DWORD)-1 ? -1 : (int64_t)next;
}

/*
 * Take in the watcher's read if it has completed (lock held).  Called by
 * whoever looks first, so a message the watcher has already received is
 * never overtaken by a later one read straight from the slot.
 */
void
mailslot__win_reap(struct mailslot_reader *r)
{
    DWORD n = 0;

    if (!r->in_wait || !HasOverlappedIoCompleted(&r->wov))
        return;
    r->in_wait = 0;
    r->pending = 0;
    if (GetOverlappedResult(r->slot, &r->wov, &n, FALSE)) {
        r->held = 1;
        r->held_len = n;
        r->notify_due = 1;
    }
    /* Otherwise: a message too big for wbuf (still queued in the slot),
     * a cancelled read, or Wine's failure on an empty message. */
}

/*
 * What is queued, the held message first (lock held): the size of the
 * next message (-1 for none) and in *COUNT the number of messages.
 */
/*
 * Make sure no message is in flight to the watcher (lock held).  Windows
 * completes the watcher's read when the writer writes, but hands over the
 * result only when the watcher's thread next runs; so before saying "no
 * message" a read or info() cancels a pending read and collects it: a
 * message whose write has returned is then always seen.  The watcher
 * issues its read again.  (Wine completes reads inside ReadFile, where
 * they cannot be cancelled; there pending is never set, and a read that
 * times out waits SYNC_GRACE_MS more for the watcher instead.)
 */
void
mailslot__win_flush(struct mailslot_reader *r)
{
    DWORD n = 0;

    mailslot__win_reap(r);
    if (!r->pending)
        return;
    CancelIoEx(r->slot, &r->wov);
    if (GetOverlappedResult(r->slot, &r->wov, &n, TRUE)) {
        r->held = 1;
        r->held_len = n;
        r->notify_due = 1;
    }
    r->in_wait = 0;
    r->pending = 0;
    SetEvent(r->consumed_ev);
}

int64_t
mailslot__win_queued(struct mailslot_reader *r, DWORD *count)
{
    DWORD n = 0;
    int64_t next = mailslot__win_slot_next(r, &n);

    /* Wine 8 counts an empty message as 0; a next message is one. */
    if (next >= 0 && n == 0)
        n = 1;
    *count = n + (r->held ? 1 : 0);
    return r->held ? (int64_t)r->held_len : next;
}

static void
post_notification(struct mailslot_reader *r, DWORD count)
{
    if (r->notify_hwnd == NULL || !r->notify_due)
        return;
    r->notify_due = 0;
    PostMessageW(r->notify_hwnd, r->notify_msg, (WPARAM)count, (LPARAM)r);
}

/*
 * Issue the watcher's read and wait for it to finish (lock not held).
 * Returns its result; *N gets the size of the message read.
 */
static BOOL
watch_read(struct mailslot_reader *r, DWORD *n)
{
    HANDLE hs[2];

    hs[0] = r->io_ev;
    hs[1] = r->close_ev;
    *n = 0;
    if (ReadFile(r->slot, r->wbuf, WATCH_BUF, n, &r->wov))
        return TRUE;
    if (GetLastError() != ERROR_IO_PENDING)
        return FALSE;
    EnterCriticalSection(&r->mu);
    r->pending = r->in_wait;
    LeaveCriticalSection(&r->mu);
    if (WaitForMultipleObjects(2, hs, FALSE, INFINITE) != WAIT_OBJECT_0)
        CancelIoEx(r->slot, &r->wov);
    return GetOverlappedResult(r->slot, &r->wov, n, TRUE);
}

DWORD WINAPI
mailslot__win_watch_main(void *arg)
{
    struct mailslot_reader *r = arg;
    HANDLE hs[2];
    DWORD count, n;
    BOOL ok;

    hs[0] = r->consumed_ev;
    hs[1] = r->close_ev;
    EnterCriticalSection(&r->mu);
    while (!r->life.closed) {
        if (mailslot__win_queued(r, &count) >= 0) {
            SetEvent(r->ready_ev);
            post_notification(r, count);
            LeaveCriticalSection(&r->mu);
            WaitForMultipleObjects(2, hs, FALSE, INFINITE);
            EnterCriticalSection(&r->mu);
            continue;
        }
        ResetEvent(r->ready_ev);
        ResetEvent(r->io_ev);
        memset(&r->wov, 0, sizeof r->wov);
        r->wov.hEvent = r->io_ev;
        /* Wine fills the result in only when its read returns. */
        r->wov.Internal = (ULONG_PTR)STATUS_PENDING;
        r->in_wait = 1;
        LeaveCriticalSection(&r->mu);
        ok = watch_read(r, &n);
        EnterCriticalSection(&r->mu);
        /* Unless a read has already taken the result in (reap). */
        if (r->in_wait) {
            r->in_wait = 0;
            r->pending = 0;
            r->held = ok;
            r->held_len = n;
            r->notify_due = 1;
            /* A failure (Wine's on an empty message): do not spin. */
            if (!ok && !r->life.closed) {
                LeaveCriticalSection(&r->mu);
                WaitForSingleObject(r->close_ev, 10);
                EnterCriticalSection(&r->mu);
            }
        }
    }
    LeaveCriticalSection(&r->mu);
    return 0;
}

/* Write one byte to our own slot: wakes a watcher blocked in ReadFile. */
static void
poke(struct mailslot_reader *r)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE };
    HANDLE h = CreateFileW(r->path, GENERIC_WRITE,
        FILE_SHARE_READ | FILE_SHARE_WRITE, &sa, OPEN_EXISTING, 0, NULL);
    DWORD n;

    if (h == INVALID_HANDLE_VALUE)
        return;
    WriteFile(h, "", 1, &n, NULL);
    CloseHandle(h);
}

void
mailslot__win_stop_watcher(struct mailslot_reader *r)
{
    if (r->thread == NULL)
        return;
    CancelIoEx(r->slot, &r->wov);
    while (WaitForSingleObject(r->thread, 50) == WAIT_TIMEOUT)
        poke(r);
    CloseHandle(r->thread);
    r->thread = NULL;
}

