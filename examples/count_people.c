/*
 * count_people.c - the smallest complete use of libunika: read records
 * "name;birth date;gender" from stdin, pseudonymise each with the
 * partnership key and the default recipe, add it to a sketch, and print the
 * estimate with its 95% interval. README.md shows this file; CTest runs it.
 *
 *   count_people partnership.key < records.txt
 */
#include <stdio.h>
#include <string.h>

#include <unika.h>

/* Splits "name;birth;gender" in place; 0 when the line has three fields. */
static int split(char *line, char **birth, char **gender)
{
    *birth = strchr(line, ';');
    *gender = *birth ? strchr(*birth + 1, ';') : NULL;
    if (!*gender) return -1;
    *(*birth)++ = '\0';
    *(*gender)++ = '\0';
    (*gender)[strcspn(*gender, "\r\n")] = '\0';
    return 0;
}

int main(int argc, char **argv)
{
    unika_error err = {0};
    unika_key *key = NULL;
    unika_recipe *recipe = NULL;
    unika_sketch *sketch = NULL;
    if (argc != 2 || unika_init() < 0
        || unika_key_load(&key, argv[1], 0, &err)
        || unika_recipe_default(&recipe, &err)
        || unika_sketch_new(&sketch, UNIKA_SKETCH_P_DEFAULT, unika_key_fingerprint_ptr(key),
                            unika_recipe_fingerprint_ptr(recipe), &err)) {
        fprintf(stderr, "count_people: %s\n", argc == 2 ? err.message : "usage: count_people KEY");
        return 1;
    }
    char line[1024];
    for (unsigned long n = 1; fgets(line, sizeof line, stdin); n++) {
        char *birth, *gender;
        uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES];
        unika_record rec = {0};
        if (split(line, &birth, &gender)) {
            fprintf(stderr, "count_people: line %lu: expected name;birth date;gender\n", n);
            continue;
        }
        unika_record_set(&rec, UNIKA_COLUMN_NAME, line, strlen(line));
        unika_record_set(&rec, UNIKA_COLUMN_BIRTH_DATE, birth, strlen(birth));
        unika_record_set(&rec, UNIKA_COLUMN_GENDER, gender, strlen(gender));
        if (unika_pseudonym_from_record(pseudonym, key, recipe, &rec, &err)
            || unika_sketch_add(sketch, key, pseudonym, &err)) {
            /* The message names the field, never its value. */
            fprintf(stderr, "count_people: line %lu: %s\n", n, err.message);
        }
    }
    unika_estimate e;
    int rc = unika_sketch_estimate(&e, sketch, UNIKA_ESTIMATOR_ML, &err);
    if (rc == 0) printf("%.0f people (95%%: %.0f to %.0f)\n", e.estimate, e.ci_low, e.ci_high);
    unika_sketch_free(sketch);
    unika_recipe_free(recipe);
    unika_key_free(key);
    return rc ? 1 : 0;
}
