/*
 * test_names.c -- mailslot name parsing: accepted names with their
 * canonical form and kind (through the UTF-8 and the UTF-16 entry points),
 * refused names, the length limit, buffers, and the upper-casing table.
 *
 * Expected canonical forms are written with '/' for readability and
 * compared after turning '/' into '\' (a canonical form never holds '/').
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "name.h"
#include "testlib.h"
#include "text.h"

#define LOCAL MAILSLOT_NAME_LOCAL
#define REMOTE MAILSLOT_NAME_REMOTE
#define BROADCAST MAILSLOT_NAME_BROADCAST

struct valid {
    const char *name;
    const char *canonical; /* '/' stands for '\' */
    int kind;
};

static const struct valid valid[] = {
    {"\\\\.\\mailslot\\a\\b", "//./mailslot/A/B", LOCAL},
    {"a\\b", "//./mailslot/A/B", LOCAL},
    {"a/b", "//./mailslot/A/B", LOCAL},
    {"//./mailslot/a/b", "//./mailslot/A/B", LOCAL},
    {"/\\./mailslot\\a/b", "//./mailslot/A/B", LOCAL},
    {"\\\\.\\MAILSLOT\\x", "//./mailslot/X", LOCAL},
    {"\\\\.\\MailSlot\\x", "//./mailslot/X", LOCAL},
    {"x", "//./mailslot/X", LOCAL},
    {"mailslot\\x", "//./mailslot/MAILSLOT/X", LOCAL},
    {"\\\\host\\mailslot\\x", "//HOST/mailslot/X", REMOTE},
    {"\\\\HoSt\\mailslot\\x", "//HOST/mailslot/X", REMOTE},
    {"//host.example.com/mailslot/x", "//HOST.EXAMPLE.COM/mailslot/X", REMOTE},
    {"\\\\domain\\mailslot\\x", "//DOMAIN/mailslot/X", REMOTE},
    {u8"\\\\h\u00F4te\\mailslot\\x", u8"//H\u00D4TE/mailslot/X", REMOTE},
    {"\\\\*\\mailslot\\x", "//*/mailslot/X", BROADCAST},
    {"//*/mailslot/a/b", "//*/mailslot/A/B", BROADCAST},
    {u8"Caf\u00E9", u8"//./mailslot/CAF\u00C9", LOCAL},
    {u8"CAF\u00C9", u8"//./mailslot/CAF\u00C9", LOCAL},
    {u8"stra\u00DFe", u8"//./mailslot/STRA\u00DFE", LOCAL},
    {"STRASSE", "//./mailslot/STRASSE", LOCAL},
    {u8"\u03C3\u03BF\u03C6\u03AF\u03B1\u03C2",
     u8"//./mailslot/\u03A3\u039F\u03A6\u038A\u0391\u03A3", LOCAL},
    {u8"\u043F\u0440\u0438\u0432\u0435\u0442",
     u8"//./mailslot/\u041F\u0420\u0418\u0412\u0415\u0422", LOCAL},
    {u8"\u01C6/\u01C5", u8"//./mailslot/\u01C4/\u01C4", LOCAL},
    {u8"\u0131\u017F\u00B5", u8"//./mailslot/IS\u039C", LOCAL},
    {u8"\u0130", u8"//./mailslot/\u0130", LOCAL},
    {u8"\uFF41", u8"//./mailslot/\uFF21", LOCAL},
    {u8"e\u0301", u8"//./mailslot/E\u0301", LOCAL},
    {u8"\U0001F600\U00010428", u8"//./mailslot/\U0001F600\U00010428", LOCAL},
    {" a b", "//./mailslot/ A B", LOCAL},
    {".a/a.b/...a", "//./mailslot/.A/A.B/...A", LOCAL},
    {"a-b_c+d=e,f;g'h[i]j{k}l$m%n&o@p#q!r~s`t^u(v)w",
     "//./mailslot/A-B_C+D=E,F;G'H[I]J{K}L$M%N&O@P#Q!R~S`T^U(V)W", LOCAL},
};

