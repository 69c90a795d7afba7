/*
 * roster.c - the partnership roster: parse, build, look up, verify against.
 *
 * Why a roster: a signature only says "the holder of this key signed"; the
 * roster is what turns a key into a partner's name that an auditor can
 * read in a report. It also pins the partnership key by fingerprint, so a
 * sketch made under any other key is caught before its figures are used.
 * The file is plain text so the partners can read what they agree to, and
 * every parse error names its line.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/common.h"
#include "common/fileio.h"
#include "governance/govio.h"
#include "unika/key.h"
#include "unika/roster.h"

#define ROSTER_HEADER "unika-roster v1"

struct unika_roster {
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES];
    unika_sign_public *partners;
    size_t n_partners, cap_partners;
    int has_aggregator;
    char aggregator_name[UNIKA_SIGNER_NAME_MAX + 1];
    uint8_t aggregator_key[UNIKA_BOX_PUBLIC_KEY_BYTES];
    int has_linker;
    unika_sign_public linker;
};

int unika_roster_new(unika_roster **out, const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                     unika_error *err)
{
    if (!out || !key_fp) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    unika_roster *r = unika_calloc(1, sizeof *r);
    if (!r) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a roster");
    memcpy(r->key_fp, key_fp, UNIKA_FINGERPRINT_BYTES);
    *out = r;
    return 0;
}

void unika_roster_free(unika_roster *roster)
{
    if (!roster) return;
    unika_free(roster->partners);
    unika_free(roster);
}

const unika_sign_public *unika_roster_find(const unika_roster *roster, const char *name)
{
    if (!roster || !name) return NULL;
    for (size_t i = 0; i < roster->n_partners; i++)
        if (strcmp(roster->partners[i].name, name) == 0) return &roster->partners[i];
    return NULL;
}

int unika_roster_add_partner(unika_roster *roster, const unika_sign_public *pub,
                             unika_error *err)
{
    if (!roster || !pub) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    int rc = unika_signer_name_check(pub->name, err);
    if (rc < 0) return rc;
    if (unika_roster_find(roster, pub->name) ||
        (roster->has_linker && !strcmp(roster->linker.name, pub->name)))
        return unika_fail(err, UNIKA_EROSTER, "partner \"%s\" is already on the roster",
                          pub->name);
    if (roster->has_linker && !memcmp(roster->linker.key, pub->key, sizeof pub->key))
        return unika_fail(err, UNIKA_EROSTER, "partner \"%s\" has the linker's public key",
                          pub->name);
    for (size_t i = 0; i < roster->n_partners; i++)
        if (memcmp(roster->partners[i].key, pub->key, sizeof pub->key) == 0)
            return unika_fail(err, UNIKA_EROSTER,
                              "partner \"%s\" has the same public key as \"%s\"", pub->name,
                              roster->partners[i].name);
    if (roster->n_partners >= UNIKA_ROSTER_MAX_PARTNERS)
        return unika_fail(err, UNIKA_EROSTER, "a roster holds at most %d partners",
                          UNIKA_ROSTER_MAX_PARTNERS);
    if (roster->n_partners == roster->cap_partners) {
        size_t cap = roster->cap_partners ? 2 * roster->cap_partners : 8;
        unika_sign_public *grown = unika_realloc(
            roster->partners, roster->cap_partners * sizeof *grown, cap * sizeof *grown);
        if (!grown) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the roster");
        roster->partners = grown;
        roster->cap_partners = cap;
    }
    roster->partners[roster->n_partners++] = *pub;
    return 0;
}

int unika_roster_set_aggregator(unika_roster *roster, const char *name,
                                const uint8_t key[UNIKA_BOX_PUBLIC_KEY_BYTES], unika_error *err)
{
    if (!roster || !name || !key) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    int rc = unika_signer_name_check(name, err);
    if (rc < 0) return rc;
    snprintf(roster->aggregator_name, sizeof roster->aggregator_name, "%s", name);
    memcpy(roster->aggregator_key, key, UNIKA_BOX_PUBLIC_KEY_BYTES);
    roster->has_aggregator = 1;
    return 0;
}

int unika_roster_set_linker(unika_roster *roster, const unika_sign_public *pub,
                           unika_error *err)
{
    if (!roster || !pub) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    int rc = unika_signer_name_check(pub->name, err);
    if (rc < 0) return rc;
    for (size_t i = 0; i < roster->n_partners; i++) {
        if (!strcmp(roster->partners[i].name, pub->name))
            return unika_fail(err, UNIKA_EROSTER, "the linker \"%s\" has a partner's name",
                              pub->name);
        if (!memcmp(roster->partners[i].key, pub->key, sizeof pub->key))
            return unika_fail(err, UNIKA_EROSTER, "the linker has partner \"%s\"'s public key",
                              roster->partners[i].name);
    }
    roster->linker = *pub;
    roster->has_linker = 1;
    return 0;
}

const unika_sign_public *unika_roster_linker(const unika_roster *roster)
{
    return roster && roster->has_linker ? &roster->linker : NULL;
}

/* ---- parsing ---------------------------------------------------------------- */

