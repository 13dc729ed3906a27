/*
 * The public entry points: argument checks, name parsing and option
 * defaults happen here, once, before a backend is called.
 */
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "name.h"
#include "platform.h"

static int
fail(int code)
{
    return mailslot__public(code);
}

/* Merge the caller's (possibly older, smaller) options over the defaults. */
static int
take_options(const mailslot_options *in, mailslot_options *out)
{
    mailslot_options_init(out);
    if (in == NULL)
        return 0;
    if (in->size < sizeof(size_t))
        return MAILSLOT_EINVAL;
    memcpy(out, in, in->size < sizeof *out ? in->size : sizeof *out);
    out->size = sizeof *out;
    if (out->read_timeout_ms < -1 || out->write_timeout_ms < -1)
        return MAILSLOT_EINVAL;
    if (out->encoding < MAILSLOT_ENC_AUTO || out->encoding > MAILSLOT_ENC_CP1252)
        return MAILSLOT_EINVAL;
    if (mailslot__access_parse(out->access, NULL) < 0)
        return MAILSLOT_EINVAL;
    return 0;
}

int
mailslot__access_parse(const char *access, const char **group)
{
    if (group != NULL)
        *group = NULL;
    if (access == NULL || strcmp(access, "user") == 0)
        return MAILSLOT__ACCESS_USER;
    if (strcmp(access, "all") == 0)
        return MAILSLOT__ACCESS_ALL;
    if (strncmp(access, "group:", 6) == 0 && access[6] != '\0' &&
        strlen(access + 6) < 256) {
        if (group != NULL)
            *group = access + 6;
        return MAILSLOT__ACCESS_GROUP;
    }
    return MAILSLOT_EINVAL;
}

static int
valid_timeout(int32_t ms)
{
    return ms >= -1 || ms == MAILSLOT_TIMEOUT_DEFAULT;
}

static int
create_parsed(int kind, const mailslot__name *name,
    const mailslot_options *opts, mailslot_reader **out)
{
    mailslot_options o;
    int rc;

    if (kind < 0)
        return fail(kind);
    /* A process can only create a slot on its own machine. */
    if (kind != MAILSLOT_NAME_LOCAL)
        return fail(MAILSLOT_ENAME);
    rc = take_options(opts, &o);
    if (rc != 0)
        return fail(rc);
    return mailslot__public(mailslot__plat_create(name, &o, out));
}

int MAILSLOT_CALL
mailslot_create(const char *name, const mailslot_options *opts,
    mailslot_reader **out)
{
    mailslot__name n;

    if (out == NULL)
        return fail(MAILSLOT_EINVAL);
    *out = NULL;
    if (name == NULL)
        return fail(MAILSLOT_EINVAL);
    return create_parsed(mailslot__name_parse(name, strlen(name), &n), &n,
        opts, out);
}

int MAILSLOT_CALL
mailslot_create_w(const uint16_t *name, const mailslot_options *opts,
    mailslot_reader **out)
{
    mailslot__name n;

    if (out == NULL)
        return fail(MAILSLOT_EINVAL);
    *out = NULL;
    if (name == NULL)
        return fail(MAILSLOT_EINVAL);
    return create_parsed(mailslot__name_parse_w(name, &n), &n, opts, out);
}

int MAILSLOT_CALL
mailslot_read(mailslot_reader *r, void *buf, size_t cap, size_t *len,
    int32_t timeout_ms)
{
    size_t ignored;

    if (len == NULL)
        len = &ignored;
    *len = 0;
    if (r == NULL || (buf == NULL && cap != 0) || !valid_timeout(timeout_ms))
        return fail(MAILSLOT_EINVAL);
    return mailslot__public(
        mailslot__plat_read(r, buf, cap, len, timeout_ms));
}

/* Every buffer of a batch read is usable: checked before anything is
 * read, so bad input consumes nothing. */
