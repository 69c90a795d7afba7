/*
 * test_matchkey.c - match keys of one record: the hash against the spec,
 * which types a record gets and which it does not, what compares equal on
 * purpose (shifted years, swapped month-days, one-edit tokens) and what must
 * never (other domains, pseudonyms), refusals by name.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

static const uint8_t kat_key[32] = {
    0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a,
    0x0b, 0x0c, 0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15,
    0x16, 0x17, 0x18, 0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f};

static unika_key *key;

static void setup(void)
{
    ck_assert_int_eq(unika_key_from_bytes(&key, kat_key, NULL), 0);
}

static void teardown(void)
{
    unika_key_free(key);
    key = NULL;
}

/* A male record with a name and a birth date; one of 4 rotating buffers. */
static unika_matchkey_input *input(const char *name, int y, int m, int d)
{
    static unika_matchkey_input in[4];
    static int next;
    unika_matchkey_input *p = &in[next++ % 4];
    memset(p, 0, sizeof *p);
    p->name = name;
    p->name_size = name ? strlen(name) : 0;
    p->birth = (unika_date){y, m, d};
    p->gender = UNIKA_GENDER_MALE;
    return p;
}

static unika_matchkeys *derive(const unika_matchkey_input *in)
{
    static unika_matchkeys mk[4];
    static int next;
    unika_matchkeys *out = &mk[next++ % 4];
    unika_error e = {0};
    ck_assert_msg(unika_matchkeys_derive(out, key, in, &e) == 0, "%s", e.message);
    return out;
}

static size_t count_type(const unika_matchkeys *mk, unsigned type)
{
    size_t n = 0;
    for (size_t i = 0; i < mk->count; i++) n += mk->keys[i].type == type;
    return n;
}

/* Whether mk has a key of `type` equal to `value`. */
static int has_value(const unika_matchkeys *mk, unsigned type, const uint8_t *value)
{
    for (size_t i = 0; i < mk->count; i++)
        if (mk->keys[i].type == type && !memcmp(mk->keys[i].value, value, 16)) return 1;
    return 0;
}

static const uint8_t *first_of(const unika_matchkeys *mk, unsigned type)
{
    for (size_t i = 0; i < mk->count; i++)
        if (mk->keys[i].type == type) return mk->keys[i].value;
    ck_abort_msg("no key of type %u", type);
    return NULL;
}

static void hash(uint8_t out[16], unsigned type, const char *value)
{
    unika_error e = {0};
    ck_assert_msg(unika_matchkey_hash(out, key, type, value, strlen(value), &e) == 0, "%s",
                  e.message);
}

START_TEST(sizes_names_domains)
{
    ck_assert_uint_eq(unika_matchkey_bytes(), UNIKA_MATCHKEY_BYTES);
    ck_assert_uint_eq(unika_matchkeys_max(), UNIKA_MATCHKEYS_MAX);
    ck_assert_str_eq(unika_matchkey_type_name(UNIKA_MK_PERSONNUMMER), "personnummer");
    ck_assert_str_eq(unika_matchkey_type_name(UNIKA_MK_COUNTRY), "country");
    ck_assert_ptr_null(unika_matchkey_type_name(0));
    ck_assert_ptr_null(unika_matchkey_type_name(UNIKA_MK_TYPE_MAX + 1));
    ck_assert_uint_eq(unika_matchkey_type_domain(UNIKA_MK_TOKEN),
                      unika_matchkey_type_domain(UNIKA_MK_TOKEN_DELETE));
    ck_assert_uint_eq(unika_matchkey_type_domain(UNIKA_MK_BIRTH_YEAR),
                      unika_matchkey_type_domain(UNIKA_MK_BIRTH_YEAR_SHIFTED_2));
    ck_assert_uint_ne(unika_matchkey_type_domain(UNIKA_MK_PERSONNUMMER),
                      unika_matchkey_type_domain(UNIKA_MK_SAMORDNINGSNUMMER));
    ck_assert_uint_eq(unika_matchkey_type_domain(99), 0);
}
END_TEST

