/*
 * The remote mailslot codec: build and parse one class-2 mailslot write.
 *
 * The parser trusts nothing: every field that says where something is or
 * how long it is gets checked against the bytes actually present before
 * anything is read through it.  A cursor (struct rd) carries the bounds so
 * no read can pass them, whatever the fields claim.
 */
#include <string.h>

#include "mailslot.h"
#include "nbt.h"

static const char prefix[] = "\\MAILSLOT\\";
#define PREFIX_LEN (sizeof prefix - 1)

/* Byte offsets inside the SMB part (from the 0xFF of "\xffSMB"). */
enum {
    SMB_CMD = 4,
    SMB_FLAGS = 9,
    SMB_FLAGS2 = 10,
    SMB_PID = 26,
    SMB_WCT = 32,
    SMB_TPC = 33,
    SMB_TDC = 35,
    SMB_MPC = 37,
    SMB_TFLAGS = 43,
    SMB_TIMEOUT = 45,
    SMB_PC = 51,
    SMB_PO = 53,
    SMB_DC = 55,
    SMB_DO = 57,
    SMB_SC = 59,
    SMB_OPCODE = 61,
    SMB_PRIORITY = 63,
    SMB_CLASS = 65,
    SMB_BCC = 67
};

static void
put16be(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)(v >> 8);
    p[1] = (unsigned char)v;
}

