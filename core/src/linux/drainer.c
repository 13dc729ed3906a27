/*
 * Draining a reader's socket into its FIFO, and the drain thread that
 * does it: one per process, for every reader in it (reader.c says what it
 * does for one).  An idle slot costs no thread and no descriptor: the
 * process has one doorbell per slot directory, a datagram socket
 * "bell.<pid>" there, and a writer that finds a slot's kernel queue full
 * sends it a ring, eight bytes that name the reader (its registry index
 * and generation, published in the slot's info).  The thread sleeps in
 * epoll_wait() on the doorbells, takes every waiting ring, and serves
 * the readers they name.  The first reader starts it; it stays, asleep,
 * when the last one closes, so that a program that makes and closes slots
 * one after another neither starts a thread for each nor wakes it at each
 * close.  When the library is unloaded (a Lua state that closes unloads
 * its C modules) or the process exits, a thread with no reader left is
 * stopped and joined first, so it never runs code that is gone, and the
 * doorbells are removed.  The doorbells themselves are bell.c's.
 *
 * Who touches what.  dm guards the registry, the doorbells, the epoll set
 * and whether the thread runs.  The thread holds dm while it serves a
 * reader, and a closing reader leaves the registry under dm, so once
 * mailslot__drainer_remove() returns the thread never touches that reader
 * again.  Lock order: dm, then a reader's r->mu; nobody takes dm while
 * holding r->mu.  A ring names its reader by registry index and
 * generation, so a ring sent before its reader left finds nothing.
 *
 * Measured (bench/notes.md, "A slot's life"): a thread per reader cost a
 * start and a join per slot, and a doorbell per slot a descriptor and six
 * system calls.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"
#include "queue.h"
#include "reader.h"

#define DRAINER_STACK (64u * 1024u)
#define DRAINER_EVENTS 32
/* The event of the stop eventfd (no reader has this index). */
#define STOP_EVENT UINT64_MAX

struct entry {
    struct mailslot_reader *r; /* NULL: free */
    uint32_t gen;
    uint32_t next_free;
};

static pthread_mutex_t dm = PTHREAD_MUTEX_INITIALIZER;
static pthread_once_t atfork_once = PTHREAD_ONCE_INIT;
static int ep = -1;        /* the epoll set of doorbells */
static int stop_fd = -1;   /* tells the thread to stop (unload) */
static int running;        /* the thread runs (or is about to exit) */
static int stopping;       /* unload: the thread must exit now */
static int joinable;       /* a thread was started and not yet joined */
static pthread_t thread;
static size_t readers;     /* registered readers */
static struct entry *table;
static uint32_t table_len, free_head = UINT32_MAX;

/* What a ring to the doorbell says: the reader's registry index and
 * generation, so a ring sent before its reader left finds nothing. */
static uint64_t
ring_of(uint32_t idx, uint32_t gen)
{
    return (uint64_t)gen << 32 | idx;
}

/* The reader a ring names, if it is still registered (dm held). */
static struct mailslot_reader *
reader_of(uint64_t ring)
{
    uint32_t idx = (uint32_t)ring, gen = (uint32_t)(ring >> 32);

    if (idx >= table_len || table[idx].r == NULL || table[idx].gen != gen)
        return NULL;
    return table[idx].r;
}

/* Free space a drain receives into: a message larger than what is left
 * of the FIFO's tail chunk is copied once more, through scratch. */
#define DRAIN_MIN_ROOM 4096u

/*
 * Receive one datagram straight into the FIFO's free space (what does not
 * fit there spills into scratch and is queued from it).  Returns 1 when a
 * datagram was taken, 0 when the socket is empty, -1 when memory ran out.
 */
