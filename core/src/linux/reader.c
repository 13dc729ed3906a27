/*
 * The Linux reader: an AF_UNIX datagram socket bound in the slot directory,
 * read directly by mailslot_read(), plus a drain thread for slow readers.
 *
 * Why the thread: the kernel queues at most net.unix.max_dgram_qlen (10 by
 * default) datagrams per socket and then makes writers wait, but Windows
 * writers never wait for a slow reader.  A writer whose send finds the
 * kernel queue full waits in send() a short slice (a reader that keeps up
 * makes room sooner), then rings the slot's doorbell (a second datagram
 * socket, "<hash>.bell"); the drain thread, asleep on the doorbell, moves
 * every pending datagram into the reader's own FIFO, which frees the
 * kernel queue at once.  While that backlog lasts, the writer rings as
 * soon as it finds the queue full, without waiting first.
 * So writers run at full speed until the FIFO reaches its limits
 * (options.queue_limit_*); then the thread stops draining and writers
 * wait, up to their write timeout, then fail "full".  A reader that keeps
 * up never wakes the thread: it receives straight from the socket, as a
 * plain datagram program would.
 *
 * Every receive happens under the lock and the FIFO always holds older
 * messages than the socket, so the order of arrival is kept.  info() drains
 * the socket into the FIFO before it looks, so its count is exact.
 *
 * An eventfd is readable while the FIFO is non-empty (or the reader is
 * closed), once anyone watches it.  Reads with a finite timeout sleep in
 * poll() on it and on the socket; event loops get an epoll descriptor
 * that watches both.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
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

#define DRAIN_STACK (64u * 1024u)
/* Datagrams the drain thread moves before it lets a reader in: the
 * kernel's default queue length and a few more. */
#define DRAIN_BATCH 16u
/* Free space the drain thread receives into: a message larger than what
 * is left of the FIFO's tail chunk is copied once more, through scratch. */
#define DRAIN_MIN_ROOM 4096u
/* What clear_bell() found. */
#define RING_PLAIN 1
#define RING_URGENT 2


