/*
 * test_encoding.c - input encodings: Windows-1252 and UTF-16 decoded
 * exactly (against Python's codecs, tests/encodings/make_fixtures.py),
 * split anywhere between blocks, refused by position where they cannot be
 * decoded; spreadsheets and files in another encoding than expected
 * recognised and named with their fix; "did you mean" for names.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/suggest.h"
#include "input/encoding.h"
#include "testutil.h"
#include "unika.h"

static uint8_t *fixture(const char *name, size_t *size)
{
    char path[1024];
    snprintf(path, sizeof path, "%s/tests/encodings/%s", UNIKA_SOURCE_DIR, name);
    uint8_t *p = unika_test_read_file(path, size);
    ck_assert_msg(p != NULL, "cannot read %s", path);
    return p;
}

/* Reads all records of src with `encoding` (header flag on, ';' or '\t')
 * and renders them as "<f1><f2>|...". Returns the first error (or 0). */
static int render(char **out, const uint8_t *src, size_t n, unsigned encoding, char delim,
                  unika_error *err)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = delim;
    opt.encoding = encoding;
    unika_csv *csv = NULL;
    ck_assert_int_eq(unika_csv_new_memory(&csv, src, n, &opt, err), 0);
    size_t cap = 4 * n + 64, used = 0;
    char *dst = malloc(cap);
    dst[0] = '\0';
    int rc;
    while ((rc = unika_csv_next(csv, err)) == 1) {
        for (size_t i = 0; i < unika_csv_field_count(csv); i++)
            used += (size_t)snprintf(dst + used, cap - used, "<%s>", unika_csv_field(csv, i, NULL));
        used += (size_t)snprintf(dst + used, cap - used, "|");
    }
    unika_csv_free(csv);
    *out = dst;
    return rc;
}

START_TEST(cp1252_decodes_every_defined_byte_as_python_does)
{
    size_t n, want_n;
    uint8_t *in = fixture("cp1252-all.bin", &n);
    uint8_t *want = fixture("cp1252-all.utf8", &want_n);
    ck_assert_uint_eq(n, 250);
    uint8_t *out = malloc(3 * n + UNIKA_DECODE_SLACK);
    unika_decoder d = {UNIKA_ENCODING_WINDOWS1252, 0, 0, 0};
    size_t got = unika_decode(&d, in, n, out);
    ck_assert_uint_eq(got, want_n);
    ck_assert(memcmp(out, want, got) == 0);
    ck_assert_uint_eq(unika_decode_finish(&d, out), 0);
    /* The five undefined bytes become markers the UTF-8 check finds. */
    static const uint8_t undefined[] = {0x81, 0x8D, 0x8F, 0x90, 0x9D};
    for (size_t i = 0; i < sizeof undefined; i++) {
        ck_assert_uint_eq(unika_decode(&d, &undefined[i], 1, out), 1);
        ck_assert(unika_decode_is_mark(out[0]));
        ck_assert_uint_ne(unika_utf8_valid(out, 1), 0);
        char hex[8];
        snprintf(hex, sizeof hex, "0x%02X", undefined[i]);
        ck_assert_ptr_nonnull(strstr(unika_decode_mark_reason(out[0]), hex));
    }
    free(in);
    free(want);
    free(out);
}
END_TEST

/* UTF-16 of visits.utf8.csv (with a surrogate pair), split at every byte. */
START_TEST(utf16_split_anywhere_decodes_the_same)
{
    static const char *const files[] = {"visits.utf16le.csv", "visits.utf16be-bom.csv"};
    static const unsigned enc[] = {UNIKA_ENCODING_UTF16LE, UNIKA_ENCODING_UTF16BE};
    size_t want_n;
    uint8_t *want = fixture("visits.utf8.csv", &want_n);
    for (int f = 0; f < 2; f++) {
        size_t n;
        uint8_t *in = fixture(files[f], &n);
        size_t skip = f == 1 ? 2 : 0; /* the BOM */
        uint8_t *out = malloc(3 * n + 2 * UNIKA_DECODE_SLACK);
        for (size_t cut = skip; cut <= n; cut++) {
            unika_decoder d = {enc[f], 0, 0, 0};
            size_t o = unika_decode(&d, in + skip, cut - skip, out);
            o += unika_decode(&d, in + cut, n - cut, out + o);
            o += unika_decode_finish(&d, out + o);
            ck_assert_msg(o == want_n && memcmp(out, want, o) == 0, "%s cut at %zu", files[f], cut);
        }
        free(out);
        free(in);
    }
    free(want);
}
END_TEST

