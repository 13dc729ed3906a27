/*
 * test_text.c -- the text codec: every row of the shared table
 * (tests/text_table.tsv, path in argv[1]) through the UTF-8 and the UTF-16
 * entry points, then the edge cases only C can reach (buffer sizes,
 * invalid arguments, the internal UTF-8 primitives).
 *
 * Output buffers are allocated at the exact capacity under test, so a
 * sanitizer or valgrind catches any write past the end.
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "testlib.h"
#include "text.h"

#define MAX_LINE 4096

/* A decoded table field: bytes, and the same text as UTF-16 units. */
struct field {
    unsigned char b[MAX_LINE * 2];
    size_t n;
    uint16_t w[MAX_LINE];
    size_t nw;
};

/* Where a table row came from, for failure messages. */
struct row {
    const char *path;
    int line;
    const char *op;
    int encoding;
    int flags;
    int expect_rc;
    struct field in;
    struct field out;
};

static void
report(int ok, const struct row *r, const char *what)
{
    CHECK(ok);
    if (!ok) {
        fprintf(stderr, "%s:%d: row failed: %s %s\n", r->path, r->line, r->op,
                what);
    }
}

/* ---------------------------------------------------------------------- */
/* Parsing the table (independent of the library under test)              */
/* ---------------------------------------------------------------------- */

