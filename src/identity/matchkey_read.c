/*
 * matchkey_read.c - reading match-key files profile by profile
 * (unika/matchkey_file.h; docs/matchkeys.md, "Reading").
 *
 * The file comes from another organisation, so every byte is checked
 * before it is used, every count against the bytes that remain before
 * anything is allocated, and the checks run in the documented order so
 * that every implementation reports the same first fault.
 *
 * A resolver streams: memory holds the header and one profile, whatever
 * the file's size. From a path, the file is read twice: once to check the
 * checksum (so a damaged file is refused before any profile is used), then
 * profile by profile, hashing again, so a file that changes between the
 * passes is caught at the end. From memory, the caller's buffer is read in
 * place.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <xxhash.h>

#include "common/common.h"
#include "common/label.h"
#include "identity/matchkey_private.h"

struct unika_mkreader {
    const uint8_t *mem;  /* memory mode: the file */
    FILE *fp;            /* file mode */
    uint64_t size, pos;  /* file size; offset of the next byte to read */
    XXH64_state_t *hash; /* file mode: of every byte read in this pass */
    uint8_t *buf;        /* file mode: the current profile (or header) */
    size_t used, cap;
    uint64_t start;      /* offset of the current profile */
    uint8_t *prev;       /* the previous profile's identity bytes */
    size_t prev_len, prev_cap;
    unika_mkfile_header h;
    char *text;          /* org, bands, by names and values, NUL-terminated */
    const char **values;
    uint8_t *value_used; /* a bit per value: some visit uses it */
    uint64_t profiles_start, next_index, rows_seen;
    int failed, done;
    char failure[UNIKA_ERROR_MESSAGE_BYTES];
};

/* ---- failing ------------------------------------------------------------------ */

#if defined(__GNUC__)
__attribute__((format(printf, 6, 7)))
#endif
static int fail_at(unika_mkreader *r, unika_error *err, int code, const char *field,
                   uint64_t offset, const char *fmt, ...);

/* Records the failure (a failed reader only fails) and fills err. */
static int fail_at(unika_mkreader *r, unika_error *err, int code, const char *field,
                   uint64_t offset, const char *fmt, ...)
{
    char msg[UNIKA_ERROR_MESSAGE_BYTES];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (r) {
        r->failed = code;
        snprintf(r->failure, sizeof r->failure, "%s", msg);
    }
    return unika_fail_at(err, code, field, offset + 1, "match-key file: %s (byte %llu)", msg,
                         (unsigned long long)offset);
}

/* ---- bytes --------------------------------------------------------------------- */

/* Makes n more bytes of the current area (profile or header) available,
 * at *off from its start; they must lie before the checksum. */
static int take(unika_mkreader *r, size_t n, size_t *off, const char *field, unika_error *err)
{
    uint64_t room = r->size - MK_CHECKSUM_BYTES - r->pos;
    if (n > room)
        return fail_at(r, err, UNIKA_EFORMAT, field, r->pos,
                       "%s: %zu bytes run past the end of the profiles", field, n);
    *off = (size_t)(r->pos - r->start);
    if (r->fp) {
        if (r->used + n > r->cap) {
            size_t cap = r->cap ? r->cap : 4096;
            while (cap < r->used + n) cap *= 2;
            uint8_t *b = unika_realloc(r->buf, r->cap, cap);
            if (!b) return fail_at(r, err, UNIKA_ENOMEM, field, r->pos, "out of memory");
            r->buf = b;
            r->cap = cap;
        }
        if (n && fread(r->buf + r->used, 1, n, r->fp) != n)
            return fail_at(r, err, UNIKA_EIO, field, r->pos, "read failed: %s",
                           feof(r->fp) ? "the file became shorter" : strerror(errno));
        XXH64_update(r->hash, r->buf + r->used, n);
        r->used += n;
    }
    r->pos += n;
    return 0;
}

/* The current area's bytes. */
static const uint8_t *area(const unika_mkreader *r)
{
    return r->fp ? r->buf : r->mem + r->start;
}

