/*
 * name_loose.c - the loose name key: transliteration variants of one name
 * reduced to one key.
 *
 * Why: a recipe of the exactly normalised name + birth year + gender counts
 * about 30% too many people on the example data, because partners spell one
 * person's name differently. The spellings differ in predictable ways,
 * because they are romanisations of scripts that write consonants and long
 * vowels but not short vowels (Arabic, Persian) or that have their own Latin
 * orthography (Somali), made by clerks with different habits (English,
 * French, Swedish). So the key keeps what all romanisations agree on, the
 * consonants, mapped onto classes of letters that stand for the same sound,
 * and drops what they disagree on: vowels, doubling, separators, order.
 *
 * Pipeline, for each word of the normalised name (docs/linkage.md has every
 * rule with its phenomenon and its false merges):
 *
 *   word --[W: word rules: particles, abd-/abu-/ali- compounds, al- and
 *           ben- written joined]--> pieces
 *   piece --[L: letter rules: digraphs and letters to consonant classes,
 *            vowels and Somali c (ayn) to "vowel", final silent h,
 *            final m -> n]--> symbols
 *   symbols --[S: drop vowels, collapse repeats]--> skeleton ("mhmd")
 *
 *   unika_name_loose_tokens(): skeletons sorted, joined by ' ' "hsn mhmd"
 *   unika_name_loose_key():    all symbols of all skeletons sorted "dhhmmns"
 *
 * The key is a multiset rather than a sequence because the measured
 * remaining splits after the transliteration rules are transposed letters
 * (2% of records in the example data carry one, often across a word
 * boundary) and compounds written joined or apart; a multiset is blind to
 * both by construction. The cost is merging consonant anagrams
 * (Ghasem/Sakina, "Karim Rahimi"/"Rahim Karimi"); docs/linkage.md measures
 * both sides.
 *
 * Non-Latin input (the strict normaliser keeps it) passes through: each
 * UTF-8 character is one opaque symbol, never split or reordered inside.
  *
 * Cost: the key is computed on every record of a `loose` ingest, next to a
 * keyed hash of about 0.5 us, so it is written to be cheap: one pass per
 * piece with the letter rules fused into the skeleton (no intermediate
 * symbol list), no allocation, no qsort (the ASCII symbols of the key are
 * counted, the rare non-Latin ones insertion-sorted). The rules are
 * unchanged by this: a differential test (tests/test_name_loose_diff.c)
 * compares every output with the first, literal implementation.
 */

#include <string.h>

#include "common/common.h"
#include "identity/normalize_private.h"
#include "unika/name_loose.h"

static const char FIELD[] = "name";

#define IN_MAX (UNIKA_NAME_LOOSE_MAX_BYTES - 1) /* longest accepted input */
#define PIECES_MAX IN_MAX                       /* each piece has >= 1 byte */
#define VOWEL '.' /* internal marker, never in output */

size_t unika_name_loose_max_bytes(void) { return UNIKA_NAME_LOOSE_MAX_BYTES; }

/* ---- small helpers ---------------------------------------------------- */

static int is_vowel(char c) { return c == 'a' || c == 'e' || c == 'i' || c == 'o' || c == 'u'; }

/* Length of the UTF-8 character starting with lead byte c (input is valid). */
static size_t utf8_len(unsigned char c)
{
    if (c < 0x80) return 1;
    if (c >= 0xF0) return 4;
    if (c >= 0xE0) return 3;
    return 2;
}

/* ---- L and S: letter rules fused with the skeleton -------------------- */

/*
 * Symbol of each ASCII byte of a normalised name, the one table the letter
 * rules are read from:
 *   q, g -> k   one class: Qasim = Kasim, Gebre = Ghebre (Persian gh for
 *               Arabic q, Tigrinya gh for g)
 *   x -> h      Somali x is Arabic h (Xawa = Hawa, Maxamed)
 *   v -> w      Persian v for Arabic w (Javad = Jawad)
 *   c -> vowel  Somali c is the ayn, a glottal onset that other
 *               romanisations omit (Cumar = Umar, Jaamac = Jama); c as k
 *               occurs only in ck, and ch is sh
 *   a e i o u -> vowel (Arabic script does not write short vowels)
 *   digits and the other letters are themselves.
 * MULTI marks a letter that may start a multi-letter spelling (c d g k p s
 * t) or whose class depends on its position (y): multi() looks further.
 * WIDE marks the bytes of a UTF-8 character. 0 is a byte that never occurs
 * in a validated name. Every marker sorts below '0', every symbol from it.
 */
