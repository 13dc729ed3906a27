/*
 * Reading from a POSIX reader: the FIFO first, then straight from the
 * socket, sleeping in poll() on both the socket and the eventfd when
 * there is nothing (see reader.c for the design).
 */
#include <errno.h>
#include <poll.h>
#include <pthread.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"
#include "queue.h"
#include "reader.h"
#include "batch.h"

/* Enter a call; fails when the reader is closed (lock held). */
static int
enter(struct mailslot_reader *r)
{
    return mailslot__life_enter(&r->life);
}

static void
leave(struct mailslot_reader *r)
{
    if (mailslot__life_leave(&r->life))
        pthread_cond_broadcast(&r->idle_cv);
}

/* Take the oldest message if it fits (lock held, FIFO not empty). */
static int
take(struct mailslot_reader *r, void *buf, size_t cap, size_t *len,
    mailslot_origin *origin)
{
    unsigned char meta[MAILSLOT__ORIGIN_WIRE];
    size_t size = (size_t)mailslot__queue_peek(&r->q), mlen;

    *len = size;
    if (size > cap)
        return MAILSLOT_EBUFFER;
    mailslot__queue_pop_meta(&r->q, buf, meta, sizeof meta, &mlen);
    mailslot__origin_set(origin, meta, mlen);
    if (r->batch_big)
        r->took_ms = mailslot__now_ms(); /* DRAIN_SKIP (drainer.c) */
    if (r->q.count == 0)
        mailslot__reader_unsignal(r);
    /* DRAIN_FULL: the drain thread stopped at the limits; once the FIFO
     * is half empty (not for every message taken), drain here, in its
     * place, what writers left in the socket meanwhile: their rings may
     * have been taken while it was full. */
    if (r->drain_waiting && r->q.count <= r->limit_msgs / 2 &&
        r->q.bytes <= r->limit_bytes / 2) {
        r->drain_waiting = 0;
        mailslot__reader_drain(r);
    }
    return 0;
}

int
mailslot__reader_take(struct mailslot_reader *r, void *buf, size_t cap,
    size_t *len)
{
    return take(r, buf, cap, len, NULL);
}

/*
 * Hand the N-byte datagram in scratch (SKIP bytes of origin first) to the
 * caller, or queue it when BUF is too small.
 */
static int
deliver_scratch(struct mailslot_reader *r, size_t n, size_t skip, void *buf,
    size_t cap, size_t *len, mailslot_origin *origin)
{
    *len = n - skip;
    if (*len <= cap) {
        if (*len > 0)
            memcpy(buf, r->scratch + skip, *len);
        mailslot__origin_set(origin, r->scratch, skip);
        return 0;
    }
    if (mailslot__reader_queue(r, r->scratch, n, skip) != 0)
        return mailslot__os_fail(ENOMEM);
    mailslot__reader_signal(r);
    return MAILSLOT_EBUFFER;
}

/*
 * Hand over the N-byte datagram received into BUF (CAP bytes) and, past
 * CAP, into scratch.  A message that fits is already where the caller
 * wants it (an origin header in front is moved out of the way); one that
 * does not is made whole in scratch and queued.
 */
static int
deliver(struct mailslot_reader *r, size_t n, size_t skip, void *buf,
    size_t cap, size_t *len, mailslot_origin *origin)
{
    unsigned char meta[MAILSLOT__ORIGIN_WIRE];

    if (n > cap) {
        mailslot__recv_gather(buf, cap, r->scratch, n);
        return deliver_scratch(r, n, skip, buf, cap, len, origin);
    }
    *len = n - skip;
    if (skip > 0) {
        memcpy(meta, buf, skip);
        memmove(buf, (unsigned char *)buf + skip, *len);
    }
    mailslot__origin_set(origin, meta, skip);
    return 0;
}

