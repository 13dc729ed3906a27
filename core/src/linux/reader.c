/*
 * The Linux reader: an AF_UNIX datagram socket bound in the slot directory,
 * read directly by mailslot_read(), plus the process's one drain thread
 * (drainer.c), which serves every slow reader of the process.
 *
 * Why the thread: the kernel queues at most net.unix.max_dgram_qlen (10 by
 * default) datagrams per socket and then makes writers wait, but Windows
 * writers never wait for a slow reader.  A writer that finds the kernel
 * queue full for a short slice rings the doorbell of the reader's process
 * (a second datagram socket, "bell.<pid>", named with the reader's ring
 * in the slot's info), and the drain thread moves the socket's datagrams
 * into the reader's own FIFO (r->q), which frees the kernel queue at
 * once.  Writers so run at full speed until the FIFO reaches its limits
 * (options.queue_limit_*); then they wait, up to their write timeout, and
 * fail "full".  A reader that keeps up never wakes the
 * thread: it receives straight from the socket, as a plain datagram
 * program would.  An idle slot costs no thread and one descriptor, its
 * socket: the thread sleeps in epoll_wait() on the process's doorbells.
 *
 * The hand-off, as a state machine.  tests/model/handoff.pml checks it
 * (with these names) for loss, duplication, reordering and lost wake-ups.
 *
 * Writer (writer.c, mailslot__plat_write(); no lock, nothing shared with
 * the reader but the socket and the doorbell):
 *   SEND       send(MSG_DONTWAIT).  Room: done.  Full: GIVE_WAY, or
 *              RING_NOW while backlog > 0 (not RESTING).
 *   GIVE_WAY   sched_yield(), then a blocking send() of FIRST_SLICE_MS:
 *              a reader that keeps up makes room in that time.
 *   TAKE_TURNS instead of GIVE_WAY for a large message while no other
 *              writer was seen waiting: poll() for room up to
 *              FIRST_SLICE_MS, then send(); a queue full again there
 *              means other writers wait, and the next waits GIVE_WAY.
 *   RING_NOW   ring, then the same blocking send().
 *   RINGING    still full: ring, blocking send() of RING_AGAIN_MS, again
 *              until room or the write timeout (then "full").  Leaving it
 *              sets backlog = BACKLOG_WRITES: the reader fell behind, so
 *              the next full queues ring at once.
 *   RESTING    backlog > 0, but BACKLOG_MISSES writes in a row found the
 *              queue full (someone takes messages one at a time): full
 *              queues GIVE_WAY (or TAKE_TURNS) without a ring, until
 *              BACKLOG_MISSES writes in a row find room.
 * Drain thread, as it serves this reader (drainer.c, serve()):
 *   DRAIN_ASLEEP  in epoll_wait() on the doorbells, without the lock;
 *                 woken, it takes every waiting ring (take_rings()).
 *   DRAIN_SKIP    lock held: the reader takes large messages and took
 *                 one less than KEEPING_UP_MS ago; leave the socket to
 *                 it, back to DRAIN_ASLEEP.
 *   DRAIN_MOVING  lock held: move datagrams from the socket into the
 *                 FIFO until the socket is empty, the FIFO is at its
 *                 limits, or direct_wait is set.
 *   DRAIN_FULL    drain_waiting = 1: the FIFO was at its limits when it
 *                 stopped; back to DRAIN_ASLEEP.  take() drains in its
 *                 place once the FIFO is half empty, without a ring.
 * Read (read.c, mailslot__plat_read_ex(); several threads may read):
 *   TAKE         lock held: the FIFO's oldest message, else take_direct():
 *                receive from the socket without waiting (after a
 *                batch that found one, one at a time for a while; else up to
 *                MAILSLOT__RX_BATCH small datagrams; the first to the
 *                caller, the rest queued in the FIFO).
 *   DIRECT_WAIT  timeout -1 and the FIFO empty: take_direct() with
 *                direct_wait = 1, asleep in the receive itself (a
 *                blocking recv(), or recvmmsg() with MSG_WAITFORONE)
 *                without the lock; what else the batch took is queued
 *                once the lock is held again.  One read at a time; others
 *                use POLL_WAIT.
 *   POLL_WAIT    finite timeout: waiting++, asleep in poll() on the
 *                eventfd and the socket, without the lock.
 *
 * Who touches what.  r->mu guards every mutable field (the FIFO,
 * closed/busy, ev_set, fd_out, waiting, drain_waiting, direct_wait,
 * batch_big, took_ms, lost, timeout_ms); the descriptors, limits and
 * names are set at create and never change.  There is no other lock.
 * scratch and the batch area belong to whoever may receive from the
 * socket (below).
 *
 * Invariants:
 *  1. Only one thread receives from r->sock at a time: a holder of r->mu
 *     while direct_wait is 0, or the one read in DIRECT_WAIT, which set
 *     direct_wait under the lock and clears it under the lock.
 *  2. Every message in the FIFO is older than every message in the socket
 *     (the FIFO is filled only from the socket's head, by the one
 *     receiver of 1), so the order of arrival is kept; info() drains the
 *     socket before it counts, so its count is exact.  A bundle (several
 *     small messages of one write_many(), batch.c) is never given out as
 *     it is: whoever receives it queues its messages in order, under the
 *     lock, before anything after it (mailslot__reader_queue()).
 *  3. While anyone watches the eventfd (fd_out, waiting > 0, closed),
 *     ev_set is 1 exactly when the FIFO is non-empty or the reader is
 *     closed: whoever queues calls mailslot__reader_signal() before it
 *     lets go of the lock, and take() unsignals the FIFO it empties.
 *  4. drain_waiting is 1 from a drain that stopped at the FIFO's limits
 *     until the FIFO is at half of both: then take() clears it and
 *     drains, holding the lock, as the drain thread would have.
 *  5. No wake-up is lost.  A writer in RINGING rings before every slice.
 *     The drain thread takes rings before it looks at the socket, so a
 *     ring sent after that look wakes it again.  A ring it does not
 *     serve is not needed: with the FIFO full, it drains once room comes
 *     (DRAIN_FULL); during DIRECT_WAIT the sleeping read receives, which
 *     makes room, and a writer still waiting rings again one slice later,
 *     by when that read has returned; after DRAIN_SKIP the reader was
 *     taking messages, and a writer still waiting rings again one slice
 *     (RING_AGAIN_MS > KEEPING_UP_MS) later, drained then unless the
 *     reader took one meanwhile.
 *  6. close() sets closed under the lock, shuts the socket down if a
 *     call is in progress (which ends DIRECT_WAIT and POLL_WAIT), waits
 *     for busy to reach 0, then leaves the drain thread's registry, after
 *     which the thread never touches the reader (drainer.c), and closes
 *     the socket, which ends every writer's send() with "closed".
 *
 * Which of these mechanisms pay for themselves, and by how much, is
 * measured in bench/notes.md ("What each mechanism is worth"); each keeps
 * its figure in a comment next to it.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"
#include "queue.h"
#include "reader.h"


int
mailslot__reader_full(const struct mailslot_reader *r)
{
    return r->q.count >= r->limit_msgs || r->q.bytes >= r->limit_bytes;
}

unsigned char *
mailslot__reader_batch_area(struct mailslot_reader *r)
{
    void *p;

    if (r->batch == NULL && !r->batch_failed) {
        /* Address space only: a page is touched when a datagram lands in
         * it. */
        p = mmap(NULL, MAILSLOT__BATCH_AREA, PROT_READ | PROT_WRITE,
            MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
        if (p != MAP_FAILED)
            r->batch = p;
        else
            r->batch_failed = 1;
    }
    return r->batch;
}

