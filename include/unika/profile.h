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
 *   csv options: delimiter = unika_profile_delimiter(p)
 *   unika_csv_next(csv)                     -> the header record
 *   unika_profile_bind(p, csv, &err);       -> UNIKA_ECOLUMN names a missing column
 *   while (unika_csv_next(csv) == 1)
 *       unika_profile_extract(&rec, p, csv, UNIKA_VALUE_MASK_ALL, &err);
 *
 * A profile object is not thread-safe while binding; extraction only reads it.
 */
#ifndef UNIKA_PROFILE_H
#define UNIKA_PROFILE_H

#include "common.h"
#include "csv.h"
#include "error.h"
#include "normalize.h"

#define UNIKA_PROFILE_MAX_BYTES 65536    /* a profile file is small; larger is refused */
#define UNIKA_PROFILE_MAX_GENDER_CODES 64
#define UNIKA_PROFILE_NAME_BYTES 1026    /* given name + ' ' + surname + NUL bound */

/* The columns a profile can map (`column.<name> = <header>`). */
typedef enum unika_profile_column {
    UNIKA_COLUMN_DATE = 0,     /* date of the visit */
    UNIKA_COLUMN_NAME,         /* whole name in one field */
    UNIKA_COLUMN_GIVEN_NAME,
    UNIKA_COLUMN_SURNAME,
    UNIKA_COLUMN_BIRTH_DATE,
    UNIKA_COLUMN_BIRTH_YEAR,
    UNIKA_COLUMN_GENDER,
    UNIKA_COLUMN_COUNTRY,
    UNIKA_COLUMN_PERSONNUMMER,
    UNIKA_COLUMN_DOSSIER,
    UNIKA_COLUMN_ID_AUTO,      /* personnummer or dossier, decided per value */
    UNIKA_COLUMN_COUNT
} unika_profile_column;

/* The canonical values a row yields. */
typedef enum unika_value {
    UNIKA_VALUE_DATE = 0,      /* visit date, "YYYY-MM-DD" */
    UNIKA_VALUE_NAME,          /* name as written (given + " " + surname if split) */
    UNIKA_VALUE_BIRTH,         /* "YYYY-MM-DD", or "YYYY" from a birth year */
    UNIKA_VALUE_GENDER,        /* "M", "F", "X" or "U" */
    UNIKA_VALUE_COUNTRY,       /* as written */
    UNIKA_VALUE_PERSONNUMMER,  /* as written; 12 digits when it came from id_auto */
    UNIKA_VALUE_DOSSIER,       /* as written; 8 digits when it came from id_auto */
    UNIKA_VALUE_COUNT
} unika_value;
#define UNIKA_VALUE_MASK_ALL ((1u << UNIKA_VALUE_COUNT) - 1u)

/* One row's values. text[v] is NULL when v was not asked for, the profile
 * maps no column for it, or the row leaves it empty. Pointers are valid
 * until the next unika_csv_next() or extraction into the same record. */
typedef struct unika_profile_record {
    const char *text[UNIKA_VALUE_COUNT];
    size_t size[UNIKA_VALUE_COUNT];
    unika_date visit;   /* parsed visit date when text[DATE] is set */
    unika_date birth;   /* parsed birth date (month, day 0 for a year) when text[BIRTH] */
    unika_gender gender;/* when text[GENDER] is set */
    /* storage for values that are rewritten (owned by the record) */
    char date_buf[UNIKA_DATE_TEXT_BYTES];
    char birth_buf[UNIKA_DATE_TEXT_BYTES];
    char name_buf[UNIKA_PROFILE_NAME_BYTES];
    char pnr_buf[UNIKA_PERSONNUMMER_BYTES];
    char dossier_buf[UNIKA_DOSSIER_BYTES];
} unika_profile_record;

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

/*! unika_profile_name() : the profile's `name`, or "" when it has none. */
UNIKA_API const char *unika_profile_name(const unika_profile *profile);

/*! unika_profile_column_name() :
 *  @return the canonical name of a profile column ("birth_date"), or NULL. */
UNIKA_API const char *unika_profile_column_name(unika_profile_column column);

/*! unika_value_name() : @return "date", "name", "birth", "gender", "country",
 *  "personnummer" or "dossier"; NULL for anything else. */
UNIKA_API const char *unika_value_name(unika_value value);

/*! unika_profile_header() :
 *  @return the CSV header name the profile maps `column` to, or NULL. */
UNIKA_API const char *unika_profile_header(const unika_profile *profile,
                                           unika_profile_column column);

/*! unika_profile_provides() :
 *  @return the mask (1u << UNIKA_VALUE_*) of values the profile can yield. */
UNIKA_API unsigned unika_profile_provides(const unika_profile *profile);

/*! unika_profile_bind() :
 *  Matches the profile's column names against the header record that `csv`
 *  has just read (trimmed, ASCII case-insensitive) and remembers their
 *  positions.
 *  @return 0; UNIKA_EINVAL on NULL arguments or when csv holds no record;
 *          UNIKA_ECOLUMN if a mapped column is missing (err->field is the
 *            column's header name; when the header is a single field the
 *            message says the delimiter is probably wrong) or appears twice. */
UNIKA_API UNIKA_NODISCARD int unika_profile_bind(unika_profile *profile, const unika_csv *csv,
                                                 unika_error *err);

/*! unika_profile_column_index() :
 *  @return the 0-based CSV column of `column` after unika_profile_bind(),
 *          or -1 when it is not mapped or not bound. */
UNIKA_API long unika_profile_column_index(const unika_profile *profile,
                                          unika_profile_column column);

/*! unika_profile_extract() :
 *  Reads the values in `need` (a mask of 1u << UNIKA_VALUE_*) from the
 *  current record of `csv` into `out`. Dates are parsed with the profile's
 *  formats and rewritten canonically; gender codes go through the profile's
 *  mapping, then unika_gender_parse(); an id_auto value with 10 or 12
 *  digits is a personnummer, one with 8 digits a dossier number. Empty cells
 *  give NULL values, except gender, where an empty cell means "U".
 *  Errors set err->line (the record's line), err->column (1-based CSV
 *  column) and err->field (the canonical field name).
 *  @return 0;
 *          UNIKA_EINVAL on NULL arguments or an unbound profile;
 *          UNIKA_ECSV if the record has another number of fields than the header;
 *          UNIKA_EDATE, UNIKA_EGENDER, UNIKA_EPERSONNUMMER, UNIKA_ECHECKDIGIT,
 *          UNIKA_EDOSSIER, UNIKA_EDIGITS, UNIKA_ETOOLONG from the value's
 *            normaliser (the row should be rejected, the file may go on). */
UNIKA_API UNIKA_NODISCARD int unika_profile_extract(unika_profile_record *out,
                                                    const unika_profile *profile,
                                                    const unika_csv *csv, unsigned need,
                                                    unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_PROFILE_H */
