/*
 * The Linux writer: a datagram socket connected to the reader's socket.
 * One write is one send(), so a message arrives whole or not at all.
 * Being connected means a reader that closes or dies is noticed on the
 * next write (EPIPE / ECONNREFUSED), even if a new reader took the name.
 *
 * When the kernel queue of the reader's socket is full, the writer waits
 * in send() for room, up to the write timeout; if the reader does not make
 * room within a short slice, the writer rings the slot's doorbell so the
 * reader's drain thread empties the queue (see send_when_room() and
 * reader.c).
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"
#include "batch.h"

/* Enough send buffer for one message of the largest size. */
#define SNDBUF (2u * MAILSLOT__POSIX_MAX_MESSAGE + 4096u)

/* A writer waiting for room rings the doorbell after FIRST_SLICE_MS,
 * then again every RING_AGAIN_MS (see send_when_room()).  Measured
 * (bench/notes.md, "What each mechanism is worth"): ringing at once
 * instead of after the first slice cost C 16 B with 16 writers 2.7x ->
 * 1.0x raw and C 60 KiB with 1 writer 1.15x -> 0.80x, because the drain
 * thread then takes over from a reader that keeps up.  With many writers
 * on few CPUs a writer the kernel woke can wait longer than a slice for a
 * CPU while the reader keeps up; 10 ms instead of 5 (bench/notes.md, "A
 * first slice of 10 ms") made those false alarms rare: C 60 KiB with 16
 * writers 0.88x -> 0.95x raw when the machine was slow, a reader that
 * does not read costs a writer a few ms more once.  A write timeout of 0
 * still waits one RING_AGAIN_MS slice after ringing, so "0" means "do not
 * wait for a full reader", not "fail whenever the kernel's small queue is
 * momentarily full". */
#define FIRST_SLICE_MS 10
#define RING_AGAIN_MS 20
/* After a write had to ring, this many writes ring at once on a full
 * queue (see mailslot__plat_write()).  Measured: without it, a writer
 * pays the first slice every ten messages while the reader is busy, and
 * queueing 10,000 messages of 1 KiB took 6.3 s instead of 0.07 s. */
#define BACKLOG_WRITES 100000u
/* ... but after BACKLOG_MISSES of them in a row that find the queue full,
 * the writer stops ringing at once until BACKLOG_MISSES writes in a row
 * find room.  A queue full at every write is being emptied one message at
 * a time, by the reader or by a drain already under way, and a ring then
 * only wakes the drain thread for nothing (DRAIN_SKIP) or makes it copy
 * what the reader would have taken; a run of writes that find room means
 * the queue was emptied, and a drain that emptied it has stopped, so the
 * next full queue rings again.  Before, one writer that the others had
 * kept out for a slice rang at every full queue for the rest of its run.
 * Measured (bench/notes.md, "A backlog that rests"): C 60 KiB with 16
 * writers 0.91x -> 1.20x raw, C 1 KiB with 16 writers 1.2x -> 2.5x,
 * Python 60 KiB with 16 writers 0.86x -> 1.12x the socket module; a
 * reader that does not read fills as fast.  Ending the backlog there
 * instead made filling a reader that does not read pay a slice now and
 * then (10,000 x 1 KiB: 0.03-0.05 s -> up to 0.12 s). */
#define BACKLOG_MISSES 8u

struct mailslot_writer {
    int sock;
    int ring_fd;              /* rings the doorbell; made when first needed */
    int closed;
    int32_t timeout_ms;       /* waiting for room; -1 forever (atomic) */
    unsigned backlog;         /* writes left that ring at once (atomic) */
    unsigned missed;          /* backlog writes in a row that found the
                                 queue full, up to BACKLOG_MISSES (atomic) */
    unsigned room;            /* ... and that found room after such a run
                                 (atomic; found_room()) */
    int sndbuf_set;           /* grow_sndbuf() ran (atomic) */
    int slice_set;            /* first_slice() ran (atomic) */
    unsigned herd;            /* waits left before take_turns() (atomic) */
    uint32_t max_size;
    uint64_t ring;            /* what a ring says (the slot's info) */
    int bundles;              /* the reader takes bundles (batch.c) */
    unsigned char token[MAILSLOT__TOKEN];
    struct sockaddr_un bell;
    mailslot__remote *remote; /* remote names only (remote.c) */
};

