/*
 * libFuzzer target for the remote mailslot parser.  Whatever the input,
 * parsing must stay inside the buffer (ASan and UBSan watch), and a
 * datagram it accepts must describe data inside the input and survive a
 * rebuild-and-parse round trip unchanged.
 *
 * Seeds: fuzz/corpus/ (the real captures of tests/net/datagrams.tsv).
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mailslot.h"
#include "nbt.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
check(int cond)
{
    /* A broken invariant is a finding: stop so libFuzzer saves it. */
    if (!cond)
        abort();
}

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static unsigned char out[MAILSLOT__NBT_DATAGRAM_MAX];
    mailslot__nbt_msg m, again;
    const char *why = NULL;
    size_t len = 0;
    int rc;

    rc = mailslot__nbt_parse(data, size, &m, &why);
    check(why != NULL);
    if (rc != 0) {
        check(rc == MAILSLOT_EMALFORMED);
        return 0;
    }
    check(m.data >= data && m.data_len <= size &&
        (size_t)(m.data - data) <= size - m.data_len);
    check((const uint8_t *)m.slot > data &&
        (size_t)((const uint8_t *)m.slot - data) + m.slot_len < size);
    rc = mailslot__nbt_build(&m, out, sizeof out, &len);
    /* The parser accepts SMB parts past 512 bytes; the builder does not. */
    if (rc == MAILSLOT_ETOOBIG)
        return 0;
    check(rc == 0);
    check(mailslot__nbt_parse(out, len, &again, NULL) == 0);
    check(again.slot_len == m.slot_len &&
        memcmp(again.slot, m.slot, m.slot_len) == 0);
    check(again.data_len == m.data_len &&
        (m.data_len == 0 || memcmp(again.data, m.data, m.data_len) == 0));
    check(memcmp(again.src.raw, m.src.raw, 16) == 0 &&
        memcmp(again.dst.raw, m.dst.raw, 16) == 0);
    check(strcmp(again.scope, m.scope) == 0);
    return 0;
}
