/*
 * c_bench -- the C benchmark: the raw AF_UNIX datagram path against the
 * mailslot C API, doing the same work in the same loop.
 *
 *   c_bench raw|mailslot tput SIZE WRITERS COUNT
 *   c_bench raw|mailslot rtt SIZE COUNT
 *   c_bench raw|mailslot wakeup COUNT GAP_US
 *   c_bench raw|mailslot memory SIZE COUNT
 *   c_bench raw|mailslot scale SLOTS
 *   c_bench raw|mailslot cycle COUNT
 *
 * The reader is this process; writers (and the echo side of the round
 * trip) are forked children, so every exchange crosses processes.  Each
 * run prints one JSON object on stdout; bench/run.py collects them.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <sys/file.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "bench.h"
#include "crew.h"

#define BUF_CAP (256u * 1024u)
#define RTT_WARMUP 1000

static unsigned char rbuf[BUF_CAP];

static void
die(const char *what)
{
    fprintf(stderr, "c_bench: %s failed\n", what);
    exit(1);
}

static int
cmp_i64(const void *a, const void *b)
{
    int64_t x = *(const int64_t *)a, y = *(const int64_t *)b;

    return x < y ? -1 : x > y;
}

/* Sort N samples (ns) and print their percentiles in microseconds. */
static void
print_latency(int64_t *ns, long n)
{
    double sum = 0;
    long i;

    qsort(ns, (size_t)n, sizeof *ns, cmp_i64);
    for (i = 0; i < n; i++)
        sum += (double)ns[i];
    printf("\"samples\": %ld, \"min_us\": %.3f, \"p50_us\": %.3f, "
           "\"p99_us\": %.3f, \"max_us\": %.3f, \"mean_us\": %.3f",
        n, ns[0] / 1e3, ns[n / 2] / 1e3, ns[n * 99 / 100] / 1e3,
        ns[n - 1] / 1e3, sum / n / 1e3);
}

/* A token that names this run's slots and sockets. */
static void
run_token(char *buf, size_t cap, const char *tag)
{
    snprintf(buf, cap, "b%ld-%s", (long)getpid(), tag);
}

/* Read one message of SIZE bytes or fail loudly. */
static void
read_exact(const bench_impl *impl, bench_rx *rx, size_t size)
{
    long n = impl->rx_read(rx, rbuf, sizeof rbuf);

    if (n != (long)size) {
        fprintf(stderr, "c_bench: read %ld bytes, expected %zu\n", n, size);
        exit(1);
    }
}

static void
mode_tput(const bench_impl *impl, size_t size, int writers, long total)
{
    crew_job job = {impl, "", size, total / writers, CREW_BULK, 0};
    crew c;
    crew_result res;
    bench_rx *rx;
    char name[64];
    long i, lo = total / 4, hi = total * 3 / 4;
    uint64_t a_lo = 0, a_hi = 0, l_lo = 0, l_hi = 0;
    int64_t t0, t1;

    total = job.count * writers;
    run_token(name, sizeof name, "t");
    job.name = name;
    if (crew_start(&c, &job, writers) != 0)
        die("fork");
    if (impl->rx_open(name, &rx) != 0)
        die("reader");
    crew_open(&c);
    t0 = crew_go(&c);
    for (i = 0; i < total; i++) {
        if (i == lo) {
            a_lo = bench_alloc_count();
            l_lo = bench_alloc_large_count();
        }
        if (i == hi) {
            a_hi = bench_alloc_count();
            l_hi = bench_alloc_large_count();
        }
        read_exact(impl, rx, size);
    }
    t1 = crew_now();
    if (crew_finish(&c, &res) != 0)
        die("writer");
    impl->rx_close(rx);
    printf("{\"mode\": \"tput\", \"impl\": \"%s\", \"size\": %zu, "
           "\"writers\": %d, \"msgs\": %ld, \"secs\": %.6f, "
           "\"msgs_per_s\": %.1f, \"mb_per_s\": %.3f, "
           "\"reader_allocs_per_msg\": %.4f, "
           "\"reader_large_allocs\": %llu, "
           "\"reader_small_allocs_per_msg\": %.4f, "
           "\"writer_allocs_per_msg\": %.4f}\n",
        impl->name, size, writers, total, (t1 - t0) / 1e9,
        total / ((t1 - t0) / 1e9), total * (double)size * 1e3 / (t1 - t0),
        (double)(a_hi - a_lo) / (double)(hi - lo),
        (unsigned long long)(l_hi - l_lo),
        (double)((a_hi - a_lo) - (l_hi - l_lo)) / (double)(hi - lo),
        res.window_msgs ? (double)res.window_allocs / res.window_msgs : 0.0);
}

