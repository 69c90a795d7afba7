#!/usr/bin/env bash
# ingest.sh - `unika ingest`: cells, names, labels, counts, age groups,
# rejects, the refusals (other key, missing column, bad delimiter, invalid
# UTF-8, too few fields, malformed CSV, existing output), atomic output.
#   usage: ingest.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
command -v python3 >/dev/null || { echo "python3 needed to read --json"; exit 1; }

"$UNIKA" keygen -o k >/dev/null
"$UNIKA" keygen -o other >/dev/null
cp "$SRC"/examples/iop-visits/*.csv "$SRC"/examples/profiles/*.profile .

# json FILE EXPR: prints a Python expression over the parsed --json output d.
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

# ---- a small file whose answers are known ----------------------------------
cat >demo.profile <<'P'
name = demo
delimiter = ;
column.date = datum
column.name = namn
column.birth_date = fodd
column.gender = kon
column.country = land
P
# Ali Reza is one person written two ways (lines 2, 3, 6); line 7 has an
# impossible visit date, line 8 no name.
printf '%s\r\n' 'datum;namn;fodd;kon;land' \
    '2019-06-14;Ali Reza;2001-06-15;man;Afghanistan' \
    '2019-06-15;"Reza, Ali";2001-06-15;man;afghanistan' \
    '2019-07-01;Sara Ahmadi;2003-01-01;kvinna;Syrien' \
    '2019-12-31;Omar Hassan;1990-02-02;;Somalia' \
    '2020-01-10;Ali Reza;2001-06-15;man;Afghanistan' \
    '2019-02-30;Ali Reza;2001-06-15;man;Afghanistan' \
    '2019-03-01;;2001-06-15;man;Afghanistan' >small.csv

# Without -r: the default recipe, loose (UNIKA_RECIPE_DEFAULT).
check "half-years with rejects" 0 "" "unika ingest: small.csv: 7 rows read, 5 used, 2 rejected
  rejected 1 (recipe loose): date: no such day in that month [UNIKA_EDATE], line 7
  rejected 1 (recipe loose): name: empty [UNIKA_EEMPTY], line 8
  demo_2019H1.uks: 2 rows
  demo_2019H2.uks: 2 rows
  demo_2020H1.uks: 1 row
unika ingest: wrote 3 sketches to o1
unika ingest: summary rows_read=7 rows_used=5 rows_rejected=2 max_rejected=none exit=0" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o1 --rejects rej.csv
assert "DIR holds exactly the sketches" test "$(ls -A o1 | tr '\n' ' ')" = "demo_2019H1.uks demo_2019H2.uks demo_2020H1.uks "
assert "no staging directory left" test "$(ls -d o1.* 2>/dev/null)" = ""
check "rejects file: line, column, field, reason" 0 'line,column,field,recipe,code,message
7,1,date,loose,UNIKA_EDATE,"line 7, column 1 (datum, date): no such day in that month"
8,2,name,loose,UNIKA_EEMPTY,"line 8, column 2 (name): empty"' "" -- cat rej.csv
assert "rejects never hold a name" sh -c '! grep -q "Ali\|Reza" rej.csv'
assert "rejects file is private" test "$(stat -c %a rej.csv)" = 600

# The same input gives the same bytes: names and contents are predictable.
$UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o1b 2>/dev/null
assert "deterministic sketches" cmp o1/demo_2019H1.uks o1b/demo_2019H1.uks
# ... and reading stdin gives the same as reading the file.
$UNIKA ingest --key k --profile demo.profile --org demo - -o o1c <small.csv 2>/dev/null
assert "stdin input" cmp o1/demo_2019H2.uks o1c/demo_2019H2.uks

$UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o2 --json >j2.json 2>/dev/null
assert "json version" test "$(json j2.json 'd["version"]')" = 1
assert "json rows" test "$(json j2.json 'd["rows_read"], d["rows_rejected"], d["recipes"][0]["rows_used"]')" = "7 2 5"
# One person in 2019H1 (two spellings), two in 2019H2, one in 2020H1.
assert "json estimates per cell" test \
    "$(json j2.json '[(c["file"], c["rows"], round(c["estimate"])) for c in d["cells"]]')" = \
    "[('demo_2019H1.uks', 2, 1), ('demo_2019H2.uks', 2, 2), ('demo_2020H1.uks', 1, 1)]"
assert "json labels" test "$(json j2.json 'sorted(d["cells"][0]["labels"].items())')" = \
    "[('org', 'demo'), ('period', '2019H1'), ('recipe', 'loose')]"
assert "json key fingerprint" test "$(json j2.json 'd["key_fingerprint"]')" = "$($UNIKA key fingerprint k)"

# Age at the visit date: 17 the day before the 18th birthday, 18 on it.
$UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o3 --period all \
    --by age_group --by gender --json >j3.json 2>/dev/null
assert "age_group x gender cells" test \
    "$(json j3.json '[(c["file"], c["rows"], round(c["estimate"])) for c in d["cells"]]')" = \
    "[('demo_all_age_group-0-17_gender-F.uks', 1, 1), ('demo_all_age_group-0-17_gender-M.uks', 1, 1), ('demo_all_age_group-18-20_gender-M.uks', 2, 1), ('demo_all_age_group-25+_gender-X.uks', 1, 1)]"
assert "by labels" test "$(json j3.json 'd["cells"][2]["labels"]["age_group"], d["cells"][2]["labels"]["gender"]')" = "18-20 M"
# Other bands; a birth year alone counts from 1 July.
printf '%s\r\n' 'datum;namn;fodelsear;kon' '2019-06-30;Ali Reza;2001;pojke' \
    '2019-07-01;Ali Reza;2001;pojke' >years.csv
$UNIKA ingest --key k --profile uppsok.profile --org u years.csv -o o4 --period year \
    --by age_group --age-bands 0-15,16-17,18- --json >j4.json 2>/dev/null
assert "birth year only: 1 July rule, custom bands" test \
    "$(json j4.json '[(c["file"], c["rows"]) for c in d["cells"]]')" = \
    "[('u_2019_age_group-16-17.uks', 1), ('u_2019_age_group-18+.uks', 1)]"
$UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o5 --period month \
    --by country 2>/dev/null
assert "months and country values" test "$(ls o5 | tr '\n' ' ')" = \
    "demo_2019-06_country-afghanistan.uks demo_2019-07_country-syrien.uks demo_2019-12_country-somalia.uks demo_2020-01_country-afghanistan.uks "
$UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o6 --period all \
    -r strict -r dob 2>/dev/null
assert "several recipes name the recipe" test "$(ls o6 | tr '\n' ' ')" = "demo_dob_all.uks demo_strict_all.uks "

# ---- the four partners ------------------------------------------------------
for p in stadsmissionen raddabarnen rodakorset uppsok; do
    rows=$(($(wc -l <$p.csv) - 1))
    check "ingest $p" 0 "$(printf 'unika ingest: %s.csv: %d rows read, %d used, 0 rejected' $p $rows $rows)" "" -- \
        sh -c "$UNIKA ingest --key k --profile $p.profile --org $p --period year $p.csv -o out-$p 2>&1 | head -1"
    assert "$p: one sketch per year" test "$(ls out-$p | wc -l)" = 8
done
$UNIKA ingest --key k --profile raddabarnen.profile --org raddabarnen -r strict -r pnr -r dossier \
    --period all raddabarnen.csv -o radd3 --json >j5.json 2>/dev/null
assert "id_auto feeds both identifier recipes" test \
    "$(json j5.json '[(r["name"], r["rows_used"] > 1000) for r in d["recipes"]]')" = \
    "[('strict', True), ('pnr', True), ('dossier', True)]"

# ---- refusals: exit 1, nothing written -----------------------------------------
check "other key" 1 "" "unika ingest: other: key fingerprint: expected $($UNIKA key fingerprint k), got HEX (not the partnership's key)" -- \
    $UNIKA ingest --key other --key-fingerprint "$($UNIKA key fingerprint k)" --profile uppsok.profile --org u uppsok.csv -o r1
sed -e '1s/;kon\r$/;gender\r/' uppsok.csv >renamed.csv
check "missing column" 1 "" "unika ingest: renamed.csv: header line 1: missing column 'kon' (gender); the header has 4 columns: datum, namn, fodelsear, gender" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u renamed.csv -o r2
sed -e '1s/;namn;/;Nam;/' uppsok.csv >near.csv
check "missing column: did you mean" 1 "" "unika ingest: near.csv: header line 1: missing column 'namn' (name); did you mean 'Nam'? The header has 4 columns: datum, Nam, fodelsear, kon" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u near.csv -o r2
sed -e '1d' uppsok.csv >headless.csv
check "a file without its header line: no cell shown" 1 "" "unika ingest: headless.csv: header line 1: missing column 'datum' (date); the first line holds numbers, as data does: the file needs its header line" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u headless.csv -o r2
tr ';' ',' <uppsok.csv >commas.csv
check "bad delimiter" 1 "" "unika ingest: commas.csv: header line 1: missing column 'datum' (date); the header has a single field, so the file's delimiter is probably not the profile's ';'" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u commas.csv -o r3
sed -e '100s/^\([^;]*\);\(.\)/\1;\2\xff/' uppsok.csv >latin1.csv
check "invalid UTF-8" 1 "" "unika ingest: latin1.csv: line 100, column 2 (namn): invalid UTF-8; the file looks like Windows-1252: put \"encoding = windows-1252\" in the profile, or save it as \"CSV UTF-8\"
unika ingest: nothing written" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u latin1.csv -o r4
sed -e '200s/;[^;]*\r$/\r/' uppsok.csv >short.csv
check "a row with too few fields" 1 "" "unika ingest: short.csv: line 200: record has 3 fields, the header has 4
unika ingest: nothing written" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u short.csv -o r5
sed -e '$s/;/;"/' uppsok.csv >quote.csv
check "malformed CSV: a quote never closes" 1 "" "unika ingest: quote.csv: line 3695, column 2 (namn): quoted field never closes
unika ingest: nothing written" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u quote.csv -o r6
sed -e '300s/;/;"/' uppsok.csv >runaway.csv
check "malformed CSV: a runaway quote hits the field bound" 1 "" "unika ingest: runaway.csv: line 300, column 2 (namn): field longer than 65536 bytes
unika ingest: nothing written" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u runaway.csv -o r8
check_has "profile needs columns the recipe uses" 1 "uppsok.profile: the profile maps no column for 'personnummer', which recipe pnr needs" -- \
    $UNIKA ingest --key k --profile uppsok.profile --org u -r pnr uppsok.csv -o r7
for d in r1 r2 r3 r4 r5 r6 r7 r8; do assert "nothing written ($d)" test ! -e $d; done
assert "no staging directories left" test "$(ls -d r*.unika-* 2>/dev/null)" = ""

# An existing output: refused without --force, replaced with it.
before=$(cat o1/* | cksum)
check "output exists without --force" 1 "" "unika ingest: o1: exists and is not empty (use --force to replace its outputs)" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o1 --period year
assert "old output untouched" test "$(cat o1/* | cksum)" = "$before"
check_has "--force replaces" 0 "wrote 2 sketches to o1" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o1 --period year --force
assert "replaced DIR holds only the new sketches" test "$(ls o1 | tr '\n' ' ')" = "demo_2019.uks demo_2020.uks "
touch o1/notes.txt
check "--force never deletes foreign files" 1 "" "unika ingest: o1: holds files other than .uks sketches and their .sig files; refusing to replace it even with --force" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o1 --force
mkdir emptydir
check_has "an empty DIR is fine" 0 "wrote 3 sketches to emptydir" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo small.csv -o emptydir
check "rejects file inside DIR" 2 "" "unika ingest: --rejects emptydir/rej.csv: must not be inside the output directory emptydir" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo small.csv -o emptydir --force --rejects emptydir/rej.csv
check "rejects file exists" 1 "" "unika ingest: rej.csv: already exists (use --force to replace it)" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo small.csv -o o7 --rejects rej.csv

# ---- dates as partners record them: a full date at some rows, a year at others ----
# Röda Korset's profile lists both patterns; loose needs only the year and
# uses every row, dob needs the day and rejects the bare years by name.
printf '%s\n' 'visit_date,full_name,birth_date,sex,origin,migration_board_id,swedish_id' \
    '2019-03-04,Hosein Amiri,2005-03-14,male,Afghanistan,,' \
    '2019-03-05,Nasir Haidari,1997,male,Marocko,,' \
    '2019-03-06,Zahra Ahmadi,2001,female,Afghanistan,,' >years.csv
check "loose ingests bare years" 0 "" "unika ingest: years.csv: 3 rows read, 3 used, 0 rejected
  rc_2019H1.uks: 3 rows
unika ingest: wrote 1 sketch to y1
unika ingest: summary rows_read=3 rows_used=3 rows_rejected=0 max_rejected=none exit=0" -- \
    $UNIKA ingest --key k --profile rodakorset.profile --org rc years.csv -o y1
check "dob rejects them, by name" 0 "" "unika ingest: years.csv: 3 rows read, 1 used, 2 rejected
  rejected 2 (recipe dob): birth_date: month unknown [UNIKA_EDATE], lines 3, 4
  rc_2019H1.uks: 1 row
unika ingest: wrote 1 sketch to y2
unika ingest: summary rows_read=3 rows_used=1 rows_rejected=2 max_rejected=none exit=0" -- \
    $UNIKA ingest --key k --profile rodakorset.profile --org rc -r dob years.csv -o y2

# ---- a file of a header only (issue 13: qsort(NULL, 0) under UBSan) --------------------
head -n 1 small.csv >header-only.csv
check "a header-only file writes an empty DIR" 0 "" "unika ingest: header-only.csv: 0 rows read, 0 used, 0 rejected
unika ingest: wrote 0 sketches to h0
unika ingest: summary rows_read=0 rows_used=0 rows_rejected=0 max_rejected=none exit=0" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo header-only.csv -o h0
assert "the empty DIR exists and holds nothing" test -d h0 -a -z "$(ls -A h0)"

# ---- usage errors: exit 2 ----------------------------------------------------------
check "identifying --by refused" 2 "" "unika ingest: --by name: refused, it identifies people (its values would become labels and file names)
try 'unika ingest --help'" -- $UNIKA ingest --key k --profile demo.profile --org demo --by name small.csv -o u1
check "bad bands" 2 "" "unika ingest: --age-bands must be ascending, contiguous bands from 0, the last open-ended, e.g. 0-17,18-20,21-24,25-
try 'unika ingest --help'" -- $UNIKA ingest --key k --profile demo.profile --org demo --age-bands 0-17,19- small.csv -o u2
check "bad period" 2 "" "unika ingest: --period must be half-year, year, month or all
try 'unika ingest --help'" -- $UNIKA ingest --key k --profile demo.profile --org demo --period week small.csv -o u3
check "org with a slash" 2 "" "unika ingest: --org must be 1..64 letters, digits, '.', '-' or '_', not starting with '.'
try 'unika ingest --help'" -- $UNIKA ingest --key k --profile demo.profile --org a/b small.csv -o u4
check "no key" 2 "" "unika ingest: --key K is required
try 'unika ingest --help'" -- $UNIKA ingest --profile demo.profile --org demo small.csv -o u5
check_has "unknown recipe" 2 "unika ingest: --recipe nonsense:" -- \
    $UNIKA ingest --key k --profile demo.profile --org demo -r nonsense small.csv -o u6

finish