#define MULTI '*'
#define WIDE '#'
#define WIDE8 WIDE, WIDE, WIDE, WIDE, WIDE, WIDE, WIDE, WIDE
#define WIDE64 WIDE8, WIDE8, WIDE8, WIDE8, WIDE8, WIDE8, WIDE8, WIDE8
static const char SYM[256] = {
    ['0'] = '0', ['1'] = '1', ['2'] = '2', ['3'] = '3', ['4'] = '4',
    ['5'] = '5', ['6'] = '6', ['7'] = '7', ['8'] = '8', ['9'] = '9',
    ['a'] = VOWEL, ['b'] = 'b',   ['c'] = MULTI, ['d'] = MULTI, ['e'] = VOWEL,
    ['f'] = 'f',   ['g'] = MULTI, ['h'] = 'h',   ['i'] = VOWEL, ['j'] = 'j',
    ['k'] = MULTI, ['l'] = 'l',   ['m'] = 'm',   ['n'] = 'n',   ['o'] = VOWEL,
    ['p'] = MULTI, ['q'] = 'k',   ['r'] = 'r',   ['s'] = MULTI, ['t'] = MULTI,
    ['u'] = VOWEL, ['v'] = 'w',   ['w'] = 'w',   ['x'] = 'h',   ['y'] = MULTI,
    ['z'] = 'z',
    [0x80] = WIDE64, WIDE64,
};

/* The symbol of the MULTI letter at p[i] in a piece ending at n; *adv
 * receives the number of letters it uses.
 * Multi-letter spellings of one sound, longest first where they overlap:
 *   dsch -> j  German clerks' English j (Dschafar = Jafar)
 *   sch  -> x  German sh (Schirin = Shirin)
 *   dzh  -> j  Russian-based j (Dzhamal = Jamal)
 *   dj   -> j  French/Swedish j (Djafari = Jafari)
 *   sh   -> x  English sh: class x
 *   ch   -> x  French ch = sh (Chaima = Shaima, Rachid = Rashid)
 *   sj   -> x  Swedish/Dutch sj = sh (Hasjim = Hashim)
 *   ph   -> f  Greek-style ph (Philmon = Filmon, Mustapha)
 *   kh   -> h  Arabic kh: Turkish and Russian-based spellings write h
 *              (Halil = Khalil, Khamid = Hamid), so kh and h meet
 *   gh   -> k  Persian gh for Arabic q, Tigrinya gh for g
 *   th   -> s  Arabic th is s in Persian, Turkish, Urdu and Somali
 *              (Othman = Osman = Cusmaan)
 *   dh   -> d  Arabic dh and Somali retroflex dh, written d by others
 *              (Ramadhan = Ramadan)
 *   ck   -> k  German/English doubled k */
static char multi(const char *p, size_t i, size_t n, size_t *adv)
{
    char n1 = i + 1 < n ? p[i + 1] : '\0';
    char n2 = i + 2 < n ? p[i + 2] : '\0';
    *adv = 2;
    switch (p[i]) {
    case 'd':
        if (n1 == 's' && n2 == 'c' && i + 3 < n && p[i + 3] == 'h') return *adv = 4, 'j';
        if (n1 == 'z' && n2 == 'h') return *adv = 3, 'j';
        if (n1 == 'j') return 'j';
        if (n1 == 'h') return 'd';
        break;
    case 's':
        if (n1 == 'c' && n2 == 'h') return *adv = 3, 'x';
        if (n1 == 'h' || n1 == 'j') return 'x';
        break;
    case 'c':
        if (n1 == 'h') return 'x';
        if (n1 == 'k') return 'k';
        return *adv = 1, VOWEL;
    case 'p':
        if (n1 == 'h') return 'f';
        break;
    case 'k':
        if (n1 == 'h') return 'h';
        break;
    case 'g':
        if (n1 == 'h') return 'k';
        return *adv = 1, 'k';
    case 't':
        if (n1 == 'h') return 's';
        break;
    case 'y':
        /* L3: y starting a word before a vowel is a consonant, and Swedish
           clerks write j for it (Jusuf = Yusuf); elsewhere it is a vowel
           or glide (Maryam = Mariam, Tesfay). */
        *adv = 1;
        return i == 0 && is_vowel(n1) ? 'j' : VOWEL;
    }
    *adv = 1;
    return p[i]; /* d, s, p, k, t alone are themselves */
}