/*
 * Batches.  A reader that falls behind finds several datagrams waiting,
 * and on this kind of machine a system call costs more than copying a
 * small message: one recvmmsg() for ten 1 KiB datagrams costs a quarter
 * of ten recv()s (bench/notes.md).  So while datagrams are small, a read
 * that finds the FIFO empty takes up to MAILSLOT__RX_BATCH at once: the
 * first lands in the caller's buffer as with one recv(), the others in
 * the batch area, from which they are queued in the FIFO behind it.  A
 * reader that keeps up gets one datagram per call and nothing changes.
 * Large datagrams are taken one at a time (copying them twice more would
 * cost more than the system calls saved): after one, until a small one
 * comes again.  Measured again with the others (bench/notes.md): without
 * batches Lua 1 KiB fell from 0.82x to 0.53x LuaSocket, Lua 16 B from
 * 2.1x to 1.9x; the C rows moved within this machine's noise.
 *
 * A batch that finds one datagram costs more than a recv() (the kernel
 * looks for a second one, and the call takes a vector), and a reader that
 * keeps up finds one every time.  So after such a batch, the next
 * MAILSLOT__BATCH_PROBE - 1 receives take one datagram each, and the one
 * after that tries a batch again.  Measured (bench/notes.md, "Batches
 * that find one"): C 1 KiB, 1 writer, paired with raw in the same run,
 * 0.82x -> 1.04x; the other C rows moved within the noise.
 */
/* take_direct(): messages were queued, none delivered; look again. */
#define TAKE_AGAIN 2

/* How many datagrams the next receive may take (lock held). */
static unsigned
batch_size(struct mailslot_reader *r)
{
    size_t room;

    if (r->singles > 0) {
        r->singles--;
        return 1;
    }
    /* The FIFO is empty; a batch must fit its limits whatever comes. */
    if (r->batch_big || r->limit_msgs < MAILSLOT__RX_BATCH ||
        r->limit_bytes < (uint64_t)MAILSLOT__RX_BATCH *
            (MAILSLOT__POSIX_MAX_MESSAGE + 1) ||
        mailslot__reader_batch_area(r) == NULL ||
        mailslot__queue_reserve(&r->q, MAILSLOT__BATCH_ROOM, &room) == NULL)
        return 1;
    return MAILSLOT__RX_BATCH;
}

/* Queue datagram RX (not the first of its batch) behind the others. */
static int
queue_rx(struct mailslot_reader *r, const mailslot__rx *rx)
{
    if (rx->len > MAILSLOT__POSIX_MAX_MESSAGE)
        return 0; /* not from one of our writers */
    return mailslot__reader_queue(r, rx->buf, rx->len, rx->skip);
}

/* Before a receive that may sleep (WAIT): DIRECT_WAIT, the lock let go. */
static void
direct_sleep(struct mailslot_reader *r, int wait)
{
    if (wait) {
        r->direct_wait = 1;
        pthread_mutex_unlock(&r->mu);
    }
}

/* Back from a receive that may have slept (WAIT; FAILED: it returned -1
 * with errno): 0 to go on, or what take_direct() returns then (1: closed
 * meanwhile; MAILSLOT_EINTR). */
static int
direct_wake(struct mailslot_reader *r, int wait, int failed)
{
    int err = failed ? errno : 0;

    if (!wait)
        return 0;
    pthread_mutex_lock(&r->mu);
    r->direct_wait = 0;
    if (r->life.closed)
        return 1;
    if (err == EINTR)
        return mailslot__os_fail(EINTR);
    return 0;
}

/*
 * A read with no buffer (CAP 0) only measures: look at the next datagram
 * without taking it, copying no more than its origin header, and report
 * its size (MAILSLOT_EBUFFER); it stays first in the socket.  A binding
 * then receives it straight into an object of that size, with no copy
 * through a buffer of its own (Python).  Returns like take_direct(), or 0
 * when the datagram must be taken after all (an empty message fits; one
 * over the limit is not ours and is dropped by the receive).
 */
static int
measure_direct(struct mailslot_reader *r, size_t *len, int wait)
{
    unsigned char head[MAILSLOT__ORIGIN_WIRE];
    size_t skip = 0;
    ssize_t n;
    int rc;

    direct_sleep(r, wait);
    do {
        n = mailslot__recv_message(r->sock, head, sizeof head, NULL, 0,
            r->paths.relay, MAILSLOT__READER_TOKEN(r),
            (wait ? 0 : MSG_DONTWAIT) | MSG_PEEK, &skip);
    } while (n < 0 && errno == EINTR && !wait);
    rc = direct_wake(r, wait, n < 0);
    if (rc != 0)
        return rc;
    if (n < 0)
        return 1;
    if ((size_t)n > MAILSLOT__POSIX_MAX_MESSAGE || (size_t)n == skip ||
        skip == MAILSLOT__BUNDLE)
        return 0;
    *len = (size_t)n - skip;
    return MAILSLOT_EBUFFER;
}

