/*
 * test_seal.c - the aggregator's box key and sealed envelopes: round trips,
 * the header byte by byte, wrong recipient, every kind of damage
 * (truncation at every length, each byte flipped), key file permissions,
 * and the padding: sketches of different counts seal to one size, forged
 * envelopes with a bad inner length or padding are refused, v1 is refused.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <sodium.h>

#include "common/common.h"
#include "testutil.h"
#include "unika.h"

static unika_box_key *new_box(void)
{
    unika_box_key *k = NULL;
    ck_assert_int_eq(unika_box_key_generate(&k, NULL), 0);
    return k;
}

static int contains(const uint8_t *hay, size_t hay_n, const uint8_t *needle, size_t n)
{
    for (size_t i = 0; i + n <= hay_n; i++)
        if (memcmp(hay + i, needle, n) == 0) return 1;
    return 0;
}

/* The padded size the documented rule gives, computed here independently:
 * the smallest power of two >= n + 8 and >= max(4096, 2^(p+1)) for a
 * sketch of precision p. */
static size_t rule_padded(size_t n, unsigned p)
{
    size_t floor = 4096;
    if (p && ((size_t)2 << p) > floor) floor = (size_t)2 << p;
    size_t s = floor;
    while (s < n + 8) s *= 2;
    return s;
}

static uint8_t *seal_buf(const uint8_t pk[32], const uint8_t *src, size_t n, size_t *out_n)
{
    size_t cap = unika_seal_size(src, n);
    ck_assert_uint_gt(cap, 0);
    uint8_t *env = malloc(cap);
    unika_error e = {0};
    ck_assert_int_eq(unika_seal(env, cap, out_n, pk, src, n, &e), 0);
    ck_assert_uint_eq(*out_n, cap);
    return env;
}

/* A hand-made v2 envelope around an arbitrary plaintext (what a malicious
 * sealer could make: sealed boxes are anonymous). */
static uint8_t *forge(const uint8_t pk[32], const uint8_t *plain, size_t s, size_t *out_n)
{
    uint8_t *env = malloc(UNIKA_SEAL_OVERHEAD + s);
    static const uint8_t magic[8] = {0x8F, 'U', 'N', 'K', 'S', 'E', 'A', 'L'};
    memcpy(env, magic, 8);
    unika_store16_le(env + 8, 2);
    unika_store16_le(env + 10, 0);
    unika_box_fingerprint(env + 12, pk);
    unika_store64_le(env + 28, s);
    ck_assert_int_eq(crypto_box_seal(env + UNIKA_SEAL_HEADER_BYTES, plain, s, pk), 0);
    *out_n = UNIKA_SEAL_OVERHEAD + s;
    return env;
}

/* A serialized sketch of precision p holding `count` distinct people. */
static uint8_t *sketch_bytes(unsigned p, size_t count, uint64_t seed, size_t *n)
{
    static const uint8_t fp[UNIKA_FINGERPRINT_BYTES] = {1, 2, 3};
    unika_sketch *sk = NULL;
    ck_assert_int_eq(unika_sketch_new(&sk, p, fp, fp, NULL), 0);
    ck_assert_int_eq(unika_sketch_set_label(sk, "org", "rodakorset", NULL), 0);
    ck_assert_int_eq(unika_sketch_set_label(sk, "period", "2019H1", NULL), 0);
    for (size_t i = 0; i < count; i++)
        ck_assert_int_eq(unika_sketch_add_hash(sk, unika_test_splitmix64(&seed), NULL), 0);
    ck_assert_int_eq(unika_sketch_serialized_size(n, sk), 0);
    uint8_t *buf = malloc(*n);
    ck_assert_int_eq(unika_sketch_serialize(buf, *n, NULL, sk, NULL), 0);
    unika_sketch_free(sk);
    return buf;
}

START_TEST(sizes_match_functions)
{
    ck_assert_uint_eq(unika_box_public_key_bytes(), UNIKA_BOX_PUBLIC_KEY_BYTES);
    ck_assert_uint_eq(unika_seal_overhead(), UNIKA_SEAL_OVERHEAD);
    ck_assert_uint_eq(UNIKA_SEAL_OVERHEAD, UNIKA_SEAL_HEADER_BYTES + crypto_box_SEALBYTES);
}
END_TEST

