/*
 * unika/pseudonym.h - keyed pseudonyms of identities.
 *
 * A pseudonym is 32 bytes: keyed BLAKE2b-256, under the key's pseudonym
 * subkey, of a versioned, length-prefixed encoding of the recipe's
 * normalised fields with the recipe's fingerprint in front
 * (docs/pseudonyms.md specifies the bytes). The same person, written the
 * same way after normalisation, gets the same pseudonym at every partner
 * holding the key; without the key a pseudonym reveals nothing and cannot
 * be tested against guessed names.
 *
 *   unika_record rec = {0};
 *   unika_record_set(&rec, UNIKA_COLUMN_NAME, "Hosein Amiri", 12);
 *   unika_record_set(&rec, UNIKA_COLUMN_BIRTH_DATE, "2005-01-01", 10);
 *   unika_record_set(&rec, UNIKA_COLUMN_GENDER, "male", 4);
 *   uint8_t p[UNIKA_PSEUDONYM_BYTES];
 *   if (unika_pseudonym_from_record(p, key, recipe, &rec, &err) < 0)
 *       fprintf(stderr, "%s: %s\n", err.field, err.message);  // never the value
 *
 * WARNING: the inputs are personal data. The library copies them only into
 * stack buffers that are wiped before returning.
 */
#ifndef UNIKA_PSEUDONYM_H
#define UNIKA_PSEUDONYM_H

#include "common.h"
#include "error.h"
#include "key.h"
#include "normalize.h"
#include "recipe.h"
#include "record.h"

#define UNIKA_PSEUDONYM_HEX_BYTES (2 * UNIKA_PSEUDONYM_BYTES + 1) /* with NUL */
#define UNIKA_PSEUDONYM_VERSION 1     /* of the encoding in docs/pseudonyms.md */
#define UNIKA_PSEUDONYM_VALUE_MAX 256 /* longest normalised field value, bytes */

#ifdef __cplusplus
extern "C" {
#endif

UNIKA_API size_t unika_pseudonym_hex_bytes(void);

/*! unika_pseudonym_from_fields() :
 *  The pseudonym of values that are ALREADY normalised, one per recipe
 *  field in recipe order (e.g. "al khalil samir", "1999", "M"). Use this when
 *  the caller normalises; the bytes are hashed as given.
 *  @return 0 and dst filled;
 *          UNIKA_EINVAL   on NULL arguments (values[i] may be NULL only if
 *                         sizes[i] is 0, which is then UNIKA_EEMPTY);
 *          UNIKA_ERECIPE  if n differs from the recipe's field count;
 *          UNIKA_EEMPTY   if a value is empty (err->field names it);
 *          UNIKA_ETOOLONG if a value exceeds UNIKA_PSEUDONYM_VALUE_MAX bytes.
 *  On failure dst is zeroed. */
UNIKA_API UNIKA_NODISCARD int unika_pseudonym_from_fields(uint8_t dst[UNIKA_PSEUDONYM_BYTES],
                                                          const unika_key *key,
                                                          const unika_recipe *recipe,
                                                          const char *const *values,
                                                          const size_t *sizes, size_t n,
                                                          unika_error *err);

/*! unika_pseudonym_from_values() :
 *  The pseudonym of a record's values (unika/record.h, each parsed once by
 *  unika_values_from_record() or unika_profile_read()), each recipe field
 *  normalised from them (docs/pseudonyms.md, "From a record"):
 *   name         unika_normalize_name(NAME) (given name and surname joined
 *                when split: token order does not matter);
 *   name_loose   the loose key of that normalised name;
 *   birth_date   the birth as YYYY-MM-DD;  birth_month  as YYYY-MM;
 *   birth_year   its YYYY (from BIRTH_DATE, or BIRTH_YEAR when that is absent
 *                or empty);
 *   gender       "M", "F" or "X" (unika_gender_fold: other and unknown are one);
 *   country      unika_normalize_name(COUNTRY);
 *   personnummer 12 digits; 10-digit forms need the reference or a visit date;
 *   dossier, digits  as their normalisers.
 *  The values must include what unika_recipe_needs() names (and the visit
 *  date, when the source has one, for personnummer).
 *  @return 0 and dst filled, or the normaliser's error with err->field set to
 *          the column the value came from ("birth_date", "given_name+surname",
 *          "visit_date", ...) and err->line, err->column to its place in the
 *          CSV file (0 when the values did not come from one):
 *          UNIKA_EFIELD if the record lacks a column the recipe needs;
 *          UNIKA_EINVAL on NULL arguments; every normaliser error
 *          (UNIKA_EUTF8, UNIKA_EEMPTY, UNIKA_ENAME, UNIKA_EDATE, ...).
 *  On failure dst is zeroed. */
UNIKA_API UNIKA_NODISCARD int unika_pseudonym_from_values(uint8_t dst[UNIKA_PSEUDONYM_BYTES],
                                                          const unika_key *key,
                                                          const unika_recipe *recipe,
                                                          const unika_values *values,
                                                          unika_error *err);

/*! unika_pseudonym_from_record() :
 *  unika_values_from_record() of what the recipe needs, then
 *  unika_pseudonym_from_values(): the pseudonym of a record's raw cells.
 *  @return 0 and dst filled, or the error with err->field set to the record
 *          column that failed ("birth_date", "given_name+surname",
 *          "visit_date", ...):
 *          UNIKA_EFIELD if the record lacks a column the recipe needs;
 *          UNIKA_EINVAL on NULL arguments; every normaliser error
 *          (UNIKA_EUTF8, UNIKA_EEMPTY, UNIKA_ENAME, UNIKA_EDATE, ...).
 *  On failure dst is zeroed. */
UNIKA_API UNIKA_NODISCARD int unika_pseudonym_from_record(uint8_t dst[UNIKA_PSEUDONYM_BYTES],
                                                          const unika_key *key,
                                                          const unika_recipe *recipe,
                                                          const unika_record *record,
                                                          unika_error *err);

/*! unika_pseudonym_batch() :
 *  unika_pseudonym_from_record() for n records in one call (bindings pay
 *  per call). Every record is processed, whatever happens to the others.
 *  @param dst       n * UNIKA_PSEUDONYM_BYTES bytes; a failed record's 32
 *                   bytes are zeroed
 *  @param status    n ints, may be NULL: 0 or the record's UNIKA_E* code
 *  @param n_failed  may be NULL: receives the number of failed records
 *  @param err       receives the detail of the FIRST failed record, its
 *                   message prefixed "record <i>: " (0-based index)
 *  @return 0 if every record succeeded; otherwise the code of the first
 *          failed record (the others are still done: see status);
 *          UNIKA_EINVAL (nothing done) if key, recipe, or dst/records with
 *          n > 0 is NULL. */
UNIKA_API int unika_pseudonym_batch(uint8_t *dst, int *status, size_t *n_failed,
                                    const unika_key *key, const unika_recipe *recipe,
                                    const unika_record *records, size_t n,
                                    unika_error *err);

/*! unika_pseudonym_to_hex() : 64 lowercase hex digits and a NUL. */
UNIKA_API void unika_pseudonym_to_hex(char dst[UNIKA_PSEUDONYM_HEX_BYTES],
                                      const uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES]);

/*! unika_pseudonym_from_hex() :
 *  Parses exactly 64 hex digits (either case).
 *  @return 0; UNIKA_EINVAL on NULL arguments or malformed text. */
UNIKA_API int unika_pseudonym_from_hex(uint8_t dst[UNIKA_PSEUDONYM_BYTES], const char *src,
                                       size_t src_size, unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_PSEUDONYM_H */
