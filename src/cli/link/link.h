/*
 * link/link.h - what `unika link` and `unika verify-link` share: the
 * inputs checked and added the same way, and the outputs (cell files and
 * the manifest) made the same way, in memory, so that the auditor's re-run
 * compares byte for byte with what the linker wrote (docs/cli.md,
 * docs/linkage.md).
 */
#ifndef UNIKA_CLI_LINK_H
#define UNIKA_CLI_LINK_H

#include "cli.h"

#define CLI_LINK_MANIFEST "manifest.json"
#define CLI_LINK_ESTIMATES "estimates.json"

/* One input, once checked. */
typedef struct cli_link_input {
    const char *path;
    char org[UNIKA_MK_ORG_MAX + 1];
    char signer[UNIKA_SIGNER_NAME_MAX + 1];
    uint8_t digest[UNIKA_DIGEST_BYTES];
} cli_link_input;

/*
 * Checks each match-key file and adds it to lk, in the order given:
 *   - it reads as a match-key file of a version this unika knows (every
 *     refusal of the reader: magic, version, truncation, checksum, fields);
 *   - FILE.sig verifies against the roster, and its signer is the
 *     organisation the file is of (a partner signs for itself only);
 *   - it was made under the roster's partnership key;
 *   - no other input is the same file or of the same organisation.
 * The first refusal is printed naming the file (and the other file, for a
 * duplicate); returns CLI_OK, CLI_INPUT or CLI_NOMEM. `info` gets n entries.
 */
int cli_link_add_inputs(unika_linkage *lk, const unika_roster *roster, char *const *paths,
                        size_t n, cli_link_input *info);

/* The outputs of a resolved linkage, in memory: the cell files (named
 * org_period[_by-value]..._draw-0.uks, sorted by name), their digests and
 * the manifest that lists them. */
typedef struct cli_link_outputs {
    size_t n;
    char **name;
    uint8_t **bytes;
    size_t *size;
    unika_link_output *out;
    char *manifest;
    size_t manifest_size;
} cli_link_outputs;

/* Prints its errors; returns CLI_OK, CLI_INPUT or CLI_NOMEM. */
int cli_link_make_outputs(cli_link_outputs *o, const unika_linkage *lk,
                          const unika_link_params *params);
void cli_link_outputs_free(cli_link_outputs *o);

/* Whether JSON texts a and b, as the one JSON reader reads them, are the
 * same value for value, but for decimals that differ by at most one unit of
 * their last printed digit, printed to the same number of places: what the
 * floating point of another platform can do to estimates.json
 * (link/last_digit.c). *moved: the decimals that differ; *line: a's line
 * where a difference beyond that was found. */
int cli_json_to_last_digit(const char *a, size_t na, const char *b, size_t nb, size_t *moved,
                           size_t *line);

#endif
