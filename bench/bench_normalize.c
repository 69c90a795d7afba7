/*
 * bench_normalize.c - cost of the identifier normalisers per call.
 *
 * The pseudonym budget is about 650 ns per record (1.5 million records/s)
 * for name + birth date + gender + keyed hash, and the hash alone takes
 * about 400 ns, so the normalisers must stay well under 250 ns together.
 * This prints ns per call for typical inputs on the ASCII fast path and on
 * the utf8proc path. Figures only; nothing is asserted.
 *
 *   bench_normalize [iterations]     (default 2,000,000)
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"
#include "benchutil.h"

/* Realistic names, as in the example data (15 bytes on average). */
static const char *const NAMES[] = {
    "Reza Mohammadi", "Hosein Amiri", "Al-Khalil, Samir", "Qasim Jawad Mohammadi",
    "Bilal Qasemi", "Esmail Popal", "SAKINA SULTANI", "Yusuf Tesfay",
};
static const char *const UNICODE_NAMES[] = {
    "Jos\xc3\xa9 M\xc3\xbcller", "\xc3\x85sa \xc3\x85ngstr\xc3\xb6m",
    "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf \xd8\xb9\xd9\x84\xdb\x8c",
    ("O\xe2\x80\x99" "Brien, Se\xc3\xa1n"), /* split so \x99 does not eat the B */
};
static const char *const DATES[] = {"2005-01-04", "20050104", "04/01/2005", "1999"};
static const char *const GENDERS[] = {"man", "M", "female", "pojke", "ok\xc3\xa4nt", ""};

static volatile size_t sink;

#define BENCH(label, list, call)                                                        \
    do {                                                                                \
        size_t n_ = sizeof list / sizeof list[0];                                       \
        size_t bytes_ = 0;                                                              \
        for (size_t j_ = 0; j_ < n_; j_++) bytes_ += strlen(list[j_]);                  \
        long errors_ = 0;                                                               \
        double t0_ = bench_wall_ns();                                                          \
        for (long i_ = 0; i_ < iters; i_++) {                                           \
            const char *s = list[(size_t)i_ % n_];                                      \
            size_t len = strlen(s);                                                     \
            if ((call) != 0) errors_++;                                                 \
        }                                                                               \
        double ns_ = (bench_wall_ns() - t0_) / (double)iters;                                  \
        printf("%-34s %8.1f ns/call  %6.2f M calls/s  avg %4.1f bytes  errors %ld\n",   \
               label, ns_, 1e3 / ns_, (double)bytes_ / (double)n_, errors_);            \
    } while (0)

int main(int argc, char **argv)
{
    long iters = argc > 1 ? atol(argv[1]) : 2000000;
    if (iters <= 0 || unika_init() < 0) return 1;
    char name[UNIKA_NAME_MAX_BYTES];
    size_t name_len = 0;
    unika_date date;
    unika_gender gender;
    char pnr[UNIKA_PERSONNUMMER_BYTES];
    const unika_date ref = {2024, 6, 30};
    static const char *const PNRS[] = {"811218-9876", "198112189876", "701063-2391"};

    printf("unika %s normaliser benchmark, %ld calls each\n", unika_version_string(), iters);
    BENCH("name (ASCII fast path)", NAMES,
          unika_normalize_name(name, sizeof name, &name_len, s, len, NULL));
    sink += name_len;
    BENCH("name (utf8proc path)", UNICODE_NAMES,
          unika_normalize_name(name, sizeof name, &name_len, s, len, NULL));
    sink += name_len;
    BENCH("birth date (automatic shape)", DATES, unika_date_parse(&date, s, len, NULL, NULL));
    sink += (size_t)date.year;
    BENCH("gender", GENDERS, unika_gender_parse(&gender, s, len, NULL));
    sink += (size_t)gender;
    BENCH("personnummer", PNRS, unika_personnummer_normalize(pnr, NULL, s, len, &ref, NULL));
    sink += (size_t)pnr[0];

    /* one record as the pseudonym benchmark normalises it */
    long errors = 0;
    double t0 = bench_wall_ns();
    for (long i = 0; i < iters; i++) {
        const char *n = NAMES[(size_t)i % 8], *d = DATES[(size_t)i % 2], *g = GENDERS[(size_t)i % 2];
        errors += unika_normalize_name(name, sizeof name, &name_len, n, strlen(n), NULL) != 0;
        errors += unika_date_parse(&date, d, strlen(d), NULL, NULL) != 0;
        errors += unika_gender_parse(&gender, g, strlen(g), NULL) != 0;
        sink += name_len + (size_t)date.year + (size_t)gender;
    }
    double ns = (bench_wall_ns() - t0) / (double)iters;
    printf("%-34s %8.1f ns/record %6.2f M records/s  errors %ld\n", "record (name + date + gender)",
           ns, 1e3 / ns, errors);
    return 0;
}
