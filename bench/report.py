"""The report of bench/run.py: machine description, Markdown tables with
medians, min-max and ratios, the targets of issue 7, and the chart."""
import os
import platform
import subprocess
import time

SIZES = [16, 1024, 61440]
WRITERS = [1, 4, 16]
BASELINE = {"C": "raw", "Python": "socket", "Lua": "luasocket"}
BASE_TEXT = {"C": "raw AF_UNIX", "Python": "socket module",
             "Lua": "LuaSocket"}
SIZE_LABEL = {16: "16 B", 1024: "1 KiB", 61440: "60 KiB"}


def have_matplotlib():
    try:
        import matplotlib  # noqa: F401
    except ImportError:
        return False
    return True


def _cmd(args, cwd=None):
    try:
        return subprocess.run(args, capture_output=True, text=True,
                              cwd=cwd).stdout.strip()
    except OSError:
        return ""


def machine(root):
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    distro = ""
    if os.path.exists("/etc/os-release"):
        with open("/etc/os-release") as f:
            for line in f:
                if line.startswith("PRETTY_NAME="):
                    distro = line.split("=", 1)[1].strip().strip('"')
    commit = _cmd(["git", "rev-parse", "--short", "HEAD"], root)
    if _cmd(["git", "status", "--porcelain", "--untracked-files=no"], root):
        commit += " + uncommitted changes"
    return {
        "cpu": cpu, "cores": os.cpu_count(), "kernel": platform.release(),
        "distro": distro, "date": time.strftime("%Y-%m-%d %H:%M UTC",
                                                time.gmtime()),
        "python": platform.python_version(),
        "lua": " ".join(_cmd(["lua5.4", "-v"]).split()[:2]),
        "luasocket": _cmd(["dpkg-query", "-W", "-f=${Version}",
                           "lua-socket"]),
        "qlen": open("/proc/sys/net/unix/max_dgram_qlen").read().strip(),
        "load_before": os.getloadavg(), "commit": commit,
    }


def num(v):
    """Three significant figures, k/M suffixes."""
    for div, suf in ((1e6, "M"), (1e3, "k")):
        if abs(v) >= div:
            return "%.3g%s" % (v / div, suf)
    return "%.3g" % v


def triple(t, f=num):
    """median (min–max)"""
    return "%s (%s–%s)" % (f(t[0]), f(t[1]), f(t[2]))


def ratio(m, b, field):
    """mailslot ÷ baseline: the median of the ratios of the runs paired in
    one repetition (run.py alternates the two), which a slow drift of the
    machine's speed moves less than the ratio of the two medians."""
    paired = m.get("paired", {}).get(field)
    if paired is not None:
        return paired
    return m[field][0] / b[field][0] if b and b[field][0] else float("nan")


class Table:
    def __init__(self, *head):
        self.rows = ["| " + " | ".join(head) + " |",
                     "|" + "---|" * len(head)]

    def add(self, *cells):
        self.rows.append("| " + " | ".join(str(c) for c in cells) + " |")

    def text(self):
        return "\n".join(self.rows) + "\n"


def get(s, lang, mode, key, impl):
    return s.get((lang, mode, key, impl))


def throughput(s, lang):
    base = BASELINE[lang]
    t = Table("size (B)", "writers", BASE_TEXT[lang] + " msg/s",
              "mailslot msg/s", BASE_TEXT[lang] + " MB/s", "mailslot MB/s",
              "ratio")
    for size in SIZES:
        for w in WRITERS:
            b = get(s, lang, "tput", (size, w), base)
            m = get(s, lang, "tput", (size, w), "mailslot")
            if not b or not m:
                t.add(size, w, "missing", "", "", "", "")
                continue
            t.add(size, w, triple(b["msgs_per_s"]), triple(m["msgs_per_s"]),
                  num(b["mb_per_s"][0]), num(m["mb_per_s"][0]),
                  "**%.2f×**" % ratio(m, b, "msgs_per_s"))
    return t.text()


