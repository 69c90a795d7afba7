/*
 * jread.h - a small JSON reader (RFC 8259) for `unika verify`, which must
 * read the report it audits. A document is parsed into a tree of nodes;
 * numbers keep both their text and their double value, so an audit can
 * compare a figure exactly as printed.
 */
#ifndef UNIKA_CLI_JREAD_H
#define UNIKA_CLI_JREAD_H

#include <stddef.h>

typedef enum jr_type {
    JR_NULL, JR_FALSE, JR_TRUE, JR_NUMBER, JR_STRING, JR_ARRAY, JR_OBJECT
} jr_type;

typedef struct jr_node {
    jr_type type;
    double number;        /* JR_NUMBER */
    char *text;           /* JR_STRING: decoded UTF-8; JR_NUMBER: the literal */
    size_t n;             /* children of an array or object */
    char **keys;          /* JR_OBJECT: n keys */
    struct jr_node **items; /* JR_ARRAY / JR_OBJECT: n children */
} jr_node;

/* Parses src[0..size). On failure returns NULL and writes a message with
 * the line and column into err (err_cap bytes). Nesting is limited to 64. */
jr_node *jr_parse(const char *src, size_t size, char *err, size_t err_cap);
void jr_free(jr_node *node);

/* The member `key` of an object (the first if repeated), or NULL. */
const jr_node *jr_get(const jr_node *obj, const char *key);
/* The member as a string / number; NULL or 0 with *ok = 0 when absent or
 * of another type (ok may be NULL). */
const char *jr_str(const jr_node *obj, const char *key);
double jr_num(const jr_node *obj, const char *key, int *ok);

#endif
