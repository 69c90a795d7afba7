/*
 * encoding.c - recognising and decoding the encodings partners' exports
 * come in (input/encoding.h says why and how; docs/csv.md, "Encodings").
 *
 * Windows-1252 is ISO 8859-1 (bytes 0xA0..0xFF are U+00A0..U+00FF) except
 * for 0x80..0x9F, which hold the euro sign, curly quotes, dashes, the
 * ellipsis and a few letters (Š š Ž ž Œ œ Ÿ ƒ) where ISO 8859-1 has C1
 * controls; five of them (0x81, 0x8D, 0x8F, 0x90, 0x9D) are undefined and
 * refused. The table is Microsoft's "bestfit1252" mapping, the one the
 * Unicode Consortium publishes as CP1252.TXT.
 */
#include <string.h>

#include "common/common.h"
#include "common/utf8.h"
#include "input/encoding.h"

/* 0x80..0x9F; 0 where Windows-1252 defines no character. */
static const uint16_t CP1252_HIGH[32] = {
    0x20AC, 0,      0x201A, 0x0192, 0x201E, 0x2026, 0x2020, 0x2021, /* 80..87 */
    0x02C6, 0x2030, 0x0160, 0x2039, 0x0152, 0,      0x017D, 0,      /* 88..8F */
    0,      0x2018, 0x2019, 0x201C, 0x201D, 0x2022, 0x2013, 0x2014, /* 90..97 */
    0x02DC, 0x2122, 0x0161, 0x203A, 0x0153, 0,      0x017E, 0x0178, /* 98..9F */
};

/* Markers (never valid in UTF-8): 0xF9..0xFD for the undefined bytes in
 * this order, 0xFE for a lone surrogate, 0xFF for a last odd byte. */
static const uint8_t CP1252_UNDEFINED[5] = {0x81, 0x8D, 0x8F, 0x90, 0x9D};
#define MARK_UNDEFINED_FIRST 0xF9
#define MARK_LONE_SURROGATE 0xFE
#define MARK_ODD_BYTE 0xFF

static uint8_t undefined_mark(uint8_t b)
{
    for (size_t i = 0; i < sizeof CP1252_UNDEFINED; i++)
        if (CP1252_UNDEFINED[i] == b) return (uint8_t)(MARK_UNDEFINED_FIRST + i);
    return MARK_ODD_BYTE; /* not reached: only undefined bytes ask */
}

int unika_decode_is_mark(uint8_t b)
{
    return b >= MARK_UNDEFINED_FIRST;
}

const char *unika_decode_mark_reason(uint8_t mark)
{
    switch (mark) {
    case 0xF9: return "byte 0x81, which Windows-1252 does not define";
    case 0xFA: return "byte 0x8D, which Windows-1252 does not define";
    case 0xFB: return "byte 0x8F, which Windows-1252 does not define";
    case 0xFC: return "byte 0x90, which Windows-1252 does not define";
    case 0xFD: return "byte 0x9D, which Windows-1252 does not define";
    case MARK_LONE_SURROGATE: return "a UTF-16 surrogate without its pair";
    default: return "the file ends in the middle of a UTF-16 character";
    }
}

static size_t decode_cp1252(const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0;
    for (size_t i = 0; i < n; i++) {
        uint8_t b = in[i];
        if (b < 0x80) {
            out[o++] = b;
        } else if (b >= 0xA0) {
            out[o++] = (uint8_t)(0xC0 | (b >> 6));
            out[o++] = (uint8_t)(0x80 | (b & 0x3F));
        } else if (CP1252_HIGH[b - 0x80]) {
            o += unika_utf8_encode(out + o, CP1252_HIGH[b - 0x80]);
        } else {
            out[o++] = undefined_mark(b);
        }
    }
    return o;
}

/* One UTF-16 code unit. */
static size_t utf16_unit(unika_decoder *d, uint32_t u, uint8_t *out)
{
    size_t o = 0;
    if (d->high) {
        if (u >= 0xDC00 && u <= 0xDFFF) {
            uint32_t cp = 0x10000 + ((d->high - 0xD800) << 10) + (u - 0xDC00);
            d->high = 0;
            return unika_utf8_encode(out, cp);
        }
        out[o++] = MARK_LONE_SURROGATE; /* the high one had no pair */
        d->high = 0;
    }
    if (u >= 0xD800 && u <= 0xDBFF) d->high = u;
    else if (u >= 0xDC00 && u <= 0xDFFF) out[o++] = MARK_LONE_SURROGATE;
    else o += unika_utf8_encode(out + o, u);
    return o;
}

