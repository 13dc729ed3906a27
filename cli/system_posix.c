/*
 * system_posix.c -- what the mailslot program needs from a POSIX system:
 * running "listen --exec" commands, the time, and plain stdio (which
 * needs no binary mode and no console conversion here).  CMake picks
 * system_win.c on Windows.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"

extern char **environ;

void
cli_binary_stdio(FILE *f)
{
    (void)f;
}

int
cli_write_text(const char *text, size_t n)
{
    if (fwrite(text, 1, n, stdout) != n)
        return cli_flush_stdout();
    return CLI_OK;
}

void
cli_utc_now(char *out, size_t cap)
{
    struct timespec ts;
    struct tm tm;

    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    snprintf(out, cap, "%04d-%02d-%02dT%02d:%02d:%02d.%03ldZ",
        tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday, tm.tm_hour,
        tm.tm_min, tm.tm_sec, ts.tv_nsec / 1000000);
}

/* Whether the environment entry ENTRY ("NAME=value") sets one of VARS. */
static int
is_replaced(const char *entry, const cli_env_var *vars, size_t nvars)
{
    size_t i, len;

    for (i = 0; i < nvars; i++) {
        len = strlen(vars[i].name);
        if (strncmp(entry, vars[i].name, len) == 0 && entry[len] == '=')
            return 1;
    }
    return 0;
}

/*
 * The environment for the command: ours without the entries VARS names,
 * then VARS that have a value.  The strings of VARS live in *STORE.  NULL
 * when memory ran out.
 */
static char **
build_environment(const cli_env_var *vars, size_t nvars, char **store)
{
    size_t n = 0, k = 0, i, size = 0;
    char **envp, *p;

    while (environ[n] != NULL)
        n++;
    for (i = 0; i < nvars; i++)
        if (vars[i].value != NULL)
            size += strlen(vars[i].name) + strlen(vars[i].value) + 2;
    envp = malloc((n + nvars + 1) * sizeof *envp);
    *store = p = malloc(size + 1);
    if (envp == NULL || p == NULL) {
        free(envp);
        free(p);
        return NULL;
    }
    for (i = 0; i < n; i++)
        if (!is_replaced(environ[i], vars, nvars))
            envp[k++] = environ[i];
    for (i = 0; i < nvars; i++) {
        if (vars[i].value == NULL)
            continue;
        envp[k++] = p;
        p += sprintf(p, "%s=%s", vars[i].name, vars[i].value) + 1;
    }
    envp[k] = NULL;
    return envp;
}

/* Write all of DATA to FD; stop quietly when the reader has gone. */
static void
write_all(int fd, const char *data, size_t n)
{
    ssize_t done;

    while (n > 0) {
        done = write(fd, data, n);
        if (done < 0 && errno == EINTR)
            continue;
        if (done <= 0)
            return; /* EPIPE: the command did not want (all of) it */
        data += done;
        n -= (size_t)done;
    }
}

/*
 * Start "sh -c CMD" with ENVP and the read end of PIPE_FDS as its stdin.
 * SIGPIPE is back to its default in the command, though this process
 * ignores it.  Returns the pid, or -1 with errno set.
 */
static pid_t
spawn_shell(const char *cmd, char **envp, const int pipe_fds[2])
{
    posix_spawn_file_actions_t fa;
    posix_spawnattr_t attr;
    sigset_t defaults;
    char *argv[] = { "sh", "-c", (char *)cmd, NULL };
    pid_t pid = -1;
    int rc;

    posix_spawn_file_actions_init(&fa);
    posix_spawn_file_actions_adddup2(&fa, pipe_fds[0], 0);
    posix_spawn_file_actions_addclose(&fa, pipe_fds[0]);
    posix_spawn_file_actions_addclose(&fa, pipe_fds[1]);
    posix_spawnattr_init(&attr);
    sigemptyset(&defaults);
    sigaddset(&defaults, SIGPIPE);
    posix_spawnattr_setsigdefault(&attr, &defaults);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGDEF);
    rc = posix_spawn(&pid, "/bin/sh", &fa, &attr, argv, envp);
    posix_spawn_file_actions_destroy(&fa);
    posix_spawnattr_destroy(&attr);
    if (rc != 0) {
        errno = rc;
        return -1;
    }
    return pid;
}

int
cli_run_command(const char *cmd, const cli_env_var *vars, size_t nvars,
    const void *data, size_t n, int *status)
{
    char *store = NULL;
    char **envp;
    int fds[2], wstatus, err;
    pid_t pid;

    /* A command that exits without reading its stdin must not kill us. */
    signal(SIGPIPE, SIG_IGN);
    envp = build_environment(vars, nvars, &store);
    if (envp == NULL) {
        errno = ENOMEM;
        return -1;
    }
    if (pipe(fds) != 0) {
        err = errno;
        free(envp);
        free(store);
        errno = err;
        return -1;
    }
    pid = spawn_shell(cmd, envp, fds);
    err = errno;
    close(fds[0]);
    if (pid > 0)
        write_all(fds[1], data, n);
    close(fds[1]);
    free(envp);
    free(store);
    if (pid <= 0) {
        errno = err;
        return -1;
    }
    while (waitpid(pid, &wstatus, 0) < 0)
        if (errno != EINTR)
            return -1;
    *status = WIFEXITED(wstatus) ? WEXITSTATUS(wstatus)
                                  : 128 + WTERMSIG(wstatus);
    return 0;
}
