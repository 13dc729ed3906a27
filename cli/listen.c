/*
 * listen.c -- "mailslot listen": its options, and the loop that creates
 * a slot and hands each message to listen_output() (listen_out.c).
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"
#include "listen.h"

static const char listen_help[] =
    "usage: mailslot listen NAME [OPTIONS]\n"
    "\n"
    "Create the mailslot NAME and print each message as it arrives, as\n"
    "UTF-8 text followed by a newline.  Stop with Ctrl-C.\n"
    "\n"
    "Options:\n"
    "  -r, --raw            write the exact message bytes, with no newline\n"
    "                       (binary on Windows: no CRLF translation)\n"
    "  -x, --hex            print the bytes in lowercase hex, one line each\n"
    "  -e, --encoding E     decode messages as E: auto (the default: weigh\n"
    "                       UTF-8, UTF-16LE and ANSI and pick the most\n"
    "                       plausible), utf-8, utf-16le, ansi or cp1252;\n"
    "                       a named encoding is never second-guessed;\n"
    "                       bytes that are not valid in it become U+FFFD\n"
    "  -j, --json           print one JSON object per message, on one line:\n"
    "                       slot, time (arrival, UTC), size (bytes), origin\n"
    "                       ({\"remote\":false}, or the sender's NetBIOS\n"
    "                       names, address and port), encoding and text;\n"
    "                       with --raw, encoding \"base64\" and base64\n"
    "  -0, --null           end each message with a NUL byte instead of a\n"
    "                       newline, so a message of several lines stays\n"
    "                       one record (for xargs -0, send --lines -0)\n"
    "      --exec CMD       run CMD with the shell once per message, one at\n"
    "                       a time, with the message on its stdin (its text\n"
    "                       as UTF-8, or with --raw its bytes) and, in its\n"
    "                       environment, MAILSLOT_SLOT, MAILSLOT_SIZE,\n"
    "                       MAILSLOT_ENCODING (\"binary\" with --raw),\n"
    "                       MAILSLOT_TIME, MAILSLOT_ORIGIN (local or\n"
    "                       remote) and, for remote messages,\n"
    "                       MAILSLOT_SOURCE_NAME, _SOURCE_SUFFIX,\n"
    "                       _SOURCE_ADDR, _SOURCE_PORT, _DEST_NAME and\n"
    "                       _DEST_SUFFIX.  CMD's output is not touched.\n"
    "                       A CMD that fails (non-zero exit status) is\n"
    "                       reported on stderr and listen goes on; it does\n"
    "                       not change listen's exit status\n"
    "      --inspect        show how auto reads each message: size, hex,\n"
    "                       every reading with its cost, the pick and why\n"
    "  -n, --count N        exit after N messages\n"
    "  -t, --timeout S      fail if no message arrives within S seconds\n"
    "                       (fractions allowed; counted per message)\n"
    "  -m, --max-size BYTES refuse messages longer than BYTES (0 = any)\n"
    "  -a, --access WHO     who may write: user (the default: this user\n"
    "                       only), all (every local user, as on Windows)\n"
    "                       or group:NAME (that group's members; Linux);\n"
    "                       see \"Shared slots\" in the README\n"
    "      --ready FILE     create FILE once the mailslot exists\n"
    "  -o, --origin         start each line with where the message came\n"
    "                       from: \"[local] \" or, for messages from the\n"
    "                       network (mailslot bridge), \"[NAME<xx>\n"
    "                       ADDRESS:PORT to DEST<xx>] \" (--json always\n"
    "                       has the origin)\n"
    "  -h, --help           show this help\n"
    "\n"
    "--raw, --hex, --inspect and --encoding exclude each other; --json\n"
    "goes with --raw or --encoding, not --hex or --inspect; -0 not with\n"
    "--raw or --inspect; --exec with --raw or --encoding only.\n"
    "\n"
    "Exit status: 0 after --count messages, 124 when --timeout passed\n"
    "(timeout), 4 when NAME already has a reader (exists), 2 usage error\n"
    "(nothing was created), 1 any other error.\n";

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
    OPT_JSON,
    OPT_NULL,
    OPT_EXEC,
    OPT_ACCESS,
    NUM_OPTS
};

static const cli_option listen_opts[NUM_OPTS] = {
    { "raw", 0, 'r' },
    { "hex", 0, 'x' },
    { "encoding", 1, 'e' },
    { "count", 1, 'n' },
    { "timeout", 1, 't' },
    { "max-size", 1, 'm' },
    { "ready", 1, 0 },
    { "origin", 0, 'o' },
    { "inspect", 0, 0 },
    { "json", 0, 'j' },
    { "null", 0, '0' },
    { "exec", 1, 0 },
    { "access", 1, 'a' },
};

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

/*
 * Read --json, --null and --exec, and refuse the combinations that make
 * no sense: a JSON object has no hex or report form, a raw message or a
 * report has no one-record form for -0, and --exec hands the message to
 * CMD rather than printing it.
 */
