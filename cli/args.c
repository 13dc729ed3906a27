/*
 * args.c -- a tiny command-line parser for the mailslot program.
 *
 * getopt_long() is not part of standard C and MinGW's default runtime does
 * not promise it, so the program parses its few options by hand, long
 * ("--count 3", "--count=3") and short ("-n 3", "-n3", bundled "-rn3").
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"

/* The index of the option called NAME (LEN bytes) in OPTS, or -1. */
static int
find_option(const cli_option *opts, size_t nopts, const char *name,
    size_t len)
{
    size_t i;

    for (i = 0; i < nopts; i++) {
        if (strlen(opts[i].name) == len &&
            memcmp(opts[i].name, name, len) == 0)
            return (int)i;
    }
    return -1;
}

/*
 * Take the long option at ARGV[*I] and, when it needs one, its value
 * (after "=" or in the next word, which *I then skips).
 */
static int
take_option(const char *cmd, int argc, char **argv, int *i,
    const cli_option *opts, size_t nopts, cli_args *out)
{
    const char *name = argv[*i] + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    int k = find_option(opts, nopts, name, len);

    if (k < 0)
        return cli_usage_error(cmd, "unknown option \"%s\"", argv[*i]);
    if (!opts[k].has_value) {
        if (eq != NULL)
            return cli_usage_error(cmd, "option \"--%s\" takes no value",
                opts[k].name);
        out->value[k] = "";
    } else if (eq != NULL) {
        out->value[k] = eq + 1;
    } else if (*i + 1 < argc) {
        *i += 1;
        out->value[k] = argv[*i];
    } else {
        return cli_usage_error(cmd, "option \"--%s\" needs a value",
            opts[k].name);
    }
    return CLI_OK;
}

/* The index of the option whose short form is C in OPTS, or -1. */
static int
find_short(const cli_option *opts, size_t nopts, char c)
{
    size_t i;

    for (i = 0; i < nopts; i++) {
        if (opts[i].short_name != 0 && opts[i].short_name == c)
            return (int)i;
    }
    return -1;
}

/*
 * Take the short options bundled in ARGV[*I] ("-r", "-rn3", "-n 3"): flags
 * one after another, and an option with a value takes the rest of the word
 * or, when nothing is left, the next word (which *I then skips).
 */
static int
take_short(const char *cmd, int argc, char **argv, int *i,
    const cli_option *opts, size_t nopts, cli_args *out)
{
    const char *p = argv[*i] + 1;
    int k;

    for (; *p != '\0'; p++) {
        if (*p == 'h')
            return CLI_HELP;
        k = find_short(opts, nopts, *p);
        if (k < 0)
            return cli_usage_error(cmd, "unknown option \"-%c\"", *p);
        if (!opts[k].has_value) {
            out->value[k] = "";
        } else if (p[1] != '\0') {
            out->value[k] = p + 1;
            return CLI_OK;
        } else if (*i + 1 < argc) {
            *i += 1;
            out->value[k] = argv[*i];
            return CLI_OK;
        } else {
            return cli_usage_error(cmd, "option \"-%c\" (--%s) needs a "
                "value", *p, opts[k].name);
        }
    }
    return CLI_OK;
}

int
cli_parse(const char *cmd, int argc, char **argv, const cli_option *opts,
    size_t nopts, cli_args *out)
{
    int only_positional = 0;
    int i, rc;

    memset(out, 0, sizeof *out);
    out->pos = argv;
    for (i = 0; i < argc; i++) {
        char *arg = argv[i];

        /* A lone "-" means stdin, so it is a positional argument.  The
         * write index never passes I, so compacting in place is safe. */
        if (only_positional || arg[0] != '-' || arg[1] == '\0') {
            argv[out->npos++] = arg;
            continue;
        }
        if (strcmp(arg, "--") == 0) {
            only_positional = 1;
            continue;
        }
        if (strcmp(arg, "--help") == 0)
            return CLI_HELP;
        if (arg[1] == '-')
            rc = take_option(cmd, argc, argv, &i, opts, nopts, out);
        else
            rc = take_short(cmd, argc, argv, &i, opts, nopts, out);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

int
cli_parse_uint(const char *s, unsigned long long min, unsigned long long max,
    unsigned long long *out)
{
    unsigned long long v;
    char *end;

    /* strtoull() would accept a sign and leading blanks; a count or a
     * size written that way is more likely a mistake than intended. */
    if (s[0] < '0' || s[0] > '9')
        return -1;
    errno = 0;
    v = strtoull(s, &end, 10);
    if (errno != 0 || *end != '\0' || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

int
cli_parse_seconds(const char *s, int32_t *ms)
{
    double v, x;
    char *end;

    if ((s[0] < '0' || s[0] > '9') && s[0] != '.')
        return -1;
    v = strtod(s, &end);
    if (*end != '\0' || !(v >= 0.0))
        return -1;
    x = v * 1000.0 + 0.5;
    if (x >= (double)INT32_MAX)
        *ms = INT32_MAX;
    else
        *ms = (int32_t)x;
    /* A tiny positive timeout still waits a little rather than polling. */
    if (*ms == 0 && v > 0.0)
        *ms = 1;
    return 0;
}

int
cli_parse_encoding(const char *cmd, const char *s)
{
    int enc = mailslot_encoding_from_name(s);

    if (enc < 0) {
        cli_usage_error(cmd, "unknown encoding \"%s\" (use auto, utf-8, "
            "utf-16le, ansi or cp1252)", s);
        return -1;
    }
    return enc;
}

void
cli_print_text(const char *text, size_t n, int quoted)
{
    const unsigned char *p = (const unsigned char *)text;

    if (quoted)
        putchar('"');
    for (size_t i = 0; i < n; i++) {
        unsigned c = p[i];
        if (quoted && (c == '"' || c == '\\')) {
            printf("\\%c", c);
        } else if ((c < 0x20 && (quoted || c != '\n')) || c == 0x7F) {
            printf("\\x%02x", c);
        } else if (c == 0xC2 && i + 1 < n && p[i + 1] >= 0x80 &&
                   p[i + 1] <= 0x9F) {
            printf("\\u%04x", p[++i]); /* C1 controls */
        } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x80 &&
                   ((p[i + 2] >= 0x8E && p[i + 2] <= 0x8F) ||
                    (p[i + 2] >= 0xAA && p[i + 2] <= 0xAE))) {
            printf("\\u20%02x", p[i + 2] - 0x80); /* bidi marks, overrides */
            i += 2;
        } else if (c == 0xE2 && i + 2 < n && p[i + 1] == 0x81 &&
                   p[i + 2] >= 0xA6 && p[i + 2] <= 0xA9) {
            printf("\\u20%02x", p[i + 2] - 0x40); /* bidi isolates */
            i += 2;
        } else {
            putchar((int)c);
        }
    }
    if (quoted)
        putchar('"');
}
