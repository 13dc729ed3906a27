"""Cross-language: Python and the mailslot command (C) talk to each other.

Python writes to ``mailslot listen``; ``mailslot send`` writes to a Python
reader.  The messages carry Unicode text (emoji, combining marks) in every
encoding and raw bytes with a NUL inside; both sides must see the same
bytes and the same text.
"""
import subprocess

import pytest

import mailslot
from conftest import wait_for

TEXTS = [
    "h\u00e9llo \u2603 \U0001F600",          # Latin-1, BMP symbol, emoji
    "e\u0301 \u0928\u092e\u0938\u094d\u0924\u0947",  # combining marks
    "\u041f\u0440\u0438\u0432\u0435\u0442 \u4e16\u754c",  # Cyrillic, CJK
    "",                                      # an empty message
]
RAW = b"a\x00b\xff\x00"                      # bytes with NULs inside


def listen(cli, name, tmp_path, *options):
    """Start ``mailslot listen`` and wait until its slot exists."""
    ready = tmp_path / "ready"
    proc = subprocess.Popen([cli, "listen", name, "--ready", str(ready),
                             *options], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    if not wait_for(ready.exists):
        proc.kill()
        pytest.fail(f"mailslot listen did not start: {proc.communicate()}")
    return proc


def finish(proc):
    out, err = proc.communicate(timeout=20)
    assert proc.returncode == 0, err
    return out


def test_python_writer_to_cli_reader_bytes(cli, name, tmp_path):
    messages = [mailslot.encode(t) for t in TEXTS] + [
        mailslot.encode(TEXTS[0], "utf-16le", nul=True), RAW]
    proc = listen(cli, name, tmp_path, "--hex", "--count",
                  str(len(messages) + 1))
    with mailslot.open(name.upper()) as writer:
        for text in TEXTS:
            writer.write(text)
        writer.write(TEXTS[0], encoding="utf-16le", nul=True)
        writer.write(RAW)
        writer.write(memoryview(bytearray(RAW)))
    lines = finish(proc).decode("ascii").splitlines()
    assert [bytes.fromhex(line) for line in lines] == messages + [RAW]


def test_python_writer_to_cli_reader_text(cli, name, tmp_path):
    proc = listen(cli, name, tmp_path, "--count", "6")
    for text in TEXTS[:3]:
        mailslot.send(name, text)
    mailslot.send(name, TEXTS[0], encoding="utf-16le")
    mailslot.send(name, TEXTS[1], encoding="utf-16le", nul=True)
    mailslot.send(name, "caf\u00e9 \u20ac", encoding="ansi")
    text = finish(proc).decode("utf-8")
    assert text.split("\n") == TEXTS[:3] + [
        TEXTS[0], TEXTS[1], "caf\u00e9 \u20ac", ""]


def test_cli_writer_to_python_reader(cli, name):
    with mailslot.create(name, timeout=10) as slot:
        for text in TEXTS:
            subprocess.run([cli, "send", name.lower(), "--", text],
                           check=True)
            assert slot.read_text() == text
        for encoding in ("utf-8", "utf-16le"):
            subprocess.run([cli, "send", name, "--encoding", encoding,
                            "--nul", TEXTS[0]], check=True)
            data = slot.read()
            assert data == mailslot.encode(TEXTS[0], encoding, nul=True)
            assert mailslot.decode(data) == TEXTS[0]
        subprocess.run([cli, "send", name, "-"], input=RAW, check=True)
        assert slot.read() == RAW
        assert slot.info().count == 0


def test_cli_sees_a_python_slot(cli, name):
    with mailslot.create(name, timeout=0):
        out = subprocess.run([cli, "list"], check=True,
                             stdout=subprocess.PIPE).stdout.decode("utf-8")
        assert "\\\\.\\mailslot\\" + name in out.splitlines()
    result = subprocess.run([cli, "send", name, "x"], stderr=subprocess.PIPE)
    assert result.returncode == 3  # not found (mailslot --help)
    assert b"not_found" in result.stderr
