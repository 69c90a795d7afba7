/*
 * cli.h - what the `unika` command's subcommands share.
 *
 * Each subcommand lives in src/cli/cmd_<name>.c, exports one
 * `int cmd_<name>(int argc, char **argv)` (argv[0] is the subcommand's name)
 * and its option table `cli_spec_<name>` (spec.h), and is registered by one
 * line in main.c's table; it is an options struct, parse_args and run,
 * what several commands share living in ingest/, report/ and audit/. Its
 * --help, man page and completions come from its table; it reads keys from
 * files only, writes outputs atomically (the library's writer, below), and
 * returns one of the exit codes below. Errors go to stderr and name the
 * file, line, column and field, never an identifier's value.
 */
#ifndef UNIKA_CLI_H
#define UNIKA_CLI_H

#include <signal.h>
#include <stdint.h>
#include <stdio.h>

#include "common/fileio.h" /* the one atomic writer, shared with the library */
#include "common/hex.h"    /* the one hex codec */
#include "spec.h"          /* the option tables */
#include "unika.h"

/* Exit codes (docs/cli.md). */
#define CLI_OK 0
#define CLI_INPUT 1    /* a problem with an input, or a refusal */
#define CLI_USAGE 2    /* bad command line */
#define CLI_NOMEM 3    /* out of memory: nothing is wrong with the inputs */
#define CLI_REJECTED 4 /* more rows rejected than --max-rejected allows */
/* What a command returns when it is done early and well (after --help):
 * main() exits 0. Never an exit code itself. */
#define CLI_DONE (-1)

/* Version of the --json output schemas (docs/cli.md). */
#define CLI_JSON_VERSION 1

typedef int (*cli_command_fn)(int argc, char **argv);

int cmd_keygen(int argc, char **argv);
int cmd_key(int argc, char **argv);
int cmd_profile(int argc, char **argv);
int cmd_ingest(int argc, char **argv);
int cmd_pseudonymize(int argc, char **argv);
int cmd_matchkeys(int argc, char **argv);

/* Each command's option table (spec.h), defined beside its cmd_<name>(). */
extern const cli_spec cli_spec_keygen, cli_spec_key, cli_spec_profile, cli_spec_ingest,
    cli_spec_pseudonymize, cli_spec_matchkeys, cli_spec_merge, cli_spec_estimate,
    cli_spec_inspect, cli_spec_report, cli_spec_sign_keygen, cli_spec_sign, cli_spec_roster,
    cli_spec_manifest, cli_spec_box_keygen, cli_spec_seal, cli_spec_open, cli_spec_verify,
    cli_spec_link_keygen, cli_spec_link, cli_spec_verify_link;

/* ---- messages -------------------------------------------------------------- */

/* The running subcommand's name for messages ("unika ingest: ..."). */
extern const char *cli_prog;

/* Prints "unika <cmd>: <message>\n" to stderr. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
void cli_errorf(const char *fmt, ...);

/* Prints "unika <cmd>: <file>: <err->message>\n" (file may be NULL) and
 * returns CLI_INPUT (CLI_NOMEM for UNIKA_ENOMEM). The library's messages
 * never hold identifier values. */
int cli_fail(const char *file, const unika_error *err);

/* Prints a usage error and the hint "try 'unika <cmd> --help'"; returns CLI_USAGE. */
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
int cli_usage_error(const char *fmt, ...);

/* 1 if argv holds -h or --help before any "--". */
int cli_wants_help(int argc, char **argv);

/* Set by SIGINT, SIGTERM or SIGHUP once cli_catch_interrupts() ran, so a
 * long command can stop between rows and remove its temporary files
 * instead of dying with them on disk. */
extern volatile sig_atomic_t cli_interrupted;
void cli_catch_interrupts(void);

/* ---- memory ------------------------------------------------------------------ */

/* The command's allocation helpers: on failure they print "out of memory"
 * and exit with CLI_NOMEM (a command holds no state that must be undone
 * then: outputs are temporary files until committed, and their names are
 * removed by the operating system's view of an unfinished rename). */
void *cli_xmalloc(size_t n);
void *cli_xcalloc(size_t n, size_t size);
void *cli_xrealloc(void *p, size_t n);
char *cli_xstrdup(const char *s);
#if defined(__GNUC__)
__attribute__((format(printf, 1, 2)))
#endif
char *cli_xprintf(const char *fmt, ...);
/* Prints "out of memory" and exits with CLI_NOMEM. */
#if defined(__GNUC__)
__attribute__((noreturn))
#endif
void cli_out_of_memory(void);

/* Zeroes what held a secret or personal data (sodium_memzero(): the
 * compiler may not drop it). */
void cli_wipe(void *p, size_t n);

/* ---- files ----------------------------------------------------------------- */

/* Reads a whole (small) file. Returns 0 and a malloc'd, NUL-terminated
 * buffer, or a UNIKA_E* code with err filled. */
int cli_read_file(char **out, size_t *size, const char *path, size_t max_size, unika_error *err);

/* An output file written atomically: the library's one writer
 * (src/common/fileio.h: a temporary file beside `path`, then flush, fsync,
 * link (no --force: never replaces) or rename (--force), fsync of the
 * directory). Until committed, `path` is untouched; an aborted output
 * leaves nothing behind. Write to o->fp. */
typedef unika_atomic_file cli_out;

/* Refuses early (UNIKA_EEXIST, "use --force") when `path` exists and !force. */
int cli_out_open(cli_out *o, const char *path, int force, unsigned mode, unika_error *err);
int cli_out_commit(cli_out *o, unika_error *err);
void cli_out_abort(cli_out *o);