/*
 * S: the skeleton of one piece p[0..n) into dst (capacity >= n), returning
 * its length in bytes (0 if only vowels), or, as soon as that length
 * exceeds `limit`, some length > limit: the length never decreases along
 * the pass (a unit only adds to it or collapses), so the word rules can
 * ask "at least k symbols?" or "exactly this head?" without finishing a
 * long word. In one pass, each unit (one symbol) is classified by the
 * letter rules and then either dropped (a vowel), collapsed (equal to the
 * previous kept unit, also across a dropped vowel: Hassan = Hasan,
 * Sajjad = Sajad) or kept. A non-ASCII character is one opaque unit.
 */
static size_t skeleton(char *dst, const char *p, size_t n, size_t limit)
{
    /* L1: word-final h after a vowel is silent: Arabic ta marbuta and
       Persian final -eh (Fatimah = Fatima, Sakineh = Sakina). */
    if (n >= 2 && p[n - 1] == 'h' && (is_vowel(p[n - 2]) || p[n - 2] == 'y')) n--;
    size_t out = 0;
    size_t prev = 0;    /* byte length of the last kept unit, 0 before one */
    char last = '\0';   /* the last kept unit if it is one ASCII byte */
    int prev_vowel = 0; /* the previous unit (kept or not) was a vowel */
    size_t i = 0;
    while (i < n) {
        char s = SYM[(unsigned char)p[i]];
        if (s < '0') { /* not a plain symbol: a marker */
            if (s == VOWEL) {
                prev_vowel = 1;
                i++;
                continue;
            }
            if (s == WIDE) {
                size_t k = utf8_len((unsigned char)p[i]);
                if (k > n - i) k = n - i; /* pieces are cut after ASCII bytes only;
                                             this keeps a wrong cut harmless */
                if (!(prev == k && memcmp(dst + out - k, p + i, k) == 0)) {
                    memcpy(dst + out, p + i, k);
                    out += k;
                    prev = k;
                    last = '\0';
                    if (out > limit) return out;
                }
                i += k;
                prev_vowel = 0;
                continue;
            }
            size_t adv;
            s = multi(p, i, n, &adv);
            i += adv;
            if (s == VOWEL) {
                prev_vowel = 1;
                continue;
            }
        } else {
            i++;
        }
        /* L9: Somali writes Arabic final -m as -n (Maryan = Maryam): a
           word-final m after a vowel joins n. */
        if (s == 'm' && i == n && prev_vowel) s = 'n';
        prev_vowel = 0;
        if (s == last) continue;
        dst[out++] = s;
        last = s;
        prev = 1;
        if (out > limit) return out;
    }
    return out;
}

/* Whether the skeleton of p[0..n) has at least k bytes. */
static int skeleton_has(const char *p, size_t n, size_t k)
{
    char tmp[IN_MAX];
    return skeleton(tmp, p, n, k - 1) >= k;
}

/* ---- W: word rules ---------------------------------------------------- */

/* Whether w[0..n) equals the NUL-terminated lowercase text `lit` (n is
 * small: particles and compound heads). */
static int word_eq(const char *w, size_t n, const char *lit)
{
    size_t k = 0;
    for (; k < n && lit[k]; k++)
        if (w[k] != lit[k]) return 0;
    return k == n && lit[k] == '\0';
}

/* Whether t[0..m) starts with `head` and has more after it. */
static int starts(const char *t, size_t m, const char *head)
{
    size_t k = 0;
    for (; head[k]; k++)
        if (k >= m || t[k] != head[k]) return 0;
    return m > k;
}

/* W1: the Arabic article and its sun-letter assimilations (ar-Rashid,
 * as-Sayed, ad-Din, ash-Shami): written or omitted, joined or apart, so it
 * is dropped. W2: "son/daughter of", present in some records and not in
 * others. Grouped by length and first letter so that a word that is not a
 * particle is rejected after one or two comparisons. */
