/*
 * json.c -- a growing byte buffer, and the JSON and base64 forms of
 * "mailslot listen --json".
 *
 * A message's text is whatever its writer sent, so the JSON string form
 * must stay valid and harmless for any input: every control character is
 * escaped, so are the characters that reorder or hide text (bidi marks,
 * overrides and isolates) and the line and paragraph separators, and a
 * byte that is not part of well-formed UTF-8 becomes U+FFFD.  The output
 * is therefore plain UTF-8 with no raw control characters: one line.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

int
cli_buf_add(cli_buf *b, const void *data, size_t n)
{
    size_t want = b->len + n + 1;
    char *grown;

    if (want > b->cap) {
        size_t cap = b->cap * 2 > want ? b->cap * 2 : want + 64;
        grown = realloc(b->data, cap);
        if (grown == NULL) {
            b->failed = 1;
            return -1;
        }
        b->data = grown;
        b->cap = cap;
    }
    if (n > 0)
        memcpy(b->data + b->len, data, n);
    b->len += n;
    b->data[b->len] = '\0';
    return 0;
}

int
cli_buf_str(cli_buf *b, const char *s)
{
    return cli_buf_add(b, s, strlen(s));
}

int
cli_buf_uint(cli_buf *b, unsigned long long v)
{
    char digits[24];

    snprintf(digits, sizeof digits, "%llu", v);
    return cli_buf_str(b, digits);
}

/*
 * The length of the well-formed UTF-8 sequence at P (N bytes left), or 0
 * when P does not start one (stray continuation byte, overlong form,
 * surrogate, beyond U+10FFFF, or cut short).
 */
static size_t
utf8_length(const unsigned char *p, size_t n)
{
    size_t len, i;
    unsigned long cp;

    if (p[0] < 0x80)
        return 1;
    if (p[0] >= 0xC2 && p[0] <= 0xDF)
        len = 2, cp = p[0] & 0x1F;
    else if (p[0] >= 0xE0 && p[0] <= 0xEF)
        len = 3, cp = p[0] & 0x0F;
    else if (p[0] >= 0xF0 && p[0] <= 0xF4)
        len = 4, cp = p[0] & 0x07;
    else
        return 0;
    if (len > n)
        return 0;
    for (i = 1; i < len; i++) {
        if ((p[i] & 0xC0) != 0x80)
            return 0;
        cp = cp << 6 | (p[i] & 0x3F);
    }
    if ((len == 3 && (cp < 0x800 || (cp >= 0xD800 && cp <= 0xDFFF))) ||
        (len == 4 && (cp < 0x10000 || cp > 0x10FFFF)))
        return 0;
    return len;
}

/* The code point of the well-formed sequence at P of LEN bytes. */
static unsigned long
utf8_decode(const unsigned char *p, size_t len)
{
    static const unsigned char lead_mask[5] = { 0, 0x7F, 0x1F, 0x0F, 0x07 };
    unsigned long cp = p[0] & lead_mask[len];
    size_t i;

    for (i = 1; i < len; i++)
        cp = cp << 6 | (p[i] & 0x3F);
    return cp;
}

/* Whether code point CP is written as a \u escape: controls (C0, DEL,
 * C1), bidi marks, embeddings, overrides and isolates, and U+2028/9. */
static int
must_escape(unsigned long cp)
{
    return cp < 0x20 || (cp >= 0x7F && cp <= 0x9F) || cp == 0x200E ||
        cp == 0x200F || (cp >= 0x2028 && cp <= 0x202E) ||
        (cp >= 0x2066 && cp <= 0x2069);
}

/* Append the escape for the BMP code point CP (never a surrogate). */
static void
add_escape(cli_buf *b, unsigned long cp)
{
    char esc[8];

    switch (cp) {
    case '\n': cli_buf_str(b, "\\n"); return;
    case '\r': cli_buf_str(b, "\\r"); return;
    case '\t': cli_buf_str(b, "\\t"); return;
    case '\b': cli_buf_str(b, "\\b"); return;
    case '\f': cli_buf_str(b, "\\f"); return;
    default:
        snprintf(esc, sizeof esc, "\\u%04lx", cp);
        cli_buf_str(b, esc);
    }
}

int
cli_buf_json_string(cli_buf *b, const char *text, size_t n)
{
    const unsigned char *p = (const unsigned char *)text;
    size_t i = 0, len;
    unsigned long cp;

    cli_buf_add(b, "\"", 1);
    while (i < n) {
        len = utf8_length(p + i, n - i);
        if (len == 0) {
            cli_buf_str(b, "\\ufffd"); /* one per invalid byte */
            i++;
            continue;
        }
        cp = utf8_decode(p + i, len);
        if (cp == '"' || cp == '\\') {
            cli_buf_add(b, "\\", 1);
            cli_buf_add(b, p + i, 1);
        } else if (must_escape(cp)) {
            add_escape(b, cp);
        } else {
            cli_buf_add(b, p + i, len);
        }
        i += len;
    }
    cli_buf_add(b, "\"", 1);
    return b->failed ? -1 : 0;
}

int
cli_buf_base64(cli_buf *b, const void *data, size_t n)
{
    static const char digits[] =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    const unsigned char *p = data;
    char quad[4];
    size_t i;

    for (i = 0; i < n; i += 3) {
        unsigned long v = (unsigned long)p[i] << 16;
        if (i + 1 < n)
            v |= (unsigned long)p[i + 1] << 8;
        if (i + 2 < n)
            v |= p[i + 2];
        quad[0] = digits[v >> 18 & 63];
        quad[1] = digits[v >> 12 & 63];
        quad[2] = i + 1 < n ? digits[v >> 6 & 63] : '=';
        quad[3] = i + 2 < n ? digits[v & 63] : '=';
        cli_buf_add(b, quad, 4);
    }
    return b->failed ? -1 : 0;
}
