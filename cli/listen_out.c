/*
 * listen_out.c -- how "mailslot listen" hands on each message: as a line
 * of text (or hex), as one JSON object, as raw bytes, as an --inspect
 * report, or to an --exec command with its details in the environment.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"
#include "listen.h"

/* One message and what listen knows about it. */
typedef struct message {
    const void *data;
    size_t len;
    const mailslot_origin *origin;
    char time[32];  /* arrival, UTC, ISO 8601 */
    char *text;     /* UTF-8 text, unless --raw */
    size_t text_len;
    int encoding;   /* what TEXT was decoded from */
} message;

/*
 * Decode M's bytes into M->text with the --encoding of CFG, invalid parts
 * becoming U+FFFD, and tell which encoding that was (the pick of auto).
 */
static int
decode_text(const listen_config *cfg, message *m)
{
    size_t need = 0;
    int rc;

    m->encoding = cfg->encoding != MAILSLOT_ENC_AUTO ? cfg->encoding :
        mailslot_detect_encoding(m->data, m->len);
    rc = mailslot_decode(m->data, m->len, m->encoding, 0, NULL, 0, &need);
    if (rc != 0 && rc != MAILSLOT_EBUFFER)
        return rc;
    m->text = malloc(need + 1);
    if (m->text == NULL)
        return MAILSLOT_ENOMEM;
    return mailslot_decode(m->data, m->len, m->encoding, 0, m->text,
        need + 1, &m->text_len);
}

/* The "[local] " or "[NAME<xx> ADDRESS:PORT to DEST<xx>] " of --origin. */
static void
add_origin_prefix(cli_buf *b, const mailslot_origin *o)
{
    char line[128];

    if (o->remote)
        snprintf(line, sizeof line, "[%s<%02x> %s:%u to %s<%02x>] ",
            o->source_name, o->source_suffix, o->source_addr,
            o->source_port, o->dest_name, o->dest_suffix);
    else
        snprintf(line, sizeof line, "[local] ");
    cli_buf_str(b, line);
}

static void
add_hex(cli_buf *b, const void *data, size_t len)
{
    static const char digits[] = "0123456789abcdef";
    const unsigned char *p = data;
    size_t i;

    for (i = 0; i < len; i++) {
        cli_buf_add(b, &digits[p[i] >> 4], 1);
        cli_buf_add(b, &digits[p[i] & 15], 1);
    }
}

/* Append "KEY": and a JSON string of the C string S. */
static void
add_json_field(cli_buf *b, const char *key, const char *s)
{
    cli_buf_str(b, ",\"");
    cli_buf_str(b, key);
    cli_buf_str(b, "\":");
    cli_buf_json_string(b, s, strlen(s));
}

/* Append "KEY": and a JSON number. */
static void
add_json_number(cli_buf *b, const char *key, unsigned long long v)
{
    cli_buf_str(b, ",\"");
    cli_buf_str(b, key);
    cli_buf_str(b, "\":");
    cli_buf_uint(b, v);
}

/* The origin as a JSON object: {"remote":false}, or every field the
 * NetBIOS datagram carried (what its sender claimed; see mailslot.h). */
static void
add_json_origin(cli_buf *b, const mailslot_origin *o)
{
    if (!o->remote) {
        cli_buf_str(b, ",\"origin\":{\"remote\":false}");
        return;
    }
    cli_buf_str(b, ",\"origin\":{\"remote\":true");
    add_json_field(b, "source_name", o->source_name);
    add_json_number(b, "source_suffix", o->source_suffix);
    add_json_field(b, "source_addr", o->source_addr);
    add_json_number(b, "source_port", o->source_port);
    add_json_field(b, "dest_name", o->dest_name);
    add_json_number(b, "dest_suffix", o->dest_suffix);
    add_json_field(b, "header_addr", o->header_addr);
    add_json_number(b, "datagram_type", o->datagram_type);
    cli_buf_str(b, "}");
}

/* One JSON object for M: slot, time, size, origin, then the text and the
 * encoding it was decoded from, or for --raw the bytes in base64. */
static void
add_json(cli_buf *b, const listen_config *cfg, const message *m)
{
    cli_buf_str(b, "{\"slot\":");
    cli_buf_json_string(b, cfg->name, strlen(cfg->name));
    add_json_field(b, "time", m->time);
    add_json_number(b, "size", m->len);
    add_json_origin(b, m->origin);
    if (cfg->mode == OUT_RAW) {
        add_json_field(b, "encoding", "base64");
        cli_buf_str(b, ",\"base64\":\"");
        cli_buf_base64(b, m->data, m->len);
        cli_buf_str(b, "\"}");
    } else {
        add_json_field(b, "encoding", mailslot_encoding_name(m->encoding));
        cli_buf_str(b, ",\"text\":");
        cli_buf_json_string(b, m->text, m->text_len);
        cli_buf_str(b, "}");
    }
}

/* Write M as one record (a line, or NUL-terminated with -0) of text, hex
 * or JSON, and flush so that a pipe sees it at once. */
