/*
 * Internal to the C benchmark: two transports with the same shape, so that
 * every measurement runs the very same loop over the raw kernel path and
 * over the mailslot C API, and the counting allocator.
 */
#ifndef MAILSLOT_BENCH_H
#define MAILSLOT_BENCH_H

#include <stddef.h>
#include <stdint.h>

typedef struct bench_rx bench_rx;
typedef struct bench_tx bench_tx;

/* One way of moving datagrams from writers to a reader. */
typedef struct bench_impl {
    const char *name;
    /* Become the reader of NAME (a short token, unique per run). */
    int (*rx_open)(const char *name, bench_rx **out);
    /* Block until a message arrives; its size, or -1 on failure. */
    long (*rx_read)(bench_rx *rx, void *buf, size_t cap);
    void (*rx_close)(bench_rx *rx);
    int (*tx_open)(const char *name, bench_tx **out);
    /* Send one message, waiting for room: 0, or -1 on failure. */
    int (*tx_write)(bench_tx *tx, const void *buf, size_t len);
    /* Send without waiting: 0, 1 when it would have to wait, -1. */
    int (*tx_try)(bench_tx *tx, const void *buf, size_t len);
    void (*tx_close)(bench_tx *tx);
} bench_impl;

/* The plain AF_UNIX/SOCK_DGRAM program and the mailslot C API. */
extern const bench_impl bench_raw;
extern const bench_impl bench_mailslot;

/* Heap allocations (malloc, calloc, realloc, anonymous mmap) made so far
 * by the process; and those of BENCH_LARGE_ALLOC bytes or more. */
#define BENCH_LARGE_ALLOC (64u * 1024u)
uint64_t bench_alloc_count(void);
uint64_t bench_alloc_large_count(void);

#endif