BATCH_SIZES = [16, 1024]
BATCH_LANGS = ["Python", "Lua"]


def batch(s, langs):
    t = Table("language", "size (B)", "baseline msg/s (one per call)",
              "mailslot msg/s (read_many / write_many)", "ratio")
    for lang in langs:
        if lang not in BATCH_LANGS:
            continue
        for size in BATCH_SIZES:
            b = get(s, lang, "batch", (size,), BASELINE[lang])
            m = get(s, lang, "batch", (size,), "mailslot")
            if not b or not m:
                t.add(lang, size, "missing", "", "")
                continue
            t.add(lang, size, triple(b["msgs_per_s"]),
                  triple(m["msgs_per_s"]),
                  "**%.2f×**" % ratio(m, b, "msgs_per_s"))
    return t.text()


def rtt(s, langs):
    t = Table("language", "size (B)", "baseline p50 µs", "mailslot p50 µs",
              "ratio p50", "baseline p99 µs", "mailslot p99 µs", "ratio p99")
    for lang in langs:
        for size in SIZES:
            b = get(s, lang, "rtt", (size,), BASELINE[lang])
            m = get(s, lang, "rtt", (size,), "mailslot")
            if not b or not m:
                t.add(lang, size, "missing", "", "", "", "", "")
                continue
            t.add(lang, size, triple(b["p50_us"]), triple(m["p50_us"]),
                  "**%.2f×**" % ratio(m, b, "p50_us"),
                  triple(b["p99_us"]), triple(m["p99_us"]),
                  "%.2f×" % ratio(m, b, "p99_us"))
    return t.text()


def wakeup(s, langs):
    t = Table("language", "baseline p50 µs", "baseline p99 µs",
              "mailslot p50 µs", "mailslot p99 µs", "ratio p50",
              "ratio p99")
    for lang in langs:
        b = get(s, lang, "wakeup", (), BASELINE[lang])
        m = get(s, lang, "wakeup", (), "mailslot")
        if not b or not m:
            t.add(lang, "missing", "", "", "", "", "")
            continue
        t.add(lang, triple(b["p50_us"]), triple(b["p99_us"]),
              triple(m["p50_us"]), triple(m["p99_us"]),
              "**%.2f×**" % ratio(m, b, "p50_us"),
              "**%.2f×**" % ratio(m, b, "p99_us"))
    return t.text()


def memory(s):
    t = Table("C", "size (B)", "asked to queue", "queued",
              "writer stopped by the reader", "time to write",
              "reader RSS idle", "reader RSS queued", "growth per message",
              "reader allocations, first fill", "reader allocations, "
              "next fills (per message)")
    for size in (16, 1024):
        for impl in ("raw", "mailslot"):
            r = get(s, "C", "memory", (size,), impl)
            if not r:
                t.add(impl, size, "missing", "", "", "", "", "", "", "", "")
                continue
            grow = (r["rss_queued_kb"][0] - r["rss_idle_kb"][0]) * 1024
            later = r["reader_allocs_later_fills"]
            t.add(impl, size, r["asked"][0], int(r["queued"][0]),
                  "yes" if r["writer_blocked"] else "no",
                  "%.1f ms" % (r["write_secs"][0] * 1000),
                  "%d KiB" % r["rss_idle_kb"][0],
                  "%d KiB" % r["rss_queued_kb"][0],
                  "%.0f B" % (grow / r["queued"][0])
                  if r["queued"][0] >= 1000 else "—",
                  "%d (max %d)" % (r["reader_allocs_first_fill"][0],
                                   r["reader_allocs_first_fill"][2]),
                  "%d of %d messages (max %d)" % (
                      later[0], r["later_fills_msgs"][0], later[2]))
    return t.text()


def refill_allocs(s):
    """Worst reader allocations in the memory runs' later fills."""
    worst = 0.0
    for size in (16, 1024):
        r = get(s, "C", "memory", (size,), "mailslot")
        if r:
            worst = max(worst, r["reader_allocs_later_fills"][2])
    return worst


