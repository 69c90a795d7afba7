/*
 * internal/govio.h - small file helpers for the governance modules (signing
 * keys, signatures, rosters, sealed envelopes). Never installed.
 *
 * Writes are atomic: a temporary file beside the target is written, fsync'ed
 * and renamed into place, then the directory is fsync'ed, so a reader sees
 * either no file or the whole file. Secret files are created 0600 from the
 * start (never chmod'ed afterwards), so no window exists in which others
 * could open them.
 */
#ifndef UNIKA_INTERNAL_GOVIO_H
#define UNIKA_INTERNAL_GOVIO_H

#include <stddef.h>
#include <stdint.h>

#include "unika/error.h"

/* Flags shared by the governance save functions (same values as key.h). */
#define UNIKA_GOVIO_OVERWRITE 1u

/* Writes src/src_size to path with the given mode (0600 or 0644).
 * Returns 0, UNIKA_EEXIST (path exists and !overwrite) or UNIKA_EIO. */
int unika_govio_write(const char *path, const void *src, size_t src_size,
                      unsigned mode, unsigned flags, unika_error *err);

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

/* Line reader over a NUL-free text buffer: returns the next line (without
 * "\n" or "\r\n") in *line and *line_size and advances *pos; 0 at end of input. */
int unika_govio_next_line(const char **line, size_t *line_size,
                          const char *src, size_t src_size, size_t *pos);

/* Prefixes err->message with "<path>: " (truncating the end if needed). */
void unika_govio_prefix_path(unika_error *err, const char *path);

/* Parses exactly 2*n hex digits (either case) into dst. Returns 0 or -1. */
int unika_govio_hex_decode(uint8_t *dst, size_t n, const char *src, size_t src_size);

#endif
