/*
 * The library demo: one reader, three writer threads, Unicode text in
 * three encodings.  The reader shows what info() reports, then reads and
 * decodes every message (auto-detecting the encoding).
 */
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

static const char *slot = "demo\\chat";

struct line {
    const char *text;
    int encoding;
};

static const struct line lines[] = {
    { "UTF-8 from writer 1: 日本語のテキスト 🎉", MAILSLOT_ENC_UTF8 },
    { "UTF-16LE from writer 2: Ελληνικά, русский, ✓", MAILSLOT_ENC_UTF16LE },
    { "ANSI from writer 3: naïve café, 5 €", MAILSLOT_ENC_ANSI },
};

static void *
writer(void *arg)
{
    const struct line *l = arg;
    unsigned char buf[256];
    size_t n;
    int rc = mailslot_encode(l->text, strlen(l->text), l->encoding, 0, buf,
        sizeof buf, &n);

    if (rc == 0)
        rc = mailslot_send(slot, buf, n);
    if (rc != 0)
        fprintf(stderr, "writer: %s (%s)\n", mailslot_strerror(rc),
            mailslot_errname(rc));
    return NULL;
}

static int
show(mailslot_reader *r)
{
    char text[512];
    void *data;
    size_t len, tlen;
    int rc = mailslot_read_alloc(r, &data, &len, 5000);

    if (rc != 0)
        return rc;
    rc = mailslot_decode(data, len, MAILSLOT_ENC_AUTO, 0, text, sizeof text,
        &tlen);
    printf("   %zu bytes, read as %-8s -> %s\n", len,
        mailslot_detect_encoding(data, len) == MAILSLOT_ENC_UTF16LE
            ? "utf-16le"
            : mailslot_detect_encoding(data, len) == MAILSLOT_ENC_UTF8
                ? "utf-8"
                : "ansi",
        rc == 0 ? text : "(undecodable)");
    mailslot_free(data);
    return 0;
}

int
main(void)
{
    mailslot_reader *r = NULL;
    mailslot_info info = { sizeof info, 0, 0, 0, 0 };
    pthread_t t[3];
    int i, rc = mailslot_create(slot, NULL, &r);

    if (rc != 0) {
        fprintf(stderr, "create: %s (%s)\n", mailslot_strerror(rc),
            mailslot_errname(rc));
        return 1;
    }
    for (i = 0; i < 3; i++)
        pthread_create(&t[i], NULL, writer, (void *)&lines[i]);
    for (i = 0; i < 3; i++)
        pthread_join(t[i], NULL);
    mailslot_get_info(r, &info);
    printf("   queued: %u messages, next is %lld bytes\n", info.count,
        (long long)info.next_size);
    for (i = 0; i < 3 && rc == 0; i++)
        rc = show(r);
    mailslot_reader_free(r);
    return rc == 0 ? 0 : 1;
}
