/*
 * type.c - the unika_sketch type: its value is a sketch file's bytes
 * (docs/format.md), validated on the way in, so a sketch made by
 * `unika ingest` or `unika merge` loads in SQL and the reverse, byte for byte.
 *
 *   text form    \x and lowercase hex of the file (as bytea prints)
 *   binary form  the file's bytes (send/recv: what COPY BINARY and
 *                distributed planners move between servers)
 *   bytea        the same bytes; bytea -> unika_sketch checks them
 */
#include "unika_pg.h"

#include "libpq/pqformat.h"
#include "utils/builtins.h"

PG_FUNCTION_INFO_V1(unika_sketch_in);
PG_FUNCTION_INFO_V1(unika_sketch_out);
PG_FUNCTION_INFO_V1(unika_sketch_recv);
PG_FUNCTION_INFO_V1(unika_sketch_send);
PG_FUNCTION_INFO_V1(unika_sketch_from_bytea);

/* Checks that `bytes` are a valid sketch file and returns them as a datum. */
static struct varlena *checked_copy(const char *bytes, size_t n)
{
    unika_sketch *s = NULL;
    unika_error err = {0};
    struct varlena *v;
    int rc = unika_sketch_parse(&s, (const uint8_t *)bytes, n, &err);
    if (rc < 0) upg_raise(rc, &err, "unika_sketch");
    unika_sketch_free(s);
    /* A valid file has one reading, so its bytes are already canonical. */
    v = palloc(VARHDRSZ + n);
    SET_VARSIZE(v, VARHDRSZ + n);
    memcpy(VARDATA(v), bytes, n);
    return v;
}

static int hex_value(char c)
{
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

Datum unika_sketch_in(PG_FUNCTION_ARGS)
{
    const char *s = PG_GETARG_CSTRING(0);
    size_t len = strlen(s), n;
    char *bytes;
    struct varlena *v;

    if (len < 2 || s[0] != '\\' || s[1] != 'x' || (len - 2) % 2 != 0)
        ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                        errmsg("unika_sketch: text form is \\x followed by an even number of "
                               "hex digits")));
    n = (len - 2) / 2;
    bytes = palloc(n ? n : 1);
    for (size_t i = 0; i < n; i++) {
        int hi = hex_value(s[2 + 2 * i]), lo = hex_value(s[3 + 2 * i]);
        if (hi < 0 || lo < 0)
            ereport(ERROR, (errcode(ERRCODE_INVALID_TEXT_REPRESENTATION),
                            errmsg("unika_sketch: invalid hex digit at character %zu",
                                   2 + 2 * i + (hi < 0 ? 1 : 2))));
        bytes[i] = (char)((unsigned)hi << 4 | (unsigned)lo);
    }
    v = checked_copy(bytes, n);
    pfree(bytes);
    PG_RETURN_POINTER(v);
}

Datum unika_sketch_out(PG_FUNCTION_ARGS)
{
    struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
    static const char digits[] = "0123456789abcdef";
    const uint8_t *b = (const uint8_t *)VARDATA_ANY(v);
    size_t n = VARSIZE_ANY_EXHDR(v);
    char *out = palloc(2 * n + 3), *o = out;

    *o++ = '\\';
    *o++ = 'x';
    for (size_t i = 0; i < n; i++) {
        *o++ = digits[b[i] >> 4];
        *o++ = digits[b[i] & 15];
    }
    *o = '\0';
    PG_RETURN_CSTRING(out);
}

Datum unika_sketch_recv(PG_FUNCTION_ARGS)
{
    StringInfo buf = (StringInfo)PG_GETARG_POINTER(0);
    int n = buf->len - buf->cursor;
    const char *bytes = pq_getmsgbytes(buf, n);
    PG_RETURN_POINTER(checked_copy(bytes, (size_t)n));
}

Datum unika_sketch_send(PG_FUNCTION_ARGS)
{
    struct varlena *v = PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0));
    StringInfoData buf;

    pq_begintypsend(&buf);
    pq_sendbytes(&buf, VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v));
    PG_RETURN_BYTEA_P(pq_endtypsend(&buf));
}

Datum unika_sketch_from_bytea(PG_FUNCTION_ARGS)
{
    bytea *b = PG_GETARG_BYTEA_PP(0);
    PG_RETURN_POINTER(checked_copy(VARDATA_ANY(b), VARSIZE_ANY_EXHDR(b)));
}