/* Refused names; LEN 0 means strlen (an explicit LEN carries a NUL). */
struct invalid {
    const char *name;
    size_t len;
    int utf8_only; /* not expressible as UTF-16 (bad UTF-8, NUL) */
};

static const struct invalid invalid[] = {
    {"", 0, 0},
    {"\\", 0, 0},
    {"\\\\", 0, 0},
    {"\\\\.", 0, 0},
    {"\\\\.\\", 0, 0},
    {"\\\\.\\mailslot", 0, 0},
    {"\\\\.\\mailslot\\", 0, 0},
    {"\\\\.\\mailslots\\x", 0, 0},
    {"\\\\.\\pipe\\x", 0, 0},
    {"\\\\.\\.\\mailslot\\x", 0, 0},
    {"\\\\host\\x", 0, 0},
    {"\\\\host", 0, 0},
    {"\\\\\\mailslot\\x", 0, 0},
    {"\\\\..\\mailslot\\x", 0, 0},
    {"\\\\ho:st\\mailslot\\x", 0, 0},
    {"\\\\ho*st\\mailslot\\x", 0, 0},
    {"\\\\**\\mailslot\\x", 0, 0},
    {"\\\\ho?st\\mailslot\\x", 0, 0},
    {"\\\\ho\tst\\mailslot\\x", 0, 0},
    {"\\a", 0, 0},
    {"a\\\\b", 0, 0},
    {"a//b", 0, 0},
    {"a\\.\\b", 0, 0},
    {"a\\..\\b", 0, 0},
    {"a\\..", 0, 0},
    {".", 0, 0},
    {"..", 0, 0},
    {"a\\", 0, 0},
    {"a/", 0, 0},
    {"\\\\.\\mailslot\\a\\", 0, 0},
    {"\\\\.\\mailslot\\a\\.", 0, 0},
    {"\\\\*\\mailslot\\", 0, 0},
    {"\\\\*\\mailslot\\*", 0, 0},
    {"a.", 0, 0},
    {"a ", 0, 0},
    {"a.\\b", 0, 0},
    {"...", 0, 0},
    {"a*b", 0, 0},
    {"a?", 0, 0},
    {"a:b", 0, 0},
    {"a<b", 0, 0},
    {"a>b", 0, 0},
    {"a|b", 0, 0},
    {"a\"b", 0, 0},
    {"a\nb", 0, 0},
    {"a\x01", 0, 0},
    {"\x1F", 0, 0},
    {"a\x7F", 0, 0},
    {"a\0b", 3, 1},
    {"\0", 1, 1},
    {"\xC0\xAF", 0, 1},
    {"a\xE2\x82", 0, 1},
    {"\xED\xA0\x80", 0, 1},
    {"\xF4\x90\x80\x80", 0, 1},
    {"\xFF", 0, 1},
};

/* ---------------------------------------------------------------------- */
/* Helpers                                                                */
/* ---------------------------------------------------------------------- */

static void
slashes_to_backslashes(const char *in, char *out)
{
    do {
        *out++ = *in == '/' ? '\\' : *in;
    } while (*in++ != '\0');
}

/* UTF-8 to NUL-terminated UTF-16, for valid input (test-local). */
static size_t
to_utf16(const char *s, uint16_t *w)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t n = 0;

    while (*p != 0) {
        uint32_t cp = *p;
        size_t more = cp >= 0xF0 ? 3 : cp >= 0xE0 ? 2 : cp >= 0xC0 ? 1 : 0;
        cp &= more == 0 ? 0x7Fu : 0x3Fu >> more;
        for (p++; more > 0; more--, p++) {
            cp = cp << 6 | (*p & 0x3F);
        }
        if (cp >= 0x10000) {
            w[n++] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
            cp = 0xDC00 + ((cp - 0x10000) & 0x3FF);
        }
        w[n++] = (uint16_t)cp;
    }
    w[n] = 0;
    return n;
}

static void
fail_name(const char *what, const char *name)
{
    fprintf(stderr, "    %s: name \"%s\"\n", what, name);
}

