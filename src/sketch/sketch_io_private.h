/*
 * sketch/sketch_io_private.h - label and provenance checks and raw access,
 * shared by sketch_meta.c (the in-memory store) and sketch_format.c (the
 * file format), so both refuse exactly the same strings. Never installed.
 */
#ifndef UNIKA_INTERNAL_SKETCH_IO_PRIVATE_H
#define UNIKA_INTERNAL_SKETCH_IO_PRIVATE_H

#include <stddef.h>
#include <stdint.h>

#include "common/label.h"
#include "sketch/sketch_private.h"
#include "unika/sketch_io.h"

/* Label keys and values: common/label.h. A whole canonical label string
 * ("k=v\nk=v", keys strictly increasing), with the same return convention. */
size_t unika_label_string_check(const uint8_t *s, size_t len, const char **what);

/* Appends a label / record that the caller has already checked and knows to
 * sort after every present one (the parser checks the order); copies bytes.
 * Return 0 or UNIKA_ENOMEM. */
int unika_meta_append_label(unika_sketch_meta *m, const uint8_t *key, size_t key_len,
                            const uint8_t *value, size_t value_len);
int unika_meta_append_source(unika_sketch_meta *m, const uint8_t digest[UNIKA_DIGEST_BYTES],
                             const uint8_t *labels, size_t labels_len, const uint8_t *signer,
                             size_t signer_len);

size_t unika_meta_label_count(const unika_sketch_meta *m);
void unika_meta_label_at(const unika_sketch_meta *m, size_t i, const char **key,
                         const char **value);
size_t unika_meta_source_count(const unika_sketch_meta *m);
void unika_meta_source_at(const unika_sketch_meta *m, size_t i, const uint8_t **digest,
                          const char **labels, const char **signer);

/* ---- provenance state (sketch_meta.c) and commitment (provenance.c) ---- */
enum { UNIKA_PROV_KNOWN = 0, UNIKA_PROV_SEALED = 1, UNIKA_PROV_INCOMPLETE = 2 };
int unika_meta_prov_state(const unika_sketch_meta *m);
/* The commitment read from a version 2 file (SEALED only). */
void unika_meta_sealed(const unika_sketch_meta *m, uint64_t *count, uint8_t *root);
/* Forgets the records and keeps only a commitment (the parser of v2). */
void unika_meta_seal(unika_sketch_meta *m, uint64_t count, const uint8_t *root);
/* Takes `from`'s records (sorted, checked) as the whole provenance of m. */
void unika_meta_unseal(unika_sketch_meta *m, unika_sketch_meta *from);

/* Bytes of one provenance record (docs/format.md §6): 36 + labels + signer. */
#define UNIKA_RECORD_FIXED 36
size_t unika_record_write(uint8_t *dst, const uint8_t *digest, const char *labels,
                          const char *signer);
/* The Merkle root over the records of m (UNIKA_PROV_KNOWN), docs/format.md
 * §6.2; 32 zero bytes when there is none. 0 or UNIKA_ENOMEM. */
int unika_meta_merkle_root(uint8_t root[UNIKA_DIGEST_BYTES], const unika_sketch_meta *m);
/* Parses n provenance records at src[*at..end) into m (appended; m's own
 * records must be empty), with every check of docs/format.md §9 step 20;
 * positions in errors are offsets in src. */
int unika_read_whole_file(uint8_t **buf, size_t *size, const char *path, size_t max,
                          unika_error *err);
int unika_records_parse(unika_sketch_meta *m, const uint8_t *src, size_t *at, size_t end,
                        uint64_t n, unika_error *err);

#endif