static void area_start(unika_mkreader *r)
{
    r->start = r->pos;
    r->used = 0;
}

/* ---- framing and header ------------------------------------------------------- */

/* Steps 1-8 of docs/matchkeys.md "Reading": h = the first min(64, size) bytes. */
static int check_framing(unika_mkreader *r, const uint8_t *h, uint64_t size, unika_error *err)
{
    for (size_t i = 0; i < sizeof UNIKA_MKFILE_MAGIC && i < size; i++)
        if (h[i] != UNIKA_MKFILE_MAGIC[i])
            return fail_at(r, err, UNIKA_EMAGIC, "magic", i, "not a match-key file (bad magic)");
    if (size < MK_OFF_PERIOD)
        return fail_at(r, err, UNIKA_ETRUNCATED, "version", size,
                       "truncated: %llu bytes, the header has %d", (unsigned long long)size,
                       MK_HEADER_BYTES);
    unsigned v = unika_load16_le(h + MK_OFF_VERSION), mv = unika_load16_le(h + MK_OFF_MK_VERSION);
    if (v != UNIKA_MKFILE_VERSION)
        return fail_at(r, err, UNIKA_EVERSION, "version", MK_OFF_VERSION,
                       "format version: expected %d, got %u%s", UNIKA_MKFILE_VERSION, v,
                       v == 1 ? " (a file without token indexes: make it again with "
                                "this version's `unika matchkeys`)" : "");
    if (mv != UNIKA_MATCHKEY_VERSION)
        return fail_at(r, err, UNIKA_EVERSION, "matchkey_version", MK_OFF_MK_VERSION,
                       "match-key version: expected %d, got %u", UNIKA_MATCHKEY_VERSION, mv);
    if (size < MK_HEADER_BYTES)
        return fail_at(r, err, UNIKA_ETRUNCATED, "header", size,
                       "truncated: %llu bytes, the header has %d", (unsigned long long)size,
                       MK_HEADER_BYTES);
    uint64_t total = unika_load64_le(h + MK_OFF_TOTAL_SIZE);
    if (total < MK_MIN_FILE)
        return fail_at(r, err, UNIKA_EFORMAT, "total_size", MK_OFF_TOTAL_SIZE,
                       "total_size: expected at least %d, got %llu", MK_MIN_FILE,
                       (unsigned long long)total);
    if (size < total)
        return fail_at(r, err, UNIKA_ETRUNCATED, "total_size", size,
                       "truncated: %llu bytes, total_size says %llu", (unsigned long long)size,
                       (unsigned long long)total);
    if (size > total)
        return fail_at(r, err, UNIKA_EFORMAT, "trailing", total,
                       "%llu bytes after the checksum", (unsigned long long)(size - total));
    return 0;
}

static int checksum_fail(unika_mkreader *r, unika_error *err, uint64_t want, uint64_t got)
{
    return fail_at(r, err, UNIKA_ECHECKSUM, "checksum", r->size - MK_CHECKSUM_BYTES,
                   "checksum: stored %016llx, computed %016llx (XXH64 of bytes 0..%llu)",
                   (unsigned long long)want, (unsigned long long)got,
                   (unsigned long long)(r->size - MK_CHECKSUM_BYTES));
}