#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
static int at_line(unika_error *err, uint64_t line, int code, const char *fmt, ...)
{
    char msg[200];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    if (err) err->line = line;
    return unika_fail(err, code, "roster line %llu: %s", (unsigned long long)line, msg);
}

/* Puts "roster line N: " before a message another function wrote. */
static void relabel(unika_error *err, uint64_t line)
{
    if (!err) return;
    char prefix[48];
    snprintf(prefix, sizeof prefix, "roster line %llu", (unsigned long long)line);
    unika_prefix_path(err, prefix);
    err->line = line;
}

/* Missing content has no line of its own: line 0. */
static int missing(unika_error *err, const char *what)
{
    if (err) err->line = 0;
    return unika_fail(err, UNIKA_EROSTER, "roster %s", what);
}

/* "<name> <tag>:<64 hex>" into name and key. */
static int parse_named_key(char name[UNIKA_SIGNER_NAME_MAX + 1], uint8_t key[32],
                           const char *v, size_t n, const char *tag, uint64_t line,
                           unika_error *err)
{
    const char *sp = memchr(v, ' ', n);
    if (!sp) return at_line(err, line, UNIKA_EROSTER, "expected \"NAME %s:HEX\"", tag);
    size_t name_n = (size_t)(sp - v);
    char tmp[UNIKA_SIGNER_NAME_MAX + 2];
    if (name_n > UNIKA_SIGNER_NAME_MAX) name_n = UNIKA_SIGNER_NAME_MAX + 1;
    memcpy(tmp, v, name_n);
    tmp[name_n] = '\0';
    int rc = unika_signer_name_check(tmp, err);
    if (rc < 0) {
        relabel(err, line);
        return rc;
    }
    memcpy(name, tmp, name_n + 1);
    const char *k = sp + 1;
    size_t kn = n - name_n - 1, tn = strlen(tag);
    if (kn < tn + 1 || memcmp(k, tag, tn) != 0 || k[tn] != ':')
        return at_line(err, line, UNIKA_EROSTER, "the key must start with \"%s:\"", tag);
    if (unika_hex_decode(key, 32, k + tn + 1, kn - tn - 1) != 0)
        return at_line(err, line, UNIKA_EROSTER,
                       "the %s key must be 64 hex digits", tag);
    return 0;
}

static int starts_with(const char *line, size_t n, const char *prefix, const char **rest,
                       size_t *rest_n)
{
    size_t p = strlen(prefix);
    if (n < p || memcmp(line, prefix, p) != 0) return 0;
    *rest = line + p;
    *rest_n = n - p;
    return 1;
}

