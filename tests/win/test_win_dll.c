/*
 * mailslot.dll driven exactly as AutoHotkey drives it: LoadLibraryW, then
 * GetProcAddress for every function ahk/Mailslot.ahk calls, each called
 * through a pointer typed with the AutoHotkey types the .ahk files pass
 * (Ptr, UPtr, Int, UInt, Int64, WStr, "Ptr*", "UPtr*") and the WINAPI
 * convention.  Then the shared text table through the DLL's _w functions
 * (UTF-16 in and out).  No AutoHotkey interpreter runs on Linux; this and
 * check_ahk.py (the DllCall signatures) stand in for it.
 *
 * usage: test_win_dll text_table.tsv
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"
#include "testlib.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

/* AutoHotkey's DllCall types. */
typedef intptr_t Ptr;
typedef uintptr_t UPtr;

/* The functions, as DllCall sees them (see the DllCall lines of the .ahk). */
static UPtr(WINAPI *options_size)(void);
static void(WINAPI *options_init)(Ptr opts);
static int(WINAPI *create_w)(const wchar_t *name, Ptr opts, Ptr *out);
static int(WINAPI *open_w)(const wchar_t *name, Ptr opts, Ptr *out);
static int(WINAPI *send_w)(const wchar_t *name, Ptr buf, UPtr size);
static Ptr(WINAPI *version)(void);
static Ptr(WINAPI *reader_name)(Ptr r);
static int(WINAPI *read_alloc)(Ptr r, Ptr *p, UPtr *len, int timeout);
static void(WINAPI *free_)(Ptr p);
static UPtr(WINAPI *info_size)(void);
static int(WINAPI *get_info)(Ptr r, Ptr info);
static int64_t(WINAPI *count)(Ptr r);
static int(WINAPI *set_timeout)(Ptr r, int ms);
static int(WINAPI *notify_window)(Ptr r, Ptr hwnd, unsigned msg);
static void(WINAPI *reader_free)(Ptr r);
static int(WINAPI *write_)(Ptr w, Ptr buf, UPtr size);
static void(WINAPI *writer_free)(Ptr w);
static int(WINAPI *last_os_error)(void);
static Ptr(WINAPI *errname)(int code);
static Ptr(WINAPI *strerror_)(int code);
static int(WINAPI *encoding_from_name)(Ptr utf8name);
static int(WINAPI *encode_w)(const wchar_t *text, UPtr units, int enc,
    int flags, Ptr out, UPtr cap, UPtr *outlen);
static int(WINAPI *decode_w)(Ptr data, UPtr len, int enc, int flags,
    Ptr out, UPtr cap, UPtr *outlen);

static HMODULE dll;

static FARPROC
get(const char *name)
{
    FARPROC f = GetProcAddress(dll, name);

    if (f == NULL)
        fprintf(stderr, "GetProcAddress(%s) failed\n", name);
    CHECK(f != NULL);
    return f;
}

/* Function pointers of different types: copy, do not pun. */
#define GET(var, name)                                                       \
    do {                                                                     \
        FARPROC f_ = get(name);                                              \
        memcpy(&(var), &f_, sizeof f_);                                      \
    } while (0)