/* docs/keys.md and docs/matchkeys.md, rebuilt with libsodium alone. */
START_TEST(hash_follows_the_spec)
{
    uint8_t subkey[32], msg[64], want[16], got[16];
    /* The year domain is 6: crypto_kdf id 3 + 6 - 1 = 8. */
    ck_assert_int_eq(crypto_kdf_derive_from_key(subkey, 32, 8, "unika-v1", kat_key), 0);
    memcpy(msg, "unika-mk", 8);
    msg[8] = 1;
    msg[9] = 6;
    memcpy(msg + 10, "2002", 4);
    crypto_generichash(want, 16, msg, 14, subkey, 32);
    hash(got, UNIKA_MK_BIRTH_YEAR, "2002");
    ck_assert_mem_eq(got, want, 16);
    hash(got, UNIKA_MK_BIRTH_YEAR_SHIFTED_1, "2002");
    ck_assert_mem_eq(got, want, 16);
}
END_TEST

START_TEST(a_full_record)
{
    unika_matchkey_input in = *input("abdul rahman hosseini", 2004, 3, 14);
    in.personnummer = "200403142383";
    in.dossier = "58789885";
    in.country = "afghanistan";
    in.country_size = strlen(in.country);
    unika_matchkeys *mk = derive(&in);
    ck_assert_int_eq(mk->gender, UNIKA_GENDER_MALE);
    ck_assert_uint_eq(mk->flags, UNIKA_MK_PRECISION_DAY);
    ck_assert_mem_eq(mk->key_fp, unika_key_fingerprint_ptr(key), 16);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_PERSONNUMMER), 1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_SAMORDNINGSNUMMER), 0);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_DOSSIER), 1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_NAME), 1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_TOKEN), 3); /* bd hsn rhmn */
    /* bd: none; hsn: sn hn hs; rhmn: hmn rmn rhn rhm */
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_TOKEN_DELETE), 7);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_BIRTH_YEAR), 1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_BIRTH_YEAR_SHIFTED_1), 1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_BIRTH_YEAR_SHIFTED_2), 1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_BIRTH_MONTH_DAY), 1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED), 0); /* day 14 */
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_COUNTRY), 1);
    for (size_t i = 1; i < mk->count; i++) {
        int c = mk->keys[i - 1].type - mk->keys[i].type;
        if (!c) c = memcmp(mk->keys[i - 1].value, mk->keys[i].value, 16);
        ck_assert_int_lt(c, 0);
    }
    uint8_t v[16];
    hash(v, UNIKA_MK_TOKEN, "rhmn");
    ck_assert(has_value(mk, UNIKA_MK_TOKEN, v));
    hash(v, UNIKA_MK_TOKEN, "rhm");
    ck_assert(has_value(mk, UNIKA_MK_TOKEN_DELETE, v));
    hash(v, UNIKA_MK_BIRTH_MONTH_DAY, "03-14");
    ck_assert(has_value(mk, UNIKA_MK_BIRTH_MONTH_DAY, v));
    hash(v, UNIKA_MK_PERSONNUMMER, "200403142383");
    ck_assert(has_value(mk, UNIKA_MK_PERSONNUMMER, v));
}
END_TEST

START_TEST(samordningsnummer_is_its_own_type)
{
    unika_matchkey_input in = *input(NULL, 0, 0, 0);
    in.personnummer = "197010632391";
    unika_matchkeys *mk = derive(&in);
    ck_assert_uint_eq(mk->count, 1);
    ck_assert_uint_eq(mk->keys[0].type, UNIKA_MK_SAMORDNINGSNUMMER);
    ck_assert_uint_eq(mk->flags, UNIKA_MK_PRECISION_NONE);
    /* The same digits under the personnummer domain differ. */
    uint8_t v[16];
    hash(v, UNIKA_MK_PERSONNUMMER, "197010632391");
    ck_assert_mem_ne(v, mk->keys[0].value, 16);
}
END_TEST