int MAILSLOT_CALL
mailslot_read_many(mailslot_reader *r, mailslot_rmsg *msgs, size_t max,
    size_t *count, int32_t timeout_ms)
{
    size_t ignored, i;

    if (count == NULL)
        count = &ignored;
    *count = 0;
    if (r == NULL || msgs == NULL || max == 0 || !valid_timeout(timeout_ms))
        return fail(MAILSLOT_EINVAL);
    for (i = 0; i < max; i++)
        if (msgs[i].buf == NULL && msgs[i].cap != 0)
            return fail(MAILSLOT_EINVAL);
    return mailslot__public(
        mailslot__plat_read_many(r, msgs, max, count, timeout_ms));
}

size_t MAILSLOT_CALL
mailslot_origin_size(void)
{
    return sizeof(mailslot_origin);
}

/* A caller's struct may be older (smaller) than ours: fill a full one and
 * copy the part the caller knows. */
int MAILSLOT_CALL
mailslot_read_ex(mailslot_reader *r, void *buf, size_t cap, size_t *len,
    int32_t timeout_ms, mailslot_origin *origin)
{
    mailslot_origin full;
    size_t ignored, size;
    int rc;

    if (origin == NULL)
        return mailslot_read(r, buf, cap, len, timeout_ms);
    if (len == NULL)
        len = &ignored;
    *len = 0;
    if (r == NULL || (buf == NULL && cap != 0) ||
        !valid_timeout(timeout_ms) || origin->size < sizeof(size_t))
        return fail(MAILSLOT_EINVAL);
    size = origin->size < sizeof full ? origin->size : sizeof full;
    memset(&full, 0, sizeof full);
    rc = mailslot__public(
        mailslot__plat_read_ex(r, buf, cap, len, timeout_ms, &full));
    if (rc != 0)
        return rc;
    full.size = size;
    memcpy(origin, &full, size);
    return 0;
}

/*
 * Learn the size with a zero-capacity read (which waits for a message and
 * keeps it), then read it into a buffer of exactly that size.  Only this
 * thread reads from R between the two calls unless the caller shares the
 * reader, in which case the loop simply tries again.  ORIGIN (may be
 * NULL) is filled by the read that takes the message.
 */
int MAILSLOT_CALL
mailslot_read_alloc_ex(mailslot_reader *r, void **data, size_t *len,
    int32_t timeout_ms, mailslot_origin *origin)
{
    size_t need = 0;
    void *buf;
    int rc;

    if (data == NULL || len == NULL)
        return fail(MAILSLOT_EINVAL);
    *data = NULL;
    *len = 0;
    rc = mailslot_read_ex(r, NULL, 0, &need, timeout_ms, origin);
    for (;;) {
        if (rc != MAILSLOT_EBUFFER && rc != 0)
            return rc;
        buf = malloc(need > 0 ? need : 1);
        if (buf == NULL)
            return fail(MAILSLOT_ENOMEM);
        if (rc == 0) {
            /* The zero-capacity read consumed an empty message. */
            *data = buf;
            return 0;
        }
        rc = mailslot_read_ex(r, buf, need, len, 0, origin);
        if (rc == 0) {
            *data = buf;
            return 0;
        }
        free(buf);
        need = *len;
    }
}

int MAILSLOT_CALL
mailslot_read_alloc(mailslot_reader *r, void **data, size_t *len,
    int32_t timeout_ms)
{
    return mailslot_read_alloc_ex(r, data, len, timeout_ms, NULL);
}

int MAILSLOT_CALL
mailslot_reader_encoding(mailslot_reader *r)
{
    if (r == NULL)
        return fail(MAILSLOT_EINVAL);
    return mailslot__public(mailslot__plat_encoding(r));
}

/* Decode the message DATA (LEN bytes) into a new NUL-terminated buffer. */
static int
decode_alloc(const void *data, size_t len, int encoding, int flags,
    char **text, size_t *outlen)
{
    size_t need = 0;
    int rc = mailslot_decode(data, len, encoding, flags, NULL, 0, &need);

    if (rc != 0 && rc != MAILSLOT_EBUFFER)
        return rc;
    if (need == SIZE_MAX || (*text = malloc(need + 1)) == NULL)
        return MAILSLOT_ENOMEM;
    rc = mailslot_decode(data, len, encoding, flags, *text, need + 1, outlen);
    if (rc != 0) {
        free(*text);
        *text = NULL;
    }
    return rc;
}

