-- pseudonym: pseudonymisation in SQL under the key named by unika.key_file,
-- who may do it, and what happens with bad values and bad keys.
\getenv fixtures UNIKA_PG_FIXTURES
-- Spellings that normalise alike give the same pseudonym; the loose recipe
-- also merges transliteration variants; recipes never coincide.
SELECT unika_pseudonym('strict', name => 'Al-Khalil, Samir', birth_date => '1999-05-10',
                       gender => 'man')
     = unika_pseudonym('strict', name => 'SAMIR AL KHALIL', birth_date => '1999',
                       gender => 'M') AS token_order_and_case,
       unika_pseudonym('loose', name => 'Mohammad Rezaei', birth_date => '2001-03-02',
                       gender => 'pojke')
     = unika_pseudonym('loose', name => 'Muhammed Rezayi', birth_date => '2001',
                       gender => 'male') AS loose_variants,
       unika_pseudonym('strict', name => 'Mohammad Rezaei', birth_date => '2001', gender => 'M')
     <> unika_pseudonym('strict', name => 'Muhammed Rezayi', birth_date => '2001', gender => 'M')
       AS strict_keeps_them_apart,
       unika_pseudonym('strict', name => 'A B', birth_date => '2001', gender => 'M')
     <> unika_pseudonym('loose', name => 'A B', birth_date => '2001', gender => 'M')
       AS recipes_differ,
       length(unika_pseudonym('loose', name => 'A B', birth_date => '2001', gender => 'M')) AS bytes;
-- Given name and surname, birth year, date formats, empty gender.
SELECT unika_pseudonym('loose', given_name => 'Samir', surname => 'Al-Khalil',
                       birth_date => '19990510', birth_date_format => 'YYYYMMDD', gender => '')
     = unika_pseudonym('loose', name => 'Samir Al-Khalil', birth_year => '1999', gender => 'okänt')
       AS same_person;
-- One column holding a personnummer or a dossier number (a profile's
-- column.id_auto): the digit count decides, as ingest decides.
SELECT unika_pseudonym('dossier', id_auto => '5939-8547') = unika_pseudonym('dossier', dossier => '59398547')
         AS id_auto_dossier,
       unika_try_pseudonym('dossier', id_auto => '123') IS NULL AS id_auto_neither;
-- Already normalised values, one per recipe field.
SELECT unika_pseudonym_normalised('strict', 'al khalil samir', '1999', 'M')
     = unika_pseudonym('strict', name => 'Samir Al-Khalil', birth_year => '1999', gender => 'm')
       AS normalised;
-- Values that cannot be used: the error names the field, never the value.
SELECT unika_pseudonym('strict', name => 'Samir', birth_date => '1999-02-30', gender => 'M');
SELECT unika_pseudonym('strict', name => 'Samir', birth_date => '1999', gender => 'alien');
SELECT unika_pseudonym('strict', name => '', birth_date => '1999', gender => 'M');
SELECT unika_pseudonym('strict', name => 'Samir', birth_date => '1999');
SELECT unika_pseudonym('strict', name => E'Sam\x01ir', birth_date => '1999', gender => 'M');
SELECT unika_pseudonym('pnr', personnummer => '19990510-1234');
SELECT unika_pseudonym('strict', name => 'Samir', birth_date => '1999', gender => 'M',
                       birth_date_format => 'QQ');
SELECT unika_pseudonym_normalised('strict', 'al khalil samir', '1999');
-- ... and the try variant gives NULL for a row `unika ingest` would reject.
SELECT unika_try_pseudonym('strict', name => 'Samir', birth_date => '1999-02-30', gender => 'M')
         IS NULL AS bad_date,
       unika_try_pseudonym('strict', name => 'Samir', birth_date => '1999') IS NULL AS no_gender,
       unika_try_pseudonym('strict', name => 'Samir', birth_date => '1999', gender => 'M')
         IS NOT NULL AS good;
