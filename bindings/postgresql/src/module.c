/*
 * module.c - the extension's set-up and what every function shares: the
 * allocator hook, the partnership key setting, error codes, recipes, and
 * sketch bytes <-> sketch objects.
 *
 * The key: `unika.key_file` names a key file on the server (PGC_SUSET: only
 * a superuser may set it, in postgresql.conf, ALTER ROLE/DATABASE ... SET or
 * a session; its value is shown to superusers only). Each backend and each
 * parallel worker loads the file the first time a function needs the key,
 * with the library's checks (mode 0600, fingerprint), into the library's
 * key object: libsodium's guarded, locked memory, read-only once made,
 * wiped when freed. No SQL function returns or logs key bytes; only the
 * fingerprint is shown. A new value of the setting drops the loaded key at
 * once (wiped), and the next call loads the new file.
 */
#include "unika_pg.h"

#include "miscadmin.h"
#include "storage/ipc.h"
#include "utils/builtins.h"
#include "utils/guc.h"

PG_MODULE_MAGIC;

void _PG_init(void);

static char *key_file_setting = NULL; /* the GUC's value, owned by guc.c */
static unika_key *loaded_key = NULL;  /* protected memory, not palloc */
static char loaded_path[MAXPGPATH];

/* ---- allocator: palloc in CurrentMemoryContext, never unwinding ---------- */

static void *upg_alloc(void *opaque, size_t size)
{
    if (size > MaxAllocSize) return NULL; /* palloc would raise, not return NULL */
    return MemoryContextAllocExtended(CurrentMemoryContext, size, MCXT_ALLOC_NO_OOM);
}

static void upg_free(void *opaque, void *address)
{
    pfree(address);
}

/* ---- the key ---------------------------------------------------------------- */

static void drop_key(void)
{
    unika_key_free(loaded_key); /* wipes */
    loaded_key = NULL;
    loaded_path[0] = '\0';
}

static void key_file_assign(const char *newval, void *extra)
{
    /* Runs inside GUC processing, so it must not fail: it only forgets. */
    if (loaded_key && (!newval || strcmp(newval, loaded_path) != 0)) drop_key();
}

static void wipe_at_exit(int code, Datum arg)
{
    drop_key();
}

/* The slow path of upg_key(): load the file. */
static const unika_key *load_key(void)
{
    unika_error err = {0};
    unika_key *key = NULL;
    int rc;

    if (!key_file_setting || !key_file_setting[0])
        ereport(ERROR, (errcode(ERRCODE_OBJECT_NOT_IN_PREREQUISITE_STATE),
                        errmsg("unika.key_file is not set"),
                        errhint("A superuser names the partnership key file in the setting "
                                "unika.key_file (docs/postgresql.md).")));
    if (strlen(key_file_setting) >= sizeof loaded_path)
        ereport(ERROR, (errcode(ERRCODE_NAME_TOO_LONG), errmsg("unika.key_file is too long")));
    rc = unika_key_load(&key, key_file_setting, 0, &err);
    if (rc < 0) {
        /* The path is shown to superusers only, as the setting is. */
        if (!superuser()) {
            snprintf(err.message, sizeof err.message,
                     "the key file named by unika.key_file cannot be used: %s",
                     unika_strerror(rc));
        }
        upg_raise(rc, &err, "unika.key_file");
    }
    loaded_key = key;
    strlcpy(loaded_path, key_file_setting, sizeof loaded_path);
    return loaded_key;
}

const unika_key *upg_key(void)
{
    /* The assign hook drops the key whenever the setting changes, so a
     * loaded key is the setting's. This runs for every aggregated row:
     * nothing else here. */
    if (likely(loaded_key != NULL)) return loaded_key;
    return load_key();
}

/* ---- errors ----------------------------------------------------------------- */

