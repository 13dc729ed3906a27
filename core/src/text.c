/*
 * text.c -- UTF-8 / UTF-16LE / ANSI / windows-1252 conversion for message
 * text.
 *
 * Every conversion is "a source feeds code points into a sink": the source
 * walks the input in its encoding (replacing or refusing invalid parts),
 * the sink writes the code point in the output encoding, counting what it
 * could not store so the caller learns the size it needs.
 *
 * Decoding rules (ARCHITECTURE.md section 3), shared by every binding
 * through tests/text_table.tsv:
 *
 *  - AUTO is resolved by detect.c: a BOM decides, otherwise the reading
 *    (UTF-8, UTF-16LE of even length, ANSI) most plausible as text wins.
 *    Each candidate is decoded here, into a scoring sink (FORM_SCORE),
 *    with the same sources and the same cuts as real decoding, so what is
 *    scored is exactly what would be returned.
 *  - Trailing NUL terminators are dropped, all of them, so zero-padded
 *    fixed buffers decode cleanly: every trailing 0 byte for UTF-8 and
 *    ANSI; every trailing 00 00 unit for UTF-16LE of even length (an odd
 *    length ends in a broken unit, so nothing there is "trailing").  A NUL
 *    inside the text stays, as U+0000.
 *  - A leading BOM is dropped: EF BB BF for UTF-8, FF FE for UTF-16LE.
 *  - Invalid input becomes U+FFFD, one per maximal ill-formed UTF-8
 *    subpart (the Unicode "best practice", as Python does), one
 *    per lone surrogate, one for a final odd byte of UTF-16.  With
 *    MAILSLOT_TEXT_STRICT it fails with MAILSLOT_EENCODING instead.
 *
 * Encoding always validates its input strictly and never writes a BOM.
 */
#include <string.h>

#include "mailslot.h"
#include "text.h"

#define REPLACEMENT 0xFFFD
#define KNOWN_FLAGS (MAILSLOT_TEXT_NUL | MAILSLOT_TEXT_STRICT)

/* ---------------------------------------------------------------------- */
/* UTF-16 primitives (UTF-8 ones are in utf.c)                            */
/* ---------------------------------------------------------------------- */

/*
 * Decode unit A, followed by unit B when HAS_B.  Returns the units used
 * (1 or 2) and *CP, or 0 when A is a lone surrogate.
 */
static size_t
utf16_decode1(uint32_t a, int has_b, uint32_t b, uint32_t *cp)
{
    if (a < 0xD800 || a > 0xDFFF) {
        *cp = a;
        return 1;
    }
    if (a <= 0xDBFF && has_b && b >= 0xDC00 && b <= 0xDFFF) {
        *cp = 0x10000 + ((a - 0xD800) << 10) + (b - 0xDC00);
        return 2;
    }
    return 0;
}

/* Encode CP as UTF-16 units; returns 1 or 2. */
static size_t
utf16_encode1(uint32_t cp, uint16_t out[2])
{
    if (cp < 0x10000) {
        out[0] = (uint16_t)cp;
        return 1;
    }
    cp -= 0x10000;
    out[0] = (uint16_t)(0xD800 + (cp >> 10));
    out[1] = (uint16_t)(0xDC00 + (cp & 0x3FF));
    return 2;
}

/* ---------------------------------------------------------------------- */
/* Sinks: where code points go                                            */
/* ---------------------------------------------------------------------- */

enum form {
    FORM_UTF8,    /* bytes */
    FORM_UTF16LE, /* bytes, two per unit */
    FORM_ANSI,    /* bytes */
    FORM_CP1252,  /* bytes */
    FORM_UNITS,   /* uint16_t units */
    FORM_SCORE    /* nothing stored: code points go to a scorer (OUT) */
};

/* What a scoring sink returns to stop a reading that cannot win. */
#define STOP_SCORING 1

struct sink {
    enum form form;
    void *out;
    size_t cap; /* in bytes, or in units for FORM_UNITS */
    size_t len; /* produced or needed so far, same unit as cap */
    int full;   /* once a character did not fit, nothing more is stored */
    size_t bad_start, bad_end; /* input offsets of an encoding failure */
};

