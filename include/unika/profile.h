/*
 * unika/profile.h - partner profiles: which CSV column holds which field.
 *
 * Every partner's system exports its visit log differently: its own column
 * names, delimiter, date formats and gender codes. A profile is a small text
 * file (docs/profiles.md) that states these once, so the same recipe can be
 * computed from every partner's file:
 *
 *   # Rädda Barnen's export
 *   delimiter = ,
 *   column.date = date
 *   date_format.date = DD/MM/YYYY
 *   column.given_name = first_name
 *   column.surname = last_name
 *   column.birth_date = dob
 *   date_format.birth_date = YYYYMMDD
 *   column.gender = gender
 *   column.id_auto = id_number
 *
 * Use:
 *   unika_profile_load(&p, "raddabarnen.profile", &err);
 *   csv options: delimiter = unika_profile_delimiter(p),
 *                encoding = unika_profile_encoding(p)
 *   unika_csv_next(csv)                     -> the header record
 *   unika_profile_bind(p, csv, &err);       -> UNIKA_ECOLUMN names a missing column
 *   while (unika_csv_next(csv) == 1) {
 *       unika_profile_read(&values, p, csv, unika_recipe_needs(recipe), &err);
 *       unika_pseudonym_from_values(pseudonym, key, recipe, &values, &err);
 *   }
 *
 * A profile object is not thread-safe while binding; extraction only reads it.
 */
#ifndef UNIKA_PROFILE_H
#define UNIKA_PROFILE_H

#include "common.h"
#include "csv.h"
#include "error.h"
#include "normalize.h"
#include "record.h"

#define UNIKA_PROFILE_MAX_BYTES 65536    /* a profile file is small; larger is refused */
#define UNIKA_PROFILE_MAX_GENDER_CODES 64
#define UNIKA_PROFILE_NAME_BYTES 1026    /* given name + ' ' + surname + NUL bound */

/* A profile maps columns (unika_column, unika/record.h) with
 * `column.<name> = <header>`, <name> being unika_column_name() except for
 * the visit date, which profiles call `date`; UNIKA_COLUMN_DIGITS cannot be
 * mapped. */

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_profile unika_profile;

/*! unika_profile_parse() :
 *  Parses profile text (docs/profiles.md). `source` names it in error
 *  messages (e.g. the file path; may be NULL).
 *  @return 0 and *out set (free with unika_profile_free());
 *          UNIKA_EINVAL on NULL arguments;
 *          UNIKA_EPROFILE for a syntax error, an unknown or repeated key, a
 *            bad delimiter, date format or gender mapping, both a whole-name
 *            and a split-name column, id_auto together with personnummer or
 *            dossier columns, no column at all; err->line names the line;
 *          UNIKA_EUTF8 if the text is not UTF-8; UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_profile_parse(unika_profile **out, const char *src,
                                                  size_t src_size, const char *source,
                                                  unika_error *err);

/*! unika_profile_load() :
 *  Reads and parses the profile file at `path`.
 *  @return as unika_profile_parse(), plus UNIKA_ENOENT if the file does not
 *          exist, UNIKA_EIO if it cannot be read, UNIKA_EPROFILE if it is
 *          larger than UNIKA_PROFILE_MAX_BYTES. */
UNIKA_API UNIKA_NODISCARD int unika_profile_load(unika_profile **out, const char *path,
                                                 unika_error *err);

/*! unika_profile_free() : NULL is accepted. */
UNIKA_API void unika_profile_free(unika_profile *profile);

/*! unika_profile_delimiter() : the CSV delimiter the profile states (',' by default). */
UNIKA_API char unika_profile_delimiter(const unika_profile *profile);

/*! unika_profile_encoding() : the CSV's encoding the profile states
 *  (unika_encoding, unika/csv.h; UNIKA_ENCODING_UTF8 by default). */
UNIKA_API unsigned unika_profile_encoding(const unika_profile *profile);

/*! unika_profile_name() : the profile's `name`, or "" when it has none. */
UNIKA_API const char *unika_profile_name(const unika_profile *profile);

