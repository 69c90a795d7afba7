/*
 * fuzz_profile.c - partner profiles, and extraction of rows through them.
 *
 * Input: profile text, optionally followed by a line "%%" and CSV text. The
 * profile is parsed; if it is accepted and CSV follows, the CSV is read with
 * the profile's delimiter, the header bound and every row extracted with
 * all values asked for. Invariants: a failure records its code and message;
 * an accepted profile has a valid delimiter and a non-NULL name; every
 * extracted value is non-empty without NUL, rewritten ones (dates, gender)
 * NUL-terminated at their size, dates valid and canonical, the gender in
 * the enum and its text the gender's code.
 */
#include "fuzz_common.h"

static const char SEPARATOR[] = "\n%%\n";

static void check_record(const unika_profile_record *r)
{
    /* Values are (pointer, size) pairs: an "as written" value (name,
     * country, ids) points into the CSV field, trimmed, so it need not end
     * in NUL at its size; it must hold no NUL. Rewritten values (dates,
     * gender code) are NUL-terminated strings. */
    for (int v = 0; v < UNIKA_VALUE_COUNT; v++) {
        if (!r->text[v]) continue;
        FUZZ_REQUIRE(r->size[v] > 0, "empty value not NULL");
        FUZZ_REQUIRE(memchr(r->text[v], '\0', r->size[v]) == NULL, "NUL inside a value");
    }
    static const unika_value rewritten[] = {UNIKA_VALUE_DATE, UNIKA_VALUE_BIRTH, UNIKA_VALUE_GENDER};
    for (size_t i = 0; i < sizeof rewritten / sizeof rewritten[0]; i++) {
        unika_value v = rewritten[i];
        if (r->text[v])
            FUZZ_REQUIRE(strlen(r->text[v]) == r->size[v], "rewritten value not NUL-terminated");
    }
    if (r->text[UNIKA_VALUE_DATE]) {
        FUZZ_REQUIRE(unika_date_valid(&r->visit) && r->visit.day != 0, "visit date not full");
        FUZZ_REQUIRE(r->size[UNIKA_VALUE_DATE] == 10, "visit date text not YYYY-MM-DD");
    }
    if (r->text[UNIKA_VALUE_BIRTH]) FUZZ_REQUIRE(unika_date_valid(&r->birth), "birth invalid");
    if (r->text[UNIKA_VALUE_GENDER]) {
        FUZZ_REQUIRE(r->gender >= UNIKA_GENDER_UNKNOWN && r->gender <= UNIKA_GENDER_OTHER,
                     "gender out of enum");
        FUZZ_REQUIRE(strcmp(r->text[UNIKA_VALUE_GENDER], unika_gender_code(r->gender)) == 0,
                     "gender text is not the gender's code");
    }
}

static void run_csv(unika_profile *p, const uint8_t *src, size_t n)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = unika_profile_delimiter(p);
    unika_csv *csv = NULL;
    FUZZ_REQUIRE(unika_csv_new_memory(&csv, n ? (const void *)src : "", n, &opt, NULL) == 0,
                 "csv_new_memory refused the profile's delimiter");
    unika_error e = {0};
    if (unika_csv_next(csv, &e) == 1) {
        int rc = unika_profile_bind(p, csv, &e);
        if (rc < 0) fuzz_check_error(rc, &e);
        else {
            for (int c = 0; c < UNIKA_COLUMN_COUNT; c++) {
                long idx = unika_profile_column_index(p, (unika_profile_column)c);
                FUZZ_REQUIRE(idx < (long)unika_csv_field_count(csv), "bound column past the header");
            }
            unika_profile_record rec;
            while (unika_csv_next(csv, &e) == 1) {
                memset(&rec, 0xA5, sizeof rec);
                unika_error re = {0};
                rc = unika_profile_extract(&rec, p, csv, UNIKA_VALUE_MASK_ALL, &re);
                if (rc < 0) fuzz_check_error(rc, &re);
                else check_record(&rec);
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
        FUZZ_REQUIRE((provides & ~UNIKA_VALUE_MASK_ALL) == 0, "provides unknown values");
        if (csv) run_csv(p, csv, csv_n);
        unika_profile_free(p);
    }
    free(text);
    return 0;
}
