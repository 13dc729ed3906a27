/*
 * The relay behind "mailslot bridge", without a network: datagrams built
 * with the codec go through mailslot_relay_datagram() into a local slot,
 * and mailslot_read_ex() reports their origin.  Also: what the relay
 * refuses, and that a local writer cannot pass off an origin header.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "helpers.h"
#include "mailslot.h"
#include "nbt.h"
#include "testlib.h"

static unsigned char pkt[MAILSLOT__NBT_DATAGRAM_MAX];

/* A datagram from HOSTA<00> to DST<00> for SLOT carrying TEXT. */
static size_t
datagram(const char *dst, const char *slot, const char *text)
{
    static char full[300];
    mailslot__nbt_msg m;
    size_t len = 0;

    mailslot__nbt_msg_defaults(&m);
    m.type = MAILSLOT__NBT_DIRECT_GROUP;
    m.src_ip = 0x0ae70101u;
    mailslot__nbt_name_make("hosta", 0, &m.src);
    mailslot__nbt_name_make(dst, 0, &m.dst);
    snprintf(full, sizeof full, "\\MAILSLOT\\%s", slot);
    m.slot = full;
    m.slot_len = strlen(full);
    m.data = (const unsigned char *)text;
    m.data_len = strlen(text);
    CHECK_EQ(mailslot__nbt_build(&m, pkt, sizeof pkt, &len), 0);
    return len;
}

static int
relay(mailslot_relay *rl, const char *dst, const char *slot,
    const char *text, mailslot_relay_result *res)
{
    return mailslot_relay_datagram(rl, pkt, datagram(dst, slot, text),
        "10.231.1.1", 138, res);
}

static void
test_delivery(mailslot_relay *rl, const char *slot)
{
    mailslot_reader *r = NULL;
    mailslot_relay_result res;
    mailslot_origin o;
    char buf[64];
    size_t len;

    CHECK_EQ(mailslot_create(slot, NULL, &r), 0);
    memset(&res, 0, sizeof res);
    res.size = sizeof res;
    CHECK_EQ(relay(rl, "testgrp", slot, "hello", &res), 0);
    CHECK_STR(res.reason, "delivered");
    CHECK_EQ(res.data_len, 5);
    CHECK_EQ(mailslot_next_size(r), 5);
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 1000, &o), 0);
    CHECK_MEM(buf, len, "hello", 5);
    CHECK_EQ(o.remote, 1);
    CHECK_STR(o.source_name, "HOSTA");
    CHECK_EQ(o.source_suffix, 0);
    CHECK_STR(o.dest_name, "TESTGRP");
    CHECK_EQ(o.datagram_type, 0x11);
    CHECK_STR(o.source_addr, "10.231.1.1");
    CHECK_EQ(o.source_port, 138);
    CHECK_STR(o.header_addr, "10.231.1.1");

    /* Several queued messages: the FIFO keeps each origin with its
     * message, and a plain read returns only the message. */
    CHECK_EQ(relay(rl, "HOSTB", slot, "one", NULL), 0);
    CHECK_EQ(mailslot_send(slot, "two", 3), 0);
    CHECK_EQ(relay(rl, "hostb", slot, "three", NULL), 0);
    CHECK_EQ(mailslot_count(r), 3);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
    CHECK_MEM(buf, len, "one", 3);
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_MEM(buf, len, "two", 3);
    CHECK_EQ(o.remote, 0);
    CHECK_EQ(o.source_name[0], '\0');
    CHECK_EQ(mailslot_read_ex(r, buf, 2, &len, 0, &o), MAILSLOT_EBUFFER);
    CHECK_EQ(len, 5);
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_MEM(buf, len, "three", 5);
    CHECK_EQ(o.remote, 1);
    CHECK_STR(o.dest_name, "HOSTB");
    mailslot_reader_free(r);
}

