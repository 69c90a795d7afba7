/*
 * test_normalize_data.c - every identifying cell of the example partnership
 * data (the CSV files in examples/iop-visits/) goes through its normaliser:
 * names, dates, gender codes, personnummer and dossier numbers. The data
 * imitates what partners really export, so a refusal here is a bug in the
 * normaliser (or a format it does not yet know), never acceptable noise.
 *
 * Cross-checks beyond "no error":
 * - the name's ASCII fast path and its utf8proc path agree, and the
 *   normalised name is a fixed point;
 * - a 10-digit Swedish number, with the visit date as the reference date,
 *   gets the century of the person's recorded birth date (samordningsnummer
 *   day - 60), which checks century inference on realistic input;
 * - every gender code maps to what the generator meant by it (truth.json
 *   counts F, M and X).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testutil.h"
#include "unika.h"

#define MAX_FIELDS 16
#define MAX_CELL 512

/* Check's ck_assert marks a point through a pipe on every success, which
 * costs more than the normalisers themselves over 26 000 rows; this one
 * only speaks on failure. */
#define REQUIRE(cond, ...) do { if (!(cond)) ck_abort_msg(__VA_ARGS__); } while (0)

/* A small RFC 4180 reader: fields split on `delim`, "..." quoting with ""
 * for a quote; records end at \n (a preceding \r is dropped). Enough for
 * the example files; the library's own CSV reader is tested elsewhere. */
typedef struct {
    const char *p, *end;
    char delim;
} csv_in;

static int csv_record(csv_in *in, char cells[MAX_FIELDS][MAX_CELL], size_t lens[MAX_FIELDS])
{
    if (in->p >= in->end) return -1;
    int n = 0;
    for (;;) {
        if (n == MAX_FIELDS) return -2;
        size_t len = 0;
        if (in->p < in->end && *in->p == '"') {
            in->p++;
            for (;;) {
                if (in->p >= in->end) return -2; /* unterminated quote */
                if (*in->p == '"') {
                    if (in->p + 1 < in->end && in->p[1] == '"') {
                        cells[n][len++] = '"';
                        in->p += 2;
                        continue;
                    }
                    in->p++;
                    break;
                }
                if (len + 1 >= MAX_CELL) return -2;
                cells[n][len++] = *in->p++;
            }
        } else {
            while (in->p < in->end && *in->p != in->delim && *in->p != '\n') {
                if (len + 1 >= MAX_CELL) return -2;
                cells[n][len++] = *in->p++;
            }
            if (len && cells[n][len - 1] == '\r' && (in->p >= in->end || *in->p == '\n')) len--;
        }
        cells[n][len] = '\0';
        lens[n++] = len;
        if (in->p >= in->end) return n;
        if (*in->p == '\n') { in->p++; return n; }
        if (*in->p == '\r') { in->p++; if (in->p < in->end && *in->p == '\n') in->p++; return n; }
        if (*in->p != in->delim) return -2;
        in->p++;
    }
}

typedef struct {
    const char *file;
    char delim;
    int nfields;
} partner_file;

static const partner_file FILES[] = {
    {"stadsmissionen.csv", ';', 7},
    {"raddabarnen.csv", ',', 7},
    {"rodakorset.csv", ',', 7},
    {"uppsok.csv", ';', 4},
};

static int column(char header[MAX_FIELDS][MAX_CELL], int n, const char *name)
{
    for (int i = 0; i < n; i++)
        if (strcmp(header[i], name) == 0) return i;
    return -1;
}

static void check_name(const char *s, size_t n, const char *where, long line)
{
    char out[UNIKA_NAME_MAX_BYTES], slow[UNIKA_NAME_MAX_BYTES], again[UNIKA_NAME_MAX_BYTES];
    char forced[MAX_CELL + 2];
    unika_error e = {0};
    int rc = unika_normalize_name(out, sizeof out, NULL, s, n, &e);
    REQUIRE(rc == 0, "%s line %ld: name refused: %s", where, line, e.message);
    /* a trailing no-break space forces the utf8proc path */
    memcpy(forced, s, n);
    memcpy(forced + n, "\xc2\xa0", 2);
    rc = unika_normalize_name(slow, sizeof slow, NULL, forced, n + 2, NULL);
    REQUIRE(rc == 0 && strcmp(out, slow) == 0, "%s line %ld: fast and Unicode paths differ",
            where, line);
    rc = unika_normalize_name(again, sizeof again, NULL, out, strlen(out), NULL);
    REQUIRE(rc == 0 && strcmp(again, out) == 0, "%s line %ld: not idempotent", where, line);
}

