/*
 * sketch.c - the counting core: an UltraLogLog-class sketch [1] with an
 * exact sparse (token) phase, and the merge/reduce algebra on it.
 *
 * Why this design. unika's partners only ever share sketches, analysts only
 * ever merge them, and auditors must be able to reproduce a figure. So the
 * sketch must be mergeable, and merging must be exact and order-free: the
 * state is a deterministic function of the SET of 64-bit hashes added, never
 * of the order or grouping of adds and merges.
 *
 * The hash. h = SipHash-2-4(sketch subkey, pseudonym), read little-endian.
 * Bit mapping (PostgreSQL `hll` compatible, so the max-rank reduction below
 * IS a postgresql-hll register array):
 *
 *     63                                    p p-1            0
 *    +---------------------------------------+----------------+
 *    |              w = h >> p               |  register index |
 *    +---------------------------------------+----------------+
 *    rank = ctz(w) + 1, or 65 - p when w == 0    (1 .. 65-p)
 *
 * Dense phase: 2^p byte registers. UltraLogLog [1] keeps, per register, the
 * maximum update value u and whether u-1 and u-2 were also seen. We store
 *
 *     r = 0                   empty register
 *     r = 4*u + 2*s1 + s2     u = max rank (1..65-p), s1 = rank u-1 seen,
 *                             s2 = rank u-2 seen (0 for ranks below 1)
 *
 * so r >> 2 is the classic HLL register and the largest value, at p = 4,
 * is 4*61 + 3 = 247 < 256. (hash4j's encoding offsets u by p - 2 so that its
 * register values mean the same across p; ours keeps r >> 2 == HLL rank,
 * which the postgres export needs, and the estimators add p themselves.)
 * A register is the top three bits of the set of ranks seen ("mask"): bit k
 * of mask = rank k seen. Merge = OR the masks, keep the top three bits; that
 * is associative, commutative and idempotent, hence exact.
 *
 * Reduction p -> p' (d = p - p'): a hash's index at p' is its low p' bits;
 * the d bits above them (j) become the low bits of w'. If j != 0 the rank at
 * p' is ctz(j) + 1 (<= d), else it is d + rank at p. So register i' at p'
 * gets: from the register with j = 0 its whole mask shifted up by d; from
 * every non-empty register with j != 0 the single rank ctz(j) + 1. The top
 * three bits of the result are thereby exactly those of the sketch built at
 * p' (ranks <= d are known exactly from which registers are non-empty), so
 * reduce(sketch at p) == sketch at p', byte for byte.
 *
 * Sparse phase: a sorted set of distinct 32-bit tokens,
 *
 *     token = (h mod 2^26) << 6 | rank26,   rank26 = ctz(h >> 26) + 1, or 39
 *
 * which fixes a hash's register index and rank for every p <= 26 (the same
 * reduction rule with p = 26, d = 26 - p'). Two people collide only when
 * their hashes agree on 26 index bits and the rank, probability about
 * 1/(3 * 2^26) per pair, so counts are exact in practice (estimate.c).
 * A sketch stays sparse while it has at most 2^p / 4 tokens, i.e. as long as
 * the 4-byte tokens take no more room than the 2^p dense bytes. Since tokens
 * do not depend on p, "sparse iff tokens <= 2^(p-2)" is a function of the
 * hash set: the canonical form that makes merges byte-identical.
 *
 * [1] O. Ertl, "UltraLogLog: A Practical and More Space-Efficient
 *     Alternative to HyperLogLog for Approximate Distinct Counting",
 *     PVLDB 17(7), 2024, arXiv:2308.16862.
 * [2] PostgreSQL hll extension, STORAGE.md (register index / rank mapping).
 */
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#include "common/common.h"
#include "identity/key_private.h"
#include "sketch/sketch_private.h"
#include "unika/key.h"
#include "unika/sketch.h"

#define TOKEN_INDEX_MASK ((1u << UNIKA_SKETCH_TOKEN_INDEX_BITS) - 1u)
#define TOKEN_RANK_MAX (64 - UNIKA_SKETCH_TOKEN_INDEX_BITS + 1) /* 39 */
#define BATCH_CHUNK 4096

unsigned unika_sketch_p_min(void) { return UNIKA_SKETCH_P_MIN; }
unsigned unika_sketch_p_max(void) { return UNIKA_SKETCH_P_MAX; }
unsigned unika_sketch_p_default(void) { return UNIKA_SKETCH_P_DEFAULT; }