static void
put16le(unsigned char *p, unsigned v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void
put32le(unsigned char *p, uint32_t v)
{
    put16le(p, v & 0xffff);
    put16le(p + 2, v >> 16);
}

static unsigned
get16be(const unsigned char *p)
{
    return (unsigned)p[0] << 8 | p[1];
}

static unsigned
get16le(const unsigned char *p)
{
    return (unsigned)p[1] << 8 | p[0];
}

static uint32_t
get32le(const unsigned char *p)
{
    return (uint32_t)get16le(p) | (uint32_t)get16le(p + 2) << 16;
}

static int
upper_ascii(int c)
{
    return c >= 'a' && c <= 'z' ? c - 'a' + 'A' : c;
}

/* ---------------------------------------------------------------------- */
/* NetBIOS names                                                          */
/* ---------------------------------------------------------------------- */

int
mailslot__nbt_name_make(const char *name, unsigned suffix,
    mailslot__nbt_name *out)
{
    size_t n = strlen(name), i;
    int pad = strcmp(name, "*") == 0 ? 0 : ' ';

    if (n == 0 || n > 15 || suffix > 0xff)
        return MAILSLOT_ENAME;
    for (i = 0; i < n; i++) {
        unsigned char c = (unsigned char)name[i];

        if (c < 0x20 || c == 0x7f)
            return MAILSLOT_ENAME;
        out->raw[i] = (unsigned char)upper_ascii(c);
    }
    memset(out->raw + n, pad, 15 - n);
    out->raw[15] = (unsigned char)suffix;
    return 0;
}

unsigned
mailslot__nbt_name_text(const mailslot__nbt_name *n, char out[16])
{
    size_t len = 15, i;

    while (len > 0 && (n->raw[len - 1] == ' ' || n->raw[len - 1] == 0))
        len--;
    for (i = 0; i < len; i++) {
        unsigned char c = n->raw[i];

        out[i] = (char)(c >= 0x20 && c < 0x7f ? c : '?');
    }
    out[len] = '\0';
    return n->raw[15];
}

int
mailslot__nbt_name_equal(const mailslot__nbt_name *a,
    const mailslot__nbt_name *b)
{
    size_t i;

    for (i = 0; i < 15; i++) {
        if (upper_ascii(a->raw[i]) != upper_ascii(b->raw[i]))
            return 0;
    }
    return 1;
}

/* Bytes the scope adds to one encoded name, or 0 for a bad scope. */
static size_t
scope_size(const char *scope)
{
    size_t total = 0, label = 0, i;

    for (i = 0; scope[i] != '\0'; i++) {
        unsigned char c = (unsigned char)scope[i];

        if (c == '.') {
            if (label == 0)
                return 0;
            total += 1 + label;
            label = 0;
        } else if (c <= 0x20 || c >= 0x7f || ++label > 63) {
            return 0;
        }
    }
    if (i > 0) {
        if (label == 0)
            return 0;
        total += 1 + label;
    }
    /* With the 33 bytes of the name and the final 0, at most 255. */
    return total + 34 <= MAILSLOT__NBT_SCOPE_MAX ? total + 1 : 0;
}

size_t
mailslot__nbt_encode_name(const mailslot__nbt_name *n, const char *scope,
    unsigned char *p)
{
    size_t at = 0, i, start;

    p[at++] = 0x20;
    for (i = 0; i < 16; i++) {
        p[at++] = (unsigned char)('A' + (n->raw[i] >> 4));
        p[at++] = (unsigned char)('A' + (n->raw[i] & 0x0f));
    }
    for (i = 0; scope[i] != '\0'; i = start) {
        start = i;
        while (scope[start] != '\0' && scope[start] != '.')
            start++;
        p[at++] = (unsigned char)(start - i);
        memcpy(p + at, scope + i, start - i);
        at += start - i;
        if (scope[start] == '.')
            start++;
    }
    p[at++] = 0;
    return at;
}

/* ---------------------------------------------------------------------- */
/* Building                                                               */
/* ---------------------------------------------------------------------- */

void
mailslot__nbt_msg_defaults(mailslot__nbt_msg *m)
{
    memset(m, 0, sizeof *m);
    m->type = MAILSLOT__NBT_DIRECT_UNIQUE;
    m->flags = MAILSLOT__NBT_NODE_B | MAILSLOT__NBT_FLAG_FIRST;
    m->src_port = MAILSLOT__NBT_PORT;
    m->smb_flags = 0x18;
    m->smb_flags2 = 0x0004;
    m->smb_pid = 0xfeff;
    m->trans_flags = 0x0002;
    m->param_at_data = 1;
    m->mclass = 2;
}

static size_t
pad_for(size_t slot_len, int no_pad)
{
    return no_pad ? 0 : (4 - (MAILSLOT__NBT_SMB_FIXED + slot_len + 1) % 4) % 4;
}

size_t
mailslot__nbt_max_data(size_t name_len)
{
    size_t used = MAILSLOT__NBT_SMB_FIXED + PREFIX_LEN + 1 +
        ((name_len + 3) & ~(size_t)3);

    return used >= MAILSLOT__NBT_SMB_MAX ? 0 : MAILSLOT__NBT_SMB_MAX - used;
}

static int
has_prefix(const char *s, size_t len)
{
    size_t i;

    if (len <= PREFIX_LEN)
        return 0;
    for (i = 0; i < PREFIX_LEN; i++) {
        if (upper_ascii((unsigned char)s[i]) != prefix[i])
            return 0;
    }
    return memchr(s, '\0', len) == NULL;
}

/* Write the SMB transaction at P (SMB_LEN bytes, already measured). */
static void
build_smb(const mailslot__nbt_msg *m, size_t pad, size_t smb_len,
    unsigned char *p)
{
    size_t data_off = MAILSLOT__NBT_SMB_FIXED + m->slot_len + 1 + pad;

    memset(p, 0, smb_len);
    memcpy(p, "\xffSMB", 4);
    p[SMB_CMD] = 0x25;
    p[SMB_FLAGS] = m->smb_flags;
    put16le(p + SMB_FLAGS2, m->smb_flags2);
    put16le(p + SMB_PID, m->smb_pid);
    p[SMB_WCT] = 17;
    put16le(p + SMB_TDC, (unsigned)m->data_len);
    put16le(p + SMB_MPC, m->max_params);
    put16le(p + SMB_TFLAGS, m->trans_flags);
    put32le(p + SMB_TIMEOUT, m->timeout);
    put16le(p + SMB_PO, m->param_at_data ? (unsigned)data_off : 0);
    put16le(p + SMB_DC, (unsigned)m->data_len);
    put16le(p + SMB_DO, (unsigned)data_off);
    p[SMB_SC] = 3;
    put16le(p + SMB_OPCODE, 1);
    put16le(p + SMB_PRIORITY, m->priority);
    put16le(p + SMB_CLASS, m->mclass);
    put16le(p + SMB_BCC, (unsigned)(smb_len - MAILSLOT__NBT_SMB_FIXED));
    memcpy(p + MAILSLOT__NBT_SMB_FIXED, m->slot, m->slot_len);
    if (m->data_len > 0)
        memcpy(p + data_off, m->data, m->data_len);
}

int
mailslot__nbt_build(const mailslot__nbt_msg *m, unsigned char *out,
    size_t cap, size_t *len)
{
    size_t scope = scope_size(m->scope), pad, smb_len, names, total, at;

    *len = 0;
    if (m->scope[0] != '\0' && scope == 0)
        return MAILSLOT_ENAME;
    if (!has_prefix(m->slot, m->slot_len))
        return MAILSLOT_ENAME;
    if (m->slot_len > MAILSLOT__NBT_SMB_MAX ||
        m->data_len > MAILSLOT__NBT_SMB_MAX)
        return MAILSLOT_ETOOBIG;
    pad = pad_for(m->slot_len, m->no_pad);
    smb_len = MAILSLOT__NBT_SMB_FIXED + m->slot_len + 1 + pad + m->data_len;
    if (smb_len > MAILSLOT__NBT_SMB_MAX)
        return MAILSLOT_ETOOBIG;
    names = 2 * (34 + (scope > 0 ? scope - 1 : 0));
    total = MAILSLOT__NBT_HEADER + names + smb_len;
    *len = total;
    if (cap < total)
        return MAILSLOT_EBUFFER;
    out[0] = m->type;
    out[1] = m->flags;
    put16be(out + 2, m->dgm_id);
    put16be(out + 4, (unsigned)(m->src_ip >> 16));
    put16be(out + 6, (unsigned)(m->src_ip & 0xffff));
    put16be(out + 8, m->src_port);
    put16be(out + 10, (unsigned)(names + smb_len));
    put16be(out + 12, 0);
    at = MAILSLOT__NBT_HEADER;
    at += mailslot__nbt_encode_name(&m->src, m->scope, out + at);
    at += mailslot__nbt_encode_name(&m->dst, m->scope, out + at);
    build_smb(m, pad, smb_len, out + at);
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Parsing                                                                */
/* ---------------------------------------------------------------------- */

typedef struct parse_state {
    const unsigned char *buf;
    size_t len;
    const char *why;
} parse_state;

static int
reject(parse_state *ps, const char *why)
{
    ps->why = why;
    return MAILSLOT_EMALFORMED;
}

/*
 * Decode the name at *AT into N, and its scope labels into SCOPE (dotted)
 * when SCOPE is not NULL.  Compression pointers are not allowed in
 * datagrams, so a length byte above 63 is an error.
 */
static int
parse_name(parse_state *ps, size_t *at, mailslot__nbt_name *n, char *scope)
{
    size_t i = *at, k, total = 0, out = 0;

    if (i >= ps->len)
        return reject(ps, "truncated NetBIOS name");
    if (ps->buf[i] != 0x20)
        return reject(ps, "NetBIOS name is not 32 encoded bytes");
    if (ps->len - i < 34)
        return reject(ps, "truncated NetBIOS name");
    for (k = 0; k < 16; k++) {
        unsigned hi = ps->buf[i + 1 + 2 * k] - (unsigned)'A';
        unsigned lo = ps->buf[i + 2 + 2 * k] - (unsigned)'A';

        if (hi > 15 || lo > 15)
            return reject(ps, "NetBIOS name has characters outside A-P");
        n->raw[k] = (unsigned char)(hi << 4 | lo);
    }
    i += 33;
    total = 33;
    while (ps->buf[i] != 0) {
        size_t label = ps->buf[i];

        if (label > 63)
            return reject(ps, "NetBIOS scope label too long or compressed");
        if (ps->len - i < label + 2)
            return reject(ps, "truncated NetBIOS scope");
        total += 1 + label;
        if (total + 1 > MAILSLOT__NBT_SCOPE_MAX)
            return reject(ps, "NetBIOS scope too long");
        for (k = 1; k <= label; k++) {
            unsigned char c = ps->buf[i + k];

            if (c <= 0x20 || c >= 0x7f || c == '.')
                return reject(ps, "NetBIOS scope has a bad character");
            if (scope != NULL)
                scope[out++] = (char)c;
        }
        if (scope != NULL)
            scope[out++] = '.';
        i += 1 + label;
    }
    if (scope != NULL)
        scope[out > 0 ? out - 1 : 0] = '\0';
    *at = i + 1;
    return 0;
}

static int
parse_header(parse_state *ps, mailslot__nbt_msg *m)
{
    const unsigned char *b = ps->buf;

    if (ps->len < MAILSLOT__NBT_HEADER)
        return reject(ps, "shorter than the NetBIOS datagram header");
    m->type = b[0];
    if (m->type < MAILSLOT__NBT_DIRECT_UNIQUE ||
        m->type > MAILSLOT__NBT_BROADCAST)
        return reject(ps, "NetBIOS datagram type carries no user data");
    m->flags = b[1];
    if ((m->flags & 0xf0) != 0)
        return reject(ps, "reserved NetBIOS flag bits set");
    if ((m->flags & MAILSLOT__NBT_FLAG_MORE) != 0 ||
        (m->flags & MAILSLOT__NBT_FLAG_FIRST) == 0 || get16be(b + 12) != 0)
        return reject(ps, "fragmented datagram (mailslots never fragment)");
    m->dgm_id = (uint16_t)get16be(b + 2);
    m->src_ip = (uint32_t)get16be(b + 4) << 16 | get16be(b + 6);
    m->src_port = (uint16_t)get16be(b + 8);
    if (get16be(b + 10) != ps->len - MAILSLOT__NBT_HEADER)
        return reject(ps, "DGM_LENGTH disagrees with the datagram size");
    return 0;
}

/* Check the fixed SMB words at P (SMB_LEN >= 69 bytes). */
static int
parse_words(parse_state *ps, const unsigned char *p, mailslot__nbt_msg *m)
{
    if (memcmp(p, "\xffSMB", 4) != 0)
        return reject(ps, "user data is not SMB");
    if (p[SMB_CMD] != 0x25)
        return reject(ps, "SMB command is not TRANSACTION");
    if (p[SMB_WCT] != 17)
        return reject(ps, "SMB word count is not 17");
    if (p[SMB_SC] != 3)
        return reject(ps, "SMB setup count is not 3");
    if (get16le(p + SMB_OPCODE) != 1)
        return reject(ps, "mailslot opcode is not 1 (write)");
    if (get16le(p + SMB_TPC) != 0 || get16le(p + SMB_PC) != 0)
        return reject(ps, "mailslot write carries parameters");
    if (get16le(p + SMB_TDC) != get16le(p + SMB_DC))
        return reject(ps, "TotalDataCount differs from DataCount");
    m->mclass = (uint16_t)get16le(p + SMB_CLASS);
    if (m->mclass != 1 && m->mclass != 2)
        return reject(ps, "mailslot class is not 1 or 2");
    m->smb_flags = p[SMB_FLAGS];
    m->smb_flags2 = (uint16_t)get16le(p + SMB_FLAGS2);
    m->smb_pid = (uint16_t)get16le(p + SMB_PID);
    m->max_params = (uint16_t)get16le(p + SMB_MPC);
    m->trans_flags = (uint16_t)get16le(p + SMB_TFLAGS);
    m->timeout = get32le(p + SMB_TIMEOUT);
    m->priority = (uint16_t)get16le(p + SMB_PRIORITY);
    return 0;
}

/* Find the name and the data through ByteCount, DataOffset, DataCount. */
static int
parse_body(parse_state *ps, const unsigned char *p, size_t smb_len,
    mailslot__nbt_msg *m)
{
    size_t bcc = get16le(p + SMB_BCC), end, name_len, data_off, count;
    const unsigned char *nul;

    if (bcc > smb_len - MAILSLOT__NBT_SMB_FIXED)
        return reject(ps, "SMB ByteCount runs past the end");
    end = MAILSLOT__NBT_SMB_FIXED + bcc;
    nul = memchr(p + MAILSLOT__NBT_SMB_FIXED, '\0', bcc);
    if (nul == NULL)
        return reject(ps, "mailslot name is not NUL-terminated");
    name_len = (size_t)(nul - (p + MAILSLOT__NBT_SMB_FIXED));
    m->slot = (const char *)p + MAILSLOT__NBT_SMB_FIXED;
    m->slot_len = name_len;
    if (!has_prefix(m->slot, name_len))
        return reject(ps, "name does not start with \\MAILSLOT\\");
    data_off = get16le(p + SMB_DO);
    count = get16le(p + SMB_DC);
    if (data_off < MAILSLOT__NBT_SMB_FIXED + name_len + 1)
        return reject(ps, "DataOffset points into the mailslot name");
    m->pad = data_off - (MAILSLOT__NBT_SMB_FIXED + name_len + 1);
    if (m->pad > 3)
        return reject(ps, "padding before the data exceeds 3 bytes");
    if (data_off > end || count > end - data_off)
        return reject(ps, "DataOffset + DataCount run past the end");
    m->no_pad = m->pad == 0;
    m->param_at_data = get16le(p + SMB_PO) == data_off;
    m->data = p + data_off;
    m->data_len = count;
    return 0;
}

int
mailslot__nbt_parse(const unsigned char *buf, size_t len,
    mailslot__nbt_msg *m, const char **reason)
{
    parse_state ps = { buf, len, NULL };
    char dst_scope[MAILSLOT__NBT_SCOPE_MAX + 1];
    size_t at = MAILSLOT__NBT_HEADER;
    int rc;

    memset(m, 0, sizeof *m);
    rc = parse_header(&ps, m);
    if (rc == 0)
        rc = parse_name(&ps, &at, &m->src, m->scope);
    if (rc == 0)
        rc = parse_name(&ps, &at, &m->dst, dst_scope);
    if (rc == 0 && strcmp(m->scope, dst_scope) != 0)
        rc = reject(&ps, "source and destination scopes differ");
    if (rc == 0 && len - at < MAILSLOT__NBT_SMB_FIXED)
        rc = reject(&ps, "SMB transaction is truncated");
    if (rc == 0)
        rc = parse_words(&ps, buf + at, m);
    if (rc == 0)
        rc = parse_body(&ps, buf + at, len - at, m);
    if (reason != NULL)
        *reason = rc == 0 ? "ok" : ps.why;
    return rc;
}