int MAILSLOT_CALL
mailslot_read_text_alloc(mailslot_reader *r, char **text, size_t *len,
    int32_t timeout_ms, int encoding, int flags)
{
    void *data;
    size_t n;
    int rc;

    if (text == NULL || len == NULL)
        return fail(MAILSLOT_EINVAL);
    *text = NULL;
    *len = 0;
    if (encoding == MAILSLOT_ENC_READER) {
        encoding = mailslot_reader_encoding(r);
        if (encoding < 0)
            return encoding;
    }
    if (encoding < MAILSLOT_ENC_AUTO || encoding > MAILSLOT_ENC_CP1252 ||
        (flags & ~MAILSLOT_TEXT_STRICT) != 0)
        return fail(MAILSLOT_EINVAL);
    rc = mailslot_read_alloc(r, &data, &n, timeout_ms);
    if (rc != 0)
        return rc;
    rc = decode_alloc(data, n, encoding, flags, text, len);
    if (rc == MAILSLOT_EENCODING) {
        /* Strict decoding failed: hand back the message itself. */
        *text = data;
        *len = n;
        return fail(rc);
    }
    free(data);
    return rc != 0 ? fail(rc) : 0;
}

int MAILSLOT_CALL
mailslot_get_info(mailslot_reader *r, mailslot_info *info)
{
    mailslot_info full;
    size_t size;
    int rc;

    if (r == NULL || info == NULL || info->size < sizeof(size_t))
        return fail(MAILSLOT_EINVAL);
    size = info->size < sizeof full ? info->size : sizeof full;
    memset(&full, 0, sizeof full);
    full.size = sizeof full;
    rc = mailslot__public(mailslot__plat_info(r, &full));
    if (rc != 0)
        return rc;
    full.size = size;
    memcpy(info, &full, size);
    return 0;
}

int64_t MAILSLOT_CALL
mailslot_next_size(mailslot_reader *r)
{
    mailslot_info info = { sizeof info, 0, 0, 0, 0 };
    int rc = mailslot_get_info(r, &info);

    return rc != 0 ? rc : info.next_size;
}

int64_t MAILSLOT_CALL
mailslot_count(mailslot_reader *r)
{
    mailslot_info info = { sizeof info, 0, 0, 0, 0 };
    int rc = mailslot_get_info(r, &info);

    return rc != 0 ? rc : (int64_t)info.count;
}

int MAILSLOT_CALL
mailslot_set_timeout(mailslot_reader *r, int32_t timeout_ms)
{
    if (r == NULL || timeout_ms < -1)
        return fail(MAILSLOT_EINVAL);
    return mailslot__public(mailslot__plat_set_timeout(r, timeout_ms));
}

int MAILSLOT_CALL
mailslot_reader_fd(mailslot_reader *r, intptr_t *fd)
{
    if (r == NULL || fd == NULL)
        return fail(MAILSLOT_EINVAL);
    return mailslot__public(mailslot__plat_reader_fd(r, fd));
}

int MAILSLOT_CALL
mailslot_notify_window(mailslot_reader *r, intptr_t hwnd, uint32_t msg)
{
    if (r == NULL)
        return fail(MAILSLOT_EINVAL);
    return mailslot__public(mailslot__plat_notify_window(r, hwnd, msg));
}

const char *MAILSLOT_CALL
mailslot_reader_name(const mailslot_reader *r)
{
    return r == NULL ? "" : mailslot__plat_reader_name(r);
}

void MAILSLOT_CALL
mailslot_reader_close(mailslot_reader *r)
{
    if (r != NULL)
        mailslot__plat_reader_close(r);
}

void MAILSLOT_CALL
mailslot_reader_free(mailslot_reader *r)
{
    if (r != NULL)
        mailslot__plat_reader_free(r);
}

static int
open_parsed(int kind, const mailslot__name *name,
    const mailslot_options *opts, mailslot_writer **out)
{
    mailslot_options o;
    int rc;

    if (kind < 0)
        return fail(kind);
    rc = take_options(opts, &o);
    if (rc != 0)
        return fail(rc);
    return mailslot__public(mailslot__plat_open(name, &o, out));
}

