/*
 * Shared slots: the system-wide directory and each owner's part of it
 * (posix.h says how it is laid out).  Any local user can create entries
 * in the sticky root directory, so nothing there is believed on its name
 * alone: an owner's subdirectory counts only when lstat() shows a real
 * directory owned by the uid its name claims and writable by nobody else,
 * and a slot's socket only when that same uid owns it.
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <grp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "mailslot.h"
#include "platform.h"
#include "linux.h"

static const char *
shared_root(void)
{
    const char *env = getenv("MAILSLOT_SHARED_DIR");

    return env != NULL && env[0] == '/' ? env : MAILSLOT__SHARED_DIR;
}

/* The root must be root's own sticky directory, as /tmp is; root makes
 * it when CREATE. */
static int
check_root(const char *root, int create)
{
    struct stat st;

    if (create && geteuid() == 0 && lstat(root, &st) != 0 &&
        errno == ENOENT) {
        if (mkdir(root, 01777) != 0 && errno != EEXIST)
            return mailslot__os_fail(errno);
        /* mkdir() honours the umask; the mode must be exactly this. */
        if (chmod(root, 01777) != 0)
            return mailslot__os_fail(errno);
    }
    if (lstat(root, &st) != 0) {
        /* No shared directory: only root can make one (README). */
        return errno == ENOENT ? mailslot__err(MAILSLOT_EACCESS, ENOENT)
                               : mailslot__os_fail(errno);
    }
    if (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
        (st.st_mode & S_ISVTX) == 0)
        return MAILSLOT_EUNSAFE;
    return 0;
}

/*
 * Whether ENTRY of ROOT is "u<uid>.<anything>" and a real directory owned
 * by that uid that nobody else may write; PATH gets its path, *UID the
 * uid.
 */
static int
owner_dir(const char *root, const char *entry, uid_t *uid, char *path,
    size_t cap)
{
    unsigned long v;
    char *end;
    int n;

    if (entry[0] != 'u' || !isdigit((unsigned char)entry[1]))
        return 0;
    errno = 0;
    v = strtoul(entry + 1, &end, 10);
    if (errno != 0 || *end != '.' || v != (unsigned long)(uid_t)v)
        return 0;
    n = snprintf(path, cap, "%s/%s", root, entry);
    if (n < 0 || (size_t)n >= cap)
        return 0;
    if (mailslot__dir_is_owners(path, (uid_t)v) != 1)
        return 0;
    *uid = (uid_t)v;
    return 1;
}

/* This user's subdirectory with the smallest name into DIR: 1, or 0 when
 * there is none. */
static int
find_own(const char *root, char *dir, size_t cap)
{
    char path[sizeof(((mailslot__slot_paths *)0)->dir)];
    struct dirent *e;
    uid_t uid;
    int found = 0;
    DIR *d = opendir(root);

    if (d == NULL)
        return 0;
    while ((e = readdir(d)) != NULL) {
        if (owner_dir(root, e->d_name, &uid, path, sizeof path) &&
            uid == geteuid() &&
            (!found || strcmp(path, dir) < 0) && strlen(path) < cap) {
            memcpy(dir, path, strlen(path) + 1);
            found = 1;
        }
    }
    closedir(d);
    return found;
}

int
mailslot__shared_own_dir(char *dir, size_t cap)
{
    const char *root = shared_root();
    char made[sizeof(((mailslot__slot_paths *)0)->dir)];
    int rc = check_root(root, 1), n;

    if (rc != 0)
        return rc;
    if (find_own(root, dir, cap))
        return 0;
    n = snprintf(made, sizeof made, "%s/u%lu.XXXXXX", root,
        (unsigned long)geteuid());
    if (n < 0 || (size_t)n >= sizeof made)
        return MAILSLOT_EINVAL;
    if (mkdtemp(made) == NULL)
        return mailslot__os_fail(errno);
    /* Writers may pass through to the files they are allowed; only the
     * owner lists or changes the directory. */
    if (chmod(made, 0711) != 0) {
        rc = mailslot__os_fail(errno);
        rmdir(made);
        return rc;
    }
    /* Two processes of one user that made one each at once both settle
     * on the first by name, so a name still has one reader. */
    if (!find_own(root, dir, cap))
        return MAILSLOT_EUNSAFE;
    if (strcmp(made, dir) != 0)
        rmdir(made);
    return 0;
}

