/*
 * The platform contract: what a backend must implement.
 *
 * The shared code (api.c) checks arguments, parses names and fills in
 * option defaults, then calls these functions.  Each backend (the files in linux/
 * and win/) implements all of them with the same names; CMake compiles
 * exactly one backend, so the shared code never needs #ifdef.
 *
 * Backends define struct mailslot_reader and struct mailslot_writer.
 * Arguments reaching a backend are already checked: handles are non-NULL,
 * names are parsed, options are complete (size == sizeof(mailslot_options)).
 */
#ifndef MAILSLOT_PLATFORM_H
#define MAILSLOT_PLATFORM_H

#include "mailslot.h"
#include "name.h"

/* Create the local slot NAME.  *OUT is set only on success. */
int mailslot__plat_create(const mailslot__name *name,
    const mailslot_options *opts, mailslot_reader **out);

/*
 * Read one message.  TIMEOUT_MS is 0, -1, positive, or
 * MAILSLOT_TIMEOUT_DEFAULT.  With CAP smaller than the message, fail with
 * MAILSLOT_EBUFFER, set *LEN to the message size and keep the message.
 */
int mailslot__plat_read(mailslot_reader *r, void *buf, size_t cap,
    size_t *len, int32_t timeout_ms);
int mailslot__plat_info(mailslot_reader *r, mailslot_info *info);
int mailslot__plat_set_timeout(mailslot_reader *r, int32_t timeout_ms);
/* The reader's text encoding, from its options (never fails). */
int mailslot__plat_encoding(mailslot_reader *r);
int mailslot__plat_reader_fd(mailslot_reader *r, intptr_t *fd);
/* Post MSG to window HWND on arrivals (0 stops); POSIX: MAILSLOT_ENOTSUP. */
int mailslot__plat_notify_window(mailslot_reader *r, intptr_t hwnd,
    uint32_t msg);
const char *mailslot__plat_reader_name(const mailslot_reader *r);
void mailslot__plat_reader_close(mailslot_reader *r);
void mailslot__plat_reader_free(mailslot_reader *r);

/* Open NAME (any kind) for writing.  *OUT is set only on success. */
int mailslot__plat_open(const mailslot__name *name,
    const mailslot_options *opts, mailslot_writer **out);
int mailslot__plat_write(mailslot_writer *w, const void *data, size_t len);
/* The writer's wait for room, as the caller set it (-1 = forever). */
void mailslot__plat_writer_set_timeout(mailslot_writer *w,
    int32_t timeout_ms);
int32_t mailslot__plat_writer_timeout(mailslot_writer *w);
void mailslot__plat_writer_close(mailslot_writer *w);
void mailslot__plat_writer_free(mailslot_writer *w);

int mailslot__plat_list(char **out, size_t *count);

/*
 * Read one message as mailslot__plat_read() does, and fill ORIGIN (when
 * not NULL; its size is already checked) with where it came from.
 */
int mailslot__plat_read_ex(mailslot_reader *r, void *buf, size_t cap,
    size_t *len, int32_t timeout_ms, mailslot_origin *origin);

/*
 * Batches (mailslot_read_many(), mailslot_write_many()): arguments are
 * checked, MAX and COUNT are at least 1, *COUNT and *WRITTEN start at 0.
 * Same semantics as the public functions.
 */
int mailslot__plat_read_many(mailslot_reader *r, mailslot_rmsg *msgs,
    size_t max, size_t *count, int32_t timeout_ms);
int mailslot__plat_write_many(mailslot_writer *w, const mailslot_wmsg *msgs,
    size_t count, size_t *written);

/*
 * The reader option "access": MAILSLOT__ACCESS_USER (NULL or "user"),
 * _ALL ("all") or _GROUP ("group:NAME", *GROUP pointing at NAME), else
 * MAILSLOT_EINVAL.  GROUP may be NULL.
 */
#define MAILSLOT__ACCESS_USER 0
#define MAILSLOT__ACCESS_ALL 1
#define MAILSLOT__ACCESS_GROUP 2
int mailslot__access_parse(const char *access, const char **group);

/* mailslot_error_detail() for CODE: the length it needs, 0 for none. */
size_t mailslot__plat_error_detail(int code, char *buf, size_t cap);

/* Milliseconds on a monotonic clock, for deadlines. */
int64_t mailslot__now_ms(void);

/*
 * The relay's sink (relay.c checks datagrams; the backend delivers): open
 * it for this user's slot directory (MAILSLOT_EEXISTS when another relay
 * has it; MAILSLOT_ENOTSUP where the platform delivers natively), and
 * deliver one message to the local slot NAME with its ORIGIN without
 * waiting: MAILSLOT_EFULL when the slot has no room right now (the backend
 * has asked the reader to make room; relay.c tries again later).
 */
typedef struct mailslot__sink mailslot__sink;
int mailslot__plat_sink_open(mailslot__sink **out);
int mailslot__plat_sink_deliver(mailslot__sink *s, const mailslot__name *name,
    const void *data, size_t len, const mailslot_origin *origin);
void mailslot__plat_sink_free(mailslot__sink *s);

/*
 * Memory for the reader's FIFO (queue.c), in chunks of SIZE bytes; the
 * backend may back large ones with huge pages.  Freed with its size.
 */
void *mailslot__plat_chunk_alloc(size_t size);
void mailslot__plat_chunk_free(void *p, size_t size);

/* The largest local message the backend carries. */
size_t mailslot__plat_max_message(void);

/*
 * Failures carry their OS error.  Inside the library a failure is one int:
 * the library's code (MAILSLOT_E*, -1 to -255) and the errno or Windows
 * error behind it, packed by mailslot__err() and returned like a code (it
 * is negative, and mailslot__code() of it is the code).  Only the public
 * functions unpack it, with mailslot__public(): the caller gets the code,
 * and mailslot_last_os_error() the OS error, recorded there and nowhere
 * else.  A plain MAILSLOT_E* value is a failure with no OS error.
 */
int mailslot__err(int code, int os_error);
/* The MAILSLOT_E* code of RC (RC itself when it is not a failure). */
int mailslot__code(int rc);
/* At the public boundary: a failure's code, its OS error recorded for
 * mailslot_last_os_error(); anything else unchanged. */
int mailslot__public(int rc);

#endif