START_TEST(utf16_unpaired_surrogates_and_odd_bytes_are_marked)
{
    uint8_t out[64];
    unika_decoder d = {UNIKA_ENCODING_UTF16LE, 0, 0, 0};
    /* A high surrogate followed by 'A', a lone low surrogate, then 'B' and one odd byte. */
    static const uint8_t in[] = {0x3D, 0xD8, 'A', 0, 0x00, 0xDC, 'B', 0, 'C'};
    size_t o = unika_decode(&d, in, sizeof in, out);
    o += unika_decode_finish(&d, out + o);
    ck_assert_uint_eq(o, 5);
    ck_assert_uint_eq(out[0], 0xFE);
    ck_assert_uint_eq(out[1], 'A');
    ck_assert_uint_eq(out[2], 0xFE);
    ck_assert_uint_eq(out[3], 'B');
    ck_assert_uint_eq(out[4], 0xFF);
    ck_assert_ptr_nonnull(strstr(unika_decode_mark_reason(out[0]), "surrogate"));
    ck_assert_ptr_nonnull(strstr(unika_decode_mark_reason(out[4]), "middle"));
}
END_TEST

/* The reader gives the same records from each encoding of one file. */
START_TEST(reader_gives_utf8_records_whatever_the_encoding)
{
    static const struct {
        const char *file, *twin;
        unsigned enc;
        char delim;
    } cases[] = {
        {"excel.cp1252.csv", "excel.utf8.csv", UNIKA_ENCODING_WINDOWS1252, ';'},
        {"visits.utf16le-bom.txt", "visits.utf8.tsv", UNIKA_ENCODING_UTF16, '\t'},
        {"visits.utf16le.csv", "visits.utf8.csv", UNIKA_ENCODING_UTF16, ';'},
        {"visits.utf16le.csv", "visits.utf8.csv", UNIKA_ENCODING_UTF16LE, ';'},
        {"visits.utf16be-bom.csv", "visits.utf8.csv", UNIKA_ENCODING_UTF16, ';'},
        {"visits.utf16be-bom.csv", "visits.utf8.csv", UNIKA_ENCODING_UTF16BE, ';'},
        {"excel.utf8.csv", "excel.utf8.csv", UNIKA_ENCODING_UTF8, ';'},
    };
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        size_t n, tn;
        uint8_t *in = fixture(cases[i].file, &n), *twin = fixture(cases[i].twin, &tn);
        unika_error e1 = {0}, e2 = {0};
        char *got, *want;
        ck_assert_int_eq(render(&got, in, n, cases[i].enc, cases[i].delim, &e1), 0);
        ck_assert_int_eq(render(&want, twin, tn, UNIKA_ENCODING_UTF8, cases[i].delim, &e2), 0);
        ck_assert_msg(strcmp(got, want) == 0, "%s: %s\n!= %s", cases[i].file, got, want);
        ck_assert_ptr_nonnull(strstr(want, "Åsa Öberg-Ängström"));
        if (cases[i].file[0] == 'v') {
            ck_assert_ptr_nonnull(strstr(got, "Muḥammad ʿAlī al-Ḥasan"));
            ck_assert_ptr_nonnull(strstr(got, "Ali 𝐀 Reza"));
        } else {
            ck_assert_ptr_nonnull(strstr(got, "“Lilla” Märta – Lind…"));
            ck_assert_ptr_nonnull(strstr(got, "Conor O’Brien"));
        }
        free(got);
        free(want);
        free(in);
        free(twin);
    }
}
END_TEST

/* A file over several read blocks, from a descriptor: split code units,
 * surrogate pairs and multi-byte characters meet block ends. */
