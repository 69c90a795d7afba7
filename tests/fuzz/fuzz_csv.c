/*
 * fuzz_csv.c - the CSV reader on untrusted exports.
 *
 * The first input byte chooses the options (delimiter, header flag, UTF-8
 * check, and small bounds so the bound checks are reached with short
 * inputs); the rest is the CSV text. The same bytes are read twice, from
 * memory and from a file descriptor (a memfd), and both readers must give
 * the same records and the same outcome. Per record: every field is
 * NUL-terminated at its stated size with no NUL inside, valid UTF-8 unless
 * the check is off, and within the bounds; the record within max_fields.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

enum { MAX_RECORDS_COMPARED = 4096 };

typedef struct {
    uint64_t digest; /* FNV-1a over every record's fields and sizes */
    uint64_t records;
    int rc;
    unika_error err;
} outcome;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static void read_all(outcome *o, unika_csv *csv, const unika_csv_options *opt)
{
    o->digest = 0xcbf29ce484222325ull;
    o->records = 0;
    int rc;
    while ((rc = unika_csv_next(csv, &o->err)) == 1) {
        size_t n = unika_csv_field_count(csv);
        FUZZ_REQUIRE(n >= 1 && n <= opt->max_fields, "field count out of bounds");
        size_t total = 0;
        for (size_t i = 0; i < n; i++) {
            size_t len = (size_t)-1;
            const char *f = unika_csv_field(csv, i, &len);
            FUZZ_REQUIRE(f != NULL, "field NULL");
            FUZZ_REQUIRE(len <= opt->max_field_bytes, "field over max_field_bytes");
            FUZZ_REQUIRE(f[len] == '\0' && memchr(f, '\0', len) == NULL,
                         "field not NUL-terminated at its size, or NUL inside");
            if (!(opt->flags & UNIKA_CSV_NO_UTF8_CHECK))
                FUZZ_REQUIRE(unika_utf8_valid(f, len) == 0, "field not valid UTF-8");
            total += len;
            o->digest = fnv(o->digest, &len, sizeof len);
            o->digest = fnv(o->digest, f, len);
        }
        FUZZ_REQUIRE(total <= opt->max_record_bytes, "record over max_record_bytes");
        FUZZ_REQUIRE(unika_csv_field(csv, n, NULL) == NULL, "field past the end not NULL");
        FUZZ_REQUIRE(unika_csv_line(csv) >= 1, "line 0");
        o->records++;
    }
    o->rc = rc;
    if (rc < 0) fuzz_check_error(rc, &o->err);
    else FUZZ_REQUIRE(rc == 0, "unika_csv_next returned neither 1, 0 nor an error");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size < 1) return 0;
    static const char delimiters[] = {',', ';', '\t', '|'};
    uint8_t sel = data[0];
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = delimiters[sel & 3];
    opt.flags = ((sel & 4) ? UNIKA_CSV_HEADER : 0) | ((sel & 8) ? UNIKA_CSV_NO_UTF8_CHECK : 0);
    if (sel & 16) { /* small bounds: reach every limit with short inputs */
        opt.max_field_bytes = 1 + (sel >> 5);
        opt.max_fields = 1 + (sel >> 6);
        opt.max_record_bytes = 2 + (sel >> 5);
    }
    const uint8_t *src = data + 1;
    size_t n = size - 1;

    outcome mem = {0}, fd = {0};
    unika_csv *csv = NULL;
    FUZZ_REQUIRE(unika_csv_new_memory(&csv, n ? (const void *)src : "", n, &opt, NULL) == 0,
                 "new_memory");
    read_all(&mem, csv, &opt);
    unika_csv_free(csv);

    int mfd = memfd_create("fuzz_csv", MFD_CLOEXEC);
    FUZZ_REQUIRE(mfd >= 0, "memfd_create");
    FUZZ_REQUIRE(n == 0 || write(mfd, src, n) == (ssize_t)n, "write to memfd");
    FUZZ_REQUIRE(lseek(mfd, 0, SEEK_SET) == 0, "lseek");
    csv = NULL;
    FUZZ_REQUIRE(unika_csv_new_fd(&csv, mfd, &opt, NULL) == 0, "new_fd");
    read_all(&fd, csv, &opt);
    unika_csv_free(csv);
    close(mfd);

    FUZZ_REQUIRE(mem.rc == fd.rc, "memory and fd readers end differently");
    FUZZ_REQUIRE(mem.records == fd.records && mem.digest == fd.digest,
                 "memory and fd readers give different records");
    if (mem.rc < 0)
        FUZZ_REQUIRE(mem.err.line == fd.err.line && mem.err.column == fd.err.column &&
                         mem.err.position == fd.err.position,
                     "memory and fd readers place the error differently");
    return 0;
}
