/*
 * Shared slots with real users (made with useradd, so this runs as root):
 * a reader lets every local user, or one group, write to it; everyone
 * else gets access_denied; no other user can squat, replace or read a
 * slot; per-user slots stay private.  Each user's part runs in a child
 * process that has become that user.
 */
#include <errno.h>
#include <grp.h>
#include <pwd.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"
#include "mailslot.h"
#include "testlib.h"

static char shared[128], flags[128], group[32], other_group[32];
static char user_a[32], user_b[32], user_c[32];

static void
sh(const char *fmt, const char *a, const char *b)
{
    char cmd[512];

    snprintf(cmd, sizeof cmd, fmt, a, b);
    if (system(cmd) != 0)
        fprintf(stderr, "failed: %s\n", cmd);
}

static uid_t uid_of(const char *user);

static void
cleanup(void)
{
    const char *users[3] = { user_a, user_b, user_c };
    char dir[64];

    for (int i = 0; i < 3; i++) {
        if (uid_of(users[i]) == (uid_t)-1)
            continue;
        snprintf(dir, sizeof dir, "/tmp/mailslot-%lu",
            (unsigned long)uid_of(users[i]));
        sh("rm -rf %s%s", dir, "");
    }
    sh("userdel %s 2>/dev/null; userdel %s 2>/dev/null", user_a, user_b);
    sh("userdel %s 2>/dev/null; groupdel %s 2>/dev/null", user_c, group);
    sh("groupdel %s 2>/dev/null; rm -rf %s", other_group, shared);
    sh("rm -rf %s%s", flags, "");
}

static uid_t
uid_of(const char *user)
{
    struct passwd *pw = getpwnam(user);

    return pw != NULL ? pw->pw_uid : (uid_t)-1;
}

/* Become USER (groups included) for the rest of this process. */
static void
become(const char *user)
{
    struct passwd *pw = getpwnam(user);

    if (pw == NULL || initgroups(user, pw->pw_gid) != 0 ||
        setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0)
        _exit(90);
    /* Each user's private slots in its own /tmp/mailslot-<uid>. */
    unsetenv("MAILSLOT_DIR");
    unsetenv("XDG_RUNTIME_DIR");
}

/* Run FN as USER in a child; returns the child's pid. */
static pid_t
as(const char *user, int (*fn)(const char *), const char *arg)
{
    pid_t pid = fork();

    if (pid == 0) {
        int rc;

        become(user);
        rc = fn(arg);
        fflush(stdout);
        _exit(rc == 0 && testlib_finish() == 0 ? 0 : 1);
    }
    CHECK(pid > 0);
    return pid;
}

static int
finish(pid_t pid)
{
    int status = -1;

    if (waitpid(pid, &status, 0) != pid)
        return -1;
    return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

static int
run_as(const char *user, int (*fn)(const char *), const char *arg)
{
    return finish(as(user, fn, arg));
}

static void
flag_path(const char *flag, char *out, size_t cap)
{
    snprintf(out, cap, "%s/%s", flags, flag);
}

static void
raise_flag(const char *flag)
{
    char path[256];

    flag_path(flag, path, sizeof path);
    touch(path);
}

static void
await_flag(const char *flag)
{
    char path[256];

    flag_path(flag, path, sizeof path);
    CHECK_EQ(wait_for_file(path), 0);
}

/* ---- what the users do ---------------------------------------------- */

static char slot_all[64], slot_group[64], slot_private[64];

static int
send_hello(const char *name)
{
    CHECK_EQ(mailslot_send(name, "hello", 5), 0);
    return 0;
}

static int
send_to_closed(const char *name)
{
    CHECK_EQ(mailslot_send(name, "late", 4), MAILSLOT_ENOTFOUND);
    return 0;
}

/* A service user's reader that lets one group write: it must receive
 * exactly the member's message. */
static int
serve_group(const char *name)
{
    mailslot_options o = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *r = NULL;
    char buf[64];
    size_t len = 0;
    char access[48];

    snprintf(access, sizeof access, "group:%s", group);
    o.access = access;
    CHECK_EQ(mailslot_create(name, &o, &r), 0);
    raise_flag("group-ready");
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 10000), 0);
    CHECK_MEM(buf, len, "member", 6);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 300), MAILSLOT_ETIMEOUT);
    mailslot_reader_free(r);
    return 0;
}

static int
send_member(const char *name)
{
    return mailslot_send(name, "member", 6) == 0 ? 0 : 1;
}

static int
send_outsider(const char *name)
{
    int rc = mailslot_send(name, "outsider", 8);

    CHECK_EQ(rc, MAILSLOT_EACCESS);
    return 0;
}

/*
 * A squatter: plants a subdirectory claiming A's uid, with a live socket
 * under the name's file name, and also makes its own shared slot of the
 * same name.  Writers must pass both by: it must receive nothing.
 */