/* The echo side of the round trip: send back every message of B to A. */
static void
rtt_echo(const bench_impl *impl, const char *a, const char *b, size_t size,
    long n, int wait_fd, int ready_fd)
{
    bench_rx *rx;
    bench_tx *tx;
    char c;
    long i;

    if (read(wait_fd, &c, 1) != 1 || impl->rx_open(b, &rx) != 0 ||
        impl->tx_open(a, &tx) != 0)
        _exit(1);
    if (write(ready_fd, "r", 1) != 1)
        _exit(1);
    for (i = 0; i < n; i++) {
        read_exact(impl, rx, size);
        if (impl->tx_write(tx, rbuf, size) != 0)
            _exit(1);
    }
    impl->tx_close(tx);
    impl->rx_close(rx);
    _exit(0);
}

static void
mode_rtt(const bench_impl *impl, size_t size, long n)
{
    static unsigned char msg[BUF_CAP];
    char a[64], b[64], ch;
    int to_child[2], to_parent[2], status;
    int64_t *lat = calloc((size_t)n, sizeof *lat), t;
    bench_rx *rx;
    bench_tx *tx;
    pid_t pid;
    long i;

    run_token(a, sizeof a, "ra");
    run_token(b, sizeof b, "rb");
    if (lat == NULL || pipe(to_child) != 0 || pipe(to_parent) != 0)
        die("setup");
    pid = fork();
    if (pid < 0)
        die("fork");
    if (pid == 0)
        rtt_echo(impl, a, b, size, n + RTT_WARMUP, to_child[0],
            to_parent[1]);
    if (impl->rx_open(a, &rx) != 0 || write(to_child[1], "o", 1) != 1 ||
        read(to_parent[0], &ch, 1) != 1 || impl->tx_open(b, &tx) != 0)
        die("round-trip setup");
    for (i = -RTT_WARMUP; i < n; i++) {
        t = crew_now();
        if (impl->tx_write(tx, msg, size) != 0)
            die("write");
        read_exact(impl, rx, size);
        if (i >= 0)
            lat[i] = crew_now() - t;
    }
    if (waitpid(pid, &status, 0) != pid || status != 0)
        die("echo");
    impl->tx_close(tx);
    impl->rx_close(rx);
    printf("{\"mode\": \"rtt\", \"impl\": \"%s\", \"size\": %zu, ",
        impl->name, size);
    print_latency(lat, n);
    printf("}\n");
    free(lat);
}

/* One writer stamps each message after a pause; we measure the delay. */
static void
mode_wakeup(const bench_impl *impl, long n, long gap_us)
{
    crew_job job = {impl, "", 16, n, CREW_STAMPED, gap_us};
    crew c;
    crew_result res;
    int64_t *lat = calloc((size_t)n, sizeof *lat), stamp;
    bench_rx *rx;
    char name[64];
    long i;

    run_token(name, sizeof name, "w");
    job.name = name;
    if (lat == NULL || crew_start(&c, &job, 1) != 0)
        die("setup");
    if (impl->rx_open(name, &rx) != 0)
        die("reader");
    crew_open(&c);
    crew_go(&c);
    for (i = 0; i < n; i++) {
        read_exact(impl, rx, 16);
        memcpy(&stamp, rbuf, sizeof stamp);
        lat[i] = crew_now() - stamp;
    }
    if (crew_finish(&c, &res) != 0)
        die("writer");
    impl->rx_close(rx);
    printf("{\"mode\": \"wakeup\", \"impl\": \"%s\", \"gap_us\": %ld, ",
        impl->name, gap_us);
    print_latency(lat, n);
    printf("}\n");
    free(lat);
}

/* A field of /proc/self/status in kB (VmRSS, VmHWM) or as a count. */
static long
proc_status(const char *field)
{
    char line[256];
    size_t len = strlen(field);
    long v = -1;
    FILE *f = fopen("/proc/self/status", "r");

    if (f == NULL)
        return -1;
    while (fgets(line, sizeof line, f) != NULL) {
        if (strncmp(line, field, len) == 0 && line[len] == ':') {
            v = strtol(line + len + 1, NULL, 10);
            break;
        }
    }
    fclose(f);
    return v;
}

/*
 * Writers queue COUNT messages while the reader does not read; then we
 * look at the reader's memory and read them all.  A raw writer cannot
 * queue more than the kernel allows without blocking, so it stops at the
 * first send that would block and reports how many it queued.
 *
 * That is done MEMORY_FILLS times with the same reader.  The first fill
 * grows its queue; the reader's allocations in the later ones show what a
 * backlog that comes back to the same depth costs -- the steady state of
 * a reader that falls behind and catches up.  The figures reported are
 * the first fill's, and the allocations of the later fills together.
 */
