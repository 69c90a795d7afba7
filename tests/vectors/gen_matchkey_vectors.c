/*
 * gen_matchkey_vectors.c - makes tests/vectors/matchkeys.txt, once.
 *
 *   gen_matchkey_vectors > tests/vectors/matchkeys.txt   (regenerate: only after
 *                               a deliberate change, which is a new match-key version)
 *   gen_matchkey_vectors --check tests/vectors/matchkeys.txt
 *
 * Everything is computed twice: by a second implementation of
 * docs/matchkeys.md written here from the spec with libsodium alone (the
 * subkeys, the message, the hash; which values a record yields: tokens and
 * their deletions, years and their shifts, month-days and their swap), and
 * by the library (unika_matchkey_hash, unika_matchkeys_derive). The
 * generator refuses to write anything if they disagree. The loose name key
 * and tokens come from the library's unika_name_loose_* (their rules have
 * their own tests and docs/linkage.md).
 *
 * THE INPUTS BELOW MUST NOT CHANGE. Other implementations check themselves
 * against the file; new vectors may be appended, never altered.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unika.h"

#define VECTOR_PROGRAM "gen_matchkey_vectors"
#include "vector_output.h"

/* ---- inputs: must not change ------------------------------------------- */

/* type, value: single hashes */
static const char *const hash_vectors[][2] = {
    {"personnummer", "198112189876"},
    {"samordningsnummer", "197010632391"},
    {"dossier", "58789885"},
    {"name", "dhhmmns"},
    {"token", "mhmd"},
    {"token_delete", "mhmd"},
    {"birth_year", "2002"},
    {"birth_year_shifted_1", "2002"},
    {"birth_year_shifted_2", "2002"},
    {"birth_month_day", "03-14"},
    {"birth_month_day_swapped", "03-14"},
    {"country", "afghanistan"},
};

/* Records: normalised name, birth date, gender, personnummer, dossier, country
 * ("" = absent; the birth date as Y-M-D with 0 for unknown parts). */
static const char *const derive_vectors[][6] = {
    {"amiri hosein", "2005-1-1", "M", "", "58789885", "afghanistan"},
    {"al khalil samir", "1999-5-10", "M", "", "79417419", "afghanistan"},
    {"ahmadi zahra", "2001-7-0", "F", "", "", ""},
    {"haidari nasir", "1997-0-0", "M", "", "", ""},
    {"", "0-0-0", "U", "198112189876", "", ""},
    {"mohammad reza", "2003-4-3", "X", "197010632391", "", "eritrea"},
    {"\xd8\xb1\xd8\xb6\xd8\xa7 \xd9\x85\xd8\xad\xd9\x85\xd8\xaf", "2003-12-31", "M", "", "", ""},
    {"abdul rahman hosseini", "2004-3-14", "M", "200403142383", "", "somalia"},
    /* appended with file layout 2: a repeated word, a deletion of two words */
    {"hasan hasan hasib", "2001-0-0", "M", "", "", ""},
};

/* ---- output ------------------------------------------------------------ */

/* ---- the second implementation of docs/matchkeys.md --------------------- */

static const char *const TYPE_NAMES[] = {
    NULL, "personnummer", "samordningsnummer", "dossier", "name", "token", "token_delete",
    "birth_year", "birth_year_shifted_1", "birth_year_shifted_2", "birth_month_day",
    "birth_month_day_swapped", "country"};
static const unsigned TYPE_DOMAIN[] = {0, 1, 2, 3, 4, 5, 5, 6, 6, 6, 7, 7, 8};

static unsigned type_of(const char *name)
{
    for (unsigned t = 1; t <= 12; t++)
        if (!strcmp(TYPE_NAMES[t], name)) return t;
    die("unknown type name");
    return 0;
}

/* subkey = crypto_kdf(32, id = domain + 2, "unika-v1"); message = "unika-mk" 01 domain value */
static void spec_hash(uint8_t out16[16], const uint8_t key[32], unsigned type, const char *v,
                      size_t n)
{
    unsigned domain = TYPE_DOMAIN[type];
    uint8_t subkey[32], msg[300];
    if (crypto_kdf_derive_from_key(subkey, 32, domain + 2, "unika-v1", key) != 0) die("kdf");
    memcpy(msg, "unika-mk", 8);
    msg[8] = 1;
    msg[9] = (uint8_t)domain;
    memcpy(msg + 10, v, n);
    crypto_generichash(out16, 16, msg, 10 + n, subkey, 32);
}

typedef struct spec_key {
    unsigned type;
    char value[256];
    uint8_t hash[16];
    char word[256];   /* token_delete: the word it deletes a symbol of */
    unsigned token;   /* token_delete: that word's index among the sorted tokens */
} spec_key;

typedef struct spec_set {
    spec_key k[UNIKA_MATCHKEYS_MAX];
    size_t n;
    unsigned flags;
} spec_set;

