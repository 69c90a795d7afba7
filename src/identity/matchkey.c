/*
 * matchkey.c - keyed match keys of one record (unika/matchkey.h).
 *
 *   match key = BLAKE2b-128(key     = the partnership key's subkey of the
 *                                     type's domain (docs/keys.md, ids 3..10),
 *                           message = "unika-mk" || 0x01 || domain || value)
 *
 * Why domains and not one key per type: a resolver must be able to see
 * that a year revised by one is the year of another record, or that a word
 * with one letter dropped is another record's word, by equality alone. So
 * each domain is one kind of value (years, month-days, name tokens), and
 * types that compare values of one kind share it: BIRTH_YEAR and its
 * shifts, MONTH_DAY and its swap, TOKEN and TOKEN_DELETE. Every domain has
 * its own subkey, so values of different kinds (and pseudonyms, under
 * subkey 1) are independent PRF outputs and never equal; the domain byte in
 * the message repeats that in the input, for a reader of the spec.
 *
 * Values, as hashed: 12 digits (personnummer, samordningsnummer), 8 digits
 * (dossier), the loose name key, a token skeleton, "YYYY", "MM-DD", the
 * normalised country. docs/matchkeys.md says why each type exists and what
 * it merges by mistake.
 *
 * Personal values pass only through stack buffers, wiped before returning.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "identity/key_private.h"
#include "identity/matchkey_memo.h"
#include "unika/matchkey.h"
#include "unika/name_loose.h"

#define MSG_PREFIX "unika-mk"
#define MSG_PREFIX_BYTES (sizeof MSG_PREFIX - 1)
#define MSG_HEADER_BYTES (MSG_PREFIX_BYTES + 2) /* prefix, version, domain */
#define VALUE_MAX 255                           /* a normalised name is shorter */

/* Domains: one subkey each (key_private.h). */
enum {
    DOM_PERSONNUMMER = 1,
    DOM_SAMORDNINGSNUMMER = 2,
    DOM_DOSSIER = 3,
    DOM_NAME = 4,
    DOM_NAME_TOKEN = 5,
    DOM_BIRTH_YEAR = 6,
    DOM_BIRTH_MONTH_DAY = 7,
    DOM_COUNTRY = 8,
};

_Static_assert(DOM_COUNTRY == UNIKA_KEY_MATCHKEY_DOMAINS, "one subkey per domain");
_Static_assert(UNIKA_NAME_LOOSE_MAX_BYTES - 1 <= VALUE_MAX, "a loose key fits a value");
_Static_assert(UNIKA_NAME_MAX_BYTES - 1 <= VALUE_MAX, "a normalised country fits a value");

static const struct {
    const char *name;
    unsigned domain;
} TYPES[UNIKA_MK_TYPE_MAX + 1] = {
    [UNIKA_MK_PERSONNUMMER] = {"personnummer", DOM_PERSONNUMMER},
    [UNIKA_MK_SAMORDNINGSNUMMER] = {"samordningsnummer", DOM_SAMORDNINGSNUMMER},
    [UNIKA_MK_DOSSIER] = {"dossier", DOM_DOSSIER},
    [UNIKA_MK_NAME] = {"name", DOM_NAME},
    [UNIKA_MK_TOKEN] = {"token", DOM_NAME_TOKEN},
    [UNIKA_MK_TOKEN_DELETE] = {"token_delete", DOM_NAME_TOKEN},
    [UNIKA_MK_BIRTH_YEAR] = {"birth_year", DOM_BIRTH_YEAR},
    [UNIKA_MK_BIRTH_YEAR_SHIFTED_1] = {"birth_year_shifted_1", DOM_BIRTH_YEAR},
    [UNIKA_MK_BIRTH_YEAR_SHIFTED_2] = {"birth_year_shifted_2", DOM_BIRTH_YEAR},
    [UNIKA_MK_BIRTH_MONTH_DAY] = {"birth_month_day", DOM_BIRTH_MONTH_DAY},
    [UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED] = {"birth_month_day_swapped", DOM_BIRTH_MONTH_DAY},
    [UNIKA_MK_COUNTRY] = {"country", DOM_COUNTRY},
};

