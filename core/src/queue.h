/*
 * Internal: the reader's own FIFO of whole messages, a list of chunks of
 * [length][metadata length][metadata][message] records.  Pure memory, no locking: the
 * backend holds its lock around every call.
 *
 * Emptied chunks are kept for reuse, so a FIFO that fills and drains again
 * and again allocates nothing and touches no fresh memory: growth never
 * copies, and the pages of a chunk are faulted in once per reader, not
 * once per fill.  Chunk memory comes from the backend
 * (mailslot__plat_chunk_alloc), which may back the large ones with huge
 * pages.
 */
#ifndef MAILSLOT_QUEUE_H
#define MAILSLOT_QUEUE_H

#include <stddef.h>
#include <stdint.h>

typedef struct mailslot__chunk mailslot__chunk;

typedef struct mailslot__queue {
    mailslot__chunk *first;  /* oldest records; NULL when none */
    mailslot__chunk *last;   /* where records are appended */
    mailslot__chunk *spare;  /* emptied chunks kept for reuse */
    size_t held;     /* bytes of chunks allocated, spares included */
    size_t in_use;   /* bytes of chunks on the first..last list */
    size_t peak;     /* most in_use since the FIFO was last empty */
    unsigned small_fills; /* fills in a row that used under a quarter */
    size_t count;    /* messages queued */
    uint64_t bytes;  /* payload bytes queued */
} mailslot__queue;

void mailslot__queue_init(mailslot__queue *q);
/* Give every chunk back; the FIFO is empty and usable again. */
void mailslot__queue_free(mailslot__queue *q);
/* Append a copy of DATA; MAILSLOT_ENOMEM if no chunk can be had. */
int mailslot__queue_push(mailslot__queue *q, const void *data, size_t len);
/* Append DATA with META (the relay's origin header) kept next to it. */
int mailslot__queue_push_meta(mailslot__queue *q, const void *meta,
    size_t mlen, const void *data, size_t len);
/*
 * Receiving straight into the FIFO: contiguous free space at its end for
 * one record, at least MIN bytes (a fresh chunk is started when the tail
 * one has less); *ROOM gets its size.  Returns NULL only when no chunk
 * can be had.  The space is the caller's until the next call that changes
 * the FIFO; mailslot__queue_commit() turns its first MLEN + LEN bytes,
 * metadata then message, into a record.
 */
void *mailslot__queue_reserve(mailslot__queue *q, size_t min, size_t *room);
void mailslot__queue_commit(mailslot__queue *q, size_t mlen, size_t len);
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

#endif