/* ---- register algebra ---------------------------------------------------- */

/* Set of ranks a register value stands for (bit k = rank k seen). For r = 0
 * the shift yields bit 0, which no rank uses; it is cleared. */
static inline uint64_t reg_unpack(uint8_t r)
{
    return (((uint64_t)(4u | (r & 3u)) << (r >> 2)) >> 2) & ~(uint64_t)1;
}

/* Register value of a non-empty rank set: top rank and the two below it.
 * u <= 61, so mask << 2 cannot lose the top bit. */
static inline uint8_t reg_pack(uint64_t mask)
{
    unsigned u = 63u - (unsigned)__builtin_clzll(mask);
    return (uint8_t)((u << 2) | (((mask << 2) >> u) & 3u));
}

/* Merge of two registers of the same precision, without masks: the larger
 * byte has the larger u; the smaller one adds history bits only when its u
 * is within two of the larger's. */
static inline uint8_t reg_merge(uint8_t a, uint8_t b)
{
    uint8_t hi = a > b ? a : b, lo = a > b ? b : a;
    unsigned d = (unsigned)(hi >> 2) - (unsigned)(lo >> 2);
    uint8_t extra = 0;
    /* Branches, not selects: at large n almost every update has d >= 3 and
     * they predict well (measured faster than a branch-free form). */
    if (lo) {
        if (d == 0) extra = lo & 3u;
        else if (d == 1) extra = (uint8_t)(2u | ((lo >> 1) & 1u));
        else if (d == 2) extra = 1u;
    }
    return hi | extra;
}

/* One hash: a register holding only rank k is the byte 4k, so an update is
 * a merge with 4k. */
static inline void reg_update(uint8_t *regs, unsigned p, uint64_t hash)
{
    uint64_t w = hash >> p;
    unsigned rank = w ? (unsigned)__builtin_ctzll(w) + 1u : 65u - p;
    uint8_t *r = &regs[hash & (((uint64_t)1 << p) - 1)];
    *r = reg_merge(*r, (uint8_t)(rank << 2));
}

/* dst[i] = reg_merge(dst[i], src[i]) for i < n: the hot loop of a union.
 * With GCC/Clang vector extensions, 16 registers per step (the same rule as
 * reg_merge, written with lane masks); elsewhere the scalar rule. */
#if defined(__GNUC__)
typedef uint8_t v16u8 __attribute__((vector_size(16)));
#endif
static void regs_merge(uint8_t *dst, const uint8_t *src, size_t n)
{
    size_t i = 0;
#if defined(__GNUC__)
    const v16u8 one = {1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1};
    const v16u8 two = one + one, three = two + one, zero = one - one;
    for (; i + 16 <= n; i += 16) {
        v16u8 a, b;
        memcpy(&a, dst + i, 16);
        memcpy(&b, src + i, 16);
        v16u8 gt = (v16u8)(a > b);
        v16u8 hi = (a & gt) | (b & ~gt), lo = (b & gt) | (a & ~gt);
        v16u8 d = (hi >> 2) - (lo >> 2);
        v16u8 extra = ((v16u8)(d == zero) & (lo & three)) |
                      ((v16u8)(d == one) & (two | ((lo >> 1) & one))) |
                      ((v16u8)(d == two) & one);
        extra &= (v16u8)(lo != zero);
        v16u8 r = hi | extra;
        memcpy(dst + i, &r, 16);
    }
#endif
    for (; i < n; i++) dst[i] = reg_merge(dst[i], src[i]);
}

/* ---- tokens ---------------------------------------------------------------- */

uint32_t unika_sketch_token_of_hash(uint64_t hash)
{
    uint64_t w = hash >> UNIKA_SKETCH_TOKEN_INDEX_BITS;
    unsigned rank = w ? (unsigned)__builtin_ctzll(w) + 1u : TOKEN_RANK_MAX;
    return (((uint32_t)hash & TOKEN_INDEX_MASK) << 6) | rank;
}

int unika_sketch_token_valid(uint32_t t)
{
    unsigned rank = t & 63u;
    return rank >= 1 && rank <= TOKEN_RANK_MAX;
}

