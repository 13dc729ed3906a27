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
    "  --encoding E   encode the text as E: utf-8 (the default), utf-16le,\n"
    "                 ansi\n"
    "  --nul          append a NUL terminator (two bytes for utf-16le)\n"
    "  -h, --help     show this help\n";

/* Option indexes into send_opts. */
enum { OPT_ENCODING, OPT_NUL, NUM_OPTS };

static const cli_option send_opts[NUM_OPTS] = {
    { "encoding", 1 },
    { "nul", 0 },
};

typedef struct send_config {
    const char *name;
    int encoding;   /* MAILSLOT_ENC_*, or -1 when --encoding is absent */
    int flags;      /* MAILSLOT_TEXT_NUL or 0 */
    char **words;   /* the TEXT words */
    int nwords;
    int from_stdin; /* TEXT is the single word "-" */
} send_config;

/* A message or text being built. */
typedef struct buffer {
    char *data;
    size_t len;
} buffer;

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
    if (args.npos == 1)
        return cli_usage_error("send", "missing TEXT (use \"\" to send an "
            "empty message, or \"-\" to read stdin)");
    cfg->name = args.pos[0];
    cfg->words = args.pos + 1;
    cfg->nwords = args.npos - 1;
    cfg->from_stdin = cfg->nwords == 1 && strcmp(cfg->words[0], "-") == 0;
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
    if (rc == 0 && cfg->from_stdin && cfg->encoding < 0) {
        /* Raw bytes from stdin go out untouched (read_stdin kept room
         * for the terminator). */
        if (cfg->flags & MAILSLOT_TEXT_NUL)
            input.data[input.len++] = '\0';
        *msg = input;
        return CLI_OK;
    }
    if (rc == 0)
        rc = encode_text(cfg, &input, msg);
    free(input.data);
    if (rc != 0) {
        cli_error("send", cfg->name, rc);
        return CLI_FAIL;
    }
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
    if (rc != 0) {
        cli_error("send", cfg->name, rc);
        return CLI_FAIL;
    }
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
    /* The message is complete before the slot is opened, so a text that
     * cannot be encoded sends nothing. */
    rc = build_message(&cfg, &msg);
    if (rc == CLI_OK)
        rc = deliver(&cfg, &msg);
    free(msg.data);
    return rc;
}
