/*
 * identity/matchkey_memo.h - the memo's table, for matchkey.c's hash
 * (unika/matchkey.h says what a memo is for). Never installed.
 */
#ifndef UNIKA_INTERNAL_MATCHKEY_MEMO_H
#define UNIKA_INTERNAL_MATCHKEY_MEMO_H

#include <stddef.h>
#include <stdint.h>

#include "unika/matchkey.h"

/* Values longer than this are hashed every time: the values people share
 * (a name's words and their deletions, years, month-days, countries) are
 * shorter, bar a rare long word or country. */
#define UNIKA_MK_MEMO_VALUE_MAX 40

/* Values remembered at most (80 bytes each, with its slots: 80 MiB);
 * beyond, values are hashed anew. */
#define UNIKA_MK_MEMO_MAX ((size_t)1 << 20)

/* Makes the memo serve the key of fingerprint `fp`: a memo that served
 * another key forgets everything first. */
void unika_mk_memo_bind(unika_matchkey_memo *m, const uint8_t *fp);

/* The match key remembered for `value` in `domain`, or NULL. */
const uint8_t *unika_mk_memo_get(const unika_matchkey_memo *m, unsigned domain,
                                 const char *value, size_t n);

/* Remembers `mk` for `value` in `domain` (nothing when the value is long,
 * the memo full or memory short). */
void unika_mk_memo_put(unika_matchkey_memo *m, unsigned domain, const char *value, size_t n,
                       const uint8_t mk[UNIKA_MATCHKEY_BYTES]);

#endif
