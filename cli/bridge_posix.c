/*
 * bridge_posix.c -- "mailslot bridge": receive remote mailslot writes
 * (NetBIOS datagrams on UDP 138) and deliver each message to the local
 * slot of that name, through the library's relay (mailslot_relay_*).
 *
 * It binds, then drops root privileges (--user), then opens the relay in
 * that user's slot directory.  It never sends anything to the network, so
 * it cannot be used to amplify or reflect traffic.  POSIX only: CMake
 * picks bridge_none.c elsewhere (Windows delivers remote mailslots itself).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <grp.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>
#include <poll.h>
#include <pwd.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "mailslot.h"

#include "cli.h"

#define MAX_SOCKS 16

static const char bridge_help[] =
    "usage: mailslot bridge [OPTIONS]\n"
    "\n"
    "Receive remote mailslot messages (NetBIOS datagrams, UDP 138) from\n"
    "Windows, Samba and other mailslot hosts, and deliver each one to the\n"
    "local mailslot of that name, as a local writer would.  Messages for\n"
    "slots that do not exist are dropped.  Nothing is ever sent back.\n"
    "Stop with SIGTERM or Ctrl-C; SIGUSR1 prints the counters.\n"
    "\n"
    "Options:\n"
    "  --port N          UDP port to listen on (default 138)\n"
    "  --interface LIST  listen only on these interfaces (comma-separated;\n"
    "                    default: all)\n"
    "  --name NAME       our NetBIOS name (default $MAILSLOT_NETBIOS_NAME,\n"
    "                    else the host name)\n"
    "  --workgroup WG    our workgroup (default $MAILSLOT_WORKGROUP, else\n"
    "                    WORKGROUP)\n"
    "  --any             accept datagrams for any NetBIOS name\n"
    "  --user USER       after binding, run as USER and deliver to USER's\n"
    "                    slots (needed when started as root)\n"
    "  --verbose         log every delivered message\n"
    "  --debug           also log every dropped datagram and why\n"
    "  --stats S         log the counters every S seconds\n"
    "  --ready FILE      create FILE once listening\n"
    "  -h, --help        show this help\n";

enum {
    OPT_PORT,
    OPT_INTERFACE,
    OPT_NAME,
    OPT_WORKGROUP,
    OPT_ANY,
    OPT_USER,
    OPT_VERBOSE,
    OPT_DEBUG,
    OPT_STATS,
    OPT_READY,
    NUM_OPTS
};

static const cli_option bridge_opts[NUM_OPTS] = {
    { "port", 1, 0 }, { "interface", 1, 0 }, { "name", 1, 0 },
    { "workgroup", 1, 0 }, { "any", 0, 0 }, { "user", 1, 0 },
    { "verbose", 0, 0 }, { "debug", 0, 0 }, { "stats", 1, 0 },
    { "ready", 1, 0 },
};

typedef struct counters {
    unsigned long long received, delivered, malformed, not_addressed,
        no_slot, dropped, waited;
} counters;

typedef struct bridge {
    cli_args args;
    int port;
    int32_t stats_ms;
    int socks[MAX_SOCKS];
    int nsocks;
    char names[1024];
    mailslot_relay *relay;
    counters n;
} bridge;

static volatile sig_atomic_t stop_flag;
static volatile sig_atomic_t stats_flag;

static void
on_stop(int sig)
{
    (void)sig;
    stop_flag = 1;
}

static void
on_stats(int sig)
{
    (void)sig;
    stats_flag = 1;
}

static void
logf_line(const char *fmt, ...)
{
    va_list ap;

    fputs("mailslot bridge: ", stderr);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    fputc('\n', stderr);
    fflush(stderr);
}

static void
log_counters(const bridge *b)
{
    logf_line("received %llu, delivered %llu, malformed %llu, "
        "not addressed %llu, no slot %llu, dropped %llu, waited for room "
        "%llu", b->n.received, b->n.delivered, b->n.malformed,
        b->n.not_addressed, b->n.no_slot, b->n.dropped, b->n.waited);
}

/* One UDP socket on PORT, bound to device IFNAME when not NULL. */
static int
open_udp(int port, const char *ifname)
{
    struct sockaddr_in sa;
    int rcvbuf = 4 << 20;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        return -1;
    /* Room for bursts: the protocol has no flow control, and a full
     * socket buffer drops datagrams silently (best effort, capped by
     * net.core.rmem_max). */
    setsockopt(s, SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    if (ifname != NULL && setsockopt(s, SOL_SOCKET, SO_BINDTODEVICE, ifname,
            (socklen_t)strlen(ifname)) != 0) {
        close(s);
        return -1;
    }
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port);
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        close(s);
        return -1;
    }
    return s;
}

