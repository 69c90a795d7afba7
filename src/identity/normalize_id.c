/*
 * normalize_id.c - numeric identifiers: Swedish personnummer and
 * samordningsnummer, Migration Agency dossier numbers, generic digit ids.
 *
 * These are the identifiers partners share when they have them. Each is
 * reduced to its canonical digits so that "811218-9876", "8112189876" and
 * "198112189876" give one pseudonym. Parsing fails closed: a number that
 * does not fit the known patterns (say a future "identitetsnummer" with a
 * shifted month) is refused, never guessed into a personnummer.
 *
 * Personnummer rules (folkbokföringslagen 18 §, Skatteverket):
 *   YYMMDD NNN C   date of birth, three-digit birth number, Luhn check digit
 *                  over the nine digits YYMMDDNNN with weights 2,1,2,1,...
 *   day + 60       samordningsnummer (coordination number)
 *   '+'            separator from the year the person turns 100
 * The register stores 12 digits (century 18, 19 or 20); the 10-digit forms
 * leave the century to be inferred from a reference date, which the caller
 * must give so results never depend on the clock.
 */
#include <string.h>

#include "common/common.h"
#include "identity/normalize_private.h"
#include "unika/normalize.h"

#define ID_MAX_INPUT_BYTES 64

/* ---- personnummer / samordningsnummer ---------------------------------- */

static const char PNR[] = "personnummer";

/* Luhn ("modulus 10 with weights 2 and 1") check digit of nine digits. */
static int luhn_check_digit(const uint8_t d[9])
{
    int sum = 0;
    for (int i = 0; i < 9; i++) {
        int v = d[i] * (i % 2 == 0 ? 2 : 1);
        sum += v / 10 + v % 10;
    }
    return (10 - sum % 10) % 10;
}

size_t unika_personnummer_bytes(void)
{
    return UNIKA_PERSONNUMMER_BYTES;
}

/* A number's digits as written: 10 or 12, with at most one separator in
 * its place ('-', or '+' in the 10-digit form). at[] keeps each digit's
 * byte index for error positions: every byte before an offending one is
 * ASCII, so byte index + 1 is the character position. */
typedef struct pnr_digits {
    uint8_t d[12];
    size_t at[12];
    size_t n, sep_at;
    uint8_t sep;
} pnr_digits;

static int pnr_read_digits(pnr_digits *p, const uint8_t *s, size_t begin, size_t end,
                           unika_error *err)
{
    size_t sep_after = 0;
    memset(p, 0, sizeof *p);
    for (size_t i = begin; i < end; i++) {
        uint8_t c = s[i];
        if (unika_is_digit(c)) {
            if (p->n == 12)
                return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, i + 1,
                                     "personnummer: more than 12 digits (position %zu)", i + 1);
            p->at[p->n] = i;
            p->d[p->n++] = (uint8_t)(c - '0');
        } else if ((c == '-' || c == '+') && !p->sep) {
            p->sep = c;
            p->sep_at = i;
            sep_after = p->n;
        } else {
            uint64_t pos = unika_char_position(s, i);
            return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, pos,
                                 "personnummer: unexpected character at position %llu "
                                 "(expected digits and one '-' or '+')",
                                 (unsigned long long)pos);
        }
    }
    if (p->n != 10 && p->n != 12)
        return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, 0,
                             "personnummer: %zu digits, expected 10 or 12", p->n);
    if (p->sep && sep_after != p->n - 4)
        return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, p->sep_at + 1,
                             "personnummer: separator misplaced (position %zu)", p->sep_at + 1);
    if (p->sep == '+' && p->n == 12)
        return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, p->sep_at + 1,
                             "personnummer: '+' belongs to the 10-digit form only");
    return 0;
}

/* The year of birth: written in the 12-digit form; in the 10-digit form
 * the latest year ending in yy whose date is not after the reference (age
 * 0..99, '-'), or one century before that ('+': 100..199). */
