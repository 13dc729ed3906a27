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
static int testlib_known;

/*
 * 1 when running under Wine, else 0; defined by the test helpers
 * (helpers.c, helpers_win.c), needed only by files using CHECK_WINDOWS.
 * <windows.h> stays out of this header (the tests include it as needed).
 */
int testlib_under_wine(void);

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

/*
 * A check of Windows behaviour that Wine 8 is known not to match (see
 * shared/reference/windows-semantics.md, section 10).  Under Wine a
 * failing COND is reported as "known Wine difference: REASON" and does
 * not fail the test; on Windows (and everywhere else) it is a CHECK.
 * Only for the documented Wine rows, never for our own bugs.
 */
#define CHECK_WINDOWS(cond, reason)                                          \
    do {                                                                     \
        if (cond) {                                                          \
            testlib_passed++;                                                \
        } else if (testlib_under_wine()) {                                   \
            testlib_known++;                                                 \
            fprintf(stderr, "%s:%d: known Wine difference: %s (%s)\n",       \
                __FILE__, __LINE__, reason, #cond);                          \
        } else {                                                             \
            testlib_failed++;                                                \
            fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__,           \
                __LINE__, #cond);                                            \
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
    if (testlib_known > 0)
        printf("%d known Wine differences (not failures)\n", testlib_known);
    printf("%d passed, %d failed\n", testlib_passed, testlib_failed);
    return testlib_failed == 0 ? 0 : 1;
}

#endif
