/*
 * roster.c - the partnership roster: build, parse, format, look up.
 *
 * Why a roster: a signature only says "the holder of this key signed"; the
 * roster is what turns a key into a name an auditor can read in a report,
 * and says for which organisations that key may speak, so that one
 * partner's key cannot vouch for a file labelled with another's name. It
 * also pins the partnership key by fingerprint, so a sketch made under any
 * other key is caught before its figures are used. The file is plain text
 * so the partners can read what they agree to, every parse error names its
 * line, and the coordinator signs it (roster_trust.c) so that whoever
 * hands it over need not be trusted.
 */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/common.h"
#include "governance/govio.h"
#include "governance/roster_private.h"
#include "unika/key.h"

#define ROSTER_HEADER "unika-roster v2"
#define SERIAL_MAX 9007199254740992ull /* 2^53: exact in every JSON reader */

/* The roles a roster line can give a signing key: the line's keyword, and
 * whether, without orgs=, the key signs for the organisation of its own
 * name. Every role signs data files for its organisations only
 * (unika_roster_authorize()). The linker, which resolves the partners'
 * match-key files into persons (`unika link`), signs cells labelled with
 * the partners' organisations: its line always lists them, and there is at
 * most one. */
typedef struct roster_role {
    const char *name;
    int own_org_default;
} roster_role;

static const roster_role ROLES[] = {
    {"partner", 1},
    {"linker", 0},
};

#define ROLE_LINKER 1 /* ROLES[ROLE_LINKER] */

#define N_ROLES (sizeof ROLES / sizeof ROLES[0])

int unika_roster_new(unika_roster **out, const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                     unika_error *err)
{
    if (!out || !key_fp) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    unika_roster *r = unika_calloc(1, sizeof *r);
    if (!r) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a roster");
    memcpy(r->key_fp, key_fp, UNIKA_FINGERPRINT_BYTES);
    r->serial = 1;
    *out = r;
    return 0;
}

void unika_roster_free(unika_roster *roster)
{
    if (!roster) return;
    for (size_t i = 0; i < roster->n_partners; i++) unika_free(roster->signers[i].orgs);
    unika_free(roster->signers);
    unika_free(roster->partners);
    unika_free(roster);
}

int unika_roster_set_serial(unika_roster *roster, uint64_t serial, unika_error *err)
{
    if (!roster) return unika_fail(err, UNIKA_EINVAL, "NULL roster");
    if (serial < 1 || serial > SERIAL_MAX)
        return unika_fail(err, UNIKA_ERANGE, "a roster's serial is 1 to 2^53");
    roster->serial = serial;
    return 0;
}

uint64_t unika_roster_serial(const unika_roster *roster) { return roster ? roster->serial : 0; }

const unika_sign_public *unika_roster_find(const unika_roster *roster, const char *name)
{
    if (!roster || !name) return NULL;
    for (size_t i = 0; i < roster->n_partners; i++)
        if (strcmp(roster->partners[i].name, name) == 0) return &roster->partners[i];
    return NULL;
}

size_t unika_roster_signer_index(const unika_roster *roster, const unika_sign_public *pub)
{
    for (size_t i = 0; roster && pub && i < roster->n_partners; i++)
        if (&roster->partners[i] == pub || !strcmp(roster->partners[i].name, pub->name))
            return i;
    return SIZE_MAX;
}

/* A name or key already taken, by a signer or the coordinator. */
static int taken(const unika_roster *r, const unika_sign_public *pub, unika_error *err)
{
    const unika_sign_public *c = r->has_coordinator ? &r->coordinator : NULL;
    if (unika_roster_find(r, pub->name) || (c && !strcmp(c->name, pub->name)))
        return unika_fail(err, UNIKA_EROSTER, "\"%s\" is already on the roster", pub->name);
    for (size_t i = 0; i <= r->n_partners; i++) {
        const unika_sign_public *o = i < r->n_partners ? &r->partners[i] : c;
        if (o && !memcmp(o->key, pub->key, sizeof pub->key))
            return unika_fail(err, UNIKA_EROSTER, "\"%s\" has the same public key as \"%s\"",
                              pub->name, o->name);
    }
    return 0;
}

