/*
 * csv.c - a strict, streaming RFC 4180 reader for partners' visit logs.
 *
 * Why its own reader: ingesting must run at well over a million rows a
 * second on one core while pseudonymising each row costs ~400 ns, so parsing
 * has to cost a small fraction of that; and a count is only as good as its
 * input, so every irregularity that a lenient reader would paper over (an
 * unclosed quote swallowing the rest of the file, a wrong delimiter) must be
 * an error that names line and column.
 *
 * How: input is read in UNIKA_CSV_BUFFER_BYTES blocks. A record is decoded
 * into one contiguous buffer, each field unescaped and NUL-terminated, with
 * an offset table beside it. Between special bytes (delimiter, quote, CR,
 * LF, NUL) the decoder copies whole runs found with a byte-class table, so
 * the cost per row is a table lookup per byte plus a few memcpy calls. UTF-8
 * is checked per finished field with an 8-bytes-at-a-time ASCII fast path.
 *
 * State across block boundaries: the decoder asks for one byte at a time at
 * the special points (peek/take), and scans runs only inside the current
 * block, so a field split across two reads needs no special case.
 *
 * Encodings (input/encoding.h): the first bytes are looked at once, before
 * the first record, to refuse a spreadsheet or a file in another encoding
 * than the options say. UTF-8 input is parsed where it was read; any other
 * is decoded block by block into UTF-8 first, so everything after refill()
 * sees UTF-8 either way.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/common.h"
#include "input/encoding.h"
#include "unika/csv.h"

enum { SRC_FD, SRC_FILE, SRC_MEMORY };
enum { END_OF_INPUT = -1, READ_ERROR = -2 }; /* READ_ERROR also for a refused block */

struct unika_csv {
    int src_kind;
    int fd;
    FILE *fp;
    const uint8_t *buf; /* current block (own buffer, the memory source, or decoded) */
    uint8_t *own;       /* read buffer for fd/FILE sources */
    size_t pos, len;
    int eof;
    int read_errno;
    uint64_t consumed; /* bytes before buf[0] */

    /* Decoding (an encoding other than UTF-8): raw blocks are read into
     * `own` (or taken from the memory source) and decoded into `decoded`. */
    unsigned encoding;      /* as resolved by the first bytes */
    int decoding;
    unika_decoder dec;
    uint8_t *decoded;
    const uint8_t *mem;     /* the memory source */
    size_t mem_len, mem_pos;
    uint64_t raw_consumed;  /* raw bytes decoded so far */
    uint64_t raw_lines;     /* line feeds in them (Windows-1252's UTF-8 check) */
    uint64_t enc_fail_line; /* a block refused as UTF-8 read as Windows-1252 */
    int raw_eof;            /* the raw source is exhausted */

    unika_csv_options opt;
    uint8_t special[256]; /* 1 for bytes that end an unquoted run */

    uint64_t line;     /* current physical line, 1-based */
    uint64_t rec_line; /* line of the current record's first byte */
    int started;       /* BOM check done */
    int stopped;       /* sticky code after a structural error, else 0 */

    char *rec; /* decoded record: fields, each NUL-terminated */
    size_t rec_len, rec_cap;
    size_t *fstart; /* offsets into rec; field i's length is flen[i] */
    size_t *flen;
    size_t nfields, fcap;

    char *header; /* copy of the header record, names NUL-separated */
    size_t *hstart;
    size_t hcount;
    uint64_t records;
};

void unika_csv_options_init(unika_csv_options *opt)
{
    if (!opt) return;
    opt->delimiter = ',';
    opt->flags = UNIKA_CSV_HEADER;
    opt->max_field_bytes = UNIKA_CSV_MAX_FIELD_BYTES;
    opt->max_fields = UNIKA_CSV_MAX_FIELDS;
    opt->max_record_bytes = UNIKA_CSV_MAX_RECORD_BYTES;
    opt->encoding = UNIKA_ENCODING_UTF8;
}