/* Step 9: the fixed header's fields. */
static int check_fixed(unika_mkreader *r, const uint8_t *h, unika_error *err)
{
    unika_mkfile_header *x = &r->h;
    x->format_version = UNIKA_MKFILE_VERSION;
    x->matchkey_version = UNIKA_MATCHKEY_VERSION;
    memcpy(x->key_fp, h + MK_OFF_KEY_FP, UNIKA_FINGERPRINT_BYTES);
    x->period = (unika_mk_period)h[MK_OFF_PERIOD];
    x->by_count = h[MK_OFF_BY_COUNT];
    x->value_count = unika_load32_le(h + MK_OFF_VALUE_COUNT);
    x->profile_count = unika_load64_le(h + MK_OFF_PROFILE_COUNT);
    x->row_count = unika_load64_le(h + MK_OFF_ROW_COUNT);
    x->file_size = r->size;
    if (!unika_mk_period_name(x->period))
        return fail_at(r, err, UNIKA_EFORMAT, "period", MK_OFF_PERIOD,
                       "period: expected 1..4, got %u", h[MK_OFF_PERIOD]);
    if (x->by_count > UNIKA_MK_MAX_BY)
        return fail_at(r, err, UNIKA_EFORMAT, "by_count", MK_OFF_BY_COUNT,
                       "by_count: expected 0..%d, got %zu", UNIKA_MK_MAX_BY, x->by_count);
    if (h[MK_OFF_ORG_LEN] == 0 || h[MK_OFF_ORG_LEN] > UNIKA_MK_ORG_MAX)
        return fail_at(r, err, UNIKA_EFORMAT, "org_len", MK_OFF_ORG_LEN,
                       "org_len: expected 1..%d, got %u", UNIKA_MK_ORG_MAX, h[MK_OFF_ORG_LEN]);
    if (x->value_count > UNIKA_MK_VALUES_MAX)
        return fail_at(r, err, UNIKA_EFORMAT, "value_count", MK_OFF_VALUE_COUNT,
                       "value_count: expected 0..%d, got %zu", UNIKA_MK_VALUES_MAX,
                       x->value_count);
    if (unika_load32_le(h + MK_OFF_RESERVED) != 0)
        return fail_at(r, err, UNIKA_EFORMAT, "reserved", MK_OFF_RESERVED,
                       "reserved bytes 44..47 are not zero");
    if (x->profile_count > (r->size - MK_MIN_FILE) / MK_MIN_PROFILE)
        return fail_at(r, err, UNIKA_EFORMAT, "profile_count", MK_OFF_PROFILE_COUNT,
                       "profile_count: %llu profiles cannot fit in %llu bytes",
                       (unsigned long long)x->profile_count, (unsigned long long)r->size);
    if (x->row_count < x->profile_count)
        return fail_at(r, err, UNIKA_EFORMAT, "row_count", MK_OFF_ROW_COUNT,
                       "row_count: %llu rows for %llu profiles",
                       (unsigned long long)x->row_count, (unsigned long long)x->profile_count);
    return 0;
}

/* Copies n bytes of text at off (in the current area) to r->text at *t. */
static const char *keep(unika_mkreader *r, size_t *t, size_t off, size_t n)
{
    char *s = r->text + *t;
    memcpy(s, area(r) + off, n);
    s[n] = '\0';
    *t += n + 1;
    return s;
}

static int check_text(unika_mkreader *r, unika_error *err, const char *field, size_t off,
                      size_t n, int key_rule, size_t max)
{
    const char *what = "is not valid";
    const uint8_t *s = area(r) + off;
    size_t bad = key_rule ? unika_label_key_check(s, n, &what)
                          : unika_label_value_check(s, n, max, &what);
    if (bad)
        return fail_at(r, err, UNIKA_ELABEL, field, r->start + off + bad - 1, "%s %s", field,
                       what);
    return 0;
}

