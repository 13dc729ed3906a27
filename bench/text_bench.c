/*
 * text_bench.c -- what AUTO costs: decoding a 1 KiB message with
 * MAILSLOT_ENC_AUTO against decoding it with the encoding named, for the
 * writer kinds of the corpus test (English and Russian text in UTF-8,
 * Russian and Chinese in UTF-16LE, French in windows-1252).  Both run
 * interleaved in one process, five times; the medians and their ratio are
 * printed.  The target (docs/text.md): AUTO at most 2x explicit UTF-8.
 *
 *   text_bench [--smoke]     (--smoke: tiny counts, checks only that it runs)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "mailslot.h"

#define REPS 5
#define MSG 1024

static double
now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static int
cmp(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* Repeat TEXT, encoded in ENCODING, to fill a MSG-byte message. */
static size_t
make_message(const char *text, int encoding, unsigned char *out)
{
    unsigned char one[MSG];
    size_t n, len = 0;

    if (mailslot_encode(text, strlen(text), encoding, 0, one, sizeof one,
                        &n) != 0) {
        fprintf(stderr, "cannot encode the sample\n");
        exit(1);
    }
    while (len + n <= MSG) {
        memcpy(out + len, one, n);
        len += n;
    }
    return len;
}

/* Seconds per decode of MSG with ENCODING, over N decodes. */
static double
time_decode(const unsigned char *msg, size_t len, int encoding, long n)
{
    static char out[4 * MSG + 4];
    size_t outlen;
    double t0 = now();

    for (long i = 0; i < n; i++) {
        if (mailslot_decode(msg, len, encoding, 0, out, sizeof out,
                            &outlen) != 0) {
            fprintf(stderr, "decode failed\n");
            exit(1);
        }
    }
    return (now() - t0) / (double)n;
}

int
main(int argc, char **argv)
{
    static const struct {
        const char *name;
        const char *text;
        int encoding;
    } samples[] = {
        {"English, UTF-8", "The quick brown fox jumps over the lazy dog. ",
         MAILSLOT_ENC_UTF8},
        {"Russian, UTF-8",
         "\xD0\xA1\xD1\x8A\xD0\xB5\xD1\x88\xD1\x8C \xD0\xB5\xD1\x89\xD1\x91 "
         "\xD1\x8D\xD1\x82\xD0\xB8\xD1\x85 \xD0\xBC\xD1\x8F\xD0\xB3\xD0\xBA"
         "\xD0\xB8\xD1\x85 \xD0\xB1\xD1\x83\xD0\xBB\xD0\xBE\xD0\xBA. ",
         MAILSLOT_ENC_UTF8},
        {"Russian, UTF-16LE",
         "\xD0\xA1\xD1\x8A\xD0\xB5\xD1\x88\xD1\x8C \xD0\xB5\xD1\x89\xD1\x91 "
         "\xD1\x8D\xD1\x82\xD0\xB8\xD1\x85 \xD0\xBC\xD1\x8F\xD0\xB3\xD0\xBA"
         "\xD0\xB8\xD1\x85 \xD0\xB1\xD1\x83\xD0\xBB\xD0\xBE\xD0\xBA. ",
         MAILSLOT_ENC_UTF16LE},
        {"Chinese, UTF-16LE",
         "\xE4\xBD\xA0\xE5\xA5\xBD\xEF\xBC\x8C\xE4\xB8\x96\xE7\x95\x8C\xE3"
         "\x80\x82\xE4\xBB\x8A\xE5\xA4\xA9\xE5\xA4\xA9\xE6\xB0\x94\xE5\xBE"
         "\x88\xE5\xA5\xBD\xE3\x80\x82",
         MAILSLOT_ENC_UTF16LE},
        {"French, ANSI", "Le c\xC5\x93ur a ses raisons, d\xC3\xA9j\xC3\xA0 "
         "vu, na\xC3\xAFve. ", MAILSLOT_ENC_ANSI},
    };
    int smoke = argc > 1 && strcmp(argv[1], "--smoke") == 0;
    long n = smoke ? 100 : 20000;
    int worst_ok = 1;

    printf("%-20s %12s %12s %12s %8s\n", "1 KiB message", "explicit",
           "UTF-8", "auto", "auto/UTF-8");
    for (size_t s = 0; s < sizeof samples / sizeof samples[0]; s++) {
        unsigned char msg[MSG];
        size_t len = make_message(samples[s].text, samples[s].encoding, msg);
        double own[REPS], utf8[REPS], autos[REPS];
        for (int r = 0; r < REPS; r++) {
            own[r] = time_decode(msg, len, samples[s].encoding, n);
            utf8[r] = time_decode(msg, len, MAILSLOT_ENC_UTF8, n);
            autos[r] = time_decode(msg, len, MAILSLOT_ENC_AUTO, n);
        }
        qsort(own, REPS, sizeof own[0], cmp);
        qsort(utf8, REPS, sizeof utf8[0], cmp);
        qsort(autos, REPS, sizeof autos[0], cmp);
        double ratio = autos[REPS / 2] / utf8[REPS / 2];
        printf("%-20s %9.0f ns %9.0f ns %9.0f ns %7.2fx\n", samples[s].name,
               own[REPS / 2] * 1e9, utf8[REPS / 2] * 1e9,
               autos[REPS / 2] * 1e9, ratio);
        worst_ok &= ratio <= 2.0;
    }
    printf("target auto <= 2x UTF-8: %s\n", worst_ok ? "met" : "missed");
    return 0;
}