int
mailslot__reader_full(const struct mailslot_reader *r)
{
    return r->q.count >= r->limit_msgs || r->q.bytes >= r->limit_bytes;
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

    if (!r->ev_set && (r->fd_out || r->waiting > 0 || r->closed) &&
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

/* Queue the datagram of N bytes at P, SKIP of them origin. */
int
mailslot__reader_queue(struct mailslot_reader *r, const unsigned char *p,
    size_t n, size_t skip)
{
    return mailslot__queue_push_meta(&r->q, p, skip, p + skip, n - skip);
}

ssize_t
mailslot__reader_recv(struct mailslot_reader *r, void *buf, size_t cap,
    int flags, size_t *skip)
{
    return mailslot__recv_message(r->sock, buf, cap, r->scratch,
        MAILSLOT__POSIX_MAX_MESSAGE + 1, r->paths.relay, flags, skip);
}

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
    if ((size_t)n <= room) {
        mailslot__queue_commit(&r->q, skip, (size_t)n - skip);
        return 1;
    }
    mailslot__recv_gather(at, room, r->scratch, (size_t)n);
    if (mailslot__reader_queue(r, r->scratch, (size_t)n, skip) != 0)
        return -1;
    return 1;
}

int
mailslot__reader_drain(struct mailslot_reader *r, unsigned limit)
{
    unsigned taken = 0;

    /* A reader asleep in recv() owns the socket: receiving here could
     * queue an older message behind the one it is about to return. */
    while (!r->closed && !r->direct_wait && !mailslot__reader_full(r)) {
        if (limit != 0 && taken == limit) {
            if (r->q.count > 0)
                mailslot__reader_signal(r);
            return 1;
        }
        if (drain_one(r) <= 0)
            break;
        taken++;
    }
    if (r->q.count > 0)
        mailslot__reader_signal(r);
    return 0;
}

void
mailslot__reader_ring(struct mailslot_reader *r)
{
    struct sockaddr_un sa;

    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, r->paths.bell, strlen(r->paths.bell) + 1);
    sendto(r->bell, "!", 1, MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
}

/*
 * Swallow the doorbell's rings (one wake-up serves them all).  Returns
 * RING_URGENT if any was urgent (one byte), RING_PLAIN if any rang, else 0.
 */
static int
clear_bell(struct mailslot_reader *r)
{
    int rang = 0;
    ssize_t n;
    char c;

    while ((n = recv(r->bell, &c, sizeof c, MSG_DONTWAIT)) >= 0)
        if (rang < RING_URGENT)
            rang = n > 0 ? RING_URGENT : RING_PLAIN;
    return rang;
}

/*
 * The drain thread sleeps on the doorbell.  A writer that finds the kernel
 * queue full first waits in send() for a short slice, as a datagram
 * writer waits for its reader (a reader that keeps up makes room sooner
 * and never involves the thread), then rings urgently.  An urgent ring is
 * always served: the thread moves the socket's datagrams into the FIFO in
 * batches, letting go of the lock between batches so a reader that is
 * catching up is not shut out.  A writer that had to ring urgently then
 * rings plainly, at once, each time it finds the queue full (see
 * writer.c); a plain ring is served only while the FIFO holds messages
 * (new ones queue behind them anyway).  Once the reader has emptied the
 * FIFO, the socket is its own again.
 */
static void *
drain_main(void *arg)
{
    struct mailslot_reader *r = arg;
    struct pollfd pfd;
    int more = 0, rang;

    pfd.fd = r->bell;
    pfd.events = POLLIN;
    pthread_mutex_lock(&r->mu);
    while (!r->closed) {
        if (mailslot__reader_full(r)) {
            r->drain_waiting = 1;
            pthread_cond_wait(&r->space_cv, &r->mu);
            r->drain_waiting = 0;
            more = 1;
            continue;
        }
        if (!more) {
            pthread_mutex_unlock(&r->mu);
            poll(&pfd, 1, -1);
            pthread_mutex_lock(&r->mu);
        }
        /* Rings first, then the socket: a ring that comes after this
         * point wakes the thread again, so no full queue is missed. */
        rang = clear_bell(r);
        if (rang < RING_URGENT && r->q.count == 0) {
            /* The reader keeps up, or caught up: the socket is its own. */
            more = 0;
            continue;
        }
        if (r->direct_wait) {
            /* The sleeping reader passes an urgent ring back when it
             * wakes; a plain one it answers by receiving. */
            r->bell_pending |= rang == RING_URGENT;
            more = 0;
            continue;
        }
        more = mailslot__reader_drain(r, DRAIN_BATCH);
        if (more) {
            pthread_mutex_unlock(&r->mu);
            sched_yield();
            pthread_mutex_lock(&r->mu);
        }
    }
    pthread_mutex_unlock(&r->mu);
    return NULL;
}

static int
start_drain(struct mailslot_reader *r)
{
    pthread_attr_t attr;
    sigset_t all, old;
    int rc;

    /* Signals belong to the application's threads, not ours. */
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    pthread_attr_init(&attr);
    pthread_attr_setstacksize(&attr, DRAIN_STACK);
    rc = pthread_create(&r->thread, &attr, drain_main, r);
    pthread_attr_destroy(&attr);
    pthread_sigmask(SIG_SETMASK, &old, NULL);
    if (rc != 0)
        return mailslot__os_fail(rc);
    r->has_thread = 1;
    return 0;
}

/* Whether FD is the regular file at PATH (not one unlinked meanwhile). */
static int
is_file_at(int fd, const char *path)
{
    struct stat a, b;

    return fstat(fd, &a) == 0 && lstat(path, &b) == 0 &&
           S_ISREG(b.st_mode) && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* Open and lock the info file: 0, or an error with lockfd closed. */
static int
lock_info(struct mailslot_reader *r)
{
    int rc;

    r->lockfd = mailslot__open_regular(AT_FDCWD, r->paths.info,
        O_RDWR | O_CREAT, 0600);
    if (r->lockfd < 0 && (errno == ELOOP || errno == MAILSLOT__ENOTREG)) {
        /* Something planted in our directory under the slot's name. */
        mailslot__set_os_error(errno);
        return MAILSLOT_EUNSAFE;
    }
    if (r->lockfd < 0)
        return mailslot__os_fail(errno);
    if (flock(r->lockfd, LOCK_EX | LOCK_NB) == 0)
        return 0;
    if (errno == EWOULDBLOCK) {
        mailslot__set_os_error(errno);
        rc = MAILSLOT_EEXISTS;
    } else {
        rc = mailslot__os_fail(errno);
    }
    close(r->lockfd);
    r->lockfd = -1;
    return rc;
}

/*
 * Take the name: lock the info file, then describe the slot in it.  A
 * reader that closes removes the file while it still holds the lock, so a
 * lock won on a file that is no longer at the path was won on a freed name
 * that someone else may have taken since: then try again on the new file.
 * Invariant: while lockfd >= 0 this reader owns the name and its files.
 */
static int
claim_name(struct mailslot_reader *r)
{
    char info[MAILSLOT__NAME_MAX + 64];
    int n, rc, tries;

    for (tries = 0;; tries++) {
        rc = lock_info(r);
        if (rc != 0)
            return rc;
        if (is_file_at(r->lockfd, r->paths.info))
            break;
        close(r->lockfd);
        r->lockfd = -1;
        if (tries == 100)
            return mailslot__os_fail(EAGAIN);
    }
    n = mailslot__info_format(info, sizeof info, r->max_size, r->display);
    if (n < 0)
        return n;
    if (ftruncate(r->lockfd, 0) != 0 ||
        pwrite(r->lockfd, info, (size_t)n, 0) != n)
        return mailslot__os_fail(errno);
    return 0;
}

/* Bind a datagram socket at PATH, replacing a file left by a dead reader. */
static int
bind_at(const char *path, int flags, int *fd)
{
    struct sockaddr_un sa;

    if (unlink(path) != 0 && errno != ENOENT)
        return mailslot__os_fail(errno);
    *fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | flags, 0);
    if (*fd < 0)
        return mailslot__os_fail(errno);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, path, strlen(path) + 1);
    if (bind(*fd, (struct sockaddr *)&sa, sizeof sa) != 0)
        return mailslot__os_fail(errno);
    return 0;
}