/* word: for a deletion, the word it comes from ("" otherwise); a deletion
 * is one key per (value, word). */
static void spec_put(spec_set *s, const uint8_t key[32], unsigned type, const char *v, size_t n,
                     const char *word, size_t wn)
{
    for (size_t i = 0; type == 6 && i < s->n; i++)
        if (s->k[i].type == 6 && strlen(s->k[i].value) == n && !memcmp(s->k[i].value, v, n) &&
            strlen(s->k[i].word) == wn && !memcmp(s->k[i].word, word, wn))
            return;
    spec_key *k = &s->k[s->n++];
    memset(k, 0, sizeof *k);
    k->type = type;
    memcpy(k->value, v, n);
    memcpy(k->word, word, wn);
    spec_hash(k->hash, key, type, v, n);
}

static size_t sym_len(unsigned char c) { return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2; }

static void spec_tokens(spec_set *s, const uint8_t key[32], const char *tokens)
{
    const char *t = tokens;
    while (*t) {
        size_t n = strcspn(t, " ");
        spec_put(s, key, 5, t, n, "", 0);
        size_t starts[256], k = 0;
        for (size_t i = 0; i < n; i += sym_len((unsigned char)t[i])) starts[k++] = i;
        for (size_t d = 0; k >= 3 && d < k; d++) {
            char del[256];
            size_t len = (d + 1 < k ? starts[d + 1] : n) - starts[d];
            memcpy(del, t, starts[d]);
            memcpy(del + starts[d], t + starts[d] + len, n - starts[d] - len);
            spec_put(s, key, 6, del, n - len, t, n);
        }
        t += n;
        if (*t == ' ') t++;
    }
}

static void spec_birth(spec_set *s, const uint8_t key[32], int y, int m, int d)
{
    if (!y) return;
    unsigned precision = !m ? 1 : !d ? 2 : 3;
    if (m == 1 && d == 1) {
        precision = 1;
        s->flags |= 4;
    }
    s->flags |= precision;
    char b[16];
    for (int k = 0; k < 3; k++) {
        snprintf(b, sizeof b, "%04d", y + k);
        spec_put(s, key, 7 + (unsigned)k, b, 4, "", 0);
    }
    if (precision != 3) return;
    snprintf(b, sizeof b, "%02d-%02d", m, d);
    spec_put(s, key, 10, b, 5, "", 0);
    if (d <= 12 && d != m) {
        snprintf(b, sizeof b, "%02d-%02d", d, m);
        spec_put(s, key, 11, b, 5, "", 0);
    }
}

static int spec_cmp(const void *a, const void *b)
{
    const spec_key *x = a, *y = b;
    if (x->type != y->type) return x->type < y->type ? -1 : 1;
    int c = memcmp(x->hash, y->hash, 16);
    return c ? c : (x->token > y->token) - (x->token < y->token);
}

/* After sorting by (type, hash): each deletion's word becomes the index of
 * the first token with that word's value, then the final sort. */
static void spec_token_indexes(spec_set *s, const uint8_t key[32])
{
    size_t first = 0, n = 0;
    while (first < s->n && s->k[first].type < 5) first++;
    while (first + n < s->n && s->k[first + n].type == 5) n++;
    for (size_t i = 0; i < s->n; i++) {
        if (s->k[i].type != 6) continue;
        uint8_t h[16];
        spec_hash(h, key, 5, s->k[i].word, strlen(s->k[i].word));
        size_t t = 0;
        while (t < n && memcmp(s->k[first + t].hash, h, 16)) t++;
        if (t == n) die("a deletion without its word");
        s->k[i].token = (unsigned)t;
    }
    qsort(s->k, s->n, sizeof s->k[0], spec_cmp);
}

static void spec_derive(spec_set *s, const uint8_t key[32], const char *const *v, int date[3])
{
    memset(s, 0, sizeof *s);
    if (v[3][0]) {
        int day = (v[3][6] - '0') * 10 + (v[3][7] - '0');
        spec_put(s, key, day > 60 ? 2 : 1, v[3], 12, "", 0);
    }
    if (v[4][0]) spec_put(s, key, 3, v[4], 8, "", 0);
    if (v[0][0]) {
        char buf[256];
        size_t n;
        if (unika_name_loose_key(buf, sizeof buf, &n, v[0], strlen(v[0]), NULL) != 0) die("key");
        spec_put(s, key, 4, buf, n, "", 0);
        if (unika_name_loose_tokens(buf, sizeof buf, &n, v[0], strlen(v[0]), NULL) != 0)
            die("tokens");
        spec_tokens(s, key, buf);
    }
    spec_birth(s, key, date[0], date[1], date[2]);
    if (v[5][0]) spec_put(s, key, 12, v[5], strlen(v[5]), "", 0);
    qsort(s->k, s->n, sizeof s->k[0], spec_cmp);
    spec_token_indexes(s, key);
}

