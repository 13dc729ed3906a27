/*
 * The remote mailslot codec: names, size limits, round trips, the real
 * captures in net/datagrams.tsv, and malformed datagrams of every kind we
 * could think of, each of which must be rejected cleanly (the sanitizer
 * build turns any out-of-bounds read into a failure).
 *
 * usage: test_nbt PATH/TO/datagrams.tsv
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "nbt.h"
#include "testlib.h"

#define MAX_VECTORS 64
#define BUF 2048

typedef struct vector {
    char name[64];
    unsigned char bytes[BUF];
    size_t len;
} vector;

static vector vectors[MAX_VECTORS];
static size_t nvectors;

static int
hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    if (c >= 'A' && c <= 'F')
        return c - 'A' + 10;
    return -1;
}

static size_t
unhex(const char *s, unsigned char *out, size_t cap)
{
    size_t n = 0;

    while (hexval(s[0]) >= 0 && hexval(s[1]) >= 0 && n < cap) {
        out[n++] = (unsigned char)(hexval(s[0]) << 4 | hexval(s[1]));
        s += 2;
    }
    return n;
}

/* Read "name<TAB>source<TAB>hex" lines; '#' lines are comments. */
static void
load_vectors(const char *path)
{
    static char line[8192];
    FILE *f = fopen(path, "r");

    CHECK(f != NULL);
    if (f == NULL)
        return;
    while (fgets(line, sizeof line, f) != NULL && nvectors < MAX_VECTORS) {
        char *t1 = strchr(line, '\t'), *t2;
        vector *v = &vectors[nvectors];

        if (line[0] == '#' || t1 == NULL || (t2 = strchr(t1 + 1, '\t')) == NULL)
            continue;
        snprintf(v->name, sizeof v->name, "%.*s", (int)(t1 - line), line);
        v->len = unhex(t2 + 1, v->bytes, sizeof v->bytes);
        nvectors++;
    }
    fclose(f);
}

static const vector *
find_vector(const char *name)
{
    size_t i;

    for (i = 0; i < nvectors; i++) {
        if (strcmp(vectors[i].name, name) == 0)
            return &vectors[i];
    }
    return NULL;
}

static void
test_names(void)
{
    static const unsigned char wg1e[] =
        "\x20" "FHEPFCELEHFCEPFFFACACACACACACABO" "\x00";
    mailslot__nbt_msg m, p;
    unsigned char buf[BUF];
    char text[16];
    size_t len;

    CHECK_EQ(mailslot__nbt_name_make("workgroup", 0x1e, &m.src), 0);
    CHECK_EQ(mailslot__nbt_name_text(&m.src, text), 0x1e);
    CHECK_STR(text, "WORKGROUP");
    CHECK_EQ(mailslot__nbt_name_make("*", 0, &m.dst), 0);
    CHECK_EQ(m.dst.raw[1], 0);
    CHECK_EQ(mailslot__nbt_name_make("", 0, &m.dst), MAILSLOT_ENAME);
    CHECK_EQ(mailslot__nbt_name_make("0123456789abcdef", 0, &m.dst),
        MAILSLOT_ENAME);
    /* An IPv4 literal is used as a name when the target is one. */
    CHECK_EQ(mailslot__nbt_name_make("10.231.1.2", 0, &m.dst), 0);
    CHECK_EQ(mailslot__nbt_name_make("tab\there", 0, &m.dst),
        MAILSLOT_ENAME);
    CHECK_EQ(mailslot__nbt_name_make("0123456789abcde", 0x20, &m.dst), 0);

    /* The worked example of the reference: WORKGROUP<1E>, 34 bytes. */
    mailslot__nbt_msg_defaults(&m);
    mailslot__nbt_name_make("workgroup", 0x1e, &m.src);
    mailslot__nbt_name_make("workgroup", 0x1e, &m.dst);
    m.slot = "\\MAILSLOT\\BROWSE";
    m.slot_len = strlen(m.slot);
    CHECK_EQ(mailslot__nbt_build(&m, buf, sizeof buf, &len), 0);
    CHECK_MEM(buf + 14, 34, wg1e, 34);
    CHECK_EQ(mailslot__nbt_parse(buf, len, &p, NULL), 0);
    CHECK(mailslot__nbt_name_equal(&p.dst, &m.dst));
    mailslot__nbt_name_make("Workgroup", 0, &p.src);
    CHECK(mailslot__nbt_name_equal(&p.src, &m.dst));
    mailslot__nbt_name_make("workgroup2", 0, &p.src);
    CHECK(!mailslot__nbt_name_equal(&p.src, &m.dst));
}