START_TEST(january_first_is_a_year)
{
    unika_matchkeys *mk = derive(&(unika_matchkey_input){.name = "hosein amiri",
                                                          .name_size = 12,
                                                          .birth = {2005, 1, 1}});
    ck_assert_uint_eq(mk->flags, UNIKA_MK_PRECISION_YEAR | UNIKA_MK_JAN1);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_BIRTH_MONTH_DAY), 0);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_BIRTH_YEAR), 1);
    ck_assert_uint_eq(mk->gender, UNIKA_GENDER_UNKNOWN);
    /* A bare year and a year-month give the same year keys. */
    unika_matchkeys *y = derive(&(unika_matchkey_input){.name = "hosein amiri",
                                                         .name_size = 12, .birth = {2005, 0, 0}});
    unika_matchkeys *ym = derive(&(unika_matchkey_input){.name = "hosein amiri",
                                                          .name_size = 12, .birth = {2005, 7, 0}});
    ck_assert_uint_eq(y->flags, UNIKA_MK_PRECISION_YEAR);
    ck_assert_uint_eq(ym->flags, UNIKA_MK_PRECISION_MONTH);
    ck_assert_uint_eq(y->count, mk->count);
    ck_assert_mem_eq(y->keys, mk->keys, mk->count * sizeof mk->keys[0]);
    ck_assert_mem_eq(ym->keys, mk->keys, mk->count * sizeof mk->keys[0]);
    /* 2 January is a day. */
    unika_matchkeys *d = derive(&(unika_matchkey_input){.name = "hosein amiri",
                                                         .name_size = 12, .birth = {2005, 1, 2}});
    ck_assert_uint_eq(d->flags, UNIKA_MK_PRECISION_DAY);
    ck_assert_uint_eq(count_type(d, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED), 1);
}
END_TEST

/* A year revised by one or two: the shifted keys of the younger record
 * are the year key of the older one, by equality. */
START_TEST(shifted_years_meet)
{
    unika_matchkeys *a = derive(&(unika_matchkey_input){.name = "x", .name_size = 1,
                                                         .birth = {2002, 0, 0}});
    unika_matchkeys *b = derive(&(unika_matchkey_input){.name = "x", .name_size = 1,
                                                         .birth = {2003, 0, 0}});
    unika_matchkeys *c = derive(&(unika_matchkey_input){.name = "x", .name_size = 1,
                                                         .birth = {2004, 5, 6}});
    const uint8_t *y2003 = first_of(b, UNIKA_MK_BIRTH_YEAR);
    const uint8_t *y2004 = first_of(c, UNIKA_MK_BIRTH_YEAR);
    ck_assert_mem_eq(first_of(a, UNIKA_MK_BIRTH_YEAR_SHIFTED_1), y2003, 16);
    ck_assert_mem_eq(first_of(a, UNIKA_MK_BIRTH_YEAR_SHIFTED_2), y2004, 16);
    ck_assert_mem_eq(first_of(b, UNIKA_MK_BIRTH_YEAR_SHIFTED_1), y2004, 16);
    ck_assert_mem_ne(first_of(a, UNIKA_MK_BIRTH_YEAR), y2003, 16);
}
END_TEST

START_TEST(swapped_month_day_meets)
{
    unika_matchkeys *a = derive(&(unika_matchkey_input){.name = "x", .name_size = 1,
                                                         .birth = {2001, 3, 4}});
    unika_matchkeys *b = derive(&(unika_matchkey_input){.name = "x", .name_size = 1,
                                                         .birth = {2001, 4, 3}});
    ck_assert_mem_eq(first_of(a, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED),
                     first_of(b, UNIKA_MK_BIRTH_MONTH_DAY), 16);
    ck_assert_mem_eq(first_of(b, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED),
                     first_of(a, UNIKA_MK_BIRTH_MONTH_DAY), 16);
    /* Same day and month, or a day above 12: nothing to swap. */
    unika_matchkeys *c = derive(&(unika_matchkey_input){.name = "x", .name_size = 1,
                                                         .birth = {2001, 5, 5}});
    unika_matchkeys *d = derive(&(unika_matchkey_input){.name = "x", .name_size = 1,
                                                         .birth = {2001, 5, 13}});
    ck_assert_uint_eq(count_type(c, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED), 0);
    ck_assert_uint_eq(count_type(d, UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED), 0);
}
END_TEST

/* One-edit typos in a word: a substitution shares a deletion, an inserted
 * or dropped letter makes one record's TOKEN the other's TOKEN_DELETE. */
