/*
 * governance/govio.h - small file helpers for the governance modules (signing
 * keys, signatures, rosters, sealed envelopes). Never installed.
 *
 * Writes go through common/fileio.h like every file the library writes.
 */
#ifndef UNIKA_INTERNAL_GOVIO_H
#define UNIKA_INTERNAL_GOVIO_H

#include <stddef.h>
#include <stdint.h>

#include "unika/error.h"
#include "unika/sign.h"

/* Reads the whole file (at most max_size bytes) into a malloc'd buffer with
 * one extra NUL byte after the content. When refuse_open_perms is set, a
 * file that group or others may read or write is refused with
 * UNIKA_EKEYPERM before a byte is read. Returns 0, UNIKA_ENOENT, UNIKA_EKEYPERM,
 * UNIKA_ERANGE (larger than max_size), UNIKA_EIO or UNIKA_ENOMEM. */
int unika_govio_read(uint8_t **out, size_t *out_size, const char *path, size_t max_size,
                     int refuse_open_perms, unika_error *err);

/* Frees a buffer from unika_govio_read() after wiping it (it may have held
 * a secret key). NULL is accepted. */
void unika_govio_free(uint8_t *buf, size_t size);

/* Signs text[0..n) with key and writes it to path (mode 0644), its
 * signature beside it ("<path>.sig"). The signature first, so that the file
 * is never on disk without one; if the file cannot be written, the new
 * signature is removed again. flags: UNIKA_SIGN_OVERWRITE. */
int unika_govio_save_signed(const char *path, const char *text, size_t n, const unika_sign_key *key,
                            unsigned flags, unika_error *err);

/* Line reader over a NUL-free text buffer: returns the next line (without
 * "\n" or "\r\n") in *line and *line_size and advances *pos; 0 at end of input. */
int unika_govio_next_line(const char **line, size_t *line_size,
                          const char *src, size_t src_size, size_t *pos);

/* Line-oriented "field: value" text in a fixed order (key, signature and
 * envelope-key files). Every failure sets err->line and names `what`. */
typedef struct {
    const char *src;
    size_t size, pos;
    uint64_t line_no;
    const char *what; /* "secret key file" etc., for messages */
    int bad_code;     /* code for a malformed file */
} unika_govio_reader;

/* Refuses text with a NUL byte (bad_code). */
int unika_govio_reject_nul(const char *src, size_t size, const char *what, int code,
                           unika_error *err);
/* Line 1 must be "<header> v1"; "<header> vN" gives version_code. */
int unika_govio_read_header(unika_govio_reader *r, const char *header, int version_code,
                            unika_error *err);
/* The next line must be "<field>: <value>"; value points into src. */
int unika_govio_read_field(unika_govio_reader *r, const char *field, const char **value,
                           size_t *value_size, unika_error *err);
/* As read_field, the value being exactly 2n hex digits decoded into dst. */
int unika_govio_read_hex_field(unika_govio_reader *r, const char *field, uint8_t *dst, size_t n,
                               unika_error *err);
/* Only empty lines may follow. */
int unika_govio_read_end(unika_govio_reader *r, unika_error *err);

#endif
