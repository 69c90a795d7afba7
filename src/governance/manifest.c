/*
 * manifest.c - a partner's signed manifest of a delivery (unika/manifest.h
 * says why it exists).
 *
 * The text is canonical and strict (no comments, a fixed order, file lines
 * sorted by digest) so that one set of files has one manifest, byte for
 * byte, and a parse error can only mean damage or forgery.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/common.h"
#include "governance/govio.h"
#include "unika/manifest.h"

#define HEADER "unika-manifest"
#define SEQUENCE_MAX 9007199254740992ull /* 2^53 */

struct unika_manifest {
    char signer[UNIKA_SIGNER_NAME_MAX + 1];
    char period[UNIKA_MANIFEST_PERIOD_MAX + 1];
    uint8_t recipe[UNIKA_FINGERPRINT_BYTES];
    uint64_t sequence;
    unika_manifest_file *files;
    size_t n, cap;
};

static int bad(unika_error *err, uint64_t line, const char *fmt, const char *what)
{
    if (err) err->line = line;
    if (line) return unika_fail(err, UNIKA_EMANIFEST, "manifest line %llu: %s%s",
                                (unsigned long long)line, fmt, what ? what : "");
    return unika_fail(err, UNIKA_EMANIFEST, "manifest: %s%s", fmt, what ? what : "");
}

static int period_ok(const char *p)
{
    size_t n = strlen(p);
    if (n < 1 || n > UNIKA_MANIFEST_PERIOD_MAX) return 0;
    return strspn(p, "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-") == n;
}

/* A file name: no directory, no space or control character, valid UTF-8. */
static int name_ok(const char *s)
{
    size_t n = strlen(s);
    if (n < 1 || n > UNIKA_MANIFEST_NAME_MAX || unika_utf8_valid(s, n) != 0) return 0;
    for (size_t i = 0; i < n; i++)
        if ((unsigned char)s[i] <= 0x20 || s[i] == 0x7f || s[i] == '/') return 0;
    return strcmp(s, ".") && strcmp(s, "..");
}

int unika_manifest_new(unika_manifest **out, const char *signer, const char *period,
                       const uint8_t recipe_fp[UNIKA_FINGERPRINT_BYTES], uint64_t sequence,
                       unika_error *err)
{
    if (!out || !signer || !period || !recipe_fp)
        return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    int rc = unika_signer_name_check(signer, err);
    if (rc < 0) return rc;
    if (!period_ok(period)) return bad(err, 0, "a bad period label", NULL);
    if (sequence < 1 || sequence > SEQUENCE_MAX)
        return bad(err, 0, "the sequence is a whole number from 1 to 2^53", NULL);
    unika_manifest *m = unika_calloc(1, sizeof *m);
    if (!m) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a manifest");
    snprintf(m->signer, sizeof m->signer, "%s", signer);
    snprintf(m->period, sizeof m->period, "%s", period);
    memcpy(m->recipe, recipe_fp, UNIKA_FINGERPRINT_BYTES);
    m->sequence = sequence;
    *out = m;
    return 0;
}

void unika_manifest_free(unika_manifest *m)
{
    if (!m) return;
    unika_free(m->files);
    unika_free(m);
}

/* The position where `digest` is or would go (binary search). */
static size_t position(const unika_manifest *m, const uint8_t digest[32], int *found)
{
    size_t lo = 0, hi = m->n;
    *found = 0;
    while (lo < hi) {
        size_t mid = lo + (hi - lo) / 2;
        int c = memcmp(m->files[mid].digest, digest, 32);
        if (!c) {
            *found = 1;
            return mid;
        }
        if (c < 0) lo = mid + 1;
        else hi = mid;
    }
    return lo;
}

int unika_manifest_add(unika_manifest *m, const uint8_t digest[32], const char *period,
                       const char *name, unika_error *err)
{
    if (!m || !digest || !period || !name) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (!period_ok(period)) return bad(err, 0, "a file's period label is malformed", NULL);
    if (!name_ok(name))
        return bad(err, 0, "a file name must be 1 to 255 bytes of UTF-8 without spaces, "
                   "control characters or '/'", NULL);
    int found;
    size_t at = position(m, digest, &found);
    if (found) return bad(err, 0, "one file listed twice: ", name);
    if (m->n >= UNIKA_MANIFEST_MAX_FILES) return bad(err, 0, "too many files", NULL);
    if (m->n == m->cap) {
        size_t cap = m->cap ? 2 * m->cap : 64;
        unika_manifest_file *f = unika_realloc(m->files, m->cap * sizeof *f, cap * sizeof *f);
        if (!f) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a manifest");
        m->files = f;
        m->cap = cap;
    }
    memmove(m->files + at + 1, m->files + at, (m->n - at) * sizeof *m->files);
    unika_manifest_file *f = &m->files[at];
    memcpy(f->digest, digest, 32);
    snprintf(f->period, sizeof f->period, "%s", period);
    snprintf(f->name, sizeof f->name, "%s", name);
    m->n++;
    return 0;
}

