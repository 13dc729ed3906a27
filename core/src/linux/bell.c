/*
 * The process's doorbells: one datagram socket per slot directory it
 * reads in, "bell.<pid>" there, which writers ring when a slot's kernel
 * queue is full (drainer.c says what the thread does with a ring).  A
 * crashed process's doorbell is removed by the next process that makes
 * its own doorbell in that directory.  Every function here is called
 * with the drain thread's lock (dm) held; that lock guards this table.
 */
#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"
#include "reader.h"

/* The doorbells (the epoll event of bells[i] is i). */
static struct bell {
    char dir[sizeof(((mailslot__slot_paths *)0)->dir)];
    char path[sizeof(((mailslot__slot_paths *)0)->dir) + 32];
    char file[32];
    int fd;
} *bells;
static size_t nbells;

int
mailslot__bell_fd(uint64_t i)
{
    return i < nbells ? bells[i].fd : -1;
}

const char *
mailslot__bell_file(int i)
{
    return bells[i].file;
}

void
mailslot__bells_close(int remove)
{
    size_t i;

    for (i = 0; i < nbells; i++) {
        if (remove)
            unlink(bells[i].path);
        close(bells[i].fd);
    }
    free(bells);
    bells = NULL;
    nbells = 0;
}

/*
 * Remove the doorbells of processes that died in DIR (names lock held):
 * files named "bell.*" that no socket is bound to.  Done once per
 * process and directory, when its doorbell there is made, so a crashed
 * process's doorbell does not stay for good.
 */
static void
sweep_bells(const char *dir)
{
    char path[sizeof bells[0].path];
    struct dirent *e;
    DIR *d = opendir(dir);
    int probe;

    if (d == NULL)
        return;
    probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    while (probe >= 0 && (e = readdir(d)) != NULL) {
        if (strncmp(e->d_name, "bell.", 5) != 0 ||
            (size_t)snprintf(path, sizeof path, "%s/%s", dir, e->d_name) >=
                sizeof path)
            continue;
        if (mailslot__socket_live(probe, path) == 0)
            unlinkat(dirfd(d), e->d_name, 0);
    }
    if (probe >= 0)
        close(probe);
    closedir(d);
}

/* Bind this process's doorbell in DIR (names lock held): "bell.<pid>",
 * or "bell.<pid>.<n>" if another pid namespace's process has that. */
static int
bind_bell(struct bell *b, const char *dir)
{
    struct sockaddr_un sa;
    int n, i;

    b->fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
    if (b->fd < 0)
        return mailslot__os_fail(errno);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    for (i = 0; i < 100; i++) {
        if (i == 0)
            snprintf(b->file, sizeof b->file, "bell.%ld", (long)getpid());
        else
            snprintf(b->file, sizeof b->file, "bell.%ld.%d", (long)getpid(),
                i);
        n = snprintf(b->path, sizeof b->path, "%s/%s", dir, b->file);
        if (n < 0 || (size_t)n >= sizeof b->path ||
            (size_t)n >= sizeof sa.sun_path)
            return mailslot__err(MAILSLOT_EINVAL, ENAMETOOLONG);
        memcpy(sa.sun_path, b->path, (size_t)n + 1);
        if (bind(b->fd, (struct sockaddr *)&sa, sizeof sa) == 0) {
            /* Writers of a shared slot are other users: anyone who may
             * enter the directory may ring (a ring only makes the thread
             * look at that slot's socket). */
            chmod(b->path, 0666);
            return 0;
        }
        if (errno != EADDRINUSE)
            return mailslot__os_fail(errno);
    }
    return mailslot__os_fail(EADDRINUSE);
}

int
mailslot__bell_for(const char *dir, int ep)
{
    struct epoll_event ev;
    struct bell *nb, b;
    size_t i;
    int lockfd, rc;

    for (i = 0; i < nbells; i++)
        if (strcmp(bells[i].dir, dir) == 0)
            return (int)i;
    memset(&b, 0, sizeof b);
    if (strlen(dir) >= sizeof b.dir)
        return mailslot__err(MAILSLOT_EINVAL, ENAMETOOLONG);
    memcpy(b.dir, dir, strlen(dir) + 1);
    nb = realloc(bells, (nbells + 1) * sizeof *bells);
    if (nb == NULL)
        return mailslot__os_fail(ENOMEM);
    bells = nb;
    rc = mailslot__names_lock(dir, &lockfd);
    if (rc != 0)
        return rc;
    sweep_bells(dir);
    rc = bind_bell(&b, dir);
    close(lockfd);
    ev.events = EPOLLIN;
    ev.data.u64 = nbells;
    if (rc == 0 && epoll_ctl(ep, EPOLL_CTL_ADD, b.fd, &ev) != 0)
        rc = mailslot__os_fail(errno);
    if (rc != 0) {
        if (b.fd >= 0) {
            if (b.path[0] != '\0')
                unlink(b.path);
            close(b.fd);
        }
        return rc;
    }
    bells[nbells] = b;
    return (int)nbells++;
}
