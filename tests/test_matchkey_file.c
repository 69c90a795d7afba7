/*
 * test_matchkey_file.c - the match-key file: what is written reads back,
 * the same rows in any order give the same bytes, a path and a buffer read
 * alike, and every damaged or foreign file is refused by name, at the byte
 * the spec says, with nothing of it used.
 */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <xxhash.h>

#include "testutil.h"
#include "unika.h"

static unika_key *key;
static char dir[64];

static void setup(void)
{
    uint8_t k[32];
    for (int i = 0; i < 32; i++) k[i] = (uint8_t)i;
    ck_assert_int_eq(unika_key_from_bytes(&key, k, NULL), 0);
    snprintf(dir, sizeof dir, "/tmp/unika-mkfile-XXXXXX");
    ck_assert_ptr_nonnull(mkdtemp(dir));
}

static void teardown(void)
{
    unika_key_free(key);
    key = NULL;
    char cmd[128];
    snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
    ck_assert_int_eq(system(cmd), 0);
}

/* ---- synthetic rows ---------------------------------------------------------- */

static const char *const GIVEN[] = {"ali", "hosein", "mohammad", "fatima", "samir",
                                    "zahra", "yusuf", "maryam"};
static const char *const FAMILY[] = {"amiri", "haidari", "ahmadi", "hosseini", "jama",
                                     "tesfay", "karimi"};

typedef struct row {
    unika_matchkeys mk;
    int year, month;
    const char *value[2];
} row;

/* Row i of a population of `people` (each person visits several times). */
static void make_row(row *r, size_t i, size_t people)
{
    size_t p = (i * 7919) % people;
    char name[64];
    snprintf(name, sizeof name, "%s %s", FAMILY[p % 7], GIVEN[(p / 7) % 8]);
    unika_matchkey_input in;
    memset(&in, 0, sizeof in);
    in.name = name;
    in.name_size = strlen(name);
    in.birth = (unika_date){1997 + (int)(p % 10), (int)(p % 3 ? p % 12 + 1 : 0),
                            (int)(p % 3 ? p % 28 + 1 : 0)};
    in.gender = p % 5 ? UNIKA_GENDER_MALE : UNIKA_GENDER_FEMALE;
    char pnr[13];
    if (p % 4 == 0) {
        snprintf(pnr, sizeof pnr, "2001%02u%02u%04u", (unsigned)(p % 12 + 1),
                 (unsigned)(p % 28 + 1), (unsigned)(p % 10000));
        in.personnummer = pnr;
    }
    unika_error e = {0};
    ck_assert_msg(unika_matchkeys_derive(&r->mk, key, &in, &e) == 0, "%s", e.message);
    r->year = 2018 + (int)(i % 5);
    r->month = (int)(i % 12) + 1;
    r->value[0] = p % 5 ? "M" : "F";
    r->value[1] = (i % 3) ? "18-20" : "0-17";
}

static unika_mkfile_options options(void)
{
    unika_mkfile_options o;
    memset(&o, 0, sizeof o);
    o.org = "rodakorset";
    o.period = UNIKA_MK_PERIOD_HALF_YEAR;
    o.by_count = 2;
    o.by[0] = "gender";
    o.by[1] = "age_group";
    o.age_bands = "0-17,18-20,21-24,25-";
    return o;
}

static void add_row(unika_mkwriter *w, const row *r)
{
    unika_mkvisit v;
    memset(&v, 0, sizeof v);
    v.year = r->year;
    v.month = r->month;
    v.value[0] = r->value[0];
    v.value[1] = r->value[1];
    v.rows = 1;
    unika_error e = {0};
    ck_assert_msg(unika_mkwriter_add(w, &r->mk, &v, &e) == 0, "%s", e.message);
}

