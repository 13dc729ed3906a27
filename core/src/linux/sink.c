/*
 * The relay's sink on Linux: "mailslot bridge" delivers each message to
 * the reader's socket like a local writer, but from a socket bound to
 * "relay.sock" in the slot directory, with the origin header (recv.c) in
 * front of the message.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <unistd.h>

#include "mailslot.h"
#include "nbt.h"
#include "platform.h"
#include "linux.h"

struct mailslot__sink {
    int sock;
    int lockfd;
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    unsigned char buf[MAILSLOT__ORIGIN_WIRE + MAILSLOT__NBT_SMB_MAX];
};

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
    return mailslot__lock_file(path, &s->lockfd, 0);
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
    mailslot__info info;
    struct sockaddr_un sa, bell;
    ssize_t n;
    int rc = mailslot__slot_paths_for(name, 0, &paths);

    if (rc != 0)
        return rc;
    if (len > MAILSLOT__NBT_SMB_MAX)
        return mailslot__os_fail(EMSGSIZE);
    /* No info: no reader, or one a few microseconds from publishing it
     * (reader.c: it binds its socket first); either way "no such slot". */
    if (mailslot__info_load(AT_FDCWD, paths.info, &info) != 0)
        return errno == ENOENT ? mailslot__os_fail(ENOENT)
                               : mailslot__err(MAILSLOT_EUNSAFE, errno);
    if (info.max_size != 0 && len > info.max_size)
        return MAILSLOT_ETOOBIG;
    mailslot__origin_pack(origin, s->buf);
    if (len > 0)
        memcpy(s->buf + MAILSLOT__ORIGIN_WIRE, data, len);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    memcpy(sa.sun_path, paths.sock, strlen(paths.sock) + 1);
    rc = mailslot__info_bell(paths.dir, &info, &bell);
    if (rc != 0)
        return rc;
    n = sendto(s->sock, s->buf, MAILSLOT__ORIGIN_WIRE + len,
        MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&sa, sizeof sa);
    if (n < 0 && errno == EAGAIN) {
        /* A full kernel queue: ring the reader's doorbell, as a waiting
         * local writer does, and let relay.c try again later rather than
         * wait here: other slots must not wait for this one. */
        sendto(s->sock, &info.ring, sizeof info.ring,
            MSG_NOSIGNAL | MSG_DONTWAIT, (struct sockaddr *)&bell,
            sizeof bell);
        return mailslot__err(MAILSLOT_EFULL, EAGAIN);
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
