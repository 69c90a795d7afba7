/*
 * unika/normalize.h - identifier normalisers: names, dates, Swedish numbers,
 * Migration Agency dossier numbers, generic digit identifiers, gender codes.
 *
 * A pseudonym is only as good as the agreement on its input: two partners
 * who write the same person's name or birth date differently get different
 * pseudonyms. These functions turn what partners' systems actually export
 * into one canonical text per field. docs/normalisation.md specifies every
 * rule precisely enough to reimplement it.
 *
 *   char name[UNIKA_NAME_MAX_BYTES];
 *   size_t name_len;
 *   unika_date dob;
 *   unika_gender g;
 *   unika_error e = {0};
 *   if (unika_normalize_name(name, sizeof name, &name_len, "Al-Khalil, Samir", 16, &e) < 0
 *       || unika_date_parse(&dob, "1999-05-10", 10, NULL, &e) < 0
 *       || unika_gender_parse(&g, "pojke", 5, &e) < 0)
 *       fprintf(stderr, "%s: %s\n", e.field, e.message);   // never the value
 *   // name == "al khalil samir", dob == {1999, 5, 10}, g == UNIKA_GENDER_MALE
 *
 * Common rules:
 * - Inputs are (pointer, size) pairs; they need not be NUL-terminated and an
 *   embedded NUL byte is invalid. Leading and trailing whitespace is ignored.
 * - Text must be valid UTF-8 (strict: no overlong forms, no surrogates, no
 *   truncated sequences, nothing above U+10FFFF); otherwise UNIKA_EUTF8 with
 *   err->position = 1-based byte offset of the first byte of the bad sequence.
 * - Empty or whitespace-only input fails with UNIKA_EEMPTY (gender excepted:
 *   see unika_gender_parse()).
 * - Every failure fills `err` (when not NULL) with the field name ("name",
 *   "birth_date", "personnummer", "dossier", "digits", "gender") and, where
 *   one applies, the 1-based character position of the offending character.
 *   Messages never contain the value itself: it is personal data.
 * - NULL where a pointer is required gives UNIKA_EINVAL, never a crash.
 * - On failure, text outputs are set to "" when their capacity allows it.
 * - All functions are thread-safe and allocate nothing on the ASCII paths.
 */
#ifndef UNIKA_NORMALIZE_H
#define UNIKA_NORMALIZE_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* ---- names ----------------------------------------------------------- */

#define UNIKA_NAME_MAX_BYTES 256       /* bound on a normalised name incl. NUL */
#define UNIKA_NAME_MAX_INPUT_BYTES 1024 /* longer raw names are refused */

UNIKA_API size_t unika_name_max_bytes(void);

/*! unika_normalize_name() :
 *  Canonical form of a personal name, so that spelling accidents of case,
 *  accents, punctuation, spacing and word order do not change it:
 *   1. Unicode NFKC, full case folding, accents and other combining marks
 *      stripped, default-ignorable characters removed (utf8proc);
 *   2. letters and digits form tokens; everything else (punctuation,
 *      hyphens, apostrophes, symbols, whitespace) separates tokens;
 *   3. tokens are sorted by byte order and joined by single ASCII spaces.
 *  "Surname, Given" and "Given Surname" therefore give the same output, e.g.
 *  "Al-Khalil, Samir" and "SAMIR AL KHALIL" both give "al khalil samir".
 *  Non-Latin scripts are kept (folded, never transliterated).
 *  @param dst           receives the NUL-terminated normalised name
 *  @param dst_capacity  UNIKA_NAME_MAX_BYTES always suffices
 *  @param dst_len       if not NULL, receives strlen(dst) (0 on failure)
 *  @return 0, or
 *          UNIKA_EINVAL   dst or src NULL, or dst_capacity 0;
 *          UNIKA_EUTF8    invalid UTF-8 (position = byte offset);
 *          UNIKA_EEMPTY   empty or whitespace-only;
 *          UNIKA_ENAME    a control, private-use or unassigned character
 *                         (position = character), or no letter or digit;
 *          UNIKA_ETOOLONG src_size > UNIKA_NAME_MAX_INPUT_BYTES, or the
 *                         normalised name needs more than
 *                         UNIKA_NAME_MAX_BYTES bytes;
 *          UNIKA_EBUFFER  dst_capacity too small for this name;
 *          UNIKA_ENOMEM   only for unusually long non-ASCII names. */
UNIKA_API UNIKA_NODISCARD int unika_normalize_name(char *dst, size_t dst_capacity,
                                                   size_t *dst_len, const char *src,
                                                   size_t src_size, unika_error *err);

/* ---- dates ----------------------------------------------------------- */

/* Years outside this range are refused: 1800 is the oldest century of the
 * Swedish population register, 2199 leaves room for any visit date while
 * still catching typos such as 0201 or 9999. */
#define UNIKA_DATE_YEAR_MIN 1800
#define UNIKA_DATE_YEAR_MAX 2199
#define UNIKA_DATE_TEXT_BYTES 11        /* "YYYY-MM-DD" + NUL */
#define UNIKA_DATE_FORMAT_MAX_BYTES 64  /* bound on an explicit format string */