START_TEST(round_trip_and_header)
{
    unika_box_key *k = new_box();
    uint8_t pk[32], fp[UNIKA_FINGERPRINT_BYTES];
    unika_box_key_public(pk, k);
    unika_box_fingerprint(fp, pk);
    static const size_t sizes[] = {0, 1, 47, 48, 49, 4096, 100000};
    uint64_t st = 7;
    for (size_t s = 0; s < UNIKA_ARRAY_LEN(sizes); s++) {
        size_t n = sizes[s], env_n, out_n;
        uint8_t *plain = malloc(n + 1);
        for (size_t i = 0; i < n; i++) plain[i] = (uint8_t)unika_test_splitmix64(&st);
        uint8_t *env = seal_buf(pk, plain, n, &env_n);
        static const uint8_t magic[8] = {0x8F, 'U', 'N', 'K', 'S', 'E', 'A', 'L'};
        ck_assert_int_eq(memcmp(env, magic, 8), 0);
        ck_assert_uint_eq(unika_load16_le(env + 8), 2);
        ck_assert_uint_eq(unika_load16_le(env + 10), 0);
        ck_assert_int_eq(memcmp(env + 12, fp, sizeof fp), 0);
        ck_assert_uint_eq(unika_load64_le(env + 28), rule_padded(n, 0));
        ck_assert_uint_eq(env_n, UNIKA_SEAL_OVERHEAD + rule_padded(n, 0));
        uint8_t *back = malloc(n + 1);
        unika_error e = {0};
        ck_assert_msg(unika_open(back, n, &out_n, k, env, env_n, &e) == 0, "%s", e.message);
        ck_assert_uint_eq(out_n, n);
        ck_assert_int_eq(memcmp(plain, back, n), 0);
        if (n >= 16) /* the plaintext does not appear in the envelope */
            ck_assert(!contains(env, env_n, plain, 16));
        if (n) {
            ck_assert_int_eq(unika_open(back, n - 1, &out_n, k, env, env_n, &e), UNIKA_EBUFFER);
        }
        /* Fresh ephemeral key each time: two seals of the same bytes differ. */
        size_t env2_n;
        uint8_t *env2 = seal_buf(pk, plain, n, &env2_n);
        ck_assert_int_ne(memcmp(env + UNIKA_SEAL_HEADER_BYTES, env2 + UNIKA_SEAL_HEADER_BYTES,
                                env_n - UNIKA_SEAL_HEADER_BYTES), 0);
        free(env2);
        free(plain);
        free(back);
        free(env);
    }
    uint8_t small[10];
    size_t w;
    ck_assert_int_eq(unika_seal(small, sizeof small, &w, pk, (const uint8_t *)"x", 1, NULL),
                     UNIKA_EBUFFER);
    unika_box_key_free(k);
}
END_TEST

START_TEST(wrong_recipient)
{
    unika_box_key *aggregator = new_box(), *partner = new_box();
    uint8_t pk[32], other_pk[32];
    unika_box_key_public(pk, aggregator);
    unika_box_key_public(other_pk, partner);
    const uint8_t msg[] = "raw sketch";
    size_t env_n, out_n;
    uint8_t *env = seal_buf(pk, msg, sizeof msg, &env_n);
    uint8_t back[sizeof msg];
    unika_error e = {0};
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, partner, env, env_n, &e), UNIKA_ESEAL);
    char want[33], have[33];
    uint8_t fp[UNIKA_FINGERPRINT_BYTES];
    unika_box_fingerprint(fp, pk);
    unika_hex_encode(want, fp, sizeof fp);
    unika_box_fingerprint(fp, other_pk);
    unika_hex_encode(have, fp, sizeof fp);
    ck_assert_ptr_nonnull(strstr(e.message, want));
    ck_assert_ptr_nonnull(strstr(e.message, have));
    /* Even with the header rewritten to name the partner, the box stays shut. */
    memcpy(env + 12, fp, sizeof fp);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, partner, env, env_n, &e),
                     UNIKA_ESEALAUTH);
    free(env);
    unika_box_key_free(aggregator);
    unika_box_key_free(partner);
}
END_TEST