size_t unika_matchkey_bytes(void) { return UNIKA_MATCHKEY_BYTES; }
size_t unika_matchkeys_max(void) { return UNIKA_MATCHKEYS_MAX; }

const char *unika_matchkey_type_name(unsigned type)
{
    return type >= 1 && type <= UNIKA_MK_TYPE_MAX ? TYPES[type].name : NULL;
}

unsigned unika_matchkey_type_domain(unsigned type)
{
    return type >= 1 && type <= UNIKA_MK_TYPE_MAX ? TYPES[type].domain : 0;
}

/* ---- the hash ------------------------------------------------------------ */

static void mk_hash(uint8_t dst[UNIKA_MATCHKEY_BYTES], const unika_key *key, unsigned domain,
                    const char *value, size_t n)
{
    uint8_t msg[MSG_HEADER_BYTES + VALUE_MAX];
    memcpy(msg, MSG_PREFIX, MSG_PREFIX_BYTES);
    msg[MSG_PREFIX_BYTES] = UNIKA_MATCHKEY_VERSION;
    msg[MSG_PREFIX_BYTES + 1] = (uint8_t)domain;
    memcpy(msg + MSG_HEADER_BYTES, value, n);
    crypto_generichash(dst, UNIKA_MATCHKEY_BYTES, msg, MSG_HEADER_BYTES + n,
                       unika_key_matchkey_subkey(key, domain), UNIKA_KEY_MATCHKEY_SUBKEY_BYTES);
    sodium_memzero(msg, MSG_HEADER_BYTES + n);
}

int unika_matchkey_hash(uint8_t dst[UNIKA_MATCHKEY_BYTES], const unika_key *key, unsigned type,
                        const char *value, size_t value_size, unika_error *err)
{
    if (!dst || !key || !value) return unika_fail(err, UNIKA_EINVAL, "match key: NULL argument");
    if (type < 1 || type > UNIKA_MK_TYPE_MAX)
        return unika_fail(err, UNIKA_EINVAL, "match key: unknown type %u", type);
    if (value_size == 0)
        return unika_fail_at(err, UNIKA_EEMPTY, TYPES[type].name, 0, "%s: empty value",
                             TYPES[type].name);
    if (value_size > VALUE_MAX)
        return unika_fail_at(err, UNIKA_ETOOLONG, TYPES[type].name, 0,
                             "%s: expected at most %d bytes, got %zu", TYPES[type].name,
                             VALUE_MAX, value_size);
    mk_hash(dst, key, TYPES[type].domain, value, value_size);
    return UNIKA_OK;
}

/* ---- derivation ------------------------------------------------------------ */

/* The key a record's keys are made under, and the memo of its values (or
 * NULL). */
typedef struct hasher {
    const unika_key *key;
    unika_matchkey_memo *memo;
} hasher;

/* The domains whose values people share: the memo's. An identifier, and
 * mostly a whole name, is one person's, and the keys of a record seen
 * again are for the caller to remember (`matchkeys` has a cache of them). */
static int shared_domain(unsigned domain)
{
    return domain == DOM_NAME_TOKEN || domain == DOM_BIRTH_YEAR ||
           domain == DOM_BIRTH_MONTH_DAY || domain == DOM_COUNTRY;
}

static void put(unika_matchkeys *out, const hasher *h, unsigned type, const char *v,
                size_t n)
{
    unika_matchkey *k = &out->keys[out->count++];
    unsigned domain = TYPES[type].domain;
    unika_matchkey_memo *memo = shared_domain(domain) ? h->memo : NULL;
    k->type = (uint8_t)type;
    k->token = 0;
    const uint8_t *known = memo ? unika_mk_memo_get(memo, domain, v, n) : NULL;
    if (known) {
        memcpy(k->value, known, UNIKA_MATCHKEY_BYTES);
        return;
    }
    mk_hash(k->value, h->key, domain, v, n);
    if (memo) unika_mk_memo_put(memo, domain, v, n, k->value);
}

