#!/usr/bin/python3
"""Run the mailslot benchmarks and write docs/benchmarks.md (+ the chart).

    bench/run.py                 build (cmake, into ./build), run everything
                                 with repetitions, write docs/benchmarks.md
                                 and docs/benchmarks.png
    bench/run.py --smoke --build-dir DIR
                                 tiny counts, no build, nothing written to
                                 docs/: checks only that every row ran

Every comparison runs mailslot and its baseline side by side in one run,
alternating, as separate writer and reader processes: C (c_bench: raw
AF_UNIX datagrams vs the C API), Python (py_bench.py: the socket module vs
the mailslot module), Lua (lua_bench.lua: LuaSocket's unix datagram socket
vs the mailslot module); the batch rows put mailslot's read_many/write_many
against the same baselines' single-datagram loops.  Speed is reported,
never asserted.
"""
import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
sys.path.insert(0, HERE)
import report  # noqa: E402  (bench/report.py: tables, targets, chart)

SIZES = [16, 1024, 61440]
WRITERS = [1, 4, 16]
LANGS = ["C", "Python", "Lua"]
BASELINE = {"C": "raw", "Python": "socket", "Lua": "luasocket"}

# Messages per throughput run, per language and size: about half a second
# for one baseline writer on a small machine (shorter runs measure the
# start of a run more than its pace: 0.2 s Lua runs came out 3-9 % lower
# for mailslot than 0.6 s ones).  Round trips, wake-ups: samples.
FULL = {
    "reps": 5,
    "tput": {"C": {16: 150000, 1024: 150000, 61440: 40000},
             "Python": {16: 120000, 1024: 120000, 61440: 40000},
             "Lua": {16: 150000, 1024: 150000, 61440: 30000}},
    "rtt": {"C": 5000, "Python": 3000, "Lua": 3000},
    "wakeup": 2000, "gap_us": 1000,
    "memory": 10000, "scale": 10000, "cycle": 2000,
}
# Wake-up rows run pinned (reader CPU, writer CPU), when there are two.
CPUS = sorted(os.sched_getaffinity(0))
PIN = (CPUS[1], CPUS[0]) if len(CPUS) >= 2 and shutil.which("taskset") else None
# Batch calls (read_many/write_many) against the baseline's single-datagram
# loop: message sizes, messages per call, and messages per run.
BATCH_SIZES = [16, 1024]
BATCH = 64
FULL["batch"] = {"Python": 240000, "Lua": 240000}
SMOKE = {
    "reps": 1,
    "tput": {lang: {16: 160, 1024: 160, 61440: 32} for lang in LANGS},
    "rtt": {lang: 50 for lang in LANGS},
    "wakeup": 10, "gap_us": 1000,
    "memory": 10000, "scale": 50, "cycle": 20,
    "batch": {"Python": 256, "Lua": 256},
}


def parse_args():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--smoke", action="store_true",
                    help="tiny counts, no build, check every row ran")
    ap.add_argument("--build-dir", default=None,
                    help="use this build tree (default: build, rebuilt)")
    ap.add_argument("--reps", type=int, default=None,
                    help="repetitions of each measurement")
    ap.add_argument("--only", default=",".join(LANGS),
                    help="languages to run, e.g. C or C,Python")
    ap.add_argument("--out", default=None,
                    help="directory for benchmarks.md and benchmarks.png "
                    "(default: docs/, or a temporary one with --smoke)")
    return ap.parse_args()


def build(build_dir):
    """What the README test command does, minus the tests."""
    subprocess.run([os.path.join(ROOT, "scripts", "deps.sh"), "test"],
                   check=True)
    subprocess.run(["cmake", "-S", ROOT, "-B", build_dir,
                    "-DCMAKE_BUILD_TYPE=RelWithDebInfo",
                    "-DPython3_EXECUTABLE=/usr/bin/python3"],
                   check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", build_dir,
                    "-j%d" % (os.cpu_count() or 2)], check=True)


