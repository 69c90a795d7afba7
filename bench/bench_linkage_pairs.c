/*
 * bench_linkage_pairs.c - pair-level linkage quality of name keys.
 *
 * For each key (strict normalised name, Soundex and Metaphone per word, the
 * loose tokens and the loose key) it prints:
 *   split   the share of same-name spelling pairs that get different keys
 *           (the same person counted twice);
 *   merged  the share of different-name pairs that get the same key
 *           (two people counted once, unless birth year and gender differ);
 *   transp. the share of single adjacent-letter transpositions that change
 *           the key (a typo splitting a person).
 * on two sets of names:
 *   generator  the variant groups of ../shared/data/make_iop_visits.py,
 *              parsed from the script at run time (evaluation only: the
 *              rules were not derived from these lists);
 *   held out   variant groups written from transliteration knowledge, with
 *              names and spellings that are not in the generator.
 * Then the loose key's cost in ns per call. Prints figures, asserts nothing.
 *
 *   bench_linkage_pairs [path/to/make_iop_visits.py]
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "unika.h"

#define MAX_NAMES 1024
#define MAX_GROUPS 256
#define KEY_BYTES 256

/* ---- name sets --------------------------------------------------------- */

typedef struct {
    const char *name[MAX_NAMES];
    int group[MAX_NAMES];
    size_t n;
    int groups;
} name_set;

static void set_add(name_set *s, const char *name, int group)
{
    if (s->n < MAX_NAMES) {
        s->name[s->n] = name;
        s->group[s->n] = group;
        s->n++;
    }
    if (group + 1 > s->groups) s->groups = group + 1;
}

/* Held out: one line per name, spellings separated by '|'. Sources of the
 * variation: Somali orthography (c, x, doubled vowels), French (ou, ch, dj,
 * final e), Swedish (j), Persian (e/o for i/u, gh, v), German (dsch, sch). */
static const char *const HELD_OUT[] = {
    "Mahmoud|Mahmud|Mahmood|Maxamuud",
    "Khadija|Khadidja|Khadijah|Khadiija",
    "Abdulaziz|Abdul Aziz|Abdelaziz",
    "Abdelkader|Abdulqadir|Abdul Kadir|Abdelqader|Cabdulqaadir",
    "Hashim|Hachem|Hashem|Hasjim",
    "Sharif|Cherif|Shareef",
    "Jamal|Djamel|Jamel",
    "Zainab|Zeinab|Zaynab",
    "Nasruddin|Nasr ud-Din|Nasreddin",
    "Ramadan|Ramadhan",
    "Abubakar|Abu Bakr|Aboubakar|Abubakr",
    "Xuseen|Husein|Hussein",
    "Abdullahi|Cabdullaahi|Abdulahi",
    "Mohammadreza|Mohammad Reza|Muhammad-Reza|Mohamadreza",
    "Gholamhossein|Ghulam Hussein|Gholam-Hosein",
    "Dschafar|Jafar|Djafar|Jaafar",
    "Yasin|Jasin|Yassin|Yassine",
    "Khalid|Khaled|Khaalid",
    "Idris|Idriss|Edris",
    "Tariq|Tarek|Tarik|Taariq",
    "Shukri|Chukri|Shoukri",
    "Jibril|Jebril|Djibril|Jibriil",
    "Habiba|Habibah",
    "Sumaya|Sumaiya|Somaye|Sumayyah",
    "Ruqaya|Ruqayya|Roghayeh|Ruqiyo",
    "Mohsen|Muhsin|Mohsin",
    "Hakim|Hakeem|Xakiim",
    "Siddiq|Sediq|Seddiq|Siddique",
    "Wahid|Vahid|Waheed",
    "Omid|Umid|Omeed",
    "Tesfamariam|Tesfamaryam",
    "Haile|Hayle",
    "Kibrom|Kebrom",
    "Yonas|Jonas",
    "Mulugeta|Mulugheta",
    "Tsegay|Tsegaye|Tseggai",
    "Amanuel|Emmanuel",
    "Said|Saeed|Sa'id|Saiid|Saciid",
    "Ahmad Shah|Ahmadshah|Ahmed Shah",
    "Nur Mohammad|Noor Mohammad|Nurmohammad",
    "Halima|Xaliimo|Halimah",
    "Aisha|Aicha|Ayesha|Caasha",
    "Asad|Assad|Asaad",
    "Bashir|Bachir|Basheer",
    "Faisal|Faysal|Feysal",
    "Hamdi|Hamdy",
    "Youssouf|Yusuf|Yousuf",
    "Osama|Usama|Oussama",
    "Naima|Naeema|Nacima",
    /* variation the rules knowingly do not model (docs/linkage.md, "Known
       splits"), kept here so the held-out figure is not flattering */
    "Dawood|Daud|Dawud|Davood",
    "Zakariye|Sakariye",
    "Ahmet|Ahmad|Ahmed",
    "Yacquub|Yaqub|Yakub|Jakob",
    "Gamil|Jamil",
    "Saalax|Saleh|Salih",
};

