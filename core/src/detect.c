/*
 * detect.c -- the AUTO encoding: how plausible a run of code points is as
 * text (the scorer, fed by text.c, which decodes each candidate reading
 * into it), and the pick among the readings (mailslot__detect, at the end
 * of this file).  docs/text.md has the whole story.
 *
 * A reading's cost is the number of bits, in 1/100 bit, that a simple
 * model of text would spend to write it down: each code point costs about
 * log2 of how many code points of its kind text chooses from, plus penalties
 * for what text rarely does.  Misreadings are expensive because they are
 * not text: controls and NULs in the middle, unassigned or private-use code
 * points, broken sequences, letters hopping between scripts, rare Han
 * ideographs one after another, punctuation glued to digits glued to
 * capitals.  Nothing here depends on the platform: the ANSI reading feeds
 * the code points of whatever code page the backend decodes.
 *
 * Invariants: every cost is >= 0, so a running total never decreases and
 * a reading may stop as soon as its total exceeds the best complete one;
 * the scorer sees only code points (and U+FFFD for a broken sequence).
 */
#include <string.h>

#include "charclass.h"
#include "mailslot.h"
#include "text.h"

/* Kinds of code point that the transition costs tell apart. */
enum kind {
    K_START,  /* nothing yet */
    K_SPACE,  /* white space */
    K_LOWER,  /* ASCII a-z */
    K_UPPER,  /* ASCII A-Z */
    K_DIGIT,  /* any decimal digit */
    K_PUNCT,  /* punctuation */
    K_SYMBOL, /* symbols */
    K_LETTER, /* any other letter */
    K_MARK,   /* a combining mark */
    K_OTHER,  /* other numbers, format characters */
    K_BAD     /* what text does not contain */
};

/* Costs, in 1/100 bit. */
#define COST_BAD 3000          /* control, unassigned, private use, ... */
#define COST_BROKEN 3000       /* a sequence that does not decode */
#define COST_ASCII_LETTER 470  /* log2(26) */
#define COST_ASCII_DIGIT 330   /* log2(10) */
#define COST_ASCII_SPACE 250
#define COST_ASCII_PUNCT 500
#define COST_ASCII_SYMBOL 650
#define COST_LINE_CONTROL 500  /* tab, LF, CR */
#define COST_ESCAPE 900        /* ESC */
#define COST_LATIN_EXTRA 750   /* an accented Latin letter */
#define COST_ACCENTED_PAIR 250 /* extra: one right after another */
#define COST_KANA 650
#define COST_HAN_TIER1 1000    /* below log2(3600): the common ones dominate */
#define COST_HAN_TIER2 1400
#define COST_HAN_TIER3 1950
#define COST_HANGUL_COMMON 1150 /* log2(2350) */
#define COST_HANGUL_RARE 1800
#define COST_LETTER_MIN 450
#define COST_LETTER_MAX 800
#define COST_MARK 600
#define COST_MARK_ALONE 800    /* extra: a mark on no letter */
#define COST_DIGIT 600
#define COST_NUMBER 1300
#define COST_PUNCT 800
#define COST_SYMBOL 1300
#define COST_SPACE 600
#define COST_FORMAT 900
#define COST_SCRIPT_FIRST 400  /* the first letter, if not Latin: which script */
#define COST_CJK_FIRST 200     /* the same for Han and kana, widely used */
#define COST_COMMON_LETTER 1200 /* a letter of no script (rare marks) */
#define COST_LONE_CR 600       /* extra: CR not followed by LF */
#define COST_UNOPENED 400      /* extra: a closing bracket never opened */
#define COST_SCRIPT_SWITCH 700 /* a letter of another script than the last */
#define COST_CJK_SWITCH 100    /* between Han and kana (Japanese mixes) */
#define COST_EXTRA_NUL 300     /* each terminator beyond the first */
#define COST_UTF8_CHANCE 400   /* a valid multi-byte UTF-8 sequence, read
                                  as something else: ~1/20 by chance */

