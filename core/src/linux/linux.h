/*
 * Internal to the Linux backend: the slot directory, file names of slots,
 * and the one errno translation.
 */
#ifndef MAILSLOT_LINUX_H
#define MAILSLOT_LINUX_H

#include <stddef.h>
#include <sys/types.h>
#include <stdint.h>
#include <sys/un.h>

#include "mailslot.h"
#include "name.h"

/* The largest message the emulation carries (see README, "Limits"). */
#define MAILSLOT__POSIX_MAX_MESSAGE (256u * 1024u)

/* Paths of one slot's files inside the slot directory. */
typedef struct mailslot__slot_paths {
    char dir[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char sock[sizeof(((struct sockaddr_un *)0)->sun_path)];
    char info[sizeof(((struct sockaddr_un *)0)->sun_path)];
    /* The relay's socket in the same directory (relay.c, sink.c). */
    char relay[sizeof(((struct sockaddr_un *)0)->sun_path)];
} mailslot__slot_paths;

/*
 * Find (and, when CREATE, make with mode 0700) this user's slot directory:
 * $MAILSLOT_DIR, else $XDG_RUNTIME_DIR/mailslot, else /tmp/mailslot-<uid>.
 * Refuses a directory that is a symlink, not owned by the effective user,
 * or writable by group or others (MAILSLOT_EUNSAFE).  DIR gets the path.
 */
int mailslot__slot_dir(int create, char *dir, size_t cap);
/* The directory is checked once per process (and user and variables);
 * after an ENOENT in it, forget that so the next call checks again. */
void mailslot__slot_dir_forget(void);

/* Whether PATH is a real directory (not a symlink) owned by OWNER that
 * nobody else may write: 1 or 0, or -1 with errno when lstat() fails. */
int mailslot__dir_is_owners(const char *path, uid_t owner);

/* Resolve the directory and derive NAME's file names from its canonical
 * form (a hash, so length limits and odd characters never reach the file
 * system). */
int mailslot__slot_paths_for(const mailslot__name *name, int create,
    mailslot__slot_paths *out);
/* The same in the directory DIR (may be OUT->dir itself). */
int mailslot__slot_paths_in(const char *dir, const mailslot__name *name,
    mailslot__slot_paths *out);

/*
 * Shared slots (shared.c): slots other local users may write to live in
 * a system-wide directory, $MAILSLOT_SHARED_DIR or /run/mailslot, which
 * must be a real directory owned by root with the sticky bit (root's
 * first shared slot makes it, mode 01777, as does packaging/tmpfiles.d).
 * Each owner keeps its slots in a subdirectory of its own,
 * "u<uid>.<random>", owned by it and writable only by it, so nobody can
 * make, replace or remove another user's slot files; a subdirectory
 * that is not its named owner's is ignored.
 */
#define MAILSLOT__SHARED_DIR "/run/mailslot"
/* This user's subdirectory (made when missing): 0 or an error. */
int mailslot__shared_own_dir(char *dir, size_t cap);
/*
 * NAME's shared slots, live or not, lowest owner uid first: fills up to
 * MAX paths (and owners into UIDS); returns how many, or an error.  No
 * shared directory means none.
 */
int mailslot__shared_find(const mailslot__name *name,
    mailslot__slot_paths *out, uid_t *uids, int max);
/* mailslot_error_detail() about the shared directory, 0 if it is fine. */
size_t mailslot__shared_detail(int code, char *buf, size_t cap);
/* Give the reader's files to the writers ACCESS allows (a
 * MAILSLOT__ACCESS_* kind, with GROUP for _GROUP). */
int mailslot__shared_grant(const mailslot__slot_paths *paths, int access,
    const char *group);

/* What mailslot__lock_file() and mailslot__info_load() set errno to for
 * something that is not the kind of file they expect. */
#define MAILSLOT__ENOTREG ENODEV
/*
 * Create or open the regular file PATH (never through a symlink, never
 * blocking on a FIFO or a device) and take its exclusive lock, waiting for
 * it when WAIT: 0 with *FD the locked file, or MAILSLOT_EEXISTS (another
 * process holds it, and not WAIT), MAILSLOT_EUNSAFE (not a regular file)
 * or another error, with *FD -1.
 */
int mailslot__lock_file(const char *path, int *fd, int wait);
/*
 * Lock DIR's "names.lock" (made when missing), waiting for it: the
 * returned descriptor holds the lock until closed; or an error.  Held
 * while a dead reader's files or a dead process's doorbell are removed,
 * so two processes never remove each other's new ones.
 */
int mailslot__names_lock(const char *dir, int *fd);
/*
 * Whether a datagram socket is bound at PATH: 1 (a live reader or
 * doorbell), 0 (a file left by a process that died, or none), or -1 with
 * errno.  PROBE is an unconnected datagram socket, or -1 for a new one.
 */
int mailslot__socket_live(int probe, const char *path);

/* A slot's info (info.c): what its reader tells writers. */
#define MAILSLOT__INFO_MAX 440
#define MAILSLOT__TOKEN 16
typedef struct mailslot__info {
    uint32_t max_size;      /* 0: any */
    uint64_t ring;          /* what a ring says (drainer.c) */
    char bell[32];          /* the doorbell's file in the slot's directory */
    int bundles;            /* the reader takes bundles (batch.c) */
    unsigned char token[MAILSLOT__TOKEN]; /* ... that begin with this */
    char display[MAILSLOT__NAME_MAX + 1];
} mailslot__info;
int mailslot__info_format(char *buf, size_t cap, const mailslot__info *in);
int mailslot__info_parse(const char *s, size_t len, mailslot__info *out);
/*
 * Read the info at PATH (relative to DIRFD): 0, or -1 with errno: ENOENT
 * (none), MAILSLOT__ENOTREG (not a symlink), ELOOP (a symlink that is not
 * an info).
 */
int mailslot__info_load(int dirfd, const char *path, mailslot__info *out);
/* The address of the doorbell INFO names, in the slot directory DIR: 0
 * or an error (a path too long). */
int mailslot__info_bell(const char *dir, const mailslot__info *info,
    struct sockaddr_un *sa);
/* A new token for a reader's bundles (batch.c): unlike any message a
 * program would send, by chance or by copying another slot's.  A key
 * drawn once per process, mixed with a counter: no system call per
 * slot. */
void mailslot__info_token(unsigned char out[MAILSLOT__TOKEN]);
/* Make the info at PATH, replacing one a dead reader left: 0,
 * MAILSLOT_EUNSAFE (something else is there) or another error. */
int mailslot__info_publish(const char *path, const mailslot__info *in);

/*
 * The relay ("mailslot bridge") sends from a socket bound to this file in
 * the slot directory.  Only the directory's owner (and root) can create
 * it, so a datagram whose sender address is this path carries an origin
 * header the reader may believe (sink.c writes it, recv.c parses it).
 */
#define MAILSLOT__RELAY_SOCK "relay.sock"
#define MAILSLOT__RELAY_LOCK "relay.lock"
#define MAILSLOT__ORIGIN_WIRE 74

void mailslot__origin_pack(const mailslot_origin *o,
    unsigned char out[MAILSLOT__ORIGIN_WIRE]);
/* Fill O (a full-size struct) from IN; 0, or -1 when IN is not a header. */
int mailslot__origin_unpack(const unsigned char *in, size_t len,
    mailslot_origin *o);
/* Set O (if not NULL) from the header META of MLEN bytes, or to "a local
 * writer" when MLEN is 0. */
void mailslot__origin_set(mailslot_origin *o, const unsigned char *meta,
    size_t mlen);

/*
 * Receive one datagram from SOCK into BUF (CAP bytes) and, what does not
 * fit there, into SPILL (SPILL_CAP bytes): one recvmsg(), so a message
 * that fits BUF is copied once.  Returns the datagram's size (MSG_TRUNC:
 * more than CAP + SPILL_CAP when it was cut), or -1 with errno.  *SKIP
 * gets the length of a relay's origin header at the front of the
 * datagram, or 0 for a local writer's message.  RELAY_PATH is the slot
 * directory's relay socket; local writers are unbound, so telling them
 * from the relay costs a length check.
 */
ssize_t mailslot__recv_message(int sock, void *buf, size_t cap, void *spill,
    size_t spill_cap, const char *relay_path, const unsigned char *token,
    int flags, size_t *skip);
/*
 * A bundle (batch.c): several small messages a writer's write_many() sent
 * as one datagram, which begins with the reader's token (TOKEN above;
 * NULL: the reader takes none).  Its SKIP is MAILSLOT__BUNDLE; it is
 * never given to a caller as it is, but queued message by message
 * (mailslot__reader_queue()).
 */
#define MAILSLOT__BUNDLE ((size_t)-1)
/* A bundle holds at most this many messages, of this many bytes in all
 * (its header included); a reader takes bundles only when its limits are
 * at least MAILSLOT__BUNDLE_LIMIT_* (reader.c). */
#define MAILSLOT__BUNDLE_MSGS 64u
#define MAILSLOT__BUNDLE_BYTES 32768u
#define MAILSLOT__BUNDLE_LIMIT_MSGS 4096u
#define MAILSLOT__BUNDLE_LIMIT_BYTES (4u * 1024u * 1024u)
/*
 * Several datagrams in one system call (recvmmsg): datagram I lands in
 * RX[I].buf and, past its CAP, in RX[I].spill (none when SPILL_CAP is 0).
 * Receives at most COUNT (and at most MAILSLOT__RX_BATCH); returns how
 * many, each with its LEN (MSG_TRUNC: the whole size) and SKIP as for
 * mailslot__recv_message(), or -1 with errno.
 */
#define MAILSLOT__RX_BATCH 16
typedef struct mailslot__rx {
    void *buf;
    size_t cap;
    void *spill;
    size_t spill_cap;
    size_t len;
    size_t skip;
} mailslot__rx;
int mailslot__recv_batch(int sock, mailslot__rx *rx, unsigned count,
    const char *relay_path, const unsigned char *token, int flags);
/* Make the N-byte datagram received into BUF (CAP bytes) and SPILL whole
 * at the start of SPILL (N at most SPILL's size). */
void mailslot__recv_gather(const void *buf, size_t cap, void *spill,
    size_t n);

/*
 * Remote writers (remote.c): a NetBIOS datagram sender for "\\host\...",
 * "\\domain\..." and "\\*\..." names.  Open decides where datagrams go;
 * each write builds and sends one datagram per destination.
 */
typedef struct mailslot__remote mailslot__remote;
int mailslot__remote_open(const mailslot__name *name,
    const mailslot_options *opts, mailslot__remote **out);
int mailslot__remote_write(mailslot__remote *rm, const void *data,
    size_t len);
void mailslot__remote_free(mailslot__remote *rm);

/*
 * Translate errno value ERR to a library error code and record it as the
 * last OS error.  The only place the backend maps errno.
 */
int mailslot__os_fail(int err);

#endif
