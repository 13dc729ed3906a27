#!/usr/bin/python3
"""Generate core/src/charclass.c, the character data of the text detector.

For every code point: a class (upper-case, lower-case or other letter,
mark, digit, space, punctuation,
symbol, format, or "bad": unassigned, private use, surrogate, noncharacter,
control other than tab, LF and CR) and a script, from Unicode's
DerivedGeneralCategory.txt and Scripts.txt; stored as a sorted list of runs
of equal (class, script).  Two frequency tiers for Han ideographs
(U+4E00..U+9FFF) from the Unihan database, and the Hangul syllables of
KS X 1001 (the 2,350 in everyday use).  Package "unicode-data" holds all
the Unicode files.

  Han tier 1 ("everyday", about 3,600): taught in school (kGradeLevel),
  among the most frequent (kFrequency 1-3), or Japan's Joyo kanji
  (kJoyoKanji).  Han tier 2: in any of GB 2312, Big Five, JIS X 0208,
  KS X 1001, the Jinmeiyo kanji, or with any kFrequency.  Tier 3: the
  rest.

Usage: tools/gen_charclass.py [UNICODE_DIR] [output.c]
The output is committed, so building the library never needs Python.
"""
import bisect
import bz2
import math
import os
import sys

DEFAULT_DIR = "/usr/share/unicode"
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                           "..", "core", "src", "charclass.c")

# Must match core/src/charclass.h.
CLASSES = {"bad": 0, "space": 1, "letter": 2, "mark": 3, "digit": 4,
           "number": 5, "punct": 6, "symbol": 7, "format": 8, "upper": 9,
           "lower": 10}
FIXED_SCRIPTS = ["Common", "Inherited", "Unknown", "Latin", "Han", "Hangul",
                 "Hiragana", "Katakana"]
GC_CLASS = {
    "Lu": "upper", "Ll": "lower", "Lt": "upper", "Lm": "letter",
    "Lo": "letter", "Mn": "mark", "Mc": "mark", "Me": "mark",
    "Nd": "digit", "Nl": "number", "No": "number", "Pc": "punct",
    "Pd": "punct", "Ps": "punct", "Pe": "punct", "Pi": "punct",
    "Pf": "punct", "Po": "punct", "Sm": "symbol", "Sc": "symbol",
    "Sk": "symbol", "So": "symbol", "Zs": "space", "Zl": "space",
    "Zp": "space", "Cf": "format", "Cc": "bad", "Cs": "bad", "Co": "bad",
    "Cn": "bad",
}
HAN_FIRST, HAN_LAST = 0x4E00, 0x9FFF
HANGUL_FIRST, HANGUL_LAST = 0xAC00, 0xD7A3
MAX = 0x110000


def ranges_of(path):
    """(first, last, value) of a UCD property file."""
    with open(path, encoding="utf-8") as f:
        for line in f:
            line = line.split("#")[0].strip()
            if not line:
                continue
            cps, value = [x.strip() for x in line.split(";")[:2]]
            first, _, last = cps.partition("..")
            yield int(first, 16), int(last or first, 16), value


def classes(udir):
    cls = bytearray([CLASSES["bad"]]) * MAX
    for first, last, gc in ranges_of(os.path.join(
            udir, "extracted", "DerivedGeneralCategory.txt")):
        cls[first:last + 1] = bytes([CLASSES[GC_CLASS[gc]]]) * (last - first + 1)
    for cp in (0x09, 0x0A, 0x0D):
        cls[cp] = CLASSES["space"]
    # Noncharacters are assigned "Cn" already; say so explicitly anyway.
    for cp in list(range(0xFDD0, 0xFDF0)) + [
            p * 0x10000 + x for p in range(17) for x in (0xFFFE, 0xFFFF)]:
        cls[cp] = CLASSES["bad"]
    return cls


def scripts(udir):
    names = list(FIXED_SCRIPTS)
    found = sorted({v for _, _, v in ranges_of(os.path.join(udir, "Scripts.txt"))})
    names += [n for n in found if n not in names]
    ids = {n: i for i, n in enumerate(names)}
    scr = bytearray([ids["Unknown"]]) * MAX
    for first, last, name in ranges_of(os.path.join(udir, "Scripts.txt")):
        scr[first:last + 1] = bytes([ids[name]]) * (last - first + 1)
    assert len(names) < 256
    return names, scr


def unihan(udir):
    """{code point: {field: value}} for the fields the tiers use."""
    want = {"kGradeLevel", "kFrequency", "kJoyoKanji", "kGB0", "kBigFive",
            "kJis0", "kKSC0", "kJinmeiyoKanji"}
    data = {}
    for name in ("Unihan_DictionaryLikeData.txt.bz2",
                 "Unihan_OtherMappings.txt.bz2"):
        with bz2.open(os.path.join(udir, name), "rt", encoding="utf-8") as f:
            for line in f:
                if line.startswith("#") or not line.strip():
                    continue
                cp, field, value = line.rstrip("\n").split("\t", 2)
                if field in want:
                    data.setdefault(int(cp[2:], 16), {})[field] = value
    return data