/* Reference UTF-8 of CP (surrogates too, as 3 bytes); returns 1-4. */
static size_t
ref_utf8(uint32_t cp, unsigned char *b)
{
    if (cp < 0x80) {
        b[0] = (unsigned char)cp;
        return 1;
    } else if (cp < 0x800) {
        b[0] = (unsigned char)(0xC0 | cp >> 6);
        b[1] = (unsigned char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        b[0] = (unsigned char)(0xE0 | cp >> 12);
        b[1] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
        b[2] = (unsigned char)(0x80 | (cp & 0x3F));
        return 3;
    }
    b[0] = (unsigned char)(0xF0 | cp >> 18);
    b[1] = (unsigned char)(0x80 | (cp >> 12 & 0x3F));
    b[2] = (unsigned char)(0x80 | (cp >> 6 & 0x3F));
    b[3] = (unsigned char)(0x80 | (cp & 0x3F));
    return 4;
}

/* Append CP to F as UTF-8 and as UTF-16 units. */
static void
field_put(struct field *f, uint32_t cp)
{
    f->n += ref_utf8(cp, f->b + f->n);
    if (cp < 0x10000) {
        f->w[f->nw++] = (uint16_t)cp;
    } else {
        f->w[f->nw++] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
        f->w[f->nw++] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
    }
}

/* One escape at S (after the backslash); returns the chars used or 0. */
static size_t
unescape1(const char *s, uint32_t *cp)
{
    char *end;
    unsigned long v;

    switch (s[0]) {
    case '\\':
        *cp = '\\';
        return 1;
    case 't':
        *cp = '\t';
        return 1;
    case 'n':
        *cp = '\n';
        return 1;
    case 'r':
        *cp = '\r';
        return 1;
    case '0':
        *cp = 0;
        return 1;
    case 'u':
        if (s[1] != '{' || strchr("0123456789abcdefABCDEF", s[2]) == NULL ||
            s[2] == '\0') {
            return 0;
        }
        v = strtoul(s + 2, &end, 16);
        if (*end != '}' || end - (s + 2) > 6 || v > 0x10FFFF) {
            return 0;
        }
        *cp = (uint32_t)v;
        return (size_t)(end - s) + 1;
    default:
        return 0;
    }
}

static int
parse_text(const char *s, struct field *f)
{
    f->n = f->nw = 0;
    if (strcmp(s, "-") == 0) {
        return 0;
    }
    while (*s != '\0') {
        uint32_t cp = (unsigned char)*s;
        size_t used = 1;
        if (*s == '\\' && (used = unescape1(s + 1, &cp)) == 0) {
            return -1;
        }
        if (*s == '\\') {
            used++;
        } else if (cp < 0x20 || cp > 0x7E) {
            return -1; /* the table writes such characters escaped */
        }
        field_put(f, cp);
        s += used;
    }
    return 0;
}

static int
parse_hex(const char *s, struct field *f)
{
    f->n = f->nw = 0;
    if (strcmp(s, "-") == 0) {
        return 0;
    }
    for (; s[0] != '\0'; s += 2) {
        unsigned v;
        if (s[1] == '\0' || sscanf(s, "%2x", &v) != 1) {
            return -1;
        }
        f->b[f->n++] = (unsigned char)v;
    }
    return 0;
}

static int
parse_errname(const char *s)
{
#define TEST_ERRNAME(suffix, num, name, msg)                                   \
    if (strcmp(s, name) == 0) {                                                \
        return num;                                                            \
    }
    MAILSLOT_ERROR_MAP(TEST_ERRNAME)
#undef TEST_ERRNAME
    return 1;
}

static int
parse_flags(const char *s)
{
    int flags = 0;

    if (strcmp(s, "-") == 0) {
        return 0;
    }
    while (*s != '\0') {
        size_t n = strcspn(s, ",");
        if (n == 6 && strncmp(s, "strict", 6) == 0) {
            flags |= MAILSLOT_TEXT_STRICT;
        } else if (n == 3 && strncmp(s, "nul", 3) == 0) {
            flags |= MAILSLOT_TEXT_NUL;
        } else {
            return -1;
        }
        s += n + (s[n] == ',');
    }
    return flags;
}

/* Split LINE into exactly N tab-separated fields. */
static int
split_tabs(char *line, char **f, int n)
{
    for (int i = 0; i < n; i++) {
        f[i] = line;
        line = strchr(line, '\t');
        if ((line == NULL) != (i == n - 1)) {
            return -1;
        }
        if (line != NULL) {
            *line++ = '\0';
        }
    }
    return 0;
}

static int
parse_row(char *line, struct row *r)
{
    char *f[6];
    int decode;

    r->op = "row";
    if (split_tabs(line, f, 6) != 0) {
        return -1;
    }
    decode = strcmp(f[0], "decode") == 0;
    r->op = decode ? "decode" : "encode";
    r->encoding = mailslot_encoding_from_name(f[1]);
    r->flags = parse_flags(f[2]);
    r->expect_rc = f[4][0] == '!' ? parse_errname(f[4] + 1) : 0;
    if ((!decode && strcmp(f[0], "encode") != 0) || r->encoding < 0 ||
        r->flags < 0 || r->expect_rc > 0) {
        return -1;
    }
    if ((decode ? parse_hex(f[3], &r->in) : parse_text(f[3], &r->in)) != 0) {
        return -1;
    }
    if (r->expect_rc != 0) {
        return 0;
    }
    return decode ? parse_text(f[4], &r->out) : parse_hex(f[4], &r->out);
}

/* ---------------------------------------------------------------------- */
/* Running rows                                                           */
/* ---------------------------------------------------------------------- */

/* The bytes of a call's output, whatever its unit. */
typedef int (*convert_fn)(const struct row *r, void *out, size_t cap,
                          size_t *outlen);

static int
run_decode(const struct row *r, void *out, size_t cap, size_t *outlen)
{
    return mailslot_decode(r->in.b, r->in.n, r->encoding, r->flags, out, cap,
                           outlen);
}

static int
run_decode_w(const struct row *r, void *out, size_t cap, size_t *outlen)
{
    return mailslot_decode_w(r->in.b, r->in.n, r->encoding, r->flags, out, cap,
                             outlen);
}

static int
run_encode(const struct row *r, void *out, size_t cap, size_t *outlen)
{
    return mailslot_encode((const char *)r->in.b, r->in.n, r->encoding,
                           r->flags, out, cap, outlen);
}

static int
run_encode_w(const struct row *r, void *out, size_t cap, size_t *outlen)
{
    return mailslot_encode_w(r->in.w, r->in.nw, r->encoding, r->flags, out, cap,
                             outlen);
}

/*
 * Check one entry point on row R: measure with NULL, then convert into
 * buffers of exactly the expected size, one unit more (decoders add a
 * NUL), and one unit less (MAILSLOT_EBUFFER).  UNIT is the size of an
 * output element; WANT/NWANT the expected elements.
 */
static void
check_entry(const struct row *r, convert_fn fn, size_t unit, const void *want,
            size_t nwant, int terminates, const char *what)
{
    size_t len = 12345;
    int rc = fn(r, NULL, 0, &len);

    if (r->expect_rc != 0) {
        report(rc == r->expect_rc, r, what);
        return;
    }
    report(rc == (nwant == 0 ? 0 : MAILSLOT_EBUFFER) && len == nwant, r, what);
    for (size_t extra = 0; extra <= 1; extra++) {
        size_t cap = nwant + extra;
        unsigned char *buf = malloc(cap * unit + 1);
        memset(buf, 0x55, cap * unit);
        rc = fn(r, cap != 0 ? buf : NULL, cap, &len);
        report(rc == 0 && len == nwant && memcmp(buf, want, nwant * unit) == 0,
               r, what);
        if (extra && terminates) {
            static const unsigned char zero[2];
            report(memcmp(buf + nwant * unit, zero, unit) == 0, r, what);
        }
        free(buf);
    }
    if (nwant > 0) {
        unsigned char *buf = malloc((nwant - 1) * unit + 1);
        rc = fn(r, buf, nwant - 1, &len);
        report(rc == MAILSLOT_EBUFFER && len == nwant, r, what);
        free(buf);
    }
}

/* decode_w's units, converted back to UTF-8, equal the expected text. */
static void
check_decode_w_as_utf8(const struct row *r)
{
    uint16_t units[MAX_LINE];
    char utf8[MAX_LINE * 2];
    size_t nw = 0;
    size_t n = 0;

    if (r->expect_rc != 0) {
        return;
    }
    int rc = mailslot_decode_w(r->in.b, r->in.n, r->encoding, r->flags, units,
                               MAX_LINE, &nw);
    report(rc == 0, r, "decode_w");
    rc = mailslot__utf16_to_utf8(units, nw, utf8, sizeof utf8, &n);
    report(rc == 0 && n == r->out.n && memcmp(utf8, r->out.b, n) == 0, r,
           "decode_w as UTF-8");
}

static void
run_row(const struct row *r)
{
    if (strcmp(r->op, "decode") == 0) {
        check_entry(r, run_decode, 1, r->out.b, r->out.n, 1, "utf-8 out");
        check_entry(r, run_decode_w, 2, r->out.w, r->out.nw, 1, "_w out");
        check_decode_w_as_utf8(r);
    } else {
        check_entry(r, run_encode, 1, r->out.b, r->out.n, 0, "utf-8 in");
        check_entry(r, run_encode_w, 1, r->out.b, r->out.n, 0, "_w in");
    }
}

static void
run_table(const char *path)
{
    static struct row r;
    char line[MAX_LINE];
    int rows = 0;
    FILE *f = fopen(path, "r");

    CHECK(f != NULL);
    if (f == NULL) {
        return;
    }
    r.path = path;
    for (r.line = 1; fgets(line, sizeof line, f) != NULL; r.line++) {
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#') {
            continue;
        }
        int ok = parse_row(line, &r) == 0;
        report(ok, &r, "cannot be parsed");
        if (ok) {
            run_row(&r);
            rows++;
        }
    }
    fclose(f);
    CHECK(rows >= 40);
    printf("%d table rows\n", rows);
}