int
mailslot__shared_find(const mailslot__name *name, mailslot__slot_paths *out,
    uid_t *uids, int max)
{
    const char *root = shared_root();
    char path[sizeof out->dir];
    mailslot__slot_paths p;
    struct dirent *e;
    struct stat st;
    int n = 0, i, rc;
    uid_t uid;
    DIR *d;

    if (lstat(root, &st) != 0 && errno == ENOENT)
        return 0;
    rc = check_root(root, 0);
    if (rc != 0)
        return rc;
    d = opendir(root);
    if (d == NULL)
        return mailslot__os_fail(errno);
    while ((e = readdir(d)) != NULL) {
        if (!owner_dir(root, e->d_name, &uid, path, sizeof path) ||
            mailslot__slot_paths_in(path, name, &p) != 0 ||
            lstat(p.sock, &st) != 0 || !S_ISSOCK(st.st_mode) ||
            st.st_uid != uid)
            continue;
        /* Keep the MAX lowest uids, in order. */
        if (n < max)
            i = n++;
        else if (uid < uids[max - 1])
            i = max - 1;
        else
            continue;
        for (; i > 0 && uids[i - 1] > uid; i--) {
            uids[i] = uids[i - 1];
            out[i] = out[i - 1];
        }
        uids[i] = uid;
        out[i] = p;
    }
    closedir(d);
    return n;
}

/* GROUP as a gid: a group name, or a number. */
static int
group_id(const char *group, gid_t *gid)
{
    struct group gr, *found = NULL;
    char buf[4096], *end;
    unsigned long v;

    if (getgrnam_r(group, &gr, buf, sizeof buf, &found) == 0 &&
        found != NULL) {
        *gid = gr.gr_gid;
        return 0;
    }
    errno = 0;
    v = strtoul(group, &end, 10);
    if (isdigit((unsigned char)group[0]) && *end == '\0' && errno == 0 &&
        v == (unsigned long)(gid_t)v) {
        *gid = (gid_t)v;
        return 0;
    }
    return MAILSLOT_EINVAL;
}

int
mailslot__shared_grant(const mailslot__slot_paths *paths, int access,
    const char *group)
{
    gid_t gid = (gid_t)-1;
    int rc;

    /* Connecting to a socket needs write permission on it.  The info is
     * a symlink, which anyone who may enter the directory can read, and
     * the process's doorbell is open to them too (bell.c). */
    if (access == MAILSLOT__ACCESS_GROUP) {
        rc = group_id(group, &gid);
        if (rc != 0)
            return rc;
        /* Only a member of the group (or root) may give a file to it. */
        if (chown(paths->sock, (uid_t)-1, gid) != 0)
            return mailslot__os_fail(errno);
    }
    if (chmod(paths->sock, access == MAILSLOT__ACCESS_ALL ? 0666 : 0660) != 0)
        return mailslot__os_fail(errno);
    return 0;
}

size_t
mailslot__shared_detail(int code, char *buf, size_t cap)
{
    const char *root = shared_root();
    struct stat st;
    int n;

    if (lstat(root, &st) != 0) {
        if (code != MAILSLOT_EACCESS || errno != ENOENT)
            return 0;
        n = snprintf(buf, cap, "the shared slot directory %s does not "
            "exist, and only root can make it: root's first shared slot "
            "does, or systemd-tmpfiles with packaging/tmpfiles.d/"
            "mailslot.conf", root);
    } else if (code == MAILSLOT_EUNSAFE &&
               (!S_ISDIR(st.st_mode) || st.st_uid != 0 ||
                   (st.st_mode & S_ISVTX) == 0)) {
        n = snprintf(buf, cap, "the shared slot directory %s must be a "
            "directory owned by root with the sticky bit (mode 1777, as "
            "/tmp); it is not, so someone else may have made it: have "
            "root remove it", root);
    } else {
        return 0;
    }
    return n < 0 ? 0 : (size_t)n;
}
