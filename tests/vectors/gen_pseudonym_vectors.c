/*
 * gen_pseudonym_vectors.c - makes tests/vectors/pseudonyms.txt, once.
 *
 *   gen_pseudonym_vectors > tests/vectors/pseudonyms.txt   (regenerate: only
 *                               after a deliberate, versioned encoding change)
 *   gen_pseudonym_vectors --check tests/vectors/pseudonyms.txt
 *   gen_pseudonym_vectors --explain     (the worked example of docs/pseudonyms.md)
 *
 * The "fields" vectors are computed twice: by a second implementation of
 * docs/pseudonyms.md written here from the spec with libsodium alone, and by
 * the library; the generator refuses to write anything if they disagree.
 * The "record" vectors add the library's normalisers in front.
 *
 * THE INPUTS BELOW MUST NOT CHANGE. Other implementations check themselves
 * against the file; new vectors may be appended, never altered.
 */
#include <sodium.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unika.h"
#include "unika/pseudonym.h"

#define VECTOR_PROGRAM "gen_pseudonym_vectors"
#include "vector_output.h"

/* ---- inputs: must not change ------------------------------------------- */

static const char *const derive_passphrase = "tulip anchor velvet orbit mango quartz ember";
static const char *const derive_salt = "stockholm-iop-2017";

static const char *const recipes[] = {
    "strict", "loose", "dob", "pnr", "dossier", "name+birth_month+gender",
    "name+birth_year+gender+country", "name+country",
};

/* recipe, then already-normalised values (NULL-terminated) */
static const char *const field_vectors[][6] = {
    {"strict", "amiri hosein", "2005", "M", NULL},
    {"strict", "haidari nasir", "1997", "M", NULL},
    {"strict", "ahmadi zahra", "2001", "F", NULL},
    {"strict", "\xd8\xb1\xd8\xb6\xd8\xa7 \xd9\x85\xd8\xad\xd9\x85\xd8\xaf", "2003", "M", NULL},
    {"loose", "amiri hosein", "2005", "M", NULL},
    {"dob", "amiri hosein", "2005-01-01", "M", NULL},
    {"pnr", "198112189876", NULL},
    {"dossier", "58789885", NULL},
    {"name+birth_month+gender", "oberg segolene", "1999-12", "F", NULL},
    {"name+country", "ab", "c", NULL},
    {"name+country", "a", "bc", NULL},
};

/* recipe, then column=value cells ("@birth_date_format=..." sets the format) */
static const char *const record_vectors[][7] = {
    {"strict", "name=Hosein Amiri", "birth_date=2005-01-01", "gender=male", NULL},
    {"strict", "name=AMIRI, Hosein", "birth_date=20050101", "gender=M", NULL},
    {"strict", "given_name=Zahra", "surname=Ahmadi", "birth_date=2001-07-12",
     "gender=female", NULL},
    {"strict", "name=S\xc3\xa9gol\xc3\xa8ne \xc3\x96" "berg", "birth_date=31/12/1999",
     "gender=F", NULL},
    {"strict", "name=\xd9\x85\xd8\xad\xd9\x85\xd8\xaf \xd8\xb1\xd8\xb6\xd8\xa7",
     "birth_year=2003", "gender=pojke", NULL},
    {"strict", "name=\xd0\x90\xd1\x85\xd0\xbc\xd0\xb5\xd0\xb4 \xd0\x9c\xd1\x83\xd1\x81\xd0\xb0"
     "\xd0\xb5\xd0\xb2", "birth_date=1998-03-04", "gender=m", NULL},
    {"dob", "name=Nasir Haidari", "birth_date=04.05.1997", "@birth_date_format=DD.MM.YYYY",
     "gender=man", NULL},
    {"pnr", "personnummer=811218-9876", "visit_date=2017-09-09", NULL},
    {"pnr", "personnummer=701063-2391", "visit_date=2019-01-01", NULL},
    {"dossier", "dossier=58-789885/1", NULL},
    {"name+birth_year+gender+country", "name=Mohammad Hosseini", "birth_date=2002-03-15",
     "gender=male", "country=Afghanistan", NULL},
    /* loose (docs/pseudonyms.md, section 6), appended once its rules were specified:
     * the first three are one person written three ways, one pseudonym. */
    {"loose", "name=Mohammad Hosseini", "birth_date=2002-03-15", "gender=male", NULL},
    {"loose", "name=HOSSEINI, Muhammad", "birth_date=2002", "gender=M", NULL},
    {"loose", "given_name=Maxamed", "surname=Xuseini", "birth_year=2002", "gender=pojke", NULL},
    {"loose", "name=Abd al-Rahman Al-Hassan", "birth_date=1999-01-01", "gender=man", NULL},
    {"loose", "name=Cabdiraxmaan Xasan", "birth_year=1999", "gender=M", NULL},
    {"loose", "name=Aya", "birth_date=2010-05-05", "gender=", NULL},
};

