/*
 * Internal: parsed mailslot names.  The parser is the only place that knows
 * the accepted forms; backends work from the parsed struct.
 */
#ifndef MAILSLOT_NAME_H
#define MAILSLOT_NAME_H

#include <stddef.h>
#include <stdint.h>

/* Longest accepted name: the whole canonical form and the whole display
 * form must each fit, in UTF-8 bytes without the NUL. */
#define MAILSLOT__NAME_MAX 255

typedef struct mailslot__name {
    int kind;              /* enum mailslot_name_kind */
    /* "\\.\mailslot\A\B", "\\HOST\mailslot\A", "\\*\mailslot\A":
     * upper-cased, '\' separators. */
    char canonical[MAILSLOT__NAME_MAX + 1];
    /* The same with the original case kept ("\\.\mailslot\a\B"). */
    char display[MAILSLOT__NAME_MAX + 1];
    /* Server part as given: "" for local, "*" for broadcast. */
    char host[MAILSLOT__NAME_MAX + 1];
    /* Offsets of the path ("A\B") inside canonical and display. */
    size_t canonical_path;
    size_t display_path;
} mailslot__name;

/*
 * Parse a UTF-8 name of LEN bytes (no NUL inside).  Returns the kind (> 0)
 * or MAILSLOT_ENAME (empty, bad form, empty / "." / ".." component, NUL or
 * control character, invalid UTF-8, too long) or MAILSLOT_EINVAL (NULL).
 */
int mailslot__name_parse(const char *s, size_t len, mailslot__name *out);

/* The same for a NUL-terminated UTF-16 name. */
int mailslot__name_parse_w(const uint16_t *s, mailslot__name *out);

#endif
