"""The behaviour contract (ARCHITECTURE.md section 3), through Python.

The same table the C tests check: round trip, empty message vs timeout,
timeouts (0, finite, forever), order, exactly-at and over the limit,
exists, not_found, closed, a killed reader's name, many writers, Unicode.
"""
import os
import signal
import threading
import time

import pytest

import mailslot
from conftest import python_child, wait_for, wait_line


def test_round_trip_bytes_and_text(slot, name):
    assert mailslot.send(name, b"hello") == 5
    assert slot.read() == b"hello"
    assert mailslot.send(name, "h\u00e9llo \u2603") == 10
    assert slot.read_text() == "h\u00e9llo \u2603"


def test_empty_message_is_not_a_timeout(slot, name):
    with pytest.raises(mailslot.TimeoutError):
        slot.read(0)
    assert slot.info().next_size is None
    mailslot.send(name, b"")
    assert slot.info() == (0, 0, 1, 0.0)
    assert slot.read(0) == b""
    with pytest.raises(TimeoutError) as info:
        slot.read(0)
    assert info.value.errname == "timeout"
    assert info.value.code == -5


def test_timeout_zero_finite_and_forever(name):
    with mailslot.create(name, timeout=0.2) as slot:
        start = time.monotonic()
        with pytest.raises(mailslot.TimeoutError):
            slot.read()                      # the slot's timeout
        assert 0.19 <= time.monotonic() - start < 2.0
        start = time.monotonic()
        with pytest.raises(mailslot.TimeoutError):
            slot.read(0)                     # a per-call poll
        assert time.monotonic() - start < 0.1
        start = time.monotonic()
        with pytest.raises(mailslot.TimeoutError):
            slot.read(timeout=0.05)
        assert 0.045 <= time.monotonic() - start < 2.0
        timer = threading.Timer(0.2, mailslot.send, (name, b"late"))
        timer.start()
        assert slot.read(None) == b"late"    # waits for ever
        timer.join()


def test_timeout_property(slot):
    assert slot.timeout == 0.0
    slot.timeout = 1.5
    assert slot.timeout == 1.5
    assert slot.info().timeout == 1.5
    slot.timeout = None
    assert slot.timeout is None and slot.info().timeout is None
    slot.timeout = 0.0001                    # rounds up to 1 ms, not a poll
    assert slot.timeout == 0.001


def test_default_timeout_blocks(name):
    with mailslot.create(name) as slot:
        assert slot.timeout is None
        timer = threading.Timer(0.1, mailslot.send, (name, b"x"))
        timer.start()
        assert slot.read() == b"x"
        timer.join()


def test_order_is_fifo(slot, name):
    with mailslot.open(name) as writer:
        for i in range(200):
            writer.write(str(i))
    assert slot.info().count == 200
    assert [slot.read_text() for _ in range(200)] == [
        str(i) for i in range(200)]


def test_exactly_at_and_over_the_limit(name):
    with mailslot.create(name, max_size=10, timeout=0) as slot:
        assert slot.info().max_size == 10
        with mailslot.open(name) as writer:
            assert writer.write(b"x" * 10) == 10
            with pytest.raises(mailslot.TooBigError) as info:
                writer.write(b"y" * 11)
            assert info.value.errname == "too_big"
            with pytest.raises(mailslot.TooBigError):
                writer.write("\u00e9" * 6)   # 12 bytes of UTF-8
        assert slot.info().count == 1        # nothing of the big ones
        assert slot.read() == b"x" * 10