/* 1 if `path` exists (any type). */
int cli_exists(const char *path);

/* fsyncs a directory (after a rename into it). */
int cli_fsync_dir(const char *dir, unika_error *err);

/* Directory part of `path` ("." if none); malloc'd. */
char *cli_dirname(const char *path);

/* ---- output directories (stage.c) ----------------------------------------- */

/* A directory of outputs that appears whole or not at all: write into the
 * staging directory cli_stage_begin() makes beside DIR (stage has
 * PATH_MAX bytes), then cli_stage_commit() swaps it into place (an old DIR
 * is replaced), or cli_stage_abort() removes it. Both print their errors;
 * begin returns -1, commit CLI_INPUT (or CLI_NOMEM) on failure. */
int cli_stage_begin(char *stage, const char *out_dir);
/* Writes `size` bytes as stage/name and, with a signer, their signature as
 * stage/name.sig (no temporary files: the staging directory is the unit
 * that appears whole). Prints its error; CLI_INPUT on failure. */
int cli_stage_put(const char *stage, const char *name, const void *bytes, size_t size,
                  const unika_sign_key *signer);
int cli_stage_commit(const char *stage, const char *out_dir, const char *what);
void cli_stage_abort(const char *stage);

/* Refuses early (prints, returns CLI_INPUT) when DIR cannot be the output:
 * not a directory; not empty without force; holding anything but regular
 * files whose names end in one of `kinds` (NULL-terminated), even with
 * force. `what` names those files in the message. */
int cli_stage_check_dir(const char *out_dir, int force, const char *const *kinds,
                        const char *what);

/* ---- JSON ------------------------------------------------------------------ */

/* A minimal streaming JSON writer with comma bookkeeping. Keys are NULL
 * inside arrays. Strings are escaped per RFC 8259 (control characters as
 * \u00XX; valid UTF-8 passes through). */
typedef struct cli_json {
    FILE *f;
    int depth;
    int count[32];
} cli_json;

void cj_init(cli_json *j, FILE *f);
/* The comma, newline, indentation and "key": before a value (key NULL in arrays). */
void cj_key(cli_json *j, const char *key);
void cj_obj(cli_json *j, const char *key);
void cj_obj_end(cli_json *j);
void cj_arr(cli_json *j, const char *key);
void cj_arr_end(cli_json *j);
void cj_str(cli_json *j, const char *key, const char *value);
void cj_int(cli_json *j, const char *key, long long value);
void cj_num(cli_json *j, const char *key, double value);
void cj_bool(cli_json *j, const char *key, int value);
void cj_null(cli_json *j, const char *key);
void cj_end(cli_json *j); /* newline after the top-level value */
void cli_json_string(FILE *f, const char *s);

/* Fills err (code, field, message) without the library's internals; returns code. */
#if defined(__GNUC__)
__attribute__((format(printf, 4, 5)))
#endif
int cli_set_error(unika_error *err, int code, const char *field, const char *fmt, ...);

/* Puts a printf-style prefix (e.g. "line 12, column 3 (dob): ") before err's message. */
#if defined(__GNUC__)
__attribute__((format(printf, 2, 3)))
#endif
void cli_error_prefix(unika_error *err, const char *fmt, ...);

/* dst = a + sep + b; -1 if it does not fit. */
int cli_path_join(char *dst, size_t cap, const char *a, const char *sep, const char *b);

/* ---- the heap -------------------------------------------------------------- */

/* Backs the first 64 MiB of the heap with transparent huge pages where the
 * system allows (heap.c); call once, before the command allocates. */
void cli_heap_prepare(void);

/* ---- the roster ------------------------------------------------------------ */

/* Loads the roster at `path`, accepting it only if the coordinator whose key
 * fingerprint `pin` gives signed it (pin.c): `pin` is 32 hex digits, or a
 * file, either the coordinator's public key (PREFIX.pub of `unika
 * sign-keygen`) or a pin file whose first line that is not a comment holds
 * the 32 hex digits. Prints the reason and returns CLI_INPUT (CLI_USAGE
 * when pin is NULL) on failure. */
int cli_roster_load(unika_roster **out, const char *path, const char *pin);

/* The --coordinator option every command that reads a roster shares (its
 * entry in the command's option table, returning `id`). */
#define CLI_COORDINATOR_OPT(id)                                                             \
    {"coordinator", 0, "FP|FILE", (id),                                                     \
     "The coordinator's key fingerprint (32 hex digits), or its public key or a pin file: " \
     "the roster counts only if that key signed it (docs/security.md).",                    \
     CLI_FILE, 0}

/* Keeps [A-Za-z0-9.+-] of src and writes '-' for anything else, so a
 * label value in a file name never holds a separator, a space or a path
 * character. */
void cli_slug(char *dst, size_t cap, const char *src);

/* BLAKE2b-256 of a file's bytes, read in a stream (unika_file_digest() of
 * the whole file). Returns 0 or a UNIKA_E* code with err filled. */
int cli_file_digest(uint8_t out[UNIKA_DIGEST_BYTES], const char *path, unika_error *err);

/* ---- small parsers --------------------------------------------------------- */

/* Parses a decimal unsigned in [lo, hi]; 0 on success, -1 otherwise. */
int cli_parse_uint(unsigned long *out, const char *s, unsigned long lo, unsigned long hi);

#endif /* UNIKA_CLI_H */
