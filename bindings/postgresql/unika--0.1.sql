-- unika--0.1.sql: the unika extension, version 0.1 (docs/postgresql.md).
--
-- Versions: this file installs 0.1. A later version N adds
-- unika--0.1--N.sql with only the changes (CREATE OR REPLACE, new
-- objects), never edits this file, and moves default_version in
-- unika.control; ALTER EXTENSION unika UPDATE then runs the chain. The
-- sketch's bytes are the sketch file format (docs/format.md), whose own
-- version field lets a new version read old values in place.

\echo Use "CREATE EXTENSION unika" to load this file. \quit

-- ---- the type: a sketch file's bytes ---------------------------------------

CREATE TYPE unika_sketch;

CREATE FUNCTION unika_sketch_in(cstring) RETURNS unika_sketch
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_sketch_out(unika_sketch) RETURNS cstring
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_sketch_recv(internal) RETURNS unika_sketch
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_sketch_send(unika_sketch) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE TYPE unika_sketch (
    INPUT = unika_sketch_in,
    OUTPUT = unika_sketch_out,
    RECEIVE = unika_sketch_recv,
    SEND = unika_sketch_send,
    INTERNALLENGTH = VARIABLE,
    STORAGE = extended
);
COMMENT ON TYPE unika_sketch IS 'a unika sketch: the bytes of a sketch file (docs/format.md)';

CREATE FUNCTION unika_sketch(bytea) RETURNS unika_sketch
    AS 'MODULE_PATHNAME', 'unika_sketch_from_bytea' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE CAST (bytea AS unika_sketch) WITH FUNCTION unika_sketch(bytea);
CREATE CAST (unika_sketch AS bytea) WITHOUT FUNCTION;

-- ---- reading a sketch ------------------------------------------------------

CREATE FUNCTION unika_estimate(unika_sketch) RETURNS double precision
    AS 'MODULE_PATHNAME', 'unika_sketch_estimate_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_std_error(unika_sketch) RETURNS double precision
    AS 'MODULE_PATHNAME', 'unika_sketch_std_error_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_interval(unika_sketch, OUT ci_low double precision,
                               OUT ci_high double precision)
    AS 'MODULE_PATHNAME', 'unika_sketch_interval_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_is_exact(unika_sketch) RETURNS boolean
    AS 'MODULE_PATHNAME', 'unika_sketch_is_exact_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_precision(unika_sketch) RETURNS integer
    AS 'MODULE_PATHNAME', 'unika_sketch_precision_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_intersection(a unika_sketch, b unika_sketch,
                                   OUT estimate double precision, OUT std_error double precision,
                                   OUT ci_low double precision, OUT ci_high double precision,
                                   OUT exact boolean)
    AS 'MODULE_PATHNAME', 'unika_sketch_intersection_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_difference(a unika_sketch, b unika_sketch,
                                 OUT estimate double precision, OUT std_error double precision,
                                 OUT ci_low double precision, OUT ci_high double precision,
                                 OUT exact boolean)
    AS 'MODULE_PATHNAME', 'unika_sketch_difference_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_union(unika_sketch, unika_sketch) RETURNS unika_sketch
    AS 'MODULE_PATHNAME', 'unika_sketch_union_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION unika_labels(unika_sketch) RETURNS jsonb
    AS 'MODULE_PATHNAME', 'unika_sketch_labels_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_label(unika_sketch, key text) RETURNS text
    AS 'MODULE_PATHNAME', 'unika_sketch_label_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_set_label(unika_sketch, key text, value text) RETURNS unika_sketch
    AS 'MODULE_PATHNAME', 'unika_sketch_set_label_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_remove_label(unika_sketch, key text) RETURNS unika_sketch
    AS 'MODULE_PATHNAME', 'unika_sketch_remove_label_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION unika_key_fingerprint(unika_sketch) RETURNS text
    AS 'MODULE_PATHNAME', 'unika_sketch_key_fp_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_recipe_fingerprint(unika_sketch) RETURNS text
    AS 'MODULE_PATHNAME', 'unika_sketch_recipe_fp_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_recipe_info(recipe text, OUT name text, OUT canonical text,
                                  OUT fingerprint text)
    AS 'MODULE_PATHNAME', 'unika_recipe_info_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION unika_to_hll(unika_sketch, regwidth integer DEFAULT 5,
                             expthresh bigint DEFAULT -1, sparseon integer DEFAULT 1)
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'unika_to_hll_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

CREATE FUNCTION unika_gender(code text) RETURNS text
    AS 'MODULE_PATHNAME', 'unika_gender_fn' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;

-- ---- under the partnership key (unika.key_file) -----------------------------
-- STABLE, not IMMUTABLE: the result depends on a setting. EXECUTE on the
-- functions that derive pseudonyms from identities is revoked from PUBLIC
-- below: whoever may call them can test a guessed identity against every
-- sketch and pseudonym of the partnership (docs/postgresql.md).

