/*
 * unika.h - count unique people across organisations without sharing who they are.
 *
 * Each partner turns identifying fields into keyed pseudonyms, adds them to
 * mergeable distinct-count sketches, and shares only the sketches. Analysts
 * merge and estimate; auditors verify.
 *
 * Start here: the dozen calls most programs need, in the order they use
 * them. Each returns 0 or a negative UNIKA_E* code and fills a
 * zero-initialised `unika_error err = {0};` with a message that names the
 * field and place, never the value (unika/error.h).
 *
 *   unika_init()                       once, before anything else   common.h
 *   unika_key_load(&key, path, 0, &err)    the partnership key      key.h
 *   unika_recipe_default(&recipe, &err)    or unika_recipe_parse()  recipe.h
 *   unika_profile_load(&profile, path, &err)  a partner's columns   profile.h
 *   unika_csv_new_fd(&csv, fd, &opt, &err)    opt from the profile:  csv.h
 *       delimiter = unika_profile_delimiter(profile),
 *       encoding  = unika_profile_encoding(profile)
 *   unika_csv_next(csv, &err)          the header, then each row    csv.h
 *   unika_profile_bind(profile, csv, &err)    after the header      profile.h
 *   unika_profile_read(&values, profile, csv,
 *                      unika_recipe_needs(recipe), &err)  per row  profile.h
 *   unika_pseudonym_from_values(p, key, recipe, &values, &err)     pseudonym.h
 *   unika_sketch_new(&s, UNIKA_SKETCH_P_DEFAULT,
 *                    key fingerprint, recipe fingerprint, &err)    sketch.h
 *   unika_sketch_add(s, key, p, &err)  one pseudonym                sketch.h
 *   unika_sketch_save(s, path, 0, &err) / unika_sketch_load()       sketch_io.h
 *   unika_sketch_merge(dst, src, &err) and
 *   unika_sketch_estimate(&e, s, UNIKA_ESTIMATOR_ML, &err)          sketch.h
 *
 * Every object has its unika_<noun>_free(), which accepts NULL.
 * examples/count_people.c is a whole program in 60 lines; README.md gives
 * the whole picture and docs/ the formats, byte by byte. The rest of this
 * header's ~200 functions are for the less common jobs: match keys for
 * linkage (matchkey*.h), signing and rosters (sign.h, roster.h), sealed
 * transfer (seal.h), the release step of a report (release.h) and the
 * normalisers one by one (normalize.h, name_loose.h).
 */
#ifndef UNIKA_H
#define UNIKA_H

#include "unika/common.h"
#include "unika/error.h"
#include "unika/alloc.h"
#include "unika/sign.h"
#include "unika/roster.h"
#include "unika/manifest.h"
#include "unika/seal.h"
#include "unika/key.h"
#include "unika/normalize.h"
#include "unika/name_loose.h"
#include "unika/recipe.h"
#include "unika/record.h"
#include "unika/pseudonym.h"
#include "unika/matchkey.h"
#include "unika/matchkey_file.h"
#include "unika/sketch.h"
#include "unika/sketch_io.h"
#include "unika/csv.h"
#include "unika/profile.h"
#include "unika/release.h"
#include "unika/linkage.h"

#endif /* UNIKA_H */
