/*
 * inspect.c - a match-key file's header and aggregate content, for
 * `unika inspect`: how many profiles, rows and visit cells, the visit
 * months it spans, how many keys of each type, the birth precisions and
 * genders. The file is read completely first (checksum and every field),
 * so what is shown is what a linker would read. No key value is printed.
 */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "matchkeys/inspect.h"
#include "unika/matchkey_file.h"

static const unsigned char MAGIC[8] = {0x81, 0x55, 0x4D, 0x4B, 0x0D, 0x0A, 0x1A, 0x0A};

int cli_is_matchkey_file(const char *path)
{
    unsigned char head[8];
    /* Not a regular file (a FIFO would hang here): not a match-key file,
     * and the sketch loader refuses it by name. */
    int fd = unika_open_regular(path);
    FILE *f = fd >= 0 ? fdopen(fd, "rb") : NULL;
    if (!f) {
        if (fd >= 0) close(fd);
        return 0;
    }
    int is = fread(head, 1, sizeof head, f) == sizeof head && !memcmp(head, MAGIC, sizeof head);
    fclose(f);
    return is;
}

typedef struct mk_stats {
    unsigned long long profiles, rows, visits, keys;
    unsigned long long type[UNIKA_MK_TYPE_MAX + 1];
    unsigned long long precision[4], jan1, gender[4];
    int first, last; /* visit months as year * 12 + month - 1; -1 none */
    unsigned long long undated;
} mk_stats;

static void count(mk_stats *st, const unika_mkreader *r, const unika_mkprofile *p)
{
    st->profiles++;
    st->rows += p->rows;
    st->visits += p->visit_count;
    st->keys += p->key_count;
    for (size_t i = 0; i < p->key_count; i++) st->type[p->keys[i * UNIKA_MKPROFILE_KEY_BYTES]]++;
    st->precision[p->flags & UNIKA_MK_PRECISION_MASK]++;
    st->jan1 += (p->flags & UNIKA_MK_JAN1) != 0;
    st->gender[p->gender & 3]++;
    for (size_t i = 0; i < p->visit_count; i++) {
        unika_mkvisit v;
        if (unika_mkprofile_visit(r, p, i, &v) < 0) continue;
        if (!v.year) {
            st->undated += v.rows;
            continue;
        }
        int m = v.year * 12 + v.month - 1;
        if (st->first < 0 || m < st->first) st->first = m;
        if (m > st->last) st->last = m;
    }
}

static void print_text(const char *path, const unika_mkfile_header *h, const mk_stats *st)
{
    char fp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(fp, h->key_fp);
    printf("%s\n", path);
    printf("  format       unika match keys v%u, match-key version %u\n", h->format_version,
           h->matchkey_version);
    printf("  org          %s\n  key          %s\n", h->org, fp);
    printf("  period       %s (visits kept by month)\n  by           ",
           unika_mk_period_name(h->period));
    for (size_t f = 0; f < h->by_count; f++) printf("%s%s", f ? ", " : "", h->by[f]);
    printf("%s%s%s\n", h->by_count ? "" : "(none)", h->age_bands[0] ? "; age bands " : "",
           h->age_bands);
    printf("  profiles     %llu, %llu rows, %llu visit cells\n", st->profiles, st->rows,
           st->visits);
    if (st->first >= 0)
        printf("  months       %04d-%02d to %04d-%02d%s\n", st->first / 12, st->first % 12 + 1,
               st->last / 12, st->last % 12 + 1, st->undated ? " (and undated rows)" : "");
    else if (st->undated)
        printf("  months       none: %llu undated rows\n", st->undated);
    printf("  birth        %llu day, %llu month, %llu year (%llu of them 1 January), %llu none\n",
           st->precision[3], st->precision[2], st->precision[1], st->jan1, st->precision[0]);
    printf("  gender       %llu M, %llu F, %llu X, %llu unknown\n", st->gender[1], st->gender[2],
           st->gender[3], st->gender[0]);
    printf("  keys         %llu:", st->keys);
    for (unsigned t = 1; t <= UNIKA_MK_TYPE_MAX; t++)
        if (st->type[t]) printf(" %s %llu", unika_matchkey_type_name(t), st->type[t]);
    printf("\n  file         %llu bytes, xxh64 %016llx\n", (unsigned long long)h->file_size,
           (unsigned long long)h->checksum);
}

static void print_json(const char *path, const unika_mkfile_header *h, const mk_stats *st)
{
    char fp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(fp, h->key_fp);
    cli_json j;
    cj_init(&j, stdout);
    cj_obj(&j, NULL);
    cj_int(&j, "version", CLI_JSON_VERSION);
    cj_str(&j, "command", "inspect");
    cj_str(&j, "path", path);
    cj_str(&j, "kind", "matchkeys");
    cj_int(&j, "format_version", h->format_version);
    cj_int(&j, "matchkey_version", h->matchkey_version);
    cj_str(&j, "org", h->org);
    cj_str(&j, "key_fingerprint", fp);
    cj_str(&j, "period", unika_mk_period_name(h->period));
    cj_arr(&j, "by");
    for (size_t f = 0; f < h->by_count; f++) cj_str(&j, NULL, h->by[f]);
    cj_arr_end(&j);
    cj_str(&j, "age_bands", h->age_bands);
    cj_int(&j, "profiles", (long long)st->profiles);
    cj_int(&j, "rows", (long long)st->rows);
    cj_int(&j, "visit_cells", (long long)st->visits);
    cj_int(&j, "undated_rows", (long long)st->undated);
    cj_obj(&j, "birth_precision");
    cj_int(&j, "day", (long long)st->precision[3]);
    cj_int(&j, "month", (long long)st->precision[2]);
    cj_int(&j, "year", (long long)st->precision[1]);
    cj_int(&j, "none", (long long)st->precision[0]);
    cj_int(&j, "jan1", (long long)st->jan1);
    cj_obj_end(&j);
    cj_obj(&j, "keys");
    for (unsigned t = 1; t <= UNIKA_MK_TYPE_MAX; t++)
        cj_int(&j, unika_matchkey_type_name(t), (long long)st->type[t]);
    cj_obj_end(&j);
    cj_int(&j, "file_size", (long long)h->file_size);
    cj_obj_end(&j);
    cj_end(&j);
}

int cli_inspect_matchkeys(const char *path, int json)
{
    unika_mkreader *r = NULL;
    unika_error err = {0};
    if (unika_mkreader_open(&r, path, &err) < 0) return cli_fail(NULL, &err);
    mk_stats st;
    memset(&st, 0, sizeof st);
    st.first = st.last = -1;
    unika_mkprofile p;
    int rc;
    while ((rc = unika_mkreader_next(r, &p, &err)) == 1) count(&st, r, &p);
    if (rc < 0) {
        unika_mkreader_free(r);
        return cli_fail(path, &err);
    }
    if (json) print_json(path, unika_mkreader_header(r), &st);
    else print_text(path, unika_mkreader_header(r), &st);
    unika_mkreader_free(r);
    return CLI_OK;
}
