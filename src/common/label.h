/*
 * common/label.h - the one check of label keys and label values. Never
 * installed.
 *
 * Label keys are identifiers ([a-z0-9_.-], 1..64 bytes); label values are
 * strict UTF-8 without control characters. Sketch labels and provenance
 * (sketch/sketch_meta.c, sketch_format.c) and the --by fields and values of
 * match-key files (identity/matchkey_file.c) obey the same rules, so a
 * value that one accepts the other accepts too.
 */
#ifndef UNIKA_COMMON_LABEL_H
#define UNIKA_COMMON_LABEL_H

#include <stddef.h>
#include <stdint.h>

/* Each check returns 0 when the bytes are acceptable, otherwise the 1-based
 * byte position of the first offending byte (length + 1 when the length
 * itself is wrong, e.g. an empty key). `what` (may be NULL) gets a static
 * description of the fault for error messages. */
size_t unika_label_key_check(const uint8_t *key, size_t len, const char **what);
size_t unika_label_value_check(const uint8_t *value, size_t len, size_t max, const char **what);

#endif
