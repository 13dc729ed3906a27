/*
 * Batches on Linux: mailslot_read_many() and mailslot_write_many().
 *
 * Reading.  A reader's messages are in two places, older ones first: its
 * FIFO (what the drain thread or an earlier batch moved there) and the
 * kernel queue of its socket.  A batch takes from the FIFO first, then
 * from the socket with recvmmsg(), each datagram received straight into
 * the caller's buffer for it, so a message is copied once, as a single
 * read copies it.  All of that happens under the reader's lock, as every
 * receive does (reader.c), so the order of arrival is kept.  Waiting for
 * the first message is the single read's job (read.c): when nothing is
 * queued the batch reads one message as mailslot_read() would, then takes
 * what has come meanwhile.
 *
 * A datagram that does not fit its buffer has left the socket by then;
 * it goes to the FIFO (whole, as a single read puts it there), together
 * with any later datagram of the same recvmmsg(), and the batch ends.
 *
 * Writing.  Runs of small messages as bundles when the reader takes them
 * (below); others with sendmmsg() on the writer's connected socket while
 * the kernel queue has room.  When it takes only part of a batch (the
 * queue is full, or the reader went away), the message it stopped at
 * goes through the single write (which waits for room and wakes the
 * drain thread, or reports the error), and the batch goes on after it:
 * the same as one single write per message, in fewer system calls.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"
#include "queue.h"
#include "reader.h"
#include "batch.h"

/* Messages per sendmmsg(). */
#define TX_BATCH 64u
/* A datagram that spilled this much into the batch area touched pages
 * worth giving back (see mailslot__reader_batch_trim()). */
#define SPILL_TRIM 4096u

/* Datagram RX is ours: not over the limit writers keep to. */
static int
ours(const mailslot__rx *rx)
{
    return rx->len <= MAILSLOT__POSIX_MAX_MESSAGE;
}

/*
 * Queue datagram RX, received into its buffer and, past its CAP, its
 * spill area, behind what the FIFO holds.  A queue that cannot have
 * memory loses it, and the next read says so (as read.c does).
 */
static void
queue_whole(struct mailslot_reader *r, mailslot__rx *rx)
{
    const unsigned char *p = rx->buf;

    if (!ours(rx))
        return;
    if (rx->len > rx->cap) {
        mailslot__recv_gather(rx->buf, rx->cap, rx->spill, rx->len);
        p = rx->spill;
    }
    if (mailslot__reader_queue(r, p, rx->len, rx->skip) != 0)
        r->lost = 1;
}

/* Point RX[0..N-1] at the caller's buffers, with somewhere to spill. */
static unsigned
aim_rx(struct mailslot_reader *r, mailslot__rx *rx, mailslot_rmsg *msgs,
    size_t n)
{
    size_t slot = MAILSLOT__POSIX_MAX_MESSAGE + 1;
    unsigned want = n < MAILSLOT__RX_BATCH ? (unsigned)n : MAILSLOT__RX_BATCH;
    unsigned i;

    if (want > 1 && mailslot__reader_batch_area(r) == NULL)
        want = 1;
    for (i = 0; i < want; i++) {
        rx[i].buf = msgs[i].buf;
        rx[i].cap = msgs[i].cap;
        rx[i].spill = i == 0 ? r->scratch : r->batch + (i - 1) * slot;
        rx[i].spill_cap = slot;
    }
    return want;
}

/*
 * Receive up to N datagrams (at most MAILSLOT__RX_BATCH) into MSGS (lock
 * held, FIFO empty).  Returns how many landed whole in their buffers, the
 * first ones; *MORE is set when the socket may hold more or the FIFO now
 * does.  -1 when the socket has nothing.
 */
