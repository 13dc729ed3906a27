/*
 * listen.c -- "mailslot listen": create a slot and print its messages.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"

static const char listen_help[] =
    "usage: mailslot listen NAME [OPTIONS]\n"
    "\n"
    "Create the mailslot NAME and print each message as it arrives, as\n"
    "UTF-8 text followed by a newline.  Stop with Ctrl-C.\n"
    "\n"
    "Options:\n"
    "  --raw              write the exact message bytes, with no newline\n"
    "  --hex              print the bytes in lowercase hex, one line each\n"
    "  --encoding E       decode messages as E: auto (the default: weigh\n"
    "                     UTF-8, UTF-16LE and ANSI and pick the most\n"
    "                     plausible), utf-8, utf-16le, ansi or cp1252;\n"
    "                     a named encoding is never second-guessed\n"
    "  --inspect          show how auto reads each message: size, hex,\n"
    "                     every reading with its cost, the pick and why\n"
    "  --count N          exit after N messages\n"
    "  --timeout S        fail if no message arrives within S seconds\n"
    "                     (fractions allowed; counted per message)\n"
    "  --max-size BYTES   refuse messages longer than BYTES (0 = any)\n"
    "  --ready FILE       create FILE once the mailslot exists\n"
    "  --origin           start each line with where the message came from:\n"
    "                     \"[local] \" or, for messages from the network\n"
    "                     (mailslot bridge), \"[NAME<xx> ADDRESS:PORT to\n"
    "                     DEST<xx>] \"\n"
    "  -h, --help         show this help\n";

/* Option indexes into listen_opts. */
enum {
    OPT_RAW,
    OPT_HEX,
    OPT_ENCODING,
    OPT_COUNT,
    OPT_TIMEOUT,
    OPT_MAX_SIZE,
    OPT_READY,
    OPT_ORIGIN,
    OPT_INSPECT,
    NUM_OPTS
};

static const cli_option listen_opts[NUM_OPTS] = {
    { "raw", 0 },
    { "hex", 0 },
    { "encoding", 1 },
    { "count", 1 },
    { "timeout", 1 },
    { "max-size", 1 },
    { "ready", 1 },
    { "origin", 0 },
    { "inspect", 0 },
};

/* How each message is written to stdout. */
enum output_mode { OUT_TEXT, OUT_RAW, OUT_HEX, OUT_INSPECT };

typedef struct listen_config {
    const char *name;
    enum output_mode mode;
    int encoding;             /* for OUT_TEXT */
    unsigned long long count; /* messages to print; 0 = no limit */
    int32_t timeout_ms;       /* per message; -1 = wait forever */
    uint32_t max_size;        /* 0 = any */
    const char *ready;        /* file to create, or NULL */
    int origin;               /* print where each message came from */
} listen_config;

/* Pick the output mode; --raw, --hex, --inspect and --encoding exclude
 * each other. */
static int
parse_mode(const cli_args *args, listen_config *cfg)
{
    int given = (args->value[OPT_RAW] != NULL) +
        (args->value[OPT_HEX] != NULL) +
        (args->value[OPT_INSPECT] != NULL) +
        (args->value[OPT_ENCODING] != NULL);

    if (given > 1)
        return cli_usage_error("listen",
            "--raw, --hex, --inspect and --encoding exclude each other");
    cfg->mode = OUT_TEXT;
    cfg->encoding = MAILSLOT_ENC_AUTO;
    if (args->value[OPT_RAW] != NULL)
        cfg->mode = OUT_RAW;
    if (args->value[OPT_HEX] != NULL)
        cfg->mode = OUT_HEX;
    if (args->value[OPT_INSPECT] != NULL)
        cfg->mode = OUT_INSPECT;
    if (args->value[OPT_ENCODING] != NULL) {
        cfg->encoding = cli_parse_encoding("listen",
            args->value[OPT_ENCODING]);
        if (cfg->encoding < 0)
            return CLI_USAGE;
    }
    return CLI_OK;
}

/* Read --count, --timeout and --max-size. */
static int
parse_numbers(const cli_args *args, listen_config *cfg)
{
    const char *v;
    unsigned long long size;

    cfg->count = 0;
    v = args->value[OPT_COUNT];
    if (v != NULL && cli_parse_uint(v, 1, ULLONG_MAX, &cfg->count) != 0)
        return cli_usage_error("listen",
            "--count needs a positive whole number, not \"%s\"", v);
    cfg->timeout_ms = MAILSLOT_TIMEOUT_FOREVER;
    v = args->value[OPT_TIMEOUT];
    if (v != NULL && cli_parse_seconds(v, &cfg->timeout_ms) != 0)
        return cli_usage_error("listen",
            "--timeout needs a number of seconds, not \"%s\"", v);
    size = 0;
    v = args->value[OPT_MAX_SIZE];
    if (v != NULL && cli_parse_uint(v, 0, UINT32_MAX, &size) != 0)
        return cli_usage_error("listen",
            "--max-size needs a number of bytes, not \"%s\"", v);
    cfg->max_size = (uint32_t)size;
    return CLI_OK;
}

