/*
 * error.c - error codes, names, messages and the detail record.
 */
#include <stdio.h>
#include <string.h>

#include "common/common.h"

const char *unika_strerror(int code)
{
    switch (code) {
    case UNIKA_OK: return "success";
#define UNIKA_ERRNO_MSG_(name, value, msg) case UNIKA_##name: return msg;
    UNIKA_ERRNO_MAP(UNIKA_ERRNO_MSG_)
#undef UNIKA_ERRNO_MSG_
    default: return "unknown error";
    }
}

const char *unika_err_name(int code)
{
    switch (code) {
    case UNIKA_OK: return "UNIKA_OK";
#define UNIKA_ERRNO_NAME_(name, value, msg) case UNIKA_##name: return "UNIKA_" #name;
    UNIKA_ERRNO_MAP(UNIKA_ERRNO_NAME_)
#undef UNIKA_ERRNO_NAME_
    default: return "UNIKA_UNKNOWN";
    }
}

void unika_error_clear(unika_error *err)
{
    if (err) memset(err, 0, sizeof *err);
}

#if defined(__GNUC__)
__attribute__((format(printf, 5, 0)))
#endif
static int fail_v(unika_error *err, int code, const char *field, uint64_t position,
                  const char *fmt, va_list ap)
{
    if (!err) return code;
    /* Keep line/column: a caller (CSV reader) may have set them for this record. */
    err->code = code;
    err->position = position;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    if (fmt && *fmt) {
        vsnprintf(err->message, sizeof err->message, fmt, ap);
    } else {
        snprintf(err->message, sizeof err->message, "%s", unika_strerror(code));
    }
    return code;
}

int unika_fail(unika_error *err, int code, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = fail_v(err, code, NULL, 0, fmt, ap);
    va_end(ap);
    return rc;
}

int unika_fail_at(unika_error *err, int code, const char *field, uint64_t position,
                  const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int rc = fail_v(err, code, field, position, fmt, ap);
    va_end(ap);
    return rc;
}

void unika_prefix_path(unika_error *err, const char *path)
{
    if (!err || !path) return;
    size_t cap = sizeof err->message, plen = strlen(path), mlen = strlen(err->message);
    if (plen + 2 >= cap) return; /* an absurd path: keep the message itself */
    if (plen + 2 + mlen >= cap) mlen = cap - 1 - plen - 2;
    memmove(err->message + plen + 2, err->message, mlen);
    memcpy(err->message, path, plen);
    err->message[plen] = ':';
    err->message[plen + 1] = ' ';
    err->message[plen + 2 + mlen] = '\0';
}
