#!/bin/sh
# Print the library's version, read from mailslot.h (its one source):
#   scripts/version.sh [SOURCE_DIR]
exec sed -n 's/^#define MAILSLOT_VERSION_STRING "\(.*\)"$/\1/p' \
    "${1:-$(dirname "$0")/..}/core/include/mailslot.h"