/* ---------------------------------------------------------------------- */
/* Tests                                                                  */
/* ---------------------------------------------------------------------- */

static void
check_valid(const struct valid *v)
{
    char want[MAILSLOT__NAME_MAX + 1];
    char got[MAILSLOT__NAME_MAX + 1];
    uint16_t w[MAILSLOT__NAME_MAX + 1];
    size_t len = 0;
    int before = testlib_failed;

    slashes_to_backslashes(v->canonical, want);
    CHECK_EQ(mailslot_name_canonical(v->name, got, sizeof got, &len), v->kind);
    CHECK(strcmp(got, want) == 0 && len == strlen(want));
    to_utf16(v->name, w);
    memset(got, 0, sizeof got);
    CHECK_EQ(mailslot_name_canonical_w(w, got, sizeof got, &len), v->kind);
    CHECK(strcmp(got, want) == 0 && len == strlen(want));
    if (testlib_failed != before) {
        fail_name("valid", v->name);
    }
}

static void
check_invalid(const struct invalid *t)
{
    size_t n = t->len != 0 ? t->len : strlen(t->name);
    mailslot__name nm;
    uint16_t w[64];
    char buf[64];
    size_t len = 7;
    int before = testlib_failed;

    memset(&nm, 0x55, sizeof nm);
    CHECK_EQ(mailslot__name_parse(t->name, n, &nm), MAILSLOT_ENAME);
    CHECK(nm.kind == 0 && nm.canonical[0] == '\0' && nm.display[0] == '\0');
    if (t->len == 0) {
        CHECK_EQ(mailslot_name_canonical(t->name, buf, sizeof buf, &len),
                 MAILSLOT_ENAME);
        CHECK_EQ(len, 0);
    }
    if (!t->utf8_only) {
        to_utf16(t->name, w);
        CHECK_EQ(mailslot_name_canonical_w(w, buf, sizeof buf, &len),
                 MAILSLOT_ENAME);
    }
    if (testlib_failed != before) {
        fail_name("invalid", t->name);
    }
}

static void
test_tables(void)
{
    for (size_t i = 0; i < sizeof valid / sizeof valid[0]; i++) {
        check_valid(&valid[i]);
    }
    for (size_t i = 0; i < sizeof invalid / sizeof invalid[0]; i++) {
        check_invalid(&invalid[i]);
    }
    printf("%zu valid and %zu invalid names\n", sizeof valid / sizeof valid[0],
           sizeof invalid / sizeof invalid[0]);
}

/* Display form, host and path offsets of the parsed struct. */
static void
test_parse_fields(void)
{
    mailslot__name nm;
    const char *s = "//HoSt/MailSlot/Dir/file";

    CHECK_EQ(mailslot__name_parse(s, strlen(s), &nm), REMOTE);
    CHECK_EQ(nm.kind, REMOTE);
    CHECK_STR(nm.canonical, "\\\\HOST\\mailslot\\DIR\\FILE");
    CHECK_STR(nm.display, "\\\\HoSt\\mailslot\\Dir\\file");
    CHECK_STR(nm.host, "HoSt");
    CHECK_STR(nm.canonical + nm.canonical_path, "DIR\\FILE");
    CHECK_STR(nm.display + nm.display_path, "Dir\\file");
    s = "a/B";
    CHECK_EQ(mailslot__name_parse(s, 3, &nm), LOCAL);
    CHECK_STR(nm.display, "\\\\.\\mailslot\\a\\B");
    CHECK_STR(nm.host, "");
    CHECK_STR(nm.display + nm.display_path, "a\\B");
    s = "\\\\*\\mailslot\\x";
    CHECK_EQ(mailslot__name_parse(s, strlen(s), &nm), BROADCAST);
    CHECK_STR(nm.host, "*");
    /* An explicit length ends the name; what follows is not read. */
    CHECK_EQ(mailslot__name_parse("ab\\", 2, &nm), LOCAL);
    CHECK_STR(nm.canonical, "\\\\.\\mailslot\\AB");
}