static void
test_refusals(mailslot_relay *rl, const char *slot)
{
    mailslot_options opts = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *r = NULL;
    mailslot_relay_result res;
    size_t len;

    memset(&res, 0, sizeof res);
    res.size = sizeof res;
    CHECK_EQ(relay(rl, "otherhost", slot, "x", &res), MAILSLOT_ENOTADDRESSED);
    CHECK_EQ(relay(rl, "testgrp", "no\\such\\slot", "x", &res),
        MAILSLOT_ENOTFOUND);
    CHECK_STR(res.reason, "no such slot");
    CHECK_EQ(relay(rl, "testgrp", "a\\..\\b", "x", &res), MAILSLOT_ENAME);
    len = datagram("testgrp", slot, "x");
    pkt[82] = 0;
    CHECK_EQ(mailslot_relay_datagram(rl, pkt, len, "10.0.0.1", 138, &res),
        MAILSLOT_EMALFORMED);
    CHECK_STR(res.reason, "user data is not SMB");
    CHECK_EQ(mailslot_relay_datagram(rl, pkt, 3, NULL, 0, NULL),
        MAILSLOT_EMALFORMED);
    /* The reader's max message size holds for remote writers too. */
    opts.max_message_size = 4;
    CHECK_EQ(mailslot_create(slot, &opts, &r), 0);
    CHECK_EQ(relay(rl, "testgrp", slot, "12345", &res), MAILSLOT_ETOOBIG);
    CHECK_EQ(relay(rl, "testgrp", slot, "1234", &res), 0);
    CHECK_EQ(mailslot_count(r), 1);
    mailslot_reader_free(r);
}

/* A header like the relay's, with a name of our choosing, and a payload:
 * FORGED bytes. */
#define FORGED 81

static void
forge(unsigned char fake[FORGED])
{
    memset(fake, 0, FORGED);
    memcpy(fake, "MSO1", 4);
    memcpy(fake + 8, "EVIL", 4);
    memcpy(fake + 74, "payload", 7);
}

/* A local writer that starts its message with an origin header is still
 * a local writer: the header is its message, not metadata. */
static void
test_forgery(mailslot_relay *rl, const char *slot)
{
    mailslot_reader *r = NULL;
    mailslot_origin o;
    unsigned char fake[FORGED], buf[128];
    size_t len;

    CHECK_EQ(mailslot_create(slot, NULL, &r), 0);
    CHECK_EQ(relay(rl, "testgrp", slot, "genuine", NULL), 0);
    CHECK_EQ(mailslot_read(r, NULL, 0, &len, 1000), MAILSLOT_EBUFFER);
    CHECK_EQ(len, 7);
    forge(fake);
    CHECK_EQ(mailslot_send(slot, fake, sizeof fake), 0);
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_MEM(buf, len, "genuine", 7);
    CHECK_EQ(o.remote, 1);
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_EQ(len, sizeof fake);
    CHECK_EQ(o.remote, 0);
    CHECK_MEM(buf, len, fake, sizeof fake);
    /* The allocating read tells the origin too. */
    {
        void *data = NULL;

        CHECK_EQ(relay(rl, "testgrp", slot, "allocated", NULL), 0);
        CHECK_EQ(mailslot_send(slot, "local", 5), 0);
        o.remote = 0;
        CHECK_EQ(mailslot_read_alloc_ex(r, &data, &len, 1000, &o), 0);
        CHECK_MEM(data, len, "allocated", 9);
        CHECK_EQ(o.remote, 1);
        CHECK_STR(o.source_addr, "10.231.1.1");
        mailslot_free(data);
        CHECK_EQ(mailslot_read_alloc_ex(r, &data, &len, 1000, &o), 0);
        CHECK_MEM(data, len, "local", 5);
        CHECK_EQ(o.remote, 0);
        mailslot_free(data);
        CHECK_EQ(mailslot_read_alloc_ex(r, &data, &len, 0, NULL),
            MAILSLOT_ETIMEOUT);
        CHECK(data == NULL);
    }
    /* An origin struct from an older caller (only size and remote). */
    CHECK_EQ(relay(rl, "testgrp", slot, "old", NULL), 0);
    {
        struct {
            size_t size;
            int remote;
        } old = { sizeof old, 0 };

        CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 1000,
            (mailslot_origin *)&old), 0);
        CHECK_EQ(old.remote, 1);
        CHECK_EQ(old.size, sizeof old);
    }
    o.size = 2;
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o),
        MAILSLOT_EINVAL);
    mailslot_reader_free(r);
}