static int
drain_one(struct mailslot_reader *r)
{
    unsigned char *at;
    size_t room, skip;
    ssize_t n;

    at = mailslot__queue_reserve(&r->q, DRAIN_MIN_ROOM, &room);
    if (at == NULL)
        return -1;
    do {
        n = mailslot__reader_recv(r, at, room, MSG_DONTWAIT, &skip);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return 0;
    /* Writers check the limit; a datagram over it is not ours. */
    if ((size_t)n > MAILSLOT__POSIX_MAX_MESSAGE)
        return 1;
    r->batch_big = MAILSLOT__RX_LARGE((size_t)n, skip);
    if ((size_t)n <= room && skip != MAILSLOT__BUNDLE) {
        mailslot__queue_commit(&r->q, skip, (size_t)n - skip);
        return 1;
    }
    /* Through scratch: what did not fit, or a bundle (out of the FIFO's
     * free space first, since its messages are queued there). */
    mailslot__recv_gather(at, room, r->scratch, (size_t)n);
    if (mailslot__reader_queue(r, r->scratch, (size_t)n, skip) != 0)
        return -1;
    return 1;
}

/*
 * While datagrams are small, up to MAILSLOT__RX_BATCH in one receive,
 * through the batch area, then queued in order (one copy more each, which
 * costs less than a system call for small ones, as in read.c).  Never more
 * than the FIFO's limits have room for, so "full" still comes exactly at
 * them.  Returns 1 when datagrams were taken, 0 when the socket is empty,
 * DRAIN_SINGLE when a batch does not apply (drain_one() then).
 * Measured: bench/notes.md, "The drain thread's batch receive".
 */
#define DRAIN_SINGLE 2
static int
drain_batch(struct mailslot_reader *r)
{
    mailslot__rx rx[MAILSLOT__RX_BATCH];
    size_t slot = MAILSLOT__POSIX_MAX_MESSAGE + 1, room;
    unsigned want = MAILSLOT__RX_BATCH - 1, i;
    unsigned per = r->bundles ? MAILSLOT__BUNDLE_MSGS : 1;
    int n, big = 0;

    if (r->batch_big || mailslot__reader_batch_area(r) == NULL)
        return DRAIN_SINGLE;
    /* Room for as many bundles, if datagrams may be bundles: near the
     * limits, one datagram at a time (so a bundle overshoots them by less
     * than one bundle at most). */
    if ((r->limit_msgs - r->q.count) / per < want)
        want = (unsigned)((r->limit_msgs - r->q.count) / per);
    if ((r->limit_bytes - r->q.bytes) / slot < want)
        want = (unsigned)((r->limit_bytes - r->q.bytes) / slot);
    if (want < 2 ||
        mailslot__queue_reserve(&r->q, MAILSLOT__BATCH_ROOM, &room) == NULL)
        return DRAIN_SINGLE;
    mailslot__reader_aim_batch(r, rx, want);
    do {
        n = mailslot__recv_batch(r->sock, rx, want, r->paths.relay,
            MAILSLOT__READER_TOKEN(r), MSG_DONTWAIT);
    } while (n < 0 && errno == EINTR);
    if (n <= 0)
        return 0;
    for (i = 0; i < (unsigned)n; i++) {
        if (rx[i].len > MAILSLOT__POSIX_MAX_MESSAGE)
            continue; /* not from one of our writers */
        big |= MAILSLOT__RX_LARGE(rx[i].len, rx[i].skip);
        if (mailslot__reader_queue(r, rx[i].buf, rx[i].len, rx[i].skip))
            r->lost = 1; /* only a large one can need memory here */
    }
    r->batch_big = big;
    if (big)
        mailslot__reader_batch_trim(r);
    return 1;
}

/* It drains until the socket is empty, holding the lock: stopping every
 * 16 datagrams to let a read in measured no better (bench/notes.md). */
void
mailslot__reader_drain(struct mailslot_reader *r)
{
    int rc;

    /* A read asleep in recv() owns the socket: receiving here could
     * queue an older message behind the one it is about to return. */
    while (!r->life.closed && !r->direct_wait &&
           !mailslot__reader_full(r)) {
        rc = drain_batch(r);
        if (rc == DRAIN_SINGLE)
            rc = drain_one(r);
        if (rc <= 0)
            break;
    }
    if (r->q.count > 0)
        mailslot__reader_signal(r);
}

/*
 * A reader that takes large messages and took one less than KEEPING_UP_MS
 * ago keeps up with its writers as well as it can: draining it would only
 * copy each message once more, through a FIFO that grows to its limit and
 * out of the cache, and take CPU from it (DRAIN_SKIP).  Its writers wait
 * in send() as for a plain socket, and ring again one slice later, when
 * a reader that stopped is drained.  Measured (bench/notes.md, "Large
 * messages with many writers"): Python 60 KiB with 4 writers, half the
 * runs at 0.5x the socket module before, none after.
 */
#define KEEPING_UP_MS 5

/* Serve one reader whose ring came (dm held; takes r->mu). */
static void
serve(struct mailslot_reader *r)
{
    pthread_mutex_lock(&r->mu);
    if (!r->life.closed &&
        !(r->batch_big && mailslot__now_ms() - r->took_ms < KEEPING_UP_MS)) {
        mailslot__reader_drain(r);
        /* DRAIN_FULL: take() drains once the FIFO is half empty. */
        if (mailslot__reader_full(r))
            r->drain_waiting = 1;
    }
    pthread_mutex_unlock(&r->mu);
}

/*
 * Take the rings waiting at doorbell FD (dm held) into RINGS, each reader
 * once, up to RINGS_MAX; rings left over wake epoll_wait() again.  All of
 * a wake-up's rings are taken before any socket is looked at, so a ring
 * sent after that look is a new wake-up: none is missed (reader.c,
 * invariant 5).
 */
#define RINGS_MAX 64
static void
take_rings(int fd, uint64_t *rings, int *n)
{
    uint64_t ring;
    int i;

    while (*n < RINGS_MAX &&
           recv(fd, &ring, sizeof ring, MSG_DONTWAIT) == sizeof ring) {
        for (i = 0; i < *n && rings[i] != ring; i++)
            ;
        if (i == *n)
            rings[(*n)++] = ring;
    }
}

static void *
drainer_main(void *arg)
{
    struct epoll_event evs[DRAINER_EVENTS];
    uint64_t v, rings[RINGS_MAX];
    int n, i, nrings, fd;

    (void)arg;
    for (;;) {
        n = epoll_wait(ep, evs, DRAINER_EVENTS, -1);
        if (n < 0)
            n = 0;
        pthread_mutex_lock(&dm);
        nrings = 0;
        for (i = 0; i < n; i++) {
            if (evs[i].data.u64 == STOP_EVENT) {
                if (read(stop_fd, &v, sizeof v) < 0)
                    v = 0;
            } else if ((fd = mailslot__bell_fd(evs[i].data.u64)) >= 0) {
                take_rings(fd, rings, &nrings);
            }
        }
        for (i = 0; i < nrings; i++) {
            struct mailslot_reader *r = reader_of(rings[i]);

            if (r != NULL)
                serve(r);
        }
        /* Unloading: exit. */
        if (stopping) {
            running = 0;
            pthread_mutex_unlock(&dm);
            return NULL;
        }
        pthread_mutex_unlock(&dm);
    }
}

/* A child process has no drain thread; it starts its own, with its own
 * doorbells, when it creates a reader.  Readers it inherited are not
 * served (their thread was never copied), and the parent's doorbells are
 * the parent's: closed here, not removed (bell.c). */
static void
prepare(void)
{
    pthread_mutex_lock(&dm);
}

static void
parent(void)
{
    pthread_mutex_unlock(&dm);
}

static void
child(void)
{
    if (ep >= 0)
        close(ep);
    if (stop_fd >= 0)
        close(stop_fd);
    mailslot__bells_close(0);
    ep = stop_fd = -1;
    running = joinable = stopping = 0;
    readers = 0;
    free(table);
    table = NULL;
    table_len = 0;
    free_head = UINT32_MAX;
    pthread_mutex_unlock(&dm);
}

static void
install_atfork(void)
{
    pthread_atfork(prepare, parent, child);
}

/* The epoll set and the stop eventfd, made once (dm held). */
static int
make_set(void)
{
    struct epoll_event ev;

    if (ep >= 0)
        return 0;
    ep = epoll_create1(EPOLL_CLOEXEC);
    if (ep < 0)
        return mailslot__os_fail(errno);
    stop_fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    ev.events = EPOLLIN;
    ev.data.u64 = STOP_EVENT;
    if (stop_fd < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, stop_fd, &ev) != 0) {
        int err = errno;

        close(ep);
        if (stop_fd >= 0)
            close(stop_fd);
        ep = stop_fd = -1;
        return mailslot__os_fail(err);
    }
    return 0;
}

