/*
 * unika/record.h - one person's record: the fields a source has, its cells
 * as written, and its values, each parsed once.
 *
 * A record goes from a source to a pseudonym in three steps, each in one
 * module:
 *
 *   cells   unika_record: the row's cells by column (unika_column), as the
 *           partner's system wrote them, with the source's date formats and
 *           gender codes. A binding fills it itself (unika_record_set()); a
 *           CSV file fills it through a profile (unika_profile_read(),
 *           unika/profile.h, which does all three steps per row).
 *   values  unika_values: every value the caller needs parsed ONCE: the
 *           visit and birth dates, the gender, an id_auto number classified
 *           and normalised (unika_values_from_record()).
 *   fields  the recipe's normalised fields and their keyed pseudonym
 *           (unika_pseudonym_from_values(), unika/pseudonym.h), which also
 *           feed sketches (unika_sketch_add()).
 *
 * unika_column is the one list of the fields a source may have: the columns
 * a profile maps, the cells of a record and the values a row yields. (The
 * recipe's fields, unika_field in unika/recipe.h, are a different thing:
 * normalised identity fields, some derived from one column, e.g. birth_year
 * from birth_date.)
 *
 *   unika_record rec = {0};
 *   unika_record_set(&rec, UNIKA_COLUMN_NAME, "Hosein Amiri", 12);
 *   unika_record_set(&rec, UNIKA_COLUMN_BIRTH_DATE, "2005-01-01", 10);
 *   unika_record_set(&rec, UNIKA_COLUMN_GENDER, "male", 4);
 *   unika_pseudonym_from_record(p, key, recipe, &rec, &err);   // all three steps
 */
#ifndef UNIKA_RECORD_H
#define UNIKA_RECORD_H

#include "common.h"
#include "error.h"
#include "normalize.h"
#include "recipe.h"

/* The fields a source may have. Not pinned: no file or encoding holds them. */
typedef enum unika_column {
    UNIKA_COLUMN_DATE = 0,     /* the visit date ("visit_date"; a profile's `column.date`);
                                  also the reference for 10-digit personnummer */
    UNIKA_COLUMN_NAME,         /* the whole name, any token order */
    UNIKA_COLUMN_GIVEN_NAME,   /* with SURNAME when NAME is absent */
    UNIKA_COLUMN_SURNAME,
    UNIKA_COLUMN_BIRTH_DATE,   /* a full date, year-month or year */
    UNIKA_COLUMN_BIRTH_YEAR,   /* used when BIRTH_DATE is absent or empty */
    UNIKA_COLUMN_GENDER,
    UNIKA_COLUMN_COUNTRY,
    UNIKA_COLUMN_PERSONNUMMER,
    UNIKA_COLUMN_DOSSIER,
    UNIKA_COLUMN_DIGITS,       /* any digit string (unika_digits_normalize) */
    UNIKA_COLUMN_ID_AUTO,      /* personnummer or dossier, decided per value by its digit
                                  count: 10 or 12 a personnummer, 8 a dossier number */
    UNIKA_COLUMN_COUNT
} unika_column;

/* A mask of columns, for what a recipe needs and what a profile provides.
 * As a value, NAME stands for any name column, BIRTH_DATE for BIRTH_YEAR
 * too, PERSONNUMMER and DOSSIER for ID_AUTO. */
#define UNIKA_COLUMN_BIT(c) (1u << (c))
#define UNIKA_COLUMNS_ID (UNIKA_COLUMN_BIT(UNIKA_COLUMN_PERSONNUMMER) | \
                          UNIKA_COLUMN_BIT(UNIKA_COLUMN_DOSSIER))

/* A source's own gender code (compared ASCII case-insensitively, before
 * unika_gender_parse()'s built-in codes). */
typedef struct unika_gender_map {
    const char *code;
    unika_gender gender;
} unika_gender_map;

/*
 * The cells of one row as the source wrote them. cell[c] == NULL means the
 * source has no such column; a non-NULL cell with size 0 is an empty cell
 * (for gender, "unknown"; for other fields an error when a recipe needs
 * it). Zero-initialise, then set what the source has. Nothing is copied:
 * the pointers must stay valid while the record is used.
 */
typedef struct unika_record {
    const char *cell[UNIKA_COLUMN_COUNT];
    size_t size[UNIKA_COLUMN_COUNT];
    const char *birth_date_format; /* unika_date_parse() format; NULL = by shape */
    const char *visit_date_format; /* likewise for UNIKA_COLUMN_DATE */
    unika_date reference;          /* for 10-digit personnummer; {0} = take the
                                      visit date, if there is one */
    const unika_gender_map *gender_codes; /* may be NULL */
    size_t n_gender_codes;
} unika_record;