int upg_sqlstate(int code)
{
    switch (code) {
    case UNIKA_EINVAL: return ERRCODE_INVALID_PARAMETER_VALUE;
    case UNIKA_ENOMEM: return ERRCODE_OUT_OF_MEMORY;
    case UNIKA_EIO: return ERRCODE_IO_ERROR;
    case UNIKA_ENOENT: return ERRCODE_UNDEFINED_FILE;
    case UNIKA_EEXIST: return ERRCODE_DUPLICATE_FILE;
    case UNIKA_ESODIUM: return ERRCODE_SYSTEM_ERROR;
    case UNIKA_ERANGE: return ERRCODE_PROGRAM_LIMIT_EXCEEDED;
    case UNIKA_EBUFFER:
    case UNIKA_EINTERNAL: return ERRCODE_INTERNAL_ERROR;
    default:
        break;
    }
    if (code <= -30 && code > -1000) {
        /* Every unika-specific code has its own SQLSTATE: class UK, then
         * the code's number, e.g. UNIKA_EKEYMISMATCH (-71) is UK071. */
        int n = -code;
        return MAKE_SQLSTATE('U', 'K', '0' + n / 100, '0' + n / 10 % 10, '0' + n % 10);
    }
    return ERRCODE_INTERNAL_ERROR;
}

void upg_raise(int code, const unika_error *err, const char *what)
{
    const char *msg = err && err->message[0] ? err->message : unika_strerror(code);
    size_t n = strlen(what);
    /* Library messages often start with the field's name: not twice. */
    if (strncmp(msg, what, n) == 0 && msg[n] == ':') what = "unika";
    ereport(ERROR, (errcode(upg_sqlstate(code)),
                    errmsg("%s: %s", what, msg),
                    errdetail("%s (%d): %s.", unika_err_name(code), code, unika_strerror(code))));
}

/* ---- recipes: parsed once per call site --------------------------------------- */

typedef struct recipe_cache {
    unika_recipe *recipe;  /* in fn_mcxt */
    size_t len;
    char text[FLEXIBLE_ARRAY_MEMBER];
} recipe_cache;

/* The slow path of upg_recipe(): parse and cache. */
static const unika_recipe *parse_recipe(FunctionCallInfo fcinfo, const char *src, size_t len)
{
    recipe_cache *c = fcinfo->flinfo->fn_extra;
    unika_error err = {0};
    unika_recipe *r = NULL;
    MemoryContext old = MemoryContextSwitchTo(fcinfo->flinfo->fn_mcxt);
    int rc;

    rc = unika_recipe_parse(&r, src, len, &err);
    if (rc == 0) {
        if (c) {
            unika_recipe_free(c->recipe);
            pfree(c);
        }
        c = palloc(offsetof(recipe_cache, text) + len);
        c->recipe = r;
        c->len = len;
        memcpy(c->text, src, len);
        fcinfo->flinfo->fn_extra = c;
    }
    MemoryContextSwitchTo(old);
    if (rc < 0) upg_raise(rc, &err, "recipe");
    return r;
}

const unika_recipe *upg_recipe(FunctionCallInfo fcinfo, text *recipe)
{
    /* Runs for every aggregated row: a comparison with the cached text. */
    recipe_cache *c = fcinfo->flinfo->fn_extra;
    size_t len = VARSIZE_ANY_EXHDR(recipe);
    const char *src = VARDATA_ANY(recipe);
    if (likely(c && c->len == len && memcmp(c->text, src, len) == 0)) return c->recipe;
    return parse_recipe(fcinfo, src, len);
}

/* ---- sketch bytes ---------------------------------------------------------------- */

unika_sketch *upg_parse(const struct varlena *v)
{
    unika_sketch *s = NULL;
    unika_error err = {0};
    int rc = unika_sketch_parse(&s, (const uint8_t *)VARDATA_ANY(v), VARSIZE_ANY_EXHDR(v), &err);
    if (rc < 0) upg_raise(rc, &err, "unika_sketch");
    return s;
}

struct varlena *upg_serialize(const unika_sketch *s)
{
    size_t size = 0;
    unika_error err = {0};
    struct varlena *v;
    int rc = unika_sketch_serialized_size(&size, s);
    if (rc == UNIKA_EPROVENANCE) {
        snprintf(err.message, sizeof err.message,
                 "a merged sketch read from its bytes commits to provenance records the "
                 "database does not hold: merged again it cannot be written "
                 "(unika_union_agg records none)");
        upg_raise(rc, &err, "unika_sketch");
    }
    if (rc < 0) upg_raise(rc, NULL, "unika_sketch");
    v = palloc(VARHDRSZ + size);
    SET_VARSIZE(v, VARHDRSZ + size);
    rc = unika_sketch_serialize((uint8_t *)VARDATA(v), size, NULL, s, &err);
    if (rc < 0) upg_raise(rc, &err, "unika_sketch");
    return v;
}

