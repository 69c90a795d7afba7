/*
 * regression_driver.c - replays fuzz inputs without libFuzzer.
 *
 * Linked with one fuzz target in place of libFuzzer's main(), it feeds every
 * file named on the command line, or every regular file of a directory so
 * named, to LLVMFuzzerTestOneInput() once. CTest runs it over each committed
 * corpus with the ordinary compiler (and under ASan/UBSan in the sanitizer
 * build), so every input that ever found a bug stays a test. Each input is
 * passed in a buffer of exactly its size, so a sanitizer sees a read past
 * its end. Exit status: 0 when all inputs ran, 2 when one could not be read;
 * a broken invariant aborts inside the target.
 */
#define _POSIX_C_SOURCE 200809L
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Inputs above this are not fuzz inputs (libFuzzer's own default -max_len
 * is far below); refusing them keeps a stray file from exhausting memory. */
#define MAX_INPUT_BYTES ((size_t)16 << 20)

static int run_file(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        perror(path);
        return -1;
    }
    struct stat st;
    if (fstat(fileno(f), &st) != 0 || (size_t)st.st_size > MAX_INPUT_BYTES) {
        fprintf(stderr, "%s: cannot stat, or larger than %zu bytes\n", path, MAX_INPUT_BYTES);
        fclose(f);
        return -1;
    }
    size_t size = (size_t)st.st_size;
    uint8_t *buf = malloc(size ? size : 1);
    if (!buf || fread(buf, 1, size, f) != size) {
        fprintf(stderr, "%s: cannot read\n", path);
        free(buf);
        fclose(f);
        return -1;
    }
    fclose(f);
    LLVMFuzzerTestOneInput(buf, size);
    free(buf);
    return 0;
}

static int by_name(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Runs every regular file of `dir` in name order (a stable order makes a
 * failure reproducible). Returns the number of inputs run, or -1. */
static long run_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (!d) {
        perror(dir);
        return -1;
    }
    char **names = NULL;
    size_t n = 0, cap = 0;
    struct dirent *ent;
    while ((ent = readdir(d)) != NULL) {
        if (ent->d_name[0] == '.') continue;
        if (n == cap) {
            cap = cap ? 2 * cap : 64;
            char **grown = realloc(names, cap * sizeof *names);
            if (!grown) break;
            names = grown;
        }
        size_t len = strlen(dir) + strlen(ent->d_name) + 2;
        names[n] = malloc(len);
        if (!names[n]) break;
        snprintf(names[n], len, "%s/%s", dir, ent->d_name);
        n++;
    }
    closedir(d);
    if (n) qsort(names, n, sizeof *names, by_name);
    long ran = 0;
    int bad = 0;
    for (size_t i = 0; i < n; i++) {
        struct stat st;
        if (stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
            if (run_file(names[i]) == 0) ran++;
            else bad = 1;
        }
        free(names[i]);
    }
    free(names);
    return bad ? -1 : ran;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s CORPUS_DIR_OR_FILE...\n", argv[0]);
        return 2;
    }
    long total = 0;
    for (int i = 1; i < argc; i++) {
        struct stat st;
        long ran;
        if (stat(argv[i], &st) == 0 && S_ISDIR(st.st_mode)) ran = run_dir(argv[i]);
        else ran = run_file(argv[i]) == 0 ? 1 : -1;
        if (ran < 0) return 2;
        total += ran;
    }
    printf("%s: %ld inputs replayed\n", argv[0], total);
    return 0;
}