static int all_digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

static int put_ids(unika_matchkeys *out, const hasher *h, const unika_matchkey_input *in,
                   unika_error *err)
{
    if (in->personnummer) {
        const char *p = in->personnummer;
        if (strnlen(p, 13) != 12 || !all_digits(p, 12))
            return unika_fail_at(err, UNIKA_EPERSONNUMMER, "personnummer", 0,
                                 "personnummer: expected 12 digits (normalise it first)");
        int day = (p[6] - '0') * 10 + (p[7] - '0');
        if (day >= 1 && day <= 31) put(out, h, UNIKA_MK_PERSONNUMMER, p, 12);
        else if (day >= 61 && day <= 91) put(out, h, UNIKA_MK_SAMORDNINGSNUMMER, p, 12);
        else
            return unika_fail_at(err, UNIKA_EPERSONNUMMER, "personnummer", 7,
                                 "personnummer: day %02d is neither 01..31 nor 61..91", day);
    }
    if (in->dossier) {
        if (strnlen(in->dossier, 9) != 8 || !all_digits(in->dossier, 8))
            return unika_fail_at(err, UNIKA_EDOSSIER, "dossier", 0,
                                 "dossier: expected 8 digits (normalise it first)");
        put(out, h, UNIKA_MK_DOSSIER, in->dossier, 8);
    }
    return UNIKA_OK;
}

/* Length of the UTF-8 character led by c: a skeleton symbol is one ASCII
 * byte or one whole character (unika/name_loose.h). */
static size_t symbol_len(unsigned char c)
{
    return c < 0x80 ? 1 : c >= 0xF0 ? 4 : c >= 0xE0 ? 3 : 2;
}

/* TOKEN for the skeleton t[0..n), the word-th of the name; TOKEN_DELETE for
 * each one-symbol deletion of it when it has at least 3 symbols (so a
 * deletion keeps 2). Both carry the word's position in `token` until
 * canonical() turns it into the index of the word's TOKEN key. */
static void put_token(unika_matchkeys *out, const hasher *h, const char *t, size_t n,
                      uint8_t word)
{
    put(out, h, UNIKA_MK_TOKEN, t, n);
    out->keys[out->count - 1].token = word;
    size_t start[VALUE_MAX], k = 0;
    for (size_t i = 0; i < n; i += symbol_len((unsigned char)t[i])) start[k++] = i;
    if (k < 3) return;
    char del[VALUE_MAX];
    for (size_t s = 0; s < k; s++) {
        size_t len = (s + 1 < k ? start[s + 1] : n) - start[s];
        memcpy(del, t, start[s]);
        memcpy(del + start[s], t + start[s] + len, n - start[s] - len);
        put(out, h, UNIKA_MK_TOKEN_DELETE, del, n - len);
        out->keys[out->count - 1].token = word;
    }
    sodium_memzero(del, n);
}

static int put_name(unika_matchkeys *out, const hasher *h, const unika_matchkey_input *in,
                    unika_error *err)
{
    char buf[UNIKA_NAME_LOOSE_MAX_BYTES];
    size_t len = 0;
    int rc = unika_name_loose_key(buf, sizeof buf, &len, in->name, in->name_size, err);
    if (rc == UNIKA_OK) {
        put(out, h, UNIKA_MK_NAME, buf, len);
        rc = unika_name_loose_tokens(buf, sizeof buf, &len, in->name, in->name_size, err);
    }
    if (rc == UNIKA_OK) {
        /* The tokens come first in the types' order (TOKEN < TOKEN_DELETE),
         * so both are collected and sorted after. */
        size_t i = 0;
        uint8_t word = 0; /* < 128: words of a name under 256 bytes */
        while (i < len) {
            size_t j = i;
            while (j < len && buf[j] != ' ') j++;
            put_token(out, h, buf + i, j - i, word++);
            i = j + 1;
        }
    }
    sodium_memzero(buf, sizeof buf);
    return rc;
}

