/*
 * A counting allocator for the C benchmark.  The executable defines the
 * malloc family and mmap() itself, so every allocation of the process --
 * the benchmark, the statically linked library, and the C library's own
 * internal malloc calls -- passes through here and is counted, then handed
 * to glibc's allocator or to the kernel.  (Functions not defined here, such
 * as memalign, go straight to glibc; they return memory that free() below
 * releases.  The C library's internal mappings, such as thread stacks, do
 * not pass through mmap() here.)
 *
 * Allocations of BENCH_LARGE_ALLOC bytes or more are counted a second
 * time on their own: a reader's FIFO grows by chunks of at least that size
 * while its backlog reaches a new depth, and no single message is that
 * large in any measurement.
 */
#include <stddef.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "bench.h"

extern void *__libc_malloc(size_t size);
extern void *__libc_calloc(size_t n, size_t size);
extern void *__libc_realloc(void *p, size_t size);
extern void __libc_free(void *p);

static uint64_t allocs, large;

static void
count(size_t size)
{
    __atomic_fetch_add(&allocs, 1, __ATOMIC_RELAXED);
    if (size >= BENCH_LARGE_ALLOC)
        __atomic_fetch_add(&large, 1, __ATOMIC_RELAXED);
}

uint64_t
bench_alloc_count(void)
{
    return __atomic_load_n(&allocs, __ATOMIC_RELAXED);
}

uint64_t
bench_alloc_large_count(void)
{
    return __atomic_load_n(&large, __ATOMIC_RELAXED);
}

void *
malloc(size_t size)
{
    count(size);
    return __libc_malloc(size);
}

void *
calloc(size_t n, size_t size)
{
    count(size != 0 && n > SIZE_MAX / size ? SIZE_MAX : n * size);
    return __libc_calloc(n, size);
}

void *
realloc(void *p, size_t size)
{
    count(size);
    return __libc_realloc(p, size);
}

void
free(void *p)
{
    __libc_free(p);
}

/* Anonymous mappings are heap memory too; file mappings are not counted. */
void *
mmap(void *addr, size_t len, int prot, int flags, int fd, off_t off)
{
    if (flags & MAP_ANONYMOUS)
        count(len);
    return (void *)syscall(SYS_mmap, addr, len, prot, flags, fd, off);
}
