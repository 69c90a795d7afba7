/*
 * report.c - what the analyst's commands (merge, estimate, inspect, report)
 * share: reading sketch files together with the digest of their exact bytes,
 * finding them in directories, refusing mixed keys and recipes, unions, and
 * rolling period labels up to coarser grains.
 *
 * The digest is taken over the bytes that were parsed, never over a second
 * read of the file, so a figure's cited digest is the digest of the very
 * bytes that produced it.
 */
#include "report/report.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* ---- loading ------------------------------------------------------------------ */

int rp_provenance_path(char *dst, size_t cap, const char *sketch_path)
{
    int n = snprintf(dst, cap, "%s.prov", sketch_path);
    if (n < 0 || (size_t)n >= cap) {
        cli_errorf("%s: path too long", sketch_path);
        return CLI_INPUT;
    }
    return 0;
}

/* A merged sketch (version 2) commits to its provenance; when IN.prov is
 * beside it, it is read and checked against the commitment here, so every
 * command that reads sketches refuses a provenance file that does not match. */
static int attach_provenance(rp_input *in)
{
    uint64_t count = 0;
    uint8_t root[UNIKA_DIGEST_BYTES];
    int in_memory = 0;
    unika_error err = {0};
    if (unika_sketch_provenance(in->sketch, &count, root, &in_memory, &err) < 0 || in_memory)
        return 0;
    char prov[4096];
    int rc = rp_provenance_path(prov, sizeof prov, in->path);
    if (!rc && !cli_exists(prov)) return 0;
    if (!rc && unika_sketch_provenance_load(in->sketch, prov, &err) == 0) return 0;
    if (!rc) rc = cli_fail(NULL, &err);
    rp_input_free(in);
    return rc;
}

int rp_load(rp_input *in, const char *path)
{
    memset(in, 0, sizeof *in);
    unika_error err = {0};
    unika_sketch_file info;
    unika_sketch *s = NULL;
    /* The library's loader: its messages start with the path. */
    if (unika_sketch_load_file(&s, &info, path, &err) < 0) return cli_fail(NULL, &err);
    in->path = strdup(path);
    if (!in->path) {
        unika_sketch_free(s);
        cli_errorf("%s: out of memory", path);
        return CLI_NOMEM;
    }
    in->sketch = s;
    in->info = info;
    memcpy(in->digest, info.digest, UNIKA_DIGEST_BYTES);
    return attach_provenance(in);
}

void rp_digest_hex(char dst[RP_DIGEST_HEX_BYTES], const rp_input *in)
{
    unika_hex_encode(dst, in->digest, UNIKA_DIGEST_BYTES);
}

void rp_input_free(rp_input *in)
{
    if (!in) return;
    unika_sketch_free(in->sketch);
    free(in->path);
    memset(in, 0, sizeof *in);
}

void rp_inputs_free(rp_input *in, size_t n)
{
    if (!in) return;
    for (size_t i = 0; i < n; i++) rp_input_free(&in[i]);
    free(in);
}

/* ---- finding files -------------------------------------------------------------- */

typedef struct path_list {
    char **v;
    size_t n, cap;
} path_list;

