/*
 * Test helpers (POSIX).  Helper processes are this same binary run again
 * with "helper" as its first argument, so no extra programs are needed.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
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

static char private_dir_path[256];

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

/* The process that made it: a forked child that calls exit() must not
 * remove its parent's directory. */
static pid_t private_dir_owner;

static void
remove_private_dir(void)
{
    char cmd[300];

    if (private_dir_path[0] != '\0' && getpid() == private_dir_owner) {
        snprintf(cmd, sizeof cmd, "rm -rf '%s'", private_dir_path);
        if (system(cmd) != 0)
            fprintf(stderr, "could not remove %s\n", private_dir_path);
    }
}

void
use_private_dir(void)
{
    const char *base = getenv("TMPDIR");

    snprintf(private_dir_path, sizeof private_dir_path, "%s/mst-XXXXXX",
        base != NULL && base[0] != '\0' ? base : "/tmp");
    if (mkdtemp(private_dir_path) == NULL) {
        perror("mkdtemp");
        exit(2);
    }
    setenv("MAILSLOT_DIR", private_dir_path, 1);
    private_dir_owner = getpid();
    atexit(remove_private_dir);
}

const char *
private_dir(void)
{
    return private_dir_path;
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
kill_helper(pid_t pid)
{
    kill(pid, SIGKILL);
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

struct test_thread {
    pthread_t t;
    void (*fn)(void *);
    void *arg;
};

static void *
thread_main(void *arg)
{
    struct test_thread *t = arg;

    t->fn(t->arg);
    return NULL;
}

test_thread *
thread_start(void (*fn)(void *), void *arg)
{
    struct test_thread *t = calloc(1, sizeof *t);

    if (t == NULL)
        exit(2);
    t->fn = fn;
    t->arg = arg;
    if (pthread_create(&t->t, NULL, thread_main, t) != 0) {
        fprintf(stderr, "pthread_create failed\n");
        exit(2);
    }
    return t;
}

void
thread_join(test_thread *t)
{
    pthread_join(t->t, NULL);
    free(t);
}

int
wait_readable(intptr_t fd, int ms)
{
    struct pollfd pfd;

    pfd.fd = (int)fd;
    pfd.events = POLLIN;
    return poll(&pfd, 1, ms);
}

int
on_windows(void)
{
    return 0;
}

int
testlib_under_wine(void)
{
    return 0;
}
