/*
 * resp_pfadd.c - writes Redis protocol (RESP) to stdout for the peer benchmark:
 * `trials` HyperLogLog keys, each fed `n` distinct elements with PFADD in
 * batches of 1,000, for `redis-cli --pipe`. Elements are "<trial>:<i>", so
 * every trial sees a fresh set of Redis' own hash values.
 *
 *   resp_pfadd TRIALS N PREFIX
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

enum { BATCH = 1000 };

static void bulk(const char *s)
{
    printf("$%zu\r\n%s\r\n", strlen(s), s);
}

int main(int argc, char **argv)
{
    if (argc != 4) {
        fprintf(stderr, "usage: %s TRIALS N PREFIX\n", argv[0]);
        return 2;
    }
    long trials = atol(argv[1]), n = atol(argv[2]);
    const char *prefix = argv[3];
    char key[64], element[64];
    for (long t = 0; t < trials; t++) {
        snprintf(key, sizeof key, "%s%ld", prefix, t);
        for (long i = 0; i < n; i += BATCH) {
            long count = n - i < BATCH ? n - i : BATCH;
            printf("*%ld\r\n", count + 2);
            bulk("PFADD");
            bulk(key);
            for (long j = 0; j < count; j++) {
                snprintf(element, sizeof element, "%ld:%ld", t, i + j);
                bulk(element);
            }
        }
    }
    return 0;
}
