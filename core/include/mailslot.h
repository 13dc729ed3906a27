/*
 * mailslot.h -- the whole public API of the mailslot library.
 *
 * A mailslot is a one-way, message-oriented channel: one process creates
 * it (the reader) and reads whole messages from it, first in, first out;
 * any number of processes open it (writers) and write messages to it.
 * On Windows this is a thin layer over the native mailslot API; on Linux
 * and other POSIX systems the library emulates it with the same observable
 * behaviour.
 *
 * Conventions used throughout:
 *  - Functions that can fail return 0 on success or one of the negative
 *    MAILSLOT_E* codes below.  Constructors hand the new handle back through
 *    an out-parameter, which is set to NULL on failure.
 *  - Text (names, messages given as text) is UTF-8 unless a function ends
 *    in _w, in which case it is NUL-terminated UTF-16 (uint16_t units, the
 *    same layout as Windows' wchar_t).
 *  - Timeouts are int32_t milliseconds: 0 = do not wait, -1 = wait forever.
 *    MAILSLOT_TIMEOUT_DEFAULT (-2) in a read means "the reader's timeout".
 *  - The caller owns every buffer it passes.  Memory the library allocates
 *    for the caller is released with mailslot_free(), never with free().
 *  - Handles are created non-inheritable (close-on-exec).
 *  - The library keeps no global state, prints nothing and never aborts.
 *
 * Thread safety: one handle may be used from several threads.  Calls on one
 * reader are serialised internally, except that mailslot_reader_close() may
 * be called from another thread while a read is blocked: the read wakes up
 * and fails with MAILSLOT_ECLOSED.  Freeing a handle (mailslot_*_free) while
 * another thread still uses it is a caller error.
 */
#ifndef MAILSLOT_H
#define MAILSLOT_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* ---------------------------------------------------------------------- */
/* Linkage and calling convention                                         */
/* ---------------------------------------------------------------------- */

/*
 * MAILSLOT_CALL is the calling convention of every function.  On 32-bit
 * Windows it is __stdcall (WINAPI), so that AutoHotkey, AutoIt and VBA can
 * call the DLL with their default conventions; elsewhere it is empty.
 */
#if defined(_WIN32) && !defined(_WIN64)
#define MAILSLOT_CALL __stdcall
#else
#define MAILSLOT_CALL
#endif

#if defined(_WIN32) && defined(MAILSLOT_SHARED_BUILD)
#define MAILSLOT_API __declspec(dllexport)
#elif defined(_WIN32) && defined(MAILSLOT_SHARED)
#define MAILSLOT_API __declspec(dllimport)
#elif defined(__GNUC__)
#define MAILSLOT_API __attribute__((visibility("default")))
#else
#define MAILSLOT_API
#endif

/* ---------------------------------------------------------------------- */
/* Version                                                                */
/* ---------------------------------------------------------------------- */

#define MAILSLOT_VERSION_MAJOR 0
#define MAILSLOT_VERSION_MINOR 1
#define MAILSLOT_VERSION_PATCH 0
#define MAILSLOT_VERSION_STRING "0.1.0"
/* MAJOR * 10000 + MINOR * 100 + PATCH. */
#define MAILSLOT_VERSION_NUMBER                                              \
    (MAILSLOT_VERSION_MAJOR * 10000 + MAILSLOT_VERSION_MINOR * 100 +         \
     MAILSLOT_VERSION_PATCH)

/* The version of the library actually linked, as "MAJOR.MINOR.PATCH". */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_version(void);
/* The same as a number, MAJOR * 10000 + MINOR * 100 + PATCH. */
MAILSLOT_API int MAILSLOT_CALL mailslot_version_number(void);

/* ---------------------------------------------------------------------- */
/* Errors                                                                 */
/* ---------------------------------------------------------------------- */

/*
 * The one list of error codes: X(SUFFIX, number, "short_name", "message").
 * Numbers are the same on every platform.  New codes are added at the end;
 * existing numbers never change.
 */
#define MAILSLOT_ERROR_MAP(X)                                                \
    X(INVAL, -1, "invalid_argument", "invalid argument")                     \
    X(NAME, -2, "invalid_name", "invalid mailslot name")                     \
    X(NOTFOUND, -3, "not_found", "no mailslot of that name exists")          \
    X(EXISTS, -4, "exists", "a mailslot of that name already exists")        \
    X(TIMEOUT, -5, "timeout", "timed out")                                   \
    X(TOOBIG, -6, "too_big", "message is too big for the mailslot")          \
    X(BUFFER, -7, "buffer_too_small",                                        \
      "buffer too small for the next message (message kept)")                \
    X(FULL, -8, "full", "mailslot queue is full")                            \
    X(CLOSED, -9, "closed", "the handle is closed")                          \
    X(GONE, -10, "reader_gone", "the reader of the mailslot has gone")       \
    X(NOTSUP, -11, "not_supported", "not supported on this platform")        \
    X(NOMEM, -12, "no_memory", "out of memory")                              \
    X(ENCODING, -13, "encoding", "invalid text for the encoding")            \
    X(ACCESS, -14, "access_denied", "permission denied")                     \
    X(UNSAFE, -15, "unsafe_directory",                                       \
      "slot directory is unsafe: not a directory, not owned by this user, "  \
      "or writable by others")                                               \
    X(INTR, -16, "interrupted", "interrupted by a signal")                   \
    X(REMOTEOFF, -17, "remote_disabled",                                     \
      "remote mailslots are disabled on this system; enable them with "      \
      "Set-SmbClientConfiguration -EnableMailslots $true or the \"Enable "   \
      "remote mailslots\" policy")                                           \
    X(NETWORK, -18, "network", "network error")                              \
    X(OS, -19, "os_error", "unexpected operating system error")              \
    X(MALFORMED, -20, "malformed", "malformed network datagram")             \
    X(NOTADDRESSED, -21, "not_addressed",                                    \
      "datagram is addressed to another NetBIOS name")                       \
    X(FILES, -22, "too_many_files",                                          \
      "too many open files (the process's or the system's limit)")

