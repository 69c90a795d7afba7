/*
 * sketch_meta.c - labels carried by a sketch (org, period, gender, ...).
 *
 * Labels are UTF-8 key=value pairs kept sorted by key, so a sketch always
 * serialises to the same bytes whatever order they were set in.
 */
#include <stdlib.h>
#include <string.h>

#include "internal/common.h"
#include "internal/sketch_private.h"

struct unika_sketch_meta {
    size_t n_labels;
    char **keys;
    char **values;
};

unika_sketch_meta *unika_sketch_meta_new(void)
{
    return calloc(1, sizeof(unika_sketch_meta));
}

void unika_sketch_meta_free(unika_sketch_meta *meta)
{
    if (!meta) return;
    for (size_t i = 0; i < meta->n_labels; i++) {
        free(meta->keys[i]);
        free(meta->values[i]);
    }
    free(meta->keys);
    free(meta->values);
    free(meta);
}

unika_sketch_meta *unika_sketch_meta_copy(const unika_sketch_meta *meta)
{
    unika_sketch_meta *copy = unika_sketch_meta_new();
    if (!copy) return NULL;
    if (meta->n_labels == 0) return copy;
    copy->keys = calloc(meta->n_labels, sizeof(char *));
    copy->values = calloc(meta->n_labels, sizeof(char *));
    if (!copy->keys || !copy->values) goto fail;
    for (size_t i = 0; i < meta->n_labels; i++) {
        copy->keys[i] = strdup(meta->keys[i]);
        copy->values[i] = strdup(meta->values[i]);
        copy->n_labels = i + 1;
        if (!copy->keys[i] || !copy->values[i]) goto fail;
    }
    return copy;
fail:
    unika_sketch_meta_free(copy);
    return NULL;
}

int unika_sketch_meta_equal(const unika_sketch_meta *a, const unika_sketch_meta *b)
{
    if (a->n_labels != b->n_labels) return 0;
    for (size_t i = 0; i < a->n_labels; i++) {
        if (strcmp(a->keys[i], b->keys[i]) || strcmp(a->values[i], b->values[i])) return 0;
    }
    return 1;
}

int unika_sketch_meta_merge(unika_sketch_meta *dst, const unika_sketch_meta *src)
{
    size_t kept = 0;
    for (size_t i = 0; i < dst->n_labels; i++) {
        int common = 0;
        for (size_t j = 0; j < src->n_labels && !common; j++) {
            common = !strcmp(dst->keys[i], src->keys[j]) && !strcmp(dst->values[i], src->values[j]);
        }
        if (common) {
            dst->keys[kept] = dst->keys[i];
            dst->values[kept] = dst->values[i];
            kept++;
        } else {
            free(dst->keys[i]);
            free(dst->values[i]);
        }
    }
    dst->n_labels = kept;
    return UNIKA_OK;
}