/* Steps 10-13: org, age bands, by names, values (after the fixed header). */
static int read_strings(unika_mkreader *r, const uint8_t *fixed, unika_error *err)
{
    size_t org_len = fixed[MK_OFF_ORG_LEN], bands_len = fixed[MK_OFF_BANDS_LEN], off, t = 0;
    int rc = take(r, org_len, &off, "org", err);
    if (rc == 0 && unika_mk_org_check(area(r) + off, org_len))
        return fail_at(r, err, UNIKA_ELABEL, "org", off + unika_mk_org_check(area(r) + off,
                       org_len) - 1, "org: expected [A-Za-z0-9._-], not starting with '.'");
    if (rc == 0) r->h.org = keep(r, &t, off, org_len);
    if (rc == 0) rc = take(r, bands_len, &off, "age_bands", err);
    if (rc == 0) rc = check_text(r, err, "age_bands", off, bands_len, 0, UNIKA_MK_AGE_BANDS_MAX);
    if (rc == 0) r->h.age_bands = keep(r, &t, off, bands_len);
    for (size_t f = 0; rc == 0 && f < r->h.by_count; f++) {
        if ((rc = take(r, 1, &off, "by", err)) < 0) break;
        size_t n = area(r)[off];
        if ((rc = take(r, n, &off, "by", err)) < 0 ||
            (rc = check_text(r, err, "by", off, n, 1, 0)) < 0)
            break;
        r->h.by[f] = keep(r, &t, off, n);
        for (size_t g = 0; g < f; g++)
            if (!strcmp(r->h.by[g], r->h.by[f]))
                return fail_at(r, err, UNIKA_ELABEL, "by", off, "by field %s twice", r->h.by[f]);
    }
    for (size_t i = 0; rc == 0 && i < r->h.value_count; i++) {
        if ((rc = take(r, 2, &off, "value", err)) < 0) break;
        size_t n = unika_load16_le(area(r) + off);
        if (n > UNIKA_MK_VALUE_MAX)
            return fail_at(r, err, UNIKA_ELABEL, "value", off, "value %zu: %zu bytes, at most %d",
                           i, n, UNIKA_MK_VALUE_MAX);
        if ((rc = take(r, n, &off, "value", err)) < 0 ||
            (rc = check_text(r, err, "value", off, n, 0, UNIKA_MK_VALUE_MAX)) < 0)
            break;
        r->values[i] = keep(r, &t, off, n);
        if (i > 0) {
            const char *a = r->values[i - 1], *b = r->values[i];
            size_t an = strlen(a);
            int c = memcmp(a, b, an < n ? an : n);
            if (c > 0 || (c == 0 && an >= n))
                return fail_at(r, err, UNIKA_EFORMAT, "value", off, "values not strictly "
                               "increasing at value %zu", i);
        }
    }
    return rc;
}

/* ---- opening --------------------------------------------------------------------- */

static int reader_new(unika_mkreader **out, uint64_t size, const uint8_t *first,
                      unika_error *err)
{
    unika_mkreader probe;
    memset(&probe, 0, sizeof probe);
    probe.size = size;
    int rc = check_framing(&probe, first, size, err);
    if (rc < 0) return rc;
    unika_mkreader *r = unika_calloc(1, sizeof *r);
    size_t vc = unika_load32_le(first + MK_OFF_VALUE_COUNT);
    if (r) *r = probe;
    /* Bounded by the header's own fields, so never more than ~17 MB: */
    size_t text = 256 + 256 + UNIKA_MK_MAX_BY * 65 +
                  (vc <= UNIKA_MK_VALUES_MAX ? vc : 0) * (UNIKA_MK_VALUE_MAX + 1);
    if (r && !(r->text = unika_malloc(text))) { unika_free(r); r = NULL; }
    size_t slots = vc <= UNIKA_MK_VALUES_MAX && vc ? vc : 1;
    if (r && (!(r->values = unika_calloc(slots, sizeof *r->values)) ||
              !(r->value_used = unika_calloc(slots / 8 + 1, 1)))) {
        unika_free(r->values);
        unika_free(r->text);
        unika_free(r);
        r = NULL;
    }
    if (!r) return unika_fail(err, UNIKA_ENOMEM, "out of memory opening a match-key file");
    *out = r;
    return 0;
}