enum mailslot_error {
    MAILSLOT_OK = 0,
#define MAILSLOT__ENUM(suffix, num, name, msg) MAILSLOT_E##suffix = (num),
    MAILSLOT_ERROR_MAP(MAILSLOT__ENUM)
#undef MAILSLOT__ENUM
    MAILSLOT_ERROR_LAST_ = -21
};

/* A readable message for a code ("unknown error" for unknown codes). */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_strerror(int code);
/* The stable short name of a code ("ok" for 0, "unknown" if unknown). */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_errname(int code);
/* The code for a short name, or 1 (not a valid code) if unknown. */
MAILSLOT_API int MAILSLOT_CALL mailslot_errcode(const char *errname);
/*
 * The raw operating-system error (errno on POSIX, GetLastError() on
 * Windows) recorded by the last failing call of this thread, for
 * diagnostics; 0 when the failure did not come from the OS.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_last_os_error(void);

/*
 * More about error CODE where this machine can say more, looked up now:
 * for MAILSLOT_EUNSAFE, which path is wrong, its owner and how to fix it.
 * Writes a NUL-terminated sentence into BUF (CAP bytes, cut to fit) and
 * returns its full length, or 0 when there is nothing to add (BUF gets
 * ""); BUF may be NULL with CAP 0 to learn the length.
 */
MAILSLOT_API size_t MAILSLOT_CALL mailslot_error_detail(int code, char *buf,
    size_t cap);

/* ---------------------------------------------------------------------- */
/* Constants (with runtime twins for FFI users)                           */
/* ---------------------------------------------------------------------- */

#define MAILSLOT_TIMEOUT_FOREVER (-1)
#define MAILSLOT_TIMEOUT_DEFAULT (-2)
/*
 * info.next_size (and mailslot_next_size()) when no message is queued.
 * Not called MAILSLOT_NO_MESSAGE: <winbase.h> defines that name as
 * ((DWORD)-1), and a program that includes <windows.h> after this header
 * would silently compare with the wrong value.
 */
#define MAILSLOT_NEXT_NONE (-1)

MAILSLOT_API int32_t MAILSLOT_CALL mailslot_timeout_forever(void);
MAILSLOT_API int32_t MAILSLOT_CALL mailslot_timeout_default(void);
MAILSLOT_API int64_t MAILSLOT_CALL mailslot_no_message(void);
/* The largest local message this platform carries, in bytes. */
MAILSLOT_API size_t MAILSLOT_CALL mailslot_max_message_size(void);
/* The longest accepted name, in UTF-8 bytes of the whole name. */
MAILSLOT_API size_t MAILSLOT_CALL mailslot_max_name_length(void);
/* sizeof(mailslot_options) and sizeof(mailslot_info), for FFI users. */
MAILSLOT_API size_t MAILSLOT_CALL mailslot_options_size(void);
MAILSLOT_API size_t MAILSLOT_CALL mailslot_info_size(void);
/*
 * Where a field lies in its struct, for FFI users that fill or read the
 * structs by hand (AutoHotkey's NumPut and NumGet): FIELD is
 * "options.NAME", "info.NAME", "rmsg.NAME" or "wmsg.NAME" with NAME a
 * member of that struct ("options.max_message_size", "info.next_size",
 * "rmsg.len", ...), as UTF-8.  Returns the byte offset, or MAILSLOT_EINVAL for an unknown field.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_field_offset(const char *field);

/* ---------------------------------------------------------------------- */
/* Options                                                                */
/* ---------------------------------------------------------------------- */

/*
 * Options for mailslot_create() and mailslot_open().  The first field is
 * the size of the struct as the caller knows it, so the struct can grow
 * without breaking old callers.  Initialise with MAILSLOT_OPTIONS_INIT or
 * mailslot_options_init().  A NULL options pointer means the defaults.
 */
