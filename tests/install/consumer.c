/* Uses the installed library: version check and one message round trip. */
#include <stdio.h>
#include <string.h>

#include <mailslot.h>

int
main(void)
{
    mailslot_reader *r = NULL;
    char buf[16];
    size_t len = 0;

    if (strcmp(mailslot_version(), MAILSLOT_VERSION_STRING) != 0)
        return 1;
    if (mailslot_create("install\\check", NULL, &r) != 0 ||
        mailslot_send("INSTALL/CHECK", "ok", 2) != 0 ||
        mailslot_read(r, buf, sizeof buf, &len, 1000) != 0 || len != 2)
        return 2;
    mailslot_reader_free(r);
    puts("consumer ok");
    return 0;
}