static int
recv_into(struct mailslot_reader *r, mailslot_rmsg *msgs, size_t n,
    int *more)
{
    mailslot__rx rx[MAILSLOT__RX_BATCH];
    unsigned want = aim_rx(r, rx, msgs, n), i, done = 0;
    int got, trim = 0;

    do {
        got = mailslot__recv_batch(r->sock, rx, want, r->paths.relay,
            MAILSLOT__READER_TOKEN(r), MSG_DONTWAIT);
    } while (got < 0 && errno == EINTR);
    if (got <= 0)
        return -1;
    while (done < (unsigned)got && ours(&rx[done]) &&
           rx[done].skip != MAILSLOT__BUNDLE &&
           rx[done].len <= rx[done].cap) {
        msgs[done].len = rx[done].len - rx[done].skip;
        if (rx[done].skip > 0)
            memmove(msgs[done].buf,
                (unsigned char *)msgs[done].buf + rx[done].skip,
                msgs[done].len);
        done++;
    }
    for (i = done; i < (unsigned)got; i++) {
        /* A bundle is at most MAILSLOT__BUNDLE_BYTES: not worth it. */
        trim |= i > 0 && rx[i].len > rx[i].cap + SPILL_TRIM &&
                rx[i].skip != MAILSLOT__BUNDLE;
        queue_whole(r, &rx[i]);
    }
    if (r->q.count > 0)
        mailslot__reader_signal(r);
    if (trim)
        mailslot__reader_batch_trim(r);
    *more = (unsigned)got == want || r->q.count > 0;
    return (int)done;
}

/*
 * Take up to N queued messages into MSGS without waiting (lock held):
 * the FIFO's, then the socket's.  Returns how many.  *EMPTY is set when
 * it stopped because nothing more is queued.
 */
static size_t
take_queued(struct mailslot_reader *r, mailslot_rmsg *msgs, size_t n,
    int *empty)
{
    size_t i = 0;
    int64_t size;
    int got, more;

    *empty = 0;
    while (i < n) {
        if (r->q.count > 0) {
            size = mailslot__queue_peek(&r->q);
            if ((uint64_t)size > msgs[i].cap) {
                msgs[i].len = (size_t)size; /* stays queued */
                break;
            }
            mailslot__reader_take(r, msgs[i].buf, msgs[i].cap, &msgs[i].len);
            i++;
            continue;
        }
        /* A read asleep in recv() owns the socket (read.c). */
        if (r->direct_wait)
            break;
        got = recv_into(r, msgs + i, n - i, &more);
        if (got < 0) {
            *empty = 1;
            break;
        }
        i += (size_t)got;
        if (!more)
            break;
    }
    return i;
}

/*
 * Without waiting, under one hold of the lock; when nothing is queued,
 * the first message as a single read (which waits), then the rest.
 */
int
mailslot__plat_read_many(mailslot_reader *r, mailslot_rmsg *msgs,
    size_t max, size_t *count, int32_t timeout_ms)
{
    size_t got = 0;
    int empty = 0, usable, rc;

    pthread_mutex_lock(&r->mu);
    /* Closed and lost memory are the single read's to report. */
    usable = !r->life.closed && !r->lost;
    if (usable)
        got = take_queued(r, msgs, max, &empty);
    if (timeout_ms == MAILSLOT_TIMEOUT_DEFAULT)
        timeout_ms = r->life.timeout_ms;
    pthread_mutex_unlock(&r->mu);
    if (got > 0) {
        *count = got;
        return 0;
    }
    if (usable && empty && timeout_ms == 0)
        return MAILSLOT_ETIMEOUT; /* a poll: already looked everywhere */
    rc = mailslot__plat_read(r, msgs[0].buf, msgs[0].cap, &msgs[0].len,
        timeout_ms);
    if (rc != 0)
        return rc;
    got = 1;
    if (max > 1) {
        pthread_mutex_lock(&r->mu);
        if (!r->life.closed && !r->lost)
            got += take_queued(r, msgs + 1, max - 1, &empty);
        pthread_mutex_unlock(&r->mu);
    }
    *count = got;
    return 0;
}

/* The longest run of messages from MSGS (at most N) that a sendmmsg()
 * may carry: each within LIMIT. */
static unsigned
run_length(const mailslot_wmsg *msgs, size_t n, size_t limit)
{
    unsigned k = 0;

    while (k < n && k < TX_BATCH && msgs[k].len <= limit)
        k++;
    return k;
}