typedef struct mailslot_options {
    size_t size;               /* sizeof(mailslot_options) */
    uint32_t max_message_size; /* reader: largest message, 0 = any */
    int32_t read_timeout_ms;   /* reader: default read timeout, 0 = poll */
    int32_t write_timeout_ms;  /* writer: wait for room when full; -1 = forever */
    uint32_t queue_limit_msgs; /* reader: queued messages cap, 0 = default */
    uint64_t queue_limit_bytes; /* reader: queued bytes cap, 0 = default */
    /*
     * Remote writers ("\\host\mailslot\x", "\\domain\...", "\\*\...";
     * POSIX, where the library speaks the protocol itself).  NULL or 0
     * means the environment variable in brackets, then the default.
     */
    const char *netbios_name;  /* we send as [MAILSLOT_NETBIOS_NAME];
                                  default: the host name's first label */
    const char *workgroup;     /* "\\*\" goes to [MAILSLOT_WORKGROUP];
                                  default "WORKGROUP" */
    const char *broadcast;     /* [MAILSLOT_BROADCAST]: interface names or
                                  IPv4 broadcast addresses, comma-separated;
                                  default: every up broadcast interface */
    const char *netbios_scope; /* [MAILSLOT_NETBIOS_SCOPE]; default none */
    uint32_t remote_port;      /* [MAILSLOT_REMOTE_PORT]; default 138 */
    int32_t encoding;          /* reader: what its writers send, for text
                                  reads (mailslot_read_text_alloc); a
                                  MAILSLOT_ENC_* value, default AUTO (0) */
    const char *access;        /* reader: who may write.  NULL or "user":
                                  this user only (POSIX; Windows: its
                                  default).  "all": every local user, as
                                  Windows allows.  "group:NAME" (or
                                  "group:GID"): that group's members and
                                  this user (POSIX only).  See "Shared
                                  slots" in README. */
} mailslot_options;

#define MAILSLOT_DEFAULT_WRITE_TIMEOUT_MS 5000
#define MAILSLOT_DEFAULT_QUEUE_MSGS 1048576u
#define MAILSLOT_DEFAULT_QUEUE_BYTES (64u * 1024u * 1024u)

#define MAILSLOT_OPTIONS_INIT                                                \
    { sizeof(mailslot_options), 0, 0, MAILSLOT_DEFAULT_WRITE_TIMEOUT_MS, 0,    \
      0, NULL, NULL, NULL, NULL, 0, 0, NULL }

/* Fill *opts with the defaults (the runtime twin of MAILSLOT_OPTIONS_INIT). */
MAILSLOT_API void MAILSLOT_CALL mailslot_options_init(mailslot_options *opts);

/* ---------------------------------------------------------------------- */
/* Reader (Windows calls it the mailslot server)                          */
/* ---------------------------------------------------------------------- */

typedef struct mailslot_reader mailslot_reader;

/*
 * Create the mailslot NAME and become its only reader.
 * NAME: a local name, "\\.\mailslot\a\b" or the short form "a\b" / "a/b".
 * Errors: MAILSLOT_ENAME (bad or remote name), MAILSLOT_EEXISTS (a live
 * reader has that name), MAILSLOT_EUNSAFE (slot directory not safe, POSIX),
 * MAILSLOT_EACCESS, MAILSLOT_ENOMEM, MAILSLOT_EOS.
 * The name is freed when the reader is closed or its process dies.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_create(const char *name,
    const mailslot_options *opts, mailslot_reader **out);
MAILSLOT_API int MAILSLOT_CALL mailslot_create_w(const uint16_t *name,
    const mailslot_options *opts, mailslot_reader **out);

/*
 * Read the next message into BUF (CAP bytes).  On success *LEN is the size
 * of the message (0 for an empty message, which is a real message).
 * TIMEOUT_MS: 0 poll, -1 forever, MAILSLOT_TIMEOUT_DEFAULT the reader's.
 * Errors: MAILSLOT_ETIMEOUT (no message in time), MAILSLOT_EBUFFER (CAP is
 * smaller than the message: *LEN is set to the needed size, the message
 * stays queued and the contents of BUF are unspecified), MAILSLOT_ECLOSED,
 * MAILSLOT_EINTR (a signal arrived while waiting; nothing was consumed),
 * MAILSLOT_EINVAL, MAILSLOT_ENOMEM (the reader could not queue messages
 * it had taken from the system for want of memory: they are lost; the
 * error is reported once, by the read after the loss, which takes
 * nothing).
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_read(mailslot_reader *r, void *buf,
    size_t cap, size_t *len, int32_t timeout_ms);

/*
 * Like mailslot_read(), but the library allocates a buffer of the exact
 * size (at least 1 byte, so an empty message has a non-NULL pointer).
 * Release *DATA with mailslot_free().  On failure *DATA is NULL.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_read_alloc(mailslot_reader *r,
    void **data, size_t *len, int32_t timeout_ms);

/*
 * Batches: many whole messages per call.  One message of a batch read is
 * a buffer the caller owns (BUF, CAP bytes) and the size of the message
 * that landed in it (LEN); one message of a batch write is DATA, LEN
 * bytes.  Like struct iovec these never grow: their layout is fixed.
 */
typedef struct mailslot_rmsg {
    void *buf;   /* where the message goes (may be NULL when CAP is 0) */
    size_t cap;  /* bytes at BUF */
    size_t len;  /* out: the message's size (0 for an empty message) */
} mailslot_rmsg;

typedef struct mailslot_wmsg {
    const void *data; /* the message (may be NULL when LEN is 0) */
    size_t len;       /* its size; 0 is an empty message */
} mailslot_wmsg;

