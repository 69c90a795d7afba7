/*
 * govio.c - guarded reads and text fields of the governance files.
 *
 * Signing keys, box keys, public keys, signatures, rosters and sealed
 * envelopes are all small files that must never be seen half-written (a
 * partner who loses power while writing a signature must not end up with a
 * file that fails verification for a reason nobody can explain), and secret
 * ones must never be readable by others, not even for a moment.
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
#include "governance/govio.h"

/* Opens path, a regular file of at most max_size bytes (and, for a secret,
 * readable by its owner alone); *size is its size at the open. */
static int open_checked(const char *path, size_t max_size, int refuse_open_perms, int *fd,
                        size_t *size, unika_error *err)
{
    *fd = unika_open_regular(path);
    if (*fd == -2) return unika_fail(err, UNIKA_EIO, "%s is not a regular file", path);
    if (*fd < 0) {
        int e = errno;
        if (e == ENOENT) return unika_fail(err, UNIKA_ENOENT, "%s does not exist", path);
        return unika_fail(err, UNIKA_EIO, "cannot open %s: %s", path, strerror(e));
    }
    struct stat st;
    int rc = 0;
    if (fstat(*fd, &st) != 0)
        rc = unika_fail(err, UNIKA_EIO, "cannot stat %s: %s", path, strerror(errno));
    else if (refuse_open_perms && (st.st_mode & 077))
        rc = unika_fail(err, UNIKA_EKEYPERM,
                        "%s has mode %04o: group or others may access this secret key; "
                        "run chmod 600 on it",
                        path, (unsigned)(st.st_mode & 07777));
    else if ((uint64_t)st.st_size > max_size)
        rc = unika_fail(err, UNIKA_ERANGE, "%s is %llu bytes, more than the %zu allowed", path,
                        (unsigned long long)st.st_size, max_size);
    if (rc) {
        close(*fd);
        return rc;
    }
    *size = (size_t)st.st_size;
    return 0;
}

/* Reads fd to its end into a buffer of size + 1 bytes, grown up to
 * max_size + 1 if the file grew after its size was taken. A buffer that
 * grows is copied and the old one wiped, never realloc'ed: it may hold a
 * secret. */
static int read_to_end(int fd, const char *path, size_t max_size, size_t size, uint8_t **out,
                       size_t *out_size, unika_error *err)
{
    size_t cap = size + 1, len = 0;
    uint8_t *buf = unika_malloc(cap);
    if (!buf) return unika_fail(err, UNIKA_ENOMEM, "out of memory reading %s", path);
    for (;;) {
        if (len == cap - 1) {
            if (cap - 1 >= max_size) {
                uint8_t probe;
                if (read(fd, &probe, 1) > 0) {
                    unika_govio_free(buf, len);
                    return unika_fail(err, UNIKA_ERANGE, "%s is more than the %zu bytes allowed",
                                      path, max_size);
                }
                break;
            }
            size_t ncap = cap * 2 > max_size + 1 ? max_size + 1 : cap * 2;
            uint8_t *grown = unika_malloc(ncap);
            if (!grown) {
                unika_govio_free(buf, len);
                return unika_fail(err, UNIKA_ENOMEM, "out of memory reading %s", path);
            }
            memcpy(grown, buf, len);
            unika_govio_free(buf, len);
            buf = grown;
            cap = ncap;
        }
        ssize_t r = read(fd, buf + len, cap - 1 - len);
        if (r < 0) {
            if (errno == EINTR) continue;
            int e = errno;
            unika_govio_free(buf, len);
            return unika_fail(err, UNIKA_EIO, "cannot read %s: %s", path, strerror(e));
        }
        if (r == 0) break;
        len += (size_t)r;
    }
    buf[len] = '\0';
    *out = buf;
    *out_size = len;
    return 0;
}