static size_t decode_utf16(unika_decoder *d, const uint8_t *in, size_t n, uint8_t *out)
{
    size_t o = 0, i = 0;
    int le = d->enc == UNIKA_ENCODING_UTF16LE;
    if (d->have_odd && n) {
        uint8_t a = d->odd, b = in[i++];
        d->have_odd = 0;
        o += utf16_unit(d, le ? (uint32_t)(a | b << 8) : (uint32_t)(a << 8 | b), out + o);
    }
    /* ASCII fast path: a unit whose high byte is 0 and low byte < 0x80. */
    for (; i + 1 < n; i += 2) {
        uint8_t lo = le ? in[i] : in[i + 1], hi = le ? in[i + 1] : in[i];
        if (hi == 0 && lo < 0x80 && !d->high) out[o++] = lo;
        else o += utf16_unit(d, (uint32_t)(lo | hi << 8), out + o);
    }
    if (i < n) {
        d->odd = in[i];
        d->have_odd = 1;
    }
    return o;
}

size_t unika_decode(unika_decoder *d, const uint8_t *in, size_t n, uint8_t *out)
{
    return d->enc == UNIKA_ENCODING_WINDOWS1252 ? decode_cp1252(in, n, out)
                                                : decode_utf16(d, in, n, out);
}

size_t unika_decode_finish(unika_decoder *d, uint8_t *out)
{
    size_t o = 0;
    if (d->high) out[o++] = MARK_LONE_SURROGATE;
    if (d->have_odd) out[o++] = MARK_ODD_BYTE;
    d->high = 0;
    d->have_odd = 0;
    return o;
}

/* ---- recognising ------------------------------------------------------- */

enum sniff {
    SNIFF_TEXT, SNIFF_UTF8_BOM, SNIFF_UTF16LE_BOM, SNIFF_UTF16BE_BOM, SNIFF_UTF16LE,
    SNIFF_UTF16BE, SNIFF_XLSX, SNIFF_ODS, SNIFF_ZIP, SNIFF_OLE
};

/* A ZIP archive's first entry says what it holds: Excel and LibreOffice
 * write an .xlsx's "[Content_Types].xml" (or its "_rels/", "docProps/",
 * "xl/") first, an OpenDocument file's "mimetype" first and uncompressed. */
static enum sniff sniff_zip(const uint8_t *p, size_t n)
{
    if (n < 30) return SNIFF_ZIP;
    size_t name_n = unika_load16_le(p + 26), extra_n = unika_load16_le(p + 28);
    if (30 + name_n > n) return SNIFF_ZIP;
    const char *name = (const char *)p + 30;
    static const char *const ooxml[] = {"[Content_Types].xml", "_rels/", "docProps/", "xl/"};
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(ooxml); i++) {
        size_t k = strlen(ooxml[i]);
        if (name_n >= k && memcmp(name, ooxml[i], k) == 0) return SNIFF_XLSX;
    }
    static const char ods[] = "application/vnd.oasis.opendocument.spreadsheet";
    size_t data = 30 + name_n + extra_n;
    if (name_n == 8 && memcmp(name, "mimetype", 8) == 0 && data + sizeof ods - 1 <= n &&
        memcmp(p + data, ods, sizeof ods - 1) == 0)
        return SNIFF_ODS;
    return SNIFF_ZIP;
}

/* UTF-16 without a byte-order mark: an export's header is mostly ASCII, so
 * one byte of nearly every code unit is NUL, always the same one. */
static enum sniff sniff_utf16_nuls(const uint8_t *p, size_t n)
{
    size_t units = (n < 256 ? n : 256) / 2, zero_lo = 0, zero_hi = 0;
    if (units < 2) return SNIFF_TEXT;
    for (size_t i = 0; i < units; i++) {
        zero_lo += p[2 * i] == 0;
        zero_hi += p[2 * i + 1] == 0;
    }
    if (2 * zero_hi >= units && 4 * zero_lo < zero_hi) return SNIFF_UTF16LE;
    if (2 * zero_lo >= units && 4 * zero_hi < zero_lo) return SNIFF_UTF16BE;
    return SNIFF_TEXT;
}

