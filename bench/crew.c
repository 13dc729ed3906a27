/*
 * The writer crew of the C benchmark (see crew.h).  Pipes carry the
 * start-up handshake: "open" (the reader exists), "ready" (a writer has
 * opened it), "go" (closed by the reader: every writer starts at once),
 * and one fixed-size result record per writer.
 */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "crew.h"

static unsigned char msg[256u * 1024u];

int64_t
crew_now(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000000000 + ts.tv_nsec;
}

int
crew_raise_nofile(void)
{
    struct rlimit rl;

    if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
        return -1;
    /* 10,000 slots need more descriptors than some limits allow; root
     * may raise the hard limit too. */
    if (rl.rlim_max != RLIM_INFINITY && rl.rlim_max < 65536) {
        struct rlimit more = {65536, 65536};

        if (setrlimit(RLIMIT_NOFILE, &more) == 0)
            return 0;
    }
    rl.rlim_cur = rl.rlim_max;
    return setrlimit(RLIMIT_NOFILE, &rl);
}

static void
pause_us(long us)
{
    struct timespec ts = {us / 1000000, (us % 1000000) * 1000};

    while (nanosleep(&ts, &ts) != 0 && errno == EINTR)
        ;
}

/* Send the job's messages; counts allocations in the middle half. */
static void
send_all(const crew_job *job, bench_tx *tx, crew_result *res)
{
    long i, lo = job->count / 4, hi = job->count * 3 / 4;
    uint64_t a_lo = 0, a_hi = 0;
    int64_t stamp;
    int rc;

    for (i = 0; i < job->count; i++) {
        if (i == lo)
            a_lo = bench_alloc_count();
        if (i == hi)
            a_hi = bench_alloc_count();
        if (job->how == CREW_STAMPED) {
            pause_us(job->gap_us);
            stamp = crew_now();
            memcpy(msg, &stamp, sizeof stamp);
        }
        if (job->how == CREW_TRY)
            rc = job->impl->tx_try(tx, msg, job->size);
        else
            rc = job->impl->tx_write(tx, msg, job->size);
        if (rc == 1 && job->how == CREW_TRY)
            return;
        if (rc != 0) {
            res->failed = 1;
            return;
        }
        res->sent++;
    }
    res->window_allocs = (int64_t)(a_hi - a_lo);
    res->window_msgs = hi - lo;
}

/* run.py pins the wake-up rows: the reader runs on one CPU (taskset) and
 * its writers on the one named by BENCH_WRITER_CPU, for both the baseline
 * and mailslot, so both wake a reader on the same other CPU. */
void
crew_pin_writer(void)
{
    const char *v = getenv("BENCH_WRITER_CPU");
    cpu_set_t set;

    if (v == NULL || *v == '\0')
        return;
    CPU_ZERO(&set);
    CPU_SET(atoi(v), &set);
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        _exit(1);
}

static void
writer_main(const crew_job *job, int open_r, int ready_w, int go_r,
    int res_w)
{
    crew_result res;
    bench_tx *tx;
    char c;

    memset(&res, 0, sizeof res);
    crew_pin_writer();
    if (read(open_r, &c, 1) != 1 || job->impl->tx_open(job->name, &tx))
        _exit(1);
    if (write(ready_w, "r", 1) != 1)
        _exit(1);
    while (read(go_r, &c, 1) != 0)
        ; /* the reader closes the pipe to start everyone */
    send_all(job, tx, &res);
    if (write(res_w, &res, sizeof res) != (ssize_t)sizeof res)
        _exit(1);
    job->impl->tx_close(tx);
    _exit(res.failed ? 1 : 0);
}

int
crew_start(crew *c, const crew_job *job, int n)
{
    int p_open[2], p_ready[2], p_go[2], p_res[2];
    pid_t pid;

    if (n < 1 || n > CREW_MAX || pipe(p_open) != 0 || pipe(p_ready) != 0 ||
        pipe(p_go) != 0 || pipe(p_res) != 0)
        return -1;
    for (c->n = 0; c->n < n; c->n++) {
        pid = fork();
        if (pid < 0)
            return -1;
        if (pid == 0) {
            close(p_open[1]);
            close(p_ready[0]);
            close(p_go[1]);
            close(p_res[0]);
            writer_main(job, p_open[0], p_ready[1], p_go[0], p_res[1]);
        }
        c->pid[c->n] = pid;
    }
    close(p_open[0]);
    close(p_ready[1]);
    close(p_go[0]);
    close(p_res[1]);
    c->open_w = p_open[1];
    c->ready_r = p_ready[0];
    c->go_w = p_go[1];
    c->result_r = p_res[0];
    return 0;
}

void
crew_open(crew *c)
{
    char ch;
    int i;

    for (i = 0; i < c->n; i++)
        if (write(c->open_w, "o", 1) != 1)
            break;
    for (i = 0; i < c->n; i++)
        if (read(c->ready_r, &ch, 1) != 1)
            break;
}

int64_t
crew_go(crew *c)
{
    int64_t t = crew_now();

    close(c->go_w);
    return t;
}

int
crew_finish(crew *c, crew_result *res)
{
    crew_result one;
    int i, status, bad = 0;

    memset(res, 0, sizeof *res);
    for (i = 0; i < c->n; i++) {
        if (read(c->result_r, &one, sizeof one) != (ssize_t)sizeof one) {
            bad = 1;
            break;
        }
        res->sent += one.sent;
        res->window_allocs += one.window_allocs;
        res->window_msgs += one.window_msgs;
        res->failed += one.failed;
    }
    for (i = 0; i < c->n; i++)
        if (waitpid(c->pid[i], &status, 0) != c->pid[i] || status != 0)
            bad = 1;
    close(c->open_w);
    close(c->ready_r);
    close(c->result_r);
    return bad || res->failed ? -1 : 0;
}