static int
parse_forms(const cli_args *args, listen_config *cfg)
{
    const char *exec = args->value[OPT_EXEC];

    cfg->json = args->value[OPT_JSON] != NULL;
    cfg->separator = args->value[OPT_NULL] != NULL ? '\0' : '\n';
    cfg->exec = exec;
    if (cfg->json && (cfg->mode == OUT_HEX || cfg->mode == OUT_INSPECT))
        return cli_usage_error("listen", "--json (-j) goes with --raw or "
            "--encoding, not --hex or --inspect");
    if (cfg->separator == '\0' && !cfg->json &&
        (cfg->mode == OUT_RAW || cfg->mode == OUT_INSPECT))
        return cli_usage_error("listen", "--null (-0) ends each record "
            "with NUL; --raw and --inspect have no records");
    if (exec == NULL)
        return CLI_OK;
    if (exec[0] == '\0')
        return cli_usage_error("listen", "--exec needs a command, not \"\"");
    if (cfg->json || cfg->separator == '\0' || cfg->origin ||
        cfg->mode == OUT_HEX || cfg->mode == OUT_INSPECT)
        return cli_usage_error("listen", "--exec gives CMD the message and "
            "its details itself; it goes with --raw or --encoding only");
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
    v = args->value[OPT_ACCESS];
    cfg->access = v;
    if (v != NULL && strcmp(v, "user") != 0 && strcmp(v, "all") != 0 &&
        (strncmp(v, "group:", 6) != 0 || v[6] == '\0'))
        return cli_usage_error("listen",
            "--access needs user, all or group:NAME, not \"%s\"", v);
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
        rc = parse_forms(&args, cfg);
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

/*
 * Wait for the next message.  A signal that does not kill the process
 * (say, a stop and continue) only interrupts the wait, so it is resumed;
 * the timeout then starts again, as standard C offers no fine clock.
 */
static int
next_message(mailslot_reader *r, const listen_config *cfg, void **data,
    size_t *len, mailslot_origin *o)
{
    int rc;

    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    do
        rc = mailslot_read_alloc_ex(r, data, len, cfg->timeout_ms, o);
    while (rc == MAILSLOT_EINTR);
    return rc == 0 ? CLI_OK : cli_error("listen", cfg->name, rc);
}

static int
listen_loop(mailslot_reader *r, const listen_config *cfg)
{
    unsigned long long done;
    mailslot_origin origin;
    void *data;
    size_t len;
    int rc;

    for (done = 0; cfg->count == 0 || done < cfg->count; done++) {
        rc = next_message(r, cfg, &data, &len, &origin);
        if (rc != CLI_OK)
            return rc;
        rc = listen_output(cfg, data, len, &origin);
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
    opts.access = cfg.access;
    rc = mailslot_create(cfg.name, &opts, &r);
    if (rc != 0)
        return cli_error("listen", cfg.name, rc);
    /* Raw bytes and NUL-separated records are data, not text lines: on
     * Windows they must not gain a CR before each LF. */
    if (cfg.mode == OUT_RAW || cfg.separator == '\0')
        cli_binary_stdio(stdout);
    rc = cfg.ready != NULL ? signal_ready(cfg.ready) : CLI_OK;
    if (rc == CLI_OK)
        rc = listen_loop(r, &cfg);
    mailslot_reader_free(r);
    return rc;
}