UNIKA_API size_t unika_date_text_bytes(void);

typedef struct unika_date {
    int year;
    int month; /* 1..12, 0 = unknown */
    int day;   /* 1..31, 0 = unknown (always 0 when month is 0) */
} unika_date;

typedef enum unika_date_precision {
    UNIKA_DATE_YEAR = 1,
    UNIKA_DATE_MONTH = 2,
    UNIKA_DATE_DAY = 3
} unika_date_precision;

/*! unika_date_parse() :
 *  Parses a calendar date. With format == NULL the shape decides:
 *  "YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY", "YYYY-MM" (day 0) or "YYYY"
 *  (month and day 0). Otherwise `format` is a NUL-terminated pattern made of
 *  the tokens YYYY, MM, DD and literal punctuation or spaces, e.g.
 *  "DD.MM.YYYY"; YYYY is required, DD requires MM. MM and DD take one or two
 *  digits when a literal or the end follows them, exactly two otherwise.
 *  A format may list up to 8 patterns separated by '|' (spaces around each
 *  '|' are ignored), e.g. "YYYY-MM-DD | YYYY" for a column that holds a
 *  full date at some rows and a bare year at others: the first pattern
 *  whose shape fits decides, and a date impossible under it is an error
 *  (never reinterpreted by a later pattern).
 *  @return 0, or
 *          UNIKA_EINVAL      out or src NULL;
 *          UNIKA_EUTF8       invalid UTF-8;
 *          UNIKA_EEMPTY      empty or whitespace-only;
 *          UNIKA_ETOOLONG    src_size > 64;
 *          UNIKA_EDATEFORMAT bad format string;
 *          UNIKA_EDATE       does not match the format, or none of its
 *                            patterns (position = the furthest mismatching
 *                            character), year outside
 *                            [UNIKA_DATE_YEAR_MIN, UNIKA_DATE_YEAR_MAX], or an
 *                            impossible date (Feb 30, Feb 29 of a non-leap
 *                            year, month 13).
 *  On failure *out is {0, 0, 0}. */
UNIKA_API UNIKA_NODISCARD int unika_date_parse(unika_date *out, const char *src,
                                               size_t src_size, const char *format,
                                               unika_error *err);

/*! unika_date_format() :
 *  Writes the canonical text "YYYY", "YYYY-MM" or "YYYY-MM-DD" (NUL-terminated)
 *  of `date` reduced to `precision`; this is how recipes ask for a birth year
 *  or year-month.
 *  @return 0, or
 *          UNIKA_EINVAL  dst or date NULL, or precision not one of the enum;
 *          UNIKA_EDATE   `date` is not a valid date, or lacks the precision
 *                        asked for (month or day 0);
 *          UNIKA_EBUFFER dst_capacity too small (UNIKA_DATE_TEXT_BYTES suffices). */
UNIKA_API UNIKA_NODISCARD int unika_date_format(char *dst, size_t dst_capacity,
                                                const unika_date *date,
                                                unika_date_precision precision,
                                                unika_error *err);

/*! unika_date_valid() : 1 if `date` is a valid (possibly partial) date in
 *  range, else 0 (also for NULL). */
UNIKA_API int unika_date_valid(const unika_date *date);

/* ---- Swedish personnummer and samordningsnummer ------------------------ */

typedef enum unika_pnr_kind {
    UNIKA_PNR_PERSONNUMMER = 1,
    UNIKA_PNR_SAMORDNINGSNUMMER = 2
} unika_pnr_kind;

#define UNIKA_PERSONNUMMER_BYTES 13 /* 12 digits + NUL */

UNIKA_API size_t unika_personnummer_bytes(void);

/*! unika_personnummer_normalize() :
 *  Accepts YYYYMMDDNNNC, YYYYMMDD-NNNC, YYMMDDNNNC, YYMMDD-NNNC and
 *  YYMMDD+NNNC ('+' = aged 100 or more). Day 61..91 marks a
 *  samordningsnummer (day + 60). The date (day - 60 for a samordningsnummer)
 *  must exist; the Luhn check digit C over YYMMDDNNN must match. For the
 *  10-digit forms the century is the latest one that puts the date on or
 *  before `reference` with an age below 100 ('-' or none), or the one before
 *  it ('+', age 100..199). Writes 12 digits, no separator, NUL-terminated.
 *  @param kind      if not NULL, receives which kind of number it is
 *  @param reference a full date (day precision); required for 10-digit
 *                   forms so the result never depends on the clock
 *  @return 0, or
 *          UNIKA_EINVAL        dst or src NULL, or a 10-digit form without a
 *                              valid full reference date;
 *          UNIKA_EUTF8         invalid UTF-8;
 *          UNIKA_EEMPTY        empty or whitespace-only;
 *          UNIKA_ETOOLONG      src_size > 64;
 *          UNIKA_EPERSONNUMMER not one of the shapes above, a century other
 *                              than 18..20, month outside 1..12, day outside
 *                              1..31 and 61..91 (unknown patterns such as a
 *                              future identitetsnummer fail closed), a date
 *                              that does not exist;
 *          UNIKA_ECHECKDIGIT   wrong check digit (position = the check digit). */