/*
 * Read up to MAX messages in one call, each into its own buffer
 * MSGS[i].BUF (MSGS[i].CAP bytes), oldest first; *COUNT gets how many
 * were read (MSGS[0..*COUNT-1].LEN their sizes).  The call waits up to
 * TIMEOUT_MS (as mailslot_read(): 0 poll, -1 forever,
 * MAILSLOT_TIMEOUT_DEFAULT the reader's) for the FIRST message only, then
 * takes what is already queued, without waiting, up to MAX.  Messages
 * keep their boundaries and their order, an empty message included, and
 * nothing is lost or reordered between single and batch reads.
 *
 * Returns 0 with *COUNT >= 1, or the error the first message met, with
 * *COUNT 0 and nothing consumed: MAILSLOT_ETIMEOUT, MAILSLOT_EBUFFER
 * (MSGS[0].CAP is too small: MSGS[0].LEN is set to the size needed and
 * the message stays queued, exactly as mailslot_read()), MAILSLOT_ECLOSED,
 * MAILSLOT_EINTR, MAILSLOT_ENOMEM (as mailslot_read()).  A batch never
 * fails once it has a message: it stops early, returning what it has,
 * when the next message does not fit its buffer (that message stays
 * queued, and MSGS[*COUNT].LEN is set to its size, more than its CAP, so
 * the caller can size a buffer; the next call reports MAILSLOT_EBUFFER
 * for it if the buffer is still small) or when any other condition
 * arises, which the next call then reports.  The contents of buffers
 * past *COUNT are unspecified, and so are their LEN fields but for that
 * one.
 * MAILSLOT_EINVAL, with nothing read: R or MSGS NULL, MAX 0, a buffer
 * NULL with a non-zero CAP, a bad timeout.
 *
 * Linux takes the messages the reader has queued first, then the
 * socket's in batches of recvmmsg(), each received straight into its
 * buffer; Windows reads them one by one (ReadFile) inside the library.
 * Thread safety as mailslot_read(): the messages of one call are in
 * order; calls from several threads on one reader may interleave.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_read_many(mailslot_reader *r,
    mailslot_rmsg *msgs, size_t max, size_t *count, int32_t timeout_ms);

typedef struct mailslot_info {
    size_t size;               /* sizeof(mailslot_info), set by the caller */
    uint32_t max_message_size; /* 0 = any */
    int64_t next_size;         /* MAILSLOT_NEXT_NONE (-1) when empty */
    uint32_t count;            /* messages queued, exact */
    int32_t read_timeout_ms;   /* the reader's default timeout */
} mailslot_info;

/* State of the reader; set info->size = sizeof *info before the call. */
MAILSLOT_API int MAILSLOT_CALL mailslot_get_info(mailslot_reader *r,
    mailslot_info *info);
/* Scalar twins for FFI callers: next size (-1 none) and count; <0 errors. */
MAILSLOT_API int64_t MAILSLOT_CALL mailslot_next_size(mailslot_reader *r);
MAILSLOT_API int64_t MAILSLOT_CALL mailslot_count(mailslot_reader *r);

/* The reader's text encoding (a MAILSLOT_ENC_* value), or < 0 errors. */
MAILSLOT_API int MAILSLOT_CALL mailslot_reader_encoding(mailslot_reader *r);

/* For mailslot_read_text_alloc(): the reader's own encoding. */
#define MAILSLOT_ENC_READER (-1)

/*
 * Read the next message as text: mailslot_read_alloc(), then decode it
 * (mailslot_decode()) with ENCODING, or with the reader's encoding (the
 * option "encoding", AUTO unless the reader said what its writers send)
 * when ENCODING is MAILSLOT_ENC_READER.  FLAGS: MAILSLOT_TEXT_STRICT or 0.
 * *TEXT gets UTF-8 text (NUL-terminated, *LEN bytes without the NUL);
 * release it with mailslot_free().  When strict decoding fails the call
 * returns MAILSLOT_EENCODING and *TEXT holds the message's raw bytes
 * instead (*LEN of them), so the message is never lost; see
 * mailslot_decode_error().  Other errors as mailslot_read_alloc(), plus
 * MAILSLOT_EINVAL for a bad encoding or flag.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_read_text_alloc(mailslot_reader *r,
    char **text, size_t *len, int32_t timeout_ms, int encoding, int flags);

/* Change the reader's default read timeout (ms, 0 poll, -1 forever). */
MAILSLOT_API int MAILSLOT_CALL mailslot_set_timeout(mailslot_reader *r,
    int32_t timeout_ms);