static int pnr_year(const pnr_digits *p, int yy, int month, int day, const unika_date *reference,
                    int *year, unika_error *err)
{
    if (p->n == 12) {
        *year = (p->d[0] * 10 + p->d[1]) * 100 + yy;
        return 0;
    }
    if (!reference || !unika_date_valid(reference) || reference->month == 0 || reference->day == 0)
        return unika_fail_at(err, UNIKA_EINVAL, PNR, 0,
                             "personnummer: a 10-digit number needs a full reference date");
    int y = reference->year - ((reference->year - yy) % 100 + 100) % 100;
    if (y == reference->year &&
        (month > reference->month || (month == reference->month && day > reference->day)))
        y -= 100;
    if (p->sep == '+') y -= 100;
    *year = y;
    return 0;
}

int unika_personnummer_normalize(char dst[UNIKA_PERSONNUMMER_BYTES], unika_pnr_kind *kind,
                                 const char *src, size_t src_size, const unika_date *reference,
                                 unika_error *err)
{
    if (!dst) return unika_fail_at(err, UNIKA_EINVAL, PNR, 0, "personnummer: no output buffer");
    dst[0] = '\0';
    size_t begin, end;
    int rc = unika_field_prepare(PNR, src, src_size, ID_MAX_INPUT_BYTES, &begin, &end, err);
    if (rc) return rc;
    pnr_digits p;
    if ((rc = pnr_read_digits(&p, (const uint8_t *)src, begin, end, err))) return rc;

    const uint8_t *core = p.d + (p.n - 10); /* YYMMDDNNNC */
    const size_t *core_at = p.at + (p.n - 10);
    int yy = core[0] * 10 + core[1];
    int month = core[2] * 10 + core[3];
    int day = core[4] * 10 + core[5];

    /* Fail closed on anything outside the two known patterns. */
    if (month < 1 || month > 12)
        return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, core_at[2] + 1,
                             "personnummer: unknown pattern (month not 01..12)");
    unika_pnr_kind k;
    if (day >= 1 && day <= 31) {
        k = UNIKA_PNR_PERSONNUMMER;
    } else if (day >= 61 && day <= 91) {
        k = UNIKA_PNR_SAMORDNINGSNUMMER;
        day -= 60;
    } else {
        return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, core_at[4] + 1,
                             "personnummer: unknown pattern (day not 01..31 or 61..91)");
    }

    int year = 0;
    if ((rc = pnr_year(&p, yy, month, day, reference, &year, err))) return rc;
    if (year / 100 < 18 || year / 100 > 20)
        return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, p.at[0] + 1,
                             "personnummer: century outside 18..20");
    if (day > unika_days_in_month(year, month))
        return unika_fail_at(err, UNIKA_EPERSONNUMMER, PNR, core_at[4] + 1,
                             "personnummer: the date does not exist");
    if (luhn_check_digit(core) != core[9])
        return unika_fail_at(err, UNIKA_ECHECKDIGIT, PNR, core_at[9] + 1,
                             "personnummer: check digit does not match");

    dst[0] = (char)('0' + year / 1000);
    dst[1] = (char)('0' + year / 100 % 10);
    for (int i = 0; i < 10; i++) dst[2 + i] = (char)('0' + core[i]);
    dst[12] = '\0';
    if (kind) *kind = k;
    return 0;
}

/* ---- Migration Agency dossier number ----------------------------------- */

static const char DOSSIER[] = "dossier";

size_t unika_dossier_bytes(void)
{
    return UNIKA_DOSSIER_BYTES;
}

