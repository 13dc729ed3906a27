/*
 * Remote writers on POSIX: "\\host\mailslot\x", "\\domain\mailslot\x" and
 * "\\*\mailslot\x" become one NetBIOS datagram per message (nbt.c builds
 * it), sent over UDP to port 138 -- unicast to a host, subnet broadcast
 * for a domain or "*".  Nothing is ever received here: replies do not
 * exist in the remote mailslot protocol.
 *
 * Where to send is decided once, at open: an IPv4 literal or a name the
 * system resolver knows is a host (DIRECT_UNIQUE to NAME<00>); the
 * configured workgroup, "*", or a name that a NetBIOS name query says is a
 * group, is a domain (DIRECT_GROUP to NAME<00> on every chosen broadcast
 * address).  Configuration comes from the options, then the environment
 * (docs/network.md lists the variables), then defaults.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <poll.h>
#include <netdb.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "mailslot.h"
#include "nbt.h"
#include "platform.h"
#include "linux.h"

#define MAX_DEST 16

struct mailslot__remote {
    mailslot__nbt_msg tmpl;  /* names, type, scope and slot name */
    char slot[MAILSLOT__NAME_MAX + 16];
    size_t max_data;
    struct sockaddr_in dest[MAX_DEST];
    uint32_t src_ip[MAX_DEST]; /* host order, for the datagram header */
    int ndest;
    int src_port;            /* -1 auto, 0 ephemeral, else that port */
    uint16_t next_id;
    unsigned char buf[MAILSLOT__NBT_DATAGRAM_MAX];
};

/* The option if set, else the environment variable, else DEF. */
static const char *
setting(const char *opt, const char *env, const char *def)
{
    const char *v = getenv(env);

    if (opt != NULL && opt[0] != '\0')
        return opt;
    return v != NULL && v[0] != '\0' ? v : def;
}

/* Our NetBIOS name: configured, else the host name's first label. */
static int
own_name(const mailslot_options *o, mailslot__nbt_name *out)
{
    char host[256];
    const char *v = setting(o->netbios_name, "MAILSLOT_NETBIOS_NAME", NULL);

    if (v == NULL) {
        if (gethostname(host, sizeof host) != 0)
            snprintf(host, sizeof host, "localhost");
        host[sizeof host - 1] = '\0';
        host[strcspn(host, ".")] = '\0';
        host[15] = '\0';
        v = host;
    }
    return mailslot__nbt_name_make(v, 0x00, out);
}

static int
parse_port(const char *s, int *port)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno != 0 || end == s || *end != '\0' || v < 0 || v > 65535)
        return MAILSLOT_EINVAL;
    *port = (int)v;
    return 0;
}

static int
add_dest(struct mailslot__remote *rm, struct in_addr to, struct in_addr from,
    int port)
{
    if (rm->ndest >= MAX_DEST)
        return 0;
    memset(&rm->dest[rm->ndest], 0, sizeof rm->dest[0]);
    rm->dest[rm->ndest].sin_family = AF_INET;
    rm->dest[rm->ndest].sin_addr = to;
    rm->dest[rm->ndest].sin_port = htons((uint16_t)port);
    rm->src_ip[rm->ndest] = ntohl(from.s_addr);
    rm->ndest++;
    return 0;
}

/* Is NAME one of the comma-separated words of LIST? */
static int
in_list(const char *list, const char *name)
{
    size_t n = strlen(name);
    const char *p = list;

    while (p != NULL && *p != '\0') {
        size_t w = strcspn(p, ", ");

        if (w == n && strncmp(p, name, n) == 0)
            return 1;
        p += w;
        p += strspn(p, ", ");
    }
    return 0;
}

/*
 * The subnet broadcast address of interface I, from its address and mask:
 * an address added without "broadcast" has none of its own, and Linux
 * then reports the address itself in ifa_broadaddr.
 */
static struct in_addr
subnet_broadcast(const struct ifaddrs *i)
{
    struct in_addr a = ((const struct sockaddr_in *)i->ifa_addr)->sin_addr;
    uint32_t mask = 0xffffff00u;

    if (i->ifa_netmask != NULL && i->ifa_netmask->sa_family == AF_INET)
        mask = ntohl(((const struct sockaddr_in *)i->ifa_netmask)
            ->sin_addr.s_addr);
    /* /31 and /32 links have no broadcast address; use the one given. */
    if (mask >= 0xfffffffeu && i->ifa_broadaddr != NULL)
        return ((const struct sockaddr_in *)i->ifa_broadaddr)->sin_addr;
    a.s_addr = htonl(ntohl(a.s_addr) | ~mask);
    return a;
}

