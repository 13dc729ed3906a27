/*
 * send.c -- "mailslot send": write one message to a slot.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"

static const char send_help[] =
    "usage: mailslot send NAME [OPTIONS] TEXT...\n"
    "       mailslot send NAME [OPTIONS] -\n"
    "\n"
    "Send one message to the mailslot NAME: the TEXT words joined with\n"
    "single spaces, encoded as UTF-8 unless --encoding says otherwise.\n"
    "With \"-\" as the only TEXT the message is all of stdin, sent as raw\n"
    "bytes, or read as UTF-8 text and encoded when --encoding is given.\n"
    "An empty message is sent with \"\" as TEXT.  Use \"--\" before text\n"
    "that starts with \"-\".\n"
    "\n"
    "Options:\n"
    "  -e, --encoding E  encode the text as E: utf-8 (the default),\n"
    "                    utf-16le, ansi or cp1252\n"
    "      --nul         append a NUL terminator (two bytes for utf-16le)\n"
    "  -l, --lines       send each line of stdin as one message, as soon\n"
    "                    as it is read (no TEXT, or \"-\"); a line ends at\n"
    "                    LF or CRLF, and the end is not sent; an empty\n"
    "                    line is an empty message\n"
    "  -0, --null        with --lines: messages end at NUL bytes instead,\n"
    "                    so one may span lines (what listen -0 writes)\n"
    "  -h, --help        show this help\n"
    "\n"
    "Exit status: 0 sent, 3 no such mailslot (not_found), 2 usage error\n"
    "(nothing sent), 1 any other error.  With --lines, the lines before\n"
    "a failing one have been sent.\n";

/* Option indexes into send_opts. */
enum { OPT_ENCODING, OPT_NUL, OPT_LINES, OPT_NULL, NUM_OPTS };

static const cli_option send_opts[NUM_OPTS] = {
    { "encoding", 1, 'e' },
    { "nul", 0, 0 },
    { "lines", 0, 'l' },
    { "null", 0, '0' },
};

typedef struct send_config {
    const char *name;
    int encoding;   /* MAILSLOT_ENC_*, or -1 when --encoding is absent */
    int flags;      /* MAILSLOT_TEXT_NUL or 0 */
    char **words;   /* the TEXT words */
    int nwords;
    int from_stdin; /* TEXT is the single word "-", or --lines */
    int lines;      /* --lines: one message per line of stdin */
    int separator;  /* with --lines: '\n' or, for --null, '\0' */
} send_config;

/* A message or text being built. */
typedef struct buffer {
    char *data;
    size_t len;
} buffer;

/* Read --lines and --null: which words are TEXT, and how stdin is cut. */
static int
parse_lines(const cli_args *args, send_config *cfg)
{
    cfg->lines = args->value[OPT_LINES] != NULL;
    cfg->separator = args->value[OPT_NULL] != NULL ? '\0' : '\n';
    if (args->value[OPT_NULL] != NULL && !cfg->lines)
        return cli_usage_error("send", "--null (-0) splits stdin into "
            "messages and needs --lines (-l); --nul appends a terminator");
    if (!cfg->lines && args->npos == 1)
        return cli_usage_error("send", "missing TEXT (use \"\" to send an "
            "empty message, or \"-\" to read stdin)");
    if (cfg->lines && !(args->npos == 1 || (args->npos == 2 &&
            strcmp(args->pos[1], "-") == 0)))
        return cli_usage_error("send", "--lines (-l) reads stdin and takes "
            "no TEXT, not \"%s\"", args->pos[1]);
    cfg->words = args->pos + 1;
    cfg->nwords = args->npos - 1;
    cfg->from_stdin = cfg->lines ||
        (cfg->nwords == 1 && strcmp(cfg->words[0], "-") == 0);
    return CLI_OK;
}