/* ---------------------------------------------------------------------- */
/* Edge cases                                                             */
/* ---------------------------------------------------------------------- */

/* Where strict decoding and encoding fail, in input offsets. */
static void
test_error_spans(void)
{
    size_t start = 99, end = 99;
    int used = -1;

    CHECK_EQ(mailslot_decode_error("ab", 2, MAILSLOT_ENC_UTF8, &start, &end,
                                   &used), 0);
    CHECK_EQ(used, MAILSLOT_ENC_UTF8);
    CHECK_EQ(mailslot_decode_error("ab\xE2\x82z", 5, MAILSLOT_ENC_UTF8,
                                   &start, &end, NULL), MAILSLOT_EENCODING);
    CHECK(start == 2 && end == 4);
    /* After a BOM the offsets still count from the start of the data. */
    CHECK_EQ(mailslot_decode_error("\xEF\xBB\xBF" "a\xFF", 5, MAILSLOT_ENC_AUTO,
                                   &start, &end, &used), MAILSLOT_EENCODING);
    CHECK(used == MAILSLOT_ENC_UTF8 && start == 4 && end == 5);
    /* A lone surrogate in UTF-16LE, and a final odd byte. */
    CHECK_EQ(mailslot_decode_error("a\0\x00\xD8" "b\0", 6,
                                   MAILSLOT_ENC_UTF16LE, &start, &end, NULL),
             MAILSLOT_EENCODING);
    CHECK(start == 2 && end == 4);
    CHECK_EQ(mailslot_decode_error("a\0b", 3, MAILSLOT_ENC_UTF16LE, &start,
                                   &end, NULL), MAILSLOT_EENCODING);
    CHECK(start == 2 && end == 3);
    /* Encoding: a character with no windows-1252 form. */
    CHECK_EQ(mailslot_encode_error("ab\xCE\xA9" "c", 5, MAILSLOT_ENC_CP1252,
                                   &start, &end), MAILSLOT_EENCODING);
    CHECK(start == 2 && end == 4);
    CHECK_EQ(mailslot_encode_error("ab\xCE\xA9" "c", 5, MAILSLOT_ENC_UTF16LE,
                                   &start, &end), 0);
    CHECK_EQ(mailslot_encode_error("a\xC3", 2, MAILSLOT_ENC_UTF8, &start,
                                   &end), MAILSLOT_EENCODING);
    CHECK(start == 1 && end == 2);
    CHECK_EQ(mailslot_encode_error("a", 1, MAILSLOT_ENC_AUTO, &start, &end),
             MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_decode_error("a", 1, 0, NULL, &end, NULL),
             MAILSLOT_EINVAL);
}

