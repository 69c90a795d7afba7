/*
 * test_profile.c - partner profiles: the text format and its errors, binding
 * to a header, extraction of canonical values, and the shipped profiles
 * against the bundled partner files.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"
#include "unika/csv.h"
#include "unika/profile.h"

static const struct bad_profile {
    const char *text;
    size_t line; /* 0: a whole-profile check */
    const char *says;
} bad_profiles[] = {
    {"column.name = n\nnonsense\n", 2, "expected 'key = value'"},
    {"column.name = n\ncolour = blue\n", 2, "unknown key"},
    {"# c\n\ncolumn.nickname = n\n", 3, "unknown field"},
    {"column.name = n\ncolumn.name = m\n", 2, "repeated"},
    {"column.name = n\ndelimiter = ab\n", 2, "delimiter"},
    {"column.name = n\ndelimiter = \"\n", 2, "delimiter"},
    {"column.date = d\ndate_format.date = YY-MM\n", 2, "invalid date format"},
    {"column.date = d\ndate_format.visit = YYYY\n", 2, "date or birth_date"},
    {"column.date = d\ndate_format.date = YYYY-MM-DD | YYYY\n", 2, "each a full date"},
    {"column.birth_date = b\ndate_format.birth_date = MM/DD/YYYY | DD/MM/YYYY\n", 2,
     "none taking another's dates"},
    {"column.birth_date = b\ndate_format.birth_date = YYYY-MM-DD | \n", 2,
     "invalid date format"},
    {"column.gender = g\ngender.m = boy\n", 2, "M, F, X or U"},
    {"column.gender = g\ngender.m = M\ngender.M = F\n", 3, "repeated"},
    {"column.name =\n", 1, "no value"},
    {"delimiter = ;\n", 0, "maps no column"},
    {"column.name = n\ncolumn.surname = s\n", 0, "both column.name"},
    {"column.id_auto = i\ncolumn.dossier = d\n", 0, "id_auto together"},
    {"column.name = n\ngender.m = M\n", 0, "no column.gender"},
};

/* ---- reading rows: a value as text, for the assertions below ----------------- */

#define ALL (UNIKA_COLUMN_BIT(UNIKA_COLUMN_DATE) | UNIKA_COLUMN_BIT(UNIKA_COLUMN_NAME) |      \
             UNIKA_COLUMN_BIT(UNIKA_COLUMN_BIRTH_DATE) | UNIKA_COLUMN_BIT(UNIKA_COLUMN_GENDER) | \
             UNIKA_COLUMN_BIT(UNIKA_COLUMN_COUNTRY) | UNIKA_COLUMNS_ID)
#define BIT(c) UNIKA_COLUMN_BIT(UNIKA_COLUMN_##c)

/* NULL when absent or empty (a gender is its code, "U" for an empty cell);
 * dates in canonical form at the precision they were given. */
static const char *vt(const unika_values *v, unika_column c)
{
    static char buf[UNIKA_NAME_MAX_INPUT_BYTES + 1];
    unsigned bit = UNIKA_COLUMN_BIT(c);
    if (!(v->has & bit)) return NULL;
    if (c == UNIKA_COLUMN_GENDER) return unika_gender_code(v->gender);
    if (v->empty & bit) return NULL;
    if (c == UNIKA_COLUMN_DATE || c == UNIKA_COLUMN_BIRTH_DATE) {
        const unika_date *d = c == UNIKA_COLUMN_DATE ? &v->visit : &v->birth;
        unika_date_precision pr = d->day ? UNIKA_DATE_DAY : d->month ? UNIKA_DATE_MONTH
                                                                     : UNIKA_DATE_YEAR;
        ck_assert_int_eq(unika_date_format(buf, sizeof buf, d, pr, NULL), 0);
        return buf;
    }
    snprintf(buf, sizeof buf, "%.*s", (int)v->size[c], v->text[c]);
    return buf;
}

