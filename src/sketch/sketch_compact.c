/*
 * sketch_compact.c - payload encoding 2: the dense registers entropy-coded
 * (docs/format.md §7.1). Lossless: the 2^p register bytes decode exactly.
 *
 * Why a model and not a general-purpose compressor. Under Poisson hashing a
 * register's bytes follow a closed-form law of one number, lambda = n / 2^p
 * (docs/format.md §7.1): rank k of a register is present with probability
 * 1 - exp(-lambda 2^-k), independently of the other ranks. So one byte
 * (lambda quantised to 1/8 of an octave) tells the reader the whole
 * distribution, and a static rANS coder driven by it gets within about 20
 * bytes of the registers' entropy (about 4 bits each at lambda >= 8: 2,065
 * payload bytes at p = 12), where a general compressor must learn the
 * statistics from 4 KiB of data.
 *
 * Determinism. Files are audited byte for byte, so the frequency table must
 * be the same integers on every platform: it is computed with integer
 * arithmetic only. Probabilities are Q63 fixed point (1 = 2^63); the values
 * exp(-2^(f/8 + j)) come from the constant table CHAIN, which is each row's
 * seed 2^63 - round(2^(39 + f/8)) (= exp(-2^(f/8 - 24)) to 2^-63) squared
 * over and over (exp(-2x) = exp(-x)^2) with floor((a * b) / 2^63): exact
 * integers, regenerated and compared by tests/test_compact.c.
 *
 * Canonical form. A reader accepts a file only if a writer would have made
 * it: the lambda byte must be the one unika_compact_lambda picks from the
 * decoded registers, the rANS states must start in [L, 256 L) and end at L
 * with every byte consumed (rANS decoding is then a bijection), and the
 * payload must be shorter than the 2^p plain bytes (otherwise a writer uses
 * encoding 1). So each sketch still has exactly one file per encoding.
 */
#include <string.h>

#include "common/common.h"
#include "sketch/sketch_compact.h"

/* ---- parameters (docs/format.md §7.1; changing any changes the format) ---- */
enum {
    LAMBDA_STEPS = 8,       /* lambda = 2^(b/8 - 10): 1/8-octave steps */
    LAMBDA_E0 = -10,        /* b = 0 is lambda = 2^-10, b = 255 is 2^21.875 */
    CHAIN_J0 = -24,         /* CHAIN[f][i] = exp(-2^(f/8 + CHAIN_J0 + i)) */
    CHAIN_LEN = 32,
    SCALE_BITS = 15,        /* frequencies sum to M = 2^15 */
    Z_SHIFT = 45,           /* a register of rank u weighs 2^(45 - u) in Z */
    STATES = 4,             /* interleaved rANS states: register i uses state i mod 4 */
    PAYLOAD_HEAD = 1 + 4 * STATES, /* lambda byte, the u32 rANS states */
};
#define M_TOTAL (1u << SCALE_BITS)
#define RANS_L (1u << 23)   /* state interval [L, 256 L): byte-wise renormalisation */
#define Q63_ONE ((uint64_t)1 << 63)

