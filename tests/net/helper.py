#!/usr/bin/env python3
"""Helpers for tests/net/run.sh: things the shell cannot do well.

  helper.py blast ADDR PORT COUNT TSV    throw COUNT malformed datagrams
  helper.py host-announcement NAME       a [MS-BRWS] HostAnnouncement, raw
  helper.py browse-names                 decode "mailslot listen --hex
                                         --origin" lines of \\MAILSLOT\\BROWSE
                                         messages into "opcode server dest"

Only the standard library; nothing here talks to anything but the address
it is given (inside the test's own network namespaces).
"""
import random
import socket
import struct
import sys
import time


def load_vectors(path):
    out = []
    with open(path) as f:
        for line in f:
            if line.startswith("#"):
                continue
            parts = line.rstrip("\n").split("\t")
            if len(parts) >= 3:
                out.append(bytes.fromhex(parts[2]))
    return out


def damage(rng, good):
    """One malformed variant of a real datagram, or plain noise."""
    kind = rng.randrange(6)
    b = bytearray(rng.choice(good))
    if kind == 0:                       # truncated anywhere
        return bytes(b[: rng.randrange(len(b))])
    if kind == 1:                       # DGM_LENGTH that lies
        struct.pack_into(">H", b, 10, (len(b) - 14 + rng.randrange(1, 300))
                         & 0xFFFF)
        return bytes(b)
    if kind == 2:                       # DataOffset / DataCount past the end
        struct.pack_into("<H", b, 82 + 57, rng.randrange(len(b), 65536))
        return bytes(b)
    if kind == 3:                       # wrong SMB signature or word count
        b[82 + rng.choice([0, 1, 32])] ^= 0x5A
        return bytes(b)
    if kind == 4:                       # no NUL after the mailslot name
        end = 82 + 69
        while end < len(b) and b[end] != 0:
            end += 1
        return bytes(b[:end])
    return bytes(rng.randrange(256) for _ in range(rng.randrange(1, 600)))


def blast(addr, port, count, tsv):
    rng = random.Random(4711)
    good = load_vectors(tsv)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(damage(rng, good), (addr, port))
        # Pace the burst a little: UDP has no flow control, and the test
        # is about the bridge's parsing, not about the kernel's buffers.
        if i % 200 == 199:
            time.sleep(0.01)
    return 0


def host_announcement(name):
    """HostAnnouncement ([MS-BRWS] 2.2.1): opcode 1, update count,
    periodicity (ms), server name (16, NUL-padded), OS version, server
    type, browser version 15.1, signature 0xAA55, comment."""
    server = name.upper().encode("ascii")[:15].ljust(16, b"\0")
    # Workstation | server | potential browser (0x1 | 0x2 | 0x20000) etc.
    server_type = 0x00011003
    body = struct.pack("<BBI16sBBIBBH", 1, 1, 720000, server, 6, 1,
                       server_type, 15, 1, 0xAA55)
    sys.stdout.buffer.write(body + b"mailslot test\0")
    return 0


def browse_names():
    """Lines "[SRC<xx> ADDR:PORT to DST<xx>] HEX" -> "OP SERVER DST"."""
    for line in sys.stdin:
        line = line.strip()
        if not line.startswith("[") or "] " not in line:
            continue
        head, hexdata = line[1:].split("] ", 1)
        dest = head.split(" to ")[-1] if " to " in head else "?"
        try:
            data = bytes.fromhex(hexdata)
        except ValueError:
            continue
        if len(data) < 22 or data[0] not in (0x01, 0x0C, 0x0F):
            continue
        server = data[6:22].split(b"\0")[0].decode("ascii", "replace")
        print("%02x %s %s" % (data[0], server, dest))
    return 0


def main(argv):
    if len(argv) >= 6 and argv[1] == "blast":
        return blast(argv[2], int(argv[3]), int(argv[4]), argv[5])
    if len(argv) == 3 and argv[1] == "host-announcement":
        return host_announcement(argv[2])
    if len(argv) == 2 and argv[1] == "browse-names":
        return browse_names()
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