START_TEST(bad_profiles_name_their_line)
{
    const struct bad_profile *t = &bad_profiles[_i];
    unika_profile *p = (unika_profile *)1;
    unika_error err = {0};
    int rc = unika_profile_parse(&p, t->text, strlen(t->text), "x.profile", &err);
    ck_assert_msg(rc == UNIKA_EPROFILE, "case %d: %d %s", _i, rc, err.message);
    ck_assert_ptr_null(p);
    ck_assert_uint_eq(err.line, t->line);
    ck_assert_msg(strstr(err.message, t->says) != NULL, "case %d: %s", _i, err.message);
    ck_assert_msg(strncmp(err.message, "x.profile", 9) == 0, "%s", err.message);
}
END_TEST

START_TEST(profile_text_features)
{
    const char *text = "\xEF\xBB\xBF# comment\r\n"
                       "  name = demo  \r\n"
                       "delimiter = tab\r\n"
                       "column.date = \"Visit date\"\r\n"
                       "COLUMN.Name = Namn\r\n"
                       "gender.Pojke = m\r\n"
                       "column.gender = kön\r\n";
    unika_profile *p = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_profile_parse(&p, text, strlen(text), NULL, &err), 0);
    ck_assert_str_eq(unika_profile_name(p), "demo");
    ck_assert_int_eq(unika_profile_delimiter(p), '\t');
    ck_assert_str_eq(unika_profile_header(p, UNIKA_COLUMN_DATE), "Visit date");
    ck_assert_str_eq(unika_profile_header(p, UNIKA_COLUMN_NAME), "Namn");
    ck_assert_ptr_null(unika_profile_header(p, UNIKA_COLUMN_COUNTRY));
    ck_assert_uint_eq(unika_profile_provides(p), BIT(DATE) | BIT(NAME) | BIT(GENDER));
    ck_assert_int_eq(unika_profile_column_index(p, UNIKA_COLUMN_DATE), -1); /* unbound */

    const char *csvtext = "namn\tkön\tvisit DATE\textra\n"
                          "Ali Reza\tPOJKE\t2019-03-04\tz\n"
                          "Sara\t\t2019-07-01\tz\n"
                          "Omar\tboy\t2019-07\tz\n";
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = unika_profile_delimiter(p);
    unika_csv *csv = NULL;
    ck_assert_int_eq(unika_csv_new_memory(&csv, csvtext, strlen(csvtext), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), 0);
    ck_assert_int_eq(unika_profile_column_index(p, UNIKA_COLUMN_DATE), 2);
    ck_assert_int_eq(unika_profile_column_index(p, UNIKA_COLUMN_GENDER), 1);

    unika_values r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), 0);
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_DATE), "2019-03-04");
    ck_assert_int_eq(r.visit.month, 3);
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_NAME), "Ali Reza");
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_GENDER), "M"); /* profile map, any case */
    ck_assert_ptr_null(vt(&r, UNIKA_COLUMN_COUNTRY));

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, BIT(GENDER), &err), 0);
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_GENDER), "U"); /* empty cell */
    ck_assert_ptr_null(vt(&r, UNIKA_COLUMN_NAME));       /* not asked for */
    ck_assert_ptr_null(vt(&r, UNIKA_COLUMN_DATE));

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    /* built-in codes still apply; a visit date without a day is refused */
    ck_assert_int_eq(unika_profile_read(&r, p, csv, BIT(GENDER), &err), 0);
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_GENDER), "M");
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), UNIKA_EDATE);
    ck_assert_uint_eq(err.line, 4);
    ck_assert_uint_eq(err.column, 3);
    ck_assert_str_eq(err.field, "date");
    ck_assert_ptr_nonnull(strstr(err.message, "visit DATE"));
    unika_csv_free(csv);
    unika_profile_free(p);
}
END_TEST

static unika_profile *load_example(const char *partner)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/profiles/%s.profile", UNIKA_SOURCE_DIR, partner);
    unika_profile *p = NULL;
    unika_error err = {0};
    int rc = unika_profile_load(&p, path, &err);
    ck_assert_msg(rc == 0, "%s: %s", path, err.message);
    return p;
}

