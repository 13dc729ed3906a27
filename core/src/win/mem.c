/*
 * Memory for the reader's FIFO (queue.c).  The Windows backend queues in
 * the system's own mailslot, so this only keeps the shared code linking.
 */
#include <stdlib.h>

#include "platform.h"

void *
mailslot__plat_chunk_alloc(size_t size)
{
    return malloc(size);
}

void
mailslot__plat_chunk_free(void *p, size_t size)
{
    (void)size;
    free(p);
}
