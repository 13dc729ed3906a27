/*
 * name.c -- parsing mailslot names into their canonical and display forms.
 *
 * Accepted forms ('/' and '\' are both separators; a name is in full form
 * exactly when it starts with two separators):
 *
 *   \\.\mailslot\path         local (the word "mailslot" in any case)
 *   \\*\mailslot\path         broadcast to the primary domain
 *   \\host\mailslot\path      a machine or a domain (remote)
 *   path                      short form of \\.\mailslot\path
 *
 * The path is one or more components.  Everything is refused that Windows
 * would refuse, or would silently change, so that a name means the same
 * slot on every platform:
 *
 *  - invalid UTF-8 (or UTF-16), control characters U+0000-U+001F, U+007F;
 *  - empty components (also a trailing separator), "." and ".."
 *    components, and ".." as a host;
 *  - the characters Windows forbids in file names, " * : < > ? |, in the
 *    path and in the host ("*" is allowed only as the whole host);
 *  - path components ending in '.' or ' ': Windows strips those when it
 *    normalises the path, so "a." would be "a" there but not here;
 *  - names whose canonical or display form exceeds MAILSLOT__NAME_MAX
 *    bytes of UTF-8 (the display form is bounded too, because it is
 *    stored; simple upper-casing may shrink or grow a character).
 *
 * The canonical form upper-cases the host and the path per code point with
 * mailslot__upcase() (the 1:1 table Windows compares names with), so
 * "Café" and "CAFÉ" are one slot, while "straße" and "STRASSE" are not.
 */
#include <string.h>

#include "mailslot.h"
#include "name.h"
#include "text.h"

/* A piece of the input name. */
struct span {
    const char *s;
    size_t n;
};

/* A form under construction; OVER once it no longer fits. */
struct builder {
    char *buf;
    size_t len;
    int over;
};

static int
is_sep(char c)
{
    return c == '/' || c == '\\';
}

/* Bytes up to the next separator (or the end). */
static size_t
component_len(const char *s, size_t n)
{
    size_t i = 0;

    while (i < n && !is_sep(s[i])) {
        i++;
    }
    return i;
}

static int
span_is(struct span a, const char *lit)
{
    return a.n == strlen(lit) && memcmp(a.s, lit, a.n) == 0;
}

/* The whole name is valid UTF-8 without control characters. */
static int
chars_ok(const char *s, size_t len)
{
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n =
            mailslot__utf8_decode1((const unsigned char *)s + i, len - i, &cp);
        if (n == 0 || cp < 0x20 || cp == 0x7F) {
            return 0;
        }
        i += n;
    }
    return 1;
}

/* A component (host or path) that Windows accepts unchanged. */
static int
component_ok(struct span c, int is_host)
{
    if (c.n == 0 || span_is(c, ".") || span_is(c, "..")) {
        return 0;
    }
    for (size_t i = 0; i < c.n; i++) {
        if (strchr("\"*:<>?|", c.s[i]) != NULL) {
            return 0;
        }
    }
    return is_host || (c.s[c.n - 1] != '.' && c.s[c.n - 1] != ' ');
}

static int
path_ok(struct span path)
{
    size_t i = 0;

    for (;;) {
        struct span c = {path.s + i, component_len(path.s + i, path.n - i)};
        if (!component_ok(c, 0)) {
            return 0;
        }
        i += c.n;
        if (i == path.n) {
            return 1;
        }
        i++; /* the separator; an empty component follows if it is last */
    }
}

static int
word_is_mailslot(struct span w)
{
    static const char word[] = "mailslot";

    if (w.n != sizeof word - 1) {
        return 0;
    }
    for (size_t i = 0; i < w.n; i++) {
        char c = w.s[i];
        if (c >= 'A' && c <= 'Z') {
            c = (char)(c - 'A' + 'a');
        }
        if (c != word[i]) {
            return 0;
        }
    }
    return 1;
}

/*
 * Cut NAME into host and path.  The short form has host ".".  Returns 0,
 * or -1 when a full-form name lacks its host or the word "mailslot".
 */
static int
split(const char *s, size_t len, struct span *host, struct span *path)
{
    struct span word;
    size_t i = 2;

    if (len < 2 || !is_sep(s[0]) || !is_sep(s[1])) {
        host->s = ".";
        host->n = 1;
        path->s = s;
        path->n = len;
        return 0;
    }
    host->s = s + i;
    host->n = component_len(s + i, len - i);
    i += host->n;
    if (host->n == 0 || i == len) {
        return -1;
    }
    word.s = s + i + 1;
    word.n = component_len(word.s, len - i - 1);
    i += 1 + word.n;
    if (!word_is_mailslot(word) || i == len) {
        return -1;
    }
    path->s = s + i + 1;
    path->n = len - i - 1;
    return 0;
}