/* exp(-2^(f/8 + j)) in Q63 for f = 0..7, j = -24..7 (see the banner). */
static const uint64_t CHAIN[LAMBDA_STEPS][CHAIN_LEN] = {
    {
        0x7fffff8000000000u, 0x7fffff0000008000u, 0x7ffffe000002ffffu,
        0x7ffffc00000dfffdu, 0x7ffff800003bfff9u, 0x7ffff00000f7ffeau,
        0x7fffe00003efff96u, 0x7fffc0000fdffd34u, 0x7fff80003fbfea88u,
        0x7fff0000ff7f5590u, 0x7ffe0003fefaad24u, 0x7ffc000ffdd56292u,
        0x7ff8003ffaaae9cdu, 0x7ff000ffed569e37u, 0x7fe003ff9ab3e67bu,
        0x7fc00ffd35ba6caeu, 0x7f803fea703e6c6du, 0x7f00ff552b86cfe1u,
        0x7e03faaeffb5169bu, 0x7c0fd5a83295071au, 0x783eafeb5a0f3e0cu,
        0x70f5a88ca6a30e19u, 0x63afbe6e3bfd10d7u, 0x4da2cbde55871f0du,
        0x2f16ac54ce63c8dbu, 0x1152aa926cbc5caau, 0x02582ab253caf248u,
        0x000afe10560f8e0du, 0x000000f1aad64a11u, 0x000000000001c846u,
        0x0000000000000000u, 0x0000000000000000u,
    },
    {
        0x7fffff746a3e1c15u, 0x7ffffee8d47cd061u, 0x7ffffdd1a8fc01a1u,
        0x7ffffba3520186c0u, 0x7ffff746a4291b7au, 0x7fffee8d48ea6edau,
        0x7fffdd1a9435bd24u, 0x7fffba3531eef6bfu, 0x7fff746a89ebd4fcu,
        0x7ffee8d5ac0ef4f1u, 0x7ffdd1adb8f87dd0u, 0x7ffba364f5468bccu,
        0x7ff746eff73d5e65u, 0x7fee8e781c0c3072u, 0x7fdd1f50c4e36c66u,
        0x7fba482271447ec2u, 0x7f74b63e2583e34au, 0x7eea040ea68e8eeeu,
        0x7dd663d3ad9a8eb5u, 0x7bb6220f88b92a21u, 0x77910c9ec000ee0cu,
        0x6fb057d5c5eb459cu, 0x6174cb488b6a51cbu, 0x4a336eaba9a217feu,
        0x2b038ca10c9e8aafu, 0x0e746295668832d8u, 0x01a1df63a925155cu,
        0x000554330b37a494u, 0x00000038cb5ff36cu, 0x0000000000001933u,
        0x0000000000000000u, 0x0000000000000000u,
    },
    {
        0x7fffff67c80fae72u, 0x7ffffecf902011e8u, 0x7ffffd9f2042f7e3u,
        0x7ffffb3e40914015u, 0x7ffff67c814fc165u, 0x7fffecf9035487b0u,
        0x7fffd9f2097d22c4u, 0x7fffb3e41e4a916bu, 0x7fff67c869d644f0u,
        0x7ffecf9188b0a6a6u, 0x7ffd9f25e56e635au, 0x7ffb3e571af636bdu,
        0x7ff67cdb757aefa2u, 0x7fecfa6be2762ff1u, 0x7fd9f7ab6d23627eu,
        0x7fb3faa3cd08c236u, 0x7f68226df7c7806au, 0x7ed0f90a33a5511eu,
        0x7da4bf775b5f02bau, 0x7b549a00deb658c5u, 0x76d4cfe48674d9d7u,
        0x6e51c11f4e8b8f97u, 0x5f14b8255dffb7f2u, 0x46a0c4b20c206e1cu,
        0x26f8a10fa8a4064eu, 0x0bdd82923378457du, 0x011991c686e406cbu,
        0x00026b62b1ad3eb4u, 0x0000000bb52cda90u, 0x0000000000000112u,
        0x0000000000000000u, 0x0000000000000000u,
    },
    {
        0x7fffff5a0129564fu, 0x7ffffeb4025383e2u, 0x7ffffd6804aa64d7u,
        0x7ffffad009623dfdu, 0x7ffff5a012fa4d37u, 0x7fffeb4026cbdf5au,
        0x7fffd68050f4d21fu, 0x7fffad00af5defbfu, 0x7fff5a01948cfc11u,
        0x7ffeb404005dded9u, 0x7ffd680b5dc6fbebu, 0x7ffad0242f980be7u,
        0x7ff5a07e2e414675u, 0x7feb41d3900e89b8u, 0x7fd68703a88c0aa7u,
        0x7fad1b77451b3109u, 0x7f5a6c9cf16d8318u, 0x7eb5af6887f269fbu,
        0x7d6eb338cfa5e352u, 0x7aea95c7fa25e315u, 0x7608db7187479e34u,
        0x6cd8553637d3d43eu, 0x5c8e7d6b4debfa31u, 0x42ed72e900fc095eu,
        0x22fe96fc370440e2u, 0x09913a95e84dad44u, 0x00b71103eb1dc670u,
        0x000105d2a97753b6u, 0x00000002178e75cfu, 0x0000000000000008u,
        0x0000000000000000u, 0x0000000000000000u,
    },
    {
        0x7fffff4afb0ccc06u, 0x7ffffe95f61a980cu, 0x7ffffd2bec393017u,
        0x7ffffa57d882602du, 0x7ffff4afb144c057u, 0x7fffe95f63898098u,
        0x7fffd2becb130080u, 0x7fffa57da625fb6eu, 0x7fff4afb8c4bc9f5u,
        0x7ffe95f818962b4bu, 0x7ffd2bf431210c01u, 0x7ffa57f861e7ad53u,
        0x7ff4b030c0fbb400u, 0x7fe961616b595e14u, 0x7fd2c6c221c618e2u,
        0x7fa59d7e9ca5aa4du, 0x7f4b7ad00b0dae8fu, 0x7e97f437379201a2u,
        0x7d33dd30b9a12b61u, 0x7a776106eb9d08b4u, 0x752c004be38dee0du,
        0x6b427faaf02c15c1u, 0x59e14ffdf1277ab4u, 0x3f1cdfd88e1c22e7u,
        0x1f1e72dca217dc34u, 0x0790c6e11d0206e0u, 0x007279814eaf7af6u,
        0x00006660e1ab23f7u, 0x0000000051e2b0fcu, 0x0000000000000000u,
        0x0000000000000000u, 0x0000000000000000u,
    },
    {
        0x7fffff3a98d5eeabu, 0x7ffffe7531ad0dc5u, 0x7ffffcea635edd49u,
        0x7ffff9d4c6d0c18fu, 0x7ffff3a98ded9f12u, 0x7fffe7531d0bade9u,
        0x7fffcea63ed91a71u, 0x7fff9d4c90b92bb3u, 0x7fff3a996d8e1554u,
        0x7ffe75340b8a37a0u, 0x7ffcea6cd8c54d30u, 0x7ff9d4ecb813632bu,
        0x7ff3aa2588747bbfu, 0x7fe7557b6374fd4bu, 0x7fceafb79bcd77ebu,
        0x7f9d726ee1624cb6u, 0x7f3b30bf258dd6e1u, 0x7e77901a514c8ec5u,
        0x7cf3d36263391fc2u, 0x79fa3a0496e6152du, 0x743cfedb69849bb6u,
        0x698eaafe9863896du, 0x570caf8dfb53a97du, 0x3b333fe6dd0bb2ccu,
        0x1b61536ddfa5d021u, 0x05db59330341c778u, 0x00449adb74f94d88u,
        0x000024c54485d29cu, 0x000000000a902690u, 0x0000000000000000u,
        0x0000000000000000u, 0x0000000000000000u,
    },
    {
        0x7fffff28bb033529u, 0x7ffffe517607d45bu, 0x7ffffca2ec1550ddu,
        0x7ffff945d8414257u, 0x7ffff28bb0dd0723u, 0x7fffe51763241808u,
        0x7fffca2ecbf05682u, 0x7fff945dae81420du, 0x7fff28bbb784b230u,
        0x7ffe5178d910ec4bu, 0x7ffca2f75a3674e0u, 0x7ff94605547340b0u,
        0x7ff28c65269f195bu, 0x7fe51a34311b5453u, 0x7fca3a0f598f3a59u,
        0x7f948ab5d080ced9u, 0x7f296fa22482d02bu, 0x7e5446efa5aefd9au,
        0x7cae23251009d6d8u, 0x797250ff657cfa83u, 0x733a873b560e4cb0u,
        0x67bb45c1bb46f3c9u, 0x54107641c17966c8u, 0x37359d544ba113bfu,
        0x17d029a97c2e0f67u, 0x046e21805d039732u, 0x002740d9a334c84fu,
        0x00000c09a57a896bu, 0x000000000121cfc1u, 0x0000000000000000u,
        0x0000000000000000u, 0x0000000000000000u,
    },
    {
        0x7fffff153f391823u, 0x7ffffe2a7e73decfu, 0x7ffffc54fcee77c5u,
        0x7ffff8a9f9f7d829u, 0x7ffff153f45b52cau, 0x7fffe2a7ea652f5fu,
        0x7fffc54fdb848525u, 0x7fff8a9fd1f19dbeu, 0x7fff15400f8557f3u,
        0x7ffe2a81cd9196f7u, 0x7ffc550a553273eau, 0x7ff8aa2f923f4ea9u,
        0x7ff154cac0d2c38eu, 0x7fe2ab43da4bb3f4u, 0x7fc55d4051f083a5u,
        0x7f8ad55cf08514f4u, 0x7f1615f9e156487fu, 0x7e2dd76b6cd29345u,
        0x7c625086605251bbu, 0x78dec787db0b81e0u, 0x722339dc10fe60b7u,
        0x65c6c8c1bcc5e0dfu, 0x50ece9881026de36u, 0x3329da68e3fe1086u,
        0x147367baf58e227au, 0x0344787724bd9a70u, 0x00155a4605afc07bu,
        0x0000038fdea47bf8u, 0x0000000000196024u, 0x0000000000000000u,
        0x0000000000000000u, 0x0000000000000000u,
    },
};

