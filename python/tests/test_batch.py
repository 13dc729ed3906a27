"""Batch calls: Mailslot.read_many() and Writer.write_many().

The same messages, order, boundaries and errors as single calls, in
fewer calls.
"""
import ast
import inspect
import threading
from pathlib import Path

import pytest

import mailslot
from conftest import python_child, wait_line


def numbered(n, start=0):
    return [b"m%d:" % i + bytes([97 + i % 26]) * (i % 40)
            for i in range(start, start + n)]


def test_round_trip_keeps_order_and_boundaries(slot, name):
    sent = numbered(300) + [b"", b"\x00", b"x" * 20000, b""]
    with mailslot.open(name) as w:
        assert w.write_many(sent) == len(sent)
    got = []
    while len(got) < len(sent):
        batch = slot.read_many(64, timeout=5)
        assert 1 <= len(batch) <= 64
        assert all(type(m) is bytes for m in batch)
        got += batch
    assert got == sent
    with pytest.raises(TimeoutError):
        slot.read_many(10, timeout=0)


def test_waits_for_the_first_message_only(name):
    with mailslot.create(name) as slot:
        threading.Timer(0.2, mailslot.send, (name, b"late")).start()
        assert slot.read_many(50, timeout=10) == [b"late"]
        with pytest.raises(mailslot.TimeoutError):
            slot.read_many(50, timeout=0.05)
        # The slot's own timeout is the default.
        slot.timeout = 0
        with pytest.raises(TimeoutError):
            slot.read_many(5)


def test_max_is_respected_and_the_rest_stays_queued(slot, name):
    with mailslot.open(name) as w:
        w.write_many(numbered(10))
    assert slot.read_many(3) == numbered(3)
    assert slot.read() == numbered(1, 3)[0]
    assert slot.read_many(1) == numbered(1, 4)
    assert slot.read_many(100) == numbered(5, 5)


def test_long_messages_between_short_ones(slot, name):
    big = bytes(range(256)) * 900          # longer than a slice of the buffer
    sent = [b"a", big, b"b", big[:5000], b"c", big, big]
    with mailslot.open(name) as w:
        assert w.write_many(sent) == len(sent)
    assert slot.read_many(len(sent)) == sent


def test_interleaves_with_single_calls(slot, name):
    w = mailslot.open(name)
    expected = []
    for i in range(40):
        batch = numbered(i % 7, len(expected))
        if i % 3 == 0 and batch:
            for m in batch:
                w.write(m)
        else:
            w.write_many(iter(batch))      # any iterable
        expected += batch
    got = []
    while len(got) < len(expected):
        if len(got) % 2:
            got.append(slot.read(timeout=5))
        else:
            got += slot.read_many(1 + len(got) % 11, timeout=5)
    assert got == expected
    w.close()


def test_text_items_are_encoded_as_write_does(slot, name):
    with mailslot.open(name) as w:
        assert w.write_many(["h\u00e9", b"raw", bytearray(b"ba"),
                             memoryview(b"mv")]) == 4
        assert w.write_many(["h\u00e9"], encoding="utf-16le", nul=True) == 1
    assert slot.read_many(10) == [b"h\xc3\xa9", b"raw", b"ba", b"mv",
                                  b"h\x00\xe9\x00\x00\x00"]


def test_bad_input_names_it_and_sends_nothing(slot, name):
    with mailslot.open(name) as w:
        with pytest.raises(TypeError, match=r"item 2 must be bytes-like or "
                                            r"str, not int"):
            w.write_many([b"a", b"b", 3, b"d"])
        with pytest.raises(TypeError, match="item 0 .* not NoneType"):
            w.write_many([None])
        with pytest.raises(TypeError, match="must be an iterable"):
            w.write_many(5)
        with pytest.raises(UnicodeEncodeError):
            w.write_many([b"a", "\udc80"])
        assert w.write_many([]) == 0
    with pytest.raises(TimeoutError):
        slot.read_many(10)                 # nothing was sent
    for bad in (0, -1):
        with pytest.raises(ValueError, match="max must be at least 1"):
            slot.read_many(bad)
    with pytest.raises(TypeError):
        slot.read_many("3")
    with pytest.raises(TypeError):
        slot.read_many(3, timeout="soon")


def test_a_failing_write_says_how_many_were_written(name):
    with mailslot.create(name, max_size=4, timeout=0) as slot:
        w = mailslot.open(name)
        with pytest.raises(mailslot.TooBigError) as info:
            w.write_many([b"ab", b"cd", b"too long", b"ef"])
        assert info.value.written == 2
        assert slot.read_many(10) == [b"ab", b"cd"]
    with pytest.raises(mailslot.ReaderGoneError) as info:
        w.write_many([b"x"])
    assert info.value.written == 0
    w.close()
    with pytest.raises(ValueError):
        w.write_many([b"x"])


def test_a_full_queue_stops_where_single_writes_would(name):
    with mailslot.create(name, timeout=0, queue_limit_msgs=30) as slot:
        with mailslot.open(name, timeout=0) as w:
            with pytest.raises(mailslot.FullError) as info:
                w.write_many(numbered(500))
            written = info.value.written
            assert 30 <= written < 500
        got = []
        while True:
            try:
                got += slot.read_many(17)
            except TimeoutError:
                break
        assert got == numbered(written)


def test_closed_slot(name):
    slot = mailslot.create(name)
    slot.close()
    with pytest.raises(ValueError):
        slot.read_many(3)


def test_many_writers(slot, name):
    code = ("import sys, mailslot\n"
            "w = mailslot.open(sys.argv[1])\n"
            "print('ready', flush=True)\n"
            "msgs = [b'%s-%d' % (sys.argv[2].encode(), i) "
            "for i in range(400)]\n"
            "for i in range(0, 400, 23):\n"
            "    w.write_many(msgs[i:i + 23])\n")
    children = [python_child(code, name, str(k)) for k in range(3)]
    for child in children:
        wait_line(child, "ready")
    seen = {str(k): [] for k in range(3)}
    for _ in range(1200):
        if sum(map(len, seen.values())) == 1200:
            break
        for m in slot.read_many(64, timeout=10):
            who, n = m.decode().split("-")
            seen[who].append(int(n))
    for child in children:
        assert child.wait(timeout=30) == 0
    assert all(v == list(range(400)) for v in seen.values())


def test_stub_declares_the_batch_methods():
    stub = Path(mailslot.__file__).with_name("__init__.pyi")
    tree = ast.parse(stub.read_text())
    methods = {}
    for node in tree.body:
        if isinstance(node, ast.ClassDef):
            methods[node.name] = {n.name for n in node.body
                                  if isinstance(n, (ast.FunctionDef,
                                                    ast.AsyncFunctionDef))}
    for cls in (mailslot.Mailslot, mailslot.Writer):
        public = {a for a, _ in inspect.getmembers(cls)
                  if not a.startswith("_")}
        assert public - methods[cls.__name__] <= {
            "name", "display_name", "closed", "encoding", "timeout"}
    assert "read_many" in methods["Mailslot"]
    assert "write_many" in methods["Writer"]
