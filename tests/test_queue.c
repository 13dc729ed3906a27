/*
 * Queueing: writers are not paced by a slow reader, the queue limits end
 * in "full" after the write timeout, and nothing is ever dropped.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "helpers.h"
#include "mailslot.h"
#include "testlib.h"

static const char *argv0;

/* Write COUNT messages of SIZE bytes, each starting with its number. */
static int
write_many(const char *name, int count, size_t size)
{
    mailslot_writer *w = NULL;
    char *msg = calloc(1, size + 16);
    int i, rc = mailslot_open(name, NULL, &w);

    for (i = 0; rc == 0 && i < count; i++) {
        snprintf(msg, size + 16, "%d", i);
        rc = mailslot_write(w, msg, size);
    }
    if (rc != 0)
        fprintf(stderr, "writer: message %d: %s\n", i, mailslot_errname(rc));
    mailslot_writer_free(w);
    free(msg);
    return rc == 0 ? 0 : 1;
}

/* 10,000 messages while the reader sleeps between reads: the writer is
 * done long before the reader could have consumed them at its pace. */
static void
test_slow_reader(void)
{
    const char *name = unique_name("slow");
    mailslot_reader *r = NULL;
    char buf[64];
    size_t len;
    int reads = 0, status = -1, i, ok = 1;
    pid_t pid;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    pid = spawn_helper(argv0, "write", name, "10000", "16", (char *)NULL);
    while (waitpid(pid, &status, WNOHANG) == 0) {
        if (mailslot_read(r, buf, sizeof buf, &len, 0) == 0)
            reads++;
        sleep_ms(50);
    }
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    /* Paced to the reader, the writer would need 10,000 reads. */
    CHECK(reads < 1000);
    CHECK_EQ(mailslot_count(r), 10000 - reads);
    for (i = reads; i < 10000; i++) {
        ok &= mailslot_read(r, buf, sizeof buf, &len, 0) == 0;
        ok &= len == 16 && atoi(buf) == i;
    }
    CHECK(ok);
    mailslot_reader_free(r);
}

/* 64 MiB queue while the reader does not read at all. */
static void
test_big_backlog(void)
{
    const char *name = unique_name("backlog");
    mailslot_reader *r = NULL;
    mailslot_info info = { sizeof info, 0, 0, 0, 0 };
    pid_t pid;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    pid = spawn_helper(argv0, "write", name, "1024", "65536", (char *)NULL);
    CHECK_EQ(wait_helper(pid), 0);
    CHECK_EQ(mailslot_get_info(r, &info), 0);
    CHECK_EQ(info.count, 1024);
    CHECK_EQ(info.next_size, 65536);
    mailslot_reader_free(r);
}

/* Past the limit a write waits for the write timeout, then fails "full";
 * every write that succeeded is delivered. */
static void
test_full(void)
{
    const char *name = unique_name("full");
    mailslot_options ro = MAILSLOT_OPTIONS_INIT, wo = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *r = NULL;
    mailslot_writer *w = NULL;
    char buf[16];
    size_t len;
    int sent = 0, rc = 0, got = 0, ok = 1;
    long long t0;

    ro.queue_limit_msgs = 20;
    wo.write_timeout_ms = 100;
    CHECK_EQ(mailslot_create(name, &ro, &r), 0);
    CHECK_EQ(mailslot_open(name, &wo, &w), 0);
    t0 = mono_ms();
    while (sent < 1000 && (rc = mailslot_write(w, &sent, sizeof sent)) == 0)
        sent++;
    CHECK_EQ(rc, MAILSLOT_EFULL);
    CHECK(mono_ms() - t0 >= 90);
    CHECK(sent >= 20 && sent < 100);
    while (mailslot_read(r, buf, sizeof buf, &len, 100) == 0) {
        int v;

        memcpy(&v, buf, sizeof v);
        ok &= len == sizeof v && v == got;
        got++;
    }
    CHECK(ok);
    CHECK_EQ(got, sent);
    /* Room again: writing works after the reader caught up. */
    CHECK_EQ(mailslot_write(w, "again", 5), 0);
    mailslot_writer_free(w);
    mailslot_reader_free(r);
}

int
main(int argc, char **argv)
{
    argv0 = argv[0];
    if (argc == 6 && strcmp(argv[1], "helper") == 0 &&
        strcmp(argv[2], "write") == 0)
        return write_many(argv[3], atoi(argv[4]), (size_t)atol(argv[5]));
    use_private_dir();
    test_slow_reader();
    test_big_backlog();
    test_full();
    return testlib_finish();
}
