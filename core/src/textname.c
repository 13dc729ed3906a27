/*
 * textname.c -- encoding names: the core's own and the spellings Python's
 * codecs use ("utf_8", "UTF-16-LE", "windows-1252", "mbcs"), one table for
 * every binding and the command.
 */
#include <string.h>

#include "mailslot.h"

/*
 * NAME in its compact form: lower-cased, without '-' and '_', so
 * that Python's spellings ("utf_8", "UTF-16-LE", "windows_1252") match.
 * Returns 0 when NAME is too long to be an encoding name.
 */
static int
compact_name(const char *name, char out[16])
{
    size_t n = 0;

    for (; *name != '\0'; name++) {
        int c = (unsigned char)*name;
        if (c == '-' || c == '_') {
            continue;
        }
        if (n == 15) {
            return 0;
        }
        out[n++] = (char)(c >= 'A' && c <= 'Z' ? c + ('a' - 'A') : c);
    }
    out[n] = '\0';
    return 1;
}

int MAILSLOT_CALL
mailslot_encoding_from_name(const char *name)
{
    static const struct {
        const char *name;
        int encoding;
    } names[] = {
        /* clang-format off */
        {"auto", MAILSLOT_ENC_AUTO},
        {"utf8", MAILSLOT_ENC_UTF8},
        {"u8", MAILSLOT_ENC_UTF8},
        {"utf", MAILSLOT_ENC_UTF8},
        {"utf16le", MAILSLOT_ENC_UTF16LE},
        {"utf16", MAILSLOT_ENC_UTF16LE},
        {"ansi", MAILSLOT_ENC_ANSI},
        {"mbcs", MAILSLOT_ENC_ANSI},
        {"cp1252", MAILSLOT_ENC_CP1252},
        {"windows1252", MAILSLOT_ENC_CP1252},
        /* clang-format on */
    };
    char compact[16];

    if (name == NULL || !compact_name(name, compact)) {
        return MAILSLOT_EINVAL;
    }
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        if (strcmp(compact, names[i].name) == 0) {
            return names[i].encoding;
        }
    }
    return MAILSLOT_EINVAL;
}

const char *MAILSLOT_CALL
mailslot_encoding_name(int encoding)
{
    static const char *const names[] = {"auto", "utf-8", "utf-16le", "ansi",
                                        "cp1252"};

    return encoding >= MAILSLOT_ENC_AUTO && encoding <= MAILSLOT_ENC_CP1252
               ? names[encoding]
               : "unknown";
}
