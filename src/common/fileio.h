/*
 * common/fileio.h - the one way unika writes a file. Never installed.
 *
 * Keys, sketches, signatures, rosters, sealed envelopes (the library) and
 * reports, pseudonym files, rejects and JSON summaries (the command, which
 * links this module like zstd's programs reuse lib/common) are all written
 * the same way, so none can ever be seen half-written:
 *   - a temporary file ".<name>.tmp-XXXXXX" beside the target (same file
 *     system, so the move is atomic; hidden, so a glob over the directory
 *     never picks it up) is created by mkstemp(3), 0600 from the first
 *     moment, then given its final mode (a secret is never readable by
 *     others, not even for a moment);
 *   - the content is written (streamed through a FILE *, or in one piece);
 *   - on commit: flushed, fsync'ed, closed, moved into place, and the
 *     directory fsync'ed so the new name survives a crash. Without
 *     `overwrite` the move is link(2), which refuses a target that appeared
 *     in the meantime instead of replacing it (UNIKA_EEXIST);
 *   - on abort (or any failure) the temporary file is removed.
 */
#ifndef UNIKA_COMMON_FILEIO_H
#define UNIKA_COMMON_FILEIO_H

#include <stddef.h>
#include <stdio.h>

#include "unika/error.h"

typedef struct unika_atomic_file {
    char *path;    /* the target */
    char *tmp;     /* the temporary file, NULL once moved or removed */
    FILE *fp;      /* write the content here */
    int overwrite;
} unika_atomic_file;

/* Creates the temporary file. With !overwrite, a target that exists
 * already is refused here (UNIKA_EEXIST) before anything is written.
 * @return 0; UNIKA_EINVAL; UNIKA_EEXIST; UNIKA_ENOENT (no such directory);
 *         UNIKA_ENOMEM; UNIKA_EIO. On failure nothing is left behind. */
int unika_atomic_open(unika_atomic_file *f, const char *path, unsigned mode, int overwrite,
                      unika_error *err);

/* Flushes, syncs and moves the file into place; frees f's memory.
 * @return 0; UNIKA_EEXIST (the target appeared meanwhile, !overwrite);
 *         UNIKA_EIO (a write, sync or move failed: the temporary file is
 *         removed, the target untouched). */
int unika_atomic_commit(unika_atomic_file *f, unika_error *err);

/* Removes the temporary file and frees f's memory. Safe on a zeroed or
 * already committed f. */
void unika_atomic_abort(unika_atomic_file *f);

/* Opens `path` for reading, and only if it is a regular file. The open is
 * non-blocking, so a FIFO (whose open would wait for a writer) or a device
 * can never hang a reader; it is refused after fstat(2) instead.
 * @return a file descriptor (O_CLOEXEC) >= 0; -1 with errno set when the
 *         open failed; -2 when `path` is not a regular file (nothing open). */
int unika_open_regular(const char *path);

/* Writes src/src_size to path with `mode` (0600 for secrets, 0644 otherwise)
 * in one call: open, write, commit.
 * @return as unika_atomic_open() and unika_atomic_commit(). */
int unika_write_file_atomic(const char *path, const void *src, size_t src_size,
                            unsigned mode, int overwrite, unika_error *err);

#endif