size_t
mailslot__plat_max_message(void)
{
    return MAILSLOT__POSIX_MAX_MESSAGE;
}

/*
 * The info of the slot whose socket is at PATHS (connected): the reader
 * publishes it right after binding the socket, so a writer that comes in
 * between waits for it, a few yields, then a millisecond at a time up to
 * INFO_WAIT_MS; 0 or an error.
 */
#define INFO_WAIT_MS 200
static int
load_info(const mailslot__slot_paths *paths, mailslot__info *info)
{
    struct timespec ms = {0, 1000000};
    int tries;

    for (tries = 0; mailslot__info_load(AT_FDCWD, paths->info, info) != 0;
         tries++) {
        if (errno != ENOENT)
            return mailslot__err(MAILSLOT_EUNSAFE, errno);
        if (tries >= 10 + INFO_WAIT_MS)
            return mailslot__os_fail(ENOENT);
        if (tries < 10)
            sched_yield();
        else
            nanosleep(&ms, NULL);
    }
    return 0;
}

/* How long a blocking send() waits before it gives up (EAGAIN). */
static int
set_slice(struct mailslot_writer *w, int ms)
{
    struct timeval tv;

    tv.tv_sec = 0;
    tv.tv_usec = ms * 1000;
    if (setsockopt(w->sock, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv) != 0)
        return mailslot__os_fail(errno);
    return 0;
}

/* Connect to the reader's socket at PATHS and learn its info: 0 or an
 * error. */
static int
connect_to(struct mailslot_writer *w, const mailslot__slot_paths *paths)
{
    struct sockaddr_un sa;
    mailslot__info info;
    int rc;

    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, paths->sock, strlen(paths->sock) + 1);
    if (connect(w->sock, (struct sockaddr *)&sa, sizeof sa) != 0)
        return mailslot__os_fail(errno);
    rc = load_info(paths, &info);
    if (rc != 0)
        return rc;
    w->max_size = info.max_size;
    w->ring = info.ring;
    w->bundles = info.bundles;
    memcpy(w->token, info.token, sizeof w->token);
    return mailslot__info_bell(paths->dir, &info, &w->bell);
}

/*
 * The rule when a name exists more than once: this user's own slot
 * first, then the shared slots of that name, lowest owner uid first (root,
 * then system users, then others).  The first live one is the slot; one
 * that refuses this writer ends the search (access_denied), so a later
 * owner never gets messages meant for an earlier one.
 */
#define SHARED_TRIES 8

static int
connect_shared(struct mailslot_writer *w, const mailslot__name *name,
    int private_rc)
{
    mailslot__slot_paths found[SHARED_TRIES];
    uid_t owners[SHARED_TRIES];
    int n = mailslot__shared_find(name, found, owners, SHARED_TRIES);
    int i, rc;

    if (n < 0)
        return mailslot__code(private_rc) == MAILSLOT_ENOTFOUND
            ? n : private_rc;
    for (i = 0; i < n; i++) {
        rc = connect_to(w, &found[i]);
        if (mailslot__code(rc) != MAILSLOT_ENOTFOUND)
            return rc;
    }
    return private_rc;
}

static int
connect_local(struct mailslot_writer *w, const mailslot__name *name)
{
    mailslot__slot_paths paths;
    int rc;

    w->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (w->sock < 0)
        return mailslot__os_fail(errno);
    rc = mailslot__slot_paths_for(name, 0, &paths);
    if (rc == 0)
        rc = connect_to(w, &paths);
    if (mailslot__code(rc) == MAILSLOT_ENOTFOUND ||
        mailslot__code(rc) == MAILSLOT_EUNSAFE)
        rc = connect_shared(w, name, rc);
    return rc;
}