/* Steps 9-13, from the start of the file; leaves pos at the profiles. */
static int read_header(unika_mkreader *r, unika_error *err)
{
    r->pos = 0;
    area_start(r);
    if (r->fp) {
        if (fseek(r->fp, 0, SEEK_SET) != 0)
            return fail_at(r, err, UNIKA_EIO, "header", 0, "cannot seek: %s", strerror(errno));
        XXH64_reset(r->hash, 0);
    }
    uint8_t fixed[MK_HEADER_BYTES];
    size_t off;
    int rc = take(r, MK_HEADER_BYTES, &off, "header", err);
    if (rc == 0) {
        memcpy(fixed, area(r), sizeof fixed);
        rc = check_fixed(r, fixed, err);
    }
    if (rc == 0) rc = read_strings(r, fixed, err);
    r->profiles_start = r->pos;
    return rc;
}

int unika_mkreader_open_memory(unika_mkreader **out, const uint8_t *src, size_t src_size,
                               unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "match-key file: out is NULL");
    *out = NULL;
    if (!src && src_size) return unika_fail(err, UNIKA_EINVAL, "match-key file: src is NULL");
    uint8_t first[MK_HEADER_BYTES] = {0};
    if (src_size) /* src may be NULL when empty: memcpy from NULL is UB even for 0 bytes */
        memcpy(first, src, src_size < sizeof first ? src_size : sizeof first);
    unika_mkreader *r;
    int rc = reader_new(&r, src_size, first, err);
    if (rc < 0) return rc;
    r->mem = src;
    uint64_t end = r->size - MK_CHECKSUM_BYTES;
    uint64_t want = unika_load64_le(src + end), got = XXH64(src, (size_t)end, 0);
    rc = want != got ? checksum_fail(r, err, want, got) : read_header(r, err);
    r->h.checksum = want;
    if (rc < 0) {
        unika_mkreader_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* Step 8 from a file: XXH64 of everything before the last 8 bytes. */
static int file_checksum(unika_mkreader *r, unika_error *err)
{
    enum { CHUNK = 1 << 16 };
    uint64_t end = r->size - MK_CHECKSUM_BYTES, done = 0;
    uint8_t stored[MK_CHECKSUM_BYTES];
    XXH64_reset(r->hash, 0);
    if (fseek(r->fp, 0, SEEK_SET) != 0)
        return fail_at(r, err, UNIKA_EIO, "checksum", 0, "cannot seek: %s", strerror(errno));
    uint8_t *chunk = unika_malloc(CHUNK);
    if (!chunk) return fail_at(r, err, UNIKA_ENOMEM, "checksum", 0, "out of memory");
    while (done < end) {
        size_t n = end - done < CHUNK ? (size_t)(end - done) : CHUNK;
        if (fread(chunk, 1, n, r->fp) != n) {
            unika_free(chunk);
            return fail_at(r, err, UNIKA_EIO, "checksum", done, "read failed");
        }
        XXH64_update(r->hash, chunk, n);
        done += n;
    }
    unika_free(chunk);
    if (fread(stored, 1, sizeof stored, r->fp) != sizeof stored)
        return fail_at(r, err, UNIKA_EIO, "checksum", end, "read failed");
    uint64_t want = unika_load64_le(stored), got = XXH64_digest(r->hash);
    r->h.checksum = want;
    return want != got ? checksum_fail(r, err, want, got) : 0;
}

int unika_mkreader_open(unika_mkreader **out, const char *path, unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "match-key file: out is NULL");
    *out = NULL;
    if (!path) return unika_fail(err, UNIKA_EINVAL, "match-key file: path is NULL");
    FILE *fp = fopen(path, "rb");
    if (!fp)
        return unika_fail(err, errno == ENOENT ? UNIKA_ENOENT : UNIKA_EIO, "%s: cannot open: %s",
                          path, strerror(errno));
    setvbuf(fp, NULL, _IOFBF, 1 << 16); /* profiles are read in small pieces */
    struct stat st;
    uint8_t first[MK_HEADER_BYTES] = {0};
    int rc = 0;
    if (fstat(fileno(fp), &st) != 0 || !S_ISREG(st.st_mode))
        rc = unika_fail(err, UNIKA_EIO, "not a regular file");
    size_t got = rc ? 0 : fread(first, 1, sizeof first, fp);
    unika_mkreader *r = NULL;
    if (rc == 0) rc = reader_new(&r, (uint64_t)st.st_size, first, err);
    if (rc == 0) {
        r->fp = fp;
        if (got < MK_HEADER_BYTES) rc = unika_fail(err, UNIKA_EIO, "the file became shorter");
        else if (!(r->hash = XXH64_createState()))
            rc = unika_fail(err, UNIKA_ENOMEM, "out of memory opening a match-key file");
        if (rc == 0) rc = file_checksum(r, err);
        if (rc == 0) rc = read_header(r, err);
    }
    if (rc < 0) {
        unika_prefix_path(err, path);
        if (r) unika_mkreader_free(r);
        else fclose(fp);
        return rc;
    }
    *out = r;
    return 0;
}

