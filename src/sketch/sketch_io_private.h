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

#endif