/* floor(a * b / 2^63): the one rounding rule of the model. Exact on every
 * platform; the 32-bit-limb fallback gives the same integers as __int128. */
static uint64_t mulq(uint64_t a, uint64_t b)
{
#if defined(__SIZEOF_INT128__)
    return (uint64_t)(((unsigned __int128)a * b) >> 63);
#else
    uint64_t al = a & 0xffffffffu, ah = a >> 32, bl = b & 0xffffffffu, bh = b >> 32;
    uint64_t ll = al * bl, lh = al * bh, hl = ah * bl, hh = ah * bh;
    uint64_t mid = (ll >> 32) + (lh & 0xffffffffu) + (hl & 0xffffffffu);
    uint64_t hi = hh + (lh >> 32) + (hl >> 32) + (mid >> 32), lo = (mid << 32) | (ll & 0xffffffffu);
    return (hi << 1) | (lo >> 63);
#endif
}

uint64_t unika_compact_chain(unsigned f, unsigned i) { return CHAIN[f][i]; }
uint64_t unika_compact_mulq(uint64_t a, uint64_t b) { return mulq(a, b); }

/* exp(-lambda_b 2^-k): rank k is absent from a register with this probability. */
static uint64_t absent(unsigned b, int k)
{
    int j = (int)(b / LAMBDA_STEPS) + LAMBDA_E0 - k;
    if (j < CHAIN_J0) return Q63_ONE;  /* below 2^-24 * lambda: never seen, to 2^-24 */
    if (j >= CHAIN_J0 + CHAIN_LEN) return 0;
    return CHAIN[b % LAMBDA_STEPS][j - CHAIN_J0];
}

