/*
 * A slot's info: what its reader tells writers and "mailslot list", in
 * "<hash>.info" beside the slot's socket.  The file is a symlink whose
 * target is the text
 *
 *   mailslot 2\nmax <bytes>\nbell <file> <ring>\nbundle <token>\n
 *   name <display>\n
 *
 * (max 0: any size; bell: the reader process's doorbell, a socket in the
 * same directory, bell.c, and what a ring to it says, drainer.c; bundle: the
 * token in hex that a bundle of small messages begins with, batch.c, or
 * "-" when the reader takes none).  symlink()
 * makes it whole in one call and fails when the name is taken;
 * readlink() reads it in one.  Neither opens anything, so nothing
 * planted under the name (a FIFO, a device, a link to one) can block a
 * caller or be read through.  A slot's life reads it once per writer, so
 * one call instead of an open, fstat, read and close is a tenth of the
 * system calls of that life (bench/notes.md, "A slot's life").  Also
 * here: the doorbell's address an info gives, and new bundle tokens.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <time.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"

int
mailslot__info_format(char *buf, size_t cap, const mailslot__info *in)
{
    char token[2 * MAILSLOT__TOKEN + 1] = "-";
    int n, i;

    for (i = 0; in->bundles && i < MAILSLOT__TOKEN; i++)
        snprintf(token + 2 * i, 3, "%02x", in->token[i]);
    n = snprintf(buf, cap,
        "mailslot 2\nmax %lu\nbell %s %" PRIu64 "\nbundle %s\nname %s\n",
        (unsigned long)in->max_size, in->bell, in->ring, token,
        in->display);
    return (n < 0 || (size_t)n >= cap) ? MAILSLOT_EINVAL : n;
}

/* The bundle token from its hex form (or "-": none). */
static int
parse_token(const char *hex, mailslot__info *out)
{
    unsigned v;
    int i;

    out->bundles = strcmp(hex, "-") != 0;
    if (!out->bundles)
        return 0;
    if (strlen(hex) != 2 * MAILSLOT__TOKEN)
        return -1;
    for (i = 0; i < MAILSLOT__TOKEN; i++) {
        if (sscanf(hex + 2 * i, "%2x", &v) != 1)
            return -1;
        out->token[i] = (unsigned char)v;
    }
    return 0;
}

int
mailslot__info_parse(const char *s, size_t len, mailslot__info *out)
{
    char buf[MAILSLOT__INFO_MAX + 1], token[2 * MAILSLOT__TOKEN + 1];
    unsigned long max;
    const char *name, *end;
    int used = 0;

    if (len == 0 || len >= sizeof buf || s[len - 1] != '\n')
        return MAILSLOT_EOS;
    memcpy(buf, s, len);
    buf[len] = '\0';
    /* The bell's file name: up to 31 bytes, no blank. */
    if (sscanf(buf, "mailslot 2\nmax %lu\nbell %31s %" SCNu64
            "\nbundle %32s\nname %n", &max, out->bell, &out->ring, token,
            &used) != 4 || used == 0 ||
        strchr(out->bell, '/') != NULL || parse_token(token, out) != 0)
        return MAILSLOT_EOS;
    name = buf + used;
    end = memchr(name, '\n', len - (size_t)used);
    if (end == NULL || (size_t)(end - name) >= sizeof out->display)
        return MAILSLOT_EOS;
    memcpy(out->display, name, (size_t)(end - name));
    out->display[end - name] = '\0';
    out->max_size = (uint32_t)max;
    return 0;
}

int
mailslot__info_load(int dirfd, const char *path, mailslot__info *out)
{
    char buf[MAILSLOT__INFO_MAX + 1];
    ssize_t n = readlinkat(dirfd, path, buf, sizeof buf);

    if (n < 0) {
        /* Something that is not a symlink: a FIFO, a directory... */
        if (errno == EINVAL)
            errno = MAILSLOT__ENOTREG;
        return -1;
    }
    if (mailslot__info_parse(buf, (size_t)n, out) != 0) {
        /* A symlink, but not one a reader made. */
        errno = ELOOP;
        return -1;
    }
    return 0;
}

int
mailslot__info_publish(const char *path, const mailslot__info *in)
{
    char text[MAILSLOT__INFO_MAX + 1];
    mailslot__info old;
    int n = mailslot__info_format(text, sizeof text, in), tries;

    if (n < 0)
        return n;
    for (tries = 0; symlink(text, path) != 0; tries++) {
        if (errno != EEXIST || tries > 0)
            return mailslot__os_fail(errno);
        /* The caller owns the name (it bound the slot's socket), so an
         * info there was left by a reader that died.  Anything else was
         * planted: refuse it, and leave it for whoever put it there. */
        if (mailslot__info_load(AT_FDCWD, path, &old) != 0)
            return errno == ENOENT ? mailslot__os_fail(EAGAIN)
                                   : mailslot__err(MAILSLOT_EUNSAFE, errno);
        if (unlink(path) != 0 && errno != ENOENT)
            return mailslot__os_fail(errno);
    }
    return 0;
}

int
mailslot__info_bell(const char *dir, const mailslot__info *info,
    struct sockaddr_un *sa)
{
    int n;

    memset(sa, 0, sizeof *sa);
    sa->sun_family = AF_UNIX;
    n = snprintf(sa->sun_path, sizeof sa->sun_path, "%s/%s", dir,
        info->bell);
    if (n < 0 || (size_t)n >= sizeof sa->sun_path)
        return mailslot__err(MAILSLOT_EINVAL, ENAMETOOLONG);
    return 0;
}

/* A 64-bit mix (splitmix64's finalizer). */
static uint64_t
mix64(uint64_t x)
{
    x += 0x9e3779b97f4a7c15u;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9u;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebu;
    return x ^ (x >> 31);
}

void
mailslot__info_token(unsigned char out[MAILSLOT__TOKEN])
{
    static uint64_t key[2], counter;
    static int have_key;
    uint64_t k[2], c = __atomic_add_fetch(&counter, 1, __ATOMIC_RELAXED);
    int i;

    if (!__atomic_load_n(&have_key, __ATOMIC_ACQUIRE)) {
        if (getrandom(k, sizeof k, 0) != (ssize_t)sizeof k) {
            struct timespec ts;

            clock_gettime(CLOCK_REALTIME, &ts);
            k[0] = mix64((uint64_t)ts.tv_nsec ^ (uint64_t)getpid() << 32);
            k[1] = mix64(k[0] ^ (uint64_t)ts.tv_sec);
        }
        /* Two threads that race both store a random key; either will do. */
        memcpy(key, k, sizeof key);
        __atomic_store_n(&have_key, 1, __ATOMIC_RELEASE);
    }
    k[0] = mix64(key[0] ^ c);
    k[1] = mix64(key[1] ^ mix64(c));
    for (i = 0; i < 8; i++) {
        out[i] = (unsigned char)(k[0] >> (8 * i));
        out[8 + i] = (unsigned char)(k[1] >> (8 * i));
    }
}