/* A file of n rows of `people`, rows added in the order of perm (or 0..n). */
static uint8_t *file_of(size_t n, size_t people, const size_t *perm, size_t *size)
{
    unika_mkfile_options o = options();
    unika_mkwriter *w = NULL;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), 0);
    row *r = malloc(sizeof *r);
    for (size_t i = 0; i < n; i++) {
        make_row(r, perm ? perm[i] : i, people);
        add_row(w, r);
    }
    free(r);
    ck_assert_uint_eq(unika_mkwriter_row_count(w), n);
    ck_assert_int_eq(unika_mkwriter_serialize(NULL, 0, size, w, NULL), 0);
    uint8_t *buf = malloc(*size);
    size_t written = 0;
    ck_assert_int_eq(unika_mkwriter_serialize(buf, *size, &written, w, NULL), 0);
    ck_assert_uint_eq(written, *size);
    unika_mkwriter_free(w);
    return buf;
}

static char *path_in_dir(const char *name)
{
    static char p[128];
    snprintf(p, sizeof p, "%s/%s", dir, name);
    return p;
}

static void write_bytes(const char *path, const uint8_t *b, size_t n)
{
    FILE *f = fopen(path, "wb");
    ck_assert_ptr_nonnull(f);
    ck_assert_uint_eq(fwrite(b, 1, n, f), n);
    fclose(f);
}

/* Reads every profile; returns the number, sums rows and visits. */
static uint64_t read_all(unika_mkreader *r, uint64_t *rows, uint64_t *visits)
{
    unika_mkprofile p;
    unika_error e = {0};
    uint64_t n = 0;
    *rows = *visits = 0;
    int rc;
    while ((rc = unika_mkreader_next(r, &p, &e)) == 1) {
        ck_assert_uint_eq(p.index, n);
        n++;
        *rows += p.rows;
        *visits += p.visit_count;
        for (size_t i = 0; i < p.key_count; i++) {
            unika_matchkey k;
            ck_assert_int_eq(unika_mkprofile_key(&p, i, &k), 0);
            ck_assert(k.type >= 1 && k.type <= UNIKA_MK_TYPE_MAX);
        }
        for (size_t i = 0; i < p.visit_count; i++) {
            unika_mkvisit v;
            ck_assert_int_eq(unika_mkprofile_visit(r, &p, i, &v), 0);
            ck_assert(v.value[0] && v.value[1]);
            ck_assert_int_ge(v.year, 2018);
        }
    }
    ck_assert_msg(rc == 0, "%s", e.message);
    return n;
}

/* ---- tests ------------------------------------------------------------------ */

START_TEST(round_trip)
{
    size_t size;
    uint8_t *buf = file_of(2000, 300, NULL, &size);
    unika_mkreader *r = NULL;
    unika_error e = {0};
    ck_assert_msg(unika_mkreader_open_memory(&r, buf, size, &e) == 0, "%s", e.message);
    const unika_mkfile_header *h = unika_mkreader_header(r);
    ck_assert_uint_eq(h->format_version, 2);
    ck_assert_uint_eq(h->matchkey_version, 1);
    ck_assert_str_eq(h->org, "rodakorset");
    ck_assert_int_eq(h->period, UNIKA_MK_PERIOD_HALF_YEAR);
    ck_assert_uint_eq(h->by_count, 2);
    ck_assert_str_eq(h->by[0], "gender");
    ck_assert_str_eq(h->by[1], "age_group");
    ck_assert_str_eq(h->age_bands, "0-17,18-20,21-24,25-");
    ck_assert_mem_eq(h->key_fp, unika_key_fingerprint_ptr(key), 16);
    ck_assert_uint_eq(h->row_count, 2000);
    ck_assert_uint_eq(h->profile_count, 300);
    ck_assert_uint_eq(h->value_count, 4); /* 0-17 18-20 F M */
    ck_assert_str_eq(unika_mkreader_value(r, 0), "0-17");
    ck_assert_str_eq(unika_mkreader_value(r, 3), "M");
    ck_assert_ptr_null(unika_mkreader_value(r, 4));
    ck_assert_uint_eq(h->file_size, size);
    ck_assert_uint_eq(h->checksum, XXH64(buf, size - 8, 0));
    uint64_t rows, visits;
    ck_assert_uint_eq(read_all(r, &rows, &visits), 300);
    ck_assert_uint_eq(rows, 2000);
    /* The end is sticky; rewind reads the same again. */
    unika_mkprofile p;
    ck_assert_int_eq(unika_mkreader_next(r, &p, NULL), 0);
    ck_assert_int_eq(unika_mkreader_rewind(r, NULL), 0);
    uint64_t rows2, visits2;
    ck_assert_uint_eq(read_all(r, &rows2, &visits2), 300);
    ck_assert_uint_eq(visits2, visits);
    unika_mkreader_free(r);
    free(buf);
}
END_TEST