/* The doorbell first: once the socket exists, writers may ring it. */
static int
bind_sockets(struct mailslot_reader *r)
{
    int rc = bind_at(r->paths.bell, SOCK_NONBLOCK, &r->bell);

    /* The socket blocks, so a read that waits forever can sleep in recv();
     * every other receive passes MSG_DONTWAIT. */
    return rc != 0 ? rc : bind_at(r->paths.sock, 0, &r->sock);
}

/* The eventfd, and the epoll set that event loops watch. */
static int
init_events(struct mailslot_reader *r)
{
    struct epoll_event ev;

    r->evfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (r->evfd < 0)
        return mailslot__os_fail(errno);
    r->epfd = epoll_create1(EPOLL_CLOEXEC);
    if (r->epfd < 0)
        return mailslot__os_fail(errno);
    memset(&ev, 0, sizeof ev);
    ev.events = EPOLLIN;
    if (epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->evfd, &ev) != 0 ||
        epoll_ctl(r->epfd, EPOLL_CTL_ADD, r->sock, &ev) != 0)
        return mailslot__os_fail(errno);
    return 0;
}

static void
init_sync(struct mailslot_reader *r)
{
    pthread_condattr_t ca;

    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->space_cv, &ca);
    pthread_cond_init(&r->idle_cv, &ca);
    pthread_condattr_destroy(&ca);
}

static void
destroy_sync(struct mailslot_reader *r)
{
    pthread_cond_destroy(&r->idle_cv);
    pthread_cond_destroy(&r->space_cv);
    pthread_mutex_destroy(&r->mu);
}