static int
print_record(const listen_config *cfg, const message *m)
{
    cli_buf b = { 0 };
    int rc;

    if (cfg->origin && !cfg->json)
        add_origin_prefix(&b, m->origin);
    if (cfg->json)
        add_json(&b, cfg, m);
    else if (cfg->mode == OUT_HEX)
        add_hex(&b, m->data, m->len);
    else
        cli_buf_add(&b, m->text, m->text_len);
    cli_buf_add(&b, &cfg->separator, 1);
    if (b.failed) {
        free(b.data);
        return cli_error("listen", cfg->name, MAILSLOT_ENOMEM);
    }
    rc = cli_write_text(b.data, b.len);
    free(b.data);
    return rc == CLI_OK ? cli_flush_stdout() : rc;
}

/* The names of the variables --exec sets, by index. */
enum {
    ENV_SLOT, ENV_SIZE, ENV_ENCODING, ENV_TIME, ENV_ORIGIN,
    ENV_SOURCE_NAME, ENV_SOURCE_SUFFIX, ENV_SOURCE_ADDR, ENV_SOURCE_PORT,
    ENV_DEST_NAME, ENV_DEST_SUFFIX, NUM_ENV
};

static const char *const env_names[NUM_ENV] = {
    "MAILSLOT_SLOT", "MAILSLOT_SIZE", "MAILSLOT_ENCODING", "MAILSLOT_TIME",
    "MAILSLOT_ORIGIN", "MAILSLOT_SOURCE_NAME", "MAILSLOT_SOURCE_SUFFIX",
    "MAILSLOT_SOURCE_ADDR", "MAILSLOT_SOURCE_PORT", "MAILSLOT_DEST_NAME",
    "MAILSLOT_DEST_SUFFIX",
};

/* Run the --exec command for M; a failing command is reported, and
 * listen goes on.  Only a command that cannot be run at all stops it. */
static int
run_exec(const listen_config *cfg, const message *m)
{
    const mailslot_origin *o = m->origin;
    char size[24], src_suffix[4], src_port[8], dst_suffix[4];
    cli_env_var vars[NUM_ENV];
    int raw = cfg->mode == OUT_RAW, status, i;

    snprintf(size, sizeof size, "%zu", m->len);
    snprintf(src_suffix, sizeof src_suffix, "%02x", o->source_suffix);
    snprintf(src_port, sizeof src_port, "%u", o->source_port);
    snprintf(dst_suffix, sizeof dst_suffix, "%02x", o->dest_suffix);
    for (i = 0; i < NUM_ENV; i++) {
        vars[i].name = env_names[i];
        vars[i].value = NULL;
    }
    vars[ENV_SLOT].value = cfg->name;
    vars[ENV_SIZE].value = size;
    vars[ENV_ENCODING].value = raw ? "binary" :
        mailslot_encoding_name(m->encoding);
    vars[ENV_TIME].value = m->time;
    vars[ENV_ORIGIN].value = o->remote ? "remote" : "local";
    if (o->remote) {
        vars[ENV_SOURCE_NAME].value = o->source_name;
        vars[ENV_SOURCE_SUFFIX].value = src_suffix;
        vars[ENV_SOURCE_ADDR].value = o->source_addr;
        vars[ENV_SOURCE_PORT].value = src_port;
        vars[ENV_DEST_NAME].value = o->dest_name;
        vars[ENV_DEST_SUFFIX].value = dst_suffix;
    }
    if (cli_run_command(cfg->exec, vars, NUM_ENV, raw ? m->data : m->text,
            raw ? m->len : m->text_len, &status) != 0) {
        cli_error_errno("listen: --exec", errno != 0 ? errno : EINVAL);
        return CLI_FAIL;
    }
    if (status != 0)
        fprintf(stderr, "mailslot: listen \"%s\": --exec command failed "
            "with exit status %d\n", cfg->name, status);
    return CLI_OK;
}

/* The --origin prefix on its own, before raw bytes or a report. */
static void
print_origin_prefix(const mailslot_origin *o)
{
    cli_buf b = { 0 };

    add_origin_prefix(&b, o);
    if (b.data != NULL)
        fputs(b.data, stdout);
    free(b.data);
}

/* --raw: the exact bytes, after the --origin prefix if asked for. */
static int
print_raw(const listen_config *cfg, const message *m)
{
    if (cfg->origin)
        print_origin_prefix(m->origin);
    fwrite(m->data, 1, m->len, stdout);
    return cli_flush_stdout();
}

int
listen_output(const listen_config *cfg, const void *data, size_t n,
    const mailslot_origin *origin)
{
    message m;
    int rc = 0;

    memset(&m, 0, sizeof m);
    m.data = data;
    m.len = n;
    m.origin = origin;
    cli_utc_now(m.time, sizeof m.time);
    if (cfg->mode == OUT_INSPECT) {
        if (cfg->origin)
            print_origin_prefix(origin);
        if (cli_inspect(cfg->name, data, n) != CLI_OK)
            return CLI_FAIL;
        return cli_flush_stdout();
    }
    if (cfg->mode == OUT_TEXT)
        rc = decode_text(cfg, &m);
    if (rc != 0) {
        free(m.text);
        return cli_error("listen", cfg->name, rc);
    }
    if (cfg->exec != NULL)
        rc = run_exec(cfg, &m);
    else if (cfg->mode == OUT_RAW && !cfg->json)
        rc = print_raw(cfg, &m);
    else
        rc = print_record(cfg, &m);
    free(m.text);
    return rc;
}
