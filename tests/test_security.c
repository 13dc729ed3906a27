/*
 * The slot directory: created 0700, and refused when it is owned by
 * another user, writable by others, or a symlink.
 */
#include <errno.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
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
    /* The detail names the directory. */
    {
        char detail[1024];

        CHECK(mailslot_error_detail(MAILSLOT_EUNSAFE, detail,
                  sizeof detail) > 0);
        CHECK(strstr(detail, getenv("MAILSLOT_DIR")) != NULL);
    }
}

/* SIGALRM ends a test that hangs: a hang is the failure here. */
static void
expire(int sig)
{
    (void)sig;
    static const char msg[] = "a call blocked on a planted FIFO\n";
    if (write(2, msg, sizeof msg - 1) < 0) {
        /* Nothing more to say. */
    }
    _exit(1);
}

/*
 * Something planted in the slot directory under a slot's file names (a
 * FIFO, a directory, a symlink) is never opened in a way that blocks or
 * follows it: writers do not hang, list skips it, create refuses it.
 */
static void
test_planted_files(void)
{
    char dir[300], pattern[320], info[400];
    mailslot_reader *r = NULL;
    char *list = NULL;
    glob_t g;

    set_dir("planted", dir, sizeof dir);
    CHECK_EQ(mailslot_create("sec\\planted", NULL, &r), 0);
    snprintf(pattern, sizeof pattern, "%s/*.info", dir);
    CHECK_EQ(glob(pattern, 0, NULL, &g), 0);
    CHECK_EQ(g.gl_pathc, 1);
    snprintf(info, sizeof info, "%s", g.gl_pathc > 0 ? g.gl_pathv[0] : "");
    globfree(&g);
    mailslot_reader_free(r);
    signal(SIGALRM, expire);
    for (int kind = 0; kind < 3; kind++) {
        unlink(info);
        rmdir(info);
        if (kind == 0)
            CHECK_EQ(mkfifo(info, 0600), 0);
        else if (kind == 1)
            CHECK_EQ(mkdir(info, 0700), 0);
        else
            CHECK_EQ(symlink("/dev/zero", info), 0);
        alarm(10);
        CHECK_EQ(mailslot_send("sec\\planted", "x", 1), MAILSLOT_ENOTFOUND);
        CHECK_EQ(mailslot_list(&list, NULL), 0);
        CHECK(list != NULL && strstr(list, "planted") == NULL);
        mailslot_free(list);
        list = NULL;
        r = NULL;
        CHECK_EQ(mailslot_create("sec\\planted", NULL, &r), MAILSLOT_EUNSAFE);
        CHECK(r == NULL);
        /* The OS error says what was found: a symlink, or another kind
         * of file. */
        CHECK_EQ(mailslot_last_os_error(), kind == 2 ? ELOOP : ENODEV);
        alarm(0);
    }
    unlink(info);
    rmdir(info);
    /* Once it is gone, the name works again. */
    CHECK_EQ(mailslot_create("sec\\planted", NULL, &r), 0);
    mailslot_reader_free(r);
}

/* The number of entries in DIR, "." and ".." aside, and the directory's
 * names.lock and this process's doorbell ("bell.<pid>") too. */
static int
count_files(const char *dir)
{
    char pattern[320], mine[64];
    const char *base;
    glob_t g;
    int n = 0;
    size_t i;

    snprintf(pattern, sizeof pattern, "%s/*", dir);
    snprintf(mine, sizeof mine, "bell.%ld", (long)getpid());
    if (glob(pattern, 0, NULL, &g) != 0)
        return 0;
    for (i = 0; i < g.gl_pathc; i++) {
        base = strrchr(g.gl_pathv[i], '/') + 1;
        n += strcmp(base, "names.lock") != 0 && strcmp(base, mine) != 0;
    }
    globfree(&g);
    return n;
}

/* In a child process: create slot NAME in DIR, then end with exit()
 * (CLEAN) or _exit(), as a crash would, without closing it. */
