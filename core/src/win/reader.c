/*
 * The Windows reader: a native mailslot (CreateMailslotW) and one watcher
 * thread per reader.
 *
 * Windows gives no "a message is waiting" signal for a mailslot: waiting
 * means having a read outstanding.  So the watcher is the only one that
 * ever waits on the slot.  When the slot is empty it issues one overlapped
 * ReadFile; the read completes with the first message that arrives, which
 * the reader then holds ("held") as the head of the queue; everything after
 * it stays in the slot.  While messages are queued the watcher sleeps until
 * a read takes one.  Reads never wait on the slot themselves: they take the
 * held message, or ask GetMailslotInfo for the size of the next one and
 * read exactly that, or sleep on the ready event.  So per-call timeouts
 * never touch the slot's own timeout (SetMailslotInfo is never needed), and
 * closing the reader wakes every sleeper through one event.
 *
 * The same ready event is what mailslot_reader_fd() hands out, and the
 * watcher is what posts window messages (mailslot_notify_window()).
 *
 * Wine 8 completes overlapped mailslot reads synchronously and cannot
 * cancel them, so the watcher may be blocked inside ReadFile when the
 * reader closes; close then writes one byte to its own slot to wake it
 * (the classic trick), which is harmless on Windows, where the read is
 * pending and CancelIoEx ends it.
 */
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "platform.h"
#include "reader.h"

int64_t
mailslot__now_ms(void)
{
    return (int64_t)GetTickCount64();
}

size_t
mailslot__plat_error_detail(int code, char *buf, size_t cap)
{
    /* Windows' errors say what they mean (mailslot_last_os_error()). */
    (void)code;
    if (cap > 0)
        buf[0] = '\0';
    return 0;
}

/* How long a read that timed out still waits for a message the watcher
 * may be receiving inside a synchronous ReadFile (Wine; see watch.c). */
#define SYNC_GRACE_MS 10

static struct mailslot_reader *
new_reader(const mailslot__name *name, const mailslot_options *opts)
{
    struct mailslot_reader *r = calloc(1, sizeof *r);

    if (r == NULL)
        return NULL;
    r->wbuf = malloc(WATCH_BUF);
    if (r->wbuf == NULL) {
        free(r);
        return NULL;
    }
    r->slot = INVALID_HANDLE_VALUE;
    r->max_size = opts->max_message_size;
    r->life.timeout_ms = opts->read_timeout_ms;
    r->encoding = opts->encoding;
    memcpy(r->display, name->display, sizeof r->display);
    InitializeCriticalSection(&r->mu);
    InitializeConditionVariable(&r->idle_cv);
    return r;
}

static void
close_handle(HANDLE *h)
{
    if (*h != NULL && *h != INVALID_HANDLE_VALUE)
        CloseHandle(*h);
    *h = NULL;
}

static void
discard(struct mailslot_reader *r)
{
    close_handle(&r->slot);
    close_handle(&r->close_ev);
    close_handle(&r->ready_ev);
    close_handle(&r->consumed_ev);
    close_handle(&r->io_ev);
    close_handle(&r->read_ev);
    DeleteCriticalSection(&r->mu);
    free(r->wbuf);
    free(r);
}

static int
open_slot(struct mailslot_reader *r, const mailslot__name *name)
{
    SECURITY_ATTRIBUTES sa = { sizeof sa, NULL, FALSE };
    int rc = mailslot__win_path(name, r->path, MAILSLOT__WIN_PATH_MAX);

    if (rc != 0)
        return rc;
    r->close_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    r->ready_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    r->consumed_ev = CreateEventW(NULL, FALSE, FALSE, NULL);
    r->io_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    r->read_ev = CreateEventW(NULL, TRUE, FALSE, NULL);
    if (!r->close_ev || !r->ready_ev || !r->consumed_ev || !r->io_ev ||
        !r->read_ev)
        return mailslot__win_fail(GetLastError(), MAILSLOT__OP_CREATE);
    /* The watcher waits forever; reads never wait on the slot. */
    r->slot = CreateMailslotW(r->path, r->max_size, MAILSLOT_WAIT_FOREVER,
        &sa);
    if (r->slot == INVALID_HANDLE_VALUE)
        return mailslot__win_fail(GetLastError(), MAILSLOT__OP_CREATE);
    return 0;
}