START_TEST(decoding_streams_across_blocks_from_a_descriptor)
{
    size_t n;
    uint8_t *row = fixture("visits.utf16le.csv", &n);
    size_t copies = (3 * (size_t)UNIKA_CSV_BUFFER_BYTES) / n + 2;
    char path[] = "/tmp/unika-test-enc-XXXXXX";
    int fd = mkstemp(path);
    ck_assert_int_ge(fd, 0);
    ck_assert(write(fd, row, n) == (ssize_t)n); /* header + rows */
    /* The data rows again and again: everything after the header line. */
    size_t header_end = 0;
    while (!(row[header_end] == '\n' && row[header_end + 1] == 0)) header_end++;
    header_end += 2;
    for (size_t i = 0; i < copies; i++)
        ck_assert(write(fd, row + header_end, n - header_end) == (ssize_t)(n - header_end));
    ck_assert_int_eq(lseek(fd, 1, SEEK_SET), 1); /* an odd start: the reader must not care */
    ck_assert_int_eq(lseek(fd, 0, SEEK_SET), 0);
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = ';';
    opt.encoding = UNIKA_ENCODING_UTF16;
    unika_csv *csv = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_csv_new_fd(&csv, fd, &opt, &err), 0);
    size_t records = 0, surrogate_rows = 0;
    int rc;
    while ((rc = unika_csv_next(csv, &err)) == 1) {
        records++;
        ck_assert_uint_eq(unika_csv_field_count(csv), 5);
        if (strstr(unika_csv_field(csv, 1, NULL), "𝐀")) surrogate_rows++;
    }
    ck_assert_msg(rc == 0, "%s", err.message);
    ck_assert_uint_eq(records, 1 + 15 * (copies + 1));
    ck_assert_uint_eq(surrogate_rows, copies + 1);
    ck_assert_uint_eq(unika_csv_encoding(csv), UNIKA_ENCODING_UTF16LE);
    ck_assert_uint_eq(unika_csv_bytes_consumed(csv), (uint64_t)lseek(fd, 0, SEEK_END));
    unika_csv_free(csv);
    close(fd);
    unlink(path);
    free(row);
}
END_TEST

static void expect_refusal(const uint8_t *src, size_t n, unsigned enc, int code,
                           const char *substring)
{
    char *out;
    unika_error err = {0};
    int rc = render(&out, src, n, enc, ';', &err);
    ck_assert_msg(rc == code, "%s: got %d (%s)", substring, rc, err.message);
    ck_assert_msg(strstr(err.message, substring) != NULL, "'%s' not in '%s'", substring,
                  err.message);
    free(out);
}