/* Röda Korset records a full birth date for some and only the year for
 * others, in one column: its profile lists both patterns. */
START_TEST(full_dates_and_bare_years_in_one_column)
{
    unika_profile *p = load_example("rodakorset");
    unika_error err = {0};
    unika_csv *csv = NULL;
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    const char *text =
        "visit_date,full_name,birth_date,sex,origin,migration_board_id,swedish_id\n"
        "2019-03-04,Hosein Amiri,2005-01-04,male,Afghanistan,,\n"
        "2019-03-05,Hosein Amiri,2005,male,Afghanistan,,\n"
        "2019-03-06,Hosein Amiri,2005-02-30,male,Afghanistan,,\n"
        "2019-03-07,Hosein Amiri,05/2005,male,Afghanistan,,\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, text, strlen(text), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), 0);
    unika_values v;
    memset(&v, 0, sizeof v);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&v, p, csv, ALL, &err), 0);
    ck_assert_str_eq(vt(&v, UNIKA_COLUMN_BIRTH_DATE), "2005-01-04");
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&v, p, csv, ALL, &err), 0);
    ck_assert_str_eq(vt(&v, UNIKA_COLUMN_BIRTH_DATE), "2005");
    ck_assert_int_eq(v.birth.month, 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&v, p, csv, ALL, &err), UNIKA_EDATE);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&v, p, csv, ALL, &err), UNIKA_EDATE);
    ck_assert_ptr_nonnull(strstr(err.message, "expected YYYY-MM-DD or YYYY"));
    unika_csv_free(csv);
    unika_profile_free(p);
}
END_TEST

START_TEST(binding_refuses_missing_columns)
{
    unika_profile *p = load_example("stadsmissionen");
    unika_error err = {0};
    unika_csv *csv = NULL;
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = ';';

    const char *missing = "besoksdatum;namn;fodelsedatum;kon;land;personnummer\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, missing, strlen(missing), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), UNIKA_ECOLUMN);
    ck_assert_str_eq(err.field, "dossiernummer");
    ck_assert_str_eq(err.message, "header line 1: missing column 'dossiernummer' (dossier); "
                                  "the header has 6 columns: besoksdatum, namn, fodelsedatum, "
                                  "kon, land, personnummer");
    unika_csv_free(csv);

    /* A near miss is suggested; unika_profile_find_column() says where. */
    const char *near = "besoksdatum;namn;fodelsedatum;kon;land;personnummer;dossier_nummer\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, near, strlen(near), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    long at = 99;
    ck_assert_int_eq(unika_profile_find_column(p, csv, UNIKA_COLUMN_DOSSIER, &at), -2);
    ck_assert_int_eq(at, 6);
    ck_assert_int_eq(unika_profile_find_column(p, csv, UNIKA_COLUMN_GENDER, &at), 3);
    ck_assert_int_eq(at, -1);
    ck_assert_int_eq(unika_profile_find_column(p, csv, UNIKA_COLUMN_ID_AUTO, &at), -1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), UNIKA_ECOLUMN);
    ck_assert_ptr_nonnull(strstr(err.message, "(dossier); did you mean 'dossier_nummer'? The "
                                              "header has 7 columns: besoksdatum,"));
    ck_assert_int_eq(unika_profile_header_is_data(csv), 0);
    unika_csv_free(csv);

    /* A first line of data: no cell of it is shown, no suggestion made. */
    const char *data = "2019-01-05;Ali Reza;2001-02-03;man;Sverige;;\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, data, strlen(data), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_header_is_data(csv), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), UNIKA_ECOLUMN);
    ck_assert_ptr_null(strstr(err.message, "Ali"));
    ck_assert_ptr_nonnull(strstr(err.message, "the file needs its header line"));
    unika_csv_free(csv);

    /* The profile says ';' but the file uses ',': one header field. */
    const char *commas = "besoksdatum,namn,fodelsedatum,kon,land,personnummer,dossiernummer\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, commas, strlen(commas), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), UNIKA_ECOLUMN);
    ck_assert_ptr_nonnull(strstr(err.message, "delimiter is probably not the profile's ';'"));
    unika_csv_free(csv);

    const char *twice = "besoksdatum;namn;fodelsedatum;kon;land;personnummer;dossiernummer;NAMN\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, twice, strlen(twice), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), UNIKA_ECOLUMN);
    ck_assert_uint_eq(err.column, 8);
    ck_assert_ptr_nonnull(strstr(err.message, "twice"));
    unika_csv_free(csv);
    unika_profile_free(p);
}
END_TEST