static void
sink_init(struct sink *k, enum form form, void *out, size_t cap)
{
    k->form = form;
    k->out = out;
    k->cap = out != NULL ? cap : 0;
    k->len = 0;
    k->full = 0;
    k->bad_start = k->bad_end = 0;
}

/* Return RC; when it is an encoding failure, note where in the input. */
static int
fail_at(struct sink *k, int rc, size_t start, size_t end)
{
    if (rc == MAILSLOT_EENCODING) {
        k->bad_start = start;
        k->bad_end = end;
    }
    return rc;
}

/* Encode CP as bytes of a byte form; 0 when the form has no CP. */
static size_t
bytes_encode1(enum form form, uint32_t cp, unsigned char b[4])
{
    uint16_t w[2];
    size_t n;

    if (form == FORM_UTF8) {
        return mailslot__utf8_encode1(cp, (char *)b);
    } else if (form == FORM_ANSI) {
        return mailslot__ansi_encode1(cp, b);
    } else if (form == FORM_CP1252) {
        return mailslot__cp1252_encode1(cp, b);
    }
    n = utf16_encode1(cp, w);
    for (size_t i = 0; i < n; i++) {
        b[2 * i] = (unsigned char)(w[i] & 0xFF);
        b[2 * i + 1] = (unsigned char)(w[i] >> 8);
    }
    return 2 * n;
}

/* The byte forms share one 4-byte buffer, ANSI included. */
_Static_assert(MAILSLOT__ANSI_MAX == 4, "ANSI sequences must fit in 4 bytes");

static int
sink_put(struct sink *k, uint32_t cp)
{
    unsigned char b[4];
    uint16_t w[2];
    size_t n;

    if (k->form == FORM_SCORE) {
        return mailslot__scorer_add(k->out, cp) ? STOP_SCORING : 0;
    }
    if (k->form == FORM_UNITS) {
        n = utf16_encode1(cp, w);
    } else if ((n = bytes_encode1(k->form, cp, b)) == 0) {
        return MAILSLOT_EENCODING;
    }
    if (n > SIZE_MAX - k->len) {
        return MAILSLOT_ENOMEM;
    }
    /* While not full, len <= cap, so cap - len cannot wrap. */
    if (!k->full && n <= k->cap - k->len) {
        if (k->form == FORM_UNITS) {
            memcpy((uint16_t *)k->out + k->len, w, n * sizeof w[0]);
        } else {
            memcpy((unsigned char *)k->out + k->len, b, n);
        }
    } else {
        k->full = 1;
    }
    k->len += n;
    return 0;
}

/*
 * A run of N ASCII code points (bytes below 0x80): a scorer takes them in
 * one call, the other forms one by one.
 */
static int
sink_put_ascii(struct sink *k, const unsigned char *p, size_t n)
{
    if (k->form == FORM_SCORE) {
        return mailslot__scorer_add_ascii(k->out, p, n) ? STOP_SCORING : 0;
    }
    for (size_t i = 0; i < n; i++) {
        int rc = sink_put(k, p[i]);
        if (rc != 0) {
            return rc;
        }
    }
    return 0;
}

/* Bytes below 0x80 from S on (at most LEN). */
static size_t
ascii_run(const unsigned char *s, size_t len)
{
    size_t n = 0;

    while (n < len && s[n] < 0x80) {
        n++;
    }
    return n;
}

/*
 * Report the result: *OUTLEN gets the length written or needed, and
 * MAILSLOT_EBUFFER when it did not fit.  With TERMINATE, a NUL (not
 * counted) follows the text when there is room for it.
 */