START_TEST(one_edit_tokens_meet)
{
    unika_matchkeys *a = derive(input("ghulam mohammad", 0, 0, 0));
    unika_matchkeys *sub = derive(input("ghulam mohannad", 0, 0, 0)); /* mhmd -> mhnd */
    unika_matchkeys *ins = derive(input("ghulam mohammadr", 0, 0, 0)); /* mhmd -> mhmdr */
    uint8_t v[16];
    hash(v, UNIKA_MK_TOKEN_DELETE, "mhd");
    ck_assert(has_value(a, UNIKA_MK_TOKEN_DELETE, v));
    ck_assert(has_value(sub, UNIKA_MK_TOKEN_DELETE, v));
    hash(v, UNIKA_MK_TOKEN, "mhmd");
    ck_assert(has_value(a, UNIKA_MK_TOKEN, v));
    ck_assert(has_value(ins, UNIKA_MK_TOKEN_DELETE, v));
    /* Two-symbol tokens have no deletions; repeated tokens are kept. */
    unika_matchkeys *r = derive(input("ali ali", 0, 0, 0));
    ck_assert_uint_eq(count_type(r, UNIKA_MK_TOKEN), 2);
    ck_assert_uint_eq(count_type(r, UNIKA_MK_TOKEN_DELETE), 0);
    ck_assert_mem_eq(r->keys[1].value, r->keys[2].value, 16);
    /* Deletions are a set: "mmd"-like repeats give one key. */
    unika_matchkeys *s = derive(input("hsnn hsnn", 0, 0, 0));
    ck_assert_uint_eq(count_type(s, UNIKA_MK_TOKEN), 2);
    ck_assert_uint_eq(count_type(s, UNIKA_MK_TOKEN_DELETE), 3); /* sn hn hs */
}
END_TEST

/* Each deletion names its word: the index of the first TOKEN key with the
 * word's value; a deletion of two different words is two keys. */
START_TEST(deletions_name_their_word)
{
    unika_matchkeys *m = derive(input("hasan hasan hasib", 0, 0, 0)); /* hsn hsn hsb */
    uint8_t hsn[16], hsb[16], hs[16];
    hash(hsn, UNIKA_MK_TOKEN, "hsn");
    hash(hsb, UNIKA_MK_TOKEN, "hsb");
    hash(hs, UNIKA_MK_TOKEN_DELETE, "hs");
    size_t first = 0;
    while (m->keys[first].type != UNIKA_MK_TOKEN) first++;
    ck_assert_uint_eq(count_type(m, UNIKA_MK_TOKEN), 3);
    ck_assert_uint_eq(count_type(m, UNIKA_MK_TOKEN_DELETE), 6); /* sn hn hs, sb hb hs */
    size_t shared = 0;
    for (size_t i = 0; i < m->count; i++) {
        const unika_matchkey *k = &m->keys[i];
        if (k->type != UNIKA_MK_TOKEN_DELETE) {
            ck_assert_uint_eq(k->token, 0);
            continue;
        }
        const unika_matchkey *word = &m->keys[first + k->token];
        ck_assert_uint_eq(word->type, UNIKA_MK_TOKEN);
        /* the first of equal words: never the second hsn */
        ck_assert(k->token == 0 || memcmp(word[-1].value, word->value, 16));
        shared += !memcmp(k->value, hs, 16);
        if (i > 0 && m->keys[i - 1].type == UNIKA_MK_TOKEN_DELETE)
            ck_assert(memcmp(m->keys[i - 1].value, k->value, 16) < 0 ||
                      (!memcmp(m->keys[i - 1].value, k->value, 16) &&
                       m->keys[i - 1].token < k->token));
    }
    ck_assert_uint_eq(shared, 2);
    /* "hn" is a deletion of hsn only, whatever the order of the words. */
    unika_matchkeys *o = derive(input("hasib hasan hasan", 0, 0, 0));
    ck_assert_uint_eq(o->count, m->count);
    ck_assert_mem_eq(o->keys, m->keys, m->count * sizeof m->keys[0]);
}
END_TEST

