/*
 * main.c - the `unika` command: the table of subcommands and the dispatcher,
 * `unika help`, `unika completion` and `unika --version`.
 *
 * Adding a subcommand is one line in COMMANDS below plus its
 * src/cli/cmd_<name>.c, which defines `cli_spec_<name>` (its option table,
 * spec.h) and `cmd_<name>()` (declared in cli.h). Exit codes: 0 success,
 * 1 a problem with the input or a refusal, 2 usage, 3 out of memory, 4 more
 * rows rejected than allowed (docs/cli.md).
 */
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#if defined(__linux__)
#include <sys/prctl.h>
#endif

#include "cli.h"
#include "cmd_gov.h"
#include "common/suggest.h"
#include "report/report.h"

/* The commands in `unika --help` order: C name (spec cli_spec_<x>, function cmd_<x>). */
#define COMMANDS(X)                                                                       \
    X(keygen) X(key) X(profile) X(ingest) X(pseudonymize) X(matchkeys) X(link_keygen)     \
    X(link) X(merge) X(estimate) X(inspect) X(report) X(sign_keygen) X(sign) X(roster)    \
    X(manifest) X(box_keygen) X(seal) X(open) X(verify) X(verify_link)

#define SPEC_PTR(x) &cli_spec_##x,
#define RUN_PTR(x) cmd_##x,
const cli_spec *const cli_specs[] = {COMMANDS(SPEC_PTR)};
const size_t cli_spec_count = sizeof cli_specs / sizeof cli_specs[0];
static const cli_command_fn runs[] = {COMMANDS(RUN_PTR)};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: unika <command> [options] [arguments]\n"
            "       unika help [<command>] | --version | completion bash|zsh\n"
            "\n"
            "Count unique people across organisations without sharing who they are.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < cli_spec_count; i++)
        fprintf(f, "  %-14s %s\n", cli_specs[i]->name, cli_specs[i]->summary);
    fprintf(f,
            "  %-14s %s\n  %-14s %s\n"
            "\n"
            "'unika help <command>' (or 'unika <command> --help', 'man unika-<command>')\n"
            "describes one. Every command takes -q/--quiet. Exit codes: 0 success, 1 a\n"
            "problem with an input or a refusal, 2 a usage error, 3 out of memory, 4 more\n"
            "rows rejected than --max-rejected allows.\n",
            "help", "describe a command ('unika help ingest')", "completion",
            "print the bash or zsh completion script");
}

/* The formats and schemas this unika reads and writes, each with its
 * version and where it is specified (tests/cli/conventions.sh checks each
 * against a file the command writes). */
static void version(void)
{
    static const char *const rows[][3] = {
        {"sketch file (.uks)", "format 1", "docs/format.md"},
        {"match-key file (.umk)", "format 2, match keys 1 (format 1 refused)",
         "docs/matchkeys.md"},
        {"linker seed", "unika-link-seed v1", "docs/linkage.md"},
        {"linkage manifest", "schema unika-linkage-manifest 1", "docs/linkage.md"},
        {"pseudonym encoding", "1; recipes unika-recipe-v1", "docs/pseudonyms.md"},
        {"partnership key file", "unika-key v1", "docs/keys.md"},
        {"signing keys, signatures", "unika-sign-*-key v1, unika-signature v1",
         "docs/security.md"},
        {"roster", "unika-roster v2 (v1 refused)", "docs/security.md"},
        {"partner manifest", "unika-manifest v1", "docs/security.md"},
        {"sealed envelope", "version 2 (version 1 refused)", "docs/security.md"},
        {"report JSON", "schema unika-report 2; unika-compare-recipes 1", "docs/report.md"},
        {"--json output", "version 1", "docs/cli.md"},
        {"partner profile", "encodings utf-8, windows-1252, utf-16", "docs/profiles.md"},
    };
    printf("unika %s\n", unika_version_string());
    printf("reads and writes:\n");
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        printf("  %-25s %-48s %s\n", rows[i][0], rows[i][1], rows[i][2]);
}

