/*
 * Internal text helpers shared by the codec, the name parser and the
 * backends.  Not part of the public API.
 */
#ifndef MAILSLOT_TEXT_H
#define MAILSLOT_TEXT_H

#include <stddef.h>
#include <stdint.h>

/*
 * Decode one UTF-8 sequence at S (LEN bytes available).  Returns the number
 * of bytes used (1-4) and the code point in *CP, or 0 when the sequence is
 * invalid (overlong, surrogate, above U+10FFFF, truncated).
 */
size_t mailslot__utf8_decode1(const unsigned char *s, size_t len,
    uint32_t *cp);

/*
 * The bytes at S (LEN > 0 available) that one U+FFFD replaces when the
 * sequence there is invalid: its maximal ill-formed subpart (Unicode's
 * recommended practice), at least 1.  0 when LEN is 0.
 */
size_t mailslot__utf8_invalid_len(const unsigned char *s, size_t len);

/* Encode CP as UTF-8 into OUT; returns the byte count (1-4). */
size_t mailslot__utf8_encode1(uint32_t cp, char out[4]);

/* Length of a NUL-terminated UTF-16 string, in units. */
size_t mailslot__wcslen(const uint16_t *s);

/*
 * Convert UTF-16 (N units) to UTF-8, strictly (lone surrogates fail with
 * MAILSLOT_EENCODING).  Writes at most CAP bytes plus a NUL when room;
 * *OUTLEN gets the full length (MAILSLOT_EBUFFER when CAP is too small).
 */
int mailslot__utf16_to_utf8(const uint16_t *s, size_t n, char *out,
    size_t cap, size_t *outlen);

/* Simple (1:1) Windows-style upper-casing of a BMP code point. */
uint32_t mailslot__upcase(uint32_t cp);

/*
 * The ANSI code page, kept behind two functions so that a backend can
 * supply its own file: Linux's (linux/ansi.c) is windows-1252; Windows'
 * is the active code page.  Sequences are up to MAILSLOT__ANSI_MAX bytes, so double-byte code
 * pages fit the same contract.
 */
#define MAILSLOT__ANSI_MAX 4

/*
 * Decode one ANSI character at S (LEN > 0 bytes available).  Returns the
 * number of bytes used and the code point in *CP, or 0 when the bytes are
 * not a character of the code page.
 */
size_t mailslot__ansi_decode1(const unsigned char *s, size_t len,
    uint32_t *cp);

/*
 * Encode CP in the ANSI code page into OUT.  Returns the byte count, or 0
 * when the code page has no form for CP (no best-fit guessing).
 */
size_t mailslot__ansi_encode1(uint32_t cp,
    unsigned char out[MAILSLOT__ANSI_MAX]);

/* windows-1252 on every platform (cp1252.c), the same contract. */
size_t mailslot__cp1252_decode1(const unsigned char *s, size_t len,
    uint32_t *cp);
size_t mailslot__cp1252_encode1(uint32_t cp,
    unsigned char out[MAILSLOT__ANSI_MAX]);

/*
 * The scoring model of AUTO (detect.c): feed one reading's code points
 * (U+FFFD for each broken sequence), then its terminator count; COST is
 * then the reading's cost in 1/100 bit, lower meaning more plausible text.
 * Only the first MAILSLOT__SCORE_WINDOW code points are scored (the
 * callers add what they know of the whole message to COST).  The add
 * functions return non-zero once the reading needs no more code points:
 * the window is full, or COST exceeds LIMIT (a reading that cannot win).
 */
#define MAILSLOT__SCORE_WINDOW 256

/* Whether S (LEN bytes) starts with the PLEN bytes at P. */
int mailslot__has_prefix(const unsigned char *s, size_t len, const char *p,
    size_t plen);

/*
 * text.c: the cost of reading S (LEN bytes) as ENCODING, its terminators
 * and BOM cut off as decoding cuts them, starting from BASE; it stops once
 * above LIMIT.  detect.c: AUTO's pick for S (FULL: score every possible
 * reading to the end of the window, for the report D, which may be NULL).
 */
uint64_t mailslot__reading_cost(int encoding, const unsigned char *s,
    size_t len, uint64_t base, uint64_t limit);
struct mailslot_detection;
int mailslot__detect(const unsigned char *s, size_t len, int full,
    struct mailslot_detection *d);

struct mailslot__scorer {
    uint64_t cost;
    uint64_t limit;
    size_t run;       /* cache: index of the last character run looked up */
    size_t left;      /* code points the window still takes */
    uint8_t kind;     /* kind of the last code point */
    uint8_t script;   /* script of the last letter */
    uint8_t accented; /* the last code point was an accented Latin letter */
    uint8_t cr;       /* the last code point was CR */
    uint8_t open;     /* ASCII brackets open */
};

void mailslot__scorer_init(struct mailslot__scorer *s, uint64_t limit);
int mailslot__scorer_add(struct mailslot__scorer *s, uint32_t cp);
/* The same for N code points below 0x80, given as bytes. */
int mailslot__scorer_add_ascii(struct mailslot__scorer *s,
    const unsigned char *p, size_t n);
void mailslot__scorer_terminators(struct mailslot__scorer *s, size_t nuls);
/*
 * Whole-message evidence: what SEQUENCES valid multi-byte UTF-8 sequences
 * cost a reading that is not UTF-8 (they would be a coincidence there),
 * and what BROKEN invalid sequences cost the UTF-8 reading.
 */
uint64_t mailslot__utf8_evidence(size_t sequences);
uint64_t mailslot__utf8_broken(size_t broken);

#endif
