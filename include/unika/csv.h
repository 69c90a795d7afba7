/*
 * unika/csv.h - a strict, streaming RFC 4180 CSV reader.
 *
 * Partners export their visit logs as CSV from many systems. The reader
 * accepts what RFC 4180 allows and what exporters commonly do (a configurable
 * delimiter, LF or CRLF line ends, a UTF-8 byte-order mark, quoted fields
 * holding delimiters, line breaks and doubled quotes) and refuses everything
 * that would make a count silently wrong: an unclosed quote, a quote inside
 * an unquoted field, text after a closing quote, a bare carriage return, NUL
 * bytes, invalid UTF-8, and fields or records over a bound.
 *
 *   unika_csv_options opt;
 *   unika_csv_options_init(&opt);
 *   opt.delimiter = ';';
 *   unika_csv *csv = NULL;
 *   unika_error err = {0};
 *   if (unika_csv_new_fd(&csv, fd, &opt, &err) < 0) { report err.message }
 *   int rc;
 *   while ((rc = unika_csv_next(csv, &err)) == 1) {
 *       size_t n = unika_csv_field_count(csv), len;
 *       const char *f0 = unika_csv_field(csv, 0, &len);
 *       ...
 *   }
 *   if (rc < 0) { err.line, err.column and err.field say where }
 *   unika_csv_free(csv);
 *
 * Positions in errors: err->line is the 1-based physical line on which the
 * record starts (a quoted field may span lines; the record keeps its first
 * line), err->column is the 1-based field number within the record (the
 * "column" a spreadsheet shows), err->position the 1-based byte offset inside
 * that field, and err->field the column's header name when the reader was
 * told the first record is a header. Messages never contain field contents.
 *
 * Blank lines (nothing between two line ends) are skipped, not returned as
 * one-field records: exporters often end files with them. docs/csv.md has the
 * full grammar.
 */
#ifndef UNIKA_CSV_H
#define UNIKA_CSV_H

#include <stdio.h>

#include "common.h"
#include "error.h"

/* Default bounds. A visit log's fields are names, dates and numbers; a field
 * of 64 KiB or a record of 4096 fields means the file is not what it seems
 * (a wrong delimiter, a runaway quote), so the reader stops there. */
#define UNIKA_CSV_MAX_FIELD_BYTES 65536u     /* bytes per field, unescaped */
#define UNIKA_CSV_MAX_FIELDS 4096u           /* fields per record */
#define UNIKA_CSV_MAX_RECORD_BYTES 1048576u  /* bytes per record, unescaped */
#define UNIKA_CSV_BUFFER_BYTES 262144u       /* read size */

/* Character encodings of the input (unika_csv_options.encoding). Whatever
 * the input's, the reader returns UTF-8 (docs/csv.md, "Encodings"). */
typedef enum unika_encoding {
    UNIKA_ENCODING_UTF8 = 0,        /* the default; a byte-order mark is skipped */
    UNIKA_ENCODING_WINDOWS1252 = 1, /* Excel's "CSV (semicolon delimited)" on
                                       Swedish Windows; 5 undefined bytes */
    UNIKA_ENCODING_UTF16 = 2,       /* byte order from the byte-order mark, or
                                       from the NUL bytes of the first line */
    UNIKA_ENCODING_UTF16LE = 3,     /* Excel's "Unicode text" is this, with a BOM */
    UNIKA_ENCODING_UTF16BE = 4
} unika_encoding;
#define UNIKA_ENCODING_COUNT 5

/* Flags for unika_csv_options.flags. */
#define UNIKA_CSV_HEADER 1u        /* first record is a header: its names fill
                                      err->field in later errors */
#define UNIKA_CSV_NO_UTF8_CHECK 2u /* accept any bytes except NUL (not advised) */

typedef struct unika_csv_options {
    char delimiter;          /* field separator; any ASCII byte except '"',
                                CR, LF and NUL. Default ',' */
    unsigned flags;          /* UNIKA_CSV_* flags; default UNIKA_CSV_HEADER */
    size_t max_field_bytes;  /* default UNIKA_CSV_MAX_FIELD_BYTES */
    size_t max_fields;       /* default UNIKA_CSV_MAX_FIELDS */
    size_t max_record_bytes; /* default UNIKA_CSV_MAX_RECORD_BYTES */
    unsigned encoding;       /* unika_encoding of the input; default UTF-8 */
} unika_csv_options;

