/*
 * stage.c - a directory of outputs that appears whole or not at all
 * (`ingest`'s cells, `link`'s cells and manifest; cli.h).
 *
 * Files go into a staging directory ".unika-tmp-XXXXXX" beside DIR; once
 * every one is written (and signed) the staging directory is fsync'ed and
 * renamed to DIR. An absent or empty DIR is replaced atomically; a DIR of
 * earlier outputs (--force) is first moved aside, then removed. On any
 * failure the staging directory is removed and DIR is untouched. Inside the
 * staging directory a file needs no temporary name of its own, since the
 * directory is what appears whole: cli_stage_put() writes each file in
 * place and syncs its data, and the directory is synced once.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"

static int ends_with(const char *s, const char *suffix)
{
    size_t n = strlen(s), k = strlen(suffix);
    return n > k && !strcmp(s + n - k, suffix);
}

/* 1 if `dir` holds anything but regular files whose names end in one of
 * `kinds` (or cannot be read): what an earlier run may have written. */
static int dir_has_foreign(const char *dir, const char *const *kinds, int *empty)
{
    DIR *d = opendir(dir);
    if (!d) return 1;
    struct dirent *e;
    int foreign = 0;
    *empty = 1;
    while ((e = readdir(d))) {
        if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
        *empty = 0;
        char path[PATH_MAX];
        struct stat st;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        int known = 0;
        for (size_t k = 0; kinds[k]; k++) known |= ends_with(e->d_name, kinds[k]);
        if (!known || lstat(path, &st) < 0 || !S_ISREG(st.st_mode)) foreign = 1;
    }
    closedir(d);
    return foreign;
}

void cli_stage_abort(const char *dir)
{
    DIR *d = opendir(dir);
    if (d) {
        struct dirent *e;
        char path[PATH_MAX];
        while ((e = readdir(d))) {
            if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, "..")) continue;
            snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
            unlink(path);
        }
        closedir(d);
    }
    rmdir(dir);
}

int cli_stage_check_dir(const char *out_dir, int force, const char *const *kinds,
                        const char *what)
{
    struct stat st;
    if (stat(out_dir, &st) < 0) return 0;
    if (!S_ISDIR(st.st_mode)) {
        cli_errorf("%s: exists and is not a directory", out_dir);
        return CLI_INPUT;
    }
    int empty = 0;
    int foreign = dir_has_foreign(out_dir, kinds, &empty);
    if (empty) return 0;
    if (!force) {
        cli_errorf("%s: exists and is not empty (use --force to replace its outputs)", out_dir);
        return CLI_INPUT;
    }
    if (foreign) {
        cli_errorf("%s: holds files other than %s; refusing to replace it even with --force",
                   out_dir, what);
        return CLI_INPUT;
    }
    return 0;
}

/* DIR without trailing slashes. */
static void final_of(char final[PATH_MAX], const char *out_dir)
{
    size_t n = strlen(out_dir);
    while (n > 1 && out_dir[n - 1] == '/') n--;
    snprintf(final, PATH_MAX, "%.*s", (int)n, out_dir);
}

/* Creates stage/name (0644), writes `size` bytes and syncs them. */
static int put_file(const char *stage, const char *name, const void *bytes, size_t size)
{
    char path[PATH_MAX];
    if (cli_path_join(path, sizeof path, stage, "/", name) < 0) {
        cli_errorf("%s: path too long", name);
        return CLI_INPUT;
    }
    int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
    const char *step = "create";
    int ok = fd >= 0 && fchmod(fd, 0644) == 0; /* whatever the umask */
    for (size_t done = 0; ok && done < size;) {
        ssize_t w = write(fd, (const char *)bytes + done, size - done);
        if (w < 0 && errno == EINTR) continue;
        step = "write";
        ok = w > 0;
        if (ok) done += (size_t)w;
    }
    if (ok && fsync(fd) != 0) {
        step = "sync";
        ok = 0;
    }
    int e = errno;
    if (fd >= 0 && close(fd) != 0 && ok) {
        e = errno;
        ok = 0;
    }
    if (ok) return 0;
    cli_errorf("%s: cannot %s it in the staging directory: %s", name, step, strerror(e));
    return CLI_INPUT;
}

int cli_stage_put(const char *stage, const char *name, const void *bytes, size_t size,
                  const unika_sign_key *signer)
{
    int rc = put_file(stage, name, bytes, size);
    if (rc || !signer) return rc;
    unika_error err = {0};
    unika_signature sig;
    char text[4096], sig_name[PATH_MAX];
    size_t n = 0;
    if (unika_signature_create(&sig, signer, bytes, size, &err) < 0 ||
        unika_signature_format(text, sizeof text, &n, &sig, &err) < 0 ||
        unika_signature_path(sig_name, sizeof sig_name, name) != 0) {
        cli_errorf("%s: cannot sign: %s", name, err.message[0] ? err.message : "name too long");
        return CLI_INPUT;
    }
    return put_file(stage, sig_name, text, n);
}

int cli_stage_begin(char *stage, const char *out_dir)
{
    char final[PATH_MAX];
    final_of(final, out_dir);
    if (cli_path_join(stage, PATH_MAX, final, ".unika-tmp-", "XXXXXX") < 0 || !mkdtemp(stage)) {
        cli_errorf("%s: cannot create a staging directory beside it: %s", final, strerror(errno));
        return -1;
    }
    return 0;
}

int cli_stage_commit(const char *stage, const char *out_dir, const char *what)
{
    unika_error err = {0};
    char final[PATH_MAX], old[PATH_MAX];
    final_of(final, out_dir);
    if (cli_fsync_dir(stage, &err) < 0) {
        cli_stage_abort(stage);
        return cli_fail(NULL, &err);
    }
    if (rename(stage, final) < 0) {
        if (errno != ENOTEMPTY && errno != EEXIST) {
            cli_errorf("%s: cannot move the %s into place: %s", final, what, strerror(errno));
            cli_stage_abort(stage);
            return CLI_INPUT;
        }
        if (cli_path_join(old, sizeof old, final, ".unika-old-", "XXXXXX") < 0 || !mkdtemp(old) ||
            rename(final, old) < 0 || rename(stage, final) < 0) {
            cli_errorf("%s: cannot replace the old %s: %s", final, what, strerror(errno));
            cli_stage_abort(stage);
            return CLI_INPUT;
        }
        cli_stage_abort(old);
    }
    char *parent = cli_dirname(final);
    if (parent) {
        cli_fsync_dir(parent, NULL);
        free(parent);
    }
    return 0;
}