static char held_storage[8192];

static void load_held_out(name_set *s)
{
    size_t used = 0;
    for (size_t g = 0; g < sizeof HELD_OUT / sizeof HELD_OUT[0]; g++) {
        const char *p = HELD_OUT[g];
        while (*p) {
            const char *q = strchr(p, '|');
            size_t n = q ? (size_t)(q - p) : strlen(p);
            if (used + n + 1 > sizeof held_storage) return;
            memcpy(held_storage + used, p, n);
            held_storage[used + n] = '\0';
            set_add(s, held_storage + used, (int)g);
            used += n + 1;
            p += n + (q ? 1 : 0);
        }
    }
}

/* Parses the nested lists FIRST_M, FIRST_F and SURNAMES of the generator:
 * each inner [...] of quoted strings is one variant group. */
static char *gen_text;

static char *find_list(const char *var)
{
    char pat[64];
    snprintf(pat, sizeof pat, "\n%s = [", var);
    char *p = strstr(gen_text, pat);
    return p ? p + strlen(pat) : NULL;
}

/* Parsing writes NULs into gen_text, so every list is found first. */
static int parse_list(name_set *s, char *p, int group0)
{
    if (!p) return -1;
    int depth = 1, group = group0 - 1;
    while (*p && depth > 0) {
        if (*p == '[') {
            depth++;
            if (depth == 2) group++;
        } else if (*p == ']') {
            depth--;
        } else if (*p == '"' && depth == 2) {
            char *end = strchr(p + 1, '"');
            if (!end) return -1;
            *end = '\0'; /* strings live on in gen_text */
            set_add(s, p + 1, group);
            p = end;
        }
        p++;
    }
    return group + 1;
}

static int load_generator(name_set *s, const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) return -1;
    fseek(f, 0, SEEK_END);
    long size = ftell(f);
    fseek(f, 0, SEEK_SET);
    gen_text = malloc((size_t)size + 2);
    if (!gen_text) {
        fclose(f);
        return -1;
    }
    gen_text[0] = '\n';
    size_t got = fread(gen_text + 1, 1, (size_t)size, f);
    gen_text[got + 1] = '\0';
    fclose(f);
    int g = 0;
    char *lists[] = {find_list("FIRST_M"), find_list("FIRST_F"), find_list("SURNAMES")};
    for (size_t i = 0; i < 3; i++) {
        g = parse_list(s, lists[i], g);
        if (g < 0) return -1;
    }
    return 0;
}

/* ---- keys ----------------------------------------------------------------- */

typedef int (*key_fn)(char *dst, const char *raw);

static int strict_of(char *dst, const char *raw)
{
    size_t n;
    return unika_normalize_name(dst, KEY_BYTES, &n, raw, strlen(raw), NULL);
}

static int loose_key_of(char *dst, const char *raw)
{
    char norm[UNIKA_NAME_MAX_BYTES];
    size_t n, k;
    int rc = unika_normalize_name(norm, sizeof norm, &n, raw, strlen(raw), NULL);
    return rc < 0 ? rc : unika_name_loose_key(dst, KEY_BYTES, &k, norm, n, NULL);
}

static int loose_tokens_of(char *dst, const char *raw)
{
    char norm[UNIKA_NAME_MAX_BYTES];
    size_t n, k;
    int rc = unika_normalize_name(norm, sizeof norm, &n, raw, strlen(raw), NULL);
    return rc < 0 ? rc : unika_name_loose_tokens(dst, KEY_BYTES, &k, norm, n, NULL);
}

/* American Soundex of one word: first letter, then digits of the consonant
 * classes, repeats (also across h/w) collapsed, vowels separating, padded
 * or cut to 4. The peer every record-linkage text starts from. */