/* ---- output ------------------------------------------------------------ */

/* ---- the second implementation of docs/pseudonyms.md ------------------- */

static size_t spec_encode(uint8_t *enc, const unika_recipe *r, const char *const *values,
                          size_t n)
{
    size_t pos = 0;
    memcpy(enc, "unika-pseudonym", 15);
    pos = 15;
    enc[pos++] = 0x01;
    unika_recipe_fingerprint(enc + pos, r);
    pos += 16;
    enc[pos++] = (uint8_t)n;
    for (size_t i = 0; i < n; i++) {
        size_t l = strlen(values[i]);
        enc[pos++] = (uint8_t)unika_recipe_field_at(r, i);
        for (int b = 0; b < 4; b++) enc[pos++] = (uint8_t)(l >> (8 * b));
        memcpy(enc + pos, values[i], l);
        pos += l;
    }
    return pos;
}

static void spec_pseudonym(uint8_t out32[32], const uint8_t key[32], const uint8_t *enc,
                           size_t len)
{
    uint8_t subkey[32];
    crypto_kdf_derive_from_key(subkey, 32, 1, "unika-v1", key);
    crypto_generichash(out32, 32, enc, len, subkey, 32);
    sodium_memzero(subkey, sizeof subkey);
}

static unika_recipe *recipe_of(const char *text)
{
    unika_recipe *r = NULL;
    if (unika_recipe_parse(&r, text, SIZE_MAX, NULL) != 0) die("bad recipe");
    return r;
}

static void key_bytes(uint8_t k[32], int which)
{
    for (int i = 0; i < 32; i++) k[i] = which == 0 ? (uint8_t)i : (uint8_t)(0xa5 ^ (i * 29));
}

static void fields_line(const uint8_t kb[32], const unika_key *key, const char *const *v)
{
    unika_recipe *r = recipe_of(v[0]);
    size_t n = 0;
    size_t sizes[8];
    while (v[1 + n]) { sizes[n] = strlen(v[1 + n]); n++; }
    uint8_t enc[1024], want[32], got[32];
    size_t len = spec_encode(enc, r, v + 1, n);
    spec_pseudonym(want, kb, enc, len);
    if (unika_pseudonym_from_fields(got, key, r, v + 1, sizes, n, NULL) != 0 ||
        memcmp(got, want, 32) != 0)
        die("library and spec disagree on a fields vector");
    char h[65];
    hex(h, got, 32);
    emit("fields\t%s\t%s", v[0], h);
    for (size_t i = 0; i < n; i++) emit("\t%s", v[1 + i]);
    emit("\n");
    unika_recipe_free(r);
}

