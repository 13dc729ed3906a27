/*
 * inspect.c -- "mailslot listen --inspect": what AUTO saw in a message.
 * For each message: its size and bytes in hex, each reading (UTF-8,
 * UTF-16LE, ANSI) with its cost, and the pick with its reason, all from
 * mailslot_detect_encoding_ex(), so the guess shown is the one every
 * binding makes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"

static void
print_reading(const char *label, int enc, const void *data, size_t len,
    const mailslot_detection *d)
{
    size_t need = 0;
    char *text;

    printf("  %-9s", label);
    /* (The cost is "-" for a reading that cannot be: UTF-16LE of odd
     * length, or any reading but the one a BOM names.) */
    if (d->cost[enc] >= 0)
        printf(" %9.2f bits  ", (double)d->cost[enc] / 100.0);
    else
        printf(" %9s       ", "-");
    if (mailslot_decode(data, len, enc, 0, NULL, 0, &need) !=
            MAILSLOT_EBUFFER && need != 0) {
        fputs("(cannot decode)\n", stdout);
        return;
    }
    text = malloc(need + 1);
    if (text != NULL &&
        mailslot_decode(data, len, enc, 0, text, need + 1, &need) == 0)
        cli_print_text(text, need, 1);
    free(text);
    fputs(enc == d->encoding ? "  <- picked\n" : "\n", stdout);
}

int
cli_inspect(const char *name, const void *data, size_t len)
{
    const unsigned char *p = data;
    mailslot_detection d;
    int rc;

    memset(&d, 0, sizeof d);
    d.size = sizeof d;
    rc = mailslot_detect_encoding_ex(data, len, &d);
    if (rc < 0) {
        cli_error("listen", name, rc);
        return CLI_FAIL;
    }
    printf("%zu bytes:", len);
    for (size_t i = 0; i < len; i++)
        printf(" %02x", p[i]);
    printf("\n  reading        cost        text (lower cost: more "
        "plausible)\n");
    for (int enc = MAILSLOT_ENC_UTF8; enc <= MAILSLOT_ENC_ANSI; enc++)
        print_reading(mailslot_encoding_name(enc), enc, data, len,
            &d);
    printf("  picked: %s, by %s\n\n", mailslot_encoding_name(d.encoding),
        d.reason);
    return CLI_OK;
}