def allocs(s):
    """The allocation table, the worst median of allocations below
    BENCH_LARGE_ALLOC per message (mailslot, either side), and the worst
    median of all allocations per message."""
    t = Table("size (B)", "writers", "raw reader", "raw writer",
              "mailslot reader", "of them FIFO chunks (≥ 64 KiB, count)",
              "mailslot writer")
    per_msg = "%.4f (max %.4f)"
    columns = {
        "raw": [("reader_allocs_per_msg", per_msg),
                ("writer_allocs_per_msg", per_msg)],
        "mailslot": [("reader_allocs_per_msg", per_msg),
                     ("reader_large_allocs", "%d (max %d)"),
                     ("writer_allocs_per_msg", per_msg)],
    }
    small = total = 0.0
    for size in SIZES:
        for w in WRITERS:
            cells = []
            for impl, cols in columns.items():
                r = get(s, "C", "tput", (size, w), impl)
                for f, fmt in cols:
                    cells.append(fmt % (r[f][0], r[f][2]) if r else "missing")
                if r and impl == "mailslot":
                    total = max(total, r["reader_allocs_per_msg"][0],
                                r["writer_allocs_per_msg"][0])
                    small = max(small, r["reader_small_allocs_per_msg"][0],
                                r["writer_allocs_per_msg"][0])
            t.add(size, w, *cells)
    return t.text(), small, total


def scale(s):
    t = Table("C", "slots", "fds / slot", "threads / slot", "RSS / slot",
              "create / slot", "open+write+read / slot", "close / slot")
    for impl in ("raw", "mailslot"):
        r = get(s, "C", "scale", (), impl)
        if not r:
            t.add(impl, "missing", "", "", "", "", "", "")
            continue
        t.add(impl, r["slots"][0], "%.1f" % r["fds_per_slot"][0],
              "%.1f" % r["threads_per_slot"][0],
              "%.1f KiB" % r["rss_kb_per_slot"][0],
              triple(r["create_us_per_slot"], lambda v: "%.0f µs" % v),
              triple(r["use_us_per_slot"], lambda v: "%.0f µs" % v),
              triple(r["close_us_per_slot"], lambda v: "%.0f µs" % v))
    return t.text()


def cycle(s):
    t = Table("C", "slots, one after another", "p50 per slot",
              "p99 per slot", "mean per slot", "ratio p50")
    b = get(s, "C", "cycle", (), "raw")
    m = get(s, "C", "cycle", (), "mailslot")
    for name, r in (("raw AF_UNIX + lock file", b), ("mailslot", m)):
        if not r:
            t.add(name, "missing", "", "", "", "")
            continue
        t.add(name, r["samples"][0],
              triple(r["p50_us"], lambda v: "%.0f µs" % v),
              triple(r["p99_us"], lambda v: "%.0f µs" % v),
              triple(r["mean_us"], lambda v: "%.0f µs" % v),
              "**%.2f×**" % ratio(m, b, "p50_us") if r is m and b else "")
    return t.text()


