"""read(origin=True): where a message came from.

A message from a local writer has no origin (None).  For a message from
the network, ``mailslot bridge`` runs here on the loopback interface only
(``--interface lo``, a free UDP port, ``--any``), delivering into this
session's private slot directory; Python itself sends the NetBIOS datagram
to ``\\\\127.0.0.1\\mailslot\\<name>`` with MAILSLOT_REMOTE_PORT pointing at
the bridge.  Nothing leaves the machine.  When the bridge cannot start
(binding to a device needs Linux 5.7 or root) the network tests skip,
except under CI, where they fail.
"""
import asyncio
import os
import socket
import subprocess

import pytest

import mailslot
from conftest import wait_for

TEXT = b"from the network \x00 with a NUL"


def free_udp_port():
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def bridge(cli, tmp_path_factory):
    """A running ``mailslot bridge`` on 127.0.0.1; yields its UDP port."""
    ready = tmp_path_factory.mktemp("bridge") / "ready"
    port = free_udp_port()
    proc = subprocess.Popen(
        [cli, "bridge", "--port", str(port), "--interface", "lo", "--any",
         "--ready", str(ready)],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    if not wait_for(lambda: ready.exists() or proc.poll() is not None):
        proc.kill()
    if not ready.exists():
        proc.kill()
        _, err = proc.communicate()
        reason = f"mailslot bridge did not start: {err.decode()!r}"
        if os.environ.get("CI"):
            pytest.fail(reason)
        pytest.skip(reason)
    yield port
    proc.terminate()
    proc.communicate(timeout=10)


@pytest.fixture
def remote(bridge, name, monkeypatch):
    """Send DATA as the NetBIOS host PYTEST through the bridge to NAME."""
    monkeypatch.setenv("MAILSLOT_REMOTE_PORT", str(bridge))
    monkeypatch.setenv("MAILSLOT_SOURCE_PORT", "0")
    monkeypatch.setenv("MAILSLOT_NETBIOS_NAME", "PYTEST")

    def send(data):
        return mailslot.send("\\\\127.0.0.1\\mailslot\\" + name, data)
    return send


def check_origin(origin):
    assert isinstance(origin, mailslot.Origin)
    assert origin.source_name == "PYTEST"
    assert origin.source_suffix == 0
    assert origin.dest_name == "127.0.0.1"
    assert origin.dest_suffix == 0
    assert origin.source_addr == "127.0.0.1"
    assert 0 < origin.source_port < 65536
    assert origin.datagram_type == 0x10          # DIRECT_UNIQUE


def test_local_messages_have_no_origin(slot, name):
    mailslot.send(name, b"local")
    mailslot.send(name, b"")
    assert slot.read(origin=True) == (b"local", None)
    assert slot.read(0, True) == (b"", None)
    with pytest.raises(mailslot.TimeoutError):
        slot.read(origin=True)
    assert slot._poll_origin() is None


def test_origin_false_is_plain_read(slot, name):
    mailslot.send(name, b"x")
    assert slot.read(origin=False) == b"x"


def test_origin_fields_and_docs():
    assert mailslot.Origin._fields == (
        "source_name", "source_suffix", "dest_name", "dest_suffix",
        "source_addr", "source_port", "datagram_type")
    assert "origin" in mailslot.Mailslot.read.__doc__


def test_read_after_close_raises_value_error(name):
    slot = mailslot.create(name, timeout=0)
    slot.close()
    with pytest.raises(ValueError):
        slot.read(origin=True)


def test_a_relayed_message_carries_its_origin(remote, name):
    with mailslot.create(name, timeout=10) as slot:
        assert remote(TEXT) == len(TEXT)
        data, origin = slot.read(origin=True)
        assert data == TEXT
        check_origin(origin)


def test_relayed_and_local_messages_in_order(remote, name):
    with mailslot.create(name, timeout=10) as slot:
        remote(b"one")
        assert wait_for(lambda: slot.info().count == 1)
        mailslot.send(name, b"two")
        remote(b"")
        assert wait_for(lambda: slot.info().count == 3)
        data, origin = slot.read(origin=True)
        assert data == b"one"
        check_origin(origin)
        assert slot.read(origin=True) == (b"two", None)
        data, origin = slot.read(origin=True)
        assert data == b""
        check_origin(origin)


def test_plain_read_of_a_relayed_message_is_just_the_data(remote, name):
    with mailslot.create(name, timeout=10) as slot:
        remote(TEXT)
        assert slot.read() == TEXT


def test_read_async_with_origin(remote, name):
    async def main(slot):
        remote(b"async")
        data, origin = await slot.read_async(timeout=10, origin=True)
        check_origin(origin)
        mailslot.send(name, b"local")
        local = await slot.read_async(timeout=10, origin=True)
        return data, local

    with mailslot.create(name, timeout=0) as slot:
        data, local = asyncio.run(main(slot))
    assert data == b"async"
    assert local == (b"local", None)