/* Extra cost of the transition from one kind to the next. */
static const uint16_t transition[K_BAD + 1][K_BAD + 1] = {
    /* clang-format off */
    /*            START SPACE LOWER UPPER DIGIT PUNCT SYMBL LETTR MARK OTHER BAD */
    /* START  */ {0,    0,    0,    0,    0,    0,    0,    0,    0,   0,    0},
    /* SPACE  */ {0,    150,  0,    0,    0,    50,   50,   0,    0,   0,    0},
    /* LOWER  */ {0,    0,    0,    300,  250,  50,   150,  0,    0,   0,    0},
    /* UPPER  */ {0,    0,    0,    50,   250,  50,   150,  0,    0,   0,    0},
    /* DIGIT  */ {0,    0,    250,  250,  0,    50,   100,  250,  0,   0,    0},
    /* PUNCT  */ {0,    0,    50,   50,   50,   200,  200,  50,   0,   0,    0},
    /* SYMBOL */ {0,    0,    100,  100,  50,   200,  200,  100,  0,   0,    0},
    /* LETTER */ {0,    0,    0,    300,  250,  50,   150,  0,    0,   0,    0},
    /* MARK   */ {0,    0,    0,    300,  250,  50,   150,  0,    0,   0,    0},
    /* OTHER  */ {0,    0,    0,    0,    0,    0,    0,    0,    0,   0,    0},
    /* BAD    */ {0,    0,    0,    0,    0,    0,    0,    0,    0,   0,    0},
    /* clang-format on */
};

static uint32_t script_cost(struct mailslot__scorer *s, unsigned script);

/* The run that holds CP, starting from the last one found. */
static const struct mailslot__cprun *
find_run(struct mailslot__scorer *s, uint32_t cp)
{
    size_t lo = 0, hi = mailslot__cpruns_count;
    size_t i = s->run;

    if (mailslot__cpruns[i].first <= cp &&
        (i + 1 == hi || mailslot__cpruns[i + 1].first > cp)) {
        return &mailslot__cpruns[i];
    }
    if (cp < 0xFF00) {
        /* In the BMP, the run lies between two blocks' first runs. */
        lo = mailslot__cprun_block[cp >> 8];
        hi = (size_t)mailslot__cprun_block[(cp >> 8) + 1] + 1;
    } else if (cp < 0x10000) {
        lo = mailslot__cprun_block[0xFF];
    }
    while (hi - lo > 1) {
        size_t mid = lo + (hi - lo) / 2;
        if (mailslot__cpruns[mid].first <= cp) {
            lo = mid;
        } else {
            hi = mid;
        }
    }
    s->run = lo;
    return &mailslot__cpruns[lo];
}

/*
 * The kind of each ASCII code point, one letter each: B bad (controls),
 * W tab/LF/CR, E escape, S space, l lower, u upper, d digit, p punct,
 * y symbol, o/c opening/closing bracket.
 */
static const char ascii_kinds[129] =
    "BBBBBBBBBWWBBWBB" "BBBBBBBBBBBEBBBB" /* 00-1F */
    "Sppppyppocpypppp" "ddddddddddppyyyp" /* 20-3F */
    "puuuuuuuuuuuuuuu" "uuuuuuuuuuuopcyp" /* 40-5F */
    "ylllllllllllllll" "llllllllllloycyB" /* 60-7F */;

/* Kind and cost of an ASCII code point. */
static enum kind
ascii_kind(struct mailslot__scorer *s, uint32_t cp, uint32_t *cost)
{
    switch (ascii_kinds[cp]) {
    case 'l':
        *cost = COST_ASCII_LETTER + script_cost(s, SCRIPT_LATIN);
        return K_LOWER;
    case 'u':
        *cost = COST_ASCII_LETTER + script_cost(s, SCRIPT_LATIN);
        return K_UPPER;
    case 'd':
        *cost = COST_ASCII_DIGIT;
        return K_DIGIT;
    case 'S':
        *cost = COST_ASCII_SPACE;
        return K_SPACE;
    case 'W':
        *cost = COST_LINE_CONTROL;
        return K_SPACE;
    case 'E':
        /* ESC starts the colour and cursor sequences of terminal text. */
        *cost = COST_ESCAPE;
        return K_SYMBOL;
    case 'y':
        *cost = COST_ASCII_SYMBOL;
        return K_SYMBOL;
    case 'o':
        *cost = COST_ASCII_PUNCT;
        s->open += s->open < UINT8_MAX;
        return K_PUNCT;
    case 'c':
        /* A closing bracket that was never opened is not text's habit. */
        *cost = COST_ASCII_PUNCT + (s->open == 0 ? COST_UNOPENED : 0);
        s->open -= s->open > 0;
        return K_PUNCT;
    case 'p':
        *cost = COST_ASCII_PUNCT;
        return K_PUNCT;
    default:
        *cost = COST_BAD;
        return K_BAD;
    }
}

