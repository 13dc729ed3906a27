/*
 * The relay behind "mailslot bridge": check one NetBIOS datagram with the
 * codec, decide whether it is ours, and hand its message to the local slot
 * it names through the backend's sink, with its origin.
 *
 * Everything in a datagram is untrusted input from the LAN.  The codec
 * has already bounded every length; here the mailslot name must also be a
 * valid local name (UTF-8, no empty, "." or ".." components), so a
 * datagram can only ever reach a slot a local writer could reach too.
 *
 * A slot without room right now never holds up the others.  Its message
 * waits here instead, as a local writer would wait in its write: in a
 * queue of its own slot, behind that slot's earlier messages, until
 * mailslot_relay_retry() finds room or the write timeout passes.  Each
 * slot's queue and all of them together are bounded, so a LAN sender
 * flooding one slot costs a bounded amount of memory and nothing else.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "name.h"
#include "nbt.h"
#include "platform.h"

#define MAX_NAMES 32
/* Messages that may wait for room: per slot, and in all. */
#define WAIT_PER_SLOT 1024
#define WAIT_TOTAL 8192
/* How long a waiting message is tried: a local writer's default. */
#define WAIT_MS MAILSLOT_DEFAULT_WRITE_TIMEOUT_MS
/* Tries of a full slot start this far apart and double up to the cap:
 * the reader's drain thread has been rung and usually makes room within
 * a millisecond; a reader that stopped reading costs a try per cap. */
#define RETRY_FIRST_MS 1
#define RETRY_CAP_MS 20

/* One message waiting for room, and where it came from. */
typedef struct waiting_msg {
    struct waiting_msg *next;
    int64_t deadline;
    mailslot_origin origin;
    size_t len;
    unsigned char data[];
} waiting_msg;

/* A slot that had no room, and its messages in arrival order. */
typedef struct waiting_slot {
    struct waiting_slot *next;
    mailslot__name name;
    waiting_msg *head, *tail;
    unsigned count;
    int64_t next_try;
    int32_t backoff;
} waiting_slot;

struct mailslot_relay {
    mailslot__sink *sink;
    int flags;
    int nnames;
    mailslot__nbt_name names[MAX_NAMES];
    waiting_slot *waiting;
    unsigned nwaiting;
};

static int
fail(int code)
{
    return mailslot__public(code);
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
        return fail(rc);
    }
    *out = relay;
    return 0;
}

static void
free_slot(waiting_slot *ws)
{
    waiting_msg *m, *next;

    for (m = ws->head; m != NULL; m = next) {
        next = m->next;
        free(m);
    }
    free(ws);
}

