/*
 * Window-message notification is a Windows feature; POSIX programs watch
 * the descriptor of mailslot_reader_fd() instead.
 */
#include "mailslot.h"
#include "platform.h"

int
mailslot__plat_notify_window(mailslot_reader *r, intptr_t hwnd,
    uint32_t msg)
{
    (void)r;
    (void)hwnd;
    (void)msg;
    return MAILSLOT_ENOTSUP;
}
