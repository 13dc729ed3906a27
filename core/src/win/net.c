/*
 * The network parts of the platform contract.  Windows speaks the remote
 * mailslot protocol itself (CreateFileW on "\\host\mailslot\x" sends the
 * datagrams), so every message a Windows reader gets came through the
 * system, and there is no relay to feed: "mailslot bridge" is POSIX only.
 */
#include <string.h>

#include "mailslot.h"
#include "lifecycle.h"
#include "platform.h"

int
mailslot__plat_read_ex(mailslot_reader *r, void *buf, size_t cap,
    size_t *len, int32_t timeout_ms, mailslot_origin *origin)
{
    /* Windows does not say who sent a message: it reads as local. */
    int rc = mailslot__plat_read(r, buf, cap, len, timeout_ms);

    if (rc == 0)
        mailslot__origin_local(origin);
    return rc;
}

int
mailslot__plat_sink_open(mailslot__sink **out)
{
    *out = NULL;
    return MAILSLOT_ENOTSUP;
}

int
mailslot__plat_sink_deliver(mailslot__sink *s, const mailslot__name *name,
    const void *data, size_t len, const mailslot_origin *origin)
{
    (void)s;
    (void)name;
    (void)data;
    (void)len;
    (void)origin;
    return MAILSLOT_ENOTSUP;
}

void
mailslot__plat_sink_free(mailslot__sink *s)
{
    (void)s;
}