/* Applies a token to dense registers of precision p (<= 26). */
static inline void reg_apply_token(uint8_t *regs, unsigned p, uint32_t t)
{
    uint32_t idx = t >> 6;
    uint32_t j = idx >> p;
    unsigned rank = j ? (unsigned)__builtin_ctz(j) + 1u
                      : (UNIKA_SKETCH_TOKEN_INDEX_BITS - p) + (t & 63u);
    uint8_t *r = &regs[idx & ((1u << p) - 1u)];
    *r = reg_pack(reg_unpack(*r) | ((uint64_t)1 << rank));
}

/* First position whose token is >= key. Branch-free halving: the
 * comparisons on random tokens are unpredictable, and a mispredicted branch
 * per level cost more than the rest of an insert. */
static size_t lower_bound(const uint32_t *a, size_t n, uint32_t key)
{
    if (n == 0) return 0;
    const uint32_t *base = a;
    while (n > 1) {
        size_t half = n / 2;
        base += (size_t)(base[half - 1] < key) * half; /* no branch */
        n -= half;
    }
    return (size_t)(base - a) + (*base < key);
}

static int cmp_u32(const void *a, const void *b)
{
    uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;
    return (x > y) - (x < y);
}

/* Sorted distinct union of two sorted distinct arrays into out (capacity
 * na + nb); returns the count. */
static size_t union_sorted(uint32_t *out, const uint32_t *a, size_t na, const uint32_t *b,
                           size_t nb)
{
    size_t i = 0, j = 0, n = 0;
    while (i < na && j < nb) {
        if (a[i] < b[j]) out[n++] = a[i++];
        else if (b[j] < a[i]) out[n++] = b[j++];
        else { out[n++] = a[i++]; j++; }
    }
    while (i < na) out[n++] = a[i++];
    while (j < nb) out[n++] = b[j++];
    return n;
}

/* Dense registers of precision p from a token list (NULL on ENOMEM). */
static uint8_t *dense_from_tokens(unsigned p, const uint32_t *tokens, size_t n)
{
    uint8_t *regs = unika_calloc((size_t)1 << p, 1);
    if (!regs) return NULL;
    for (size_t i = 0; i < n; i++) reg_apply_token(regs, p, tokens[i]);
    return regs;
}

/* Switches s to dense, built from `tokens` (which may be s->tokens). */
static int go_dense(unika_sketch *s, const uint32_t *tokens, size_t n, unika_error *err)
{
    uint8_t *regs = dense_from_tokens(s->p, tokens, n);
    if (!regs) return unika_fail(err, UNIKA_ENOMEM, "out of memory for %zu sketch registers",
                                 (size_t)1 << s->p);
    unika_free(s->tokens);
    s->tokens = NULL;
    s->n_tokens = s->cap_tokens = 0;
    s->registers = regs;
    return 0;
}

/* Inserts one token into a sparse sketch, densifying past the threshold. */
static int sparse_insert(unika_sketch *s, uint32_t t, unika_error *err)
{
    size_t pos = lower_bound(s->tokens, s->n_tokens, t);
    if (pos < s->n_tokens && s->tokens[pos] == t) return 0;
    if (s->n_tokens + 1 > UNIKA_SKETCH_SPARSE_MAX(s->p)) {
        /* Would outgrow the dense form: build it from the tokens plus t. */
        uint8_t *regs = dense_from_tokens(s->p, s->tokens, s->n_tokens);
        if (!regs) return unika_fail(err, UNIKA_ENOMEM, "out of memory for sketch registers");
        reg_apply_token(regs, s->p, t);
        unika_free(s->tokens);
        s->tokens = NULL;
        s->n_tokens = s->cap_tokens = 0;
        s->registers = regs;
        return 0;
    }
    if (s->n_tokens == s->cap_tokens) {
        size_t cap = s->cap_tokens ? 2 * s->cap_tokens : 16;
        if (cap > UNIKA_SKETCH_SPARSE_MAX(s->p)) cap = UNIKA_SKETCH_SPARSE_MAX(s->p);
        uint32_t *grown = unika_realloc(s->tokens, s->cap_tokens * sizeof *grown,
                                        cap * sizeof *grown);
        if (!grown) return unika_fail(err, UNIKA_ENOMEM, "out of memory for sketch tokens");
        s->tokens = grown;
        s->cap_tokens = cap;
    }
    memmove(s->tokens + pos + 1, s->tokens + pos, (s->n_tokens - pos) * sizeof *s->tokens);
    s->tokens[pos] = t;
    s->n_tokens++;
    return 0;
}

