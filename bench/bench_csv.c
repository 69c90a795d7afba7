/*
 * bench_csv.c - the CSV reader alone: rows/s, MB/s and ns per row.
 *
 *   bench_csv [FILE [DELIMITER [ENCODING]]]
 *
 * With FILE it reads that file through a file descriptor (the ingest path);
 * without (or with "-"), it builds 2,000,000 rows shaped like the
 * throughput stream (make_iop_visits.py --stream, ~60 bytes, every 50th
 * name quoted with a comma inside, every 10th with "Åsa Öberg") in memory
 * and reads them from there, so the figure has no I/O in it. ENCODING
 * (utf-8, windows-1252, utf-16le, ...) is the reader's; the in-memory rows
 * are then written in it, so the figure includes decoding. Prints figures
 * only; asserts nothing about time.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "unika.h"

static double now(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static double cpu(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

/* The UTF-8 rows in `enc` (the bench's own encoder: U+0000..U+00FF for
 * Windows-1252, which is all the rows hold). Returns the new size. */
static size_t transcode(char **buf, size_t n, unsigned enc)
{
    if (enc == UNIKA_ENCODING_UTF8) return n;
    unsigned char *in = (unsigned char *)*buf, *out = malloc(2 * n + 2);
    if (!out) exit(1);
    size_t o = 0;
    if (enc == UNIKA_ENCODING_UTF16) { out[o++] = 0xFF; out[o++] = 0xFE; }
    for (size_t i = 0; i < n; i++) {
        unsigned cp = in[i];
        if (cp >= 0xC0) cp = ((cp & 0x1Fu) << 6) | (in[++i] & 0x3Fu); /* 2-byte only */
        if (enc == UNIKA_ENCODING_WINDOWS1252) out[o++] = (unsigned char)cp;
        else if (enc == UNIKA_ENCODING_UTF16BE) { out[o++] = (unsigned char)(cp >> 8); out[o++] = (unsigned char)cp; }
        else { out[o++] = (unsigned char)cp; out[o++] = (unsigned char)(cp >> 8); }
    }
    free(*buf);
    *buf = (char *)out;
    return o;
}

int main(int argc, char **argv)
{
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    if (argc > 2) opt.delimiter = argv[2][0];
    if (argc > 3 && unika_encoding_from_name(&opt.encoding, argv[3], strlen(argv[3])) < 0) {
        fprintf(stderr, "bench_csv: unknown encoding %s\n", argv[3]);
        return 2;
    }
    unika_csv *csv = NULL;
    unika_error err = {0};
    char *mem = NULL;
    size_t mem_size = 0;
    int fd = -1;
    const char *what;
    if (argc > 1 && strcmp(argv[1], "-") != 0) {
        fd = open(argv[1], O_RDONLY);
        if (fd < 0) {
            perror(argv[1]);
            return 1;
        }
        if (unika_csv_new_fd(&csv, fd, &opt, &err) < 0) return 1;
        what = argv[1];
    } else {
        const size_t rows = 2000000;
        mem = malloc(rows * 96 + 64);
        if (!mem) return 1;
        size_t o = (size_t)sprintf(mem, "visit_date,name,birth_date,gender,country,dossier\n");
        unsigned long long x = 0x9E3779B97F4A7C15ULL;
        for (size_t i = 0; i < rows; i++) {
            x ^= x << 13, x ^= x >> 7, x ^= x << 17;
            if (i % 50 == 0)
                o += (size_t)sprintf(mem + o, "2024-%02llu-%02llu,\"Haidari, Bilal %llu\",2003-11-02,M,"
                                              "Afghanistan,%08llu\n",
                                     x % 12 + 1, x % 28 + 1, x % 997, x % 100000000);
            else if (i % 10 == 0)
                o += (size_t)sprintf(mem + o, "2024-%02llu-%02llu,\xC3\x85sa \xC3\x96" "berg %llu,2003-11-02,F,"
                                              "Sverige,%08llu\n",
                                     x % 12 + 1, x % 28 + 1, x % 997, x % 100000000);
            else
                o += (size_t)sprintf(mem + o, "2024-%02llu-%02llu,Bilal Haidari %llu,2003-11-02,M,"
                                              "Afghanistan,%08llu\n",
                                     x % 12 + 1, x % 28 + 1, x % 997, x % 100000000);
        }
        mem_size = transcode(&mem, o, opt.encoding);
        if (unika_csv_new_memory(&csv, mem, mem_size, &opt, &err) < 0) return 1;
        what = "in-memory stream-shaped rows";
    }
    double t0 = now(), c0 = cpu();
    unsigned long long rows = 0, fields = 0;
    int rc;
    while ((rc = unika_csv_next(csv, &err)) == 1) {
        rows++;
        fields += unika_csv_field_count(csv);
    }
    double wall = now() - t0, used = cpu() - c0;
    if (rc < 0) {
        fprintf(stderr, "%s\n", err.message);
        return 1;
    }
    unsigned long long bytes = unika_csv_bytes_consumed(csv);
    printf("csv reader on %s, %s\n", what, unika_encoding_name(unika_csv_encoding(csv)));
    printf("  records       %llu (%llu fields)\n", rows, fields);
    printf("  bytes         %llu\n", bytes);
    printf("  wall          %.3f s, cpu %.3f s\n", wall, used);
    printf("  records/s     %.0f (cpu time)\n", (double)rows / used);
    printf("  MB/s          %.0f (cpu time)\n", (double)bytes / used / 1e6);
    printf("  ns/record     %.1f (cpu time)\n", used * 1e9 / (double)rows);
    unika_csv_free(csv);
    if (fd >= 0) close(fd);
    free(mem);
    return 0;
}
