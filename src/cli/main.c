/*
 * main.c - the `unika` command: a table of subcommands and the dispatcher.
 *
 * Adding a subcommand is one line in `commands` below plus its
 * src/cli/cmd_<name>.c (declared in cli.h). Exit codes: 0 success,
 * 1 a problem with the input or a refusal, 2 usage (docs/cli.md).
 */
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "cmd_gov.h"
#include "report/report.h"

static const cli_command commands[] = {
    {"keygen", "create a new partnership key file", cmd_keygen},
    {"key", "show a key file's fingerprint (unika key fingerprint FILE)", cmd_key},
    {"ingest", "turn a partner's CSV into sketches, one per period and category", cmd_ingest},
    {"pseudonymize", "replace a CSV's identifying columns by one pseudonym column", cmd_pseudonymize},
    {"matchkeys", "turn a partner's CSV into its match-key file, for the linker", cmd_matchkeys},
    {"link-keygen", "create the linker's secret seed", cmd_link_keygen},
    {"link", "resolve the partners' match-key files into persons: cells and a manifest", cmd_link},
    {"merge", "merge sketch files into their union, recording provenance", cmd_merge},
    {"estimate", "estimate the people counted in sketch files, with 95% intervals", cmd_estimate},
    {"inspect", "show a sketch file's header, labels and provenance", cmd_inspect},
    {"report", "tables of unique people by label, with unions as totals, and overlaps", cmd_report},
    {"sign-keygen", "create a partner's signing key pair (PREFIX.sec, PREFIX.pub)", cmd_sign_keygen},
    {"sign", "sign files as a partner (writes FILE.sig)", cmd_sign},
    {"roster", "check signed files against the roster, or make a roster", cmd_roster},
    {"box-keygen", "create the aggregator's sealing key pair", cmd_box_keygen},
    {"seal", "seal files so only the aggregator can open them", cmd_seal},
    {"open", "open files sealed for the aggregator", cmd_open},
    {"verify", "audit a report: signatures, inputs, and every figure recomputed", cmd_verify},
    {"verify-link", "audit a resolution: re-run it from the signed match-key files", cmd_verify_link},
};

static void usage(FILE *f)
{
    fprintf(f,
            "usage: unika <command> [options] [arguments]\n"
            "       unika --version | --help\n"
            "\n"
            "Count unique people across organisations without sharing who they are.\n"
            "\n"
            "commands:\n");
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++)
        fprintf(f, "  %-14s %s\n", commands[i].name, commands[i].summary);
    fprintf(f,
            "\n"
            "'unika <command> --help' describes a command. Exit codes: 0 success,\n"
            "1 a problem with an input or a refusal, 2 a usage error.\n");
}

int main(int argc, char **argv)
{
    if (argc < 2) {
        usage(stderr);
        return CLI_USAGE;
    }
    const char *name = argv[1];
    if (!strcmp(name, "--help") || !strcmp(name, "-h") || !strcmp(name, "help")) {
        usage(stdout);
        return CLI_OK;
    }
    if (!strcmp(name, "--version") || !strcmp(name, "-V")) {
        printf("unika %s\n", unika_version_string());
        return CLI_OK;
    }
    for (size_t i = 0; i < sizeof commands / sizeof commands[0]; i++) {
        if (strcmp(name, commands[i].name) != 0) continue;
        cli_prog = commands[i].name;
        if (unika_init() < 0) {
            cli_errorf("could not initialise libsodium");
            return CLI_INPUT;
        }
        return commands[i].run(argc - 1, argv + 1);
    }
    fprintf(stderr, "unika: unknown command '%s'\n\n", name);
    usage(stderr);
    return CLI_USAGE;
}