void
mailslot__reader_aim_batch(struct mailslot_reader *r, mailslot__rx *rx,
    unsigned n)
{
    size_t slot = MAILSLOT__POSIX_MAX_MESSAGE + 1;
    unsigned i;

    for (i = 0; i < n; i++) {
        rx[i].buf = r->batch + i * slot;
        rx[i].cap = slot;
        rx[i].spill = NULL;
        rx[i].spill_cap = 0;
    }
}

void
mailslot__reader_batch_trim(struct mailslot_reader *r)
{
    if (r->batch != NULL)
        madvise(r->batch, MAILSLOT__BATCH_AREA, MADV_DONTNEED);
}

/*
 * The eventfd is for whoever watches the FIFO without holding the lock: an
 * event loop given the descriptor, a read asleep in poll(), everyone at
 * close.  Nobody else needs it, and a reader that takes small messages in
 * batches would otherwise pay two system calls per batch to set and clear
 * it.  mailslot__plat_reader_fd() (read.c) sets it when an event loop
 * starts watching a FIFO that holds messages; wait_event() only ever
 * starts on an empty one.
 */
void
mailslot__reader_signal(struct mailslot_reader *r)
{
    uint64_t one = 1;

    if (!r->ev_set && r->evfd >= 0 &&
        (r->fd_out || r->waiting > 0 || r->life.closed) &&
        write(r->evfd, &one, sizeof one) == sizeof one)
        r->ev_set = 1;
}

