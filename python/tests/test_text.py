"""The shared text table (tests/text_table.tsv), through Python.

Every row of the table that C, Lua and AutoHotkey are tested against is
run through mailslot.encode() / mailslot.decode(), so Python agrees with
them byte for byte.  The file's header comment documents the format.
"""
import re
from pathlib import Path

import pytest

import mailslot

TABLE = Path(__file__).resolve().parents[2] / "tests" / "text_table.tsv"
_ESCAPE = re.compile(r"\\(u\{([0-9A-Fa-f]{1,6})\}|.)", re.S)
_SIMPLE = {"\\": "\\", "t": "\t", "n": "\n", "r": "\r", "0": "\0"}


def unescape(field):
    """The text a table field stands for ('-' is the empty text)."""
    if field == "-":
        return ""

    def one(match):
        if match.group(2) is not None:
            return chr(int(match.group(2), 16))
        if match.group(1) not in _SIMPLE:
            raise ValueError(f"bad escape in {field!r}")
        return _SIMPLE[match.group(1)]

    return _ESCAPE.sub(one, field)


def unhex(field):
    """The bytes a hex field stands for ('-' is no bytes)."""
    return b"" if field == "-" else bytes.fromhex(field)


def load_rows():
    rows = []
    with open(TABLE, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            fields = line.split("\t")
            assert len(fields) == 6, f"line {number}: {fields}"
            rows.append(pytest.param(*fields[:5], id=f"line{number}"))
    return rows


ROWS = load_rows()


def test_the_table_is_there():
    assert len(ROWS) > 100


@pytest.mark.parametrize("op,encoding,flags,given,expected", ROWS)
def test_row(op, encoding, flags, given, expected):
    flags = set() if flags == "-" else set(flags.split(","))
    assert flags <= {"strict", "nul"}
    if op == "decode":
        errors = "strict" if "strict" in flags else "replace"
        call = lambda: mailslot.decode(unhex(given), encoding, errors)
        want = None if expected.startswith("!") else unescape(expected)
    else:
        assert op == "encode"
        call = lambda: mailslot.encode(unescape(given), encoding,
                                       nul="nul" in flags)
        want = None if expected.startswith("!") else unhex(expected)
    if expected == "!encoding":
        # Text errors are Python's own, as its codecs raise them.
        error = UnicodeDecodeError if op == "decode" else UnicodeEncodeError
        with pytest.raises(error):
            call()
    elif want is None:
        with pytest.raises(mailslot.Error) as info:
            call()
        assert info.value.errname == expected[1:]
    else:
        assert call() == want


def test_decode_accepts_any_bytes_like():
    data = "h\u00e9".encode("utf-16le")
    for obj in (data, bytearray(data), memoryview(data)):
        assert mailslot.decode(obj) == "h\u00e9"
    assert mailslot.detect_encoding(data) == "utf-16le"
    assert mailslot.detect_encoding(b"\xe9") == "ansi"
    assert mailslot.detect_encoding(b"\xc3\xa9") == "utf-8"


def test_read_text_uses_the_same_codec(slot, name):
    for encoding in ("utf-8", "utf-16le", "ansi"):
        mailslot.send(name, "caf\u00e9 \u20ac", encoding=encoding, nul=True)
        assert slot.read_text() == "caf\u00e9 \u20ac"
    mailslot.send(name, b"a\xffb")
    assert slot.read_text(encoding="utf-8") == "a\ufffdb"
    mailslot.send(name, b"a\xffb")
    mailslot.send(name, b"next")
    with pytest.raises(UnicodeDecodeError) as info:
        slot.read_text(encoding="utf-8", errors="strict")
    # The message is not lost: the exception carries its bytes.
    assert info.value.object == b"a\xffb"
    assert (info.value.start, info.value.end) == (1, 2)
    assert info.value.encoding == "utf-8"
    assert slot.read() == b"next"


def test_strict_decode_points_at_the_bad_bytes():
    with pytest.raises(UnicodeDecodeError) as info:
        mailslot.decode(b"ok\xe2\x82!", "utf-8", "strict")
    e = info.value
    assert (e.encoding, e.object, e.start, e.end) == (
        "utf-8", b"ok\xe2\x82!", 2, 4)
    assert isinstance(e, ValueError)          # as Python's codecs raise it
    with pytest.raises(UnicodeDecodeError) as info:
        mailslot.decode(b"a\x00\x00\xd8", "utf_16_le", "strict")
    assert (info.value.encoding, info.value.start, info.value.end) == (
        "utf-16le", 2, 4)
    # AUTO names the encoding it chose.
    with pytest.raises(UnicodeDecodeError) as info:
        mailslot.decode(b"\xef\xbb\xbfa\xff", errors="strict")
    assert (info.value.encoding, info.value.start) == ("utf-8", 4)


def test_strict_encode_points_at_the_character():
    with pytest.raises(UnicodeEncodeError) as info:
        mailslot.encode("a\u20ac\u03a9b", "cp1252")
    e = info.value
    assert (e.encoding, e.object, e.start, e.end) == (
        "cp1252", "a\u20ac\u03a9b", 2, 3)
    with pytest.raises(UnicodeEncodeError) as info:
        mailslot.encode("ab\ud800", "utf-8")
    assert (info.value.start, info.value.end) == (2, 3)
    with pytest.raises(UnicodeEncodeError):
        mailslot.send("never/sent", "\u03a9", encoding="ansi")


def test_pythons_spellings_of_encodings():
    assert mailslot.encode("h\u00e9", "UTF_16_LE") == b"h\x00\xe9\x00"
    assert mailslot.encode("h\u00e9", "utf_8") == b"h\xc3\xa9"
    assert mailslot.encode("\u20ac", "windows-1252") == b"\x80"
    assert mailslot.decode(b"\x80", "cp1252") == "\u20ac"
    with pytest.raises(LookupError):
        mailslot.decode(b"x", "utf-32")


def test_a_reader_says_what_its_writers_send(name):
    data = "caf\u00e9".encode("utf-8")
    with mailslot.create(name, timeout=1, encoding="cp1252") as slot:
        assert slot.encoding == "cp1252"
        mailslot.send(name, data)
        mailslot.send(name, data)
        mailslot.send(name, data)
        assert slot.read_text() == "caf\u00c3\u00a9"     # never guessed
        assert slot.read_text(encoding="auto") == "caf\u00e9"
        assert slot.read_text(encoding="utf-8") == "caf\u00e9"
    with mailslot.create(name, timeout=1) as slot:
        assert slot.encoding == "auto"
        mailslot.send(name, "\u0395\u03bb\u03bb\u03ac\u03b4\u03b1",
                      encoding="utf-16le")
        assert slot.read_text() == "\u0395\u03bb\u03bb\u03ac\u03b4\u03b1"
    # A bad encoding creates nothing: the name stays free.
    with pytest.raises(LookupError):
        mailslot.create(name, encoding="klingon")
    mailslot.create(name).close()
