/*
 * unika/matchkey.h - keyed match keys: every identifying trace of a record,
 * each hashed on its own, for a resolver that groups records into persons.
 *
 * A pseudonym (unika/pseudonym.h) is one keyed hash of one recipe's fields:
 * two records of one person either share it or do not. Match keys keep the
 * parts apart instead: the personnummer, the dossier number, the loose name
 * key, each name token and its one-edit neighbours, the birth year and its
 * revisions, the birth month-day and its day/month swap, the country. A
 * resolver that holds no key can then test "same personnummer", "same
 * tokens, one name nested in the other", "year one higher" by equality of
 * keyed values, without seeing a name or a date (docs/matchkeys.md gives
 * each type's purpose and false-match risk).
 *
 * Each match key is BLAKE2b-128 keyed with the subkey of its DOMAIN, which
 * the partnership key derives once per domain (docs/keys.md); a domain is a
 * kind of value (years, month-days, name tokens, ...). Types of one domain
 * can be equal on purpose: BIRTH_YEAR_SHIFTED_1 of 2001 is BIRTH_YEAR of
 * 2002, a TOKEN_DELETE of "mhmmd" is the TOKEN "mhmd". Keys of different
 * domains, and pseudonyms, are never equal (independent PRFs).
 *
 *   unika_matchkey_input in = {0};
 *   in.name = "amiri hosein"; in.name_size = 12;     // unika_normalize_name()
 *   in.birth = (unika_date){2005, 3, 14};
 *   in.gender = UNIKA_GENDER_MALE;
 *   unika_matchkeys mk;
 *   if (unika_matchkeys_derive(&mk, key, &in, &err) < 0) ...;
 *   for (size_t i = 0; i < mk.count; i++)
 *       use(mk.keys[i].type, mk.keys[i].value);       // 16 bytes each
 *
 * WARNING: the inputs are personal data; they are copied only into stack
 * buffers that are wiped before returning. A match key is pseudonymised
 * personal data: whoever holds the key can test a guessed value against it.
 */
#ifndef UNIKA_MATCHKEY_H
#define UNIKA_MATCHKEY_H

#include "common.h"
#include "error.h"
#include "key.h"
#include "normalize.h"
#include "record.h"

#define UNIKA_MATCHKEY_VERSION 1 /* of the types, domains and encoding below */
#define UNIKA_MATCHKEY_BYTES 16  /* keyed BLAKE2b-128 */
/* A record's match keys: 10 single-valued types, one TOKEN per word and one
 * TOKEN_DELETE per symbol of a normalised name shorter than 256 bytes. */
#define UNIKA_MATCHKEYS_MAX 512

/* The match-key types. The numbers are pinned: files and resolvers use them. */
typedef enum unika_matchkey_type {
    UNIKA_MK_PERSONNUMMER = 1,        /* 12 digits, day 01..31 */
    UNIKA_MK_SAMORDNINGSNUMMER = 2,   /* 12 digits, day 61..91 */
    UNIKA_MK_DOSSIER = 3,             /* 8 digits, card serial stripped */
    UNIKA_MK_NAME = 4,                /* unika_name_loose_key() of the whole name */
    UNIKA_MK_TOKEN = 5,               /* each skeleton of unika_name_loose_tokens() */
    UNIKA_MK_TOKEN_DELETE = 6,        /* each one-symbol deletion of a skeleton of >= 3 */
    UNIKA_MK_BIRTH_YEAR = 7,          /* "YYYY" */
    UNIKA_MK_BIRTH_YEAR_SHIFTED_1 = 8, /* "YYYY" of year + 1, in the year domain */
    UNIKA_MK_BIRTH_YEAR_SHIFTED_2 = 9, /* "YYYY" of year + 2, in the year domain */
    UNIKA_MK_BIRTH_MONTH_DAY = 10,    /* "MM-DD", day precision and not 1 January */
    UNIKA_MK_BIRTH_MONTH_DAY_SWAPPED = 11, /* "DD-MM" read as MM-DD, when valid and different */
    UNIKA_MK_COUNTRY = 12             /* unika_normalize_name() of the country */
} unika_matchkey_type;
#define UNIKA_MK_TYPE_MAX 12