int unika_csv_delimiter_valid(char c)
{
    unsigned char u = (unsigned char)c;
    return u != 0 && u < 0x80 && c != '"' && c != '\r' && c != '\n';
}

static int csv_new(unika_csv **out, const unika_csv_options *opt, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "csv: output pointer is NULL");
    *out = NULL;
    unika_csv_options o;
    if (opt) o = *opt; else unika_csv_options_init(&o);
    if (!unika_csv_delimiter_valid(o.delimiter))
        return unika_fail(err, UNIKA_EINVAL,
                          "csv: delimiter must be an ASCII character other than quote, CR, LF or NUL");
    if (!o.max_field_bytes || !o.max_fields || !o.max_record_bytes)
        return unika_fail(err, UNIKA_EINVAL, "csv: bounds must be positive");
    if (o.encoding >= UNIKA_ENCODING_COUNT)
        return unika_fail(err, UNIKA_EINVAL, "csv: unknown encoding %u", o.encoding);
    unika_csv *c = unika_calloc(1, sizeof *c);
    if (!c) return unika_fail(err, UNIKA_ENOMEM, "csv: out of memory");
    c->opt = o;
    c->encoding = o.encoding;
    c->line = 1;
    c->special[(unsigned char)o.delimiter] = 1;
    c->special['"'] = 1;
    c->special['\r'] = 1;
    c->special['\n'] = 1;
    c->special[0] = 1;
    c->rec_cap = 4096;
    c->fcap = 64;
    c->rec = unika_malloc(c->rec_cap);
    c->fstart = unika_malloc(c->fcap * sizeof *c->fstart);
    c->flen = unika_malloc(c->fcap * sizeof *c->flen);
    if (!c->rec || !c->fstart || !c->flen) {
        unika_csv_free(c);
        return unika_fail(err, UNIKA_ENOMEM, "csv: out of memory");
    }
    *out = c;
    return 0;
}

static int csv_new_reading(unika_csv **out, int kind, int fd, FILE *fp,
                           const unika_csv_options *opt, unika_error *err)
{
    int rc = csv_new(out, opt, err);
    if (rc < 0) return rc;
    unika_csv *c = *out;
    c->src_kind = kind;
    c->fd = fd;
    c->fp = fp;
    c->own = unika_malloc(UNIKA_CSV_BUFFER_BYTES);
    if (!c->own) {
        unika_csv_free(c);
        *out = NULL;
        return unika_fail(err, UNIKA_ENOMEM, "csv: out of memory");
    }
    c->buf = c->own;
    return 0;
}

int unika_csv_new_fd(unika_csv **out, int fd, const unika_csv_options *opt, unika_error *err)
{
    if (fd < 0) {
        if (out) *out = NULL;
        return unika_fail(err, UNIKA_EINVAL, "csv: invalid file descriptor");
    }
    return csv_new_reading(out, SRC_FD, fd, NULL, opt, err);
}

int unika_csv_new_file(unika_csv **out, FILE *fp, const unika_csv_options *opt, unika_error *err)
{
    if (!fp) {
        if (out) *out = NULL;
        return unika_fail(err, UNIKA_EINVAL, "csv: stream is NULL");
    }
    return csv_new_reading(out, SRC_FILE, -1, fp, opt, err);
}

int unika_csv_new_memory(unika_csv **out, const void *src, size_t src_size,
                         const unika_csv_options *opt, unika_error *err)
{
    if (!src && src_size) {
        if (out) *out = NULL;
        return unika_fail(err, UNIKA_EINVAL, "csv: source is NULL");
    }
    int rc = csv_new(out, opt, err);
    if (rc < 0) return rc;
    (*out)->src_kind = SRC_MEMORY;
    (*out)->buf = (*out)->mem = src ? src : (const uint8_t *)"";
    (*out)->len = (*out)->mem_len = src_size;
    (*out)->eof = 1;
    return 0;
}

void unika_csv_free(unika_csv *csv)
{
    if (!csv) return;
    unika_free(csv->own);
    unika_free(csv->decoded);
    unika_free(csv->rec);
    unika_free(csv->fstart);
    unika_free(csv->flen);
    unika_free(csv->header);
    unika_free(csv->hstart);
    unika_free(csv);
}

