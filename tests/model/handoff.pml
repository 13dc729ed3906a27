/*
 * A Promela model of the Linux backend's wake-up and hand-off protocol:
 * writers, the kernel queue of the reader's socket, the doorbell, the
 * drain thread and the reader's own FIFO (core/src/linux/writer.c,
 * reader.c, drainer.c, read.c).  tests/model/run.sh checks it with spin;
 * README.md ("Tests") says what is checked.
 *
 * How the model maps to the code (model name -> C):
 *
 *   sock                  the reader's socket's kernel queue, r->sock: a
 *                         bounded FIFO of datagrams, QLEN of them
 *                         (net.unix.max_dgram_qlen)
 *   q                     the reader's FIFO, r->q; LIMIT is r->limit_msgs
 *   bell                  this reader's rings waiting in its process's
 *                         doorbell (bell.c): BELL_QLEN at most; a ring
 *                         sent to a full doorbell is dropped
 *                         (MSG_DONTWAIT).  Other readers' rings in the
 *                         same doorbell are left out: the thread takes
 *                         them in the same wake-up, and one that crowds
 *                         out this reader's ring only drops it as a full
 *                         doorbell does here, until the next slice
 *   mu                    r->mu; LOCKED / DRAIN_MAY_LOCK take it
 *   mu_want               a read waits for r->mu (see LOCKED below)
 *   drain_waiting         r->drain_waiting (DRAIN_FULL: take() drains
 *                         once the FIFO is half empty)
 *   direct_wait           r->direct_wait (read state DIRECT_WAIT)
 *   waiting               r->waiting (reads asleep in poll(): POLL_WAIT)
 *   ev_set                r->ev_set (the eventfd is readable)
 *   backlog, bl           w->backlog and the local backlog of
 *                         mailslot__plat_write(); BACKLOG_WRITES scaled down;
 *                         w->missed and w->room (RESTING) are a choice:
 *                         any full queue in backlog may rest
 *   proctype writer       mailslot__plat_write() called NMSG times (states
 *                         SEND, GIVE_WAY, TAKE_TURNS, RING_NOW,
 *                         RESTING, RINGING of reader.c; TAKE_TURNS and
 *                         RESTING wait as GIVE_WAY does, without a ring)
 *   inline send_when_room send_when_room() (RINGING)
 *   RING                  ring() (writer.c)
 *   SEND(id, seq)         a send() that finds room
 *   proctype drain_main   the process's drain thread (drainer.c) as it
 *                         serves this reader: label end_poll is its
 *                         epoll_wait() (DRAIN_ASLEEP), serve() the rest
 *                         (DRAIN_MOVING, then DRAIN_FULL if the FIFO is
 *                         at its limits)
 *   TAKE_RINGS            take_rings(): every waiting ring, before the
 *                         reader's lock and its socket
 *   inline reader_drain   mailslot__reader_drain() with drain_one()
 *   recent                r->batch_big and r->took_ms less than
 *                         KEEPING_UP_MS ago (DRAIN_SKIP); message sizes are
 *                         not modelled, so the thread may skip or drain
 *                         while it is set
 *   proctype clock        time passing, which ends "recent"
 *   READER_SIGNAL         mailslot__reader_signal()
 *   proctype reader       a thread calling mailslot_read() in a loop,
 *                         sometimes mailslot_get_info() first, sometimes
 *                         busy elsewhere
 *   inline plat_read      mailslot__plat_read_ex()
 *   TAKE                  take(), with mailslot__reader_unsignal()
 *   inline take_direct    take_direct() without waiting (a batch of
 *                         RX_BATCH at most; TAKE)
 *   inline wait_direct    take_direct() of a read with timeout -1: asleep
 *                         in the receive (recv(), or recvmmsg() with
 *                         MSG_WAITFORONE) until the first datagram, then
 *                         up to RX_BATCH - 1 more into the local batch,
 *                         queued after the lock is taken again
 *                         (DIRECT_WAIT)
 *   inline wait_event     wait_event() (a read with a finite timeout:
 *                         POLL_WAIT)
 *   inline plat_info      mailslot__plat_info()
 *
 * Time is not modelled.  A send() that waits for room ends either with
 * room (the kernel wakes the sender when a datagram is taken) or, while
 * the queue is still full, with its slice run out (SO_SNDTIMEO:
 * FIRST_SLICE_MS, then RING_AGAIN_MS); sched_yield() is a no-op, since
 * every interleaving is explored anyway.  A writer with a finite write
 * timeout may give up after any slice of send_when_room() (its deadline
 * passed); one with timeout -1 never does.  A poll() with a finite
 * timeout ends when the eventfd or the socket is readable, or times out
 * while neither is.
 *
 * Left out: bundles (a datagram of several messages, queued one by one
 * under the lock as a batch receive queues its datagrams), message sizes
 * (so limit_bytes, large-datagram batches, the
 * "buffer too small" path and running out of memory), close() and
 * reader_gone, several threads reading one reader, the epoll descriptor
 * handed to event loops (fd_out), EINTR, the per-writer send buffer, and
 * spurious condition-variable wake-ups (the code re-checks after every
 * wait anyway).
 *
 * Properties (run.sh), for 2 writers of 2 messages and 3 writers of 1,
 * a kernel queue of 2, a FIFO limit of 2, a doorbell of 2:
 *  - safety run: assertions and invalid end states.  Every message the
 *    reader gets was sent successfully (a write that gave up is never
 *    delivered), the messages of one writer arrive in the order sent,
 *    none twice, and when the run ends every message sent was read.  A
 *    read that waits for ever (wait_direct()) may end the run only when
 *    every writer is done and nothing is queued anywhere; otherwise it,
 *    or any other process stuck away from an end label (the drain
 *    thread's is its poll()), is an invalid end state.
 *  - liveness run: no non-progress cycle under weak fairness.  The
 *    bookkeeping sent[] and got[] only grows, so any cycle is one in
 *    which nothing is sent or read: a writer ringing and timing out for
 *    ever, a reader timing out for ever.  The reader may be busy (not
 *    reading at all); it comes back only when the writers are held back
 *    by design -- the FIFO at its limit, or above half of it while the
 *    drain thread waits for room (take() wakes it only at half) -- or
 *    when every writer is done.  So a writer that cannot get its message
 *    out while a busy reader still has room in its FIFO is a failure:
 *    a lost wake-up of the drain thread.  (Run with SMALL_READER, reads
 *    with timeout -1 or finite only and no info(), to keep it small.)
 *
 * MUTANT (run.sh checks that spin finds each of these):
 *   1  drain_main() ignores a ring while the FIFO is empty (leaving the
 *      socket to a reader that seems to keep up): writers wait for a
 *      busy reader (a cycle)
 *   2  send_when_room() rings once, not again before every slice: a
 *      writer that the kernel woke, but whose room other writers took,
 *      sleeps on while the drain thread sleeps too (a cycle)
 *   3  the drain ignores the FIFO's limits: it blocks on a full FIFO
 *      while holding the lock (an invalid end state)
 *   4  the drain thread drains while a read sleeps in recv(): the read
 *      sleeps on with messages in the FIFO, or returns a newer message
 *      before older ones (assertions)
 *   5  take_direct() keeps only the first datagram of a batch, waiting
 *      or not: loss
 *      (assertion)
 *   6  mailslot__reader_signal() never makes the eventfd readable: a read
 *      in poll() sleeps on while the FIFO holds messages (assertion)
 *   7  DRAIN_SKIP forgets time: a reader that took a message once is
 *      never drained again, so writers wait for a busy reader (a cycle)
 */