static int
open_sockets(bridge *b)
{
    const char *list = b->args.value[OPT_INTERFACE];
    char word[IF_NAMESIZE + 1];

    if (list == NULL) {
        b->socks[0] = open_udp(b->port, NULL);
        if (b->socks[0] < 0) {
            cli_error_errno("bind UDP port", errno);
            return CLI_FAIL;
        }
        b->nsocks = 1;
        return CLI_OK;
    }
    while (*list != '\0' && b->nsocks < MAX_SOCKS) {
        size_t w = strcspn(list, ", ");

        if (w > 0) {
            snprintf(word, sizeof word, "%.*s", (int)w, list);
            b->socks[b->nsocks] = open_udp(b->port, word);
            if (b->socks[b->nsocks] < 0) {
                cli_error_errno(word, errno);
                return CLI_FAIL;
            }
            b->nsocks++;
        }
        list += w;
        list += strspn(list, ", ");
    }
    return b->nsocks > 0 ? CLI_OK
                         : cli_usage_error("bridge", "--interface is empty");
}

/* Become USER for good: groups, gid, then uid, and that user's slots. */
static int
drop_privileges(const char *user)
{
    struct passwd *pw = getpwnam(user);

    if (pw == NULL) {
        fprintf(stderr, "mailslot: bridge: unknown user \"%s\"\n", user);
        return CLI_FAIL;
    }
    if (initgroups(pw->pw_name, pw->pw_gid) != 0 ||
        setgid(pw->pw_gid) != 0 || setuid(pw->pw_uid) != 0) {
        cli_error_errno("drop privileges", errno);
        return CLI_FAIL;
    }
    if (setuid(0) == 0) {
        fprintf(stderr, "mailslot: bridge: could not drop root\n");
        return CLI_FAIL;
    }
    /* Deliver where USER's own programs make their slots: the library
     * finds USER's runtime directory (/run/user/<uid>) by itself, and
     * root's must not point it elsewhere.  MAILSLOT_DIR, if set, is
     * meant. */
    unsetenv("XDG_RUNTIME_DIR");
    return CLI_OK;
}

static void
append_name(bridge *b, const char *name)
{
    size_t used = strlen(b->names);

    if (name == NULL || name[0] == '\0' ||
        used + strlen(name) + 2 > sizeof b->names)
        return;
    snprintf(b->names + used, sizeof b->names - used, "%s%s",
        used > 0 ? "," : "", name);
}

/* Our name, our workgroup, and our IPv4 addresses (senders that were
 * given an address use it as the NetBIOS name). */