size_t unika_manifest_text_bytes(const unika_manifest *m)
{
    return m ? 192 + UNIKA_SIGNER_NAME_MAX + UNIKA_MANIFEST_PERIOD_MAX +
                   m->n * (8 + 64 + UNIKA_MANIFEST_PERIOD_MAX + UNIKA_MANIFEST_NAME_MAX)
             : 0;
}

int unika_manifest_format(char *dst, size_t dst_capacity, size_t *written,
                          const unika_manifest *m, unika_error *err)
{
    if (!dst || !m) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    char hex[65];
    size_t off = 0;
    unika_hex_encode(hex, m->recipe, UNIKA_FINGERPRINT_BYTES);
    int n = snprintf(dst, dst_capacity,
                     HEADER " v1\nsigner: %s\nperiod: %s\nrecipe: %s\nsequence: %llu\n",
                     m->signer, m->period, hex, (unsigned long long)m->sequence);
    for (size_t i = 0; n >= 0 && i <= m->n; i++) {
        off += (size_t)n;
        if (off >= dst_capacity || i == m->n) break;
        unika_hex_encode(hex, m->files[i].digest, 32);
        n = snprintf(dst + off, dst_capacity - off, "file: %s %s %s\n", hex, m->files[i].period,
                     m->files[i].name);
    }
    if (n < 0 || off >= dst_capacity)
        return unika_fail(err, UNIKA_EBUFFER, "manifest text does not fit in %zu bytes",
                          dst_capacity);
    if (written) *written = off;
    return 0;
}

/* "file: <64 hex> <period> <name>" into m (in digest order). */
static int parse_file_line(unika_manifest *m, const char *v, size_t vn, uint64_t line,
                           unika_error *err)
{
    char buf[64 + 2 + UNIKA_MANIFEST_PERIOD_MAX + 2 + UNIKA_MANIFEST_NAME_MAX + 1];
    if (vn >= sizeof buf) return bad(err, line, "a file line is too long", NULL);
    memcpy(buf, v, vn);
    buf[vn] = '\0';
    char *sp1 = strchr(buf, ' '), *sp2 = sp1 ? strchr(sp1 + 1, ' ') : NULL;
    uint8_t d[32];
    if (!sp2 || (size_t)(sp1 - buf) != 64 || unika_hex_decode(d, 32, buf, 64) != 0)
        return bad(err, line, "expected \"file: <64 hex digits> PERIOD NAME\"", NULL);
    *sp1 = *sp2 = '\0';
    if (m->n && memcmp(m->files[m->n - 1].digest, d, 32) >= 0)
        return bad(err, line, "file lines must be in digest order, each digest once", NULL);
    int rc = unika_manifest_add(m, d, sp1 + 1, sp2 + 1, err);
    if (rc < 0 && err) err->line = line;
    return rc;
}

static int read_sequence(unika_manifest *m, const char *v, size_t n, unika_error *err)
{
    uint64_t s = 0;
    int ok = n >= 1 && n <= 16 && v[0] != '0';
    for (size_t i = 0; ok && i < n; i++) {
        ok = v[i] >= '0' && v[i] <= '9';
        s = s * 10 + (uint64_t)(v[i] - '0');
    }
    if (!ok || s > SEQUENCE_MAX) return bad(err, 5, "the sequence is a whole number from 1 to 2^53", NULL);
    m->sequence = s;
    return 0;
}

