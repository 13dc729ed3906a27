/*
 * ansi_win.c -- the "ansi" encoding as the active code page (GetACP()).
 *
 * This is what "ANSI" means to Windows programs, so text written by an
 * ANSI program (AutoHotkey v1 ANSI builds, VBScript's text files, the "A"
 * functions) decodes as its author saw it.  No best-fit guessing: a
 * character the code page cannot represent is refused, and bytes that are
 * not a character of the code page are reported as such.  When the active
 * code page is UTF-8 (65001, a Windows 10+ option), "ansi" is UTF-8.
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <string.h>

#include "text.h"

size_t
mailslot__ansi_decode1(const unsigned char *s, size_t len, uint32_t *cp)
{
    UINT acp = GetACP();
    WCHAR w[2];
    size_t n;
    int k;

    if (len == 0)
        return 0;
    if (acp == CP_UTF8)
        return mailslot__utf8_decode1(s, len, cp);
    n = IsDBCSLeadByteEx(acp, s[0]) ? 2 : 1;
    if (n > len)
        return 0;
    k = MultiByteToWideChar(acp, MB_ERR_INVALID_CHARS, (LPCSTR)s, (int)n,
        w, 2);
    if (k == 1 && (w[0] < 0xD800 || w[0] > 0xDFFF)) {
        *cp = w[0];
        return n;
    }
    if (k == 2 && w[0] >= 0xD800 && w[0] <= 0xDBFF && w[1] >= 0xDC00 &&
        w[1] <= 0xDFFF) {
        *cp = 0x10000 + (((uint32_t)w[0] - 0xD800) << 10) +
              ((uint32_t)w[1] - 0xDC00);
        return n;
    }
    return 0;
}

size_t
mailslot__ansi_encode1(uint32_t cp, unsigned char out[MAILSLOT__ANSI_MAX])
{
    UINT acp = GetACP();
    BOOL used = FALSE;
    char u8[4];
    WCHAR w[2];
    int nw = 1, n;

    if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
        return 0;
    if (acp == CP_UTF8) {
        n = (int)mailslot__utf8_encode1(cp, u8);
        memcpy(out, u8, (size_t)n);
        return (size_t)n;
    }
    if (cp >= 0x10000) {
        w[0] = (WCHAR)(0xD800 + ((cp - 0x10000) >> 10));
        w[1] = (WCHAR)(0xDC00 + ((cp - 0x10000) & 0x3FF));
        nw = 2;
    } else {
        w[0] = (WCHAR)cp;
    }
    n = WideCharToMultiByte(acp, WC_NO_BEST_FIT_CHARS, w, nw, (LPSTR)out,
        MAILSLOT__ANSI_MAX, NULL, &used);
    return n <= 0 || used ? 0 : (size_t)n;
}