class Runner:
    """Starts one benchmark process and returns its JSON result."""

    def __init__(self, build_dir, tmp):
        self.build_dir = build_dir
        slots = os.path.join(tmp, "slots")
        os.mkdir(slots, 0o700)
        self.env = dict(os.environ, TMPDIR=tmp, MAILSLOT_DIR=slots)
        self.env["PYTHONPATH"] = os.path.join(build_dir, "python", "pkg")
        self.env["LUA_CPATH"] = (os.path.join(build_dir, "lua", "cpath",
                                              "?.so") + ";;")
        self.failures = []

    def command(self, lang, impl, args):
        if lang == "C":
            return [os.path.join(self.build_dir, "bench", "c_bench"),
                    impl] + args
        if lang == "Python":
            return ["/usr/bin/python3", os.path.join(HERE, "py_bench.py"),
                    impl] + args
        return ["lua5.4", os.path.join(HERE, "lua_bench.lua"), impl] + args

    def run(self, lang, impl, args):
        cmd = self.command(lang, impl, [str(a) for a in args])
        env = self.env
        if args[0] == "wakeup" and PIN:
            # Same pinning for both: the reader on one CPU, its writer on
            # another, so each wake-up crosses CPUs the same way.
            cmd = ["taskset", "-c", str(PIN[0])] + cmd
            env = dict(env, BENCH_WRITER_CPU=str(PIN[1]))
        try:
            p = subprocess.run(cmd, capture_output=True, text=True,
                               env=env, timeout=240)
        except subprocess.TimeoutExpired:
            self.failures.append("%s: timed out" % " ".join(cmd))
            return None
        lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
        if p.returncode != 0 or not lines:
            self.failures.append("%s: exit %d\n%s" % (
                " ".join(cmd), p.returncode, p.stderr.strip()[-2000:]))
            return None
        return json.loads(lines[-1])


def cases(cfg, langs):
    """Every measurement: (lang, mode, key, args)."""
    for lang in langs:
        for size in SIZES:
            for w in WRITERS:
                yield (lang, "tput", (size, w),
                       ["tput", size, w, cfg["tput"][lang][size]])
        for size in SIZES:
            yield lang, "rtt", (size,), ["rtt", size, cfg["rtt"][lang]]
        yield (lang, "wakeup", (), ["wakeup", cfg["wakeup"], cfg["gap_us"]])
        if lang in cfg["batch"]:
            for size in BATCH_SIZES:
                yield (lang, "batch", (size,),
                       ["batch", size, cfg["batch"][lang], BATCH])
    if "C" in langs:
        for size in (16, 1024):
            yield "C", "memory", (size,), ["memory", size, cfg["memory"]]
        yield "C", "scale", (), ["scale", scale_slots(cfg)]
        yield "C", "cycle", (), ["cycle", cfg["cycle"]]


def scale_slots(cfg):
    """cfg["scale"] slots, or as many as the open-file limit allows with
    one descriptor per slot (c_bench raises its soft limit to the hard one;
    the report says when the limit set the count)."""
    hard = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    if hard == resource.RLIM_INFINITY:
        return cfg["scale"]
    return max(1, min(cfg["scale"], hard - 64))


def tmpfs_dir():
    """Slots live in $XDG_RUNTIME_DIR, a tmpfs; so do the benchmark's (and
    the baseline's sockets), when /dev/shm is one."""
    try:
        with open("/proc/mounts") as f:
            for line in f:
                parts = line.split()
                if len(parts) > 2 and parts[1] == "/dev/shm" and \
                        parts[2] == "tmpfs":
                    return "/dev/shm"
    except OSError:
        pass
    return None


