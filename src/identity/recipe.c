/*
 * recipe.c - recipes: ordered lists of normalised fields that make an identity.
 *
 * A recipe is defined by its canonical text, "unika-recipe-v1:" followed by
 * its field names joined by ','. Everything else follows from that text:
 * the fingerprint is an unkeyed BLAKE2b-128 of it (personalisation
 * "unika-recipe-v1"), so any auditor can recompute which recipe a sketch
 * claims without holding the key; the name is the matching named recipe, or
 * the fields joined by '+'. Recipes are immutable once made, hence safe to
 * share between threads.
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "unika/recipe.h"

#define CANONICAL_PREFIX "unika-recipe-v"
#define CANONICAL_VERSION "1"
#define RECIPE_PERSONAL "unika-recipe-v1" /* 15 chars + NUL = 16 bytes */

_Static_assert(sizeof RECIPE_PERSONAL == crypto_generichash_blake2b_PERSONALBYTES,
               "personalisation is 16 bytes");

/* Index = pinned field number. */
static const char *const field_names[UNIKA_FIELD_MAX + 1] = {
    [UNIKA_FIELD_NAME] = "name",
    [UNIKA_FIELD_NAME_LOOSE] = "name_loose",
    [UNIKA_FIELD_BIRTH_DATE] = "birth_date",
    [UNIKA_FIELD_BIRTH_YEAR] = "birth_year",
    [UNIKA_FIELD_BIRTH_MONTH] = "birth_month",
    [UNIKA_FIELD_GENDER] = "gender",
    [UNIKA_FIELD_COUNTRY] = "country",
    [UNIKA_FIELD_PERSONNUMMER] = "personnummer",
    [UNIKA_FIELD_DOSSIER] = "dossier",
    [UNIKA_FIELD_DIGITS] = "digits",
};

static const struct named_recipe {
    const char *name;
    unika_field fields[UNIKA_RECIPE_MAX_FIELDS];
    size_t n;
} named_recipes[] = {
    {"strict", {UNIKA_FIELD_NAME, UNIKA_FIELD_BIRTH_YEAR, UNIKA_FIELD_GENDER}, 3},
    {"loose", {UNIKA_FIELD_NAME_LOOSE, UNIKA_FIELD_BIRTH_YEAR, UNIKA_FIELD_GENDER}, 3},
    {"dob", {UNIKA_FIELD_NAME, UNIKA_FIELD_BIRTH_DATE, UNIKA_FIELD_GENDER}, 3},
    {"pnr", {UNIKA_FIELD_PERSONNUMMER}, 1},
    {"dossier", {UNIKA_FIELD_DOSSIER}, 1},
};

/* Longest canonical text: prefix + MAX_FIELDS names of <= 12 chars + commas. */
#define CANONICAL_MAX (sizeof CANONICAL_PREFIX + 1 + UNIKA_RECIPE_MAX_FIELDS * 13)

struct unika_recipe {
    size_t n;
    unika_field fields[UNIKA_RECIPE_MAX_FIELDS];
    char canonical[CANONICAL_MAX + 1];
    char name[CANONICAL_MAX + 1];
    uint8_t fingerprint[UNIKA_FINGERPRINT_BYTES];
};

size_t unika_recipe_max_fields(void) { return UNIKA_RECIPE_MAX_FIELDS; }
const char *unika_recipe_default_name(void) { return UNIKA_RECIPE_DEFAULT; }

const char *unika_field_name(unika_field field)
{
    if ((int)field < 1 || (int)field > UNIKA_FIELD_MAX) return NULL;
    return field_names[field];
}

static int field_lookup(unika_field *out, const char *s, size_t n)
{
    for (int f = 1; f <= UNIKA_FIELD_MAX; f++) {
        if (strlen(field_names[f]) == n && memcmp(field_names[f], s, n) == 0) {
            *out = (unika_field)f;
            return 0;
        }
    }
    return -1;
}

int unika_field_from_name(unika_field *out, const char *src, size_t src_size,
                          unika_error *err)
{
    if (!out || !src) return unika_fail(err, UNIKA_EINVAL, "field name: NULL argument");
    if (field_lookup(out, src, src_size) != 0)
        return unika_fail_at(err, UNIKA_EFIELD, "recipe", 1, "unknown field name");
    return UNIKA_OK;
}