/* The same rows in any order: the same bytes. */
START_TEST(order_independent)
{
    enum { N = 3000 };
    size_t size0, size1, perm[N];
    uint8_t *a = file_of(N, 500, NULL, &size0);
    uint64_t st = 42;
    for (int trial = 0; trial < 3; trial++) {
        for (size_t i = 0; i < N; i++) perm[i] = i;
        for (size_t i = N - 1; i > 0; i--) {
            size_t j = (size_t)(unika_test_splitmix64(&st) % (i + 1)), t = perm[i];
            perm[i] = perm[j];
            perm[j] = t;
        }
        uint8_t *b = file_of(N, 500, perm, &size1);
        ck_assert_uint_eq(size0, size1);
        ck_assert_mem_eq(a, b, size0);
        free(b);
    }
    free(a);
}
END_TEST

START_TEST(path_and_memory_agree)
{
    size_t size;
    uint8_t *buf = file_of(500, 120, NULL, &size);
    unika_mkfile_options o = options();
    unika_mkwriter *w = NULL;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), 0);
    row *r = malloc(sizeof *r);
    for (size_t i = 0; i < 500; i++) {
        make_row(r, i, 120);
        add_row(w, r);
    }
    free(r);
    const char *path = path_in_dir("a.umk");
    unika_error e = {0};
    ck_assert_msg(unika_mkwriter_save(w, path, 0, &e) == 0, "%s", e.message);
    /* Never replaced without the flag. */
    ck_assert_int_eq(unika_mkwriter_save(w, path, 0, &e), UNIKA_EEXIST);
    ck_assert_int_eq(unika_mkwriter_save(w, path, UNIKA_MKFILE_OVERWRITE, &e), 0);
    unika_mkwriter_free(w);
    struct stat st;
    ck_assert_int_eq(stat(path, &st), 0);
    ck_assert_uint_eq((uint64_t)st.st_size, size);
    ck_assert_uint_eq(st.st_mode & 0777, 0644);
    size_t got;
    uint8_t *disk = unika_test_read_file(path, &got);
    ck_assert_mem_eq(disk, buf, size);
    free(disk);

    unika_mkreader *fr = NULL, *mr = NULL;
    ck_assert_msg(unika_mkreader_open(&fr, path, &e) == 0, "%s", e.message);
    ck_assert_int_eq(unika_mkreader_open_memory(&mr, buf, size, &e), 0);
    unika_mkprofile pf, pm;
    int a, b;
    do {
        a = unika_mkreader_next(fr, &pf, &e);
        b = unika_mkreader_next(mr, &pm, &e);
        ck_assert_int_eq(a, b);
        if (a != 1) break;
        ck_assert_uint_eq(pf.key_count, pm.key_count);
        ck_assert_mem_eq(pf.keys, pm.keys, pf.key_count * UNIKA_MKPROFILE_KEY_BYTES);
        ck_assert_uint_eq(pf.visit_count, pm.visit_count);
        ck_assert_uint_eq(pf.rows, pm.rows);
        ck_assert_uint_eq(pf.flags, pm.flags);
        ck_assert_int_eq(pf.gender, pm.gender);
    } while (1);
    ck_assert_int_eq(a, 0);
    ck_assert_int_eq(unika_mkreader_rewind(fr, &e), 0);
    uint64_t rows, visits;
    ck_assert_uint_eq(read_all(fr, &rows, &visits), 120);
    unika_mkreader_free(fr);
    unika_mkreader_free(mr);
    free(buf);
}
END_TEST

