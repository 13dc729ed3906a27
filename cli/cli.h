/*
 * cli.h -- shared pieces of the mailslot command-line program.
 *
 * The program uses only the public API (mailslot.h) and standard C, so
 * the same sources build on POSIX systems and with MinGW for Windows.
 */
#ifndef MAILSLOT_CLI_H
#define MAILSLOT_CLI_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* Exit statuses of the program: each kind of failure a script may want
 * to tell apart has its own.  124 is what timeout(1) uses. */
#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2
#define CLI_NOT_FOUND 3
#define CLI_EXISTS 4
#define CLI_TIMEOUT 124

/* cli_parse() result meaning "--help was given": print help, exit 0. */
#define CLI_HELP (-1)

/* The most options one command has. */
#define CLI_MAX_OPTS 16

/* One option of a command, as "--name", "--name=value" or "--name value",
 * and, when it has a short form, "-n", "-nvalue" or "-n value" (flags may
 * be bundled: "-rn 3"). */
typedef struct cli_option {
    const char *name; /* without the leading dashes, e.g. "count" */
    int has_value;    /* 1 when the option takes a value */
    char short_name;  /* e.g. 'n' for "-n", or 0 for none */
} cli_option;

/* What cli_parse() found. */
typedef struct cli_args {
    /* Per option (same index as the table): its value, "" for a flag
     * that was given, NULL when absent.  The last occurrence wins. */
    const char *value[CLI_MAX_OPTS];
    char **pos; /* positional arguments, in order */
    int npos;
} cli_args;

/*
 * Parse the arguments of command CMD (ARGV holds the ARGC words after the
 * command name).  Options may come before or after positional arguments;
 * "--" ends options.  Positional arguments are moved to the front of ARGV,
 * which OUT->pos then points to.  Returns CLI_OK, CLI_HELP, or CLI_USAGE
 * after printing the problem to stderr.
 */
int cli_parse(const char *cmd, int argc, char **argv,
    const cli_option *opts, size_t nopts, cli_args *out);

/*
 * Parse a whole decimal number in [MIN, MAX] (digits only, no sign).
 * Returns 0 on success, -1 when S is not such a number.
 */
int cli_parse_uint(const char *s, unsigned long long min,
    unsigned long long max, unsigned long long *out);

/*
 * Parse a number of seconds (a non-negative decimal, fractions allowed)
 * into milliseconds, capped at INT32_MAX.  Returns 0 or -1.
 */
int cli_parse_seconds(const char *s, int32_t *ms);

/*
 * The encoding named by S, the value of --encoding for command CMD.
 * Returns the MAILSLOT_ENC_* value, or -1 after printing the error.
 */
int cli_parse_encoding(const char *cmd, const char *s);

/*
 * Print "mailslot: CMD: <problem>" and a hint to stderr; returns 2.
 * CMD is NULL for problems before the command (then no CMD is shown).
 */
int cli_usage_error(const char *cmd, const char *fmt, ...);

/* Print "mailslot: CMD "NAME": <message> (<errname>)" for error CODE;
 * without the quoted name when NAME is NULL.  Returns the exit status
 * for CODE (cli_exit_status()). */
int cli_error(const char *cmd, const char *name, int code);

/* The exit status for the library error CODE: CLI_TIMEOUT, CLI_NOT_FOUND,
 * CLI_EXISTS, or CLI_FAIL for every other error. */
int cli_exit_status(int code);

/* Print "mailslot: WHAT: <strerror(ERR)> (os_error)" for a C library
 * failure that did not come from the mailslot API. */
void cli_error_errno(const char *what, int err);

/*
 * Print UTF-8 TEXT (N bytes) with controls (C0, DEL, C1) and the characters
 * that reorder or hide text (bidi marks and overrides) escaped, so that no
 * name or message can disguise itself or disturb the terminal.  QUOTED adds
 * double quotes and escapes '"' and '\\' too.
 */
void cli_print_text(const char *text, size_t n, int quoted);

/* Flush stdout; on failure report it and return CLI_FAIL, else CLI_OK. */
int cli_flush_stdout(void);

/* A growing byte buffer, always NUL-terminated after its LEN bytes once
 * anything was added.  Start from all zeroes; free(data) when done.  An
 * allocation failure sets FAILED and makes later additions no-ops. */
typedef struct cli_buf {
    char *data;
    size_t len, cap;
    int failed;
} cli_buf;

/* Append N bytes, a C string, or a decimal number (json.c); each returns
 * 0, or -1 when memory ran out. */
int cli_buf_add(cli_buf *b, const void *data, size_t n);
int cli_buf_str(cli_buf *b, const char *s);
int cli_buf_uint(cli_buf *b, unsigned long long v);

/* Append the UTF-8 TEXT (N bytes) as a JSON string, quotes included:
 * controls, bidi controls and U+2028/9 escaped, each byte that is not
 * well-formed UTF-8 as \ufffd.  Returns 0 or -1. */
int cli_buf_json_string(cli_buf *b, const char *text, size_t n);

/* Append DATA (N bytes) in base64 (RFC 4648, padded).  Returns 0 or -1. */
int cli_buf_base64(cli_buf *b, const void *data, size_t n);

/* What the program needs from the system (system_posix.c, system_win.c). */

/* Make the stream F carry bytes unchanged: on Windows no CRLF translation
 * and no end at Ctrl-Z; nothing to do elsewhere. */
void cli_binary_stdio(FILE *f);

/* Write N bytes of UTF-8 TEXT to stdout; on a Windows console as UTF-16
 * (so the console code page cannot mangle it), else as bytes.  Returns
 * CLI_OK, or CLI_FAIL after reporting the error. */
int cli_write_text(const char *text, size_t n);

/* The current time, UTC, as "2024-05-01T12:34:56.789Z", into OUT (at
 * least 32 bytes). */
void cli_utc_now(char *out, size_t cap);

/* A variable for cli_run_command(); VALUE NULL removes it. */
typedef struct cli_env_var {
    const char *name;
    const char *value;
} cli_env_var;

/*
 * Run CMD with the shell (sh -c; cmd.exe on Windows), with the NVARS
 * variables set in (or removed from) its environment and the N bytes of
 * DATA on its stdin, and wait for it.  *STATUS gets its exit status, or
 * 128 + the signal that ended it.  Returns 0, or -1 with errno set when
 * it could not be run at all.  A CMD that does not read all of its stdin
 * is not an error.
 */
int cli_run_command(const char *cmd, const cli_env_var *vars, size_t nvars,
    const void *data, size_t n, int *status);

/* The commands.  Each takes the words after its name and returns the
 * exit status. */
int cli_listen(int argc, char **argv);
/* listen --inspect: print how AUTO reads one message (inspect.c). */
int cli_inspect(const char *name, const void *data, size_t len);
int cli_send(int argc, char **argv);
int cli_list(int argc, char **argv);
/* bridge_posix.c, or bridge_none.c where the system bridges itself. */
int cli_bridge(int argc, char **argv);

#endif