/* The law of one register at precision p and lambda byte b: E[k] = P(rank k
 * absent), A[k] = P(u <= k) = E[k+1] ... E[top]. The top rank 65 - p takes
 * every hash whose bits above the index are all zero, so it is as likely as
 * rank 64 - p (docs/sketch.md §3). */
typedef struct model {
    unsigned top;
    uint64_t E[66], A[66];
} model;

static void model_init(model *m, unsigned p, unsigned b)
{
    unsigned top = m->top = 65 - p;
    m->E[0] = Q63_ONE; /* rank 0 does not exist: never present */
    for (unsigned k = 1; k < top; k++) m->E[k] = absent(b, (int)k);
    m->E[top] = m->E[top - 1];
    m->A[top] = Q63_ONE;
    for (unsigned k = top; k >= 1; k--) m->A[k - 1] = mulq(m->A[k], m->E[k]);
}

/* P(u = k): telescoping, so the probabilities of u sum to exactly 1. */
static uint64_t p_rank(const model *m, unsigned k)
{
    return k == 0 ? m->A[0] : m->A[k] - m->A[k - 1];
}

/* E[2^-u] in Q63: what the statistic Z of unika_compact_lambda is expected
 * to be per register. Decreasing in b (tests check it for every p). */
static uint64_t expected_z(unsigned p, unsigned b)
{
    model m;
    model_init(&m, p, b);
    uint64_t t = 0;
    for (unsigned k = 0; k <= m.top; k++) t += p_rank(&m, k) >> k;
    return t;
}

/* One valid symbol's frequency: 1 (every valid byte stays codable) plus its
 * share of what the floors leave. Sums to at most M by construction. */
static uint32_t share(uint64_t prob, uint32_t budget)
{
    return 1u + (uint32_t)(((prob >> 32) * budget) >> 31);
}

/* freq[r] for the 256 byte values: 0 for impossible register bytes (they
 * cannot be coded, so the decoder cannot produce them), the rest summing to
 * exactly M; the rounding remainder goes to the most frequent byte (the
 * lowest on ties). */