const unika_mkfile_header *unika_mkreader_header(const unika_mkreader *r)
{
    return r ? &r->h : NULL;
}

const char *unika_mkreader_value(const unika_mkreader *r, size_t i)
{
    return r && i < r->h.value_count ? r->values[i] : NULL;
}

void unika_mkreader_free(unika_mkreader *r)
{
    if (!r) return;
    if (r->fp) fclose(r->fp);
    if (r->hash) XXH64_freeState(r->hash);
    unika_free(r->buf);
    unika_free(r->prev);
    unika_free(r->text);
    unika_free(r->values);
    unika_free(r->value_used);
    unika_free(r);
}

/* ---- profiles ---------------------------------------------------------------------- */

/* The end: every profile read, nothing left but the checksum. */
static int finish(unika_mkreader *r, unika_error *err)
{
    if (r->pos != r->size - MK_CHECKSUM_BYTES)
        return fail_at(r, err, UNIKA_EFORMAT, "profiles", r->pos,
                       "%llu bytes after the last of %llu profiles",
                       (unsigned long long)(r->size - MK_CHECKSUM_BYTES - r->pos),
                       (unsigned long long)r->h.profile_count);
    for (size_t i = 0; i < r->h.value_count; i++)
        if (!(r->value_used[i / 8] & (1u << (i % 8))))
            return fail_at(r, err, UNIKA_EFORMAT, "value", MK_HEADER_BYTES,
                           "value %zu is used by no visit", i);
    if (r->rows_seen != r->h.row_count)
        return fail_at(r, err, UNIKA_EFORMAT, "row_count", MK_OFF_ROW_COUNT,
                       "row_count: the header says %llu, the visits add up to %llu",
                       (unsigned long long)r->h.row_count, (unsigned long long)r->rows_seen);
    if (r->fp) {
        uint8_t stored[MK_CHECKSUM_BYTES];
        if (fread(stored, 1, sizeof stored, r->fp) != sizeof stored)
            return fail_at(r, err, UNIKA_EIO, "checksum", r->pos, "read failed");
        uint64_t got = XXH64_digest(r->hash);
        if (unika_load64_le(stored) != r->h.checksum || got != r->h.checksum)
            return fail_at(r, err, UNIKA_ECHECKSUM, "checksum", r->pos,
                           "the file changed while it was being read");
    }
    r->done = 1;
    return 0;
}

/* Keys: the identity rules, and order against the previous profile. */
static int check_identity(unika_mkreader *r, size_t key_count, unika_error *err)
{
    const uint8_t *id = area(r);
    const char *what;
    size_t at, len = MK_PROFILE_HEAD + key_count * UNIKA_MKPROFILE_KEY_BYTES;
    if (unika_mk_identity_check(id[0], id[1], id + MK_PROFILE_HEAD, key_count, &what, &at))
        return fail_at(r, err, UNIKA_EFORMAT, "profile.keys",
                       r->start + (at < key_count ? MK_PROFILE_HEAD + at *
                                   UNIKA_MKPROFILE_KEY_BYTES : 0),
                       "profile %llu: %s", (unsigned long long)r->next_index, what);
    if (r->next_index > 0) {
        int c = memcmp(r->prev, id, r->prev_len < len ? r->prev_len : len);
        if (c > 0 || (c == 0 && r->prev_len >= len))
            return fail_at(r, err, UNIKA_EFORMAT, "profile", r->start,
                           "profile %llu is not after the one before it (%s)",
                           (unsigned long long)r->next_index,
                           c == 0 && r->prev_len == len ? "repeated" : "out of order");
    }
    if (len > r->prev_cap) {
        uint8_t *p = unika_realloc(r->prev, r->prev_cap, len);
        if (!p) return fail_at(r, err, UNIKA_ENOMEM, "profile", r->start, "out of memory");
        r->prev = p;
        r->prev_cap = len;
    }
    memcpy(r->prev, id, len);
    r->prev_len = len;
    return 0;
}