/*
 * A descriptor for event loops (an fd on POSIX, a waitable event HANDLE on
 * Windows, stored in *FD).  It is readable (signalled) while at least one
 * message is queued; after being woken, call mailslot_read() with timeout 0.
 * On Windows it is a manual-reset event: a read that finds nothing resets
 * it, so it may be set a moment after a message arrives and, rarely, stay
 * set for a message a concurrent read has just taken (then the read with
 * timeout 0 reports MAILSLOT_ETIMEOUT; wait again).
 * It stays owned by the reader: do not close it.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_reader_fd(mailslot_reader *r,
    intptr_t *fd);

/*
 * Windows: post the window message MSG to the window HWND (an HWND given
 * as an integer) when messages arrive, so a GUI program or an AutoHotkey
 * script (OnMessage) reacts without polling.  WPARAM is the number of
 * queued messages, LPARAM is R.  A message is posted when the queue
 * becomes non-empty, when notification starts with messages queued, and
 * again after each read that leaves messages queued; a handler should
 * read with timeout 0 until MAILSLOT_ETIMEOUT.  HWND 0 stops it; closing
 * the reader stops it too.  Posting happens on a library thread.
 * Errors: MAILSLOT_EINVAL (HWND is not a window), MAILSLOT_ECLOSED,
 * MAILSLOT_ENOTSUP (POSIX, which has no window messages).
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_notify_window(mailslot_reader *r,
    intptr_t hwnd, uint32_t msg);

/*
 * The reader's display name: its full form with the case kept as given
 * ("inbox" gives "\\.\mailslot\inbox"), UTF-8.  Valid until free.
 */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_reader_name(
    const mailslot_reader *r);

/*
 * Close the reader: unread messages are discarded, the name is freed, and
 * any read blocked in another thread wakes with MAILSLOT_ECLOSED.  Later
 * calls on R fail with MAILSLOT_ECLOSED.  Idempotent; R may be NULL.
 * The handle's memory stays valid until mailslot_reader_free().
 */
MAILSLOT_API void MAILSLOT_CALL mailslot_reader_close(mailslot_reader *r);
/* Close (if still open) and release the handle.  R may be NULL. */
MAILSLOT_API void MAILSLOT_CALL mailslot_reader_free(mailslot_reader *r);

/* ---------------------------------------------------------------------- */
/* Writer (Windows calls it the mailslot client)                          */
/* ---------------------------------------------------------------------- */

typedef struct mailslot_writer mailslot_writer;

/*
 * Open the mailslot NAME for writing.  Local names need a live reader
 * (else MAILSLOT_ENOTFOUND).  Remote names ("\\host\mailslot\x",
 * "\\domain\mailslot\x", "\\*\mailslot\x") need no reader: each write is
 * one NetBIOS datagram to UDP 138, unicast to a host, broadcast for a
 * domain or "*" (the options' network fields configure it; see
 * docs/network.md).  Remote errors: MAILSLOT_ENOTFOUND (the host name
 * does not resolve), MAILSLOT_ENETWORK (no interface to broadcast on),
 * MAILSLOT_EREMOTEOFF (Windows with remote mailslots disabled).
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_open(const char *name,
    const mailslot_options *opts, mailslot_writer **out);
MAILSLOT_API int MAILSLOT_CALL mailslot_open_w(const uint16_t *name,
    const mailslot_options *opts, mailslot_writer **out);

/*
 * Write one message of LEN bytes (0 is allowed).  Whole or nothing.
 * Errors: MAILSLOT_ETOOBIG (over the reader's max size, the platform
 * limit, or for a remote name the protocol's limit of 432 bytes minus the
 * name length after "\mailslot\" rounded up to 4 -- 424 for 5 to 8
 * bytes; nothing sent), MAILSLOT_ENETWORK (a remote datagram could not be
 * sent), MAILSLOT_EFULL (the queue stayed full for the
 * write timeout; nothing sent), MAILSLOT_EGONE (the reader went away),
 * MAILSLOT_ECLOSED, MAILSLOT_EINVAL.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_write(mailslot_writer *w,
    const void *data, size_t len);

/*
 * Write COUNT messages, MSGS[0] first, each one whole, as COUNT calls of
 * mailslot_write() would: the same checks, waits for room and errors, in
 * order.  *WRITTEN (may be NULL) gets how many were written: COUNT on
 * success; on an error, the number written before the message that
 * failed, which (like every later one) was not sent, and the call returns
 * that message's error (MAILSLOT_ETOOBIG, MAILSLOT_EFULL, MAILSLOT_EGONE,
 * MAILSLOT_ECLOSED, MAILSLOT_ENETWORK, MAILSLOT_EINTR, ...).  COUNT 0
 * writes nothing and succeeds.  MAILSLOT_EINVAL, with nothing sent: W or
 * MSGS NULL, or any message with DATA NULL and LEN non-zero.
 * Linux sends with sendmmsg() while the reader's queue has room and,
 * for the rest of a batch it cannot take at once, falls back to the
 * single-write path (waiting for room, waking the reader's drain
 * thread).  Windows and remote names write one by one.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_write_many(mailslot_writer *w,
    const mailslot_wmsg *msgs, size_t count, size_t *written);

/*
 * Change how long later writes wait for room in a full queue (as
 * options.write_timeout_ms: milliseconds, 0 = do not wait, -1 = forever).
 * Remote names never wait.  Errors: MAILSLOT_EINVAL.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_writer_set_timeout(mailslot_writer *w,
    int32_t timeout_ms);
/* The writer's current write timeout, or MAILSLOT_EINVAL for NULL. */
MAILSLOT_API int32_t MAILSLOT_CALL mailslot_writer_timeout(mailslot_writer *w);

