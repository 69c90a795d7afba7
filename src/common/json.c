/*
 * json.c - the strict JSON reader (common/json.h says what it refuses and
 * why).
 *
 * One recursive-descent pass over the text, after one UTF-8 check of the
 * whole of it. Positions are kept as the pass goes (a line break can only
 * occur in whitespace, since strings refuse control characters), so every
 * value knows its line and column and every message names them.
 */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "common/json.h"
#include "unika/common.h"

typedef struct parser {
    const char *s;
    size_t n, i;
    size_t line, line_start; /* the current line and the offset it starts at */
    size_t nodes;
    unika_error *err;
    int failed;
} parser;

static int fail_at(parser *p, size_t line, size_t col, int code, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static int fail_at(parser *p, size_t line, size_t col, int code, const char *fmt, ...)
{
    if (p->failed) return code;
    p->failed = 1;
    char what[160];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(what, sizeof what, fmt, ap);
    va_end(ap);
    unika_fail(p->err, code, "JSON line %zu, column %zu: %s", line, col, what);
    if (p->err) {
        p->err->line = line;
        p->err->column = col;
    }
    return code;
}

/* Fails at the current position; returns NULL for the callers' convenience. */
static unika_json *fail(parser *p, const char *what)
{
    fail_at(p, p->line, p->i - p->line_start + 1, UNIKA_EFORMAT, "%s", what);
    return NULL;
}

static void skip_ws(parser *p)
{
    while (p->i < p->n) {
        char c = p->s[p->i];
        if (c == '\n') {
            p->line++;
            p->line_start = p->i + 1;
        } else if (c != ' ' && c != '\t' && c != '\r') {
            return;
        }
        p->i++;
    }
}

static unika_json *node_new(parser *p, unika_json_type t)
{
    if (p->nodes >= UNIKA_JSON_NODES_MAX) return fail(p, "more values than a document may hold");
    unika_json *nd = unika_calloc(1, sizeof *nd);
    if (!nd) {
        fail_at(p, p->line, 0, UNIKA_ENOMEM, "out of memory");
        return NULL;
    }
    p->nodes++;
    nd->type = t;
    nd->line = p->line;
    nd->column = p->i - p->line_start + 1;
    return nd;
}

void unika_json_free(unika_json *node)
{
    if (!node) return;
    for (size_t k = 0; k < node->n; k++) {
        if (node->keys) unika_free(node->keys[k]);
        unika_json_free(node->items[k]);
    }
    unika_free(node->keys);
    unika_free(node->items);
    unika_free(node->text);
    unika_free(node);
}

/* ---- strings ------------------------------------------------------------------ */

static int hex4(parser *p, unsigned *out)
{
    if (p->n - p->i < 4) return -1;
    unsigned v = 0;
    for (size_t k = 0; k < 4; k++) {
        char c = p->s[p->i + k];
        v <<= 4;
        if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
        else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
        else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
        else return -1;
    }
    p->i += 4;
    *out = v;
    return 0;
}

static size_t put_utf8(char *d, unsigned cp)
{
    if (cp < 0x80) {
        d[0] = (char)cp;
        return 1;
    }
    if (cp < 0x800) {
        d[0] = (char)(0xC0 | (cp >> 6));
        d[1] = (char)(0x80 | (cp & 0x3F));
        return 2;
    }
    if (cp < 0x10000) {
        d[0] = (char)(0xE0 | (cp >> 12));
        d[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
        d[2] = (char)(0x80 | (cp & 0x3F));
        return 3;
    }
    d[0] = (char)(0xF0 | (cp >> 18));
    d[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
    d[2] = (char)(0x80 | ((cp >> 6) & 0x3F));
    d[3] = (char)(0x80 | (cp & 0x3F));
    return 4;
}

/* A \u escape (p->i after the 'u') into out; 0 or -1 after a message. */
static int unicode_escape(parser *p, char *out, size_t *o)
{
    unsigned cp, lo;
    if (hex4(p, &cp) < 0) return fail(p, "\\u must be followed by four hex digits"), -1;
    if (cp >= 0xD800 && cp <= 0xDBFF) {
        if (p->n - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u')
            return fail(p, "a high surrogate escape without its low surrogate"), -1;
        p->i += 2;
        if (hex4(p, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF)
            return fail(p, "a high surrogate escape without its low surrogate"), -1;
        cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
    } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
        return fail(p, "a lone low surrogate escape"), -1;
    }
    if (cp == 0) return fail(p, "\\u0000 in a string (C readers would cut the string there)"), -1;
    /* \uXXXX (6 source bytes) gives at most 3 bytes; a pair (12) at most 4. */
    *o += put_utf8(out + *o, cp);
    return 0;
}

/* The string at p->i (its opening quote) into a malloc'd buffer. The text
 * is valid UTF-8 already (checked once, up front). */
static char *parse_string(parser *p)
{
    p->i++; /* '"' */
    /* The decoded text is never longer than the source. */
    size_t cap = 0;
    while (p->i + cap < p->n && p->s[p->i + cap] != '"')
        cap += p->s[p->i + cap] == '\\' ? 2 : 1;
    char *out = unika_malloc(cap + 1);
    if (!out) {
        fail_at(p, p->line, 0, UNIKA_ENOMEM, "out of memory");
        return NULL;
    }
    size_t o = 0;
    for (;;) {
        if (p->i >= p->n) goto bad_end;
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            out[o] = '\0';
            return out;
        }
        if (c < 0x20) {
            fail(p, "a control character in a string (escape it)");
            goto bad;
        }
        p->i++;
        if (c != '\\') {
            out[o++] = (char)c;
            continue;
        }
        if (p->i >= p->n) goto bad_end;
        char e = p->s[p->i++];
        const char *from = "\"\\/bfnrt", *to = "\"\\/\b\f\n\r\t";
        const char *k = e ? strchr(from, e) : NULL;
        if (k) {
            out[o++] = to[k - from];
        } else if (e == 'u') {
            if (unicode_escape(p, out, &o) < 0) goto bad;
        } else {
            p->i--;
            fail(p, "an invalid escape in a string");
            goto bad;
        }
    }
bad_end:
    fail(p, "an unterminated string");
bad:
    unika_free(out);
    return NULL;
}

/* ---- numbers and literals ----------------------------------------------------- */

static int is_digit_at(const parser *p)
{
    return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static unika_json *parse_number(parser *p)
{
    size_t start = p->i;
    unika_json *nd = node_new(p, UNIKA_JSON_NUMBER);
    if (!nd) return NULL;
    if (p->s[p->i] == '-') p->i++;
    if (p->i < p->n && p->s[p->i] == '0') {
        p->i++;
    } else if (is_digit_at(p)) {
        while (is_digit_at(p)) p->i++;
    } else {
        goto malformed;
    }
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!is_digit_at(p)) goto malformed;
        while (is_digit_at(p)) p->i++;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        if (!is_digit_at(p)) goto malformed;
        while (is_digit_at(p)) p->i++;
    }
    size_t len = p->i - start;
    if (len > UNIKA_JSON_NUMBER_MAX) {
        p->i = start;
        fail(p, "a number literal longer than 40 characters");
        goto bad;
    }
    char lit[UNIKA_JSON_NUMBER_MAX + 1];
    memcpy(lit, p->s + start, len);
    lit[len] = '\0';
    errno = 0;
    nd->number = strtod(lit, NULL);
    /* Out of range either way: too large (inf) or too small to be told from
     * zero; a reader that kept more precision would see another number. */
    if (errno == ERANGE || !isfinite(nd->number)) {
        p->i = start;
        fail(p, "a number out of the range of a double");
        goto bad;
    }
    if (!(nd->text = unika_malloc(len + 1))) {
        fail_at(p, p->line, 0, UNIKA_ENOMEM, "out of memory");
        goto bad;
    }
    memcpy(nd->text, lit, len + 1);
    return nd;
malformed:
    fail(p, "a malformed number");
bad:
    unika_json_free(nd);
    return NULL;
}

static unika_json *parse_literal(parser *p, const char *word, unika_json_type t)
{
    size_t n = strlen(word);
    if (p->n - p->i < n || memcmp(p->s + p->i, word, n) != 0)
        return fail(p, "an unexpected character");
    unika_json *nd = node_new(p, t);
    p->i += n;
    return nd;
}

/* ---- arrays and objects ------------------------------------------------------- */

static unika_json *parse_value(parser *p, int depth);

static int append(parser *p, unika_json *nd, char *key, unika_json *child, size_t *cap)
{
    if (nd->n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        unika_json **items = unika_realloc(nd->items, *cap * sizeof *items, c * sizeof *items);
        if (items) nd->items = items;
        if (items && nd->type == UNIKA_JSON_OBJECT) {
            char **keys = unika_realloc(nd->keys, *cap * sizeof *keys, c * sizeof *keys);
            if (keys) nd->keys = keys;
            else items = NULL;
        }
        if (!items) return fail_at(p, p->line, 0, UNIKA_ENOMEM, "out of memory");
        *cap = c;
    }
    if (nd->type == UNIKA_JSON_OBJECT) nd->keys[nd->n] = key;
    nd->items[nd->n++] = child;
    return 0;
}

typedef struct keyed {
    const char *key;
    size_t idx;
} keyed;

static int by_key(const void *a, const void *b)
{
    const keyed *x = a, *y = b;
    int c = strcmp(x->key, y->key);
    return c ? c : (x->idx > y->idx) - (x->idx < y->idx);
}

/* A key given twice: readers disagree on which value counts. Small objects
 * are compared pairwise, large ones sorted (no quadratic cost whatever the
 * text). Returns 0, or the failure's code. */
static int check_duplicates(parser *p, const unika_json *obj)
{
    size_t first = SIZE_MAX, second = SIZE_MAX;
    if (obj->n <= 16) {
        for (size_t b = 1; b < obj->n && second == SIZE_MAX; b++)
            for (size_t a = 0; a < b; a++)
                if (!strcmp(obj->keys[a], obj->keys[b])) {
                    first = a;
                    second = b;
                    break;
                }
    } else {
        keyed *k = unika_malloc(obj->n * sizeof *k);
        if (!k) return fail_at(p, p->line, 0, UNIKA_ENOMEM, "out of memory");
        for (size_t i = 0; i < obj->n; i++) k[i] = (keyed){obj->keys[i], i};
        qsort(k, obj->n, sizeof *k, by_key);
        for (size_t i = 1; i < obj->n; i++)
            if (!strcmp(k[i - 1].key, k[i].key) && (second == SIZE_MAX || k[i].idx < second)) {
                first = k[i - 1].idx;
                second = k[i].idx;
            }
        unika_free(k);
    }
    if (second == SIZE_MAX) return 0;
    const unika_json *a = obj->items[first], *b = obj->items[second];
    return fail_at(p, b->line, b->column, UNIKA_EFORMAT,
                   "the key \"%.60s\" appears twice in one object (first at line %zu, column "
                   "%zu): readers disagree on which value counts",
                   obj->keys[second], a->line, a->column);
}

/* One member of an object (p->i at its key) or one element of an array. */
static int parse_member(parser *p, unika_json *nd, int depth, size_t *cap)
{
    char *key = NULL;
    if (nd->type == UNIKA_JSON_OBJECT) {
        if (p->i >= p->n || p->s[p->i] != '"') return fail(p, "expected a string key"), -1;
        if (!(key = parse_string(p))) return -1;
        skip_ws(p);
        if (p->i >= p->n || p->s[p->i] != ':') {
            unika_free(key);
            return fail(p, "expected ':' after a key"), -1;
        }
        p->i++;
    }
    unika_json *child = parse_value(p, depth + 1);
    if (!child || append(p, nd, key, child, cap) < 0) {
        unika_free(key);
        unika_json_free(child);
        return -1;
    }
    return 0;
}

static unika_json *parse_container(parser *p, int depth, int is_object)
{
    if (depth >= UNIKA_JSON_DEPTH_MAX) return fail(p, "nesting deeper than 32");
    unika_json *nd = node_new(p, is_object ? UNIKA_JSON_OBJECT : UNIKA_JSON_ARRAY);
    if (!nd) return NULL;
    size_t cap = 0;
    char close = is_object ? '}' : ']';
    p->i++; /* '{' or '[' */
    skip_ws(p);
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        return nd;
    }
    for (;;) {
        skip_ws(p);
        if (parse_member(p, nd, depth, &cap) < 0) break;
        skip_ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            if (is_object && check_duplicates(p, nd) < 0) break;
            return nd;
        }
        fail(p, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        break;
    }
    unika_json_free(nd);
    return NULL;
}

static unika_json *parse_value(parser *p, int depth)
{
    skip_ws(p);
    if (p->i >= p->n) return fail(p, "unexpected end of the document");
    char c = p->s[p->i];
    if (c == '{') return parse_container(p, depth, 1);
    if (c == '[') return parse_container(p, depth, 0);
    if (c == '"') {
        unika_json *nd = node_new(p, UNIKA_JSON_STRING);
        if (nd && !(nd->text = parse_string(p))) {
            unika_json_free(nd);
            return NULL;
        }
        return nd;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
    if (c == 't') return parse_literal(p, "true", UNIKA_JSON_TRUE);
    if (c == 'f') return parse_literal(p, "false", UNIKA_JSON_FALSE);
    if (c == 'n') return parse_literal(p, "null", UNIKA_JSON_NULL);
    return fail(p, "an unexpected character");
}

int unika_json_parse(unika_json **out, const char *src, size_t size, unika_error *err)
{
    if (!out || (!src && size)) return unika_fail(err, UNIKA_EINVAL, "JSON: NULL argument");
    *out = NULL;
    parser p = {src, size, 0, 1, 0, 0, err, 0};
    /* The whole text is UTF-8 (RFC 8259 section 8.1), checked once. */
    size_t bad = size ? unika_utf8_valid((const uint8_t *)src, size) : 0;
    if (bad) {
        size_t line = 1, start = 0;
        for (size_t k = 0; k + 1 < bad; k++)
            if (src[k] == '\n') line++, start = k + 1;
        return fail_at(&p, line, bad - start, UNIKA_EUTF8, "invalid UTF-8 (byte %zu)", bad);
    }
    if (size >= 3 && !memcmp(src, "\xEF\xBB\xBF", 3))
        return fail_at(&p, 1, 1, UNIKA_EFORMAT, "a byte order mark (JSON text has none)");
    unika_json *root = parse_value(&p, 0);
    if (!root) return p.err ? p.err->code : UNIKA_EFORMAT;
    skip_ws(&p);
    if (p.i != p.n) {
        unika_json_free(root);
        fail(&p, "content after the end of the document");
        return UNIKA_EFORMAT;
    }
    *out = root;
    return 0;
}

/* ---- lookups ------------------------------------------------------------------- */

const unika_json *unika_json_get(const unika_json *obj, const char *key)
{
    if (!obj || obj->type != UNIKA_JSON_OBJECT || !key) return NULL;
    for (size_t k = 0; k < obj->n; k++)
        if (strcmp(obj->keys[k], key) == 0) return obj->items[k];
    return NULL;
}

const char *unika_json_str(const unika_json *obj, const char *key)
{
    const unika_json *v = unika_json_get(obj, key);
    return v && v->type == UNIKA_JSON_STRING ? v->text : NULL;
}

double unika_json_num(const unika_json *obj, const char *key, int *ok)
{
    const unika_json *v = unika_json_get(obj, key);
    if (ok) *ok = v && v->type == UNIKA_JSON_NUMBER;
    return v && v->type == UNIKA_JSON_NUMBER ? v->number : 0;
}

const char *unika_json_member_check(const unika_json *obj, const char *const *known,
                                    size_t nknown)
{
    if (!obj || obj->type != UNIKA_JSON_OBJECT) return NULL;
    for (size_t k = 0; k < obj->n; k++) {
        size_t i = 0;
        while (i < nknown && strcmp(obj->keys[k], known[i])) i++;
        if (i == nknown) return obj->keys[k];
    }
    return NULL;
}