/* A non-Latin symbol is deleted whole, never a byte of it. */
START_TEST(non_latin_symbols)
{
    unika_matchkeys *a = derive(input("\xd8\xb1\xd8\xb6\xd8\xa7", 0, 0, 0)); /* رضا */
    ck_assert_uint_eq(count_type(a, UNIKA_MK_TOKEN), 1);
    ck_assert_uint_eq(count_type(a, UNIKA_MK_TOKEN_DELETE), 3);
    uint8_t v[16];
    hash(v, UNIKA_MK_TOKEN_DELETE, "\xd8\xb1\xd8\xb6");
    ck_assert(has_value(a, UNIKA_MK_TOKEN_DELETE, v));
}
END_TEST

/* Every type's key of one value differs from every other domain's, and
 * none equals a pseudonym (or its first 16 bytes) of the same value. */
START_TEST(domains_are_separate)
{
    static const char *const values[] = {"2002", "03-14", "mhmd", "198112189876", "58789885",
                                         "afghanistan"};
    unika_recipe *recipe = NULL;
    ck_assert_int_eq(unika_recipe_parse(&recipe, "name", 4, NULL), 0);
    for (size_t v = 0; v < sizeof values / sizeof *values; v++) {
        uint8_t k[UNIKA_MK_TYPE_MAX + 1][16], p[32];
        for (unsigned t = 1; t <= UNIKA_MK_TYPE_MAX; t++) hash(k[t], t, values[v]);
        for (unsigned t = 1; t <= UNIKA_MK_TYPE_MAX; t++)
            for (unsigned u = t + 1; u <= UNIKA_MK_TYPE_MAX; u++) {
                int same_domain = unika_matchkey_type_domain(t) == unika_matchkey_type_domain(u);
                ck_assert_int_eq(memcmp(k[t], k[u], 16) == 0, same_domain);
            }
        size_t n = strlen(values[v]);
        const char *vals[1] = {values[v]};
        ck_assert_int_eq(unika_pseudonym_from_fields(p, key, recipe, vals, &n, 1, NULL), 0);
        for (unsigned t = 1; t <= UNIKA_MK_TYPE_MAX; t++) {
            ck_assert_mem_ne(k[t], p, 16);
            ck_assert_mem_ne(k[t], p + 16, 16);
        }
    }
    unika_recipe_free(recipe);
    /* Another key: other values. */
    uint8_t other_key[32], a[16], b[16];
    memset(other_key, 7, sizeof other_key);
    unika_key *k2 = NULL;
    ck_assert_int_eq(unika_key_from_bytes(&k2, other_key, NULL), 0);
    hash(a, UNIKA_MK_NAME, "dhhmmns");
    ck_assert_int_eq(unika_matchkey_hash(b, k2, UNIKA_MK_NAME, "dhhmmns", 7, NULL), 0);
    ck_assert_mem_ne(a, b, 16);
    unika_key_free(k2);
}
END_TEST

static int derive_fails(const unika_matchkey_input *in, int code, const char *field)
{
    unika_matchkeys mk;
    unika_error e = {0};
    int rc = unika_matchkeys_derive(&mk, key, in, &e);
    ck_assert_msg(rc == code, "expected %s, got %s (%s)", unika_err_name(code),
                  unika_err_name(rc), e.message);
    ck_assert_str_eq(e.field, field);
    ck_assert_uint_eq(mk.count, 0);
    return rc;
}

