/*
 * test_csv.c - the CSV reader: RFC 4180 cases, exporter habits, and every
 * refusal with the line and column it names.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "testutil.h"
#include "unika.h"
#include "unika/csv.h"

/* Reads all of `src` and renders it as "<f1><f2>|<f1>|..." so a table row can
 * state the expected records in one string. Returns the first error code
 * (or 0) and leaves the error detail in *err. */
static int render(char *dst, size_t cap, const char *src, size_t n, char delim,
                  unika_error *err)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = delim;
    opt.flags = 0;
    unika_csv *csv = NULL;
    int rc = unika_csv_new_memory(&csv, src, n, &opt, err);
    ck_assert_int_eq(rc, 0);
    size_t used = 0;
    dst[0] = '\0';
    while ((rc = unika_csv_next(csv, err)) == 1) {
        for (size_t i = 0; i < unika_csv_field_count(csv); i++) {
            size_t len;
            const char *f = unika_csv_field(csv, i, &len);
            ck_assert_uint_eq(strlen(f), len);
            used += (size_t)snprintf(dst + used, cap - used, "<%s>", f);
        }
        used += (size_t)snprintf(dst + used, cap - used, "|");
    }
    unika_csv_free(csv);
    return rc;
}

static const struct good_case {
    const char *in;
    char delim;
    const char *want;
} good[] = {
    {"a,b,c\n1,2,3\n", ',', "<a><b><c>|<1><2><3>|"},
    {"a,b,c\r\n1,2,3\r\n", ',', "<a><b><c>|<1><2><3>|"},
    {"a,b\n1,2", ',', "<a><b>|<1><2>|"},               /* no final line end */
    {"a;b\n1,5;2\n", ';', "<a><b>|<1,5><2>|"},          /* other delimiter */
    {"a\tb\nx\ty\n", '\t', "<a><b>|<x><y>|"},
    {"\"a,b\",c\n", ',', "<a,b><c>|"},                  /* embedded delimiter */
    {"\"say \"\"hi\"\"\",x\n", ',', "<say \"hi\"><x>|"}, /* doubled quotes */
    {"\"line1\nline2\",x\n", ',', "<line1\nline2><x>|"}, /* embedded LF */
    {"\"line1\r\nline2\",x\r\n", ',', "<line1\r\nline2><x>|"},
    {"\"\",x\n", ',', "<><x>|"},                        /* empty quoted */
    {",,\n", ',', "<><><>|"},                          /* empty fields */
    {"a,\n", ',', "<a><>|"},
    {"\xEF\xBB\xBF" "a,b\n1,2\n", ',', "<a><b>|<1><2>|"}, /* BOM skipped */
    {"a\n\n\nb\n\r\n", ',', "<a>|<b>|"},                /* blank lines skipped */
    {"", ',', ""},
    {"n\nK\xC3\xA5re \xC3\x85str\xC3\xB6m\n", ',', "<n>|<K\xC3\xA5re \xC3\x85str\xC3\xB6m>|"},
    {"\xF0\x9F\x98\x80,\xE2\x82\xAC\n", ',', "<\xF0\x9F\x98\x80><\xE2\x82\xAC>|"},
    {"\"a\";\"b;c\"\n", ';', "<a><b;c>|"},
};

START_TEST(good_inputs_decode)
{
    const struct good_case *t = &good[_i];
    char out[512];
    unika_error err = {0};
    int rc = render(out, sizeof out, t->in, strlen(t->in), t->delim, &err);
    ck_assert_msg(rc == 0, "case %d: %s", _i, err.message);
    ck_assert_str_eq(out, t->want);
}
END_TEST

