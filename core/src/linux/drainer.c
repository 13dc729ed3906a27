/*
 * The drain thread: one per process, for every reader in it (reader.c
 * says what it does for one).  An idle slot costs no thread: the thread
 * sleeps in epoll_wait() on every reader's doorbell, serves the reader
 * whose doorbell rang, and exits LINGER_MS after the last reader closed
 * (one timed wait, not a periodic one), so that a program that makes and
 * closes slots one after another does not start a thread for each; the
 * next reader starts it again.  When the library is unloaded (a Lua
 * state that closes unloads its C modules) or the process exits, a
 * thread with no reader left is stopped and joined first, so it never
 * runs code that is gone.
 *
 * Who touches what.  dm guards the registry, the epoll set and whether the
 * thread runs.  The thread holds dm while it serves a reader, and a
 * closing reader leaves the registry under dm, so once
 * mailslot__drainer_remove() returns the thread never touches that reader
 * again.  Lock order: dm, then a reader's r->mu; nobody takes dm while
 * holding r->mu.  An event names its reader by registry index and
 * generation, so an event fetched before its reader left finds nothing.
 *
 * Measured (bench/notes.md, "One drain thread per process"): a slot's
 * whole life (create, first write, read, close) cost a thread start and a
 * join each time before.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"
#include "reader.h"

#define DRAINER_STACK (64u * 1024u)
#define DRAINER_EVENTS 32
#define LINGER_MS 2000
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
static int stop_fd = -1;   /* tells the thread to look at `readers` */
static int running;        /* the thread runs (or is about to exit) */
static int stopping;       /* unload: the thread must exit now */
static int joinable;       /* a thread was started and not yet joined */
static pthread_t thread;
static size_t readers;     /* registered readers */
static struct entry *table;
static uint32_t table_len, free_head = UINT32_MAX;

static uint64_t
event_of(uint32_t idx, uint32_t gen)
{
    return (uint64_t)gen << 32 | idx;
}

/* The reader an event names, if it is still registered (dm held). */
static struct mailslot_reader *
reader_of(uint64_t ev)
{
    uint32_t idx = (uint32_t)ev, gen = (uint32_t)(ev >> 32);

    if (idx >= table_len || table[idx].r == NULL || table[idx].gen != gen)
        return NULL;
    return table[idx].r;
}

/* Serve one reader whose doorbell rang (dm held; takes r->mu). */
static void
serve(struct mailslot_reader *r)
{
    pthread_mutex_lock(&r->mu);
    if (!r->life.closed) {
        /* Rings first, then the socket: a ring that comes after this
         * point wakes the thread again, so no full queue is missed. */
        mailslot__reader_clear_bell(r);
        mailslot__reader_drain(r);
        /* DRAIN_FULL: take() drains once the FIFO is half empty. */
        if (mailslot__reader_full(r))
            r->drain_waiting = 1;
    }
    pthread_mutex_unlock(&r->mu);
}

static void *
drainer_main(void *arg)
{
    struct epoll_event evs[DRAINER_EVENTS];
    uint64_t v;
    int n, i, idle = 0;

    (void)arg;
    for (;;) {
        n = epoll_wait(ep, evs, DRAINER_EVENTS, idle ? LINGER_MS : -1);
        if (n < 0)
            n = errno == EINTR ? -1 : 0;
        pthread_mutex_lock(&dm);
        for (i = 0; i < n; i++) {
            struct mailslot_reader *r;

            if (evs[i].data.u64 == STOP_EVENT) {
                if (read(stop_fd, &v, sizeof v) < 0)
                    v = 0;
                continue;
            }
            r = reader_of(evs[i].data.u64);
            if (r != NULL)
                serve(r);
        }
        /* Quiet for LINGER_MS with no reader, or unloading: exit. */
        if (stopping || (readers == 0 && idle && n == 0)) {
            running = 0;
            pthread_mutex_unlock(&dm);
            return NULL;
        }
        idle = readers == 0;
        pthread_mutex_unlock(&dm);
    }
}

/* A child process has no drain thread; it starts its own when it
 * creates a reader.  Readers it inherited are not served (their thread
 * was never copied). */
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

/* Free registry entry IDX; events that still name it find nothing
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
mailslot__drainer_add(struct mailslot_reader *r)
{
    struct epoll_event ev;
    uint32_t idx;
    int rc;

    pthread_once(&atfork_once, install_atfork);
    pthread_mutex_lock(&dm);
    rc = make_set();
    if (rc == 0 && (idx = take_index()) == UINT32_MAX)
        rc = mailslot__os_fail(ENOMEM);
    if (rc == 0) {
        ev.events = EPOLLIN;
        ev.data.u64 = event_of(idx, table[idx].gen);
        if (epoll_ctl(ep, EPOLL_CTL_ADD, r->bell, &ev) != 0) {
            rc = mailslot__os_fail(errno);
            release_index(idx);
        }
    }
    if (rc == 0) {
        table[idx].r = r;
        r->drain_idx = idx;
        readers++;
        if (!running && (rc = start()) != 0) {
            epoll_ctl(ep, EPOLL_CTL_DEL, r->bell, NULL);
            release_index(idx);
            readers--;
        }
    }
    pthread_mutex_unlock(&dm);
    return rc;
}

void
mailslot__drainer_remove(struct mailslot_reader *r)
{
    uint64_t one = 1;
    uint32_t idx = r->drain_idx;

    pthread_mutex_lock(&dm);
    if (idx < table_len && table[idx].r == r) {
        epoll_ctl(ep, EPOLL_CTL_DEL, r->bell, NULL);
        release_index(idx);
        readers--;
        /* The last one: let the thread see it and exit. */
        if (readers == 0 && running &&
            write(stop_fd, &one, sizeof one) != sizeof one)
            (void)0; /* the counter is full: the thread is awake anyway */
    }
    pthread_mutex_unlock(&dm);
}

/* Library unload or process exit: stop and join a thread that serves no
 * reader (one that still does is left to the process's end). */
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
}
