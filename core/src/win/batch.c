/*
 * Batches on Windows: the native API has no call that takes or gives
 * several mailslot messages, so a batch is a loop of the single calls
 * inside the library.  That keeps every rule of the single calls (sizes,
 * waits, errors) and saves the binding a crossing per message.
 */
#include "mailslot.h"
#include "platform.h"

/*
 * The first message waits up to TIMEOUT_MS; the others are taken only if
 * already queued.  Whatever stops the batch after its first message (an
 * empty slot, a buffer too small, close) is left for the next call.
 */
int
mailslot__plat_read_many(mailslot_reader *r, mailslot_rmsg *msgs,
    size_t max, size_t *count, int32_t timeout_ms)
{
    size_t i, len;
    int rc;

    rc = mailslot__plat_read(r, msgs[0].buf, msgs[0].cap, &msgs[0].len,
        timeout_ms);
    if (rc != 0)
        return rc;
    for (i = 1; i < max; i++) {
        len = 0;
        rc = mailslot__plat_read(r, msgs[i].buf, msgs[i].cap, &len, 0);
        if (mailslot__code(rc) == MAILSLOT_EBUFFER)
            msgs[i].len = len; /* the size the caller needs */
        if (rc != 0)
            break;
        msgs[i].len = len;
    }
    *count = i;
    return 0;
}

int
mailslot__plat_write_many(mailslot_writer *w, const mailslot_wmsg *msgs,
    size_t count, size_t *written)
{
    size_t i;
    int rc;

    for (i = 0; i < count; i++) {
        rc = mailslot__plat_write(w, msgs[i].data, msgs[i].len);
        if (rc != 0) {
            *written = i;
            return rc;
        }
    }
    *written = count;
    return 0;
}
