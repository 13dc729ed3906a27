"""Options: the writer's timeout and network settings, the queue limits.

Every option is checked before anything is created, opened or sent, and a
bad value raises TypeError or ValueError naming the option.
"""
import math
import os
import pathlib
import shutil
import socket
import tempfile
import time

import pytest

import mailslot


def fill(writer, limit=100000):
    """Write to WRITER until FullError; return how many messages fit."""
    for sent in range(limit):
        try:
            writer.write(b"m%d" % sent)
        except mailslot.FullError:
            return sent
    pytest.fail(f"the queue took {limit} messages without being full")


def netbios(name):
    """NAME as a NetBIOS datagram carries it (RFC 1001 first-level
    encoding, padded with spaces, suffix 0)."""
    raw = name.upper().ljust(15).encode() + b"\0"
    return bytes(b for c in raw for b in (0x41 + (c >> 4), 0x41 + (c & 15)))


@pytest.fixture
def udp():
    """A UDP socket on 127.0.0.1 standing in for a remote machine."""
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as sock:
        sock.bind(("127.0.0.1", 0))
        sock.settimeout(10)
        yield sock


# -- the writer's timeout ------------------------------------------------


def test_writer_timeout_default_and_property(slot, name):
    with mailslot.open(name) as writer:
        assert writer.timeout == 5.0         # the library's default
        writer.timeout = None
        assert writer.timeout is None
        writer.timeout = 0.25
        assert writer.timeout == 0.25
        writer.timeout = 0
        assert writer.timeout == 0.0
    with mailslot.open(name, timeout=None) as writer:
        assert writer.timeout is None
    with mailslot.open(name, timeout=1.5) as writer:
        assert writer.timeout == 1.5
        writer.close()
        with pytest.raises(ValueError):
            writer.timeout = 1


def test_a_full_queue_waits_for_the_writers_timeout(name):
    with mailslot.create(name, queue_limit_msgs=3, timeout=0) as slot, \
            mailslot.open(name, timeout=0) as writer:
        sent = fill(writer)
        assert sent >= 3
        writer.timeout = 0.3
        start = time.monotonic()
        with pytest.raises(mailslot.FullError) as info:
            writer.write(b"late")
        assert time.monotonic() - start >= 0.25   # it did wait
        assert info.value.errname == "full"
        with pytest.raises(mailslot.FullError):
            mailslot.send(name, b"late", timeout=0)
        # Nothing was dropped, and nothing of the failed writes arrived.
        got = []
        while True:
            try:
                got.append(slot.read(0))
            except TimeoutError:
                break
        assert got == [b"m%d" % i for i in range(sent)]


def test_the_queue_has_room_again_after_reading(name):
    with mailslot.create(name, queue_limit_msgs=2, timeout=1) as slot, \
            mailslot.open(name, timeout=0) as writer:
        sent = fill(writer)
        assert slot.read() == b"m0"
        writer.timeout = 5
        assert writer.write(b"again") == 5
        got = []
        while True:
            try:
                got.append(slot.read(0))
            except TimeoutError:
                break
        assert got == [b"m%d" % i for i in range(1, sent)] + [b"again"]


def test_max_bytes_caps_the_queued_bytes(name):
    with mailslot.create(name, queue_limit_bytes=1000, timeout=0) as slot, \
            mailslot.open(name, timeout=0) as writer:
        for sent in range(100000):
            try:
                writer.write(b"x" * 100)
            except mailslot.FullError:
                break
        assert 10 <= sent < 100000
        assert slot.read() == b"x" * 100


# -- the network options -------------------------------------------------


def test_remote_options_reach_the_wire(udp):
    port = udp.getsockname()[1]
    with mailslot.open("\\\\127.0.0.1\\mailslot\\pyopt", port=port,
                       netbios_name="PySender", timeout=0) as writer:
        assert writer.write(b"hello") == 5
    data, _ = udp.recvfrom(2048)
    assert netbios("PYSENDER") in data
    assert b"\\MAILSLOT\\pyopt" in data and data.endswith(b"hello")
    assert mailslot.send("\\\\*\\mailslot\\pyopt", b"hi", port=port,
                         workgroup="MyGroup", broadcast="127.0.0.1") == 2
    data, _ = udp.recvfrom(2048)
    assert netbios("MYGROUP") in data and data.endswith(b"hi")


# -- bad values ----------------------------------------------------------

