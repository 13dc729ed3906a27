/*
 * ansi.c -- "ansi" on POSIX is windows-1252 (cp1252.c), the code page of
 * most Windows machines that send Western text; there is no active code
 * page to follow here.
 */
#include "text.h"

size_t
mailslot__ansi_decode1(const unsigned char *s, size_t len, uint32_t *cp)
{
    return mailslot__cp1252_decode1(s, len, cp);
}

size_t
mailslot__ansi_encode1(uint32_t cp, unsigned char out[MAILSLOT__ANSI_MAX])
{
    return mailslot__cp1252_encode1(cp, out);
}
