/*
 * bench_token_linkage.c - what the aggregator can follow across cells:
 * the tokens of sparse sketches are per-person values.
 *
 * A sparse sketch stores, per person, a 32-bit token derived from the
 * person's sketch hash (26 register-index bits and the rank). The same
 * person gets the same token in every cell made under the same partnership
 * key, whichever partner and period: so whoever holds raw sketches, the
 * aggregator and the auditor, can follow one token from cell to cell
 * without any key, and read a person's trail (partners, half-years,
 * categories), although never a name. Tokens of different people collide
 * rarely (n^2 / 2^33 pairs), so a token is, in practice, a person.
 *
 * Usage: bench_token_linkage FILE.uks|DIR...   (the cells of one report;
 * scripts/demo.sh leaves them in out/demo/auditor/cells). Prints how many
 * cells are sparse, how many distinct tokens they hold, and how many of
 * those appear in two or more cells, partners and half-years, with the
 * longest trail. Figures only: docs/security.md quotes them.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "sketch/sketch_private.h"
#include "unika.h"

typedef struct seen {
    uint32_t token;
    unsigned short cell, org, period; /* indices of the cell and of its labels */
} seen;

typedef struct names {
    char *v[4096];
    size_t n;
} names;

static unsigned short intern(names *t, const char *s)
{
    for (size_t i = 0; i < t->n; i++)
        if (!strcmp(t->v[i], s)) return (unsigned short)i;
    if (t->n == 4096) return 4095;
    t->v[t->n] = strdup(s ? s : "");
    return (unsigned short)t->n++;
}

static int by_token(const void *a, const void *b)
{
    const seen *x = a, *y = b;
    if (x->token != y->token) return x->token < y->token ? -1 : 1;
    return (x->cell > y->cell) - (x->cell < y->cell);
}

typedef struct state {
    seen *s;
    size_t n, cap;
    size_t cells, sparse;
    names orgs, periods;
} state;

static void add_file(state *st, const char *path)
{
    unika_sketch *sk = NULL;
    unika_error err = {0};
    if (unika_sketch_load_file(&sk, NULL, path, &err) < 0) {
        fprintf(stderr, "%s: %s\n", path, err.message);
        return;
    }
    unsigned short cell = (unsigned short)st->cells++;
    if (!sk->registers) {
        st->sparse++;
        unsigned short org = intern(&st->orgs, unika_sketch_get_label(sk, "org"));
        unsigned short period = intern(&st->periods, unika_sketch_get_label(sk, "period"));
        for (size_t i = 0; i < sk->n_tokens; i++) {
            if (st->n == st->cap) {
                st->cap = st->cap ? 2 * st->cap : 4096;
                st->s = realloc(st->s, st->cap * sizeof *st->s);
                if (!st->s) exit(3);
            }
            st->s[st->n++] = (seen){sk->tokens[i], cell, org, period};
        }
    }
    unika_sketch_free(sk);
}

static void add_path(state *st, const char *path)
{
    struct stat sb;
    if (stat(path, &sb) < 0) return;
    if (!S_ISDIR(sb.st_mode)) {
        size_t n = strlen(path);
        if (n > 4 && !strcmp(path + n - 4, ".uks")) add_file(st, path);
        return;
    }
    DIR *d = opendir(path);
    struct dirent *e;
    while (d && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        char sub[4096];
        snprintf(sub, sizeof sub, "%s/%s", path, e->d_name);
        add_path(st, sub);
    }
    if (d) closedir(d);
}

/* Distinct values of field `f` (0 cell, 1 org, 2 period) among s[a..b). */
static size_t distinct(const seen *s, size_t a, size_t b, int f)
{
    size_t n = 0;
    for (size_t i = a; i < b; i++) {
        unsigned short v = f == 0 ? s[i].cell : f == 1 ? s[i].org : s[i].period;
        int again = 0;
        for (size_t k = a; k < i && !again; k++)
            again = (f == 0 ? s[k].cell : f == 1 ? s[k].org : s[k].period) == v;
        n += !again;
    }
    return n;
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE.uks|DIR...\n", argv[0]);
        return 2;
    }
    if (unika_init() < 0) return 1;
    state st;
    memset(&st, 0, sizeof st);
    for (int i = 1; i < argc; i++) add_path(&st, argv[i]);
    qsort(st.s, st.n, sizeof *st.s, by_token);
    size_t tokens = 0, multi_cell = 0, multi_org = 0, multi_period = 0, longest = 0;
    for (size_t a = 0; a < st.n;) {
        size_t b = a;
        while (b < st.n && st.s[b].token == st.s[a].token) b++;
        size_t c = distinct(st.s, a, b, 0);
        tokens++;
        multi_cell += c >= 2;
        multi_org += distinct(st.s, a, b, 1) >= 2;
        multi_period += distinct(st.s, a, b, 2) >= 2;
        if (c > longest) longest = c;
        a = b;
    }
    printf("cells: %zu, sparse: %zu (their tokens are per-person values)\n", st.cells, st.sparse);
    printf("distinct tokens in the sparse cells: %zu\n", tokens);
    printf("tokens in 2 or more cells: %zu (%.1f%%)\n", multi_cell,
           tokens ? 100.0 * (double)multi_cell / (double)tokens : 0.0);
    printf("tokens in cells of 2 or more partners: %zu (%.1f%%)\n", multi_org,
           tokens ? 100.0 * (double)multi_org / (double)tokens : 0.0);
    printf("tokens in 2 or more periods: %zu (%.1f%%)\n", multi_period,
           tokens ? 100.0 * (double)multi_period / (double)tokens : 0.0);
    printf("longest trail: one token in %zu cells\n", longest);
    free(st.s);
    for (size_t i = 0; i < st.orgs.n; i++) free(st.orgs.v[i]);
    for (size_t i = 0; i < st.periods.n; i++) free(st.periods.v[i]);
    return 0;
}