static int
sink_finish(struct sink *k, int rc, int terminate, size_t *outlen)
{
    if (rc != 0) {
        return rc;
    }
    if (outlen != NULL) {
        *outlen = k->len;
    }
    if (k->full) {
        return MAILSLOT_EBUFFER;
    }
    if (terminate && k->len < k->cap) {
        if (k->form == FORM_UNITS) {
            ((uint16_t *)k->out)[k->len] = 0;
        } else {
            ((unsigned char *)k->out)[k->len] = 0;
        }
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Sources: where code points come from                                   */
/* ---------------------------------------------------------------------- */

static int
feed_utf8(const unsigned char *s, size_t len, int strict, struct sink *k)
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n = ascii_run(s + i, len - i);
        int rc;
        if (n > 0) {
            if ((rc = sink_put_ascii(k, s + i, n)) != 0) {
                return rc;
            }
            i += n;
            continue;
        }
        n = mailslot__utf8_decode1(s + i, len - i, &cp);
        if (n == 0) {
            n = mailslot__utf8_invalid_len(s + i, len - i);
            if (strict) {
                return fail_at(k, MAILSLOT_EENCODING, i, i + n);
            }
            cp = REPLACEMENT;
        }
        rc = sink_put(k, cp);
        if (rc != 0) {
            return fail_at(k, rc, i, i + n);
        }
        i += n;
    }
    return 0;
}

/* UTF-16LE bytes; a final odd byte is a broken unit. */
static int
feed_utf16le(const unsigned char *s, size_t len, int strict, struct sink *k)
{
    size_t units = len / 2;
    size_t i = 0;
    int rc = 0;

    while (i < units && rc == 0) {
        uint32_t a = s[2 * i] | (uint32_t)s[2 * i + 1] << 8;
        uint32_t b = 0;
        uint32_t cp = REPLACEMENT;
        if (i + 1 < units) {
            b = s[2 * i + 2] | (uint32_t)s[2 * i + 3] << 8;
        }
        size_t n = utf16_decode1(a, i + 1 < units, b, &cp);
        if (n == 0 && strict) {
            return fail_at(k, MAILSLOT_EENCODING, 2 * i, 2 * i + 2);
        }
        rc = sink_put(k, cp);
        i += n != 0 ? n : 1;
    }
    if (rc == 0 && len % 2 != 0) {
        rc = strict ? fail_at(k, MAILSLOT_EENCODING, len - 1, len)
                    : sink_put(k, REPLACEMENT);
    }
    return rc;
}

/* UTF-16 units, always strict (the input of encode_w). */
static int
feed_units(const uint16_t *s, size_t n, struct sink *k)
{
    size_t i = 0;

    while (i < n) {
        uint32_t cp;
        size_t used =
            utf16_decode1(s[i], i + 1 < n, i + 1 < n ? s[i + 1] : 0, &cp);
        if (used == 0) {
            return MAILSLOT_EENCODING;
        }
        int rc = sink_put(k, cp);
        if (rc != 0) {
            return rc;
        }
        i += used;
    }
    return 0;
}

/* A code page's bytes, decoded by DECODE1 (ANSI or windows-1252). */
static int
feed_codepage(const unsigned char *s, size_t len, int strict, struct sink *k,
              size_t (*decode1)(const unsigned char *, size_t, uint32_t *))
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        /* Below 0x80 at a character boundary is ASCII in every ANSI code
         * page, double-byte ones included (their lead bytes are higher). */
        size_t n = ascii_run(s + i, len - i);
        if (n > 0) {
            int rc = sink_put_ascii(k, s + i, n);
            if (rc != 0) {
                return rc;
            }
            i += n;
            continue;
        }
        n = decode1(s + i, len - i, &cp);
        if (n == 0) {
            if (strict) {
                return fail_at(k, MAILSLOT_EENCODING, i, i + 1);
            }
            n = 1;
            cp = REPLACEMENT;
        }
        int rc = sink_put(k, cp);
        if (rc != 0) {
            return fail_at(k, rc, i, i + n);
        }
        i += n;
    }
    return 0;
}

/* ---------------------------------------------------------------------- */
/* Readings, detection and decoding                                       */
/* ---------------------------------------------------------------------- */

/*
 * One way to read the data: its encoding, the bytes left once the
 * terminators and the BOM are cut off, and how many terminators there
 * were.  Trailing NULs go: every trailing 0 byte for UTF-8 and ANSI, every
 * trailing 00 00 unit for UTF-16LE of even length (an odd length ends in a
 * broken unit, so nothing there is "trailing").
 */
struct reading {
    int encoding;
    const unsigned char *s;
    size_t len;
    size_t nuls;
};

int
mailslot__has_prefix(const unsigned char *s, size_t len, const char *p,
                     size_t plen)
{
    return len >= plen && memcmp(s, p, plen) == 0;
}