/* Messages from the relay and from local writers that wait together are
 * taken from the socket together: each keeps its own origin, and a local
 * writer's look-alike header stays its message. */
static void
test_batch_origins(mailslot_relay *rl, const char *slot)
{
    mailslot_reader *r = NULL;
    mailslot_origin o;
    unsigned char fake[FORGED], buf[128];
    size_t len;

    forge(fake);
    CHECK_EQ(mailslot_create(slot, NULL, &r), 0);
    CHECK_EQ(relay(rl, "testgrp", slot, "r1", NULL), 0);
    CHECK_EQ(mailslot_send(slot, "l2", 2), 0);
    CHECK_EQ(mailslot_send(slot, fake, sizeof fake), 0);
    CHECK_EQ(relay(rl, "hostb", slot, "r4", NULL), 0);
    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_MEM(buf, len, "r1", 2);
    CHECK_EQ(o.remote, 1);
    CHECK_STR(o.dest_name, "TESTGRP");
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_MEM(buf, len, "l2", 2);
    CHECK_EQ(o.remote, 0);
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_MEM(buf, len, fake, sizeof fake);
    CHECK_EQ(o.remote, 0);
    CHECK_EQ(mailslot_read_ex(r, buf, sizeof buf, &len, 0, &o), 0);
    CHECK_MEM(buf, len, "r4", 2);
    CHECK_EQ(o.remote, 1);
    CHECK_STR(o.dest_name, "HOSTB");
    CHECK_STR(o.source_addr, "10.231.1.1");
    mailslot_reader_free(r);
}

/* Counts the waiting messages that are done (mailslot_relay_retry()). */
typedef struct done_count {
    int delivered, full, other;
} done_count;

static void MAILSLOT_CALL
on_done(void *ctx, int rc, const mailslot_relay_result *res)
{
    done_count *d = ctx;

    CHECK(res != NULL && res->reason != NULL);
    if (rc == 0)
        d->delivered++;
    else if (rc == MAILSLOT_EFULL)
        d->full++;
    else
        d->other++;
}

/* Retry until nothing waits (each try is due within 20 ms). */
static void
retry_all(mailslot_relay *rl, done_count *d)
{
    int32_t wait;
    int rounds = 0;

    while ((wait = mailslot_relay_retry(rl, on_done, d)) >= 0 &&
           rounds++ < 1000)
        sleep_ms(wait > 0 ? wait : 1);
    CHECK_EQ(wait, -1);
}

/*
 * A reader that is busy elsewhere (reads nothing for now) still gets every
 * remote message queued, as a local writer's would be: the relay's
 * deliveries wake the drain thread when the kernel queue is full, and the
 * messages that found no room wait in the relay until it has some.
 */
static void
test_busy_reader(mailslot_relay *rl, const char *slot)
{
    mailslot_reader *r = NULL;
    mailslot_relay_result res;
    done_count d = { 0, 0, 0 };
    char text[16], buf[64];
    size_t len;
    int delivered = 0, waiting = 0, in_order = 0, rc;

    CHECK_EQ(mailslot_create(slot, NULL, &r), 0);
    for (int i = 0; i < 300; i++) {
        snprintf(text, sizeof text, "m%d", i);
        memset(&res, 0, sizeof res);
        res.size = sizeof res;
        rc = relay(rl, "testgrp", slot, text, &res);
        delivered += rc == 0;
        waiting += rc == MAILSLOT_RELAY_WAITING;
    }
    CHECK_EQ(delivered + waiting, 300);
    retry_all(rl, &d);
    CHECK_EQ(d.delivered, waiting);
    CHECK_EQ(d.full + d.other, 0);
    CHECK_EQ(mailslot_count(r), 300);
    for (int i = 0; i < 300; i++) {
        snprintf(text, sizeof text, "m%d", i);
        in_order += mailslot_read(r, buf, sizeof buf, &len, 0) == 0 &&
                    len == strlen(text) && memcmp(buf, text, len) == 0;
    }
    CHECK_EQ(in_order, 300);
    mailslot_reader_free(r);
}

