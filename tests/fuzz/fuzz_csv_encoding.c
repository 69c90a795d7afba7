/*
 * fuzz_csv_encoding.c - the CSV reader on exports in other encodings, and
 * the decoders behind it (src/input/encoding.c).
 *
 * Byte 0 chooses the encoding (its value mod 5: UTF-8, Windows-1252,
 * UTF-16 by its mark, UTF-16LE, UTF-16BE) and the delimiter (bits 3-4);
 * byte 1 where to split the input in two for the decoder; the rest is the
 * file. Invariants:
 *   - the reader gives the same records and the same outcome from memory
 *     and from a file descriptor, every field UTF-8 without NUL, and a
 *     failure records its code and message;
 *   - decoding in two pieces, split anywhere, gives the same bytes as in
 *     one; the output is within its bound; apart from the decoder's
 *     markers it is valid UTF-8;
 *   - when nothing was marked, encoding the output again gives the input
 *     back (Windows-1252 by the decoder's own table read backwards, UTF-16
 *     by the standard algorithm), so no two inputs decode alike.
 */
#define _GNU_SOURCE
#include <sys/mman.h>
#include <unistd.h>

#include "common/utf8.h"
#include "fuzz_common.h"
#include "input/encoding.h"

typedef struct {
    uint64_t digest, records;
    int rc;
    unika_error err;
} outcome;

static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
    const uint8_t *b = p;
    for (size_t i = 0; i < n; i++) h = (h ^ b[i]) * 0x100000001b3ull;
    return h;
}

static void read_all(outcome *o, unika_csv *csv)
{
    o->digest = 0xcbf29ce484222325ull;
    o->records = 0;
    int rc;
    for (;;) {
        rc = unika_csv_next(csv, &o->err);
        if (rc == UNIKA_EUTF8 || rc == UNIKA_EENCODING) { /* a record refused, not the file */
            fuzz_check_error(rc, &o->err);
            o->digest = fnv(o->digest, &o->err.line, sizeof o->err.line);
            /* The start, the header, or a block of another encoding: sticky. */
            if (o->records == 0 || o->err.column == 0) break;
            continue;
        }
        if (rc != 1) break;
        size_t n = unika_csv_field_count(csv);
        for (size_t i = 0; i < n; i++) {
            size_t len = 0;
            const char *f = unika_csv_field(csv, i, &len);
            FUZZ_REQUIRE(f && f[len] == '\0' && !memchr(f, '\0', len), "field not a C string");
            FUZZ_REQUIRE(unika_utf8_valid(f, len) == 0, "field not valid UTF-8");
            o->digest = fnv(o->digest, &len, sizeof len);
            o->digest = fnv(o->digest, f, len);
        }
        o->records++;
    }
    o->rc = rc;
    if (rc < 0) fuzz_check_error(rc, &o->err);
}

static void reader_agrees(const uint8_t *src, size_t n, const unika_csv_options *opt)
{
    outcome mem = {0}, fd = {0};
    unika_csv *csv = NULL;
    FUZZ_REQUIRE(unika_csv_new_memory(&csv, n ? (const void *)src : "", n, opt, NULL) == 0,
                 "new_memory");
    read_all(&mem, csv);
    unika_csv_free(csv);
    int mfd = memfd_create("fuzz_csv_encoding", MFD_CLOEXEC);
    FUZZ_REQUIRE(mfd >= 0, "memfd_create");
    FUZZ_REQUIRE(n == 0 || write(mfd, src, n) == (ssize_t)n, "write to memfd");
    FUZZ_REQUIRE(lseek(mfd, 0, SEEK_SET) == 0, "lseek");
    FUZZ_REQUIRE(unika_csv_new_fd(&csv, mfd, opt, NULL) == 0, "new_fd");
    read_all(&fd, csv);
    unika_csv_free(csv);
    close(mfd);
    FUZZ_REQUIRE(mem.rc == fd.rc && mem.records == fd.records && mem.digest == fd.digest,
                 "memory and fd readers differ");
    if (mem.rc < 0)
        FUZZ_REQUIRE(mem.err.line == fd.err.line && mem.err.column == fd.err.column,
                     "memory and fd readers place the error differently");
}