int unika_govio_read(uint8_t **out, size_t *out_size, const char *path, size_t max_size,
                     int refuse_open_perms, unika_error *err)
{
    if (!out || !out_size || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    *out_size = 0;
    int fd = -1;
    size_t size = 0;
    int rc = open_checked(path, max_size, refuse_open_perms, &fd, &size, err);
    if (rc) return rc;
    rc = read_to_end(fd, path, max_size, size, out, out_size, err);
    close(fd);
    return rc;
}

void unika_govio_free(uint8_t *buf, size_t size)
{
    if (!buf) return;
    sodium_memzero(buf, size + 1);
    unika_free(buf);
}

int unika_govio_save_signed(const char *path, const char *text, size_t n, const unika_sign_key *key,
                            unsigned flags, unika_error *err)
{
    unika_signature sig;
    char sig_path[4096];
    int rc = unika_signature_create(&sig, key, (const uint8_t *)text, n, err);
    if (rc == 0 && unika_signature_path(sig_path, sizeof sig_path, path) != 0)
        rc = unika_fail(err, UNIKA_EINVAL, "path too long");
    if (rc == 0) rc = unika_signature_save(&sig, sig_path, flags, err);
    if (rc == 0) {
        rc = unika_write_file_atomic(path, text, n, 0644, (flags & UNIKA_SIGN_OVERWRITE) != 0, err);
        if (rc < 0) remove(sig_path);
    }
    return rc;
}

int unika_govio_next_line(const char **line, size_t *line_size,
                          const char *src, size_t src_size, size_t *pos)
{
    if (*pos >= src_size) return 0;
    const char *start = src + *pos;
    const char *nl = memchr(start, '\n', src_size - *pos);
    size_t n = nl ? (size_t)(nl - start) : src_size - *pos;
    *pos += n + (nl ? 1 : 0);
    if (n && start[n - 1] == '\r') n--;
    *line = start;
    *line_size = n;
    return 1;
}



/* ---- line-oriented "field: value" text ------------------------------------ */


/* The version line: "<header> v1". */
int unika_govio_read_header(unika_govio_reader *r, const char *header, int version_code,
                            unika_error *err)
{
    const char *line;
    size_t n;
    r->line_no = 1;
    if (!unika_govio_next_line(&line, &n, r->src, r->size, &r->pos))
        return unika_fail(err, r->bad_code, "%s is empty", r->what);
    size_t h = strlen(header);
    if (n < h + 2 || memcmp(line, header, h) != 0 || line[h] != ' ' || line[h + 1] != 'v') {
        if (err) err->line = 1;
        return unika_fail(err, r->bad_code, "%s: line 1 is not \"%s v1\"", r->what, header);
    }
    if (n != h + 3 || line[h + 2] != '1') {
        if (err) err->line = 1;
        return unika_fail(err, version_code, "%s: version \"%.*s\" is not supported (only v1)",
                          r->what, (int)(n - h - 1 > 16 ? 16 : n - h - 1), line + h + 1);
    }
    return 0;
}

/* The next line must be "<field>: <value>"; *value and *value_size point into src. */
int unika_govio_read_field(unika_govio_reader *r, const char *field, const char **value,
                           size_t *value_size,
                      unika_error *err)
{
    const char *line;
    size_t n;
    r->line_no++;
    if (!unika_govio_next_line(&line, &n, r->src, r->size, &r->pos)) {
        if (err) err->line = r->line_no;
        return unika_fail_at(err, r->bad_code, field, 0,
                             "%s: line %llu: missing \"%s:\" (file truncated?)", r->what,
                             (unsigned long long)r->line_no, field);
    }
    size_t f = strlen(field);
    if (n < f + 2 || memcmp(line, field, f) != 0 || line[f] != ':' || line[f + 1] != ' ') {
        if (err) err->line = r->line_no;
        return unika_fail_at(err, r->bad_code, field, 0,
                             "%s: line %llu: expected \"%s: ...\"", r->what,
                             (unsigned long long)r->line_no, field);
    }
    *value = line + f + 2;
    *value_size = n - f - 2;
    return 0;
}

int unika_govio_read_hex_field(unika_govio_reader *r, const char *field, uint8_t *dst, size_t n,
                               unika_error *err)
{
    const char *v = NULL;
    size_t vn = 0;
    int rc = unika_govio_read_field(r, field, &v, &vn, err);
    if (rc < 0) return rc;
    if (unika_hex_decode(dst, n, v, vn) != 0) {
        if (err) err->line = r->line_no;
        return unika_fail_at(err, r->bad_code, field, 0,
                             "%s: line %llu: \"%s\" must be %zu hex digits", r->what,
                             (unsigned long long)r->line_no, field, 2 * n);
    }
    return 0;
}

/* Nothing may follow the last field but empty lines at the very end. */
int unika_govio_read_end(unika_govio_reader *r, unika_error *err)
{
    const char *line;
    size_t n;
    while (unika_govio_next_line(&line, &n, r->src, r->size, &r->pos)) {
        r->line_no++;
        if (n != 0) {
            if (err) err->line = r->line_no;
            return unika_fail(err, r->bad_code, "%s: line %llu: unexpected content after the "
                              "last field", r->what, (unsigned long long)r->line_no);
        }
    }
    return 0;
}

int unika_govio_reject_nul(const char *src, size_t size, const char *what, int code,
                           unika_error *err)
{
    if (memchr(src, '\0', size)) return unika_fail(err, code, "%s contains a NUL byte", what);
    return 0;
}

