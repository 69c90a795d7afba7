/*
 * cmd_inspect.c - `unika inspect`: everything a sketch file's header and
 * metadata say (format version, kind, precision, fingerprints, labels,
 * provenance, sizes), without its registers or tokens. The file is fully
 * parsed and checked first, so what is shown is what a merge would use.
 */
#include <stdlib.h>
#include <string.h>

#include "matchkeys/inspect.h"
#include "report/report.h"

static const cli_opt options[] = {
    {"json", 0, NULL, 'j', "JSON output (docs/report.md).", NULL, 0},
    {NULL, 0, NULL, 0, NULL, NULL, 0},
};

const cli_spec cli_spec_inspect = {
    "inspect", "show a sketch or match-key file's header, labels and provenance",
    "[--json] FILE",
    "Shows a sketch file's header: format version, kind (sparse or dense), precision p, "
    "encoding, key and recipe fingerprints, labels, provenance (one record per partner file "
    "of a merge: BLAKE2b-256 digest, labels, signer; from FILE.prov, checked against the "
    "count and Merkle root FILE commits to), payload and file size, and the file's own "
    "BLAKE2b-256 digest. Never the registers or tokens. The file is checked completely first "
    "(checksum included).\n\n"
    "For a match-key file (.umk): its organisation, key fingerprint, period and --by fields, "
    "and in aggregate its profiles, rows, visit months, birth precisions, genders and keys "
    "per type. Never a key.",
    options, CLI_FILE, 0, NULL, NULL};

/* Provenance record i: its digest in hex, labels and signer; 0 or -1. */
static int source_of(char hex[RP_DIGEST_HEX_BYTES], const char **labels, const char **signer,
                     const unika_sketch *s, size_t i)
{
    const uint8_t *d;
    if (unika_sketch_source_at(s, i, &d, labels, signer) < 0) return -1;
    unika_hex_encode(hex, d, UNIKA_DIGEST_BYTES);
    return 0;
}

/* The provenance commitment: count, root in hex ("" without provenance),
 * and whether the records are in memory (FILE.prov read and checked). */
static void commitment_of(unsigned long long *count, char hex[RP_DIGEST_HEX_BYTES],
                          int *in_memory, const unika_sketch *s)
{
    uint64_t n = 0;
    uint8_t root[UNIKA_DIGEST_BYTES];
    *in_memory = 1;
    hex[0] = '\0';
    if (unika_sketch_provenance(s, &n, root, in_memory, NULL) == 0 && n > 0)
        unika_hex_encode(hex, root, UNIKA_DIGEST_BYTES);
    *count = n;
}

/* Canonical labels ("k=v" lines in key order) as a JSON object. */
static void json_label_lines(cli_json *j, const char *key, const char *labels)
{
    cj_obj(j, key);
    const char *q = labels;
    while (*q) {
        const char *nl = strchr(q, '\n'), *end = nl ? nl : q + strlen(q);
        const char *eq = memchr(q, '=', (size_t)(end - q));
        if (eq) {
            char k[UNIKA_LABEL_KEY_MAX + 1], v[UNIKA_LABEL_VALUE_MAX + 1];
            snprintf(k, sizeof k, "%.*s", (int)(eq - q), q);
            snprintf(v, sizeof v, "%.*s", (int)(end - eq - 1), eq + 1);
            cj_str(j, k, v);
        }
        q = nl ? nl + 1 : end;
    }
    cj_obj_end(j);
}

static void print_json(const rp_input *in, const char *kind, size_t payload_bytes,
                       const char *kfp, const char *rfp)
{
    const unika_sketch *s = in->sketch;
    char digest[RP_DIGEST_HEX_BYTES];
    rp_digest_hex(digest, in);
    cli_json j;
    cj_init(&j, stdout);
    cj_obj(&j, NULL);
    cj_int(&j, "version", CLI_JSON_VERSION);
    cj_str(&j, "command", "inspect");
    cj_str(&j, "path", in->path);
    cj_str(&j, "digest", digest);
    cj_int(&j, "file_size", (long long)in->info.size);
    cj_int(&j, "format_version", in->info.format_version);
    cj_str(&j, "kind", kind);
    cj_int(&j, "precision", unika_sketch_precision(s));
    cj_int(&j, "encoding", in->info.encoding);
    cj_str(&j, "key_fingerprint", kfp);
    cj_str(&j, "recipe_fingerprint", rfp);
    cj_int(&j, "payload_count", in->info.payload_count);
    cj_int(&j, "payload_bytes", (long long)payload_bytes);
    rp_json_labels(&j, "labels", s);
    unsigned long long count;
    char root[RP_DIGEST_HEX_BYTES];
    int in_memory;
    commitment_of(&count, root, &in_memory, s);
    cj_int(&j, "provenance_count", (long long)count);
    if (root[0]) cj_str(&j, "provenance_root", root);
    else cj_null(&j, "provenance_root");
    cj_bool(&j, "provenance_listed", in_memory);
    cj_arr(&j, "provenance");
    for (size_t i = 0; i < unika_sketch_source_count(s); i++) {
        char hex[RP_DIGEST_HEX_BYTES];
        const char *labels, *signer;
        if (source_of(hex, &labels, &signer, s, i) < 0) continue;
        cj_obj(&j, NULL);
        cj_str(&j, "digest", hex);
        json_label_lines(&j, "labels", labels);
        if (signer[0]) cj_str(&j, "signer", signer);
        else cj_null(&j, "signer");
        cj_obj_end(&j);
    }
    cj_arr_end(&j);
    cj_obj_end(&j);
    cj_end(&j);
}

