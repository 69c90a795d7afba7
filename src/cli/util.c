/*
 * util.c - what every subcommand needs: messages, atomic output files,
 * small file reads, and a JSON writer.
 *
 * Atomic outputs follow Redis's rdb.c: write a temporary file in the target
 * directory, flush, fsync, move it into place, fsync the directory. Without
 * --force the move is link(2), which fails if the target appeared meanwhile,
 * so an existing file is never replaced by accident.
 */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "cli.h"

const char *cli_prog = "";
volatile sig_atomic_t cli_interrupted = 0;

static void on_interrupt(int sig)
{
    (void)sig;
    cli_interrupted = 1;
}

void cli_catch_interrupts(void)
{
    struct sigaction sa;
    memset(&sa, 0, sizeof sa);
    sa.sa_handler = on_interrupt;
    sigemptyset(&sa.sa_mask);
    sigaction(SIGINT, &sa, NULL);
    sigaction(SIGTERM, &sa, NULL);
    sigaction(SIGHUP, &sa, NULL);
}

void cli_errorf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "unika %s: ", cli_prog);
    vfprintf(stderr, fmt, ap);
    fputc('\n', stderr);
    va_end(ap);
}

int cli_fail(const char *file, const unika_error *err)
{
    const char *msg = err && err->message[0] ? err->message
                                             : unika_strerror(err ? err->code : UNIKA_EINTERNAL);
    if (file) cli_errorf("%s: %s", file, msg);
    else cli_errorf("%s", msg);
    return err && err->code == UNIKA_ENOMEM ? CLI_NOMEM : CLI_INPUT;
}

/* ---- memory ------------------------------------------------------------------ */

void cli_out_of_memory(void)
{
    cli_errorf("out of memory");
    exit(CLI_NOMEM);
}

void cli_wipe(void *p, size_t n) { sodium_memzero(p, n); }

void *cli_xmalloc(size_t n)
{
    void *p = malloc(n ? n : 1);
    if (!p) cli_out_of_memory();
    return p;
}

void *cli_xcalloc(size_t n, size_t size)
{
    void *p = calloc(n ? n : 1, size ? size : 1);
    if (!p) cli_out_of_memory();
    return p;
}

void *cli_xrealloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);
    if (!q) cli_out_of_memory();
    return q;
}

char *cli_xstrdup(const char *s)
{
    size_t n = strlen(s) + 1;
    return memcpy(cli_xmalloc(n), s, n);
}

char *cli_xprintf(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0) cli_out_of_memory();
    char *s = cli_xmalloc((size_t)n + 1);
    va_start(ap, fmt);
    vsnprintf(s, (size_t)n + 1, fmt, ap);
    va_end(ap);
    return s;
}

int cli_usage_error(const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "unika %s: ", cli_prog);
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\ntry 'unika %s --help'\n", cli_prog);
    va_end(ap);
    return CLI_USAGE;
}

int cli_wants_help(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--")) return 0;
        if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) return 1;
    }
    return 0;
}

