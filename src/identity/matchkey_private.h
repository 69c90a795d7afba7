/*
 * identity/matchkey_private.h - the match-key file's layout constants and
 * the checks its writer and reader share, so that nothing can be written
 * that would not read back (docs/matchkeys.md, "The file"). Never installed.
 */
#ifndef UNIKA_INTERNAL_MATCHKEY_PRIVATE_H
#define UNIKA_INTERNAL_MATCHKEY_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "unika/matchkey_file.h"

/* 81 55 4D 4B 0D 0A 1A 0A: 0x81, "UMK", CR LF, Ctrl-Z, LF (as the sketch's). */
extern const uint8_t UNIKA_MKFILE_MAGIC[8];

enum {
    MK_OFF_VERSION = 8,          /* u16 */
    MK_OFF_MK_VERSION = 10,      /* u16 */
    MK_OFF_PERIOD = 12,          /* u8 */
    MK_OFF_BY_COUNT = 13,        /* u8 */
    MK_OFF_ORG_LEN = 14,         /* u8 */
    MK_OFF_BANDS_LEN = 15,       /* u8 */
    MK_OFF_TOTAL_SIZE = 16,      /* u64 */
    MK_OFF_PROFILE_COUNT = 24,   /* u64 */
    MK_OFF_ROW_COUNT = 32,       /* u64 */
    MK_OFF_VALUE_COUNT = 40,     /* u32 */
    MK_OFF_RESERVED = 44,        /* u32, zero */
    MK_OFF_KEY_FP = 48,          /* 16 bytes */
    MK_HEADER_BYTES = 64,
    MK_CHECKSUM_BYTES = 8,
    MK_MIN_FILE = MK_HEADER_BYTES + 1 + MK_CHECKSUM_BYTES, /* a 1-byte org, nothing else */
    MK_PROFILE_HEAD = 4,         /* gender, flags, key_count u16 */
    MK_VISIT_COUNT_BYTES = 4,
    MK_VISIT_FIXED = 8,          /* year u16, month u8, reserved u8, then the value
                                    indexes (u16 each), then rows u32 */
    MK_MIN_PROFILE = MK_PROFILE_HEAD + UNIKA_MKPROFILE_KEY_BYTES + MK_VISIT_COUNT_BYTES +
                     MK_VISIT_FIXED,
};

/* Bytes of one visit record for `by_count` fields. */
static inline size_t unika_mk_visit_bytes(size_t by_count) { return MK_VISIT_FIXED + 2 * by_count; }

/*
 * Checks a profile's identity: gender, flags and key_count keys of
 * UNIKA_MKPROFILE_KEY_BYTES each, as unika_matchkeys_derive() makes them
 * (docs/matchkeys.md, "Profiles"). Returns 0, or UNIKA_EFORMAT with *what
 * (static text) and *at: the index of the offending key, or key_count when
 * the fault is the set as a whole (a key missing, flags that do not fit).
 */
int unika_mk_identity_check(unsigned gender, unsigned flags, const uint8_t *keys,
                            size_t key_count, const char **what, size_t *at);

/* The org label rule (as `ingest --org`): 1..64 bytes of [A-Za-z0-9._-], not
 * starting with '.'. Returns 0 or the 1-based offending byte. */
size_t unika_mk_org_check(const uint8_t *s, size_t len);

/* Compares the cells (year, month, value indexes) of two visit records:
 * <0, 0, >0. */
int unika_mk_visit_cmp(const uint8_t *a, const uint8_t *b, size_t by_count);

#endif