static void model_freqs(uint32_t freq[256], const model *m)
{
    unsigned top = m->top;
    uint32_t budget = M_TOTAL - (4 + 4 * (top - 2)); /* minus one per valid byte */
    memset(freq, 0, 256 * sizeof *freq);
    freq[0] = share(p_rank(m, 0), budget);
    freq[4] = share(p_rank(m, 1), budget);
    uint64_t pu = p_rank(m, 2), g1 = m->E[1];
    freq[8] = share(mulq(pu, g1), budget);
    freq[10] = share(mulq(pu, Q63_ONE - g1), budget);
    for (unsigned k = 3; k <= top; k++) {
        pu = p_rank(m, k);
        g1 = m->E[k - 1];
        uint64_t g2 = m->E[k - 2], h0 = mulq(pu, g1), h1 = mulq(pu, Q63_ONE - g1);
        freq[4 * k + 0] = share(mulq(h0, g2), budget);
        freq[4 * k + 1] = share(mulq(h0, Q63_ONE - g2), budget);
        freq[4 * k + 2] = share(mulq(h1, g2), budget);
        freq[4 * k + 3] = share(mulq(h1, Q63_ONE - g2), budget);
    }
    uint32_t sum = 0, best = 0;
    for (unsigned r = 0; r < 256; r++) {
        sum += freq[r];
        if (freq[r] > freq[best]) best = r;
    }
    freq[best] += M_TOTAL - sum;
}

void unika_compact_freqs(uint32_t freq[256], unsigned p, unsigned b)
{
    model m;
    model_init(&m, p, b);
    model_freqs(freq, &m);
}

uint64_t unika_compact_expected_z(unsigned p, unsigned b) { return expected_z(p, b); }

/* ---- the lambda byte ------------------------------------------------------- */

static uint64_t weight(uint8_t r) { return ((uint64_t)1 << Z_SHIFT) >> (r >> 2); }

uint64_t unika_compact_z(const uint8_t *regs, unsigned p)
{
    uint64_t z = 0;
    for (size_t i = 0; i < (size_t)1 << p; i++) z += weight(regs[i]);
    return z;
}

/* Z's expectation at b, in Z's units (2^-45 per register, 2^p registers). */
static uint64_t z_at(unsigned p, unsigned b)
{
    return (expected_z(p, b) >> (63 - Z_SHIFT)) << p;
}

/* The lambda byte of registers with statistic Z = sum of 2^(45 - u) (the
 * HyperLogLog harmonic sum): the b whose expected Z is nearest, found by the
 * binary search of docs/format.md §7.1. A moment estimate rather than the
 * byte that codes shortest, because a reader must be able to check it
 * cheaply: the files it accepts are exactly those a writer makes. */
unsigned unika_compact_lambda(uint64_t z, unsigned p)
{
    unsigned lo = 0, hi = 256;
    while (lo < hi) { /* the smallest b with z_at(b) <= z */
        unsigned mid = (lo + hi) / 2;
        if (z_at(p, mid) <= z) hi = mid;
        else lo = mid + 1;
    }
    if (lo == 256) return 255;
    if (lo > 0 && z_at(p, lo - 1) - z < z - z_at(p, lo)) return lo - 1;
    return lo;
}

/* 1 when unika_compact_lambda(z, p) == b, from at most three expectations
 * instead of the search's nine: z_at is strictly decreasing in b (tests
 * check every p), so the search's answer is characterised by b's
 * neighbours. The reader runs this on every compact file. */
static int lambda_is(unsigned b, uint64_t z, unsigned p)
{
    uint64_t tb = z_at(p, b);
    if (tb <= z) { /* the search stops at b or below; b is the answer if b - 1 is not nearer */
        if (b == 0) return 1;
        uint64_t tl = z_at(p, b - 1);
        return tl > z && !(tl - z < z - tb);
    }
    if (b == 255) return 1; /* no b has z_at(b) <= z: the search gives 255 */
    uint64_t th = z_at(p, b + 1);
    return th <= z && tb - z < z - th; /* it stops at b + 1, and b is nearer */
}

/* ---- rANS ---------------------------------------------------------------- */

size_t unika_compact_bound(unsigned p)
{
    /* a symbol of frequency 1 costs 15 bits: at most 2 bytes each */
    return PAYLOAD_HEAD + 2 * ((size_t)1 << p);
}