int unika_manifest_parse(unika_manifest **out, const char *src, size_t src_size,
                         unika_error *err)
{
    if (!out || (!src && src_size)) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    unika_govio_reader r = {src, src_size, 0, 0, "manifest", UNIKA_EMANIFEST};
    const char *signer, *period, *seq;
    size_t sn, pn, qn;
    uint8_t recipe[UNIKA_FINGERPRINT_BYTES];
    char name[UNIKA_SIGNER_NAME_MAX + 1], per[UNIKA_MANIFEST_PERIOD_MAX + 1];
    int rc;
    if ((rc = unika_govio_reject_nul(src, src_size, r.what, UNIKA_EMANIFEST, err)) < 0 ||
        (rc = unika_govio_read_header(&r, HEADER, UNIKA_EVERSION, err)) < 0 ||
        (rc = unika_govio_read_field(&r, "signer", &signer, &sn, err)) < 0 ||
        (rc = unika_govio_read_field(&r, "period", &period, &pn, err)) < 0 ||
        (rc = unika_govio_read_hex_field(&r, "recipe", recipe, sizeof recipe, err)) < 0 ||
        (rc = unika_govio_read_field(&r, "sequence", &seq, &qn, err)) < 0)
        return rc;
    if (sn > UNIKA_SIGNER_NAME_MAX || pn > UNIKA_MANIFEST_PERIOD_MAX)
        return bad(err, sn > UNIKA_SIGNER_NAME_MAX ? 2 : 3, "too long", NULL);
    memcpy(name, signer, sn);
    name[sn] = '\0';
    memcpy(per, period, pn);
    per[pn] = '\0';
    unika_manifest *m = NULL;
    if ((rc = unika_manifest_new(&m, name, per, recipe, 1, err)) < 0) return rc;
    if ((rc = read_sequence(m, seq, qn, err)) < 0) goto fail;
    const char *line;
    size_t n;
    while (unika_govio_next_line(&line, &n, src, src_size, &r.pos)) {
        r.line_no++;
        if (n < 6 || memcmp(line, "file: ", 6)) {
            rc = bad(err, r.line_no, "expected \"file: ...\"", NULL);
            goto fail;
        }
        if ((rc = parse_file_line(m, line + 6, n - 6, r.line_no, err)) < 0) goto fail;
    }
    *out = m;
    return 0;
fail:
    unika_manifest_free(m);
    return rc;
}

int unika_manifest_save(const unika_manifest *m, const char *path, const unika_sign_key *key,
                        unsigned flags, unika_error *err)
{
    if (!m || !path || !key) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (strcmp(unika_sign_key_name(key), m->signer))
        return unika_fail(err, UNIKA_EINVAL, "a manifest of \"%s\" must be signed with its key",
                          m->signer);
    size_t cap = unika_manifest_text_bytes(m), n = 0;
    char *text = unika_malloc(cap);
    if (!text) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a manifest");
    int rc = unika_manifest_format(text, cap, &n, m, err);
    if (rc == 0) rc = unika_govio_save_signed(path, text, n, key, flags, err);
    unika_free(text);
    return rc;
}

int unika_manifest_load(unika_manifest **out, const char *path, const unika_roster *roster,
                        unika_error *err)
{
    if (!out || !path || !roster) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, UNIKA_MANIFEST_MAX_BYTES, 0, err);
    if (rc == UNIKA_ERANGE) return bad(err, 0, "larger than a manifest can be: ", path);
    if (rc < 0) return rc;
    unika_manifest *m = NULL;
    char sig_path[4096];
    unika_signature sig;
    const unika_sign_public *who = NULL;
    rc = unika_manifest_parse(&m, (const char *)buf, size, err);
    if (rc == 0 && unika_signature_path(sig_path, sizeof sig_path, path) != 0)
        rc = unika_fail(err, UNIKA_EINVAL, "path too long");
    if (rc == 0) rc = unika_signature_load(&sig, sig_path, err);
    if (rc == 0) rc = unika_roster_verify(&who, roster, &sig, buf, size, err);
    if (rc == 0 && strcmp(who->name, m->signer))
        rc = unika_fail(err, UNIKA_ESIGNER, "a manifest of \"%s\" signed by \"%s\"", m->signer,
                        who->name);
    unika_govio_free(buf, size);
    if (rc < 0) {
        unika_manifest_free(m);
        if (rc != UNIKA_ENOENT) unika_prefix_path(err, path);
        return rc;
    }
    *out = m;
    return 0;
}

const char *unika_manifest_signer(const unika_manifest *m) { return m ? m->signer : NULL; }
const char *unika_manifest_period(const unika_manifest *m) { return m ? m->period : NULL; }
const uint8_t *unika_manifest_recipe(const unika_manifest *m) { return m ? m->recipe : NULL; }
uint64_t unika_manifest_sequence(const unika_manifest *m) { return m ? m->sequence : 0; }
size_t unika_manifest_count(const unika_manifest *m) { return m ? m->n : 0; }

const unika_manifest_file *unika_manifest_file_at(const unika_manifest *m, size_t i)
{
    return m && i < m->n ? &m->files[i] : NULL;
}

const unika_manifest_file *unika_manifest_find(const unika_manifest *m, const uint8_t digest[32])
{
    if (!m || !digest) return NULL;
    int found;
    size_t at = position(m, digest, &found);
    return found ? &m->files[at] : NULL;
}
