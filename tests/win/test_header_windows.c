/*
 * mailslot.h and <windows.h> in the order that once broke: <winbase.h>
 * defines MAILSLOT_NO_MESSAGE as (DWORD)-1, so a "no message" constant of
 * that name in mailslot.h was silently replaced and next_size never
 * compared equal.  Built with warnings as errors, then run: an empty
 * slot's next size must equal MAILSLOT_NEXT_NONE.
 */
#include "mailslot.h"
#include <windows.h>

#include <stdio.h>

_Static_assert(MAILSLOT_NEXT_NONE == -1, "MAILSLOT_NEXT_NONE is -1");

int
main(void)
{
    mailslot_reader *r = NULL;
    int ok;

    if (mailslot_create("test\\header-windows", NULL, &r) != 0) {
        printf("0 passed, 1 failed\n");
        return 1;
    }
    ok = mailslot_next_size(r) == MAILSLOT_NEXT_NONE &&
         mailslot_no_message() == MAILSLOT_NEXT_NONE;
    mailslot_reader_free(r);
    printf("%d passed, %d failed\n", ok, !ok);
    return ok ? 0 : 1;
}