CREATE FUNCTION unika_key_fingerprint() RETURNS text
    AS 'MODULE_PATHNAME', 'unika_server_key_fp_fn' LANGUAGE C STABLE STRICT PARALLEL SAFE;

CREATE FUNCTION unika_pseudonym(recipe text, name text DEFAULT NULL,
                                birth_date text DEFAULT NULL, gender text DEFAULT NULL,
                                given_name text DEFAULT NULL, surname text DEFAULT NULL,
                                birth_year text DEFAULT NULL, country text DEFAULT NULL,
                                personnummer text DEFAULT NULL, dossier text DEFAULT NULL,
                                digits text DEFAULT NULL, visit_date text DEFAULT NULL,
                                birth_date_format text DEFAULT NULL,
                                visit_date_format text DEFAULT NULL,
                                id_auto text DEFAULT NULL)
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'unika_pseudonym_fn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION unika_try_pseudonym(recipe text, name text DEFAULT NULL,
                                    birth_date text DEFAULT NULL, gender text DEFAULT NULL,
                                    given_name text DEFAULT NULL, surname text DEFAULT NULL,
                                    birth_year text DEFAULT NULL, country text DEFAULT NULL,
                                    personnummer text DEFAULT NULL, dossier text DEFAULT NULL,
                                    digits text DEFAULT NULL, visit_date text DEFAULT NULL,
                                    birth_date_format text DEFAULT NULL,
                                    visit_date_format text DEFAULT NULL,
                                    id_auto text DEFAULT NULL)
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'unika_try_pseudonym_fn' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION unika_pseudonym_normalised(recipe text, VARIADIC "values" text[])
    RETURNS bytea
    AS 'MODULE_PATHNAME', 'unika_pseudonym_normalised_fn' LANGUAGE C STABLE PARALLEL SAFE;
REVOKE EXECUTE ON FUNCTION
    unika_pseudonym(text, text, text, text, text, text, text, text, text, text, text, text, text,
                    text, text),
    unika_try_pseudonym(text, text, text, text, text, text, text, text, text, text, text, text,
                        text, text, text),
    unika_pseudonym_normalised(text, text[])
    FROM PUBLIC;

CREATE FUNCTION unika_hash(pseudonym bytea) RETURNS bigint
    AS 'MODULE_PATHNAME', 'unika_hash_fn' LANGUAGE C STABLE STRICT PARALLEL SAFE;

-- ---- aggregates ----------------------------------------------------------------

CREATE FUNCTION unika_sketch_agg_trans(internal, bytea, text) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION unika_sketch_agg_trans(internal, bytea, text, integer) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C STABLE PARALLEL SAFE;
CREATE FUNCTION unika_sketch_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION unika_union_agg_trans(internal, unika_sketch) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION unika_merge_agg_trans(internal, unika_sketch) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION unika_union_agg_combine(internal, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;
CREATE FUNCTION unika_agg_serialize(internal) RETURNS bytea
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_agg_deserialize(bytea, internal) RETURNS internal
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE STRICT PARALLEL SAFE;
CREATE FUNCTION unika_agg_final(internal) RETURNS unika_sketch
    AS 'MODULE_PATHNAME' LANGUAGE C IMMUTABLE PARALLEL SAFE;

CREATE AGGREGATE unika_sketch_agg(pseudonym bytea, recipe text) (
    SFUNC = unika_sketch_agg_trans, STYPE = internal,
    COMBINEFUNC = unika_sketch_agg_combine,
    SERIALFUNC = unika_agg_serialize, DESERIALFUNC = unika_agg_deserialize,
    FINALFUNC = unika_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
CREATE AGGREGATE unika_sketch_agg(pseudonym bytea, recipe text, p integer) (
    SFUNC = unika_sketch_agg_trans, STYPE = internal,
    COMBINEFUNC = unika_sketch_agg_combine,
    SERIALFUNC = unika_agg_serialize, DESERIALFUNC = unika_agg_deserialize,
    FINALFUNC = unika_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
CREATE AGGREGATE unika_union_agg(unika_sketch) (
    SFUNC = unika_union_agg_trans, STYPE = internal,
    COMBINEFUNC = unika_union_agg_combine,
    SERIALFUNC = unika_agg_serialize, DESERIALFUNC = unika_agg_deserialize,
    FINALFUNC = unika_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
CREATE AGGREGATE unika_merge_agg(unika_sketch) (
    SFUNC = unika_merge_agg_trans, STYPE = internal,
    COMBINEFUNC = unika_union_agg_combine,
    SERIALFUNC = unika_agg_serialize, DESERIALFUNC = unika_agg_deserialize,
    FINALFUNC = unika_agg_final, FINALFUNC_MODIFY = READ_ONLY,
    PARALLEL = SAFE
);