/* A file that changes between the checksum pass and the reading is caught. */
START_TEST(file_changed_while_read)
{
    size_t size;
    uint8_t *buf = file_of(200, 50, NULL, &size);
    const char *path = path_in_dir("b.umk");
    write_bytes(path, buf, size);
    unika_mkreader *r = NULL;
    unika_error e = {0};
    ck_assert_int_eq(unika_mkreader_open(&r, path, &e), 0);
    int fd = open(path, O_WRONLY);
    ck_assert_int_ge(fd, 0);
    uint8_t x = (uint8_t)(buf[size - 1] ^ 1);
    ck_assert_int_eq(pwrite(fd, &x, 1, (off_t)size - 1), 1);
    close(fd);
    unika_mkprofile p;
    int rc;
    while ((rc = unika_mkreader_next(r, &p, &e)) == 1) {}
    ck_assert_int_eq(rc, UNIKA_ECHECKSUM);
    ck_assert_str_eq(e.field, "checksum");
    /* Failed for good. */
    ck_assert_int_eq(unika_mkreader_next(r, &p, &e), UNIKA_ECHECKSUM);
    ck_assert_int_eq(unika_mkreader_rewind(r, &e), UNIKA_ECHECKSUM);
    unika_mkreader_free(r);
    free(buf);
}
END_TEST

START_TEST(empty_file)
{
    unika_mkfile_options o = options();
    o.by_count = 0;
    o.age_bands = NULL;
    o.period = UNIKA_MK_PERIOD_ALL;
    unika_mkwriter *w = NULL;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), 0);
    size_t size;
    ck_assert_int_eq(unika_mkwriter_serialize(NULL, 0, &size, w, NULL), 0);
    ck_assert_uint_eq(size, 64 + strlen("rodakorset") + 8);
    uint8_t buf[128];
    ck_assert_int_eq(unika_mkwriter_serialize(buf, sizeof buf, &size, w, NULL), 0);
    unika_mkwriter_free(w);
    unika_mkreader *r = NULL;
    ck_assert_int_eq(unika_mkreader_open_memory(&r, buf, size, NULL), 0);
    ck_assert_uint_eq(unika_mkreader_header(r)->profile_count, 0);
    ck_assert_str_eq(unika_mkreader_header(r)->age_bands, "");
    unika_mkprofile p;
    ck_assert_int_eq(unika_mkreader_next(r, &p, NULL), 0);
    unika_mkreader_free(r);
}
END_TEST

/* Undated visits (a partner without visit dates, --period all). */
START_TEST(undated_visits)
{
    unika_mkfile_options o = options();
    o.by_count = 0;
    o.period = UNIKA_MK_PERIOD_ALL;
    unika_mkwriter *w = NULL;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), 0);
    row r;
    make_row(&r, 1, 10);
    unika_mkvisit v = {0, 0, {NULL}, 3};
    ck_assert_int_eq(unika_mkwriter_add(w, &r.mk, &v, NULL), 0);
    ck_assert_int_eq(unika_mkwriter_add(w, &r.mk, &v, NULL), 0);
    size_t size;
    uint8_t buf[4096];
    ck_assert_int_eq(unika_mkwriter_serialize(buf, sizeof buf, &size, w, NULL), 0);
    unika_mkwriter_free(w);
    unika_mkreader *rd = NULL;
    ck_assert_int_eq(unika_mkreader_open_memory(&rd, buf, size, NULL), 0);
    unika_mkprofile p;
    ck_assert_int_eq(unika_mkreader_next(rd, &p, NULL), 1);
    ck_assert_uint_eq(p.visit_count, 1);
    ck_assert_uint_eq(p.rows, 6);
    unika_mkvisit got;
    ck_assert_int_eq(unika_mkprofile_visit(rd, &p, 0, &got), 0);
    ck_assert_int_eq(got.year, 0);
    ck_assert_int_eq(got.month, 0);
    ck_assert_int_eq(unika_mkreader_next(rd, &p, NULL), 0);
    unika_mkreader_free(rd);
}
END_TEST

