/*
 * hll.c - export to the `hll` type of postgresql-hll, following the
 * published storage specification (aggregateknowledge hll-storage-spec,
 * schema version 1):
 *
 *   byte 0  version 1 (top nibble), type (bottom): 1 EMPTY, 4 FULL
 *   byte 1  (regwidth - 1) << 5 | log2m            log2m = the sketch's p
 *   byte 2  sparseon << 6 | explicit cutoff       (63 = "auto", expthresh -1)
 *   FULL    2^p registers of regwidth bits, big-endian bit packing from the
 *           top of the first data byte, zero padding at the bottom of the last
 *
 * The registers are the classic HyperLogLog ones, in hll's own mapping
 * (index = low p bits of the hash, value = trailing zeros of the rest + 1),
 * which unika_sketch_hll_registers computes from a sparse or a dense sketch.
 * What is lost: UltraLogLog's two extra bits per register and the exact
 * token list of a small sketch, and a value above 2^regwidth - 1 is capped
 * (docs/postgresql.md measures the accuracy). Unions with hll values made
 * by hll_add_agg(unika_hash(pseudonym)::hll_hashval, p, regwidth, ...) are
 * exact unions: both sides then hash people the same way.
 */
#include "unika_pg.h"

PG_FUNCTION_INFO_V1(unika_to_hll_fn);

#define HLL_SCHEMA_VERSION 1
#define HLL_EMPTY 1
#define HLL_FULL 4

/* The cutoff byte's 6-bit explicit cutoff for hll's expthresh parameter. */
static int cutoff_of(int64 expthresh)
{
    if (expthresh == -1) return 63;
    if (expthresh == 0) return 0;
    for (int k = 0; k <= 30; k++)
        if (expthresh == ((int64)1 << k)) return k + 1;
    ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                    errmsg("unika_to_hll: expthresh must be -1, 0 or a power of two up to 2^30")));
    return 0;
}

/* (sketch, regwidth, expthresh, sparseon) -> the hll value's bytes */
Datum unika_to_hll_fn(PG_FUNCTION_ARGS)
{
    unika_sketch *s = upg_parse(PG_DETOAST_DATUM_PACKED(PG_GETARG_DATUM(0)));
    int regwidth = PG_GETARG_INT32(1);
    int cutoff = cutoff_of(PG_GETARG_INT64(2));
    int sparseon = PG_GETARG_INT32(3);
    unsigned p = unika_sketch_precision(s);
    size_t m = (size_t)1 << p, data = 0;
    unsigned cap;
    uint8_t *regs, *out;
    bytea *b;
    unika_estimate e;
    int rc;

    if (regwidth < 1 || regwidth > 8)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("unika_to_hll: regwidth must be 1..8")));
    if (sparseon != 0 && sparseon != 1)
        ereport(ERROR, (errcode(ERRCODE_INVALID_PARAMETER_VALUE),
                        errmsg("unika_to_hll: sparseon must be 0 or 1")));
    rc = unika_sketch_estimate(&e, s, UNIKA_ESTIMATOR_ML, NULL);
    if (rc == 0 && !(e.exact && e.estimate < 0.5)) data = (m * (size_t)regwidth + 7) / 8;
    b = palloc0(VARHDRSZ + 3 + data);
    SET_VARSIZE(b, VARHDRSZ + 3 + data);
    out = (uint8_t *)VARDATA(b);
    out[0] = (uint8_t)(HLL_SCHEMA_VERSION << 4 | (data ? HLL_FULL : HLL_EMPTY));
    out[1] = (uint8_t)((regwidth - 1) << 5 | (int)p);
    out[2] = (uint8_t)(sparseon << 6 | cutoff);
    if (!data) {
        unika_sketch_free(s);
        PG_RETURN_BYTEA_P(b);
    }
    regs = palloc(m);
    rc = unika_sketch_hll_registers(regs, m, s, NULL);
    unika_sketch_free(s);
    if (rc < 0) upg_raise(rc, NULL, "unika_to_hll");
    cap = (1u << regwidth) - 1;
    for (size_t i = 0; i < m; i++) {
        unsigned v = regs[i] > cap ? cap : regs[i];
        size_t bit = i * (size_t)regwidth; /* first bit of register i, from the top */
        for (int k = regwidth - 1; k >= 0; k--, bit++)
            if (v >> k & 1) out[3 + bit / 8] |= (uint8_t)(0x80 >> (bit % 8));
    }
    pfree(regs);
    PG_RETURN_BYTEA_P(b);
}