/* Close the writer.  Idempotent; W may be NULL.  Memory stays until free.
 * Close wakes a write another thread has in progress; free closes the
 * writer too and releases it, so no call on W may be in progress then. */
MAILSLOT_API void MAILSLOT_CALL mailslot_writer_close(mailslot_writer *w);
MAILSLOT_API void MAILSLOT_CALL mailslot_writer_free(mailslot_writer *w);

/* Open NAME, write one message, close.  Errors of open and write. */
MAILSLOT_API int MAILSLOT_CALL mailslot_send(const char *name,
    const void *data, size_t len);
MAILSLOT_API int MAILSLOT_CALL mailslot_send_w(const uint16_t *name,
    const void *data, size_t len);

/*
 * List this user's live local slots (POSIX: the slot directory; Windows:
 * not supported).  *OUT gets a newly allocated string of display names,
 * each followed by '\n' (names never contain control characters), to be
 * released with mailslot_free(); *COUNT (if not NULL) the number of names.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_list(char **out, size_t *count);

/* ---------------------------------------------------------------------- */
/* Names                                                                  */
/* ---------------------------------------------------------------------- */

enum mailslot_name_kind {
    MAILSLOT_NAME_LOCAL = 1,     /* \\.\mailslot\... or the short form */
    MAILSLOT_NAME_REMOTE = 2,    /* \\host\mailslot\... or \\domain\... */
    MAILSLOT_NAME_BROADCAST = 3  /* \\*\mailslot\... */
};

/*
 * Check NAME and write its canonical form to BUF (CAP bytes, NUL added):
 * "\\.\mailslot\" (or "\\HOST\mailslot\", "\\*\mailslot\") followed by the
 * path upper-cased the Windows way (simple upper-casing over the BMP) with
 * '\' separators.  Two names are the same slot when their canonical forms
 * are equal.  Returns the kind (> 0) or MAILSLOT_ENAME / MAILSLOT_EINVAL;
 * *LEN (if not NULL) gets the canonical length without the NUL, also when
 * BUF is too small (then MAILSLOT_EBUFFER).
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_name_canonical(const char *name,
    char *buf, size_t cap, size_t *len);
MAILSLOT_API int MAILSLOT_CALL mailslot_name_canonical_w(const uint16_t *name,
    char *buf, size_t cap, size_t *len);

/* ---------------------------------------------------------------------- */
/* Text                                                                   */
/* ---------------------------------------------------------------------- */

enum mailslot_encoding {
    MAILSLOT_ENC_AUTO = 0,     /* decoding only: guess (see decode) */
    MAILSLOT_ENC_UTF8 = 1,
    MAILSLOT_ENC_UTF16LE = 2,
    MAILSLOT_ENC_ANSI = 3,     /* Windows: active code page; POSIX: 1252 */
    MAILSLOT_ENC_CP1252 = 4    /* windows-1252 on every platform */
};

/* Flags for encode and decode. */
#define MAILSLOT_TEXT_NUL 1     /* encode: append a NUL terminator */
#define MAILSLOT_TEXT_STRICT 2  /* decode: fail on invalid input */

/*
 * The encoding for a name, compared without regard to case, '-' and '_',
 * so Python's spellings work too: "auto"; "utf-8" ("utf8",
 * "utf_8", "u8"); "utf-16le" ("utf-16-le", "utf16le", "utf-16": always
 * little-endian, without BOM); "ansi" ("mbcs": the active code page on
 * Windows, windows-1252 elsewhere); "cp1252" ("windows-1252": windows-1252
 * everywhere).  Returns the enum value or MAILSLOT_EINVAL.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_encoding_from_name(const char *name);

/*
 * The canonical name of an encoding ("auto", "utf-8", "utf-16le", "ansi",
 * "cp1252"), a static string; "unknown" for any other value.  Bindings use
 * it so that every language names an encoding the same way.
 */
MAILSLOT_API const char *MAILSLOT_CALL mailslot_encoding_name(int encoding);

/*
 * Encode the UTF-8 TEXT (LEN bytes) into ENCODING (not AUTO) in OUT (CAP
 * bytes).  *OUTLEN gets the number of bytes written, or needed when OUT is
 * too small (MAILSLOT_EBUFFER; OUT may be NULL to measure).  No BOM is
 * written.  Errors: MAILSLOT_EENCODING (TEXT is not valid UTF-8, or a
 * character has no ANSI form), MAILSLOT_EINVAL.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_encode(const char *text, size_t len,
    int encoding, int flags, void *out, size_t cap, size_t *outlen);
/* The same from UTF-16 text of LEN units. */
MAILSLOT_API int MAILSLOT_CALL mailslot_encode_w(const uint16_t *text,
    size_t len, int encoding, int flags, void *out, size_t cap,
    size_t *outlen);

