/*
 * normalize_gender.c - recorded gender codes to a small canonical set.
 *
 * Each partner's system has its own codes: "man/kvinna/annat",
 * "M/F/X", "male/female/(empty)", "pojke/flicka/okänt". Counting by gender
 * and recipes that include gender need one vocabulary: M, F, X (neither,
 * or non-binary) and U (unknown). The table below is the whole vocabulary;
 * anything else is refused so that a new code is noticed, not guessed.
 */
#include <stdlib.h>
#include <string.h>

#include <utf8proc.h>

#include "common/common.h"
#include "identity/normalize_private.h"
#include "unika/normalize.h"

static const char FIELD[] = "gender";

#define GENDER_MAX_INPUT_BYTES 64

/* Codes in their folded form (NFKC + case folding), Swedish and English. */
static const struct {
    const char *code;
    unika_gender gender;
} GENDER_CODES[] = {
    {"m", UNIKA_GENDER_MALE},         {"male", UNIKA_GENDER_MALE},
    {"man", UNIKA_GENDER_MALE},       {"boy", UNIKA_GENDER_MALE},
    {"pojke", UNIKA_GENDER_MALE},     {"kille", UNIKA_GENDER_MALE},
    {"f", UNIKA_GENDER_FEMALE},       {"female", UNIKA_GENDER_FEMALE},
    {"woman", UNIKA_GENDER_FEMALE},   {"girl", UNIKA_GENDER_FEMALE},
    {"k", UNIKA_GENDER_FEMALE},       {"kvinna", UNIKA_GENDER_FEMALE},
    {"flicka", UNIKA_GENDER_FEMALE},  {"tjej", UNIKA_GENDER_FEMALE},
    {"x", UNIKA_GENDER_OTHER},        {"other", UNIKA_GENDER_OTHER},
    {"annat", UNIKA_GENDER_OTHER},    {"annan", UNIKA_GENDER_OTHER},
    {"ickebinär", UNIKA_GENDER_OTHER}, {"icke-binär", UNIKA_GENDER_OTHER},
    {"icke binär", UNIKA_GENDER_OTHER}, {"ickebinar", UNIKA_GENDER_OTHER},
    {"icke-binar", UNIKA_GENDER_OTHER}, {"non-binary", UNIKA_GENDER_OTHER},
    {"nonbinary", UNIKA_GENDER_OTHER}, {"non binary", UNIKA_GENDER_OTHER},
    {"nb", UNIKA_GENDER_OTHER},
    {"u", UNIKA_GENDER_UNKNOWN},      {"unknown", UNIKA_GENDER_UNKNOWN},
    {"okänt", UNIKA_GENDER_UNKNOWN},  {"okänd", UNIKA_GENDER_UNKNOWN},
    {"okant", UNIKA_GENDER_UNKNOWN},  {"okand", UNIKA_GENDER_UNKNOWN},
};

static int lookup(unika_gender *out, const uint8_t *key, size_t n)
{
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(GENDER_CODES); i++) {
        const char *c = GENDER_CODES[i].code;
        if (strlen(c) == n && memcmp(c, key, n) == 0) {
            *out = GENDER_CODES[i].gender;
            return 1;
        }
    }
    return 0;
}

int unika_gender_parse(unika_gender *out, const char *src, size_t src_size, unika_error *err)
{
    if (!out) return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "gender: output is NULL");
    *out = UNIKA_GENDER_UNKNOWN;
    size_t begin, end;
    /* First without `err`: an empty cell is not an error here, and the
     * caller's detail (line, column) must stay untouched on success. */
    int rc = unika_field_prepare(FIELD, src, src_size, GENDER_MAX_INPUT_BYTES, &begin, &end, NULL);
    if (rc == UNIKA_EEMPTY) {
        /* How partners write "not male or female" or "not recorded"
         * (docs/normalisation.md): unknown. */
        return 0;
    }
    if (rc) return unika_field_prepare(FIELD, src, src_size, GENDER_MAX_INPUT_BYTES, &begin,
                                       &end, err);
    const uint8_t *s = (const uint8_t *)src + begin;
    size_t n = end - begin;

    /* Fast path: ASCII and the precomposed Swedish letters å ä ö (the only
     * non-ASCII characters in the table) fold by hand exactly as NFKC +
     * case folding would; anything else goes through utf8proc. */
    uint8_t folded_fast[GENDER_MAX_INPUT_BYTES];
    int fast = 1;
    for (size_t i = 0; i < n && fast; i++) {
        uint8_t c = s[i];
        if (c < 0x80) {
            folded_fast[i] = (c >= 'A' && c <= 'Z') ? (uint8_t)(c | 0x20) : c;
        } else if (c == 0xC3 && i + 1 < n &&
                   (s[i + 1] == 0x84 || s[i + 1] == 0x85 || s[i + 1] == 0x96 ||   /* Ä Å Ö */
                    s[i + 1] == 0xA4 || s[i + 1] == 0xA5 || s[i + 1] == 0xB6)) { /* ä å ö */
            folded_fast[i] = 0xC3;
            folded_fast[i + 1] = (uint8_t)(s[i + 1] | 0x20);
            i++;
        } else {
            fast = 0;
        }
    }
    int found;
    if (fast) {
        found = lookup(out, folded_fast, n);
    } else {
        utf8proc_uint8_t *folded = NULL;
        utf8proc_ssize_t m = utf8proc_map(s, (utf8proc_ssize_t)n, &folded,
                                          UTF8PROC_STABLE | UTF8PROC_COMPAT |
                                              UTF8PROC_COMPOSE | UTF8PROC_CASEFOLD);
        if (m < 0) {
            free(folded); /* alloc: not the host's (utf8proc_map's buffer) */
            return m == UTF8PROC_ERROR_NOMEM
                       ? unika_fail_at(err, UNIKA_ENOMEM, FIELD, 0, "gender: out of memory")
                       : unika_fail_at(err, UNIKA_EGENDER, FIELD, 0,
                                       "gender: cannot be normalised");
        }
        found = lookup(out, folded, (size_t)m);
        free(folded); /* alloc: not the host's (utf8proc_map's buffer) */
    }
    if (!found) {
        *out = UNIKA_GENDER_UNKNOWN;
        return unika_fail_at(err, UNIKA_EGENDER, FIELD, 0, "gender: unrecognised code");
    }
    return 0;
}

const char *unika_gender_code(unika_gender gender)
{
    switch (gender) {
    case UNIKA_GENDER_MALE: return "M";
    case UNIKA_GENDER_FEMALE: return "F";
    case UNIKA_GENDER_OTHER: return "X";
    default: return "U";
    }
}

unika_gender unika_gender_fold(unika_gender gender)
{
    if (gender == UNIKA_GENDER_MALE || gender == UNIKA_GENDER_FEMALE) return gender;
    return UNIKA_GENDER_OTHER;
}