/* The detection report agrees with the pick and says why. */
static void
test_detection_report(void)
{
    mailslot_detection d;
    const char greek[] = "\x95\x03\xbb\x03\xbb\x03\xb7\x03\xbd\x03";

    memset(&d, 0, sizeof d);
    d.size = sizeof d;
    CHECK_EQ(mailslot_detection_size(), sizeof d);
    CHECK_EQ(mailslot_detect_encoding_ex(greek, 10, &d), MAILSLOT_ENC_UTF16LE);
    CHECK_EQ(d.encoding, MAILSLOT_ENC_UTF16LE);
    CHECK(d.cost[MAILSLOT_ENC_UTF16LE] >= 0);
    CHECK(d.cost[MAILSLOT_ENC_UTF16LE] < d.cost[MAILSLOT_ENC_UTF8]);
    CHECK(d.cost[MAILSLOT_ENC_UTF16LE] < d.cost[MAILSLOT_ENC_ANSI]);
    CHECK_STR(d.reason, "the lowest cost");
    CHECK_EQ(mailslot_detect_encoding(greek, 10), MAILSLOT_ENC_UTF16LE);
    CHECK_EQ(mailslot_detect_encoding_ex("\xFF\xFE" "a\0", 4, &d),
             MAILSLOT_ENC_UTF16LE);
    CHECK_STR(d.reason, "byte order mark FF FE");
    CHECK_EQ(d.cost[MAILSLOT_ENC_UTF8], -1);
    CHECK_EQ(mailslot_detect_encoding_ex("abc", 3, &d), MAILSLOT_ENC_UTF8);
    CHECK_EQ(d.cost[MAILSLOT_ENC_UTF16LE], -1);
    d.size = 4;
    CHECK_EQ(mailslot_detect_encoding_ex("abc", 3, &d), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_detect_encoding_ex("abc", 3, NULL), MAILSLOT_EINVAL);
}