#ifndef NW
#define NW 2            /* writers */
#endif
#ifndef NMSG
#define NMSG 2          /* messages per writer (at most 8) */
#endif
#ifndef QLEN
#define QLEN 2          /* kernel queue (max_dgram_qlen) */
#endif
#ifndef LIMIT
#define LIMIT 2         /* FIFO limit (limit_msgs) */
#endif
#ifndef BELL_QLEN
#define BELL_QLEN 2     /* doorbell's kernel queue */
#endif
#ifndef RX_BATCH
#define RX_BATCH 2      /* MAILSLOT__RX_BATCH */
#endif
#ifndef BACKLOG_WRITES
#define BACKLOG_WRITES 1
#endif
#ifndef GIVE_UP
#define GIVE_UP 1       /* writers 1.. have a finite write timeout */
#endif
#ifndef MUTANT
#define MUTANT 0
#endif
#ifndef SMALL_READER
#define SMALL_READER 0  /* 1: no info(), no reads with timeout 0 */
#endif

/* A message: writer id * 8 + sequence number. */
#define MSG(id, seq) ((id) * 8 + (seq))

chan sock = [QLEN] of { byte };
chan q = [LIMIT] of { byte };
byte bell;
bit mu, mu_want;
bit drain_waiting, direct_wait, ev_set;
bit recent;     /* a message was taken less than KEEPING_UP_MS ago */
byte waiting;