static void
reading_init(struct reading *r, int encoding, const unsigned char *s,
             size_t len)
{
    r->encoding = encoding;
    r->nuls = 0;
    if (encoding == MAILSLOT_ENC_UTF16LE) {
        while (len % 2 == 0 && len >= 2 && s[len - 1] == 0 && s[len - 2] == 0) {
            len -= 2;
            r->nuls++;
        }
        if (mailslot__has_prefix(s, len, "\xFF\xFE", 2)) {
            s += 2;
            len -= 2;
        }
    } else {
        while (len > 0 && s[len - 1] == 0) {
            len--;
            r->nuls++;
        }
        if (encoding == MAILSLOT_ENC_UTF8 &&
            mailslot__has_prefix(s, len, "\xEF\xBB\xBF", 3)) {
            s += 3;
            len -= 3;
        }
    }
    r->s = s;
    r->len = len;
}

static int
reading_feed(const struct reading *r, int strict, struct sink *k)
{
    switch (r->encoding) {
    case MAILSLOT_ENC_UTF16LE:
        return feed_utf16le(r->s, r->len, strict, k);
    case MAILSLOT_ENC_ANSI:
        return feed_codepage(r->s, r->len, strict, k, mailslot__ansi_decode1);
    case MAILSLOT_ENC_CP1252:
        return feed_codepage(r->s, r->len, strict, k,
                             mailslot__cp1252_decode1);
    default:
        return feed_utf8(r->s, r->len, strict, k);
    }
}

/*
 * The cost of reading S as ENCODING (see detect.c), starting from BASE;
 * stops above LIMIT.
 */
uint64_t
mailslot__reading_cost(int encoding, const unsigned char *s, size_t len,
                       uint64_t base, uint64_t limit)
{
    struct mailslot__scorer scorer;
    struct reading r;
    struct sink k;

    reading_init(&r, encoding, s, len);
    mailslot__scorer_init(&scorer, limit);
    scorer.cost = base;
    sink_init(&k, FORM_SCORE, &scorer, 0);
    (void)reading_feed(&r, 0, &k);
    if (scorer.cost <= limit) {
        mailslot__scorer_terminators(&scorer, r.nuls);
    }
    return scorer.cost;
}

static enum form form_of(int encoding);

/* Decode S in ENCODING (AUTO resolved here) into the sink. */
static int
decode_into(const unsigned char *s, size_t len, int encoding, int strict,
            struct sink *k)
{
    struct reading r;

    if (encoding == MAILSLOT_ENC_AUTO) {
        encoding = mailslot__detect(s, len, 0, NULL);
    }
    reading_init(&r, encoding, s, len);
    return reading_feed(&r, strict, k);
}

/* Checks shared by all four public converters. */
static int
check_args(const void *in, size_t len, int encoding, int allow_auto, int flags,
           const void *out, size_t cap, size_t *outlen)
{
    if (outlen != NULL) {
        *outlen = 0;
    }
    if ((in == NULL && len != 0) || (out == NULL && cap != 0)) {
        return MAILSLOT_EINVAL;
    }
    if ((flags & ~KNOWN_FLAGS) != 0) {
        return MAILSLOT_EINVAL;
    }
    if (encoding < (allow_auto ? MAILSLOT_ENC_AUTO : MAILSLOT_ENC_UTF8) ||
        encoding > MAILSLOT_ENC_CP1252) {
        return MAILSLOT_EINVAL;
    }
    return 0;
}

int MAILSLOT_CALL
mailslot_decode(const void *data, size_t len, int encoding, int flags,
                char *out, size_t cap, size_t *outlen)
{
    struct sink k;
    int rc = check_args(data, len, encoding, 1, flags, out, cap, outlen);

    if (rc != 0) {
        return rc;
    }
    sink_init(&k, FORM_UTF8, out, cap);
    rc = decode_into(data, len, encoding, flags & MAILSLOT_TEXT_STRICT, &k);
    return sink_finish(&k, rc, 1, outlen);
}

