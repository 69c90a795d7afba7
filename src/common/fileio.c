/*
 * fileio.c - atomic file writes (common/fileio.h says why and how).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/common.h"
#include "common/fileio.h"

/* fsync the directory holding `path`, so the rename itself is durable. */
static int fsync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    char *dir = slash ? strndup(path, slash == path ? 1 : (size_t)(slash - path)) : strdup(".");
    if (!dir) return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    free(dir);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* Some file systems cannot fsync a directory; the data itself is synced. */
    if (rc != 0 && (errno == EINVAL || errno == EBADF)) rc = 0;
    close(fd);
    return rc;
}

static int write_all(int fd, const uint8_t *p, size_t n)
{
    while (n > 0) {
        ssize_t w = write(fd, p, n);
        if (w < 0) {
            if (errno == EINTR) continue;
            return -1;
        }
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

static int exists_error(unika_error *err, const char *path)
{
    return unika_fail(err, UNIKA_EEXIST, "%s already exists (not overwritten)", path);
}

int unika_write_file_atomic(const char *path, const void *src, size_t src_size,
                            unsigned mode, int overwrite, unika_error *err)
{
    if (!path || !*path || (!src && src_size))
        return unika_fail(err, UNIKA_EINVAL, "write: NULL or empty path or data");
    struct stat st;
    if (!overwrite && lstat(path, &st) == 0) return exists_error(err, path);

    size_t plen = strlen(path);
    char *tmp = malloc(plen + 32);
    if (!tmp) return unika_fail(err, UNIKA_ENOMEM, "out of memory writing %s", path);
    int fd = -1;
    for (int attempt = 0; attempt < 16 && fd < 0; attempt++) {
        snprintf(tmp, plen + 32, "%s.tmp-%08x", path, randombytes_random());
        fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, (mode_t)mode);
        if (fd < 0 && errno != EEXIST) break;
    }
    if (fd < 0) {
        int e = errno;
        free(tmp);
        return unika_fail(err, e == ENOENT ? UNIKA_ENOENT : UNIKA_EIO,
                          "cannot create a temporary file beside %s: %s", path, strerror(e));
    }
    const char *step = "write";
    /* open() applies the umask; the mode promised must hold regardless. */
    if (fchmod(fd, (mode_t)mode) != 0 || write_all(fd, src, src_size) != 0) goto io_error;
    step = "sync";
    if (fsync(fd) != 0) goto io_error;
    int closed = close(fd);
    fd = -1;
    if (closed != 0) goto io_error;
    step = overwrite ? "rename into place" : "link into place";
    if (overwrite) {
        if (rename(tmp, path) != 0) goto io_error;
    } else {
        if (link(tmp, path) != 0) {
            if (errno != EEXIST) goto io_error;
            unlink(tmp);
            free(tmp);
            return exists_error(err, path);
        }
        unlink(tmp);
    }
    free(tmp);
    if (fsync_parent_dir(path) != 0)
        return unika_fail(err, UNIKA_EIO, "cannot sync the directory of %s: %s", path,
                          strerror(errno));
    return UNIKA_OK;

io_error: {
        int e = errno;
        if (fd >= 0) close(fd);
        unlink(tmp);
        free(tmp);
        return unika_fail(err, UNIKA_EIO, "cannot %s %s: %s", step, path, strerror(e));
    }
}
