/*
 * A counting allocator for the C benchmark.  The executable defines the
 * malloc family itself, so every allocation of the process -- the
 * benchmark, the statically linked library, and the C library's own
 * internal ones -- passes through here and is counted, then handed to
 * glibc's allocator.  (Functions not defined here, such as memalign, go
 * straight to glibc; they return memory that free() below releases.)
 */
#include <stddef.h>
#include <stdint.h>

#include "bench.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static uint64_t allocs;

static void
count(void)
{
    __atomic_fetch_add(&allocs, 1, __ATOMIC_RELAXED);
}

uint64_t
bench_alloc_count(void)
{
    return __atomic_load_n(&allocs, __ATOMIC_RELAXED);
}

void *
malloc(size_t size)
{
    count();
    return __libc_malloc(size);
}

void *
calloc(size_t n, size_t size)
{
    count();
    return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t size)
{
    count();
    return __libc_realloc(p, size);
}

void
free(void *p)
{
    __libc_free(p);
}