BAD_WRITER_OPTIONS = [
    ("timeout", "1", TypeError), ("timeout", -1, ValueError),
    ("timeout", math.nan, ValueError), ("timeout", 1e12, OverflowError),
    ("netbios_name", 5, TypeError), ("netbios_name", b"PC", TypeError),
    ("netbios_name", "", ValueError), ("netbios_name", "x" * 16, ValueError),
    ("netbios_name", "a\nb", ValueError), ("netbios_name", "a\0b", ValueError),
    ("netbios_name", "\udc00", ValueError),
    ("workgroup", 5, TypeError), ("workgroup", "", ValueError),
    ("workgroup", "w" * 16, ValueError), ("workgroup", "w\0", ValueError),
    ("broadcast", 5, TypeError), ("broadcast", ["eth0"], TypeError),
    ("broadcast", "", ValueError), ("broadcast", "eth0\0", ValueError),
    ("port", "138", TypeError), ("port", 138.0, TypeError),
    ("port", True, TypeError), ("port", 0, ValueError),
    ("port", -1, ValueError), ("port", 65536, ValueError),
    ("port", 2**70, ValueError),
]


@pytest.mark.parametrize("option,bad,exc", BAD_WRITER_OPTIONS)
def test_bad_writer_options_open_and_send_nothing(slot, name, udp, option,
                                                  bad, exc):
    remote = "\\\\127.0.0.1\\mailslot\\pyopt"
    good_port = {} if option == "port" else {"port": udp.getsockname()[1]}
    udp.settimeout(0.2)
    for target in (name, remote):
        with pytest.raises(exc, match=option):
            mailslot.open(target, **{option: bad})
        with pytest.raises(exc, match=option):
            mailslot.send(target, b"x", **good_port, **{option: bad})
    assert slot.info().count == 0
    with pytest.raises(socket.timeout):
        udp.recvfrom(2048)


@pytest.mark.parametrize("bad,exc", [
    ("1", TypeError), (b"1", TypeError), (-0.5, ValueError),
    (math.nan, ValueError), (1e12, OverflowError),
])
def test_writer_timeout_property_refuses_bad_values(slot, name, bad, exc):
    with mailslot.open(name, timeout=2) as writer:
        with pytest.raises(exc, match="timeout"):
            writer.timeout = bad
        with pytest.raises(AttributeError):
            del writer.timeout
        assert writer.timeout == 2.0


@pytest.mark.parametrize("option,bad,exc", [
    ("queue_limit_msgs", 0, ValueError),
    ("queue_limit_msgs", -1, ValueError),
    ("queue_limit_msgs", 2**32, ValueError),
    ("queue_limit_msgs", 1.0, TypeError),
    ("queue_limit_msgs", "10", TypeError),
    ("queue_limit_msgs", True, TypeError),
    ("queue_limit_bytes", 0, ValueError),
    ("queue_limit_bytes", -5, ValueError),
    ("queue_limit_bytes", 2**64, ValueError),
    ("queue_limit_bytes", 1e3, TypeError),
    ("queue_limit_bytes", b"1", TypeError),
])
def test_bad_queue_limits_create_nothing(name, option, bad, exc):
    with pytest.raises(exc, match=option):
        mailslot.create(name, **{option: bad})
    with pytest.raises(exc, match=option):
        mailslot.Mailslot(name, **{option: bad})
    assert mailslot.canonical_name(name) not in [
        mailslot.canonical_name(n) for n in mailslot.list()]
    with mailslot.create(name, **{option: None}) as slot:   # the default
        assert slot.name == mailslot.canonical_name(name)


def test_options_are_keyword_only(slot, name):
    with pytest.raises(TypeError):
        mailslot.open(name, 1.0)
    with pytest.raises(TypeError):
        mailslot.create(name + "x", 0, None, "auto", 10)


@pytest.mark.parametrize("bad,exc", [
    ("everyone", ValueError), ("group:", ValueError), ("", ValueError),
    ("group:a\0b", ValueError), (1, TypeError), (b"all", TypeError),
])
def test_bad_access_creates_nothing(name, bad, exc):
    with pytest.raises(exc, match="access"):
        mailslot.create(name, access=bad)
    assert "\\\\.\\mailslot\\" + name not in mailslot.list()


def test_access_all_shares_the_slot(name, monkeypatch):
    """As root the shared directory is made on first use and the writer
    finds the slot there; as another user, without it, the error says
    that only root can make it."""
    # A short path: socket paths have a limit of 107 bytes.
    top = pathlib.Path(tempfile.mkdtemp(prefix="ms"))
    shared = top / "shared"
    monkeypatch.setenv("MAILSLOT_SHARED_DIR", str(shared))
    if os.geteuid() != 0:
        with pytest.raises(mailslot.AccessDeniedError) as caught:
            mailslot.create(name, access="all")
        assert str(shared) in caught.value.detail
        shutil.rmtree(top)
        return
    with mailslot.create(name, access="all", timeout=1) as slot:
        assert oct(shared.stat().st_mode & 0o7777) == "0o1777"
        socks = list(shared.glob("u0.*/*.sock"))
        assert len(socks) == 1 and socks[0].stat().st_mode & 0o777 == 0o666
        mailslot.send(name, b"shared")
        assert slot.read() == b"shared"
    assert list(shared.glob("u0.*/*.sock")) == []
    shutil.rmtree(top)