/* orgs: "a,b,c" of organisation names, none repeated; a malloc'd copy. */
static int copy_orgs(char **out, const char *orgs, unika_error *err)
{
    size_t n = strlen(orgs), count = 0;
    if (!n) return unika_fail(err, UNIKA_EROSTER, "orgs= lists no organisation");
    for (const char *p = orgs; *p;) {
        size_t len = strcspn(p, ",");
        char one[UNIKA_SIGNER_NAME_MAX + 2];
        if (len == 0 || len > UNIKA_SIGNER_NAME_MAX)
            return unika_fail(err, UNIKA_EROSTER, "orgs= holds an empty or overlong name");
        memcpy(one, p, len);
        one[len] = '\0';
        int rc = unika_signer_name_check(one, err);
        if (rc < 0) return rc;
        for (const char *q = orgs; q < p; q += strcspn(q, ",") + 1)
            if (strcspn(q, ",") == len && !memcmp(q, p, len))
                return unika_fail(err, UNIKA_EROSTER, "orgs= lists \"%s\" twice", one);
        if (++count > UNIKA_ROSTER_MAX_ORGS)
            return unika_fail(err, UNIKA_EROSTER, "orgs= lists more than %d organisations",
                              UNIKA_ROSTER_MAX_ORGS);
        p += len;
        if (*p == ',' && !*++p) return unika_fail(err, UNIKA_EROSTER, "orgs= ends with a comma");
    }
    *out = unika_malloc(n + 1);
    if (!*out) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the roster");
    memcpy(*out, orgs, n + 1);
    return 0;
}

static int grow(unika_roster *r, unika_error *err)
{
    if (r->n_partners < r->cap_partners) return 0;
    size_t cap = r->cap_partners ? 2 * r->cap_partners : 8;
    unika_sign_public *p = unika_realloc(r->partners, r->cap_partners * sizeof *p, cap * sizeof *p);
    if (p) r->partners = p;
    roster_signer *s = p ? unika_realloc(r->signers, r->cap_partners * sizeof *s, cap * sizeof *s)
                         : NULL;
    if (!s) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the roster");
    r->signers = s;
    r->cap_partners = cap;
    return 0;
}

int unika_roster_add_signer(unika_roster *roster, const char *role, const unika_sign_public *pub,
                            const char *orgs, unika_error *err)
{
    if (!roster || !role || !pub) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    size_t k = 0;
    while (k < N_ROLES && strcmp(ROLES[k].name, role)) k++;
    if (k == N_ROLES) return unika_fail(err, UNIKA_EROSTER, "no role \"%.32s\"", role);
    int rc = unika_signer_name_check(pub->name, err);
    if (rc < 0 || (rc = taken(roster, pub, err)) < 0) return rc;
    if (roster->n_partners >= UNIKA_ROSTER_MAX_PARTNERS)
        return unika_fail(err, UNIKA_EROSTER, "a roster holds at most %d signing keys",
                          UNIKA_ROSTER_MAX_PARTNERS);
    if (!orgs && !ROLES[k].own_org_default)
        return unika_fail(err, UNIKA_EROSTER, "a %s must list its organisations (orgs=)", role);
    if (k == ROLE_LINKER && unika_roster_linker(roster))
        return unika_fail(err, UNIKA_EROSTER, "a second linker (a roster names at most one)");
    char *copy = NULL;
    if ((rc = copy_orgs(&copy, orgs ? orgs : pub->name, err)) < 0) return rc;
    if ((rc = grow(roster, err)) < 0) {
        unika_free(copy);
        return rc;
    }
    roster->partners[roster->n_partners] = *pub;
    roster->signers[roster->n_partners] = (roster_signer){k, copy};
    roster->n_partners++;
    return 0;
}

int unika_roster_add_partner(unika_roster *roster, const unika_sign_public *pub,
                             unika_error *err)
{
    return unika_roster_add_signer(roster, "partner", pub, NULL, err);
}

const unika_sign_public *unika_roster_linker(const unika_roster *roster)
{
    for (size_t i = 0; roster && i < roster->n_partners; i++)
        if (roster->signers[i].role == ROLE_LINKER) return &roster->partners[i];
    return NULL;
}

/* 1 when the comma-separated `list` holds the name p[0..len). */
static int lists(const char *list, const char *p, size_t len)
{
    for (const char *q = list; *q; q += strcspn(q, ",") + (q[strcspn(q, ",")] == ','))
        if (strcspn(q, ",") == len && !memcmp(q, p, len)) return 1;
    return 0;
}