static int
load(void)
{
    /* Mailslot.ahk does LoadLibraryW with the full path; here the DLL
     * sits next to this program. */
    dll = LoadLibraryW(L"mailslot.dll");
    CHECK(dll != NULL);
    if (dll == NULL)
        return 0;
    GET(options_size, "mailslot_options_size");
    GET(options_init, "mailslot_options_init");
    GET(create_w, "mailslot_create_w");
    GET(open_w, "mailslot_open_w");
    GET(send_w, "mailslot_send_w");
    GET(version, "mailslot_version");
    GET(reader_name, "mailslot_reader_name");
    GET(read_alloc, "mailslot_read_alloc");
    GET(free_, "mailslot_free");
    GET(info_size, "mailslot_info_size");
    GET(get_info, "mailslot_get_info");
    GET(count, "mailslot_count");
    GET(set_timeout, "mailslot_set_timeout");
    GET(notify_window, "mailslot_notify_window");
    GET(reader_free, "mailslot_reader_free");
    GET(write_, "mailslot_write");
    GET(writer_free, "mailslot_writer_free");
    GET(last_os_error, "mailslot_last_os_error");
    GET(errname, "mailslot_errname");
    GET(strerror_, "mailslot_strerror");
    GET(encoding_from_name, "mailslot_encoding_from_name");
    GET(encode_w, "mailslot_encode_w");
    GET(decode_w, "mailslot_decode_w");
    return decode_w != NULL && encode_w != NULL && create_w != NULL;
}

/* Mailslot._Encode: encoding name as UTF-8, measure, then encode. */
static unsigned char *
ahk_encode(const wchar_t *text, const char *encoding, int nul, UPtr *size)
{
    int enc = encoding_from_name((Ptr)encoding);
    unsigned char *buf;
    UPtr need = 0;
    int rc;

    CHECK(enc > 0);
    rc = encode_w(text, wcslen(text), enc, nul ? 1 : 0, 0, 0, &need);
    CHECK_EQ(rc, -7);
    buf = malloc(need + 1);
    rc = encode_w(text, wcslen(text), enc, nul ? 1 : 0, (Ptr)buf, need,
        &need);
    CHECK_EQ(rc, 0);
    *size = need;
    return buf;
}

/* Mailslot.Reader.Read: read_alloc, decode_w measure, decode_w, free. */
static int
ahk_read(Ptr r, int timeout, wchar_t *out, size_t cap)
{
    Ptr p = 0;
    UPtr len = 0, units = 0;
    int rc = read_alloc(r, &p, &len, timeout);

    if (rc != 0)
        return rc;
    CHECK(p != 0);
    rc = decode_w(p, len, 0, 0, 0, 0, &units);
    CHECK(rc == -7 || (rc == 0 && units == 0));
    CHECK(units + 1 <= cap);
    rc = decode_w(p, len, 0, 0, (Ptr)out, units + 1, &units);
    CHECK_EQ(rc, 0);
    out[units] = L'\0';
    free_(p);
    return 0;
}

static const char *
str8(Ptr p)
{
    return p != 0 ? (const char *)p : "(null)";
}