#define MEMORY_FILLS 3

static void
mode_memory(const bench_impl *impl, size_t size, long count)
{
    crew_job job = {impl, "", size, count, CREW_TRY, 0};
    crew c;
    crew_result res;
    bench_rx *rx = NULL;
    char name[64];
    long rss0 = 0, rss1 = 0, queued = 0, i;
    int64_t t0, write_ns = 0;
    uint64_t a0, a1, first = 0, later = 0, later_msgs = 0;
    int fill;

    run_token(name, sizeof name, "m");
    job.name = name;
    for (fill = 0; fill < MEMORY_FILLS; fill++) {
        if (crew_start(&c, &job, 1) != 0)
            die("fork");
        if (rx == NULL) {
            if (impl->rx_open(name, &rx) != 0)
                die("reader");
            rss0 = proc_status("VmRSS");
        }
        crew_open(&c);
        a0 = bench_alloc_count();
        t0 = crew_go(&c);
        if (crew_finish(&c, &res) != 0)
            die("writer");
        t0 = crew_now() - t0;
        usleep(100 * 1000); /* let a drain in progress finish */
        a1 = bench_alloc_count();
        if (fill == 0) {
            write_ns = t0;
            queued = (long)res.sent;
            rss1 = proc_status("VmRSS"); /* stdio allocates: not counted */
        }
        a1 -= a0; /* while the writer queued */
        a0 = bench_alloc_count();
        for (i = 0; i < res.sent; i++)
            read_exact(impl, rx, size);
        a1 += bench_alloc_count() - a0; /* and while the reader read */
        if (fill == 0) {
            first = a1;
        } else {
            later += a1;
            later_msgs += (uint64_t)res.sent;
        }
    }
    impl->rx_close(rx);
    printf("{\"mode\": \"memory\", \"impl\": \"%s\", \"size\": %zu, "
           "\"asked\": %ld, \"queued\": %ld, \"writer_blocked\": %s, "
           "\"write_secs\": %.6f, \"rss_idle_kb\": %ld, "
           "\"rss_queued_kb\": %ld, \"fills\": %d, "
           "\"reader_allocs_first_fill\": %llu, "
           "\"reader_allocs_later_fills\": %llu, "
           "\"later_fills_msgs\": %llu}\n",
        impl->name, size, count, queued, queued < count ? "true" : "false",
        write_ns / 1e9, rss0, rss1, MEMORY_FILLS, (unsigned long long)first,
        (unsigned long long)later, (unsigned long long)later_msgs);
}

static long
count_fds(void)
{
    long n = 0;
    char path[64];
    int fd;

    /* Probing is simpler than reading /proc/self/fd and as exact. */
    for (fd = 0; fd < 65536; fd++) {
        snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
        if (access(path, F_OK) == 0)
            n++;
    }
    return n;
}

/* SLOTS readers in one process: what they cost, and that they all work. */
static void
mode_scale(const bench_impl *impl, long slots)
{
    bench_rx **rx = calloc((size_t)slots, sizeof *rx);
    char name[96], tok[64];
    long fds0, thr0, rss0, i;
    int64_t t0, t_create, t_use, t_close;
    bench_tx *tx;

    if (rx == NULL || crew_raise_nofile() != 0)
        die("setup");
    fds0 = count_fds();
    thr0 = proc_status("Threads");
    rss0 = proc_status("VmRSS");
    run_token(tok, sizeof tok, "s");
    t0 = crew_now();
    for (i = 0; i < slots; i++) {
        snprintf(name, sizeof name, "%s%ld", tok, i);
        if (impl->rx_open(name, &rx[i]) != 0)
            die("create");
    }
    t_create = crew_now() - t0;
    printf("{\"mode\": \"scale\", \"impl\": \"%s\", \"slots\": %ld, "
           "\"fds_per_slot\": %.2f, \"threads_per_slot\": %.2f, "
           "\"rss_kb_per_slot\": %.2f, ",
        impl->name, slots, (double)(count_fds() - fds0) / slots,
        (double)(proc_status("Threads") - thr0) / slots,
        (double)(proc_status("VmRSS") - rss0) / slots);
    t0 = crew_now();
    for (i = 0; i < slots; i++) {
        snprintf(name, sizeof name, "%s%ld", tok, i);
        if (impl->tx_open(name, &tx) != 0 || impl->tx_write(tx, rbuf, 16))
            die("send");
        impl->tx_close(tx);
        read_exact(impl, rx[i], 16);
    }
    t_use = crew_now() - t0;
    t0 = crew_now();
    for (i = 0; i < slots; i++)
        impl->rx_close(rx[i]);
    t_close = crew_now() - t0;
    printf("\"create_us_per_slot\": %.2f, \"use_us_per_slot\": %.2f, "
           "\"close_us_per_slot\": %.2f}\n",
        t_create / 1e3 / slots, t_use / 1e3 / slots, t_close / 1e3 / slots);
    free(rx);
}