/* Adds a sorted distinct token list to s (sparse or dense). */
static int add_tokens(unika_sketch *s, const uint32_t *tokens, size_t n, unika_error *err)
{
    if (n == 0) return 0;
    if (s->registers) {
        for (size_t i = 0; i < n; i++) reg_apply_token(s->registers, s->p, tokens[i]);
        return 0;
    }
    uint32_t *u = unika_malloc((s->n_tokens + n) * sizeof *u);
    if (!u) return unika_fail(err, UNIKA_ENOMEM, "out of memory for sketch tokens");
    size_t nu = union_sorted(u, s->tokens, s->n_tokens, tokens, n);
    if (nu > UNIKA_SKETCH_SPARSE_MAX(s->p)) {
        int rc = go_dense(s, u, nu, err);
        unika_free(u);
        return rc;
    }
    unika_free(s->tokens);
    s->cap_tokens = s->n_tokens + n; /* what u was allocated with */
    s->tokens = u;
    s->n_tokens = nu;
    return 0;
}

/* Registers of precision p (<= src_p) reduced from src into dst (2^p bytes,
 * merged into what dst already holds). */
static void reduce_into(uint8_t *dst, unsigned p, const uint8_t *src, unsigned src_p)
{
    size_t m = (size_t)1 << p;
    unsigned d = src_p - p;
    if (d == 0) {
        regs_merge(dst, src, m);
        return;
    }
    size_t blocks = (size_t)1 << d;
    for (size_t i = 0; i < m; i++) {
        uint64_t mask = reg_unpack(dst[i]);
        if (src[i]) mask |= reg_unpack(src[i]) << d;
        for (size_t j = 1; j < blocks; j++) {
            if (src[(j << p) | i]) mask |= (uint64_t)1 << (__builtin_ctzll(j) + 1);
        }
        if (mask) dst[i] = reg_pack(mask);
    }
}

/* ---- lifecycle --------------------------------------------------------- */

static int check_p(unsigned p, unika_error *err)
{
    if (p < UNIKA_SKETCH_P_MIN || p > UNIKA_SKETCH_P_MAX)
        return unika_fail_at(err, UNIKA_EPRECISION, "p", 0,
                             "sketch precision: expected %d..%d, got %u", UNIKA_SKETCH_P_MIN,
                             UNIKA_SKETCH_P_MAX, p);
    return 0;
}

int unika_sketch_new(unika_sketch **out, unsigned p, const uint8_t key_fp[UNIKA_FINGERPRINT_BYTES],
                     const uint8_t recipe_fp[UNIKA_FINGERPRINT_BYTES], unika_error *err)
{
    if (!out || !key_fp || !recipe_fp)
        return unika_fail(err, UNIKA_EINVAL, "unika_sketch_new: NULL argument");
    *out = NULL;
    int rc = check_p(p, err);
    if (rc < 0) return rc;
    unika_sketch *s = unika_calloc(1, sizeof *s);
    if (!s) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a sketch");
    s->meta = unika_sketch_meta_new();
    if (!s->meta) {
        unika_free(s);
        return unika_fail(err, UNIKA_ENOMEM, "out of memory for a sketch");
    }
    s->p = p;
    memcpy(s->key_fp, key_fp, UNIKA_FINGERPRINT_BYTES);
    memcpy(s->recipe_fp, recipe_fp, UNIKA_FINGERPRINT_BYTES);
    *out = s;
    return 0;
}

void unika_sketch_free(unika_sketch *s)
{
    if (!s) return;
    unika_free(s->tokens);
    unika_free(s->registers);
    unika_sketch_meta_free(s->meta);
    unika_free(s);
}

void unika_sketch_clear(unika_sketch *s)
{
    if (!s) return;
    unika_free(s->tokens);
    unika_free(s->registers);
    s->tokens = NULL;
    s->registers = NULL;
    s->n_tokens = s->cap_tokens = 0;
}

