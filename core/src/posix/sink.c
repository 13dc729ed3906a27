/*
 * The relay's sink on POSIX: "mailslot bridge" delivers each message to
 * the reader's socket like a local writer, but from a socket bound to
 * "relay.sock" in the slot directory, with a small origin header in front
 * of the message.  The reader believes the header only when the sender's
 * address is that path (see posix.h for why that is hard to fake), and
 * strips it, so mailslot_read() returns exactly the message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "mailslot.h"
#include "nbt.h"
#include "platform.h"
#include "posix.h"

static const unsigned char magic[4] = { 'M', 'S', 'O', '1' };

/* Field offsets in the origin header. */
enum {
    O_TYPE = 4,
    O_SSUF = 5,
    O_DSUF = 6,
    O_SNAME = 8,
    O_DNAME = 24,
    O_SADDR = 40,
    O_SPORT = 56,
    O_HADDR = 58
};

struct mailslot__sink {
    int sock;
    int lockfd;
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    unsigned char buf[MAILSLOT__ORIGIN_WIRE + MAILSLOT__NBT_SMB_MAX];
};

void
mailslot__origin_pack(const mailslot_origin *o,
    unsigned char out[MAILSLOT__ORIGIN_WIRE])
{
    memset(out, 0, MAILSLOT__ORIGIN_WIRE);
    memcpy(out, magic, sizeof magic);
    out[O_TYPE] = o->datagram_type;
    out[O_SSUF] = o->source_suffix;
    out[O_DSUF] = o->dest_suffix;
    memcpy(out + O_SNAME, o->source_name, 15);
    memcpy(out + O_DNAME, o->dest_name, 15);
    memcpy(out + O_SADDR, o->source_addr, 15);
    out[O_SPORT] = (unsigned char)(o->source_port >> 8);
    out[O_SPORT + 1] = (unsigned char)o->source_port;
    memcpy(out + O_HADDR, o->header_addr, 15);
}

int
mailslot__origin_unpack(const unsigned char *in, size_t len,
    mailslot_origin *o)
{
    if (len < MAILSLOT__ORIGIN_WIRE || memcmp(in, magic, sizeof magic) != 0)
        return -1;
    memset(o, 0, sizeof *o);
    o->size = sizeof *o;
    o->remote = 1;
    o->datagram_type = in[O_TYPE];
    o->source_suffix = in[O_SSUF];
    o->dest_suffix = in[O_DSUF];
    /* Byte 15 of each field stays 0 from the memset: always terminated. */
    memcpy(o->source_name, in + O_SNAME, 15);
    memcpy(o->dest_name, in + O_DNAME, 15);
    memcpy(o->source_addr, in + O_SADDR, 15);
    o->source_port = (uint16_t)(in[O_SPORT] << 8 | in[O_SPORT + 1]);
    memcpy(o->header_addr, in + O_HADDR, 15);
    return 0;
}

void
mailslot__origin_set(mailslot_origin *o, const unsigned char *meta,
    size_t mlen)
{
    if (o == NULL)
        return;
    if (mlen == 0 || mailslot__origin_unpack(meta, mlen, o) != 0) {
        memset(o, 0, sizeof *o);
        o->size = sizeof *o;
    }
}

/*
 * The length of the relay's origin header at the front of an N-byte
 * datagram received into BUF (CAP bytes) and SPILL (SPILL_CAP bytes) from
 * the address SA (NAMELEN bytes of it): only a datagram from RELAY_PATH
 * that begins with the magic has one.
 */
