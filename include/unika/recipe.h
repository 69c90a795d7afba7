/*
 * unika/recipe.h - which normalised fields make up an identity.
 *
 * A recipe is an ordered list of fields, e.g. name + birth year + gender.
 * The partners of a partnership agree on one recipe; every pseudonym and
 * every sketch names the recipe it was made with (by fingerprint), and the
 * recipe is part of the pseudonym's domain, so pseudonyms made with
 * different recipes never coincide and sketches of different recipes never
 * merge by accident.
 *
 *   unika_recipe *r = NULL;
 *   if (unika_recipe_parse(&r, "name+birth_year+gender", SIZE_MAX, &err) < 0) ...
 *   unika_recipe_name(r);       -> "strict"   (a named recipe)
 *   unika_recipe_canonical(r);  -> "unika-recipe-v1:name,birth_year,gender"
 *   unika_recipe_free(r);
 *
 * Named recipes, like libsodium's primitive names, so files and reports can
 * say which recipe made a sketch (docs/pseudonyms.md):
 *   strict   name + birth_year + gender
 *   loose    name_loose + birth_year + gender   (tolerates romanisation variants)
 *   dob      name + birth_date + gender
 *   pnr      personnummer
 *   dossier  dossier
 */
#ifndef UNIKA_RECIPE_H
#define UNIKA_RECIPE_H

#include "common.h"
#include "error.h"

/* The one place the default recipe is chosen. */
#define UNIKA_RECIPE_DEFAULT "loose"

#define UNIKA_RECIPE_MAX_FIELDS 8
#define UNIKA_RECIPE_TEXT_MAX 512 /* longest recipe text accepted by the parser */

/* Canonical fields. The numbers are pinned: they are written into every
 * pseudonym's input (docs/pseudonyms.md), so they never change. */
typedef enum unika_field {
    UNIKA_FIELD_NAME = 1,         /* unika_normalize_name() */
    UNIKA_FIELD_NAME_LOOSE = 2,   /* unika_name_loose_key() of the normalised name */
    UNIKA_FIELD_BIRTH_DATE = 3,   /* "YYYY-MM-DD" */
    UNIKA_FIELD_BIRTH_YEAR = 4,   /* "YYYY" */
    UNIKA_FIELD_BIRTH_MONTH = 5,  /* "YYYY-MM" */
    UNIKA_FIELD_GENDER = 6,       /* "M", "F" or "X" (unika_gender_fold) */
    UNIKA_FIELD_COUNTRY = 7,      /* unika_normalize_name() of the country */
    UNIKA_FIELD_PERSONNUMMER = 8, /* 12 digits */
    UNIKA_FIELD_DOSSIER = 9,      /* 8 digits */
    UNIKA_FIELD_DIGITS = 10       /* unika_digits_normalize() */
} unika_field;
#define UNIKA_FIELD_MAX 10

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_recipe unika_recipe;

UNIKA_API size_t unika_recipe_max_fields(void);

/*! unika_field_name() :
 *  @return the canonical name of a field ("birth_year"), or NULL if `field`
 *          is not a field. Static string. */
UNIKA_API const char *unika_field_name(unika_field field);

/*! unika_field_from_name() :
 *  Looks up a canonical field name (exact, lowercase).
 *  @return 0 and *out set; UNIKA_EINVAL on NULL; UNIKA_EFIELD if unknown. */
UNIKA_API int unika_field_from_name(unika_field *out, const char *src, size_t src_size,
                                    unika_error *err);

/*! unika_recipe_parse() :
 *  Makes a recipe from text, which is one of
 *   - a recipe name: "strict", "loose", "dob", "pnr", "dossier";
 *   - fields joined by '+' or ',': "name+birth_year+gender" (spaces around
 *     field names are ignored);
 *   - the canonical form: "unika-recipe-v1:name,birth_year,gender".
 *  A field list equal to a named recipe's is that recipe (same name, same
 *  fingerprint). src_size may be SIZE_MAX for a NUL-terminated src.
 *  @return 0 and *out set (free with unika_recipe_free());
 *          UNIKA_EINVAL on NULL arguments;
 *          UNIKA_EFIELD for an unknown field name (position = its first character);
 *          UNIKA_ERECIPE for empty text, an empty field name, a repeated
 *            field, more than UNIKA_RECIPE_MAX_FIELDS fields, a canonical
 *            form of another version, or text over UNIKA_RECIPE_TEXT_MAX bytes;
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_recipe_parse(unika_recipe **out, const char *src,
                                                 size_t src_size, unika_error *err);

/*! unika_recipe_from_fields() :
 *  Makes a recipe from `n` fields in order; same rules as unika_recipe_parse().
 *  @return 0; UNIKA_EINVAL, UNIKA_EFIELD, UNIKA_ERECIPE, UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_recipe_from_fields(unika_recipe **out,
                                                       const unika_field *fields, size_t n,
                                                       unika_error *err);

/*! unika_recipe_default() : unika_recipe_parse() of UNIKA_RECIPE_DEFAULT. */
UNIKA_API UNIKA_NODISCARD int unika_recipe_default(unika_recipe **out, unika_error *err);

/*! unika_recipe_default_name() : @return UNIKA_RECIPE_DEFAULT (static). */
UNIKA_API const char *unika_recipe_default_name(void);

/*! unika_recipe_free() : NULL is accepted. */
UNIKA_API void unika_recipe_free(unika_recipe *recipe);

/*! unika_recipe_name() :
 *  @return the recipe's name ("strict") if it is a named recipe, otherwise
 *          its fields joined by '+' ("name+birth_month+country"). Valid until
 *          the recipe is freed; "" for NULL. */
UNIKA_API const char *unika_recipe_name(const unika_recipe *recipe);

/*! unika_recipe_canonical() :
 *  @return "unika-recipe-v1:" followed by the field names joined by ','.
 *          This text defines the recipe. Valid until the recipe is freed;
 *          "" for NULL. */
UNIKA_API const char *unika_recipe_canonical(const unika_recipe *recipe);

/*! unika_recipe_fingerprint() :
 *  The 16-byte recipe fingerprint: unkeyed BLAKE2b-128 of the canonical
 *  text with personalisation "unika-recipe-v1" (docs/pseudonyms.md), so
 *  anyone can check which recipe a sketch claims.
 *  @return 0; UNIKA_EINVAL if an argument is NULL. */
UNIKA_API int unika_recipe_fingerprint(uint8_t dst[UNIKA_FINGERPRINT_BYTES],
                                       const unika_recipe *recipe);

/*! unika_recipe_fingerprint_ptr() :
 *  @return the fingerprint, valid until the recipe is freed; NULL for NULL. */
UNIKA_API const uint8_t *unika_recipe_fingerprint_ptr(const unika_recipe *recipe);

/*! unika_recipe_field_count() : @return the number of fields (0 for NULL). */
UNIKA_API size_t unika_recipe_field_count(const unika_recipe *recipe);

/*! unika_recipe_field_at() :
 *  @return the i-th field (0-based), or 0 if i is out of range or recipe NULL. */
UNIKA_API unika_field unika_recipe_field_at(const unika_recipe *recipe, size_t i);

/*! unika_recipe_equal() : @return 1 if both recipes have the same fields in
 *  the same order, else 0 (also if either is NULL). */
UNIKA_API int unika_recipe_equal(const unika_recipe *a, const unika_recipe *b);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_RECIPE_H */