int unika_sketch_copy(unika_sketch **out, const unika_sketch *s, unika_error *err)
{
    if (!out || !s) return unika_fail(err, UNIKA_EINVAL, "unika_sketch_copy: NULL argument");
    *out = NULL;
    unika_sketch *c = unika_calloc(1, sizeof *c);
    if (!c) return unika_fail(err, UNIKA_ENOMEM, "out of memory for a sketch");
    c->p = s->p;
    memcpy(c->key_fp, s->key_fp, UNIKA_FINGERPRINT_BYTES);
    memcpy(c->recipe_fp, s->recipe_fp, UNIKA_FINGERPRINT_BYTES);
    c->meta = unika_sketch_meta_copy(s->meta);
    if (!c->meta) goto nomem;
    if (s->registers) {
        c->registers = unika_malloc((size_t)1 << s->p);
        if (!c->registers) goto nomem;
        memcpy(c->registers, s->registers, (size_t)1 << s->p);
    } else if (s->n_tokens) {
        c->tokens = unika_malloc(s->n_tokens * sizeof *c->tokens);
        if (!c->tokens) goto nomem;
        memcpy(c->tokens, s->tokens, s->n_tokens * sizeof *c->tokens);
        c->n_tokens = c->cap_tokens = s->n_tokens;
    }
    *out = c;
    return 0;
nomem:
    unika_sketch_free(c);
    return unika_fail(err, UNIKA_ENOMEM, "out of memory copying a sketch");
}

int unika_sketch_equal(const unika_sketch *a, const unika_sketch *b)
{
    if (!a || !b) return 0;
    if (a->p != b->p || !!a->registers != !!b->registers) return 0;
    if (memcmp(a->key_fp, b->key_fp, UNIKA_FINGERPRINT_BYTES) ||
        memcmp(a->recipe_fp, b->recipe_fp, UNIKA_FINGERPRINT_BYTES))
        return 0;
    if (a->registers) {
        if (memcmp(a->registers, b->registers, (size_t)1 << a->p)) return 0;
    } else {
        if (a->n_tokens != b->n_tokens) return 0;
        if (a->n_tokens && memcmp(a->tokens, b->tokens, a->n_tokens * sizeof *a->tokens))
            return 0;
    }
    return unika_sketch_meta_equal(a->meta, b->meta);
}

unsigned unika_sketch_precision(const unika_sketch *s) { return s ? s->p : 0; }
int unika_sketch_is_sparse(const unika_sketch *s) { return s && !s->registers; }
size_t unika_sketch_token_count(const unika_sketch *s) { return s && !s->registers ? s->n_tokens : 0; }
const uint8_t *unika_sketch_key_fingerprint(const unika_sketch *s) { return s ? s->key_fp : NULL; }
const uint8_t *unika_sketch_recipe_fingerprint(const unika_sketch *s)
{
    return s ? s->recipe_fp : NULL;
}

/* ---- adding ---------------------------------------------------------------- */

static inline uint64_t keyed_hash(const uint8_t *subkey, const uint8_t *pseudonym)
{
    uint8_t h[crypto_shorthash_BYTES];
    crypto_shorthash(h, pseudonym, UNIKA_PSEUDONYM_BYTES, subkey);
    return unika_load64_le(h);
}

int unika_sketch_hash(uint64_t *out, const unika_key *key,
                      const uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES])
{
    if (!out || !key || !pseudonym) return UNIKA_EINVAL;
    *out = keyed_hash(unika_key_sketch_subkey(key), pseudonym);
    return 0;
}

static int fp_mismatch(unika_error *err, int code, const char *what, const uint8_t *expected,
                       const uint8_t *got)
{
    char e[2 * UNIKA_FINGERPRINT_BYTES + 1], g[2 * UNIKA_FINGERPRINT_BYTES + 1];
    unika_hex_encode(e, expected, UNIKA_FINGERPRINT_BYTES);
    unika_hex_encode(g, got, UNIKA_FINGERPRINT_BYTES);
    return unika_fail_at(err, code, what, 0, "%s: expected %s, got %s", what, e, g);
}

static int check_key(const unika_sketch *s, const unika_key *key, unika_error *err)
{
    const uint8_t *fp = unika_key_fingerprint_bytes(key);
    if (memcmp(fp, s->key_fp, UNIKA_FINGERPRINT_BYTES))
        return fp_mismatch(err, UNIKA_EKEYMISMATCH, "key fingerprint", s->key_fp, fp);
    return 0;
}

int unika_sketch_add_hash(unika_sketch *s, uint64_t hash, unika_error *err)
{
    if (!s) return unika_fail(err, UNIKA_EINVAL, "unika_sketch_add_hash: NULL sketch");
    if (s->registers) {
        reg_update(s->registers, s->p, hash);
        return 0;
    }
    return sparse_insert(s, unika_sketch_token_of_hash(hash), err);
}

