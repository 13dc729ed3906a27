/*
 * listen.h -- what "mailslot listen" was asked to do, shared by its
 * option parsing and loop (listen.c) and its output forms (listen_out.c).
 */
#ifndef MAILSLOT_CLI_LISTEN_H
#define MAILSLOT_CLI_LISTEN_H

#include <stddef.h>
#include <stdint.h>

#include "mailslot.h"

/* How each message is written to stdout. */
enum output_mode { OUT_TEXT, OUT_RAW, OUT_HEX, OUT_INSPECT };

typedef struct listen_config {
    const char *name;
    enum output_mode mode;
    int encoding;             /* for OUT_TEXT */
    int json;                 /* --json: one JSON object per message */
    char separator;           /* after each message: '\n', or '\0' (-0) */
    const char *exec;         /* --exec: the command, or NULL */
    unsigned long long count; /* messages to print; 0 = no limit */
    int32_t timeout_ms;       /* per message; -1 = wait forever */
    uint32_t max_size;        /* 0 = any */
    const char *ready;        /* file to create, or NULL */
    int origin;               /* print where each message came from */
    const char *access;       /* --access: who may write, or NULL */
} listen_config;

/*
 * Hand one message (N bytes of DATA, from ORIGIN) on in the form CFG asks
 * for: to stdout, or to the --exec command.  Returns CLI_OK, or the exit
 * status when listen must stop.
 */
int listen_output(const listen_config *cfg, const void *data, size_t n,
    const mailslot_origin *origin);

#endif
