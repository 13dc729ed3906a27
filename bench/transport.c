/*
 * The two transports the C benchmark compares.
 *
 * "raw" is what a careful C programmer writes without the library: the
 * reader binds an AF_UNIX datagram socket and calls recv() on it; each
 * writer connects a datagram socket to it and calls send().  Blocking
 * calls, default socket options, no extra threads.
 *
 * "mailslot" does the same work through the public C API only.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "bench.h"
#include "mailslot.h"

struct bench_rx {
    int fd;
    mailslot_reader *r;
    struct sockaddr_un sa;
};

struct bench_tx {
    int fd;
    mailslot_writer *w;
};

/* Raw sockets live in the temporary directory, one file per name. */
static void
raw_address(const char *name, struct sockaddr_un *sa)
{
    const char *dir = getenv("TMPDIR");

    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s.sock",
        dir != NULL && dir[0] != '\0' ? dir : "/tmp", name);
}

static int
raw_rx_open(const char *name, bench_rx **out)
{
    bench_rx *rx = calloc(1, sizeof *rx);

    if (rx == NULL)
        return -1;
    raw_address(name, &rx->sa);
    unlink(rx->sa.sun_path);
    rx->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (rx->fd < 0 ||
        bind(rx->fd, (struct sockaddr *)&rx->sa, sizeof rx->sa) != 0) {
        perror("raw reader");
        if (rx->fd >= 0)
            close(rx->fd);
        free(rx);
        return -1;
    }
    *out = rx;
    return 0;
}

static long
raw_rx_read(bench_rx *rx, void *buf, size_t cap)
{
    ssize_t n;

    do {
        n = recv(rx->fd, buf, cap, 0);
    } while (n < 0 && errno == EINTR);
    return (long)n;
}

static void
raw_rx_close(bench_rx *rx)
{
    unlink(rx->sa.sun_path);
    close(rx->fd);
    free(rx);
}

static int
raw_tx_open(const char *name, bench_tx **out)
{
    struct sockaddr_un sa;
    bench_tx *tx = calloc(1, sizeof *tx);

    if (tx == NULL)
        return -1;
    raw_address(name, &sa);
    tx->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (tx->fd < 0 || connect(tx->fd, (struct sockaddr *)&sa, sizeof sa)) {
        perror("raw writer");
        if (tx->fd >= 0)
            close(tx->fd);
        free(tx);
        return -1;
    }
    *out = tx;
    return 0;
}

static int
raw_send(bench_tx *tx, const void *buf, size_t len, int flags)
{
    ssize_t n;

    do {
        n = send(tx->fd, buf, len, flags);
    } while (n < 0 && errno == EINTR);
    if (n < 0)
        return errno == EAGAIN ? 1 : -1;
    return 0;
}

static int
raw_tx_write(bench_tx *tx, const void *buf, size_t len)
{
    return raw_send(tx, buf, len, 0);
}

static int
raw_tx_try(bench_tx *tx, const void *buf, size_t len)
{
    return raw_send(tx, buf, len, MSG_DONTWAIT);
}

static void
raw_tx_close(bench_tx *tx)
{
    close(tx->fd);
    free(tx);
}

const bench_impl bench_raw = {
    "raw", raw_rx_open, raw_rx_read, raw_rx_close,
    raw_tx_open, raw_tx_write, raw_tx_try, raw_tx_close,
};

/* Slot names: "msbench\<token>", a local slot of this user. */
static void
slot_name(const char *name, char *buf, size_t cap)
{
    snprintf(buf, cap, "msbench\\%s", name);
}

static int
ms_rx_open(const char *name, bench_rx **out)
{
    char slot[256];
    bench_rx *rx = calloc(1, sizeof *rx);
    int rc;

    if (rx == NULL)
        return -1;
    slot_name(name, slot, sizeof slot);
    rc = mailslot_create(slot, NULL, &rx->r);
    if (rc != 0) {
        fprintf(stderr, "mailslot_create: %s\n", mailslot_strerror(rc));
        free(rx);
        return -1;
    }
    *out = rx;
    return 0;
}

static long
ms_rx_read(bench_rx *rx, void *buf, size_t cap)
{
    size_t len;
    int rc = mailslot_read(rx->r, buf, cap, &len, MAILSLOT_TIMEOUT_FOREVER);

    if (rc != 0) {
        fprintf(stderr, "mailslot_read: %s\n", mailslot_strerror(rc));
        return -1;
    }
    return (long)len;
}

static void
ms_rx_close(bench_rx *rx)
{
    mailslot_reader_free(rx->r);
    free(rx);
}

static int
ms_tx_open(const char *name, bench_tx **out)
{
    char slot[256];
    bench_tx *tx = calloc(1, sizeof *tx);
    int rc;

    if (tx == NULL)
        return -1;
    slot_name(name, slot, sizeof slot);
    rc = mailslot_open(slot, NULL, &tx->w);
    if (rc != 0) {
        fprintf(stderr, "mailslot_open: %s\n", mailslot_strerror(rc));
        free(tx);
        return -1;
    }
    *out = tx;
    return 0;
}

static int
ms_tx_write(bench_tx *tx, const void *buf, size_t len)
{
    int rc = mailslot_write(tx->w, buf, len);

    if (rc != 0)
        fprintf(stderr, "mailslot_write: %s\n", mailslot_strerror(rc));
    return rc == 0 ? 0 : rc == MAILSLOT_EFULL ? 1 : -1;
}

static void
ms_tx_close(bench_tx *tx)
{
    mailslot_writer_free(tx->w);
    free(tx);
}

/* Writers never wait for a slow mailslot reader: "try" is a write. */
const bench_impl bench_mailslot = {
    "mailslot", ms_rx_open, ms_rx_read, ms_rx_close,
    ms_tx_open, ms_tx_write, ms_tx_write, ms_tx_close,
};