/* ---- the vectors ------------------------------------------------------------ */

static void key_bytes(uint8_t k[32], int which)
{
    for (int i = 0; i < 32; i++) k[i] = which == 0 ? (uint8_t)i : (uint8_t)(0xa5 ^ (i * 29));
}

static unika_gender gender_of(const char *g)
{
    return *g == 'M' ? UNIKA_GENDER_MALE : *g == 'F' ? UNIKA_GENDER_FEMALE
         : *g == 'X' ? UNIKA_GENDER_OTHER : UNIKA_GENDER_UNKNOWN;
}

static void derive_line(const uint8_t kb[32], const unika_key *key, const char *const *v)
{
    int date[3];
    if (sscanf(v[1], "%d-%d-%d", &date[0], &date[1], &date[2]) != 3) die("date");
    static spec_set want;
    spec_derive(&want, kb, v, date);
    unika_matchkey_input in;
    memset(&in, 0, sizeof in);
    if (v[0][0]) in.name = v[0], in.name_size = strlen(v[0]);
    if (v[3][0]) in.personnummer = v[3];
    if (v[4][0]) in.dossier = v[4];
    if (v[5][0]) in.country = v[5], in.country_size = strlen(v[5]);
    in.birth = (unika_date){date[0], date[1], date[2]};
    in.gender = gender_of(v[2]);
    static unika_matchkeys got;
    unika_error e = {0};
    if (unika_matchkeys_derive(&got, key, &in, &e) != 0) die(e.message);
    if (got.count != want.n || got.flags != want.flags) die("library and spec disagree on a record");
    for (size_t i = 0; i < want.n; i++)
        if (got.keys[i].type != want.k[i].type || memcmp(got.keys[i].value, want.k[i].hash, 16) ||
            got.keys[i].token != want.k[i].token)
            die("library and spec disagree on a record's keys");
    emit("derive\tname=%s\tbirth=%s\tgender=%s\tpersonnummer=%s\tdossier=%s\tcountry=%s\t"
         "flags=%u\tkeys=%zu\n", v[0], v[1], v[2], v[3], v[4], v[5], want.flags, want.n);
    for (size_t i = 0; i < want.n; i++) {
        char h[33];
        hex(h, want.k[i].hash, 16);
        if (want.k[i].type == 6)
            emit("mk\t%s\t%s\t%s\tword=%u\n", TYPE_NAMES[want.k[i].type], want.k[i].value, h,
                 want.k[i].token);
        else
            emit("mk\t%s\t%s\t%s\n", TYPE_NAMES[want.k[i].type], want.k[i].value, h);
    }
}

static void generate(void)
{
    emit("# unika known-answer vectors for match keys (match-key version 1, match-key file\n"
         "# layout 2: token indexes; docs/matchkeys.md).\n"
         "# Made by tests/vectors/gen_matchkey_vectors.c; do not edit. Tab-separated:\n"
         "#   key     <key hex>  <key fingerprint hex>        (later lines use this key)\n"
         "#   hash    <type>  <value as hashed>  <match key hex>\n"
         "#   derive  <the record's normalised values>  flags=<n>  keys=<n>\n"
         "#   mk      <type>  <value as hashed>  <match key hex>   (that record's keys,\n"
         "#           in the order the library returns them: type, key bytes, word;\n"
         "#           a token_delete ends in word=<i>: the index, among the record's\n"
         "#           token keys in that order, of the word it deletes a symbol of)\n");
    for (int which = 0; which < 2; which++) {
        uint8_t kb[32];
        key_bytes(kb, which);
        unika_key *key = NULL;
        if (unika_key_from_bytes(&key, kb, NULL) != 0) die("key");
        char kh[65], fh[33];
        hex(kh, kb, 32);
        hex(fh, unika_key_fingerprint_ptr(key), 16);
        emit("key\t%s\t%s\n", kh, fh);
        for (size_t i = 0; i < sizeof hash_vectors / sizeof *hash_vectors; i++) {
            unsigned t = type_of(hash_vectors[i][0]);
            const char *v = hash_vectors[i][1];
            uint8_t want[16], got[16];
            spec_hash(want, kb, t, v, strlen(v));
            if (unika_matchkey_hash(got, key, t, v, strlen(v), NULL) != 0 || memcmp(want, got, 16))
                die("library and spec disagree on a hash vector");
            char h[33];
            hex(h, got, 16);
            emit("hash\t%s\t%s\t%s\n", hash_vectors[i][0], v, h);
        }
        size_t nd = which == 0 ? sizeof derive_vectors / sizeof *derive_vectors : 2;
        for (size_t i = 0; i < nd; i++) derive_line(kb, key, derive_vectors[i]);
        unika_key_free(key);
    }
}

int main(int argc, char **argv)
{
    if (unika_init() < 0) die("unika_init");
    generate();
    return vector_finish(argc, argv, "usage: gen_matchkey_vectors [--check FILE]");
}
