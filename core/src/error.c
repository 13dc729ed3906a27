/*
 * Error codes, version and constants: everything generated from the lists
 * in mailslot.h, so the numbers, names and messages cannot drift apart.
 */
#include <stddef.h>
#include <string.h>

#include "mailslot.h"
#include "platform.h"

/* The last OS error is per thread, like errno; it is not shared state. */
static _Thread_local int last_os_error;

/* OS errors above this do not fit beside the code; they pack as 0. */
#define OS_ERROR_MAX 0x7fffff

int
mailslot__err(int code, int os_error)
{
    if (code >= 0 || os_error <= 0 || os_error > OS_ERROR_MAX)
        return code;
    return -(int)(((unsigned)os_error << 8) | (unsigned)-code);
}

int
mailslot__code(int rc)
{
    return rc >= 0 ? rc : -(int)((unsigned)-rc & 0xffu);
}

int
mailslot__public(int rc)
{
    if (rc >= 0)
        return rc;
    last_os_error = (int)((unsigned)-rc >> 8);
    return mailslot__code(rc);
}

int MAILSLOT_CALL
mailslot_last_os_error(void)
{
    return last_os_error;
}

size_t MAILSLOT_CALL
mailslot_error_detail(int code, char *buf, size_t cap)
{
    size_t n;

    if (buf == NULL)
        cap = 0;
    if (cap > 0)
        buf[0] = '\0';
    n = mailslot__plat_error_detail(code, buf, cap);
    if (cap > 0 && n >= cap)
        buf[cap - 1] = '\0';
    return n;
}

const char *MAILSLOT_CALL
mailslot_strerror(int code)
{
    switch (code) {
    case MAILSLOT_OK:
        return "success";
#define MAILSLOT__MSG(suffix, num, name, msg)                                \
    case num:                                                                \
        return msg;
        MAILSLOT_ERROR_MAP(MAILSLOT__MSG)
#undef MAILSLOT__MSG
    default:
        return "unknown error";
    }
}

const char *MAILSLOT_CALL
mailslot_errname(int code)
{
    switch (code) {
    case MAILSLOT_OK:
        return "ok";
#define MAILSLOT__NAME(suffix, num, name, msg)                               \
    case num:                                                                \
        return name;
        MAILSLOT_ERROR_MAP(MAILSLOT__NAME)
#undef MAILSLOT__NAME
    default:
        return "unknown";
    }
}

int MAILSLOT_CALL
mailslot_errcode(const char *errname)
{
    if (errname == NULL)
        return 1;
    if (strcmp(errname, "ok") == 0)
        return MAILSLOT_OK;
#define MAILSLOT__CODE(suffix, num, name, msg)                               \
    if (strcmp(errname, name) == 0)                                          \
        return num;
    MAILSLOT_ERROR_MAP(MAILSLOT__CODE)
#undef MAILSLOT__CODE
    return 1;
}

const char *MAILSLOT_CALL
mailslot_version(void)
{
    return MAILSLOT_VERSION_STRING;
}

int MAILSLOT_CALL
mailslot_version_number(void)
{
    return MAILSLOT_VERSION_NUMBER;
}

int32_t MAILSLOT_CALL
mailslot_timeout_forever(void)
{
    return MAILSLOT_TIMEOUT_FOREVER;
}

int32_t MAILSLOT_CALL
mailslot_timeout_default(void)
{
    return MAILSLOT_TIMEOUT_DEFAULT;
}

int64_t MAILSLOT_CALL
mailslot_no_message(void)
{
    return MAILSLOT_NEXT_NONE;
}

size_t MAILSLOT_CALL
mailslot_max_message_size(void)
{
    return mailslot__plat_max_message();
}

size_t MAILSLOT_CALL
mailslot_max_name_length(void)
{
    return MAILSLOT__NAME_MAX;
}

size_t MAILSLOT_CALL
mailslot_options_size(void)
{
    return sizeof(mailslot_options);
}

size_t MAILSLOT_CALL
mailslot_info_size(void)
{
    return sizeof(mailslot_info);
}

int MAILSLOT_CALL
mailslot_field_offset(const char *field)
{
#define FIELD(s, t, m) {s "." #m, offsetof(t, m)}
    static const struct {
        const char *name;
        size_t offset;
    } fields[] = {
        FIELD("options", mailslot_options, size),
        FIELD("options", mailslot_options, max_message_size),
        FIELD("options", mailslot_options, read_timeout_ms),
        FIELD("options", mailslot_options, write_timeout_ms),
        FIELD("options", mailslot_options, queue_limit_msgs),
        FIELD("options", mailslot_options, queue_limit_bytes),
        FIELD("options", mailslot_options, netbios_name),
        FIELD("options", mailslot_options, workgroup),
        FIELD("options", mailslot_options, broadcast),
        FIELD("options", mailslot_options, netbios_scope),
        FIELD("options", mailslot_options, remote_port),
        FIELD("options", mailslot_options, encoding),
        FIELD("options", mailslot_options, access),
        FIELD("info", mailslot_info, size),
        FIELD("info", mailslot_info, max_message_size),
        FIELD("info", mailslot_info, next_size),
        FIELD("info", mailslot_info, count),
        FIELD("info", mailslot_info, read_timeout_ms),
        FIELD("rmsg", mailslot_rmsg, buf),
        FIELD("rmsg", mailslot_rmsg, cap),
        FIELD("rmsg", mailslot_rmsg, len),
        FIELD("wmsg", mailslot_wmsg, data),
        FIELD("wmsg", mailslot_wmsg, len),
    };
#undef FIELD

    for (size_t i = 0; field != NULL && i < sizeof fields / sizeof fields[0];
         i++) {
        if (strcmp(field, fields[i].name) == 0)
            return (int)fields[i].offset;
    }
    return MAILSLOT_EINVAL;
}

void MAILSLOT_CALL
mailslot_options_init(mailslot_options *opts)
{
    static const mailslot_options defaults = MAILSLOT_OPTIONS_INIT;

    if (opts != NULL)
        *opts = defaults;
}
