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

/* Exit statuses of the program. */
#define CLI_OK 0
#define CLI_FAIL 1
#define CLI_USAGE 2

/* cli_parse() result meaning "--help was given": print help, exit 0. */
#define CLI_HELP (-1)

/* The most options one command has. */
#define CLI_MAX_OPTS 12

/* One long option of a command, as "--name" or "--name=value". */
typedef struct cli_option {
    const char *name; /* without the leading dashes, e.g. "count" */
    int has_value;    /* 1 when the option takes a value */
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
 * without the quoted name when NAME is NULL. */
void cli_error(const char *cmd, const char *name, int code);

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