static void
child_reader(const char *dir, const char *name, int clean)
{
    pid_t pid = fork();
    int status = -1;

    if (pid == 0) {
        mailslot_reader *r = NULL;

        setenv("MAILSLOT_DIR", dir, 1);
        int rc = mailslot_create(name, NULL, &r);

        if (rc != 0) {
            fprintf(stderr, "child: create %s: %s\n", name,
                mailslot_errname(rc));
            _exit(2);
        }
        if (clean) {
            mailslot_reader_free(r);
            exit(0);
        }
        _exit(0);
    }
    CHECK(pid > 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * The slot directory holds only live slots' files: create and close leave
 * nothing behind (a small tmpfs under $XDG_RUNTIME_DIR fills up otherwise),
 * and a name closed is free again at once.  Besides the slots' files
 * there is the directory's names.lock, and one doorbell per process that
 * reads there, removed when it exits.  What a crashed process left is
 * removed by the next one: its doorbell when that one makes its own, a
 * slot's files when the name is taken again.
 */
static void
test_no_files_left(void)
{
    mailslot_reader *r = NULL, *again = NULL;
    char dir[300], name[32];
    int ok = 0;

    set_dir("cycles", dir, sizeof dir);
    for (int i = 0; i < 300; i++) {
        snprintf(name, sizeof name, "sec\\cycle%d", i % 150);
        ok += mailslot_create(name, NULL, &r) == 0;
        if (i % 50 == 0)
            CHECK_EQ(count_files(dir), 2); /* .sock, .info */
        mailslot_reader_free(r);
        r = NULL;
    }
    CHECK_EQ(ok, 300);
    CHECK_EQ(count_files(dir), 0);
    /* A live reader still keeps the name; closing frees it. */
    CHECK_EQ(mailslot_create("sec\\kept", NULL, &r), 0);
    CHECK_EQ(mailslot_create("sec\\kept", NULL, &again), MAILSLOT_EEXISTS);
    mailslot_reader_free(r);
    CHECK_EQ(mailslot_create("sec\\kept", NULL, &again), 0);
    mailslot_reader_free(again);
    CHECK_EQ(count_files(dir), 0);

    /* Another process: its doorbell goes when it exits. */
    set_dir("procs", dir, sizeof dir);
    child_reader(dir, "sec\\child", 1);
    CHECK_EQ(count_files(dir), 0);
    /* A crash leaves its doorbell and the slot's two files... */
    child_reader(dir, "sec\\crash", 0);
    CHECK_EQ(count_files(dir), 3);
    /* ...the next process's doorbell sweeps the dead one's away, and
     * taking the name again replaces its files. */
    child_reader(dir, "sec\\crash", 1);
    CHECK_EQ(count_files(dir), 0);
}

/* Out of descriptors: a clear error of its own, not a bare os_error. */
static void
test_descriptor_limit(void)
{
    mailslot_reader *r[64];
    struct rlimit old, low;
    char name[32];
    int n = 0, rc = 0;

    CHECK_EQ(getrlimit(RLIMIT_NOFILE, &old), 0);
    low = old;
    low.rlim_cur = 32;
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &low), 0);
    while (n < 64) {
        snprintf(name, sizeof name, "sec\\fd%d", n);
        r[n] = NULL;
        rc = mailslot_create(name, NULL, &r[n]);
        if (rc != 0)
            break;
        n++;
    }
    CHECK_EQ(rc, MAILSLOT_EFILES);
    CHECK_STR(mailslot_errname(MAILSLOT_EFILES), "too_many_files");
    while (n > 0)
        mailslot_reader_free(r[--n]);
    CHECK_EQ(setrlimit(RLIMIT_NOFILE, &old), 0);
}

/* As user UID with no MAILSLOT_DIR or XDG_RUNTIME_DIR: create a slot
 * and expect WANT; with EUNSAFE, the detail must name PATH and OWNER. */
static void
as_user(uid_t uid, int want, const char *path, const char *owner)
{
    pid_t pid = fork();
    int status = -1;

    if (pid == 0) {
        mailslot_reader *r = NULL;
        char detail[1024];
        int rc;

        unsetenv("MAILSLOT_DIR");
        unsetenv("XDG_RUNTIME_DIR");
        if (setgid(uid) != 0 || setuid(uid) != 0)
            _exit(3);
        rc = mailslot_create("sec\\fallback", NULL, &r);
        CHECK_EQ(rc, want);
        CHECK(mailslot_error_detail(rc, detail, sizeof detail) > 0 ||
              want == 0);
        if (want == MAILSLOT_EUNSAFE) {
            printf("detail: %s\n", detail);
            CHECK(strstr(detail, path) != NULL);
            CHECK(strstr(detail, owner) != NULL);
            CHECK(strstr(detail, "MAILSLOT_DIR") != NULL);
        }
        mailslot_reader_free(r);
        fflush(stdout);
        _exit(testlib_finish());
    }
    CHECK(pid > 0);
    CHECK_EQ(waitpid(pid, &status, 0), pid);
    CHECK(WIFEXITED(status) && WEXITSTATUS(status) == 0);
}

