/*
 * Internal to the Windows backend: the reader's state, shared by reader.c
 * (the calls) and watch.c (the watcher thread; see reader.c for the
 * design).  Every field is guarded by MU unless said otherwise.
 */
#ifndef MAILSLOT_WIN_READER_H
#define MAILSLOT_WIN_READER_H

#include <stdint.h>

#include "mailslot.h"
#include "lifecycle.h"
#include "win.h"

/* The watcher's stack, and its buffer: one message of the largest size. */
#define WATCH_STACK (64u * 1024u)
#define WATCH_BUF MAILSLOT__WIN_MAX_MESSAGE

struct mailslot_reader {
    CRITICAL_SECTION mu;
    CONDITION_VARIABLE idle_cv; /* no call is in progress any more */
    HANDLE slot;
    HANDLE close_ev;    /* manual reset: the reader is closing */
    HANDLE ready_ev;    /* manual reset: a message is queued */
    HANDLE consumed_ev; /* auto reset: a read took a message */
    HANDLE io_ev;       /* manual reset: the watcher's read completed */
    HANDLE read_ev;     /* manual reset: for reads of a queued message */
    HANDLE thread;
    OVERLAPPED wov;     /* the watcher's read */
    unsigned char *wbuf;
    DWORD held_len;
    int held;           /* wbuf holds the oldest queued message */
    int in_wait;        /* the watcher's read is issued, not yet reaped */
    int pending;        /* ... and Windows said ERROR_IO_PENDING */
    mailslot__life life; /* closed, calls in progress, read timeout */
    HWND notify_hwnd;
    UINT notify_msg;
    int notify_due;     /* post at the next sight of a queued message */
    uint32_t max_size;
    int32_t encoding;    /* MAILSLOT_ENC_* for text reads (options) */
    WCHAR path[MAILSLOT__WIN_PATH_MAX];
    char display[MAILSLOT__NAME_MAX + 1];
};

/* The next message in the slot itself: its size, or -1; *COUNT (if not
 * NULL) what GetMailslotInfo counts. */
int64_t mailslot__win_slot_next(struct mailslot_reader *r, DWORD *count);
/* Take in the watcher's read if it has completed (lock held). */
void mailslot__win_reap(struct mailslot_reader *r);
/* Reap, and collect a pending read at once (lock held). */
void mailslot__win_flush(struct mailslot_reader *r);
/* Next message size (-1 none), *COUNT queued messages (lock held). */
int64_t mailslot__win_queued(struct mailslot_reader *r, DWORD *count);
/* The watcher thread. */
DWORD WINAPI mailslot__win_watch_main(void *arg);
/* End the watcher thread (reader closed, lock not held). */
void mailslot__win_stop_watcher(struct mailslot_reader *r);

#endif