/* Every recipe is made here: checks the fields, writes the texts, hashes. */
static int recipe_make(unika_recipe **out, const unika_field *fields, size_t n,
                       unika_error *err)
{
    if (n == 0) return unika_fail_at(err, UNIKA_ERECIPE, "recipe", 0, "recipe has no fields");
    if (n > UNIKA_RECIPE_MAX_FIELDS)
        return unika_fail_at(err, UNIKA_ERECIPE, "recipe", 0,
                             "recipe: expected at most %d fields, got %zu",
                             UNIKA_RECIPE_MAX_FIELDS, n);
    for (size_t i = 0; i < n; i++) {
        if (!unika_field_name(fields[i]))
            return unika_fail_at(err, UNIKA_EFIELD, "recipe", 0,
                                 "recipe field %zu: unknown field number %d", i + 1,
                                 (int)fields[i]);
        for (size_t j = 0; j < i; j++)
            if (fields[j] == fields[i])
                return unika_fail_at(err, UNIKA_ERECIPE, "recipe", 0,
                                     "recipe: field %s appears twice",
                                     field_names[fields[i]]);
    }
    unika_recipe *r = unika_calloc(1, sizeof *r);
    if (!r) return unika_fail(err, UNIKA_ENOMEM, "out of memory");
    r->n = n;
    memcpy(r->fields, fields, n * sizeof *fields);

    size_t pos = 0, npos = 0;
    pos += (size_t)snprintf(r->canonical, sizeof r->canonical, "%s:",
                            CANONICAL_PREFIX CANONICAL_VERSION);
    for (size_t i = 0; i < n; i++) {
        const char *fname = field_names[fields[i]];
        pos += (size_t)snprintf(r->canonical + pos, sizeof r->canonical - pos, "%s%s",
                                i ? "," : "", fname);
        npos += (size_t)snprintf(r->name + npos, sizeof r->name - npos, "%s%s",
                                 i ? "+" : "", fname);
    }
    for (size_t k = 0; k < UNIKA_ARRAY_LEN(named_recipes); k++) {
        const struct named_recipe *nr = &named_recipes[k];
        if (nr->n == n && memcmp(nr->fields, fields, n * sizeof *fields) == 0) {
            snprintf(r->name, sizeof r->name, "%s", nr->name);
            break;
        }
    }
    crypto_generichash_blake2b_salt_personal(r->fingerprint, sizeof r->fingerprint,
                                             (const unsigned char *)r->canonical, pos,
                                             NULL, 0, NULL,
                                             (const unsigned char *)RECIPE_PERSONAL);
    *out = r;
    return UNIKA_OK;
}

int unika_recipe_from_fields(unika_recipe **out, const unika_field *fields, size_t n,
                             unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "recipe: out is NULL");
    *out = NULL;
    if (!fields && n) return unika_fail(err, UNIKA_EINVAL, "recipe: fields is NULL");
    return recipe_make(out, fields, n, err);
}

static int is_space(char c) { return c == ' ' || c == '\t'; }

static int ascii_ieq(const char *a, size_t an, const char *b)
{
    size_t bn = strlen(b);
    if (an != bn) return 0;
    for (size_t i = 0; i < an; i++) {
        char c = a[i];
        if (c >= 'A' && c <= 'Z') c = (char)(c + 32);
        if (c != b[i]) return 0;
    }
    return 1;
}