static unika_date check_date(const char *s, size_t n, const char *where, long line)
{
    unika_date d;
    unika_error e = {0};
    int rc = unika_date_parse(&d, s, n, NULL, &e);
    REQUIRE(rc == 0, "%s line %ld: date refused: %s", where, line, e.message);
    return d;
}

/* The generator's gender codes per partner, and what they stand for. */
static const struct {
    const char *code;
    char meant;
} GENDER_MEANT[] = {
    {"man", 'M'}, {"kvinna", 'F'}, {"annat", 'X'}, {"M", 'M'}, {"F", 'F'}, {"X", 'X'},
    {"male", 'M'}, {"female", 'F'}, {"", 'X'}, {"pojke", 'M'}, {"flicka", 'F'},
    {"ok\xc3\xa4nt", 'X'},
};

static void check_gender(const char *s, size_t n, const char *where, long line)
{
    unika_gender g;
    unika_error e = {0};
    int rc = unika_gender_parse(&g, s, n, &e);
    REQUIRE(rc == 0, "%s line %ld: gender refused: %s", where, line, e.message);
    const char *folded = unika_gender_code(unika_gender_fold(g));
    for (size_t i = 0; i < sizeof GENDER_MEANT / sizeof GENDER_MEANT[0]; i++) {
        if (strcmp(GENDER_MEANT[i].code, s) == 0) {
            REQUIRE(folded[0] == GENDER_MEANT[i].meant, "%s line %ld: gender %s", where,
                          line, folded);
            return;
        }
    }
    ck_abort_msg("%s line %ld: gender code not produced by the generator", where, line);
}

static void check_pnr(const char *s, size_t n, const unika_date *ref, const unika_date *birth,
                      const char *where, long line)
{
    char out[UNIKA_PERSONNUMMER_BYTES];
    unika_pnr_kind kind;
    unika_error e = {0};
    int rc = unika_personnummer_normalize(out, &kind, s, n, ref, &e);
    REQUIRE(rc == 0, "%s line %ld: personnummer refused: %s", where, line, e.message);
    int y = atoi((char[5]){out[0], out[1], out[2], out[3], 0});
    int m = (out[4] - '0') * 10 + (out[5] - '0');
    int d = (out[6] - '0') * 10 + (out[7] - '0') - (kind == UNIKA_PNR_SAMORDNINGSNUMMER ? 60 : 0);
    REQUIRE(y == birth->year && m == birth->month && d == birth->day,
                  "%s line %ld: personnummer date differs from the birth date", where, line);
}

static void check_dossier(const char *s, size_t n, const char *where, long line)
{
    char out[UNIKA_DOSSIER_BYTES];
    unika_error e = {0};
    int rc = unika_dossier_normalize(out, s, n, &e);
    REQUIRE(rc == 0, "%s line %ld: dossier refused: %s", where, line, e.message);
}