/* A name of exactly N canonical bytes: PREFIX then 'a's (or UNIT). */
static char *
long_name(const char *prefix, const char *unit, size_t count)
{
    size_t p = strlen(prefix);
    size_t u = strlen(unit);
    char *s = malloc(p + u * count + 1);

    memcpy(s, prefix, p);
    for (size_t i = 0; i < count; i++) {
        memcpy(s + p + u * i, unit, u);
    }
    s[p + u * count] = '\0';
    return s;
}

static int
canonical_of(const char *s, size_t *len)
{
    char buf[300];
    uint16_t w[600];
    size_t wlen = 0;

    to_utf16(s, w);
    int rc = mailslot_name_canonical(s, buf, sizeof buf, len);
    int rcw = mailslot_name_canonical_w(w, buf, sizeof buf, &wlen);
    CHECK_EQ(rc, rcw);
    return rc;
}

static void
check_length(const char *prefix, const char *unit, size_t count, int want,
             size_t want_len)
{
    char *s = long_name(prefix, unit, count);
    size_t len = 0;
    int before = testlib_failed;

    CHECK_EQ(canonical_of(s, &len), want);
    if (want > 0) {
        CHECK_EQ(len, want_len);
    }
    if (testlib_failed != before) {
        fprintf(stderr, "    length: \"%s\" + %zu x \"%s\"\n", prefix, count,
                unit);
    }
    free(s);
}

static void
test_length_limit(void)
{
    /* "\\.\mailslot\" is 13 bytes, so 242 path bytes reach 255. */
    CHECK_EQ(MAILSLOT__NAME_MAX, 255);
    check_length("\\\\.\\mailslot\\", "a", 242, LOCAL, 255);
    check_length("\\\\.\\mailslot\\", "a", 243, MAILSLOT_ENAME, 0);
    check_length("", "a", 242, LOCAL, 255);
    check_length("", "a", 243, MAILSLOT_ENAME, 0);
    check_length("//hh/mailslot/", "a", 241, REMOTE, 255);
    check_length("//hh/mailslot/", "a", 242, MAILSLOT_ENAME, 0);
    check_length("ab", "/c", 120, LOCAL, 255);
    check_length("ab", "/c", 121, MAILSLOT_ENAME, 0);
    check_length(u8"\u00E9", "a", 240, LOCAL, 255);
    check_length(u8"\u00E9", "a", 241, MAILSLOT_ENAME, 0);
    /* U+0250 (2 bytes) upper-cases to U+2C6F (3 bytes): the canonical
     * form overflows while the display form still fits. */
    check_length("", u8"\u0250", 80, LOCAL, 13 + 240);
    check_length("", u8"\u0250", 81, MAILSLOT_ENAME, 0);
    check_length("//./mailslot/", u8"\u0250", 121, MAILSLOT_ENAME, 0);
    /* U+0131 (2 bytes) shrinks to 'I'; the display form is the bound. */
    check_length("//./mailslot/", u8"\u0131", 121, LOCAL, 13 + 121);
    check_length("//./mailslot/", u8"\u0131", 122, MAILSLOT_ENAME, 0);
    /* An astral character is 4 bytes of UTF-8 but 2 UTF-16 units. */
    check_length("", u8"\U0001F600", 60, LOCAL, 13 + 240);
    check_length("", u8"\U0001F600", 61, MAILSLOT_ENAME, 0);
}

static void
test_utf16_only(void)
{
    static const uint16_t lone_hi[] = {'a', 0xD800, 0};
    static const uint16_t lone_lo[] = {0xDC00, 'a', 0};
    static const uint16_t reversed[] = {'a', 0xDE00, 0xD83D, 0};
    static const uint16_t cut[] = {'a', 0xD83D, '/', 'b', 0};
    static const uint16_t nul_ends[] = {'a', 0, 'b', '*', 0};
    static const uint16_t empty[] = {0};
    char buf[64];
    size_t len = 0;

    CHECK_EQ(mailslot_name_canonical_w(lone_hi, buf, 64, &len), MAILSLOT_ENAME);
    CHECK_EQ(mailslot_name_canonical_w(lone_lo, buf, 64, &len), MAILSLOT_ENAME);
    CHECK_EQ(mailslot_name_canonical_w(reversed, buf, 64, &len),
             MAILSLOT_ENAME);
    CHECK_EQ(mailslot_name_canonical_w(cut, buf, 64, &len), MAILSLOT_ENAME);
    CHECK_EQ(mailslot_name_canonical_w(empty, buf, 64, &len), MAILSLOT_ENAME);
    /* The UTF-16 parser stops at the first NUL. */
    CHECK_EQ(mailslot_name_canonical_w(nul_ends, buf, 64, &len), LOCAL);
    CHECK_STR(buf, "\\\\.\\mailslot\\A");
}

