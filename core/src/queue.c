/*
 * The reader's FIFO: records appended to the last chunk of a list and
 * taken from the first.  A record never spans two chunks; a chunk that
 * empties goes to the spare list and is the next one appended, so steady
 * traffic reuses the same memory.
 */
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "platform.h"
#include "queue.h"

/* A record: payload length and metadata length (32 bits each, little
 * endian), the metadata, then the payload. */
#define HDR 8u
/* Chunk sizes grow with what the FIFO holds, from CHUNK_MIN to CHUNK_MAX
 * (a huge page, where the backend can have them); only a record larger
 * than CHUNK_MAX gets a larger chunk. */
#define CHUNK_MIN (64u * 1024u)
#define CHUNK_MAX (2u * 1024u * 1024u)
/* Spare chunks up to this many bytes are kept for the reader's lifetime;
 * more only while recent fills have used them (see trim()). */
#define KEEP_MIN (4u * 1024u * 1024u)
/* Fills in a row that used under a quarter of the chunks held before the
 * spares beyond KEEP_MIN are given back. */
#define TRIM_AFTER 32u

struct mailslot__chunk {
    mailslot__chunk *next;
    size_t size;   /* bytes allocated, this header included */
    size_t head;   /* offset in data of the oldest record */
    size_t tail;   /* offset in data just past the last record */
    unsigned char data[];
};

static size_t
room_of(const mailslot__chunk *c)
{
    return c->size - offsetof(mailslot__chunk, data);
}

static void
put32(unsigned char *p, size_t v)
{
    p[0] = (unsigned char)(v & 0xff);
    p[1] = (unsigned char)((v >> 8) & 0xff);
    p[2] = (unsigned char)((v >> 16) & 0xff);
    p[3] = (unsigned char)((v >> 24) & 0xff);
}

static size_t
get32(const unsigned char *p)
{
    return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
        (size_t)p[3] << 24;
}

void
mailslot__queue_init(mailslot__queue *q)
{
    memset(q, 0, sizeof *q);
}

static void
free_list(mailslot__chunk *c)
{
    mailslot__chunk *next;

    for (; c != NULL; c = next) {
        next = c->next;
        mailslot__plat_chunk_free(c, c->size);
    }
}

void
mailslot__queue_free(mailslot__queue *q)
{
    free_list(q->first);
    free_list(q->spare);
    mailslot__queue_init(q);
}

/* The size of a new chunk for a record of NEED bytes. */
static size_t
chunk_size(const mailslot__queue *q, size_t need)
{
    size_t size = CHUNK_MIN;

    /* Double with what is held, so a backlog takes few chunks. */
    while (size < CHUNK_MAX && size < q->held)
        size *= 2;
    while (size - offsetof(mailslot__chunk, data) < need) {
        if (size > SIZE_MAX / 2)
            return 0;
        size *= 2;
    }
    return size;
}

/* Append an empty chunk with room for NEED bytes, a spare if one fits. */
static mailslot__chunk *
add_chunk(mailslot__queue *q, size_t need)
{
    mailslot__chunk **p, *c = q->last;
    size_t size;

    /* The only chunk, empty but too small: retire it.  (An empty tail
     * behind records stays; it is retired when it reaches the front.) */
    if (c != NULL && c == q->first && c->head == c->tail) {
        c->next = q->spare;
        q->spare = c;
        q->first = q->last = NULL;
        q->in_use -= c->size;
    }
    for (p = &q->spare; *p != NULL; p = &(*p)->next)
        if (room_of(*p) >= need)
            break;
    c = *p;
    if (c != NULL) {
        *p = c->next;
    } else {
        size = chunk_size(q, need);
        c = size != 0 ? mailslot__plat_chunk_alloc(size) : NULL;
        if (c == NULL)
            return NULL;
        c->size = size;
        q->held += size;
    }
    c->next = NULL;
    c->head = c->tail = 0;
    if (q->last != NULL)
        q->last->next = c;
    else
        q->first = c;
    q->last = c;
    q->in_use += c->size;
    if (q->in_use > q->peak)
        q->peak = q->in_use;
    return c;
}

