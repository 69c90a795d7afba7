/*
 * input.c - reading a partner's CSV through its profile, for `ingest` and
 * `pseudonymize`: open and bind, what a recipe needs from a profile, the
 * pseudonym record of a row, rejected-row bookkeeping, and the progress line.
 *
 * Refusals versus rejections: a file whose structure is wrong (malformed
 * CSV, invalid UTF-8, a missing column, a row with the wrong number of
 * fields) is refused as a whole, because nothing in it can be trusted to
 * sit in the right column. A row whose values are wrong (an impossible
 * date, an empty name) is rejected alone and reported by line.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "ingest/ingest.h"

int cli_input_open(cli_input *in, const char *path, unika_profile *profile)
{
    int rc = cli_input_open_header(in, path, profile);
    if (rc) return rc;
    unika_error err = {0};
    if (unika_profile_bind(profile, in->csv, &err) < 0) {
        rc = cli_fail(in->path, &err);
        cli_input_close(in);
        return rc;
    }
    return 0;
}

int cli_input_open_header(cli_input *in, const char *path, const unika_profile *profile)
{
    memset(in, 0, sizeof *in);
    in->path = path;
    if (!strcmp(path, "-")) {
        in->fp = stdin;
        in->path = "<stdin>";
    } else if (!(in->fp = fopen(path, "rb"))) {
        cli_errorf("%s: cannot open: %s", path, strerror(errno));
        return CLI_INPUT;
    }
    struct stat st;
    if (fstat(fileno(in->fp), &st) == 0 && S_ISREG(st.st_mode)) in->size = (uint64_t)st.st_size;
    unika_csv_options opt;
    unika_csv_options_init(&opt);
    opt.delimiter = unika_profile_delimiter(profile);
    opt.encoding = unika_profile_encoding(profile);
    unika_error err = {0};
    int rc = unika_csv_new_fd(&in->csv, fileno(in->fp), &opt, &err);
    if (rc == 0) rc = unika_csv_next(in->csv, &err);
    if (rc == 0) {
        rc = err.code = UNIKA_ECSV;
        snprintf(err.message, sizeof err.message, "empty file: no header line");
    }
    if (rc < 0) {
        int code = cli_fail(in->path, &err);
        cli_input_close(in);
        return code;
    }
    return 0;
}

void cli_input_close(cli_input *in)
{
    unika_csv_free(in->csv);
    if (in->fp && in->fp != stdin) fclose(in->fp);
    in->csv = NULL;
    in->fp = NULL;
}

int cli_recipe_needs(unsigned *need, const unika_recipe *recipe)
{
    *need = unika_recipe_needs(recipe);
    if (*need & UNIKA_COLUMN_BIT(UNIKA_COLUMN_DIGITS)) {
        cli_errorf("recipe %s uses '%s', which no profile column provides",
                   unika_recipe_name(recipe), unika_field_name(UNIKA_FIELD_DIGITS));
        return CLI_INPUT;
    }
    return 0;
}

int cli_profile_check(const unika_profile *profile, const char *profile_path, unsigned need,
                      const char *why)
{
    unsigned lacking = need & ~unika_profile_provides(profile);
    for (int c = 0; c < UNIKA_COLUMN_COUNT; c++)
        if (lacking & UNIKA_COLUMN_BIT(c)) {
            cli_errorf("%s: the profile maps no column for '%s', which %s needs", profile_path,
                       unika_profile_value_name((unika_column)c), why);
            return CLI_INPUT;
        }
    return 0;
}

/* ---- the row loop ---------------------------------------------------------- */