static int set_err(unika_error *err, int code, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int set_err(unika_error *err, int code, const char *fmt, ...)
{
    if (!err) return code;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

int cli_read_file(char **out, size_t *size, const char *path, size_t max_size, unika_error *err)
{
    *out = NULL;
    /* Regular files only: a FIFO would hang the read (docs/cli.md). */
    int fd = unika_open_regular(path);
    if (fd == -2) return set_err(err, UNIKA_EIO, "%s: not a regular file", path);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        int e = errno;
        if (fd >= 0) close(fd);
        return set_err(err, e == ENOENT ? UNIKA_ENOENT : UNIKA_EIO, "%s: %s", path, strerror(e));
    }
    /* Room for the size fstat gives (a file that grew meanwhile is read on
     * into a larger buffer): allocating max_size for each of 10^5 small
     * files cost a 5 MB mapping and its page faults per file. */
    struct stat st;
    size_t cap = fstat(fd, &st) == 0 && st.st_size >= 0 && (uintmax_t)st.st_size < max_size
                     ? (size_t)st.st_size + 1 : max_size + 1;
    char *buf = malloc(cap);
    size_t n = buf ? fread(buf, 1, cap, f) : 0;
    if (buf && n == cap && cap <= max_size) { /* it grew: the rest, up to the bound */
        char *more = realloc(buf, max_size + 1);
        if (!more) free(buf);
        buf = more;
        if (buf) n += fread(buf + n, 1, max_size + 1 - n, f);
    }
    if (!buf) {
        fclose(f);
        return set_err(err, UNIKA_ENOMEM, "out of memory");
    }
    int bad = ferror(f);
    fclose(f);
    if (bad || n > max_size) {
        free(buf);
        return set_err(err, bad ? UNIKA_EIO : UNIKA_ETOOLONG, "%s: %s", path,
                       bad ? "read failed" : "file too large");
    }
    buf[n] = '\0';
    *out = buf;
    if (size) *size = n;
    return 0;
}

int cli_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

char *cli_dirname(const char *path)
{
    const char *slash = strrchr(path, '/');
    if (!slash) return strdup(".");
    if (slash == path) return strdup("/");
    size_t n = (size_t)(slash - path);
    char *d = malloc(n + 1);
    if (d) {
        memcpy(d, path, n);
        d[n] = '\0';
    }
    return d;
}

int cli_fsync_dir(const char *dir, unika_error *err)
{
    int fd = open(dir, O_RDONLY | O_DIRECTORY);
    if (fd < 0) return set_err(err, UNIKA_EIO, "%s: %s", dir, strerror(errno));
    int rc = fsync(fd);
    int e = errno;
    close(fd);
    /* Some file systems refuse fsync on directories; the data is safe then. */
    if (rc < 0 && e != EINVAL && e != EROFS)
        return set_err(err, UNIKA_EIO, "%s: fsync: %s", dir, strerror(e));
    return 0;
}

int cli_out_open(cli_out *o, const char *path, int force, unsigned mode, unika_error *err)
{
    memset(o, 0, sizeof *o);
    if (!force && cli_exists(path))
        return set_err(err, UNIKA_EEXIST, "%s: already exists (use --force to replace it)", path);
    return unika_atomic_open(o, path, mode, force, err);
}

int cli_out_commit(cli_out *o, unika_error *err)
{
    char path[4096];
    snprintf(path, sizeof path, "%s", o->path ? o->path : "");
    int rc = unika_atomic_commit(o, err);
    if (rc == UNIKA_EEXIST)
        set_err(err, UNIKA_EEXIST, "%s: already exists (use --force to replace it)", path);
    return rc;
}

void cli_out_abort(cli_out *o) { unika_atomic_abort(o); }

/* ---- JSON ------------------------------------------------------------------ */

void cli_json_string(FILE *f, const char *s)
{
    fputc('"', f);
    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        switch (*p) {
        case '"': fputs("\\\"", f); break;
        case '\\': fputs("\\\\", f); break;
        case '\n': fputs("\\n", f); break;
        case '\r': fputs("\\r", f); break;
        case '\t': fputs("\\t", f); break;
        default:
            if (*p < 0x20 || *p == 0x7f) fprintf(f, "\\u%04x", *p);
            else fputc(*p, f);
        }
    }
    fputc('"', f);
}

void cj_init(cli_json *j, FILE *f)
{
    memset(j, 0, sizeof *j);
    j->f = f;
}

void cj_key(cli_json *j, const char *key)
{
    if (j->count[j->depth]++) fputc(',', j->f);
    if (j->depth) {
        fputc('\n', j->f);
        for (int i = 0; i < j->depth; i++) fputs("  ", j->f);
    }
    if (key) {
        cli_json_string(j->f, key);
        fputs(": ", j->f);
    }
}

static void cj_open(cli_json *j, const char *key, char c)
{
    cj_key(j, key);
    fputc(c, j->f);
    if (j->depth < 31) j->count[++j->depth] = 0;
}

static void cj_close(cli_json *j, char c)
{
    int had = j->count[j->depth];
    if (j->depth) j->depth--;
    if (had) {
        fputc('\n', j->f);
        for (int i = 0; i < j->depth; i++) fputs("  ", j->f);
    }
    fputc(c, j->f);
}

void cj_obj(cli_json *j, const char *key) { cj_open(j, key, '{'); }
void cj_obj_end(cli_json *j) { cj_close(j, '}'); }
void cj_arr(cli_json *j, const char *key) { cj_open(j, key, '['); }
void cj_arr_end(cli_json *j) { cj_close(j, ']'); }