/* ---- input ------------------------------------------------------------- */

/* The next raw block: read from the fd or stream into `own`, or the next
 * slice of the memory source. 1 with *p and *n set, 0 at the end, or
 * READ_ERROR. */
static int read_raw(unika_csv *c, const uint8_t **p, size_t *n)
{
    if (c->raw_eof) return 0;
    if (c->src_kind == SRC_MEMORY) {
        size_t k = c->mem_len - c->mem_pos;
        if (k > UNIKA_CSV_BUFFER_BYTES) k = UNIKA_CSV_BUFFER_BYTES;
        *p = c->mem + c->mem_pos;
        *n = k;
        c->mem_pos += k;
        if (!k) c->raw_eof = 1;
        return k ? 1 : 0;
    }
    *p = c->own;
    for (;;) {
        if (c->src_kind == SRC_FD) {
            ssize_t r = read(c->fd, c->own, UNIKA_CSV_BUFFER_BYTES);
            if (r < 0) {
                if (errno == EINTR) continue;
                c->read_errno = errno;
                return READ_ERROR;
            }
            *n = (size_t)r;
        } else {
            *n = fread(c->own, 1, UNIKA_CSV_BUFFER_BYTES, c->fp);
            if (*n == 0 && ferror(c->fp)) {
                c->read_errno = errno;
                return READ_ERROR;
            }
        }
        if (*n == 0) c->raw_eof = 1;
        return *n ? 1 : 0;
    }
}

static uint64_t count_lf(const uint8_t *p, size_t n)
{
    uint64_t k = 0;
    for (const uint8_t *q = p, *end = p + n; (q = memchr(q, '\n', (size_t)(end - q))); q++) k++;
    return k;
}

/* Decodes raw block p[0..n) into `decoded`, which becomes the current
 * block. READ_ERROR (with enc_fail_line set) when Windows-1252 input holds
 * a block that is in fact UTF-8. */
static int decode_block(unika_csv *c, const uint8_t *p, size_t n)
{
    if (c->encoding == UNIKA_ENCODING_WINDOWS1252) {
        size_t at = unika_cp1252_block_is_utf8(p, n);
        if (at) {
            c->enc_fail_line = c->raw_lines + 1 + count_lf(p, at - 1);
            return READ_ERROR;
        }
        c->raw_lines += count_lf(p, n);
    }
    c->buf = c->decoded;
    c->pos = 0;
    c->len = unika_decode(&c->dec, p, n, c->decoded);
    c->raw_consumed += n;
    return 0;
}

/* Reads the next block; returns 1 if bytes are available, 0 at the end,
 * READ_ERROR on failure. */
static int refill(unika_csv *c)
{
    if (c->eof) return 0;
    c->consumed += c->len;
    c->pos = c->len = 0;
    const uint8_t *p;
    size_t n;
    for (;;) {
        int r = read_raw(c, &p, &n);
        if (r == READ_ERROR) return r;
        if (r == 0) {
            c->eof = 1;
            if (!c->decoding) return 0;
            c->buf = c->decoded;
            c->len = unika_decode_finish(&c->dec, c->decoded);
            return c->len ? 1 : 0;
        }
        if (!c->decoding) {
            c->buf = p;
            c->len = n;
            return 1;
        }
        if (decode_block(c, p, n) < 0) return READ_ERROR;
        if (c->len) return 1; /* else the block was half a code unit: read on */
    }
}

/* At the very start only: reads until the first block holds `want` bytes
 * or the input ends. 0, or READ_ERROR. */