static int is_particle(const char *w, size_t n)
{
    switch (n) {
    case 2: /* al el ul il ol; ad ed ud, ar er ur, as es us, at et ut, az ez uz */
        if (w[1] == 'l') return is_vowel(w[0]);
        return (w[0] == 'a' || w[0] == 'e' || w[0] == 'u')
               && (w[1] == 'd' || w[1] == 'r' || w[1] == 's' || w[1] == 't' || w[1] == 'z');
    case 3:
        if (w[2] == 'h') /* ash esh ush ath adh */
            return word_eq(w, n, "ash") || word_eq(w, n, "esh") || word_eq(w, n, "ush")
                   || word_eq(w, n, "ath") || word_eq(w, n, "adh");
        return word_eq(w, n, "bin") || word_eq(w, n, "ibn") || word_eq(w, n, "ben");
    case 4: return w[0] == 'b' ? word_eq(w, n, "bint") : word_eq(w, n, "ould");
    case 5: return w[0] == 'b' ? word_eq(w, n, "binti") : word_eq(w, n, "walad");
    default: return 0;
    }
}

/* Parts of the input, as byte offsets and lengths (the input is shorter
 * than 256 bytes). Pieces are disjoint, and each has at least one byte. */
typedef struct {
    unsigned char off[PIECES_MAX], len[PIECES_MAX];
    size_t count;
} parts;

static void part_push(parts *out, size_t off, size_t n)
{
    if (n > 0 && out->count < PIECES_MAX) {
        out->off[out->count] = (unsigned char)off;
        out->len[out->count] = (unsigned char)n;
        out->count++;
    }
}

/* The skeletons of every piece of the name, one after the other in buf,
 * with their offsets and lengths. Each skeleton is no longer than its
 * piece, and pieces are disjoint parts of the input, so buf (IN_MAX)
 * always suffices. */
typedef struct {
    char buf[IN_MAX];
    parts at;
    size_t used;
    int wide; /* some symbol is a non-ASCII character */
} skeletons;

/* A piece s[off..off+n) is final: its skeleton is appended. */
static void piece(skeletons *out, const char *s, size_t off, size_t n)
{
    size_t l = skeleton(out->buf + out->used, s + off, n, IN_MAX);
    /* S3: a word of vowels only (Aya, Ia) keeps one symbol, so that it
       still counts and no key is empty. */
    if (l == 0) out->buf[out->used] = 'a', l = 1;
    part_push(&out->at, out->used, l);
    out->used += l;
}

/* Splits the word s[w..w+n) into pieces (W4-W10), each appended to out. */
static void split_word(skeletons *out, const char *s, size_t w, size_t n, int depth)
{
    size_t o = w, m = n; /* the word as the compound rules see it */
    /* W4: Somali c (ayn) before a vowel starts many names (Cabdi, Cumar,
       Cali); the letter rules drop it anyway, but the compound rules below
       must see the name behind it. */
    if (m >= 2 && s[o] == 'c' && is_vowel(s[o + 1])) o++, m--;
    const char *t = s + o;

    /* Every compound rule starts with a, b, e, m or k/g/q: other words are
       a piece as they are. */
    if (depth < 4 && t[0] == 'a') {
        /* W5: abd- compounds ("servant of"): Abdul Rahman, Abdulrahman,
           Abdurrahman (assimilated article), Abdirahman (Somali),
           Abd al-Rahman, Abdullah/Abdallah/Abdollah. The head is "abd";
           the article between (any vowels, then any l's) is dropped. */
        if (starts(t, m, "abd")) {
            piece(out, s, o, 3);
            size_t i = 3;
            while (i < m && is_vowel(t[i])) i++;
            while (i < m && t[i] == 'l') i++;
            if (i < m) split_word(out, s, o + i, m - i, depth + 1);
            return;
        }
        /* W6: abu- ("father of"): Abu Bakr, Abubakar, Aboubakar. */
        static const char *const ABU[] = {"abou", "abu", "abo"};
        for (size_t h = 0; h < UNIKA_ARRAY_LEN(ABU); h++) {
            size_t hl = h == 0 ? 4 : 3;
            if (starts(t, m, ABU[h]) && skeleton_has(t + hl, m - hl, 2)) {
                piece(out, s, o, hl);
                split_word(out, s, o + hl, m - hl, depth + 1);
                return;
            }
        }
        /* W7: Ali- compounds: Alireza, Aliakbar, Aliasghar = Ali Reza. */
        if ((starts(t, m, "ali") || starts(t, m, "aly")) && skeleton_has(t + 3, m - 3, 2)) {
            piece(out, s, o, 3);
            split_word(out, s, o + 3, m - 3, depth + 1);
            return;
        }
    }
    if (depth < 4) {
        /* W8: Mohammad-, Gholam- compounds, any spelling of the head,
           matched on its skeleton: mhmd for a word starting with m, kln
           for one starting with k, g or q. The cut is after a d for mhmd
           and after an m or n for kln (a head ending otherwise cannot end
           its skeleton in d or n). The head must lose a letter to its
           skeleton (sl < p), so that the output is never longer than the
           input, and the rest must keep a consonant. */
        if (t[0] == 'm' || t[0] == 'g' || t[0] == 'k' || t[0] == 'q') {
            int mhmd = t[0] == 'm';
            const char *want = mhmd ? "mhmd" : "kln";
            size_t wl = mhmd ? 4 : 3;
            for (size_t p = 3; p + 1 < m; p++) {
                char e = t[p - 1];
                if (mhmd ? e != 'd' : (e != 'm' && e != 'n')) continue;
                char sk[IN_MAX];
                size_t sl = skeleton(sk, t, p, wl);
                if (sl == wl && memcmp(sk, want, wl) == 0 && sl < p
                    && skeleton_has(t + p, m - p, 1)) {
                    piece(out, s, o, p);
                    split_word(out, s, o + p, m - p, depth + 1);
                    return;
                }
            }
        }
        /* W9: the article written joined: Alhassan, Elamrani, Alkhalil.
           Not before i/y, where "al" is most often the name Ali/Aly itself,
           and only on long words, so that Elias, Elham, Alma stay whole. */
        if (m >= 6 && (t[0] == 'a' || t[0] == 'e') && t[1] == 'l' && t[2] != 'i'
            && t[2] != 'y') {
            split_word(out, s, o + 2, m - 2, depth + 1);
            return;
        }
        /* W10: ben- written joined (Maghreb surnames: Benali = Ben Ali). */
        if (m >= 6 && t[0] == 'b' && t[1] == 'e' && t[2] == 'n') {
            split_word(out, s, o + 3, m - 3, depth + 1);
            return;
        }
    }
    piece(out, s, w, n); /* the whole word, with a leading Somali c */
}