/* Send up to N messages in one sendmmsg(); how many went, or -1. */
static int
send_run(int sock, const mailslot_wmsg *msgs, unsigned n)
{
    struct mmsghdr mm[TX_BATCH];
    struct iovec iov[TX_BATCH];
    unsigned i;
    int sent;

    memset(mm, 0, n * sizeof mm[0]);
    for (i = 0; i < n; i++) {
        iov[i].iov_base = (void *)msgs[i].data;
        iov[i].iov_len = msgs[i].len;
        mm[i].msg_hdr.msg_iov = &iov[i];
        mm[i].msg_hdr.msg_iovlen = 1;
    }
    do {
        sent = sendmmsg(sock, mm, n, MSG_DONTWAIT | MSG_NOSIGNAL);
    } while (sent < 0 && errno == EINTR);
    return sent;
}

/* A message this small or smaller may go in a bundle. */
#define BUNDLE_ITEM 4000u
#define BUNDLE_HEAD (MAILSLOT__TOKEN + 4u)

/* How many of MSGS (at most N) the next bundle carries: small ones, up to
 * MAILSLOT__BUNDLE_MSGS and MAILSLOT__BUNDLE_BYTES; *SIZE gets its size. */
static unsigned
bundle_run(const mailslot_wmsg *msgs, size_t n, size_t *size)
{
    size_t used = BUNDLE_HEAD;
    unsigned k = 0;

    while (k < n && k < MAILSLOT__BUNDLE_MSGS && msgs[k].len <= BUNDLE_ITEM &&
           used + 4 + msgs[k].len <= MAILSLOT__BUNDLE_BYTES)
        used += 4 + msgs[k++].len;
    *size = used;
    return k;
}

static void
put32(unsigned char *p, size_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
    p[2] = (unsigned char)(v >> 16);
    p[3] = (unsigned char)(v >> 24);
}

/* Lay K messages out as a bundle in OUT: the token, the count, then each
 * message's length (32 bits, little-endian) and bytes. */
static void
pack_bundle(unsigned char *out, const unsigned char *token,
    const mailslot_wmsg *msgs, unsigned k)
{
    size_t at = BUNDLE_HEAD;
    unsigned i;

    memcpy(out, token, MAILSLOT__TOKEN);
    put32(out + MAILSLOT__TOKEN, k);
    for (i = 0; i < k; i++) {
        put32(out + at, msgs[i].len);
        if (msgs[i].len > 0)
            memcpy(out + at + 4, msgs[i].data, msgs[i].len);
        at += 4 + msgs[i].len;
    }
}

/*
 * Bundles.  Each datagram costs the kernel an allocation, a free and a
 * wake-up of its own, whatever its size, and that, not the system calls,
 * is most of what a batch of small messages costs (bench/notes.md,
 * "Bundles").  So when the reader takes them (its info gives a token),
 * runs of small messages go as one datagram each: the token, then the
 * messages with their lengths.  The reader queues them one by one
 * (reader.c), in order, as if they had come one by one; a bundle is sent
 * by the single write, so it waits for room, rings and fails as one
 * message does, and on failure none of its messages was sent.
 */
int
mailslot__plat_write_many(mailslot_writer *w, const mailslot_wmsg *msgs,
    size_t count, size_t *written)
{
    size_t limit, i = 0, size;
    int sock = mailslot__writer_socket(w, &limit), sent, rc = 0;
    const unsigned char *token = mailslot__writer_token(w);
    unsigned char *bundle = NULL;
    unsigned run;

    while (i < count) {
        run = token != NULL ? bundle_run(msgs + i, count - i, &size) : 0;
        if (run > 1 && bundle == NULL &&
            (bundle = malloc(MAILSLOT__BUNDLE_BYTES)) == NULL)
            run = 0, token = NULL; /* without memory, one by one */
        if (run > 1) {
            pack_bundle(bundle, token, msgs + i, run);
            rc = mailslot__plat_write(w, bundle, size);
            if (rc != 0)
                break;
            i += run;
            continue;
        }
        run = sock >= 0 ? run_length(msgs + i, count - i, limit) : 0;
        /* One message is cheaper through the single write. */
        if (run > 1) {
            sent = send_run(sock, msgs + i, run);
            if (sent > 0)
                i += (size_t)sent;
            if (sent == (int)run)
                continue;
        }
        /* Full, too big, gone or closed: the single write waits for room
         * or says why not. */
        rc = mailslot__plat_write(w, msgs[i].data, msgs[i].len);
        if (rc != 0)
            break;
        i++;
    }
    free(bundle);
    *written = i;
    return i < count ? rc : 0;
}