static int
parse_config(int argc, char **argv, send_config *cfg)
{
    cli_args args;
    const char *enc;
    int rc = cli_parse("send", argc, argv, send_opts, NUM_OPTS,
        &args);

    if (rc != CLI_OK)
        return rc;
    if (args.npos == 0)
        return cli_usage_error("send", "missing mailslot NAME");
    cfg->name = args.pos[0];
    rc = parse_lines(&args, cfg);
    if (rc != CLI_OK)
        return rc;
    cfg->flags = args.value[OPT_NUL] != NULL ? MAILSLOT_TEXT_NUL : 0;
    cfg->encoding = -1;
    enc = args.value[OPT_ENCODING];
    if (enc != NULL) {
        cfg->encoding = cli_parse_encoding("send", enc);
        if (cfg->encoding < 0)
            return CLI_USAGE;
        if (cfg->encoding == MAILSLOT_ENC_AUTO)
            return cli_usage_error("send",
                "--encoding auto is only for reading");
    }
    return CLI_OK;
}

/* Join the TEXT words with single spaces into OUT. */
static int
join_words(const send_config *cfg, buffer *out)
{
    size_t total = 0, n;
    int i;

    for (i = 0; i < cfg->nwords; i++)
        total += strlen(cfg->words[i]) + 1;
    out->data = malloc(total);
    if (out->data == NULL)
        return MAILSLOT_ENOMEM;
    out->len = 0;
    for (i = 0; i < cfg->nwords; i++) {
        if (i > 0)
            out->data[out->len++] = ' ';
        n = strlen(cfg->words[i]);
        memcpy(out->data + out->len, cfg->words[i], n);
        out->len += n;
    }
    return 0;
}

/*
 * Read all of stdin into OUT, keeping one spare byte so that a raw
 * message can take its NUL terminator without another copy.
 */
static int
read_stdin(buffer *out)
{
    size_t cap = 4096, n;
    char *grown;

    out->len = 0;
    out->data = malloc(cap);
    if (out->data == NULL)
        return MAILSLOT_ENOMEM;
    for (;;) {
        n = fread(out->data + out->len, 1, cap - out->len - 1, stdin);
        out->len += n;
        if (n == 0)
            break;
        if (cap - out->len - 1 > 0)
            continue;
        grown = realloc(out->data, cap * 2);
        if (grown == NULL)
            return MAILSLOT_ENOMEM;
        out->data = grown;
        cap *= 2;
    }
    return ferror(stdin) ? MAILSLOT_EOS : 0;
}

/* Encode the UTF-8 TEXT as the message OUT. */
static int
encode_text(const send_config *cfg, const buffer *text, buffer *out)
{
    int enc = cfg->encoding >= 0 ? cfg->encoding : MAILSLOT_ENC_UTF8;
    size_t need = 0;
    int rc;

    rc = mailslot_encode(text->data, text->len, enc, cfg->flags, NULL, 0,
        &need);
    if (rc != 0 && rc != MAILSLOT_EBUFFER)
        return rc;
    out->data = malloc(need > 0 ? need : 1);
    if (out->data == NULL)
        return MAILSLOT_ENOMEM;
    return mailslot_encode(text->data, text->len, enc, cfg->flags,
        out->data, need, &out->len);
}

/*
 * Turn INPUT (read with one spare byte) into the message MSG: stdin
 * without --encoding goes out as raw bytes, in INPUT's own buffer (then
 * MSG->data == INPUT->data); anything else is encoded into a new buffer.
 * Release MSG with free_message().
 */
static int
make_message(const send_config *cfg, buffer *input, buffer *msg)
{
    if (cfg->from_stdin && cfg->encoding < 0) {
        if (cfg->flags & MAILSLOT_TEXT_NUL)
            input->data[input->len++] = '\0';
        *msg = *input;
        return 0;
    }
    return encode_text(cfg, input, msg);
}

static void
free_message(buffer *msg, const buffer *input)
{
    if (msg->data != input->data)
        free(msg->data);
    msg->data = NULL;
}

/* Build the message from the words or stdin.  MSG is always set, so the
 * caller frees it whatever happens. */
static int
build_message(const send_config *cfg, buffer *msg)
{
    buffer input = { NULL, 0 };
    int rc;

    msg->data = NULL;
    msg->len = 0;
    rc = cfg->from_stdin ? read_stdin(&input) : join_words(cfg, &input);
    if (rc == MAILSLOT_EOS) {
        cli_error_errno("send: read stdin", errno != 0 ? errno : EIO);
        free(input.data);
        return CLI_FAIL;
    }
    if (rc == 0)
        rc = make_message(cfg, &input, msg);
    if (msg->data != input.data)
        free(input.data);
    if (rc != 0)
        return cli_error("send", cfg->name, rc);
    return CLI_OK;
}