static void
test_limits(void)
{
    CHECK_EQ(mailslot__nbt_max_data(1), 428);
    CHECK_EQ(mailslot__nbt_max_data(4), 428);
    CHECK_EQ(mailslot__nbt_max_data(5), 424);
    CHECK_EQ(mailslot__nbt_max_data(8), 424);
    CHECK_EQ(mailslot__nbt_max_data(9), 420);
    CHECK_EQ(mailslot__nbt_max_data(16), 416);
    CHECK_EQ(mailslot__nbt_max_data(432), 0);
    CHECK_EQ(mailslot__nbt_max_data(1000), 0);
}

/* Build M, parse it back and compare every field. */
static void
round_trip(const mailslot__nbt_msg *m)
{
    static unsigned char buf[BUF];
    mailslot__nbt_msg p;
    const char *why = NULL;
    size_t len;

    CHECK_EQ(mailslot__nbt_build(m, buf, sizeof buf, &len), 0);
    CHECK_EQ(mailslot__nbt_parse(buf, len, &p, &why), 0);
    CHECK_STR(why, "ok");
    CHECK_EQ(p.type, m->type);
    CHECK_EQ(p.flags, m->flags);
    CHECK_EQ(p.dgm_id, m->dgm_id);
    CHECK_EQ(p.src_ip, m->src_ip);
    CHECK_EQ(p.src_port, m->src_port);
    CHECK_MEM(p.src.raw, 16, m->src.raw, 16);
    CHECK_MEM(p.dst.raw, 16, m->dst.raw, 16);
    CHECK_STR(p.scope, m->scope);
    CHECK_EQ(p.priority, m->priority);
    CHECK_EQ(p.timeout, m->timeout);
    CHECK_MEM(p.slot, p.slot_len, m->slot, m->slot_len);
    CHECK_MEM(p.data, p.data_len, m->data, m->data_len);
    /* MS-MAIL: the data is 32-bit aligned from the SMB header. */
    if (!m->no_pad)
        CHECK_EQ((MAILSLOT__NBT_SMB_FIXED + p.slot_len + 1 + p.pad) % 4, 0);
}

static void
test_round_trips(void)
{
    static unsigned char data[600];
    static char slot[300];
    static const char *scopes[] = { "", "corp", "a.b-c.example" };
    mailslot__nbt_msg m;
    unsigned char buf[BUF];
    size_t i, n, len, s;

    for (i = 0; i < sizeof data; i++)
        data[i] = (unsigned char)(i * 7 + 3);
    for (n = 1; n <= 40; n++) {
        for (s = 0; s < 3; s++) {
            size_t max = mailslot__nbt_max_data(n);

            mailslot__nbt_msg_defaults(&m);
            m.type = (uint8_t)(s == 1 ? MAILSLOT__NBT_DIRECT_GROUP
                                      : MAILSLOT__NBT_DIRECT_UNIQUE);
            m.dgm_id = (uint16_t)(n * 977);
            m.src_ip = 0x0ae70102u;
            mailslot__nbt_name_make("hosta", 0, &m.src);
            mailslot__nbt_name_make(s == 1 ? "testgrp" : "hostb", 0, &m.dst);
            snprintf(m.scope, sizeof m.scope, "%s", scopes[s]);
            memcpy(slot, "\\MAILSLOT\\", 10);
            memset(slot + 10, 'x', n);
            m.slot = slot;
            m.slot_len = 10 + n;
            m.data = data;
            m.no_pad = s == 2;
            m.data_len = 0;
            round_trip(&m);
            m.data_len = max / 2;
            round_trip(&m);
            m.data_len = max;
            if (!m.no_pad)
                round_trip(&m);
            /* One byte over the limit never builds. */
            m.no_pad = 0;
            m.data_len = max + 1;
            CHECK_EQ(mailslot__nbt_build(&m, buf, sizeof buf, &len),
                MAILSLOT_ETOOBIG);
        }
    }
    /* A buffer that is too small reports the size needed. */
    m.data_len = 10;
    CHECK_EQ(mailslot__nbt_build(&m, buf, 20, &len), MAILSLOT_EBUFFER);
    CHECK(len > 20);
    CHECK_EQ(mailslot__nbt_build(&m, buf, len, &n), 0);
    CHECK_EQ(n, len);
    m.slot = "\\PIPE\\X";
    m.slot_len = 7;
    CHECK_EQ(mailslot__nbt_build(&m, buf, sizeof buf, &len), MAILSLOT_ENAME);
    m.slot = "\\mailslot\\x";
    m.slot_len = 11;
    snprintf(m.scope, sizeof m.scope, "bad..scope");
    CHECK_EQ(mailslot__nbt_build(&m, buf, sizeof buf, &len), MAILSLOT_ENAME);
    memset(m.scope, 'a', 240);
    m.scope[240] = '\0';
    CHECK_EQ(mailslot__nbt_build(&m, buf, sizeof buf, &len), MAILSLOT_ENAME);
}