static enum sniff sniff(const uint8_t *p, size_t n)
{
    if (n >= 4 && memcmp(p, "PK\x03\x04", 4) == 0) return sniff_zip(p, n);
    if (n >= 8 && memcmp(p, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0) return SNIFF_OLE;
    if (n >= 3 && memcmp(p, "\xEF\xBB\xBF", 3) == 0) return SNIFF_UTF8_BOM;
    if (n >= 2 && p[0] == 0xFF && p[1] == 0xFE) return SNIFF_UTF16LE_BOM;
    if (n >= 2 && p[0] == 0xFE && p[1] == 0xFF) return SNIFF_UTF16BE_BOM;
    return sniff_utf16_nuls(p, n);
}

static const char SAVE_AS[] = "save it from the spreadsheet as \"CSV UTF-8\" (File > Save As)";

static int refuse(unika_error *err, const char *what, const char *fix)
{
    return unika_fail(err, UNIKA_EENCODING, "%s: %s", what, fix);
}

/* Not text at all: the same refusal whatever the profile says. */
static int refuse_container(enum sniff s, unika_error *err)
{
    switch (s) {
    case SNIFF_XLSX:
        return refuse(err, "this is an Excel workbook (.xlsx), not a CSV file", SAVE_AS);
    case SNIFF_ODS:
        return refuse(err, "this is an OpenDocument spreadsheet (.ods), not a CSV file",
                      "save it as \"Text CSV\" with the character set UTF-8");
    case SNIFF_OLE:
        return refuse(err, "this is an Excel 97-2003 workbook (.xls) or another Office file, "
                           "not a CSV file", SAVE_AS);
    default:
        return refuse(err, "this is a ZIP archive, not a CSV file",
                      "unpack it, or if it is a spreadsheet, save it as \"CSV UTF-8\"");
    }
}

static const char *utf16_what(enum sniff s)
{
    switch (s) {
    case SNIFF_UTF16LE_BOM: return "UTF-16 (little-endian, with a byte-order mark)";
    case SNIFF_UTF16BE_BOM: return "UTF-16 (big-endian, with a byte-order mark)";
    case SNIFF_UTF16LE: return "UTF-16 (little-endian, without a byte-order mark)";
    default: return "UTF-16 (big-endian, without a byte-order mark)";
    }
}

static int is_utf16(enum sniff s)
{
    return s == SNIFF_UTF16LE_BOM || s == SNIFF_UTF16BE_BOM || s == SNIFF_UTF16LE ||
           s == SNIFF_UTF16BE;
}

static int start_utf16(unsigned configured, enum sniff s, unsigned *resolved, size_t *skip,
                       unika_error *err)
{
    if (s == SNIFF_UTF8_BOM)
        return refuse(err, "the file is UTF-8 (it starts with UTF-8's byte-order mark), not "
                           "UTF-16", "put \"encoding = utf-8\" in the profile");
    if (!is_utf16(s))
        return refuse(err, "the file does not look like UTF-16 (no byte-order mark, and its "
                           "first letters are not two bytes each)",
                      "put \"encoding = utf-8\" (or windows-1252) in the profile");
    unsigned found = s == SNIFF_UTF16LE_BOM || s == SNIFF_UTF16LE ? UNIKA_ENCODING_UTF16LE
                                                                  : UNIKA_ENCODING_UTF16BE;
    if (configured != UNIKA_ENCODING_UTF16 && configured != found)
        return unika_fail(err, UNIKA_EENCODING, "the file is %s, not %s: put \"encoding = "
                          "utf-16\" in the profile", utf16_what(s),
                          unika_encoding_name(configured));
    *resolved = found;
    *skip = s == SNIFF_UTF16LE_BOM || s == SNIFF_UTF16BE_BOM ? 2 : 0;
    return 0;
}

int unika_encoding_start(unsigned configured, const uint8_t *p, size_t n, unsigned *resolved,
                         size_t *skip, unika_error *err)
{
    enum sniff s = sniff(p, n);
    *resolved = configured;
    *skip = 0;
    if (n == 0) { /* an empty input: the reader finds no header */
        if (configured == UNIKA_ENCODING_UTF16) *resolved = UNIKA_ENCODING_UTF16LE;
        return 0;
    }
    if (s == SNIFF_XLSX || s == SNIFF_ODS || s == SNIFF_ZIP || s == SNIFF_OLE)
        return refuse_container(s, err);
    if (configured == UNIKA_ENCODING_UTF16 || configured == UNIKA_ENCODING_UTF16LE ||
        configured == UNIKA_ENCODING_UTF16BE)
        return start_utf16(configured, s, resolved, skip, err);
    if (is_utf16(s) && configured == UNIKA_ENCODING_UTF8)
        return unika_fail(err, UNIKA_EENCODING, "the file is %s, not UTF-8: put \"encoding = "
                          "utf-16\" in the profile, or save it as \"CSV UTF-8\"", utf16_what(s));
    if (is_utf16(s))
        return unika_fail(err, UNIKA_EENCODING, "the file is %s, not Windows-1252: put "
                          "\"encoding = utf-16\" in the profile", utf16_what(s));
    if (s == SNIFF_UTF8_BOM) {
        if (configured == UNIKA_ENCODING_WINDOWS1252)
            return refuse(err, "the file is UTF-8 (it starts with UTF-8's byte-order mark), "
                               "not Windows-1252", "put \"encoding = utf-8\" in the profile");
        *skip = 3;
    }
    return 0;
}

size_t unika_cp1252_block_is_utf8(const uint8_t *p, size_t n)
{
    size_t first = 0, i = 0;
    while (i < n) {
        if (p[i] < 0x80) {
            i++;
            continue;
        }
        uint32_t cp;
        size_t k = unika_utf8_decode(p + i, n - i, &cp);
        if (k) {
            if (!first) first = i + 1;
            i += k;
            continue;
        }
        /* Not UTF-8, unless it is a sequence the block boundary cut. */
        size_t need = p[i] >= 0xF0 ? 4 : p[i] >= 0xE0 ? 3 : 2;
        if (p[i] < 0xC2 || p[i] > 0xF4 || n - i >= need) return 0;
        for (size_t j = i + 1; j < n; j++)
            if ((p[j] & 0xC0) != 0x80) return 0;
        break;
    }
    return first;
}

int unika_invalid_utf8_looks_cp1252(const uint8_t *p, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (memchr(CP1252_UNDEFINED, p[i], sizeof CP1252_UNDEFINED)) return 0;
    return 1;
}

/* ---- names --------------------------------------------------------------- */

static const char *const NAMES[UNIKA_ENCODING_COUNT] = {
    "utf-8", "windows-1252", "utf-16", "utf-16le", "utf-16be",
};

const char *unika_encoding_name(unsigned encoding)
{
    return encoding < UNIKA_ENCODING_COUNT ? NAMES[encoding] : NULL;
}

static int equal_nocase(const char *a, size_t an, const char *b)
{
    if (an != strlen(b)) return 0;
    for (size_t i = 0; i < an; i++) {
        char x = a[i] >= 'A' && a[i] <= 'Z' ? (char)(a[i] + 32) : a[i];
        if (x != b[i]) return 0;
    }
    return 1;
}

int unika_encoding_from_name(unsigned *out, const char *name, size_t name_size)
{
    static const struct { const char *alias; unsigned enc; } aliases[] = {
        {"utf8", UNIKA_ENCODING_UTF8}, {"cp1252", UNIKA_ENCODING_WINDOWS1252},
    };
    if (!out || (!name && name_size)) return UNIKA_EINVAL;
    for (unsigned e = 0; e < UNIKA_ENCODING_COUNT; e++)
        if (equal_nocase(name, name_size, NAMES[e])) {
            *out = e;
            return 0;
        }
    for (size_t i = 0; i < UNIKA_ARRAY_LEN(aliases); i++)
        if (equal_nocase(name, name_size, aliases[i].alias)) {
            *out = aliases[i].enc;
            return 0;
        }
    return UNIKA_EINVAL;
}