def han_tiers(udir):
    tier1, tier2 = set(), set()
    for cp, f in unihan(udir).items():
        if not HAN_FIRST <= cp <= HAN_LAST:
            continue
        gb_row = int(f["kGB0"][:2]) if "kGB0" in f else 0
        big5 = int(f["kBigFive"], 16) if "kBigFive" in f else 0
        if ("kGradeLevel" in f or int(f.get("kFrequency", "9")) <= 3
                or "kJoyoKanji" in f):
            tier1.add(cp)
        elif (16 <= gb_row <= 55 or 0xA440 <= big5 <= 0xC67E
              or any(k in f for k in ("kGB0", "kBigFive", "kJis0", "kKSC0",
                                      "kJinmeiyoKanji", "kFrequency"))):
            tier2.add(cp)
    return tier1, tier2


def hangul_common():
    common = set()
    for cp in range(HANGUL_FIRST, HANGUL_LAST + 1):
        # Python's EUC-KR spells the others as 8-byte make-up sequences.
        try:
            if len(chr(cp).encode("euc_kr")) == 2:
                common.add(cp)
        except UnicodeEncodeError:
            pass
    return common


def bitset(members, first, last):
    out = bytearray((last - first + 8) // 8)
    for cp in members:
        out[(cp - first) // 8] |= 1 << ((cp - first) % 8)
    return out


def c_bytes(data, indent="    "):
    lines = []
    for i in range(0, len(data), 12):
        lines.append(indent + ", ".join("0x%02X" % b for b in data[i:i + 12]) + ",")
    return "\n".join(lines)


def main():
    udir = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_DIR
    out_path = sys.argv[2] if len(sys.argv) > 2 else DEFAULT_OUT
    cls = classes(udir)
    names, scr = scripts(udir)
    runs = []
    for cp in range(MAX):
        key = (cls[cp], scr[cp])
        if not runs or runs[-1][1:] != key:
            runs.append((cp,) + key)
    # Letters per script (all planes): how many a text in it chooses from.
    letters = [0] * len(names)
    for cp in range(MAX):
        if cls[cp] in (CLASSES["letter"], CLASSES["upper"], CLASSES["lower"]):
            letters[scr[cp]] += 1
    tier1, tier2 = han_tiers(udir)
    hangul = hangul_common()
    assert 3000 < len(tier1) < 4000 and len(hangul) == 2350, (
        len(tier1), len(hangul))

    o = []
    o.append("/*\n * charclass.c -- class and script of every code point, "
             "and how common\n * Han ideographs and Hangul syllables are, "
             "for the text detector.\n *\n * GENERATED by "
             "tools/gen_charclass.py from the Unicode Character\n * Database "
             "%s (DerivedGeneralCategory.txt, Scripts.txt, Unihan);\n * do not "
             "edit by hand, run the generator instead.\n * %d runs, %d "
             "scripts; Han tier 1: %d, tier 2: %d; common Hangul: %d.\n */"
             % (version(udir), len(runs), len(names), len(tier1), len(tier2),
                len(hangul)))
    o.append('#include "charclass.h"\n')
    o.append("/* Runs of equal class and script, sorted; each lasts until "
             "the next. */")
    o.append("const struct mailslot__cprun mailslot__cpruns[] = {")
    o.append("    /* clang-format off */")
    for first, c, s in runs:
        o.append("    {0x%05X, %d, %d}," % (first, c, s))
    o.append("    /* clang-format on */")
    o.append("};")
    o.append("const size_t mailslot__cpruns_count = %d;\n" % len(runs))
    # For each 256-code-point block of the BMP, the run holding its first
    # code point: a lookup searches only between two neighbours' entries.
    firsts = [r[0] for r in runs]
    index = [bisect.bisect_right(firsts, b << 8) - 1 for b in range(256)]
    o.append("/* mailslot__cpruns index of the run holding code point B << 8, "
             "for each B. */")
    o.append("const uint16_t mailslot__cprun_block[256] = {")
    for i in range(0, 256, 10):
        o.append("    " + ", ".join(str(x) for x in index[i:i + 10]) + ",")
    o.append("};\n")
    o.append("/* Script names, by script id. */")
    o.append("const char *const mailslot__script_names[] = {")
    for n in names:
        o.append('    "%s",' % n)
    o.append("};")
    o.append("const size_t mailslot__script_count = %d;\n" % len(names))
    o.append("/* log2 of the number of letters of each script, in 1/100 "
             "bit (0 if none). */")
    o.append("const uint16_t mailslot__script_letter_bits[] = {")
    for i in range(0, len(names), 10):
        o.append("    " + ", ".join(
            str(int(round(100 * math.log2(n)))) if n else "0"
            for n in letters[i:i + 10]) + ",")
    o.append("};\n")
    for name, what, members, first, last in (
            ("han_tier1", "Han tier 1", tier1, HAN_FIRST, HAN_LAST),
            ("han_tier2", "Han tier 2", tier2, HAN_FIRST, HAN_LAST),
            ("hangul_common", "KS X 1001 Hangul", hangul, HANGUL_FIRST,
             HANGUL_LAST)):
        o.append("/* %s, one bit per code point from U+%04X. */"
                 % (what, first))
        o.append("const uint8_t mailslot__%s[] = {" % name)
        o.append("    /* clang-format off */")
        o.append(c_bytes(bitset(members, first, last)))
        o.append("    /* clang-format on */")
        o.append("};\n")
    with open(out_path, "w", encoding="utf-8") as f:
        f.write("\n".join(o).rstrip("\n") + "\n")


def version(udir):
    with open(os.path.join(udir, "Scripts.txt"), encoding="utf-8") as f:
        return f.readline().strip("# \n").replace("Scripts-", "").replace(
            ".txt", "")


if __name__ == "__main__":
    main()
