/*
 * Internal: the remote mailslot codec.  One class-2 mailslot write is an
 * SMB_COM_TRANSACTION inside a NetBIOS datagram (RFC 1002 section 4.4,
 * [MS-MAIL] 2.2.1).  This file only turns bytes into a struct and back: no
 * sockets, no allocation, no global state, so it can be unit-tested and
 * fuzzed on its own.  See shared/reference/wire-protocol.md for the layout.
 *
 * Multi-byte fields of the NetBIOS header are big-endian; those of the SMB
 * part are little-endian.  Offsets inside the SMB part (DataOffset) count
 * from the start of the SMB header.
 */
#ifndef MAILSLOT_NBT_H
#define MAILSLOT_NBT_H

#include <stddef.h>
#include <stdint.h>

/* The NetBIOS datagram service port. */
#define MAILSLOT__NBT_PORT 138

/* Datagram types that carry user data (RFC 1002 4.4.1). */
#define MAILSLOT__NBT_DIRECT_UNIQUE 0x10
#define MAILSLOT__NBT_DIRECT_GROUP 0x11
#define MAILSLOT__NBT_BROADCAST 0x12

/* FLAGS bits: more fragments, first fragment, and the node types. */
#define MAILSLOT__NBT_FLAG_MORE 0x01
#define MAILSLOT__NBT_FLAG_FIRST 0x02
#define MAILSLOT__NBT_NODE_B 0x00
#define MAILSLOT__NBT_NODE_H 0x0C

/* The fixed NetBIOS header, and the SMB bytes before the mailslot name. */
#define MAILSLOT__NBT_HEADER 14
#define MAILSLOT__NBT_SMB_FIXED 69

/*
 * Windows caps the SMB part of a remote mailslot write at 512 bytes
 * ([MS-MAIL] footnote 2); we never build a bigger one.
 */
#define MAILSLOT__NBT_SMB_MAX 512

/* A scope is at most 255 bytes on the wire (RFC 1002 4.1); dotted text
 * is never longer than that. */
#define MAILSLOT__NBT_SCOPE_MAX 255

/* The largest datagram we build or accept: header, two names with the
 * longest scope, and the SMB part. */
#define MAILSLOT__NBT_DATAGRAM_MAX                                           \
    (MAILSLOT__NBT_HEADER + 2 * (34 + MAILSLOT__NBT_SCOPE_MAX) +             \
     MAILSLOT__NBT_SMB_MAX)

/* A NetBIOS name: 15 bytes padded with spaces (NULs for "*"), then the
 * suffix (service type) in byte 15. */
typedef struct mailslot__nbt_name {
    unsigned char raw[16];
} mailslot__nbt_name;

/* One mailslot write, as built or as parsed. */
typedef struct mailslot__nbt_msg {
    /* NetBIOS datagram header. */
    uint8_t type;              /* MAILSLOT__NBT_DIRECT_* or _BROADCAST */
    uint8_t flags;             /* node type | FIRST; MORE never set */
    uint16_t dgm_id;
    uint32_t src_ip;           /* host byte order */
    uint16_t src_port;
    mailslot__nbt_name src;
    mailslot__nbt_name dst;
    /* Dotted scope ("" for none), used for both names. */
    char scope[MAILSLOT__NBT_SCOPE_MAX + 1];
    /* SMB header and transaction words that senders vary. */
    uint8_t smb_flags;
    uint16_t smb_flags2;
    uint16_t smb_pid;          /* PIDLow */
    uint16_t max_params;       /* MaxParameterCount */
    uint16_t trans_flags;      /* 0x0002 NO_RESPONSE */
    uint32_t timeout;
    int param_at_data;         /* ParameterOffset = DataOffset, else 0 */
    uint16_t priority;
    uint16_t mclass;           /* 1 or 2 */
    /* The mailslot name ("\MAILSLOT\X", no NUL) and the message.  After a
     * parse both point into the parsed buffer. */
    const char *slot;
    size_t slot_len;
    const unsigned char *data;
    size_t data_len;
    /* Padding between the name and the data: build writes none when
     * NO_PAD, else aligns the data to 4 bytes; parse reports what it saw. */
    int no_pad;
    size_t pad;
} mailslot__nbt_msg;

/*
 * Make a NetBIOS name from NAME (NUL-terminated, 1-15 bytes, no control
 * characters) upper-cased and padded, with SUFFIX.  "*"
 * is padded with NULs, as every implementation does.  Returns 0 or
 * MAILSLOT_ENAME.
 */
int mailslot__nbt_name_make(const char *name, unsigned suffix,
    mailslot__nbt_name *out);

/* The name as text without its padding (16 bytes with the NUL) and its
 * suffix.  Bytes outside printable ASCII become '?'. */
unsigned mailslot__nbt_name_text(const mailslot__nbt_name *n, char out[16]);

/* Two names are the same when their 15 name bytes match, ignoring case
 * and suffix. */
int mailslot__nbt_name_equal(const mailslot__nbt_name *a,
    const mailslot__nbt_name *b);

/*
 * Second-level encode N with the dotted SCOPE (already checked, "" for
 * none) at OUT, which has room for 34 + MAILSLOT__NBT_SCOPE_MAX bytes.
 * Returns the bytes written.
 */
size_t mailslot__nbt_encode_name(const mailslot__nbt_name *n,
    const char *scope, unsigned char *out);

/* Fill M with the values our sender uses ([MS-MAIL] 2.2.1 SHOULDs). */
void mailslot__nbt_msg_defaults(mailslot__nbt_msg *m);

/*
 * The most data bytes a write to a mailslot whose name (after the
 * "\MAILSLOT\" prefix) is NAME_LEN bytes long may carry: 432 minus
 * NAME_LEN rounded up to 4 (424 for 5 to 8 bytes).  0 when even an empty
 * message does not fit.
 */
size_t mailslot__nbt_max_data(size_t name_len);

/*
 * Build M into OUT (CAP bytes); *LEN gets the datagram size.  Errors:
 * MAILSLOT_ETOOBIG (the SMB part would pass 512 bytes), MAILSLOT_ENAME
 * (slot not "\MAILSLOT\..." or bad scope), MAILSLOT_EBUFFER (CAP too
 * small; *LEN is the size needed).
 */
int mailslot__nbt_build(const mailslot__nbt_msg *m, unsigned char *out,
    size_t cap, size_t *len);

/*
 * Parse the UDP payload BUF (LEN bytes) as one unfragmented mailslot
 * write.  Every length and offset is checked against LEN before it is
 * used.  Returns 0, or MAILSLOT_EMALFORMED with *REASON (if not NULL) set
 * to a static sentence saying what was wrong.
 */
int mailslot__nbt_parse(const unsigned char *buf, size_t len,
    mailslot__nbt_msg *m, const char **reason);

/*
 * NetBIOS name service (UDP 137), only what a sender needs to find a name
 * no resolver knows: a broadcast query for N (type NB) and its positive
 * answer.  Both pure, like the rest of this file (nbns.c).
 */
int mailslot__nbns_build_query(uint16_t id, const mailslot__nbt_name *n,
    const char *scope, unsigned char *out, size_t cap, size_t *len);

/*
 * Parse BUF as a positive answer to query ID: the first address in *IP
 * (host order) and whether the name is a group.  Returns 0 or
 * MAILSLOT_EMALFORMED (also for negative answers and other ids).
 */
int mailslot__nbns_parse_answer(const unsigned char *buf, size_t len,
    uint16_t id, uint32_t *ip, int *group);

#endif
