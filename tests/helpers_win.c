/*
 * Test helpers (Windows, and Wine).  Helper processes are this same
 * program run again with "helper" as its first argument; the pid_t of
 * helpers.h holds the process handle.
 */
#ifndef WIN32_LEAN_AND_MEAN
#define WIN32_LEAN_AND_MEAN
#endif
#include <windows.h>

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "helpers.h"

static char private_dir_path[MAX_PATH];

const char *
unique_name(const char *tag)
{
    static char buf[8][128];
    static unsigned counter;
    char *out = buf[counter % 8];

    snprintf(out, sizeof buf[0], "test\\%s\\%lu-%u", tag,
        (unsigned long)GetCurrentProcessId(), counter);
    counter++;
    return out;
}

static void
remove_private_dir(void)
{
    char pattern[MAX_PATH + 4], path[2 * MAX_PATH];
    WIN32_FIND_DATAA fd;
    HANDLE h;

    if (private_dir_path[0] == '\0')
        return;
    snprintf(pattern, sizeof pattern, "%s\\*", private_dir_path);
    h = FindFirstFileA(pattern, &fd);
    if (h != INVALID_HANDLE_VALUE) {
        do {
            snprintf(path, sizeof path, "%s\\%s", private_dir_path,
                fd.cFileName);
            if (!(fd.dwFileAttributes & FILE_ATTRIBUTE_DIRECTORY))
                DeleteFileA(path);
        } while (FindNextFileA(h, &fd));
        FindClose(h);
    }
    RemoveDirectoryA(private_dir_path);
}

void
use_private_dir(void)
{
    char base[MAX_PATH];
    DWORD n = GetTempPathA(sizeof base, base);

    if (n == 0 || n >= sizeof base)
        strcpy(base, ".\\");
    snprintf(private_dir_path, sizeof private_dir_path, "%smst-%lu-%llu",
        base, (unsigned long)GetCurrentProcessId(),
        (unsigned long long)GetTickCount64());
    if (!CreateDirectoryA(private_dir_path, NULL)) {
        fprintf(stderr, "CreateDirectory %s: %lu\n", private_dir_path,
            (unsigned long)GetLastError());
        exit(2);
    }
    /* The Windows backend has no slot directory; set it for symmetry. */
    SetEnvironmentVariableA("MAILSLOT_DIR", private_dir_path);
    atexit(remove_private_dir);
}

const char *
private_dir(void)
{
    return private_dir_path;
}

/* Append ARG to CMD, quoted the way CommandLineToArgvW splits it. */
static void
append_arg(wchar_t *cmd, size_t cap, const char *arg)
{
    wchar_t w[1024];
    size_t n = wcslen(cmd), i, k, slashes = 0;

    if (MultiByteToWideChar(CP_UTF8, 0, arg, -1, w, 1024) <= 0)
        w[0] = L'\0';
    /* The worst case doubles every character. */
    if (n + 2 * wcslen(w) + 4 >= cap)
        return;
    if (n > 0)
        cmd[n++] = L' ';
    cmd[n++] = L'"';
    for (i = 0; w[i] != L'\0'; i++) {
        if (w[i] == L'\\') {
            slashes++;
        } else {
            /* Backslashes before a quote are doubled, the quote escaped. */
            if (w[i] == L'"')
                for (k = 0; k <= slashes; k++)
                    cmd[n++] = L'\\';
            slashes = 0;
        }
        cmd[n++] = w[i];
    }
    for (k = 0; k < slashes; k++)
        cmd[n++] = L'\\';
    cmd[n++] = L'"';
    cmd[n] = L'\0';
}

pid_t
spawn_helper(const char *argv0, ...)
{
    static wchar_t cmd[8192];
    wchar_t exe[MAX_PATH];
    char exe8[3 * MAX_PATH];
    STARTUPINFOW si;
    PROCESS_INFORMATION pi;
    const char *arg;
    va_list ap;

    (void)argv0;
    /* argv[0] may lack ".exe" or a directory; ask the system instead. */
    GetModuleFileNameW(NULL, exe, MAX_PATH);
    WideCharToMultiByte(CP_UTF8, 0, exe, -1, exe8, sizeof exe8, NULL, NULL);
    cmd[0] = L'\0';
    append_arg(cmd, 8192, exe8);
    append_arg(cmd, 8192, "helper");
    va_start(ap, argv0);
    while ((arg = va_arg(ap, const char *)) != NULL)
        append_arg(cmd, 8192, arg);
    va_end(ap);
    memset(&si, 0, sizeof si);
    si.cb = sizeof si;
    if (!CreateProcessW(exe, cmd, NULL, NULL, FALSE, 0, NULL, NULL, &si,
            &pi)) {
        fprintf(stderr, "CreateProcess: %lu\n", (unsigned long)GetLastError());
        exit(2);
    }
    CloseHandle(pi.hThread);
    return (pid_t)(intptr_t)pi.hProcess;
}

int
wait_helper(pid_t pid)
{
    HANDLE h = (HANDLE)(intptr_t)pid;
    DWORD code = 255;

    WaitForSingleObject(h, INFINITE);
    GetExitCodeProcess(h, &code);
    CloseHandle(h);
    return (int)code;
}

void
kill_helper(pid_t pid)
{
    TerminateProcess((HANDLE)(intptr_t)pid, HELPER_KILLED);
}

void
sleep_ms(int ms)
{
    Sleep((DWORD)ms);
}

long long
mono_ms(void)
{
    return (long long)GetTickCount64();
}

int
wait_for_file(const char *path)
{
    int i;

    for (i = 0; i < 1000; i++) {
        if (GetFileAttributesA(path) != INVALID_FILE_ATTRIBUTES)
            return 0;
        Sleep(10);
    }
    return -1;
}

void
touch(const char *path)
{
    HANDLE h = CreateFileA(path, GENERIC_WRITE, 0, NULL, CREATE_ALWAYS,
        FILE_ATTRIBUTE_NORMAL, NULL);

    if (h != INVALID_HANDLE_VALUE)
        CloseHandle(h);
}

struct test_thread {
    HANDLE h;
    void (*fn)(void *);
    void *arg;
};

static DWORD WINAPI
thread_main(void *arg)
{
    struct test_thread *t = arg;

    t->fn(t->arg);
    return 0;
}

test_thread *
thread_start(void (*fn)(void *), void *arg)
{
    struct test_thread *t = calloc(1, sizeof *t);

    if (t == NULL)
        exit(2);
    t->fn = fn;
    t->arg = arg;
    t->h = CreateThread(NULL, 0, thread_main, t, 0, NULL);
    if (t->h == NULL) {
        fprintf(stderr, "CreateThread: %lu\n", (unsigned long)GetLastError());
        exit(2);
    }
    return t;
}

void
thread_join(test_thread *t)
{
    WaitForSingleObject(t->h, INFINITE);
    CloseHandle(t->h);
    free(t);
}

int
wait_readable(intptr_t fd, int ms)
{
    switch (WaitForSingleObject((HANDLE)fd, (DWORD)ms)) {
    case WAIT_OBJECT_0:
        return 1;
    case WAIT_TIMEOUT:
        return 0;
    default:
        return -1;
    }
}

int
on_windows(void)
{
    return 1;
}

/* Wine's ntdll exports wine_get_version; Windows' does not. */
int
testlib_under_wine(void)
{
    HMODULE ntdll = GetModuleHandleW(L"ntdll.dll");

    return ntdll != NULL && GetProcAddress(ntdll, "wine_get_version") != NULL;
}