START_TEST(files_in_another_form_are_named_with_their_fix)
{
    size_t n;
    uint8_t *x = fixture("workbook.xlsx", &n);
    for (unsigned e = 0; e < UNIKA_ENCODING_COUNT; e++)
        expect_refusal(x, n, e, UNIKA_EENCODING,
                       "an Excel workbook (.xlsx), not a CSV file: save it from the spreadsheet "
                       "as \"CSV UTF-8\"");
    free(x);
    static const uint8_t xls[] = {0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1, 0, 0};
    expect_refusal(xls, sizeof xls, UNIKA_ENCODING_UTF8, UNIKA_EENCODING, "(.xls)");
    static const char ods[] = "PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x08\0\0\0"
                              "mimetypeapplication/vnd.oasis.opendocument.spreadsheet";
    expect_refusal((const uint8_t *)ods, sizeof ods - 1, UNIKA_ENCODING_UTF8, UNIKA_EENCODING,
                   "OpenDocument spreadsheet (.ods)");
    static const char zip[] = "PK\x03\x04\x14\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\0\x05\0\0\0"
                              "a.csv";
    expect_refusal((const uint8_t *)zip, sizeof zip - 1, UNIKA_ENCODING_UTF8, UNIKA_EENCODING,
                   "a ZIP archive");

    uint8_t *u16 = fixture("visits.utf16le-bom.txt", &n);
    expect_refusal(u16, n, UNIKA_ENCODING_UTF8, UNIKA_EENCODING,
                   "the file is UTF-16 (little-endian, with a byte-order mark), not UTF-8: put "
                   "\"encoding = utf-16\" in the profile, or save it as \"CSV UTF-8\"");
    expect_refusal(u16, n, UNIKA_ENCODING_WINDOWS1252, UNIKA_EENCODING,
                   "UTF-16 (little-endian, with a byte-order mark), not Windows-1252");
    expect_refusal(u16, n, UNIKA_ENCODING_UTF16BE, UNIKA_EENCODING,
                   "little-endian, with a byte-order mark), not utf-16be");
    free(u16);
    u16 = fixture("visits.utf16le.csv", &n);
    expect_refusal(u16, n, UNIKA_ENCODING_UTF8, UNIKA_EENCODING,
                   "UTF-16 (little-endian, without a byte-order mark), not UTF-8");
    free(u16);
    u16 = fixture("visits.utf16be-bom.csv", &n);
    expect_refusal(u16, n, UNIKA_ENCODING_UTF8, UNIKA_EENCODING, "(big-endian, with a");
    free(u16);

    uint8_t *u8 = fixture("visits.utf8.csv", &n);
    expect_refusal(u8, n, UNIKA_ENCODING_UTF16, UNIKA_EENCODING, "does not look like UTF-16");
    /* UTF-8 read as Windows-1252 would be mojibake: refused, naming the line. */
    expect_refusal(u8, n, UNIKA_ENCODING_WINDOWS1252, UNIKA_EENCODING,
                   "line 2: the file is UTF-8, not Windows-1252");
    free(u8);
    static const char bom8[] = "\xEF\xBB\xBFnamn;kon\r\nAli;man\r\n";
    expect_refusal((const uint8_t *)bom8, sizeof bom8 - 1, UNIKA_ENCODING_WINDOWS1252,
                   UNIKA_EENCODING, "UTF-8's byte-order mark), not Windows-1252");
    expect_refusal((const uint8_t *)bom8, sizeof bom8 - 1, UNIKA_ENCODING_UTF16,
                   UNIKA_EENCODING, "not UTF-16");
}
END_TEST