/*
 * The broadcast destinations: every up, broadcast-capable IPv4 interface
 * (not loopback), or those named in LIST; a word of LIST that is an IPv4
 * address is used as a broadcast address as it is.
 */
static int
broadcast_dests(struct mailslot__remote *rm, const char *list, int port)
{
    struct ifaddrs *ifs, *i;
    struct in_addr a;
    const char *p = list;
    char word[64];

    while (p != NULL && *p != '\0') {
        size_t w = strcspn(p, ", ");

        snprintf(word, sizeof word, "%.*s", (int)w, p);
        if (inet_pton(AF_INET, word, &a) == 1) {
            struct in_addr any = { 0 };

            add_dest(rm, a, any, port);
        }
        p += w;
        p += strspn(p, ", ");
    }
    if (getifaddrs(&ifs) != 0)
        return mailslot__os_fail(errno);
    for (i = ifs; i != NULL; i = i->ifa_next) {
        if (i->ifa_addr == NULL || i->ifa_addr->sa_family != AF_INET ||
            !(i->ifa_flags & IFF_UP) ||
            !(i->ifa_flags & IFF_BROADCAST) || (i->ifa_flags & IFF_LOOPBACK))
            continue;
        if (list != NULL && !in_list(list, i->ifa_name))
            continue;
        add_dest(rm, subnet_broadcast(i),
            ((struct sockaddr_in *)i->ifa_addr)->sin_addr, port);
    }
    freeifaddrs(ifs);
    if (rm->ndest == 0)
        return mailslot__err(MAILSLOT_ENETWORK, ENETUNREACH);
    return 0;
}

/* The address a datagram to TO leaves from (a connected UDP socket
 * knows it without sending anything). */
static struct in_addr
source_for(struct in_addr to)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    struct in_addr none = { 0 };
    int one = 1;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        return none;
    setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_addr = to;
    sa.sin_port = htons(MAILSLOT__NBT_PORT);
    if (connect(s, (struct sockaddr *)&sa, sizeof sa) != 0 ||
        getsockname(s, (struct sockaddr *)&sa, &len) != 0)
        sa.sin_addr = none;
    close(s);
    return sa.sin_addr;
}

/* A host: an IPv4 literal, or a name the system resolver knows. */
static int
resolve_host(const char *host, struct in_addr *out)
{
    struct addrinfo hints, *res = NULL;
    int rc;

    if (inet_pton(AF_INET, host, out) == 1)
        return 0;
    memset(&hints, 0, sizeof hints);
    hints.ai_family = AF_INET;
    hints.ai_socktype = SOCK_DGRAM;
    rc = getaddrinfo(host, NULL, &hints, &res);
    if (rc != 0 || res == NULL)
        return mailslot__err(MAILSLOT_ENOTFOUND, rc == EAI_SYSTEM ? errno : 0);
    *out = ((struct sockaddr_in *)res->ai_addr)->sin_addr;
    freeaddrinfo(res);
    return 0;
}

/* Wait up to MS for an answer to query ID on S. */
static int
await_answer(int s, uint16_t id, int ms, struct in_addr *addr, int *group)
{
    unsigned char buf[600];
    struct pollfd pfd = { s, POLLIN, 0 };
    uint32_t ip;
    ssize_t n;

    while (poll(&pfd, 1, ms) > 0) {
        n = recv(s, buf, sizeof buf, 0);
        if (n > 0 && mailslot__nbns_parse_answer(buf, (size_t)n, id, &ip,
                group) == 0) {
            addr->s_addr = htonl(ip);
            return 0;
        }
    }
    return MAILSLOT_ENOTFOUND;
}

/*
 * The fallback for names no resolver knows: a NetBIOS name query for
 * LABEL<00>, broadcast on UDP 137 of the chosen interfaces, three times
 * 250 ms, as a B-node does.  The answer also says whether the name is a
 * group (a domain) or unique (a host).
 */
static int
nbns_query(struct mailslot__remote *rm, const char *label, const char *bc,
    struct in_addr *addr)
{
    struct mailslot__remote tmp;
    mailslot__nbt_name n;
    unsigned char q[64 + MAILSLOT__NBT_SCOPE_MAX];
    uint16_t id = (uint16_t)(rm->next_id ^ 0x5a5a);
    int s, i, k, group = 0, rc;
    size_t len;

