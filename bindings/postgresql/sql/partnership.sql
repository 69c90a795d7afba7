-- partnership: the example partnership computed in SQL from the example
-- CSVs (pseudonyms derived in SQL under the demo key) gives the sketches
-- `unika ingest` wrote, byte for byte: both recipes, every half-year and
-- gender cell of every partner.
\getenv fixtures UNIKA_PG_FIXTURES
CREATE TABLE raddabarnen (date text, first_name text, last_name text, dob text, gender text,
                          country text, id_number text);
CREATE TABLE rodakorset (visit_date text, full_name text, birth_date text, sex text,
                         origin text, migration_board_id text, swedish_id text);
CREATE TABLE stadsmissionen (besoksdatum text, namn text, fodelsedatum text, kon text, land text,
                             personnummer text, dossiernummer text);
CREATE TABLE uppsok (datum text, namn text, fodelsear text, kon text);
\set f :fixtures '/raddabarnen.csv'
COPY raddabarnen FROM :'f' WITH (FORMAT csv, HEADER true);
\set f :fixtures '/rodakorset.csv'
COPY rodakorset FROM :'f' WITH (FORMAT csv, HEADER true);
\set f :fixtures '/stadsmissionen.csv'
COPY stadsmissionen FROM :'f' WITH (FORMAT csv, HEADER true, DELIMITER ';');
\set f :fixtures '/uppsok.csv'
COPY uppsok FROM :'f' WITH (FORMAT csv, HEADER true, DELIMITER ';');
-- One row per visit: organisation, visit date, and the identifying fields
-- as each partner's profile maps them (examples/profiles/). An empty CSV
-- cell arrives as NULL; coalesce(gender, '') passes it on as an empty cell,
-- which ingest reads as "unknown".
CREATE VIEW visits AS
SELECT 'raddabarnen' AS org, to_date(date, 'DD/MM/YYYY') AS visit,
       NULL AS name, first_name AS given_name, last_name AS surname,
       dob AS birth_date, 'YYYYMMDD' AS birth_format, NULL AS birth_year,
       coalesce(gender, '') AS gender
FROM raddabarnen
UNION ALL
SELECT 'rodakorset', visit_date::date, full_name, NULL, NULL, birth_date, NULL, NULL,
       coalesce(sex, '')
FROM rodakorset
UNION ALL
SELECT 'stadsmissionen', besoksdatum::date, namn, NULL, NULL, fodelsedatum, NULL, NULL,
       coalesce(kon, '')
FROM stadsmissionen
UNION ALL
SELECT 'uppsok', datum::date, namn, NULL, NULL, NULL, NULL, fodelsear, coalesce(kon, '')
FROM uppsok;
SELECT org, count(*) AS visits FROM visits GROUP BY org ORDER BY org;
-- The cells: pseudonymise under each recipe, group by half-year and gender,
-- label as ingest does (org, period, recipe, gender).
CREATE TABLE sql_cells AS
SELECT org || '_' || recipe || '_' || period || '_gender-' || g || '.uks' AS file,
       unika_set_label(unika_set_label(unika_set_label(unika_set_label(
           unika_sketch_agg(p, recipe), 'org', org), 'period', period), 'recipe', recipe),
           'gender', g) AS s,
       count(*) AS rows
FROM (SELECT org, recipe,
             to_char(visit, 'YYYY') || 'H' || CASE WHEN extract(month FROM visit) <= 6
                                                   THEN '1' ELSE '2' END AS period,
             unika_gender(gender) AS g,
             unika_try_pseudonym(recipe, name => name, given_name => given_name,
                                 surname => surname, birth_date => birth_date,
                                 birth_date_format => birth_format, birth_year => birth_year,
                                 gender => gender) AS p
      FROM visits CROSS JOIN (VALUES ('loose'), ('strict')) AS r(recipe)) v
WHERE p IS NOT NULL
GROUP BY org, recipe, period, g;
-- Every cell of the command has its SQL twin with the same bytes.
SELECT count(*) AS command_cells, count(q.file) AS sql_cells,
       count(*) FILTER (WHERE q.s::bytea = c.s::bytea) AS identical
FROM cells c FULL JOIN sql_cells q USING (file);
SELECT sum(rows) AS rows_used FROM sql_cells;
-- The partnership's figures from the SQL cells (README's main job: the
-- whole period 2,927 with the loose recipe, strict 3,907).
SELECT unika_label(s, 'recipe') AS recipe, round(unika_estimate(unika_union_agg(s))) AS people
FROM sql_cells GROUP BY 1 ORDER BY 1;
-- Per partner and gender, the union over the half-years (loose).
SELECT unika_label(s, 'org') AS org, unika_label(s, 'gender') AS gender,
       round(unika_estimate(unika_union_agg(s))) AS people
FROM sql_cells WHERE unika_label(s, 'recipe') = 'loose' GROUP BY 1, 2 ORDER BY 1, 2;
