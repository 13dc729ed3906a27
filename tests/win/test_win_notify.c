/*
 * mailslot_notify_window(): a hidden window gets the posted message within
 * milliseconds of a write, with the count and the reader; stopping it and
 * closing the reader are clean.  This is what Mailslot.ahk's OnMessage
 * builds on (AutoHotkey's script window is a hidden top-level window).
 */
#include <stdio.h>
#include <string.h>

#include "helpers.h"
#include "mailslot.h"
#include "testlib.h"

#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#define WM_MAILSLOT (WM_APP + 7)

static int got_count;
static LARGE_INTEGER got_at;
static WPARAM got_wparam;
static LPARAM got_lparam;

static LRESULT CALLBACK
wndproc(HWND hwnd, UINT msg, WPARAM wp, LPARAM lp)
{
    if (msg == WM_MAILSLOT) {
        got_count++;
        QueryPerformanceCounter(&got_at);
        got_wparam = wp;
        got_lparam = lp;
        return 0;
    }
    return DefWindowProcW(hwnd, msg, wp, lp);
}

static HWND
hidden_window(void)
{
    WNDCLASSW wc;
    HWND hwnd;

    memset(&wc, 0, sizeof wc);
    wc.lpfnWndProc = wndproc;
    wc.hInstance = GetModuleHandleW(NULL);
    wc.lpszClassName = L"mailslot_test_window";
    RegisterClassW(&wc);
    /* A hidden top-level window, like AutoHotkey's A_ScriptHwnd. */
    hwnd = CreateWindowExW(0, wc.lpszClassName, L"mailslot test", 0, 0, 0,
        0, 0, NULL, NULL, wc.hInstance, NULL);
    if (hwnd == NULL)
        fprintf(stderr, "top-level window: error %lu\n",
            (unsigned long)GetLastError());
    return hwnd;
}

/* Pump messages until one WM_MAILSLOT arrives or MS pass; returns ms. */
static long long
pump(int ms)
{
    long long t0 = mono_ms(), left;
    int before = got_count;
    MSG m;

    for (;;) {
        while (PeekMessageW(&m, NULL, 0, 0, PM_REMOVE)) {
            TranslateMessage(&m);
            DispatchMessageW(&m);
        }
        if (got_count != before)
            return mono_ms() - t0;
        left = ms - (mono_ms() - t0);
        if (left <= 0)
            return -1;
        MsgWaitForMultipleObjects(0, NULL, FALSE, (DWORD)left, QS_ALLINPUT);
    }
}

struct sender {
    const char *name;
    LARGE_INTEGER sent_at; /* when mailslot_send() returned */
};

static void
send_later(void *arg)
{
    struct sender *s = arg;

    sleep_ms(100);
    mailslot_send(s->name, "ping", 4);
    QueryPerformanceCounter(&s->sent_at);
}

static void
test_notify(HWND hwnd)
{
    const char *name = unique_name("notify");
    mailslot_reader *r = NULL;
    struct sender s = { name, { { 0, 0 } } };
    LARGE_INTEGER freq;
    test_thread *t;
    long long waited;
    double latency;
    char buf[16];
    size_t len;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    CHECK_EQ(mailslot_notify_window(r, (intptr_t)hwnd, WM_MAILSLOT), 0);
    /* Nothing queued: nothing posted. */
    CHECK_EQ(pump(100), -1);
    t = thread_start(send_later, &s);
    waited = pump(5000);
    thread_join(t);
    QueryPerformanceFrequency(&freq);
    latency = (double)(got_at.QuadPart - s.sent_at.QuadPart) * 1000.0 /
              (double)freq.QuadPart;
    CHECK(waited >= 0);
    /* Negative when the message came before the writer's call returned. */
    printf("window message %.2f ms after the write returned\n", latency);
    CHECK(latency < 100);
    CHECK_EQ(got_wparam, 1);
    CHECK(got_lparam == (LPARAM)r);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
    CHECK_MEM(buf, len, "ping", 4);
    /* Two queued messages: a read that leaves one announces it again. */
    CHECK_EQ(mailslot_send(name, "a", 1), 0);
    CHECK_EQ(mailslot_send(name, "b", 1), 0);
    CHECK(pump(2000) >= 0);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
    CHECK(pump(2000) >= 0);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), 0);
    CHECK_MEM(buf, len, "b", 1);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 0), MAILSLOT_ETIMEOUT);
    /* Stopped: writes are queued, nothing is posted. */
    CHECK_EQ(mailslot_notify_window(r, 0, 0), 0);
    pump(50);
    CHECK_EQ(mailslot_send(name, "quiet", 5), 0);
    CHECK_EQ(pump(200), -1);
    /* Started again with a message queued: announced at once. */
    CHECK_EQ(mailslot_notify_window(r, (intptr_t)hwnd, WM_MAILSLOT), 0);
    CHECK(pump(2000) >= 0);
    /* Closing with notification on is clean and posts nothing more. */
    mailslot_reader_close(r);
    pump(50);
    CHECK_EQ(mailslot_send(name, "late", 4), MAILSLOT_ENOTFOUND);
    CHECK_EQ(pump(200), -1);
    CHECK_EQ(mailslot_notify_window(r, (intptr_t)hwnd, WM_MAILSLOT),
        MAILSLOT_ECLOSED);
    mailslot_reader_free(r);
}

static void
test_bad_window(void)
{
    mailslot_reader *r = NULL;

    CHECK_EQ(mailslot_create(unique_name("badwnd"), NULL, &r), 0);
    CHECK_EQ(mailslot_notify_window(r, 12345, WM_MAILSLOT), MAILSLOT_EINVAL);
    CHECK_EQ(mailslot_notify_window(NULL, 0, 0), MAILSLOT_EINVAL);
    mailslot_reader_free(r);
}

int
main(void)
{
    HWND hwnd = hidden_window();

    CHECK(hwnd != NULL);
    if (hwnd != NULL)
        test_notify(hwnd);
    test_bad_window();
    return testlib_finish();
}