static void soundex_word(char out[5], const char *w, size_t n)
{
    static const char code[26] = {0,   '1', '2', '3', 0,   '1', '2', 0,   0,
                                  '2', '2', '4', '5', '5', 0,   '1', '2', '6',
                                  '2', '3', 0,   '1', 0,   '2', 0,   '2'};
    size_t o = 0;
    char last = 0;
    for (size_t i = 0; i < n && o < 4; i++) {
        unsigned char c = (unsigned char)w[i];
        if (c < 'a' || c > 'z') { /* digits, non-Latin: the byte itself */
            if (o == 0) out[o++] = (char)c;
            continue;
        }
        char d = code[c - 'a'];
        if (o == 0) {
            out[o++] = (char)(c - 'a' + 'A');
            last = d;
            continue;
        }
        if (d && d != last) out[o++] = d;
        if (c != 'h' && c != 'w') last = d;
    }
    while (o < 4) out[o++] = '0';
    out[4] = '\0';
}

static int cmp_str(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Soundex per word of the normalised name, the codes sorted (so word order
 * does not matter, as for the other keys) and joined by spaces. */
static int soundex_of(char *dst, const char *raw)
{
    char norm[UNIKA_NAME_MAX_BYTES];
    size_t n;
    int rc = unika_normalize_name(norm, sizeof norm, &n, raw, strlen(raw), NULL);
    if (rc < 0) return rc;
    char codes[64][5];
    const char *ptr[64] = {0};
    size_t k = 0, i = 0;
    while (i < n && k < 64) {
        size_t j = i;
        while (j < n && norm[j] != ' ') j++;
        soundex_word(codes[k], norm + i, j - i);
        ptr[k] = codes[k];
        k++;
        i = j + 1;
    }
    qsort(ptr, k, sizeof ptr[0], cmp_str);
    dst[0] = '\0';
    for (size_t m = 0; m < k; m++) {
        if (m) strcat(dst, " ");
        strcat(dst, ptr[m]);
    }
    return 0;
}

/* Original Metaphone (Philips 1990) of one lowercase word, untruncated: the
 * English-pronunciation peer. Written from the published rules: initial
 * ae/gn/kn/pn/wr drop their first letter, initial x is s, wh is w; only an
 * initial vowel is kept; doubled letters other than c count once. */
static int mp_vowel(char c) { return c && strchr("aeiou", c) != NULL; }

static void metaphone_word(char *out, size_t cap, const char *w, size_t n)
{
    char s[128];
    if (n >= sizeof s) n = sizeof s - 1;
    memcpy(s, w, n);
    s[n] = '\0';
    size_t i = 0, o = 0;
#define AT(k) ((k) < n ? s[k] : '\0')
#define PUT(c) do { if (o + 1 < cap) out[o++] = (c); } while (0)
    if (n >= 2 && (!memcmp(s, "ae", 2) || !memcmp(s, "gn", 2) || !memcmp(s, "kn", 2)
                   || !memcmp(s, "pn", 2) || !memcmp(s, "wr", 2)))
        i = 1;
    if (AT(0) == 'x') { PUT('s'); i = 1; }
    else if (AT(0) == 'w' && AT(1) == 'h') { PUT('w'); i = 2; }
    for (; i < n; i++) {
        char c = s[i], prev = i ? s[i - 1] : '\0', next = AT(i + 1), next2 = AT(i + 2);
        if (c == prev && c != 'c') continue;
        if ((unsigned char)c >= 0x80 || (c >= '0' && c <= '9')) { PUT(c); continue; }
        switch (c) {
        case 'a': case 'e': case 'i': case 'o': case 'u':
            if (i == 0) PUT(c);
            break;
        case 'b': if (!(prev == 'm' && i + 1 == n)) PUT('b'); break;
        case 'c':
            if (next == 'i' && next2 == 'a') PUT('x');
            else if (next == 'h') PUT(prev == 's' ? 'k' : 'x');
            else if (next == 'i' || next == 'e' || next == 'y') { if (prev != 's') PUT('s'); }
            else PUT('k');
            break;
        case 'd':
            if (next == 'g' && (next2 == 'e' || next2 == 'y' || next2 == 'i')) PUT('j');
            else PUT('t');
            break;
        case 'g':
            if (next == 'h' && !(i + 2 == n || mp_vowel(next2))) break;
            if (next == 'n' && (i + 2 == n || (next2 == 'e' && AT(i + 3) == 'd'))) break;
            if ((next == 'i' || next == 'e' || next == 'y') && prev != 'g') PUT('j');
            else PUT('k');
            break;
        case 'h':
            if (mp_vowel(prev) && !mp_vowel(next)) break;
            if (prev && strchr("cgpst", prev)) break;
            PUT('h');
            break;
        case 'k': if (prev != 'c') PUT('k'); break;
        case 'p': PUT(next == 'h' ? 'f' : 'p'); break;
        case 'q': PUT('k'); break;
        case 's':
            if (next == 'h' || (next == 'i' && (next2 == 'o' || next2 == 'a'))) PUT('x');
            else PUT('s');
            break;
        case 't':
            if (next == 'i' && (next2 == 'o' || next2 == 'a')) PUT('x');
            else if (next == 'h') PUT('0');
            else if (!(next == 'c' && next2 == 'h')) PUT('t');
            break;
        case 'v': PUT('f'); break;
        case 'w': case 'y': if (mp_vowel(next)) PUT(c); break;
        case 'x': PUT('k'); PUT('s'); break;
        case 'z': PUT('s'); break;
        default: PUT(c); /* f j l m n r */
        }
    }
#undef AT
#undef PUT
    out[o] = '\0';
}

/* Metaphone per word of the normalised name, codes sorted, joined by ' '. */
static int metaphone_of(char *dst, const char *raw)
{
    char norm[UNIKA_NAME_MAX_BYTES];
    size_t n;
    int rc = unika_normalize_name(norm, sizeof norm, &n, raw, strlen(raw), NULL);
    if (rc < 0) return rc;
    static char codes[64][128];
    const char *ptr[64] = {0};
    size_t k = 0, i = 0;
    while (i < n && k < 64) {
        size_t j = i;
        while (j < n && norm[j] != ' ') j++;
        metaphone_word(codes[k], sizeof codes[k], norm + i, j - i);
        ptr[k] = codes[k];
        k++;
        i = j + 1;
    }
    qsort(ptr, k, sizeof ptr[0], cmp_str);
    size_t o = 0;
    dst[0] = '\0';
    for (size_t m = 0; m < k; m++) {
        size_t l = strlen(ptr[m]);
        if (o + l + 2 > KEY_BYTES) break;
        if (m) dst[o++] = ' ';
        memcpy(dst + o, ptr[m], l + 1);
        o += l;
    }
    return 0;
}

static const struct {
    const char *label;
    key_fn fn;
} KEYS[] = {
    {"strict (normalised)", strict_of},
    {"soundex per word", soundex_of},
    {"metaphone per word", metaphone_of},
    {"loose tokens", loose_tokens_of},
    {"loose key", loose_key_of},
};

/* ---- measures ---------------------------------------------------------- */

typedef struct {
    size_t same, split, diff, merged, transp, transp_changed;
} tally;

static tally measure(const name_set *s, key_fn fn)
{
    tally t = {0};
    static char keys[MAX_NAMES][KEY_BYTES];
    for (size_t i = 0; i < s->n; i++)
        if (fn(keys[i], s->name[i]) < 0) snprintf(keys[i], KEY_BYTES, "\x01error%zu", i);
    for (size_t i = 0; i < s->n; i++)
        for (size_t j = i + 1; j < s->n; j++) {
            int differ = strcmp(keys[i], keys[j]) != 0;
            if (s->group[i] == s->group[j]) t.same++, t.split += (size_t)differ;
            else t.diff++, t.merged += !differ;
        }
    /* every adjacent transposition inside the name, as the generator's typo
     * makes them (never the first character), spaces included */
    for (size_t i = 0; i < s->n; i++) {
        size_t n = strlen(s->name[i]);
        for (size_t p = 1; p + 1 < n; p++) {
            char typo[KEY_BYTES], k[KEY_BYTES];
            if (n >= sizeof typo) break;
            memcpy(typo, s->name[i], n + 1);
            if (typo[p] == typo[p + 1]) continue;
            char c = typo[p];
            typo[p] = typo[p + 1];
            typo[p + 1] = c;
            t.transp++;
            if (fn(k, typo) < 0 || strcmp(k, keys[i]) != 0) t.transp_changed++;
        }
    }
    return t;
}

static double pct(size_t a, size_t b) { return b ? 100.0 * (double)a / (double)b : 0.0; }

static void report(const char *title, const name_set *s)
{
    printf("\n%s: %zu spellings in %d names\n", title, s->n, s->groups);
    printf("%-22s %22s %24s %20s\n", "key", "same-name pairs split", "different pairs merged",
           "transpositions split");
    for (size_t k = 0; k < sizeof KEYS / sizeof KEYS[0]; k++) {
        tally t = measure(s, KEYS[k].fn);
        printf("%-22s %7zu/%-5zu %6.1f%% %9zu/%-6zu %6.2f%% %7zu/%-5zu %5.1f%%\n", KEYS[k].label,
               t.split, t.same, pct(t.split, t.same), t.merged, t.diff, pct(t.merged, t.diff),
               t.transp_changed, t.transp, pct(t.transp_changed, t.transp));
    }
}

/* Full names: each first-name group crossed with each surname group, the
 * canonical spellings as the "person" and every other combination of
 * spellings as that person's variants: pairs over whole names. */
static void report_full_names(const name_set *gen)
{
    /* The generator's SURNAMES list follows FIRST_M and FIRST_F; its first
     * group is "Ahmadi". The first 12 first-name groups x the first 12
     * surname groups keep the pair count small (~830 spellings). */
    int surname0 = -1;
    for (size_t i = 0; i < gen->n; i++)
        if (strcmp(gen->name[i], "Ahmadi") == 0) surname0 = gen->group[i];
    if (surname0 < 0) return;
    static char storage[MAX_NAMES][64];
    name_set full = {0};
    size_t used = 0;
    for (int fg = 0; fg < 12; fg++)
        for (int sg = surname0; sg < surname0 + 12; sg++)
            for (size_t i = 0; i < gen->n; i++)
                for (size_t j = 0; j < gen->n; j++) {
                    if (gen->group[i] != fg || gen->group[j] != sg) continue;
                    if (used >= MAX_NAMES) continue;
                    snprintf(storage[used], sizeof storage[used], "%s %s", gen->name[i],
                             gen->name[j]);
                    set_add(&full, storage[used], fg * 100 + (sg - surname0));
                    used++;
                }
    full.groups = 144;
    report("generator, full names (12 first x 12 surname groups, all spellings)", &full);
}

static void timing(const name_set *s)
{
    char norm[MAX_NAMES][UNIKA_NAME_MAX_BYTES];
    size_t len[MAX_NAMES];
    for (size_t i = 0; i < s->n; i++)
        if (unika_normalize_name(norm[i], sizeof norm[i], &len[i], s->name[i],
                                 strlen(s->name[i]), NULL) < 0)
            len[i] = 0;
    char out[KEY_BYTES];
    size_t k, calls = 0;
    volatile size_t sink = 0;
    struct timespec a, b;
    clock_gettime(CLOCK_MONOTONIC, &a);
    for (int rep = 0; rep < 200; rep++)
        for (size_t i = 0; i < s->n; i++)
            if (len[i] && unika_name_loose_key(out, sizeof out, &k, norm[i], len[i], NULL) == 0)
                sink += k, calls++;
    clock_gettime(CLOCK_MONOTONIC, &b);
    double ns = (double)(b.tv_sec - a.tv_sec) * 1e9 + (double)(b.tv_nsec - a.tv_nsec);
    printf("\nunika_name_loose_key: %.0f ns per call (%zu calls on normalised single names)\n",
           calls ? ns / (double)calls : 0.0, calls);
    (void)sink;
}

int main(int argc, char **argv)
{
    if (unika_init() < 0) return 1;
    const char *path = argc > 1 ? argv[1] : UNIKA_SOURCE_DIR "/../shared/data/make_iop_visits.py";
    static name_set gen, held;
    if (load_generator(&gen, path) < 0) {
        fprintf(stderr, "cannot read the generator's name lists from %s\n", path);
        return 1;
    }
    load_held_out(&held);
    printf("Pair-level linkage of name keys (split: same name, different keys; merged:\n"
           "different names, same key; transpositions: adjacent swaps changing the key)\n");
    report("generator name lists (FIRST_M, FIRST_F, SURNAMES)", &gen);
    report("held out (not in the generator)", &held);
    report_full_names(&gen);
    timing(&gen);
    free(gen_text);
    return 0;
}