static void put_digits(char *dst, int v, int width)
{
    for (int i = width - 1; i >= 0; i--, v /= 10) dst[i] = (char)('0' + v % 10);
}

static void put_month_day(unika_matchkeys *out, const hasher *h, unsigned type, int month,
                          int day)
{
    char md[5];
    put_digits(md, month, 2);
    md[2] = '-';
    put_digits(md + 3, day, 2);
    put(out, h, type, md, sizeof md);
}

static int put_birth(unika_matchkeys *out, const hasher *h, const unika_date *b,
                     unika_error *err)
{
    if (b->year == 0) return UNIKA_OK; /* flags stay UNIKA_MK_PRECISION_NONE */
    if (!unika_date_valid(b))
        return unika_fail_at(err, UNIKA_EDATE, "birth_date", 0,
                             "birth_date: not a valid date in %d..%d", UNIKA_DATE_YEAR_MIN,
                             UNIKA_DATE_YEAR_MAX);
    unsigned precision = b->month == 0 ? UNIKA_MK_PRECISION_YEAR
                       : b->day == 0 ? UNIKA_MK_PRECISION_MONTH : UNIKA_MK_PRECISION_DAY;
    if (precision == UNIKA_MK_PRECISION_DAY && b->month == 1 && b->day == 1) {
        /* The Migration Agency's date for an unknown birthday: a year. */
        precision = UNIKA_MK_PRECISION_YEAR;
        out->flags |= UNIKA_MK_JAN1;
    }
    out->flags |= precision;
    char y[4];
    for (int shift = 0; shift <= 2; shift++) {
        put_digits(y, b->year + shift, 4);
        put(out, h, UNIKA_MK_BIRTH_YEAR + (unsigned)shift, y, sizeof y);
    }
    if (precision != UNIKA_MK_PRECISION_DAY) return UNIKA_OK;
    put_month_day(out, h, UNIKA_MK_BIRTH_MONTH_DAY, b->month, b->day);
    /* Read day-first as month-first: a valid date (day <= 12 is a month;
     * a month <= 12 is a day of every month) that differs. */
    if (b->day <= 12 && b->day != b->month)
        put_month_day(out, h, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED, b->day, b->month);
    return UNIKA_OK;
}

/* The bytes unika_normalize_name() writes: a-z, 0-9, UTF-8, single spaces
 * between words. */
static int normalised_text(const char *s, size_t n)
{
    if (n == 0 || n > VALUE_MAX || s[0] == ' ' || s[n - 1] == ' ') return 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if (c == ' ' ? s[i - 1] == ' ' : !(c >= 0x80 || (c >= 'a' && c <= 'z') ||
                                          (c >= '0' && c <= '9')))
            return 0;
    }
    return unika_utf8_valid(s, n) == 0;
}

static int key_cmp(const void *a, const void *b)
{
    const unika_matchkey *x = a, *y = b;
    if (x->type != y->type) return x->type < y->type ? -1 : 1;
    int c = memcmp(x->value, y->value, UNIKA_MATCHKEY_BYTES);
    return c ? c : (x->token > y->token) - (x->token < y->token);
}

/* Sorts a record's few keys by key_cmp(), by insertion: tens of keys,
 * derived mostly in order of type, and sorted again after a few tokens
 * change (qsort's merge sort took 9% of `unika matchkeys`). Equal keys are
 * the same bytes, so any correct order of them is this one. */
static void sort_keys(unika_matchkey *k, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        if (key_cmp(&k[i - 1], &k[i]) <= 0) continue;
        unika_matchkey x = k[i];
        size_t j = i;
        while (j > 0 && key_cmp(&k[j - 1], &x) > 0) {
            k[j] = k[j - 1];
            j--;
        }
        k[j] = x;
    }
}