static size_t
origin_skip(const struct sockaddr_un *sa, socklen_t namelen, size_t n,
    const void *buf, size_t cap, const void *spill, size_t spill_cap,
    const char *relay_path)
{
    unsigned char head[sizeof magic];
    size_t i;

    if (namelen <= sizeof(sa_family_t))
        return 0;
    /* Bound senders are rare: only the relay binds.  Anything else that
     * did (an abstract address, another path) is an ordinary writer. */
    if (namelen > sizeof *sa || sa->sun_path[0] == '\0' ||
        strncmp(sa->sun_path, relay_path, sizeof sa->sun_path) != 0 ||
        n < MAILSLOT__ORIGIN_WIRE || n > cap + spill_cap)
        return 0;
    for (i = 0; i < sizeof magic; i++)
        head[i] = i < cap ? ((const unsigned char *)buf)[i]
                          : ((const unsigned char *)spill)[i - cap];
    return memcmp(head, magic, sizeof magic) == 0 ? MAILSLOT__ORIGIN_WIRE
                                                  : 0;
}

/* Point MH at BUF (CAP bytes) then SPILL (SPILL_CAP bytes, if any) for
 * the datagram, and at SA for its sender's address. */
static void
aim(struct msghdr *mh, struct iovec iov[2], struct sockaddr_un *sa,
    void *buf, size_t cap, void *spill, size_t spill_cap)
{
    iov[0].iov_base = buf;
    iov[0].iov_len = cap;
    iov[1].iov_base = spill;
    iov[1].iov_len = spill_cap;
    memset(mh, 0, sizeof *mh);
    mh->msg_name = sa;
    mh->msg_namelen = sizeof *sa;
    mh->msg_iov = iov;
    mh->msg_iovlen = spill_cap > 0 ? 2 : 1;
}

ssize_t
mailslot__recv_message(int sock, void *buf, size_t cap, void *spill,
    size_t spill_cap, const char *relay_path, int flags, size_t *skip)
{
    struct sockaddr_un sa;
    struct iovec iov[2];
    struct msghdr mh;
    ssize_t n;

    *skip = 0;
    aim(&mh, iov, &sa, buf, cap, spill, spill_cap);
    n = recvmsg(sock, &mh, flags | MSG_TRUNC);
    if (n >= 0)
        *skip = origin_skip(&sa, mh.msg_namelen, (size_t)n, buf, cap, spill,
            spill_cap, relay_path);
    return n;
}

int
mailslot__recv_batch(int sock, mailslot__rx *rx, unsigned count,
    const char *relay_path, int flags)
{
    struct mmsghdr mm[MAILSLOT__RX_BATCH];
    struct iovec iov[MAILSLOT__RX_BATCH][2];
    struct sockaddr_un sa[MAILSLOT__RX_BATCH];
    unsigned i;
    int n;

    if (count > MAILSLOT__RX_BATCH)
        count = MAILSLOT__RX_BATCH;
    for (i = 0; i < count; i++)
        aim(&mm[i].msg_hdr, iov[i], &sa[i], rx[i].buf, rx[i].cap,
            rx[i].spill, rx[i].spill_cap);
    n = recvmmsg(sock, mm, count, flags | MSG_TRUNC, NULL);
    for (i = 0; n > 0 && i < (unsigned)n; i++) {
        rx[i].len = mm[i].msg_len;
        rx[i].skip = origin_skip(&sa[i], mm[i].msg_hdr.msg_namelen,
            rx[i].len, rx[i].buf, rx[i].cap, rx[i].spill, rx[i].spill_cap,
            relay_path);
    }
    return n;
}

void
mailslot__recv_gather(const void *buf, size_t cap, void *spill, size_t n)
{
    if (cap == 0 || n == 0)
        return;
    if (cap > n)
        cap = n;
    memmove((unsigned char *)spill + cap, spill, n - cap);
    memcpy(spill, buf, cap);
}

static int
bind_relay(struct mailslot__sink *s)
{
    struct sockaddr_un sa;
    int n;

    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s/" MAILSLOT__RELAY_SOCK,
        s->dir);
    if (n < 0 || (size_t)n >= sizeof sa.sun_path)
        return mailslot__os_fail(ENAMETOOLONG);
    /* We hold the lock, so a socket file left here is a dead relay's. */
    if (unlink(sa.sun_path) != 0 && errno != ENOENT)
        return mailslot__os_fail(errno);
    s->sock = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (s->sock < 0)
        return mailslot__os_fail(errno);
    if (bind(s->sock, (struct sockaddr *)&sa, sizeof sa) != 0)
        return mailslot__os_fail(errno);
    return 0;
}