/* ---- validation and the two outputs ---------------------------------- */

/* Checks that s[0..n) is a normalised name and splits it into words, in
 * one pass; *wide is set if it has non-ASCII (UTF-8) characters. */
static int validate_words(parts *words, int *wide, const char *s, size_t n,
                          unika_error *err)
{
    size_t bad = 0; /* 1-based position of the first byte not allowed */
    int high = 0;   /* any byte >= 0x80: check UTF-8 */
    size_t start = 0;
    words->count = 0;
    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i];
        if ((unsigned)(c - 'a') < 26u) continue; /* the common case first */
        if (c >= 0x80) {
            high = 1;
        } else if ((unsigned)(c - '0') < 10u) {
            continue;
        } else if (c == ' ' && i > 0 && i + 1 < n && s[i - 1] != ' ') {
            part_push(words, start, i - start);
            start = i + 1;
        } else if (!bad) {
            bad = i + 1;
        }
    }
    /* Invalid UTF-8 is reported first, wherever it is. */
    size_t bad_utf8 = high ? unika_utf8_valid((const uint8_t *)s, n) : 0;
    if (bad_utf8)
        return unika_fail_at(err, UNIKA_EUTF8, FIELD, bad_utf8,
                             "name: invalid UTF-8 at byte %zu", bad_utf8);
    if (bad)
        return unika_fail_at(err, UNIKA_ENAME, FIELD, bad,
                             "name: not a normalised name (unexpected byte at %zu); "
                             "apply unika_normalize_name() first",
                             bad);
    part_push(words, start, n - start);
    *wide = high;
    return UNIKA_OK;
}

static void name_skeletons(skeletons *out, const char *s, const parts *words)
{
    out->at.count = 0;
    out->used = 0;
    /* W1, W2: particle words are dropped and the rest split; a name of
       particles only ("Ben") keeps every word as it is (W3). */
    unsigned char particle[PIECES_MAX];
    int all = 1;
    for (size_t k = 0; k < words->count; k++) {
        particle[k] = (unsigned char)is_particle(s + words->off[k], words->len[k]);
        all &= particle[k];
    }
    for (size_t k = 0; k < words->count; k++) {
        if (all) piece(out, s, words->off[k], words->len[k]);
        else if (!particle[k]) split_word(out, s, words->off[k], words->len[k], 0);
    }
}

/* Byte order, a proper prefix first. */
static int cmp_bytes(const char *a, size_t an, const char *b, size_t bn)
{
    int c = memcmp(a, b, an < bn ? an : bn);
    if (c) return c;
    return (an > bn) - (an < bn);
}