int
mailslot__plat_create(const mailslot__name *name,
    const mailslot_options *opts, mailslot_reader **out)
{
    struct mailslot_reader *r;
    int rc;

    /* Windows decides who may open a mailslot by its own rules (local
     * processes may write); a group of writers is a POSIX option. */
    if (mailslot__access_parse(opts->access, NULL) ==
        MAILSLOT__ACCESS_GROUP)
        return MAILSLOT_ENOTSUP;
    r = new_reader(name, opts);
    if (r == NULL)
        return mailslot__win_fail(ERROR_NOT_ENOUGH_MEMORY,
            MAILSLOT__OP_CREATE);
    rc = open_slot(r, name);
    if (rc == 0) {
        r->thread = CreateThread(NULL, WATCH_STACK, mailslot__win_watch_main,
            r, STACK_SIZE_PARAM_IS_A_RESERVATION, NULL);
        if (r->thread == NULL)
            rc = mailslot__win_fail(GetLastError(), MAILSLOT__OP_CREATE);
    }
    if (rc != 0) {
        discard(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* Enter a call; fails when the reader is closed (lock held). */
static int
enter(struct mailslot_reader *r)
{
    return mailslot__life_enter(&r->life);
}

static void
leave(struct mailslot_reader *r)
{
    if (mailslot__life_leave(&r->life))
        WakeAllConditionVariable(&r->idle_cv);
}

/* A message was taken: wake the watcher, clear "ready" if none is left. */
static void
consumed(struct mailslot_reader *r)
{
    DWORD count;

    r->notify_due = 1;
    if (!r->in_wait && mailslot__win_queued(r, &count) < 0)
        ResetEvent(r->ready_ev);
    SetEvent(r->consumed_ev);
}

/* Read the slot's next message, of size NEXT, straight from the slot. */
static int
read_slot(struct mailslot_reader *r, int64_t next, void *buf, size_t cap,
    size_t *len)
{
    OVERLAPPED ov;
    unsigned char dummy;
    DWORD n = 0, want;

    *len = (size_t)next;
    if ((uint64_t)next > cap)
        return MAILSLOT_EBUFFER;
    /* Nobody else reads the slot now, so the message is there at once. */
    want = cap > MAXDWORD ? MAXDWORD : (DWORD)cap;
    memset(&ov, 0, sizeof ov);
    ov.hEvent = r->read_ev;
    /* An empty message is read with a 1-byte buffer: a 0-byte read means
     * "tell me the size" to some implementations (Wine). */
    if (!ReadFile(r->slot, cap > 0 ? buf : &dummy, cap > 0 ? want : 1, &n,
            &ov) &&
        (GetLastError() != ERROR_IO_PENDING ||
            !GetOverlappedResult(r->slot, &ov, &n, TRUE)))
        return mailslot__win_fail(GetLastError(), MAILSLOT__OP_READ);
    *len = n;
    consumed(r);
    return 0;
}

/*
 * Take the next message if one is available now (lock held).  Returns 0,
 * an error, or 1 when there is nothing to take yet.
 */
static int
take(struct mailslot_reader *r, void *buf, size_t cap, size_t *len)
{
    int64_t next;

    mailslot__win_reap(r);
    if (r->held) {
        *len = r->held_len;
        if (r->held_len > cap)
            return MAILSLOT_EBUFFER;
        if (r->held_len > 0)
            memcpy(buf, r->wbuf, r->held_len);
        r->held = 0;
        consumed(r);
        return 0;
    }
    /* The watcher's read gets the next message; wait for it. */
    if (r->in_wait)
        return 1;
    next = mailslot__win_slot_next(r, NULL);
    return next < 0 ? 1 : read_slot(r, next, buf, cap, len);
}

/* Sleep until "ready", close, or DEADLINE (tick count; -1 forever). */
static void
wait_ready(struct mailslot_reader *r, int64_t deadline)
{
    HANDLE hs[2];
    int64_t left = INFINITE;

    if (deadline >= 0) {
        left = deadline - (int64_t)GetTickCount64();
        if (left < 0)
            left = 0;
        if (left >= INFINITE)
            left = INFINITE - 1;
    }
    hs[0] = r->ready_ev;
    hs[1] = r->close_ev;
    /* "Ready" may be stale; the watcher sets it again when it is true. */
    ResetEvent(r->ready_ev);
    LeaveCriticalSection(&r->mu);
    WaitForMultipleObjects(2, hs, FALSE, (DWORD)left);
    EnterCriticalSection(&r->mu);
}

int
mailslot__plat_read(mailslot_reader *r, void *buf, size_t cap, size_t *len,
    int32_t timeout_ms)
{
    int64_t deadline;
    int rc, entered, graced = 0;

    EnterCriticalSection(&r->mu);
    rc = enter(r);
    entered = rc == 0;
    deadline = mailslot__read_deadline(&r->life, timeout_ms);
    while (rc == 0) {
        rc = take(r, buf, cap, len);
        if (rc != 1)
            break;
        rc = mailslot__read_verdict(&r->life, deadline);
        if (rc == MAILSLOT_ETIMEOUT && r->pending) {
            /* A message the watcher has not reaped yet is not late. */
            mailslot__win_flush(r);
            rc = 0;
        } else if (rc == MAILSLOT_ETIMEOUT && r->in_wait && !graced) {
            graced = 1;
            wait_ready(r, mailslot__now_ms() + SYNC_GRACE_MS);
            rc = 0;
        } else if (rc == 0) {
            wait_ready(r, deadline);
        }
    }
    if (entered)
        leave(r);
    LeaveCriticalSection(&r->mu);
    return rc;
}

int
mailslot__plat_info(mailslot_reader *r, mailslot_info *info)
{
    DWORD count = 0;
    int64_t next;
    int rc;

    EnterCriticalSection(&r->mu);
    rc = enter(r);
    if (rc == 0) {
        mailslot__win_flush(r);
        next = mailslot__win_queued(r, &count);
        info->max_message_size = r->max_size;
        info->next_size = next;
        info->count = count;
        info->read_timeout_ms = r->life.timeout_ms;
        leave(r);
    }
    LeaveCriticalSection(&r->mu);
    return rc;
}

int
mailslot__plat_encoding(mailslot_reader *r)
{
    return r->encoding; /* set once, at creation */
}

int
mailslot__plat_set_timeout(mailslot_reader *r, int32_t timeout_ms)
{
    int rc;

    EnterCriticalSection(&r->mu);
    rc = enter(r);
    if (rc == 0) {
        r->life.timeout_ms = timeout_ms;
        leave(r);
    }
    LeaveCriticalSection(&r->mu);
    return rc;
}

int
mailslot__plat_reader_fd(mailslot_reader *r, intptr_t *fd)
{
    int rc;

    EnterCriticalSection(&r->mu);
    rc = enter(r);
    if (rc == 0) {
        *fd = (intptr_t)r->ready_ev;
        leave(r);
    }
    LeaveCriticalSection(&r->mu);
    return rc;
}

int
mailslot__plat_notify_window(mailslot_reader *r, intptr_t hwnd,
    uint32_t msg)
{
    int rc;

    if (hwnd != 0 && !IsWindow((HWND)hwnd))
        return MAILSLOT_EINVAL;
    EnterCriticalSection(&r->mu);
    rc = enter(r);
    if (rc == 0) {
        r->notify_hwnd = (HWND)hwnd;
        r->notify_msg = msg;
        /* Messages already queued are announced at once. */
        r->notify_due = 1;
        SetEvent(r->consumed_ev);
        leave(r);
    }
    LeaveCriticalSection(&r->mu);
    return rc;
}

const char *
mailslot__plat_reader_name(const mailslot_reader *r)
{
    return r->display;
}

void
mailslot__plat_reader_close(mailslot_reader *r)
{
    EnterCriticalSection(&r->mu);
    if (r->life.closed) {
        LeaveCriticalSection(&r->mu);
        return;
    }
    r->life.closed = 1;
    r->notify_hwnd = NULL;
    /* Wake the watcher, blocked reads and event loops. */
    SetEvent(r->close_ev);
    SetEvent(r->ready_ev);
    while (r->life.busy > 0)
        SleepConditionVariableCS(&r->idle_cv, &r->mu, INFINITE);
    LeaveCriticalSection(&r->mu);
    mailslot__win_stop_watcher(r);
    /* Closing the last handle deletes the slot and its messages. */
    close_handle(&r->slot);
    r->held = 0;
    free(r->wbuf);
    r->wbuf = NULL;
}

void
mailslot__plat_reader_free(mailslot_reader *r)
{
    mailslot__plat_reader_close(r);
    discard(r);
}
