/*
 * jread.c - a small, strict JSON reader for `unika verify`.
 *
 * Strict on purpose: an auditor's tool must not guess at a malformed
 * report. It accepts exactly RFC 8259 (no comments, no trailing commas,
 * no NaN), decodes \u escapes including surrogate pairs to UTF-8, rejects
 * unescaped control characters, and bounds nesting so hostile input cannot
 * exhaust the stack.
 */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "jread.h"

#define MAX_DEPTH 64

typedef struct {
    const char *s;
    size_t n, i;
    char *err;
    size_t err_cap;
    int failed;
} parser;

static void where(const parser *p, size_t *line, size_t *col)
{
    *line = 1;
    *col = 1;
    for (size_t k = 0; k < p->i && k < p->n; k++) {
        if (p->s[k] == '\n') {
            (*line)++;
            *col = 1;
        } else {
            (*col)++;
        }
    }
}

static jr_node *fail(parser *p, const char *what)
{
    if (!p->failed) {
        size_t line, col;
        where(p, &line, &col);
        snprintf(p->err, p->err_cap, "line %zu, column %zu: %s", line, col, what);
        p->failed = 1;
    }
    return NULL;
}

static void skip_ws(parser *p)
{
    while (p->i < p->n && (p->s[p->i] == ' ' || p->s[p->i] == '\t' || p->s[p->i] == '\n' ||
                           p->s[p->i] == '\r'))
        p->i++;
}

static jr_node *node_new(jr_type t)
{
    jr_node *nd = calloc(1, sizeof *nd);
    if (nd) nd->type = t;
    return nd;
}

void jr_free(jr_node *node)
{
    if (!node) return;
    for (size_t k = 0; k < node->n; k++) {
        if (node->keys) free(node->keys[k]);
        jr_free(node->items[k]);
    }
    free(node->keys);
    free(node->items);
    free(node->text);
    free(node);
}

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
    if (cp < 0x80) { d[0] = (char)cp; return 1; }
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

/* Parses a string at p->i (the opening quote) into a malloc'd buffer. */
static char *parse_string(parser *p)
{
    p->i++; /* '"' */
    size_t start = p->i;
    /* Decoded text is never longer than the source. */
    size_t cap = 0;
    while (start + cap < p->n && p->s[start + cap] != '"')
        cap += p->s[start + cap] == '\\' ? 2 : 1;
    char *out = malloc(cap + 1);
    if (!out) {
        fail(p, "out of memory");
        return NULL;
    }
    size_t o = 0;
    for (;;) {
        if (p->i >= p->n) {
            free(out);
            fail(p, "unterminated string");
            return NULL;
        }
        unsigned char c = (unsigned char)p->s[p->i];
        if (c == '"') {
            p->i++;
            break;
        }
        if (c < 0x20) {
            free(out);
            fail(p, "control character in a string");
            return NULL;
        }
        if (c != '\\') {
            out[o++] = (char)c;
            p->i++;
            continue;
        }
        p->i++;
        if (p->i >= p->n) {
            free(out);
            fail(p, "unterminated string");
            return NULL;
        }
        char e = p->s[p->i++];
        switch (e) {
        case '"': out[o++] = '"'; break;
        case '\\': out[o++] = '\\'; break;
        case '/': out[o++] = '/'; break;
        case 'b': out[o++] = '\b'; break;
        case 'f': out[o++] = '\f'; break;
        case 'n': out[o++] = '\n'; break;
        case 'r': out[o++] = '\r'; break;
        case 't': out[o++] = '\t'; break;
        case 'u': {
            unsigned cp, lo;
            if (hex4(p, &cp) < 0) goto bad_escape;
            if (cp >= 0xD800 && cp <= 0xDBFF) {
                if (p->n - p->i < 6 || p->s[p->i] != '\\' || p->s[p->i + 1] != 'u') goto bad_escape;
                p->i += 2;
                if (hex4(p, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) goto bad_escape;
                cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
            } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
                goto bad_escape;
            }
            /* \uXXXX (6 source bytes) gives at most 3 bytes; a pair (12) at most 4. */
            o += put_utf8(out + o, cp);
            break;
        }
        default: goto bad_escape;
        }
    }
    out[o] = '\0';
    return out;
bad_escape:
    free(out);
    fail(p, "invalid escape in a string");
    return NULL;
}

static jr_node *parse_value(parser *p, int depth);

static int append(jr_node *nd, char *key, jr_node *child, size_t *cap)
{
    if (nd->n == *cap) {
        size_t c = *cap ? 2 * *cap : 8;
        jr_node **items = realloc(nd->items, c * sizeof *items);
        if (!items) return -1;
        nd->items = items;
        if (nd->type == JR_OBJECT) {
            char **keys = realloc(nd->keys, c * sizeof *keys);
            if (!keys) return -1;
            nd->keys = keys;
        }
        *cap = c;
    }
    if (nd->type == JR_OBJECT) nd->keys[nd->n] = key;
    nd->items[nd->n++] = child;
    return 0;
}