/* Open the slot and write the message as one write, so it is delivered
 * whole or not at all. */
static int
deliver(const send_config *cfg, const buffer *msg)
{
    mailslot_writer *w = NULL;
    int rc = mailslot_open(cfg->name, NULL, &w);

    if (rc == 0)
        rc = mailslot_write(w, msg->data, msg->len);
    mailslot_writer_free(w);
    if (rc != 0)
        return cli_error("send", cfg->name, rc);
    return CLI_OK;
}

/*
 * Read the next record of stdin into LINE (growing it; *CAP is its size):
 * the bytes up to the separator, which is dropped, as is the CR of a CRLF
 * line end.  Returns 1 for a record, 0 at the end of input, or
 * MAILSLOT_EOS / MAILSLOT_ENOMEM.  One byte is always left spare, for a
 * NUL terminator.
 */
static int
read_record(const send_config *cfg, buffer *line, size_t *cap)
{
    char *grown;
    int c;

    line->len = 0;
    while ((c = getc(stdin)) != EOF && c != cfg->separator) {
        if (line->len + 2 > *cap) {
            grown = realloc(line->data, *cap * 2 + 64);
            if (grown == NULL)
                return MAILSLOT_ENOMEM;
            line->data = grown;
            *cap = *cap * 2 + 64;
        }
        line->data[line->len++] = (char)c;
    }
    if (ferror(stdin))
        return MAILSLOT_EOS;
    if (c == EOF && line->len == 0)
        return 0;
    if (cfg->separator == '\n' && line->len > 0 &&
        line->data[line->len - 1] == '\r')
        line->len--;
    return 1;
}

/* Report that message number N (its line) could not be sent. */
static int
line_error(const send_config *cfg, unsigned long long n, int code)
{
    if (code == MAILSLOT_EOS) {
        cli_error_errno("send: read stdin", errno != 0 ? errno : EIO);
        return CLI_FAIL;
    }
    fprintf(stderr, "mailslot: send \"%s\": message %llu: %s (%s)\n",
        cfg->name, n, mailslot_strerror(code), mailslot_errname(code));
    return cli_exit_status(code);
}

/*
 * send --lines: one message per record of stdin, each written as soon as
 * it is complete, so that "tail -f log | mailslot send NAME -l" works.
 * The slot is opened first, so a missing one fails before stdin is read.
 */
static int
send_lines(const send_config *cfg)
{
    mailslot_writer *w = NULL;
    buffer line = { NULL, 0 }, msg = { NULL, 0 };
    unsigned long long n = 0;
    size_t cap = 256;
    int rc = mailslot_open(cfg->name, NULL, &w);

    if (rc != 0)
        return cli_error("send", cfg->name, rc);
    line.data = malloc(cap);
    rc = line.data != NULL ? 0 : MAILSLOT_ENOMEM;
    while (rc == 0 && (rc = read_record(cfg, &line, &cap)) == 1) {
        n++;
        rc = make_message(cfg, &line, &msg);
        if (rc == 0)
            rc = mailslot_write(w, msg.data, msg.len);
        free_message(&msg, &line);
    }
    mailslot_writer_free(w);
    free(line.data);
    if (rc != 0)
        return line_error(cfg, n, rc);
    return CLI_OK;
}

int
cli_send(int argc, char **argv)
{
    send_config cfg = { 0 };
    buffer msg = { 0 };
    int rc = parse_config(argc, argv, &cfg);

    if (rc == CLI_HELP) {
        fputs(send_help, stdout);
        return cli_flush_stdout();
    }
    if (rc != CLI_OK)
        return rc;
    /* Stdin carries bytes: no CRLF translation, no end at Ctrl-Z. */
    if (cfg.from_stdin)
        cli_binary_stdio(stdin);
    if (cfg.lines)
        return send_lines(&cfg);
    /* The message is complete before the slot is opened, so a text that
     * cannot be encoded sends nothing. */
    rc = build_message(&cfg, &msg);
    if (rc == CLI_OK)
        rc = deliver(&cfg, &msg);
    free(msg.data);
    return rc;
}
