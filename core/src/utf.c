/*
 * utf.c -- UTF-8 primitives shared by the text codec and the name parser.
 *
 * Validation follows Unicode's well-formed byte sequences table (3-7), so
 * overlong forms, encoded surrogates, code points above U+10FFFF and
 * truncated sequences are all invalid.
 */
#include "text.h"

/* Length of the sequence lead byte B starts, 0 if B cannot start one. */
static size_t
utf8_seq_len(unsigned char b)
{
    if (b < 0x80) {
        return 1;
    } else if (b >= 0xC2 && b <= 0xDF) {
        return 2;
    } else if (b >= 0xE0 && b <= 0xEF) {
        return 3;
    } else if (b >= 0xF0 && b <= 0xF4) {
        return 4;
    }
    return 0;
}

/*
 * Whether B may follow LEAD as the second byte.  The narrowed ranges
 * (Unicode table 3-7) are what exclude overlong forms, surrogates and
 * code points above U+10FFFF.
 */
static int
utf8_second_ok(unsigned char lead, unsigned char b)
{
    unsigned char lo = 0x80;
    unsigned char hi = 0xBF;

    if (lead == 0xE0) {
        lo = 0xA0;
    } else if (lead == 0xED) {
        hi = 0x9F;
    } else if (lead == 0xF0) {
        lo = 0x90;
    } else if (lead == 0xF4) {
        hi = 0x8F;
    }
    return b >= lo && b <= hi;
}

/*
 * How many bytes at S (LEN > 0) belong to the sequence starting there:
 * the whole sequence when it is well formed, else its maximal ill-formed
 * subpart (at least 1), which is what one U+FFFD replaces.  *NEED gets
 * the length a well-formed sequence would have (0 for a bad lead byte).
 */
static size_t
utf8_scan(const unsigned char *s, size_t len, size_t *need)
{
    size_t n = utf8_seq_len(s[0]);
    size_t i = 1;

    *need = n;
    while (i < n && i < len) {
        int ok = i == 1 ? utf8_second_ok(s[0], s[1]) : (s[i] & 0xC0) == 0x80;
        if (!ok) {
            break;
        }
        i++;
    }
    return i;
}

size_t
mailslot__utf8_decode1(const unsigned char *s, size_t len, uint32_t *cp)
{
    static const unsigned char lead_mask[5] = {0, 0x7F, 0x1F, 0x0F, 0x07};
    size_t need;

    if (len == 0 || utf8_scan(s, len, &need) != need || need == 0) {
        return 0;
    }
    uint32_t c = s[0] & lead_mask[need];
    for (size_t i = 1; i < need; i++) {
        c = (c << 6) | (s[i] & 0x3F);
    }
    *cp = c;
    return need;
}

/*
 * CP must be at most U+10FFFF.  Surrogates are encoded like any other
 * code point (3 bytes); callers never pass them except on purpose.
 */
size_t
mailslot__utf8_encode1(uint32_t cp, char out[4])
{
    if (cp < 0x80) {
        out[0] = (char)cp;
        return 1;
    } else if (cp < 0x800) {
        out[0] = (char)(0xC0 | (cp >> 6));
        out[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    } else if (cp < 0x10000) {
        out[0] = (char)(0xE0 | (cp >> 12));
        out[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        out[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    out[0] = (char)(0xF0 | (cp >> 18));
    out[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    out[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    out[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

size_t
mailslot__wcslen(const uint16_t *s)
{
    size_t n = 0;

    while (s[n] != 0) {
        n++;
    }
    return n;
}

size_t
mailslot__utf8_invalid_len(const unsigned char *s, size_t len)
{
    size_t need;

    return len == 0 ? 0 : utf8_scan(s, len, &need);
}