/* Start the thread (dm held). */
static int
start(void)
{
    pthread_attr_t attr;
    pthread_t t;
    sigset_t all, old;
    int rc;

    /* Signals belong to the application's threads, not ours. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, DRAINER_STACK);
    /* The last thread exited on its own (it let go of dm first). */
    if (joinable) {
        pthread_join(thread, NULL);
        joinable = 0;
    }
    rc = pthread_create(&t, &attr, drainer_main, NULL);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return mailslot__os_fail(rc);
    thread = t;
    running = joinable = 1;
    return 0;
}

/* Free registry entry IDX; rings that still name it find nothing
 * (dm held). */
static void
release_index(uint32_t idx)
{
    table[idx].r = NULL;
    table[idx].gen++;
    table[idx].next_free = free_head;
    free_head = idx;
}

/* A free registry index (dm held), or UINT32_MAX without memory. */
static uint32_t
take_index(void)
{
    uint32_t idx, len;
    struct entry *t;

    if (free_head == UINT32_MAX) {
        len = table_len ? table_len * 2 : 64;
        t = realloc(table, len * sizeof *t);
        if (t == NULL)
            return UINT32_MAX;
        table = t;
        for (idx = len; idx-- > table_len;) {
            table[idx].r = NULL;
            table[idx].gen = 0;
            table[idx].next_free = free_head;
            free_head = idx;
        }
        table_len = len;
    }
    idx = free_head;
    free_head = table[idx].next_free;
    return idx;
}

