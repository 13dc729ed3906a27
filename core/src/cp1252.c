/*
 * cp1252.c -- windows-1252: the "cp1252" encoding on every platform, and
 * the POSIX meaning of "ansi" (linux/ansi.c; a Windows build's "ansi" is
 * the active code page, win/ansi_win.c).
 *
 * Bytes 0x00-0x7F and 0xA0-0xFF are the same as Unicode (Latin-1).  In
 * 0x80-0x9F, 27 bytes carry typographic characters (0x80 is the euro
 * sign).  The five bytes windows-1252 leaves undefined (0x81, 0x8D, 0x8F,
 * 0x90, 0x9D) decode to the C1 controls U+0081, U+008D, U+008F, U+0090
 * and U+009D, exactly as Windows' MultiByteToWideChar does, and encode
 * back to the same bytes, so every byte string survives a round trip.
 */
#include "text.h"

/* Unicode for bytes 0x80-0x9F; the undefined bytes map to themselves. */
static const uint16_t high[32] = {
    0x20AC, 0x0081, 0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021,
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0x008D, 0x017D, 0x008F,
    0x0090, 0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014,
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0x009D, 0x017E, 0x0178,
};

size_t
mailslot__cp1252_decode1(const unsigned char *s, size_t len, uint32_t *cp)
{
    if (len == 0) {
        return 0;
    }
    if (s[0] >= 0x80 && s[0] <= 0x9F) {
        *cp = high[s[0] - 0x80];
    } else {
        *cp = s[0];
    }
    return 1;
}

size_t
mailslot__cp1252_encode1(uint32_t cp, unsigned char out[MAILSLOT__ANSI_MAX])
{
    if (cp < 0x80 || (cp >= 0xA0 && cp <= 0xFF)) {
        out[0] = (unsigned char)cp;
        return 1;
    }
    /* Everything else is one of the 32 bytes 0x80-0x9F, or has no form. */
    for (unsigned i = 0; i < 32; i++) {
        if (high[i] == cp) {
            out[0] = (unsigned char)(0x80 + i);
            return 1;
        }
    }
    return 0;
}
