/*
 * bridge_none.c -- "mailslot bridge" where the platform delivers remote
 * mailslots itself (Windows): there is nothing to bridge.  CMake picks
 * this file instead of bridge_posix.c.
 */
#include <stdio.h>
#include <string.h>

#include "mailslot.h"

#include "cli.h"

int
cli_bridge(int argc, char **argv)
{
    if (argc > 0 && (strcmp(argv[0], "--help") == 0 ||
            strcmp(argv[0], "-h") == 0)) {
        fputs("usage: mailslot bridge [OPTIONS]\n\n"
              "Not needed on this platform: the system itself receives "
              "remote mailslot\nmessages.\n", stdout);
        return cli_flush_stdout();
    }
    cli_error("bridge", NULL, MAILSLOT_ENOTSUP);
    return CLI_FAIL;
}
