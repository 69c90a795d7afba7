/*
 * roster_trust.c - what a roster vouches for: the coordinator's signature
 * over the roster itself (against a pinned fingerprint), who signed a
 * file, and for which organisations that signer may speak.
 *
 * Why the roster is signed: it decides whose signatures count. Unsigned,
 * whoever hands it to a partner or an auditor (the aggregator, say) could
 * add a key of their own under a partner's name. Signed by a coordinator
 * whose key fingerprint everyone pinned beforehand, it can travel through
 * any hands: an edited roster fails the signature, a re-signed one the pin.
 *
 * Why organisations: a signature proves who signed, not that they may
 * speak for the file's labels. Without the check, Rädda Barnen's key could
 * sign a sketch labelled org=rodakorset and change Röda Korset's figure.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "common/common.h"
#include "governance/govio.h"
#include "governance/roster_private.h"
#include "unika/key.h"
#include "unika/sketch_io.h"

/* ---- the coordinator's signature ------------------------------------------------- */

static int coordinator_check(const unika_roster *r, const unika_signature *sig,
                             const uint8_t pin[UNIKA_FINGERPRINT_BYTES], unika_error *err)
{
    char have[UNIKA_FINGERPRINT_HEX_BYTES], want[UNIKA_FINGERPRINT_HEX_BYTES];
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
    unika_fingerprint_to_hex(want, pin);
    (void)unika_sign_public_fingerprint(fp, &r->coordinator);
    unika_fingerprint_to_hex(have, fp);
    /* The pin first: a roster re-signed by someone else names them as its
     * coordinator, and is refused for that. */
    if (sodium_memcmp(fp, pin, UNIKA_FINGERPRINT_BYTES) != 0)
        return unika_fail(err, UNIKA_ECOORDINATOR,
                          "its coordinator \"%s\" has key fingerprint %s, but the pinned "
                          "coordinator is %s: this roster was not made by your partnership's "
                          "coordinator", r->coordinator.name, have, want);
    if (strcmp(sig->signer, r->coordinator.name) ||
        sodium_memcmp(sig->key, r->coordinator.key, sizeof sig->key) != 0) {
        char id[UNIKA_SIGN_KEY_ID_HEX_BYTES];
        unika_sign_key_id(id, sig->key);
        return unika_fail(err, UNIKA_ECOORDINATOR,
                          "signed by \"%s\" (key %s), not by its coordinator \"%s\"",
                          sig->signer, id, r->coordinator.name);
    }
    return 0;
}

int unika_roster_load(unika_roster **out, const char *path,
                      const uint8_t coordinator_fp[UNIKA_FINGERPRINT_BYTES], unika_error *err)
{
    if (!out || !path || !coordinator_fp) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    *out = NULL;
    uint8_t *buf;
    size_t size;
    int rc = unika_govio_read(&buf, &size, path, UNIKA_ROSTER_MAX_BYTES, 0, err);
    if (rc == UNIKA_ERANGE)
        return unika_fail(err, UNIKA_EROSTER, "%s is larger than %d bytes, too large for a roster",
                          path, UNIKA_ROSTER_MAX_BYTES);
    if (rc < 0) return rc;
    unika_roster *r = NULL;
    rc = unika_roster_parse(&r, (const char *)buf, size, err);
    char sig_path[4096];
    unika_signature sig;
    if (rc == 0 && unika_signature_path(sig_path, sizeof sig_path, path) != 0)
        rc = unika_fail(err, UNIKA_EINVAL, "path too long");
    if (rc == 0 && (rc = unika_signature_load(&sig, sig_path, err)) == UNIKA_ENOENT)
        rc = unika_fail(err, UNIKA_ECOORDINATOR, "not signed: %s does not exist (a roster "
                        "counts only when its coordinator signed it)", sig_path);
    if (rc == 0) rc = coordinator_check(r, &sig, coordinator_fp, err);
    if (rc == 0) rc = unika_signature_verify(&sig, &r->coordinator, buf, size, err);
    unika_govio_free(buf, size);
    if (rc < 0) {
        unika_roster_free(r);
        unika_prefix_path(err, path);
        return rc;
    }
    *out = r;
    return 0;
}

int unika_roster_save(const unika_roster *roster, const char *path,
                      const unika_sign_key *coordinator, unsigned flags, unika_error *err)
{
    if (!roster || !path || !coordinator) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    if (flags & ~UNIKA_SIGN_OVERWRITE) return unika_fail(err, UNIKA_EINVAL, "unknown flags");
    unika_sign_public pub;
    if (unika_sign_key_public(&pub, coordinator) < 0 || !roster->has_coordinator ||
        strcmp(pub.name, roster->coordinator.name) ||
        memcmp(pub.key, roster->coordinator.key, sizeof pub.key))
        return unika_fail(err, UNIKA_EINVAL, "the roster must be signed with its coordinator's "
                          "key (\"%s\")", roster->has_coordinator ? roster->coordinator.name : "");
    char *text = unika_malloc(UNIKA_ROSTER_MAX_BYTES);
    if (!text) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    size_t n;
    int rc = unika_roster_format(text, UNIKA_ROSTER_MAX_BYTES, &n, roster, err);
    if (rc == 0) rc = unika_govio_save_signed(path, text, n, coordinator, flags, err);
    unika_free(text);
    return rc;
}

/* ---- who signed a file -------------------------------------------------------------- */

/* The signer must be on the roster, under the roster's key, before the
 * bytes are even looked at: an unknown signer is the clearer message. */