/* Bookkeeping for the properties (no counterpart in the code): bit seq
 * of sent[id] / got[id] is set once writer id's message seq was sent
 * successfully / read. */
byte sent[NW], got[NW];
byte done;            /* writers that made all their writes */

#if NW == 2
#define ALL_READ (got[0] == sent[0] && got[1] == sent[1])
#else
#define ALL_READ (got[0] == sent[0] && got[1] == sent[1] && got[2] == sent[2])
#endif

/* The writers are held back by design (see above). */
#define HELD_BACK (len(q) >= LIMIT || (drain_waiting && len(q) > LIMIT / 2))

/*
 * r->mu.  Writers never touch what it guards (q, drain_waiting,
 * direct_wait, waiting, ev_set), so the statements of a
 * critical section up to its next use of the socket or the doorbell are
 * one atomic step with the locking before them: that hides no
 * interleaving.  A read waiting for the mutex gets it before the drain
 * thread takes it again: pthread mutexes promise no order, but no
 * scheduler lets a thread that woke from recv() wait for ever behind one
 * that sleeps in poll() between short turns, and spin's weak fairness
 * alone would allow that.
 */
#define LOCKED         mu == 0 -> mu = 1; mu_want = 0
#define DRAIN_MAY_LOCK (mu == 0 && !mu_want)

/* A message reaches the reader: check it, then forget m. */
#define GOT_MESSAGE(m) \
    recent = 1; /* r->took_ms = now */ \
    assert(m / 8 < NW); \
    /* sent successfully, so never a write that gave up */ \
    assert((sent[m / 8] >> (m % 8)) & 1); \
    /* in the order sent by that writer, none twice: nothing read from \
     * it yet at or after this one */ \
    assert((got[m / 8] >> (m % 8)) == 0); \
    got[m / 8] = got[m / 8] | (1 << (m % 8)); \
    m = 0

/* ----------------------------------------------------------- writers */

/* Ring the doorbell: sendto(..., MSG_DONTWAIT), dropped when it is full
 * (ring() in writer.c). */
#define RING \
    if \
    :: bell < BELL_QLEN -> bell++ \
    :: else -> skip \
    fi

/* send() of message seq, when there is room: one kernel step. */
#define SEND(id, seq) \
    atomic { nfull(sock) -> sock!MSG(id, seq); \
        sent[id] = sent[id] | (1 << (seq)) }

/* Wait in send() for room, ringing before every slice (RINGING). */
inline send_when_room(id, seq)
{
#if MUTANT == 2
    atomic { RING };
#endif
    do
    ::
#if MUTANT != 2
        atomic { RING };
#endif
        if
        :: SEND(id, seq) -> break
        :: full(sock) ->      /* the RING_AGAIN_MS slice ran out */
            if
            :: id >= GIVE_UP -> goto gave_up   /* past the deadline */
            :: true -> skip
            fi
        fi
    od
}

/* mailslot__plat_write(), NMSG times. */
proctype writer(byte id)
{
    byte seq = 0, backlog = 0;
    bit bl;

    do
    :: seq == NMSG -> break
    :: else ->
        /* One non-blocking send() while there is room. */
        if
        :: atomic {
               SEND(id, seq) ->
               if
               :: backlog > 0 -> backlog--
               :: else -> skip
               fi
           } -> goto written
        :: atomic {
               full(sock) ->
               bl = backlog > 0;
               if
               :: bl -> backlog--
               :: else -> skip
               fi
           }
        fi;
        if
        :: bl -> atomic { RING; bl = 0 }     /* RING_NOW */
        :: bl -> bl = 0          /* RESTING: GIVE_WAY or TAKE_TURNS */
        :: else -> skip          /* GIVE_WAY: sched_yield(); or
                                    TAKE_TURNS: the same wait in poll() */
        fi;
        /* A blocking send() of one FIRST_SLICE_MS slice. */
        if
        :: SEND(id, seq) -> goto written
        :: full(sock) -> skip
        fi;
        send_when_room(id, seq);
        backlog = BACKLOG_WRITES;
        goto written;
gave_up:
        backlog = BACKLOG_WRITES;   /* the write fails with "full" */
written:
        seq++
    od;
    done++
}