/* Bit I of the bit set SET (charclass.h). */
static int
bit(const uint8_t *set, uint32_t i)
{
    return (set[i / 8] >> (i % 8)) & 1;
}

/* 1 (everyday), 2 (in a national standard) or 3 (rare) for a Han
 * ideograph; 3 outside U+4E00..U+9FFF. */
static int
han_tier(uint32_t cp)
{
    if (cp < MAILSLOT__HAN_FIRST || cp > MAILSLOT__HAN_LAST) {
        return 3;
    }
    if (bit(mailslot__han_tier1, cp - MAILSLOT__HAN_FIRST)) {
        return 1;
    }
    return bit(mailslot__han_tier2, cp - MAILSLOT__HAN_FIRST) ? 2 : 3;
}

static int
hangul_common(uint32_t cp)
{
    return cp >= MAILSLOT__HANGUL_FIRST && cp <= MAILSLOT__HANGUL_LAST &&
           bit(mailslot__hangul_common, cp - MAILSLOT__HANGUL_FIRST);
}

/* Cost of a letter of SCRIPT (not ASCII). */
static uint32_t
letter_cost(uint32_t cp, unsigned script)
{
    uint32_t bits;

    switch (script) {
    case SCRIPT_LATIN:
        return COST_LATIN_EXTRA;
    case SCRIPT_COMMON:
    case SCRIPT_INHERITED:
        return COST_COMMON_LETTER;
    case SCRIPT_HIRAGANA:
    case SCRIPT_KATAKANA:
        return COST_KANA;
    case SCRIPT_HAN:
        switch (han_tier(cp)) {
        case 1:
            return COST_HAN_TIER1;
        case 2:
            return COST_HAN_TIER2;
        default:
            return COST_HAN_TIER3;
        }
    case SCRIPT_HANGUL:
        return hangul_common(cp) ? COST_HANGUL_COMMON
                                           : COST_HANGUL_RARE;
    default:
        bits = mailslot__script_letter_bits[script];
        return bits < COST_LETTER_MIN   ? COST_LETTER_MIN
               : bits > COST_LETTER_MAX ? COST_LETTER_MAX
                                        : bits;
    }
}

static int
is_cjk(unsigned script)
{
    return script == SCRIPT_HAN || script == SCRIPT_HIRAGANA ||
           script == SCRIPT_KATAKANA;
}

/* Cost of moving to a letter or mark of SCRIPT. */
static uint32_t
script_cost(struct mailslot__scorer *s, unsigned script)
{
    uint32_t cost = 0;

    if (script == SCRIPT_COMMON || script == SCRIPT_INHERITED) {
        return 0;
    }
    if (s->script == SCRIPT_COMMON) {
        cost = script == SCRIPT_LATIN ? 0
               : is_cjk(script)       ? COST_CJK_FIRST
                                      : COST_SCRIPT_FIRST;
    } else if (s->script != script) {
        cost = is_cjk(s->script) && is_cjk(script) ? COST_CJK_SWITCH
                                                   : COST_SCRIPT_SWITCH;
    }
    s->script = (uint8_t)script;
    return cost;
}

