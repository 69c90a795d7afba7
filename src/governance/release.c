/*
 * release.c - disclosure control for published counts (unika/release.h):
 * rounding, cell-key noise and secondary suppression.
 *
 * Everything here is deterministic post-processing of numbers that an
 * auditor can recompute from the sketches, so the rules are written to give
 * bit-identical results on every IEEE-754 host: the noise inverts its CDF
 * by multiplication only (no log or exp of libm, whose last bit may differ
 * between platforms), and rounding works on integers.
 */
#include "unika/release.h"

#include <math.h>
#include <stdlib.h>
#include <sodium.h>
#include <string.h>

#include "common/common.h"
#include "identity/key_private.h"

#define NOISE_PERSONAL "unika-noise-v1"
#define INPUTS_PERSONAL "unika-inputs-v1"

unsigned unika_release_base(unika_rounding rule, int64_t value, int whole_period_total)
{
    switch (rule) {
    case UNIKA_ROUND_BASE5: return 5;
    case UNIKA_ROUND_BASE10: return 10;
    case UNIKA_ROUND_SDC: return whole_period_total || value >= 100 ? 10 : 5;
    default: return 1;
    }
}

int64_t unika_release_round(int64_t value, unsigned base)
{
    if (base <= 1) return value;
    int64_t b = (int64_t)base;
    /* floor((value + floor(b/2)) / b) * b; ties (even b) go up. */
    int64_t t = value + b / 2;
    int64_t q = t / b;
    if (t % b < 0) q--; /* C division truncates towards zero */
    return q * b;
}

int unika_release_uniform(uint64_t *out, const unika_key *noise_key, const char *release_id,
                          const uint8_t *cell, size_t cell_size, unika_error *err)
{
    if (!out || !noise_key || !release_id || (!cell && cell_size))
        return unika_fail(err, UNIKA_EINVAL, "unika_release_uniform: NULL argument");
    size_t id_len = strlen(release_id);
    if (id_len > UNIKA_RELEASE_ID_MAX)
        return unika_fail(err, UNIKA_ETOOLONG, "release id: %zu bytes, at most %d", id_len,
                          UNIKA_RELEASE_ID_MAX);
    /* The key's pseudonym subkey keys the hash; the personalisation keeps
     * these draws apart from any pseudonym made under the same key. */
    uint8_t personal[crypto_generichash_blake2b_PERSONALBYTES] = {0};
    memcpy(personal, NOISE_PERSONAL, sizeof NOISE_PERSONAL - 1);
    uint8_t len_le[4], digest[32];
    unika_store32_le(len_le, (uint32_t)id_len);
    crypto_generichash_blake2b_state st;
    if (crypto_generichash_blake2b_init_salt_personal(&st, unika_key_pseudonym_subkey(noise_key),
                                                      32, sizeof digest, NULL, personal) != 0 ||
        crypto_generichash_blake2b_update(&st, len_le, sizeof len_le) != 0 ||
        crypto_generichash_blake2b_update(&st, (const uint8_t *)release_id, id_len) != 0 ||
        (cell_size && crypto_generichash_blake2b_update(&st, cell, cell_size) != 0) ||
        crypto_generichash_blake2b_final(&st, digest, sizeof digest) != 0)
        return unika_fail(err, UNIKA_EINTERNAL, "noise hash failed");
    *out = unika_load64_le(digest);
    sodium_memzero(&st, sizeof st);
    return 0;
}

static int cmp_digest(const void *a, const void *b)
{
    return memcmp(a, b, UNIKA_DIGEST_BYTES);
}

int unika_release_commitment(uint8_t out[UNIKA_DIGEST_BYTES], const unika_key *release_key,
                             const uint8_t *digests, size_t n, unika_error *err)
{
    if (!out || !release_key || (!digests && n))
        return unika_fail(err, UNIKA_EINVAL, "unika_release_commitment: NULL argument");
    if (n > UINT32_MAX / UNIKA_DIGEST_BYTES)
        return unika_fail(err, UNIKA_ERANGE, "release commitment: too many inputs");
    /* A sorted, duplicate-free copy: the set, whatever order it came in. */
    uint8_t *d = unika_malloc(n ? n * UNIKA_DIGEST_BYTES : 1);
    if (!d) return unika_fail(err, UNIKA_ENOMEM, "out of memory for the release commitment");
    if (n) memcpy(d, digests, n * UNIKA_DIGEST_BYTES);
    qsort(d, n, UNIKA_DIGEST_BYTES, cmp_digest);
    size_t m = 0;
    for (size_t i = 0; i < n; i++)
        if (!m || memcmp(d + (m - 1) * UNIKA_DIGEST_BYTES, d + i * UNIKA_DIGEST_BYTES,
                         UNIKA_DIGEST_BYTES))
            memmove(d + m++ * UNIKA_DIGEST_BYTES, d + i * UNIKA_DIGEST_BYTES, UNIKA_DIGEST_BYTES);
    /* Keyed like the noise, under its own personalisation: without the
     * release key nobody can test a guessed set of files against it. */
    uint8_t personal[crypto_generichash_blake2b_PERSONALBYTES] = {0}, count[4];
    memcpy(personal, INPUTS_PERSONAL, sizeof INPUTS_PERSONAL - 1);
    unika_store32_le(count, (uint32_t)m);
    crypto_generichash_blake2b_state st;
    int bad = crypto_generichash_blake2b_init_salt_personal(
                  &st, unika_key_pseudonym_subkey(release_key), 32, UNIKA_DIGEST_BYTES, NULL,
                  personal) != 0 ||
              crypto_generichash_blake2b_update(&st, count, sizeof count) != 0 ||
              (m && crypto_generichash_blake2b_update(&st, d, m * UNIKA_DIGEST_BYTES) != 0) ||
              crypto_generichash_blake2b_final(&st, out, UNIKA_DIGEST_BYTES) != 0;
    sodium_memzero(&st, sizeof st);
    unika_free(d);
    return bad ? unika_fail(err, UNIKA_EINTERNAL, "release commitment hash failed") : 0;
}