static int writer_add_fails(unika_mkwriter *w, const unika_matchkeys *mk, const unika_mkvisit *v,
                            int code)
{
    unika_error e = {0};
    int rc = unika_mkwriter_add(w, mk, v, &e);
    ck_assert_msg(rc == code, "expected %s, got %s: %s", unika_err_name(code),
                  unika_err_name(rc), e.message);
    ck_assert(e.message[0]);
    return rc;
}

START_TEST(writer_refusals)
{
    unika_mkfile_options o = options();
    unika_mkwriter *w = NULL;
    o.org = ".hidden";
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), UNIKA_EINVAL);
    o = options();
    o.by[1] = "gender";
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), UNIKA_EINVAL);
    o = options();
    o.by[1] = "Age";
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), UNIKA_EINVAL);
    o = options();
    o.period = (unika_mk_period)9;
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), UNIKA_EINVAL);
    ck_assert_ptr_null(w);
    o = options();
    ck_assert_int_eq(unika_mkwriter_new(&w, unika_key_fingerprint_ptr(key), &o, NULL), 0);

    row r;
    make_row(&r, 3, 10);
    unika_mkvisit v = {2020, 5, {"M", "18-20"}, 1};
    ck_assert_int_eq(unika_mkwriter_add(w, &r.mk, &v, NULL), 0);
    uint8_t before[8192];
    size_t n_before;
    ck_assert_int_eq(unika_mkwriter_serialize(before, sizeof before, &n_before, w, NULL), 0);

    unika_matchkeys bad = r.mk;
    bad.key_fp[0] ^= 1;
    writer_add_fails(w, &bad, &v, UNIKA_EKEYMISMATCH);
    bad = r.mk;
    unika_matchkey t = bad.keys[0];
    bad.keys[0] = bad.keys[1];
    bad.keys[1] = t;
    writer_add_fails(w, &bad, &v, UNIKA_EFORMAT);
    bad = r.mk;
    bad.flags = UNIKA_MK_PRECISION_NONE;
    writer_add_fails(w, &bad, &v, UNIKA_EFORMAT);
    bad = r.mk;
    bad.count = 0;
    writer_add_fails(w, &bad, &v, UNIKA_EFORMAT);
    /* Token indexes: set on a type other than token_delete, past the
     * tokens, or naming the second of two equal words. */
    size_t tokens = 0, del = 0;
    for (size_t i = 0; i < r.mk.count; i++) {
        tokens += r.mk.keys[i].type == UNIKA_MK_TOKEN;
        if (r.mk.keys[i].type == UNIKA_MK_TOKEN_DELETE && !del) del = i;
    }
    ck_assert_uint_gt(del, 0);
    bad = r.mk;
    bad.keys[0].token = 1;
    writer_add_fails(w, &bad, &v, UNIKA_EFORMAT);
    bad = r.mk;
    bad.keys[del].token = (uint8_t)tokens;
    writer_add_fails(w, &bad, &v, UNIKA_EFORMAT);
    unika_mkvisit bv = v;
    bv.rows = 0;
    writer_add_fails(w, &r.mk, &bv, UNIKA_EINVAL);
    bv = v;
    bv.month = 13;
    writer_add_fails(w, &r.mk, &bv, UNIKA_EINVAL);
    bv = v;
    bv.value[1] = NULL;
    writer_add_fails(w, &r.mk, &bv, UNIKA_EINVAL);
    bv = v;
    bv.value[1] = "18\n20";
    writer_add_fails(w, &r.mk, &bv, UNIKA_ELABEL);
    /* A record the writer has not seen: its keys checked (a profile held
     * was checked when added), and a bad visit adds nothing of it. */
    row r2;
    make_row(&r2, 4, 10);
    bad = r2.mk;
    bad.keys[0].token = 1;
    writer_add_fails(w, &bad, &v, UNIKA_EFORMAT);
    bv = v;
    bv.rows = 0;
    writer_add_fails(w, &r2.mk, &bv, UNIKA_EINVAL);
    /* Nothing of the refused rows is in the file. */
    uint8_t after[8192];
    size_t n_after;
    ck_assert_int_eq(unika_mkwriter_serialize(after, sizeof after, &n_after, w, NULL), 0);
    ck_assert_uint_eq(n_before, n_after);
    ck_assert_mem_eq(before, after, n_before);
    ck_assert_int_eq(unika_mkwriter_serialize(after, n_after - 1, &n_after, w, NULL),
                     UNIKA_EBUFFER);
    unika_mkwriter_free(w);
}
END_TEST