/* The linker signs for every organisation the partners sign for: those on
 * the roster now (add the partners first), each once. */
int unika_roster_set_linker(unika_roster *roster, const unika_sign_public *pub,
                            unika_error *err)
{
    if (!roster || !pub) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    size_t n = 1;
    for (size_t i = 0; i < roster->n_partners; i++) n += strlen(roster->signers[i].orgs) + 1;
    char *orgs = unika_calloc(n, 1);
    if (!orgs) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the roster");
    size_t off = 0;
    for (size_t i = 0; i < roster->n_partners; i++) {
        if (roster->signers[i].role == ROLE_LINKER) continue;
        for (const char *p = roster->signers[i].orgs; *p;) {
            size_t len = strcspn(p, ",");
            if (!lists(orgs, p, len)) {
                if (off) orgs[off++] = ',';
                memcpy(orgs + off, p, len);
                off += len;
                orgs[off] = '\0';
            }
            p += len + (p[len] == ',');
        }
    }
    int rc = off ? unika_roster_add_signer(roster, ROLES[ROLE_LINKER].name, pub, orgs, err)
                 : unika_fail(err, UNIKA_EROSTER, "the linker needs the partners on the roster first");
    unika_free(orgs);
    return rc;
}

int unika_roster_set_coordinator(unika_roster *roster, const unika_sign_public *pub,
                                 unika_error *err)
{
    if (!roster || !pub) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    int rc = unika_signer_name_check(pub->name, err);
    if (rc < 0) return rc;
    roster->has_coordinator = 0; /* a replaced coordinator does not clash with itself */
    if ((rc = taken(roster, pub, err)) < 0) return rc;
    roster->coordinator = *pub;
    roster->has_coordinator = 1;
    return 0;
}