/* Sorts the parts of buf by byte order. Insertion sort: a name has a
 * handful of words and fewer non-Latin symbols than that, where qsort's
 * call overhead would dominate. */
static void sort_parts(parts *a, const char *buf)
{
    for (size_t i = 1; i < a->count; i++) {
        unsigned char vo = a->off[i], vl = a->len[i];
        size_t j = i;
        for (; j > 0 && cmp_bytes(buf + a->off[j - 1], a->len[j - 1], buf + vo, vl) > 0; j--) {
            a->off[j] = a->off[j - 1];
            a->len[j] = a->len[j - 1];
        }
        a->off[j] = vo;
        a->len[j] = vl;
    }
}

static int too_small(char *dst, size_t cap, size_t need, unika_error *err)
{
    dst[0] = '\0';
    return unika_fail_at(err, UNIKA_EBUFFER, FIELD, 0,
                         "name: loose key needs %zu bytes, buffer has %zu", need, cap);
}

/* Arguments, validation, and the skeletons of the name. */
static int prepare(skeletons *sk, char *dst, size_t cap, size_t *dst_len, const char *s,
                   size_t n, unika_error *err)
{
    if (dst_len) *dst_len = 0;
    if (!dst || cap == 0)
        return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "name: no output buffer");
    dst[0] = '\0';
    if (!s) return unika_fail_at(err, UNIKA_EINVAL, FIELD, 0, "name: source is NULL");
    if (n == 0) return unika_fail_at(err, UNIKA_EEMPTY, FIELD, 0, "name: empty");
    if (n > IN_MAX)
        return unika_fail_at(err, UNIKA_ETOOLONG, FIELD, 0,
                             "name: %zu bytes, a normalised name has at most %d", n, IN_MAX);
    parts words;
    int rc = validate_words(&words, &sk->wide, s, n, err);
    if (rc == UNIKA_OK) name_skeletons(sk, s, &words);
    return rc;
}

int unika_name_loose_tokens(char *dst, size_t dst_capacity, size_t *dst_len,
                            const char *normalized_name, size_t len, unika_error *err)
{
    skeletons sk;
    int rc = prepare(&sk, dst, dst_capacity, dst_len, normalized_name, len, err);
    if (rc < 0) return rc;
    /* K1: skeletons sorted, one space between them (there is at least one) */
    sort_parts(&sk.at, sk.buf);
    size_t need = sk.used + sk.at.count - 1;
    if (dst_len) *dst_len = need;
    if (need + 1 > dst_capacity) return too_small(dst, dst_capacity, need + 1, err);
    size_t n = 0;
    for (size_t k = 0; k < sk.at.count; k++) {
        if (k) dst[n++] = ' ';
        memcpy(dst + n, sk.buf + sk.at.off[k], sk.at.len[k]);
        n += sk.at.len[k];
    }
    dst[n] = '\0';
    return UNIKA_OK;
}

int unika_name_loose_key(char *dst, size_t dst_capacity, size_t *dst_len,
                         const char *normalized_name, size_t len, unika_error *err)
{
    skeletons sk;
    int rc = prepare(&sk, dst, dst_capacity, dst_len, normalized_name, len, err);
    if (rc < 0) return rc;
    if (dst_len) *dst_len = sk.used;
    if (sk.used + 1 > dst_capacity) return too_small(dst, dst_capacity, sk.used + 1, err);
    /* K2: every symbol sorted by byte order. */
    size_t n = 0;
    if (!sk.wide) {
        /* Latin names: each symbol is one byte; about ten of them, so an
           insertion sort. */
        for (size_t i = 0; i < sk.used; i++) {
            unsigned char c = (unsigned char)sk.buf[i];
            size_t j = n++;
            for (; j > 0 && (unsigned char)dst[j - 1] > c; j--) dst[j] = dst[j - 1];
            dst[j] = (char)c;
        }
    } else {
        /* A non-Latin symbol is a whole UTF-8 character, compared as a
           byte string. */
        parts sym;
        sym.count = 0;
        for (size_t i = 0; i < sk.used;) {
            size_t m = utf8_len((unsigned char)sk.buf[i]);
            part_push(&sym, i, m);
            i += m;
        }
        sort_parts(&sym, sk.buf);
        for (size_t k = 0; k < sym.count; k++) {
            memcpy(dst + n, sk.buf + sym.off[k], sym.len[k]);
            n += sym.len[k];
        }
    }
    dst[n] = '\0';
    return UNIKA_OK;
}