/*
 * A slot at its queue limit never holds up delivery to another: the
 * relay answers at once for both, the healthy slot's message is there
 * at once, and the full slot's messages wait in order (up to 1024;
 * past that, "full") until its reader makes room.
 */
static void
test_full_slot_isolated(mailslot_relay *rl, const char *full,
    const char *healthy)
{
    mailslot_options o = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *rf = NULL, *rh = NULL;
    done_count d = { 0, 0, 0 };
    char text[16], buf[64];
    size_t len;
    int accepted = 0, waiting = 0, refused = 0, next = 0, ordered = 1, rc;

    o.queue_limit_msgs = 5;
    CHECK_EQ(mailslot_create(full, &o, &rf), 0);
    CHECK_EQ(mailslot_create(healthy, NULL, &rh), 0);
    for (int i = 0; i < 1200; i++) {
        snprintf(text, sizeof text, "%d", i);
        rc = relay(rl, "testgrp", full, text, NULL);
        if (rc == 0 || rc == MAILSLOT_RELAY_WAITING) {
            /* Accepted ones form a prefix: nothing is let in after a
             * refusal. */
            ordered &= refused == 0;
            accepted++;
        } else {
            CHECK_EQ(rc, MAILSLOT_EFULL);
            refused++;
        }
        waiting += rc == MAILSLOT_RELAY_WAITING;
    }
    CHECK(ordered);
    CHECK(waiting > 0 && waiting <= 1024);
    CHECK(refused > 0);
    CHECK_EQ(relay(rl, "testgrp", healthy, "still served", NULL), 0);
    CHECK_EQ(mailslot_read(rh, buf, sizeof buf, &len, 0), 0);
    CHECK_MEM(buf, len, "still served", 12);
    /* Room again: the waiting ones arrive, in order, each once. */
    for (int tries = 0; next < accepted && tries < 2000; tries++) {
        while (mailslot_read(rf, buf, sizeof buf - 1, &len, 0) == 0) {
            buf[len] = '\0';
            ordered &= atoi(buf) == next;
            next++;
        }
        mailslot_relay_retry(rl, on_done, &d);
        sleep_ms(1);
    }
    CHECK(ordered);
    CHECK_EQ(next, accepted);
    CHECK_EQ(d.delivered, waiting);
    CHECK_EQ(d.full + d.other, 0);
    CHECK_EQ(mailslot_relay_retry(rl, on_done, &d), -1);
    CHECK_EQ(mailslot_read(rf, buf, sizeof buf, &len, 0), MAILSLOT_ETIMEOUT);
    CHECK_EQ(mailslot_relay_retry(NULL, NULL, NULL), MAILSLOT_EINVAL);
    mailslot_reader_free(rf);
    mailslot_reader_free(rh);
}

int
main(void)
{
    mailslot_relay *rl = NULL, *second = NULL;

    use_private_dir();
    CHECK_EQ(mailslot_origin_size(), sizeof(mailslot_origin));
    CHECK_EQ(mailslot_relay_create(NULL, 0, &rl), MAILSLOT_EINVAL);
    CHECK(rl == NULL);
    CHECK_EQ(mailslot_relay_create("much-too-long-netbios-name", 0, &rl),
        MAILSLOT_ENAME);
    CHECK_EQ(mailslot_relay_create("HOSTB,TESTGRP", 0, &rl), 0);
    CHECK(rl != NULL);
    CHECK_EQ(mailslot_relay_create(NULL, MAILSLOT_RELAY_ANY_NAME, &second),
        MAILSLOT_EEXISTS);
    if (rl != NULL) {
        test_delivery(rl, unique_name("relay"));
        test_refusals(rl, unique_name("relay"));
        test_forgery(rl, unique_name("relay"));
        test_batch_origins(rl, unique_name("relay"));
        test_busy_reader(rl, unique_name("relay"));
        test_full_slot_isolated(rl, unique_name("relay"),
            unique_name("relay"));
    }
    mailslot_relay_free(rl);
    mailslot_relay_free(NULL);
    /* The name is free again once the relay is gone. */
    CHECK_EQ(mailslot_relay_create(NULL, MAILSLOT_RELAY_ANY_NAME, &second),
        0);
    mailslot_relay_free(second);
    return testlib_finish();
}