/*
 * Socket options set when first needed, not at open: a writer that sends
 * a few small messages into a reader that keeps up needs neither, and a
 * slot's whole life is a few dozen system calls (bench/notes.md, "One
 * drain thread per process").  The send buffer: enough for one message of
 * the largest size and a few in flight, set before the first message of
 * BIG_SEND bytes or more (the default holds over 200 KiB).  The slice: a
 * blocking send() waits one slice at most (send_when_room()), set before
 * the first blocking send().
 */
#define BIG_SEND 16384u

static void
grow_sndbuf(struct mailslot_writer *w)
{
    int sndbuf = (int)SNDBUF;

    if (__atomic_exchange_n(&w->sndbuf_set, 1, __ATOMIC_RELAXED) == 0)
        /* Best effort: the kernel caps it at net.core.wmem_max. */
        setsockopt(w->sock, SOL_SOCKET, SO_SNDBUF, &sndbuf, sizeof sndbuf);
}

static void
first_slice(struct mailslot_writer *w)
{
    if (__atomic_exchange_n(&w->slice_set, 1, __ATOMIC_RELAXED) == 0)
        set_slice(w, FIRST_SLICE_MS);
}

int
mailslot__plat_open(const mailslot__name *name,
    const mailslot_options *opts, mailslot_writer **out)
{
    struct mailslot_writer *w;
    int rc;

    w = calloc(1, sizeof *w);
    if (w == NULL)
        return mailslot__os_fail(ENOMEM);
    w->sock = w->ring_fd = -1;
    mailslot__plat_writer_set_timeout(w, opts->write_timeout_ms);
    if (name->kind == MAILSLOT_NAME_LOCAL)
        rc = connect_local(w, name);
    else
        rc = mailslot__remote_open(name, opts, &w->remote);
    if (rc != 0) {
        if (w->sock >= 0)
            close(w->sock);
        free(w);
        return rc;
    }
    *out = w;
    return 0;
}

/*
 * The socket that rings the doorbell.  Not the data socket: the messages
 * this writer has queued are charged to that one's send buffer, and when
 * they fill it a ring sent from it would fail like the message did, with
 * nothing left to wake the drain thread.  Made on the first full queue (a
 * writer may be shared by threads, so installed atomically); -1 if it
 * cannot be had, then the ring is simply not sent and the wait ends at the
 * write timeout.
 */