int unika_sketch_add_hashes(unika_sketch *s, const uint64_t *hashes, size_t count,
                            unika_error *err)
{
    if (!s || (!hashes && count))
        return unika_fail(err, UNIKA_EINVAL, "unika_sketch_add_hashes: NULL argument");
    size_t i = 0;
    while (i < count && !s->registers) {
        int rc = sparse_insert(s, unika_sketch_token_of_hash(hashes[i]), err);
        if (rc < 0) return rc;
        i++;
    }
    uint8_t *regs = s->registers;
    const unsigned p = s->p;
    for (; i < count; i++) reg_update(regs, p, hashes[i]);
    return 0;
}

int unika_sketch_add(unika_sketch *s, const unika_key *key,
                     const uint8_t pseudonym[UNIKA_PSEUDONYM_BYTES], unika_error *err)
{
    if (!s || !key || !pseudonym)
        return unika_fail(err, UNIKA_EINVAL, "unika_sketch_add: NULL argument");
    int rc = check_key(s, key, err);
    if (rc < 0) return rc;
    return unika_sketch_add_hash(s, keyed_hash(unika_key_sketch_subkey(key), pseudonym), err);
}

int unika_sketch_add_batch(unika_sketch *s, const unika_key *key, const uint8_t *pseudonyms,
                           size_t count, unika_error *err)
{
    if (!s || !key || (!pseudonyms && count))
        return unika_fail(err, UNIKA_EINVAL, "unika_sketch_add_batch: NULL argument");
    int rc = check_key(s, key, err);
    if (rc < 0) return rc;
    const uint8_t *subkey = unika_key_sketch_subkey(key);
    uint32_t chunk[BATCH_CHUNK];
    for (size_t done = 0; done < count;) {
        size_t n = count - done < BATCH_CHUNK ? count - done : BATCH_CHUNK;
        const uint8_t *ps = pseudonyms + done * UNIKA_PSEUDONYM_BYTES;
        if (s->registers) {
            for (size_t i = 0; i < n; i++)
                reg_update(s->registers, s->p, keyed_hash(subkey, ps + i * UNIKA_PSEUDONYM_BYTES));
        } else {
            /* Sparse: sort and deduplicate the chunk's tokens, then one
             * linear union instead of n insertions into a sorted array. */
            for (size_t i = 0; i < n; i++)
                chunk[i] = unika_sketch_token_of_hash(keyed_hash(subkey, ps + i * UNIKA_PSEUDONYM_BYTES));
            qsort(chunk, n, sizeof *chunk, cmp_u32);
            size_t k = 0;
            for (size_t i = 0; i < n; i++)
                if (k == 0 || chunk[i] != chunk[k - 1]) chunk[k++] = chunk[i];
            rc = add_tokens(s, chunk, k, err);
            if (rc < 0) return rc;
        }
        done += n;
    }
    return 0;
}

/* ---- reduce and merge ------------------------------------------------------ */

int unika_sketch_reduce(unika_sketch *s, unsigned p, unika_error *err)
{
    if (!s) return unika_fail(err, UNIKA_EINVAL, "unika_sketch_reduce: NULL sketch");
    int rc = check_p(p, err);
    if (rc < 0) return rc;
    if (p > s->p)
        return unika_fail_at(err, UNIKA_EPRECISION, "p", 0,
                             "sketch precision: cannot raise %u to %u (only reduce)", s->p, p);
    if (p == s->p) return 0;
    if (!s->registers) {
        if (s->n_tokens > UNIKA_SKETCH_SPARSE_MAX(p)) {
            uint8_t *regs = dense_from_tokens(p, s->tokens, s->n_tokens);
            if (!regs) return unika_fail(err, UNIKA_ENOMEM, "out of memory for sketch registers");
            unika_free(s->tokens);
            s->tokens = NULL;
            s->n_tokens = s->cap_tokens = 0;
            s->registers = regs;
        }
        s->p = p;
        return 0;
    }
    uint8_t *regs = unika_calloc((size_t)1 << p, 1);
    if (!regs) return unika_fail(err, UNIKA_ENOMEM, "out of memory for sketch registers");
    reduce_into(regs, p, s->registers, s->p);
    unika_free(s->registers);
    s->registers = regs;
    s->p = p;
    return 0;
}