int cli_rows_each(cli_input *in, cli_row_fn fn, void *ctx, uint64_t *rows)
{
    cli_progress prog;
    cli_progress_start(&prog, in->size);
    cli_catch_interrupts();
    int rc = CLI_OK;
    unika_error err = {0};
    for (;;) {
        if (cli_interrupted) {
            cli_errorf("interrupted");
            rc = CLI_INPUT;
            break;
        }
        int r = unika_csv_next(in->csv, &err);
        if (r == 0) break;
        if (r < 0) {
            rc = cli_fail(in->path, &err);
            break;
        }
        ++*rows;
        if ((*rows & 0x3ff) == 0) /* the clock costs ~20 ns; a row ~500 */
            cli_progress_tick(&prog, *rows, unika_csv_bytes_consumed(in->csv));
        if ((rc = fn(ctx, unika_csv_line(in->csv))) != CLI_OK) break;
    }
    cli_progress_end(&prog);
    return rc;
}

int cli_load_key(unika_key **key, const char *path, const char *expect_hex)
{
    unika_error err = {0};
    uint8_t want[UNIKA_FINGERPRINT_BYTES];
    if (expect_hex && unika_fingerprint_from_hex(want, expect_hex, strlen(expect_hex), &err) < 0) {
        cli_errorf("--key-fingerprint: expected 32 hex digits");
        return CLI_USAGE;
    }
    if (unika_key_load(key, path, 0, &err) < 0) return cli_fail(path, &err);
    if (expect_hex && memcmp(want, unika_key_fingerprint_ptr(*key), sizeof want) != 0) {
        char got[UNIKA_FINGERPRINT_HEX_BYTES], exp[UNIKA_FINGERPRINT_HEX_BYTES];
        unika_fingerprint_to_hex(got, unika_key_fingerprint_ptr(*key));
        unika_fingerprint_to_hex(exp, want);
        cli_errorf("%s: key fingerprint: expected %s, got %s (not the partnership's key)", path,
                   exp, got);
        unika_key_free(*key);
        *key = NULL;
        return CLI_INPUT;
    }
    return 0;
}

/* ---- progress ------------------------------------------------------------ */

