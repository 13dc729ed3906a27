/*
 * The reader's FIFO: a byte ring of length-prefixed records.  Records may
 * wrap around the end of the buffer; the copy helpers split them.
 */
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "queue.h"

#define HDR 4u
/* In a record's length word: a 2-byte metadata length and the metadata
 * follow the word, before the message. */
#define META_FLAG 0x80000000u
#define META_HDR 2u
#define INITIAL_CAP 4096u
/* Rings up to this size are kept for the reader's lifetime: one turn of
 * the drain thread with the largest messages fits, so steady traffic never
 * reallocates.  Larger ones may be given back once empty. */
#define SHRINK_CAP (4u * 1024u * 1024u)

void
mailslot__queue_init(mailslot__queue *q)
{
    memset(q, 0, sizeof *q);
}

void
mailslot__queue_free(mailslot__queue *q)
{
    free(q->buf);
    mailslot__queue_init(q);
}

static void
ring_write(mailslot__queue *q, size_t at, const void *src, size_t n)
{
    size_t pos, first;

    if (n == 0)
        return;
    pos = at % q->cap;
    first = q->cap - pos < n ? q->cap - pos : n;
    memcpy(q->buf + pos, src, first);
    memcpy(q->buf, (const unsigned char *)src + first, n - first);
}

static void
ring_read(const mailslot__queue *q, size_t at, void *dst, size_t n)
{
    size_t pos, first;

    if (n == 0)
        return;
    pos = at % q->cap;
    first = q->cap - pos < n ? q->cap - pos : n;
    memcpy(dst, q->buf + pos, first);
    memcpy((unsigned char *)dst + first, q->buf, n - first);
}

/* Make room for NEED more bytes, moving the records to the front. */
static int
grow(mailslot__queue *q, size_t need)
{
    size_t cap = q->cap > 0 ? q->cap : INITIAL_CAP;
    unsigned char *buf;

    while (cap - q->used < need) {
        if (cap > SIZE_MAX / 2)
            return MAILSLOT_ENOMEM;
        cap *= 2;
    }
    buf = malloc(cap);
    if (buf == NULL)
        return MAILSLOT_ENOMEM;
    if (q->used > 0)
        ring_read(q, q->head, buf, q->used);
    free(q->buf);
    q->buf = buf;
    q->cap = cap;
    q->head = 0;
    return 0;
}

static int
push_record(mailslot__queue *q, const void *meta, size_t mlen,
    const void *data, size_t len)
{
    size_t extra = mlen > 0 ? META_HDR + mlen : 0, at;
    uint32_t word = (uint32_t)len | (mlen > 0 ? META_FLAG : 0);
    unsigned char hdr[HDR + META_HDR];
    int rc;

    if (len >= META_FLAG || mlen > 0xffff || len > SIZE_MAX - HDR - extra)
        return MAILSLOT_ETOOBIG;
    if (q->cap - q->used < len + HDR + extra) {
        rc = grow(q, len + HDR + extra);
        if (rc != 0)
            return rc;
    }
    hdr[0] = (unsigned char)(word & 0xff);
    hdr[1] = (unsigned char)((word >> 8) & 0xff);
    hdr[2] = (unsigned char)((word >> 16) & 0xff);
    hdr[3] = (unsigned char)((word >> 24) & 0xff);
    hdr[4] = (unsigned char)(mlen & 0xff);
    hdr[5] = (unsigned char)(mlen >> 8);
    at = q->head + q->used;
    ring_write(q, at, hdr, mlen > 0 ? HDR + META_HDR : HDR);
    if (mlen > 0)
        ring_write(q, at + HDR + META_HDR, meta, mlen);
    ring_write(q, at + HDR + extra, data, len);
    q->used += len + HDR + extra;
    if (q->used > q->peak)
        q->peak = q->used;
    q->count++;
    q->bytes += len;
    return 0;
}

int
mailslot__queue_push(mailslot__queue *q, const void *data, size_t len)
{
    return push_record(q, NULL, 0, data, len);
}

int
mailslot__queue_push_meta(mailslot__queue *q, const void *meta,
    size_t mlen, const void *data, size_t len)
{
    return push_record(q, meta, mlen, data, len);
}

/* The oldest record's length word (Q not empty). */
static uint32_t
head_word(const mailslot__queue *q)
{
    unsigned char hdr[HDR];

    ring_read(q, q->head, hdr, HDR);
    return (uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
        (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24;
}

/* The oldest record's metadata length (Q not empty). */
static size_t
head_meta_len(const mailslot__queue *q)
{
    unsigned char m[META_HDR];

    if ((head_word(q) & META_FLAG) == 0)
        return 0;
    ring_read(q, q->head + HDR, m, META_HDR);
    return (size_t)m[0] | (size_t)m[1] << 8;
}

int64_t
mailslot__queue_peek(const mailslot__queue *q)
{
    if (q->count == 0)
        return -1;
    return (int64_t)(head_word(q) & ~META_FLAG);
}

size_t
mailslot__queue_pop_meta(mailslot__queue *q, void *out, void *meta,
    size_t cap, size_t *mlen)
{
    size_t ml = head_meta_len(q);

    *mlen = ml;
    if (ml > 0 && meta != NULL)
        ring_read(q, q->head + HDR + META_HDR, meta, ml < cap ? ml : cap);
    return mailslot__queue_pop(q, out);
}

size_t
mailslot__queue_pop(mailslot__queue *q, void *out)
{
    size_t len = (size_t)mailslot__queue_peek(q);
    size_t ml = head_meta_len(q);
    size_t skip = HDR + (ml > 0 ? META_HDR + ml : 0);

    ring_read(q, q->head + skip, out, len);
    q->head = (q->head + skip + len) % q->cap;
    q->used -= skip + len;
    q->count--;
    q->bytes -= len;
    if (q->count == 0) {
        /* Start over at the front so later records stay contiguous.  A
         * large ring is given back only when the burst that grew it is
         * over: the last fill used under a quarter of it.  A ring that is
         * filled and emptied again and again is kept, so steady traffic
         * allocates nothing. */
        q->head = 0;
        if (q->cap > SHRINK_CAP && q->peak < q->cap / 4)
            mailslot__queue_free(q);
        q->peak = 0;
    }
    return len;
}

void
mailslot__queue_clear(mailslot__queue *q)
{
    mailslot__queue_free(q);
}