START_TEST(refusals_by_name)
{
    derive_fails(&(unika_matchkey_input){.birth = {2001, 2, 3}, .country = "x",
                                         .country_size = 1},
                 UNIKA_EFIELD, "identity");
    derive_fails(&(unika_matchkey_input){.personnummer = "20040314238"}, UNIKA_EPERSONNUMMER,
                 "personnummer");
    derive_fails(&(unika_matchkey_input){.personnummer = "200403452385"}, UNIKA_EPERSONNUMMER,
                 "personnummer");
    derive_fails(&(unika_matchkey_input){.dossier = "5878988a"}, UNIKA_EDOSSIER, "dossier");
    derive_fails(input("Hosein Amiri", 0, 0, 0), UNIKA_ENAME, "name");
    derive_fails(input("hosein", 2001, 2, 30), UNIKA_EDATE, "birth_date");
    derive_fails(input("hosein", 1700, 0, 0), UNIKA_EDATE, "birth_date");
    unika_matchkey_input in = *input("hosein", 0, 0, 0);
    in.country = "Afghanistan";
    in.country_size = strlen(in.country);
    derive_fails(&in, UNIKA_ENAME, "country");
    in = *input("hosein", 0, 0, 0);
    in.gender = (unika_gender)9;
    derive_fails(&in, UNIKA_EINVAL, "gender");
    unika_matchkeys mk;
    ck_assert_int_eq(unika_matchkeys_derive(&mk, NULL, &in, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_matchkeys_derive(NULL, key, &in, NULL), UNIKA_EINVAL);
    uint8_t v[16];
    ck_assert_int_eq(unika_matchkey_hash(v, key, 0, "x", 1, NULL), UNIKA_EINVAL);
    ck_assert_int_eq(unika_matchkey_hash(v, key, 1, "x", 0, NULL), UNIKA_EEMPTY);
    char long_value[300];
    memset(long_value, 'a', sizeof long_value);
    ck_assert_int_eq(unika_matchkey_hash(v, key, 1, long_value, 256, NULL), UNIKA_ETOOLONG);
}
END_TEST

/* The longest normalised name: every key fits. */
START_TEST(longest_name_fits)
{
    char name[256];
    size_t n = 0;
    while (n + 4 < 255) {
        memcpy(name + n, n ? " bkd" : "bkd", n ? 4 : 3);
        n += n ? 4 : 3;
    }
    name[n] = '\0';
    unika_matchkey_input in = *input(name, 2001, 2, 3);
    in.personnummer = "200103022380";
    unika_matchkeys *mk = derive(&in);
    ck_assert_uint_le(mk->count, UNIKA_MATCHKEYS_MAX);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_TOKEN), (n + 1) / 4);
    ck_assert_uint_eq(count_type(mk, UNIKA_MK_TOKEN_DELETE), 3);
}
END_TEST

/* ---- the memo ------------------------------------------------------------------- */

static int same_keys(const unika_matchkeys *a, const unika_matchkeys *b)
{
    return a->count == b->count && a->flags == b->flags && a->gender == b->gender &&
           !memcmp(a->keys, b->keys, a->count * sizeof a->keys[0]);
}

/* Records whose values recur across people: names made of a few words
 * (tokens and deletions repeat), years, month-days, a country, an
 * identifier; one word longer than the memo keeps. */
static void memo_record(unika_matchkey_input *in, char *name, size_t i)
{
    static const char *const words[] = {"mohammad", "ali", "hassan", "ahmad", "yusuf",
                                        "abdi", "tesfaye", "hagos"};
    int n = sprintf(name, "%s %s", words[i % 8], words[(i / 8) % 8]);
    if (i % 5 == 0) sprintf(name + n, " %s", words[(i / 3) % 8]);
    if (i == 7) strcpy(name, "abdirahmanmohammadhassanabdullahiyusufahmadwarsame"
                            "abdirahmanmohammadhassanabdullahiyusufahmadwarsame ali");
    *in = *input(name, 1995 + (int)(i % 11), i % 3 ? (int)(i % 12) + 1 : 0,
                 i % 3 ? (int)(i % 28) + 1 : 0);
    in->country = i % 2 ? "afghanistan" : "somalia";
    in->country_size = strlen(in->country);
    if (i % 4 == 0) in->dossier = i % 8 ? "12345678" : "87654321";
}

static void derive_memo(unika_matchkeys *out, const unika_key *k, const unika_matchkey_input *in,
                        unika_matchkey_memo *memo)
{
    unika_error e = {0};
    ck_assert_msg(unika_matchkeys_derive_memo(out, k, in, memo, &e) == 0, "%s", e.message);
}

/* Keys through a memo, filling or full of the same values, are the keys
 * without it; under another key the memo forgets and gives that key's. */