/*
 * A record's values, each parsed once. has/empty are masks of the value
 * columns (UNIKA_COLUMN_BIT of DATE, NAME, BIRTH_DATE, GENDER, COUNTRY,
 * PERSONNUMMER, DOSSIER, DIGITS): `has` when the source has the field,
 * `empty` when its cell is empty. Filled by unika_values_from_record() or
 * unika_profile_read(); read it, never fill it by hand. Text pointers point
 * into the record's cells or into the struct itself.
 */
typedef struct unika_values {
    unsigned has, empty;
    unsigned normalised;          /* PERSONNUMMER / DOSSIER already normalised (id_auto) */
    unika_date visit;             /* DATE */
    unika_date birth;             /* BIRTH_DATE: month and day 0 from a birth year */
    unika_gender gender;          /* GENDER; an empty cell is UNIKA_GENDER_UNKNOWN */
    const char *text[UNIKA_COLUMN_COUNT]; /* NAME (given + " " + surname when split),
                                             COUNTRY, PERSONNUMMER, DOSSIER, DIGITS */
    size_t size[UNIKA_COLUMN_COUNT];
    const char *label[UNIKA_COLUMN_COUNT]; /* the column a value came from, as error
                                              messages name it ("given_name+surname") */
    unika_date reference;         /* the record's reference date, {0} if none */
    uint64_t line;                /* the CSV line (unika_profile_read()), else 0 */
    uint64_t column[UNIKA_COLUMN_COUNT]; /* 1-based CSV column of a value, else 0 */
    char name_buf[UNIKA_NAME_MAX_INPUT_BYTES + 1];
    char pnr_buf[UNIKA_PERSONNUMMER_BYTES];
    char dossier_buf[UNIKA_DOSSIER_BYTES];
} unika_values;

#ifdef __cplusplus
extern "C" {
#endif

/*! unika_record_column_count() : UNIKA_COLUMN_COUNT, for bindings. */
UNIKA_API size_t unika_record_column_count(void);

/*! unika_column_name() :
 *  @return the column's name ("visit_date", "name", "given_name", "surname",
 *  "birth_date", "birth_year", "gender", "country", "personnummer",
 *  "dossier", "digits", "id_auto"), or NULL. Static. */
UNIKA_API const char *unika_column_name(unika_column column);

/*! unika_record_set() : record->cell[c] = src, record->size[c] = src_size.
 *  @return 0; UNIKA_EINVAL if record is NULL or c is out of range. */
UNIKA_API int unika_record_set(unika_record *record, unika_column c, const char *src,
                               size_t src_size);

/*! unika_recipe_needs() :
 *  @return the value columns (UNIKA_COLUMN_BIT mask) the recipe's fields are
 *  computed from; 0 for NULL. */
UNIKA_API unsigned unika_recipe_needs(const unika_recipe *recipe);

/*! unika_values_from_record() :
 *  Parses the values in `need` (value columns, see unika_values) from the
 *  record's cells, once: the visit date with visit_date_format; the birth
 *  from BIRTH_DATE (birth_date_format) or, when that is absent or empty,
 *  BIRTH_YEAR ("YYYY"); the gender through gender_codes, then
 *  unika_gender_parse(); an ID_AUTO number classified by its digit count
 *  and normalised (a personnummer against the reference, else the visit
 *  date); names joined. Values outside `need` are left as they were, so a
 *  caller may parse in two steps. Empty cells are not errors here: a recipe
 *  that needs an empty value fails in unika_pseudonym_from_values().
 *  @param failed   may be NULL; receives the column whose cell failed
 *  @return 0; UNIKA_EINVAL (NULL arguments); the parser's error
 *          (UNIKA_EDATE, UNIKA_EGENDER, UNIKA_EPERSONNUMMER,
 *          UNIKA_ECHECKDIGIT, UNIKA_EDOSSIER, UNIKA_EDIGITS, UNIKA_ETOOLONG,
 *          UNIKA_EUTF8, ...) with err->field the parser's field name. */
UNIKA_API UNIKA_NODISCARD int unika_values_from_record(unika_values *out,
                                                       const unika_record *record,
                                                       unsigned need, unika_column *failed,
                                                       unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_RECORD_H */
