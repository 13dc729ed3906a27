/*
 * Interop with the raw Win32 mailslot API, the way the AutoHotkey forum
 * scripts and every other Windows program use it: a raw client
 * (CreateFileW + WriteFile) writing UTF-16 and ANSI text, with and
 * without the trailing NUL, to our reader, which must decode each one
 * correctly; and our writer sending to a raw reader (CreateMailslotW +
 * GetMailslotInfo + ReadFile), which must get the exact bytes.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "mailslot.h"
#include "testlib.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

/* "Grüße, café ☃" - Latin-1 letters (in every ANSI code page of the
 * West) and one character (the snowman) that only Unicode has. */
static const WCHAR text_w[] = L"Gr\x00FC\x00DF" L"e, caf\x00E9 \x2603";
static const char text_u8[] = "Gr\xC3\xBC\xC3\x9F" "e, caf\xC3\xA9 \xE2\x98\x83";
/* The same without the snowman, for ANSI. */
static const WCHAR latin_w[] = L"Gr\x00FC\x00DF" L"e, caf\x00E9!";
static const char latin_u8[] = "Gr\xC3\xBC\xC3\x9F" "e, caf\xC3\xA9!";

static void
path_of(const char *name, WCHAR *out)
{
    char full[300];

    snprintf(full, sizeof full, "\\\\.\\mailslot\\%s", name);
    MultiByteToWideChar(CP_UTF8, 0, full, -1, out, 300);
}

/* Write LEN bytes as one message with a raw client, as the forum does. */
static int
raw_send(const WCHAR *path, const void *data, DWORD len)
{
    HANDLE h = CreateFileW(path, GENERIC_WRITE,
        FILE_SHARE_READ | FILE_SHARE_WRITE, NULL, OPEN_EXISTING,
        FILE_ATTRIBUTE_NORMAL, NULL);
    DWORD n = 0;
    BOOL ok;

    if (h == INVALID_HANDLE_VALUE)
        return 0;
    ok = WriteFile(h, data, len, &n, NULL) && n == len;
    CloseHandle(h);
    return ok;
}

/* Read one message with our reader and decode it (auto) to UTF-8. */
static int
read_text(mailslot_reader *r, char *out, size_t cap)
{
    void *data = NULL;
    size_t len = 0, outlen = 0;
    int rc = mailslot_read_alloc(r, &data, &len, 1000);

    if (rc == 0)
        rc = mailslot_decode(data, len, MAILSLOT_ENC_AUTO, 0, out, cap,
            &outlen);
    mailslot_free(data);
    return rc;
}

static void
check_raw_to_ours(const char *name, mailslot_reader *r, const WCHAR *path,
    const void *data, DWORD len, const char *want, const char *what)
{
    char got[256];
    int rc;

    CHECK(raw_send(path, data, len));
    rc = read_text(r, got, sizeof got);
    CHECK_EQ(rc, 0);
    if (rc != 0 || strcmp(got, want) != 0) {
        fprintf(stderr, "raw %s to %s: got \"%s\"\n", what, name,
            rc == 0 ? got : mailslot_errname(rc));
        CHECK_STR(rc == 0 ? got : "", want);
    }
}

static void
test_raw_client(void)
{
    const char *name = unique_name("rawclient");
    mailslot_reader *r = NULL;
    WCHAR path[300];
    char ansi[64];
    int n;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    path_of(name, path);
    /* UTF-16, as Unicode AutoHotkey's "Str" and the W functions write. */
    check_raw_to_ours(name, r, path, text_w, (DWORD)wcslen(text_w) * 2,
        text_u8, "UTF-16");
    check_raw_to_ours(name, r, path, text_w, (DWORD)sizeof text_w,
        text_u8, "UTF-16 + NUL");
    /* ANSI, as ANSI AutoHotkey, VBScript and the A functions write. */
    n = WideCharToMultiByte(CP_ACP, 0, latin_w, -1, ansi, sizeof ansi,
        NULL, NULL);
    CHECK(n > 1);
    check_raw_to_ours(name, r, path, ansi, (DWORD)n - 1, latin_u8, "ANSI");
    check_raw_to_ours(name, r, path, ansi, (DWORD)n, latin_u8,
        "ANSI + NUL");
    /* UTF-8, as our own writers and most modern programs write. */
    check_raw_to_ours(name, r, path, text_u8, (DWORD)strlen(text_u8),
        text_u8, "UTF-8");
    check_raw_to_ours(name, r, path, text_u8, (DWORD)sizeof text_u8,
        text_u8, "UTF-8 + NUL");
    /* The forum server's name, in another case, reaches the same slot. */
    CharUpperW(path);
    check_raw_to_ours(name, r, path, "x", 1, "x", "upper-case path");
    mailslot_reader_free(r);
}

