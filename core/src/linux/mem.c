/*
 * Memory for the reader's FIFO.  Chunks of a whole number of huge pages
 * are mapped on a huge-page boundary and offered to transparent huge
 * pages: a backlog of many megabytes is then faulted in a few times
 * instead of once per 4 KiB page, which on a virtual machine costs more
 * than the copying itself.  Smaller chunks come from malloc().
 */
#include <stdint.h>
#include <stdlib.h>
#include <sys/mman.h>

#include "platform.h"

#define HUGE_PAGE (2u * 1024u * 1024u)

void *
mailslot__plat_chunk_alloc(size_t size)
{
    unsigned char *p, *at;
    size_t lead;

    if (size % HUGE_PAGE != 0)
        return malloc(size);
    if (size > SIZE_MAX - HUGE_PAGE)
        return NULL;
    p = mmap(NULL, size + HUGE_PAGE, PROT_READ | PROT_WRITE,
        MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED)
        return NULL;
    /* Keep the aligned part, give back the rest. */
    lead = (HUGE_PAGE - (uintptr_t)p % HUGE_PAGE) % HUGE_PAGE;
    at = p + lead;
    if (lead > 0)
        munmap(p, lead);
    munmap(at + size, HUGE_PAGE - lead);
#ifdef MADV_HUGEPAGE
    madvise(at, size, MADV_HUGEPAGE);
#endif
    return at;
}

void
mailslot__plat_chunk_free(void *p, size_t size)
{
    if (p == NULL)
        return;
    if (size % HUGE_PAGE != 0)
        free(p);
    else
        munmap(p, size);
}