static int roster_entry(const unika_sign_public **entry, const unika_roster *roster,
                        const unika_signature *sig, unika_error *err)
{
    const unika_sign_public *pub = unika_roster_find(roster, sig->signer);
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

/* unika_roster_verify_file() over src[0..src_size) when src is not NULL,
 * else over the file at `path` as it is read now. */
static int verify_signed(const unika_sign_public **signer, const unika_roster *roster,
                         const char *path, const char *sig_path, const uint8_t *src,
                         size_t src_size, unika_error *err)
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
    if (rc == 0)
        rc = src ? unika_signature_verify(&sig, pub, src, src_size, err)
                 : unika_signature_verify_file(&sig, pub, path, err);
    if (rc < 0) {
        if (rc != UNIKA_ENOENT) unika_prefix_path(err, path);
        return rc;
    }
    if (signer) *signer = pub;
    return 0;
}

int unika_roster_verify_file(const unika_sign_public **signer, const unika_roster *roster,
                             const char *path, const char *sig_path, unika_error *err)
{
    return verify_signed(signer, roster, path, sig_path, NULL, 0, err);
}

int unika_roster_verify_read(const unika_sign_public **signer, const unika_roster *roster,
                             const char *path, const char *sig_path, const uint8_t *src,
                             size_t src_size, unika_error *err)
{
    if (!src && src_size) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    static const uint8_t empty[1];
    return verify_signed(signer, roster, path, sig_path, src ? src : empty, src_size, err);
}

/* ---- for whom a signer may speak --------------------------------------------------- */

/* Whether the comma-separated list holds `org`. */
static int lists(const char *list, const char *org)
{
    size_t n = strlen(org);
    for (const char *p = list; *p; p += *p == ',') {
        size_t len = strcspn(p, ",");
        if (len == n && !memcmp(p, org, n)) return 1;
        p += len;
    }
    return 0;
}

int unika_roster_authorize(const unika_roster *roster, const unika_sign_public *signer,
                           const char *const *orgs, size_t n, unika_error *err)
{
    if (!roster || !signer || (!orgs && n)) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    size_t i = unika_roster_signer_index(roster, signer);
    if (i == SIZE_MAX)
        return unika_fail(err, UNIKA_ESIGNER, "signer \"%s\" is not on the roster", signer->name);
    const char *may = roster->signers[i].orgs;
    if (n == 0)
        return unika_fail(err, UNIKA_ESIGNSCOPE, "signed by \"%s\", but the file names no "
                          "organisation (no org label), so no roster entry can vouch for it",
                          signer->name);
    for (size_t k = 0; k < n; k++)
        if (!orgs[k] || !lists(may, orgs[k]))
            return unika_fail(err, UNIKA_ESIGNSCOPE, "signed by \"%s\", whose key may sign for "
                              "org %s only, but the file is labelled org=%.64s",
                              signer->name, may, orgs[k] ? orgs[k] : "(none)");
    return 0;
}

/* The value of `key` in canonical labels ("k=v\nk=v"), copied into dst. */
static int canonical_label(char *dst, size_t cap, const char *labels, const char *key)
{
    size_t kn = strlen(key);
    for (const char *p = labels; *p;) {
        size_t len = strcspn(p, "\n");
        if (len > kn && p[kn] == '=' && !memcmp(p, key, kn)) {
            size_t vn = len - kn - 1;
            if (vn >= cap) return -1;
            memcpy(dst, p + kn + 1, vn);
            dst[vn] = '\0';
            return 0;
        }
        p += len + (p[len] == '\n');
    }
    return -1;
}

int unika_roster_authorize_sketch(const unika_roster *roster, const unika_sign_public *signer,
                                  const unika_sketch *sketch, unika_error *err)
{
    if (!roster || !signer || !sketch) return unika_fail(err, UNIKA_EINVAL, "NULL argument");
    /* A merged sketch names its inputs' organisations in its provenance
     * records; read from a version 2 file they are only a commitment until
     * the provenance file is attached, and cannot be vouched for before. */
    uint64_t committed = 0;
    uint8_t root[UNIKA_DIGEST_BYTES];
    int in_memory = 1;
    int rc = unika_sketch_provenance(sketch, &committed, root, &in_memory, err);
    if (rc < 0) return rc;
    if (committed && !in_memory)
        return unika_fail(err, UNIKA_EPROVENANCE, "a merged sketch of %llu sources whose "
                          "provenance file is not attached: the organisations it covers "
                          "cannot be checked", (unsigned long long)committed);
    size_t ns = unika_sketch_source_count(sketch), n = 0;
    const char **orgs = unika_malloc((ns + 1) * sizeof *orgs);
    char (*copies)[UNIKA_LABEL_VALUE_MAX + 1] = unika_malloc((ns + 1) * sizeof *copies);
    if (!orgs || !copies) {
        unika_free(orgs);
        unika_free(copies);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    }
    const char *own = unika_sketch_get_label(sketch, "org");
    if (own) orgs[n++] = own;
    for (size_t i = 0; i < ns; i++) {
        const char *labels;
        if (unika_sketch_source_at(sketch, i, NULL, &labels, NULL) < 0 ||
            canonical_label(copies[i], sizeof copies[i], labels, "org") < 0)
            continue; /* a record without an org adds none */
        size_t k = 0;
        while (k < n && strcmp(orgs[k], copies[i])) k++;
        if (k == n) orgs[n++] = copies[i];
    }
    rc = unika_roster_authorize(roster, signer, orgs, n, err);
    unika_free(orgs);
    unika_free(copies);
    return rc;
}
