/*
 * Internal to the Linux backend: what batch.c (mailslot_read_many(),
 * mailslot_write_many()) needs from the reader and the writer, beyond
 * reader.h.
 */
#ifndef MAILSLOT_LINUX_BATCH_H
#define MAILSLOT_LINUX_BATCH_H

#include <stddef.h>

#include "mailslot.h"

struct mailslot_reader;

/*
 * Take the oldest message of the reader's FIFO into BUF (CAP bytes) as a
 * single read does (lock held, FIFO not empty): 0, or MAILSLOT_EBUFFER
 * with *LEN its size and the message kept (read.c).
 */
int mailslot__reader_take(struct mailslot_reader *r, void *buf, size_t cap,
    size_t *len);

/*
 * The connected socket of an open local writer, with *LIMIT the largest
 * message it may send; -1 for a closed or remote writer (writer.c).
 */
int mailslot__writer_socket(mailslot_writer *w, size_t *limit);
/* The token the writer's reader wants bundles to begin with, or NULL
 * when it takes none (writer.c). */
const unsigned char *mailslot__writer_token(mailslot_writer *w);

#endif