int unika_sketch_merge(unika_sketch *dst, const unika_sketch *src, unika_error *err)
{
    if (!dst || !src) return unika_fail(err, UNIKA_EINVAL, "unika_sketch_merge: NULL sketch");
    if (memcmp(dst->key_fp, src->key_fp, UNIKA_FINGERPRINT_BYTES))
        return fp_mismatch(err, UNIKA_EKEYMISMATCH, "key fingerprint", dst->key_fp, src->key_fp);
    if (memcmp(dst->recipe_fp, src->recipe_fp, UNIKA_FINGERPRINT_BYTES))
        return fp_mismatch(err, UNIKA_ERECIPEMISMATCH, "recipe fingerprint", dst->recipe_fp,
                           src->recipe_fp);
    if (dst == src) return 0;

    /* Build the new state aside, so that a failure leaves dst as it was. */
    unsigned p = dst->p < src->p ? dst->p : src->p;
    uint8_t *regs = NULL;   /* new dense state, or */
    uint32_t *toks = NULL;  /* new sparse state */
    size_t ntoks = 0;
    /* Into dense registers already at p, src (dense or sparse) goes in
     * place: a union of many sparse cells would otherwise copy all 2^p
     * registers once per cell (17% of `verify`'s time at 10^5 cells). */
    int in_place = dst->registers && dst->p == p;

    if (!in_place) {
        if (!dst->registers && !src->registers) {
            toks = unika_malloc((dst->n_tokens + src->n_tokens + 1) * sizeof *toks);
            if (!toks) goto nomem;
            ntoks = union_sorted(toks, dst->tokens, dst->n_tokens, src->tokens, src->n_tokens);
            if (ntoks > UNIKA_SKETCH_SPARSE_MAX(p)) {
                regs = dense_from_tokens(p, toks, ntoks);
                unika_free(toks);
                toks = NULL;
                if (!regs) goto nomem;
            }
        } else {
            regs = unika_calloc((size_t)1 << p, 1);
            if (!regs) goto nomem;
            const unika_sketch *side[2] = {dst, src};
            for (int k = 0; k < 2; k++) {
                const unika_sketch *x = side[k];
                if (x->registers) reduce_into(regs, p, x->registers, x->p);
                else for (size_t i = 0; i < x->n_tokens; i++) reg_apply_token(regs, p, x->tokens[i]);
            }
        }
    }
    if (unika_sketch_meta_merge(dst->meta, src->meta) < 0) goto nomem;

    if (in_place) { /* nothing below can fail: dst changes only now */
        uint8_t *r = dst->registers;
        if (src->registers) reduce_into(r, p, src->registers, src->p);
        else for (size_t i = 0; i < src->n_tokens; i++) reg_apply_token(r, p, src->tokens[i]);
        return 0;
    }
    unika_free(dst->tokens);
    unika_free(dst->registers);
    dst->p = p;
    dst->registers = regs;
    dst->tokens = toks;
    dst->n_tokens = dst->cap_tokens = toks ? ntoks : 0;
    if (toks && ntoks == 0) {  /* keep "no allocation when empty" simple */
        unika_free(toks);
        dst->tokens = NULL;
    }
    return 0;
nomem:
    unika_free(regs);
    unika_free(toks);
    return unika_fail(err, UNIKA_ENOMEM, "out of memory merging sketches");
}

/* ---- views --------------------------------------------------------------- */

int unika_sketch_hll_registers(uint8_t *dst, size_t dst_capacity, const unika_sketch *s,
                               unika_error *err)
{
    if (!dst || !s) return unika_fail(err, UNIKA_EINVAL, "unika_sketch_hll_registers: NULL argument");
    size_t m = (size_t)1 << s->p;
    if (dst_capacity < m)
        return unika_fail(err, UNIKA_EBUFFER, "HLL registers: need %zu bytes, got %zu", m,
                          dst_capacity);
    if (s->registers) {
        for (size_t i = 0; i < m; i++) dst[i] = s->registers[i] >> 2;
    } else {
        memset(dst, 0, m);
        for (size_t i = 0; i < s->n_tokens; i++) {
            uint32_t t = s->tokens[i], idx = t >> 6, j = idx >> s->p;
            unsigned rank = j ? (unsigned)__builtin_ctz(j) + 1u
                              : (UNIKA_SKETCH_TOKEN_INDEX_BITS - s->p) + (t & 63u);
            uint8_t *r = &dst[idx & (m - 1)];
            if (*r < rank) *r = (uint8_t)rank;
        }
    }
    return 0;
}