static void print_text(const rp_input *in, const char *kind, size_t payload_bytes,
                       const char *kfp, const char *rfp)
{
    const unika_sketch *s = in->sketch;
    unsigned p = unika_sketch_precision(s);
    size_t nsrc = unika_sketch_source_count(s);
    printf("%s\n", in->path);
    printf("  format       unika sketch v%u, encoding %u%s\n", in->info.format_version,
           in->info.encoding, in->info.encoding == UNIKA_ENCODING_COMPACT ? " (compact)" : "");
    printf("  kind         %s, p=%u (%u registers)\n", kind, p, 1u << p);
    printf("  payload      %u %s%s, %zu bytes%s\n", (unsigned)in->info.payload_count,
           in->info.kind == 1 ? "token" : "register", in->info.payload_count == 1 ? "" : "s",
           payload_bytes, in->info.encoding == UNIKA_ENCODING_COMPACT ? " (rANS-coded)" : "");
    char digest[RP_DIGEST_HEX_BYTES];
    rp_digest_hex(digest, in);
    printf("  file         %zu bytes, blake2b-256 %s\n", in->info.size, digest);
    printf("  key          %s\n  recipe       %s\n", kfp, rfp);
    printf("  labels       ");
    rp_print_labels(stdout, s);
    unsigned long long count;
    char root[RP_DIGEST_HEX_BYTES];
    int in_memory;
    commitment_of(&count, root, &in_memory, s);
    if (in_memory) printf("\n  provenance   %zu record%s\n", nsrc, nsrc == 1 ? "" : "s");
    else
        printf("\n  provenance   %llu record%s (commitment only: %s.prov not found)\n", count,
               count == 1 ? "" : "s", in->path);
    if (root[0]) printf("    merkle root %s\n", root);
    for (size_t i = 0; i < nsrc; i++) {
        char hex[RP_DIGEST_HEX_BYTES];
        const char *labels, *signer;
        if (source_of(hex, &labels, &signer, s, i) < 0) continue;
        printf("    %s  ", hex);
        for (const char *q = labels; *q; q++) putchar(*q == '\n' ? ' ' : *q);
        printf("  signer: %s\n", signer[0] ? signer : "(unsigned)");
    }
}

int cmd_inspect(int argc, char **argv)
{
    int json = 0, c;
    while ((c = cli_getopt(&cli_spec_inspect, argc, argv)) != -1) {
        switch (c) {
        case 'j': json = 1; break;
        default: return cli_opt_exit(c);
        }
    }
    if (argc - optind != 1) return cli_usage_error("expected exactly one FILE");
    if (cli_is_matchkey_file(argv[optind])) return cli_inspect_matchkeys(argv[optind], json);
    rp_input in;
    int rc = rp_load(&in, argv[optind]);
    if (rc) return rc;
    const unika_sketch *s = in.sketch;
    const char *kind = in.info.kind == 1 ? "sparse" : "dense";
    /* Payload bytes: 4 per sparse token, 1 per dense register. */
    size_t payload_bytes = in.info.payload_bytes;
    char kfp[UNIKA_FINGERPRINT_HEX_BYTES], rfp[UNIKA_FINGERPRINT_HEX_BYTES];
    unika_fingerprint_to_hex(kfp, unika_sketch_key_fingerprint(s));
    unika_fingerprint_to_hex(rfp, unika_sketch_recipe_fingerprint(s));
    if (json) print_json(&in, kind, payload_bytes, kfp, rfp);
    else print_text(&in, kind, payload_bytes, kfp, rfp);
    rp_input_free(&in);
    return CLI_OK;
}