-- ... but a bad recipe, a NULL recipe or a bad format string still raise.
SELECT unika_try_pseudonym('nonsense', name => 'Samir');
SELECT unika_try_pseudonym(NULL, name => 'Samir');
SELECT unika_try_pseudonym('strict', name => 'Samir', birth_date => '1999', gender => 'M',
                           birth_date_format => 'QQ');
-- The sketch hash of a pseudonym (for hll interoperability).
SELECT unika_hash(unika_pseudonym('strict', name => 'A B', birth_date => '2001', gender => 'M'))
     = unika_hash(unika_pseudonym('strict', name => 'B A', birth_date => '2001', gender => 'M'))
       AS hash_of_same;
SELECT unika_hash('\x00'::bytea);
-- Keys. A different key gives different pseudonyms and fingerprints.
CREATE TABLE p_ours AS SELECT unika_pseudonym('loose', name => 'A B', birth_year => '2001',
                                              gender => 'F') AS p, unika_key_fingerprint() AS fp;
GRANT SELECT ON p_ours TO unika_analyst;
\set other :fixtures '/other.key'
SET unika.key_file = :'other';
SELECT p <> unika_pseudonym('loose', name => 'A B', birth_year => '2001', gender => 'F')
         AS other_pseudonym,
       fp <> unika_key_fingerprint() AS other_fingerprint FROM p_ours;
-- A key file that group or others may read is refused (UK032), a missing
-- one is undefined_file, an unset setting says so.
\set open :fixtures '/open.key'
SET unika.key_file = :'open';
\set VERBOSITY sqlstate
SELECT unika_key_fingerprint();
SET unika.key_file = '/nonexistent/partnership.key';
SELECT unika_key_fingerprint();
SET unika.key_file = '';
SELECT unika_key_fingerprint();
\set VERBOSITY default
SELECT unika_key_fingerprint();
RESET unika.key_file;
SELECT unika_key_fingerprint() = fp AS back FROM p_ours;
-- Who may do what: a role without privileges may read sketches, but may
-- neither name nor see the key file, nor derive pseudonyms, until granted.
SET ROLE unika_analyst;
SELECT count(*) AS readable FROM cells WHERE unika_estimate(s) > 0;
SET unika.key_file = '/tmp/x.key';
SHOW unika.key_file;
SELECT unika_pseudonym('loose', name => 'A B', birth_year => '2001', gender => 'F');
SELECT unika_key_fingerprint() IS NOT NULL AS fingerprint_only;
RESET ROLE;
GRANT EXECUTE ON FUNCTION unika_pseudonym(text, text, text, text, text, text, text, text, text,
                                          text, text, text, text, text, text) TO unika_analyst;
SET ROLE unika_analyst;
SELECT unika_pseudonym('loose', name => 'A B', birth_year => '2001', gender => 'F') = p AS granted
FROM p_ours;
RESET ROLE;
-- A failed load under a non-superuser does not show the path.
SET unika.key_file = '/nonexistent/partnership.key';
SET ROLE unika_analyst;
SELECT unika_key_fingerprint();
RESET ROLE;
RESET unika.key_file;
SELECT count(*) AS superuser_sees_path FROM pg_settings WHERE name = 'unika.key_file'
  AND setting LIKE '%partnership.key';
-- NULL recipe; NULL values are absent columns.
SELECT unika_pseudonym(NULL);
SELECT unika_pseudonym('strict', name => NULL, given_name => 'Samir', surname => 'Al-Khalil',
                       birth_year => '1999', gender => 'M')
     = unika_pseudonym('strict', name => 'Samir Al-Khalil', birth_year => '1999', gender => 'M')
       AS null_is_absent;
-- A non-superuser cannot name a key file before the module is loaded either:
-- the placeholder is refused when the module defines the setting.
\c - unika_analyst
SET unika.key_file = '/tmp/planted.key';
SELECT unika_key_fingerprint() = 'bcaf03323836dd45928be6354baaf418' AS configured_key_kept;
\c - postgres