static const struct bad_case {
    const char *in;
    size_t len; /* 0: strlen */
    char delim;
    int code;
    uint64_t line, column;
} bad[] = {
    {"a,b\n\"open,x\ny\n", 0, ',', UNIKA_ECSV, 2, 1},     /* quote never closes */
    {"a,b\n1,2\nab\"c,d\n", 0, ',', UNIKA_ECSV, 3, 1},    /* stray quote */
    {"a,b\n1,x\"y\n", 0, ',', UNIKA_ECSV, 2, 2},
    {"a,b\n\"q\"z,1\n", 0, ',', UNIKA_ECSV, 2, 1},        /* text after closing quote */
    {"a,b\r1,2\n", 0, ',', UNIKA_ECSV, 1, 2},             /* bare CR */
    {"a,b\n1,2\0\n", 9, ',', UNIKA_ECSV, 2, 2},          /* NUL */
    {"a,b\n\"1\0\",2\n", 11, ',', UNIKA_ECSV, 2, 1},     /* NUL in quotes */
    {"a,b\n\"x\ny\",\"z\n", 0, ',', UNIKA_ECSV, 2, 2},   /* record spans lines: first line */
    {"a,b\n1,\xC3\n", 0, ',', UNIKA_EUTF8, 2, 2},         /* truncated sequence */
    {"a,b\n1,\xC0\xAF\n", 0, ',', UNIKA_EUTF8, 2, 2},     /* overlong */
    {"a,b\n\xED\xA0\x80,1\n", 0, ',', UNIKA_EUTF8, 2, 1}, /* surrogate */
    {"a,b\n1,\xF4\x90\x80\x80\n", 0, ',', UNIKA_EUTF8, 2, 2}, /* > U+10FFFF */
    {"a,b\n1,\xFF\n", 0, ',', UNIKA_EUTF8, 2, 2},
    {"a,b\n\"x\n\xE9\",1\n", 0, ',', UNIKA_EUTF8, 2, 1},  /* Latin-1 in a multi-line field */
};

START_TEST(bad_inputs_are_refused_with_position)
{
    const struct bad_case *t = &bad[_i];
    char out[512];
    unika_error err = {0};
    size_t n = t->len ? t->len : strlen(t->in);
    int rc = render(out, sizeof out, t->in, n, t->delim, &err);
    ck_assert_msg(rc == t->code, "case %d: got %d (%s)", _i, rc, err.message);
    ck_assert_int_eq(err.code, t->code);
    ck_assert_msg(err.line == t->line, "case %d: line %llu", _i, (unsigned long long)err.line);
    ck_assert_msg(err.column == t->column, "case %d: column %llu", _i,
                  (unsigned long long)err.column);
    ck_assert_ptr_nonnull(strstr(err.message, "line "));
}
END_TEST

START_TEST(utf8_error_is_recoverable_structural_error_is_not)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    unika_csv *csv = NULL;
    unika_error err = {0};
    const char *in = "name,x\nA\xFF,1\nB,2\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, in, strlen(in), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_EUTF8);
    ck_assert_str_eq(err.field, "name"); /* header name, never the value */
    ck_assert_uint_eq(err.position, 2);
    ck_assert_ptr_null(strstr(err.message, "A"));
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_str_eq(unika_csv_field(csv, 0, NULL), "B");
    ck_assert_uint_eq(unika_csv_line(csv), 3);
    ck_assert_int_eq(unika_csv_next(csv, &err), 0);
    unika_csv_free(csv);

    in = "a\n\"x\nb\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, in, strlen(in), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_ECSV);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_ECSV);
    unika_csv_free(csv);
}
END_TEST