static void
test_arguments_and_buffers(void)
{
    static const uint16_t wname[] = {'a', 0};
    mailslot__name nm;
    char buf[32];
    size_t len = 0;

    CHECK_EQ(mailslot_name_canonical(NULL, buf, 32, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_name_canonical_w(NULL, buf, 32, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_name_canonical("a", NULL, 32, &len), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot__name_parse(NULL, 1, &nm), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot__name_parse("a", 1, NULL), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot__name_parse_w(NULL, &nm), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot__name_parse_w(wname, NULL), MAILSLOT_EINVAL);
    /* "\\.\mailslot\A" is 14 bytes and needs 15 with its NUL. */
    CHECK_EQ(mailslot_name_canonical("a", NULL, 0, &len), MAILSLOT_EBUFFER);
    CHECK_EQ(len, 14);
    len = 0;
    CHECK_EQ(mailslot_name_canonical("a", buf, 14, &len), MAILSLOT_EBUFFER);
    CHECK_EQ(len, 14);
    len = 0;
    CHECK_EQ(mailslot_name_canonical_w(wname, buf, 1, &len), MAILSLOT_EBUFFER);
    CHECK_EQ(len, 14);
    char *exact = malloc(15);
    CHECK_EQ(mailslot_name_canonical("a", exact, 15, NULL), LOCAL);
    CHECK(memcmp(exact, "\\\\.\\mailslot\\A", 15) == 0);
    free(exact);
}

static void
test_upcase(void)
{
    static const uint32_t pairs[][2] = {
        {'a', 'A'},       {'z', 'Z'},         {'A', 'A'},
        {'0', '0'},       {0xE9, 0xC9},       {0xFF, 0x178},
        {0xDF, 0xDF},     {0x1E9E, 0x1E9E},   {0x101, 0x100},
        {0x100, 0x100},   {0x1C4, 0x1C4},     {0x1C5, 0x1C4},
        {0x1C6, 0x1C4},   {0x3C2, 0x3A3},     {0x3C3, 0x3A3},
        {0x131, 'I'},     {0x17F, 'S'},       {0x130, 0x130},
        {0xB5, 0x39C},    {0x250, 0x2C6F},    {0x1D79, 0xA77D},
        {0x430, 0x410},   {0x44F, 0x42F},     {0x450, 0x400},
        {0xFF41, 0xFF21}, {0xFF5A, 0xFF3A},   {0x2170, 0x2160},
        {0x24D0, 0x24B6}, {0x10428, 0x10428}, {0x1F600, 0x1F600},
        {0xFFFF, 0xFFFF},
    };
    int bad = 0;

    for (size_t i = 0; i < sizeof pairs / sizeof pairs[0]; i++) {
        CHECK_EQ(mailslot__upcase(pairs[i][0]), pairs[i][1]);
    }
    /* Upper-casing twice changes nothing more, and stays in the BMP. */
    for (uint32_t cp = 0; cp <= 0xFFFF; cp++) {
        uint32_t u = mailslot__upcase(cp);
        bad += u > 0xFFFF || mailslot__upcase(u) != u;
    }
    CHECK_EQ(bad, 0);
}

int
main(void)
{
    test_tables();
    test_parse_fields();
    test_length_limit();
    test_utf16_only();
    test_arguments_and_buffers();
    test_upcase();
    return testlib_finish();
}
