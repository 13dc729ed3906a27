/*
 * system_win.c -- what the mailslot program needs from Windows: binary
 * stdio, UTF-8 text on the console, the time, and running "listen --exec"
 * commands.  CMake picks system_posix.c elsewhere.
 */
#include <errno.h>
#include <fcntl.h>
#include <io.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <windows.h>

#include "cli.h"

void
cli_binary_stdio(FILE *f)
{
    fflush(f);
    _setmode(_fileno(f), _O_BINARY);
}

/*
 * Write UTF-8 TEXT to the console H as UTF-16, so that it shows the same
 * whatever the console's code page.  Returns 0, or -1 when it could not
 * (then the caller writes bytes instead).
 */
static int
write_console(HANDLE h, const char *text, size_t n)
{
    DWORD written;
    wchar_t *wide;
    int wn;

    if (n == 0)
        return 0;
    if (n > INT_MAX / 2)
        return -1;
    wn = MultiByteToWideChar(CP_UTF8, 0, text, (int)n, NULL, 0);
    wide = wn > 0 ? malloc((size_t)wn * sizeof *wide) : NULL;
    if (wide == NULL)
        return -1;
    MultiByteToWideChar(CP_UTF8, 0, text, (int)n, wide, wn);
    if (!WriteConsoleW(h, wide, (DWORD)wn, &written, NULL)) {
        free(wide);
        return -1;
    }
    free(wide);
    return 0;
}

int
cli_write_text(const char *text, size_t n)
{
    HANDLE h = GetStdHandle(STD_OUTPUT_HANDLE);
    DWORD mode;

    if (h != NULL && h != INVALID_HANDLE_VALUE && GetConsoleMode(h, &mode)) {
        /* What stdio buffered must come first. */
        if (cli_flush_stdout() != CLI_OK)
            return CLI_FAIL;
        if (write_console(h, text, n) == 0)
            return CLI_OK;
    }
    if (fwrite(text, 1, n, stdout) != n)
        return cli_flush_stdout();
    return CLI_OK;
}

void
cli_utc_now(char *out, size_t cap)
{
    SYSTEMTIME t;

    GetSystemTime(&t);
    snprintf(out, cap, "%04u-%02u-%02uT%02u:%02u:%02u.%03uZ",
        (unsigned)t.wYear, (unsigned)t.wMonth, (unsigned)t.wDay,
        (unsigned)t.wHour, (unsigned)t.wMinute, (unsigned)t.wSecond,
        (unsigned)t.wMilliseconds);
}

int
cli_run_command(const char *cmd, const cli_env_var *vars, size_t nvars,
    const void *data, size_t n, int *status)
{
    FILE *p;
    size_t i;

    /* The command inherits this process's environment; an empty value
     * removes a variable. */
    for (i = 0; i < nvars; i++)
        _putenv_s(vars[i].name, vars[i].value != NULL ? vars[i].value : "");
    fflush(NULL);
    p = _popen(cmd, "wb");
    if (p == NULL)
        return -1;
    /* A command that does not read its stdin is not an error. */
    fwrite(data, 1, n, p);
    *status = _pclose(p);
    if (*status == -1)
        return -1;
    return 0;
}