/* ---- damaged files -------------------------------------------------------------- */

static void repair(uint8_t *b, size_t n)
{
    uint64_t h = XXH64(b, n - 8, 0);
    for (int i = 0; i < 8; i++) b[n - 8 + (size_t)i] = (uint8_t)(h >> (8 * i));
}

/* Opens and reads all of b; returns the first error (0 if none), with e. */
static int read_fails(const uint8_t *b, size_t n, unika_error *e)
{
    unika_mkreader *r = NULL;
    memset(e, 0, sizeof *e);
    int rc = unika_mkreader_open_memory(&r, b, n, e);
    if (rc < 0) {
        ck_assert_ptr_null(r);
        return rc;
    }
    unika_mkprofile p;
    while ((rc = unika_mkreader_next(r, &p, e)) == 1) {}
    unika_mkreader_free(r);
    return rc;
}

static void expect(const uint8_t *b, size_t n, int code, const char *field, uint64_t position)
{
    unika_error e;
    int rc = read_fails(b, n, &e);
    ck_assert_msg(rc == code, "expected %s, got %s: %s", unika_err_name(code), unika_err_name(rc),
                  e.message);
    ck_assert_str_eq(e.field, field);
    if (position) ck_assert_uint_eq(e.position, position);
}

START_TEST(refused_by_name)
{
    size_t n;
    uint8_t *good = file_of(300, 40, NULL, &n);
    uint8_t *b = malloc(n + 1);
    const size_t strings = 64 + 10 + 20; /* org, age bands */

    expect(NULL, 0, UNIKA_ETRUNCATED, "version", 0); /* no bytes at all: no memcpy from NULL */
    memcpy(b, good, n);
    b[3] = 'X';
    expect(b, n, UNIKA_EMAGIC, "magic", 4);
    memcpy(b, good, n);
    expect(b, 11, UNIKA_ETRUNCATED, "version", 0);
    b[8] = 1; /* the layout before token indexes */
    expect(b, n, UNIKA_EVERSION, "version", 9);
    b[8] = 3;
    expect(b, n, UNIKA_EVERSION, "version", 9);
    memcpy(b, good, n);
    b[10] = 2;
    expect(b, n, UNIKA_EVERSION, "matchkey_version", 11);
    memcpy(b, good, n);
    expect(b, 63, UNIKA_ETRUNCATED, "header", 0);
    expect(b, n - 1, UNIKA_ETRUNCATED, "total_size", 0);
    b[n] = 0;
    expect(b, n + 1, UNIKA_EFORMAT, "trailing", n + 1);
    b[100] ^= 0x40;
    expect(b, n, UNIKA_ECHECKSUM, "checksum", n - 8 + 1);
    /* Field damage behind a repaired checksum: the field is named. */
    memcpy(b, good, n);
    b[12] = 7;
    repair(b, n);
    expect(b, n, UNIKA_EFORMAT, "period", 13);
    memcpy(b, good, n);
    b[44] = 1;
    repair(b, n);
    expect(b, n, UNIKA_EFORMAT, "reserved", 45);
    memcpy(b, good, n);
    b[64] = '.';
    repair(b, n);
    expect(b, n, UNIKA_ELABEL, "org", 65);
    memcpy(b, good, n);
    b[32] ^= 1; /* row_count */
    repair(b, n);
    expect(b, n, UNIKA_EFORMAT, "row_count", 0);
    memcpy(b, good, n);
    b[24] ^= 1; /* profile_count */
    repair(b, n);
    unika_error e;
    ck_assert_int_eq(read_fails(b, n, &e), UNIKA_EFORMAT);
    /* The first profile starts after the by names and the 4 values. */
    size_t first = strings + 1 + 6 + 1 + 9 + 4 * 2 + 4 + 5 + 1 + 1;
    memcpy(b, good, n);
    b[first] = 4; /* gender */
    repair(b, n);
    expect(b, n, UNIKA_EFORMAT, "profile.keys", first + 1);
    memcpy(b, good, n);
    b[first + 1] |= 0x80; /* a reserved flag bit */
    repair(b, n);
    expect(b, n, UNIKA_EFORMAT, "profile.keys", first + 1);
    memcpy(b, good, n);
    b[first + 2] = 0;
    b[first + 3] = 0; /* no keys */
    repair(b, n);
    expect(b, n, UNIKA_EFORMAT, "profile.key_count", first + 3);
    free(b);
    free(good);
}
END_TEST

