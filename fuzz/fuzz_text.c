/*
 * fuzz_text.c -- libFuzzer target for the text codec and AUTO.
 *
 * For any input: detection picks one of the three readings and its report
 * is consistent; decoding in every encoding succeeds (replacing what is
 * invalid) and always yields valid UTF-8; strict decoding either succeeds
 * the same way or reports a span inside the input.  When the input is
 * valid UTF-8 text x (without a leading U+FEFF or a trailing NUL, which
 * decoding drops by design), decode(encode(x, e), e) == x for every
 * encoding e that can hold x.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

#define CHECK(c)                                                             \
    do {                                                                     \
        if (!(c))                                                            \
            abort();                                                         \
    } while (0)

/* An independent UTF-8 check: well-formed, no surrogates, <= U+10FFFF. */
static int
valid_utf8(const unsigned char *s, size_t n)
{
    size_t i = 0;

    while (i < n) {
        unsigned c = s[i];
        size_t len = c < 0x80 ? 1 : c >= 0xC2 && c <= 0xDF ? 2
                   : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xF0 && c <= 0xF4 ? 4
                   : 0;
        if (len == 0 || i + len > n)
            return 0;
        for (size_t k = 1; k < len; k++)
            if ((s[i + k] & 0xC0) != 0x80)
                return 0;
        if ((c == 0xE0 && s[i + 1] < 0xA0) || (c == 0xED && s[i + 1] > 0x9F) ||
            (c == 0xF0 && s[i + 1] < 0x90) || (c == 0xF4 && s[i + 1] > 0x8F))
            return 0;
        i += len;
    }
    return 1;
}

/* Decode DATA in ENC with FLAGS into a new buffer; returns the rc. */
static int
decode(const uint8_t *data, size_t n, int enc, int flags, char **out,
       size_t *len)
{
    size_t need = 0;
    int rc = mailslot_decode(data, n, enc, flags, NULL, 0, &need);

    *out = NULL;
    if (rc != MAILSLOT_EBUFFER && rc != 0)
        return rc;
    *out = malloc(need + 1);
    CHECK(*out != NULL);
    rc = mailslot_decode(data, n, enc, flags, *out, need + 1, len);
    CHECK(rc == 0 && *len == need);
    return 0;
}

static void
check_detection(const uint8_t *data, size_t n)
{
    mailslot_detection d;
    int pick = mailslot_detect_encoding(data, n);

    memset(&d, 0, sizeof d);
    d.size = sizeof d;
    CHECK(pick >= MAILSLOT_ENC_UTF8 && pick <= MAILSLOT_ENC_ANSI);
    CHECK(mailslot_detect_encoding_ex(data, n, &d) == pick);
    CHECK(d.encoding == pick && d.reason != NULL);
    for (int e = MAILSLOT_ENC_UTF8; e <= MAILSLOT_ENC_ANSI; e++) {
        CHECK(d.cost[e] >= -1);
        /* The pick is never costlier than a reading that was scored. */
        CHECK(d.cost[e] < 0 || d.cost[pick] < 0 || d.cost[pick] <= d.cost[e]);
    }
}

static void
check_decoding(const uint8_t *data, size_t n)
{
    for (int enc = MAILSLOT_ENC_AUTO; enc <= MAILSLOT_ENC_CP1252; enc++) {
        char *text;
        size_t len, start, end;
        CHECK(decode(data, n, enc, 0, &text, &len) == 0);
        CHECK(valid_utf8((const unsigned char *)text, len));
        free(text);
        int rc = decode(data, n, enc, MAILSLOT_TEXT_STRICT, &text, &len);
        int err = mailslot_decode_error(data, n, enc, &start, &end, NULL);
        CHECK(rc == err);
        if (rc == 0) {
            CHECK(valid_utf8((const unsigned char *)text, len));
        } else {
            CHECK(rc == MAILSLOT_EENCODING && start < end && end <= n);
        }
        free(text);
    }
}

static void
check_round_trip(const uint8_t *data, size_t n)
{
    if (!valid_utf8(data, n) || (n > 0 && data[n - 1] == 0) ||
        (n >= 3 && memcmp(data, "\xEF\xBB\xBF", 3) == 0))
        return;
    for (int enc = MAILSLOT_ENC_UTF8; enc <= MAILSLOT_ENC_CP1252; enc++) {
        size_t need = 0, blen, tlen;
        int rc = mailslot_encode((const char *)data, n, enc, 0, NULL, 0,
                                 &need);
        if (rc == MAILSLOT_EENCODING)
            continue; /* e cannot hold x (ANSI, cp1252) */
        CHECK(rc == MAILSLOT_EBUFFER || rc == 0);
        uint8_t *bytes = malloc(need + 1);
        char *text;
        CHECK(bytes != NULL);
        CHECK(mailslot_encode((const char *)data, n, enc, 0, bytes, need,
                              &blen) == 0);
        CHECK(decode(bytes, blen, enc, MAILSLOT_TEXT_STRICT, &text, &tlen) ==
              0);
        CHECK(tlen == n && memcmp(text, data, n) == 0);
        free(text);
        free(bytes);
    }
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t n)
{
    check_detection(data, n);
    check_decoding(data, n);
    check_round_trip(data, n);
    return 0;
}