int
mailslot__drainer_add(struct mailslot_reader *r, mailslot__info *info)
{
    uint32_t idx = UINT32_MAX;
    int rc, bell = -1;

    pthread_once(&atfork_once, install_atfork);
    pthread_mutex_lock(&dm);
    rc = make_set();
    if (rc == 0 && (bell = mailslot__bell_for(r->paths.dir, ep)) < 0)
        rc = bell;
    if (rc == 0 && (idx = take_index()) == UINT32_MAX)
        rc = mailslot__os_fail(ENOMEM);
    if (rc == 0 && !running && (rc = start()) != 0)
        release_index(idx);
    if (rc == 0) {
        table[idx].r = r;
        r->drain_idx = idx;
        readers++;
        info->ring = ring_of(idx, table[idx].gen);
        memcpy(info->bell, mailslot__bell_file(bell), sizeof info->bell);
    }
    pthread_mutex_unlock(&dm);
    return rc;
}

void
mailslot__drainer_remove(struct mailslot_reader *r)
{
    uint32_t idx = r->drain_idx;

    pthread_mutex_lock(&dm);
    if (idx < table_len && table[idx].r == r) {
        release_index(idx);
        readers--;
    }
    pthread_mutex_unlock(&dm);
}

/* Library unload or process exit: stop and join a thread that serves no
 * reader, and remove the process's doorbells (a thread that still
 * serves a reader is left to the process's end, its doorbells to the
 * next process's sweep). */
__attribute__((destructor)) static void
drainer_unload(void)
{
    uint64_t one = 1;
    int join = 0;

    pthread_mutex_lock(&dm);
    if (joinable && readers == 0) {
        if (running) {
            stopping = 1;
            if (write(stop_fd, &one, sizeof one) != sizeof one)
                (void)0; /* the counter is full: the thread is awake */
        }
        joinable = 0;
        join = 1;
    }
    pthread_mutex_unlock(&dm);
    if (join)
        pthread_join(thread, NULL);
    pthread_mutex_lock(&dm);
    if (readers == 0 && !running)
        mailslot__bells_close(1);
    pthread_mutex_unlock(&dm);
}