/* A partial aggregate's state between parallel workers: the sketch file,
 * then, when it has provenance records in memory, its provenance file
 * (docs/format.md §6.2). A version 2 sketch alone carries only the records'
 * commitment, and a combine of two such would have none to unite. */
struct varlena *upg_state_serialize(const unika_sketch *s)
{
    struct varlena *sk = upg_serialize(s), *v;
    size_t ns = VARSIZE(sk) - VARHDRSZ, np = 0;
    unika_error err = {0};
    uint64_t count = 0;
    uint8_t root[UNIKA_DIGEST_BYTES];
    int in_memory = 0;
    if (unika_sketch_provenance(s, &count, root, &in_memory, NULL) < 0 || !count || !in_memory)
        return sk;
    int rc = unika_provenance_serialize(NULL, 0, &np, s, &err);
    if (rc != UNIKA_EBUFFER) upg_raise(rc < 0 ? rc : UNIKA_EINTERNAL, &err, "unika_sketch");
    v = palloc(VARHDRSZ + ns + np);
    SET_VARSIZE(v, VARHDRSZ + ns + np);
    memcpy(VARDATA(v), VARDATA(sk), ns);
    rc = unika_provenance_serialize((uint8_t *)VARDATA(v) + ns, np, NULL, s, &err);
    if (rc < 0) upg_raise(rc, &err, "unika_sketch");
    pfree(sk);
    return v;
}

unika_sketch *upg_state_parse(const struct varlena *v)
{
    const uint8_t *b = (const uint8_t *)VARDATA_ANY(v);
    size_t n = VARSIZE_ANY_EXHDR(v), ns = n;
    unika_sketch *s = NULL;
    unika_error err = {0};
    if (n >= 20) ns = (size_t)b[16] | (size_t)b[17] << 8 | (size_t)b[18] << 16 | (size_t)b[19] << 24;
    if (ns > n) ns = n; /* the parser names the truncation */
    int rc = unika_sketch_parse(&s, b, ns, &err);
    if (rc == 0 && ns < n) rc = unika_sketch_provenance_attach(s, b + ns, n - ns, &err);
    if (rc < 0) {
        unika_sketch_free(s);
        upg_raise(rc, &err, "unika_sketch");
    }
    return s;
}

text *upg_hex_text(const uint8_t *bytes, size_t n)
{
    static const char digits[] = "0123456789abcdef";
    text *t = palloc(VARHDRSZ + 2 * n);
    char *d = VARDATA(t);
    SET_VARSIZE(t, VARHDRSZ + 2 * n);
    for (size_t i = 0; i < n; i++) {
        d[2 * i] = digits[bytes[i] >> 4];
        d[2 * i + 1] = digits[bytes[i] & 15];
    }
    return t;
}

/* ---- set-up ------------------------------------------------------------------------ */

void _PG_init(void)
{
    static const unika_allocator pg_allocator = {upg_alloc, upg_free, NULL};

    if (unika_init() < 0)
        ereport(ERROR, (errcode(ERRCODE_SYSTEM_ERROR), errmsg("unika: libsodium cannot start")));
    /* Before the library allocates anything in this process. */
    if (unika_set_allocator(&pg_allocator) < 0)
        ereport(ERROR, (errcode(ERRCODE_INTERNAL_ERROR), errmsg("unika: allocator refused")));
    DefineCustomStringVariable("unika.key_file",
                               "Partnership key file (unika keygen) used by unika's "
                               "pseudonym and sketch-building functions.",
                               "Only superusers may set it; the key itself is never shown.",
                               &key_file_setting, "", PGC_SUSET,
                               GUC_SUPERUSER_ONLY | GUC_NOT_IN_SAMPLE, NULL, key_file_assign,
                               NULL);
    MarkGUCPrefixReserved("unika");
    on_proc_exit(wipe_at_exit, (Datum)0);
}
