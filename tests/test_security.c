/*
 * The slot directory: created 0700, and refused when it is owned by
 * another user, writable by others, or a symlink.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "helpers.h"
#include "mailslot.h"
#include "testlib.h"

static char base[256];

static void
set_dir(const char *leaf, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", base, leaf);
    setenv("MAILSLOT_DIR", out, 1);
}

static void
expect_refused(const char *what)
{
    mailslot_reader *r = NULL;
    mailslot_writer *w = NULL;
    char *list = NULL;
    int rc;

    rc = mailslot_create("sec\\x", NULL, &r);
    if (rc != MAILSLOT_EUNSAFE)
        fprintf(stderr, "%s: create gave %s\n", what, mailslot_errname(rc));
    CHECK_EQ(rc, MAILSLOT_EUNSAFE);
    CHECK(r == NULL);
    CHECK_EQ(mailslot_open("sec\\x", NULL, &w), MAILSLOT_EUNSAFE);
    CHECK_EQ(mailslot_list(&list, NULL), MAILSLOT_EUNSAFE);
    CHECK(strstr(mailslot_strerror(MAILSLOT_EUNSAFE), "owned") != NULL);
}

int
main(void)
{
    mailslot_reader *r = NULL;
    struct stat st;
    char dir[300], target[300];

    use_private_dir();
    snprintf(base, sizeof base, "%s", getenv("MAILSLOT_DIR"));

    /* Created by the library with mode 0700. */
    set_dir("fresh", dir, sizeof dir);
    umask(022);
    CHECK_EQ(mailslot_create("sec\\x", NULL, &r), 0);
    CHECK_EQ(stat(dir, &st), 0);
    CHECK_EQ(st.st_mode & 07777, 0700);
    mailslot_reader_free(r);

    /* Writable by others. */
    set_dir("open", dir, sizeof dir);
    CHECK_EQ(mkdir(dir, 0700), 0);
    CHECK_EQ(chmod(dir, 0777), 0);
    expect_refused("mode 0777");
    CHECK_EQ(chmod(dir, 0720), 0);
    expect_refused("group-writable");

    /* A symlink to a good directory is still refused. */
    snprintf(target, sizeof target, "%s/fresh", base);
    set_dir("link", dir, sizeof dir);
    CHECK_EQ(symlink(target, dir), 0);
    expect_refused("symlink");

    /* Owned by another user (needs root to arrange). */
    set_dir("other", dir, sizeof dir);
    CHECK_EQ(mkdir(dir, 0700), 0);
    if (geteuid() == 0) {
        CHECK_EQ(chown(dir, 65534, 65534), 0);
        expect_refused("owned by nobody");
    } else {
        printf("note: not root, the other-owner case needs root\n");
    }
    return testlib_finish();
}
