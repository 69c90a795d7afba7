/*
 * spec.h - one table per command: its options, synopsis and description,
 * from which --help, the man page and the bash and zsh completions are all
 * made (spec.c, docgen.c), so that they cannot disagree with each other or
 * with what the command accepts: the same table drives its getopt_long.
 *
 * Every command also takes -h/--help and -q/--quiet (print nothing on
 * stderr but errors; a command's result on stdout is unaffected), and the
 * commands that read rows --no-progress; the table need not list them.
 */
#ifndef UNIKA_CLI_SPEC_H
#define UNIKA_CLI_SPEC_H

#include <getopt.h> /* optarg, for the commands' option loops */
#include <stdio.h>

/* How a value or an operand completes (cli_opt.complete, cli_spec.operands):
 * a file, a directory, or nothing in particular; any other string is the
 * list of the value's words, separated by spaces. */
#define CLI_FILE "<file>"
#define CLI_DIR "<dir>"

/* cli_opt.flags */
#define CLI_REPEAT 1u /* may be given more than once */

typedef struct cli_opt {
    const char *name;     /* the long name, without "--" */
    int short_name;       /* 'o', or 0 */
    const char *arg;      /* the value's name ("FILE"); NULL for a flag */
    int id;               /* what cli_getopt() returns for it (> 0) */
    const char *help;     /* what it does: sentences, no line breaks */
    const char *complete; /* CLI_FILE, CLI_DIR, "word word...", or NULL */
    unsigned flags;
} cli_opt;

/* cli_spec.flags */
#define CLI_PROGRESS 1u /* reads rows: --no-progress applies */

typedef struct cli_spec {
    const char *name;        /* "ingest", "roster check" */
    const char *summary;     /* one line: `unika --help` and the man page's NAME */
    const char *synopsis;    /* what follows "unika <name> "; "\n" between forms */
    const char *description; /* paragraphs separated by "\n\n"; a paragraph whose
                                lines start with two spaces is shown as it is */
    const cli_opt *opts;     /* ends with an entry whose name is NULL */
    const char *operands;    /* how operands complete: CLI_FILE, CLI_DIR or NULL */
    unsigned flags;
    const char *exit_status; /* beyond 0, 1, 2, 3: e.g. "4 ...", or NULL */
    const struct cli_spec *const *subs; /* operations ("roster check"), NULL-ended */
} cli_spec;

/* What cli_getopt() returns besides an option's id and -1 (no more). */
#define CLI_OPT_HELP (-2)  /* --help was given: the help is printed */
#define CLI_OPT_ERROR (-3) /* a usage error: it is printed */

/* Set by cli_getopt() from the options every command takes. */
extern int cli_quiet;       /* -q, --quiet */
extern int cli_no_progress; /* --no-progress */

/* getopt_long over the spec's options and the common ones (optind starts
 * at 1 on the first call for a spec). An unknown option gets "did you
 * mean". Returns an option's id, -1 after the last, CLI_OPT_HELP or
 * CLI_OPT_ERROR. */
int cli_getopt(const cli_spec *spec, int argc, char **argv);

/* The exit code after CLI_OPT_HELP (CLI_DONE) or CLI_OPT_ERROR (CLI_USAGE). */
int cli_opt_exit(int getopt_result);

/* The help text: usage, description, options, exit status. */
void cli_print_help(const cli_spec *spec, FILE *f);

/* Every option of a spec, the common ones included, in the order --help
 * shows them; `n` is set. The array is static (valid until the next call). */
const cli_opt *cli_spec_options(const cli_spec *spec, size_t *n);

/* The commands, in `unika --help` order (main.c). */
extern const cli_spec *const cli_specs[];
extern const size_t cli_spec_count;

/* The spec of `name` ("roster" or "roster check"), or NULL. */
const cli_spec *cli_spec_find(const char *name);

/* Generated documents (docgen.c). */
void cli_print_man(const cli_spec *spec, FILE *f);  /* NULL: unika(1) */
void cli_print_bash_completion(FILE *f);
void cli_print_zsh_completion(FILE *f);

#endif