static int pl_push(path_list *l, const char *p)
{
    if (l->n == l->cap) {
        size_t cap = l->cap ? 2 * l->cap : 64;
        char **v = realloc(l->v, cap * sizeof *v);
        if (!v) return -1;
        l->v = v;
        l->cap = cap;
    }
    if (!(l->v[l->n] = strdup(p))) return -1;
    l->n++;
    return 0;
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

static int ends_with_uks(const char *name)
{
    size_t n = strlen(name);
    return n > 4 && !strcmp(name + n - 4, ".uks");
}

/* Adds every *.uks below dir; hidden entries (".x", the temporaries of
 * atomic writes among them) are skipped. */
static int walk(path_list *l, const char *dir, int depth)
{
    if (depth > 16) {
        cli_errorf("%s: directories nested too deeply", dir);
        return CLI_INPUT;
    }
    DIR *d = opendir(dir);
    if (!d) {
        cli_errorf("%s: %s", dir, strerror(errno));
        return CLI_INPUT;
    }
    struct dirent *e;
    int rc = 0;
    while (!rc && (e = readdir(d))) {
        if (e->d_name[0] == '.') continue;
        /* The entry's type when the directory gives it: a regular file that
         * is not *.uks (each cell's .sig) needs no stat, which cost 2 x 10^5
         * system calls for 10^5 signed cells. Links and unknowns are stat'ed. */
        int reg = e->d_type == DT_REG, is_dir = e->d_type == DT_DIR;
        if (reg && !ends_with_uks(e->d_name)) continue;
        size_t need = strlen(dir) + strlen(e->d_name) + 2;
        char *p = malloc(need);
        if (!p) {
            rc = CLI_INPUT;
            break;
        }
        snprintf(p, need, "%s%s%s", dir, dir[strlen(dir) - 1] == '/' ? "" : "/", e->d_name);
        struct stat st;
        if (reg || is_dir) st.st_mode = reg ? S_IFREG : S_IFDIR;
        if (reg || is_dir || stat(p, &st) == 0) {
            if (S_ISDIR(st.st_mode)) rc = walk(l, p, depth + 1);
            else if (S_ISREG(st.st_mode) && ends_with_uks(e->d_name) && pl_push(l, p) < 0)
                rc = CLI_INPUT;
        }
        free(p);
    }
    closedir(d);
    return rc;
}

int rp_collect(char ***out, size_t *n, char *const *args, size_t nargs)
{
    path_list l = {0};
    int rc = 0;
    for (size_t i = 0; i < nargs && !rc; i++) {
        struct stat st;
        if (stat(args[i], &st) < 0) {
            cli_errorf("%s: %s", args[i], strerror(errno));
            rc = CLI_INPUT;
        } else if (S_ISDIR(st.st_mode)) {
            size_t before = l.n;
            rc = walk(&l, args[i], 0);
            if (!rc && l.n == before) {
                cli_errorf("%s: no sketch files (*.uks) in this directory", args[i]);
                rc = CLI_INPUT;
            }
            if (!rc) qsort(l.v + before, l.n - before, sizeof *l.v, cmp_str);
        } else if (pl_push(&l, args[i]) < 0) {
            cli_errorf("out of memory");
            rc = CLI_NOMEM;
        }
    }
    if (rc) {
        for (size_t i = 0; i < l.n; i++) free(l.v[i]);
        free(l.v);
        return rc;
    }
    *out = l.v;
    *n = l.n;
    return 0;
}

/* ---- origin ------------------------------------------------------------------------ */

int rp_check_origin(const rp_input *in, size_t n)
{
    for (size_t i = 1; i < n; i++) {
        const uint8_t *k0 = unika_sketch_key_fingerprint(in[0].sketch);
        const uint8_t *ki = unika_sketch_key_fingerprint(in[i].sketch);
        const uint8_t *r0 = unika_sketch_recipe_fingerprint(in[0].sketch);
        const uint8_t *ri = unika_sketch_recipe_fingerprint(in[i].sketch);
        char a[UNIKA_FINGERPRINT_HEX_BYTES], b[UNIKA_FINGERPRINT_HEX_BYTES];
        if (memcmp(k0, ki, UNIKA_FINGERPRINT_BYTES)) {
            unika_fingerprint_to_hex(a, k0);
            unika_fingerprint_to_hex(b, ki);
            cli_errorf("refusing to combine sketches made under different keys: %s has key "
                       "fingerprint %s, %s has %s",
                       in[0].path, a, in[i].path, b);
            return CLI_INPUT;
        }
        if (memcmp(r0, ri, UNIKA_FINGERPRINT_BYTES)) {
            unika_fingerprint_to_hex(a, r0);
            unika_fingerprint_to_hex(b, ri);
            const char *la = unika_sketch_get_label(in[0].sketch, "recipe");
            const char *lb = unika_sketch_get_label(in[i].sketch, "recipe");
            cli_errorf("refusing to combine sketches made with different recipes: %s has "
                       "recipe fingerprint %s (%s), %s has %s (%s)",
                       in[0].path, a, la ? la : "unlabelled", in[i].path, b,
                       lb ? lb : "unlabelled");
            return CLI_INPUT;
        }
    }
    return 0;
}

/* ---- unions ----------------------------------------------------------------------- */

int rp_union(unika_sketch **out, const rp_input *in, const size_t *idx, size_t n,
             unika_error *err)
{
    *out = NULL;
    if (!n) return UNIKA_EINVAL;
    unika_sketch *u = NULL;
    int rc = unika_sketch_copy(&u, in[idx[0]].sketch, err);
    for (size_t i = 1; rc == 0 && i < n; i++) rc = unika_sketch_merge(u, in[idx[i]].sketch, err);
    if (rc < 0) {
        unika_sketch_free(u);
        return rc;
    }
    *out = u;
    return 0;
}

/* ---- output helpers ------------------------------------------------------------------ */

void rp_json_num(cli_json *j, const char *key, double value)
{
    cj_key(j, key);
    if (value != value || value > 1e300 || value < -1e300) fputs("null", j->f);
    else fprintf(j->f, "%.17g", value);
}

void rp_json_labels(cli_json *j, const char *key, const unika_sketch *s)
{
    cj_obj(j, key);
    for (size_t i = 0; i < unika_sketch_label_count(s); i++) {
        const char *k, *v;
        if (unika_sketch_label_at(s, i, &k, &v) == 0) cj_str(j, k, v);
    }
    cj_obj_end(j);
}

void rp_print_labels(FILE *f, const unika_sketch *s)
{
    size_t n = unika_sketch_label_count(s);
    if (!n) fputs("(none)", f);
    for (size_t i = 0; i < n; i++) {
        const char *k, *v;
        if (unika_sketch_label_at(s, i, &k, &v) == 0) fprintf(f, "%s%s=%s", i ? " " : "", k, v);
    }
}

/* ---- periods ------------------------------------------------------------------------ */

static int digits(const char *s, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (s[i] < '0' || s[i] > '9') return 0;
    return 1;
}

int rp_period_grain(const char *p)
{
    size_t n = strlen(p);
    if (!strcmp(p, "all")) return RP_ALL;
    if (n == 4 && digits(p, 4)) return RP_YEAR;
    if (n == 6 && digits(p, 4) && p[4] == 'H' && (p[5] == '1' || p[5] == '2')) return RP_HALF;
    if (n == 7 && digits(p, 4) && p[4] == '-' && digits(p + 5, 2)) {
        int m = (p[5] - '0') * 10 + (p[6] - '0');
        if (m >= 1 && m <= 12) return RP_MONTH;
    }
    return -1;
}

int rp_period_at(char *dst, size_t cap, const char *p, rp_grain grain)
{
    int g = rp_period_grain(p);
    if (g < 0 || g > (int)grain) return -1;
    switch (grain) {
    case RP_ALL: snprintf(dst, cap, "all"); break;
    case RP_YEAR: snprintf(dst, cap, "%.4s", p); break;
    case RP_HALF:
        if (g == RP_HALF) snprintf(dst, cap, "%s", p);
        else snprintf(dst, cap, "%.4sH%c", p, (p[5] == '0' && p[6] <= '6') ? '1' : '2');
        break;
    default: snprintf(dst, cap, "%s", p);
    }
    return 0;
}

static const char *const grain_names[] = {"month", "half-year", "year", "all"};

const char *rp_grain_name(rp_grain g)
{
    return (unsigned)g < 4 ? grain_names[g] : "?";
}

int rp_grain_from_name(const char *name)
{
    for (int i = 0; i < 4; i++)
        if (!strcmp(name, grain_names[i])) return i;
    return -1;
}
