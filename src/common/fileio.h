/*
 * common/fileio.h - the library's one way to write a file. Never installed.
 *
 * Keys, sketches, signatures, rosters and sealed envelopes are all written
 * the same way, so none can ever be seen half-written: a temporary file
 * beside the target (same file system, so the move is atomic) is created
 * with its final mode from the start (a secret is never readable by others,
 * not even for a moment), written, fsync'ed and moved into place, and then
 * the directory is fsync'ed so the new name survives a crash. Without
 * `overwrite` the move is link(2), which refuses a target that appeared in
 * the meantime instead of replacing it.
 */
#ifndef UNIKA_INTERNAL_FILEIO_H
#define UNIKA_INTERNAL_FILEIO_H

#include <stddef.h>

#include "unika/error.h"

/* Writes src/src_size to path with `mode` (0600 for secrets, 0644 otherwise).
 * @return 0, UNIKA_EINVAL, UNIKA_EEXIST (path exists and !overwrite),
 *         UNIKA_ENOMEM or UNIKA_EIO; no temporary file is left on failure. */
int unika_write_file_atomic(const char *path, const void *src, size_t src_size,
                            unsigned mode, int overwrite, unika_error *err);

#endif
