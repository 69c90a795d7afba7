/*
 * test_linkage_io.c - what the linker takes and gives (unika/linkage.h):
 * the seed file, the resolution key and fingerprint, the cells, the
 * manifest, inputs refused by name, and memory bounded by the profiles.
 */
#define _DEFAULT_SOURCE /* wait4, malloc_trim */
#include <malloc.h>
#include <sodium.h>
#include <stdio.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "linkage_testutil.h"

static char dir[64];

static void setup(void)
{
    snprintf(dir, sizeof dir, "/tmp/unika-lkio-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    ck_assert_int_eq(system(cmd), 0);
}

static const lt_row ROWS[] = {
    {"a", "omar hassan", "200105052384", NULL, 2001, 5, 5, UNIKA_GENDER_MALE, 2019, 3},
    {"a", "omar hassan", "200105052384", NULL, 2001, 5, 5, UNIKA_GENDER_MALE, 2019, 9},
    {"b", "omar hasan", "200105052384", NULL, 2001, 5, 5, UNIKA_GENDER_MALE, 2020, 2},
    {"b", "fatima karimi", NULL, "12345678", 2003, 1, 1, UNIKA_GENDER_FEMALE, 2020, 2},
    {"a", "fatima karimi", NULL, NULL, 2003, 0, 0, UNIKA_GENDER_FEMALE, 2020, 5},
    {"a", "yusuf farah", NULL, NULL, 1999, 0, 0, UNIKA_GENDER_MALE, 2019, 1},
};
static const char *const ORGS[] = {"a", "b"};

/* ---- the seed ------------------------------------------------------------------ */

START_TEST(seed_file)
{
    char path[128];
    snprintf(path, sizeof path, "%s/linker.seed", dir);
    unika_link_seed *s = lt_seed(), *t = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_link_seed_save(s, path, 0, &e), 0);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq(st.st_mode & 0777, 0600);
    ck_assert_int_eq((int)st.st_size, 134);
    ck_assert_int_eq(unika_link_seed_save(s, path, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(unika_link_seed_load(&t, path, 0, &e), 0);
    ck_assert_mem_eq(unika_link_seed_fingerprint(s), unika_link_seed_fingerprint(t), 16);
    unika_link_seed_free(t);
    chmod(path, 0640);
    ck_assert_int_eq(unika_link_seed_load(&t, path, 0, &e), UNIKA_EKEYPERM);
    ck_assert_int_eq(unika_link_seed_load(&t, path, UNIKA_KEY_ALLOW_OPEN_PERMISSIONS, &e), 0);
    unika_link_seed_free(t);
    /* a changed digit of the seed fails the fingerprint line */
    size_t n;
    uint8_t *b = unika_test_read_file(path, &n);
    b[30] = b[30] == '0' ? '1' : '0';
    FILE *f = fopen(path, "wb");
    fwrite(b, 1, n, f);
    fclose(f);
    chmod(path, 0600);
    ck_assert_int_eq(unika_link_seed_load(&t, path, 0, &e), UNIKA_EKEYFILE);
    ck_assert_ptr_null(t);
    /* a partnership key file is not a seed */
    snprintf(path, sizeof path, "%s/pk", dir);
    unika_key *k = lt_key();
    ck_assert_int_eq(unika_key_save(k, path, 0, NULL), 0);
    ck_assert_int_eq(unika_link_seed_load(&t, path, 0, &e), UNIKA_EKEYFILE);
    unika_key_free(k);
    free(b);
    unika_link_seed_free(s);
}
END_TEST

/* The resolution fingerprint follows the seed, the parameters and the
 * inputs; never the partnership key's. */
START_TEST(resolution_fingerprint)
{
    unika_link_seed *s1 = lt_seed(), *s2 = lt_seed();
    unika_link_params p;
    unika_link_params_init(&p);
    unika_linkage *a = lt_link(ROWS, 6, ORGS, 2, &p, s1, NULL);
    unika_linkage *b = lt_link(ROWS, 6, ORGS, 2, &p, s1, NULL);
    unika_linkage *c = lt_link(ROWS, 6, ORGS, 2, &p, s2, NULL);
    p.tau = 0.04;
    unika_linkage *d = lt_link(ROWS, 6, ORGS, 2, &p, s1, NULL);
    unika_link_params_init(&p);
    unika_linkage *e = lt_link(ROWS, 5, ORGS, 2, &p, s1, NULL); /* one row fewer */
    ck_assert_mem_eq(unika_linkage_fingerprint(a), unika_linkage_fingerprint(b), 16);
    ck_assert_mem_ne(unika_linkage_fingerprint(a), unika_linkage_fingerprint(c), 16);
    ck_assert_mem_ne(unika_linkage_fingerprint(a), unika_linkage_fingerprint(d), 16);
    ck_assert_mem_ne(unika_linkage_fingerprint(a), unika_linkage_fingerprint(e), 16);
    unika_key *k = lt_key();
    ck_assert_mem_ne(unika_linkage_fingerprint(a), unika_key_fingerprint_ptr(k), 16);
    ck_assert_mem_eq(unika_linkage_key_fingerprint(a), unika_key_fingerprint_ptr(k), 16);
    unika_key_free(k);
    unika_linkage *all[] = {a, b, c, d, e};
    for (int i = 0; i < 5; i++) unika_linkage_free(all[i]);
    unika_link_seed_free(s1);
    unika_link_seed_free(s2);
}
END_TEST

/* ---- cells ----------------------------------------------------------------------- */

START_TEST(cells_count_persons)
{
    unika_link_seed *s = lt_seed();
    unika_link_params p;
    unika_link_params_init(&p);
    p.by_count = 1;
    p.by[0] = "gender";
    unika_linkage *lk = lt_link(ROWS, 6, ORGS, 2, &p, s, NULL);
    const unika_link_stats *st = unika_linkage_stats(lk);
    ck_assert_uint_eq(st->persons, 3); /* Omar; Fatima (linked); Yusuf */
    unika_sketch **cells = NULL;
    size_t n = 0;
    ck_assert_int_eq(unika_linkage_cells(lk, 1, &cells, &n, NULL), UNIKA_EINVAL);
    ck_assert_ptr_null(cells);
    ck_assert_int_eq(unika_linkage_cells(lk, 0, &cells, &n, NULL), 0);
    ck_assert_uint_eq(n, st->cells);
    /* a/2019H1 M: Omar (two rows) and Yusuf; a/2019H2 M: Omar; b/2020H1: Omar, Fatima */
    static const char *const want[][4] = {{"a", "2019H1", "M", "2"}, {"a", "2019H2", "M", "1"},
                                          {"a", "2020H1", "F", "1"}, {"b", "2020H1", "F", "1"},
                                          {"b", "2020H1", "M", "1"}};
    ck_assert_uint_eq(n, 5);
    unika_sketch *total = NULL;
    for (size_t i = 0; i < n; i++) {
        ck_assert_str_eq(unika_sketch_get_label(cells[i], "org"), want[i][0]);
        ck_assert_str_eq(unika_sketch_get_label(cells[i], "period"), want[i][1]);
        ck_assert_str_eq(unika_sketch_get_label(cells[i], "gender"), want[i][2]);
        ck_assert_str_eq(unika_sketch_get_label(cells[i], "draw"), "0");
        ck_assert_str_eq(unika_sketch_get_label(cells[i], "recipe"), unika_link_recipe_name());
        ck_assert_mem_eq(unika_sketch_key_fingerprint(cells[i]), unika_linkage_fingerprint(lk), 16);
        ck_assert_uint_eq(unika_sketch_precision(cells[i]), 14);
        unika_estimate est;
        ck_assert_int_eq(unika_sketch_estimate(&est, cells[i], UNIKA_ESTIMATOR_ML, NULL), 0);
        ck_assert_int_eq((int)(est.estimate + 0.5), atoi(want[i][3]));
        if (i == 0) ck_assert_int_eq(unika_sketch_copy(&total, cells[i], NULL), 0);
        else ck_assert_int_eq(unika_sketch_merge(total, cells[i], NULL), 0);
    }
    unika_estimate est;
    ck_assert_int_eq(unika_sketch_estimate(&est, total, UNIKA_ESTIMATOR_ML, NULL), 0);
    ck_assert_int_eq((int)(est.estimate + 0.5), 3); /* the union counts each person once */
    /* a partner's sketch (partnership key) never merges with a linker's cell */
    unika_key *k = lt_key();
    unika_sketch *partner = NULL;
    ck_assert_int_eq(unika_sketch_new(&partner, 14, unika_key_fingerprint_ptr(k),
                                      unika_link_recipe_fingerprint(), NULL), 0);
    ck_assert_int_eq(unika_sketch_merge(partner, cells[0], NULL), UNIKA_EKEYMISMATCH);
    unika_sketch_free(partner);
    unika_key_free(k);
    unika_sketch_free(total);
    unika_link_cells_free(cells, n);
    unika_linkage_free(lk);
    unika_link_seed_free(s);
}
END_TEST

START_TEST(recipe_fingerprint_is_the_rule)
{
    static const char text[] = "unika-link-v1:cascade-1";
    uint8_t personal[16] = "unika-recipe-v1", fp[16];
    crypto_generichash_blake2b_salt_personal(fp, 16, (const uint8_t *)text, sizeof text - 1, NULL,
                                             0, NULL, personal);
    ck_assert_mem_eq(fp, unika_link_recipe_fingerprint(), 16);
}
END_TEST

/* ---- the manifest -------------------------------------------------------------------- */

START_TEST(manifest_names_everything)
{
    unika_link_seed *s = lt_seed();
    unika_linkage *lk = lt_link(ROWS, 6, ORGS, 2, NULL, s, NULL);
    unika_link_output out[2] = {{"z.uks", {1}}, {"a.uks", {2}}};
    char *json = NULL;
    size_t size = 0;
    ck_assert_int_eq(unika_linkage_manifest(lk, out, 2, &json, &size, NULL), 0);
    ck_assert_uint_eq(strlen(json), size);
    static const char *const must[] = {
        "\"schema\": \"unika-linkage-manifest\"", "\"tau\": 0.05", "\"max_cluster\": 256",
        "\"period\": \"half-year\"", "\"precision\": 14", "\"org\": \"a\"", "\"signer\": \"b\"",
        "\"pass\": \"typo\"", "\"persons\": 3", "\"low\": ", "\"high\": ",
        "\"resolution_fingerprint\": "};
    for (size_t i = 0; i < sizeof must / sizeof *must; i++)
        ck_assert_msg(strstr(json, must[i]), "manifest lacks %s", must[i]);
    /* outputs sorted by name */
    ck_assert_ptr_nonnull(strstr(json, "\"a.uks\""));
    ck_assert(strstr(json, "\"a.uks\"") < strstr(json, "\"z.uks\""));
    unika_link_output bad = {"d/x.uks", {0}};
    char *j2 = NULL;
    ck_assert_int_eq(unika_linkage_manifest(lk, &bad, 1, &j2, NULL, NULL), UNIKA_EINVAL);
    unika_link_manifest_free(json);
    unika_linkage_free(lk);
    unika_link_seed_free(s);
}
END_TEST

/* ---- refusals ----------------------------------------------------------------------- */

START_TEST(inputs_refused_by_name)
{
    unika_key *k = lt_key(), *other = NULL;
    uint8_t ob[32] = {9};
    ck_assert_int_eq(unika_key_from_bytes(&other, ob, NULL), 0);
    size_t na, nb, no;
    uint8_t *a = lt_file(k, ROWS, 6, "a", NULL, &na);
    uint8_t *b = lt_file(k, ROWS, 6, "b", NULL, &nb);
    uint8_t *o = lt_file(other, ROWS, 6, "b", NULL, &no);
    unika_link_params p;
    unika_link_params_init(&p);
    unika_linkage *lk = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_linkage_new(&lk, &p, NULL), 0);
    ck_assert_int_eq(lt_add(lk, a, na, &e), 0);
    ck_assert_int_eq(lt_add(lk, a, na, &e), UNIKA_ELINKAGE); /* the same file twice */
    ck_assert_str_eq(e.field, "digest");
    ck_assert_int_eq(lt_add(lk, o, no, &e), UNIKA_ELINKAGE); /* another partnership key */
    ck_assert_str_eq(e.field, "key_fp");
    uint8_t *a2 = lt_file(k, ROWS, 3, "a", NULL, &no); /* organisation a again */
    ck_assert_int_eq(lt_add(lk, a2, no, &e), UNIKA_ELINKAGE);
    ck_assert_str_eq(e.field, "org");
    ck_assert_int_eq(lt_add(lk, b, nb, &e), 0);
    unika_link_seed *s = lt_seed();
    ck_assert_int_eq(unika_linkage_resolve(lk, s, &e), 0);
    ck_assert_int_eq(unika_linkage_resolve(lk, s, &e), UNIKA_ELINKAGE);
    ck_assert_int_eq(lt_add(lk, b, nb, &e), UNIKA_ELINKAGE);
    unika_linkage_free(lk);
    /* a --by field a file lacks; undated visits with a period */
    p.by_count = 1;
    p.by[0] = "age_group";
    ck_assert_int_eq(unika_linkage_new(&lk, &p, NULL), 0);
    ck_assert_int_eq(lt_add(lk, a, na, &e), UNIKA_ELINKAGE);
    ck_assert_str_eq(e.field, "by");
    unika_linkage_free(lk);
    static const lt_row undated[] = {{"u", "ali", NULL, NULL, 2000, 0, 0, UNIKA_GENDER_MALE, 0, 0}};
    uint8_t *u = lt_file(k, undated, 1, "u", NULL, &no);
    unika_link_params_init(&p);
    ck_assert_int_eq(unika_linkage_new(&lk, &p, NULL), 0);
    ck_assert_int_eq(lt_add(lk, u, no, &e), UNIKA_ELINKAGE);
    ck_assert_str_eq(e.field, "visit");
    unika_linkage_free(lk);
    p.period = UNIKA_MK_PERIOD_ALL;
    ck_assert_int_eq(unika_linkage_new(&lk, &p, NULL), 0);
    ck_assert_int_eq(lt_add(lk, u, no, &e), 0);
    unika_linkage_free(lk);
    /* parameters */
    unika_link_params bad = p;
    bad.tau = 0;
    ck_assert_int_eq(unika_linkage_new(&lk, &bad, NULL), UNIKA_EINVAL);
    bad = p;
    bad.max_cluster = 1;
    ck_assert_int_eq(unika_linkage_new(&lk, &bad, NULL), UNIKA_EINVAL);
    bad = p;
    bad.precision = 30;
    ck_assert_int_eq(unika_linkage_new(&lk, &bad, NULL), UNIKA_EINVAL);
    bad = p;
    bad.by_count = 2;
    bad.by[0] = bad.by[1] = "gender";
    ck_assert_int_eq(unika_linkage_new(&lk, &bad, NULL), UNIKA_EINVAL);
    free(a), free(a2), free(b), free(o), free(u);
    unika_key_free(k);
    unika_key_free(other);
    unika_link_seed_free(s);
}
END_TEST

/* ---- memory ------------------------------------------------------------------------ */

/* Resident set of this process now, in bytes. */
static size_t rss_now(void)
{
    FILE *f = fopen("/proc/self/statm", "r");
    unsigned long pages = 0, resident = 0;
    if (f) {
        if (fscanf(f, "%lu %lu", &pages, &resident) != 2) resident = 0;
        fclose(f);
    }
    return resident * (size_t)sysconf(_SC_PAGESIZE);
}

/* 200,000 people of a partner, each with a name from a small list, a full
 * or 1 January birth date and, for a third, a dossier number. The
 * resolution runs in a child process; its peak resident set, less what it
 * inherited, stays under 1,000 bytes per profile (docs/resources.md gives
 * the measured figure at 10^6 profiles). */
START_TEST(memory_grows_with_profiles_only)
{
    enum { PEOPLE = 200000 };
    unika_key *k = lt_key();
    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = "big";
    o.period = UNIKA_MK_PERIOD_HALF_YEAR;
    unika_mkwriter *w = NULL;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(k), &o, NULL), 0);
    unika_matchkeys *mk = malloc(sizeof *mk);
    uint64_t st = 1;
    char name[64], dos[9];
    for (int p = 0; p < PEOPLE; p++) {
        uint64_t r = unika_test_splitmix64(&st);
        snprintf(name, sizeof name, "w%u v%u", (unsigned)(r % 700), (unsigned)((r >> 10) % 900));
        snprintf(dos, sizeof dos, "%08d", 10000000 + p);
        int jan1 = (r >> 20) % 3 == 0;
        lt_row row = {"big", name, NULL, (r >> 22) % 3 ? NULL : dos, 1997 + (int)((r >> 24) % 10),
                      jan1 ? 1 : 1 + (int)((r >> 28) % 12), jan1 ? 1 : 1 + (int)((r >> 32) % 28),
                      UNIKA_GENDER_MALE, 2019 + (int)((r >> 40) % 5), 1 + (int)((r >> 44) % 12)};
        lt_keys_of(mk, k, &row);
        unika_mkvisit v = {row.vy, row.vm, {NULL}, 1};
        ck_assert_int_eq(unika_mkwriter_add(w, mk, &v, NULL), 0);
    }
    free(mk);
    char path[128];
    snprintf(path, sizeof path, "%s/big.umk", dir);
    ck_assert_int_eq(unika_mkwriter_save(w, path, 0, NULL), 0);
    unika_mkwriter_free(w);
    unika_key_free(k);
    malloc_trim(0);
    size_t before = rss_now();
    pid_t pid = fork();
    if (pid == 0) {
        unika_link_params p;
        unika_link_params_init(&p);
        unika_linkage *lk = NULL;
        unika_mkreader *r = NULL;
        uint8_t digest[UNIKA_DIGEST_BYTES] = {1};
        unika_link_seed *s = NULL;
        unika_error ce = {0};
        int ok = unika_linkage_new(&lk, &p, NULL) == 0 &&
                 unika_mkreader_open(&r, path, NULL) == 0 &&
                 unika_linkage_add(lk, r, digest, "big", &ce) == 0 &&
                 unika_link_seed_generate(&s, NULL) == 0 &&
                 unika_linkage_resolve(lk, s, NULL) == 0 &&
                 unika_linkage_stats(lk)->profiles > PEOPLE * 9 / 10;
        unika_sketch **cells = NULL;
        size_t n = 0;
        ok = ok && unika_linkage_cells(lk, 0, &cells, &n, NULL) == 0 && n > 0;
        if (!ok) fprintf(stderr, "child: %s\n", ce.message);
        _exit(ok ? 0 : 1);
    }
    int status;
    struct rusage ru;
    ck_assert_int_eq(wait4(pid, &status, 0, &ru), pid);
    ck_assert(WIFEXITED(status) && WEXITSTATUS(status) == 0);
    size_t peak = (size_t)ru.ru_maxrss * 1024, grown = peak > before ? peak - before : 0;
    fprintf(stderr, "memory: %d people's profiles resolved in %zu bytes more than the parent's "
            "%zu (%.0f bytes per person)\n", PEOPLE, grown, before, (double)grown / PEOPLE);
#ifndef __SANITIZE_ADDRESS__ /* the sanitizer keeps freed memory in quarantine */
    ck_assert_uint_lt(grown / PEOPLE, 1000);
#endif
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("linkage_io");
    TCase *tc = tcase_create("io");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_add_test(tc, seed_file);
    tcase_add_test(tc, resolution_fingerprint);
    tcase_add_test(tc, cells_count_persons);
    tcase_add_test(tc, recipe_fingerprint_is_the_rule);
    tcase_add_test(tc, manifest_names_everything);
    tcase_add_test(tc, inputs_refused_by_name);
    tcase_add_test(tc, memory_grows_with_profiles_only);
    suite_add_tcase(s, tc);
    return s;
}