static struct mailslot_reader *
new_reader(const mailslot__name *name, const mailslot_options *opts)
{
    struct mailslot_reader *r = calloc(1, sizeof *r);
    void *p;

    if (r == NULL)
        return NULL;
    r->scratch = malloc(MAILSLOT__POSIX_MAX_MESSAGE + 1);
    if (r->scratch == NULL) {
        free(r);
        return NULL;
    }
    /* Address space only: a page is touched when a datagram lands in it.
     * Without it, reads take one datagram at a time. */
    p = mmap(NULL, MAILSLOT__BATCH_AREA, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    r->batch = p != MAP_FAILED ? p : NULL;
    r->sock = r->bell = r->lockfd = r->evfd = r->epfd = -1;
    r->max_size = opts->max_message_size;
    r->timeout_ms = opts->read_timeout_ms;
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

/* Undo a half-made reader (no thread running yet). */
static void
discard(struct mailslot_reader *r)
{
    if (r->sock >= 0) {
        unlink(r->paths.sock);
        close(r->sock);
    }
    if (r->bell >= 0) {
        unlink(r->paths.bell);
        close(r->bell);
    }
    if (r->lockfd >= 0) {
        unlink(r->paths.info); /* ours: we hold its lock */
        close(r->lockfd);
    }
    if (r->epfd >= 0)
        close(r->epfd);
    if (r->evfd >= 0)
        close(r->evfd);
    destroy_sync(r);
    free(r->scratch);
    if (r->batch != NULL)
        munmap(r->batch, MAILSLOT__BATCH_AREA);
    free(r);
}

int
mailslot__plat_create(const mailslot__name *name,
    const mailslot_options *opts, mailslot_reader **out)
{
    struct mailslot_reader *r = new_reader(name, opts);
    const char *group;
    int access = mailslot__access_parse(opts->access, &group), rc;

    if (r == NULL)
        return mailslot__os_fail(ENOMEM);
    /* A slot others may write to lives in the shared directory. */
    if (access == MAILSLOT__ACCESS_USER)
        rc = mailslot__slot_paths_for(name, 1, &r->paths);
    else
        rc = mailslot__shared_own_dir(r->paths.dir, sizeof r->paths.dir);
    if (rc == 0 && access != MAILSLOT__ACCESS_USER)
        rc = mailslot__slot_paths_in(r->paths.dir, name, &r->paths);
    if (rc == 0)
        rc = claim_name(r);
    if (rc == 0)
        rc = bind_sockets(r);
    if (rc == 0 && access != MAILSLOT__ACCESS_USER)
        rc = mailslot__shared_grant(&r->paths, access, group);
    if (rc == 0)
        rc = init_events(r);
    if (rc == 0)
        rc = start_drain(r);
    if (rc != 0) {
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
    if (r->closed) {
        pthread_mutex_unlock(&r->mu);
        return;
    }
    r->closed = 1;
    /* Remove the socket before giving up the name, so a new reader's
     * socket is never unlinked by this one. */
    unlink(r->paths.sock);
    unlink(r->paths.bell);
    /* The info file goes too, still under the lock (see claim_name), so
     * the directory holds only live slots' files. */
    unlink(r->paths.info);
    close(r->lockfd);
    r->lockfd = -1;
    /* Wake the drain thread, blocked writers, reads and event loops. */
    shutdown(r->sock, SHUT_RDWR);
    shutdown(r->bell, SHUT_RDWR);
    mailslot__reader_signal(r);
    pthread_cond_broadcast(&r->space_cv);
    while (r->busy > 0)
        pthread_cond_wait(&r->idle_cv, &r->mu);
    mailslot__queue_free(&r->q);
    pthread_mutex_unlock(&r->mu);
    if (r->has_thread)
        pthread_join(r->thread, NULL);
    r->has_thread = 0;
    close(r->sock);
    close(r->bell);
    r->sock = r->bell = -1;
    free(r->scratch);
    r->scratch = NULL;
    if (r->batch != NULL)
        munmap(r->batch, MAILSLOT__BATCH_AREA);
    r->batch = NULL;
}

void
mailslot__plat_reader_free(mailslot_reader *r)
{
    mailslot__plat_reader_close(r);
    close(r->epfd);
    close(r->evfd);
    destroy_sync(r);
    free(r);
}