static int top_up(unika_csv *c, size_t want)
{
    while (c->src_kind != SRC_MEMORY && !c->eof && c->pos == 0 && c->len < want) {
        size_t n;
        if (c->src_kind == SRC_FD) {
            ssize_t r = read(c->fd, c->own + c->len, UNIKA_CSV_BUFFER_BYTES - c->len);
            if (r < 0) {
                if (errno == EINTR) continue;
                c->read_errno = errno;
                return READ_ERROR;
            }
            n = (size_t)r;
        } else {
            n = fread(c->own + c->len, 1, UNIKA_CSV_BUFFER_BYTES - c->len, c->fp);
            if (n == 0 && ferror(c->fp)) {
                c->read_errno = errno;
                return READ_ERROR;
            }
        }
        if (n == 0) c->eof = c->raw_eof = 1;
        c->len += n;
    }
    return 0;
}

static inline int peek(unika_csv *c)
{
    if (c->pos < c->len) return c->buf[c->pos];
    int r = refill(c);
    if (r == 1) return c->buf[c->pos];
    return r == 0 ? END_OF_INPUT : READ_ERROR;
}

/* ---- errors ------------------------------------------------------------ */

static int fail_here(unika_csv *c, unika_error *err, int code, uint64_t position,
                     const char *what)
{
    size_t col = c->nfields + 1;
    const char *name = unika_csv_header_name(c, c->nfields);
    if (err) {
        err->line = c->rec_line;
        err->column = col;
    }
    if (code == UNIKA_ECSV || code == UNIKA_EIO || code == UNIKA_ENOMEM) c->stopped = code;
    if (name)
        return unika_fail_at(err, code, name, position, "line %llu, column %zu (%s): %s",
                             (unsigned long long)c->rec_line, col, name, what);
    return unika_fail_at(err, code, NULL, position, "line %llu, column %zu: %s",
                         (unsigned long long)c->rec_line, col, what);
}

/* ---- the record buffer ------------------------------------------------- */

static int grow_record(unika_csv *c, size_t need, unika_error *err)
{
    size_t cap = c->rec_cap;
    while (cap < need) cap *= 2;
    char *p = unika_realloc(c->rec, c->rec_cap, cap);
    if (!p) return fail_here(c, err, UNIKA_ENOMEM, 0, "out of memory");
    c->rec = p;
    c->rec_cap = cap;
    return 0;
}

/* Appends n bytes to the field being decoded, enforcing the bounds. */
static inline int append(unika_csv *c, const uint8_t *src, size_t n, unika_error *err)
{
    size_t field_len = c->rec_len - c->fstart[c->nfields] + n;
    if (field_len > c->opt.max_field_bytes) {
        char msg[96];
        snprintf(msg, sizeof msg, "field longer than %zu bytes", c->opt.max_field_bytes);
        return fail_here(c, err, UNIKA_ECSV, 0, msg);
    }
    if (c->rec_len + n + 1 > c->opt.max_record_bytes) {
        char msg[96];
        snprintf(msg, sizeof msg, "record longer than %zu bytes", c->opt.max_record_bytes);
        return fail_here(c, err, UNIKA_ECSV, 0, msg);
    }
    if (c->rec_len + n + 1 > c->rec_cap) {
        int rc = grow_record(c, c->rec_len + n + 1, err);
        if (rc < 0) return rc;
    }
    memcpy(c->rec + c->rec_len, src, n);
    c->rec_len += n;
    return 0;
}

static int begin_field(unika_csv *c, unika_error *err)
{
    if (c->nfields >= c->opt.max_fields) {
        char msg[96];
        snprintf(msg, sizeof msg, "more than %zu fields in a record", c->opt.max_fields);
        return fail_here(c, err, UNIKA_ECSV, 0, msg);
    }
    if (c->nfields == c->fcap) {
        size_t cap = c->fcap * 2;
        size_t *s = unika_realloc(c->fstart, c->fcap * sizeof *s, cap * sizeof *s);
        if (s) c->fstart = s;
        size_t *l = s ? unika_realloc(c->flen, c->fcap * sizeof *l, cap * sizeof *l) : NULL;
        if (!s || !l) return fail_here(c, err, UNIKA_ENOMEM, 0, "out of memory");
        c->flen = l;
        c->fcap = cap;
    }
    c->fstart[c->nfields] = c->rec_len;
    return 0;
}