static void
collect_names(bridge *b)
{
    const char *name = b->args.value[OPT_NAME];
    const char *wg = b->args.value[OPT_WORKGROUP];
    struct ifaddrs *ifs, *i;
    char host[256], addr[INET_ADDRSTRLEN];

    if (name == NULL)
        name = getenv("MAILSLOT_NETBIOS_NAME");
    if (name == NULL || name[0] == '\0') {
        if (gethostname(host, sizeof host) != 0)
            host[0] = '\0';
        host[sizeof host - 1] = '\0';
        host[strcspn(host, ".")] = '\0';
        host[15] = '\0';
        name = host;
    }
    if (wg == NULL)
        wg = getenv("MAILSLOT_WORKGROUP");
    append_name(b, name);
    append_name(b, wg != NULL && wg[0] != '\0' ? wg : "WORKGROUP");
    if (getifaddrs(&ifs) != 0)
        return;
    for (i = ifs; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr != NULL && i->ifa_addr->sa_family == AF_INET &&
            inet_ntop(AF_INET, &((struct sockaddr_in *)i->ifa_addr)->sin_addr,
                addr, sizeof addr) != NULL)
            append_name(b, addr);
    }
    freeifaddrs(ifs);
}

static void
count(bridge *b, int rc, const mailslot_relay_result *res)
{
    int debug = b->args.value[OPT_DEBUG] != NULL;
    const mailslot_origin *o = &res->origin;

    if (rc == MAILSLOT_RELAY_WAITING) {
        /* Counted again when it is done (retry_done()). */
        b->n.waited++;
        if (debug)
            logf_line("a datagram from %s:%u for %s waits: %s",
                o->source_addr, o->source_port, res->slot, res->reason);
        return;
    }
    if (rc == 0) {
        b->n.delivered++;
        if (b->args.value[OPT_VERBOSE] != NULL || debug)
            logf_line("delivered %zu bytes from %s<%02x> %s:%u to %s",
                res->data_len, o->source_name, o->source_suffix,
                o->source_addr, o->source_port, res->slot);
        return;
    }
    if (rc == MAILSLOT_EMALFORMED)
        b->n.malformed++;
    else if (rc == MAILSLOT_ENOTADDRESSED)
        b->n.not_addressed++;
    else if (rc == MAILSLOT_ENOTFOUND)
        b->n.no_slot++;
    else
        b->n.dropped++;
    if (debug)
        logf_line("dropped a datagram from %s:%u%s%s: %s",
            o->source_addr, o->source_port, res->slot[0] ? " for " : "",
            res->slot, res->reason);
}

static void
receive_one(bridge *b, int s)
{
    static unsigned char buf[2048];
    struct sockaddr_in from;
    socklen_t flen = sizeof from;
    mailslot_relay_result res;
    char addr[INET_ADDRSTRLEN] = "";
    ssize_t n;
    int rc;

    n = recvfrom(s, buf, sizeof buf, MSG_DONTWAIT | MSG_TRUNC,
        (struct sockaddr *)&from, &flen);
    if (n < 0)
        return;
    b->n.received++;
    inet_ntop(AF_INET, &from.sin_addr, addr, sizeof addr);
    memset(&res, 0, sizeof res);
    res.size = sizeof res;
    snprintf(res.origin.source_addr, sizeof res.origin.source_addr, "%s",
        addr);
    res.origin.source_port = ntohs(from.sin_port);
    res.reason = "longer than any mailslot datagram";
    /* A datagram bigger than the buffer was cut short: never valid. */
    rc = (size_t)n > sizeof buf
        ? MAILSLOT_EMALFORMED
        : mailslot_relay_datagram(b->relay, buf, (size_t)n, addr,
              ntohs(from.sin_port), &res);
    count(b, rc, &res);
}

/* A message that waited for room is done. */
static void MAILSLOT_CALL
retry_done(void *ctx, int rc, const mailslot_relay_result *res)
{
    count(ctx, rc, res);
}

