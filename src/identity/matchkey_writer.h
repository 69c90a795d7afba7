/*
 * identity/matchkey_writer.h - a match-key writer's tables, shared by
 * matchkey_file.c (collecting rows) and matchkey_emit.c (writing them in
 * canonical order). Never installed.
 */
#ifndef UNIKA_INTERNAL_MATCHKEY_WRITER_H
#define UNIKA_INTERNAL_MATCHKEY_WRITER_H

#include <stddef.h>
#include <stdint.h>

#include "unika/matchkey_file.h"

/* Open addressing over entry indexes (stored + 1; 0 = empty); the entries
 * keep their own hashes, so growing never rehashes content. */
typedef struct table {
    uint32_t *slot;
    size_t size; /* a power of two, or 0 */
} table;

typedef struct mk_profile {
    uint8_t *id; /* identity bytes, as in the file */
    size_t id_len;
    uint64_t hash;
    size_t visits;
} mk_profile;

typedef struct mk_cell {
    uint32_t profile;
    uint16_t year;
    uint8_t month;
    uint16_t value[UNIKA_MK_MAX_BY]; /* interned value ids */
    uint64_t rows;
    uint64_t hash;
} mk_cell;

typedef struct mk_value {
    char *s;
    size_t len;
    uint64_t hash;
} mk_value;

struct unika_mkwriter {
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES];
    char *org, *bands;
    unika_mk_period period;
    size_t by_count;
    char *by[UNIKA_MK_MAX_BY];
    mk_value *values;
    size_t nvalues, cap_values;
    table vtab;
    mk_profile *profiles;
    size_t nprofiles, cap_profiles;
    table ptab;
    mk_cell *cells;
    size_t ncells, cap_cells;
    table ctab;
    uint64_t rows;
};

#endif