START_TEST(damage_is_named)
{
    unika_box_key *k = new_box();
    uint8_t pk[32];
    unika_box_key_public(pk, k);
    uint8_t msg[300];
    for (size_t i = 0; i < sizeof msg; i++) msg[i] = (uint8_t)(i * 7);
    size_t env_n, out_n;
    uint8_t *env = seal_buf(pk, msg, sizeof msg, &env_n);
    static uint8_t back[8192];
    unika_error e = {0};

    /* Every truncation. */
    for (size_t cut = 0; cut < env_n; cut++) {
        int rc = unika_open(back, sizeof back, &out_n, k, env, cut, &e);
        ck_assert_msg(rc == UNIKA_ETRUNCATED, "cut %zu gave %s", cut, unika_err_name(rc));
    }
    /* One byte more. */
    uint8_t *longer = malloc(env_n + 1);
    memcpy(longer, env, env_n);
    longer[env_n] = 0;
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, longer, env_n + 1, &e),
                     UNIKA_EFORMAT);
    free(longer);

    /* Each byte flipped: the error depends on the field it falls in. */
    for (size_t i = 0; i < env_n; i++) {
        int want;
        if (i < 8) want = UNIKA_EMAGIC;
        else if (i < 10) want = UNIKA_EVERSION;
        else if (i < 12) want = UNIKA_EFORMAT;
        else if (i < 28) want = UNIKA_ESEAL;
        else if (i < 36) want = -1; /* size: not a power of two, truncated or trailing */
        else want = UNIKA_ESEALAUTH;
        env[i] ^= 0x01;
        int rc = unika_open(back, sizeof back, &out_n, k, env, env_n, &e);
        if (want == -1)
            ck_assert_msg(rc == UNIKA_ETRUNCATED || rc == UNIKA_EFORMAT, "byte %zu: %d", i, rc);
        else
            ck_assert_msg(rc == want, "byte %zu: got %s", i, unika_err_name(rc));
        ck_assert_uint_eq(out_n, 0);
        env[i] ^= 0x01;
    }
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), 0);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, (const uint8_t *)"PK\3\4", 4, &e),
                     UNIKA_ETRUNCATED);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k,
                                (const uint8_t *)"not an envelope at all, clearly", 31, &e),
                     UNIKA_EMAGIC);
    free(env);
    unika_box_key_free(k);
}
END_TEST

START_TEST(padding_hides_the_count)
{
    unika_box_key *k = new_box();
    uint8_t pk[32];
    unika_box_key_public(pk, k);
    /* p = 12: sparse sketches of 1, 2, 50 and 1,000 people (76 + 4 per
     * person bytes and labels) and a dense one of 20,000 all seal to one
     * size, 2^13 + the overhead; each opens to exactly its own bytes. */
    static const size_t counts[] = {0, 1, 2, 50, 1000, 20000};
    size_t first = 0;
    for (size_t c = 0; c < UNIKA_ARRAY_LEN(counts); c++) {
        size_t n, env_n, out_n;
        uint8_t *sk = sketch_bytes(12, counts[c], 100 + c, &n);
        uint8_t *env = seal_buf(pk, sk, n, &env_n);
        ck_assert_uint_eq(env_n, UNIKA_SEAL_OVERHEAD + rule_padded(n, 12));
        ck_assert_uint_eq(env_n, UNIKA_SEAL_OVERHEAD + 8192);
        if (c == 0) first = env_n;
        ck_assert_uint_eq(env_n, first);
        uint8_t *back = malloc(env_n);
        unika_error e = {0};
        ck_assert_msg(unika_open(back, env_n, &out_n, k, env, env_n, &e) == 0, "%s", e.message);
        ck_assert_uint_eq(out_n, n);
        ck_assert_int_eq(memcmp(back, sk, n), 0);
        free(back);
        free(env);
        free(sk);
    }
    /* Other precisions: the floor is 2^(p+1), at least 4096. */
    static const unsigned ps[] = {4, 10, 11, 14};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(ps); i++) {
        size_t n1, n2;
        uint8_t *a = sketch_bytes(ps[i], 1, 7, &n1), *b = sketch_bytes(ps[i], 300, 8, &n2);
        ck_assert_uint_eq(unika_seal_size(a, n1), UNIKA_SEAL_OVERHEAD + rule_padded(n1, ps[i]));
        ck_assert_uint_eq(unika_seal_size(a, n1), unika_seal_size(b, n2));
        free(a);
        free(b);
    }
    ck_assert_uint_eq(unika_seal_size(NULL, 1), 0);
    ck_assert_uint_eq(unika_seal_size(NULL, 0), UNIKA_SEAL_OVERHEAD + 4096);
    unika_box_key_free(k);
}
END_TEST

/* A match-key file of `people` people, each with a realistic record (a
 * three-word name, a full birth date, a country, a dossier number for one
 * in two) and 8 visits over two years, by gender and age group. */