int unika_recipe_parse(unika_recipe **out, const char *src, size_t src_size,
                       unika_error *err)
{
    if (!out) return unika_fail(err, UNIKA_EINVAL, "recipe: out is NULL");
    *out = NULL;
    if (!src) return unika_fail(err, UNIKA_EINVAL, "recipe: text is NULL");
    if (src_size == SIZE_MAX) src_size = strnlen(src, UNIKA_RECIPE_TEXT_MAX + 1);
    if (src_size > UNIKA_RECIPE_TEXT_MAX)
        return unika_fail_at(err, UNIKA_ERECIPE, "recipe", 0,
                             "recipe text: expected at most %d bytes", UNIKA_RECIPE_TEXT_MAX);
    if (memchr(src, '\0', src_size))
        return unika_fail_at(err, UNIKA_ERECIPE, "recipe", 0, "recipe text contains a NUL byte");

    /* Trim the whole text. */
    size_t b = 0, e = src_size;
    while (b < e && is_space(src[b])) b++;
    while (e > b && is_space(src[e - 1])) e--;
    if (b == e) return unika_fail_at(err, UNIKA_ERECIPE, "recipe", 0, "recipe text is empty");

    for (size_t k = 0; k < UNIKA_ARRAY_LEN(named_recipes); k++)
        if (ascii_ieq(src + b, e - b, named_recipes[k].name))
            return recipe_make(out, named_recipes[k].fields, named_recipes[k].n, err);

    /* The canonical form, checked for its version. */
    size_t plen = sizeof CANONICAL_PREFIX - 1;
    int canonical = 0;
    if (e - b > plen && memcmp(src + b, CANONICAL_PREFIX, plen) == 0) {
        const char *colon = memchr(src + b, ':', e - b);
        if (!colon || (size_t)(colon - (src + b)) != plen + 1 ||
            src[b + plen] != CANONICAL_VERSION[0])
            return unika_fail_at(err, UNIKA_ERECIPE, "recipe", plen + 1,
                                 "recipe: expected canonical version %s",
                                 CANONICAL_VERSION);
        b = (size_t)(colon - src) + 1;
        canonical = 1;
    }

    unika_field fields[UNIKA_RECIPE_MAX_FIELDS];
    size_t n = 0;
    size_t i = b;
    for (;;) {
        size_t t = i;
        while (t < e && src[t] != '+' && src[t] != ',') t++;
        size_t tb = i, te = t;
        while (tb < te && is_space(src[tb])) tb++;
        while (te > tb && is_space(src[te - 1])) te--;
        if (tb == te)
            return unika_fail_at(err, UNIKA_ERECIPE, "recipe", tb + 1,
                                 "recipe: empty field name at character %zu", tb + 1);
        if (canonical && (tb != i || te != t))
            return unika_fail_at(err, UNIKA_ERECIPE, "recipe", tb + 1,
                                 "recipe: the canonical form has no spaces");
        if (n == UNIKA_RECIPE_MAX_FIELDS)
            return unika_fail_at(err, UNIKA_ERECIPE, "recipe", tb + 1,
                                 "recipe: expected at most %d fields",
                                 UNIKA_RECIPE_MAX_FIELDS);
        unika_field f;
        if (field_lookup(&f, src + tb, te - tb) != 0)
            /* Recipe text is configuration, not personal data: it may be quoted. */
            return unika_fail_at(err, UNIKA_EFIELD, "recipe", tb + 1,
                                 "recipe: unknown field \"%.*s\" at character %zu",
                                 (int)(te - tb > 40 ? 40 : te - tb), src + tb, tb + 1);
        fields[n++] = f;
        if (t == e) break;
        i = t + 1;
    }
    return recipe_make(out, fields, n, err);
}

int unika_recipe_default(unika_recipe **out, unika_error *err)
{
    return unika_recipe_parse(out, UNIKA_RECIPE_DEFAULT, SIZE_MAX, err);
}

void unika_recipe_free(unika_recipe *recipe)
{
    unika_free(recipe);
}

const char *unika_recipe_name(const unika_recipe *recipe)
{
    return recipe ? recipe->name : "";
}

const char *unika_recipe_canonical(const unika_recipe *recipe)
{
    return recipe ? recipe->canonical : "";
}

int unika_recipe_fingerprint(uint8_t dst[UNIKA_FINGERPRINT_BYTES], const unika_recipe *recipe)
{
    if (!dst || !recipe) return UNIKA_EINVAL;
    memcpy(dst, recipe->fingerprint, UNIKA_FINGERPRINT_BYTES);
    return UNIKA_OK;
}

const uint8_t *unika_recipe_fingerprint_ptr(const unika_recipe *recipe)
{
    return recipe ? recipe->fingerprint : NULL;
}

size_t unika_recipe_field_count(const unika_recipe *recipe)
{
    return recipe ? recipe->n : 0;
}

unika_field unika_recipe_field_at(const unika_recipe *recipe, size_t i)
{
    if (!recipe || i >= recipe->n) return (unika_field)0;
    return recipe->fields[i];
}

int unika_recipe_equal(const unika_recipe *a, const unika_recipe *b)
{
    if (!a || !b) return 0;
    return a->n == b->n && memcmp(a->fields, b->fields, a->n * sizeof a->fields[0]) == 0;
}
