/*
 * The reader's lifecycle shared by both backends; see lifecycle.h.
 */
#include <string.h>

#include "lifecycle.h"
#include "platform.h"

int
mailslot__life_enter(mailslot__life *l)
{
    if (l->closed)
        return MAILSLOT_ECLOSED;
    l->busy++;
    return 0;
}

int
mailslot__life_leave(mailslot__life *l)
{
    return --l->busy == 0 && l->closed;
}

int64_t
mailslot__read_deadline(const mailslot__life *l, int32_t timeout_ms)
{
    if (timeout_ms == MAILSLOT_TIMEOUT_DEFAULT)
        timeout_ms = l->timeout_ms;
    return timeout_ms < 0 ? -1 : mailslot__now_ms() + timeout_ms;
}

int
mailslot__read_verdict(const mailslot__life *l, int64_t deadline)
{
    if (l->closed)
        return MAILSLOT_ECLOSED;
    if (deadline >= 0 && mailslot__now_ms() >= deadline)
        return MAILSLOT_ETIMEOUT;
    return 0;
}

void
mailslot__origin_local(mailslot_origin *origin)
{
    if (origin == NULL)
        return;
    memset(origin, 0, sizeof *origin);
    origin->size = sizeof *origin;
}
