-- type: unika_sketch is a sketch file's bytes; text, binary and bytea forms
-- round-trip byte for byte; damaged bytes are refused with the library's
-- error (SQLSTATE UKnnn = -UNIKA_Ennn, docs/postgresql.md).
\getenv fixtures UNIKA_PG_FIXTURES
CREATE TABLE golden AS
SELECT f AS name, pg_read_binary_file(:'fixtures' || '/golden/good/' || f) AS bytes
FROM pg_ls_dir(:'fixtures' || '/golden/good') AS f;
SELECT count(*) FROM golden;
-- bytea -> unika_sketch -> bytea gives the same bytes; text form too.
SELECT name, length(bytes),
       bytes::unika_sketch::bytea = bytes AS bytea_round_trip,
       (bytes::unika_sketch)::text::unika_sketch::bytea = bytes AS text_round_trip,
       (bytes::unika_sketch)::text = '\x' || encode(bytes, 'hex') AS text_is_hex
FROM golden ORDER BY name;
-- The worked example of docs/format.md section 15, from its hex text.
SELECT unika_estimate(s), unika_is_exact(s), unika_precision(s), unika_labels(s),
       unika_key_fingerprint(s), unika_recipe_fingerprint(s)
FROM (SELECT bytes::unika_sketch AS s FROM golden WHERE name = 'sparse_p12_small.uks') g;
-- Binary form (send/recv): through COPY BINARY and back.
CREATE TABLE binary_in (name text, s unika_sketch);
INSERT INTO binary_in SELECT name, bytes::unika_sketch FROM golden;
\set copyfile :fixtures '/binary.copy'
COPY binary_in TO :'copyfile' WITH (FORMAT binary);
CREATE TABLE binary_out (name text, s unika_sketch);
COPY binary_out FROM :'copyfile' WITH (FORMAT binary);
SELECT count(*) AS rows,
       count(*) FILTER (WHERE o.s::bytea = g.bytes) AS identical
FROM binary_out o JOIN golden g USING (name);
-- unika_sketch_send is the file's bytes.
SELECT bool_and(unika_sketch_send(bytes::unika_sketch) = bytes) FROM golden;
-- Damaged files: every golden bad file is refused, each with its code.
CREATE TABLE bad AS
SELECT f AS name, pg_read_binary_file(:'fixtures' || '/golden/bad/' || f) AS bytes
FROM pg_ls_dir(:'fixtures' || '/golden/bad') AS f;
CREATE FUNCTION refusal(b bytea) RETURNS text LANGUAGE plpgsql AS $$
BEGIN
    PERFORM b::unika_sketch;
    RETURN 'accepted';
EXCEPTION WHEN OTHERS THEN
    RETURN SQLSTATE;
END $$;
SELECT name, refusal(bytes) FROM bad ORDER BY name;
-- Binary input is checked like any other: a damaged file arriving through
-- COPY BINARY (the same path as the binary protocol) is refused.
\set badcopy :fixtures '/bad.copy'
COPY (SELECT bytes FROM bad WHERE name = 'flipped_checksum.uks') TO :'badcopy' WITH (FORMAT binary);
CREATE TABLE recv_in (s unika_sketch);
COPY recv_in FROM :'badcopy' WITH (FORMAT binary);
-- Truncated and tampered sketches, with the message and detail.
SELECT substr(bytes, 1, length(bytes) - 1)::unika_sketch FROM golden
WHERE name = 'dense_p12.uks';
SELECT overlay(bytes placing '\xff'::bytea from 200 for 1)::unika_sketch FROM golden
WHERE name = 'dense_p12.uks';
SELECT '\x00'::bytea::unika_sketch;
SELECT ''::bytea::unika_sketch;
-- Text input errors.
SELECT '8155'::unika_sketch;
SELECT '\x815'::unika_sketch;
SELECT '\x81zz'::unika_sketch;
SELECT '\x8155'::unika_sketch;
-- NULL stays NULL.
SELECT NULL::bytea::unika_sketch IS NULL AS null_cast, unika_estimate(NULL) IS NULL AS null_estimate;