static int64_t
mono_ms(void)
{
    struct timespec ts;

    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void
serve(bridge *b)
{
    struct pollfd pfd[MAX_SOCKS];
    int64_t next = b->stats_ms > 0 ? mono_ms() + b->stats_ms : -1;
    int32_t wait = -1;
    int i;

    for (i = 0; i < b->nsocks; i++) {
        pfd[i].fd = b->socks[i];
        pfd[i].events = POLLIN;
    }

    while (!stop_flag) {
        /* Wake at least once a second to see signals and the clock, and
         * when messages waiting for room are due another try. */
        if (poll(pfd, (nfds_t)b->nsocks,
                wait >= 0 && wait < 1000 ? wait : 1000) > 0) {
            for (i = 0; i < b->nsocks; i++) {
                if (pfd[i].revents & POLLIN)
                    receive_one(b, pfd[i].fd);
            }
        }
        wait = mailslot_relay_retry(b->relay, retry_done, b);
        if (stats_flag || (next >= 0 && mono_ms() >= next)) {
            stats_flag = 0;
            log_counters(b);
            if (next >= 0)
                next = mono_ms() + b->stats_ms;
        }
    }
}

static void
install_signals(void)
{
    struct sigaction sa;

    memset(&sa, 0, sizeof sa);
    sigemptyset(&sa.sa_mask);
    /* No SA_RESTART: poll() must return so the loop sees the flag. */
    sa.sa_handler = on_stop;
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGINT, &sa, NULL);
    sa.sa_handler = on_stats;
    sigaction(SIGUSR1, &sa, NULL);
    signal(SIGPIPE, SIG_IGN);
}

static int
parse_options(int argc, char **argv, bridge *b)
{
    unsigned long long v;
    int rc = cli_parse("bridge", argc, argv, bridge_opts, NUM_OPTS, &b->args);

    if (rc != CLI_OK)
        return rc;
    if (b->args.npos > 0)
        return cli_usage_error("bridge", "unexpected argument \"%s\"",
            b->args.pos[0]);
    b->port = 138;
    if (b->args.value[OPT_PORT] != NULL) {
        if (cli_parse_uint(b->args.value[OPT_PORT], 1, 65535, &v) != 0)
            return cli_usage_error("bridge", "bad --port \"%s\"",
                b->args.value[OPT_PORT]);
        b->port = (int)v;
    }
    if (b->args.value[OPT_STATS] != NULL &&
        cli_parse_seconds(b->args.value[OPT_STATS], &b->stats_ms) != 0)
        return cli_usage_error("bridge", "bad --stats \"%s\"",
            b->args.value[OPT_STATS]);
    return CLI_OK;
}

static int
start(bridge *b)
{
    const char *ready = b->args.value[OPT_READY];
    int rc = open_sockets(b);
    FILE *f;

    if (rc == CLI_OK && b->args.value[OPT_USER] != NULL)
        rc = drop_privileges(b->args.value[OPT_USER]);
    if (rc != CLI_OK)
        return rc;
    collect_names(b);
    rc = mailslot_relay_create(b->names,
        b->args.value[OPT_ANY] != NULL ? MAILSLOT_RELAY_ANY_NAME : 0,
        &b->relay);
    if (rc != 0) {
        cli_error("bridge", NULL, rc);
        return CLI_FAIL;
    }
    logf_line("listening on UDP port %d as %s%s", b->port, b->names,
        b->args.value[OPT_ANY] != NULL ? " (any name)" : "");
    if (ready != NULL && (f = fopen(ready, "w")) != NULL)
        fclose(f);
    return CLI_OK;
}

int
cli_bridge(int argc, char **argv)
{
    bridge b;
    int rc, i;

    memset(&b, 0, sizeof b);
    rc = parse_options(argc, argv, &b);
    if (rc == CLI_HELP) {
        fputs(bridge_help, stdout);
        return cli_flush_stdout();
    }
    if (rc != CLI_OK)
        return rc;
    install_signals();
    rc = start(&b);
    if (rc == CLI_OK) {
        serve(&b);
        log_counters(&b);
        logf_line("stopped");
    }
    mailslot_relay_free(b.relay);
    for (i = 0; i < b.nsocks; i++)
        close(b.socks[i]);
    return rc;
}