static uint8_t *matchkey_file(size_t people, size_t *n)
{
    static const char *const w1[] = {"mohammad", "ali", "hosein", "fatima", "zahra", "samir",
                                     "abdullahi", "semere", "maryam", "yusuf", "hamid"};
    static const char *const w2[] = {"reza", "jawad", "cumar", "tesfay", "karim", "nasir",
                                     "ibrahim", "sakina", "ahmad"};
    static const char *const w3[] = {"amiri", "haidari", "ahmadi", "hosseini", "jama",
                                     "ghebremariam", "mohammadi", "sultani", "qasemi", "karimi",
                                     "osman", "rahimi", "yusufzai"};
    uint8_t kb[32] = {1};
    unika_key *key = NULL;
    ck_assert_int_eq(unika_key_from_bytes(&key, kb, NULL), 0);
    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = "stadsmissionen";
    o.period = UNIKA_MK_PERIOD_HALF_YEAR;
    o.by_count = 2;
    o.by[0] = "gender";
    o.by[1] = "age_group";
    o.age_bands = "0-17,18-20,21-24,25-";
    unika_mkwriter *w = NULL;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), 0);
    unika_matchkeys *mk = malloc(sizeof *mk);
    for (size_t p = 0; p < people; p++) {
        char name[96], dossier[9];
        snprintf(name, sizeof name, "%s %s %s%zu", w1[p % 11], w2[(p / 11) % 9],
                 w3[(p / 99) % 13], p / 1287);
        snprintf(dossier, sizeof dossier, "%08zu", 10000000 + p * 7);
        unika_matchkey_input in;
        memset(&in, 0, sizeof in);
        in.name = name;
        in.name_size = strlen(name);
        in.birth = (unika_date){1997 + (int)(p % 10), (int)(p % 12) + 1, (int)(p % 28) + 1};
        in.country = p % 3 ? "afghanistan" : "somalia";
        in.country_size = strlen(in.country);
        in.dossier = p % 2 ? dossier : NULL;
        in.gender = p % 10 ? UNIKA_GENDER_MALE : UNIKA_GENDER_FEMALE;
        unika_error e = {0};
        ck_assert_msg(unika_matchkeys_derive(mk, key, &in, &e) == 0, "%s", e.message);
        for (int v = 0; v < 8; v++) {
            unika_mkvisit visit = {2018 + v / 4, 1 + (int)((p + (size_t)v * 3) % 12),
                                   {p % 10 ? "M" : "F", v < 4 ? "0-17" : "18-20"}, 1};
            ck_assert_int_eq(unika_mkwriter_add(w, mk, &visit, NULL), 0);
        }
    }
    free(mk);
    ck_assert_int_eq(unika_mkwriter_serialize(NULL, 0, n, w, NULL), 0);
    uint8_t *buf = malloc(*n);
    ck_assert_int_eq(unika_mkwriter_serialize(buf, *n, n, w, NULL), 0);
    unika_mkwriter_free(w);
    unika_key_free(key);
    return buf;
}

/* Match-key files: partners of 10 and of 2,000 people seal to one size,
 * the first class (4 MiB); a larger file to the next power of two. */
START_TEST(matchkey_files_share_a_size_class)
{
    unika_box_key *k = new_box();
    uint8_t pk[32];
    unika_box_key_public(pk, k);
    static const size_t people[] = {10, 2000};
    size_t sizes[2];
    for (size_t i = 0; i < 2; i++) {
        size_t n, env_n, out_n;
        uint8_t *f = matchkey_file(people[i], &n);
        uint8_t *env = seal_buf(pk, f, n, &env_n);
        sizes[i] = env_n;
        ck_assert_uint_eq(env_n, UNIKA_SEAL_OVERHEAD + UNIKA_SEAL_PAD_MATCHKEYS);
        uint8_t *back = malloc(env_n);
        unika_error e = {0};
        ck_assert_msg(unika_open(back, env_n, &out_n, k, env, env_n, &e) == 0, "%s", e.message);
        ck_assert_uint_eq(out_n, n);
        ck_assert_int_eq(memcmp(back, f, n), 0);
        free(back);
        free(env);
        free(f);
    }
    ck_assert_uint_eq(sizes[0], sizes[1]);
    /* A file past the first class: the next power of two. */
    size_t n;
    uint8_t *big = matchkey_file(12000, &n);
    ck_assert_uint_gt(n, UNIKA_SEAL_PAD_MATCHKEYS);
    size_t s = UNIKA_SEAL_PAD_MATCHKEYS;
    while (s < n + 8) s *= 2;
    ck_assert_uint_eq(unika_seal_size(big, n), UNIKA_SEAL_OVERHEAD + s);
    free(big);
    unika_box_key_free(k);
}
END_TEST