void
mailslot__reader_unsignal(struct mailslot_reader *r)
{
    uint64_t v;

    if (r->ev_set && read(r->evfd, &v, sizeof v) == sizeof v)
        r->ev_set = 0;
}

/* A bundle's fields are 32-bit little-endian lengths. */
static size_t
get32(const unsigned char *p)
{
    return (size_t)p[0] | (size_t)p[1] << 8 | (size_t)p[2] << 16 |
           (size_t)p[3] << 24;
}

/*
 * Queue the messages of the N-byte bundle at P (batch.c says how it is
 * made): the token, a count, then each message's length and bytes.  One
 * that does not add up is dropped whole, before anything is queued.
 */
static int
queue_bundle(struct mailslot_reader *r, const unsigned char *p, size_t n)
{
    size_t at = MAILSLOT__TOKEN + 4, count = get32(p + MAILSLOT__TOKEN), i;
    size_t len;

    for (i = 0; i < count; i++) {
        if (n - at < 4 || (len = get32(p + at)) > n - at - 4)
            return 0;
        at += 4 + len;
    }
    if (at != n || count == 0)
        return 0;
    at = MAILSLOT__TOKEN + 4;
    for (i = 0; i < count; i++) {
        len = get32(p + at);
        if (mailslot__queue_push_meta(&r->q, NULL, 0, p + at + 4, len) != 0)
            return -1;
        at += 4 + len;
    }
    return 0;
}

/* Queue the datagram of N bytes at P, SKIP of them origin. */
int
mailslot__reader_queue(struct mailslot_reader *r, const unsigned char *p,
    size_t n, size_t skip)
{
    if (skip == MAILSLOT__BUNDLE)
        return queue_bundle(r, p, n);
    return mailslot__queue_push_meta(&r->q, p, skip, p + skip, n - skip);
}

ssize_t
mailslot__reader_recv(struct mailslot_reader *r, void *buf, size_t cap,
    int flags, size_t *skip)
{
    return mailslot__recv_message(r->sock, buf, cap, r->scratch,
        MAILSLOT__POSIX_MAX_MESSAGE + 1, r->paths.relay,
        MAILSLOT__READER_TOKEN(r), flags, skip);
}

/*
 * Take the name: bind the slot's socket at paths.sock.  bind() fails while
 * a file is there; if it is a socket nobody is bound to any more (its
 * reader died), remove it and its info and bind again, under the
 * directory's names lock so that two processes never remove each other's
 * new socket.  Invariant: while r->sock is bound there, this reader owns
 * the name and its files (close() removes the info, then the socket).
 */
static int
claim(struct mailslot_reader *r)
{
    struct sockaddr_un sa;
    struct stat st;
    int lockfd = -1, rc = 0, tries;

    r->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (r->sock < 0)
        return mailslot__os_fail(errno);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, r->paths.sock, strlen(r->paths.sock) + 1);
    for (tries = 0; bind(r->sock, (struct sockaddr *)&sa, sizeof sa) != 0;
         tries++) {
        if (errno != EADDRINUSE || tries == 100) {
            rc = mailslot__os_fail(errno);
            break;
        }
        if (lockfd < 0 &&
            (rc = mailslot__names_lock(r->paths.dir, &lockfd)) != 0)
            break;
        if (lstat(r->paths.sock, &st) != 0) {
            if (errno == ENOENT)
                continue;
            rc = mailslot__os_fail(errno);
            break;
        }
        /* Something planted under the socket's name. */
        if (!S_ISSOCK(st.st_mode)) {
            rc = mailslot__err(MAILSLOT_EUNSAFE, S_ISLNK(st.st_mode)
                ? ELOOP : MAILSLOT__ENOTREG);
            break;
        }
        rc = mailslot__socket_live(-1, r->paths.sock);
        if (rc != 0) {
            rc = rc > 0 ? MAILSLOT_EEXISTS : mailslot__os_fail(errno);
            break;
        }
        /* The info first: once the socket is gone, a new reader may
         * make its own. */
        if ((unlink(r->paths.info) != 0 && errno != ENOENT) ||
            (unlink(r->paths.sock) != 0 && errno != ENOENT)) {
            rc = mailslot__os_fail(errno);
            break;
        }
    }
    if (lockfd >= 0)
        close(lockfd);
    if (rc != 0) {
        close(r->sock);
        r->sock = -1;
    }
    return rc;
}

