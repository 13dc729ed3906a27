/*
 * Queueing: writers are not paced by a slow reader, the queue limits end
 * in "full" after the write timeout, and nothing is ever dropped.
 */
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

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

/* Threads of this process, from /proc/self/status. */
static int
thread_count(void)
{
    char line[256];
    int n = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL)
        if (strncmp(line, "Threads:", 8) == 0)
            n = atoi(line + 8);
    fclose(f);
    return n;
}

/* One drain thread serves every reader of the process: 40 readers that
 * do not read each take 50 messages from writers that never wait for
 * them, with at most one thread more than before; it stays when they
 * close (the next reader uses it) and is not started again. */
static void
test_one_drain_thread(void)
{
    enum { READERS = 40, MSGS = 50 };
    mailslot_reader *r[READERS];
    const char *names[READERS];
    mailslot_writer *w;
    mailslot_options wo = MAILSLOT_OPTIONS_INIT;
    char buf[16];
    size_t len;
    int t0 = thread_count(), i, j, ok = 1, t1;
    long long start;

    wo.write_timeout_ms = 2000;
    for (i = 0; i < READERS; i++) {
        names[i] = strdup(unique_name("drain"));
        CHECK_EQ(mailslot_create(names[i], NULL, &r[i]), 0);
    }
    CHECK(thread_count() <= t0 + 1);
    start = mono_ms();
    for (i = 0; i < READERS; i++) {
        CHECK_EQ(mailslot_open(names[i], &wo, &w), 0);
        for (j = 0; j < MSGS; j++)
            ok &= mailslot_write(w, &j, sizeof j) == 0;
        mailslot_writer_free(w);
    }
    CHECK(ok);
    /* A write that waited out its timeout would take 2 s. */
    CHECK(mono_ms() - start < 2000 * 3 / 2);
    CHECK(thread_count() <= t0 + 1);
    for (i = 0; i < READERS; i++) {
        for (j = 0; j < MSGS; j++) {
            int v = -1;

            ok &= mailslot_read(r[i], buf, sizeof buf, &len, 0) == 0;
            memcpy(&v, buf, sizeof v);
            ok &= len == sizeof v && v == j;
        }
        ok &= mailslot_read(r[i], buf, sizeof buf, &len, 0) ==
              MAILSLOT_ETIMEOUT;
    }
    CHECK(ok);
    for (i = 0; i < READERS; i++) {
        mailslot_reader_free(r[i]);
        free((void *)names[i]);
    }
    t1 = thread_count();
    CHECK(t1 <= t0 + 1);
    /* Slots made and closed one after another start no thread. */
    for (i = 0; i < 20; i++) {
        CHECK_EQ(mailslot_create(unique_name("again"), NULL, &r[0]), 0);
        mailslot_reader_free(r[0]);
    }
    CHECK_EQ(thread_count(), t1);
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
    /* The timeout can be changed on the open writer; a longer one still
     * ends in "full" with nothing sent. */
    CHECK_EQ(mailslot_writer_timeout(w), 100);
    CHECK_EQ(mailslot_writer_set_timeout(w, 300), 0);
    CHECK_EQ(mailslot_writer_timeout(w), 300);
    t0 = mono_ms();
    CHECK_EQ(mailslot_write(w, &sent, sizeof sent), MAILSLOT_EFULL);
    CHECK(mono_ms() - t0 >= 280);
    CHECK_EQ(mailslot_writer_set_timeout(w, 0), 0);
    CHECK_EQ(mailslot_writer_timeout(w), 0);
    CHECK_EQ(mailslot_write(w, &sent, sizeof sent), MAILSLOT_EFULL);
    CHECK_EQ(mailslot_writer_set_timeout(w, -2), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_writer_set_timeout(NULL, 0), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_writer_timeout(w), 0);
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

/* Message I of the sizes test: its size and its bytes. */
static size_t
size_of(int i)
{
    return (size_t)(((long)i * 7919) % (256 * 1024 + 1));
}

static void
fill(unsigned char *p, size_t n, int i)
{
    size_t k;

    for (k = 0; k < n; k++)
        p[k] = (unsigned char)(i * 31 + (int)k * 7);
}

/* The size of message I: SIZES[I], or size_of(I) when SIZES is NULL. */
static size_t
size_at(const size_t *sizes, int i)
{
    return sizes != NULL ? sizes[i] : size_of(i);
}

/* Write messages 0..COUNT-1 (see size_at() and fill()) with W. */
static int
write_filled(mailslot_writer *w, const size_t *sizes, int count)
{
    unsigned char *msg = malloc(256 * 1024);
    int i, rc = 0;

    for (i = 0; rc == 0 && i < count; i++) {
        fill(msg, size_at(sizes, i), i);
        rc = mailslot_write(w, msg, size_at(sizes, i));
    }
    if (rc != 0)
        fprintf(stderr, "writer: message %d: %s\n", i, mailslot_errname(rc));
    free(msg);
    return rc;
}

/* The sizes test's writer process. */
static int
write_sizes(const char *name, int count)
{
    mailslot_writer *w = NULL;
    int rc = mailslot_open(name, NULL, &w);

    if (rc == 0)
        rc = write_filled(w, NULL, count);
    mailslot_writer_free(w);
    return rc == 0 ? 0 : 1;
}

/* Read messages FROM..FROM+COUNT-1 of write_filled(), each checked byte
 * for byte, waiting TIMEOUT_MS for each. */
static int
read_filled(mailslot_reader *r, const size_t *sizes, int from, int count,
    int32_t timeout_ms)
{
    unsigned char *buf = malloc(256 * 1024), *want = malloc(256 * 1024);
    size_t len;
    int i, ok = 1;

    for (i = from; i < from + count; i++) {
        fill(want, size_at(sizes, i), i);
        ok &= mailslot_read(r, buf, 256 * 1024, &len, timeout_ms) == 0;
        ok &= len == size_at(sizes, i) && memcmp(buf, want, len) == 0;
    }
    free(buf);
    free(want);
    return ok;
}

/*
 * Messages of every size up to the largest, queued while the reader does
 * not read (so they cross the FIFO's chunk boundaries, some straddling
 * the free space left in a chunk), then read back in order, byte for
 * byte; then the same while the reader keeps up (straight from the
 * socket), with a buffer too small now and then.
 */
static void
test_sizes(void)
{
    const char *name = unique_name("sizes");
    mailslot_reader *r = NULL;
    unsigned char small[100];
    size_t len;
    pid_t pid;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    pid = spawn_helper(argv0, "sizes", name, "400", "0", (char *)NULL);
    CHECK_EQ(wait_helper(pid), 0);
    CHECK_EQ(mailslot_count(r), 400);
    CHECK(read_filled(r, NULL, 0, 400, 5000));
    CHECK_EQ(mailslot_count(r), 0);

    pid = spawn_helper(argv0, "sizes", name, "400", "0", (char *)NULL);
    CHECK(read_filled(r, NULL, 0, 1, 5000));
    /* Too small: the message stays, whole, for the next read. */
    CHECK_EQ(mailslot_read(r, small, sizeof small, &len, 5000),
        MAILSLOT_EBUFFER);
    CHECK_EQ(len, size_of(1));
    CHECK(read_filled(r, NULL, 1, 399, 5000));
    CHECK_EQ(wait_helper(pid), 0);
    mailslot_reader_free(r);
}

/*
 * Messages that wait in the socket when a read comes are taken several at
 * a time (the first to the caller, the others into the FIFO): order, bytes
 * and the count stay as if they were read one by one, also with large
 * messages inside a batch and with a buffer too small for the first.
 */
static void
test_batches(void)
{
    static const size_t small[] = { 10, 20, 30, 40, 50, 60, 70, 80, 0 };
    static const size_t mixed[] = { 100, 200, 100000, 300, 50000, 400 };
    static const size_t tight[] = { 64, 32, 16 };
    const char *name = unique_name("batch");
    mailslot_reader *r = NULL;
    mailslot_writer *w = NULL;
    unsigned char buf[8];
    intptr_t fd = -1;
    size_t len;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    CHECK_EQ(mailslot_open(name, NULL, &w), 0);
    /* Fewer than the kernel queues, so all wait in the socket. */
    CHECK_EQ(write_filled(w, small, 9), 0);
    CHECK(read_filled(r, small, 0, 1, 0));
    CHECK_EQ(mailslot_count(r), 8);
    CHECK(read_filled(r, small, 1, 8, 0));
    CHECK_EQ(mailslot_count(r), 0);

    CHECK_EQ(write_filled(w, mixed, 6), 0);
    CHECK(read_filled(r, mixed, 0, 6, 0));
    CHECK_EQ(mailslot_count(r), 0);

    CHECK_EQ(write_filled(w, tight, 3), 0);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), MAILSLOT_EBUFFER);
    CHECK_EQ(len, 64);
    CHECK_EQ(mailslot_count(r), 3);
    CHECK(read_filled(r, tight, 0, 3, 0));
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), MAILSLOT_ETIMEOUT);

    /* Messages a batch queued before anyone asked for the descriptor
     * make it readable as soon as it is handed out. */
    CHECK_EQ(write_filled(w, small, 3), 0);
    CHECK(read_filled(r, small, 0, 1, 0));
    CHECK_EQ(mailslot_reader_fd(r, &fd), 0);
    CHECK_EQ(wait_readable(fd, 0), 1);
    CHECK(read_filled(r, small, 1, 2, 0));
    CHECK_EQ(wait_readable(fd, 0), 0);
    mailslot_writer_free(w);
    mailslot_reader_free(r);
}