    memset(&tmp, 0, sizeof tmp);
    if (mailslot__nbt_name_make(label, 0x00, &n) != 0 ||
        mailslot__nbns_build_query(id, &n, rm->tmpl.scope, q, sizeof q,
            &len) != 0 || broadcast_dests(&tmp, bc, 137) != 0)
        return MAILSLOT_ENOTFOUND;
    s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    if (s < 0)
        return mailslot__os_fail(errno);
    k = 1;
    setsockopt(s, SOL_SOCKET, SO_BROADCAST, &k, sizeof k);
    rc = MAILSLOT_ENOTFOUND;
    for (k = 0; k < 3 && rc != 0; k++) {
        for (i = 0; i < tmp.ndest; i++)
            sendto(s, q, len, 0, (struct sockaddr *)&tmp.dest[i],
                sizeof tmp.dest[i]);
        rc = await_answer(s, id, 250, addr, &group);
    }
    close(s);
    if (rc == 0)
        rm->tmpl.type = (uint8_t)(group ? MAILSLOT__NBT_DIRECT_GROUP
                                        : MAILSLOT__NBT_DIRECT_UNIQUE);
    else
        rc = mailslot__code(rc); /* no answer is not an OS failure */
    return rc;
}

static int
equal_nocase(const char *a, const char *b)
{
    for (; *a != '\0' && *b != '\0'; a++, b++) {
        int x = (unsigned char)*a, y = (unsigned char)*b;

        if (x >= 'a' && x <= 'z')
            x -= 32;
        if (y >= 'a' && y <= 'z')
            y -= 32;
        if (x != y)
            return 0;
    }
    return *a == *b;
}

/* Decide unicast or broadcast and fill in the destinations. */
static int
choose_target(struct mailslot__remote *rm, const mailslot__name *name,
    const mailslot_options *o, int port)
{
    const char *wg = setting(o->workgroup, "MAILSLOT_WORKGROUP", "WORKGROUP");
    const char *bc = setting(o->broadcast, "MAILSLOT_BROADCAST", NULL);
    const char *target = name->kind == MAILSLOT_NAME_BROADCAST ? wg
                                                               : name->host;
    struct in_addr addr;
    char label[64];
    int rc;

    if (name->kind == MAILSLOT_NAME_BROADCAST || equal_nocase(target, wg)) {
        rm->tmpl.type = MAILSLOT__NBT_DIRECT_GROUP;
        rc = mailslot__nbt_name_make(target, 0x00, &rm->tmpl.dst);
        return rc != 0 ? rc : broadcast_dests(rm, bc, port);
    }
    /* A DNS name's first label is the NetBIOS name; a literal stays. */
    snprintf(label, sizeof label, "%.63s", target);
    if (inet_pton(AF_INET, target, &addr) != 1)
        label[strcspn(label, ".")] = '\0';
    label[15] = '\0';
    rc = resolve_host(target, &addr);
    if (mailslot__code(rc) == MAILSLOT_ENOTFOUND)
        rc = nbns_query(rm, label, bc, &addr);
    if (rc == 0)
        rc = mailslot__nbt_name_make(label, 0x00, &rm->tmpl.dst);
    if (rc != 0)
        return rc;
    if (rm->tmpl.type == MAILSLOT__NBT_DIRECT_GROUP)
        return broadcast_dests(rm, bc, port);
    rm->tmpl.type = MAILSLOT__NBT_DIRECT_UNIQUE;
    return add_dest(rm, addr, source_for(addr), port);
}