int unika_dossier_normalize(char dst[UNIKA_DOSSIER_BYTES], const char *src, size_t src_size,
                            unika_error *err)
{
    if (!dst) return unika_fail_at(err, UNIKA_EINVAL, DOSSIER, 0, "dossier: no output buffer");
    dst[0] = '\0';
    size_t begin, end;
    int rc = unika_field_prepare(DOSSIER, src, src_size, ID_MAX_INPUT_BYTES, &begin, &end, err);
    if (rc) return rc;
    const uint8_t *s = (const uint8_t *)src;

    char out[UNIKA_DOSSIER_BYTES];
    size_t ndig = 0;
    for (size_t i = begin; i < end; i++) {
        uint8_t c = s[i];
        if (unika_is_digit(c)) {
            if (ndig == 8)
                return unika_fail_at(err, UNIKA_EDOSSIER, DOSSIER, i + 1,
                                     "dossier: more than 8 digits (position %zu)", i + 1);
            out[ndig++] = (char)c;
        } else if (c == '-' || c == ' ') {
            continue;
        } else if (c == '/') {
            /* digital LMA card serial: 1..4 digits to the end, dropped */
            size_t n = end - (i + 1), j = i + 1;
            while (j < end && unika_is_digit(s[j])) j++;
            if (n == 0 || n > 4 || j != end) {
                uint64_t pos = j < end ? unika_char_position(s, j) : i + 1;
                return unika_fail_at(err, UNIKA_EDOSSIER, DOSSIER, pos,
                                     "dossier: card suffix must be '/' and 1 to 4 digits "
                                     "(position %llu)",
                                     (unsigned long long)pos);
            }
            break;
        } else {
            uint64_t pos = unika_char_position(s, i);
            return unika_fail_at(err, UNIKA_EDOSSIER, DOSSIER, pos,
                                 "dossier: unexpected character at position %llu",
                                 (unsigned long long)pos);
        }
    }
    if (ndig != 8)
        return unika_fail_at(err, UNIKA_EDOSSIER, DOSSIER, 0,
                             "dossier: %zu digits, expected 8", ndig);
    memcpy(dst, out, 8);
    dst[8] = '\0';
    return 0;
}

/* ---- generic digit identifier ------------------------------------------ */

static const char DIGITS[] = "digits";

size_t unika_digits_max_bytes(void)
{
    return UNIKA_DIGITS_MAX_BYTES;
}

int unika_digits_normalize(char *dst, size_t dst_capacity, size_t *dst_len, const char *src,
                           size_t src_size, unika_error *err)
{
    if (dst_len) *dst_len = 0;
    if (!dst || dst_capacity == 0)
        return unika_fail_at(err, UNIKA_EINVAL, DIGITS, 0, "digits: no output buffer");
    dst[0] = '\0';
    size_t begin, end;
    int rc = unika_field_prepare(DIGITS, src, src_size, UNIKA_DIGITS_MAX_INPUT_BYTES, &begin,
                                 &end, err);
    if (rc) return rc;
    const uint8_t *s = (const uint8_t *)src;

    char out[UNIKA_DIGITS_MAX_BYTES];
    size_t ndig = 0;
    for (size_t i = begin; i < end; i++) {
        uint8_t c = s[i];
        if (unika_is_digit(c)) {
            if (ndig == UNIKA_DIGITS_MAX_BYTES - 1)
                return unika_fail_at(err, UNIKA_ETOOLONG, DIGITS, i + 1,
                                     "digits: more than %d digits", UNIKA_DIGITS_MAX_BYTES - 1);
            out[ndig++] = (char)c;
        } else if (c != ' ' && c != '-' && c != '.' && c != '/') {
            uint64_t pos = unika_char_position(s, i);
            return unika_fail_at(err, UNIKA_EDIGITS, DIGITS, pos,
                                 "digits: unexpected character at position %llu",
                                 (unsigned long long)pos);
        }
    }
    if (ndig == 0) return unika_fail_at(err, UNIKA_EDIGITS, DIGITS, 0, "digits: no digit");
    if (ndig + 1 > dst_capacity)
        return unika_fail_at(err, UNIKA_EBUFFER, DIGITS, 0,
                             "digits: output needs %zu bytes, capacity %zu", ndig + 1,
                             dst_capacity);
    memcpy(dst, out, ndig);
    dst[ndig] = '\0';
    if (dst_len) *dst_len = ndig;
    return 0;
}