static int
lock_relay(struct mailslot__sink *s)
{
    char path[sizeof s->dir + 16];

    snprintf(path, sizeof path, "%s/" MAILSLOT__RELAY_LOCK, s->dir);
    s->lockfd = mailslot__open_regular(AT_FDCWD, path, O_RDWR | O_CREAT,
        0600);
    if (s->lockfd < 0 && (errno == ELOOP || errno == MAILSLOT__ENOTREG)) {
        mailslot__set_os_error(errno);
        return MAILSLOT_EUNSAFE;
    }
    if (s->lockfd < 0)
        return mailslot__os_fail(errno);
    if (flock(s->lockfd, LOCK_EX | LOCK_NB) != 0) {
        mailslot__set_os_error(errno);
        return errno == EWOULDBLOCK ? MAILSLOT_EEXISTS
                                    : mailslot__os_fail(errno);
    }
    return 0;
}

int
mailslot__plat_sink_open(mailslot__sink **out)
{
    struct mailslot__sink *s = calloc(1, sizeof *s);
    int rc;

    if (s == NULL)
        return mailslot__os_fail(ENOMEM);
    s->sock = s->lockfd = -1;
    rc = mailslot__slot_dir(1, s->dir, sizeof s->dir);
    if (rc == 0)
        rc = lock_relay(s);
    if (rc == 0)
        rc = bind_relay(s);
    if (rc != 0) {
        mailslot__plat_sink_free(s);
        return rc;
    }
    *out = s;
    return 0;
}

int
mailslot__plat_sink_deliver(mailslot__sink *s, const mailslot__name *name,
    const void *data, size_t len, const mailslot_origin *origin)
{
    mailslot__slot_paths paths;
    struct sockaddr_un sa, bell;
    uint32_t max;
    ssize_t n;
    int rc = mailslot__slot_paths_for(name, 0, &paths);

    if (rc != 0)
        return rc;
    if (len > MAILSLOT__NBT_SMB_MAX)
        return mailslot__os_fail(EMSGSIZE);
    max = mailslot__reader_max_size(paths.info);
    if (max != 0 && len > max) {
        mailslot__set_os_error(0);
        return MAILSLOT_ETOOBIG;
    }
    mailslot__origin_pack(origin, s->buf);
    if (len > 0)
        memcpy(s->buf + MAILSLOT__ORIGIN_WIRE, data, len);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, paths.sock, strlen(paths.sock) + 1);
    memset(&bell, 0, sizeof bell);
    bell.sun_family = AF_UNIX;
    memcpy(bell.sun_path, paths.bell, strlen(paths.bell) + 1);
    n = sendto(s->sock, s->buf, MAILSLOT__ORIGIN_WIRE + len,
        MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
    if (n < 0 && errno == EAGAIN) {
        /* A full kernel queue: ring the reader's doorbell urgently, as a
         * waiting local writer does (a plain ring is served only while
         * the reader's FIFO already holds messages, so a busy reader's
         * drain thread would sleep through it), and let relay.c try again
         * later rather than wait here: other slots must not wait for this
         * one. */
        sendto(s->sock, "!", 1, MSG_NOSIGNAL | MSG_DONTWAIT,
            (struct sockaddr *)&bell, sizeof bell);
        mailslot__set_os_error(EAGAIN);
        return MAILSLOT_EFULL;
    }
    if (n < 0)
        return mailslot__os_fail(errno);
    return 0;
}

void
mailslot__plat_sink_free(mailslot__sink *s)
{
    char path[sizeof s->dir + 16];

    if (s == NULL)
        return;
    if (s->sock >= 0) {
        snprintf(path, sizeof path, "%s/" MAILSLOT__RELAY_SOCK, s->dir);
        unlink(path);
        close(s->sock);
    }
    if (s->lockfd >= 0)
        close(s->lockfd);
    free(s);
}
