/*
 * The relay behind "mailslot bridge": check one NetBIOS datagram with the
 * codec, decide whether it is ours, and hand its message to the local slot
 * it names through the backend's sink, with its origin.
 *
 * Everything in a datagram is untrusted input from the LAN.  The codec
 * has already bounded every length; here the mailslot name must also be a
 * valid local name (UTF-8, no empty, "." or ".." components), so a
 * datagram can only ever reach a slot a local writer could reach too.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "name.h"
#include "nbt.h"
#include "platform.h"

#define MAX_NAMES 32

struct mailslot_relay {
    mailslot__sink *sink;
    int flags;
    int nnames;
    mailslot__nbt_name names[MAX_NAMES];
};

static int
fail(int code)
{
    mailslot__set_os_error(0);
    return code;
}

/* Add each comma-separated word of LIST as an accepted name. */
static int
add_names(struct mailslot_relay *relay, const char *list)
{
    char word[64];

    while (list != NULL && *list != '\0') {
        size_t w = strcspn(list, ", ");

        if (w > 0) {
            if (w > 15 || relay->nnames >= MAX_NAMES)
                return MAILSLOT_ENAME;
            memcpy(word, list, w);
            word[w] = '\0';
            if (mailslot__nbt_name_make(word, 0,
                    &relay->names[relay->nnames]) != 0)
                return MAILSLOT_ENAME;
            relay->nnames++;
        }
        list += w;
        list += strspn(list, ", ");
    }
    return 0;
}

int MAILSLOT_CALL
mailslot_relay_create(const char *names, int flags, mailslot_relay **out)
{
    struct mailslot_relay *relay;
    int rc;

    if (out == NULL)
        return fail(MAILSLOT_EINVAL);
    *out = NULL;
    if ((flags & ~MAILSLOT_RELAY_ANY_NAME) != 0 ||
        (names == NULL && !(flags & MAILSLOT_RELAY_ANY_NAME)))
        return fail(MAILSLOT_EINVAL);
    relay = calloc(1, sizeof *relay);
    if (relay == NULL)
        return fail(MAILSLOT_ENOMEM);
    relay->flags = flags;
    rc = add_names(relay, names);
    if (rc == 0)
        rc = mailslot__plat_sink_open(&relay->sink);
    if (rc != 0) {
        free(relay);
        return rc == MAILSLOT_ENAME ? fail(rc) : rc;
    }
    *out = relay;
    return 0;
}

void MAILSLOT_CALL
mailslot_relay_free(mailslot_relay *relay)
{
    if (relay == NULL)
        return;
    mailslot__plat_sink_free(relay->sink);
    free(relay);
}

static int
addressed_to_us(const struct mailslot_relay *relay,
    const mailslot__nbt_name *dst)
{
    int i;

    if (relay->flags & MAILSLOT_RELAY_ANY_NAME)
        return 1;
    for (i = 0; i < relay->nnames; i++) {
        if (mailslot__nbt_name_equal(&relay->names[i], dst))
            return 1;
    }
    return 0;
}

static void
fill_origin(const mailslot__nbt_msg *m, const char *from_addr,
    uint16_t from_port, mailslot_origin *o)
{
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->remote = 1;
    o->datagram_type = m->type;
    o->source_suffix = (uint8_t)mailslot__nbt_name_text(&m->src,
        o->source_name);
    o->dest_suffix = (uint8_t)mailslot__nbt_name_text(&m->dst, o->dest_name);
    snprintf(o->source_addr, sizeof o->source_addr, "%.15s",
        from_addr != NULL ? from_addr : "");
    o->source_port = from_port;
    snprintf(o->header_addr, sizeof o->header_addr, "%u.%u.%u.%u",
        (unsigned)(m->src_ip >> 24), (unsigned)(m->src_ip >> 16 & 0xff),
        (unsigned)(m->src_ip >> 8 & 0xff), (unsigned)(m->src_ip & 0xff));
}

/* Copy the relay's view of one datagram to the caller's (maybe older,
 * smaller) result struct. */
static int
report(int rc, const mailslot_relay_result *full, mailslot_relay_result *res)
{
    size_t n;

    if (res != NULL && res->size >= sizeof(size_t)) {
        n = res->size < sizeof *full ? res->size : sizeof *full;
        memcpy((char *)res + sizeof(size_t), (const char *)full +
            sizeof(size_t), n - sizeof(size_t));
    }
    return rc;
}

/* The local slot for the network name "\MAILSLOT\PATH" (M->slot). */
static int
local_name(const mailslot__nbt_msg *m, mailslot__name *name,
    mailslot_relay_result *r)
{
    const char *path = m->slot + 10;
    size_t n = m->slot_len - 10;
    int kind = mailslot__name_parse(path, n, name);

    snprintf(r->slot, sizeof r->slot, "\\\\.\\mailslot\\%.*s",
        (int)(n < 200 ? n : 200), path);
    if (kind != MAILSLOT_NAME_LOCAL) {
        r->reason = "mailslot name is not a valid local name";
        return MAILSLOT_ENAME;
    }
    snprintf(r->slot, sizeof r->slot, "%s", name->display);
    return 0;
}

static const char *
delivery_reason(int rc)
{
    switch (rc) {
    case 0:
        return "delivered";
    case MAILSLOT_ENOTFOUND:
        return "no such slot";
    case MAILSLOT_ETOOBIG:
        return "over the slot's max message size";
    case MAILSLOT_EFULL:
        return "slot queue full";
    default:
        return "delivery failed";
    }
}

int MAILSLOT_CALL
mailslot_relay_datagram(mailslot_relay *relay, const void *pkt, size_t len,
    const char *from_addr, uint16_t from_port, mailslot_relay_result *res)
{
    mailslot_relay_result r;
    mailslot__nbt_msg m;
    mailslot__name name;
    int rc;

    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    r.reason = "invalid argument";
    if (relay == NULL || (pkt == NULL && len != 0))
        return report(fail(MAILSLOT_EINVAL), &r, res);
    rc = mailslot__nbt_parse(pkt, len, &m, &r.reason);
    if (rc != 0)
        return report(fail(rc), &r, res);
    fill_origin(&m, from_addr, from_port, &r.origin);
    r.data_len = m.data_len;
    if (!addressed_to_us(relay, &m.dst)) {
        r.reason = "addressed to another NetBIOS name";
        return report(fail(MAILSLOT_ENOTADDRESSED), &r, res);
    }
    rc = local_name(&m, &name, &r);
    if (rc != 0)
        return report(fail(rc), &r, res);
    rc = mailslot__plat_sink_deliver(relay->sink, &name, m.data, m.data_len,
        &r.origin);
    r.reason = delivery_reason(rc);
    return report(rc, &r, res);
}