/* The birth date a record's keys carry (flags & UNIKA_MK_PRECISION_MASK), and
 * why it was cut (UNIKA_MK_JAN1). Pinned: stored in match-key files. */
#define UNIKA_MK_PRECISION_NONE 0u  /* no birth date: no year keys */
#define UNIKA_MK_PRECISION_YEAR 1u  /* year keys only */
#define UNIKA_MK_PRECISION_MONTH 2u /* year keys; the month was recorded but has no key */
#define UNIKA_MK_PRECISION_DAY 3u   /* year and month-day keys */
#define UNIKA_MK_PRECISION_MASK 3u
#define UNIKA_MK_JAN1 4u            /* recorded as 1 January: taken as an assessed date,
                                    year precision (docs/matchkeys.md) */
#define UNIKA_MK_FLAGS_ALL 7u

/*
 * One match key. `token` ties a TOKEN_DELETE to the word it deletes a
 * symbol of: the index, among the record's TOKEN keys in their sorted
 * order, of the first TOKEN key with that word's value (so equal words
 * share their deletions). A deletion of two different words is two keys.
 * A resolver needs it to test "these names differ by one edit in one word"
 * (docs/matchkeys.md). It is 0 for every other type.
 */
typedef struct unika_matchkey {
    uint8_t type;                        /* unika_matchkey_type */
    uint8_t value[UNIKA_MATCHKEY_BYTES];
    uint8_t token;                       /* TOKEN_DELETE: its word's TOKEN index */
} unika_matchkey;

/*
 * A record's match keys, sorted by (type, value, token). TOKEN keeps one key
 * per word (a multiset: "mhmd mhmd" gives two); TOKEN_DELETE one per
 * (deletion, word); every other type is a set.
 * Gender is in clear, as recorded (UNKNOWN, MALE, FEMALE, OTHER): it is a
 * cell of every count anyway, and the resolver decides what agrees.
 */
typedef struct unika_matchkeys {
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES]; /* the partnership key's fingerprint */
    unika_gender gender;
    unsigned flags;                          /* UNIKA_MK_PRECISION_* | UNIKA_MK_JAN1 */
    size_t count;
    unika_matchkey keys[UNIKA_MATCHKEYS_MAX];
} unika_matchkeys;

/*
 * A record's identifying values, ALREADY NORMALISED (unika/normalize.h).
 * NULL (or a zero birth year) means the record does not have the value.
 * unika_matchkeys_from_values() normalises a profile row's values into one.
 */
typedef struct unika_matchkey_input {
    const char *name;         /* unika_normalize_name() of the whole name */
    size_t name_size;
    const char *personnummer; /* 12 digits (unika_personnummer_normalize()); day + 60
                                 makes it a samordningsnummer */
    const char *dossier;      /* 8 digits (unika_dossier_normalize()) */
    const char *country;      /* unika_normalize_name() of the country */
    size_t country_size;
    unika_date birth;         /* year 0 = none; month 0 = year only; day 0 = year-month */
    unika_gender gender;
} unika_matchkey_input;