static int
ring_socket(struct mailslot_writer *w)
{
    int fd = __atomic_load_n(&w->ring_fd, __ATOMIC_ACQUIRE), none = -1;

    if (fd >= 0)
        return fd;
    fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return -1;
    if (!__atomic_compare_exchange_n(&w->ring_fd, &none, fd, 0,
            __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        close(fd);
        fd = none;
    }
    return fd;
}

/*
 * Ring the doorbell: the drain thread moves the socket's datagrams into
 * the reader's FIFO.  The ring names the reader (drainer.c).  A doorbell
 * that already holds max_dgram_qlen rings drops this one: the thread is
 * awake then, and this writer rings again after its next slice.
 * Measured: waiting for room instead (the doorbell serves every reader
 * of the process, so a full one may hold none of this slot's rings) cost
 * C 16 B with 16 writers a quarter of its throughput, as writers queued
 * behind each other's rings.
 */
static void
ring(struct mailslot_writer *w)
{
    sendto(ring_socket(w), &w->ring, sizeof w->ring,
        MSG_NOSIGNAL | MSG_DONTWAIT, (const struct sockaddr *)&w->bell,
        sizeof w->bell);
}

/*
 * The kernel queue stayed full for FIRST_SLICE_MS (a reader that keeps up
 * makes room within microseconds, as for any datagram writer): wait on in
 * send() for room, up to the write timeout, ringing the doorbell now and
 * after every RING_AGAIN_MS so the drain thread empties the queue into the
 * reader's FIFO.  A reader that stopped reading costs a writer that first
 * slice once: for its next BACKLOG_WRITES writes the writer rings as soon
 * as it finds the queue full (mailslot__plat_write()).
 *
 * Ringing again each slice also bounds a stall: a writer that the kernel
 * wakes because a datagram was taken, but whose queue other writers have
 * refilled meanwhile, goes back to sleep inside send() without returning.
 * (A blocking send(), not poll(): the kernel wakes one sender per
 * datagram taken, where poll() would wake every waiting writer.)
 */
static ssize_t
send_when_room(struct mailslot_writer *w, const void *data, size_t len)
{
    int64_t deadline = -1;
    ssize_t n;

    int32_t timeout = __atomic_load_n(&w->timeout_ms, __ATOMIC_RELAXED);

    if (timeout >= 0)
        deadline = mailslot__now_ms() + timeout;
    set_slice(w, RING_AGAIN_MS);
    do {
        ring(w);
        n = send(w->sock, data, len, MSG_NOSIGNAL);
    } while (n < 0 && (errno == EAGAIN || errno == EINTR) &&
             (deadline < 0 || mailslot__now_ms() < deadline));
    {
        int err = errno;

        set_slice(w, FIRST_SLICE_MS);
        errno = err;
    }
    return n;
}

/*
 * TAKE_TURNS: a large message finds the queue full and no other writer
 * has been seen waiting.  poll() wakes a datagram writer only when three
 * quarters of its send buffer are free again, so the reader takes the
 * writer's messages in a run and the writer sends the next ones in a run,
 * one wake-up each, where a blocking send() is woken for every message
 * taken.  But poll() wakes every waiting writer at once: one that finds
 * the queue full again after its wake-up has others waiting beside it, and
 * its next HERD_WAITS waits are GIVE_WAY's blocking send(), which the
 * kernel wakes one writer at a time.  A poll() that runs out (the first
 * slice) goes on to RINGING.  0 or -1 and errno as send().  Measured:
 * bench/notes.md, "Large writes that take turns".
 */
#define HERD_WAITS 64u

static int
take_turns(struct mailslot_writer *w)
{
    unsigned left = __atomic_load_n(&w->herd, __ATOMIC_RELAXED);

    if (left == 0)
        return 1;
    __atomic_store_n(&w->herd, left - 1, __ATOMIC_RELAXED);
    return 0;
}

static ssize_t
send_in_turn(struct mailslot_writer *w, const void *data, size_t len)
{
    struct pollfd p = {w->sock, POLLOUT, 0};
    ssize_t n;
    int rc = poll(&p, 1, FIRST_SLICE_MS);

    if (rc <= 0) {
        if (rc == 0)
            errno = EAGAIN;
        return -1;
    }
    n = send(w->sock, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0 && errno == EAGAIN) {
        __atomic_store_n(&w->herd, HERD_WAITS, __ATOMIC_RELAXED);
        first_slice(w);
        n = send(w->sock, data, len, MSG_NOSIGNAL);
    }
    return n;
}

/*
 * What a write in backlog found at its first try, counted for RESTING
 * (BACKLOG_MISSES).  found_full() returns 1 when the writer should ring at
 * once (RING_NOW), 0 when it rests.  missed stops at BACKLOG_MISSES, and
 * room is counted only while missed is not 0, so a write that finds room
 * outside a run of full queues only loads a word.  The counts need not be
 * exact when threads share a writer: relaxed loads and stores, no locked
 * read-modify-write.
 */
static void
found_room(struct mailslot_writer *w)
{
    unsigned room;

    if (__atomic_load_n(&w->missed, __ATOMIC_RELAXED) == 0)
        return;
    room = __atomic_load_n(&w->room, __ATOMIC_RELAXED) + 1;
    __atomic_store_n(&w->room, room, __ATOMIC_RELAXED);
    if (room >= BACKLOG_MISSES)
        __atomic_store_n(&w->missed, 0, __ATOMIC_RELAXED);
}

static int
found_full(struct mailslot_writer *w)
{
    unsigned missed = __atomic_load_n(&w->missed, __ATOMIC_RELAXED);

    __atomic_store_n(&w->room, 0, __ATOMIC_RELAXED);
    if (missed >= BACKLOG_MISSES)
        return 0;
    __atomic_store_n(&w->missed, missed + 1, __ATOMIC_RELAXED);
    return 1;
}

int
mailslot__plat_write(mailslot_writer *w, const void *data, size_t len)
{
    ssize_t n;
    int backlog;

    if (w->closed)
        return MAILSLOT_ECLOSED;
    if (w->remote != NULL)
        return mailslot__remote_write(w->remote, data, len);
    if (len > MAILSLOT__POSIX_MAX_MESSAGE ||
        (w->max_size != 0 && len > w->max_size))
        return MAILSLOT_ETOOBIG;
    if (len >= BIG_SEND)
        grow_sndbuf(w);
    backlog = __atomic_load_n(&w->backlog, __ATOMIC_RELAXED) > 0;
    if (backlog)
        __atomic_fetch_sub(&w->backlog, 1, __ATOMIC_RELAXED);
    /* One system call while there is room.  On a full kernel queue, one
     * of the two steps below, then a wait in send() of FIRST_SLICE_MS at
     * most. */
    n = send(w->sock, data, len, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (backlog && n >= 0)
        found_room(w);
    if (n < 0 && errno == EAGAIN) {
        if (backlog && found_full(w)) {
            /* The reader fell behind lately, so the drain thread is
             * likely serving its backlog: ring at once (RING_NOW; not
             * after BACKLOG_MISSES full queues in a row: RESTING). */
            ring(w);
        } else if (len >= BIG_SEND && take_turns(w)) {
            n = send_in_turn(w, data, len);
            goto sent;
        } else {
            /* Give way once: a reader that keeps up has taken a message
             * by then.  A writer that sleeps at once has to be woken by
             * the reader's next receive, and the reader pays for that
             * wake-up.  Measured: without it C 16 B with 16 writers fell
             * from 2.7x to 1.4x raw, 1 KiB with 4 writers from 1.65x to
             * 1.2x. */
            sched_yield();
        }
        first_slice(w);
        n = send(w->sock, data, len, MSG_NOSIGNAL);
    }
sent:
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) {
        n = send_when_room(w, data, len);
        __atomic_store_n(&w->backlog, BACKLOG_WRITES, __ATOMIC_RELAXED);
        __atomic_store_n(&w->missed, 0, __ATOMIC_RELAXED);
    }
    if (n < 0)
        return mailslot__os_fail(errno == ECONNREFUSED ? EPIPE : errno);
    return 0;
}

const unsigned char *
mailslot__writer_token(mailslot_writer *w)
{
    return w->bundles && !w->closed && w->remote == NULL ? w->token : NULL;
}

int
mailslot__writer_socket(mailslot_writer *w, size_t *limit)
{
    *limit = MAILSLOT__POSIX_MAX_MESSAGE;
    if (w->max_size != 0 && w->max_size < *limit)
        *limit = w->max_size;
    return w->closed || w->remote != NULL ? -1 : w->sock;
}

void
mailslot__plat_writer_set_timeout(mailslot_writer *w, int32_t timeout_ms)
{
    __atomic_store_n(&w->timeout_ms, timeout_ms, __ATOMIC_RELAXED);
}

int32_t
mailslot__plat_writer_timeout(mailslot_writer *w)
{
    return __atomic_load_n(&w->timeout_ms, __ATOMIC_RELAXED);
}

void
mailslot__plat_writer_close(mailslot_writer *w)
{
    if (w->closed)
        return;
    w->closed = 1;
    if (w->sock >= 0)
        shutdown(w->sock, SHUT_RDWR);
}

void
mailslot__plat_writer_free(mailslot_writer *w)
{
    /* No call may be in progress now (mailslot.h), so nothing waits to be
     * woken by close()'s shutdown(): close() alone ends the socket. */
    w->closed = 1;
    if (w->sock >= 0)
        close(w->sock);
    if (w->ring_fd >= 0)
        close(w->ring_fd);
    mailslot__remote_free(w->remote);
    free(w);
}