static jr_node *parse_container(parser *p, int depth, int is_object)
{
    if (depth >= MAX_DEPTH) return fail(p, "nesting deeper than 64");
    jr_node *nd = node_new(is_object ? JR_OBJECT : JR_ARRAY);
    if (!nd) return fail(p, "out of memory");
    size_t cap = 0;
    p->i++; /* '{' or '[' */
    skip_ws(p);
    char close = is_object ? '}' : ']';
    if (p->i < p->n && p->s[p->i] == close) {
        p->i++;
        return nd;
    }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (is_object) {
            if (p->i >= p->n || p->s[p->i] != '"') goto bad;
            key = parse_string(p);
            if (!key) goto bad;
            skip_ws(p);
            if (p->i >= p->n || p->s[p->i] != ':') {
                free(key);
                fail(p, "expected ':'");
                goto bad;
            }
            p->i++;
        }
        jr_node *child = parse_value(p, depth + 1);
        if (!child) {
            free(key);
            goto bad;
        }
        if (append(nd, key, child, &cap) < 0) {
            free(key);
            jr_free(child);
            fail(p, "out of memory");
            goto bad;
        }
        skip_ws(p);
        if (p->i < p->n && p->s[p->i] == ',') {
            p->i++;
            continue;
        }
        if (p->i < p->n && p->s[p->i] == close) {
            p->i++;
            return nd;
        }
        fail(p, is_object ? "expected ',' or '}'" : "expected ',' or ']'");
        goto bad;
    }
bad:
    fail(p, is_object ? "expected a string key" : "malformed array");
    jr_free(nd);
    return NULL;
}

static int is_digit_at(const parser *p)
{
    return p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9';
}

static jr_node *parse_number(parser *p)
{
    size_t start = p->i;
    if (p->s[p->i] == '-') p->i++;
    if (p->i >= p->n) return fail(p, "malformed number");
    if (p->s[p->i] == '0') {
        p->i++;
    } else if (p->s[p->i] >= '1' && p->s[p->i] <= '9') {
        while (p->i < p->n && p->s[p->i] >= '0' && p->s[p->i] <= '9') p->i++;
    } else {
        return fail(p, "malformed number");
    }
    if (p->i < p->n && p->s[p->i] == '.') {
        p->i++;
        if (!is_digit_at(p)) return fail(p, "malformed number");
        while (is_digit_at(p)) p->i++;
    }
    if (p->i < p->n && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
        p->i++;
        if (p->i < p->n && (p->s[p->i] == '+' || p->s[p->i] == '-')) p->i++;
        if (!is_digit_at(p)) return fail(p, "malformed number");
        while (is_digit_at(p)) p->i++;
    }
    jr_node *nd = node_new(JR_NUMBER);
    if (!nd || !(nd->text = malloc(p->i - start + 1))) {
        free(nd);
        return fail(p, "out of memory");
    }
    memcpy(nd->text, p->s + start, p->i - start);
    nd->text[p->i - start] = '\0';
    nd->number = strtod(nd->text, NULL);
    if (!isfinite(nd->number)) {
        jr_free(nd);
        return fail(p, "number out of range");
    }
    return nd;
}

static jr_node *parse_literal(parser *p, const char *word, jr_type t)
{
    size_t n = strlen(word);
    if (p->n - p->i < n || memcmp(p->s + p->i, word, n) != 0)
        return fail(p, "unexpected character");
    p->i += n;
    jr_node *nd = node_new(t);
    return nd ? nd : fail(p, "out of memory");
}

static jr_node *parse_value(parser *p, int depth)
{
    skip_ws(p);
    if (p->i >= p->n) return fail(p, "unexpected end of input");
    char c = p->s[p->i];
    if (c == '{') return parse_container(p, depth, 1);
    if (c == '[') return parse_container(p, depth, 0);
    if (c == '"') {
        char *s = parse_string(p);
        if (!s) return NULL;
        jr_node *nd = node_new(JR_STRING);
        if (!nd) {
            free(s);
            return fail(p, "out of memory");
        }
        nd->text = s;
        return nd;
    }
    if (c == '-' || (c >= '0' && c <= '9')) return parse_number(p);
    if (c == 't') return parse_literal(p, "true", JR_TRUE);
    if (c == 'f') return parse_literal(p, "false", JR_FALSE);
    if (c == 'n') return parse_literal(p, "null", JR_NULL);
    return fail(p, "unexpected character");
}

jr_node *jr_parse(const char *src, size_t size, char *err, size_t err_cap)
{
    parser p = {src, size, 0, err, err_cap, 0};
    if (err_cap) err[0] = '\0';
    jr_node *root = parse_value(&p, 0);
    if (!root) return NULL;
    skip_ws(&p);
    if (p.i != p.n) {
        jr_free(root);
        return fail(&p, "unexpected content after the JSON value");
    }
    return root;
}

const jr_node *jr_get(const jr_node *obj, const char *key)
{
    if (!obj || obj->type != JR_OBJECT) return NULL;
    for (size_t k = 0; k < obj->n; k++)
        if (strcmp(obj->keys[k], key) == 0) return obj->items[k];
    return NULL;
}

const char *jr_str(const jr_node *obj, const char *key)
{
    const jr_node *v = jr_get(obj, key);
    return v && v->type == JR_STRING ? v->text : NULL;
}

double jr_num(const jr_node *obj, const char *key, int *ok)
{
    const jr_node *v = jr_get(obj, key);
    if (ok) *ok = v && v->type == JR_NUMBER;
    return v && v->type == JR_NUMBER ? v->number : 0;
}