static void
test_bad_arguments(void)
{
    char out[16];
    uint16_t wout[16];
    size_t len = 99;

    for (int enc = -2; enc <= 5; enc++) {
        int ok = enc >= MAILSLOT_ENC_AUTO && enc <= MAILSLOT_ENC_CP1252;
        CHECK_EQ(mailslot_decode("a", 1, enc, 0, out, 16, &len),
                 ok ? 0 : MAILSLOT_EINVAL);
        CHECK_EQ(mailslot_decode_w("a", 1, enc, 0, wout, 16, &len),
                 ok ? 0 : MAILSLOT_EINVAL);
        ok = ok && enc != MAILSLOT_ENC_AUTO;
        CHECK_EQ(mailslot_encode("a", 1, enc, 0, out, 16, &len),
                 ok ? 0 : MAILSLOT_EINVAL);
        CHECK_EQ(mailslot_encode_w(wout, 0, enc, 0, out, 16, &len),
                 ok ? 0 : MAILSLOT_EINVAL);
    }
    CHECK_EQ(mailslot_decode("a", 1, 0, 4, out, 16, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_encode("a", 1, 1, 8, out, 16, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_decode(NULL, 1, 0, 0, out, 16, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_encode(NULL, 1, 1, 0, out, 16, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_encode_w(NULL, 1, 1, 0, out, 16, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_decode("a", 1, 0, 0, NULL, 16, &len), MAILSLOT_EINVAL);
    CHECK_EQ(len, 0);
    /* NULL input of length 0 is the empty text; NULL outlen is allowed. */
    CHECK_EQ(mailslot_decode(NULL, 0, 0, 0, out, 16, &len), 0);
    CHECK_EQ(len, 0);
    CHECK_EQ(out[0], 0);
    CHECK_EQ(mailslot_encode(NULL, 0, 2, MAILSLOT_TEXT_NUL, out, 16, NULL), 0);
    CHECK_EQ(mailslot_detect_encoding(NULL, 1), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_detect_encoding(NULL, 0), MAILSLOT_ENC_UTF8);
}

static void
test_buffer_sizes(void)
{
    char out[8];
    size_t len = 0;

    /* "é€" needs 5 bytes; a 4-byte buffer must not receive half a char. */
    memset(out, 'x', sizeof out);
    CHECK_EQ(mailslot_decode("\xE9\x80", 2, MAILSLOT_ENC_ANSI, 0, out, 4, &len),
             MAILSLOT_EBUFFER);
    CHECK_EQ(len, 5);
    CHECK(memcmp(out, "\xC3\xA9xx", 4) == 0);
    CHECK_EQ(mailslot_decode("\xE9\x80", 2, 3, 0, out, 5, &len), 0);
    CHECK(memcmp(out, "\xC3\xA9\xE2\x82\xAC", 5) == 0);
    /* An error is reported even when only measuring. */
    CHECK_EQ(mailslot_encode("\xFF", 1, 1, 0, NULL, 0, &len),
             MAILSLOT_EENCODING);
    CHECK_EQ(mailslot_encode("\xC3\xA9\xFF", 3, 3, 0, out, 1, &len),
             MAILSLOT_EENCODING);
    CHECK_EQ(mailslot_encode("\xC3", 1, 2, 0, out, 8, &len),
             MAILSLOT_EENCODING);
}

static void
test_large(void)
{
    size_t n = 1u << 20;
    unsigned char *in = malloc(n);
    size_t len = 0;

    memset(in, 0xE9, n);
    /* ANSI é is 2 bytes of UTF-8, 1 UTF-16 unit. */
    CHECK_EQ(mailslot_decode(in, n, 0, 0, NULL, 0, &len), MAILSLOT_EBUFFER);
    CHECK_EQ(len, 2 * n);
    CHECK_EQ(mailslot_decode_w(in, n, 3, 0, NULL, 0, &len), MAILSLOT_EBUFFER);
    CHECK_EQ(len, n);
    free(in);
}

static void
test_encoding_names(void)
{
    static const struct {
        const char *name;
        int enc;
    } t[] = {
        {"auto", 0},
        {"AUTO", 0},
        {"utf-8", 1},
        {"UTF8", 1},
        {"utf-16le", 2},
        {"UTF-16", 2},
        {"utf16", 2},
        {"ansi", 3},
        {"mbcs", 3},
        /* "ansi" is the active code page on Windows; cp1252 is itself. */
        {"cp1252", MAILSLOT_ENC_CP1252},
        {"Windows-1252", MAILSLOT_ENC_CP1252},
        {"windows_1252", MAILSLOT_ENC_CP1252},
        /* Python's spellings. */
        {"utf_8", 1},
        {"U8", 1},
        {"utf", 1},
        {"utf-16-le", 2},
        {"utf_16_le", 2},
        {"UTF16LE", 2},
        {"", MAILSLOT_EINVAL},
        {"-", MAILSLOT_EINVAL},
        {"latin1", MAILSLOT_EINVAL},
        {"utf-8 ", MAILSLOT_EINVAL},
        {"utf-16be", MAILSLOT_EINVAL},
        {"utf-32", MAILSLOT_EINVAL},
        {"a-very-long-name-that-is-no-encoding", MAILSLOT_EINVAL},
    };

    for (size_t i = 0; i < sizeof t / sizeof t[0]; i++) {
        CHECK_EQ(mailslot_encoding_from_name(t[i].name), t[i].enc);
    }
    CHECK_EQ(mailslot_encoding_from_name(NULL), MAILSLOT_EINVAL);
    /* The canonical names, which every binding shows, read back. */
    for (int enc = MAILSLOT_ENC_AUTO; enc <= MAILSLOT_ENC_CP1252; enc++) {
        CHECK_EQ(mailslot_encoding_from_name(mailslot_encoding_name(enc)),
                 enc);
    }
    CHECK_STR(mailslot_encoding_name(MAILSLOT_ENC_UTF16LE), "utf-16le");
    CHECK_STR(mailslot_encoding_name(9), "unknown");
    CHECK_STR(mailslot_encoding_name(-1), "unknown");
}

static void
test_detect(void)
{
    CHECK_EQ(mailslot_detect_encoding("", 0), MAILSLOT_ENC_UTF8);
    CHECK_EQ(mailslot_detect_encoding("A", 1), MAILSLOT_ENC_UTF8);
    CHECK_EQ(mailslot_detect_encoding("hi", 2), MAILSLOT_ENC_UTF8);
    CHECK_EQ(mailslot_detect_encoding("h\0i\0", 4), MAILSLOT_ENC_UTF16LE);
    CHECK_EQ(mailslot_detect_encoding("\xFF\xFE", 2), MAILSLOT_ENC_UTF16LE);
    CHECK_EQ(mailslot_detect_encoding("ABC\0", 4), MAILSLOT_ENC_UTF8);
    CHECK_EQ(mailslot_detect_encoding("\xC3\xA9", 2), MAILSLOT_ENC_UTF8);
    CHECK_EQ(mailslot_detect_encoding("\xE9", 1), MAILSLOT_ENC_ANSI);
    CHECK_EQ(mailslot_detect_encoding("caf\xE9!\0", 6), MAILSLOT_ENC_ANSI);
}

/* The UTF-8 primitives against field_put(), over all of Unicode. */
static void
test_utf8_primitives(void)
{
    int bad = 0;

    for (uint32_t cp = 0; cp <= 0x10FFFF; cp++) {
        unsigned char ref[4];
        char enc[4];
        uint32_t back = 0;
        size_t nref = ref_utf8(cp, ref);
        size_t n = mailslot__utf8_encode1(cp, enc);
        size_t d = mailslot__utf8_decode1(ref, nref, &back);
        int surrogate = cp >= 0xD800 && cp <= 0xDFFF;
        bad += n != nref || memcmp(enc, ref, n) != 0;
        bad += surrogate ? d != 0 : (d != nref || back != cp);
        /* Every proper prefix of a sequence is truncated, so invalid. */
        for (size_t k = 1; k < nref; k++) {
            bad += mailslot__utf8_decode1(ref, k, &back) != 0;
        }
    }
    CHECK_EQ(bad, 0);
}

/* Every 2-byte string: valid exactly when it is ASCII or a 2-byte form. */
static void
test_utf8_pairs(void)
{
    int bad = 0;

    for (unsigned a = 0; a < 256; a++) {
        for (unsigned b = 0; b < 256; b++) {
            unsigned char s[2] = {(unsigned char)a, (unsigned char)b};
            uint32_t cp = 0;
            size_t n = mailslot__utf8_decode1(s, 2, &cp);
            size_t want = a < 0x80                                         ? 1
                          : (a >= 0xC2 && a <= 0xDF && (b & 0xC0) == 0x80) ? 2
                                                                           : 0;
            bad += n != want;
        }
    }
    CHECK_EQ(bad, 0);
}

static void
test_utf16_helpers(void)
{
    static const uint16_t hi[] = {'h', 0xE9, 0xD83D, 0xDE00, 0};
    static const uint16_t lone[] = {'a', 0xDC00, 0};
    char out[16];
    size_t n = 0;

    CHECK_EQ(mailslot__wcslen(hi), 4);
    CHECK_EQ(mailslot__wcslen(lone + 2), 0);
    CHECK_EQ(mailslot__utf16_to_utf8(hi, 4, out, sizeof out, &n), 0);
    CHECK(n == 7 && memcmp(out, "h\xC3\xA9\xF0\x9F\x98\x80", 8) == 0);
    CHECK_EQ(mailslot__utf16_to_utf8(hi, 4, out, 6, &n), MAILSLOT_EBUFFER);
    CHECK_EQ(n, 7);
    CHECK_EQ(mailslot__utf16_to_utf8(lone, 2, out, sizeof out, &n),
             MAILSLOT_EENCODING);
    CHECK_EQ(mailslot__utf16_to_utf8(hi, 3, out, sizeof out, &n),
             MAILSLOT_EENCODING);
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s tests/text_table.tsv\n", argv[0]);
        return 2;
    }
    run_table(argv[1]);
    test_bad_arguments();
    test_error_spans();
    test_detection_report();
    test_buffer_sizes();
    test_large();
    test_encoding_names();
    test_detect();
    test_utf8_primitives();
    test_utf8_pairs();
    test_utf16_helpers();
    return testlib_finish();
}
