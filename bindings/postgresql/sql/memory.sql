-- memory: the library allocates in PostgreSQL's memory contexts, so an
-- error in the middle of an aggregate frees its sketch with the query's
-- memory. Here 150 aggregates each grow a p = 18 sketch dense (256 KiB,
-- more with the sparse phase before it) and then fail on a bad last row,
-- inside one backend; its size must not grow. With the sketches on the C
-- heap each failure would leak them: 150 x 256 KiB = 37.5 MiB.
CREATE TABLE mem_rows AS SELECT i, sha256(int4send(i)) AS p FROM generate_series(1, 70000) i;
INSERT INTO mem_rows VALUES (70001, '\x00'::bytea); -- 1 byte: refused
CREATE TABLE mem_sketches AS
SELECT unika_sketch_agg(p, 'loose', 18)::bytea AS s FROM mem_rows WHERE i <= 70000 GROUP BY i % 10;
INSERT INTO mem_sketches VALUES ('\x00'::bytea); -- not a sketch
CREATE FUNCTION backend_kb(field text) RETURNS bigint LANGUAGE sql AS $$
    SELECT (regexp_match(pg_read_file('/proc/self/status'), field || ':\s+(\d+) kB'))[1]::bigint
$$;
CREATE FUNCTION fail_repeatedly(n int, q text) RETURNS int LANGUAGE plpgsql AS $$
DECLARE failures int := 0;
BEGIN
    FOR k IN 1..n LOOP
        BEGIN
            EXECUTE q;
        EXCEPTION WHEN OTHERS THEN
            failures := failures + 1;
        END;
    END LOOP;
    RETURN failures;
END $$;
SET enable_hashagg = off;
SET max_parallel_workers_per_gather = 0;
-- Warm up (caches, plans), then measure.
SELECT fail_repeatedly(10, 'SELECT unika_sketch_agg(p, ''loose'', 18) FROM mem_rows');
CREATE TEMP TABLE before AS SELECT backend_kb('VmRSS') AS rss, backend_kb('VmData') AS data;
SELECT fail_repeatedly(150, 'SELECT unika_sketch_agg(p, ''loose'', 18) FROM mem_rows') AS failed;
-- The same with the union aggregate failing on a bad sketch after nine
-- dense ones, and pseudonymisation failing on the last of 20,000 rows.
SELECT fail_repeatedly(100, 'SELECT unika_union_agg(s::unika_sketch) FROM mem_sketches')
       AS failed;
SELECT fail_repeatedly(20, 'SELECT unika_sketch_agg(unika_pseudonym(''strict'', name => ''N'' || i,
    birth_year => CASE WHEN i < 20000 THEN ''1999'' ELSE ''x'' END, gender => ''M''), ''strict'', 18)
    FROM generate_series(1, 20000) i') AS failed;
SELECT backend_kb('VmRSS') - rss < 8192 AS rss_grew_less_than_8_mib,
       backend_kb('VmData') - data < 8192 AS data_grew_less_than_8_mib
FROM before;
RESET ALL;
