/*
 * NetBIOS name service packets (RFC 1002 4.2.12 and 4.2.13): a broadcast
 * name query and its positive answer.  Pure like nbt.c, and as careful:
 * answers come from anyone on the LAN, so every length is checked first.
 */
#include <string.h>

#include "mailslot.h"
#include "nbt.h"

#define NBNS_HEADER 12
#define TYPE_NB 0x0020
#define CLASS_IN 0x0001
#define FLAG_RESPONSE 0x8000
#define NB_GROUP 0x8000

static unsigned
get16(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static void
put16(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

int
mailslot__nbns_build_query(uint16_t id, const mailslot__nbt_name *n,
    const char *scope, unsigned char *out, size_t cap, size_t *len)
{
    unsigned char name[34 + MAILSLOT__NBT_SCOPE_MAX];
    size_t nl = mailslot__nbt_encode_name(n, scope, name);

    *len = NBNS_HEADER + nl + 4;
    if (cap < *len)
        return MAILSLOT_EBUFFER;
    memset(out, 0, NBNS_HEADER);
    put16(out, id);
    /* Opcode 0 (query), recursion desired, broadcast. */
    put16(out + 2, 0x0110);
    put16(out + 4, 1);
    memcpy(out + NBNS_HEADER, name, nl);
    put16(out + NBNS_HEADER + nl, TYPE_NB);
    put16(out + NBNS_HEADER + nl + 2, CLASS_IN);
    return 0;
}

/* Skip the (possibly compressed) name at *AT. */
static int
skip_name(const unsigned char *buf, size_t len, size_t *at)
{
    size_t i = *at;

    while (i < len) {
        if ((buf[i] & 0xc0) == 0xc0) {
            if (len - i < 2)
                return -1;
            *at = i + 2;
            return 0;
        }
        if (buf[i] > 63)
            return -1;
        if (buf[i] == 0) {
            *at = i + 1;
            return 0;
        }
        i += 1 + (size_t)buf[i];
    }
    return -1;
}

int
mailslot__nbns_parse_answer(const unsigned char *buf, size_t len,
    uint16_t id, uint32_t *ip, int *group)
{
    size_t at = NBNS_HEADER, rdlen;
    unsigned flags;

    if (len < NBNS_HEADER || get16(buf) != id)
        return MAILSLOT_EMALFORMED;
    flags = get16(buf + 2);
    /* A response, opcode query, RCODE 0, with at least one answer. */
    if (!(flags & FLAG_RESPONSE) || (flags & 0x7800) != 0 ||
        (flags & 0x000f) != 0 || get16(buf + 6) == 0)
        return MAILSLOT_EMALFORMED;
    if (skip_name(buf, len, &at) != 0 || len - at < 10)
        return MAILSLOT_EMALFORMED;
    if (get16(buf + at) != TYPE_NB || get16(buf + at + 2) != CLASS_IN)
        return MAILSLOT_EMALFORMED;
    rdlen = get16(buf + at + 8);
    at += 10;
    if (rdlen < 6 || rdlen > len - at)
        return MAILSLOT_EMALFORMED;
    *group = (get16(buf + at) & NB_GROUP) != 0;
    *ip = (uint32_t)get16(buf + at + 2) << 16 | get16(buf + at + 4);
    return 0;
}
