#!/usr/bin/python3
"""The Python benchmark: the mailslot module against the socket module.

    py_bench.py socket|mailslot tput SIZE WRITERS COUNT
    py_bench.py socket|mailslot rtt SIZE COUNT
    py_bench.py socket|mailslot wakeup COUNT GAP_US
    py_bench.py socket|mailslot batch SIZE COUNT BATCH

"socket" is what a Python programmer writes without the library: the
reader binds an AF_UNIX datagram socket and calls recv(65536) (it does not
know the size of the next message, like a mailslot reader); writers
connect and send().  "mailslot" does the same with mailslot.create(),
read(), mailslot.open() and write().  "batch" is one writer: the socket module's
single-datagram loop (as tput) against mailslot's batch calls, write_many()
of BATCH messages and read_many(BATCH).  This process is the reader; writers
are forked.  One JSON line on stdout, as c_bench prints.
"""
import json
import os
import socket
import sys
import time

RTT_WARMUP = 500


def now():
    return time.clock_gettime_ns(time.CLOCK_MONOTONIC)


def raw_path(name):
    return os.path.join(os.environ.get("TMPDIR") or "/tmp", name + ".sock")


class SocketImpl:
    name = "socket"

    @staticmethod
    def rx_open(name):
        path = raw_path(name)
        if os.path.exists(path):
            os.unlink(path)
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.bind(path)

        def close():
            s.close()
            os.unlink(path)
        return (lambda: s.recv(65536)), close

    @staticmethod
    def tx_open(name):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
        s.connect(raw_path(name))
        return s.send, s.close


class MailslotImpl:
    name = "mailslot"

    @staticmethod
    def rx_open(name):
        import mailslot
        r = mailslot.create("msbench\\" + name)
        return r.read, r.close

    @staticmethod
    def tx_open(name):
        import mailslot
        w = mailslot.open("msbench\\" + name)
        return w.write, w.close


class MailslotBatchImpl:
    """Batch calls: "write" sends a list, "read" returns one."""
    name = "mailslot"
    batch = 64

    @classmethod
    def rx_open(cls, name):
        import mailslot
        r = mailslot.create("msbench\\" + name)
        n = cls.batch
        return (lambda: r.read_many(n)), r.close

    @staticmethod
    def tx_open(name):
        import mailslot
        w = mailslot.open("msbench\\" + name)
        return w.write_many, w.close


def pin_writer():
    """run.py pins the wake-up rows: writers on BENCH_WRITER_CPU, the
    reader (taskset) on another CPU, for the baseline and mailslot alike."""
    cpu = os.environ.get("BENCH_WRITER_CPU")
    if cpu:
        os.sched_setaffinity(0, {int(cpu)})


class Crew:
    """Forked writers: they open the slot once it exists, then wait for a
    common start (the reader closes the "go" pipe)."""

    def __init__(self, impl, name, n, body):
        self.n = n
        o_r, self.open_w = os.pipe()
        self.ready_r, r_w = os.pipe()
        g_r, self.go_w = os.pipe()
        self.pids = []
        for _ in range(n):
            pid = os.fork()
            if pid == 0:
                os.close(self.open_w)
                os.close(self.go_w)
                code = 1
                try:
                    pin_writer()
                    os.read(o_r, 1)
                    write, close = impl.tx_open(name)
                    os.write(r_w, b"r")
                    while os.read(g_r, 1):
                        pass
                    body(write)
                    close()
                    code = 0
                finally:
                    os._exit(code)
            self.pids.append(pid)
        for fd in (o_r, r_w, g_r):
            os.close(fd)

    def open(self):
        os.write(self.open_w, b"o" * self.n)
        got = 0
        while got < self.n:
            got += len(os.read(self.ready_r, self.n - got))

    def go(self):
        t = now()
        os.close(self.go_w)
        return t

    def finish(self):
        ok = all(os.waitpid(p, 0)[1] == 0 for p in self.pids)
        os.close(self.open_w)
        os.close(self.ready_r)
        if not ok:
            sys.exit("py_bench: a writer failed")


def check(msg, size):
    if len(msg) != size:
        sys.exit("py_bench: read %d bytes, expected %d" % (len(msg), size))


