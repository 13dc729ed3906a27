/*
 * The reader's FIFO (internal API): order and bytes across its chunks,
 * and when it gives memory back.
 */
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "queue.h"
#include "testlib.h"

#define BIG (70u * 1024u)

static void
fill(unsigned char *p, size_t n, int i)
{
    size_t k;

    for (k = 0; k < n; k++)
        p[k] = (unsigned char)(i * 13 + (int)k * 5);
}

/* Append messages FROM..FROM+COUNT-1, SIZE bytes each or, for SIZE 0,
 * of sizes that vary up to BIG. */
static int
push_many(mailslot__queue *q, int from, int count, size_t size)
{
    unsigned char *msg = malloc(BIG);
    int i, ok = 1;

    for (i = from; i < from + count; i++) {
        size_t n = size ? size : (size_t)(i * 7919) % BIG;

        fill(msg, n, i);
        ok &= mailslot__queue_push(q, msg, n) == 0;
    }
    free(msg);
    return ok;
}

/* Take them again, checking each. */
static int
pop_many(mailslot__queue *q, int from, int count, size_t size)
{
    unsigned char *got = malloc(BIG), *want = malloc(BIG);
    int i, ok = 1;

    for (i = from; i < from + count; i++) {
        size_t n = size ? size : (size_t)(i * 7919) % BIG;

        fill(want, n, i);
        ok &= mailslot__queue_peek(q) == (int64_t)n;
        ok &= mailslot__queue_pop(q, got) == n && memcmp(got, want, n) == 0;
    }
    free(got);
    free(want);
    return ok;
}

static void
test_order(void)
{
    mailslot__queue q;

    mailslot__queue_init(&q);
    CHECK_EQ(mailslot__queue_peek(&q), -1);
    CHECK(push_many(&q, 0, 3000, 0));
    CHECK_EQ(q.count, 3000);
    CHECK(pop_many(&q, 0, 1000, 0));
    CHECK(push_many(&q, 3000, 500, 0));
    CHECK(pop_many(&q, 1000, 2500, 0));
    CHECK_EQ(q.count, 0);
    CHECK_EQ(q.bytes, 0);
    mailslot__queue_free(&q);
}

/*
 * A backlog's chunks are kept while backlogs come back, even with short
 * fills in between (a reader that caught up empties the FIFO after a few
 * messages); only a long run of short fills gives them back.
 */
static void
test_keeps_chunks(void)
{
    mailslot__queue q;
    size_t held;
    int i, ok = 1;

    mailslot__queue_init(&q);
    CHECK(push_many(&q, 0, 10000, 1024));
    CHECK(pop_many(&q, 0, 10000, 1024));
    held = q.held;
    CHECK(held >= 10000u * 1024u);
    for (i = 0; i < 5; i++) {
        ok &= push_many(&q, 0, 3, 1024);
        ok &= pop_many(&q, 0, 3, 1024);
    }
    CHECK(ok);
    CHECK_EQ(q.held, held);
    /* The backlog again: not one chunk more. */
    CHECK(push_many(&q, 0, 10000, 1024));
    CHECK_EQ(q.held, held);
    CHECK(pop_many(&q, 0, 10000, 1024));
    for (i = 0; i < 40; i++) {
        ok &= push_many(&q, 0, 3, 1024);
        ok &= pop_many(&q, 0, 3, 1024);
    }
    CHECK(ok);
    CHECK(q.held <= 4u * 1024u * 1024u);
    mailslot__queue_free(&q);
    CHECK_EQ(q.held, 0);
}

int
main(void)
{
    test_order();
    test_keeps_chunks();
    return testlib_finish();
}