START_TEST(rows_with_wrong_field_count_are_refused)
{
    unika_profile *p = load_example("uppsok");
    unika_error err = {0};
    unika_csv *csv = NULL;
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = ';';
    const char *text = "datum;namn;fodelsear;kon\n2019-01-02;A B;2001;pojke\n2019-01-02;A B;2001\n"
                       "2019-01-02;A B;2001;pojke;x\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, text, strlen(text), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), 0);
    unika_values r;
    memset(&r, 0, sizeof r);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), 0);
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_BIRTH_DATE), "2001");
    ck_assert_int_eq(r.birth.year, 2001);
    ck_assert_int_eq(r.birth.month, 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), UNIKA_ECSV);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_uint_eq(err.column, 4);
    ck_assert_ptr_nonnull(strstr(err.message, "3 fields, the header has 4"));
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), UNIKA_ECSV);
    ck_assert_uint_eq(err.column, 5);
    unika_csv_free(csv);
    unika_profile_free(p);
}
END_TEST

START_TEST(id_auto_classifies_by_digit_count)
{
    unika_profile *p = load_example("raddabarnen");
    unika_error err = {0};
    unika_csv *csv = NULL;
    /* 811218-9876 is Skatteverket's valid example; 12-34 is neither kind. */
    const char *text = "date,first_name,last_name,dob,gender,country,id_number\n"
                       "01/02/2019,Samir,Al-Khalil,19990510,M,Syrien,19811218-9876\n"
                       "01/02/2019,Samir,,19990510,M,Syrien,12-345678\n"
                       "01/02/2019,,Al-Khalil,19990510,M,Syrien,\n"
                       "01/02/2019,Samir,Al-Khalil,19990510,M,Syrien,12-34\n"
                       "01/02/2019,Samir,Al-Khalil,19990510,Q,Syrien,\n"
                       "31/02/2019,Samir,Al-Khalil,19990510,M,Syrien,\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, text, strlen(text), NULL, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), 0);
    unika_values r;
    memset(&r, 0, sizeof r);

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), 0);
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_PERSONNUMMER), "198112189876");
    ck_assert_ptr_null(vt(&r, UNIKA_COLUMN_DOSSIER));
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_NAME), "Samir Al-Khalil");
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_BIRTH_DATE), "1999-05-10");
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_DATE), "2019-02-01");
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_COUNTRY), "Syrien");

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), 0);
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_DOSSIER), "12345678");
    ck_assert_ptr_null(vt(&r, UNIKA_COLUMN_PERSONNUMMER));
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_NAME), "Samir");

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), 0);
    ck_assert_ptr_null(vt(&r, UNIKA_COLUMN_DOSSIER));
    ck_assert_ptr_null(vt(&r, UNIKA_COLUMN_PERSONNUMMER));
    ck_assert_str_eq(vt(&r, UNIKA_COLUMN_NAME), "Al-Khalil");

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), UNIKA_EDIGITS);
    ck_assert_uint_eq(err.column, 7);
    ck_assert_str_eq(err.field, "id_auto");
    /* not asked for: no error */
    ck_assert_int_eq(unika_profile_read(&r, p, csv, BIT(NAME), &err), 0);

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), UNIKA_EGENDER);
    ck_assert_uint_eq(err.column, 5);
    ck_assert_uint_eq(err.line, 6);

    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_read(&r, p, csv, ALL, &err), UNIKA_EDATE);
    ck_assert_uint_eq(err.column, 1);
    ck_assert_ptr_null(strstr(err.message, "31/02"));
    unika_csv_free(csv);
    unika_profile_free(p);
}
END_TEST