/*
 * The direct receive.  Measured (bench/notes.md): reading always through
 * the FIFO instead cost C 60 KiB, 1 writer, 1.15x -> 0.70x raw and C
 * 1 KiB, 4 writers, 1.65x -> 1.09x.
 *
 * The FIFO is empty: take the next datagram straight from the socket, and
 * while datagrams are small, up to MAILSLOT__RX_BATCH - 1 more into the
 * FIFO.  Returns 0, MAILSLOT_EBUFFER (then the message waits in the FIFO),
 * MAILSLOT_ENOMEM (it was lost), TAKE_AGAIN (the first was not ours, the
 * others are queued), or 1 when the socket has nothing either.  A large
 * datagram after the first that cannot be queued for want of memory is
 * lost, and the next read reports it.
 *
 * With WAIT (a read with timeout -1; DIRECT_WAIT) it sleeps in that same
 * receive until the first datagram comes (a blocking recv(), or
 * recvmmsg() with MSG_WAITFORONE), without the lock: one system call per
 * message for a reader that keeps up, as a plain datagram program makes,
 * instead of a receive that finds nothing and then one that waits.
 * Measured: bench/notes.md, "One receive for a read that waits".  While
 * it sleeps, direct_wait keeps the drain thread, info() and other reads
 * off the socket (so order is kept), and nobody else queues in the FIFO,
 * so the room batch_size() made sure of is still there; a doorbell ring
 * the drain thread could not serve meanwhile is rung again by its writer
 * one slice later (reader.c, invariant 5).  close() wakes it with
 * shutdown().  Then it may also return MAILSLOT_EINTR.
 */
static int
take_direct(struct mailslot_reader *r, void *buf, size_t cap, size_t *len,
    mailslot_origin *origin, int wait)
{
    mailslot__rx rx[MAILSLOT__RX_BATCH];
    size_t slot = MAILSLOT__POSIX_MAX_MESSAGE + 1;
    unsigned want = 1, i;
    int n, rc = 0, big = 0, big_after = 0;
    int flags = wait ? 0 : MSG_DONTWAIT;
    ssize_t one;

    if (cap == 0) {
        rc = measure_direct(r, len, wait);
        if (rc != 0)
            return rc; /* else the datagram is there: take it alone */
    } else {
        want = batch_size(r);
    }
    rx[0].buf = buf;
    rx[0].cap = cap;
    rx[0].spill = r->scratch;
    rx[0].spill_cap = slot;
    if (want > 1)
        mailslot__reader_aim_batch(r, rx + 1, want - 1);
    direct_sleep(r, wait);
    do {
        if (want > 1) {
            n = mailslot__recv_batch(r->sock, rx, want, r->paths.relay,
                MAILSLOT__READER_TOKEN(r), wait ? MSG_WAITFORONE : flags);
        } else {
            one = mailslot__reader_recv(r, buf, cap, flags, &rx[0].skip);
            rx[0].len = one < 0 ? 0 : (size_t)one;
            n = one < 0 ? -1 : 1;
        }
    } while (n < 0 && errno == EINTR && !wait);
    rc = direct_wake(r, wait, n < 0);
    if (rc != 0)
        return rc;
    if (want > 1 && n == 1)
        r->singles = MAILSLOT__BATCH_PROBE - 1;
    if (n <= 0)
        return 1;
    for (i = 0; i < (unsigned)n; i++) {
        big |= MAILSLOT__RX_LARGE(rx[i].len, rx[i].skip);
        big_after |= i > 0 && MAILSLOT__RX_LARGE(rx[i].len, rx[i].skip);
    }
    r->batch_big = big;
    if (big)
        r->took_ms = mailslot__now_ms(); /* DRAIN_SKIP (drainer.c) */
    /* The first, unless it is not ours (a datagram over the limit) or a
     * bundle, whose messages are queued and then taken from the FIFO. */
    if (rx[0].len > MAILSLOT__POSIX_MAX_MESSAGE) {
        rc = TAKE_AGAIN;
    } else if (rx[0].skip == MAILSLOT__BUNDLE) {
        mailslot__recv_gather(buf, cap, r->scratch, rx[0].len);
        rc = mailslot__reader_queue(r, r->scratch, rx[0].len, rx[0].skip)
            == 0 ? TAKE_AGAIN : MAILSLOT_ENOMEM;
    } else {
        rc = deliver(r, rx[0].len, rx[0].skip, buf, cap, len, origin);
    }
    for (i = 1; i < (unsigned)n; i++)
        if (queue_rx(r, &rx[i]) != 0)
            r->lost = 1; /* only a large one can need memory here */
    if (r->q.count > 0)
        mailslot__reader_signal(r);
    if (big_after)
        mailslot__reader_batch_trim(r);
    return rc;
}