void MAILSLOT_CALL
mailslot_relay_free(mailslot_relay *relay)
{
    waiting_slot *ws, *next;

    if (relay == NULL)
        return;
    for (ws = relay->waiting; ws != NULL; ws = next) {
        next = ws->next;
        free_slot(ws);
    }
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
    switch (mailslot__code(rc)) {
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

static waiting_slot *
find_waiting(const mailslot_relay *relay, const mailslot__name *name)
{
    waiting_slot *ws;

    for (ws = relay->waiting; ws != NULL; ws = ws->next) {
        if (strcmp(ws->name.canonical, name->canonical) == 0)
            return ws;
    }
    return NULL;
}

/* Queue the message behind WS's (a new queue when WS is NULL): 0, or
 * MAILSLOT_EFULL when the bounds leave no room, MAILSLOT_ENOMEM. */
static int
wait_for_room(mailslot_relay *relay, waiting_slot *ws,
    const mailslot__name *name, const void *data, size_t len,
    const mailslot_origin *origin)
{
    waiting_msg *m;

    if (relay->nwaiting >= WAIT_TOTAL ||
        (ws != NULL && ws->count >= WAIT_PER_SLOT))
        return MAILSLOT_EFULL;
    m = malloc(sizeof *m + (len > 0 ? len : 1));
    if (m == NULL)
        return MAILSLOT_ENOMEM;
    if (ws == NULL) {
        ws = calloc(1, sizeof *ws);
        if (ws == NULL) {
            free(m);
            return MAILSLOT_ENOMEM;
        }
        ws->name = *name;
        ws->backoff = RETRY_FIRST_MS;
        ws->next_try = mailslot__now_ms() + RETRY_FIRST_MS;
        ws->next = relay->waiting;
        relay->waiting = ws;
    }
    m->next = NULL;
    m->deadline = mailslot__now_ms() + WAIT_MS;
    m->origin = *origin;
    m->len = len;
    if (len > 0)
        memcpy(m->data, data, len);
    if (ws->tail != NULL)
        ws->tail->next = m;
    else
        ws->head = m;
    ws->tail = m;
    ws->count++;
    relay->nwaiting++;
    return 0;
}

int MAILSLOT_CALL
mailslot_relay_datagram(mailslot_relay *relay, const void *pkt, size_t len,
    const char *from_addr, uint16_t from_port, mailslot_relay_result *res)
{
    mailslot_relay_result r;
    mailslot__nbt_msg m;
    mailslot__name name;
    waiting_slot *ws;
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
    /* Behind a slot's waiting messages, never ahead of them. */
    ws = find_waiting(relay, &name);
    rc = ws != NULL ? MAILSLOT_EFULL
                    : mailslot__plat_sink_deliver(relay->sink, &name,
                          m.data, m.data_len, &r.origin);
    if (mailslot__code(rc) == MAILSLOT_EFULL) {
        rc = wait_for_room(relay, ws, &name, m.data, m.data_len,
            &r.origin);
        if (rc == 0) {
            r.reason = "waiting for room in the slot's queue";
            return report(MAILSLOT_RELAY_WAITING, &r, res);
        }
    }
    r.reason = delivery_reason(rc);
    return report(rc == 0 ? 0 : fail(rc), &r, res);
}

/* Take WS's first message off its queue, with its final result. */
static void
finish(mailslot_relay *relay, waiting_slot *ws, int rc,
    mailslot_relay_done_fn done, void *ctx)
{
    waiting_msg *m = ws->head;
    mailslot_relay_result r;

    ws->head = m->next;
    if (ws->head == NULL)
        ws->tail = NULL;
    ws->count--;
    relay->nwaiting--;
    memset(&r, 0, sizeof r);
    r.size = sizeof r;
    r.reason = mailslot__code(rc) == MAILSLOT_EFULL
        ? "slot queue stayed full for the write timeout"
        : delivery_reason(rc);
    snprintf(r.slot, sizeof r.slot, "%s", ws->name.display);
    r.data_len = m->len;
    r.origin = m->origin;
    if (done != NULL)
        done(ctx, mailslot__public(rc), &r);
    free(m);
}

/* Deliver WS's messages in order while it has room; when it has none,
 * set when to try again. */
static void
retry_slot(mailslot_relay *relay, waiting_slot *ws, int64_t now,
    mailslot_relay_done_fn done, void *ctx)
{
    while (ws->head != NULL) {
        waiting_msg *m = ws->head;
        int rc;

        if (now >= m->deadline) {
            finish(relay, ws, MAILSLOT_EFULL, done, ctx);
            continue;
        }
        rc = mailslot__plat_sink_deliver(relay->sink, &ws->name, m->data,
            m->len, &m->origin);
        if (mailslot__code(rc) == MAILSLOT_EFULL) {
            ws->next_try = now + ws->backoff;
            if (ws->backoff < RETRY_CAP_MS)
                ws->backoff = ws->backoff * 2 < RETRY_CAP_MS
                    ? ws->backoff * 2 : RETRY_CAP_MS;
            return;
        }
        ws->backoff = RETRY_FIRST_MS;
        finish(relay, ws, rc, done, ctx);
    }
}

int32_t MAILSLOT_CALL
mailslot_relay_retry(mailslot_relay *relay, mailslot_relay_done_fn done,
    void *ctx)
{
    waiting_slot **link, *ws;
    int64_t now, soonest = -1;

    if (relay == NULL)
        return fail(MAILSLOT_EINVAL);
    now = mailslot__now_ms();
    for (link = &relay->waiting; (ws = *link) != NULL;) {
        if (now >= ws->next_try)
            retry_slot(relay, ws, now, done, ctx);
        if (ws->head == NULL) {
            *link = ws->next;
            free_slot(ws);
            continue;
        }
        if (soonest < 0 || ws->next_try < soonest)
            soonest = ws->next_try;
        link = &ws->next;
    }
    if (soonest < 0)
        return -1;
    return soonest <= now ? 0 : (int32_t)(soonest - now);
}