/* Every shipped profile binds to its partner's file and every row yields a
 * visit date, a name, a birth and a gender: the recipe everyone can compute. */
START_TEST(shipped_profiles_read_the_partner_files)
{
    static const char *const partners[] = {"stadsmissionen", "raddabarnen", "rodakorset", "uppsok"};
    const char *partner = partners[_i];
    unika_profile *p = load_example(partner);
    ck_assert_str_eq(unika_profile_name(p), partner);
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/iop-visits/%s.csv", UNIKA_SOURCE_DIR, partner);
    FILE *f = fopen(path, "rb");
    ck_assert_ptr_nonnull(f);
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = unika_profile_delimiter(p);
    unika_csv *csv = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_csv_new_file(&csv, f, &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_msg(unika_profile_bind(p, csv, &err) == 0, "%s", err.message);
    unika_values r;
    memset(&r, 0, sizeof r);
    size_t rows = 0, with_gender[4] = {0};
    int rc;
    /* Identifiers are left out: the synthetic data holds a few Swedish
     * numbers with birth number 000, which the normaliser rightly refuses. */
    unsigned need = ALL & ~UNIKA_COLUMNS_ID;
    while ((rc = unika_csv_next(csv, &err)) == 1) {
        rc = unika_profile_read(&r, p, csv, need, &err);
        ck_assert_msg(rc == 0, "%s: %s", partner, err.message);
        ck_assert_ptr_nonnull(vt(&r, UNIKA_COLUMN_DATE));
        ck_assert_ptr_nonnull(vt(&r, UNIKA_COLUMN_NAME));
        ck_assert_ptr_nonnull(vt(&r, UNIKA_COLUMN_BIRTH_DATE));
        ck_assert_ptr_nonnull(vt(&r, UNIKA_COLUMN_GENDER));
        ck_assert_int_ge(r.visit.year, 2017);
        ck_assert_int_le(r.visit.year, 2024);
        with_gender[r.gender]++;
        rows++;
    }
    ck_assert_int_eq(rc, 0);
    ck_assert_uint_gt(rows, 3000);
    ck_assert_uint_gt(with_gender[UNIKA_GENDER_MALE], with_gender[UNIKA_GENDER_FEMALE]);
    ck_assert_uint_gt(with_gender[UNIKA_GENDER_FEMALE], 0);
    unika_csv_free(csv);
    fclose(f);
    unika_profile_free(p);
}
END_TEST

START_TEST(load_errors)
{
    unika_profile *p = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_profile_load(&p, "/nonexistent/x.profile", &err), UNIKA_ENOENT);
    ck_assert_int_eq(unika_profile_load(NULL, "x", &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_profile_parse(&p, "column.name = \xC3", 15, NULL, &err), UNIKA_EUTF8);
    ck_assert_ptr_null(unika_column_name(UNIKA_COLUMN_COUNT));
    ck_assert_str_eq(unika_column_name(UNIKA_COLUMN_ID_AUTO), "id_auto");
    ck_assert_str_eq(unika_column_name(UNIKA_COLUMN_DATE), "visit_date");
    ck_assert_str_eq(unika_profile_value_name(UNIKA_COLUMN_BIRTH_DATE), "birth");
    ck_assert_ptr_null(unika_profile_value_name(UNIKA_COLUMN_DIGITS));
    unika_profile_free(NULL);
}
END_TEST

/* The two routes to a pseudonym are one: a CSV row read through a profile
 * gives the same pseudonym as the same cells in a raw record, for every
 * recipe, including an id_auto number and split names. */
START_TEST(profile_route_equals_record_route)
{
    const char *text = "column.date = d\ncolumn.given_name = g\ncolumn.surname = s\n"
                       "column.birth_year = y\ncolumn.gender = k\ngender.pojke = M\n"
                       "column.id_auto = id\ncolumn.country = c\n";
    unika_profile *p = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_profile_parse(&p, text, strlen(text), NULL, &err), 0);
    const char *csvtext = "d,g,s,y,k,id,c\n2019-03-04, Ali ,Reza,2003,POJKE,811218-9876,Iran\n";
    unika_csv *csv = NULL;
    ck_assert_int_eq(unika_csv_new_memory(&csv, csvtext, strlen(csvtext), NULL, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_profile_bind(p, csv, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    unika_values v;
    memset(&v, 0, sizeof v);
    ck_assert_int_eq(unika_profile_read(&v, p, csv, ALL, &err), 0);
    unika_record rec = {0};
    unika_record_set(&rec, UNIKA_COLUMN_DATE, "2019-03-04", 10);
    unika_record_set(&rec, UNIKA_COLUMN_GIVEN_NAME, "Ali", 3);
    unika_record_set(&rec, UNIKA_COLUMN_SURNAME, "Reza", 4);
    unika_record_set(&rec, UNIKA_COLUMN_BIRTH_YEAR, "2003", 4);
    unika_record_set(&rec, UNIKA_COLUMN_GENDER, "pojke", 5);
    unika_record_set(&rec, UNIKA_COLUMN_ID_AUTO, "811218-9876", 11);
    unika_record_set(&rec, UNIKA_COLUMN_COUNTRY, "Iran", 4);
    uint8_t kb[32] = {7};
    unika_key *key = NULL;
    ck_assert_int_eq(unika_key_from_bytes(&key, kb, &err), 0);
    static const char *const recipes[] = {"strict", "loose", "pnr", "name+birth_year+country"};
    for (size_t i = 0; i < sizeof recipes / sizeof recipes[0]; i++) {
        unika_recipe *r = NULL;
        ck_assert_int_eq(unika_recipe_parse(&r, recipes[i], SIZE_MAX, &err), 0);
        uint8_t a[UNIKA_PSEUDONYM_BYTES], b[UNIKA_PSEUDONYM_BYTES];
        ck_assert_msg(unika_pseudonym_from_values(a, key, r, &v, &err) == 0, "%s", err.message);
        ck_assert_msg(unika_pseudonym_from_record(b, key, r, &rec, &err) == 0, "%s", err.message);
        ck_assert_msg(!memcmp(a, b, sizeof a), "recipe %s: the routes differ", recipes[i]);
        unika_recipe_free(r);
    }
    /* dob needs a full birth date: a year alone fails, naming where it sits */
    unika_recipe *dob = NULL;
    ck_assert_int_eq(unika_recipe_parse(&dob, "dob", SIZE_MAX, &err), 0);
    uint8_t x[UNIKA_PSEUDONYM_BYTES];
    ck_assert_int_eq(unika_pseudonym_from_values(x, key, dob, &v, &err), UNIKA_EDATE);
    ck_assert_str_eq(err.field, "birth_date");
    ck_assert_uint_eq(err.line, 2);
    ck_assert_uint_eq(err.column, 4);
    unika_recipe_free(dob);
    unika_key_free(key);
    unika_csv_free(csv);
    unika_profile_free(p);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("profile");
    TCase *tc = tcase_create("profile");
    tcase_add_loop_test(tc, bad_profiles_name_their_line, 0,
                        sizeof bad_profiles / sizeof bad_profiles[0]);
    tcase_add_test(tc, profile_route_equals_record_route);
    tcase_add_test(tc, profile_text_features);
    tcase_add_test(tc, full_dates_and_bare_years_in_one_column);
    tcase_add_test(tc, binding_refuses_missing_columns);
    tcase_add_test(tc, rows_with_wrong_field_count_are_refused);
    tcase_add_test(tc, id_auto_classifies_by_digit_count);
    tcase_add_loop_test(tc, shipped_profiles_read_the_partner_files, 0, 4);
    tcase_add_test(tc, load_errors);
    suite_add_tcase(s, tc);
    return s;
}