void cj_str(cli_json *j, const char *key, const char *value)
{
    cj_key(j, key);
    if (value) cli_json_string(j->f, value);
    else fputs("null", j->f);
}

void cj_int(cli_json *j, const char *key, long long value)
{
    cj_key(j, key);
    fprintf(j->f, "%lld", value);
}

void cj_num(cli_json *j, const char *key, double value)
{
    cj_key(j, key);
    if (value != value || value > 1e300 || value < -1e300) fputs("null", j->f);
    else fprintf(j->f, "%.10g", value);
}

void cj_bool(cli_json *j, const char *key, int value)
{
    cj_key(j, key);
    fputs(value ? "true" : "false", j->f);
}

void cj_null(cli_json *j, const char *key)
{
    cj_key(j, key);
    fputs("null", j->f);
}

void cj_end(cli_json *j)
{
    fputc('\n', j->f);
    fflush(j->f);
}

int cli_parse_uint(unsigned long *out, const char *s, unsigned long lo, unsigned long hi)
{
    if (!s || !*s) return -1;
    unsigned long v = 0;
    for (const char *p = s; *p; p++) {
        if (*p < '0' || *p > '9') return -1;
        if (v > (hi - (unsigned long)(*p - '0')) / 10) return -1;
        v = v * 10 + (unsigned long)(*p - '0');
    }
    if (v < lo || v > hi) return -1;
    *out = v;
    return 0;
}

int cli_set_error(unika_error *err, int code, const char *field, const char *fmt, ...)
{
    if (!err) return code;
    va_list ap;
    va_start(ap, fmt);
    err->code = code;
    snprintf(err->field, sizeof err->field, "%s", field ? field : "");
    vsnprintf(err->message, sizeof err->message, fmt, ap);
    va_end(ap);
    return code;
}

void cli_error_prefix(unika_error *err, const char *fmt, ...)
{
    char old[UNIKA_ERROR_MESSAGE_BYTES], prefix[UNIKA_ERROR_MESSAGE_BYTES];
    /* Drop the library's own "<field>: " opening: the prefix names the field. */
    const char *m = err->message;
    size_t fl = strnlen(err->field, sizeof err->field);
    if (fl && strncmp(m, err->field, fl) == 0 && m[fl] == ':' && m[fl + 1] == ' ') m += fl + 2;
    snprintf(old, sizeof old, "%s", m);
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(prefix, sizeof prefix, fmt, ap);
    va_end(ap);
    size_t n = strlen(prefix);
    memcpy(err->message, prefix, n < sizeof err->message ? n : sizeof err->message - 1);
    if (n < sizeof err->message - 1)
        snprintf(err->message + n, sizeof err->message - n, "%s", old);
    else
        err->message[sizeof err->message - 1] = '\0';
}

int cli_path_join(char *dst, size_t cap, const char *a, const char *sep, const char *b)
{
    int n = snprintf(dst, cap, "%s%s%s", a, sep, b);
    return n < 0 || (size_t)n >= cap ? -1 : 0;
}

/* Keeps [A-Za-z0-9.+-] and writes '-' for anything else, so a file name
 * never holds a separator, a space or a path character. */
void cli_slug(char *dst, size_t cap, const char *src)
{
    size_t o = 0;
    for (; *src && o + 1 < cap; src++) {
        char ch = *src;
        int ok = (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') || (ch >= '0' && ch <= '9') ||
                 ch == '.' || ch == '+' || ch == '-';
        dst[o++] = ok ? ch : '-';
    }
    dst[o] = '\0';
}

int cli_file_digest(uint8_t out[UNIKA_DIGEST_BYTES], const char *path, unika_error *err)
{
    FILE *f = fopen(path, "rb");
    if (!f)
        return cli_set_error(err, errno == ENOENT ? UNIKA_ENOENT : UNIKA_EIO, NULL,
                             "cannot open: %s", strerror(errno));
    crypto_generichash_state st;
    crypto_generichash_init(&st, NULL, 0, UNIKA_DIGEST_BYTES);
    unsigned char buf[65536];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, f)) > 0) crypto_generichash_update(&st, buf, n);
    int bad = ferror(f);
    fclose(f);
    if (bad) return cli_set_error(err, UNIKA_EIO, NULL, "cannot read");
    crypto_generichash_final(&st, out, UNIKA_DIGEST_BYTES);
    return 0;
}