/* Kind and cost of a code point above ASCII. */
static enum kind
other_kind(struct mailslot__scorer *s, uint32_t cp, int after_accented,
           uint32_t *cost)
{
    const struct mailslot__cprun *run;

    if (cp == 0xFFFD) {
        /* What the decoders give for a broken sequence (a real U+FFFD in
         * text is a sign of damage too). */
        *cost = COST_BROKEN;
        return K_BAD;
    }
    run = find_run(s, cp);
    switch (run->cls) {
    case CC_UPPER:
    case CC_LOWER:
    case CC_LETTER:
        *cost = letter_cost(cp, run->script) + script_cost(s, run->script);
        if (run->script == SCRIPT_LATIN) {
            /* Accented letters come one at a time in Latin text. */
            *cost += after_accented ? COST_ACCENTED_PAIR : 0;
            s->accented = 1;
        }
        return run->cls == CC_UPPER   ? K_UPPER
               : run->cls == CC_LOWER ? K_LOWER
                                      : K_LETTER;
    case CC_MARK:
        *cost = COST_MARK + script_cost(s, run->script);
        if (s->kind != K_LETTER && s->kind != K_MARK &&
            s->kind != K_LOWER && s->kind != K_UPPER) {
            *cost += COST_MARK_ALONE;
        }
        return K_MARK;
    case CC_DIGIT:
        *cost = COST_DIGIT;
        return K_DIGIT;
    case CC_NUMBER:
        *cost = COST_NUMBER;
        return K_OTHER;
    case CC_PUNCT:
        *cost = COST_PUNCT;
        return K_PUNCT;
    case CC_SYMBOL:
        *cost = COST_SYMBOL;
        return K_SYMBOL;
    case CC_SPACE:
        *cost = COST_SPACE;
        return K_SPACE;
    case CC_FORMAT:
        *cost = COST_FORMAT;
        return K_OTHER;
    default:
        *cost = COST_BAD;
        return K_BAD;
    }
}

void
mailslot__scorer_init(struct mailslot__scorer *s, uint64_t limit)
{
    s->cost = 0;
    s->limit = limit;
    s->run = 0;
    s->kind = K_START;
    s->script = SCRIPT_COMMON;
    s->accented = 0;
    s->cr = 0;
    s->open = 0;
    s->left = MAILSLOT__SCORE_WINDOW;
}

int
mailslot__scorer_add(struct mailslot__scorer *s, uint32_t cp)
{
    int after_accented = s->accented;
    uint32_t cost;
    enum kind k;

    if (s->left == 0) {
        return 1;
    }
    s->left--;
    s->accented = 0;
    if (s->cr && cp != '\n') {
        s->cost += COST_LONE_CR;
    }
    s->cr = cp == '\r';
    if (cp < 0x80) {
        k = ascii_kind(s, cp, &cost);
    } else {
        k = other_kind(s, cp, after_accented, &cost);
    }
    s->cost += cost + transition[s->kind][k];
    s->kind = (uint8_t)k;
    return s->left == 0 || s->cost > s->limit;
}

int
mailslot__scorer_add_ascii(struct mailslot__scorer *s, const unsigned char *p,
                           size_t n)
{
    if (n > s->left) {
        n = s->left;
    }
    s->left -= n;
    for (size_t i = 0; i < n; i++) {
        uint32_t cost;
        enum kind k;
        if (s->cr && p[i] != '\n') {
            s->cost += COST_LONE_CR;
        }
        s->cr = p[i] == '\r';
        k = ascii_kind(s, p[i], &cost);
        s->cost += cost + transition[s->kind][k];
        s->kind = (uint8_t)k;
    }
    s->accented = s->accented && n == 0;
    return s->left == 0 || s->cost > s->limit;
}

void
mailslot__scorer_terminators(struct mailslot__scorer *s, size_t nuls)
{
    if (s->cr) {
        s->cost += COST_LONE_CR;
    }
    if (nuls > 1) {
        s->cost += (uint64_t)(nuls - 1) * COST_EXTRA_NUL;
    }
}

uint64_t
mailslot__utf8_evidence(size_t sequences)
{
    return (uint64_t)sequences * COST_UTF8_CHANCE;
}

uint64_t
mailslot__utf8_broken(size_t broken)
{
    return (uint64_t)broken * COST_BROKEN;
}

/* ---------------------------------------------------------------------- */
/* The pick: BOMs, readings, whole-message evidence                        */
/* ---------------------------------------------------------------------- */

/* The UTF-8 shape of a whole message: valid multi-byte sequences and
 * broken ones (maximal invalid parts, as the decoder replaces them). */
struct utf8_shape {
    size_t sequences;
    size_t broken;
};

static struct utf8_shape
utf8_shape(const unsigned char *s, size_t len)
{
    struct utf8_shape shape = {0, 0};
    size_t i = 0;

    while (i < len) {
        uint32_t cp;
        size_t n;
        if (s[i] < 0x80) {
            i++;
            continue;
        }
        n = mailslot__utf8_decode1(s + i, len - i, &cp);
        if (n == 0) {
            shape.broken++;
            n = mailslot__utf8_invalid_len(s + i, len - i);
        } else {
            shape.sequences++;
        }
        i += n;
    }
    return shape;
}