static void generate(void)
{
    emit("# unika known-answer vectors: key fingerprints, passphrase derivation,\n"
         "# recipe fingerprints and pseudonyms (encoding version 1, docs/pseudonyms.md).\n"
         "# Made by tests/vectors/gen_pseudonym_vectors.c; do not edit. Tab-separated:\n"
         "#   key     <key hex>  <key fingerprint hex>        (later lines use this key)\n"
         "#   derive  <passphrase>  <salt>  <derived key fingerprint hex>\n"
         "#   recipe  <text>  <canonical text>  <recipe fingerprint hex>\n"
         "#   fields  <recipe>  <pseudonym hex>  <normalised value>...\n"
         "#   record  <recipe>  <pseudonym hex>  <column>=<raw value>...\n");
    for (size_t i = 0; i < sizeof recipes / sizeof *recipes; i++) {
        unika_recipe *r = recipe_of(recipes[i]);
        char h[33];
        hex(h, unika_recipe_fingerprint_ptr(r), 16);
        emit("recipe\t%s\t%s\t%s\n", recipes[i], unika_recipe_canonical(r), h);
        unika_recipe_free(r);
    }
    unika_key *d = NULL;
    if (unika_key_derive(&d, derive_passphrase, strlen(derive_passphrase), derive_salt,
                         strlen(derive_salt), NULL) != 0)
        die("derivation failed");
    char dh[33];
    hex(dh, unika_key_fingerprint_ptr(d), 16);
    emit("derive\t%s\t%s\t%s\n", derive_passphrase, derive_salt, dh);
    unika_key_free(d);

    for (int which = 0; which < 2; which++) {
        uint8_t kb[32];
        key_bytes(kb, which);
        unika_key *key = NULL;
        if (unika_key_from_bytes(&key, kb, NULL) != 0) die("key");
        char kh[65], fh[33];
        hex(kh, kb, 32);
        hex(fh, unika_key_fingerprint_ptr(key), 16);
        emit("key\t%s\t%s\n", kh, fh);
        size_t nf = which == 0 ? sizeof field_vectors / sizeof *field_vectors : 2;
        for (size_t i = 0; i < nf; i++) fields_line(kb, key, field_vectors[i]);
        size_t nr = which == 0 ? sizeof record_vectors / sizeof *record_vectors : 1;
        for (size_t i = 0; i < nr; i++) {
            const char *const *v = record_vectors[i];
            unika_recipe *r = recipe_of(v[0]);
            unika_record rec = {0};
            for (size_t c = 1; v[c]; c++) {
                const char *eq = strchr(v[c], '=');
                size_t cl = (size_t)(eq - v[c]);
                if (!strncmp(v[c], "@birth_date_format", cl)) {
                    rec.birth_date_format = eq + 1;
                    continue;
                }
                int found = 0;
                for (int f = 0; f < UNIKA_COLUMN_COUNT; f++) {
                    const char *name = unika_column_name((unika_column)f);
                    if (strlen(name) == cl && !strncmp(name, v[c], cl)) {
                        rec.cell[f] = eq + 1;
                        rec.size[f] = strlen(eq + 1);
                        found = 1;
                    }
                }
                if (!found) die("unknown column");
            }
            uint8_t p[32];
            unika_error e = {0};
            if (unika_pseudonym_from_record(p, key, r, &rec, &e) != 0) die(e.message);
            char h[65];
            hex(h, p, 32);
            emit("record\t%s\t%s", v[0], h);
            for (size_t c = 1; v[c]; c++) emit("\t%s", v[c]);
            emit("\n");
            unika_recipe_free(r);
        }
        unika_key_free(key);
    }
}

/* The worked example of docs/pseudonyms.md: the first fields vector. */
static void explain(void)
{
    const char *const *v = field_vectors[0];
    unika_recipe *r = recipe_of(v[0]);
    uint8_t kb[32], enc[256], p[32];
    key_bytes(kb, 0);
    size_t len = spec_encode(enc, r, v + 1, 3);
    spec_pseudonym(p, kb, enc, len);
    char h[513];
    hex(h, unika_recipe_fingerprint_ptr(r), 16);
    printf("recipe %s fingerprint %s\n", unika_recipe_canonical(r), h);
    printf("encoding (%zu bytes):\n", len);
    for (size_t i = 0; i < len; i += 16) {
        size_t n = len - i < 16 ? len - i : 16;
        hex(h, enc + i, n);
        printf("  %04zx  %s\n", i, h);
    }
    hex(h, p, 32);
    printf("pseudonym %s\n", h);
    unika_recipe_free(r);
}

int main(int argc, char **argv)
{
    if (unika_init() < 0) die("unika_init");
    if (argc == 2 && !strcmp(argv[1], "--explain")) {
        explain();
        return 0;
    }
    generate();
    return vector_finish(argc, argv, "usage: gen_pseudonym_vectors [--check FILE | --explain]");
}
