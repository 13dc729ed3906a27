/*
 * Test helpers: unique slot names, a private slot directory, and helper
 * processes made by re-running the test binary itself ("helper" mode).
 */
#ifndef MAILSLOT_TEST_HELPERS_H
#define MAILSLOT_TEST_HELPERS_H

#include <stddef.h>
#include <sys/types.h>

/* A name unique to this process and call: "test\<tag>\<pid>-<n>". */
const char *unique_name(const char *tag);

/* Point MAILSLOT_DIR at a fresh private directory (removed at exit). */
void use_private_dir(void);

/* Run this binary as "ARGV0 helper ARGS..." (NULL-terminated list). */
pid_t spawn_helper(const char *argv0, ...);
/* Wait for the child; returns its exit status, or 128 + signal. */
int wait_helper(pid_t pid);

/* Sleep for MS milliseconds. */
void sleep_ms(int ms);
/* Monotonic milliseconds. */
long long mono_ms(void);

/* Wait until PATH exists (a helper's "ready" flag), up to 10 s. */
int wait_for_file(const char *path);
/* Create an empty file at PATH. */
void touch(const char *path);

#endif