static double now_seconds(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

void cli_progress_start(cli_progress *p, uint64_t total_bytes)
{
    p->on = !cli_quiet && !cli_no_progress && isatty(STDERR_FILENO);
    p->shown = 0;
    p->start = p->last = now_seconds();
    p->total = total_bytes;
}

/* "1 234 567" */
static void grouped(char *dst, size_t cap, uint64_t v)
{
    char digits[32];
    int n = snprintf(digits, sizeof digits, "%llu", (unsigned long long)v), o = 0;
    for (int i = 0; i < n && (size_t)o + 2 < cap; i++) {
        if (i && (n - i) % 3 == 0) dst[o++] = ',';
        dst[o++] = digits[i];
    }
    dst[o] = '\0';
}

static void duration(char *dst, size_t cap, double seconds)
{
    unsigned long s = seconds < 1 ? 1 : (unsigned long)(seconds + 0.5);
    if (s < 60) snprintf(dst, cap, "%lu s", s);
    else if (s < 3600) snprintf(dst, cap, "%lu min %02lu s", s / 60, s % 60);
    else snprintf(dst, cap, "%lu h %02lu min", s / 3600, s / 60 % 60);
}

void cli_progress_tick(cli_progress *p, uint64_t rows, uint64_t bytes)
{
    if (!p->on) return;
    double t = now_seconds();
    if (t - p->last < 0.5) return;
    p->last = t;
    double elapsed = t - p->start;
    char r[32], rate[32];
    grouped(r, sizeof r, rows);
    grouped(rate, sizeof rate, (uint64_t)((double)rows / (elapsed > 0 ? elapsed : 1)));
    fprintf(stderr, "\r\033[Kunika %s: %s rows, %s rows/s", cli_prog, r, rate);
    if (p->total && bytes && bytes <= p->total) {
        char left[32];
        duration(left, sizeof left, elapsed * (double)(p->total - bytes) / (double)bytes);
        fprintf(stderr, ", %.0f%%, about %s left", 100.0 * (double)bytes / (double)p->total,
                left);
    }
    fflush(stderr);
    p->shown = 1;
}

void cli_progress_end(cli_progress *p)
{
    if (p->on && p->shown) fprintf(stderr, "\r\033[K");
}

/* ---- --max-rejected and the summary line ------------------------------------- */

int cli_limit_parse(cli_limit *l, const char *text)
{
    memset(l, 0, sizeof *l);
    size_t n = strlen(text);
    if (n && text[n - 1] == '%') {
        char *end;
        double p = strtod(text, &end);
        if (end != text + n - 1 || n == 1 || text[0] == '-' || !(p >= 0 && p <= 100)) {
            cli_usage_error("--max-rejected must be a number of rows or a percentage from 0%% "
                            "to 100%%, e.g. 25 or 2.5%%");
            return -1;
        }
        l->percent = 1;
        l->p = p;
    } else {
        unsigned long v;
        if (cli_parse_uint(&v, text, 0, ~0ul) < 0) {
            cli_usage_error("--max-rejected must be a number of rows or a percentage from 0%% "
                            "to 100%%, e.g. 25 or 2.5%%");
            return -1;
        }
        l->n = v;
    }
    l->text = text;
    return 0;
}

int cli_limit_exceeded(const cli_limit *l, uint64_t rejected, uint64_t read)
{
    if (!l->text) return 0;
    if (!l->percent) return rejected > l->n;
    return read && (double)rejected * 100.0 > l->p * (double)read;
}

void cli_limit_refusal(const cli_limit *l, const char *file, uint64_t rejected, uint64_t read,
                       const char *nothing)
{
    cli_errorf("%s: %llu of %llu rows rejected (%.1f%%), more than --max-rejected %s allows: "
               "%s", file, (unsigned long long)rejected, (unsigned long long)read,
               read ? 100.0 * (double)rejected / (double)read : 0.0, l->text, nothing);
}

void cli_summary_line(uint64_t read, uint64_t used, uint64_t rejected, const char *extra,
                      const cli_limit *l, int exit_code)
{
    if (cli_quiet) return;
    fprintf(stderr, "unika %s: summary rows_read=%llu rows_used=%llu rows_rejected=%llu%s "
            "max_rejected=%s exit=%d\n", cli_prog, (unsigned long long)read,
            (unsigned long long)used, (unsigned long long)rejected, extra ? extra : "",
            l->text ? l->text : "none", exit_code);
}

/* ---- rejects --------------------------------------------------------------- */

/* Skips `phrase` and the number after it at s, if there; returns the end. */
static const char *skip_number_after(const char *s, const char *phrase)
{
    size_t n = strlen(phrase);
    if (strncmp(s, phrase, n) != 0 || s[n] < '0' || s[n] > '9') return s;
    s += n;
    while (*s >= '0' && *s <= '9') s++;
    return s;
}

/* The message without where it happened: no "line 7, column 1 (datum,
 * date): " opening, no "(position 3)", "at position 3" or "(no match at
 * character 3)", so rows rejected for the same reason group together. */
static void reason_detail(char *dst, size_t cap, const char *m)
{
    if (!strncmp(m, "line ", 5)) {
        const char *p = m + 5;
        while (*p >= '0' && *p <= '9') p++;
        const char *open = strstr(m, "): ");
        if (p[0] == ':' && p[1] == ' ') m = p + 2;
        else if (open) m = open + 3;
    }
    size_t o = 0;
    while (*m && o + 1 < cap) {
        const char *after = skip_number_after(m, " (position ");
        if (after == m) after = skip_number_after(m, " (no match at character ");
        if (after != m && *after == ')') {
            m = after + 1;
            continue;
        }
        after = skip_number_after(m, " at position ");
        if (after != m) {
            m = after;
            continue;
        }
        dst[o++] = *m++;
    }
    dst[o] = '\0';
}

void cli_rejects_add(cli_rejects *r, const char *recipe, uint64_t line, uint64_t column,
                     const unika_error *err)
{
    r->total++;
    const char *field = err->field[0] ? err->field : "";
    char detail[UNIKA_ERROR_MESSAGE_BYTES];
    reason_detail(detail, sizeof detail, err->message);
    cli_reason *x = NULL;
    for (size_t i = 0; i < r->n; i++)
        if (r->reasons[i].code == err->code && !strcmp(r->reasons[i].field, field) &&
            !strcmp(r->reasons[i].recipe, recipe) && !strcmp(r->reasons[i].detail, detail)) {
            x = &r->reasons[i];
            break;
        }
    if (!x) {
        if (r->n == r->cap) {
            size_t cap = r->cap ? r->cap * 2 : 8;
            cli_reason *p = realloc(r->reasons, cap * sizeof *p);
            if (!p) return; /* the summary loses a line; the detail file keeps it */
            r->reasons = p;
            r->cap = cap;
        }
        x = &r->reasons[r->n++];
        memset(x, 0, sizeof *x);
        snprintf(x->recipe, sizeof x->recipe, "%s", recipe);
        snprintf(x->field, sizeof x->field, "%s", field);
        snprintf(x->detail, sizeof x->detail, "%s", detail);
        x->code = err->code;
    }
    if (x->count < 5) x->lines[x->count] = line;
    x->count++;
    if (r->detail) {
        /* CSV: line,column,field,recipe,code,message. The message comes from
         * the library and never holds the value; quotes are doubled anyway. */
        fprintf(r->detail, "%llu,%llu,%s,%s,%s,\"", (unsigned long long)line,
                (unsigned long long)column, field, recipe, unika_err_name(err->code));
        for (const char *m = err->message; *m; m++) {
            if (*m == '"') fputc('"', r->detail);
            fputc(*m == '\n' || *m == '\r' ? ' ' : *m, r->detail);
        }
        fputs("\"\n", r->detail);
    }
}

static int reason_cmp(const void *a, const void *b)
{
    const cli_reason *x = a, *y = b;
    if (x->count != y->count) return x->count < y->count ? 1 : -1;
    int c = strcmp(x->recipe, y->recipe);
    if (c) return c;
    c = strcmp(x->field, y->field);
    if (c) return c;
    if (x->code != y->code) return x->code < y->code ? -1 : 1;
    return strcmp(x->detail, y->detail);
}

void cli_rejects_print(const cli_rejects *r, FILE *f)
{
    if (r->n > 1) qsort(r->reasons, r->n, sizeof *r->reasons, reason_cmp);
    for (size_t i = 0; i < r->n; i++) {
        const cli_reason *x = &r->reasons[i];
        fprintf(f, "  %s %llu", r->verb ? r->verb : "rejected", (unsigned long long)x->count);
        if (!r->no_recipe) fprintf(f, " (recipe %s)", x->recipe);
        fprintf(f, ": %s%s%s [%s], line", x->field, x->field[0] ? ": " : "",
                x->detail[0] ? x->detail : unika_strerror(x->code), unika_err_name(x->code));
        fputs(x->count > 1 ? "s" : "", f);
        for (uint64_t k = 0; k < x->count && k < 5; k++)
            fprintf(f, "%s %llu", k ? "," : "", (unsigned long long)x->lines[k]);
        fputs(x->count > 5 ? ", ...\n" : "\n", f);
    }
}

void cli_rejects_json(const cli_rejects *r, cli_json *j)
{
    cli_rejects_json_as(r, j, "rejects");
}

void cli_rejects_json_as(const cli_rejects *r, cli_json *j, const char *key)
{
    cj_arr(j, key);
    for (size_t i = 0; i < r->n; i++) {
        const cli_reason *x = &r->reasons[i];
        cj_obj(j, NULL);
        cj_str(j, "recipe", x->recipe);
        cj_str(j, "code", unika_err_name(x->code));
        cj_str(j, "field", x->field);
        cj_str(j, "reason", unika_strerror(x->code));
        cj_str(j, "detail", x->detail);
        cj_int(j, "count", (long long)x->count);
        cj_arr(j, "first_lines");
        for (uint64_t k = 0; k < x->count && k < 5; k++) cj_int(j, NULL, (long long)x->lines[k]);
        cj_arr_end(j);
        cj_obj_end(j);
    }
    cj_arr_end(j);
}

void cli_rejects_free(cli_rejects *r)
{
    free(r->reasons);
    r->reasons = NULL;
    r->n = r->cap = 0;
}
