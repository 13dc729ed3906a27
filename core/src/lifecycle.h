/*
 * The part of a reader's life both backends share (lifecycle.c): the
 * calls in progress and "closed", and what a read that found nothing
 * does next.  The fields are guarded by the backend's lock, which every
 * function here expects to be held; waking whoever waits (a condition
 * variable on each platform) stays with the backend.
 *
 *   OPEN --close()--> CLOSING (closed = 1, busy > 0) --last leave--> CLOSED
 *
 * Invariant: busy counts the calls between a successful enter and their
 * leave; close() sets closed, wakes every sleeping call, and frees
 * nothing until busy is 0.
 */
#ifndef MAILSLOT_LIFECYCLE_H
#define MAILSLOT_LIFECYCLE_H

#include <stdint.h>

#include "mailslot.h"

typedef struct mailslot__life {
    int closed;
    int busy;           /* calls in progress (close waits for them) */
    int32_t timeout_ms; /* the reader's default read timeout */
} mailslot__life;

/* Start a call: 0 (busy counted), or MAILSLOT_ECLOSED. */
int mailslot__life_enter(mailslot__life *l);
/* End a call: 1 when it was the last one of a closing reader, whose
 * close() the caller must now wake. */
int mailslot__life_leave(mailslot__life *l);

/*
 * The absolute deadline (mailslot__now_ms()) of a read with TIMEOUT_MS
 * (MAILSLOT_TIMEOUT_DEFAULT: the reader's), or -1 for none.
 */
int64_t mailslot__read_deadline(const mailslot__life *l, int32_t timeout_ms);
/*
 * A read found no message: MAILSLOT_ECLOSED, MAILSLOT_ETIMEOUT once
 * DEADLINE has passed, or 0 to wait (until DEADLINE, or a wake-up).
 */
int mailslot__read_verdict(const mailslot__life *l, int64_t deadline);

/* Set ORIGIN (if not NULL; its size is already checked) to "a local
 * writer". */
void mailslot__origin_local(mailslot_origin *origin);

#endif
