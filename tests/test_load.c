/*
 * Load: 16 writer processes x 10,000 messages into one slot.  Every
 * message arrives exactly once, and each writer's messages keep their
 * order.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mailslot.h"
#include "testlib.h"

#define WRITERS 16
#define PER_WRITER 10000

static int
writer_main(const char *name, int id)
{
    mailslot_writer *w = NULL;
    char msg[32];
    int i, n, rc = mailslot_open(name, NULL, &w);

    for (i = 0; rc == 0 && i < PER_WRITER; i++) {
        n = snprintf(msg, sizeof msg, "%d:%d", id, i);
        rc = mailslot_write(w, msg, (size_t)n);
    }
    if (rc != 0)
        fprintf(stderr, "writer %d: %s\n", id, mailslot_errname(rc));
    mailslot_writer_free(w);
    return rc == 0 ? 0 : 1;
}

int
main(int argc, char **argv)
{
    const char *name;
    mailslot_reader *r = NULL;
    int next[WRITERS] = { 0 };
    pid_t pids[WRITERS];
    char buf[32], id[8];
    size_t len;
    int i, total = 0, bad = 0, w, seq;

    if (argc == 5 && strcmp(argv[1], "helper") == 0)
        return writer_main(argv[3], atoi(argv[4]));
    use_private_dir();
    name = unique_name("load");
    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    for (i = 0; i < WRITERS; i++) {
        snprintf(id, sizeof id, "%d", i);
        pids[i] = spawn_helper(argv[0], "write", name, id, (char *)NULL);
    }
    while (total < WRITERS * PER_WRITER &&
           mailslot_read(r, buf, sizeof buf - 1, &len, 20000) == 0) {
        buf[len] = '\0';
        if (sscanf(buf, "%d:%d", &w, &seq) != 2 || w < 0 || w >= WRITERS ||
            seq != next[w]) {
            bad++;
            continue;
        }
        next[w]++;
        total++;
    }
    for (i = 0; i < WRITERS; i++)
        CHECK_EQ(wait_helper(pids[i]), 0);
    CHECK_EQ(bad, 0);
    CHECK_EQ(total, WRITERS * PER_WRITER);
    /* Nothing more, nothing duplicated. */
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), MAILSLOT_ETIMEOUT);
    mailslot_reader_free(r);
    return testlib_finish();
}