/*
 * Sleep in poll() until a message, close, or DEADLINE.  The reader watches
 * the socket as well as the eventfd, so a message sent to a waiting reader
 * wakes it directly instead of through the drain thread.
 */
static int
wait_event(struct mailslot_reader *r, int64_t deadline)
{
    struct pollfd pfd[2];
    int64_t left = -1;
    int n;

    if (deadline >= 0) {
        left = deadline - mailslot__now_ms();
        if (left < 0)
            left = 0;
    }
    n = mailslot__reader_events(r);
    if (n != 0)
        return n;
    pfd[0].fd = r->evfd;
    pfd[0].events = POLLIN;
    pfd[1].fd = r->sock;
    pfd[1].events = POLLIN;
    /* While it sleeps, the eventfd must follow the FIFO (empty now: the
     * caller found nothing to take). */
    r->waiting++;
    pthread_mutex_unlock(&r->mu);
    n = poll(pfd, 2, left > INT32_MAX ? INT32_MAX : (int)left);
    pthread_mutex_lock(&r->mu);
    r->waiting--;
    if (n < 0)
        return mailslot__os_fail(errno);
    return 0;
}

int
mailslot__plat_read(mailslot_reader *r, void *buf, size_t cap, size_t *len,
    int32_t timeout_ms)
{
    return mailslot__plat_read_ex(r, buf, cap, len, timeout_ms, NULL);
}

int
mailslot__plat_read_ex(mailslot_reader *r, void *buf, size_t cap,
    size_t *len, int32_t timeout_ms, mailslot_origin *origin)
{
    int64_t deadline;
    int rc, entered;

    pthread_mutex_lock(&r->mu);
    rc = enter(r);
    entered = rc == 0;
    if (rc == 0 && r->lost) {
        r->lost = 0;
        rc = mailslot__os_fail(ENOMEM);
    }
    deadline = mailslot__read_deadline(&r->life, timeout_ms);
    while (rc == 0) {
        if (r->q.count > 0) {
            rc = take(r, buf, cap, len, origin);
            break;
        }
        /* Another thread asleep in recv() owns the socket; a read that
         * waits for ever takes its place (DIRECT_WAIT). */
        if (!r->life.closed && !r->direct_wait) {
            rc = take_direct(r, buf, cap, len, origin, deadline < 0);
            if (rc == TAKE_AGAIN) {
                rc = 0;
                continue;
            }
            if (rc != 1)
                break;
            if (deadline < 0) {
                rc = 0;
                continue; /* woken by close(), or a datagram not ours */
            }
        }
        rc = mailslot__read_verdict(&r->life, deadline);
        if (rc == 0)
            rc = wait_event(r, deadline);
    }
    if (entered)
        leave(r);
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int
mailslot__plat_info(mailslot_reader *r, mailslot_info *info)
{
    int rc;

    pthread_mutex_lock(&r->mu);
    rc = enter(r);
    if (rc == 0) {
        mailslot__reader_drain(r);
        info->max_message_size = r->max_size;
        info->next_size = mailslot__queue_peek(&r->q);
        info->count = (uint32_t)r->q.count;
        info->read_timeout_ms = r->life.timeout_ms;
        leave(r);
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int
mailslot__plat_encoding(mailslot_reader *r)
{
    return r->encoding; /* set once, at creation */
}

int
mailslot__plat_set_timeout(mailslot_reader *r, int32_t timeout_ms)
{
    int rc;

    pthread_mutex_lock(&r->mu);
    rc = enter(r);
    if (rc == 0) {
        r->life.timeout_ms = timeout_ms;
        leave(r);
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

int
mailslot__plat_reader_fd(mailslot_reader *r, intptr_t *fd)
{
    int rc;

    pthread_mutex_lock(&r->mu);
    rc = enter(r);
    if (rc == 0) {
        rc = mailslot__reader_events(r);
        if (rc == 0) {
            /* From now on an event loop may watch: keep the eventfd
             * exact. */
            r->fd_out = 1;
            if (r->q.count > 0)
                mailslot__reader_signal(r);
            *fd = r->epfd;
        }
        leave(r);
    }
    pthread_mutex_unlock(&r->mu);
    return rc;
}

const char *
mailslot__plat_reader_name(const mailslot_reader *r)
{
    return r->display;
}

