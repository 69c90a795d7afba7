/*
 * identity/key_private.h - what other modules may know about a key.
 *
 * A unika_key holds the 32-byte partnership key and, derived once when the
 * key is created or loaded, one subkey per purpose (docs/keys.md). Each
 * subkey lives in sodium_malloc'd memory with the key and is wiped with it.
 */
#ifndef UNIKA_INTERNAL_KEY_PRIVATE_H
#define UNIKA_INTERNAL_KEY_PRIVATE_H

#include <stdint.h>

#include "unika/common.h"

struct unika_key;

/* 32-byte subkey for the pseudonym PRF (keyed BLAKE2b). */
const uint8_t *unika_key_pseudonym_subkey(const struct unika_key *key);

/* 16-byte subkey for the sketch-hash PRF (SipHash-2-4, crypto_shorthash). */
const uint8_t *unika_key_sketch_subkey(const struct unika_key *key);

/* Match keys (unika/matchkey.h): one 32-byte subkey per domain 1..8, the
 * key of BLAKE2b-128 for that domain's values (docs/keys.md, section 2). */
#define UNIKA_KEY_MATCHKEY_DOMAINS 8
#define UNIKA_KEY_MATCHKEY_SUBKEY_BYTES 32
/* NULL for a domain outside 1..UNIKA_KEY_MATCHKEY_DOMAINS. */
const uint8_t *unika_key_matchkey_subkey(const struct unika_key *key, unsigned domain);

/* The key's fingerprint (UNIKA_FINGERPRINT_BYTES), computed once. */
const uint8_t *unika_key_fingerprint_bytes(const struct unika_key *key);

#endif