/* Send LEN bytes to the socket file of the only slot in the private
 * directory, from a socket of its own (one datagram per send buffer). */
static int
send_raw(const void *data, size_t len)
{
    struct sockaddr_un sa;
    glob_t g;
    char pattern[300];
    int s, size = 1024 * 1024, ok;

    snprintf(pattern, sizeof pattern, "%s/*.sock", private_dir());
    if (glob(pattern, 0, NULL, &g) != 0 || g.gl_pathc != 1)
        return 0;
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    snprintf(sa.sun_path, sizeof sa.sun_path, "%s", g.gl_pathv[0]);
    globfree(&g);
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    setsockopt(s, SOL_SOCKET, SO_SNDBUF, &size, sizeof size);
    ok = sendto(s, data, len, 0, (struct sockaddr *)&sa, sizeof sa) ==
        (ssize_t)len;
    close(s);
    return ok;
}

/*
 * A datagram larger than the largest message is not from one of our
 * writers (anything may send to the socket file): it is dropped, also
 * first in a batch or inside one, and the messages around it are
 * delivered in order.
 */
static void
test_foreign(void)
{
    static const char *seq[] = { "BIG", "a", "BIG", "b", "c", "BIG", "BIG",
        "d" };
    size_t big = mailslot_max_message_size() + 1, len, i;
    unsigned char *junk = calloc(1, big);
    const char *name = unique_name("foreign");
    mailslot_reader *r = NULL;
    char buf[64];
    int ok = 1;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    for (i = 0; i < sizeof seq / sizeof seq[0]; i++)
        ok &= strcmp(seq[i], "BIG") == 0 ? send_raw(junk, big)
                                         : send_raw(seq[i], 1);
    CHECK(ok);
    for (i = 0; i < 4; i++) {
        CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
        CHECK_MEM(buf, len, &"abcd"[i], 1);
    }
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), MAILSLOT_ETIMEOUT);
    mailslot_reader_free(r);
    free(junk);
}

