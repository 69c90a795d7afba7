-- aggregates: unions as `unika merge` makes them, building from
-- pseudonyms, refusals, NULLs, grouping with hash and sort plans.
\getenv fixtures UNIKA_PG_FIXTURES
-- unika_merge_agg gives the bytes `unika merge` writes for the same
-- (unsigned) inputs: labels in common, provenance of every input.
SELECT unika_merge_agg(s)::bytea
       = pg_read_binary_file(:'fixtures' || '/merged_2018H1.uks') AS same_as_merge_2018H1
FROM cells WHERE file LIKE '%\_loose\_2018H1\_%';
SELECT unika_merge_agg(s)::bytea
       = pg_read_binary_file(:'fixtures' || '/merged_uppsok.uks') AS same_as_merge_uppsok
FROM cells WHERE file LIKE 'uppsok\_loose\_%';
-- In any order: the union is a set union.
SELECT (SELECT unika_merge_agg(s ORDER BY file DESC)::bytea FROM cells
        WHERE file LIKE 'uppsok\_loose\_%')
     = (SELECT unika_merge_agg(s ORDER BY md5(file))::bytea FROM cells
        WHERE file LIKE 'uppsok\_loose\_%') AS order_free;
-- unika_union_agg: the same people and labels, no new provenance.
SELECT unika_estimate(u) = unika_estimate(m) AS same_estimate,
       unika_labels(u) = unika_labels(m) AS same_labels,
       length(u::bytea) < length(m::bytea) AS no_provenance, unika_labels(u)
FROM (SELECT unika_union_agg(s) AS u, unika_merge_agg(s) AS m FROM cells
      WHERE file LIKE '%\_loose\_2018H1\_%') x;
-- GROUP BY, sorted and hashed, give the same sketches.
SET enable_hashagg = off;
CREATE TABLE by_sort AS SELECT unika_label(s, 'period') AS period, unika_label(s, 'recipe') AS recipe,
       unika_union_agg(s) AS s FROM cells GROUP BY 1, 2;
RESET enable_hashagg;
SET enable_sort = off;
EXPLAIN (COSTS OFF) SELECT unika_label(s, 'period'), unika_label(s, 'recipe'), unika_union_agg(s)
FROM cells GROUP BY 1, 2;
CREATE TABLE by_hash AS SELECT unika_label(s, 'period') AS period, unika_label(s, 'recipe') AS recipe,
       unika_union_agg(s) AS s FROM cells GROUP BY 1, 2;
RESET enable_sort;
SELECT count(*), count(*) FILTER (WHERE a.s::bytea = b.s::bytea) AS identical
FROM by_sort a JOIN by_hash b USING (period, recipe);
-- NULL inputs are skipped; no input at all gives NULL.
SELECT unika_union_agg(s) IS NULL AS no_rows FROM cells WHERE false;
SELECT unika_union_agg(NULL::unika_sketch) IS NULL AS only_nulls;
SELECT (SELECT unika_union_agg(CASE WHEN file LIKE '%F.uks' THEN NULL ELSE s END)::bytea
        FROM cells WHERE file LIKE 'uppsok\_loose\_2018%')
     = (SELECT unika_union_agg(s)::bytea FROM cells
        WHERE file LIKE 'uppsok\_loose\_2018%' AND file NOT LIKE '%F.uks') AS nulls_skipped;
-- Mixing recipes inside an aggregate (UK072).
SELECT unika_union_agg(s) FROM cells WHERE file LIKE 'uppsok\_%\_2018H1\_gender-M.uks';
-- Building from pseudonyms (32-byte bytea) under the server's key.
CREATE TABLE ids AS SELECT i, sha256(int4send(i)) AS p FROM generate_series(1, 5000) i;
SELECT round(unika_estimate(unika_sketch_agg(p, 'loose'))::numeric, 3) AS n5000,
       unika_is_exact(unika_sketch_agg(p, 'loose')) AS exact,
       unika_precision(unika_sketch_agg(p, 'loose', 14)) AS p14,
       round(unika_estimate(unika_sketch_agg(p, 'loose', 14))::numeric, 3) AS n5000_p14,
       unika_key_fingerprint(unika_sketch_agg(p, 'loose')) = unika_key_fingerprint() AS our_key