START_TEST(memo_gives_the_same_keys)
{
    unika_matchkey_memo *memo = unika_matchkey_memo_new();
    ck_assert_ptr_nonnull(memo);
    unika_key *other = NULL;
    uint8_t other_bytes[32];
    memcpy(other_bytes, kat_key, 32);
    other_bytes[0] ^= 1;
    ck_assert_int_eq(unika_key_from_bytes(&other, other_bytes, NULL), 0);
    const unika_key *keys[3] = {key, key, other};
    static unika_matchkeys plain, with;
    char name[128];
    unika_matchkey_input in;
    for (int pass = 0; pass < 3; pass++) {
        for (size_t i = 0; i < 200; i++) {
            memo_record(&in, name, i);
            unika_error e = {0};
            ck_assert_int_eq(unika_matchkeys_derive(&plain, keys[pass], &in, &e), 0);
            derive_memo(&with, keys[pass], &in, memo);
            ck_assert_msg(same_keys(&plain, &with), "pass %d, record %zu", pass, i);
        }
        /* A refused record leaves the memo as good as it was. */
        in.birth = (unika_date){2001, 2, 30};
        unika_error e = {0};
        ck_assert_int_eq(unika_matchkeys_derive_memo(&with, keys[pass], &in, memo, &e),
                         UNIKA_EDATE);
    }
    unika_matchkey_memo_free(memo);
    unika_matchkey_memo_free(NULL);
    unika_key_free(other);
}
END_TEST

/* ---- from a record's values ---------------------------------------------------- */

#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

static void values_of(unika_values *v, const char *const *cells)
{
    static unika_record rec;
    memset(&rec, 0, sizeof rec);
    for (size_t i = 0; cells[i]; i += 2) {
        int c = 0;
        while (c < UNIKA_COLUMN_COUNT && strcmp(unika_column_name((unika_column)c), cells[i])) c++;
        ck_assert_int_lt(c, UNIKA_COLUMN_COUNT);
        ck_assert_int_eq(unika_record_set(&rec, (unika_column)c, cells[i + 1],
                                          strlen(cells[i + 1])), 0);
    }
    memset(v, 0, sizeof *v);
    unika_error e = {0};
    ck_assert_msg(unika_values_from_record(v, &rec, UNIKA_MATCHKEY_COLUMNS | BIT(DATE), NULL,
                                           &e) == 0, "%s", e.message);
}

/* Raw cells give the keys of their normalised values. */
START_TEST(from_values_normalises)
{
    static const char *const cells[] = {
        "visit_date", "2017-09-09", "given_name", "Hosein", "surname", "AMIRI",
        "birth_date", "2005-03-14", "gender", "pojke", "country", " Afghanistan",
        "personnummer", "050314-2382", "dossier", "58-789885/1", NULL};
    unika_values v;
    values_of(&v, cells);
    static unika_matchkeys got;
    unika_error e = {0};
    ck_assert_msg(unika_matchkeys_from_values(&got, key, &v, 0, NULL, &e) == 0, "%s", e.message);
    unika_matchkey_input in = *input("amiri hosein", 2005, 3, 14);
    in.country = "afghanistan";
    in.country_size = 11;
    in.personnummer = "200503142382";
    in.dossier = "58789885";
    ck_assert(same_keys(&got, derive(&in)));
    /* Skipped values are left out, the rest kept. */
    ck_assert_int_eq(unika_matchkeys_from_values(&got, key, &v, BIT(PERSONNUMMER) | BIT(COUNTRY),
                                                 NULL, &e), 0);
    in.personnummer = NULL;
    in.country = NULL;
    ck_assert(same_keys(&got, derive(&in)));
}
END_TEST