def measure(runner, cfg, langs, reps):
    """Run every case REPS times, baseline and mailslot alternating; the
    rows the one-writer targets judge (throughput with one writer, batch
    calls) twice as often, since a row moves by a quarter between runs
    here, and the wake-up rows too: a run's p99 rests on its slowest
    hundredth of wake-ups, and it moved between 31 and 51 us from one run
    to the next for raw AF_UNIX and for mailslot alike."""
    results = {}
    todo = list(cases(cfg, langs))
    for i, (lang, mode, key, args) in enumerate(todo):
        impls = [BASELINE[lang], "mailslot"]
        print("[%3d/%d] %-6s %-6s %s" % (i + 1, len(todo), lang, mode,
                                         " ".join(map(str, key))),
              flush=True)
        n = reps
        if mode in ("batch", "wakeup") or (mode == "tput" and key[1] == 1):
            n = 2 * reps
        for rep in range(n):
            for impl in (impls if rep % 2 == 0 else impls[::-1]):
                r = runner.run(lang, impl, args)
                if r is not None:
                    results.setdefault((lang, mode, key, impl), []).append(r)
    return results


def summarize(results):
    """Median, min and max of every numeric field, per measurement; for
    mailslot, also the median of its ratios to the baseline run of the same
    repetition ("paired")."""
    out = {}
    for k, runs in results.items():
        s = {"runs": len(runs)}
        for field, v in runs[0].items():
            if isinstance(v, (int, float)) and not isinstance(v, bool):
                vals = [r[field] for r in runs]
                s[field] = (statistics.median(vals), min(vals), max(vals))
            else:
                s[field] = v
        out[k] = s
    for (lang, mode, key, impl), runs in results.items():
        base = results.get((lang, mode, key, BASELINE[lang]))
        if impl != "mailslot" or not base:
            continue
        paired = {}
        for field in out[(lang, mode, key, impl)]:
            pairs = [(m[field], b[field]) for m, b in zip(runs, base)
                     if isinstance(m.get(field), (int, float))
                     and isinstance(b.get(field), (int, float))
                     and not isinstance(m[field], bool) and b[field]]
            if pairs:
                paired[field] = statistics.median(m / b for m, b in pairs)
        out[(lang, mode, key, impl)]["paired"] = paired
    return out


def missing_rows(summary, cfg, langs):
    missing = []
    for lang, mode, key, _ in cases(cfg, langs):
        for impl in (BASELINE[lang], "mailslot"):
            if (lang, mode, key, impl) not in summary:
                missing.append("%s %s %s %s" % (lang, mode, key, impl))
    return missing


def main():
    args = parse_args()
    cfg = SMOKE if args.smoke else FULL
    reps = args.reps or cfg["reps"]
    langs = [x for x in args.only.split(",") if x in LANGS]
    build_dir = os.path.abspath(args.build_dir or os.path.join(ROOT, "build"))
    if not args.smoke:
        if not report.have_matplotlib():
            sys.exit("bench/run.py: the chart needs matplotlib "
                     "(Debian: apt-get install python3-matplotlib)")
        if args.build_dir is None:
            build(build_dir)
    tmp = tempfile.mkdtemp(prefix="msbench", dir=tmpfs_dir())
    try:
        runner = Runner(build_dir, tmp)
        machine = report.machine(ROOT)
        t0 = time.time()
        summary = summarize(measure(runner, cfg, langs, reps))
        machine["duration_s"] = time.time() - t0
        machine["load_after"] = os.getloadavg()
        machine["reps"] = reps
        out = args.out or (os.path.join(tmp, "report") if args.smoke
                           else os.path.join(ROOT, "docs"))
        os.makedirs(out, exist_ok=True)
        report.write(out, summary, machine, langs, chart_too=not args.smoke)
        print("wrote %s" % os.path.join(out, "benchmarks.md"))
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    for f in runner.failures:
        print("FAILED: %s" % f, file=sys.stderr)
    missing = missing_rows(summary, cfg, langs)
    for m in missing:
        print("MISSING ROW: %s" % m, file=sys.stderr)
    if runner.failures or missing:
        sys.exit(1)


if __name__ == "__main__":
    main()