static int
host_kind(struct span host)
{
    if (span_is(host, ".")) {
        return MAILSLOT_NAME_LOCAL;
    } else if (span_is(host, "*")) {
        return MAILSLOT_NAME_BROADCAST;
    }
    return component_ok(host, 1) ? MAILSLOT_NAME_REMOTE : MAILSLOT_ENAME;
}

static void
put(struct builder *b, const char *s, size_t n)
{
    if (b->over || n > MAILSLOT__NAME_MAX - b->len) {
        b->over = 1;
        return;
    }
    memcpy(b->buf + b->len, s, n);
    b->len += n;
}

/* Copy validated text, separators as '\', upper-cased when UPPER. */
static void
put_text(struct builder *b, struct span t, int upper)
{
    size_t i = 0;

    while (i < t.n) {
        uint32_t cp = 0;
        char u[4];
        i += mailslot__utf8_decode1((const unsigned char *)t.s + i, t.n - i,
                                    &cp);
        if (cp == '/') {
            cp = '\\';
        } else if (upper) {
            cp = mailslot__upcase(cp);
        }
        put(b, u, mailslot__utf8_encode1(cp, u));
    }
}

/* Write one form into BUF; returns the offset of the path in it. */
static size_t
build(char *buf, int *over, struct span host, struct span path, int upper)
{
    struct builder b = {buf, 0, 0};
    size_t path_at;

    put(&b, "\\\\", 2);
    put_text(&b, host, upper);
    put(&b, "\\mailslot\\", 10);
    path_at = b.len;
    put_text(&b, path, upper);
    b.buf[b.len] = '\0';
    *over |= b.over;
    return path_at;
}

int
mailslot__name_parse(const char *s, size_t len, mailslot__name *out)
{
    struct span host;
    struct span path;
    int over = 0;

    if (s == NULL || out == NULL) {
        return MAILSLOT_EINVAL;
    }
    memset(out, 0, sizeof *out);
    /* The display form is never shorter than the input. */
    if (len == 0 || len > MAILSLOT__NAME_MAX || !chars_ok(s, len) ||
        split(s, len, &host, &path) != 0 || !path_ok(path)) {
        return MAILSLOT_ENAME;
    }
    int kind = host_kind(host);
    if (kind < 0) {
        return kind;
    }
    out->canonical_path = build(out->canonical, &over, host, path, 1);
    out->display_path = build(out->display, &over, host, path, 0);
    if (over) {
        memset(out, 0, sizeof *out);
        return MAILSLOT_ENAME;
    }
    if (kind != MAILSLOT_NAME_LOCAL) {
        memcpy(out->host, host.s, host.n);
    }
    out->kind = kind;
    return kind;
}

int
mailslot__name_parse_w(const uint16_t *s, mailslot__name *out)
{
    char buf[MAILSLOT__NAME_MAX + 1];
    size_t n = 0;
    int rc;

    if (s == NULL || out == NULL) {
        return MAILSLOT_EINVAL;
    }
    memset(out, 0, sizeof *out);
    rc = mailslot__utf16_to_utf8(s, mailslot__wcslen(s), buf, sizeof buf, &n);
    /* Too long to fit (EBUFFER) or a lone surrogate: a bad name either way. */
    if (rc != 0) {
        return MAILSLOT_ENAME;
    }
    return mailslot__name_parse(buf, n, out);
}

/* Hand the canonical form of a parse result RC to the caller. */
static int
give_canonical(int rc, const mailslot__name *nm, char *buf, size_t cap,
               size_t *len)
{
    size_t n;

    if (len != NULL) {
        *len = 0;
    }
    if (rc < 0) {
        return rc;
    }
    n = strlen(nm->canonical);
    if (len != NULL) {
        *len = n;
    }
    if (n >= cap) {
        return MAILSLOT_EBUFFER;
    }
    memcpy(buf, nm->canonical, n + 1);
    return rc;
}

int MAILSLOT_CALL
mailslot_name_canonical(const char *name, char *buf, size_t cap, size_t *len)
{
    mailslot__name nm;

    if (name == NULL || (buf == NULL && cap != 0)) {
        return MAILSLOT_EINVAL;
    }
    return give_canonical(mailslot__name_parse(name, strlen(name), &nm), &nm,
                          buf, cap, len);
}

int MAILSLOT_CALL
mailslot_name_canonical_w(const uint16_t *name, char *buf, size_t cap,
                          size_t *len)
{
    mailslot__name nm;

    if (name == NULL || (buf == NULL && cap != 0)) {
        return MAILSLOT_EINVAL;
    }
    return give_canonical(mailslot__name_parse_w(name, &nm), &nm, buf, cap,
                          len);
}