static int end_field(unika_csv *c, unika_error *err)
{
    if (c->rec_len + 1 > c->rec_cap) {
        int rc = grow_record(c, c->rec_len + 1, err);
        if (rc < 0) return rc;
    }
    c->flen[c->nfields] = c->rec_len - c->fstart[c->nfields];
    c->rec[c->rec_len++] = '\0';
    c->nfields++;
    return 0;
}

static int io_fail(unika_csv *c, unika_error *err)
{
    if (c->enc_fail_line) {
        c->stopped = UNIKA_EENCODING;
        if (err) {
            err->line = c->enc_fail_line;
            err->column = 0;
        }
        return unika_fail(err, UNIKA_EENCODING,
                          "line %llu: the file is UTF-8, not Windows-1252 (read as "
                          "Windows-1252, \"\xC3\xA5\" would become \"\xC3\x83\xC2\xA5\"): put "
                          "\"encoding = utf-8\" in the profile",
                          (unsigned long long)c->enc_fail_line);
    }
    char msg[128];
    snprintf(msg, sizeof msg, "read failed: %s", strerror(c->read_errno));
    return fail_here(c, err, UNIKA_EIO, 0, msg);
}

/* ---- decoding ---------------------------------------------------------- */

/* After a CR: consumes the LF that must follow. */
static int take_crlf(unika_csv *c, unika_error *err)
{
    c->pos++; /* the CR */
    int b = peek(c);
    if (b == READ_ERROR) return io_fail(c, err);
    if (b != '\n')
        return fail_here(c, err, UNIKA_ECSV, c->rec_len - c->fstart[c->nfields] + 1,
                         "carriage return not followed by line feed");
    c->pos++;
    return 0;
}

/* Decodes a quoted field's body after its opening quote, up to and including
 * the closing quote. Line feeds inside are data and advance the line count. */
static int quoted_body(unika_csv *c, unika_error *err)
{
    for (;;) {
        if (c->pos == c->len) {
            int r = refill(c);
            if (r == READ_ERROR) return io_fail(c, err);
            if (r == 0) return fail_here(c, err, UNIKA_ECSV, 0, "quoted field never closes");
        }
        const uint8_t *p = c->buf + c->pos, *end = c->buf + c->len, *q = p;
        while (q < end && *q != '"' && *q != '\n' && *q != 0) q++;
        if (q > p) {
            int rc = append(c, p, (size_t)(q - p), err);
            if (rc < 0) return rc;
            c->pos += (size_t)(q - p);
        }
        if (q == end) continue;
        if (*q == '\n') {
            int rc = append(c, q, 1, err);
            if (rc < 0) return rc;
            c->pos++;
            c->line++;
            continue;
        }
        if (*q == 0)
            return fail_here(c, err, UNIKA_ECSV, c->rec_len - c->fstart[c->nfields] + 1,
                             "NUL byte");
        c->pos++; /* a quote: doubled, or the end of the field */
        int b = peek(c);
        if (b == READ_ERROR) return io_fail(c, err);
        if (b == '"') {
            int rc = append(c, (const uint8_t *)"\"", 1, err);
            if (rc < 0) return rc;
            c->pos++;
            continue;
        }
        return 0;
    }
}

/* Decodes an unquoted run up to (not including) the next special byte. */
static int unquoted_body(unika_csv *c, unika_error *err)
{
    for (;;) {
        if (c->pos == c->len) {
            int r = refill(c);
            if (r == READ_ERROR) return io_fail(c, err);
            if (r == 0) return 0;
        }
        const uint8_t *p = c->buf + c->pos, *end = c->buf + c->len, *q = p;
        while (q < end && !c->special[*q]) q++;
        if (q > p) {
            int rc = append(c, p, (size_t)(q - p), err);
            if (rc < 0) return rc;
            c->pos += (size_t)(q - p);
        }
        if (q < end) return 0;
    }
}

/* Before the first record: the first bytes decide whether the input is
 * text in the expected encoding (input/encoding.h), and a byte-order mark
 * is skipped. Another encoding than UTF-8 switches to decoding: the rest
 * of the first block is its first raw block. */