int unika_roster_parse(unika_roster **out, const char *src, size_t src_size, unika_error *err)
{
    if (!out || (!src && src_size)) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    if (src_size > UNIKA_ROSTER_MAX_BYTES)
        return unika_fail(err, UNIKA_EROSTER, "roster is larger than %d bytes",
                          UNIKA_ROSTER_MAX_BYTES);
    if (src_size && memchr(src, '\0', src_size))
        return unika_fail(err, UNIKA_EROSTER, "roster contains a NUL byte");
    unika_roster *r = unika_calloc(1, sizeof *r);
    if (!r) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a roster");
    size_t pos = 0;
    uint64_t line_no = 0;
    int seen_header = 0, seen_fp = 0, rc = 0;
    uint64_t aggregator_line = 0, linker_line = 0;
    const char *line, *v;
    size_t n, vn;
    while (unika_govio_next_line(&line, &n, src, src_size, &pos)) {
        line_no++;
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--; /* trailing blanks */
        if (n == 0 || line[0] == '#') continue;
        if (!seen_header) {
            if (n == strlen(ROSTER_HEADER) && memcmp(line, ROSTER_HEADER, n) == 0) {
                seen_header = 1;
                continue;
            }
            if (n > 14 && memcmp(line, "unika-roster v", 14) == 0) {
                rc = at_line(err, line_no, UNIKA_EVERSION,
                             "unsupported roster version (only v1)");
            } else {
                rc = at_line(err, line_no, UNIKA_EROSTER,
                             "expected \"unika-roster v1\"");
            }
            goto fail;
        }
        if (starts_with(line, n, "partnership-key: ", &v, &vn)) {
            if (seen_fp) {
                rc = at_line(err, line_no, UNIKA_EROSTER,
                             "a second partnership-key line");
                goto fail;
            }
            if (unika_hex_decode(r->key_fp, UNIKA_FINGERPRINT_BYTES, v, vn) != 0) {
                rc = at_line(err, line_no, UNIKA_EROSTER,
                             "partnership-key must be 32 hex digits");
                goto fail;
            }
            seen_fp = 1;
        } else if (starts_with(line, n, "partner: ", &v, &vn)) {
            unika_sign_public pub;
            memset(&pub, 0, sizeof pub);
            if ((rc = parse_named_key(pub.name, pub.key, v, vn, "ed25519", line_no, err)) < 0)
                goto fail;
            if ((rc = unika_roster_add_partner(r, &pub, err)) < 0) {
                relabel(err, line_no);
                goto fail;
            }
        } else if (starts_with(line, n, "aggregator: ", &v, &vn)) {
            if (aggregator_line) {
                rc = at_line(err, line_no, UNIKA_EROSTER,
                             "a second aggregator line");
                goto fail;
            }
            if ((rc = parse_named_key(r->aggregator_name, r->aggregator_key, v, vn, "x25519",
                                      line_no, err)) < 0)
                goto fail;
            r->has_aggregator = 1;
            aggregator_line = line_no;
        } else if (starts_with(line, n, "linker: ", &v, &vn)) {
            unika_sign_public pub;
            memset(&pub, 0, sizeof pub);
            if (linker_line) {
                rc = at_line(err, line_no, UNIKA_EROSTER, "a second linker line");
                goto fail;
            }
            if ((rc = parse_named_key(pub.name, pub.key, v, vn, "ed25519", line_no, err)) < 0)
                goto fail;
            if ((rc = unika_roster_set_linker(r, &pub, err)) < 0) {
                relabel(err, line_no);
                goto fail;
            }
            linker_line = line_no;
        } else {
            rc = at_line(err, line_no, UNIKA_EROSTER,
                         "unknown line (expected partnership-key:, partner:, "
                         "linker: or aggregator:)");
            goto fail;
        }
    }
    if (!seen_header) {
        rc = missing(err, "is empty");
        goto fail;
    }
    if (!seen_fp) {
        rc = missing(err, "has no partnership-key line");
        goto fail;
    }
    if (r->n_partners == 0) {
        rc = missing(err, "lists no partner");
        goto fail;
    }
    *out = r;
    return 0;
fail:
    unika_roster_free(r);
    return rc;
}

int unika_roster_load(unika_roster **out, const char *path, unika_error *err)
{
    if (!out || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, UNIKA_ROSTER_MAX_BYTES, 0, err);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, UNIKA_EROSTER, "%s is larger than %d bytes, too large for a roster",
                          path, UNIKA_ROSTER_MAX_BYTES);
    if (rc < 0) return rc;
    rc = unika_roster_parse(out, (const char *)buf, size, err);
    if (rc < 0) unika_prefix_path(err, path);
    unika_govio_free(buf, size);
    return rc;
}

int unika_roster_format(char *dst, size_t dst_capacity, size_t *written,
                        const unika_roster *roster, unika_error *err)
{
    if (!dst || !roster) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    char fp[2 * UNIKA_FINGERPRINT_BYTES + 1], key[2 * 32 + 1];
    size_t off = 0;
    int n;
#define APPEND(...)                                                                   \
    do {                                                                              \
        n = snprintf(dst + off, off < dst_capacity ? dst_capacity - off : 0, __VA_ARGS__); \
        if (n < 0 || off + (size_t)n >= dst_capacity)                                 \
            return unika_fail(err, UNIKA_EBUFFER, "roster text does not fit in %zu bytes", \
                              dst_capacity);                                          \
        off += (size_t)n;                                                             \
    } while (0)
    unika_hex_encode(fp, roster->key_fp, UNIKA_FINGERPRINT_BYTES);
    APPEND(ROSTER_HEADER "\npartnership-key: %s\n", fp);
    for (size_t i = 0; i < roster->n_partners; i++) {
        unika_hex_encode(key, roster->partners[i].key, 32);
        APPEND("partner: %s ed25519:%s\n", roster->partners[i].name, key);
    }
    if (roster->has_linker) {
        unika_hex_encode(key, roster->linker.key, 32);
        APPEND("linker: %s ed25519:%s\n", roster->linker.name, key);
    }
    if (roster->has_aggregator) {
        unika_hex_encode(key, roster->aggregator_key, 32);
        APPEND("aggregator: %s x25519:%s\n", roster->aggregator_name, key);
    }
#undef APPEND
    if (written) *written = off;
    return 0;
}