/* ------------------------------------------------------ drain thread */

/* A read sleeps in recv() on the socket: hands off. */
#if MUTANT == 4
#define DIRECT_WAIT 0
#else
#define DIRECT_WAIT direct_wait
#endif

/* Make the eventfd readable if a read sleeps in poll() (lock held). */
#if MUTANT == 6
#define READER_SIGNAL skip
#else
#define READER_SIGNAL \
    if \
    :: !ev_set && waiting > 0 -> ev_set = 1 \
    :: else -> skip \
    fi
#endif

/*
 * mailslot__reader_drain() with drain_one(): move datagrams from the
 * socket into the FIFO until it is empty, the FIFO is full, or a read
 * sleeps in recv().  Lock held.
 */
#if MUTANT == 3
#define FIFO_FULL 0
#else
#define FIFO_FULL (len(q) >= LIMIT)
#endif
inline reader_drain()
{
    do
    :: atomic { DIRECT_WAIT || FIFO_FULL } -> break
    :: atomic {                             /* drain_one() */
           !FIFO_FULL && !DIRECT_WAIT && nempty(sock) -> sock?m; q!m;
           m = 0
       }
    :: atomic { !FIFO_FULL && !DIRECT_WAIT && empty(sock) } -> break
    od;
    atomic {
        if
        :: len(q) > 0 -> READER_SIGNAL
        :: else -> skip
        fi
    }
}

/* take_rings() takes every ring waiting (dm held, not r->mu). */
#define TAKE_RINGS bell = 0

/* DRAIN_MOVING: drain; mutant 1 leaves the socket alone while the FIFO is
 * empty. */
inline drain_moving()
{
#if MUTANT == 1
    if
    :: len(q) == 0 -> skip
    :: else -> reader_drain()
    fi
#else
    reader_drain()
#endif
}

proctype drain_main()
{
    byte m;

    do
    :: true ->
end_poll:
       /* DRAIN_ASLEEP: epoll_wait() on the doorbell and take the rings,
        * then serve(): the mutex */
       atomic { bell > 0 -> TAKE_RINGS };
       atomic { DRAIN_MAY_LOCK -> mu = 1 };
       if
       :: recent -> mu = 0  /* DRAIN_SKIP (when the messages are large) */
       :: true ->
           drain_moving();
           atomic {
               if
               :: len(q) >= LIMIT -> drain_waiting = 1  /* DRAIN_FULL */
               :: else -> skip
               fi;
               mu = 0
           }
       fi
    od
}

/* Time passes: "less than KEEPING_UP_MS ago" ends, at any moment.
 * Mutant 7 stops the clock: a reader that once took a message seems to
 * keep up for ever. */
proctype clock()
{
end_clock:
    do
    :: atomic { recent -> recent = 0 }
    od
}

/* ------------------------------------------------------------ reader */

/* take(): the FIFO's oldest message (lock held, FIFO not empty); then,
 * in DRAIN_FULL with the FIFO half empty, drain_at_half(). */
#define TAKE \
    q?m; \
    GOT_MESSAGE(m); \
    if \
    :: len(q) == 0 -> ev_set = 0  /* mailslot__reader_unsignal() */ \
    :: else -> skip \
    fi

inline drain_at_half()
{
    if
    :: atomic { drain_waiting && len(q) <= LIMIT / 2 -> drain_waiting = 0 };
        reader_drain()
    :: else -> skip
    fi
}

/* take_direct(): the FIFO is empty; receive up to want datagrams without
 * waiting, the first for the caller, the others queued behind it.  Lock
 * held; ok = 1 when the caller got one. */
inline take_direct()
{
    if
    :: atomic {
           nempty(sock) -> sock?m; GOT_MESSAGE(m); ok = 1;
           want = 1;
           if
           :: LIMIT >= RX_BATCH -> want = RX_BATCH  /* small datagrams */
           :: true -> skip                          /* a large one lately */
           fi;
           i = 1
       };
        do
        :: atomic { i == want -> i = 0; want = 0 } -> break
        :: atomic {
               i < want && nempty(sock) -> sock?m;
#if MUTANT != 5
               q!m;
#endif
               m = 0; i++
           }
        :: atomic { i < want && empty(sock) -> i = 0; want = 0 } -> break
        od;
        atomic {
            if
            :: len(q) > 0 -> READER_SIGNAL
            :: else -> skip
            fi
        }
    :: empty(sock) -> skip
    fi
}

