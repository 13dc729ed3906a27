/*
 * test_detect.c -- how often AUTO reads real text right.
 *
 *   test_detect CORPUS [--markdown]
 *
 * CORPUS is tests/text/corpus.tsv (tools/gen_corpus.py: month, day,
 * country and language names from glibc's locales and iso-codes in about
 * 200 languages, plus ASCII text and the known traps).  Every string is
 * written as real writers write it: UTF-8, UTF-16LE, and ANSI
 * (windows-1252 on POSIX, the active code page on Windows) where it can be, each without and with a NUL terminator, never with a
 * BOM; then decoded with AUTO and compared with the original.  The
 * accuracy per writer kind and per script and the confusion between
 * kinds are printed (--markdown: as the tables of docs/text.md), and the
 * test fails below the targets: 99.5 % for every writer kind, 99.9 % for
 * ASCII text, every trap right.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "testlib.h"

#define MAX_TEXT 4096
#define MAX_SCRIPTS 64
#define KINDS 6

static const struct {
    const char *name;
    int encoding;
    int flags;
} kinds[KINDS] = {
    {"UTF-8", MAILSLOT_ENC_UTF8, 0},
    {"UTF-8 + NUL", MAILSLOT_ENC_UTF8, MAILSLOT_TEXT_NUL},
    {"UTF-16LE", MAILSLOT_ENC_UTF16LE, 0},
    {"UTF-16LE + NUL", MAILSLOT_ENC_UTF16LE, MAILSLOT_TEXT_NUL},
    /* The code page AUTO's ANSI reading uses: windows-1252 on POSIX. */
    {"ANSI", MAILSLOT_ENC_ANSI, 0},
    {"ANSI + NUL", MAILSLOT_ENC_ANSI, MAILSLOT_TEXT_NUL},
};

struct tally {
    long right, total;
};

static struct tally by_kind[KINDS];
static long confusion[KINDS][4]; /* [writer kind][detected encoding] */
static struct tally ascii, traps;
static char script_names[MAX_SCRIPTS][32];
static struct tally by_script[MAX_SCRIPTS][KINDS];
static size_t script_count;

/* Undo the corpus escapes (\\, \t, \n) in place; returns the length. */
static size_t
unescape(char *s)
{
    char *out = s;

    for (char *p = s; *p != '\0'; p++) {
        if (*p == '\\' && p[1] != '\0') {
            p++;
            *out++ = *p == 't' ? '\t' : *p == 'n' ? '\n' : *p;
        } else {
            *out++ = *p;
        }
    }
    *out = '\0';
    return (size_t)(out - s);
}

static size_t
script_index(const char *name)
{
    for (size_t i = 0; i < script_count; i++) {
        if (strcmp(script_names[i], name) == 0) {
            return i;
        }
    }
    if (script_count == MAX_SCRIPTS) {
        fprintf(stderr, "too many scripts in the corpus\n");
        exit(2);
    }
    snprintf(script_names[script_count], sizeof script_names[0], "%s",
             name);
    return script_count++;
}

static int
is_ascii(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        if ((unsigned char)s[i] >= 0x80) {
            return 0;
        }
    }
    return 1;
}

/* Writes TEXT as writer kind K, decodes it with AUTO; 1 right, 0 wrong,
 * -1 when the kind cannot write TEXT (ANSI without the characters). */
static int
round_trip(const char *text, size_t n, int k, int *detected)
{
    static unsigned char bytes[4 * MAX_TEXT + 4];
    static char back[4 * MAX_TEXT + 4];
    size_t blen, tlen;

    if (mailslot_encode(text, n, kinds[k].encoding, kinds[k].flags, bytes,
                        sizeof bytes, &blen) != 0) {
        return -1;
    }
    *detected = mailslot_detect_encoding(bytes, blen);
    if (mailslot_decode(bytes, blen, MAILSLOT_ENC_AUTO, 0, back, sizeof back,
                        &tlen) != 0) {
        return 0;
    }
    return tlen == n && memcmp(back, text, n) == 0;
}

static void
add(struct tally *t, int right)
{
    t->total++;
    t->right += right;
}

static void
check_line(char *line, long lineno, int verbose)
{
    char *fields[4];
    char *p = line;

    for (int i = 0; i < 4; i++) {
        fields[i] = p;
        p = strchr(p, i < 3 ? '\t' : '\n');
        if (p == NULL && i < 3) {
            fprintf(stderr, "corpus line %ld: 4 fields expected\n", lineno);
            exit(2);
        }
        if (p != NULL) {
            *p++ = '\0';
        }
    }
    size_t n = unescape(fields[3]);
    size_t script = script_index(fields[1]);
    int ascii_text = is_ascii(fields[3], n);
    int trap = strcmp(fields[2], "trap") == 0;
    for (int k = 0; k < KINDS; k++) {
        int detected = 0;
        int right = round_trip(fields[3], n, k, &detected);
        if (right < 0) {
            continue;
        }
        add(&by_kind[k], right);
        add(&by_script[script][k], right);
        confusion[k][detected]++;
        if (ascii_text) {
            add(&ascii, right);
        }
        if (trap) {
            add(&traps, right);
        }
        if (!right && verbose) {
            fprintf(stderr, "wrong: %s as %s (%s, %s)\n", fields[3],
                    kinds[k].name, fields[0], fields[1]);
        }
    }
}