/*
 * Decode message bytes into UTF-8 text in OUT (CAP bytes, a NUL is added
 * when there is room; *OUTLEN excludes it).  OUT may be NULL (with CAP 0)
 * to measure: MAILSLOT_EBUFFER with *OUTLEN set to the size needed.
 *
 * ENCODING AUTO weighs the evidence for each of UTF-8, UTF-16LE and ANSI
 * (the active code page on Windows, windows-1252 elsewhere) and picks the
 * reading that is most plausible as text: a BOM (FF FE, EF BB BF)
 * decides; otherwise each reading is scored (controls, NULs, unassigned
 * and private-use code points, broken sequences, letters hopping between
 * scripts, rare ideographs and odd patterns cost; natural text is cheap;
 * see docs/text.md) and the cheapest wins, ties going to UTF-8, then
 * UTF-16LE.  UTF-16LE needs an even length.  It is the same algorithm on
 * every platform; very short messages (one or two characters) can still
 * be read wrong, so a reader that knows what its writers send should say
 * so instead of using AUTO.
 * All trailing NUL terminators (0 bytes, or 0 units for UTF-16) are
 * dropped; a NUL inside the text stays, so use *OUTLEN, not strlen.
 * Invalid input becomes U+FFFD (one per maximal invalid fragment) unless
 * MAILSLOT_TEXT_STRICT, which fails with MAILSLOT_EENCODING.
 * Other errors: MAILSLOT_EINVAL (unknown encoding or flag bits, NULL
 * pointers with non-zero sizes), MAILSLOT_ENOMEM (length overflow).
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_decode(const void *data, size_t len,
    int encoding, int flags, char *out, size_t cap, size_t *outlen);
/* The same, producing UTF-16 units (*OUTLEN in units, NUL added if room). */
MAILSLOT_API int MAILSLOT_CALL mailslot_decode_w(const void *data,
    size_t len, int encoding, int flags, uint16_t *out, size_t cap,
    size_t *outlen);

/*
 * Where strict decoding fails, for error messages that point at it (as
 * Python's UnicodeDecodeError does): 0 when DATA decodes in ENCODING
 * without error; MAILSLOT_EENCODING with [*START, *END) the byte offsets
 * in DATA of the first invalid part.  *USED (may be NULL) gets the
 * encoding applied (AUTO resolved).  MAILSLOT_EINVAL as mailslot_decode().
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_decode_error(const void *data,
    size_t len, int encoding, size_t *start, size_t *end, int *used);

/*
 * Where encoding fails: 0 when the UTF-8 TEXT encodes in ENCODING;
 * MAILSLOT_EENCODING with [*START, *END) the byte offsets in TEXT of the
 * first part that is not valid UTF-8 or has no form in ENCODING.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_encode_error(const char *text,
    size_t len, int encoding, size_t *start, size_t *end);

/*
 * Which encoding AUTO picks for DATA: one of the MAILSLOT_ENC_* values
 * other than AUTO (MAILSLOT_EINVAL for DATA NULL with LEN > 0).
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_detect_encoding(const void *data,
    size_t len);

/*
 * Why AUTO picks what it picks, for tools that show the guess
 * ("mailslot listen --inspect").  Set d->size = sizeof *d first.
 */
typedef struct mailslot_detection {
    size_t size;       /* sizeof(mailslot_detection), set by the caller */
    int encoding;      /* the pick: MAILSLOT_ENC_UTF8, _UTF16LE or _ANSI */
    int64_t cost[4];   /* by MAILSLOT_ENC_* (index 0 unused): each
                          reading's cost in 1/100 bit, lower is more
                          plausible; -1 when the reading is impossible or
                          was not needed (a BOM, empty data) */
    const char *reason; /* static English text, e.g. "the lowest cost" */
} mailslot_detection;

/* sizeof(mailslot_detection), for FFI users. */
MAILSLOT_API size_t MAILSLOT_CALL mailslot_detection_size(void);

/*
 * mailslot_detect_encoding() with its reasons in *D (every possible
 * reading scored to the end).  Returns the pick, or MAILSLOT_EINVAL for
 * DATA NULL with LEN > 0, D NULL or a wrong d->size.  Thread-safe.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_detect_encoding_ex(const void *data,
    size_t len, mailslot_detection *d);

/* ---------------------------------------------------------------------- */
/* Network origin of a message, and the relay behind "mailslot bridge"    */
/* ---------------------------------------------------------------------- */

/*
 * Where a message came from.  Set origin->size = sizeof *origin before
 * the call.  Local writers leave everything but SIZE zero; a message that
 * "mailslot bridge" (a relay, below) took off the network carries the
 * NetBIOS datagram's names and the sender's address.  Only processes that
 * may create files in the reader's slot directory (its owner and root)
 * can pose as the relay; see docs/network.md.  Nothing in a datagram is
 * authenticated: these fields say what the sender claimed.
 */
typedef struct mailslot_origin {
    size_t size;               /* sizeof(mailslot_origin), set by caller */
    int remote;                /* 1 came through a relay, 0 local writer */
    uint8_t datagram_type;     /* 0x10 unique, 0x11 group, 0x12 broadcast */
    uint8_t source_suffix;     /* NetBIOS suffix of source_name */
    uint8_t dest_suffix;       /* NetBIOS suffix of dest_name */
    char source_name[16];      /* sender's NetBIOS name, no padding, NUL */
    char dest_name[16];        /* the name it was sent to, no padding, NUL */
    char source_addr[16];      /* UDP source address, dotted IPv4, NUL */
    uint16_t source_port;      /* UDP source port */
    char header_addr[16];      /* SOURCE_IP in the datagram header */
} mailslot_origin;