START_TEST(from_values_names_the_failed_value)
{
    static const char *const bad_pnr[] = {"visit_date", "2017-09-09", "name", "Hosein Amiri",
                                          "personnummer", "050314-2383", NULL};
    unika_values v;
    values_of(&v, bad_pnr);
    static unika_matchkeys got;
    unika_error e = {0};
    unika_column failed = UNIKA_COLUMN_COUNT;
    ck_assert_int_eq(unika_matchkeys_from_values(&got, key, &v, 0, &failed, &e),
                     UNIKA_ECHECKDIGIT);
    ck_assert_int_eq(failed, UNIKA_COLUMN_PERSONNUMMER);
    ck_assert_str_eq(e.field, "personnummer");
    ck_assert_uint_eq(got.count, 0);
    /* Dropping it keeps the name. */
    ck_assert_int_eq(unika_matchkeys_from_values(&got, key, &v, BIT(PERSONNUMMER), &failed, &e),
                     0);
    ck_assert_uint_eq(count_type(&got, UNIKA_MK_NAME), 1);
    /* A bare year and an empty gender; no identity at all is refused. */
    static const char *const year_only[] = {"name", "Sakina Sultani", "birth_year", "2000",
                                            "gender", "", NULL};
    values_of(&v, year_only);
    ck_assert_int_eq(unika_matchkeys_from_values(&got, key, &v, 0, NULL, &e), 0);
    ck_assert_uint_eq(got.flags, UNIKA_MK_PRECISION_YEAR);
    ck_assert_int_eq(got.gender, UNIKA_GENDER_UNKNOWN);
    ck_assert_int_eq(unika_matchkeys_from_values(&got, key, &v, BIT(NAME), &failed, &e),
                     UNIKA_EFIELD);
    static const char *const no_name[] = {"name", "", "birth_date", "2001-02-03", NULL};
    values_of(&v, no_name);
    ck_assert_int_eq(unika_matchkeys_from_values(&got, key, &v, 0, NULL, &e), UNIKA_EFIELD);
    ck_assert_int_eq(unika_matchkeys_from_values(&got, NULL, &v, 0, NULL, &e), UNIKA_EINVAL);
}
END_TEST

/* A raw record (no CSV): the same keys as its values; a bad value is an
 * error naming its column; a 10-digit number takes its century from the
 * reference date. */
START_TEST(from_record)
{
    unika_record rec;
    memset(&rec, 0, sizeof rec);
    ck_assert_int_eq(unika_record_set(&rec, UNIKA_COLUMN_NAME, "Hosein Amiri", 12), 0);
    ck_assert_int_eq(unika_record_set(&rec, UNIKA_COLUMN_BIRTH_YEAR, "2005", 4), 0);
    ck_assert_int_eq(unika_record_set(&rec, UNIKA_COLUMN_PERSONNUMMER, "0503142382", 10), 0);
    rec.reference = (unika_date){2017, 9, 9};
    static unika_matchkeys got;
    unika_error e = {0};
    ck_assert_msg(unika_matchkeys_from_record(&got, key, &rec, &e) == 0, "%s", e.message);
    unika_matchkey_input in = *input("amiri hosein", 2005, 0, 0);
    in.gender = UNIKA_GENDER_UNKNOWN;
    in.personnummer = "200503142382";
    ck_assert(same_keys(&got, derive(&in)));
    ck_assert_int_eq(unika_record_set(&rec, UNIKA_COLUMN_BIRTH_YEAR, "20x5", 4), 0);
    ck_assert_int_eq(unika_matchkeys_from_record(&got, key, &rec, &e), UNIKA_EDATE);
    ck_assert_str_eq(e.field, "birth_year");
    ck_assert_uint_eq(got.count, 0);
    ck_assert_uint_eq(unika_matchkeys_size(), sizeof(unika_matchkeys));
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("matchkey");
    TCase *tc = tcase_create("derive");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, sizes_names_domains);
    tcase_add_test(tc, hash_follows_the_spec);
    tcase_add_test(tc, a_full_record);
    tcase_add_test(tc, samordningsnummer_is_its_own_type);
    tcase_add_test(tc, january_first_is_a_year);
    tcase_add_test(tc, shifted_years_meet);
    tcase_add_test(tc, swapped_month_day_meets);
    tcase_add_test(tc, one_edit_tokens_meet);
    tcase_add_test(tc, deletions_name_their_word);
    tcase_add_test(tc, non_latin_symbols);
    tcase_add_test(tc, domains_are_separate);
    tcase_add_test(tc, refusals_by_name);
    tcase_add_test(tc, longest_name_fits);
    tcase_add_test(tc, memo_gives_the_same_keys);
    tcase_add_test(tc, from_values_normalises);
    tcase_add_test(tc, from_values_names_the_failed_value);
    tcase_add_test(tc, from_record);
    suite_add_tcase(s, tc);
    return s;
}
