/*
 * input/encoding.h - the input encodings a partner's export comes in, for
 * the CSV reader (csv.c). Never installed.
 *
 * Two jobs. Recognising: the first bytes of a file say whether it is text
 * at all (an .xlsx is a ZIP archive, an .xls an OLE compound file) and, for
 * text, often its encoding (a byte-order mark; UTF-16's NUL bytes in an
 * ASCII header). A file that is not what the profile says is refused with a
 * message that names what it is and the one-line fix. Decoding: Windows-1252
 * and UTF-16 into UTF-8, exactly, block by block, so the reader behind it
 * sees UTF-8 whatever the file's encoding was.
 *
 * What cannot be decoded (a byte Windows-1252 leaves undefined, a UTF-16
 * surrogate without its pair, a last odd byte) becomes one marker byte that
 * is never valid in UTF-8 (0xF9..0xFF), so the reader's one UTF-8 check
 * finds it at its line, column and position, and unika_decode_mark_reason()
 * words it.
 */
#ifndef UNIKA_INPUT_ENCODING_H
#define UNIKA_INPUT_ENCODING_H

#include <stddef.h>
#include <stdint.h>

#include "unika/csv.h"
#include "unika/error.h"

/* A decoder needs 3 output bytes per input byte, plus this much. */
#define UNIKA_DECODE_SLACK 8

typedef struct unika_decoder {
    unsigned enc;   /* UNIKA_ENCODING_WINDOWS1252, _UTF16LE or _UTF16BE */
    int have_odd;   /* UTF-16: the first byte of a code unit is waiting */
    uint8_t odd;
    uint32_t high;  /* UTF-16: a high surrogate waiting for its pair, or 0 */
} unika_decoder;

/* Decodes in[0..n) into out (room for 3 * n + UNIKA_DECODE_SLACK bytes);
 * returns the bytes written. State carries over to the next call, so a
 * code unit or surrogate pair may be split anywhere between calls. */
size_t unika_decode(unika_decoder *d, const uint8_t *in, size_t n, uint8_t *out);

/* At the end of the input: a marker for a waiting odd byte or high
 * surrogate (out has room for UNIKA_DECODE_SLACK bytes); returns the
 * bytes written. */
size_t unika_decode_finish(unika_decoder *d, uint8_t *out);

/* 1 if byte b is one of the decoder's markers. */
int unika_decode_is_mark(uint8_t b);

/* The reason for a marker, e.g. "byte 0x81, which Windows-1252 does not
 * define" (static). */
const char *unika_decode_mark_reason(uint8_t mark);

/* The bytes to look at before deciding (fewer when the input is shorter). */
#define UNIKA_SNIFF_BYTES 1024

/*
 * unika_encoding_start() : looks at the input's first n bytes (all of it
 * when at_end) and resolves the configured encoding: *resolved is
 * UNIKA_ENCODING_UTF8, _WINDOWS1252, _UTF16LE or _UTF16BE, and *skip the
 * length of the byte-order mark to skip. Returns 0, or UNIKA_EENCODING
 * with a message naming what the file is and the fix: a spreadsheet
 * instead of CSV, UTF-16 when UTF-8 or Windows-1252 is expected, a UTF-8
 * byte-order mark when Windows-1252 or UTF-16 is, UTF-16 whose byte order
 * cannot be told, or a byte-order mark of the other byte order.
 */
int unika_encoding_start(unsigned configured, const uint8_t *p, size_t n, unsigned *resolved,
                         size_t *skip, unika_error *err);

/* Windows-1252 input that is in fact UTF-8: when p[0..n) holds a UTF-8
 * sequence of two or more bytes and nothing that is not UTF-8 (a sequence
 * cut at the end apart), the 1-based offset of that first sequence, else 0.
 * Read as Windows-1252, such a block would turn "å" into "Ã¥" silently. */
size_t unika_cp1252_block_is_utf8(const uint8_t *p, size_t n);

/* For a field that is not valid UTF-8 in a UTF-8 input: 1 when its bytes
 * look like Windows-1252 (none of the five bytes it leaves undefined), so
 * the message can say so. */
int unika_invalid_utf8_looks_cp1252(const uint8_t *p, size_t n);

#endif