START_TEST(every_cell_normalises)
{
    const partner_file *f = &FILES[_i];
    char path[1024];
    snprintf(path, sizeof path, "%s/examples/iop-visits/%s", UNIKA_SOURCE_DIR, f->file);
    size_t size;
    uint8_t *buf = unika_test_read_file(path, &size);
    ck_assert_msg(buf != NULL, "cannot read %s", path);
    csv_in in = {(const char *)buf, (const char *)buf + size, f->delim};

    static char header[MAX_FIELDS][MAX_CELL], cell[MAX_FIELDS][MAX_CELL];
    size_t hlen[MAX_FIELDS], len[MAX_FIELDS];
    int nh = csv_record(&in, header, hlen);
    ck_assert_int_eq(nh, f->nfields);

    /* columns by name; -1 where a partner does not have it */
    int c_name = column(header, nh, "namn");
    if (c_name < 0) c_name = column(header, nh, "full_name");
    int c_first = column(header, nh, "first_name"), c_last = column(header, nh, "last_name");
    int c_visit = column(header, nh, "besoksdatum");
    if (c_visit < 0) c_visit = column(header, nh, "date");
    if (c_visit < 0) c_visit = column(header, nh, "visit_date");
    if (c_visit < 0) c_visit = column(header, nh, "datum");
    int c_birth = column(header, nh, "fodelsedatum");
    if (c_birth < 0) c_birth = column(header, nh, "dob");
    if (c_birth < 0) c_birth = column(header, nh, "birth_date");
    if (c_birth < 0) c_birth = column(header, nh, "fodelsear");
    int c_gender = column(header, nh, "kon");
    if (c_gender < 0) c_gender = column(header, nh, "gender");
    if (c_gender < 0) c_gender = column(header, nh, "sex");
    int c_pnr = column(header, nh, "personnummer");
    int c_swedish10 = column(header, nh, "swedish_id");
    int c_either = column(header, nh, "id_number");
    int c_dossier = column(header, nh, "dossiernummer");
    if (c_dossier < 0) c_dossier = column(header, nh, "migration_board_id");
    ck_assert(c_visit >= 0 && c_birth >= 0 && c_gender >= 0);
    ck_assert(c_name >= 0 || (c_first >= 0 && c_last >= 0));

    long line = 1, rows = 0, numbers = 0, dossiers = 0;
    int n;
    while ((n = csv_record(&in, cell, len)) != -1) {
        REQUIRE(n > 0, "%s: malformed CSV after line %ld", f->file, line);
        line++;
        if (n == 1 && len[0] == 0) continue; /* blank last line */
        REQUIRE(n == nh, "%s line %ld: %d fields", f->file, line, n);
        rows++;
        if (c_name >= 0) {
            check_name(cell[c_name], len[c_name], f->file, line);
        } else {
            char both[2 * MAX_CELL];
            int k = snprintf(both, sizeof both, "%s %s", cell[c_first], cell[c_last]);
            check_name(cell[c_first], len[c_first], f->file, line);
            check_name(cell[c_last], len[c_last], f->file, line);
            check_name(both, (size_t)k, f->file, line);
        }
        unika_date visit = check_date(cell[c_visit], len[c_visit], f->file, line);
        unika_date birth = check_date(cell[c_birth], len[c_birth], f->file, line);
        REQUIRE(visit.day != 0 && birth.year >= 1997 && birth.year <= 2006,
                "%s line %ld: dates outside the generator's range", f->file, line);
        check_gender(cell[c_gender], len[c_gender], f->file, line);
        if (c_pnr >= 0 && len[c_pnr]) {
            check_pnr(cell[c_pnr], len[c_pnr], NULL, &birth, f->file, line);
            numbers++;
        }
        if (c_swedish10 >= 0 && len[c_swedish10]) {
            REQUIRE(len[c_swedish10] == 10, "%s line %ld: not 10 digits", f->file, line);
            check_pnr(cell[c_swedish10], len[c_swedish10], &visit, &birth, f->file, line);
            numbers++;
        }
        if (c_either >= 0 && len[c_either]) {
            if (memchr(cell[c_either], '-', len[c_either])) {
                check_pnr(cell[c_either], len[c_either], NULL, &birth, f->file, line);
                numbers++;
            } else {
                check_dossier(cell[c_either], len[c_either], f->file, line);
                dossiers++;
            }
        }
        if (c_dossier >= 0 && len[c_dossier]) {
            check_dossier(cell[c_dossier], len[c_dossier], f->file, line);
            dossiers++;
        }
    }
    free(buf);
    /* the files are not trivially small, and identifiers do occur */
    ck_assert_int_gt(rows, 1000);
    if (c_pnr >= 0 || c_swedish10 >= 0 || c_either >= 0) ck_assert_int_gt(numbers, 0);
    if (c_dossier >= 0 || c_either >= 0) ck_assert_int_gt(dossiers, 0);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("normalize_data");
    TCase *tc = tcase_create("example data");
    tcase_add_loop_test(tc, every_cell_normalises, 0, (int)(sizeof FILES / sizeof FILES[0]));
    suite_add_tcase(s, tc);
    return s;
}