def targets(s, langs, worst_alloc):
    """The targets, checked against the medians of this run."""
    t = Table("target", "measured (median of this run)", "met")
    rows = []

    def ratios(lang, mode, keys, field):
        out = []
        for k in keys:
            b = get(s, lang, mode, k, BASELINE[lang])
            m = get(s, lang, mode, k, "mailslot")
            out.append(ratio(m, b, field) if b and m else
                       float("nan"))
        return out

    if "C" in langs:
        r = ratios("C", "rtt", [(z,) for z in SIZES], "p50_us")
        rows.append(("C round trip ≤ 1.10× raw (p50, 16 B / 1 KiB / 60 KiB)",
                     r, all(x <= 1.10 for x in r)))
        r = ratios("C", "tput", [(z, 1) for z in SIZES], "msgs_per_s")
        rows.append(("C throughput ≥ 0.90× raw (1 writer, every size)",
                     r, all(x >= 0.90 for x in r)))
    for lang in ("C", "Python"):
        if lang in langs:
            r = ratios(lang, "tput", [(61440, 4), (61440, 16)],
                       "msgs_per_s")
            rows.append(("%s 60 KiB with many writers ≥ 0.90× %s "
                         "(4 / 16 writers)" % (lang, BASE_TEXT[lang]),
                         r, all(x >= 0.90 for x in r)))
    for lang, goal in (("Python", "the socket module"),
                       ("Lua", "LuaSocket")):
        if lang in langs:
            r = ratios(lang, "tput", [(z, 1) for z in SIZES], "msgs_per_s")
            rows.append(("%s throughput ≥ 1.0× %s (1 writer, every size)"
                         % (lang, goal), r, all(x >= 1.0 for x in r)))
    for lang, goal in (("Python", "the socket module"),
                       ("Lua", "LuaSocket")):
        if lang in langs:
            r = ratios(lang, "batch", [(z,) for z in BATCH_SIZES],
                       "msgs_per_s")
            rows.append(("%s batch calls ≥ 2.0× %s's single-datagram loop "
                         "(1 writer, 16 B / 1 KiB)" % (lang, goal), r,
                         all(x >= 2.0 for x in r)))
    for lang in langs:
        m = get(s, lang, "wakeup", (), "mailslot")
        b = get(s, lang, "wakeup", (), BASELINE[lang])
        if m and b:
            r50, r99 = ratio(m, b, "p50_us"), ratio(m, b, "p99_us")
            rows.append(("%s wake-up p50 ≤ 1.1× and p99 ≤ 1.2× %s's "
                         "(pinned alike; p50 / p99)"
                         % (lang, BASE_TEXT[lang]), [r50, r99],
                         r50 <= 1.1 and r99 <= 1.2))
    if "C" in langs:
        b = get(s, "C", "cycle", (), "raw")
        m = get(s, "C", "cycle", (), "mailslot")
        if b and m:
            r = ratio(m, b, "p50_us")
            rows.append(("C: a slot's life (create, first write, read, "
                         "close) ≤ 1.5× raw AF_UNIX with a lock file (p50)",
                         [r], r <= 1.5))
        m = get(s, "C", "memory", (16,), "mailslot")
        if m and m["queued"][0] >= 1000:
            grow = ((m["rss_queued_kb"][0] - m["rss_idle_kb"][0]) * 1024
                    / m["queued"][0])
            rows.append(("C: reader memory per queued 16 B message ≤ 48 B "
                         "(RSS growth over 10,000 queued, the 16 B included)",
                         [grow], grow <= 48))
        m = get(s, "C", "scale", (), "mailslot")
        if m:
            total = m["rss_kb_per_slot"][0] * 10000 / 1024.0
            rows.append(("C: 10,000 slots open in one process within 1 GiB "
                         "(RSS growth per slot × 10,000, MiB, measured with "
                         "%d slots; threads per slot)" % m["slots"][0],
                         [total, m["threads_per_slot"][0]],
                         total <= 1024 and m["slots"][0] >= 10000))
        small, refill = worst_alloc
        rows.append(("C: no heap allocation per message in steady state "
                     "(worst median per message of the allocations under "
                     "64 KiB in the throughput runs; most allocations of any "
                     "size in a memory run's second and third fills, where "
                     "the backlog comes back to a depth it had)",
                     [small, refill], small == 0.0 and refill == 0.0))
    for name, vals, ok in rows:
        t.add(name, " / ".join("%.3g" % v for v in vals),
              "yes" if ok else "**no**")
    return t.text()