START_TEST(forged_padding_is_refused)
{
    unika_box_key *k = new_box();
    uint8_t pk[32];
    unika_box_key_public(pk, k);
    static uint8_t plain[8192], back[8192];
    size_t env_n, out_n;
    unika_error e = {0};
    const char *text = "a raw sketch";
    size_t n = strlen(text);

    /* Well formed: opens. */
    memset(plain, 0, sizeof plain);
    unika_store64_le(plain, n);
    memcpy(plain + 8, text, n);
    uint8_t *env = forge(pk, plain, 4096, &env_n);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), 0);
    ck_assert_uint_eq(out_n, n);
    free(env);
    /* A non-zero byte in the padding, anywhere. */
    static const size_t at[] = {8 + 12, 100, 4095};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(at); i++) {
        plain[at[i]] = 0x01;
        env = forge(pk, plain, 4096, &env_n);
        out_n = 99;
        ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_EFORMAT);
        ck_assert_ptr_nonnull(strstr(e.message, "padding"));
        ck_assert_uint_eq(out_n, 0);
        plain[at[i]] = 0;
        free(env);
    }
    /* An inner length larger than the padding holds. */
    static const uint64_t lens[] = {4096 - 7, 4096, UINT64_MAX};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(lens); i++) {
        unika_store64_le(plain, lens[i]);
        env = forge(pk, plain, 4096, &env_n);
        ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_EFORMAT);
        ck_assert_ptr_nonnull(strstr(e.message, "more than"));
        free(env);
    }
    /* The largest content 4096 bytes hold opens; a shorter length over
     * non-zero content is padding that is not zero. */
    unika_store64_le(plain, 4096 - 8);
    env = forge(pk, plain, 4096, &env_n);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), 0);
    ck_assert_uint_eq(out_n, 4096 - 8);
    free(env);
    /* Padded more than the rule says (8192 for 12 bytes): not canonical. */
    memset(plain, 0, sizeof plain);
    unika_store64_le(plain, n);
    memcpy(plain + 8, text, n);
    env = forge(pk, plain, 8192, &env_n);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_EFORMAT);
    ck_assert_ptr_nonnull(strstr(e.message, "padded to 8192, not to 4096"));
    free(env);
    /* A stated size that is not an allowed power of two. */
    env = forge(pk, plain, 4096, &env_n);
    unika_store64_le(env + 28, 2048);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_EFORMAT);
    unika_store64_le(env + 28, 4097);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_EFORMAT);
    unika_store64_le(env + 28, 8192);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_ETRUNCATED);
    /* A v1 envelope (unpadded) is refused and says why. */
    unika_store64_le(env + 28, 4096);
    unika_store16_le(env + 8, 1);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_EVERSION);
    ck_assert_ptr_nonnull(strstr(e.message, "version 1 (unpadded"));
    unika_store16_le(env + 8, 3);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), UNIKA_EVERSION);
    unika_store16_le(env + 8, 2);
    ck_assert_int_eq(unika_open(back, sizeof back, &out_n, k, env, env_n, &e), 0);
    /* Too small a buffer for the content: UNIKA_EBUFFER, nothing written. */
    ck_assert_int_eq(unika_open(back, n - 1, &out_n, k, env, env_n, &e), UNIKA_EBUFFER);
    free(env);
    unika_box_key_free(k);
}
END_TEST