const unika_sign_public *unika_roster_coordinator(const unika_roster *roster)
{
    return roster && roster->has_coordinator ? &roster->coordinator : NULL;
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
static int relabel(unika_error *err, uint64_t line, int rc)
{
    if (!err) return rc;
    char prefix[48];
    snprintf(prefix, sizeof prefix, "roster line %llu", (unsigned long long)line);
    unika_prefix_path(err, prefix);
    err->line = line;
    return rc;
}

/* Missing content has no line of its own: line 0. */
static int missing(unika_error *err, const char *what)
{
    if (err) err->line = 0;
    return unika_fail(err, UNIKA_EROSTER, "roster %s", what);
}

/* "<name> <tag>:<64 hex>[ orgs=...]" into name, key and *orgs (NULL when
 * absent; a pointer into v, NUL-terminated in place by the caller's copy). */
static int parse_named_key(char name[UNIKA_SIGNER_NAME_MAX + 1], uint8_t key[32],
                           const char *v, size_t n, const char *tag, char *orgs,
                           size_t orgs_cap, uint64_t line, unika_error *err)
{
    const char *sp = memchr(v, ' ', n);
    if (!sp) return at_line(err, line, UNIKA_EROSTER, "expected \"NAME %s:HEX\"", tag);
    size_t name_n = (size_t)(sp - v);
    char tmp[UNIKA_SIGNER_NAME_MAX + 2];
    if (name_n > UNIKA_SIGNER_NAME_MAX) name_n = UNIKA_SIGNER_NAME_MAX + 1;
    memcpy(tmp, v, name_n);
    tmp[name_n] = '\0';
    int rc = unika_signer_name_check(tmp, err);
    if (rc < 0) return relabel(err, line, rc);
    memcpy(name, tmp, name_n + 1);
    const char *k = sp + 1, *end = v + n;
    const char *sp2 = memchr(k, ' ', (size_t)(end - k));
    size_t kn = (size_t)((sp2 ? sp2 : end) - k), tn = strlen(tag);
    if (kn < tn + 1 || memcmp(k, tag, tn) != 0 || k[tn] != ':')
        return at_line(err, line, UNIKA_EROSTER, "the key must start with \"%s:\"", tag);
    if (unika_hex_decode(key, 32, k + tn + 1, kn - tn - 1) != 0)
        return at_line(err, line, UNIKA_EROSTER, "the %s key must be 64 hex digits", tag);
    if (orgs) orgs[0] = '\0';
    if (!sp2) return 0;
    const char *o = sp2 + 1;
    size_t on = (size_t)(end - o);
    if (!orgs || on < 5 || memcmp(o, "orgs=", 5) != 0)
        return at_line(err, line, UNIKA_EROSTER, "unexpected text after the key%s",
                       orgs ? " (expected orgs=ORG,ORG...)" : "");
    if (on - 5 == 0 || on - 5 >= orgs_cap || memchr(o + 5, ' ', on - 5))
        return at_line(err, line, UNIKA_EROSTER, "orgs= must list organisation names "
                       "separated by commas");
    memcpy(orgs, o + 5, on - 5);
    orgs[on - 5] = '\0';
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

/* The header line: v2 only, with a message saying why v1 is gone. */
static int parse_header(const char *line, size_t n, uint64_t line_no, unika_error *err)
{
    if (n == strlen(ROSTER_HEADER) && memcmp(line, ROSTER_HEADER, n) == 0) return 0;
    if (n == 15 && memcmp(line, "unika-roster v1", 15) == 0)
        return at_line(err, line_no, UNIKA_EVERSION,
                       "an unsigned v1 roster is no longer read: make a signed v2 roster "
                       "(unika roster make --sign COORDINATOR.sec)");
    if (n > 14 && memcmp(line, "unika-roster v", 14) == 0)
        return at_line(err, line_no, UNIKA_EVERSION, "unsupported roster version (only v2)");
    return at_line(err, line_no, UNIKA_EROSTER, "expected \"unika-roster v2\"");
}

static int parse_serial(unika_roster *r, const char *v, size_t n, uint64_t line_no,
                        unika_error *err)
{
    uint64_t s = 0;
    int ok = n >= 1 && n <= 16 && v[0] != '0';
    for (size_t i = 0; ok && i < n; i++) {
        ok = v[i] >= '0' && v[i] <= '9';
        s = s * 10 + (uint64_t)(v[i] - '0');
    }
    if (!ok || s > SERIAL_MAX)
        return at_line(err, line_no, UNIKA_EROSTER, "serial must be a whole number from 1 "
                       "to 2^53");
    r->serial = s;
    return 0;
}

typedef struct seen {
    uint64_t header, serial, key, coordinator, aggregator;
} seen;

/* A signing-key line "<role>: NAME ed25519:HEX [orgs=...]"; 1 when `line`
 * is one (*rc set), 0 when its keyword is no role. */
static int parse_signer(unika_roster *r, const char *line, size_t n, uint64_t line_no, int *rc,
                        unika_error *err)
{
    for (size_t k = 0; k < N_ROLES; k++) {
        char prefix[40];
        snprintf(prefix, sizeof prefix, "%s: ", ROLES[k].name);
        const char *v;
        size_t vn;
        if (!starts_with(line, n, prefix, &v, &vn)) continue;
        unika_sign_public pub;
        memset(&pub, 0, sizeof pub);
        char orgs[UNIKA_ROSTER_MAX_ORGS * (UNIKA_SIGNER_NAME_MAX + 1) + 1];
        *rc = parse_named_key(pub.name, pub.key, v, vn, "ed25519", orgs, sizeof orgs, line_no,
                              err);
        if (*rc == 0) {
            *rc = unika_roster_add_signer(r, ROLES[k].name, &pub, orgs[0] ? orgs : NULL, err);
            if (*rc < 0) relabel(err, line_no, *rc);
        }
        return 1;
    }
    return 0;
}

static int parse_line(unika_roster *r, seen *s, const char *line, size_t n, uint64_t line_no,
                      unika_error *err)
{
    const char *v;
    size_t vn;
    int rc = 0;
    if (!s->header) {
        if ((rc = parse_header(line, n, line_no, err)) == 0) s->header = line_no;
        return rc;
    }
    if (starts_with(line, n, "serial: ", &v, &vn)) {
        if (s->serial) return at_line(err, line_no, UNIKA_EROSTER, "a second serial line");
        s->serial = line_no;
        return parse_serial(r, v, vn, line_no, err);
    }
    if (starts_with(line, n, "partnership-key: ", &v, &vn)) {
        if (s->key) return at_line(err, line_no, UNIKA_EROSTER, "a second partnership-key line");
        s->key = line_no;
        if (unika_hex_decode(r->key_fp, UNIKA_FINGERPRINT_BYTES, v, vn) != 0)
            return at_line(err, line_no, UNIKA_EROSTER, "partnership-key must be 32 hex digits");
        return 0;
    }
    if (starts_with(line, n, "coordinator: ", &v, &vn)) {
        if (s->coordinator) return at_line(err, line_no, UNIKA_EROSTER, "a second coordinator line");
        s->coordinator = line_no;
        unika_sign_public pub;
        memset(&pub, 0, sizeof pub);
        if ((rc = parse_named_key(pub.name, pub.key, v, vn, "ed25519", NULL, 0, line_no, err)) < 0)
            return rc;
        return (rc = unika_roster_set_coordinator(r, &pub, err)) < 0 ? relabel(err, line_no, rc) : 0;
    }
    if (starts_with(line, n, "aggregator: ", &v, &vn)) {
        if (s->aggregator) return at_line(err, line_no, UNIKA_EROSTER, "a second aggregator line");
        s->aggregator = line_no;
        r->has_aggregator = 1;
        return parse_named_key(r->aggregator_name, r->aggregator_key, v, vn, "x25519", NULL, 0,
                               line_no, err);
    }
    if (parse_signer(r, line, n, line_no, &rc, err)) return rc;
    return at_line(err, line_no, UNIKA_EROSTER, "unknown line (expected serial:, "
                   "partnership-key:, coordinator:, partner: or aggregator:)");
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
    seen s = {0};
    int rc = 0;
    const char *line;
    size_t n;
    while (rc == 0 && unika_govio_next_line(&line, &n, src, src_size, &pos)) {
        line_no++;
        while (n && (line[n - 1] == ' ' || line[n - 1] == '\t')) n--; /* trailing blanks */
        if (n == 0 || line[0] == '#') continue;
        rc = parse_line(r, &s, line, n, line_no, err);
    }
    if (rc == 0) {
        if (!s.header) rc = missing(err, "is empty");
        else if (!s.serial) rc = missing(err, "has no serial line");
        else if (!s.key) rc = missing(err, "has no partnership-key line");
        else if (!s.coordinator) rc = missing(err, "has no coordinator line");
        else if (r->n_partners == 0) rc = missing(err, "lists no signing key (partner: lines)");
    }
    if (rc < 0) {
        unika_roster_free(r);
        return rc;
    }
    *out = r;
    return 0;
}

/* ---- formatting ----------------------------------------------------------------- */

int unika_roster_format(char *dst, size_t dst_capacity, size_t *written,
                        const unika_roster *roster, unika_error *err)
{
    if (!dst || !roster) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (!roster->has_coordinator)
        return unika_fail(err, UNIKA_EINVAL, "a roster needs a coordinator");
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
    unika_hex_encode(key, roster->coordinator.key, 32);
    APPEND(ROSTER_HEADER "\nserial: %llu\npartnership-key: %s\ncoordinator: %s ed25519:%s\n",
           (unsigned long long)roster->serial, fp, roster->coordinator.name, key);
    for (size_t i = 0; i < roster->n_partners; i++) {
        const roster_signer *s = &roster->signers[i];
        int own = ROLES[s->role].own_org_default && !strcmp(s->orgs, roster->partners[i].name);
        unika_hex_encode(key, roster->partners[i].key, 32);
        APPEND("%s: %s ed25519:%s%s%s\n", ROLES[s->role].name, roster->partners[i].name, key,
               own ? "" : " orgs=", own ? "" : s->orgs);
    }
    if (roster->has_aggregator) {
        unika_hex_encode(key, roster->aggregator_key, 32);
        APPEND("aggregator: %s x25519:%s\n", roster->aggregator_name, key);
    }
#undef APPEND
    if (written) *written = off;
    return 0;
}

/* ---- lookups ---------------------------------------------------------------------- */

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

const char *unika_roster_signer_role(const unika_roster *roster, size_t i)
{
    return roster && i < roster->n_partners ? ROLES[roster->signers[i].role].name : NULL;
}

const char *unika_roster_signer_orgs(const unika_roster *roster, size_t i)
{
    return roster && i < roster->n_partners ? roster->signers[i].orgs : NULL;
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