/*! unika_profile_value_name() :
 *  @return the name a profile's messages give value column `c` ("date",
 *  "name", "birth", "gender", "country", "personnummer", "dossier"), or
 *  NULL for a column that is not a value a profile provides. Static. */
UNIKA_API const char *unika_profile_value_name(unika_column c);

/*! unika_profile_header() :
 *  @return the CSV header name the profile maps `column` to, or NULL. */
UNIKA_API const char *unika_profile_header(const unika_profile *profile, unika_column column);

/*! unika_profile_provides() :
 *  @return the value columns (UNIKA_COLUMN_BIT mask of DATE, NAME,
 *  BIRTH_DATE, GENDER, COUNTRY, PERSONNUMMER, DOSSIER) the profile can
 *  yield: NAME from a name or given/surname column, BIRTH_DATE from a birth
 *  date or birth year, PERSONNUMMER and DOSSIER from their own or an id_auto
 *  column. */
UNIKA_API unsigned unika_profile_provides(const unika_profile *profile);

/*! unika_profile_bind() :
 *  Matches the profile's column names against the header record that `csv`
 *  has just read (trimmed, ASCII case-insensitive) and remembers their
 *  positions.
 *  @return 0; UNIKA_EINVAL on NULL arguments or when csv holds no record;
 *          UNIKA_ECOLUMN if a mapped column is missing (err->field is the
 *            column's header name; when the header is a single field the
 *            message says the delimiter is probably wrong, otherwise it
 *            suggests the closest header name and lists the header, unless
 *            the header looks like data) or appears twice. */
UNIKA_API UNIKA_NODISCARD int unika_profile_bind(unika_profile *profile, const unika_csv *csv,
                                                 unika_error *err);

/*! unika_profile_find_column() :
 *  Where the profile's `column` is in the header record `csv` has just read
 *  (trimmed, ASCII case-insensitive), without binding.
 *  @return its 0-based index; -1 when the profile does not map `column`;
 *          -2 when the header lacks it: then *near (when not NULL) is the
 *            0-based index of the header's name closest to the profile's by
 *            edit distance, if it is close enough to suggest ("did you
 *            mean"), else -1; -3 when it appears twice (*near is then its
 *            second place). */
UNIKA_API long unika_profile_find_column(const unika_profile *profile, const unika_csv *csv,
                                         unika_column column, long *near);

/*! unika_profile_header_is_data() :
 *  @return 1 when the record `csv` has just read looks like a row of data
 *          rather than a header (a cell with four digits in a row: a date, a
 *          year, a number), so that no message may show its cells; else 0. */
UNIKA_API int unika_profile_header_is_data(const unika_csv *csv);

/*! unika_profile_column_index() :
 *  @return the 0-based CSV column of `column` after unika_profile_bind(),
 *          or -1 when it is not mapped or not bound. */
UNIKA_API long unika_profile_column_index(const unika_profile *profile, unika_column column);

/*! unika_profile_read() :
 *  One CSV row to its values, the single call per row: the current record
 *  of `csv` becomes a unika_record through the profile (trimmed cells by
 *  column, the profile's date formats and gender codes), and
 *  unika_values_from_record() parses the values in `need` once (a mask of
 *  value columns; values outside it are left as they were, so a caller may
 *  read in two steps). A visit date must be a full date. `out` then also
 *  knows each value's CSV column and the line, so that
 *  unika_pseudonym_from_values() can say where a field failed.
 *  Errors set err->line (the record's line), err->column (1-based CSV
 *  column) and err->field (the profile's name for the value), and the
 *  message names line, column, header and field.
 *  @return 0;
 *          UNIKA_EINVAL on NULL arguments or an unbound profile;
 *          UNIKA_ECSV if the record has another number of fields than the header;
 *          UNIKA_EDATE, UNIKA_EGENDER, UNIKA_EPERSONNUMMER, UNIKA_ECHECKDIGIT,
 *          UNIKA_EDOSSIER, UNIKA_EDIGITS, UNIKA_ETOOLONG from the value's
 *            parser (the row should be rejected, the file may go on). */
UNIKA_API UNIKA_NODISCARD int unika_profile_read(unika_values *out, const unika_profile *profile,
                                                 const unika_csv *csv, unsigned need,
                                                 unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_PROFILE_H */
