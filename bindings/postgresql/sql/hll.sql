-- hll: export to postgresql-hll's type, read back by hll's own functions.
CREATE TABLE people AS SELECT i, sha256(int8send(i)) AS p FROM generate_series(1, 100000) i;
CREATE TABLE sk AS
SELECT unika_sketch_agg(p, 'loose') AS s100k,
       unika_sketch_agg(p, 'loose') FILTER (WHERE i <= 500) AS s500,
       unika_sketch_agg(p, 'loose', 14) AS s100k_p14,
       unika_sketch_agg(p, 'loose') FILTER (WHERE i > 50000) AS upper_half
FROM people;
-- Byte for byte what hll builds from the same 64-bit hashes (unika_hash):
-- FULL registers straight away (expthresh 0, sparseon 0), at p = 12 and 14.
-- (hll prints its values as \x and the hex of their bytes.)
CREATE FUNCTION hex(b bytea) RETURNS text LANGUAGE sql AS $$ SELECT '\x' || encode(b, 'hex') $$;
SELECT hex(unika_to_hll(s100k, 5, 0, 0))
     = (SELECT hll_add_agg(unika_hash(p)::hll_hashval, 12, 5, 0, 0)::text FROM people)
       AS same_as_hll_p12,
       hex(unika_to_hll(s100k_p14, 6, 0, 0))
     = (SELECT hll_add_agg(unika_hash(p)::hll_hashval, 14, 6, 0, 0)::text FROM people)
       AS same_as_hll_p14_regwidth6,
       hex(unika_to_hll(s500, 5, 0, 0))
     = (SELECT hll_add_agg(unika_hash(p)::hll_hashval, 12, 5, 0, 0)::text FROM people
        WHERE i <= 500) AS same_as_hll_small,
       hex(unika_to_hll(s500, 5, 0, 0)) = unika_to_hll(s500, 5, 0, 0)::hll::text AS hll_keeps_bytes
FROM sk;
-- The header bytes: schema 1 FULL, regwidth 5 and log2m 12, sparse on and
-- expthresh auto (hll's defaults).
SELECT substr(unika_to_hll(s100k), 1, 3) AS header, length(unika_to_hll(s100k)) AS bytes,
       split_part(hll_print(unika_to_hll(s100k)::hll)::text, ':', 1) AS hll_print
FROM sk;
-- hll_cardinality of the export against the truth and against unika's own
-- estimate. Stated loss (docs/postgresql.md): hll's estimator on 2^p 5-bit
-- registers has RSE 1.04/sqrt(2^p) = 1.63% at p = 12, unika's 1.19%; in
-- unika's exact range hll's linear counting adds about 1% at n = 500.
SELECT round(hll_cardinality(unika_to_hll(s100k)::hll)) AS hll_100k,
       round(unika_estimate(s100k)) AS unika_100k,
       abs(hll_cardinality(unika_to_hll(s100k)::hll) / 100000 - 1) < 3 * 1.04 / 64 AS within_3_rse,
       round(hll_cardinality(unika_to_hll(s500)::hll)) AS hll_500,
       round(unika_estimate(s500)::numeric, 3) AS unika_500,
       abs(hll_cardinality(unika_to_hll(s500)::hll) / 500 - 1) < 0.05 AS within_5_percent,
       round(hll_cardinality(unika_to_hll(s100k_p14)::hll)) AS hll_100k_p14,
       round(unika_estimate(s100k_p14)) AS unika_100k_p14
FROM sk;
-- A union inside hll: unika's export with hll's own set of the same people
-- hashed by unika_hash is the export of the union (no double counting).
SELECT hll_union(unika_to_hll(upper_half)::hll,
                 (SELECT hll_add_agg(unika_hash(p)::hll_hashval, 12, 5, -1, 1) FROM people
                  WHERE i <= 60000))::text
     = hll_union(unika_to_hll(s100k)::hll, hll_empty(12, 5, -1, 1))::text AS union_in_hll,
       round(hll_cardinality(hll_union(unika_to_hll(upper_half)::hll,
                 (SELECT hll_add_agg(unika_hash(p)::hll_hashval, 12, 5, -1, 1) FROM people
                  WHERE i <= 60000)))) AS union_cardinality
FROM sk;
-- An empty sketch is hll's EMPTY.
SELECT unika_to_hll(s) AS empty, hll_cardinality(unika_to_hll(s)::hll)
FROM (SELECT bytes::unika_sketch AS s FROM golden WHERE name = 'sparse_p12_empty.uks') e;
-- Parameters hll refuses are refused here.
SELECT unika_to_hll(s500, 9) FROM sk;
SELECT unika_to_hll(s500, 5, 3) FROM sk;
SELECT unika_to_hll(s500, 5, -1, 2) FROM sk;