FROM ids;
SELECT round(unika_estimate(unika_sketch_agg(p, 'loose'))::numeric, 6) AS n1000 FROM ids WHERE i <= 1000;
SELECT unika_sketch_agg(p, 'strict')::bytea = unika_sketch_agg(p, 'strict')::bytea AS deterministic,
       unika_sketch_agg(p, 'strict')::bytea <> unika_sketch_agg(p, 'loose')::bytea AS recipe_counts
FROM ids;
-- Duplicates count once.
SELECT round(unika_estimate(unika_sketch_agg(p, 'loose'))::numeric, 3) AS twice
FROM (SELECT p FROM ids UNION ALL SELECT p FROM ids) d;
-- NULL pseudonyms and NULL recipes are skipped.
SELECT round(unika_estimate(unika_sketch_agg(CASE WHEN i % 2 = 0 THEN p END,
                                       CASE WHEN i % 3 = 0 THEN NULL ELSE 'loose' END))::numeric, 6)
         AS n200
FROM ids WHERE i <= 600;
SELECT unika_sketch_agg(p, 'loose') IS NULL AS no_rows FROM ids WHERE false;
-- Refusals: a pseudonym of the wrong length, an unknown recipe, a recipe or
-- a precision that changes inside one aggregate, a precision out of range.
SELECT unika_sketch_agg(substr(p, 1, 31), 'loose') FROM ids;
SELECT unika_sketch_agg(p, 'nonsense') FROM ids;
SELECT unika_sketch_agg(p, CASE WHEN i < 10 THEN 'loose' ELSE 'strict' END) FROM ids;
SELECT unika_sketch_agg(p, 'loose', CASE WHEN i < 10 THEN 12 ELSE 14 END) FROM ids;
SELECT unika_sketch_agg(p, 'loose', 3) FROM ids;
SELECT unika_sketch_agg(p, 'loose', 19) FROM ids;
-- Mixing keys is refused by name (UK071): a sketch made under another key.
\set other :fixtures '/other.key'
SET unika.key_file = :'other';
CREATE TABLE other_key AS SELECT unika_sketch_agg(p, 'loose') AS s FROM ids;
RESET unika.key_file;
SELECT unika_key_fingerprint(s) <> unika_key_fingerprint() AS other FROM other_key;
SELECT unika_union_agg(s) FROM (SELECT s FROM other_key UNION ALL
                                SELECT unika_sketch_agg(p, 'loose') FROM ids) x;
SELECT sqlstate_of($$SELECT unika_union_agg(s) FROM (SELECT s FROM other_key UNION ALL
                    SELECT unika_sketch_agg(p, 'loose') FROM ids) x$$) AS key_mismatch;
SELECT unika_difference(o.s, m.s) FROM other_key o,
       (SELECT unika_sketch_agg(p, 'loose') AS s FROM ids) m;
-- A version 2 file commits to its provenance (count and Merkle root) instead
-- of listing it, so unika_merge_agg of 4,097 distinct sketches (past version
-- 1's bound of 4,096 records) is one small file; unika_union_agg records none.
CREATE TABLE many AS SELECT unika_sketch_agg(sha256(int4send(i)), 'loose') AS s
FROM generate_series(1, 4097) i GROUP BY i;
SELECT get_byte(m, 8) AS format_version, length(m) < 4096 + 200 AS small
FROM (SELECT unika_merge_agg(s)::bytea AS m FROM many) x;
SELECT round(unika_estimate(unika_union_agg(s))) AS union_of_4097 FROM many;
-- Aggregates used as window functions (FINALFUNC_MODIFY = READ_ONLY).
SELECT i, round(unika_estimate(unika_sketch_agg(p, 'loose') OVER (ORDER BY i))::numeric, 6) AS running
FROM ids WHERE i <= 5 ORDER BY i;