/* The [MS-MAIL] section 4 example: our builder gives the same 140 bytes. */
static void
test_ms_mail_example(void)
{
    static const char smb_hex[] =
        "ff534d4225000000001804000000000000000000000000000000fffe0000000011"
        "000024000200000000000200000000000000000068002400680003000100000002"
        "0047005c4d41494c534c4f545c74657374315c73616d706c655f6d61696c736c6f"
        "7400000000";
    unsigned char want[200], buf[BUF], data[36];
    mailslot__nbt_msg m;
    size_t n = unhex(smb_hex, want, sizeof want), len;

    memset(data, 0xca, sizeof data);
    memset(want + n, 0xca, 36);
    n += 36;
    CHECK_EQ(n, 140);
    mailslot__nbt_msg_defaults(&m);
    m.flags = 0x0e;
    m.max_params = 2;
    mailslot__nbt_name_make("client", 0, &m.src);
    mailslot__nbt_name_make("server", 0, &m.dst);
    m.slot = "\\MAILSLOT\\test1\\sample_mailslot";
    m.slot_len = strlen(m.slot);
    m.data = data;
    m.data_len = sizeof data;
    CHECK_EQ(mailslot__nbt_build(&m, buf, sizeof buf, &len), 0);
    CHECK_EQ(len, 14 + 68 + 140);
    CHECK_EQ(buf[10] << 8 | buf[11], 208);
    CHECK_MEM(buf + 82, len - 82, want, n);
}

typedef struct expect {
    const char *vector;
    unsigned type, flags, dgm_id, src_port, priority, data_len;
    const char *src;
    unsigned src_suffix;
    const char *dst;
    unsigned dst_suffix;
    unsigned char first_data;
} expect;

/* Values from the reference's tshark table and our own reading. */
static const expect expects[] = {
    { "win7_local_master_announcement", 0x11, 0x0e, 0xff03, 138, 0, 33,
      "GIOVANNI-PC", 0x20, "WORKGROUP", 0x1e, 0x0f },
    { "win7_domain_announcement", 0x11, 0x0e, 0xfefd, 138, 1, 44,
      "GIOVANNI-PC", 0x00, "\x01\x02__MSBROWSE__\x02", 0x01, 0x0c },
    { "java_announcement_request", 0x11, 0x02, 0x80d0, 138, 1, 11,
      "OBSIDIAN", 0x00, "SYNERITY", 0x1d, 0x02 },
};

static void
check_expect(const expect *e)
{
    const vector *v = find_vector(e->vector);
    mailslot__nbt_msg m;
    char text[16], want[16];
    size_t i;

    CHECK(v != NULL);
    if (v == NULL)
        return;
    CHECK_EQ(mailslot__nbt_parse(v->bytes, v->len, &m, NULL), 0);
    CHECK_EQ(m.type, e->type);
    CHECK_EQ(m.flags, e->flags);
    CHECK_EQ(m.dgm_id, e->dgm_id);
    CHECK_EQ(m.src_port, e->src_port);
    CHECK_EQ(m.priority, e->priority);
    CHECK_EQ(m.data_len, e->data_len);
    CHECK_EQ(m.mclass, 2);
    CHECK_EQ(m.timeout, 1000);
    CHECK_EQ(m.pad, 0);
    CHECK_EQ(mailslot__nbt_name_text(&m.src, text), e->src_suffix);
    CHECK_STR(text, e->src);
    CHECK_EQ(mailslot__nbt_name_text(&m.dst, text), e->dst_suffix);
    for (i = 0; e->dst[i] != '\0'; i++)
        want[i] = e->dst[i] >= 0x20 ? e->dst[i] : '?';
    want[i] = '\0';
    CHECK_STR(text, want);
    CHECK_MEM(m.slot, m.slot_len, "\\MAILSLOT\\BROWSE", 16);
    CHECK(m.data_len > 0 && m.data[0] == e->first_data);
}

