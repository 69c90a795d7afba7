/*
 * governance/roster_private.h - the roster's inside, shared by roster.c
 * (build, parse, format) and roster_trust.c (the coordinator's signature,
 * verification, authorisation). Never installed.
 */
#ifndef UNIKA_INTERNAL_ROSTER_PRIVATE_H
#define UNIKA_INTERNAL_ROSTER_PRIVATE_H

#include "unika/roster.h"

/* One signing key of the roster (every role but the coordinator). */
typedef struct roster_signer {
    size_t role;   /* index into the role table (roster.c) */
    char *orgs;    /* the organisations it may sign for, comma-separated */
} roster_signer;

struct unika_roster {
    uint8_t key_fp[UNIKA_FINGERPRINT_BYTES];
    uint64_t serial;
    int has_coordinator;
    unika_sign_public coordinator;
    unika_sign_public *partners; /* the signing keys, in file order */
    roster_signer *signers;      /* their roles and organisations, same order */
    size_t n_partners, cap_partners;
    int has_aggregator;
    char aggregator_name[UNIKA_SIGNER_NAME_MAX + 1];
    uint8_t aggregator_key[UNIKA_BOX_PUBLIC_KEY_BYTES];
};

/* The index of `pub` among the roster's signing keys, or SIZE_MAX. */
size_t unika_roster_signer_index(const unika_roster *roster, const unika_sign_public *pub);

#endif
