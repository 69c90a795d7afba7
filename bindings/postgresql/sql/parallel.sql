-- parallel: a parallel plan (forced with the planner's cost settings) gives
-- the serial plan's sketches byte for byte on 10^6 rows. Partial states go
-- from the workers to the leader through unika_agg_serialize and
-- unika_agg_deserialize (the sketch file format) and are merged by the
-- combine function: what a distributed planner does between nodes.
CREATE TABLE million AS
SELECT i % 100 AS g, sha256(int8send(i)) AS p FROM generate_series(1, 1000000) i;
ANALYZE million;
-- Workers launched by a statement (EXPLAIN ANALYZE, summed over nodes).
CREATE FUNCTION workers_launched(q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE plan json; n int := 0; line text;
BEGIN
    FOR line IN EXECUTE 'EXPLAIN (ANALYZE, COSTS OFF, TIMING OFF, SUMMARY OFF) ' || q LOOP
        IF line ~ 'Workers Launched: ' THEN
            n := n + substring(line FROM 'Workers Launched: (\d+)')::int;
        END IF;
    END LOOP;
    RETURN n;
END $$;
SET max_parallel_workers_per_gather = 0;
CREATE TABLE serial_all AS SELECT unika_sketch_agg(p, 'loose') AS s FROM million;
CREATE TABLE serial_groups AS SELECT g, unika_sketch_agg(p, 'loose', 10) AS s FROM million GROUP BY g;
CREATE TABLE serial_union AS SELECT unika_union_agg(s) AS s FROM serial_groups;
CREATE TABLE serial_merge AS SELECT unika_merge_agg(s) AS s FROM serial_groups;
SELECT round(unika_estimate(s)) AS serial_estimate, unika_is_exact(s) FROM serial_all;
SET parallel_setup_cost = 0;
SET parallel_tuple_cost = 0;
SET min_parallel_table_scan_size = 0;
SET max_parallel_workers_per_gather = 2;
SET parallel_leader_participation = off; -- every row goes through a worker's partial state
EXPLAIN (COSTS OFF) SELECT unika_sketch_agg(p, 'loose') FROM million;
EXPLAIN (COSTS OFF) SELECT g, unika_sketch_agg(p, 'loose', 10) FROM million GROUP BY g;
EXPLAIN (COSTS OFF) SELECT unika_union_agg(s) FROM serial_groups;
-- Each parallel result is made by CREATE TABLE AS under EXPLAIN ANALYZE,
-- which reports the workers that ran it.
SELECT workers_launched('CREATE TABLE par_all AS
    SELECT unika_sketch_agg(p, ''loose'') AS s FROM million') > 0 AS parallel;
SELECT p.s::bytea = s.s::bytea AS identical_all FROM par_all p, serial_all s;
SELECT workers_launched('CREATE TABLE par_groups AS
    SELECT g, unika_sketch_agg(p, ''loose'', 10) AS s FROM million GROUP BY g') > 0 AS parallel;
SELECT count(*) AS groups, count(*) FILTER (WHERE p.s::bytea = s.s::bytea) AS identical
FROM par_groups p JOIN serial_groups s USING (g);
SELECT workers_launched('CREATE TABLE par_union AS
    SELECT unika_union_agg(s) AS s FROM serial_groups') > 0 AS parallel,
       workers_launched('CREATE TABLE par_merge AS
    SELECT unika_merge_agg(s) AS s FROM serial_groups') > 0 AS parallel;
SELECT p.s::bytea = s.s::bytea AS identical_union FROM par_union p, serial_union s;
SELECT p.s::bytea = s.s::bytea AS identical_merge FROM par_merge p, serial_merge s;
-- With the leader taking part as well.
SET parallel_leader_participation = on;
SELECT workers_launched('CREATE TABLE par_all_leader AS
    SELECT unika_sketch_agg(p, ''loose'') AS s FROM million') > 0 AS parallel;
SELECT p.s::bytea = s.s::bytea AS identical_all FROM par_all_leader p, serial_all s;
RESET ALL;
