/*
 * Test helpers (POSIX).  Helper processes are this same binary run again
 * with "helper" as its first argument, so no extra programs are needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <spawn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "helpers.h"

extern char **environ;

static char private_dir[256];

const char *
unique_name(const char *tag)
{
    static char buf[8][128];
    static unsigned counter;
    char *out = buf[counter % 8];

    snprintf(out, sizeof buf[0], "test\\%s\\%ld-%u", tag, (long)getpid(),
        counter);
    counter++;
    return out;
}

static void
remove_private_dir(void)
{
    char cmd[300];

    if (private_dir[0] != '\0') {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", private_dir);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", private_dir);
    }
}

void
use_private_dir(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(private_dir, sizeof private_dir, "%s/mst-XXXXXX",
        base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(private_dir) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    setenv("MAILSLOT_DIR", private_dir, 1);
    atexit(remove_private_dir);
}

pid_t
spawn_helper(const char *argv0, ...)
{
    char *argv[32];
    va_list ap;
    pid_t pid;
    int n = 0, rc;

    argv[n++] = (char *)argv0;
    argv[n++] = (char *)"helper";
    va_start(ap, argv0);
    while (n < 31 && (argv[n] = va_arg(ap, char *)) != NULL)
        n++;
    va_end(ap);
    argv[n] = NULL;
    rc = posix_spawn(&pid, argv0, NULL, NULL, argv, environ);
    if (rc != 0) {
        fprintf(stderr, "posix_spawn: %s\n", strerror(rc));
        exit(2);
    }
    return pid;
}

int
wait_helper(pid_t pid)
{
    int status;

    while (waitpid(pid, &status, 0) < 0)
        if (errno != EINTR)
            return -1;
    if (WIFEXITED(status))
        return WEXITSTATUS(status);
    return 128 + WTERMSIG(status);
}

void
sleep_ms(int ms)
{
    struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

long long
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

int
wait_for_file(const char *path)
{
    struct stat st;
    int i;

    for (i = 0; i < 1000; i++) {
        if (stat(path, &st) == 0)
            return 0;
        sleep_ms(10);
    }
    return -1;
}

void
touch(const char *path)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);

    if (fd >= 0)
        close(fd);
}
