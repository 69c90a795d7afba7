/*
 * vector_output.h - what the known-answer generators share: the text they
 * build (emit), how they fail (die), and the end of main(): print the text,
 * or --check FILE compares it with the checked-in vectors. Each generator
 * includes it once, after setting VECTOR_PROGRAM to its name.
 */
#ifndef UNIKA_TESTS_VECTOR_OUTPUT_H
#define UNIKA_TESTS_VECTOR_OUTPUT_H

#include <sodium.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *out;
static size_t out_len, out_cap;

static void die(const char *what)
{
    fprintf(stderr, "%s: %s\n", VECTOR_PROGRAM, what);
    exit(1);
}

static void emit(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
static void emit(const char *fmt, ...)
{
    va_list ap;
    for (;;) {
        va_start(ap, fmt);
        int n = vsnprintf(out + out_len, out_cap - out_len, fmt, ap);
        va_end(ap);
        if (n >= 0 && (size_t)n < out_cap - out_len) {
            out_len += (size_t)n;
            return;
        }
        out_cap = out_cap ? 2 * out_cap : 65536;
        out = realloc(out, out_cap);
        if (!out) die("out of memory");
    }
}

static __attribute__((unused)) void hex(char *dst, const uint8_t *src, size_t n)
{
    sodium_bin2hex(dst, 2 * n + 1, src, n);
}

/* The end of main(): with --check FILE, 0 when FILE holds exactly what was
 * emitted; with no argument, the text on stdout. */
static int vector_finish(int argc, char **argv, const char *usage)
{
    if (argc == 3 && !strcmp(argv[1], "--check")) {
        FILE *f = fopen(argv[2], "rb");
        if (!f) die("cannot open the vectors file");
        char *file = malloc(out_len + 2);
        size_t n = file ? fread(file, 1, out_len + 1, f) : 0;
        fclose(f);
        int same = file && n == out_len && memcmp(file, out, out_len) == 0;
        free(file);
        free(out);
        if (!same) die("the checked-in vectors differ from what the library makes now");
        return 0;
    }
    if (argc != 1) die(usage);
    fwrite(out, 1, out_len, stdout);
    free(out);
    return 0;
}

#endif