/* take_direct() with timeout -1: the read sleeps in the receive on the
 * socket (lock held on entry and on return); after the first datagram the
 * same call takes what else is there, up to the batch, without waiting,
 * and those are queued behind it once the lock is held again (nobody
 * else receives or queues meanwhile: direct_wait). */
inline wait_direct()
{
    atomic { direct_wait = 1; mu = 0 };
    if
    :: sock?m
    :: atomic { done == NW && empty(sock) } ->
        /* Nothing will come any more: the read sleeps for ever, which is
         * right only if nothing is queued anywhere. */
        assert(len(q) == 0 && ALL_READ);
        goto finished
    fi;
    want = 1;
    if
    :: LIMIT >= RX_BATCH -> want = RX_BATCH  /* small datagrams */
    :: true -> skip                          /* a large one lately */
    fi;
    i = 1;
    do
    :: atomic { i < want && nempty(sock) -> sock?batch[i - 1]; i++ }
    :: atomic { i == want || empty(sock) } -> break
    od;
    mu_want = 1;
    atomic {
        LOCKED;
        direct_wait = 0;
        GOT_MESSAGE(m)
    };
    atomic {
        j = 1;
        do
        :: j < i ->
#if MUTANT != 5
            q!batch[j - 1];
#endif
            batch[j - 1] = 0; j++
        :: else -> break
        od;
        if
        :: len(q) > 0 -> READER_SIGNAL
        :: else -> skip
        fi;
        i = 0; j = 0; want = 0
    }
}

/* wait_event(): a read with a finite timeout sleeps in poll() on the
 * eventfd and the socket (lock held on entry and on return). */
inline wait_event()
{
    atomic { waiting++; mu = 0 };
    if
    :: ev_set || nempty(sock) -> skip
    :: !ev_set && empty(sock) -> expired = 1   /* timed out */
    fi;
    mu_want = 1;
    /* Whatever the drain thread queued meanwhile made the eventfd
     * readable, so that poll() did not sleep on (a finite timeout would
     * hide that miss). */
    atomic { LOCKED; assert(len(q) == 0 || ev_set); waiting-- }
}

/* mailslot__plat_read_ex(): forever is timeout -1; expired, a finite
 * timeout whose deadline passed. */
inline plat_read()
{
    mu_want = 1;
    atomic { LOCKED };
    do
    :: atomic { len(q) > 0 -> TAKE }; drain_at_half(); break
    :: atomic { len(q) == 0 && forever } -> wait_direct(); break
    :: atomic { len(q) == 0 && !forever -> skip };
        take_direct();
        if
        :: ok -> break
        :: atomic { !ok && expired } -> break /* ETIMEOUT */
        :: atomic { !ok && !expired } -> wait_event()
        fi
    od;
    atomic { ok = 0; forever = 0; expired = 0; mu = 0 }
}

/* mailslot__plat_info() */
inline plat_info()
{
    mu_want = 1;
    atomic { LOCKED };
    reader_drain();
    mu = 0
}

/* A thread that reads in a loop, sometimes asks info(), and is sometimes
 * busy elsewhere. */
proctype reader()
{
    bit forever, expired, ok, busy, info;
    byte m, i, j, want;
    byte batch[RX_BATCH];

    do
    :: atomic { done == NW && ALL_READ } -> break
    :: else ->
        /* Busy: not reading until the writers are held back by design
         * or done (a shorter pause is any interleaving).  Then perhaps
         * info(), then a read with timeout -1, 0 or finite. */
        atomic {
            if
            :: busy = 1
            :: skip
            fi;
#if !SMALL_READER
            if
            :: info = 1
            :: skip
            fi;
#endif
            if
            :: forever = 1
#if !SMALL_READER
            :: expired = 1                     /* timeout 0 */
#endif
            :: skip                            /* a finite timeout */
            fi
        };
        if
        :: atomic { busy -> HELD_BACK || done == NW; busy = 0 }
        :: else -> skip
        fi;
        if
        :: atomic { info -> info = 0 }; plat_info()
        :: else -> skip
        fi;
        plat_read()
    od;
finished:
    assert(len(q) == 0 && len(sock) == 0);
    assert(ALL_READ)
}

init {
    byte k;

    atomic {
        run drain_main();
        run reader();
#if MUTANT != 7
        run clock();
#endif
        k = 0;
        do
        :: k < NW -> run writer(k); k++
        :: else -> break
        od
    }
}