/* sizeof(mailslot_origin), for FFI users. */
MAILSLOT_API size_t MAILSLOT_CALL mailslot_origin_size(void);

/*
 * mailslot_read() that also tells where the message came from.  ORIGIN
 * may be NULL (then it is exactly mailslot_read()); otherwise set
 * origin->size first.  Same errors as mailslot_read(), plus
 * MAILSLOT_EINVAL for a bad origin->size.  Local messages cost nothing
 * extra to read this way.
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_read_ex(mailslot_reader *r,
    void *buf, size_t cap, size_t *len, int32_t timeout_ms,
    mailslot_origin *origin);

/*
 * mailslot_read_alloc() that also tells where the message came from, as
 * mailslot_read_ex() does (ORIGIN may be NULL).  Release *DATA with
 * mailslot_free().
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_read_alloc_ex(mailslot_reader *r,
    void **data, size_t *len, int32_t timeout_ms, mailslot_origin *origin);

typedef struct mailslot_relay mailslot_relay;

/* Relay flags. */
#define MAILSLOT_RELAY_ANY_NAME 1 /* accept datagrams for any NetBIOS name */

/*
 * A relay delivers remote mailslot writes (NetBIOS datagrams, UDP 138)
 * to this user's local slots, with their origin, exactly like a local
 * writer would.  It never sends anything to the network.  NAMES is a
 * comma-separated list of the NetBIOS names (host name, workgroup, IPv4
 * addresses used as names) whose datagrams are accepted, matched without
 * regard to case or suffix; with MAILSLOT_RELAY_ANY_NAME it may be NULL.
 * One relay per slot directory: MAILSLOT_EEXISTS when another one runs.
 * POSIX only (MAILSLOT_ENOTSUP elsewhere: Windows does this natively).
 */
MAILSLOT_API int MAILSLOT_CALL mailslot_relay_create(const char *names,
    int flags, mailslot_relay **out);

/* What happened to one datagram, for logs and counters. */
typedef struct mailslot_relay_result {
    size_t size;               /* sizeof(mailslot_relay_result), by caller */
    const char *reason;        /* a static sentence; "delivered" on success */
    char slot[256];            /* the local slot name, when it got that far */
    size_t data_len;           /* message bytes */
    mailslot_origin origin;    /* names and addresses, when parsed */
} mailslot_relay_result;

/*
 * Check the UDP payload PKT (LEN bytes) received from FROM_ADDR (dotted
 * IPv4) port FROM_PORT and deliver its message to the local slot it
 * names.  Never waits.  A slot with no room right now keeps the message
 * waiting in the relay, behind that slot's earlier ones, as a local
 * writer waits for room (up to MAILSLOT_DEFAULT_WRITE_TIMEOUT_MS; at most
 * 1024 messages per slot and 8192 in all): then MAILSLOT_RELAY_WAITING, and
 * mailslot_relay_retry() finishes it.  Other slots never wait for a full
 * one.  Returns 0 (delivered), MAILSLOT_RELAY_WAITING,
 * MAILSLOT_EMALFORMED, MAILSLOT_ENOTADDRESSED, MAILSLOT_ENOTFOUND (no such
 * slot), MAILSLOT_ETOOBIG (over the slot's max size), MAILSLOT_EFULL (no
 * room, and no more may wait), or another error.  RES may be NULL.
 */
#define MAILSLOT_RELAY_WAITING 1
MAILSLOT_API int MAILSLOT_CALL mailslot_relay_datagram(mailslot_relay *relay,
    const void *pkt, size_t len, const char *from_addr, uint16_t from_port,
    mailslot_relay_result *res);

/* Called for each waiting message that is done: RC 0 (delivered),
 * MAILSLOT_EFULL (still no room at its deadline) or another error (say,
 * MAILSLOT_ENOTFOUND: the reader went away). */
typedef void (MAILSLOT_CALL *mailslot_relay_done_fn)(void *ctx, int rc,
    const mailslot_relay_result *res);

/*
 * Try the waiting messages that are due again, in order per slot; DONE
 * (may be NULL) hears of each one that is done.  Never waits.  Returns
 * the milliseconds until the next try is due (0: now), -1 when nothing
 * waits, or MAILSLOT_EINVAL.  Call it when that time has come, e.g. as
 * poll()'s timeout next to the UDP socket.
 */
MAILSLOT_API int32_t MAILSLOT_CALL mailslot_relay_retry(mailslot_relay *relay,
    mailslot_relay_done_fn done, void *ctx);

/* Stop relaying and release the relay (messages still waiting are
 * dropped).  RELAY may be NULL. */
MAILSLOT_API void MAILSLOT_CALL mailslot_relay_free(mailslot_relay *relay);

/* ---------------------------------------------------------------------- */
/* Memory                                                                 */
/* ---------------------------------------------------------------------- */

/* Release memory the library allocated for the caller.  NULL is fine. */
MAILSLOT_API void MAILSLOT_CALL mailslot_free(void *p);

#ifdef __cplusplus
}
#endif

#endif /* MAILSLOT_H */