static double
percent(const struct tally *t)
{
    return t->total ? 100.0 * (double)t->right / (double)t->total : 100.0;
}

static void
print_tables(int markdown)
{
    static const char *enc_names[4] = {"", "UTF-8", "UTF-16LE", "ANSI"};
    const char *sep = markdown ? " | " : "  ";

    printf("%sWriter kind%sStrings%sRight%sRead as UTF-8%sas UTF-16LE%s"
           "as ANSI%s\n", markdown ? "| " : "", sep, sep, sep, sep, sep,
           markdown ? " |" : "");
    if (markdown) {
        printf("|---|---:|---:|---:|---:|---:|\n");
    }
    for (int k = 0; k < KINDS; k++) {
        printf("%s%s%s%ld%s%.2f %%", markdown ? "| " : "", kinds[k].name,
               sep, by_kind[k].total, sep, percent(&by_kind[k]));
        for (int e = 1; e < 4; e++) {
            printf("%s%ld", sep, confusion[k][e]);
        }
        printf("%s\n", markdown ? " |" : "");
    }
    (void)enc_names;
    printf("\n%sScript%sStrings", markdown ? "| " : "", sep);
    for (int k = 0; k < KINDS; k++) {
        printf("%s%s", sep, kinds[k].name);
    }
    printf("%s\n", markdown ? " |" : "");
    if (markdown) {
        printf("|---|---:|---:|---:|---:|---:|---:|---:|\n");
    }
    for (size_t s = 0; s < script_count; s++) {
        printf("%s%s%s%ld", markdown ? "| " : "", script_names[s], sep,
               by_script[s][0].total);
        for (int k = 0; k < KINDS; k++) {
            if (by_script[s][k].total == 0) {
                printf("%s-", sep);
            } else {
                printf("%s%.1f %%", sep, percent(&by_script[s][k]));
            }
        }
        printf("%s\n", markdown ? " |" : "");
    }
    printf("\nASCII text: %.2f %% of %ld; traps: %ld of %ld right\n",
           percent(&ascii), ascii.total, traps.right, traps.total);
}

/*
 * The scorer looks at a window at the start of each reading; what the
 * whole message says about UTF-8 still counts: a long ASCII start followed
 * by windows-1252 is ANSI, followed by UTF-8 is UTF-8.
 */
static void
check_long_messages(void)
{
    static unsigned char msg[2000];
    size_t n = 1000;

    for (size_t i = 0; i < n; i++) {
        msg[i] = (unsigned char)"status ok; "[i % 11];
    }
    memcpy(msg + n, "caf\xE9!", 5);
    CHECK_EQ(mailslot_detect_encoding(msg, n + 5), MAILSLOT_ENC_ANSI);
    memcpy(msg + n, "caf\xC3\xA9", 5);
    CHECK_EQ(mailslot_detect_encoding(msg, n + 5), MAILSLOT_ENC_UTF8);
    memcpy(msg + n, "caf\xC3\xA9!\xE9", 7);
    CHECK_EQ(mailslot_detect_encoding(msg, n + 7), MAILSLOT_ENC_ANSI);
}

int
main(int argc, char **argv)
{
    static char line[4 * MAX_TEXT];
    int markdown = argc > 2 && strcmp(argv[2], "--markdown") == 0;
    int verbose = argc > 2 && strcmp(argv[2], "--verbose") == 0;
    long lineno = 0, strings = 0;
    FILE *f;

    if (argc < 2 || (f = fopen(argv[1], "r")) == NULL) {
        fprintf(stderr, "usage: test_detect CORPUS [--markdown|--verbose]\n");
        return 2;
    }
    while (fgets(line, sizeof line, f) != NULL) {
        lineno++;
        if (line[0] == '#' || line[0] == '\n') {
            continue;
        }
        check_line(line, lineno, verbose);
        strings++;
    }
    fclose(f);
    print_tables(markdown);
    CHECK(strings >= 5000);
    CHECK(script_count >= 30);
    for (int k = 0; k < KINDS; k++) {
        if (percent(&by_kind[k]) < 99.5) {
            fprintf(stderr, "below 99.5 %%: %s\n", kinds[k].name);
        }
        CHECK(percent(&by_kind[k]) >= 99.5);
    }
    CHECK(percent(&ascii) >= 99.9);
    CHECK(traps.total > 0 && traps.right == traps.total);
    check_long_messages();
    return testlib_finish();
}