/*
 * Several writers that keep finding the kernel queue full while the
 * reader does not read: none may sit out its write timeout beside a
 * reader with room (every round, every message is written and queued).
 */
static void
test_writers_together(void)
{
    pid_t pid[4];
    int round, i, ok = 1;

    for (round = 0; round < 30; round++) {
        const char *name = unique_name("together");
        mailslot_reader *r = NULL;

        CHECK_EQ(mailslot_create(name, NULL, &r), 0);
        for (i = 0; i < 4; i++)
            pid[i] = spawn_helper(argv0, "write", name, "300", "16",
                (char *)NULL);
        for (i = 0; i < 4; i++)
            ok &= wait_helper(pid[i]) == 0;
        ok &= mailslot_count(r) == 1200;
        mailslot_reader_free(r);
    }
    CHECK(ok);
}

/*
 * Large messages from one writer, then from four, while the reader keeps
 * up: the writers wait for room in turns or in send() (writer.c,
 * TAKE_TURNS and GIVE_WAY), and every message arrives whole, once, and
 * in each writer's order (message I of some writer never before as many
 * messages I-1).
 */
static void
test_large_writers(void)
{
    enum { COUNT = 300, SIZE = 61440 };
    static int seen[COUNT];
    char *buf = malloc(SIZE);
    int writers, i, ok = 1;
    pid_t pid[4];

    for (writers = 1; writers <= 4; writers += 3) {
        const char *name = unique_name("large");
        mailslot_reader *r = NULL;
        size_t len;
        int got;

        memset(seen, 0, sizeof seen);
        CHECK_EQ(mailslot_create(name, NULL, &r), 0);
        for (i = 0; i < writers; i++)
            pid[i] = spawn_helper(argv0, "write", name, "300", "61440",
                (char *)NULL);
        for (got = 0; got < writers * COUNT; got++) {
            int n;

            if (mailslot_read(r, buf, SIZE, &len, 10000) != 0 ||
                len != SIZE || sscanf(buf, "%d", &n) != 1 || n < 0 ||
                n >= COUNT || (n > 0 && seen[n] >= seen[n - 1])) {
                ok = 0;
                break;
            }
            seen[n]++;
        }
        for (i = 0; i < writers; i++)
            ok &= wait_helper(pid[i]) == 0;
        for (i = 0; i < COUNT; i++)
            ok &= seen[i] == writers;
        CHECK_EQ(mailslot_read(r, buf, SIZE, &len, 0), MAILSLOT_ETIMEOUT);
        mailslot_reader_free(r);
    }
    CHECK(ok);
    free(buf);
}

int
main(int argc, char **argv)
{
    argv0 = argv[0];
    if (argc == 6 && strcmp(argv[1], "helper") == 0 &&
        strcmp(argv[2], "write") == 0)
        return write_many(argv[3], atoi(argv[4]), (size_t)atol(argv[5]));
    if (argc == 6 && strcmp(argv[1], "helper") == 0 &&
        strcmp(argv[2], "sizes") == 0)
        return write_sizes(argv[3], atoi(argv[4]));
    use_private_dir();
    test_slow_reader();
    test_big_backlog();
    test_one_drain_thread();
    test_full();
    test_sizes();
    test_batches();
    test_foreign();
    test_writers_together();
    test_large_writers();
    return testlib_finish();
}