int unika_roster_save(const unika_roster *roster, const char *path, unsigned flags,
                      unika_error *err)
{
    if (!roster || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (flags & ~UNIKA_SIGN_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    char *text = unika_malloc(UNIKA_ROSTER_MAX_BYTES);
    if (!text) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    size_t n;
    int rc = unika_roster_format(text, UNIKA_ROSTER_MAX_BYTES, &n, roster, err);
    if (rc == 0)
        rc = unika_write_file_atomic(path, text, n, 0644,
                               (flags & UNIKA_SIGN_OVERWRITE) != 0, err);
    unika_free(text);
    return rc;
}

const uint8_t *unika_roster_key_fingerprint(const unika_roster *roster)
{
    return roster ? roster->key_fp : NULL;
}

int unika_roster_check_key_fingerprint(const unika_roster *roster,
                                       const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                                       unika_error *err)
{
    if (!roster || !key_fp) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (memcmp(roster->key_fp, key_fp, UNIKA_FINGERPRINT_BYTES) == 0) return 0;
    char got[2 * UNIKA_FINGERPRINT_BYTES + 1], want[2 * UNIKA_FINGERPRINT_BYTES + 1];
    unika_hex_encode(got, key_fp, UNIKA_FINGERPRINT_BYTES);
    unika_hex_encode(want, roster->key_fp, UNIKA_FINGERPRINT_BYTES);
    return unika_fail(err, UNIKA_EKEYMISMATCH,
                      "made under key %s, but the roster's partnership key is %s", got, want);
}

size_t unika_roster_partner_count(const unika_roster *roster)
{
    return roster ? roster->n_partners : 0;
}

const unika_sign_public *unika_roster_partner_at(const unika_roster *roster, size_t i)
{
    return roster && i < roster->n_partners ? &roster->partners[i] : NULL;
}

int unika_roster_aggregator(const char **name_out, uint8_t key_dst[UNIKA_BOX_PUBLIC_KEY_BYTES],
                            const unika_roster *roster, unika_error *err)
{
    if (!roster) return unika_fail(err, UNIKA_EINVAL, "NULL roster");
    if (!roster->has_aggregator)
        return unika_fail(err, UNIKA_ENOENT, "the roster names no aggregator");
    if (name_out) *name_out = roster->aggregator_name;
    if (key_dst) memcpy(key_dst, roster->aggregator_key, UNIKA_BOX_PUBLIC_KEY_BYTES);
    return 0;
}

/* The signer must be on the roster, under the roster's key, before the
 * bytes are even looked at: an unknown signer is the clearer message. */
static int roster_entry(const unika_sign_public **entry, const unika_roster *roster,
                        const unika_signature *sig, unika_error *err)
{
    const unika_sign_public *pub = unika_roster_find(roster, sig->signer);
    if (!pub && roster->has_linker && !strcmp(roster->linker.name, sig->signer))
        pub = &roster->linker;
    if (!pub) {
        char names[160] = "";
        size_t off = 0;
        for (size_t i = 0; i < roster->n_partners && off < sizeof names; i++) {
            int n = snprintf(names + off, sizeof names - off, "%s%s", i ? ", " : "",
                             roster->partners[i].name);
            if (n < 0) break;
            off += (size_t)n;
        }
        return unika_fail(err, UNIKA_ESIGNER,
                          "signer \"%s\" is not on the roster (partners: %s)", sig->signer, names);
    }
    *entry = pub;
    return 0;
}

int unika_roster_verify(const unika_sign_public **signer, const unika_roster *roster,
                        const unika_signature *sig, const uint8_t *src, size_t src_size,
                        unika_error *err)
{
    if (signer) *signer = NULL;
    if (!roster || !sig || (!src && src_size))
        return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    const unika_sign_public *pub;
    int rc = roster_entry(&pub, roster, sig, err);
    if (rc < 0) return rc;
    rc = unika_signature_verify(sig, pub, src, src_size, err);
    if (rc < 0) return rc;
    if (signer) *signer = pub;
    return 0;
}

int unika_roster_verify_file(const unika_sign_public **signer, const unika_roster *roster,
                             const char *path, const char *sig_path, unika_error *err)
{
    if (signer) *signer = NULL;
    if (!roster || !path) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    char def[4096];
    if (!sig_path) {
        if (unika_signature_path(def, sizeof def, path) != 0)
            return unika_fail(err, UNIKA_EINVAL, "path too long");
        sig_path = def;
    }
    unika_signature sig;
    int rc = unika_signature_load(&sig, sig_path, err);
    if (rc < 0) return rc;
    const unika_sign_public *pub;
    rc = roster_entry(&pub, roster, &sig, err);
    if (rc == 0) rc = unika_signature_verify_file(&sig, pub, path, err);
    if (rc < 0) {
        if (rc != UNIKA_ENOENT) unika_prefix_path(err, path);
        return rc;
    }
    if (signer) *signer = pub;
    return 0;
}