void *
mailslot__queue_reserve(mailslot__queue *q, size_t min, size_t *room)
{
    mailslot__chunk *c = q->last;
    size_t want;

    if (min > SIZE_MAX - HDR - 1)
        return NULL;
    want = HDR + (min > 0 ? min : 1);
    if (c != NULL && c->head == c->tail)
        c->head = c->tail = 0;
    if (c == NULL || room_of(c) - c->tail < want) {
        c = add_chunk(q, want);
        if (c == NULL)
            return NULL;
    }
    *room = room_of(c) - c->tail - HDR;
    return c->data + c->tail + HDR;
}

void
mailslot__queue_commit(mailslot__queue *q, size_t mlen, size_t len)
{
    mailslot__chunk *c = q->last;

    put32(c->data + c->tail, len);
    put32(c->data + c->tail + 4, mlen);
    c->tail += HDR + mlen + len;
    q->count++;
    q->bytes += len;
}

int
mailslot__queue_push_meta(mailslot__queue *q, const void *meta,
    size_t mlen, const void *data, size_t len)
{
    unsigned char *at;
    size_t room;

    if (len > UINT32_MAX || mlen > UINT32_MAX || len > SIZE_MAX - HDR - mlen)
        return MAILSLOT_ETOOBIG;
    at = mailslot__queue_reserve(q, mlen + len, &room);
    if (at == NULL)
        return MAILSLOT_ENOMEM;
    if (mlen > 0)
        memcpy(at, meta, mlen);
    if (len > 0)
        memcpy(at + mlen, data, len);
    mailslot__queue_commit(q, mlen, len);
    return 0;
}

int
mailslot__queue_push(mailslot__queue *q, const void *data, size_t len)
{
    return mailslot__queue_push_meta(q, NULL, 0, data, len);
}

int64_t
mailslot__queue_peek(const mailslot__queue *q)
{
    if (q->count == 0)
        return -1;
    return (int64_t)get32(q->first->data + q->first->head);
}

/*
 * The FIFO just emptied.  Spares beyond KEEP_MIN are given back only once
 * the bursts that needed them are over: TRIM_AFTER fills in a row used
 * under a quarter of what is held.  One small fill is not enough: a
 * reader that catches up often empties the FIFO after a few messages
 * (read.c takes small ones in batches), and the next burst would have to
 * allocate and fault in its chunks again.  A FIFO filled and emptied
 * again and again keeps its chunks, so steady traffic allocates nothing
 * and faults nothing in.
 */
static void
trim(mailslot__queue *q)
{
    size_t keep = q->peak * 2 > KEEP_MIN ? q->peak * 2 : KEEP_MIN;
    mailslot__chunk *c;

    if (q->held > KEEP_MIN && q->peak < q->held / 4) {
        if (++q->small_fills >= TRIM_AFTER) {
            while (q->held > keep && (c = q->spare) != NULL) {
                q->spare = c->next;
                q->held -= c->size;
                mailslot__plat_chunk_free(c, c->size);
            }
            q->small_fills = 0;
        }
    } else {
        q->small_fills = 0;
    }
    q->peak = q->in_use;
}

size_t
mailslot__queue_pop_meta(mailslot__queue *q, void *out, void *meta,
    size_t cap, size_t *mlen)
{
    mailslot__chunk *c = q->first;
    const unsigned char *rec = c->data + c->head;
    size_t len = get32(rec), ml = get32(rec + 4);

    *mlen = ml;
    if (ml > 0 && meta != NULL)
        memcpy(meta, rec + HDR, ml < cap ? ml : cap);
    if (len > 0)
        memcpy(out, rec + HDR + ml, len);
    c->head += HDR + ml + len;
    q->count--;
    q->bytes -= len;
    /* Emptied chunks become the next ones appended. */
    while (c->head == c->tail && c != q->last) {
        q->first = c->next;
        c->next = q->spare;
        q->spare = c;
        q->in_use -= c->size;
        c = q->first;
    }
    if (c->head == c->tail)
        c->head = c->tail = 0;
    if (q->count == 0)
        trim(q);
    return len;
}

size_t
mailslot__queue_pop(mailslot__queue *q, void *out)
{
    size_t mlen;

    return mailslot__queue_pop_meta(q, out, NULL, 0, &mlen);
}