/* Sorts by (type, value, token), with `token` turned from a word's position
 * into its TOKEN key's index (the first of equal words), and drops repeated
 * TOKEN_DELETE keys (two symbols of one word, or two equal words, can give
 * one deletion). TOKEN keys sort by value alone: their positions are read
 * out and cleared before the final sort. */
static void canonical(unika_matchkeys *out)
{
    sort_keys(out->keys, out->count);
    uint8_t index_of_word[128];
    size_t first = 0, tokens = 0;
    while (first < out->count && out->keys[first].type < UNIKA_MK_TOKEN) first++;
    for (size_t i = first; i < out->count && out->keys[i].type == UNIKA_MK_TOKEN; i++, tokens++) {
        size_t run = tokens; /* equal words share the index of the first */
        while (run > 0 && !memcmp(out->keys[first + run - 1].value, out->keys[i].value,
                                  UNIKA_MATCHKEY_BYTES))
            run--;
        index_of_word[out->keys[i].token & 127] = (uint8_t)run;
        out->keys[i].token = 0;
    }
    for (size_t i = first + tokens; i < out->count; i++)
        if (out->keys[i].type == UNIKA_MK_TOKEN_DELETE)
            out->keys[i].token = index_of_word[out->keys[i].token & 127];
    sort_keys(out->keys, out->count);
    size_t w = 0;
    for (size_t r = 0; r < out->count; r++) {
        if (w && out->keys[r].type == UNIKA_MK_TOKEN_DELETE &&
            key_cmp(&out->keys[r], &out->keys[w - 1]) == 0)
            continue;
        out->keys[w++] = out->keys[r];
    }
    out->count = w;
}

static int derive(unika_matchkeys *out, const hasher *h, const unika_matchkey_input *in,
                  unika_error *err)
{
    if (!in->name && !in->personnummer && !in->dossier)
        return unika_fail_at(err, UNIKA_EFIELD, "identity", 0,
                             "no identifying value: the record has no name, personnummer, "
                             "samordningsnummer or dossier number");
    int rc = put_ids(out, h, in, err);
    if (rc == UNIKA_OK && in->name) rc = put_name(out, h, in, err);
    if (rc == UNIKA_OK) rc = put_birth(out, h, &in->birth, err);
    if (rc == UNIKA_OK && in->country) {
        if (!normalised_text(in->country, in->country_size))
            return unika_fail_at(err, UNIKA_ENAME, "country", 0,
                                 "country: not a normalised text (apply "
                                 "unika_normalize_name() first)");
        put(out, h, UNIKA_MK_COUNTRY, in->country, in->country_size);
    }
    return rc;
}

int unika_matchkeys_derive_memo(unika_matchkeys *out, const unika_key *key,
                                const unika_matchkey_input *in, unika_matchkey_memo *memo,
                                unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "match keys: out is NULL");
    out->count = 0;
    out->flags = 0;
    out->gender = UNIKA_GENDER_UNKNOWN;
    if (!key || !in) return unika_fail(err, UNIKA_EINVAL, "match keys: NULL argument");
    if ((unsigned)in->gender > UNIKA_GENDER_OTHER)
        return unika_fail_at(err, UNIKA_EINVAL, "gender", 0, "gender: %d is not a unika_gender",
                             (int)in->gender);
    memcpy(out->key_fp, unika_key_fingerprint_bytes(key), UNIKA_FINGERPRINT_BYTES);
    out->gender = in->gender;
    if (memo) unika_mk_memo_bind(memo, out->key_fp);
    hasher h = {key, memo};
    int rc = derive(out, &h, in, err);
    if (rc < 0) {
        out->count = 0;
        out->flags = 0;
        return rc;
    }
    canonical(out);
    return UNIKA_OK;
}

int unika_matchkeys_derive(unika_matchkeys *out, const unika_key *key,
                           const unika_matchkey_input *in, unika_error *err)
{
    return unika_matchkeys_derive_memo(out, key, in, NULL, err);
}