static int start(unika_csv *c, unika_error *err)
{
    /* A pipe may hand over a few bytes at first: top up the first block. */
    int b = peek(c);
    if (b == READ_ERROR) return io_fail(c, err);
    if (b >= 0 && top_up(c, UNIKA_SNIFF_BYTES) < 0) return io_fail(c, err);
    size_t skip = 0;
    int rc = unika_encoding_start(c->opt.encoding, c->buf + c->pos, c->len - c->pos,
                                  &c->encoding, &skip, err);
    if (rc < 0) {
        c->stopped = rc;
        if (err) err->line = err->column = 0;
        return rc;
    }
    c->pos += skip;
    if (c->encoding == UNIKA_ENCODING_UTF8) return 0;
    c->decoded = unika_malloc(3 * (size_t)UNIKA_CSV_BUFFER_BYTES + UNIKA_DECODE_SLACK);
    if (!c->decoded) return fail_here(c, err, UNIKA_ENOMEM, 0, "out of memory");
    c->decoding = 1;
    c->dec.enc = c->encoding;
    const uint8_t *p = c->buf + c->pos;
    size_t n = c->len - c->pos;
    c->raw_consumed = c->pos;
    if (c->src_kind == SRC_MEMORY) { /* decoded a block at a time, like a file */
        if (n > UNIKA_CSV_BUFFER_BYTES) n = UNIKA_CSV_BUFFER_BYTES;
        c->mem_pos = c->pos + n;
        c->eof = 0;
    } else {
        c->eof = 0; /* raw_eof says whether the source is exhausted */
    }
    if (decode_block(c, p, n) < 0) return io_fail(c, err);
    return 0;
}

/* Names a field that is not valid UTF-8: a decoder's marker by what it
 * stands for (UNIKA_EENCODING); in UTF-8 input, with the hint that the file
 * looks like Windows-1252 when it does. */
static int bad_field(unika_csv *c, unika_error *err, size_t i, size_t bad)
{
    size_t saved = c->nfields;
    c->nfields = i; /* so fail_here names column i+1 */
    const uint8_t *f = (const uint8_t *)c->rec + c->fstart[i];
    int rc;
    if (c->decoding && unika_decode_is_mark(f[bad - 1]))
        rc = fail_here(c, err, UNIKA_EENCODING, bad, unika_decode_mark_reason(f[bad - 1]));
    else if (!c->decoding && unika_invalid_utf8_looks_cp1252(f, c->flen[i]))
        rc = fail_here(c, err, UNIKA_EUTF8, bad,
                       "invalid UTF-8; the file looks like Windows-1252: put \"encoding = "
                       "windows-1252\" in the profile, or save it as \"CSV UTF-8\"");
    else
        rc = fail_here(c, err, UNIKA_EUTF8, bad, "invalid UTF-8");
    c->nfields = saved;
    return rc;
}

static int check_utf8(unika_csv *c, unika_error *err)
{
    /* One pass over the whole record (its NUL separators are ASCII); only
     * when that fails, find the field to name. */
    if (unika_utf8_valid(c->rec, c->rec_len) == 0) return 0;
    for (size_t i = 0; i < c->nfields; i++) {
        size_t bad = unika_utf8_valid(c->rec + c->fstart[i], c->flen[i]);
        if (bad) return bad_field(c, err, i, bad);
    }
    return 0;
}

static int keep_header(unika_csv *c, unika_error *err)
{
    c->header = unika_malloc(c->rec_len ? c->rec_len : 1);
    c->hstart = unika_malloc(c->nfields * sizeof *c->hstart);
    if (!c->header || !c->hstart) return fail_here(c, err, UNIKA_ENOMEM, 0, "out of memory");
    memcpy(c->header, c->rec, c->rec_len);
    memcpy(c->hstart, c->fstart, c->nfields * sizeof *c->hstart);
    c->hcount = c->nfields;
    return 0;
}