UNIKA_API UNIKA_NODISCARD int unika_personnummer_normalize(char dst[UNIKA_PERSONNUMMER_BYTES],
                                                           unika_pnr_kind *kind,
                                                           const char *src, size_t src_size,
                                                           const unika_date *reference,
                                                           unika_error *err);

/* ---- Migration Agency dossier numbers ---------------------------------- */

#define UNIKA_DOSSIER_BYTES 9 /* 8 digits + NUL */

UNIKA_API size_t unika_dossier_bytes(void);

/*! unika_dossier_normalize() :
 *  Migrationsverket's dossier (LMA) number: 8 digits, usually written
 *  xx-xxxxxx; digital LMA cards append a card serial "/n". Hyphens and
 *  spaces are removed, a final "/" followed by 1..4 digits is dropped, and
 *  exactly 8 digits must remain. Writes them NUL-terminated.
 *  @return 0, or UNIKA_EINVAL (NULL), UNIKA_EUTF8, UNIKA_EEMPTY,
 *          UNIKA_ETOOLONG (src_size > 64), UNIKA_EDOSSIER (any other
 *          character, a bad suffix, or not exactly 8 digits). */
UNIKA_API UNIKA_NODISCARD int unika_dossier_normalize(char dst[UNIKA_DOSSIER_BYTES],
                                                      const char *src, size_t src_size,
                                                      unika_error *err);

/* ---- generic digit identifiers ----------------------------------------- */

#define UNIKA_DIGITS_MAX_BYTES 65        /* up to 64 digits + NUL */
#define UNIKA_DIGITS_MAX_INPUT_BYTES 256

UNIKA_API size_t unika_digits_max_bytes(void);

/*! unika_digits_normalize() :
 *  An opaque numeric identifier: ASCII digits, with spaces, '-', '.' and '/'
 *  removed; leading zeros are kept. Writes the digits NUL-terminated.
 *  @param dst_len if not NULL, receives the number of digits (0 on failure)
 *  @return 0, or UNIKA_EINVAL (NULL, or dst_capacity 0), UNIKA_EUTF8,
 *          UNIKA_EEMPTY, UNIKA_ETOOLONG (src_size > 256 or more than 64
 *          digits), UNIKA_EDIGITS (another character, or no digit at all),
 *          UNIKA_EBUFFER (dst_capacity too small). */
UNIKA_API UNIKA_NODISCARD int unika_digits_normalize(char *dst, size_t dst_capacity,
                                                     size_t *dst_len, const char *src,
                                                     size_t src_size, unika_error *err);

/* ---- gender ------------------------------------------------------------ */

typedef enum unika_gender {
    UNIKA_GENDER_UNKNOWN = 0,
    UNIKA_GENDER_MALE = 1,
    UNIKA_GENDER_FEMALE = 2,
    UNIKA_GENDER_OTHER = 3
} unika_gender;

/*! unika_gender_parse() :
 *  Maps a recorded gender code (trimmed, case-insensitive, NFKC) to the
 *  canonical set. Built in: m, male, man, boy, pojke, kille -> MALE;
 *  f, female, woman, girl, k, kvinna, flicka, tjej -> FEMALE; x, other,
 *  annat, annan, ickebinär, icke-binär, non-binary, nonbinary, nb -> OTHER;
 *  u, unknown, okänt, okänd -> UNKNOWN.
 *  Empty or whitespace-only input is NOT an error: it gives UNKNOWN, because
 *  partners leave the cell empty when the gender is neither male nor female
 *  or not recorded (docs/normalisation.md explains, with the example data).
 *  @return 0, or UNIKA_EINVAL (NULL), UNIKA_EUTF8, UNIKA_ETOOLONG
 *          (src_size > 64), UNIKA_EGENDER (unrecognised code). */
UNIKA_API UNIKA_NODISCARD int unika_gender_parse(unika_gender *out, const char *src,
                                                 size_t src_size, unika_error *err);

/*! unika_gender_code() :
 *  @return the canonical one-letter code "M", "F", "X" (other) or "U"
 *          (unknown); "U" also for values outside the enum. Static string. */
UNIKA_API const char *unika_gender_code(unika_gender gender);

/*! unika_gender_fold() :
 *  The three-way class to use inside recipes and gender tables: MALE and
 *  FEMALE unchanged, OTHER for both OTHER and UNKNOWN (and out-of-range
 *  values). Partners record "neither male nor female" inconsistently (one
 *  writes "annat", another leaves the cell empty, a third writes "okänt"),
 *  so keeping OTHER and UNKNOWN apart in a pseudonym would split one person. */
UNIKA_API unika_gender unika_gender_fold(unika_gender gender);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_NORMALIZE_H */