/* Publish the slot's info: max size, display name, how to ring, and
 * whether writers may bundle small messages (only when the limits leave
 * room for a bundle's overshoot to be small, and any size is allowed). */
static int
publish(struct mailslot_reader *r, mailslot__info *info)
{
    int rc;

    r->bundles = r->max_size == 0 &&
                 r->limit_msgs >= MAILSLOT__BUNDLE_LIMIT_MSGS &&
                 r->limit_bytes >= MAILSLOT__BUNDLE_LIMIT_BYTES;
    if (r->bundles)
        mailslot__info_token(r->token);
    info->bundles = r->bundles;
    memcpy(info->token, r->token, sizeof info->token);
    info->max_size = r->max_size;
    memcpy(info->display, r->display, sizeof info->display);
    rc = mailslot__info_publish(r->paths.info, info);
    r->info_made = rc == 0;
    return rc;
}

/*
 * The eventfd, and the epoll set that event loops watch, made the first
 * time a read waits with a timeout or an event loop asks for the
 * descriptor: most slots never need them, and four system calls at create
 * and two at close are a sizeable part of a short-lived slot's cost.
 */
int
mailslot__reader_events(struct mailslot_reader *r)
{
    struct epoll_event ev;
    int evfd, epfd, err;

    if (r->epfd >= 0)
        return 0;
    evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (evfd < 0)
        return mailslot__os_fail(errno);
    epfd = epoll_create1(EPOLL_CLOEXEC);
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    if (epfd < 0 || epoll_ctl(epfd, EPOLL_CTL_ADD, evfd, &ev) != 0 ||
        epoll_ctl(epfd, EPOLL_CTL_ADD, r->sock, &ev) != 0) {
        err = errno;
        close(evfd);
        if (epfd >= 0)
            close(epfd);
        return mailslot__os_fail(err);
    }
    r->evfd = evfd;
    r->epfd = epfd;
    return 0;
}

static void
init_sync(struct mailslot_reader *r)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->idle_cv, &ca);
    pthread_condattr_destroy(&ca);
}

static void
destroy_sync(struct mailslot_reader *r)
{
    pthread_cond_destroy(&r->idle_cv);
    pthread_mutex_destroy(&r->mu);
}

/*
 * Scratch starts SCRATCH_SKEW bytes into its allocation: malloc() maps a
 * block this large on its own, 16 bytes into a page, and the kernel's copy
 * of a large datagram to there ran at a third of its speed on the
 * benchmark machine (bench/notes.md; the bindings skew their buffers the
 * same way).
 */
#define SCRATCH_SKEW 64u

static unsigned char *
scratch_alloc(void)
{
    unsigned char *raw = malloc(MAILSLOT__POSIX_MAX_MESSAGE + 1 +
        SCRATCH_SKEW);

    return raw != NULL ? raw + SCRATCH_SKEW : NULL;
}

static void
scratch_free(unsigned char *scratch)
{
    if (scratch != NULL)
        free(scratch - SCRATCH_SKEW);
}

static struct mailslot_reader *
new_reader(const mailslot__name *name, const mailslot_options *opts)
{
    struct mailslot_reader *r = calloc(1, sizeof *r);

    if (r == NULL)
        return NULL;
    r->scratch = scratch_alloc();
    if (r->scratch == NULL) {
        free(r);
        return NULL;
    }
    /* The batch area is mapped when first wanted, and not before
     * MAILSLOT__BATCH_PROBE reads. */
    r->singles = MAILSLOT__BATCH_PROBE - 1;
    r->sock = r->evfd = r->epfd = -1;
    r->max_size = opts->max_message_size;
    r->life.timeout_ms = opts->read_timeout_ms;
    r->encoding = opts->encoding;
    r->limit_msgs = opts->queue_limit_msgs ? opts->queue_limit_msgs
                                           : MAILSLOT_DEFAULT_QUEUE_MSGS;
    r->limit_bytes = opts->queue_limit_bytes ? opts->queue_limit_bytes
                                             : MAILSLOT_DEFAULT_QUEUE_BYTES;
    memcpy(r->display, name->display, sizeof r->display);
    mailslot__queue_init(&r->q);
    init_sync(r);
    return r;
}