static int
parse_config(int argc, char **argv, listen_config *cfg)
{
    cli_args args;
    int rc = cli_parse("listen", argc, argv, listen_opts,
        NUM_OPTS, &args);

    if (rc != CLI_OK)
        return rc;
    if (args.npos == 0)
        return cli_usage_error("listen", "missing mailslot NAME");
    if (args.npos > 1)
        return cli_usage_error("listen", "unexpected argument \"%s\"",
            args.pos[1]);
    cfg->name = args.pos[0];
    cfg->ready = args.value[OPT_READY];
    cfg->origin = args.value[OPT_ORIGIN] != NULL;
    rc = parse_mode(&args, cfg);
    if (rc == CLI_OK)
        rc = parse_numbers(&args, cfg);
    return rc;
}

/* Tell a waiting script that the slot exists by creating the file. */
static int
signal_ready(const char *path)
{
    FILE *f = fopen(path, "w");

    if (f == NULL || fclose(f) != 0) {
        fprintf(stderr, "mailslot: listen: --ready \"%s\": %s (%s)\n", path,
            strerror(errno), mailslot_errname(MAILSLOT_EOS));
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* Decode a message as text and print it on one line. */
static int
print_text(const listen_config *cfg, const void *data, size_t len)
{
    size_t need = 0;
    char *text;
    int rc;

    rc = mailslot_decode(data, len, cfg->encoding, 0, NULL, 0, &need);
    if (rc != 0 && rc != MAILSLOT_EBUFFER) {
        cli_error("listen", cfg->name, rc);
        return CLI_FAIL;
    }
    text = malloc(need + 1);
    if (text == NULL) {
        cli_error("listen", cfg->name, MAILSLOT_ENOMEM);
        return CLI_FAIL;
    }
    rc = mailslot_decode(data, len, cfg->encoding, 0, text, need + 1, &need);
    if (rc != 0) {
        free(text);
        cli_error("listen", cfg->name, rc);
        return CLI_FAIL;
    }
    fwrite(text, 1, need, stdout);
    putchar('\n');
    free(text);
    return CLI_OK;
}

static void
print_hex(const void *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    size_t i;

    for (i = 0; i < len; i++) {
        putchar(digits[p[i] >> 4]);
        putchar(digits[p[i] & 15]);
    }
    putchar('\n');
}

/* Write one message in the chosen form, and flush so that a pipe sees
 * each message as soon as it arrives. */
static int
print_message(const listen_config *cfg, const void *data, size_t len)
{
    if (cfg->mode == OUT_RAW) {
        fwrite(data, 1, len, stdout);
    } else if (cfg->mode == OUT_HEX) {
        print_hex(data, len);
    } else if (cfg->mode == OUT_INSPECT) {
        if (cli_inspect(cfg->name, data, len) != CLI_OK)
            return CLI_FAIL;
    } else if (print_text(cfg, data, len) != CLI_OK) {
        return CLI_FAIL;
    }
    return cli_flush_stdout();
}

/* Print the origin of a message, as a prefix. */
static void
print_origin(const mailslot_origin *o)
{
    if (o->remote)
        printf("[%s<%02x> %s:%u to %s<%02x>] ", o->source_name,
            o->source_suffix, o->source_addr, o->source_port, o->dest_name,
            o->dest_suffix);
    else
        printf("[local] ");
}

/*
 * Wait for the next message.  A signal that does not kill the process
 * (say, a stop and continue) only interrupts the wait, so it is resumed;
 * the timeout then starts again, as standard C offers no fine clock.
 */
static int
next_message(mailslot_reader *r, const listen_config *cfg, void **data,
    size_t *len)
{
    mailslot_origin o;
    int rc;

    memset(&o, 0, sizeof o);
    o.size = sizeof o;
    do
        rc = mailslot_read_alloc_ex(r, data, len, cfg->timeout_ms,
            cfg->origin ? &o : NULL);
    while (rc == MAILSLOT_EINTR);
    if (rc != 0)
        cli_error("listen", cfg->name, rc);
    else if (cfg->origin)
        print_origin(&o);
    return rc == 0 ? CLI_OK : CLI_FAIL;
}

static int
listen_loop(mailslot_reader *r, const listen_config *cfg)
{
    unsigned long long done;
    void *data;
    size_t len;
    int rc;

    for (done = 0; cfg->count == 0 || done < cfg->count; done++) {
        rc = next_message(r, cfg, &data, &len);
        if (rc != CLI_OK)
            return rc;
        rc = print_message(cfg, data, len);
        mailslot_free(data);
        if (rc != CLI_OK)
            return rc;
    }
    return CLI_OK;
}

int
cli_listen(int argc, char **argv)
{
    mailslot_options opts = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *r = NULL;
    listen_config cfg;
    int rc = parse_config(argc, argv, &cfg);

    if (rc == CLI_HELP) {
        fputs(listen_help, stdout);
        return cli_flush_stdout();
    }
    if (rc != CLI_OK)
        return rc;
    opts.max_message_size = cfg.max_size;
    rc = mailslot_create(cfg.name, &opts, &r);
    if (rc != 0) {
        cli_error("listen", cfg.name, rc);
        return CLI_FAIL;
    }
    rc = cfg.ready != NULL ? signal_ready(cfg.ready) : CLI_OK;
    if (rc == CLI_OK)
        rc = listen_loop(r, &cfg);
    mailslot_reader_free(r);
    return rc;
}