/* "unknown command 'x' (did you mean 'y'?)" on one line. */
static int unknown_command(const char *name)
{
    const char *names[64];
    for (size_t i = 0; i < cli_spec_count; i++) names[i] = cli_specs[i]->name;
    names[cli_spec_count] = "help";
    names[cli_spec_count + 1] = "completion";
    size_t n = cli_spec_count + 2, best = unika_suggest(name, names, n);
    if (best < n) fprintf(stderr, "unika: unknown command '%s' (did you mean '%s'?)\n", name, names[best]);
    else fprintf(stderr, "unika: unknown command '%s' (see 'unika --help')\n", name);
    return CLI_USAGE;
}

/* `unika help [--man] [COMMAND [OPERATION]]`, `unika help --commands`. */
static int help(int argc, char **argv)
{
    int man = argc > 1 && !strcmp(argv[1], "--man");
    if (argc > 1 && !strcmp(argv[1], "--commands")) {
        for (size_t i = 0; i < cli_spec_count; i++) puts(cli_specs[i]->name);
        return CLI_OK;
    }
    int first = 1 + man;
    if (argc - first > 2) return unknown_command(argv[first + 2]);
    if (argc == first) {
        if (man) cli_print_man(NULL, stdout);
        else usage(stdout);
        return CLI_OK;
    }
    char name[128];
    snprintf(name, sizeof name, "%s%s%s", argv[first], argc - first == 2 ? " " : "",
             argc - first == 2 ? argv[first + 1] : "");
    const cli_spec *spec = cli_spec_find(name);
    if (!spec) return unknown_command(name);
    if (man) cli_print_man(spec, stdout);
    else cli_print_help(spec, stdout);
    return CLI_OK;
}

static int completion(int argc, char **argv)
{
    if (argc == 2 && !strcmp(argv[1], "bash")) cli_print_bash_completion(stdout);
    else if (argc == 2 && !strcmp(argv[1], "zsh")) cli_print_zsh_completion(stdout);
    else {
        fprintf(stderr, "unika completion: expected 'bash' or 'zsh'\n");
        return CLI_USAGE;
    }
    return CLI_OK;
}

/* No core dump may ever hold a key: the partnership key, a signing, box or
 * release key, or a passphrase lives in this process's memory for most
 * commands. The core size limit goes to 0 (hard limit too, so a child or a
 * later setrlimit cannot raise it), and on Linux the process is made
 * non-dumpable, which also stops other processes of the same user from
 * attaching a debugger or reading /proc/PID/mem. Done for every command
 * before anything is read: simpler than tracking which command holds a key.
 * Failures are ignored: the keys' own protections (sodium_malloc, wiping)
 * remain, and a system that refuses both calls refuses dumps some other way
 * or not at all (docs/security.md, "Secrets in memory"). */
static void protect_process(void)
{
    struct rlimit none = {0, 0};
    (void)setrlimit(RLIMIT_CORE, &none);
#if defined(__linux__) && defined(PR_SET_DUMPABLE)
    (void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
#endif
}

int main(int argc, char **argv)
{
    protect_process();
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(name, "help")) return help(argc - 1, argv + 1);
    if (!strcmp(name, "completion")) return completion(argc - 1, argv + 1);
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        version();
        return CLI_OK;
    }
    for (size_t i = 0; i < cli_spec_count; i++) {
        if (strcmp(name, cli_specs[i]->name) != 0) continue;
        cli_prog = cli_specs[i]->name;
        if (unika_init() < 0) {
            cli_errorf("could not initialise libsodium");
            return CLI_INPUT;
        }
        cli_heap_prepare();
        int rc = runs[i](argc - 1, argv + 1);
        return rc == CLI_DONE ? CLI_OK : rc;
    }
    if (name[0] == '-') {
        fprintf(stderr, "unika: unknown option '%s' (see 'unika --help')\n", name);
        return CLI_USAGE;
    }
    return unknown_command(name);
}