/*
 * A slot's whole life, COUNT times in a row, one slot at a time: create,
 * a writer that opens it, writes 16 bytes and closes, the read, close.
 * The raw baseline owns its name the way a careful program would, with a
 * lock file beside the socket (open, flock; unlink and close at the end),
 * so both sides do the same steps.
 */
static void
mode_cycle(const bench_impl *impl, long n)
{
    int64_t *lat = calloc((size_t)n, sizeof *lat), t;
    char name[96], tok[64], lock[4200];
    const char *dir = getenv("TMPDIR");
    bench_rx *rx;
    bench_tx *tx;
    int raw = strcmp(impl->name, "raw") == 0, lockfd = -1;
    long i;

    if (lat == NULL)
        die("setup");
    run_token(tok, sizeof tok, "c");
    for (i = 0; i < n; i++) {
        snprintf(name, sizeof name, "%s%ld", tok, i);
        snprintf(lock, sizeof lock, "%s/%s.lock",
            dir != NULL && dir[0] != '\0' ? dir : "/tmp", name);
        t = crew_now();
        if (raw) {
            lockfd = open(lock, O_RDWR | O_CREAT | O_CLOEXEC, 0600);
            if (lockfd < 0 || flock(lockfd, LOCK_EX | LOCK_NB) != 0)
                die("lock file");
        }
        if (impl->rx_open(name, &rx) != 0 || impl->tx_open(name, &tx) != 0 ||
            impl->tx_write(tx, rbuf, 16) != 0)
            die("cycle");
        impl->tx_close(tx);
        read_exact(impl, rx, 16);
        impl->rx_close(rx);
        if (raw) {
            unlink(lock);
            close(lockfd);
        }
        lat[i] = crew_now() - t;
    }
    printf("{\"mode\": \"cycle\", \"impl\": \"%s\", ", impl->name);
    print_latency(lat, n);
    printf("}\n");
    free(lat);
}

static void
usage(void)
{
    fprintf(stderr,
        "usage: c_bench raw|mailslot tput SIZE WRITERS COUNT\n"
        "       c_bench raw|mailslot rtt SIZE COUNT\n"
        "       c_bench raw|mailslot wakeup COUNT GAP_US\n"
        "       c_bench raw|mailslot memory SIZE COUNT\n"
        "       c_bench raw|mailslot scale SLOTS\n"
        "       c_bench raw|mailslot cycle COUNT\n");
    exit(2);
}

static long
arg(int argc, char **argv, int i)
{
    char *end;
    long v;

    if (i >= argc)
        usage();
    v = strtol(argv[i], &end, 10);
    if (*end != '\0' || v <= 0)
        usage();
    return v;
}

int
main(int argc, char **argv)
{
    const bench_impl *impl = NULL;
    const char *mode;

    if (argc < 3)
        usage();
    if (strcmp(argv[1], "raw") == 0)
        impl = &bench_raw;
    else if (strcmp(argv[1], "mailslot") == 0)
        impl = &bench_mailslot;
    else
        usage();
    mode = argv[2];
    signal(SIGPIPE, SIG_IGN);
    if (strcmp(mode, "tput") == 0 && arg(argc, argv, 4) <= CREW_MAX)
        mode_tput(impl, (size_t)arg(argc, argv, 3), (int)arg(argc, argv, 4),
            arg(argc, argv, 5));
    else if (strcmp(mode, "rtt") == 0)
        mode_rtt(impl, (size_t)arg(argc, argv, 3), arg(argc, argv, 4));
    else if (strcmp(mode, "wakeup") == 0)
        mode_wakeup(impl, arg(argc, argv, 3), arg(argc, argv, 4));
    else if (strcmp(mode, "memory") == 0)
        mode_memory(impl, (size_t)arg(argc, argv, 3), arg(argc, argv, 4));
    else if (strcmp(mode, "scale") == 0)
        mode_scale(impl, arg(argc, argv, 3));
    else if (strcmp(mode, "cycle") == 0)
        mode_cycle(impl, arg(argc, argv, 3));
    else
        usage();
    fflush(stdout);
    return 0;
}
