/*
 * What arrives on a reader's socket: datagrams, received one at a time or
 * in batches (read.c and the drain thread in drainer.c), and at the front
 * of those the relay sends, the origin header that says where a remote
 * message came from (sink.c writes it).  The reader believes the header
 * only when the sender's address is the relay's socket in the slot
 * directory (see linux.h for why that is hard to fake), and strips it,
 * so mailslot_read() returns exactly the message.
 */
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>

#include "mailslot.h"
#include "lifecycle.h"
#include "platform.h"
#include "linux.h"

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
    if (mlen == 0 || mailslot__origin_unpack(meta, mlen, o) != 0)
        mailslot__origin_local(o);
}

/* The first LEN bytes of a datagram received into BUF (CAP bytes) and
 * SPILL, into OUT (CAP + the spill's size is at least LEN). */
static void
head_of(const void *buf, size_t cap, const void *spill, unsigned char *out,
    size_t len)
{
    size_t i;

    for (i = 0; i < len; i++)
        out[i] = i < cap ? ((const unsigned char *)buf)[i]
                         : ((const unsigned char *)spill)[i - cap];
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

    if (namelen <= sizeof(sa_family_t))
        return 0;
    /* Bound senders are rare: only the relay binds.  Anything else that
     * did (an abstract address, another path) is an ordinary writer. */
    if (namelen > sizeof *sa || sa->sun_path[0] == '\0' ||
        strncmp(sa->sun_path, relay_path, sizeof sa->sun_path) != 0 ||
        n < MAILSLOT__ORIGIN_WIRE || cap + spill_cap < sizeof magic)
        return 0;
    head_of(buf, cap, spill, head, sizeof magic);
    return memcmp(head, magic, sizeof magic) == 0 ? MAILSLOT__ORIGIN_WIRE
                                                  : 0;
}

/*
 * What SKIP an N-byte datagram from a local writer gets: MAILSLOT__BUNDLE
 * when TOKEN (not NULL) begins it, 0 otherwise.  Only writers that read
 * the reader's info know its token, so a message that begins with it by
 * chance has a chance of 2^-128; one that does on purpose is its
 * writer's own to spoil.
 */
static size_t
bundle_skip(const unsigned char *token, size_t n, const void *buf,
    size_t cap, const void *spill, size_t spill_cap)
{
    unsigned char head[MAILSLOT__TOKEN];

    if (token == NULL || n < MAILSLOT__TOKEN + 4 ||
        cap + spill_cap < MAILSLOT__TOKEN)
        return 0;
    head_of(buf, cap, spill, head, MAILSLOT__TOKEN);
    return memcmp(head, token, MAILSLOT__TOKEN) == 0 ? MAILSLOT__BUNDLE : 0;
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
    size_t spill_cap, const char *relay_path, const unsigned char *token,
    int flags, size_t *skip)
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
    if (n >= 0 && *skip == 0)
        *skip = bundle_skip(token, (size_t)n, buf, cap, spill, spill_cap);
    return n;
}

int
mailslot__recv_batch(int sock, mailslot__rx *rx, unsigned count,
    const char *relay_path, const unsigned char *token, int flags)
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
        if (rx[i].skip == 0)
            rx[i].skip = bundle_skip(token, rx[i].len, rx[i].buf, rx[i].cap,
                rx[i].spill, rx[i].spill_cap);
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