/* Every truncation and every single-byte change (with and without a
 * repaired checksum) is refused or, when still valid, reads consistently;
 * nothing crashes (the sanitizer run checks reads stay inside). */
START_TEST(every_damage_refused)
{
    size_t n;
    uint8_t *good = file_of(60, 12, NULL, &n);
    unika_error e;
    ck_assert_int_eq(read_fails(good, n, &e), 0);
    for (size_t k = 0; k < n; k++) {
        uint8_t *t = malloc(k ? k : 1);
        memcpy(t, good, k);
        int rc = read_fails(t, k, &e);
        ck_assert_msg(rc < 0, "truncated to %zu bytes accepted", k);
        ck_assert(e.field[0]);
        free(t);
    }
    uint8_t *b = malloc(n);
    size_t accepted = 0;
    for (size_t i = 0; i < n; i++)
        for (int bit = 0; bit < 8; bit += 3) {
            memcpy(b, good, n);
            b[i] ^= (uint8_t)(1u << bit);
            ck_assert_int_lt(read_fails(b, n, &e), 0);
            repair(b, n);
            int rc = read_fails(b, n, &e);
            if (rc == 0) accepted++;
            else ck_assert_msg(e.field[0] && e.position >= 1 && e.position <= n + 1,
                               "byte %zu: %s without a field or position", i, e.message);
        }
    /* Only bytes of match-key values (and the key fingerprint) may change
     * and stay valid; the structure never does. */
    ck_assert_uint_gt(accepted, 0);
    free(b);
    free(good);
}
END_TEST

Suite *unika_test_suite(void)
{
    Suite *s = suite_create("matchkey_file");
    TCase *tc = tcase_create("file");
    tcase_add_checked_fixture(tc, setup, teardown);
    tcase_set_timeout(tc, 600);
    tcase_add_test(tc, round_trip);
    tcase_add_test(tc, order_independent);
    tcase_add_test(tc, path_and_memory_agree);
    tcase_add_test(tc, file_changed_while_read);
    tcase_add_test(tc, empty_file);
    tcase_add_test(tc, undated_visits);
    tcase_add_test(tc, writer_refusals);
    tcase_add_test(tc, refused_by_name);
    tcase_add_test(tc, every_damage_refused);
    suite_add_tcase(s, tc);
    return s;
}