static void cumulate(uint32_t cum[257], const uint32_t freq[256])
{
    cum[0] = 0;
    for (unsigned r = 0; r < 256; r++) cum[r + 1] = cum[r] + freq[r];
}

/* One symbol into state *x, bytes written backwards at *out (ryg_rans order). */
static void put(uint32_t *x, uint8_t **out, uint32_t freq, uint32_t start)
{
    uint32_t v = *x, x_max = ((RANS_L >> SCALE_BITS) << 8) * freq;
    while (v >= x_max) {
        *--*out = (uint8_t)(v & 0xff);
        v >>= 8;
    }
    *x = ((v / freq) << SCALE_BITS) + (v % freq) + start;
}

size_t unika_compact_encode(uint8_t *dst, size_t cap, const uint8_t *regs, unsigned p)
{
    return unika_compact_encode_lambda(dst, cap, regs, p,
                                       unika_compact_lambda(unika_compact_z(regs, p), p));
}

size_t unika_compact_encode_lambda(uint8_t *dst, size_t cap, const uint8_t *regs, unsigned p,
                                   unsigned b)
{
    size_t m = (size_t)1 << p;
    if (cap < unika_compact_bound(p) || b > 255) return 0;
    uint32_t freq[256], cum[257];
    unika_compact_freqs(freq, p, b);
    cumulate(cum, freq);
    /* Four interleaved states (register i uses state i mod 4) so that the
     * decoder's dependency chains (two table loads and a multiply per
     * register) overlap; encoded last to first. */
    uint32_t x[STATES];
    for (int k = 0; k < STATES; k++) x[k] = RANS_L;
    uint8_t *out = dst + cap;
    for (size_t i = m; i-- > 0;) put(&x[i % STATES], &out, freq[regs[i]], cum[regs[i]]);
    for (int k = STATES; k-- > 0;) {
        out -= 4;
        unika_store32_le(out, x[k]);
    }
    *--out = (uint8_t)b;
    size_t n = (size_t)(dst + cap - out);
    memmove(dst, out, n);
    return n;
}

/* ---- decoding ---------------------------------------------------------------- */

#define REJECT(code, field, offset, ...) \
    return unika_fail_at(err, (code), (field), (uint64_t)(offset) + 1, __VA_ARGS__)

/* slot -> symbol, and each symbol's (frequency, start) packed in one word. */
typedef struct decoder {
    uint32_t fs[256];
    uint64_t w[256];   /* weight(r): a load is cheaper than a variable shift */
    uint8_t sym[M_TOTAL];
} decoder;

static void decoder_init(decoder *d, unsigned p, unsigned b)
{
    uint32_t freq[256], cum[257];
    unika_compact_freqs(freq, p, b);
    cumulate(cum, freq);
    for (unsigned r = 0; r < 256; r++) {
        d->fs[r] = freq[r] << 16 | cum[r];
        d->w[r] = weight((uint8_t)r);
        memset(d->sym + cum[r], (int)r, freq[r]);
    }
}

/* One decoding step of state *x: the symbol, and the state before renormalising. */
static inline uint8_t take(uint32_t *x, const decoder *d)
{
    uint32_t slot = *x & (M_TOTAL - 1);
    uint8_t s = d->sym[slot];
    uint32_t fs = d->fs[s];
    *x = (fs >> 16) * (*x >> SCALE_BITS) + slot - (fs & 0xffff);
    return s;
}

/* Renormalising with 2 bytes known to be there: without branches, because
 * whether a byte is read is a coin flip at 4 bits per register and a
 * mispredicted branch per register doubled the decoding time. A state is
 * at least 2^8 after a step (x >> 15 >= 2^8), so two bytes always suffice. */
static inline uint32_t refill_fast(uint32_t x, const uint8_t **in)
{
    const uint8_t *p = *in;
    unsigned n = (unsigned)(x < RANS_L) + (unsigned)(x < (RANS_L >> 8)); /* bytes to read */
    uint32_t w = (uint32_t)p[0] << 8 | p[1];                             /* the next two */
    *in = p + n;
    return (x << (8 * n)) | (w >> (16 - 8 * n));
}

/* The same near the end of the stream, checking each byte: -1 when it runs out. */
static int refill_checked(uint32_t *x, const uint8_t **in, const uint8_t *end)
{
    while (*x < RANS_L) {
        if (*in == end) return -1;
        *x = (*x << 8) | *(*in)++;
    }
    return 0;
}