#ifdef __cplusplus
extern "C" {
#endif

typedef struct unika_csv unika_csv;

/*! unika_csv_options_init() : fills `opt` with the defaults above. */
UNIKA_API void unika_csv_options_init(unika_csv_options *opt);

/*! unika_encoding_name() :
 *  @return "utf-8", "windows-1252", "utf-16", "utf-16le" or "utf-16be" (the
 *          names a profile's `encoding` takes), or NULL for another value. */
UNIKA_API const char *unika_encoding_name(unsigned encoding);

/*! unika_encoding_from_name() :
 *  Parses an encoding's name: those of unika_encoding_name(), ASCII
 *  case-insensitive, and "utf8", "cp1252".
 *  @return 0 and *out set, or UNIKA_EINVAL for an unknown name. */
UNIKA_API int unika_encoding_from_name(unsigned *out, const char *name, size_t name_size);

/*! unika_csv_delimiter_valid() :
 *  @return 1 if `c` may be used as a delimiter, 0 if not. */
UNIKA_API int unika_csv_delimiter_valid(char c);

/*! unika_csv_new_fd() / unika_csv_new_file() / unika_csv_new_memory() :
 *  Makes a reader over an open file descriptor, a stdio stream, or a memory
 *  buffer. The reader does not own the source: the caller closes it after
 *  unika_csv_free(), and a memory buffer must outlive the reader. `opt` may
 *  be NULL for the defaults.
 *  @return 0 and *out set (free with unika_csv_free());
 *          UNIKA_EINVAL on NULL arguments, a bad delimiter or zero bounds;
 *          UNIKA_ENOMEM. On failure *out is NULL. */
UNIKA_API UNIKA_NODISCARD int unika_csv_new_fd(unika_csv **out, int fd,
                                               const unika_csv_options *opt,
                                               unika_error *err);
UNIKA_API UNIKA_NODISCARD int unika_csv_new_file(unika_csv **out, FILE *fp,
                                                 const unika_csv_options *opt,
                                                 unika_error *err);
UNIKA_API UNIKA_NODISCARD int unika_csv_new_memory(unika_csv **out,
                                                   const void *src, size_t src_size,
                                                   const unika_csv_options *opt,
                                                   unika_error *err);

/*! unika_csv_free() : frees the reader (not its source); NULL is accepted. */
UNIKA_API void unika_csv_free(unika_csv *csv);

/*! unika_csv_next() :
 *  Reads the next record. Its fields stay valid until the next call.
 *  @return 1 when a record was read; 0 at the end of the input;
 *          UNIKA_EENCODING before the first record when the input is not
 *            text in the expected encoding: a spreadsheet (.xlsx, .xls,
 *            .ods), UTF-16 when UTF-8 or Windows-1252 was expected, UTF-8
 *            when Windows-1252 was, and so on; the message names what the
 *            file is and the one-line fix (sticky). Also, for one record, a
 *            byte Windows-1252 does not define or a UTF-16 surrogate
 *            without its pair, named by line, column and position (not
 *            sticky, like UNIKA_EUTF8);
 *          UNIKA_ECSV for malformed CSV (unclosed quote, quote in an unquoted
 *            field, text after a closing quote, bare CR, NUL byte, a field,
 *            record or field count over its bound). The reader then stays
 *            stopped: later calls return UNIKA_ECSV again;
 *          UNIKA_EUTF8 when a field is not valid UTF-8. The whole record
 *            was consumed, so the caller may go on with the next one;
 *          UNIKA_EIO if reading failed (sticky, like UNIKA_ECSV);
 *          UNIKA_ENOMEM. */
UNIKA_API UNIKA_NODISCARD int unika_csv_next(unika_csv *csv, unika_error *err);

/*! unika_csv_field_count() : fields in the current record (0 before the first). */
UNIKA_API size_t unika_csv_field_count(const unika_csv *csv);

/*! unika_csv_field() :
 *  @return field `i` of the current record, unescaped and NUL-terminated
 *          (it may itself contain no NUL), with its length in *size when size
 *          is not NULL; NULL if i is out of range. Owned by the reader. */
UNIKA_API const char *unika_csv_field(const unika_csv *csv, size_t i, size_t *size);

/*! unika_csv_line() : the 1-based line on which the current record starts. */
UNIKA_API uint64_t unika_csv_line(const unika_csv *csv);

/*! unika_csv_encoding() :
 *  @return the input's encoding as read: the option's, except that
 *          UNIKA_ENCODING_UTF16 becomes UNIKA_ENCODING_UTF16LE or _UTF16BE
 *          once the first record has been read. */
UNIKA_API unsigned unika_csv_encoding(const unika_csv *csv);

/*! unika_csv_bytes_consumed() : input bytes consumed so far (for progress;
 *  when the input is decoded, counted in whole blocks). */
UNIKA_API uint64_t unika_csv_bytes_consumed(const unika_csv *csv);

/*! unika_csv_header_name() :
 *  @return the name of column `i` (0-based) from the header record when
 *          UNIKA_CSV_HEADER is set and the header has been read, else NULL. */
UNIKA_API const char *unika_csv_header_name(const unika_csv *csv, size_t i);


#ifdef __cplusplus
}
#endif
#endif /* UNIKA_CSV_H */