START_TEST(undecodable_bytes_are_refused_by_position)
{
    static const char cp1252[] = "namn;kon\r\nAli;man\r\nS\xe4ra\x81;kvinna\r\nBo;man\r\n";
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = ';';
    opt.encoding = UNIKA_ENCODING_WINDOWS1252;
    unika_csv *csv = NULL;
    unika_error err = {0};
    ck_assert_int_eq(unika_csv_new_memory(&csv, cp1252, sizeof cp1252 - 1, &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_EENCODING);
    ck_assert_uint_eq(err.line, 3);
    ck_assert_uint_eq(err.column, 1);
    ck_assert_uint_eq(err.position, 6); /* "Sä" is 3 bytes of UTF-8, "ra" 2 more */
    ck_assert_str_eq(err.field, "namn");
    ck_assert_str_eq(err.message,
                     "line 3, column 1 (namn): byte 0x81, which Windows-1252 does not define");
    /* Like invalid UTF-8, the record was consumed: the next one reads. */
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_str_eq(unika_csv_field(csv, 0, NULL), "Bo");
    unika_csv_free(csv);

    /* UTF-16 ending half-way through a character. */
    static const char odd[] = "n\0a\0\r\0\n\0x\0y";
    opt.encoding = UNIKA_ENCODING_UTF16LE;
    ck_assert_int_eq(unika_csv_new_memory(&csv, odd, sizeof odd - 1, &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_EENCODING);
    ck_assert_ptr_nonnull(strstr(err.message, "line 2, column 1 (na): the file ends in the middle"));
    unika_csv_free(csv);
}
END_TEST

START_TEST(utf8_errors_say_when_the_file_looks_like_windows_1252)
{
    unika_error err = {0};
    static const char latin[] = "namn;kon\nS\xe4ra;kvinna\n";
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = ';';
    unika_csv *csv = NULL;
    ck_assert_int_eq(unika_csv_new_memory(&csv, latin, sizeof latin - 1, &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_EUTF8);
    ck_assert_str_eq(err.message, "line 2, column 1 (namn): invalid UTF-8; the file looks like "
                                  "Windows-1252: put \"encoding = windows-1252\" in the profile, "
                                  "or save it as \"CSV UTF-8\"");
    unika_csv_free(csv);
    /* A byte Windows-1252 leaves undefined: plain "invalid UTF-8". */
    static const char other[] = "namn;kon\nS\x81ra;kvinna\n";
    ck_assert_int_eq(unika_csv_new_memory(&csv, other, sizeof other - 1, &opt, &err), 0);
    ck_assert_int_eq(unika_csv_next(csv, &err), 1);
    ck_assert_int_eq(unika_csv_next(csv, &err), UNIKA_EUTF8);
    ck_assert_str_eq(err.message, "line 2, column 1 (namn): invalid UTF-8");
    unika_csv_free(csv);
}
END_TEST

START_TEST(encoding_names)
{
    for (unsigned e = 0; e < UNIKA_ENCODING_COUNT; e++) {
        unsigned back = 99;
        const char *name = unika_encoding_name(e);
        ck_assert_int_eq(unika_encoding_from_name(&back, name, strlen(name)), 0);
        ck_assert_uint_eq(back, e);
    }
    unsigned e = 99;
    ck_assert_int_eq(unika_encoding_from_name(&e, "Windows-1252", 12), 0);
    ck_assert_uint_eq(e, UNIKA_ENCODING_WINDOWS1252);
    ck_assert_int_eq(unika_encoding_from_name(&e, "CP1252", 6), 0);
    ck_assert_int_eq(unika_encoding_from_name(&e, "UTF8", 4), 0);
    ck_assert_uint_eq(e, UNIKA_ENCODING_UTF8);
    ck_assert_int_eq(unika_encoding_from_name(&e, "latin1", 6), UNIKA_EINVAL);
    ck_assert_ptr_null(unika_encoding_name(UNIKA_ENCODING_COUNT));
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    ck_assert_uint_eq(opt.encoding, UNIKA_ENCODING_UTF8);
    opt.encoding = UNIKA_ENCODING_COUNT;
    unika_csv *csv = NULL;
    ck_assert_int_eq(unika_csv_new_memory(&csv, "a", 1, &opt, NULL), UNIKA_EINVAL);
}
END_TEST

START_TEST(did_you_mean)
{
    ck_assert_uint_eq(unika_edit_distance("fullname", 8, "full_name", 9), 1);
    ck_assert_uint_eq(unika_edit_distance("fodelsedatum", 12, "födelsedatum", 13), 1);
    ck_assert_uint_eq(unika_edit_distance("KON", 3, "kön", 4), 1);
    ck_assert_uint_eq(unika_edit_distance("", 0, "abc", 3), 3);
    ck_assert_uint_eq(unika_edit_distance("ingest", 6, "ingets", 6), 2);
    static const char *const cols[] = {"visit_date", "full_name", "birth_date", "sex"};
    ck_assert_uint_eq(unika_suggest("fullname", cols, 4), 1);
    ck_assert_uint_eq(unika_suggest("birthdate", cols, 4), 2);
    ck_assert_uint_eq(unika_suggest("gender", cols, 4), 4); /* nothing close */
    ck_assert_uint_eq(unika_suggest("se", cols, 4), 3);
    ck_assert_uint_eq(unika_suggest("s", cols, 4), 4); /* never the whole name */
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("encoding");
    TCase *tc = tcase_create("encoding");
    tcase_add_test(tc, cp1252_decodes_every_defined_byte_as_python_does);
    tcase_add_test(tc, utf16_split_anywhere_decodes_the_same);
    tcase_add_test(tc, utf16_unpaired_surrogates_and_odd_bytes_are_marked);
    tcase_add_test(tc, reader_gives_utf8_records_whatever_the_encoding);
    tcase_add_test(tc, decoding_streams_across_blocks_from_a_descriptor);
    tcase_add_test(tc, files_in_another_form_are_named_with_their_fix);
    tcase_add_test(tc, undecodable_bytes_are_refused_by_position);
    tcase_add_test(tc, utf8_errors_say_when_the_file_looks_like_windows_1252);
    tcase_add_test(tc, encoding_names);
    tcase_add_test(tc, did_you_mean);
    suite_add_tcase(s, tc);
    return s;
}