/* Visits at off: fields, order, and their rows added to *rows. */
static int check_visits(unika_mkreader *r, size_t off, size_t n, uint64_t *rows,
                        unika_error *err)
{
    size_t vb = unika_mk_visit_bytes(r->h.by_count);
    for (size_t i = 0; i < n; i++) {
        const uint8_t *v = area(r) + off + i * vb;
        uint64_t at = r->start + off + i * vb;
        unsigned year = unika_load16_le(v), month = v[2];
        uint32_t count = unika_load32_le(v + 4 + 2 * r->h.by_count);
        int undated = year == 0 && month == 0;
        if (!undated && (year < UNIKA_DATE_YEAR_MIN || year > UNIKA_DATE_YEAR_MAX ||
                         month < 1 || month > 12))
            return fail_at(r, err, UNIKA_EFORMAT, "visit.month", at, "visit month %u-%02u is "
                           "neither a month of %d..%d nor 0-00", year, month,
                           UNIKA_DATE_YEAR_MIN, UNIKA_DATE_YEAR_MAX);
        if (v[3] != 0)
            return fail_at(r, err, UNIKA_EFORMAT, "visit.reserved", at + 3,
                           "visit reserved byte is not zero");
        for (size_t f = 0; f < r->h.by_count; f++) {
            unsigned x = unika_load16_le(v + 4 + 2 * f);
            if (x >= r->h.value_count)
                return fail_at(r, err, UNIKA_EFORMAT, "visit.value", at + 4 + 2 * f,
                               "visit value index %u, the file has %zu values", x,
                               r->h.value_count);
            r->value_used[x / 8] |= (uint8_t)(1u << (x % 8));
        }
        if (count == 0)
            return fail_at(r, err, UNIKA_EFORMAT, "visit.rows", at + 4 + 2 * r->h.by_count,
                           "visit of 0 rows");
        if (i > 0 && unika_mk_visit_cmp(v - vb, v, r->h.by_count) >= 0)
            return fail_at(r, err, UNIKA_EFORMAT, "visit", at,
                           "visits not strictly increasing by (month, values)");
        *rows += count;
    }
    return 0;
}