static void
test_like_ahk(void)
{
    static const wchar_t text[] = L"Gr\x00FC\x00DF" L"e \x65E5\x672C \x2603 "
                                  L"\xD83D\xDE00";
    const wchar_t *name = L"test\\ahk\\Caf\x00E9";
    unsigned char *opts, *info, *msg;
    wchar_t got[128];
    Ptr r = 0, r2 = 0, w = 0;
    UPtr size;
    int off = sizeof(void *) == 8 ? 16 : 8;

    /* Mailslot.Create(name, 100, 0) */
    opts = calloc(1, options_size());
    options_init((Ptr)opts);
    *(uint32_t *)(opts + sizeof(void *)) = 100;
    *(int32_t *)(opts + sizeof(void *) + 4) = 0;
    CHECK_EQ(create_w(name, (Ptr)opts, &r), 0);
    CHECK(r != 0);
    CHECK_STR(str8(reader_name(r)), "\\\\.\\mailslot\\test\\ahk\\Caf\xC3\xA9");
    CHECK_STR(str8(version()), "0.1.0");
    /* A second reader: the error path of Mailslot._Check. */
    CHECK_EQ(create_w(L"TEST\\AHK\\CAF\x00C9", 0, &r2), -4);
    CHECK(r2 == 0);
    CHECK_STR(str8(errname(-4)), "exists");
    CHECK(strstr(str8(strerror_(-4)), "already exists") != NULL);
    CHECK_EQ(last_os_error(), ERROR_ALREADY_EXISTS);
    /* reader.Info() with the offsets the .ahk files use */
    info = calloc(1, info_size());
    *(UPtr *)info = info_size();
    CHECK_EQ(get_info(r, (Ptr)info), 0);
    CHECK_EQ(*(uint32_t *)(info + sizeof(void *)), 100);
    CHECK_EQ(*(int64_t *)(info + off), -1);
    CHECK_EQ(*(uint32_t *)(info + off + 8), 0);
    CHECK_EQ(*(int32_t *)(info + off + 12), 0);
    /* reader.Timeout := 250, reader.Count */
    CHECK_EQ(set_timeout(r, 250), 0);
    CHECK_EQ(get_info(r, (Ptr)info), 0);
    CHECK_EQ(*(int32_t *)(info + off + 12), 250);
    CHECK_EQ(count(r), 0);
    /* Mailslot.Send(name, text) and reader.Read() */
    msg = ahk_encode(text, "UTF-8", 0, &size);
    CHECK_EQ(send_w(name, (Ptr)msg, size), 0);
    free(msg);
    CHECK_EQ(ahk_read(r, -2, got, 128), 0);
    CHECK(wcscmp(got, text) == 0);
    /* Mailslot.Open(name), writer.Write(text, "UTF-16LE", true),
     * writer.Write(text, "ANSI") (refused: no ANSI form for it). */
    CHECK_EQ(open_w(name, 0, &w), 0);
    msg = ahk_encode(text, "UTF-16LE", 1, &size);
    CHECK_EQ(size, sizeof text);
    CHECK_EQ(write_(w, (Ptr)msg, size), 0);
    free(msg);
    CHECK_EQ(ahk_read(r, 0, got, 128), 0);
    CHECK(wcscmp(got, text) == 0);
    CHECK_EQ(encode_w(text, wcslen(text), encoding_from_name((Ptr)"ANSI"),
                 0, 0, 0, &size), -13);
    /* writer.WriteBytes(buf) of an empty Buffer, reader.ReadBytes() */
    CHECK_EQ(write_(w, 0, 0), 0);
    {
        Ptr p = 0;
        UPtr len = 99;
        int rc = read_alloc(r, &p, &len, 0);

        CHECK_WINDOWS(rc == 0 && len == 0, "Wine 8 fails a 0-byte message "
            "with ERROR_BROKEN_PIPE (section 10 row 14)");
        if (rc == 0)
            free_(p);
    }
    /* reader.TryRead(&text, 0) on an empty slot: -5, no throw. */
    CHECK_EQ(ahk_read(r, 0, got, 128), -5);
    /* reader.OnMessage(0) stops notification (no window needed). */
    CHECK_EQ(notify_window(r, 0, 0), 0);
    writer_free(w);
    /* reader.Close() then a call: the .ahk refuses it itself; the DLL
     * refuses a closed slot's name for writers. */
    reader_free(r);
    CHECK_EQ(send_w(name, (Ptr)"x", 1), -3);
    CHECK_STR(str8(errname(-3)), "not_found");
    free(info);
    free(opts);
}

/* ---------------------------------------------------------------------- */
/* The shared text table through the _w functions                         */
/* ---------------------------------------------------------------------- */