/* x in [0, 1) with 53 exact bits. */
static double unit(uint64_t u) { return (double)(u >> 11) * (1.0 / 9007199254740992.0); }

int unika_release_noise(int64_t *out, unika_noise mechanism, double epsilon, uint64_t u,
                        unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "unika_release_noise: out is NULL");
    double x = unit(u);
    switch (mechanism) {
    case UNIKA_NOISE_NONE: *out = 0; return 0;
    case UNIKA_NOISE_CKM: {
        /* CDF at -2..+2: .05 .25 .75 .95 1 (variance 0.8). */
        static const double cdf[4] = {0.05, 0.25, 0.75, 0.95};
        int64_t k = -2;
        for (int i = 0; i < 4 && x >= cdf[i]; i++) k++;
        *out = k;
        return 0;
    }
    case UNIKA_NOISE_GEOMETRIC: {
        if (!(epsilon >= 0.01 && epsilon <= 20.0))
            return unika_fail(err, UNIKA_ERANGE, "epsilon must lie in [0.01, 20]");
        /* a = e^-eps: the one libm call. glibc's exp is correctly rounded
         * in practice; a last-bit difference elsewhere would move a CDF
         * boundary by ~1e-16, i.e. change a draw only if x lands within
         * that distance of it (docs/report.md). */
        double a = exp(-epsilon);
        /* F(-m) = a^m/(1+a) for m >= 1;  1 - F(k) = a^(k+1)/(1+a) for k >= 0. */
        double t = a / (1.0 + a);
        if (x < t) { /* negative: the largest m with F(-m) > x */
            int64_t m = 1;
            while (x < t * a && m < 100000) {
                t *= a;
                m++;
            }
            *out = -m;
        } else { /* the smallest k >= 0 with a^(k+1)/(1+a) < 1 - x */
            int64_t k = 0;
            double y = 1.0 - x;
            while (t >= y && k < 100000) {
                t *= a;
                k++;
            }
            *out = k;
        }
        return 0;
    }
    default: return unika_fail(err, UNIKA_EINVAL, "unknown noise mechanism %d", (int)mechanism);
    }
}

/* Withholds every shown figure of class c; returns how many. */
static int withhold_class(uint8_t *state, size_t n, const size_t *cls, size_t c)
{
    int k = 0;
    for (size_t i = 0; i < n; i++)
        if (cls[i] == c && state[i] == UNIKA_RELEASE_SHOWN) {
            state[i] = UNIKA_RELEASE_SECONDARY;
            k++;
        }
    return k;
}

int unika_release_secondary(uint8_t *state, size_t n, const double *estimate, const size_t *cls,
                            const size_t *offset, const size_t *members, const size_t *total,
                            size_t nrel, unika_error *err)
{
    if (n && (!state || !estimate || !cls))
        return unika_fail(err, UNIKA_EINVAL, "unika_release_secondary: NULL figure array");
    if (nrel && (!offset || !members || !total))
        return unika_fail(err, UNIKA_EINVAL, "unika_release_secondary: NULL relation array");
    for (size_t r = 0; r < nrel; r++) {
        if (offset[r + 1] < offset[r])
            return unika_fail(err, UNIKA_EINVAL, "relation %zu: offsets decrease", r);
        if (total[r] != SIZE_MAX && total[r] >= n)
            return unika_fail(err, UNIKA_EINVAL, "relation %zu: total %zu is not a figure", r,
                              total[r]);
        for (size_t k = offset[r]; k < offset[r + 1]; k++)
            if (members[k] >= n)
                return unika_fail(err, UNIKA_EINVAL, "relation %zu: member %zu is not a figure",
                                  r, members[k]);
    }
    /* Make the input consistent first: one number, one state. */
    int added = 0;
    for (size_t i = 0; i < n; i++)
        if (state[i] != UNIKA_RELEASE_SHOWN) added += withhold_class(state, n, cls, cls[i]);
    int changed = 1;
    while (changed) {
        changed = 0;
        for (size_t r = 0; r < nrel; r++) {
            size_t withheld = 0, best = SIZE_MAX;
            int total_in = total[r] != SIZE_MAX;
            if (total_in && state[total[r]] != UNIKA_RELEASE_SHOWN) withheld++;
            for (size_t k = offset[r]; k < offset[r + 1]; k++) {
                size_t i = members[k];
                if (i == total[r]) continue;
                if (state[i] != UNIKA_RELEASE_SHOWN) {
                    withheld++;
                } else if (best == SIZE_MAX || estimate[i] < estimate[best] ||
                           (i < best && estimate[i] == estimate[best])) {
                    best = i;
                }
            }
            if (withheld != 1) continue;
            if (best == SIZE_MAX && total_in && state[total[r]] == UNIKA_RELEASE_SHOWN)
                best = total[r];
            if (best == SIZE_MAX) continue; /* nothing left to withhold */
            added += withhold_class(state, n, cls, cls[best]);
            changed = 1;
        }
    }
    return added;
}