static int
configure(struct mailslot__remote *rm, const mailslot__name *name,
    const mailslot_options *o)
{
    const char *sp = setting(NULL, "MAILSLOT_SOURCE_PORT", "auto");
    const char *scope = setting(o->netbios_scope, "MAILSLOT_NETBIOS_SCOPE",
        "");
    const char *path = name->display + name->display_path;
    int port = MAILSLOT__NBT_PORT;
    size_t path_len = strlen(path);

    mailslot__nbt_msg_defaults(&rm->tmpl);
    if (o->remote_port != 0)
        port = (int)o->remote_port;
    else if (getenv("MAILSLOT_REMOTE_PORT") != NULL &&
        parse_port(getenv("MAILSLOT_REMOTE_PORT"), &port) != 0)
        return MAILSLOT_EINVAL;
    if (port == 0 || port > 65535)
        return MAILSLOT_EINVAL;
    rm->src_port = -1;
    if (strcmp(sp, "auto") != 0 && parse_port(sp, &rm->src_port) != 0)
        return MAILSLOT_EINVAL;
    if (strlen(scope) >= sizeof rm->tmpl.scope)
        return MAILSLOT_ENAME;
    memcpy(rm->tmpl.scope, scope, strlen(scope) + 1);
    snprintf(rm->slot, sizeof rm->slot, "\\MAILSLOT\\%s", path);
    rm->tmpl.slot = rm->slot;
    rm->tmpl.slot_len = strlen(rm->slot);
    rm->max_data = mailslot__nbt_max_data(path_len);
    if (own_name(o, &rm->tmpl.src) != 0)
        return MAILSLOT_ENAME;
    return choose_target(rm, name, o, port);
}

int
mailslot__remote_open(const mailslot__name *name, const mailslot_options *o,
    mailslot__remote **out)
{
    struct mailslot__remote *rm = calloc(1, sizeof *rm);
    struct timespec ts;
    int rc;

    if (rm == NULL)
        return mailslot__os_fail(ENOMEM);
    /* Datagram ids only need to differ between nearby datagrams. */
    clock_gettime(CLOCK_MONOTONIC, &ts);
    rm->next_id = (uint16_t)(ts.tv_nsec ^ getpid() ^ (uintptr_t)rm);
    rc = configure(rm, name, o);
    if (rc != 0) {
        free(rm);
        if (mailslot__code(rc) == MAILSLOT_EINVAL ||
            mailslot__code(rc) == MAILSLOT_ENAME)
            rc = mailslot__code(rc);
        return rc;
    }
    *out = rm;
    return 0;
}

/*
 * A socket for one write.  Port 138 when configured or, in "auto" mode,
 * when we may bind it and nobody else has it (never SO_REUSEADDR: that
 * would let us steal datagrams meant for a bridge or nmbd); otherwise an
 * ephemeral port.  It lives for one write only, so a writer never holds
 * port 138 while it idles.
 */
static int
open_socket(const struct mailslot__remote *rm, uint16_t *port)
{
    struct sockaddr_in sa;
    socklen_t len = sizeof sa;
    int one = 1;
    int s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);

    if (s < 0)
        return -1;
    setsockopt(s, SOL_SOCKET, SO_BROADCAST, &one, sizeof one);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)(rm->src_port < 0 ? MAILSLOT__NBT_PORT
                                                    : rm->src_port));
    if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
        if (rm->src_port >= 0) {
            close(s);
            return -1;
        }
        sa.sin_port = 0;
        if (bind(s, (struct sockaddr *)&sa, sizeof sa) != 0) {
            close(s);
            return -1;
        }
    }
    if (getsockname(s, (struct sockaddr *)&sa, &len) != 0) {
        close(s);
        return -1;
    }
    *port = ntohs(sa.sin_port);
    return s;
}

int
mailslot__remote_write(mailslot__remote *rm, const void *data, size_t len)
{
    mailslot__nbt_msg m = rm->tmpl;
    int s, i, sent = 0, err = 0, rc = 0;
    size_t n;

    if (len > rm->max_data)
        return MAILSLOT_ETOOBIG;
    s = open_socket(rm, &m.src_port);
    if (s < 0)
        return mailslot__os_fail(errno);
    m.data = data;
    m.data_len = len;
    m.dgm_id = rm->next_id++;
    for (i = 0; i < rm->ndest; i++) {
        m.src_ip = rm->src_ip[i] != 0 ? rm->src_ip[i]
                                      : ntohl(source_for(
                                            rm->dest[i].sin_addr).s_addr);
        rc = mailslot__nbt_build(&m, rm->buf, sizeof rm->buf, &n);
        if (rc != 0)
            break;
        if (sendto(s, rm->buf, n, 0, (struct sockaddr *)&rm->dest[i],
                sizeof rm->dest[i]) == (ssize_t)n)
            sent++;
        else
            err = errno;
    }
    close(s);
    if (rc != 0)
        return rc;
    /* A broadcast reaching some interfaces is a success: the protocol
     * promises no more than that anyway. */
    return sent > 0 ? 0 : mailslot__os_fail(err);
}

void
mailslot__remote_free(mailslot__remote *rm)
{
    free(rm);
}