START_TEST(bounds_are_enforced)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.max_field_bytes = 4;
    opt.max_fields = 3;
    unika_csv *csv = NULL;
    unika_error err = {0};
    const char *in = "abcd,\"abcd\",x\nabcde\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, in, strlen(in), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_ECSV);
    ck_assert_uint_eq(err.line, 2);
    ck_assert_ptr_nonnull(strstr(err.message, "longer than 4 bytes"));
    unika_csv_free(csv);

    in = "a,b,c,d\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, in, strlen(in), &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_ECSV);
    ck_assert_uint_eq(err.column, 4);
    unika_csv_free(csv);

    /* The default field bound: 64 KiB passes, one byte more does not. */
    unika_csv_options_init(&opt);
    size_t n = UNIKA_CSV_MAX_FIELD_BYTES;
    char *big = malloc(n + 3);
    memset(big, 'x', n + 1);
    big[n + 1] = '\n';
    ck_assert_int_eq(unika_csv_new_memory(&csv, big, n + 2, &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_ECSV);
    unika_csv_free(csv);
    ck_assert_int_eq(unika_csv_new_memory(&csv, big + 1, n + 1, &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_uint_eq(strlen(unika_csv_field(csv, 0, NULL)), n);
    unika_csv_free(csv);
    free(big);
}
END_TEST

START_TEST(bad_options_are_refused)
{
    unika_csv_options opt;
    unika_csv *csv = (unika_csv *)1;
    unika_error err = {0};
    static const char bad_delims[] = {'"', '\r', '\n', '\0', (char)0xC3};
    for (size_t i = 0; i < sizeof bad_delims; i++) {
        unika_csv_options_init(&opt);
        opt.delimiter = bad_delims[i];
        ck_assert_int_eq(unika_csv_delimiter_valid(bad_delims[i]), 0);
        ck_assert_int_eq(unika_csv_new_memory(&csv, "a", 1, &opt, &err), UNIKA_EINVAL);
        ck_assert_ptr_null(csv);
    }
    unika_csv_options_init(&opt);
    opt.max_fields = 0;
    ck_assert_int_eq(unika_csv_new_memory(&csv, "a", 1, &opt, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_csv_new_fd(&csv, -1, NULL, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_csv_new_file(&csv, NULL, NULL, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_csv_new_memory(NULL, "a", 1, NULL, &err), UNIKA_EINVAL);
    ck_assert_int_eq(unika_csv_next(NULL, &err), UNIKA_EINVAL);
    ck_assert_ptr_null(unika_csv_field(NULL, 0, NULL));
    unika_csv_free(NULL);
}
END_TEST

/* A file larger than several read blocks, read through fd and FILE*, with
 * quoted multi-line fields straddling block boundaries, must give exactly
 * the records written. */
START_TEST(streams_across_block_boundaries)
{
    char path[] = "/tmp/unika_test_csv_XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    FILE *w = fdopen(fd, "w");
    const int rows = 40000;
    fputs("\xEF\xBB\xBFid;text\r\n", w);
    for (int i = 0; i < rows; i++) {
        if (i % 7 == 0) fprintf(w, "%d;\"multi\r\nline; \"\"%d\"\"\"\r\n", i, i);
        else fprintf(w, "%d;plain %d\r\n", i, i);
    }
    fclose(w);

    for (int mode = 0; mode < 2; mode++) {
        FILE *r = fopen(path, "rb");
        ck_assert_ptr_nonnull(r);
        unika_csv_options opt;
        unika_csv_options_init(&opt);
        opt.delimiter = ';';
        unika_csv *csv = NULL;
        unika_error err = {0};
        if (mode == 0) ck_assert_int_eq(unika_csv_new_fd(&csv, fileno(r), &opt, &err), 0);
        else ck_assert_int_eq(unika_csv_new_file(&csv, r, &opt, &err), 0);
        ck_assert_int_eq(unika_csv_next(csv, &err), 1);
        ck_assert_str_eq(unika_csv_field(csv, 0, NULL), "id");
        ck_assert_str_eq(unika_csv_header_name(csv, 1), "text");
        uint64_t line = 2;
        char want[64];
        for (int i = 0; i < rows; i++) {
            ck_assert_int_eq(unika_csv_next(csv, &err), 1);
            ck_assert_uint_eq(unika_csv_field_count(csv), 2);
            ck_assert_int_eq(atoi(unika_csv_field(csv, 0, NULL)), i);
            ck_assert_uint_eq(unika_csv_line(csv), line);
            if (i % 7 == 0) {
                snprintf(want, sizeof want, "multi\r\nline; \"%d\"", i);
                line += 2;
            } else {
                snprintf(want, sizeof want, "plain %d", i);
                line += 1;
            }
            ck_assert_str_eq(unika_csv_field(csv, 1, NULL), want);
        }
        ck_assert_int_eq(unika_csv_next(csv, &err), 0);
        ck_assert_uint_gt(unika_csv_bytes_consumed(csv), 40000u * 10);
        unika_csv_free(csv);
        fclose(r);
    }
    unlink(path);
}
END_TEST

/* A BOM split over two reads of a pipe is still a BOM. */
START_TEST(bom_split_across_reads)
{
    int fds[2];
    ck_assert_int_eq(pipe(fds), 0);
    if (fork() == 0) {
        close(fds[0]);
        /* the BOM cut in three writes; its last byte comes with the text */
        const char *parts[] = {"\xEF", "\xBB", ("\xBF" "id,x\n1,2\n")};
        for (int i = 0; i < 3; i++) {
            if (write(fds[1], parts[i], strlen(parts[i])) < 0) _exit(1);
            nanosleep(&(struct timespec){0, 20000000}, NULL);
        }
        _exit(0);
    }
    close(fds[1]);
    unika_csv *csv = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_csv_new_fd(&csv, fds[0], NULL, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_str_eq(unika_csv_field(csv, 0, NULL), "id");
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_str_eq(unika_csv_field(csv, 1, NULL), "2");
    ck_assert_int_eq(unika_csv_next(csv, &err), 0);
    unika_csv_free(csv);
    close(fds[0]);
    int status;
    wait(&status);
}
END_TEST

START_TEST(partner_files_parse)
{
    static const struct { const char *file; char delim; size_t fields; } files[] = {
        {"stadsmissionen.csv", ';', 7},
        {"raddabarnen.csv", ',', 7},
        {"rodakorset.csv", ',', 7},
        {"uppsok.csv", ';', 4},
    };
    for (size_t k = 0; k < sizeof files / sizeof files[0]; k++) {
        char path[1024];
        snprintf(path, sizeof path, "%s/examples/iop-visits/%s", UNIKA_SOURCE_DIR,
                 files[k].file);
        FILE *r = fopen(path, "rb");
        ck_assert_msg(r != NULL, "%s", path);
        unika_csv_options opt;
        unika_csv_options_init(&opt);
        opt.delimiter = files[k].delim;
        unika_csv *csv = NULL;
        unika_error err = {0};
        ck_assert_int_eq(unika_csv_new_file(&csv, r, &opt, &err), 0);
        int rc;
        size_t records = 0;
        while ((rc = unika_csv_next(csv, &err)) == 1) {
            ck_assert_uint_eq(unika_csv_field_count(csv), files[k].fields);
            records++;
        }
        ck_assert_msg(rc == 0, "%s: %s", files[k].file, err.message);
        ck_assert_uint_gt(records, 1000);
        unika_csv_free(csv);
        fclose(r);
    }
}
END_TEST

START_TEST(utf8_validator)
{
    ck_assert_uint_eq(unika_utf8_valid("", 0), 0);
    ck_assert_uint_eq(unika_utf8_valid("plain ascii text here", 21), 0);
    ck_assert_uint_eq(unika_utf8_valid("abcdefghij\x80", 11), 11);
    ck_assert_uint_eq(unika_utf8_valid("\xE2\x82", 2), 1);
    ck_assert_uint_eq(unika_utf8_valid("\xE0\x9F\xBF", 3), 1);  /* overlong 3-byte */
    ck_assert_uint_eq(unika_utf8_valid("\xF0\x8F\xBF\xBF", 4), 1); /* overlong 4-byte */
    ck_assert_uint_eq(unika_utf8_valid("\xEF\xBF\xBF", 3), 0);  /* U+FFFF is valid */
    ck_assert_uint_eq(unika_utf8_valid("\xF4\x8F\xBF\xBF", 4), 0); /* U+10FFFF */
    ck_assert_uint_eq(unika_utf8_valid("ok\xC3\xA9\xC3", 5), 5);
}
END_TEST

/* Property: any table of fields, written with RFC 4180 quoting (quotes
 * around fields holding the delimiter, a quote, CR or LF; quotes doubled),
 * reads back field for field, whatever the delimiter, line ending, and
 * where the reader's blocks fall (read through a pipe-sized fd). Fixed
 * seed; 3000 random records over an alphabet chosen to hit every special
 * case, including multi-byte UTF-8. */
START_TEST(random_tables_round_trip)
{
    static const char *const atoms[] = {"a", "Z", "0", " ", ",", ";", "\"", "\n", "\r\n",
                                        "\xC3\xA5", "\xE2\x82\xAC", "\xF0\x9F\x98\x80", "x y"};
    static const char delims[] = {',', ';', '\t', '|'};
    uint64_t seed = 20171;
    for (int round = 0; round < 8; round++) {
        char delim = delims[round % 4];
        const char *eol = round & 1 ? "\r\n" : "\n";
        size_t nrec = 3000 / 8, nf = 1 + unika_test_splitmix64(&seed) % 9;
        char **want = calloc(nrec * nf, sizeof *want);
        size_t cap = 1 << 20, o = 0;
        char *text = malloc(cap);
        for (size_t r = 0; r < nrec; r++) {
            for (size_t f = 0; f < nf; f++) {
                char field[128];
                size_t fl = 0, natoms = unika_test_splitmix64(&seed) % 8;
                /* never a record that is one empty field: that is a blank line */
                if (nf == 1 && natoms == 0) natoms = 1;
                for (size_t k = 0; k < natoms; k++) {
                    const char *a = atoms[unika_test_splitmix64(&seed) % (sizeof atoms / sizeof *atoms)];
                    memcpy(field + fl, a, strlen(a));
                    fl += strlen(a);
                }
                field[fl] = '\0';
                want[r * nf + f] = strdup(field);
                int quote = strchr(field, delim) || strchr(field, '"') || strchr(field, '\n') ||
                            strchr(field, '\r') || (unika_test_splitmix64(&seed) & 3) == 0;
                if (f) text[o++] = delim;
                if (quote) text[o++] = '"';
                for (size_t i = 0; i < fl; i++) {
                    if (quote && field[i] == '"') text[o++] = '"';
                    text[o++] = field[i];
                }
                if (quote) text[o++] = '"';
            }
            memcpy(text + o, eol, strlen(eol));
            o += strlen(eol);
            ck_assert_uint_lt(o, cap - 2048);
        }
        int fds[2];
        ck_assert_int_eq(pipe(fds), 0);
        if (fork() == 0) { /* writer: small writes, so reads return short blocks */
            close(fds[0]);
            for (size_t i = 0; i < o;) {
                size_t n = 1 + (i * 7919) % 1500;
                if (n > o - i) n = o - i;
                if (write(fds[1], text + i, n) < 0) _exit(1);
                i += n;
            }
            _exit(0);
        }
        close(fds[1]);
        unika_csv_options opt;
        unika_csv_options_init(&opt);
        opt.delimiter = delim;
        opt.flags = 0;
        unika_csv *csv = NULL;
        unika_error err = {0};
        ck_assert_int_eq(unika_csv_new_fd(&csv, fds[0], &opt, &err), 0);
        for (size_t r = 0; r < nrec; r++) {
            ck_assert_msg(unika_csv_next(csv, &err) == 1, "round %d record %zu: %s", round, r,
                          err.message);
            ck_assert_uint_eq(unika_csv_field_count(csv), nf);
            for (size_t f = 0; f < nf; f++)
                ck_assert_str_eq(unika_csv_field(csv, f, NULL), want[r * nf + f]);
        }
        ck_assert_int_eq(unika_csv_next(csv, &err), 0);
        unika_csv_free(csv);
        close(fds[0]);
        int status;
        wait(&status);
        for (size_t i = 0; i < nrec * nf; i++) free(want[i]);
        free(want);
        free(text);
    }
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("csv");
    TCase *tc = tcase_create("csv");
    tcase_add_loop_test(tc, good_inputs_decode, 0, sizeof good / sizeof good[0]);
    tcase_add_loop_test(tc, bad_inputs_are_refused_with_position, 0, sizeof bad / sizeof bad[0]);
    tcase_add_test(tc, utf8_error_is_recoverable_structural_error_is_not);
    tcase_add_test(tc, bounds_are_enforced);
    tcase_add_test(tc, bad_options_are_refused);
    tcase_add_test(tc, streams_across_block_boundaries);
    tcase_add_test(tc, partner_files_parse);
    tcase_add_test(tc, utf8_validator);
    tcase_add_test(tc, random_tables_round_trip);
    tcase_add_test(tc, bom_split_across_reads);
    suite_add_tcase(s, tc);
    return s;
}
