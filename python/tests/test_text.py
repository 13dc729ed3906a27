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
    if want is None:
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
    with pytest.raises(mailslot.Encoding):
        slot.read_text(encoding="utf-8", errors="strict")