void unika_sketch_registers_at(uint8_t *dst, unsigned p, const struct unika_sketch *s)
{
    memset(dst, 0, (size_t)1 << p);
    if (s->registers) reduce_into(dst, p, s->registers, s->p);
    else for (size_t i = 0; i < s->n_tokens; i++) reg_apply_token(dst, p, s->tokens[i]);
}

int unika_sketch_check_state(const struct unika_sketch *s, unika_error *err)
{
    if (!s) return unika_fail(err, UNIKA_EINVAL, "unika_sketch_check_state: NULL sketch");
    if (s->p < UNIKA_SKETCH_P_MIN || s->p > UNIKA_SKETCH_P_MAX)
        return unika_fail_at(err, UNIKA_EFORMAT, "p", 0, "sketch precision: expected %d..%d, got %u",
                             UNIKA_SKETCH_P_MIN, UNIKA_SKETCH_P_MAX, s->p);
    if (s->registers) {
        if (s->n_tokens)
            return unika_fail_at(err, UNIKA_EFORMAT, "payload", 0,
                                 "sketch has both tokens and registers");
        size_t m = (size_t)1 << s->p;
        /* One branch-free pass (bad values: above 4 * (65 - p) + 3, or
         * below 12 and not 0, 4, 8, 10); locate the culprit only on failure. */
        const uint8_t *r = s->registers;
        unsigned maxv = 4u * (65u - s->p) + 3u, bad = 0, any = 0;
        size_t i = 0;
#if defined(__GNUC__)
        v16u8 vbad = {0}, vany = {0}, vmax = {0}, c0 = {0}, c4 = {0}, c8 = {0}, c10 = {0}, c12 = {0};
        for (int k = 0; k < 16; k++) {
            vmax[k] = (uint8_t)maxv;
            c4[k] = 4;
            c8[k] = 8;
            c10[k] = 10;
            c12[k] = 12;
        }
        for (; i + 16 <= m; i += 16) {
            v16u8 v;
            memcpy(&v, r + i, 16);
            vbad |= (v16u8)(v > vmax) | ((v16u8)(v < c12) & (v16u8)(v != c0) & (v16u8)(v != c4) &
                                         (v16u8)(v != c8) & (v16u8)(v != c10));
            vany |= v;
        }
        for (int k = 0; k < 16; k++) {
            bad |= vbad[k];
            any |= vany[k];
        }
#endif
        for (; i < m; i++) {
            unsigned v = r[i];
            bad |= (v > maxv) | ((v < 12) & (v != 0) & (v != 4) & (v != 8) & (v != 10));
            any |= v;
        }
        for (size_t j = 0; bad && j < m; j++)
            if (!unika_sketch_register_valid(r[j], s->p))
                return unika_fail_at(err, UNIKA_EFORMAT, "register", j + 1,
                                     "register %zu: value %u impossible at p = %u", j, r[j], s->p);
        if (!any)
            return unika_fail_at(err, UNIKA_EFORMAT, "register", 0,
                                 "dense sketch with no register set (must be sparse)");
        return 0;
    }
    if (s->n_tokens > UNIKA_SKETCH_SPARSE_MAX(s->p))
        return unika_fail_at(err, UNIKA_EFORMAT, "tokens", 0,
                             "sparse sketch: at most %zu tokens at p = %u, got %zu",
                             UNIKA_SKETCH_SPARSE_MAX(s->p), s->p, s->n_tokens);
    for (size_t i = 0; i < s->n_tokens; i++) {
        if (!unika_sketch_token_valid(s->tokens[i]))
            return unika_fail_at(err, UNIKA_EFORMAT, "token", i + 1,
                                 "token %zu: rank %u outside 1..%d", i, s->tokens[i] & 63u,
                                 TOKEN_RANK_MAX);
        if (i && s->tokens[i] <= s->tokens[i - 1])
            return unika_fail_at(err, UNIKA_EFORMAT, "token", i + 1,
                                 "token %zu: not above the previous one (must be sorted, distinct)",
                                 i);
    }
    return 0;
}
