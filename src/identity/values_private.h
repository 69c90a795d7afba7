/*
 * identity/values_private.h - a record's values to their normalised text,
 * for each consumer of values: the recipe fields of a pseudonym
 * (pseudonym.c) and the match keys (matchkey_values.c). One place for each
 * rule: which column an error names, how a 10-digit personnummer finds its
 * century. Never installed.
 *
 * Each function expects the value present (v->has); an empty cell goes to
 * the normaliser, which refuses it (UNIKA_EEMPTY). On failure err->field
 * is the label of the value (e.g. "given_name+surname"); *where, when not
 * NULL, the value column the error is about, when it is not the value's
 * own (a personnummer's century needs the visit date).
 */
#ifndef UNIKA_INTERNAL_VALUES_PRIVATE_H
#define UNIKA_INTERNAL_VALUES_PRIVATE_H

#include <stddef.h>

#include "unika/record.h"

/* unika_values_from_record() for a record a program fills (no CSV): the
 * values in `need`, an error naming the column its cell came from
 * ("birth_year", "visit_date"). Wipe *v with unika_values_wipe() after. */
int unika_values_read(unika_values *v, const unika_record *r, unsigned need, unika_error *err);

/* Wipes the copies the values hold: a joined name, normalised numbers. */
void unika_values_wipe(unika_values *v);

/* unika_normalize_name() of the whole name (cap >= UNIKA_NAME_MAX_BYTES). */
int unika_values_name(char *dst, size_t cap, size_t *len, const unika_values *v,
                      unika_error *err);

/* unika_normalize_name() of the country. */
int unika_values_country(char *dst, size_t cap, size_t *len, const unika_values *v,
                         unika_error *err);

/* 12 digits and a NUL: as read (an id_auto number), or normalised against
 * the record's reference date, else its visit date (which must then not
 * be empty). */
int unika_values_personnummer(char dst[UNIKA_PERSONNUMMER_BYTES], const unika_values *v,
                              unika_column *where, unika_error *err);

/* 8 digits and a NUL. */
int unika_values_dossier(char dst[UNIKA_DOSSIER_BYTES], const unika_values *v,
                         unika_error *err);

/* unika_digits_normalize() of the digits column. */
int unika_values_digits(char *dst, size_t cap, size_t *len, const unika_values *v,
                        unika_error *err);

/* Where a failed value sits in the source: err->line and err->column. */
void unika_values_locate(unika_error *err, const unika_values *v, unika_column value);

#endif
