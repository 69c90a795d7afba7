-- setup: the extension and what the other tests share.
CREATE EXTENSION hll;
CREATE EXTENSION unika;
-- The fixtures directory (test/run.sh) and the key the server started with.
\getenv fixtures UNIKA_PG_FIXTURES
SELECT unika_key_fingerprint();
-- The SQLSTATE a statement fails with ('ok' when it does not).
CREATE FUNCTION sqlstate_of(q text) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE q;
    RETURN 'ok';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
-- A role without privileges, for the permission tests.
CREATE ROLE unika_analyst LOGIN;
GRANT USAGE ON SCHEMA public TO unika_analyst;
SELECT extname, extversion FROM pg_extension WHERE extname IN ('hll', 'unika') ORDER BY 1;
-- The example partnership's cells as `unika ingest` wrote them (run.sh):
-- loose and strict recipes, half-years, split by gender.
CREATE TABLE cells AS
SELECT org, f AS file,
       pg_read_binary_file(:'fixtures' || '/cells/' || org || '/' || f)::unika_sketch AS s
FROM unnest(ARRAY['raddabarnen', 'rodakorset', 'stadsmissionen', 'uppsok']) AS org
CROSS JOIN LATERAL pg_ls_dir(:'fixtures' || '/cells/' || org) AS f;
SELECT org, count(*) FROM cells GROUP BY org ORDER BY org;
GRANT SELECT ON cells TO unika_analyst;