/* Parse a capture and build it again from the parsed fields. */
static void
rebuild_same(const vector *v)
{
    static unsigned char buf[BUF];
    mailslot__nbt_msg m;
    size_t len = 0;

    CHECK_EQ(mailslot__nbt_parse(v->bytes, v->len, &m, NULL), 0);
    CHECK_EQ(mailslot__nbt_build(&m, buf, sizeof buf, &len), 0);
    CHECK_MEM(buf, len, v->bytes, v->len);
    if (len != v->len || memcmp(buf, v->bytes, len) != 0)
        fprintf(stderr, "rebuild of %s differs\n", v->name);
}

static void
test_captures(void)
{
    mailslot__nbt_msg m;
    char text[16];
    size_t i;

    CHECK(nvectors >= 13);
    for (i = 0; i < sizeof expects / sizeof expects[0]; i++)
        check_expect(&expects[i]);
    for (i = 0; i < nvectors; i++) {
        rebuild_same(&vectors[i]);
        if (strncmp(vectors[i].name, "samba_nmbd_", 11) != 0)
            continue;
        CHECK_EQ(mailslot__nbt_parse(vectors[i].bytes, vectors[i].len, &m,
            NULL), 0);
        mailslot__nbt_name_text(&m.src, text);
        CHECK_STR(text, "SAMBAHOST");
        CHECK_EQ(m.src_ip, 0xc6120001u);
        mailslot__nbt_name_text(&m.dst, text);
        CHECK(strcmp(text, "TESTGRP") == 0 ||
            strcmp(text, "??__MSBROWSE__?") == 0);
    }
}

/* Expect a clean rejection of BUF[0..LEN), whatever the reason. */
static void
rejects(const unsigned char *buf, size_t len, const char *what)
{
    mailslot__nbt_msg m;
    const char *why = NULL;
    int rc = mailslot__nbt_parse(buf, len, &m, &why);

    CHECK_EQ(rc, MAILSLOT_EMALFORMED);
    CHECK(why != NULL && strcmp(why, "ok") != 0);
    if (rc != MAILSLOT_EMALFORMED)
        fprintf(stderr, "  accepted: %s\n", what);
}

/* A copy of a capture with one change, then parsed. */
static unsigned char work[BUF];

static const vector *
base(void)
{
    const vector *v = find_vector("win7_local_master_announcement");

    memcpy(work, v->bytes, v->len);
    return v;
}

static void
set_dgm_length(size_t total)
{
    work[10] = (unsigned char)((total - 14) >> 8);
    work[11] = (unsigned char)(total - 14);
}

static void
test_truncations(void)
{
    const vector *v = base();
    size_t cut;

    if (v == NULL)
        return;
    /* Cut at every byte: with the original DGM_LENGTH, and with a
     * DGM_LENGTH that agrees, so every later field is reached too. */
    for (cut = 0; cut < v->len; cut++) {
        memcpy(work, v->bytes, v->len);
        rejects(work, cut, "truncated");
        if (cut >= 14) {
            set_dgm_length(cut);
            rejects(work, cut, "truncated, DGM_LENGTH adjusted");
        }
    }
}

/* Offsets in the LocalMasterAnnouncement capture (SMB starts at 82). */
#define S 82

static void
lie(size_t off, unsigned char value, const char *what)
{
    const vector *v = base();

    work[off] = value;
    rejects(work, v->len, what);
}