def tput(impl, size, writers, total):
    per = total // writers
    total = per * writers
    name = "p%d-t" % os.getpid()
    msg = bytes(size)

    def body(write):
        for _ in range(per):
            write(msg)
    crew = Crew(impl, name, writers, body)
    read, close = impl.rx_open(name)
    crew.open()
    t0 = crew.go()
    for _ in range(total):
        msg = read()
        if len(msg) != size:
            check(msg, size)
    t1 = now()
    crew.finish()
    close()
    secs = (t1 - t0) / 1e9
    return {"mode": "tput", "impl": impl.name, "size": size,
            "writers": writers, "msgs": total, "secs": secs,
            "msgs_per_s": total / secs, "mb_per_s": total * size / secs / 1e6}


def batch(impl, size, total, bsize):
    """One writer; mailslot with batch calls, the socket module without."""
    if impl is SocketImpl:
        return dict(tput(impl, size, 1, total), mode="batch", batch=1)
    MailslotBatchImpl.batch = bsize
    impl = MailslotBatchImpl
    total = total // bsize * bsize
    name = "p%d-b" % os.getpid()
    chunk = [bytes(size)] * bsize

    def body(write_many):
        for _ in range(total // bsize):
            write_many(chunk)
    crew = Crew(impl, name, 1, body)
    read_many, close = impl.rx_open(name)
    crew.open()
    t0 = crew.go()
    got = 0
    while got < total:
        msgs = read_many()
        got += len(msgs)
        if len(msgs[-1]) != size:
            check(msgs[-1], size)
    t1 = now()
    crew.finish()
    close()
    secs = (t1 - t0) / 1e9
    return {"mode": "batch", "impl": impl.name, "size": size, "batch": bsize,
            "msgs": total, "secs": secs, "msgs_per_s": total / secs,
            "mb_per_s": total * size / secs / 1e6}


def latency(ns):
    ns.sort()
    n = len(ns)
    return {"samples": n, "min_us": ns[0] / 1e3, "p50_us": ns[n // 2] / 1e3,
            "p99_us": ns[n * 99 // 100] / 1e3, "max_us": ns[-1] / 1e3,
            "mean_us": sum(ns) / n / 1e3}


def rtt(impl, size, n):
    a, b = "p%d-ra" % os.getpid(), "p%d-rb" % os.getpid()
    to_child_r, to_child_w = os.pipe()
    to_parent_r, to_parent_w = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 1
        try:
            os.read(to_child_r, 1)
            read, rclose = impl.rx_open(b)
            write, wclose = impl.tx_open(a)
            os.write(to_parent_w, b"r")
            for _ in range(n + RTT_WARMUP):
                msg = read()
                write(msg)
            wclose()
            rclose()
            code = 0
        finally:
            os._exit(code)
    read, rclose = impl.rx_open(a)
    os.write(to_child_w, b"o")
    os.read(to_parent_r, 1)
    write, wclose = impl.tx_open(b)
    msg = bytes(size)
    lat = []
    for i in range(n + RTT_WARMUP):
        t = now()
        write(msg)
        got = read()
        t = now() - t
        check(got, size)
        if i >= RTT_WARMUP:
            lat.append(t)
    if os.waitpid(pid, 0)[1] != 0:
        sys.exit("py_bench: echo failed")
    wclose()
    rclose()
    return dict({"mode": "rtt", "impl": impl.name, "size": size},
                **latency(lat))


def wakeup(impl, n, gap_us):
    name = "p%d-w" % os.getpid()

    def body(write):
        for _ in range(n):
            time.sleep(gap_us / 1e6)
            write(now().to_bytes(8, "little") + bytes(8))
    crew = Crew(impl, name, 1, body)
    read, close = impl.rx_open(name)
    crew.open()
    crew.go()
    lat = []
    for _ in range(n):
        msg = read()
        lat.append(now() - int.from_bytes(msg[:8], "little"))
    crew.finish()
    close()
    return dict({"mode": "wakeup", "impl": impl.name, "gap_us": gap_us},
                **latency(lat))


def main(argv):
    impls = {"socket": SocketImpl, "mailslot": MailslotImpl}
    if len(argv) < 3 or argv[1] not in impls:
        sys.exit(__doc__)
    impl, mode, args = impls[argv[1]], argv[2], [int(a) for a in argv[3:]]
    modes = {"tput": (tput, 3), "rtt": (rtt, 2), "wakeup": (wakeup, 2),
             "batch": (batch, 3)}
    if mode not in modes or len(args) != modes[mode][1]:
        sys.exit(__doc__)
    print(json.dumps(modes[mode][0](impl, *args)), flush=True)


if __name__ == "__main__":
    main(sys.argv)