int MAILSLOT_CALL
mailslot_decode_w(const void *data, size_t len, int encoding, int flags,
                  uint16_t *out, size_t cap, size_t *outlen)
{
    struct sink k;
    int rc = check_args(data, len, encoding, 1, flags, out, cap, outlen);

    if (rc != 0) {
        return rc;
    }
    sink_init(&k, FORM_UNITS, out, cap);
    rc = decode_into(data, len, encoding, flags & MAILSLOT_TEXT_STRICT, &k);
    return sink_finish(&k, rc, 1, outlen);
}

int MAILSLOT_CALL
mailslot_decode_error(const void *data, size_t len, int encoding,
                      size_t *start, size_t *end, int *used)
{
    struct reading r;
    struct sink k;
    int rc = check_args(data, len, encoding, 1, 0, NULL, 0, NULL);

    if (rc != 0 || start == NULL || end == NULL) {
        return rc != 0 ? rc : MAILSLOT_EINVAL;
    }
    if (encoding == MAILSLOT_ENC_AUTO) {
        encoding = mailslot__detect(data, len, 0, NULL);
    }
    if (used != NULL) {
        *used = encoding;
    }
    reading_init(&r, encoding, data, len);
    sink_init(&k, FORM_UTF8, NULL, 0);
    rc = reading_feed(&r, 1, &k);
    /* The reading may start after a BOM. */
    *start = (size_t)(r.s - (const unsigned char *)data) + k.bad_start;
    *end = (size_t)(r.s - (const unsigned char *)data) + k.bad_end;
    return rc;
}

int MAILSLOT_CALL
mailslot_encode_error(const char *text, size_t len, int encoding,
                      size_t *start, size_t *end)
{
    struct sink k;
    int rc = check_args(text, len, encoding, 0, 0, NULL, 0, NULL);

    if (rc != 0 || start == NULL || end == NULL) {
        return rc != 0 ? rc : MAILSLOT_EINVAL;
    }
    sink_init(&k, form_of(encoding), NULL, 0);
    rc = feed_utf8((const unsigned char *)text, len, 1, &k);
    *start = k.bad_start;
    *end = k.bad_end;
    return rc;
}

/* ---------------------------------------------------------------------- */
/* Encoding                                                               */
/* ---------------------------------------------------------------------- */

static enum form
form_of(int encoding)
{
    switch (encoding) {
    case MAILSLOT_ENC_UTF16LE:
        return FORM_UTF16LE;
    case MAILSLOT_ENC_ANSI:
        return FORM_ANSI;
    case MAILSLOT_ENC_CP1252:
        return FORM_CP1252;
    default:
        return FORM_UTF8;
    }
}

int MAILSLOT_CALL
mailslot_encode(const char *text, size_t len, int encoding, int flags,
                void *out, size_t cap, size_t *outlen)
{
    struct sink k;
    int rc = check_args(text, len, encoding, 0, flags, out, cap, outlen);

    if (rc != 0) {
        return rc;
    }
    sink_init(&k, form_of(encoding), out, cap);
    rc = feed_utf8((const unsigned char *)text, len, 1, &k);
    if (rc == 0 && (flags & MAILSLOT_TEXT_NUL) != 0) {
        rc = sink_put(&k, 0);
    }
    return sink_finish(&k, rc, 0, outlen);
}

int MAILSLOT_CALL
mailslot_encode_w(const uint16_t *text, size_t len, int encoding, int flags,
                  void *out, size_t cap, size_t *outlen)
{
    struct sink k;
    int rc = check_args(text, len, encoding, 0, flags, out, cap, outlen);

    if (rc != 0) {
        return rc;
    }
    sink_init(&k, form_of(encoding), out, cap);
    rc = feed_units(text, len, &k);
    if (rc == 0 && (flags & MAILSLOT_TEXT_NUL) != 0) {
        rc = sink_put(&k, 0);
    }
    return sink_finish(&k, rc, 0, outlen);
}

int
mailslot__utf16_to_utf8(const uint16_t *s, size_t n, char *out, size_t cap,
                        size_t *outlen)
{
    struct sink k;
    int rc = check_args(s, n, MAILSLOT_ENC_UTF8, 0, 0, out, cap, outlen);

    if (rc != 0) {
        return rc;
    }
    sink_init(&k, FORM_UTF8, out, cap);
    rc = feed_units(s, n, &k);
    return sink_finish(&k, rc, 1, outlen);
}
