/*
 * The slot directory and the names of the files in it.
 *
 * Each slot has two files: "<hash>.sock", the reader's datagram socket,
 * and "<hash>.info", its info (info.c): max message size, display name,
 * and where the reader's process has its doorbell.  Binding the socket
 * is what owns the name: bind() fails while the file is there, and a
 * socket whose process died refuses connections, so a crashed reader's
 * name is taken again by the next create (reader.c, claim()).  Each
 * process that reads has one doorbell per directory, "bell.<pid>", a
 * socket writers ring when a slot's kernel queue is full (bell.c).
 */
#include <errno.h>
#include <fcntl.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"

int
mailslot__dir_is_owners(const char *path, uid_t owner)
{
    struct stat st;

    if (lstat(path, &st) != 0)
        return -1;
    return S_ISDIR(st.st_mode) && st.st_uid == owner &&
           (st.st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/*
 * $MAILSLOT_DIR; else $XDG_RUNTIME_DIR/mailslot; else the runtime
 * directory /run/user/<uid>/mailslot when it exists (a session without
 * the variable, say under sudo or cron, still meets the same slots); else
 * /tmp/mailslot-<uid>, which another user could have made first (then
 * mailslot__slot_dir() refuses it and mailslot_error_detail() says so).
 */
static int
pick_dir_as(uid_t uid, char *dir, size_t cap)
{
    const char *env = getenv("MAILSLOT_DIR");
    char run[64];
    int n;

    snprintf(run, sizeof run, "/run/user/%lu", (unsigned long)uid);
    if (env != NULL && env[0] != '\0')
        n = snprintf(dir, cap, "%s", env);
    else if ((env = getenv("XDG_RUNTIME_DIR")) != NULL && env[0] == '/')
        n = snprintf(dir, cap, "%s/mailslot", env);
    else if (mailslot__dir_is_owners(run, uid) == 1)
        n = snprintf(dir, cap, "%s/mailslot", run);
    else
        n = snprintf(dir, cap, "/tmp/mailslot-%lu", (unsigned long)uid);
    if (n < 0 || (size_t)n >= cap)
        return MAILSLOT_EINVAL;
    /* A trailing slash would only make the socket paths longer. */
    while (n > 1 && dir[n - 1] == '/')
        dir[--n] = '\0';
    return 0;
}

static int
pick_dir(char *dir, size_t cap)
{
    return pick_dir_as(geteuid(), dir, cap);
}

/* "user NAME (uid N)", or "uid N" for a uid without a name. */
static void
describe_user(uid_t uid, char *out, size_t cap)
{
    struct passwd pw, *found = NULL;
    char buf[1024];

    if (getpwuid_r(uid, &pw, buf, sizeof buf, &found) == 0 && found != NULL)
        snprintf(out, cap, "user %s (uid %lu)", pw.pw_name,
            (unsigned long)uid);
    else
        snprintf(out, cap, "uid %lu", (unsigned long)uid);
}

size_t
mailslot__plat_error_detail(int code, char *buf, size_t cap)
{
    static const char fix[] = "or set MAILSLOT_DIR (or XDG_RUNTIME_DIR) "
        "to a directory of your own with mode 0700";
    char dir[256], owner[300], me[300];
    struct stat st;
    int n;

    if (code == MAILSLOT_EACCESS)
        return mailslot__shared_detail(code, buf, cap);
    if (code != MAILSLOT_EUNSAFE || pick_dir(dir, sizeof dir) != 0)
        return 0;
    if (lstat(dir, &st) != 0)
        return mailslot__shared_detail(code, buf, cap);
    describe_user(st.st_uid, owner, sizeof owner);
    describe_user(geteuid(), me, sizeof me);
    if (S_ISLNK(st.st_mode))
        n = snprintf(buf, cap, "the slot directory %s is a symlink (owned "
            "by %s); remove it, %s", dir, owner, fix);
    else if (!S_ISDIR(st.st_mode))
        n = snprintf(buf, cap, "the slot directory %s is not a directory "
            "(owned by %s); remove it, %s", dir, owner, fix);
    else if (st.st_uid != geteuid())
        n = snprintf(buf, cap, "the slot directory %s belongs to %s, not "
            "to you (%s), so it may have been made to block you; have it "
            "removed (as root or its owner), %s", dir, owner, me, fix);
    else if ((st.st_mode & (S_IWGRP | S_IWOTH)) != 0)
        n = snprintf(buf, cap, "the slot directory %s is writable by "
            "others (mode %04o); run chmod 700 on it, %s", dir,
            (unsigned)(st.st_mode & 07777), fix);
    else if ((n = (int)mailslot__shared_detail(code, buf, cap)) == 0)
        n = snprintf(buf, cap, "something in the slot directory %s that "
            "is not a regular file (a symlink, FIFO or directory) has a "
            "slot's file name; remove it", dir);
    return n < 0 ? 0 : (size_t)n;
}

/*
 * The directory last found good, and what it was found from (the
 * variables pick_dir() reads, and the user): a slot's life looks it up
 * at create and at every writer's open, and checking it each time cost
 * three system calls of about forty.  Only its owner (or root) can
 * change a directory that passed the check; one that was removed since
 * is noticed by the caller (ENOENT) and forgotten
 * (mailslot__slot_dir_forget()).  Guarded by a flag taken without
 * waiting, never a mutex, so that a child forked while another thread
 * held it cannot hang: whoever does not get it does without the memo.
 */
#define KNOWN_ENV 512
static int known_busy;
static struct {
    int valid;
    uid_t uid;
    char env[2][KNOWN_ENV];
    char dir[sizeof(((mailslot__slot_paths *)0)->dir)];
} known;

/* Copy V (NULL: "") into OUT when it fits: 1, else 0. */
static int
env_key(const char *v, char *out)
{
    size_t n = v != NULL ? strlen(v) : 0;

    if (n >= KNOWN_ENV)
        return 0;
    memcpy(out, v != NULL ? v : "", n + 1);
    return 1;
}

static int
known_take(void)
{
    return __atomic_exchange_n(&known_busy, 1, __ATOMIC_ACQUIRE) == 0;
}

static void
known_give(void)
{
    __atomic_store_n(&known_busy, 0, __ATOMIC_RELEASE);
}

void
mailslot__slot_dir_forget(void)
{
    __atomic_store_n(&known.valid, 0, __ATOMIC_RELEASE);
}

int
mailslot__slot_dir(int create, char *dir, size_t cap)
{
    char env[2][KNOWN_ENV];
    uid_t uid = geteuid();
    int keyed = env_key(getenv("MAILSLOT_DIR"), env[0]) &&
                env_key(getenv("XDG_RUNTIME_DIR"), env[1]);
    int rc;

    if (keyed && known_take()) {
        if (__atomic_load_n(&known.valid, __ATOMIC_ACQUIRE) &&
            known.uid == uid && strcmp(known.env[0], env[0]) == 0 &&
            strcmp(known.env[1], env[1]) == 0 && strlen(known.dir) < cap) {
            memcpy(dir, known.dir, strlen(known.dir) + 1);
            known_give();
            return 0;
        }
        known_give();
    }
    rc = pick_dir_as(uid, dir, cap);
    if (rc != 0)
        return rc;
    if (create && mkdir(dir, 0700) != 0 && errno != EEXIST)
        return mailslot__os_fail(errno);
    rc = mailslot__dir_is_owners(dir, uid);
    if (rc < 0)
        return mailslot__os_fail(errno);
    if (rc == 0)
        return MAILSLOT_EUNSAFE;
    if (keyed && strlen(dir) < sizeof known.dir && known_take()) {
        known.uid = uid;
        memcpy(known.env, env, sizeof known.env);
        memcpy(known.dir, dir, strlen(dir) + 1);
        __atomic_store_n(&known.valid, 1, __ATOMIC_RELEASE);
        known_give();
    }
    return 0;
}

/* Two independent 64-bit FNV-1a variants make a 128-bit file name. */
static void
hash_name(const char *s, uint64_t *h1, uint64_t *h2)
{
    size_t n = strlen(s);
    uint64_t a = 0xcbf29ce484222325u;
    uint64_t b = 0x84222325cbf29ce4u;
    size_t i;

    for (i = 0; i < n; i++) {
        a = (a ^ (unsigned char)s[i]) * 0x100000001b3u;
        b = (b ^ (unsigned char)s[n - 1 - i]) * 0x100000001b3u;
        b ^= b >> 29;
    }
    *h1 = a;
    *h2 = b;
}

int
mailslot__slot_paths_in(const char *dir, const mailslot__name *name,
    mailslot__slot_paths *out)
{
    uint64_t h1, h2;
    int n;

    if (out->dir != dir) {
        n = snprintf(out->dir, sizeof out->dir, "%s", dir);
        if (n < 0 || (size_t)n >= sizeof out->dir)
            return MAILSLOT_EINVAL;
    }
    hash_name(name->canonical, &h1, &h2);
    n = snprintf(out->sock, sizeof out->sock, "%s/%016llx%016llx.sock",
        out->dir, (unsigned long long)h1, (unsigned long long)h2);
    if (n < 0 || (size_t)n >= sizeof out->sock)
        return mailslot__err(MAILSLOT_EINVAL, ENAMETOOLONG);
    snprintf(out->info, sizeof out->info, "%.*s.info", n - 5, out->sock);
    /* The relay's path is never longer than a slot's socket path. */
    if (strlen(out->dir) + sizeof MAILSLOT__RELAY_SOCK + 1 >
        sizeof out->relay)
        return MAILSLOT_EINVAL;
    memcpy(out->relay, out->dir, strlen(out->dir));
    memcpy(out->relay + strlen(out->dir), "/" MAILSLOT__RELAY_SOCK,
        sizeof MAILSLOT__RELAY_SOCK + 1);
    return 0;
}

int
mailslot__slot_paths_for(const mailslot__name *name, int create,
    mailslot__slot_paths *out)
{
    int rc = mailslot__slot_dir(create, out->dir, sizeof out->dir);

    return rc != 0 ? rc : mailslot__slot_paths_in(out->dir, name, out);
}

/*
 * Open FILE in the slot directory (a path) with FLAGS, as every file
 * there is opened: never through a symlink, never blocking on a FIFO or
 * a device, and only if it is a regular file.  Returns the descriptor
 * (close-on-exec), or -1 with errno set: ELOOP for a symlink,
 * MAILSLOT__ENOTREG for any other non-regular file.
 */
static int
open_regular(const char *file, int flags, mode_t mode)
{
    struct stat st;
    int fd = open(file, flags | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode);

    if (fd < 0) {
        /* A directory refuses write access before fstat could say so. */
        if (errno == EISDIR)
            errno = MAILSLOT__ENOTREG;
        return -1;
    }
    if (fstat(fd, &st) != 0) {
        int err = errno;
        close(fd);
        errno = err;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        errno = MAILSLOT__ENOTREG;
        return -1;
    }
    return fd;
}

int
mailslot__lock_file(const char *path, int *fd, int wait)
{
    int rc;

    *fd = open_regular(path, O_RDWR | O_CREAT, 0600);
    /* Something planted in our directory under the file's name. */
    if (*fd < 0 && (errno == ELOOP || errno == MAILSLOT__ENOTREG))
        return mailslot__err(MAILSLOT_EUNSAFE, errno);
    if (*fd < 0)
        return mailslot__os_fail(errno);
    while ((rc = flock(*fd, LOCK_EX | (wait ? 0 : LOCK_NB))) != 0 &&
           errno == EINTR && wait)
        ;
    if (rc == 0)
        return 0;
    rc = errno == EWOULDBLOCK ? mailslot__err(MAILSLOT_EEXISTS, errno)
                              : mailslot__os_fail(errno);
    close(*fd);
    *fd = -1;
    return rc;
}

int
mailslot__names_lock(const char *dir, int *fd)
{
    char path[sizeof(((mailslot__slot_paths *)0)->dir) + 16];
    int n = snprintf(path, sizeof path, "%s/names.lock", dir);

    if (n < 0 || (size_t)n >= sizeof path)
        return mailslot__err(MAILSLOT_EINVAL, ENAMETOOLONG);
    return mailslot__lock_file(path, fd, 1);
}

int
mailslot__socket_live(int probe, const char *path)
{
    struct sockaddr_un sa;
    int fd = probe, rc, n;

    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    n = snprintf(sa.sun_path, sizeof sa.sun_path, "%s", path);
    if (n < 0 || (size_t)n >= sizeof sa.sun_path) {
        errno = ENAMETOOLONG;
        return -1;
    }
    if (fd < 0 && (fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0)) < 0)
        return -1;
    /* A datagram socket may connect again and again; connecting says
     * whether anyone is bound there, and sends nothing. */
    rc = connect(fd, (struct sockaddr *)&sa, sizeof sa);
    if (rc == 0)
        rc = 1;
    else if (errno == ECONNREFUSED || errno == ENOENT)
        rc = 0;
    else
        rc = -1;
    if (fd != probe) {
        int err = errno;

        close(fd);
        errno = err;
    }
    return rc;
}
