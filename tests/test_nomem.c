/*
 * Out of memory while a read queues what it took from the socket: the
 * message already in the caller's buffer is delivered, the next read
 * reports the loss (taking nothing), and what came after is kept.
 * Built with -Wl,--wrap=malloc: the library's large allocations fail
 * while FAIL_BIG is set.
 */
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mailslot.h"
#include "testlib.h"

#define BIG 200000

void *__real_malloc(size_t size);
void *__wrap_malloc(size_t size);

static int fail_big;

void *
__wrap_malloc(size_t size)
{
    if (fail_big && size >= BIG)
        return NULL;
    return __real_malloc(size);
}

int
main(void)
{
    static unsigned char big[BIG];
    const char *name;
    mailslot_reader *r = NULL;
    mailslot_writer *w = NULL;
    char buf[64];
    size_t len;
    int i;

    use_private_dir();
    name = unique_name("nomem");
    memset(big, 'B', sizeof big);
    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    CHECK_EQ(mailslot_open(name, NULL, &w), 0);
    /* A new reader takes one datagram per receive for its first 15 reads
     * (MAILSLOT__BATCH_PROBE - 1, core/src/linux/reader.h); the next one
     * tries a batch. */
    for (i = 0; i < 15; i++) {
        CHECK_EQ(mailslot_write(w, "prime", 5), 0);
        CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
    }
    CHECK_EQ(mailslot_write(w, "first", 5), 0);
    CHECK_EQ(mailslot_write(w, big, sizeof big), 0);
    CHECK_EQ(mailslot_write(w, "third", 5), 0);
    /* All three wait in the socket; one read takes them together and
     * cannot queue the large one. */
    fail_big = 1;
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
    CHECK_MEM(buf, len, "first", 5);
    fail_big = 0;
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), MAILSLOT_ENOMEM);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
    CHECK_MEM(buf, len, "third", 5);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), MAILSLOT_ETIMEOUT);
    mailslot_writer_free(w);
    mailslot_reader_free(r);
    return testlib_finish();
}
