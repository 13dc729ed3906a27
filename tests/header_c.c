/* mailslot.h must compile alone, as C, with every warning an error. */
#include "mailslot.h"

int
main(void)
{
    mailslot_options o = MAILSLOT_OPTIONS_INIT;
    mailslot_info i = { sizeof i, 0, 0, 0, 0 };

    (void)i;
    return o.size == sizeof o ? 0 : 1;
}