/*
 * Without MAILSLOT_DIR or XDG_RUNTIME_DIR the slots live in the user's
 * runtime directory /run/user/<uid> when there is one, else in
 * /tmp/mailslot-<uid>.  Another user who made that /tmp directory first
 * gets it refused, and the error detail names the path, its owner and
 * the fix.  Needs root (to be other users).
 */
static void
test_fallback_dirs(void)
{
    uid_t uid = 50000 + (uid_t)(getpid() % 10000);
    char tmpdir[64], rundir[64], owner[32], cmd[200];
    struct stat st;

    snprintf(tmpdir, sizeof tmpdir, "/tmp/mailslot-%lu", (unsigned long)uid);
    snprintf(rundir, sizeof rundir, "/run/user/%lu", (unsigned long)uid);
    snprintf(owner, sizeof owner, "uid %lu", (unsigned long)uid + 1);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", tmpdir, rundir);
    CHECK_EQ(system(cmd), 0);
    /* Squatted: made by another user before the owner's first use. */
    CHECK_EQ(mkdir(tmpdir, 0700), 0);
    CHECK_EQ(chown(tmpdir, uid + 1, uid + 1), 0);
    as_user(uid, MAILSLOT_EUNSAFE, tmpdir, owner);
    /* The runtime directory wins over /tmp, variable or not. */
    mkdir("/run/user", 0755);
    CHECK_EQ(mkdir(rundir, 0700), 0);
    CHECK_EQ(chown(rundir, uid, uid), 0);
    as_user(uid, 0, NULL, NULL);
    snprintf(cmd, sizeof cmd, "%s/mailslot", rundir);
    CHECK(stat(cmd, &st) == 0 && S_ISDIR(st.st_mode) && st.st_uid == uid);
    snprintf(cmd, sizeof cmd, "rm -rf %s %s", tmpdir, rundir);
    CHECK_EQ(system(cmd), 0);
}

int
main(void)
{
    mailslot_reader *r = NULL;
    struct stat st;
    char dir[300], target[300];

    use_private_dir();
    snprintf(base, sizeof base, "%s", getenv("MAILSLOT_DIR"));
    /* The OS error behind a failure, and none behind a bad argument. */
    {
        mailslot_writer *w = NULL;

        CHECK_EQ(mailslot_create("sec\\os", NULL, NULL), MAILSLOT_EINVAL);
        CHECK_EQ(mailslot_last_os_error(), 0);
        CHECK_EQ(mailslot_open("sec\\missing", NULL, &w),
            MAILSLOT_ENOTFOUND);
        CHECK_EQ(mailslot_last_os_error(), ENOENT);
        CHECK_EQ(mailslot_open(NULL, NULL, &w), MAILSLOT_EINVAL);
        CHECK_EQ(mailslot_last_os_error(), 0);
    }
    /* Nothing more to say about other errors. */
    {
        char detail[8] = "x";

        CHECK_EQ(mailslot_error_detail(MAILSLOT_ETIMEOUT, detail,
                     sizeof detail), 0);
        CHECK_STR(detail, "");
        CHECK_EQ(mailslot_error_detail(MAILSLOT_ETIMEOUT, NULL, 0), 0);
    }

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

    /* A regular file where the directory should be: the message says
     * what may be wrong with it, "not a directory" included. */
    set_dir("plainfile", dir, sizeof dir);
    {
        FILE *f = fopen(dir, "w");
        CHECK(f != NULL && fclose(f) == 0);
    }
    expect_refused("a regular file");
    CHECK(strstr(mailslot_strerror(MAILSLOT_EUNSAFE), "not a directory") !=
          NULL);

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
        test_fallback_dirs();
    } else {
        printf("note: not root, the other-owner and fallback directory "
               "cases need root\n");
    }
    test_planted_files();
    test_descriptor_limit();
    test_no_files_left();
    return testlib_finish();
}
