/*
 * fuzz_profile.c - partner profiles, and reading rows through them.
 *
 * Input: profile text, optionally followed by a line "%%" and CSV text. The
 * profile is parsed; if it is accepted and CSV follows, the CSV is read with
 * the profile's delimiter, the header bound and every row read
 * (unika_profile_read) with all values asked for. Invariants: a failure
 * records its code and message; an accepted profile has a valid delimiter
 * and a non-NULL name; every value read is present or absent as its masks
 * say, text values without NUL, dates valid (a visit date full), the gender
 * in the enum, id_auto numbers normalised to 12 or 8 digits.
 */
#include "fuzz_common.h"

static const char SEPARATOR[] = "\n%%\n";

#define VALUES (UNIKA_COLUMN_BIT(UNIKA_COLUMN_DATE) | UNIKA_COLUMN_BIT(UNIKA_COLUMN_NAME) |      \
                UNIKA_COLUMN_BIT(UNIKA_COLUMN_BIRTH_DATE) | UNIKA_COLUMN_BIT(UNIKA_COLUMN_GENDER) | \
                UNIKA_COLUMN_BIT(UNIKA_COLUMN_COUNTRY) | UNIKA_COLUMNS_ID)

static void check_values(const unika_values *v)
{
    /* Text values are (pointer, size) pairs: an "as written" value (name,
     * country, ids) points into the CSV field, trimmed, so it need not end
     * in NUL at its size; it must hold no NUL, and is empty exactly when
     * the empty bit says so. Parsed values (dates, gender) are valid. */
    FUZZ_REQUIRE((v->has & ~VALUES) == 0, "a value the read was not asked for");
    FUZZ_REQUIRE((v->empty & ~v->has) == 0, "empty but absent");
    static const unika_column text[] = {UNIKA_COLUMN_NAME, UNIKA_COLUMN_COUNTRY,
                                        UNIKA_COLUMN_PERSONNUMMER, UNIKA_COLUMN_DOSSIER};
    for (size_t i = 0; i < sizeof text / sizeof text[0]; i++) {
        unika_column c = text[i];
        if (!(v->has & UNIKA_COLUMN_BIT(c)) || (v->empty & UNIKA_COLUMN_BIT(c))) continue;
        FUZZ_REQUIRE(v->text[c] && v->size[c] > 0, "non-empty value without text");
        FUZZ_REQUIRE(memchr(v->text[c], '\0', v->size[c]) == NULL, "NUL inside a value");
    }
    unsigned set = v->has & ~v->empty;
    if (set & UNIKA_COLUMN_BIT(UNIKA_COLUMN_DATE))
        FUZZ_REQUIRE(unika_date_valid(&v->visit) && v->visit.day != 0, "visit date not full");
    if (set & UNIKA_COLUMN_BIT(UNIKA_COLUMN_BIRTH_DATE))
        FUZZ_REQUIRE(unika_date_valid(&v->birth), "birth invalid");
    if (v->has & UNIKA_COLUMN_BIT(UNIKA_COLUMN_GENDER))
        FUZZ_REQUIRE(v->gender >= UNIKA_GENDER_UNKNOWN && v->gender <= UNIKA_GENDER_OTHER,
                     "gender out of enum");
    if (v->normalised & UNIKA_COLUMN_BIT(UNIKA_COLUMN_PERSONNUMMER))
        FUZZ_REQUIRE(v->size[UNIKA_COLUMN_PERSONNUMMER] == 12, "personnummer not 12 digits");
    if (v->normalised & UNIKA_COLUMN_BIT(UNIKA_COLUMN_DOSSIER))
        FUZZ_REQUIRE(v->size[UNIKA_COLUMN_DOSSIER] == 8, "dossier not 8 digits");
}

static void run_csv(unika_profile *p, const uint8_t *src, size_t n)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = unika_profile_delimiter(p);
    opt.encoding = unika_profile_encoding(p);
    unika_csv *csv = NULL;
    FUZZ_REQUIRE(unika_csv_new_memory(&csv, n ? (const void *)src : "", n, &opt, NULL) == 0,
                 "csv_new_memory refused the profile's delimiter");
    unika_error e = {0};
    if (unika_csv_next(csv, &e) == 1) {
        int rc = unika_profile_bind(p, csv, &e);
        if (rc < 0) fuzz_check_error(rc, &e);
        else {
            for (int c = 0; c < UNIKA_COLUMN_COUNT; c++) {
                long idx = unika_profile_column_index(p, (unika_column)c);
                FUZZ_REQUIRE(idx < (long)unika_csv_field_count(csv), "bound column past the header");
            }
            static unika_values values;
            while (unika_csv_next(csv, &e) == 1) {
                memset(&values, 0xA5, sizeof values);
                values.has = values.empty = values.normalised = 0;
                unika_error re = {0};
                rc = unika_profile_read(&values, p, csv, VALUES, &re);
                if (rc < 0) fuzz_check_error(rc, &re);
                else check_values(&values);
            }
        }
    }
    unika_csv_free(csv);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    size_t text_n = size;
    const uint8_t *csv = NULL;
    size_t csv_n = 0;
    for (size_t i = 0; i + 4 <= size; i++)
        if (memcmp(data + i, SEPARATOR, 4) == 0) {
            text_n = i + 1; /* keep the profile's last newline */
            csv = data + i + 4;
            csv_n = size - i - 4;
            break;
        }
    char *text = malloc(text_n ? text_n : 1); /* exact size: no read past the end */
    FUZZ_REQUIRE(text != NULL, "malloc");
    memcpy(text, data, text_n);

    unika_profile *p = NULL;
    unika_error e = {0};
    int rc = unika_profile_parse(&p, text, text_n, "fuzz.profile", &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(p == NULL, "profile set on failure");
    } else {
        FUZZ_REQUIRE(p != NULL && unika_profile_name(p) != NULL, "no profile or name");
        FUZZ_REQUIRE(unika_csv_delimiter_valid(unika_profile_delimiter(p)), "bad delimiter");
        unsigned provides = unika_profile_provides(p);
        FUZZ_REQUIRE((provides & ~VALUES) == 0, "provides unknown values");
        if (csv) run_csv(p, csv, csv_n);
        unika_profile_free(p);
    }
    free(text);
    return 0;
}