def test_platform_limit(slot, name):
    big = bytes(range(256)) * (mailslot.MAX_MESSAGE_SIZE // 256)
    big = big[:mailslot.MAX_MESSAGE_SIZE]
    assert mailslot.send(name, big) == mailslot.MAX_MESSAGE_SIZE
    with pytest.raises(mailslot.TooBigError):
        mailslot.send(name, big + b"!")
    assert slot.info().count == 1
    assert slot.read() == big


def test_exists(slot, name):
    with pytest.raises(mailslot.ExistsError) as info:
        mailslot.create(name)
    assert isinstance(info.value, FileExistsError)
    assert info.value.filename == name
    with pytest.raises(FileExistsError):
        mailslot.create(name.upper())        # names are case-insensitive
    with pytest.raises(FileExistsError):
        mailslot.create("\\\\.\\mailslot\\" + name)


def test_not_found(name):
    with pytest.raises(mailslot.NotFoundError) as info:
        mailslot.open(name)
    assert isinstance(info.value, FileNotFoundError)
    assert info.value.errname == "not_found"
    with pytest.raises(FileNotFoundError):
        mailslot.send(name, b"x")


def test_closed(name):
    slot = mailslot.create(name, timeout=0)
    writer = mailslot.open(name)
    slot.close()
    slot.close()                             # idempotent
    assert slot.closed
    for call in (slot.read, slot.read_text, slot.fileno, slot.info):
        with pytest.raises(ValueError):
            call()
    with pytest.raises(ValueError):
        slot.timeout = 1
    assert slot.name == mailslot.canonical_name(name)   # after close too
    assert slot.display_name.endswith(name)
    # The writer learns on its next write that the reader went away.
    with pytest.raises(mailslot.ReaderGoneError) as info:
        writer.write(b"x")
    assert isinstance(info.value, BrokenPipeError)
    assert info.value.errname == "reader_gone"
    writer.close()
    writer.close()
    assert writer.closed
    with pytest.raises(ValueError):
        writer.write(b"x")
    # The name is free again at once.
    with mailslot.create(name) as again:
        mailslot.send(name, b"new")
        assert again.read(1) == b"new"


def test_close_wakes_a_blocked_read(slot):
    errors = []

    def reader():
        try:
            slot.read(None)
        except Exception as exc:             # the assertion is below
            errors.append(exc)

    thread = threading.Thread(target=reader)
    thread.start()
    time.sleep(0.2)
    slot.close()
    thread.join(5)
    assert not thread.is_alive()
    assert len(errors) == 1 and isinstance(errors[0], ValueError)


def test_iteration_blocks_and_ends_on_close(name):
    slot = mailslot.create(name)             # timeout None: blocks
    got = []

    def consume():
        for message in slot:
            got.append(message)

    thread = threading.Thread(target=consume)
    thread.start()
    for text in ("one", "", "three"):
        mailslot.send(name, text)
    assert wait_for(lambda: len(got) == 3)
    slot.close()
    thread.join(5)
    assert not thread.is_alive()
    assert got == [b"one", b"", b"three"]


def test_iteration_ends_on_the_slots_timeout(name):
    with mailslot.create(name, timeout=0.2) as slot:
        timer = threading.Timer(0.05, mailslot.send, (name, b"late"))
        timer.start()
        assert list(slot) == [b"late"]       # waited, then timed out
        timer.join()
        slot.timeout = 0
        for text in ("a", "", "c"):
            mailslot.send(name, text)
        assert list(slot) == [b"a", b"", b"c"]
        assert slot.info().count == 0


def test_drain_takes_what_is_queued_now(name):
    with mailslot.create(name) as slot:      # timeout None: drain still
        assert list(slot.drain()) == []      # never waits
        for text in ("1", "2", "3"):
            mailslot.send(name, text)
        taken = []
        for message in slot.drain():
            taken.append(message)
            mailslot.send(name, b"more")     # arrives after the start
        assert taken == [b"1", b"2", b"3"]
        assert slot.info().count == 3
        slot.close()
        with pytest.raises(ValueError):
            list(slot.drain())


def test_the_gil_is_released_while_waiting(slot, name):
    ticks = 0
    thread = threading.Thread(target=slot.read, args=(None,))
    thread.start()
    end = time.monotonic() + 0.2
    while time.monotonic() < end:
        ticks += 1
    mailslot.send(name, b"done")
    thread.join(5)
    assert not thread.is_alive()
    assert ticks > 1000


def test_killed_readers_name_is_reusable(name):
    child = python_child(
        "import sys, time, mailslot\n"
        "slot = mailslot.create(sys.argv[1])\n"
        "print('ready', flush=True)\n"
        "time.sleep(60)\n", name)
    try:
        wait_line(child, "ready")
        with pytest.raises(mailslot.ExistsError):
            mailslot.create(name)
        mailslot.send(name, b"to the dead")  # left unread
    finally:
        os.kill(child.pid, signal.SIGKILL)
        child.communicate()
    assert child.returncode == -signal.SIGKILL
    with mailslot.create(name, timeout=0) as slot:
        with pytest.raises(mailslot.TimeoutError):
            slot.read()                      # nothing stale
        mailslot.send(name, b"fresh")
        assert slot.read() == b"fresh"


def test_many_writers(slot, name):
    def write(tag):
        with mailslot.open(name) as writer:
            for i in range(300):
                writer.write(f"{tag}:{i}")

    threads = [threading.Thread(target=write, args=(t,)) for t in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    messages = [slot.read_text() for _ in range(1200)]
    for tag in range(4):
        mine = [m for m in messages if m.startswith(f"{tag}:")]
        assert mine == [f"{tag}:{i}" for i in range(300)]


def test_unicode_names(name):
    base = name + "\\Caf\u00e9-\u00fc\u2603-\U0001F600"
    with mailslot.create(base, timeout=0) as slot:
        assert slot.name == mailslot.canonical_name(base)
        assert slot.display_name == "\\\\.\\mailslot\\" + base
        mailslot.send(base.upper(), "x")     # CAF\u00c9 is the same slot
        with mailslot.open(base.replace("\\", "/")) as writer:
            writer.write("y")
        assert [slot.read(), slot.read()] == [b"x", b"y"]


def test_info_counts_exactly(slot, name):
    for size in (3, 0, 7):
        mailslot.send(name, b"z" * size)
    info = slot.info()
    assert info == mailslot.Info(max_size=0, next_size=3, count=3,
                                 timeout=0.0)
    slot.read()
    assert slot.info().next_size == 0
    slot.read()
    assert slot.info()[1:3] == (7, 1)



def test_large_and_small_messages_in_any_order(name):
    # After a large message the next read guesses the same size, or asks
    # for the size first, and reads straight into the bytes object; small
    # ones go through the buffer.  Guesses that hit, and that miss either
    # way (shorter, longer, empty).
    sizes = [60000, 16, 0, 60000, 60000, 20000, 1, 65000, 0, 3,
             30000, 60000, 60000, 60000, 30000, 30000, 30000, 0,
             40000, 40000, 50000, 40000, 40000, 1]
    msgs = [bytes((i * 7 + n) % 256 for i in range(n)) for n in sizes]
    with mailslot.create(name, timeout=None) as s:
        for m in msgs:
            mailslot.send(name, m)
        got = [s.read() for _ in msgs]
        assert [len(g) for g in got] == sizes
        assert got == msgs
        # Waiting for a large one, then a small one, from another thread.
        timer = threading.Timer(0.1, mailslot.send, (name, msgs[0]))
        timer.start()
        assert s.read() == msgs[0]
        timer.join()
        timer = threading.Timer(0.1, mailslot.send, (name, b"after"))
        timer.start()
        assert s.read() == b"after"
        timer.join()
        with pytest.raises(mailslot.TimeoutError):
            s.read(timeout=0)
