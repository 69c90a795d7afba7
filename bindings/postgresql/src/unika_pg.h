/*
 * unika_pg.h - what the extension's modules share (docs/postgresql.md).
 *
 * Memory: the library allocates through PostgreSQL's palloc in
 * CurrentMemoryContext (module.c sets the allocator once, in _PG_init), so
 * whatever a call made is freed with its memory context when a query ends
 * or fails, and hash aggregation sees the sketches' memory. Every call that
 * makes or grows a long-lived object therefore runs with the owning context
 * current (MemoryContextSwitchTo around the call).
 *
 * Errors: library calls return UNIKA_E* codes and never unwind; the
 * extension raises them with upg_raise() (the SQLSTATE table is in
 * docs/postgresql.md) only after the call returned.
 */
#ifndef UNIKA_PG_H
#define UNIKA_PG_H

#include "postgres.h"

#include "fmgr.h"
#include "utils/memutils.h"

#include "unika.h"

/* The helpers below are the extension's own: not exported from the module
 * (only the SQL-callable functions are). */
#pragma GCC visibility push(hidden)

/* The SQLSTATE of a library error code. */
int upg_sqlstate(int code);

/* Raises `code` as an ERROR: the library's message (or `what` and the
 * code's message when err has none), its name and number in the detail. */
void upg_raise(int code, const unika_error *err, const char *what) pg_attribute_noreturn();

/* The partnership key named by unika.key_file, loaded once per process
 * into the library's protected memory; raises when unset or unreadable. */
const unika_key *upg_key(void);

/* The recipe named by `text`, parsed once per call site (fn_extra). */
const unika_recipe *upg_recipe(FunctionCallInfo fcinfo, text *recipe);

/* A sketch parsed from a unika_sketch or bytea datum's bytes (validated as
 * a file, docs/format.md), made in CurrentMemoryContext. */
unika_sketch *upg_parse(const struct varlena *v);

/* A unika_sketch datum (the file's bytes) of `s`, palloc'd. */
struct varlena *upg_serialize(const unika_sketch *s);

/* An aggregate's partial state between parallel workers (serialfunc /
 * deserialfunc): the sketch, and its provenance records when it has any. */
struct varlena *upg_state_serialize(const unika_sketch *s);
unika_sketch *upg_state_parse(const struct varlena *v);

/* Lowercase hex text of n bytes. */
text *upg_hex_text(const uint8_t *bytes, size_t n);

#pragma GCC visibility pop

#endif /* UNIKA_PG_H */