static int
squat(const char *name)
{
    mailslot_options o = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *mine = NULL;
    struct sockaddr_un sa;
    char dir[256], path[512], buf[128];
    size_t len;
    int s;

    snprintf(dir, sizeof dir, "%s/u%lu.planted", shared,
        (unsigned long)uid_of(user_a));
    CHECK_EQ(mkdir(dir, 0755), 0);
    o.access = "all";
    CHECK_EQ(mailslot_create(name, &o, &mine), 0);
    /* The file name the real slot's socket has, from its info file's
     * neighbour: the squatter copies the name of its own socket. */
    {
        char cmd[512];
        FILE *f;

        snprintf(cmd, sizeof cmd, "ls %s/u%lu.*/ | grep '\\.sock$'", shared,
            (unsigned long)getuid());
        f = popen(cmd, "r");
        CHECK(f != NULL && fgets(buf, sizeof buf, f) != NULL);
        if (f != NULL)
            pclose(f);
        buf[strcspn(buf, "\n")] = '\0';
    }
    snprintf(path, sizeof path, "%s/%s", dir, buf);
    s = socket(AF_UNIX, SOCK_DGRAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sun_family = AF_UNIX;
    CHECK(strlen(path) < sizeof sa.sun_path);
    memcpy(sa.sun_path, path, strlen(path) % sizeof sa.sun_path);
    CHECK_EQ(bind(s, (struct sockaddr *)&sa, sizeof sa), 0);
    chmod(path, 0666);
    raise_flag("squat-ready");
    await_flag("squat-done");
    CHECK(recv(s, buf, sizeof buf, MSG_DONTWAIT) < 0);
    CHECK_EQ(mailslot_read(mine, buf, sizeof buf, &len, 0),
        MAILSLOT_ETIMEOUT);
    close(s);
    mailslot_reader_free(mine);
    return 0;
}

/* Another user cannot remove, rename or replace a slot's files. */
static int
tamper(const char *path)
{
    char moved[300];

    CHECK(unlink(path) != 0);
    snprintf(moved, sizeof moved, "%s.moved", path);
    CHECK(rename(path, moved) != 0);
    return 0;
}

static int
open_private(const char *name)
{
    mailslot_writer *w = NULL;

    CHECK_EQ(mailslot_open(name, NULL, &w), MAILSLOT_ENOTFOUND);
    return 0;
}

/* ---- the cases ------------------------------------------------------ */

/* Root's reader for all users gets an unprivileged user's message. */
static void
test_root_reader(void)
{
    mailslot_options o = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *r = NULL;
    char buf[64];
    size_t len = 0;
    struct stat st;

    o.access = "all";
    CHECK_EQ(mailslot_create(slot_all, &o, &r), 0);
    CHECK_EQ(stat(shared, &st), 0);
    CHECK_EQ(st.st_mode & 07777, 01777);
    CHECK_EQ(run_as(user_a, send_hello, slot_all), 0);
    CHECK_EQ(mailslot_read(r, buf, sizeof buf, &len, 1000), 0);
    CHECK_MEM(buf, len, "hello", 5);
    mailslot_reader_free(r);
    /* Closed: writers find nothing, and the files are gone. */
    CHECK_EQ(run_as(user_a, send_to_closed, slot_all), 0);
}

/* A service user's reader for one group: a member writes, an outsider
 * gets access_denied, a squatter neither intercepts nor replaces. */
static void
test_group_reader(void)
{
    pid_t reader, squatter;
    char cmd[300];
    FILE *f;
    char sock[256] = "";

    squatter = as(user_b, squat, slot_group);
    await_flag("squat-ready");
    reader = as(user_a, serve_group, slot_group);
    await_flag("group-ready");
    CHECK_EQ(run_as(user_b, send_outsider, slot_group), 0);
    CHECK_EQ(run_as(user_c, send_member, slot_group), 0);
    /* The real socket, which the squatter may not touch. */
    snprintf(cmd, sizeof cmd, "ls -d %s/u%lu.*/*.sock | grep -v planted",
        shared, (unsigned long)uid_of(user_a));
    f = popen(cmd, "r");
    if (f != NULL && fgets(sock, sizeof sock, f) != NULL)
        sock[strcspn(sock, "\n")] = '\0';
    if (f != NULL)
        pclose(f);
    CHECK(sock[0] != '\0');
    if (sock[0] != '\0')
        CHECK_EQ(run_as(user_b, tamper, sock), 0);
    CHECK_EQ(finish(reader), 0);
    raise_flag("squat-done");
    CHECK_EQ(finish(squatter), 0);
}

/* Without the access option a slot stays its owner's alone. */
static int
serve_private(const char *name)
{
    mailslot_reader *r = NULL;

    CHECK_EQ(mailslot_create(name, NULL, &r), 0);
    raise_flag("private-ready");
    await_flag("private-done");
    mailslot_reader_free(r);
    return 0;
}

static void
test_private_stays_private(void)
{
    pid_t reader = as(user_a, serve_private, slot_private);

    await_flag("private-ready");
    CHECK_EQ(run_as(user_b, open_private, slot_private), 0);
    raise_flag("private-done");
    CHECK_EQ(finish(reader), 0);
}

static int
bad_options(const char *unused)
{
    mailslot_options o = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *r = NULL;
    char access[48], detail[512];

    (void)unused;
    o.access = "everyone";
    CHECK_EQ(mailslot_create("shared\\bad", &o, &r), MAILSLOT_EINVAL);
    o.access = "group:";
    CHECK_EQ(mailslot_create("shared\\bad", &o, &r), MAILSLOT_EINVAL);
    o.access = "group:no-such-group-here";
    CHECK_EQ(mailslot_create("shared\\bad", &o, &r), MAILSLOT_EINVAL);
    /* Not a member: cannot give the slot to that group. */
    snprintf(access, sizeof access, "group:%s", other_group);
    o.access = access;
    CHECK_EQ(mailslot_create("shared\\bad", &o, &r), MAILSLOT_EACCESS);
    CHECK(r == NULL);
    /* No shared directory: only root can make one, and the error says
     * so. */
    setenv("MAILSLOT_SHARED_DIR", "/nonexistent/mailslot-shared", 1);
    o.access = "all";
    CHECK_EQ(mailslot_create("shared\\bad", &o, &r), MAILSLOT_EACCESS);
    CHECK(mailslot_error_detail(MAILSLOT_EACCESS, detail, sizeof detail) >
          0);
    CHECK(strstr(detail, "/nonexistent/mailslot-shared") != NULL);
    CHECK(strstr(detail, "tmpfiles") != NULL);
    return 0;
}

/* A shared directory that is not root's sticky one is refused. */
static void
test_unsafe_root(void)
{
    mailslot_options o = MAILSLOT_OPTIONS_INIT;
    mailslot_reader *r = NULL;
    char dir[200];

    snprintf(dir, sizeof dir, "%s-notsticky", shared);
    CHECK_EQ(mkdir(dir, 0777), 0);
    CHECK_EQ(chmod(dir, 0777), 0);
    setenv("MAILSLOT_SHARED_DIR", dir, 1);
    o.access = "all";
    CHECK_EQ(mailslot_create("shared\\unsafe", &o, &r), MAILSLOT_EUNSAFE);
    setenv("MAILSLOT_SHARED_DIR", shared, 1);
    rmdir(dir);
}

int
main(void)
{
    char tag[12];

    if (geteuid() != 0) {
        printf("needs root: it adds users and groups (useradd)\n");
        return 77;
    }
    snprintf(tag, sizeof tag, "%lu", (unsigned long)getpid() % 100000);
    snprintf(user_a, sizeof user_a, "msa%s", tag);
    snprintf(user_b, sizeof user_b, "msb%s", tag);
    snprintf(user_c, sizeof user_c, "msc%s", tag);
    snprintf(group, sizeof group, "msg%s", tag);
    snprintf(other_group, sizeof other_group, "mso%s", tag);
    snprintf(shared, sizeof shared, "/tmp/mailslot-shared-test-%s", tag);
    snprintf(flags, sizeof flags, "/tmp/mailslot-shared-flags-%s", tag);
    atexit(cleanup);
    /* A (the service, in the group) before B: the uids rise, and A's is
     * the lower.  C is a member of the group, B is not. */
    sh("groupadd %s && groupadd %s", group, other_group);
    sh("useradd -M -N -g users -G %s %s", group, user_a);
    sh("useradd -M -N -g users %s%s", user_b, "");
    sh("useradd -M -N -g users -G %s %s", group, user_c);
    CHECK(uid_of(user_a) != (uid_t)-1 && uid_of(user_b) != (uid_t)-1 &&
          uid_of(user_c) != (uid_t)-1);
    CHECK(uid_of(user_a) < uid_of(user_b));
    CHECK_EQ(mkdir(flags, 0777), 0);
    CHECK_EQ(chmod(flags, 0777), 0);
    setenv("MAILSLOT_SHARED_DIR", shared, 1);
    snprintf(slot_all, sizeof slot_all, "shared\\all\\%s", tag);
    snprintf(slot_group, sizeof slot_group, "shared\\group\\%s", tag);
    snprintf(slot_private, sizeof slot_private, "shared\\private\\%s", tag);
    test_root_reader();
    test_group_reader();
    test_private_stays_private();
    CHECK_EQ(run_as(user_a, bad_options, NULL), 0);
    test_unsafe_root();
    return testlib_finish();
}
