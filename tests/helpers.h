/*
 * Test helpers: unique slot names, a private slot directory, helper
 * processes made by re-running the test binary itself ("helper" mode),
 * threads, time, and waiting on a reader's descriptor.  helpers.c is the
 * POSIX version, helpers_win.c the Windows one; CMake picks one.
 */
#ifndef MAILSLOT_TEST_HELPERS_H
#define MAILSLOT_TEST_HELPERS_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* A name unique to this process and call: "test\<tag>\<pid>-<n>". */
const char *unique_name(const char *tag);

/* Point MAILSLOT_DIR at a fresh private directory (removed at exit). */
void use_private_dir(void);
/* That directory (also a place for flag files); "" before the call. */
const char *private_dir(void);

/*
 * Run this binary as "ARGV0 helper ARGS..." (NULL-terminated list).  The
 * pid_t is a process id on POSIX and a process handle on Windows.
 */
pid_t spawn_helper(const char *argv0, ...);
/* Wait for the child; returns its exit status, or 128 + signal. */
int wait_helper(pid_t pid);
/* Kill the child at once (SIGKILL / TerminateProcess). */
void kill_helper(pid_t pid);
/* What wait_helper() returns for a child ended by kill_helper(). */
#define HELPER_KILLED (128 + 9)

/* Sleep for MS milliseconds. */
void sleep_ms(int ms);
/* Monotonic milliseconds. */
long long mono_ms(void);

/* Wait until PATH exists (a helper's "ready" flag), up to 10 s. */
int wait_for_file(const char *path);
/* Create an empty file at PATH. */
void touch(const char *path);

/* A thread running FN(ARG); join it once. */
typedef struct test_thread test_thread;
test_thread *thread_start(void (*fn)(void *), void *arg);
void thread_join(test_thread *t);

/*
 * Wait up to MS milliseconds for the descriptor of mailslot_reader_fd()
 * to become readable (signalled).  Returns 1 if it is, 0 if not, -1 on
 * error.
 */
int wait_readable(intptr_t fd, int ms);

/* 1 when the tests run on Windows (or Wine), else 0. */
int on_windows(void);

#endif