#ifdef __cplusplus
extern "C" {
#endif

UNIKA_API size_t unika_matchkey_bytes(void);
UNIKA_API size_t unika_matchkeys_max(void);

/*! unika_matchkey_type_name() :
 *  @return "personnummer", "samordningsnummer", "dossier", "name", "token",
 *  "token_delete", "birth_year", "birth_year_shifted_1",
 *  "birth_year_shifted_2", "birth_month_day", "birth_month_day_swapped",
 *  "country"; NULL for another number. Static. */
UNIKA_API const char *unika_matchkey_type_name(unsigned type);

/*! unika_matchkey_type_domain() :
 *  @return the domain (1..8) whose subkey hashes the type's values: types
 *  of one domain compare equal on equal values (docs/matchkeys.md); 0 for
 *  another number. */
UNIKA_API unsigned unika_matchkey_type_domain(unsigned type);

/*! unika_matchkey_hash() :
 *  One match key: BLAKE2b-128 keyed with the subkey of the type's domain, of
 *  "unika-mk" || version 1 || domain || value (docs/matchkeys.md). `value`
 *  is the domain's value as encoded there ("2002" for a year, "03-14" for a
 *  month-day): for BIRTH_YEAR_SHIFTED_1 of 2001 pass "2002". No
 *  normalisation and no check of the value's shape: this is the primitive
 *  the known-answer vectors and other implementations check.
 *  @return 0; UNIKA_EINVAL (NULL, or a type outside 1..UNIKA_MK_TYPE_MAX);
 *          UNIKA_EEMPTY (value_size 0); UNIKA_ETOOLONG (more than 255 bytes). */
UNIKA_API UNIKA_NODISCARD int unika_matchkey_hash(uint8_t dst[UNIKA_MATCHKEY_BYTES],
                                                  const unika_key *key, unsigned type,
                                                  const char *value, size_t value_size,
                                                  unika_error *err);

/*! unika_matchkeys_derive() :
 *  Every match key the record's normalised values allow (docs/matchkeys.md,
 *  "Derivation"): identifiers, the name key, its tokens and their
 *  deletions, the birth year and its shifts, the month-day (day precision,
 *  not 1 January) and its swap, the country. out->flags says the birth
 *  precision the keys carry; out->gender is in->gender.
 *  @return 0 and *out filled;
 *          UNIKA_EINVAL   NULL arguments, or a gender outside the enum;
 *          UNIKA_EFIELD   no identifying value: none of name, personnummer,
 *                         dossier (a birth date or country alone is not an
 *                         identity);
 *          UNIKA_EPERSONNUMMER / UNIKA_EDOSSIER  not 12 / 8 digits, or a
 *                         personnummer day outside 01..31 and 61..91;
 *          UNIKA_EDATE    an invalid or out-of-range birth date;
 *          UNIKA_ENAME / UNIKA_EUTF8 / UNIKA_EEMPTY / UNIKA_ETOOLONG
 *                         a name or country that is not normalised.
 *  err->field names the value. On failure out->count is 0. */
UNIKA_API UNIKA_NODISCARD int unika_matchkeys_derive(unika_matchkeys *out,
                                                     const unika_key *key,
                                                     const unika_matchkey_input *in,
                                                     unika_error *err);

/*! unika_matchkey_memo :
 *  The match keys of the values people share, as one key hashed them: a
 *  name's words and their deletions, birth years, month-days and countries
 *  recur across a partner's records, and a record's 10 to 30 keyed hashes
 *  are most of what deriving its keys costs. With a memo each distinct
 *  value is hashed once (identifiers and whole names, mostly one person's,
 *  are hashed every time). It holds personal values (overwritten with
 *  zeros when freed, as when its table moves) and at most 2^20 of them
 *  (80 MiB); one thread at a time. */
typedef struct unika_matchkey_memo unika_matchkey_memo;

/* An empty memo, or NULL when out of memory. */
UNIKA_API unika_matchkey_memo *unika_matchkey_memo_new(void);

/* Wipes and frees; NULL is accepted. */
UNIKA_API void unika_matchkey_memo_free(unika_matchkey_memo *memo);

/*! unika_matchkeys_derive_memo() :
 *  unika_matchkeys_derive(), remembering and reusing value keys in `memo`
 *  (NULL: none): the same keys, byte for byte. A memo given another key
 *  than before forgets what it held. */
UNIKA_API UNIKA_NODISCARD int unika_matchkeys_derive_memo(unika_matchkeys *out,
                                                          const unika_key *key,
                                                          const unika_matchkey_input *in,
                                                          unika_matchkey_memo *memo,
                                                          unika_error *err);

/* The value columns match keys are made of (unika_matchkeys_from_values()). */
#define UNIKA_MATCHKEY_COLUMNS                                                  \
    (UNIKA_COLUMN_BIT(UNIKA_COLUMN_NAME) | UNIKA_COLUMN_BIT(UNIKA_COLUMN_BIRTH_DATE) | \
     UNIKA_COLUMN_BIT(UNIKA_COLUMN_GENDER) | UNIKA_COLUMN_BIT(UNIKA_COLUMN_COUNTRY) |  \
     UNIKA_COLUMNS_ID)

/* Room for the normalised text an unika_matchkey_input points into. */
typedef struct unika_matchkey_text {
    char name[UNIKA_NAME_MAX_BYTES], country[UNIKA_NAME_MAX_BYTES];
    char personnummer[UNIKA_PERSONNUMMER_BYTES], dossier[UNIKA_DOSSIER_BYTES];
} unika_matchkey_text;

/*! unika_matchkey_input_from_values() :
 *  The first half of unika_matchkeys_from_values(): the record's values
 *  normalised into *in, its text in *text (wipe it when done: it is
 *  personal data). For a caller that wants the normalised values, e.g. to
 *  derive the keys of a repeated record once.
 *  @return 0; UNIKA_EINVAL; a normaliser's error, as below. */
UNIKA_API UNIKA_NODISCARD int unika_matchkey_input_from_values(unika_matchkey_input *in,
                                                               unika_matchkey_text *text,
                                                               const unika_values *values,
                                                               unsigned skip,
                                                               unika_column *failed,
                                                               unika_error *err);

/*! unika_matchkeys_from_values() :
 *  The match keys of a record's values (unika_profile_read() for a CSV
 *  row, unika_values_from_record() for a record a program fills): the name,
 *  personnummer (10-digit forms against the record's reference date, else
 *  its visit date), dossier number and country normalised as
 *  docs/normalisation.md says, the birth date and gender as parsed, then
 *  unika_matchkeys_derive(). Absent and empty values are left out, and so
 *  are the value columns in `skip` (a UNIKA_COLUMN_BIT mask): a caller that
 *  could not read a value (a wrong check digit) passes it there and keeps
 *  the record's other keys.
 *  @param failed  may be NULL; on a value's error, its value column
 *  @return 0 and *out filled;
 *          UNIKA_EINVAL (NULL arguments);
 *          UNIKA_EFIELD when no identifying value is left (name,
 *            personnummer, samordningsnummer, dossier);
 *          a normaliser's error (UNIKA_ENAME, UNIKA_EUTF8, UNIKA_ETOOLONG,
 *            UNIKA_EPERSONNUMMER, UNIKA_ECHECKDIGIT, UNIKA_EDOSSIER, ...)
 *            with err->field the value's label (e.g. "given_name+surname")
 *            and err->line, err->column where the values say it was read. */
UNIKA_API UNIKA_NODISCARD int unika_matchkeys_from_values(unika_matchkeys *out,
                                                          const unika_key *key,
                                                          const unika_values *values,
                                                          unsigned skip, unika_column *failed,
                                                          unika_error *err);

/*! unika_matchkeys_from_record() :
 *  The match keys of a raw record a program fills (unika_record_set(), as
 *  for unika_pseudonym_from_record()): its values parsed
 *  (unika_values_from_record()), then unika_matchkeys_from_values(). Every
 *  value the record has is used; one that does not parse or normalise is
 *  an error naming its column (leave out, or pass NULL for, what should not
 *  be used). A 10-digit personnummer takes its century from `reference`,
 *  else the visit date.
 *  @return 0 and *out filled; UNIKA_EINVAL; UNIKA_EFIELD (no identity);
 *          a parser's or normaliser's error with err->field the column. */
UNIKA_API UNIKA_NODISCARD int unika_matchkeys_from_record(unika_matchkeys *out,
                                                          const unika_key *key,
                                                          const unika_record *record,
                                                          unika_error *err);

/*! unika_matchkeys_size() : sizeof(unika_matchkeys), for bindings that lay
 *  it out themselves. */
UNIKA_API size_t unika_matchkeys_size(void);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_MATCHKEY_H */