static int read_profile(unika_mkreader *r, unika_mkprofile *p, unika_error *err)
{
    area_start(r);
    size_t off, keys_off, visits_off;
    int rc = take(r, MK_PROFILE_HEAD, &off, "profile", err);
    if (rc < 0) return rc;
    size_t key_count = unika_load16_le(area(r) + 2);
    if (key_count == 0 || key_count > UNIKA_MATCHKEYS_MAX)
        return fail_at(r, err, UNIKA_EFORMAT, "profile.key_count", r->start + 2,
                       "profile %llu: key count %zu, expected 1..%d",
                       (unsigned long long)r->next_index, key_count, UNIKA_MATCHKEYS_MAX);
    if ((rc = take(r, key_count * UNIKA_MKPROFILE_KEY_BYTES, &keys_off, "profile.keys", err)) ||
        (rc = check_identity(r, key_count, err)) ||
        (rc = take(r, MK_VISIT_COUNT_BYTES, &off, "profile.visit_count", err)))
        return rc;
    size_t visit_count = unika_load32_le(area(r) + off), vb = unika_mk_visit_bytes(r->h.by_count);
    if (visit_count == 0 || visit_count > UNIKA_MK_VISITS_MAX)
        return fail_at(r, err, UNIKA_EFORMAT, "profile.visit_count", r->start + off,
                       "profile %llu: visit count %zu, expected 1..%u",
                       (unsigned long long)r->next_index, visit_count, UNIKA_MK_VISITS_MAX);
    uint64_t rows = 0;
    if ((rc = take(r, visit_count * vb, &visits_off, "profile.visits", err)) ||
        (rc = check_visits(r, visits_off, visit_count, &rows, err)))
        return rc;
    const uint8_t *a = area(r);
    p->gender = (unika_gender)a[0];
    p->flags = a[1];
    p->key_count = key_count;
    p->keys = a + keys_off;
    p->visit_count = visit_count;
    p->visits = a + visits_off;
    p->rows = rows;
    p->index = r->next_index++;
    r->rows_seen += rows; /* < 2^64: each visit < 2^32, and the file is far smaller */
    return 0;
}

int unika_mkreader_next(unika_mkreader *r, unika_mkprofile *profile, unika_error *err)
{
    if (!r || !profile) return unika_fail(err, UNIKA_EINVAL, "match-key file: NULL argument");
    memset(profile, 0, sizeof *profile);
    if (r->failed)
        return unika_fail(err, r->failed, "match-key file: failed earlier: %s", r->failure);
    if (r->done) return 0;
    if (r->next_index == r->h.profile_count) return finish(r, err);
    return read_profile(r, profile, err) < 0 ? r->failed : 1;
}

int unika_mkreader_rewind(unika_mkreader *r, unika_error *err)
{
    if (!r) return unika_fail(err, UNIKA_EINVAL, "match-key file: NULL reader");
    if (r->failed)
        return unika_fail(err, r->failed, "match-key file: failed earlier: %s", r->failure);
    r->next_index = r->rows_seen = 0;
    r->prev_len = 0;
    memset(r->value_used, 0, r->h.value_count / 8 + 1);
    r->done = 0;
    if (!r->fp) {
        r->pos = r->profiles_start;
        return 0;
    }
    return read_header(r, err); /* re-hashes the header; leaves pos at the profiles */
}

/* ---- a profile's parts ------------------------------------------------------------- */

int unika_mkprofile_key(const unika_mkprofile *p, size_t i, unika_matchkey *out)
{
    if (!p || !out || i >= p->key_count) return UNIKA_EINVAL;
    const uint8_t *k = p->keys + i * UNIKA_MKPROFILE_KEY_BYTES;
    out->type = k[0];
    memcpy(out->value, k + 1, UNIKA_MATCHKEY_BYTES);
    out->token = k[1 + UNIKA_MATCHKEY_BYTES];
    return 0;
}

int unika_mkprofile_visit(const unika_mkreader *r, const unika_mkprofile *p, size_t i,
                          unika_mkvisit *out)
{
    if (!r || !p || !out || i >= p->visit_count) return UNIKA_EINVAL;
    size_t by = r->h.by_count;
    const uint8_t *v = p->visits + i * unika_mk_visit_bytes(by);
    memset(out, 0, sizeof *out);
    out->year = unika_load16_le(v);
    out->month = v[2];
    for (size_t f = 0; f < by; f++) out->value[f] = r->values[unika_load16_le(v + 4 + 2 * f)];
    out->rows = unika_load32_le(v + 4 + 2 * by);
    return 0;
}

size_t unika_mkprofile_visit_value_index(const unika_mkreader *r, const unika_mkprofile *p,
                                         size_t i, size_t f)
{
    if (!r || !p || i >= p->visit_count || f >= r->h.by_count) return UNIKA_MK_VALUES_MAX;
    const uint8_t *v = p->visits + i * unika_mk_visit_bytes(r->h.by_count);
    return unika_load16_le(v + 4 + 2 * f);
}