/* The 2^p registers from the rANS stream at in[0..end): 0, or -1 when the
 * stream runs out (the caller reports where). Z accumulates on the way. */
static int decode_stream(uint8_t *regs, size_t m, uint32_t x[STATES], const decoder *d,
                         const uint8_t **at, const uint8_t *end, uint64_t *z_out)
{
    const uint8_t *in = *at;
    uint32_t x0 = x[0], x1 = x[1], x2 = x[2], x3 = x[3];
    uint64_t z = 0;
    size_t i = 0;
    /* Each register finished at once (decode, refill, store, weigh): short
     * live ranges keep the four states in machine registers. */
#define STEP(xs, k)                         \
    do {                                    \
        uint8_t s_ = take(&xs, d);          \
        xs = refill_fast(xs, &in);          \
        regs[i + (k)] = s_;                 \
        z += d->w[s_];                      \
    } while (0)
    for (; i < m && end - in >= 2 * STATES; i += STATES) { /* at most 2 bytes a state */
        STEP(x0, 0);
        STEP(x1, 1);
        STEP(x2, 2);
        STEP(x3, 3);
    }
#undef STEP
    x[0] = x0, x[1] = x1, x[2] = x2, x[3] = x3;
    for (; i < m; i++) {
        uint32_t *xs = &x[i % STATES];
        regs[i] = take(xs, d);
        if (refill_checked(xs, &in, end) < 0) return -1;
        z += weight(regs[i]);
    }
    *at = in;
    *z_out = z;
    return 0;
}

int unika_compact_decode(uint8_t *regs, unsigned p, const uint8_t *src, size_t n, size_t base,
                         unika_error *err)
{
    size_t m = (size_t)1 << p;
    if (n < PAYLOAD_HEAD)
        REJECT(UNIKA_EFORMAT, "payload", base + n, "compact payload: %zu bytes, at least %d "
               "needed (lambda byte and %d rANS states)", n, PAYLOAD_HEAD, STATES);
    if (n >= m)
        REJECT(UNIKA_EFORMAT, "payload", base, "compact payload of %zu bytes is not shorter "
               "than the %zu plain register bytes (a writer uses encoding 1 then)", n, m);
    unsigned b = src[0];
    uint32_t x[STATES];
    for (int k = 0; k < STATES; k++) {
        x[k] = unika_load32_le(src + 1 + 4 * (size_t)k);
        if (x[k] < RANS_L || x[k] >= RANS_L << 8)
            REJECT(UNIKA_EFORMAT, "payload.state", base + 1 + 4 * (size_t)k,
                   "compact payload: rANS state %d is %08x, expected 00800000..7fffffff", k,
                   (unsigned)x[k]);
    }
    decoder *d = unika_malloc(sizeof *d);
    if (!d) return unika_fail(err, UNIKA_ENOMEM, "out of memory while decoding a sketch");
    decoder_init(d, p, b);
    const uint8_t *in = src + PAYLOAD_HEAD, *end = src + n;
    uint64_t z = 0;
    int ran_out = decode_stream(regs, m, x, d, &in, end, &z);
    unika_free(d);
    if (ran_out)
        REJECT(UNIKA_EFORMAT, "payload", base + n, "compact payload: the rANS stream ends "
               "before all %zu registers are decoded", m);
    for (int k = 0; k < STATES; k++) {
        if (x[k] != RANS_L)
            REJECT(UNIKA_EFORMAT, "payload.state", base + n, "compact payload: rANS state %d "
                   "ends at %08x, expected 00800000 (corrupt stream)", k, (unsigned)x[k]);
    }
    if (in != end)
        REJECT(UNIKA_EFORMAT, "payload", base + (size_t)(in - src),
               "compact payload: %zu bytes left after the last register", (size_t)(end - in));
    if (z == (uint64_t)m << Z_SHIFT) /* an empty sketch is sparse */
        REJECT(UNIKA_EFORMAT, "register", base, "a dense sketch with every register empty "
               "is not canonical");
    if (!lambda_is(b, z, p))
        REJECT(UNIKA_EFORMAT, "payload.lambda", base, "compact payload: lambda byte %u, the "
               "registers give %u (not canonical)", b, unika_compact_lambda(z, p));
    return UNIKA_OK;
}
