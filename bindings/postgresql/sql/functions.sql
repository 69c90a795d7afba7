-- functions: reading sketches in SQL, on the example partnership's cells.
\getenv fixtures UNIKA_PG_FIXTURES
-- A small cell: exact (sparse), interval of width ~0.
SELECT file, round(unika_estimate(s)::numeric, 4) AS estimate,
       round(unika_std_error(s)::numeric, 4) AS std_error,
       (unika_interval(s)).ci_low <= unika_estimate(s)
         AND unika_estimate(s) <= (unika_interval(s)).ci_high AS inside,
       unika_is_exact(s), unika_precision(s)
FROM cells WHERE file = 'uppsok_loose_2018H1_gender-M.uks';
-- The whole partnership, loose recipe: the union of every loose cell is
-- dense, estimated, and is the main job's figure (README: 2,927, 95%
-- interval 2,881-2,974).
CREATE TABLE whole AS
SELECT unika_union_agg(s) AS s FROM cells WHERE unika_label(s, 'recipe') = 'loose';
SELECT round(unika_estimate(s)) AS estimate, round(unika_std_error(s)::numeric, 1) AS std_error,
       round((unika_interval(s)).ci_low) AS ci_low, round((unika_interval(s)).ci_high) AS ci_high,
       unika_is_exact(s), unika_precision(s), unika_labels(s)
FROM whole;
-- Partners: intersection and difference, exact for small (sparse) sets and
-- estimated for large ones; |A| = |A and B| + |A not B| within the error.
CREATE TABLE partner AS
SELECT org, unika_union_agg(s) AS s FROM cells
WHERE unika_label(s, 'recipe') = 'loose' GROUP BY org;
SELECT a.org AS a, b.org AS b,
       round((unika_intersection(a.s, b.s)).estimate) AS both_,
       round((unika_difference(a.s, b.s)).estimate) AS a_only,
       (unika_intersection(a.s, b.s)).exact AS exact,
       abs((unika_intersection(a.s, b.s)).estimate + (unika_difference(a.s, b.s)).estimate
           - unika_estimate(a.s)) < 3 * unika_std_error(a.s) + 1 AS adds_up,
       (unika_intersection(a.s, b.s)).ci_low <= (unika_intersection(a.s, b.s)).estimate
         AND (unika_intersection(a.s, b.s)).estimate <= (unika_intersection(a.s, b.s)).ci_high
         AS inside
FROM partner a JOIN partner b ON a.org < b.org ORDER BY 1, 2;
-- Two small exact cells: the intersection of a cell with itself is itself.
SELECT round((unika_intersection(s, s)).estimate::numeric, 4) = round(unika_estimate(s)::numeric, 4)
         AS self,
       (unika_difference(s, s)).estimate AS none, (unika_intersection(s, s)).exact
FROM cells WHERE file = 'uppsok_loose_2018H1_gender-M.uks';
-- unika_union of two is unika_union_agg of the two.
SELECT unika_union(a.s, b.s)::bytea = (SELECT unika_union_agg(s)::bytea FROM partner
                                       WHERE org IN ('uppsok', 'rodakorset')) AS same
FROM partner a, partner b WHERE a.org = 'uppsok' AND b.org = 'rodakorset';
-- Labels.
SELECT unika_labels(s), unika_label(s, 'org'), unika_label(s, 'nope') IS NULL AS absent
FROM cells WHERE file = 'rodakorset_strict_2019H1_gender-F.uks';
SELECT unika_labels(unika_set_label(unika_remove_label(s, 'gender'), 'note', 'år 2019'))
FROM cells WHERE file = 'rodakorset_strict_2019H1_gender-F.uks';
SELECT unika_labels(unika_remove_label(s, 'absent')) = unika_labels(s) AS unchanged
FROM cells WHERE file = 'rodakorset_strict_2019H1_gender-F.uks';
SELECT unika_set_label(s, 'Bad Key', 'x') FROM cells
WHERE file = 'rodakorset_strict_2019H1_gender-F.uks';
SELECT unika_set_label(s, 'note', E'line\nbreak') FROM cells
WHERE file = 'rodakorset_strict_2019H1_gender-F.uks';
-- Fingerprints: the server's key, and the recipes' own.
SELECT count(*) AS cells,
       count(*) FILTER (WHERE unika_key_fingerprint(s) = unika_key_fingerprint()) AS our_key,
       count(*) FILTER (WHERE unika_recipe_fingerprint(s)
                        = (unika_recipe_info(unika_label(s, 'recipe'))).fingerprint) AS recipe_fp
FROM cells;
SELECT * FROM unika_recipe_info('strict');
SELECT * FROM unika_recipe_info('name+birth_month+country');
SELECT * FROM unika_recipe_info('nonsense');
-- Gender codes as recipes and `ingest --by gender` use them.
SELECT unika_gender('kvinna') AS kvinna, unika_gender('POJKE') AS pojke, unika_gender('') AS empty,
       unika_gender('okänt') AS okaent, unika_gender('annat') AS annat, unika_gender(NULL) IS NULL AS null_;
SELECT unika_gender('alien');
-- Mixing recipes is refused by name (SQLSTATE UK072).
SELECT unika_union(a.s, b.s) FROM cells a, cells b
WHERE a.file = 'uppsok_loose_2018H1_gender-M.uks' AND b.file = 'uppsok_strict_2018H1_gender-M.uks';
SELECT unika_intersection(a.s, b.s) FROM cells a, cells b
WHERE a.file = 'uppsok_loose_2018H1_gender-M.uks' AND b.file = 'uppsok_strict_2018H1_gender-M.uks';
SELECT sqlstate_of($$SELECT unika_union(a.s, b.s) FROM cells a, cells b
    WHERE a.file = 'uppsok_loose_2018H1_gender-M.uks'
      AND b.file = 'uppsok_strict_2018H1_gender-M.uks'$$) AS recipe_mismatch;
-- NULLs: every function is strict.
SELECT unika_estimate(NULL) IS NULL, unika_labels(NULL) IS NULL,
       unika_union(NULL, NULL) IS NULL, unika_intersection(NULL, NULL) IS NULL;
