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

#include "common/common.h"
#include "common/fileio.h"

/* fsync the directory holding `path`, so the rename itself is durable. */
static int fsync_parent_dir(const char *path)
{
    const char *slash = strrchr(path, '/');
    size_t n = !slash ? 1 : slash == path ? 1 : (size_t)(slash - path);
    char *dir = unika_strndup(slash ? path : ".", n);
    if (!dir) return -1;
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    unika_free(dir);
    if (fd < 0) return -1;
    int rc = fsync(fd);
    /* Some file systems cannot fsync a directory; the data itself is synced. */
    if (rc != 0 && (errno == EINVAL || errno == EBADF || errno == EROFS)) rc = 0;
    close(fd);
    return rc;
}

static int exists_error(unika_error *err, const char *path)
{
    return unika_fail(err, UNIKA_EEXIST, "%s already exists (not overwritten)", path);
}

int unika_atomic_open(unika_atomic_file *f, const char *path, unsigned mode, int overwrite,
                      unika_error *err)
{
    if (!f) return unika_fail(err, UNIKA_EINVAL, "write: NULL argument");
    memset(f, 0, sizeof *f);
    if (!path || !*path) return unika_fail(err, UNIKA_EINVAL, "write: NULL or empty path");
    struct stat st;
    int exists = lstat(path, &st) == 0;
    if (exists && !overwrite) return exists_error(err, path);
    /* The rename would put a regular file in place of a device (-o /dev/null), a
     * FIFO or a symbolic link (not its target): what the user meant is unclear, and
     * replacing /dev/null breaks the machine. Only a regular file is replaced. */
    if (exists && !S_ISREG(st.st_mode))
        return unika_fail(err, UNIKA_EEXIST,
                          "%s is not a regular file (a device, FIFO, directory or symbolic "
                          "link): not replaced; write to a file", path);
    const char *slash = strrchr(path, '/');
    size_t dir_len = slash ? (size_t)(slash - path) + 1 : 0, n = strlen(path) + 32;
    f->path = unika_strndup(path, strlen(path));
    f->tmp = unika_malloc(n);
    if (!f->path || !f->tmp) {
        unika_atomic_abort(f);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory writing %s", path);
    }
    snprintf(f->tmp, n, "%.*s.%s.tmp-XXXXXX", (int)dir_len, path, path + dir_len);
    int fd = mkstemp(f->tmp);
    if (fd < 0) {
        int e = errno;
        unika_free(f->tmp);
        f->tmp = NULL;
        unika_atomic_abort(f);
        return unika_fail(err, e == ENOENT ? UNIKA_ENOENT : UNIKA_EIO,
                          "cannot create a temporary file beside %s: %s", path, strerror(e));
    }
    /* mkstemp() made it 0600; the mode promised must hold whatever the umask. */
    if (fchmod(fd, (mode_t)mode) != 0 || !(f->fp = fdopen(fd, "wb"))) {
        int e = errno;
        close(fd);
        unika_atomic_abort(f);
        return unika_fail(err, UNIKA_EIO, "cannot write %s: %s", path, strerror(e));
    }
    f->overwrite = overwrite;
    return UNIKA_OK;
}

static void release(unika_atomic_file *f)
{
    unika_free(f->tmp);
    unika_free(f->path);
    memset(f, 0, sizeof *f);
}

int unika_atomic_commit(unika_atomic_file *f, unika_error *err)
{
    if (!f || !f->fp || !f->tmp) return unika_fail(err, UNIKA_EINVAL, "write: file not open");
    const char *step = "write";
    int e = 0;
    if (fflush(f->fp) != 0 || ferror(f->fp)) e = errno ? errno : EIO;
    if (!e && fsync(fileno(f->fp)) != 0) {
        e = errno;
        step = "sync";
    }
    if (fclose(f->fp) != 0 && !e) e = errno;
    f->fp = NULL;
    if (!e) {
        step = f->overwrite ? "rename into place" : "link into place";
        if (f->overwrite ? rename(f->tmp, f->path) != 0 : link(f->tmp, f->path) != 0) e = errno;
    }
    if (e == EEXIST && !f->overwrite) {
        int rc = exists_error(err, f->path);
        unika_atomic_abort(f);
        return rc;
    }
    if (e) {
        int rc = unika_fail(err, UNIKA_EIO, "cannot %s %s: %s", step, f->path, strerror(e));
        unika_atomic_abort(f);
        return rc;
    }
    if (!f->overwrite) unlink(f->tmp);
    int synced = fsync_parent_dir(f->path) == 0;
    int rc = synced ? UNIKA_OK
                    : unika_fail(err, UNIKA_EIO, "cannot sync the directory of %s: %s", f->path,
                                 strerror(errno));
    release(f);
    return rc;
}

void unika_atomic_abort(unika_atomic_file *f)
{
    if (!f) return;
    if (f->fp) fclose(f->fp);
    if (f->tmp) unlink(f->tmp);
    release(f);
}

int unika_open_regular(const char *path)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) return -1;
    struct stat st;
    if (fstat(fd, &st) != 0) {
        int e = errno;
        close(fd);
        errno = e;
        return -1;
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return -2;
    }
    /* Regular files ignore O_NONBLOCK; clear it anyway for whoever reads on. */
    int fl = fcntl(fd, F_GETFL);
    if (fl >= 0) (void)fcntl(fd, F_SETFL, fl & ~O_NONBLOCK);
    return fd;
}

int unika_write_file_atomic(const char *path, const void *src, size_t src_size,
                            unsigned mode, int overwrite, unika_error *err)
{
    if (!src && src_size) return unika_fail(err, UNIKA_EINVAL, "write: NULL data");
    unika_atomic_file f;
    int rc = unika_atomic_open(&f, path, mode, overwrite, err);
    if (rc < 0) return rc;
    if (src_size && fwrite(src, 1, src_size, f.fp) != src_size) {
        rc = unika_fail(err, UNIKA_EIO, "cannot write %s: %s", path, strerror(errno));
        unika_atomic_abort(&f);
        return rc;
    }
    return unika_atomic_commit(&f, err);
}