static int
all_ascii(const unsigned char *s, size_t len)
{
    for (size_t i = 0; i < len; i++) {
        if (s[i] >= 0x80) {
            return 0;
        }
    }
    return 1;
}

/*
 * AUTO: a BOM decides; otherwise the cheapest reading wins (ties go to
 * UTF-8, then UTF-16LE, then ANSI).  UTF-16LE needs an even length; for
 * pure ASCII the ANSI reading is the UTF-8 one.  With FULL every possible
 * reading is scored to the end (for the report), otherwise a reading
 * stops once it costs more than the best so far.  D may be NULL.
 */
int
mailslot__detect(const unsigned char *s, size_t len, int full,
                 mailslot_detection *d)
{
    static const int order[] = {MAILSLOT_ENC_UTF8, MAILSLOT_ENC_UTF16LE,
                                MAILSLOT_ENC_ANSI};
    int64_t cost[4] = {-1, -1, -1, -1};
    const char *reason = "the lowest cost";
    int best = MAILSLOT_ENC_UTF8;
    size_t end = len;
    int ascii;

    while (end > 0 && s[end - 1] == 0) {
        end--;
    }
    ascii = all_ascii(s, end);
    if (mailslot__has_prefix(s, len, "\xFF\xFE", 2)) {
        best = MAILSLOT_ENC_UTF16LE;
        reason = "byte order mark FF FE";
    } else if (mailslot__has_prefix(s, len, "\xEF\xBB\xBF", 3)) {
        reason = "byte order mark EF BB BF";
    } else if (end == 0) {
        reason = "empty";
    } else if (ascii && len % 2 != 0) {
        reason = "ASCII of odd length: no other reading";
    } else {
        /* The scorer sees a window of each reading; what the whole
         * message says about UTF-8 is added here.  Valid multi-byte UTF-8
         * is rare by chance: another reading has to explain each sequence
         * as a coincidence.  Each broken sequence costs the UTF-8 reading
         * (again, inside the window). */
        struct utf8_shape shape = utf8_shape(s, end);
        uint64_t base[4] = {0, 0, 0, 0};
        uint64_t limit = UINT64_MAX;
        base[MAILSLOT_ENC_UTF8] = mailslot__utf8_broken(shape.broken);
        if (shape.broken == 0) {
            base[MAILSLOT_ENC_UTF16LE] = base[MAILSLOT_ENC_ANSI] =
                mailslot__utf8_evidence(shape.sequences);
        }
        for (size_t i = 0; i < sizeof order / sizeof order[0]; i++) {
            int e = order[i];
            if ((e == MAILSLOT_ENC_UTF16LE && len % 2 != 0) ||
                (e == MAILSLOT_ENC_ANSI && ascii)) {
                continue;
            }
            uint64_t c = mailslot__reading_cost(e, s, len, base[e],
                                                full ? UINT64_MAX : limit);
            cost[e] = (int64_t)(c > INT64_MAX ? INT64_MAX : c);
            if (c < limit) {
                limit = c;
                best = e;
            }
        }
        if (ascii) {
            cost[MAILSLOT_ENC_ANSI] = cost[MAILSLOT_ENC_UTF8];
        }
    }
    if (d != NULL) {
        d->encoding = best;
        memcpy(d->cost, cost, sizeof cost);
        d->reason = reason;
    }
    return best;
}

int MAILSLOT_CALL
mailslot_detect_encoding(const void *data, size_t len)
{
    if (data == NULL && len != 0) {
        return MAILSLOT_EINVAL;
    }
    return mailslot__detect(data, len, 0, NULL);
}

size_t MAILSLOT_CALL
mailslot_detection_size(void)
{
    return sizeof(mailslot_detection);
}

int MAILSLOT_CALL
mailslot_detect_encoding_ex(const void *data, size_t len,
                            mailslot_detection *d)
{
    if ((data == NULL && len != 0) || d == NULL ||
        d->size != sizeof(mailslot_detection)) {
        return MAILSLOT_EINVAL;
    }
    return mailslot__detect(data, len, 1, d);
}
