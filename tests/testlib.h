/*
 * A tiny test harness shared by the C tests: CHECK macros that report
 * file:line and keep going, and a closing line "N passed, N failed".
 */
#ifndef MAILSLOT_TESTLIB_H
#define MAILSLOT_TESTLIB_H

#include <stdio.h>
#include <string.h>

static int testlib_passed;
static int testlib_failed;

#define CHECK(cond)                                                          \
    do {                                                                     \
        if (cond) {                                                          \
            testlib_passed++;                                                \
        } else {                                                             \
            testlib_failed++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,           \
                __LINE__, #cond);                                            \
        }                                                                    \
    } while (0)

#define CHECK_EQ(a, b)                                                       \
    do {                                                                     \
        long long testlib_a = (long long)(a), testlib_b = (long long)(b);    \
        if (testlib_a == testlib_b) {                                        \
            testlib_passed++;                                                \
        } else {                                                             \
            testlib_failed++;                                                \
            fprintf(stderr, "%s:%d: CHECK_EQ failed: %s == %s (%lld != "    \
                "%lld)\n", __FILE__, __LINE__, #a, #b, testlib_a,            \
                testlib_b);                                                  \
        }                                                                    \
    } while (0)

#define CHECK_MEM(p, n, q, m)                                                \
    CHECK((size_t)(n) == (size_t)(m) &&                                      \
        ((size_t)(n) == 0 || memcmp((p), (q), (size_t)(n)) == 0))

#define CHECK_STR(a, b) CHECK(strcmp((a), (b)) == 0)

/* Print the closing line and turn the result into an exit status. */
static int
testlib_finish(void)
{
    printf("%d passed, %d failed\n", testlib_passed, testlib_failed);
    return testlib_failed == 0 ? 0 : 1;
}

#endif
