/*
 * unika/name_loose.h - the loose name key: one key for the many Latin
 * spellings of one transliterated name.
 *
 * Partners romanise the same Dari, Pashto, Arabic, Somali or Tigrinya name
 * differently (Mohammad/Muhammad/Maxamed, Hosseini/Husseini, Javad/Jawad,
 * Cumar/Omar, Al-Hassan/Alhassan), now and then with a transposed letter.
 * The strict normaliser (unika_normalize_name) keeps those apart; the loose
 * key merges them, at the price of merging some different names too
 * (Hassan/Hussein, Ahmad/Hamid, Mohammad/Mahmud). Birth year and gender in
 * the recipe keep most of those people apart. docs/linkage.md gives every
 * rule, the phenomenon it models, the false merges it causes and the
 * measured split and merge rates.
 *
 *   char name[UNIKA_NAME_MAX_BYTES], key[UNIKA_NAME_LOOSE_MAX_BYTES];
 *   size_t name_len, key_len;
 *   if (unika_normalize_name(name, sizeof name, &name_len, "Muhammad Husseini", 17, &e) < 0
 *       || unika_name_loose_key(key, sizeof key, &key_len, name, name_len, &e) < 0)
 *       ...;
 *   // key == "dhhmmns", as for "HOSSEINI, Mohammed" or "Maxamed Xuseini"
 *
 * Two forms are offered:
 * - unika_name_loose_tokens(): each word reduced to its consonant skeleton
 *   under the transliteration rules, words sorted: "hsn mhmd". Readable; it
 *   shows what the rules did.
 * - unika_name_loose_key(): the multiset of all skeleton symbols of the
 *   name, sorted: "dhhmmns". This is the recipe field `name_loose`: it is
 *   also blind to word boundaries and to the order of consonants, so a
 *   transposed letter, a compound written joined or apart (Alireza/Ali Reza)
 *   and an apostrophe that split a word (Sa'id) do not change it.
 *
 * Both take the OUTPUT of unika_normalize_name(), not raw text: lowercase
 * ASCII letters, digits and UTF-8 (non-Latin scripts are passed through as
 * opaque symbols), tokens separated by single spaces. The rules are part of
 * the pseudonym domain: changing them changes every `loose` pseudonym, so
 * they are versioned with the recipe (docs/linkage.md, "Versioning").
 */
#ifndef UNIKA_NAME_LOOSE_H
#define UNIKA_NAME_LOOSE_H

#include "common.h"
#include "error.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Bound on either form including the NUL: neither is ever longer than its
 * input (every rule removes or replaces letters; a split adds one space but
 * removes at least one letter), and the input is a normalised name, which
 * is shorter than UNIKA_NAME_MAX_BYTES (256). */
#define UNIKA_NAME_LOOSE_MAX_BYTES 256

UNIKA_API size_t unika_name_loose_max_bytes(void);

/*! unika_name_loose_key() :
 *  The loose key of a normalised name: the transliteration rules of
 *  docs/linkage.md applied word by word, every vowel dropped, then all the
 *  remaining symbols of the name sorted into one string (a multiset). A
 *  word with no consonant left ("Aya") contributes the symbol 'a', so no
 *  name has an empty key. Deterministic and thread-safe; allocates nothing.
 *  @param dst              receives the NUL-terminated key
 *  @param dst_capacity     UNIKA_NAME_LOOSE_MAX_BYTES always suffices
 *  @param dst_len          if not NULL, receives strlen(dst); on
 *                          UNIKA_EBUFFER the length that was needed
 *  @param normalized_name  output of unika_normalize_name() (need not be
 *                          NUL-terminated)
 *  @param len              its length in bytes
 *  @return 0, or
 *          UNIKA_EINVAL   dst or normalized_name NULL, or dst_capacity 0;
 *          UNIKA_EEMPTY   len == 0;
 *          UNIKA_ETOOLONG len >= UNIKA_NAME_LOOSE_MAX_BYTES;
 *          UNIKA_EUTF8    invalid UTF-8 (position = byte offset);
 *          UNIKA_ENAME    not a normalised name: a byte other than a-z, 0-9,
 *                         UTF-8 or a single space between words
 *                         (position = 1-based byte offset);
 *          UNIKA_EBUFFER  dst_capacity too small.
 *  On failure dst is set to "" (dst_capacity >= 1). */
UNIKA_API UNIKA_NODISCARD int unika_name_loose_key(char *dst, size_t dst_capacity,
                                                   size_t *dst_len,
                                                   const char *normalized_name, size_t len,
                                                   unika_error *err);

/*! unika_name_loose_tokens() :
 *  The readable form: each word's consonant skeleton under the same rules,
 *  the skeletons sorted by byte order and joined by single spaces, e.g.
 *  "abdul rahman hosseini" and "abdurrahman husseini" both give
 *  "bd hsn rhmn". Sorting the letters of this string (dropping the spaces)
 *  gives unika_name_loose_key(). Parameters, errors and bounds as for
 *  unika_name_loose_key(). */
UNIKA_API UNIKA_NODISCARD int unika_name_loose_tokens(char *dst, size_t dst_capacity,
                                                      size_t *dst_len,
                                                      const char *normalized_name,
                                                      size_t len, unika_error *err);

#ifdef __cplusplus
}
#endif
#endif /* UNIKA_NAME_LOOSE_H */
