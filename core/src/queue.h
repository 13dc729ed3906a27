/*
 * Internal: the reader's own FIFO of whole messages, a growable byte ring
 * of [4-byte length][payload] records.  Pure memory, no locking: the
 * backend holds its lock around every call.  In steady state (the ring
 * big enough for the traffic) it allocates nothing per message.
 */
#ifndef MAILSLOT_QUEUE_H
#define MAILSLOT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mailslot__queue {
    unsigned char *buf;
    size_t cap;      /* bytes allocated */
    size_t head;     /* offset of the oldest record */
    size_t used;     /* bytes of records, headers included */
    size_t peak;     /* most bytes used since the ring was last empty */
    size_t count;    /* messages queued */
    uint64_t bytes;  /* payload bytes queued */
} mailslot__queue;

void mailslot__queue_init(mailslot__queue *q);
void mailslot__queue_free(mailslot__queue *q);
/* Append a copy of DATA; MAILSLOT_ENOMEM if the ring cannot grow. */
int mailslot__queue_push(mailslot__queue *q, const void *data, size_t len);
/*
 * Append DATA with META (the relay's origin header, 1..65535 bytes) kept
 * next to it.  The record's length word gets a flag bit, so messages
 * without metadata are stored and read exactly as before.
 */
int mailslot__queue_push_meta(mailslot__queue *q, const void *meta,
    size_t mlen, const void *data, size_t len);
/* Size of the oldest message, or -1 when empty. */
int64_t mailslot__queue_peek(const mailslot__queue *q);
/* Copy the oldest message to OUT (at least its size) and drop it. */
size_t mailslot__queue_pop(mailslot__queue *q, void *out);
/*
 * Like mailslot__queue_pop(), and copy the oldest message's metadata to
 * META (CAP bytes); *MLEN gets its size, 0 when it has none.
 */
size_t mailslot__queue_pop_meta(mailslot__queue *q, void *out, void *meta,
    size_t cap, size_t *mlen);
/* Drop everything and give large rings back to the allocator. */
void mailslot__queue_clear(mailslot__queue *q);

#endif