int MAILSLOT_CALL
mailslot_open(const char *name, const mailslot_options *opts,
    mailslot_writer **out)
{
    mailslot__name n;

    if (out == NULL)
        return fail(MAILSLOT_EINVAL);
    *out = NULL;
    if (name == NULL)
        return fail(MAILSLOT_EINVAL);
    return open_parsed(mailslot__name_parse(name, strlen(name), &n), &n,
        opts, out);
}

int MAILSLOT_CALL
mailslot_open_w(const uint16_t *name, const mailslot_options *opts,
    mailslot_writer **out)
{
    mailslot__name n;

    if (out == NULL)
        return fail(MAILSLOT_EINVAL);
    *out = NULL;
    if (name == NULL)
        return fail(MAILSLOT_EINVAL);
    return open_parsed(mailslot__name_parse_w(name, &n), &n, opts, out);
}

int MAILSLOT_CALL
mailslot_write(mailslot_writer *w, const void *data, size_t len)
{
    if (w == NULL || (data == NULL && len != 0))
        return fail(MAILSLOT_EINVAL);
    return mailslot__public(mailslot__plat_write(w, data, len));
}

/* Every message is checked before the first is sent. */
int MAILSLOT_CALL
mailslot_write_many(mailslot_writer *w, const mailslot_wmsg *msgs,
    size_t count, size_t *written)
{
    size_t ignored, i;

    if (written == NULL)
        written = &ignored;
    *written = 0;
    if (w == NULL || msgs == NULL)
        return fail(MAILSLOT_EINVAL);
    for (i = 0; i < count; i++)
        if (msgs[i].data == NULL && msgs[i].len != 0)
            return fail(MAILSLOT_EINVAL);
    if (count == 0)
        return 0;
    return mailslot__public(
        mailslot__plat_write_many(w, msgs, count, written));
}

int MAILSLOT_CALL
mailslot_writer_set_timeout(mailslot_writer *w, int32_t timeout_ms)
{
    if (w == NULL || timeout_ms < -1)
        return fail(MAILSLOT_EINVAL);
    mailslot__plat_writer_set_timeout(w, timeout_ms);
    return 0;
}

int32_t MAILSLOT_CALL
mailslot_writer_timeout(mailslot_writer *w)
{
    if (w == NULL)
        return fail(MAILSLOT_EINVAL);
    return mailslot__plat_writer_timeout(w);
}

void MAILSLOT_CALL
mailslot_writer_close(mailslot_writer *w)
{
    if (w != NULL)
        mailslot__plat_writer_close(w);
}

void MAILSLOT_CALL
mailslot_writer_free(mailslot_writer *w)
{
    if (w != NULL)
        mailslot__plat_writer_free(w);
}

static int
send_once(int rc, mailslot_writer **w, const void *data, size_t len)
{
    if (rc == 0)
        rc = mailslot_write(*w, data, len);
    mailslot_writer_free(*w);
    return rc;
}

int MAILSLOT_CALL
mailslot_send(const char *name, const void *data, size_t len)
{
    mailslot_writer *w = NULL;

    if (data == NULL && len != 0)
        return fail(MAILSLOT_EINVAL);
    return send_once(mailslot_open(name, NULL, &w), &w, data, len);
}

int MAILSLOT_CALL
mailslot_send_w(const uint16_t *name, const void *data, size_t len)
{
    mailslot_writer *w = NULL;

    if (data == NULL && len != 0)
        return fail(MAILSLOT_EINVAL);
    return send_once(mailslot_open_w(name, NULL, &w), &w, data, len);
}

int MAILSLOT_CALL
mailslot_list(char **out, size_t *count)
{
    size_t ignored;

    if (out == NULL)
        return fail(MAILSLOT_EINVAL);
    *out = NULL;
    return mailslot__public(
        mailslot__plat_list(out, count != NULL ? count : &ignored));
}

void MAILSLOT_CALL
mailslot_free(void *p)
{
    free(p);
}
