/*
 * gen_name_loose_vectors.c - writes tests/vectors/name_loose.txt, the
 * known answers of the loose name key (docs/pseudonyms.md, section 6).
 *
 * Each line: the raw name, its normal form (unika_normalize_name), the loose
 * tokens and the loose key, tab-separated. The names below cover every rule
 * of section 6 and its edges; they must not change (append only). With
 * --check FILE the output is compared with FILE instead of printed, so the
 * test suite notices when the library's key drifts from the file (and the
 * file is what an independent implementation checks itself against:
 * tests/pseudonyms_from_docs.py).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "unika.h"

#define VECTOR_PROGRAM "gen_name_loose_vectors"
#include "vector_output.h"

static const char *const names[] = {
    /* particles: article, sun letters, son of; all particles (kept whole) */
    "Samir Al-Khalil", "Hassan al Hassan", "Rashid ar-Rashid", "Nasr ud-Din", "ash-Shami Omar",
    "Ali bin Ahmed", "Fatima bint Ali", "Ould Moussa", "Ben", "Al El",
    /* abd compounds */
    "Abdul Rahman", "Abdulrahman", "Abdurrahman", "Abdirahman", "Abd al-Rahman", "Abdullah",
    "Abdi", "Cabdiraxmaan",
    /* abu, ali */
    "Abubakar", "Abu Bakr", "Aboubakar", "Abou", "Alireza", "Ali Reza", "Aliakbar", "Alyas",
    /* Mohammad-, Gholam- compounds */
    "Mohammadreza", "Muhammad Reza", "Mohamadali", "Gholamhossein", "Ghulam Hussein",
    "Qolamreza", "Mohammadi",
    /* joined article, ben */
    "Alhassan", "Elamrani", "Elias", "Alexander", "Benali", "Benjamin",
    /* letters */
    "Dschafar", "Dzhamal", "Djafari", "Schirin", "Shirin", "Chaima", "Hasjim", "Philmon",
    "Khalid", "Ghasem", "Othman", "Ramadhan", "Dickson", "Yusuf", "Maryam", "Tesfay",
    "Xawa", "Maxamed Cumar", "Javad", "Jaamac", "Ismaaciil",
    /* final h, final m, doubled letters, vowels only, digits */
    "Fatimah", "Sakineh", "Shah", "Maryan", "Ibrahim", "Hassan", "Sajjad", "Aya", "Ali 2",
    /* several words, order, transposition */
    "HOSSEINI, Mohammed", "Maxamed Xuseini", "Mohamamd Hosseini",
    /* non-Latin: opaque symbols, collapsed when equal neighbours */
    "\xd9\x85\xd8\xad\xd9\x85\xd8\xaf \xd8\xb1\xd8\xb6\xd8\xa7",
    "\xd0\x98\xd0\xb2\xd0\xb0\xd0\xbd \xd0\x90\xd0\xbb\xd0\xb8 Hassan",
    "\xe1\x8b\x93\xe1\x8b\x93 Yonas",
};

int main(int argc, char **argv)
{
    if (unika_init() < 0) die("unika_init");
    emit("# The loose name key (docs/pseudonyms.md, section 6): known answers.\n"
         "# name<TAB>normal form<TAB>loose tokens<TAB>loose key\n"
         "# Made by tests/vectors/gen_name_loose_vectors; append only.\n");
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        char norm[UNIKA_NAME_MAX_BYTES], tok[UNIKA_NAME_LOOSE_MAX_BYTES],
            key[UNIKA_NAME_LOOSE_MAX_BYTES];
        size_t nl = 0;
        unika_error e = {0};
        if (unika_normalize_name(norm, sizeof norm, &nl, names[i], strlen(names[i]), &e) < 0 ||
            unika_name_loose_tokens(tok, sizeof tok, NULL, norm, nl, &e) < 0 ||
            unika_name_loose_key(key, sizeof key, NULL, norm, nl, &e) < 0)
            die(e.message);
        emit("%s\t%s\t%s\t%s\n", names[i], norm, tok, key);
    }
    return vector_finish(argc, argv, "usage: gen_name_loose_vectors [--check FILE]");
}
