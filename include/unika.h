/*
 * unika.h - count unique people across organisations without sharing who they are.
 *
 * Each partner turns identifying fields into keyed pseudonyms, adds them to
 * mergeable distinct-count sketches, and shares only the sketches. Analysts
 * merge and estimate; auditors verify.
 *
 *   if (unika_init() < 0) ...;
 *
 * See README.md for the whole picture and docs/ for the formats.
 */
#ifndef UNIKA_H
#define UNIKA_H

#include "unika/common.h"
#include "unika/error.h"
#include "unika/alloc.h"
#include "unika/sign.h"
#include "unika/roster.h"
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