/* The output apart from markers is UTF-8; returns the number of markers. */
static size_t check_utf8_between_marks(const uint8_t *p, size_t n)
{
    size_t marks = 0, start = 0;
    for (size_t i = 0; i <= n; i++) {
        if (i < n && !unika_decode_is_mark(p[i])) continue;
        FUZZ_REQUIRE(unika_utf8_valid(p + start, i - start) == 0, "decoded text not UTF-8");
        marks += i < n;
        start = i + 1;
    }
    return marks;
}

/* Windows-1252 or UTF-16 again, from decoded UTF-8 without markers. */
static size_t encode_back(uint8_t *dst, unsigned enc, const uint8_t *p, size_t n)
{
    size_t o = 0;
    for (size_t i = 0; i < n;) {
        uint32_t cp;
        size_t k = unika_utf8_decode(p + i, n - i, &cp);
        FUZZ_REQUIRE(k, "not UTF-8");
        if (enc == UNIKA_ENCODING_WINDOWS1252) {
            int found = -1;
            for (int b = 0; b < 256 && found < 0; b++) { /* the decoder's table, backwards */
                uint8_t one = (uint8_t)b, u[4];
                unika_decoder d = {UNIKA_ENCODING_WINDOWS1252, 0, 0, 0};
                size_t m = unika_decode(&d, &one, 1, u);
                if (m == k && memcmp(u, p + i, k) == 0) found = b;
            }
            FUZZ_REQUIRE(found >= 0, "a decoded character Windows-1252 lacks");
            dst[o++] = (uint8_t)found;
        } else {
            uint16_t units[2];
            size_t nu = 1;
            if (cp >= 0x10000) {
                units[0] = (uint16_t)(0xD800 + ((cp - 0x10000) >> 10));
                units[1] = (uint16_t)(0xDC00 + ((cp - 0x10000) & 0x3FF));
                nu = 2;
            } else {
                units[0] = (uint16_t)cp;
            }
            for (size_t u = 0; u < nu; u++) {
                int le = enc == UNIKA_ENCODING_UTF16LE;
                dst[o++] = (uint8_t)(le ? units[u] : units[u] >> 8);
                dst[o++] = (uint8_t)(le ? units[u] >> 8 : units[u]);
            }
        }
        i += k;
    }
    return o;
}

static void decoder_agrees(unsigned enc, const uint8_t *src, size_t n, size_t cut)
{
    size_t cap = 3 * n + 2 * UNIKA_DECODE_SLACK;
    uint8_t *one = malloc(cap), *two = malloc(cap), *back = malloc(n + 8);
    FUZZ_REQUIRE(one && two && back, "malloc");
    unika_decoder a = {enc, 0, 0, 0}, b = {enc, 0, 0, 0};
    size_t o1 = unika_decode(&a, src, n, one);
    o1 += unika_decode_finish(&a, one + o1);
    size_t o2 = unika_decode(&b, src, cut, two);
    o2 += unika_decode(&b, src + cut, n - cut, two + o2);
    o2 += unika_decode_finish(&b, two + o2);
    FUZZ_REQUIRE(o1 <= 3 * n + UNIKA_DECODE_SLACK, "decoded past the bound");
    FUZZ_REQUIRE(o1 == o2 && memcmp(one, two, o1) == 0, "a split changes the decoding");
    if (check_utf8_between_marks(one, o1) == 0) {
        size_t ob = encode_back(back, enc, one, o1);
        FUZZ_REQUIRE(ob == n && memcmp(back, src, n) == 0, "encoding back differs");
    }
    free(one);
    free(two);
    free(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    if (size < 2) return 0;
    static const char delimiters[] = {';', ',', '\t', '|'};
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.encoding = data[0] % UNIKA_ENCODING_COUNT;
    opt.delimiter = delimiters[(data[0] >> 3) & 3];
    const uint8_t *src = data + 2;
    size_t n = size - 2;
    reader_agrees(src, n, &opt);
    static const unsigned decoders[] = {UNIKA_ENCODING_WINDOWS1252, UNIKA_ENCODING_UTF16LE,
                                        UNIKA_ENCODING_UTF16BE};
    decoder_agrees(decoders[data[0] % 3], src, n, n ? (size_t)data[1] * n / 255 : 0);
    return 0;
}