/* A raw reader of the forum kind: CreateMailslotW, timeout 0. */
static HANDLE
raw_reader(const char *name)
{
    WCHAR path[300];

    path_of(name, path);
    return CreateMailslotW(path, 0, 0, NULL);
}

/* Read the next message exactly, as Microsoft's sample does. */
static int
raw_read(HANDLE slot, unsigned char *buf, DWORD cap, DWORD *len)
{
    DWORD next = 0, count = 0, n = 0;
    int i;

    for (i = 0; i < 100; i++) {
        if (!GetMailslotInfo(slot, NULL, &next, &count, NULL))
            return 0;
        if (next != (DWORD)-1)
            break;
        Sleep(10);
    }
    if (next == (DWORD)-1 || next > cap)
        return 0;
    if (!ReadFile(slot, buf, next == 0 ? 1 : next, &n, NULL))
        return 0;
    *len = n;
    return 1;
}

static void
test_raw_reader(void)
{
    const char *name = unique_name("rawreader");
    HANDLE slot = raw_reader(name);
    unsigned char buf[1024], enc[256];
    mailslot_writer *w = NULL;
    size_t enclen = 0;
    DWORD len = 0;
    int i;

    CHECK(slot != INVALID_HANDLE_VALUE);
    /* Bytes: every byte value, exactly. */
    for (i = 0; i < 256; i++)
        enc[i] = (unsigned char)i;
    CHECK_EQ(mailslot_send(name, enc, 256), 0);
    CHECK(raw_read(slot, buf, sizeof buf, &len));
    CHECK_MEM(buf, len, enc, 256);
    /* Text for a W program: UTF-16LE with its terminator. */
    CHECK_EQ(mailslot_encode(text_u8, strlen(text_u8), MAILSLOT_ENC_UTF16LE,
                 MAILSLOT_TEXT_NUL, enc, sizeof enc, &enclen), 0);
    CHECK_EQ(enclen, sizeof text_w);
    CHECK_EQ(mailslot_open(name, NULL, &w), 0);
    CHECK_EQ(mailslot_write(w, enc, enclen), 0);
    CHECK(raw_read(slot, buf, sizeof buf, &len));
    CHECK_MEM(buf, len, text_w, sizeof text_w);
    /* Text for an ANSI program: the active code page. */
    CHECK_EQ(mailslot_encode(latin_u8, strlen(latin_u8), MAILSLOT_ENC_ANSI,
                 0, enc, sizeof enc, &enclen), 0);
    CHECK_EQ(mailslot_write(w, enc, enclen), 0);
    CHECK(raw_read(slot, buf, sizeof buf, &len));
    buf[len] = '\0';
    {
        WCHAR back[64];
        int n = MultiByteToWideChar(CP_ACP, 0, (char *)buf, (int)len, back,
            64);

        CHECK(n == (int)wcslen(latin_w) &&
            memcmp(back, latin_w, (size_t)n * 2) == 0);
    }
    /* UTF-8 by default, through the short name with '/' separators. */
    CHECK_EQ(mailslot_write(w, text_u8, strlen(text_u8)), 0);
    CHECK(raw_read(slot, buf, sizeof buf, &len));
    CHECK_MEM(buf, len, text_u8, strlen(text_u8));
    mailslot_writer_free(w);
    /* Nothing else arrived; a raw read with timeout 0 says so with 121. */
    CHECK(!ReadFile(slot, buf, sizeof buf, &len, NULL));
    CHECK_EQ(GetLastError(), ERROR_SEM_TIMEOUT);
    CloseHandle(slot);
    /* The slot is gone with its only handle. */
    CHECK_EQ(mailslot_send(name, "x", 1), MAILSLOT_ENOTFOUND);
}

/* A raw reader with a too-small buffer keeps the message (Windows). */
static void
test_our_reader_sizes_first(void)
{
    const char *name = unique_name("sizes");
    mailslot_reader *r = NULL;
    static char big[100000];
    void *data = NULL;
    size_t len = 0;
    WCHAR path[300];

    memset(big, 'z', sizeof big);
    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    path_of(name, path);
    CHECK(raw_send(path, big, sizeof big));
    CHECK(raw_send(path, "after", 5));
    /* Our reader learns the size before reading: nothing is truncated. */
    CHECK_EQ(mailslot_read_alloc(r, &data, &len, 1000), 0);
    CHECK_WINDOWS(len == sizeof big && data != NULL &&
        memcmp(data, big, sizeof big) == 0, "Wine 8 reports the size of a "
        "message over 64 KiB as 65536 and truncates a read of that size "
        "(section 10 rows 35, 13)");
    mailslot_free(data);
    CHECK_EQ(mailslot_read_alloc(r, &data, &len, 1000), 0);
    CHECK_MEM(data, len, "after", 5);
    mailslot_free(data);
    mailslot_reader_free(r);
}

int
main(void)
{
    test_raw_client();
    test_raw_reader();
    test_our_reader_sizes_first();
    return testlib_finish();
}