static void
test_lies(void)
{
    const vector *v = base();
    size_t i;

    if (v == NULL)
        return;
    lie(0, 0x13, "datagram error type");
    lie(0, 0x0f, "type below range");
    lie(1, 0x03, "more fragments");
    lie(1, 0x0c, "not first fragment");
    lie(1, 0x1e, "reserved flag bits");
    lie(12, 0x01, "packet offset");
    lie(11, 0x10, "DGM_LENGTH too short");
    lie(11, 0xbc, "DGM_LENGTH one too long");
    lie(11, 0xba, "DGM_LENGTH one too short");
    lie(10, 0xff, "DGM_LENGTH huge");
    lie(14, 0x21, "source name length");
    lie(15, 'Z', "source name character");
    lie(15, 'a', "lower-case name character");
    lie(48, 0x1f, "destination name length");
    lie(81, 0xc0, "compressed scope label");
    lie(81, 0x05, "scope label past the name");
    lie(S + 0, 0xfe, "SMB signature");
    lie(S + 1, 'X', "SMB signature");
    lie(S + 4, 0x32, "TRANSACTION2 command");
    lie(S + 32, 16, "word count 16");
    lie(S + 32, 18, "word count 18");
    lie(S + 33, 1, "TotalParameterCount");
    lie(S + 51, 1, "ParameterCount");
    lie(S + 35, 34, "TotalDataCount differs");
    lie(S + 55, 34, "DataCount one past the end");
    lie(S + 56, 1, "DataCount huge");
    lie(S + 57, 200, "DataOffset past the end");
    lie(S + 58, 0xff, "DataOffset huge");
    lie(S + 57, 80, "DataOffset inside the name");
    lie(S + 57, 90, "padding of 4 bytes");
    lie(S + 59, 2, "setup count");
    lie(S + 61, 2, "opcode");
    lie(S + 65, 3, "class 3");
    lie(S + 65, 0, "class 0");
    lie(S + 67, 51, "ByteCount one past the end");
    lie(S + 68, 0xff, "ByteCount huge");
    lie(S + 67, 10, "ByteCount cuts the name");
    lie(S + 70, 'P', "name is not \\MAILSLOT\\");
    lie(S + 78, '/', "name prefix separator");
    /* The name's NUL replaced, and every later byte non-zero. */
    base();
    for (i = S + 69; i < v->len; i++) {
        if (work[i] == 0)
            work[i] = 'x';
    }
    rejects(work, v->len, "name without NUL");
    /* Source and destination with different scopes. */
    {
        static unsigned char big[BUF];
        mailslot__nbt_msg m;
        size_t len;

        mailslot__nbt_msg_defaults(&m);
        mailslot__nbt_name_make("a", 0, &m.src);
        mailslot__nbt_name_make("b", 0, &m.dst);
        snprintf(m.scope, sizeof m.scope, "abc");
        m.slot = "\\MAILSLOT\\X";
        m.slot_len = 11;
        CHECK_EQ(mailslot__nbt_build(&m, big, sizeof big, &len), 0);
        big[34 + 14 + 34 + 1] = 'z';
        CHECK_EQ(mailslot__nbt_parse(big, len, &m, NULL), MAILSLOT_EMALFORMED);
        big[34 + 14 + 34 + 1] = '.';
        CHECK_EQ(mailslot__nbt_parse(big, len, &m, NULL), MAILSLOT_EMALFORMED);
    }
}

/* Random damage: whatever happens, parsing stays in bounds and any
 * datagram it accepts describes data inside the buffer. */
static void
test_random_damage(void)
{
    unsigned seed = 12345;
    size_t round, i;

    for (round = 0; round < 200000; round++) {
        const vector *v = &vectors[round % nvectors];
        mailslot__nbt_msg m;
        size_t len = v->len, flips;
        unsigned char *copy;

        seed = seed * 1103515245u + 12345u;
        flips = 1 + (seed >> 16) % 4;
        memcpy(work, v->bytes, len);
        for (i = 0; i < flips; i++) {
            seed = seed * 1103515245u + 12345u;
            work[(seed >> 8) % len] = (unsigned char)(seed >> 24);
        }
        seed = seed * 1103515245u + 12345u;
        if ((seed >> 16) % 3 == 0)
            len = (seed >> 4) % (len + 1);
        /* A heap copy of exactly LEN bytes, so ASan sees any overread. */
        copy = malloc(len > 0 ? len : 1);
        if (copy == NULL)
            continue;
        memcpy(copy, work, len);
        if (mailslot__nbt_parse(copy, len, &m, NULL) == 0) {
            CHECK(m.data >= copy && m.data + m.data_len <= copy + len);
        }
        free(copy);
    }
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: test_nbt datagrams.tsv\n");
        return 2;
    }
    load_vectors(argv[1]);
    test_names();
    test_limits();
    test_round_trips();
    test_ms_mail_example();
    test_captures();
    if (nvectors > 0) {
        test_truncations();
        test_lies();
        test_random_damage();
    }
    return testlib_finish();
}