/* Text field escapes to UTF-16 units; returns the count or -1. */
static int
unescape(const char *s, wchar_t *out, int cap)
{
    int n = 0;

    if (strcmp(s, "-") == 0)
        return 0;
    while (*s != '\0' && n + 2 < cap) {
        unsigned long cp;

        if (*s != '\\') {
            cp = (unsigned char)*s++;
        } else if (s[1] == 'u' && s[2] == '{') {
            cp = strtoul(s + 3, (char **)&s, 16);
            if (*s++ != '}')
                return -1;
        } else {
            cp = s[1] == 't' ? '\t' : s[1] == 'n' ? '\n' : s[1] == 'r' ? '\r'
                : s[1] == '0' ? 0 : (unsigned char)s[1];
            s += 2;
        }
        if (cp >= 0x10000) {
            out[n++] = (wchar_t)(0xD800 + ((cp - 0x10000) >> 10));
            out[n++] = (wchar_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
        } else {
            out[n++] = (wchar_t)cp;
        }
    }
    return n;
}

static int
unhex(const char *s, unsigned char *out, int cap)
{
    int n = 0;
    unsigned v;

    if (strcmp(s, "-") == 0)
        return 0;
    while (s[0] != '\0' && s[1] != '\0' && n < cap &&
           sscanf(s, "%2x", &v) == 1) {
        out[n++] = (unsigned char)v;
        s += 2;
    }
    return n;
}

static int
errcode_of(const char *field)
{
    int code;

    for (code = -1; code >= -40; code--)
        if (strcmp(str8(errname(code)), field + 1) == 0)
            return code;
    return 1;
}

/* One row; returns 1 if it passed. */
static int
run_row(char **f)
{
    static unsigned char bytes[4096], got8[8192];
    static wchar_t wide[4096], got16[4096];
    int enc = strcmp(f[1], "auto") == 0 ? 0 : encoding_from_name((Ptr)f[1]);
    int flags = (strstr(f[2], "strict") ? 2 : 0) | (strstr(f[2], "nul") ? 1 : 0);
    int want_err = f[4][0] == '!' ? errcode_of(f[4]) : 0;
    UPtr outlen = 0;
    int rc, n, m;

    if (strcmp(f[0], "decode") == 0) {
        n = unhex(f[3], bytes, sizeof bytes);
        rc = decode_w((Ptr)bytes, n, enc, flags, (Ptr)got16, 4096, &outlen);
        if (want_err != 0)
            return rc == want_err;
        m = unescape(f[4], wide, 4096);
        return rc == 0 && (int)outlen == m &&
               memcmp(got16, wide, (size_t)m * 2) == 0;
    }
    n = unescape(f[3], wide, 4096);
    rc = encode_w(wide, n, enc, flags, (Ptr)got8, sizeof got8, &outlen);
    if (want_err != 0)
        return rc == want_err;
    m = unhex(f[4], bytes, sizeof bytes);
    return rc == 0 && (int)outlen == m && memcmp(got8, bytes, m) == 0;
}

static void
test_text_table(const char *path)
{
    char line[4096], *f[6];
    int rows = 0, skipped = 0, lineno = 0, i;
    FILE *fp = fopen(path, "r");

    CHECK(fp != NULL);
    if (fp == NULL)
        return;
    while (fgets(line, sizeof line, fp) != NULL) {
        lineno++;
        line[strcspn(line, "\r\n")] = '\0';
        if (line[0] == '\0' || line[0] == '#')
            continue;
        f[0] = strtok(line, "\t");
        for (i = 1; i < 6; i++)
            f[i] = strtok(NULL, "\t");
        if (f[4] == NULL) {
            CHECK(f[4] != NULL);
            continue;
        }
        /* The ansi rows are windows-1252; run them where that is ACP. */
        if (strcmp(f[1], "ansi") == 0 && GetACP() != 1252) {
            skipped++;
            continue;
        }
        if (!run_row(f)) {
            fprintf(stderr, "%s:%d: row failed through the DLL\n", path,
                lineno);
            CHECK(0);
        } else {
            CHECK(1);
        }
        rows++;
    }
    fclose(fp);
    CHECK(rows >= 40);
    printf("%d table rows through the _w functions (%d ansi rows skipped: "
        "ACP %u)\n", rows, skipped, GetACP());
}

int
main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s text_table.tsv\n", argv[0]);
        return 2;
    }
    if (load()) {
        test_like_ahk();
        test_text_table(argv[1]);
    }
    return testlib_finish();
}
