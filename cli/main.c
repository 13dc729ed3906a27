/*
 * main.c -- the mailslot command: dispatch, help, errors and "list".
 *
 * Exit statuses: 0 success, 1 runtime error, 2 usage error, 3 not found,
 * 4 exists, 124 timeout.  Errors from the library are printed as
 * "mailslot: <what>: <message> (<errname>)" so that scripts can match the
 * stable short name.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"

static const char main_help[] =
    "usage: mailslot [--help] [--version] COMMAND [ARGS...]\n"
    "\n"
    "Send and receive mailslot messages.\n"
    "\n"
    "Commands:\n"
    "  listen NAME [OPTIONS]         create the mailslot NAME and print\n"
    "                                each message as it arrives\n"
    "  send NAME [OPTIONS] TEXT...   send TEXT as one message (\"-\" reads\n"
    "                                the message from stdin; -l sends each\n"
    "                                line of stdin as one message)\n"
    "  list                          print this user's live mailslots\n"
    "  bridge [OPTIONS]              deliver remote mailslot messages from\n"
    "                                the network (UDP 138) to local slots\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help; COMMAND --help shows a command's\n"
    "  --version      print the version and exit\n"
    "\n"
    "Names are \\\\.\\mailslot\\a\\b or the short form a\\b (or a/b).\n"
    "\n"
    "Exit status:\n"
    "  0    success\n"
    "  1    an error not listed below (printed with its short name)\n"
    "  2    usage error: a bad option, value or argument; nothing was done\n"
    "  3    not_found: no mailslot of that name (send)\n"
    "  4    exists: the mailslot already has a reader (listen)\n"
    "  124  timeout: no message within --timeout (listen)\n";

static const char list_help[] =
    "usage: mailslot list\n"
    "\n"
    "Print the names of this user's live mailslots, one per line.  Bidi\n"
    "marks and overrides in a name are shown escaped (\\u202e), so no\n"
    "name can pass for another.\n"
    "\n"
    "Options:\n"
    "  -h, --help     show this help\n";

int
cli_usage_error(const char *cmd, const char *fmt, ...)
{
    int top = cmd == NULL;
    va_list ap;

    fprintf(stderr, top ? "mailslot: " : "mailslot: %s: ", cmd);
    va_start(ap, fmt);
    vfprintf(stderr, fmt, ap);
    va_end(ap);
    if (top)
        fprintf(stderr, "\nTry \"mailslot --help\".\n");
    else
        fprintf(stderr, "\nTry \"mailslot %s --help\".\n", cmd);
    return CLI_USAGE;
}

int
cli_exit_status(int code)
{
    switch (code) {
    case MAILSLOT_ETIMEOUT:
        return CLI_TIMEOUT;
    case MAILSLOT_ENOTFOUND:
        return CLI_NOT_FOUND;
    case MAILSLOT_EEXISTS:
        return CLI_EXISTS;
    default:
        return CLI_FAIL;
    }
}

int
cli_error(const char *cmd, const char *name, int code)
{
    char detail[1024];

    if (name != NULL)
        fprintf(stderr, "mailslot: %s \"%s\": %s (%s)\n", cmd, name,
            mailslot_strerror(code), mailslot_errname(code));
    else
        fprintf(stderr, "mailslot: %s: %s (%s)\n", cmd,
            mailslot_strerror(code), mailslot_errname(code));
    if (mailslot_error_detail(code, detail, sizeof detail) > 0)
        fprintf(stderr, "mailslot: %s\n", detail);
    return cli_exit_status(code);
}

void
cli_error_errno(const char *what, int err)
{
    fprintf(stderr, "mailslot: %s: %s (%s)\n", what, strerror(err),
        mailslot_errname(MAILSLOT_EOS));
}

int
cli_flush_stdout(void)
{
    errno = 0;
    if (fflush(stdout) != 0 || ferror(stdout)) {
        cli_error_errno("write to stdout", errno != 0 ? errno : EIO);
        return CLI_FAIL;
    }
    return CLI_OK;
}

/* Print TEXT to stdout and report whether it got there. */
static int
print_help(const char *text)
{
    fputs(text, stdout);
    return cli_flush_stdout();
}

int
cli_list(int argc, char **argv)
{
    cli_args args;
    char *names = NULL;
    int rc = cli_parse("list", argc, argv, NULL, 0, &args);

    if (rc == CLI_HELP)
        return print_help(list_help);
    if (rc != CLI_OK)
        return rc;
    if (args.npos > 0)
        return cli_usage_error("list", "unexpected argument \"%s\"",
            args.pos[0]);
    rc = mailslot_list(&names, NULL);
    if (rc != 0)
        return cli_error("list", NULL, rc);
    /* Names are the user's; a bidi override in one could make it pass for
     * another, so those are shown escaped. */
    cli_print_text(names, strlen(names), 0);
    mailslot_free(names);
    return cli_flush_stdout();
}

/* A command name and the function that runs it. */
typedef struct cli_command {
    const char *name;
    int (*run)(int argc, char **argv);
} cli_command;

static const cli_command commands[] = {
    { "listen", cli_listen },
    { "send", cli_send },
    { "list", cli_list },
    { "bridge", cli_bridge },
};

int
main(int argc, char **argv)
{
    const char *word;
    size_t i;

    if (argc < 2)
        return cli_usage_error(NULL, "missing command");
    word = argv[1];
    if (strcmp(word, "--help") == 0 || strcmp(word, "-h") == 0)
        return print_help(main_help);
    if (strcmp(word, "--version") == 0) {
        printf("mailslot %s\n", mailslot_version());
        return cli_flush_stdout();
    }
    for (i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(word, commands[i].name) == 0)
            return commands[i].run(argc - 2, argv + 2);
    }
    if (word[0] == '-')
        return cli_usage_error(NULL, "unknown option \"%s\"", word);
    return cli_usage_error(NULL, "unknown command \"%s\"", word);
}
