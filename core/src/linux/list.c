/*
 * Listing live slots: every info file whose lock is held belongs to a live
 * reader; the others were left by readers that died.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"

/* Append the display name of the slot behind info file PATH, if live. */
static int
add_if_live(int dirfd, const char *file, char **buf, size_t *len,
    size_t *cap, size_t *count)
{
    char display[MAILSLOT__NAME_MAX + 1];
    uint32_t max;
    size_t dl;
    int rc;
    char *nb;
    int fd = mailslot__open_regular(dirfd, file, O_RDONLY, 0, NULL);

    if (fd < 0)
        return 0;
    if (flock(fd, LOCK_SH | LOCK_NB) == 0 || errno != EWOULDBLOCK) {
        close(fd);
        return 0;
    }
    rc = mailslot__info_read(fd, &max, display, sizeof display);
    close(fd);
    if (rc != 0)
        return 0;
    dl = strlen(display);
    if (*len + dl + 2 > *cap) {
        *cap = (*cap + dl + 2) * 2;
        nb = realloc(*buf, *cap);
        if (nb == NULL)
            return mailslot__os_fail(ENOMEM);
        *buf = nb;
    }
    memcpy(*buf + *len, display, dl);
    (*buf)[*len + dl] = '\n';
    *len += dl + 1;
    (*buf)[*len] = '\0';
    (*count)++;
    return 0;
}

static int
scan(DIR *d, char **buf, size_t *count)
{
    size_t len = 0, cap = 0, nl;
    struct dirent *e;
    int rc = 0;

    while (rc == 0 && (e = readdir(d)) != NULL) {
        nl = strlen(e->d_name);
        if (nl > 5 && strcmp(e->d_name + nl - 5, ".info") == 0)
            rc = add_if_live(dirfd(d), e->d_name, buf, &len, &cap, count);
    }
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
        rc = scan(d, &buf, count);
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