/* Undo a half-made reader (the drain thread does not know it). */
static void
discard(struct mailslot_reader *r)
{
    if (r->info_made)
        unlink(r->paths.info);
    if (r->sock >= 0) {
        unlink(r->paths.sock);
        close(r->sock);
    }
    if (r->epfd >= 0)
        close(r->epfd);
    if (r->evfd >= 0)
        close(r->evfd);
    destroy_sync(r);
    scratch_free(r->scratch);
    if (r->batch != NULL)
        munmap(r->batch, MAILSLOT__BATCH_AREA);
    free(r);
}

int
mailslot__plat_create(const mailslot__name *name,
    const mailslot_options *opts, mailslot_reader **out)
{
    struct mailslot_reader *r = new_reader(name, opts);
    mailslot__info info;
    const char *group;
    int access = mailslot__access_parse(opts->access, &group), rc;
    int served = 0;

    if (r == NULL)
        return mailslot__os_fail(ENOMEM);
    /* A slot others may write to lives in the shared directory. */
    if (access == MAILSLOT__ACCESS_USER) {
        rc = mailslot__slot_paths_for(name, 1, &r->paths);
        if (rc == 0 && mailslot__code(rc = claim(r)) == MAILSLOT_ENOTFOUND) {
            /* The directory was removed since it was checked. */
            mailslot__slot_dir_forget();
            rc = mailslot__slot_paths_for(name, 1, &r->paths);
            if (rc == 0)
                rc = claim(r);
        }
    } else {
        rc = mailslot__shared_own_dir(r->paths.dir, sizeof r->paths.dir);
        if (rc == 0)
            rc = mailslot__slot_paths_in(r->paths.dir, name, &r->paths);
        if (rc == 0)
            rc = claim(r);
    }
    if (rc == 0)
        served = (rc = mailslot__drainer_add(r, &info)) == 0;
    /* Writers can ring from the moment they read the info. */
    if (rc == 0)
        rc = publish(r, &info);
    if (rc == 0 && access != MAILSLOT__ACCESS_USER)
        rc = mailslot__shared_grant(&r->paths, access, group);
    if (rc != 0) {
        if (served)
            mailslot__drainer_remove(r);
        discard(r);
        return rc;
    }
    *out = r;
    return 0;
}

void
mailslot__plat_reader_close(mailslot_reader *r)
{
    pthread_mutex_lock(&r->mu);
    if (r->life.closed) {
        pthread_mutex_unlock(&r->mu);
        return;
    }
    r->life.closed = 1;
    /* The info, then the socket, which gives up the name: so a new
     * reader's files are never removed by this one, and the directory
     * holds only live slots' files. */
    unlink(r->paths.info);
    unlink(r->paths.sock);
    /* Wake this process's reads and event loops (the drain thread is
     * told below, without waking it).  Writers, in any process, are woken
     * by the socket's close() below. */
    if (r->life.busy > 0)
        shutdown(r->sock, SHUT_RDWR);
    mailslot__reader_signal(r);
    while (r->life.busy > 0)
        pthread_cond_wait(&r->idle_cv, &r->mu);
    mailslot__queue_free(&r->q);
    pthread_mutex_unlock(&r->mu);
    /* After this the drain thread never touches the reader again. */
    mailslot__drainer_remove(r);
    close(r->sock);
    r->sock = -1;
    scratch_free(r->scratch);
    r->scratch = NULL;
    if (r->batch != NULL)
        munmap(r->batch, MAILSLOT__BATCH_AREA);
    r->batch = NULL;
}

void
mailslot__plat_reader_free(mailslot_reader *r)
{
    mailslot__plat_reader_close(r);
    if (r->epfd >= 0)
        close(r->epfd);
    if (r->evfd >= 0)
        close(r->evfd);
    destroy_sync(r);
    free(r);
}
