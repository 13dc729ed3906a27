/*
 * The reader's FIFO: a byte ring of length-prefixed records.  Records may
 * wrap around the end of the buffer; the copy helpers split them.
 */
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "queue.h"

#define HDR 4u
#define INITIAL_CAP 4096u
/* Rings grown past this are returned to the allocator once empty. */
#define SHRINK_CAP (1024u * 1024u)

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

int
mailslot__queue_push(mailslot__queue *q, const void *data, size_t len)
{
    unsigned char hdr[HDR];
    int rc;

    if (len > UINT32_MAX || len > SIZE_MAX - HDR)
        return MAILSLOT_ETOOBIG;
    if (q->cap - q->used < len + HDR) {
        rc = grow(q, len + HDR);
        if (rc != 0)
            return rc;
    }
    hdr[0] = (unsigned char)(len & 0xff);
    hdr[1] = (unsigned char)((len >> 8) & 0xff);
    hdr[2] = (unsigned char)((len >> 16) & 0xff);
    hdr[3] = (unsigned char)((len >> 24) & 0xff);
    ring_write(q, q->head + q->used, hdr, HDR);
    ring_write(q, q->head + q->used + HDR, data, len);
    q->used += len + HDR;
    q->count++;
    q->bytes += len;
    return 0;
}

int64_t
mailslot__queue_peek(const mailslot__queue *q)
{
    unsigned char hdr[HDR];

    if (q->count == 0)
        return -1;
    ring_read(q, q->head, hdr, HDR);
    return (int64_t)((uint32_t)hdr[0] | (uint32_t)hdr[1] << 8 |
        (uint32_t)hdr[2] << 16 | (uint32_t)hdr[3] << 24);
}

size_t
mailslot__queue_pop(mailslot__queue *q, void *out)
{
    size_t len = (size_t)mailslot__queue_peek(q);

    ring_read(q, q->head + HDR, out, len);
    q->head = (q->head + HDR + len) % q->cap;
    q->used -= HDR + len;
    q->count--;
    q->bytes -= len;
    if (q->count == 0) {
        /* Start over at the front so later records stay contiguous. */
        q->head = 0;
        if (q->cap > SHRINK_CAP)
            mailslot__queue_free(q);
    }
    return len;
}

void
mailslot__queue_clear(mailslot__queue *q)
{
    mailslot__queue_free(q);
}
