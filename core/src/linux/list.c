/*
 * Listing live slots: every info (info.c) whose slot's socket has a
 * reader bound to it; the others were left by readers that died.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"

/* Append the display name of the slot of info FILE in DIR, if live. */
static int
add_if_live(int probe, DIR *d, const char *dir, const char *file,
    char **buf, size_t *len, size_t *cap, size_t *count)
{
    char sock[sizeof(((mailslot__slot_paths *)0)->sock)];
    mailslot__info info;
    size_t dl, fl = strlen(file);
    char *nb;

    if (mailslot__info_load(dirfd(d), file, &info) != 0 ||
        (size_t)snprintf(sock, sizeof sock, "%s/%.*s.sock", dir,
            (int)(fl - 5), file) >= sizeof sock ||
        mailslot__socket_live(probe, sock) != 1)
        return 0;
    dl = strlen(info.display);
    if (*len + dl + 2 > *cap) {
        *cap = (*cap + dl + 2) * 2;
        nb = realloc(*buf, *cap);
        if (nb == NULL)
            return mailslot__os_fail(ENOMEM);
        *buf = nb;
    }
    memcpy(*buf + *len, info.display, dl);
    (*buf)[*len + dl] = '\n';
    *len += dl + 1;
    (*buf)[*len] = '\0';
    (*count)++;
    return 0;
}

static int
scan(DIR *d, const char *dir, char **buf, size_t *count)
{
    size_t len = 0, cap = 0, nl;
    struct dirent *e;
    int rc = 0, probe = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (probe < 0)
        return mailslot__os_fail(errno);
    while (rc == 0 && (e = readdir(d)) != NULL) {
        nl = strlen(e->d_name);
        if (nl > 5 && strcmp(e->d_name + nl - 5, ".info") == 0)
            rc = add_if_live(probe, d, dir, e->d_name, buf, &len, &cap,
                count);
    }
    close(probe);
    return rc;
}

int
mailslot__plat_list(char **out, size_t *count)
{
    char dir[sizeof(((mailslot__slot_paths *)0)->dir)];
    char *buf = NULL;
    DIR *d;
    int rc;

    *count = 0;
    rc = mailslot__slot_dir(0, dir, sizeof dir);
    if (mailslot__code(rc) == MAILSLOT_ENOTFOUND)
        rc = 0, dir[0] = '\0';
    if (rc != 0)
        return rc;
    d = dir[0] != '\0' ? opendir(dir) : NULL;
    if (d != NULL) {
        rc = scan(d, dir, &buf, count);
        closedir(d);
    }
    if (rc == 0 && buf == NULL)
        buf = calloc(1, 1);
    if (rc != 0 || buf == NULL) {
        free(buf);
        return rc != 0 ? rc : mailslot__os_fail(ENOMEM);
    }
    *out = buf;
    return 0;
}