def chart(path, s, langs):
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(2, 2, figsize=(13, 9))
    labels, vals, colors = [], [], []
    palette = {"C": "#4c72b0", "Python": "#dd8452", "Lua": "#55a868"}
    for lang in langs:
        for size in SIZES:
            for w in WRITERS:
                b = get(s, lang, "tput", (size, w), BASELINE[lang])
                m = get(s, lang, "tput", (size, w), "mailslot")
                labels.append("%s %s/%d" % (lang[0], SIZE_LABEL[size], w))
                vals.append(ratio(m, b, "msgs_per_s")
                            if b and m else 0)
                colors.append(palette[lang])
    a = ax[0][0]
    a.bar(range(len(vals)), vals, color=colors)
    a.axhline(1.0, color="black", linewidth=0.8)
    a.set_xticks(range(len(vals)))
    a.set_xticklabels(labels, rotation=90, fontsize=7)
    a.set_title("throughput, mailslot ÷ baseline (size / writers)")

    def pairs(a, mode, keyf, field, title, log=False):
        xs, names = [], []
        for lang in langs:
            for k, name in keyf(lang):
                b = get(s, lang, mode, k, BASELINE[lang])
                m = get(s, lang, mode, k, "mailslot")
                xs.append((b[field][0] if b else 0, m[field][0] if m else 0))
                names.append(name)
        pos = range(len(xs))
        a.bar([p - 0.2 for p in pos], [x[0] for x in xs], 0.4,
              label="baseline", color="#999999")
        a.bar([p + 0.2 for p in pos], [x[1] for x in xs], 0.4,
              label="mailslot", color="#4c72b0")
        a.set_xticks(list(pos))
        a.set_xticklabels(names, rotation=60, fontsize=7)
        a.set_title(title)
        if log:
            a.set_yscale("log")
        a.legend(fontsize=8)

    pairs(ax[0][1], "tput",
          lambda lang: [((z, 1), "%s %s" % (lang, SIZE_LABEL[z]))
                        for z in SIZES],
          "msgs_per_s", "throughput, 1 writer (messages/s, log)", log=True)
    pairs(ax[1][0], "rtt",
          lambda lang: [((z,), "%s %s" % (lang, SIZE_LABEL[z]))
                        for z in SIZES],
          "p50_us", "round trip p50 (µs)")
    pairs(ax[1][1], "wakeup",
          lambda lang: [((), lang + " p50")], "p50_us",
          "wake-up latency p50 (µs)")
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def batch_chart(path, s, langs):
    """Batch-call throughput against the baselines' single-datagram
    loops: messages per second, side by side."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xs, names = [], []
    for lang in langs:
        if lang not in BATCH_LANGS:
            continue
        for size in BATCH_SIZES:
            b = get(s, lang, "batch", (size,), BASELINE[lang])
            m = get(s, lang, "batch", (size,), "mailslot")
            xs.append((b["msgs_per_s"][0] if b else 0,
                       m["msgs_per_s"][0] if m else 0))
            names.append("%s %s" % (lang, SIZE_LABEL[size]))
    fig, a = plt.subplots(figsize=(7, 4))
    pos = range(len(xs))
    a.bar([p - 0.2 for p in pos], [x[0] for x in xs], 0.4,
          label="socket module / LuaSocket, one message per call",
          color="#999999")
    a.bar([p + 0.2 for p in pos], [x[1] for x in xs], 0.4,
          label="mailslot read_many / write_many (64 per call)",
          color="#4c72b0")
    for p, (b, m) in zip(pos, xs):
        if b:
            a.text(p + 0.2, m, "%.2f×" % (m / b), ha="center",
                   va="bottom", fontsize=8)
    a.set_xticks(list(pos))
    a.set_xticklabels(names, fontsize=8)
    a.set_ylabel("messages/s, 1 writer")
    a.set_title("batch calls: throughput against the socket modules")
    a.legend(fontsize=7)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


def write(out, s, m, langs, chart_too=True):
    alloc_table, small, total = (allocs(s) if "C" in langs
                                 else ("", 0.0, 0.0))
    worst = (small, refill_allocs(s))
    parts = [
        "# Benchmarks\n",
        "Generated by `bench/run.py` on %s in %.0f s (%d repetitions of "
        "every measurement, twice as many for one-writer throughput, "
        "wake-ups and batch calls, mailslot and its baseline alternating; "
        "medians, with min–max in brackets; a ratio is the median of the "
        "ratios of the two runs of each repetition). Do not edit by hand: "
        "rerun the command.\n" % (m["date"], m["duration_s"], m["reps"]),
        "**Machine:** %s, %d cores; Linux %s (%s); "
        "`net.unix.max_dgram_qlen` = %s; Python %s; %s; lua-socket %s; "
        "commit %s. Load average %.2f before, %.2f after.\n" % (
            m["cpu"], m["cores"], m["kernel"], m["distro"], m["qlen"],
            m["python"], m["lua"], m["luasocket"], m["commit"],
            m["load_before"][0], m["load_after"][0]),
    ]
    if chart_too:
        parts.append("![benchmark chart](benchmarks.png)\n")
    parts += ["## Targets\n", targets(s, langs, worst)]
    for lang in langs:
        parts += ["## Throughput: %s (mailslot vs %s)\n" % (
            lang, BASE_TEXT[lang]),
            "Messages per second at the reader, writers started together; "
            "MB = 10⁶ bytes; ratio = mailslot ÷ baseline (higher is "
            "better).\n", throughput(s, lang)]
    if any(lang in BATCH_LANGS for lang in langs):
        parts += ["## Batch calls: read_many / write_many against one "
                  "message per call\n",
                  "One writer. The baseline is the socket module's (or "
                  "LuaSocket's) single-datagram loop, as in the "
                  "throughput tables; mailslot writes 64 messages per "
                  "`write_many` and reads up to 64 per `read_many`. "
                  "Messages per second at the reader; ratio = mailslot ÷ "
                  "baseline.\n"]
        if chart_too:
            parts.append("![batch calls chart](benchmarks-batch.png)\n")
        parts.append(batch(s, langs))
    parts += ["## Round trip (ping-pong through two slots)\n",
              "ratio = mailslot ÷ baseline (lower is better).\n",
              rtt(s, langs),
              "## Wake-up latency of a reader blocked in read\n",
              "A writer sleeps 1 ms, stamps the time, writes 16 bytes; the "
              "reader, blocked in read, takes the difference. The reader "
              "runs pinned to one CPU and its writer to another, for the "
              "baseline and mailslot alike; ratio = mailslot ÷ baseline "
              "(lower is better).\n",
              wakeup(s, langs)]
    if "C" in langs:
        parts += ["## Memory: 10,000 messages queued for a reader that "
                  "does not read (C)\n", memory(s),
                  "## Heap allocations per message (C, counting allocator, "
                  "middle half of each throughput run)\n",
                  "Every `malloc`, `calloc`, `realloc` and anonymous `mmap` "
                  "of the process is counted. A reader's FIFO grows by "
                  "chunks of 64 KiB to 2 MiB while its backlog reaches a "
                  "depth it never had; those are counted on their own. "
                  "Worst median, all allocations: %.4f per message.\n"
                  % total, alloc_table,
                  "## Scale: many slots in one process (C)\n", scale(s),
                  "## A slot's life (C)\n",
                  "Create a slot, open it, write 16 bytes, close the "
                  "writer, read, close the slot; one slot at a time. The "
                  "baseline does the same with a bare AF_UNIX datagram "
                  "socket that owns its name through a lock file (open and "
                  "flock before bind; unlink and close after). ratio = "
                  "mailslot ÷ baseline (lower is better).\n", cycle(s)]
    notes = os.path.join(os.path.dirname(os.path.abspath(__file__)),
                         "notes.md")
    if os.path.exists(notes):
        with open(notes) as f:
            parts.append(f.read())
    with open(os.path.join(out, "benchmarks.md"), "w") as f:
        f.write("\n".join(parts))
    if chart_too:
        chart(os.path.join(out, "benchmarks.png"), s, langs)
        if any(lang in BATCH_LANGS for lang in langs):
            batch_chart(os.path.join(out, "benchmarks-batch.png"), s, langs)