int unika_csv_next(unika_csv *c, unika_error *err)
{
    if (!c) return unika_fail(err, UNIKA_EINVAL, "csv: reader is NULL");
    if (c->stopped)
        return unika_fail(err, c->stopped, "csv: reader stopped after an earlier error");
    c->rec_len = 0;
    c->nfields = 0;
    c->fstart[0] = 0;

    if (!c->started) {
        c->started = 1;
        int rc = start(c, err);
        if (rc < 0) return rc;
    }

    /* Skip blank lines. */
    for (;;) {
        int b = peek(c);
        if (b == READ_ERROR) return io_fail(c, err);
        if (b == END_OF_INPUT) return 0;
        c->rec_line = c->line;
        if (b == '\n') { c->pos++; c->line++; continue; }
        if (b == '\r') {
            int rc = take_crlf(c, err);
            if (rc < 0) return rc;
            c->line++;
            continue;
        }
        break;
    }
    c->rec_line = c->line;

    for (;;) { /* one field per pass */
        int rc = begin_field(c, err);
        if (rc < 0) return rc;
        int b = peek(c);
        if (b == READ_ERROR) return io_fail(c, err);
        if (b == '"') {
            c->pos++;
            rc = quoted_body(c, err);
            if (rc < 0) return rc;
            b = peek(c);
            if (b == READ_ERROR) return io_fail(c, err);
            if (b >= 0 && b != (unsigned char)c->opt.delimiter && b != '\r' && b != '\n')
                return fail_here(c, err, UNIKA_ECSV, c->rec_len - c->fstart[c->nfields] + 2,
                                 "text after a closing quote");
        } else {
            rc = unquoted_body(c, err);
            if (rc < 0) return rc;
            b = peek(c);
            if (b == READ_ERROR) return io_fail(c, err);
            if (b == '"')
                return fail_here(c, err, UNIKA_ECSV, c->rec_len - c->fstart[c->nfields] + 1,
                                 "quote inside an unquoted field");
            if (b == 0)
                return fail_here(c, err, UNIKA_ECSV, c->rec_len - c->fstart[c->nfields] + 1,
                                 "NUL byte");
        }
        rc = end_field(c, err);
        if (rc < 0) return rc;
        if (b == (unsigned char)c->opt.delimiter) { c->pos++; continue; }
        if (b == '\r') {
            c->nfields--; /* report the CR inside the last field */
            rc = take_crlf(c, err);
            c->nfields++;
            if (rc < 0) return rc;
            c->line++;
        } else if (b == '\n') {
            c->pos++;
            c->line++;
        }
        break; /* end of record (or of input) */
    }

    c->records++;
    if (!(c->opt.flags & UNIKA_CSV_NO_UTF8_CHECK) || c->decoding) { /* markers */
        int rc = check_utf8(c, err);
        if (rc < 0) {
            if (c->records == 1 && (c->opt.flags & UNIKA_CSV_HEADER)) c->stopped = rc;
            return rc;
        }
    }
    if (c->records == 1 && (c->opt.flags & UNIKA_CSV_HEADER)) {
        int rc = keep_header(c, err);
        if (rc < 0) return rc;
    }
    return 1;
}

size_t unika_csv_field_count(const unika_csv *c)
{
    return c ? c->nfields : 0;
}

const char *unika_csv_field(const unika_csv *c, size_t i, size_t *size)
{
    if (!c || i >= c->nfields) {
        if (size) *size = 0;
        return NULL;
    }
    if (size) *size = c->flen[i];
    return c->rec + c->fstart[i];
}

uint64_t unika_csv_line(const unika_csv *c)
{
    return c ? c->rec_line : 0;
}

uint64_t unika_csv_bytes_consumed(const unika_csv *c)
{
    if (!c) return 0;
    return c->decoding ? c->raw_consumed : c->consumed + c->pos;
}

unsigned unika_csv_encoding(const unika_csv *c)
{
    return c ? c->encoding : UNIKA_ENCODING_UTF8;
}

const char *unika_csv_header_name(const unika_csv *c, size_t i)
{
    if (!c || !c->header || i >= c->hcount) return NULL;
    return c->header + c->hstart[i];
}
