/*
 * inspect.h - `unika inspect` of a match-key file: its header and what its
 * profiles hold in aggregate (never a key value).
 */
#ifndef UNIKA_CLI_MK_INSPECT_H
#define UNIKA_CLI_MK_INSPECT_H

/* 1 if the file at `path` starts with the match-key magic. */
int cli_is_matchkey_file(const char *path);

/* Reads the whole file (every check of docs/matchkeys.md) and prints its
 * summary, as text or JSON. Returns a CLI_* code. */
int cli_inspect_matchkeys(const char *path, int json);

#endif