START_TEST(key_files_and_sealed_files)
{
    char dir[] = "/tmp/unika-test-seal-XXXXXX";
    ck_assert_ptr_nonnull(mkdtemp(dir));
    char sec[128], pub[128], plain[128], sealed[128], opened[128];
    snprintf(sec, sizeof sec, "%s/agg.sec", dir);
    snprintf(pub, sizeof pub, "%s/agg.pub", dir);
    snprintf(plain, sizeof plain, "%s/cell.uks", dir);
    snprintf(sealed, sizeof sealed, "%s/cell.uks.sealed", dir);
    snprintf(opened, sizeof opened, "%s/opened.uks", dir);
    unika_box_key *k = new_box(), *back = NULL;
    uint8_t pk[32], pk_back[32];
    unika_box_key_public(pk, k);
    unika_error e = {0};
    mode_t old = umask(0);
    ck_assert_int_eq(unika_box_key_save(k, sec, 0, &e), 0);
    ck_assert_int_eq(unika_box_public_save(pk, pub, 0, &e), 0);
    umask(old);
    struct stat st;
    ck_assert_int_eq(stat(sec, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq(unika_box_key_save(k, sec, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(unika_box_key_load(&back, sec, 0, &e), 0);
    unika_box_key_public(pk_back, back);
    ck_assert_int_eq(memcmp(pk, pk_back, 32), 0);
    unika_box_key_free(back);
    back = NULL;
    ck_assert_int_eq(unika_box_public_load(pk_back, pub, &e), 0);
    ck_assert_int_eq(memcmp(pk, pk_back, 32), 0);

    ck_assert_int_eq(chmod(sec, 0644), 0);
    ck_assert_int_eq(unika_box_key_load(&back, sec, 0, &e), UNIKA_EKEYPERM);
    ck_assert_ptr_null(back);
    ck_assert_int_eq(unika_box_key_load(&back, sec, UNIKA_SEAL_ALLOW_OPEN_PERMISSIONS, &e), 0);
    unika_box_key_free(back);
    back = NULL;
    ck_assert_int_eq(chmod(sec, 0600), 0);

    FILE *f = fopen(plain, "wb");
    fputs("a raw sketch that only the aggregator may read", f);
    fclose(f);
    ck_assert_int_eq(unika_seal_file(pk, plain, sealed, 0, &e), 0);
    ck_assert_int_eq(unika_seal_file(pk, plain, sealed, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(unika_open_file(k, sealed, opened, 0, &e), 0);
    ck_assert_int_eq(stat(opened, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    size_t a_n, b_n;
    uint8_t *a = unika_test_read_file(plain, &a_n), *b = unika_test_read_file(opened, &b_n);
    ck_assert_uint_eq(a_n, b_n);
    ck_assert_int_eq(memcmp(a, b, a_n), 0);
    free(a);
    free(b);

    /* A damaged envelope on disk: nothing is written, the message names the file. */
    f = fopen(sealed, "r+b");
    fseek(f, 50, SEEK_SET);
    fputc(0x55, f);
    fclose(f);
    char opened2[160];
    snprintf(opened2, sizeof opened2, "%s/opened2.uks", dir);
    ck_assert_int_eq(unika_open_file(k, sealed, opened2, 0, &e), UNIKA_ESEALAUTH);
    ck_assert_ptr_nonnull(strstr(e.message, sealed));
    ck_assert_int_ne(access(opened2, F_OK), 0);

    /* Malformed key files. */
    f = fopen(sec, "r+b");
    fseek(f, -3, SEEK_END); /* last hex digit of the public key */
    int c = fgetc(f);
    fseek(f, -3, SEEK_END);
    fputc(c == '0' ? '1' : '0', f);
    fclose(f);
    ck_assert_int_eq(unika_box_key_load(&back, sec, 0, &e), UNIKA_EKEYFILE);
    ck_assert_ptr_nonnull(strstr(e.message, "does not belong"));
    f = fopen(pub, "wb");
    fputs("unika-box-public-key v2\nx25519: 00\n", f);
    fclose(f);
    ck_assert_int_eq(unika_box_public_load(pk_back, pub, &e), UNIKA_EKEYVERSION);
    f = fopen(pub, "wb");
    fputs("unika-box-public-key v1\nx25519: 00\n", f);
    fclose(f);
    ck_assert_int_eq(unika_box_public_load(pk_back, pub, &e), UNIKA_EKEYFILE);
    ck_assert_uint_eq(e.line, 2);
    unika_box_key_free(k);
    unika_box_key_free(NULL);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("seal");
    TCase *tc = tcase_create("core");
    tcase_add_test(tc, sizes_match_functions);
    tcase_add_test(tc, round_trip_and_header);
    tcase_add_test(tc, wrong_recipient);
    tcase_add_test(tc, damage_is_named);
    tcase_add_test(tc, padding_hides_the_count);
    tcase_add_test(tc, matchkey_files_share_a_size_class);
    tcase_add_test(tc, forged_padding_is_refused);
    tcase_add_test(tc, key_files_and_sealed_files);
    suite_add_tcase(s, tc);
    return s;
}
