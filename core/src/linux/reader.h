/*
 * Internal to the Linux backend: the reader's state, shared by reader.c
 * (its life: create, drain, close), drainer.c (the process's drain
 * thread) and read.c (reading and info).
 * Every field is guarded by MU except the immutable ones set at create.
 */
#ifndef MAILSLOT_POSIX_READER_H
#define MAILSLOT_POSIX_READER_H

#include <pthread.h>
#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>

#include "mailslot.h"
#include "linux.h"
#include "lifecycle.h"
#include "queue.h"

struct mailslot_reader {
    pthread_mutex_t mu;
    pthread_cond_t idle_cv;  /* no call is in progress any more */
    mailslot__queue q;
    int sock;            /* bound at paths.sock: owns the name */
    int info_made;       /* paths.info is this reader's */
    int bundles;         /* writers may send bundles (batch.c) ... */
    unsigned char token[MAILSLOT__TOKEN]; /* ... that begin with this */
    int evfd;            /* -1 until someone waits or watches (events()) */
    int epfd;
    mailslot__life life; /* closed, calls in progress, read timeout */
    int ev_set;          /* evfd is currently readable */
    int fd_out;          /* the epoll descriptor was handed out */
    int waiting;         /* reads asleep in poll() (read.c) */
    int drain_waiting;   /* DRAIN_FULL: take() drains at half (read.c) */
    int direct_wait;     /* a read sleeps in recv() on the socket */
    uint32_t drain_idx;  /* its entry in the drain thread's registry */
    uint32_t max_size;
    int32_t encoding;    /* MAILSLOT_ENC_* for text reads (options) */
    uint32_t limit_msgs;
    uint64_t limit_bytes;
    unsigned char *scratch; /* one datagram, MAX_MESSAGE + 1 bytes */
    unsigned char *batch;   /* MAILSLOT__BATCH_AREA bytes, or NULL
                               (read.c) */
    int batch_big;          /* the last datagram taken was not small */
    int64_t took_ms;        /* when a read last took a message
                               (mailslot__now_ms(); drainer.c) */
    int batch_failed;       /* the batch area could not be mapped */
    unsigned singles;       /* receives left that take one datagram, after
                               a batch found only one (read.c) */
    int lost;               /* datagrams of a batch could not be queued for
                               want of memory: the next read says so */
    mailslot__slot_paths paths;
    char display[MAILSLOT__NAME_MAX + 1];
};

/* Room for the datagrams of a batch after its first, one
 * MAX_MESSAGE + 1 slot each (see read.c). */
#define MAILSLOT__BATCH_AREA \
    ((size_t)(MAILSLOT__RX_BATCH - 1) * (MAILSLOT__POSIX_MAX_MESSAGE + 1))

/* A datagram this small or smaller may be received in a batch (read.c,
 * and the drain thread in drainer.c); larger ones are taken one at a time. */
#define MAILSLOT__BATCH_SMALL 4000u
/* Whether a datagram of N bytes (SKIP as received) is a large one: a
 * bundle is of small messages, whatever its size. */
#define MAILSLOT__RX_LARGE(n, skip) \
    ((n) > MAILSLOT__BATCH_SMALL && (skip) != MAILSLOT__BUNDLE)
/* FIFO room made sure of before a batch (a record has an 8-byte header),
 * so that queueing its small datagrams, the first included when it does
 * not fit the caller's buffer, never needs memory; it fits the smallest
 * chunk. */
#define MAILSLOT__BATCH_ROOM \
    (MAILSLOT__RX_BATCH * (MAILSLOT__BATCH_SMALL + 8u))

/* After a batch receive that found one datagram, this many receives
 * take one at a time, the last tries a batch again (read.c); a new
 * reader starts that way, so a short-lived one never maps the batch area. */
#define MAILSLOT__BATCH_PROBE 16u

/* The batch area, mapped the first time a batch is wanted (lock held);
 * NULL when it cannot be, and then receives take one datagram each. */
unsigned char *mailslot__reader_batch_area(struct mailslot_reader *r);
/* Point RX[0..N-1] at the batch area's first N slots (mapped), with
 * nowhere to spill. */
void mailslot__reader_aim_batch(struct mailslot_reader *r, mailslot__rx *rx,
    unsigned n);

/* The FIFO reached its limits (lock held). */
int mailslot__reader_full(const struct mailslot_reader *r);
/* The batch area's pages are only touched by what lands in them; give
 * them back after large datagrams did. */
void mailslot__reader_batch_trim(struct mailslot_reader *r);
/* Make the eventfd readable, if anyone watches it (see reader.c) / not
 * readable (lock held). */
void mailslot__reader_signal(struct mailslot_reader *r);
void mailslot__reader_unsignal(struct mailslot_reader *r);
/*
 * Receive one datagram from the socket into BUF (CAP bytes), what does
 * not fit spilling into scratch (see mailslot__recv_message()).
 */
ssize_t mailslot__reader_recv(struct mailslot_reader *r, void *buf,
    size_t cap, int flags, size_t *skip);
/* Queue the N-byte datagram at P, the first SKIP bytes its origin; a
 * bundle (SKIP MAILSLOT__BUNDLE) message by message, a malformed one not
 * at all.  0, or -1 when memory ran out. */
int mailslot__reader_queue(struct mailslot_reader *r, const unsigned char *p,
    size_t n, size_t skip);
/* The token bundles to R begin with, or NULL when it takes none. */
#define MAILSLOT__READER_TOKEN(r) ((r)->bundles ? (r)->token : NULL)
/*
 * Move pending datagrams from the socket into the FIFO (lock held;
 * drainer.c), until the socket is empty or the FIFO full.  Does nothing
 * while a read sleeps in recv() on the socket (direct_wait).
 */
void mailslot__reader_drain(struct mailslot_reader *r);
/* The eventfd and the epoll set, made when first needed (lock held). */
int mailslot__reader_events(struct mailslot_reader *r);

/* The process's drain thread (drainer.c): serve rings for R from now on,
 * starting the thread and making the doorbell in R's directory if need
 * be, and fill INFO's bell and ring / never again (R's lock not held). */
int mailslot__drainer_add(struct mailslot_reader *r, mailslot__info *info);
void mailslot__drainer_remove(struct mailslot_reader *r);

/* The process's doorbells (bell.c; the caller holds the drain thread's
 * lock).  bell_for: the doorbell in DIR, made (and added to the epoll set
 * EP with its index as the event) when missing; its index or an error.
 * bell_fd: doorbell I's socket, or -1.  bell_file: its name in its
 * directory.  bells_close: close them all, and REMOVE their files (at
 * unload; a forked child closes its parent's without removing them). */
int mailslot__bell_for(const char *dir, int ep);
int mailslot__bell_fd(uint64_t i);
const char *mailslot__bell_file(int i);
void mailslot__bells_close(int remove);

#endif
