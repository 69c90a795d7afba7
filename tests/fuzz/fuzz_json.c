/*
 * fuzz_json.c - the one JSON reader (src/common/json.c) from untrusted
 * bytes: what `unika verify` and `unika report --from` read.
 *
 * Invariants: a failure records its code and message and sets nothing; an
 * accepted document nests at most UNIKA_JSON_DEPTH_MAX deep, holds only
 * valid UTF-8 strings without NUL, finite numbers and objects whose keys
 * are unique; and printing it canonically, parsing that and printing again
 * gives the same bytes (the tree is exactly what the text said).
 */
#include <float.h>

#include "common/json.h"
#include "fuzz_common.h"

typedef struct buf {
    char *p;
    size_t n, cap;
} buf;

static void put(buf *b, const char *s, size_t n)
{
    if (b->n + n + 1 > b->cap) {
        b->cap = (b->n + n + 1) * 2;
        b->p = realloc(b->p, b->cap);
        FUZZ_REQUIRE(b->p != NULL, "realloc");
    }
    memcpy(b->p + b->n, s, n);
    b->n += n;
    b->p[b->n] = '\0';
}

static void put_str(buf *b, const char *s)
{
    size_t n = strlen(s);
    FUZZ_REQUIRE(unika_utf8_valid(s, n) == 0, "a string that is not UTF-8 was accepted");
    put(b, "\"", 1);
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        char esc[8];
        if (c == '"' || c == '\\') {
            esc[0] = '\\';
            esc[1] = (char)c;
            put(b, esc, 2);
        } else if (c < 0x20) {
            snprintf(esc, sizeof esc, "\\u%04x", c);
            put(b, esc, 6);
        } else {
            put(b, (const char *)&c, 1);
        }
    }
    put(b, "\"", 1);
}

static void print(buf *b, const unika_json *j, int depth)
{
    /* At most UNIKA_JSON_DEPTH_MAX arrays and objects inside each other: a
     * container at depth 0..31, a scalar inside the innermost at 32. */
    FUZZ_REQUIRE(depth <= UNIKA_JSON_DEPTH_MAX, "nesting deeper than the limit accepted");
    FUZZ_REQUIRE(depth < UNIKA_JSON_DEPTH_MAX ||
                     (j->type != UNIKA_JSON_ARRAY && j->type != UNIKA_JSON_OBJECT),
                 "a container deeper than the limit accepted");
    char num[64];
    switch (j->type) {
    case UNIKA_JSON_NULL: put(b, "null", 4); break;
    case UNIKA_JSON_TRUE: put(b, "true", 4); break;
    case UNIKA_JSON_FALSE: put(b, "false", 5); break;
    case UNIKA_JSON_NUMBER:
        FUZZ_REQUIRE(j->text && j->number == j->number && j->number <= DBL_MAX &&
                         j->number >= -DBL_MAX,
                     "a number that is not finite");
        put(b, num, (size_t)snprintf(num, sizeof num, "%.17g", j->number));
        break;
    case UNIKA_JSON_STRING: put_str(b, j->text); break;
    case UNIKA_JSON_ARRAY:
    case UNIKA_JSON_OBJECT:
        put(b, j->type == UNIKA_JSON_ARRAY ? "[" : "{", 1);
        for (size_t k = 0; k < j->n; k++) {
            if (k) put(b, ",", 1);
            if (j->type == UNIKA_JSON_OBJECT) {
                for (size_t m = 0; m < k; m++)
                    FUZZ_REQUIRE(strcmp(j->keys[m], j->keys[k]) != 0, "a duplicate key accepted");
                FUZZ_REQUIRE(unika_json_get(j, j->keys[k]) == j->items[k], "member not found");
                put_str(b, j->keys[k]);
                put(b, ":", 1);
            }
            print(b, j->items[k], depth + 1);
        }
        put(b, j->type == UNIKA_JSON_ARRAY ? "]" : "}", 1);
        break;
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    fuzz_init();
    unika_json *j = (unika_json *)&size; /* must be reset to NULL on failure */
    unika_error e = {0};
    int rc = unika_json_parse(&j, (const char *)data, size, &e);
    if (rc < 0) {
        fuzz_check_error(rc, &e);
        FUZZ_REQUIRE(j == NULL, "document set on failure");
        return 0;
    }
    FUZZ_REQUIRE(rc == 0 && j != NULL, "success without a document");
    buf b1 = {0}, b2 = {0};
    print(&b1, j, 0);
    unika_json *j2 = NULL;
    unika_error e2 = {0};
    rc = unika_json_parse(&j2, b1.p, b1.n, &e2);
    if (rc < 0) fprintf(stderr, "canonical text refused: %s\n", e2.message);
    FUZZ_REQUIRE(rc == 0, "the canonical text of an accepted document is refused");
    print(&b2, j2, 0);
    FUZZ_REQUIRE(b1.n == b2.n && memcmp(b1.p, b2.p, b1.n) == 0,
                 "the canonical text is not a fixed point");
    free(b1.p);
    free(b2.p);
    unika_json_free(j2);
    unika_json_free(j);
    return 0;
}
