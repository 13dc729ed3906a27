/*
 * Internal to the C benchmark: a crew of forked writer processes that
 * open the reader's slot, wait for a common start signal, send, and
 * report back through a pipe.
 */
#ifndef MAILSLOT_BENCH_CREW_H
#define MAILSLOT_BENCH_CREW_H

#include <stdint.h>
#include <sys/types.h>

#include "bench.h"

#define CREW_MAX 64

enum crew_how {
    CREW_BULK,    /* send COUNT messages as fast as possible */
    CREW_STAMPED, /* pause GAP_US, then send the time; COUNT times */
    CREW_TRY      /* send until COUNT or the first send that would wait */
};

typedef struct crew_job {
    const bench_impl *impl;
    const char *name;
    size_t size;
    long count; /* messages per writer */
    int how;
    long gap_us;
} crew_job;

typedef struct crew_result {
    int64_t sent;          /* messages sent, summed over the writers */
    int64_t window_allocs; /* allocations in the middle half of the sends */
    int64_t window_msgs;   /* messages in those windows */
    int64_t failed;        /* writers that failed */
} crew_result;

typedef struct crew {
    pid_t pid[CREW_MAX];
    int n;
    int open_w, ready_r, go_w, result_r;
} crew;

/* Fork N writers; they wait until crew_open(). */
int crew_start(crew *c, const crew_job *job, int n);
/* The reader exists: let the writers open it and wait until they did. */
void crew_open(crew *c);
/* Start every writer at once; returns the start time (crew_now()). */
int64_t crew_go(crew *c);
/* Collect the writers' results and exit statuses; 0 if all succeeded. */
int crew_finish(crew *c, crew_result *res);

/* CLOCK_MONOTONIC in nanoseconds (the same clock in every process). */
int64_t crew_now(void);
/* Pin this writer process to the CPU in BENCH_WRITER_CPU, if set. */
void crew_pin_writer(void);
/* Raise the open-file limit to its hard maximum. */
int crew_raise_nofile(void);

#endif
