#!/usr/bin/env bash
# report.sh - `unika report`: every figure of the default set against the
# counts known by construction (analyst_data.bash), totals as unions, period
# roll-up from months, suppression, the three formats, refusals, and the
# round trip ingest -> merge -> report on the bundled example partnership.
#   usage: report.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
. "$SRC/tests/cli/analyst_data.bash"

make_partner_csvs
"$UNIKA" keygen -o k >/dev/null
ingest_partner k alpha cells/alpha
ingest_partner k beta cells/beta

# ---- the default set: every figure is the count analyst_data.bash states.
# 2019 is 22 people, not 2019H1 + 2019H2 = 30: a year is a union.
# Secondary suppression (on by default): beta saw nobody in 2019H2 (0 < 3),
# so alpha's 8 would give it away through the row total; alpha's cell is
# withheld, and with it the row total and the by-half-year figure that are
# the same number. The release footer is checked in release.sh.
suppression3='
Figures below 3 are shown as <3 (primary suppression, also applied to totals and overlaps).'
secondary3="$suppression3
Figures shown as .. are withheld so that a figure below the threshold cannot be
recovered from its row, column, total or overlap (secondary suppression)."
check "default report" 0 "# Unique individuals

Key HEX; recipe loose (HEX); maximum-likelihood estimates.
Totals are unions of the cells' sketches, never sums: people seen in several
cells are counted once, so the cells of a row or column need not add up to
its total. Intervals are 95% intervals of the sketch error only (not of
record linkage); \"exact\" figures are counted, not estimated.

## Whole period

| | unique | 95% interval |
|---|---:|---|
| total | 24 | exact |
$suppression3

## By half-year

| half-year | unique | 95% interval |
|---|---:|---|
| 2019H1 | 22 | exact |
| 2019H2 | .. | – |
| 2020H1 | .. | – |
| 2020H2 | .. | – |
| **total** | 24 | exact |
$secondary3

## By year

| year | unique | 95% interval |
|---|---:|---|
| 2019 | 22 | exact |
| 2020 | 7 | exact |
| **total** | 24 | exact |
$suppression3

## By organisation

| org | unique | 95% interval |
|---|---:|---|
| alpha | 14 | exact |
| beta | 14 | exact |
| **total** | 24 | exact |
$suppression3

## By gender

| gender | unique | 95% interval |
|---|---:|---|
| F | 6 | exact |
| M | 18 | exact |
| **total** | 24 | exact |
$suppression3

## By half-year and organisation

| half-year | alpha | beta | **total** |
|---|---:|---:|---:|
| 2019H1 | 10 | 12 | 22 |
| 2019H2 | .. | <3 | .. |
| 2020H1 | .. | <3 | .. |
| 2020H2 | <3 | .. | .. |
| **total** | 14 | 14 | 24 |

Intervals of every figure are in the CSV and JSON formats.
$secondary3

## Overlaps between orgs

| org | org | in both | 95% interval |
|---|---|---:|---|
| alpha | beta | 4 | exact |
$suppression3" "" -- bash -c "$UNIKA report --min-count 3 cells | sed '/^## Release/,\$d'"

# ---- suppression at the default 5: the overlap of 4 and small cells.
"$UNIKA" report cells >out.txt
assert "overlap of 4 shown as <5" grep -qF "| alpha | beta | <5 | – |" out.txt
assert "2020H1 (3 people) shown as <5" grep -qF "| 2020H1 | <5 | – |" out.txt
assert "the rule is stated under the tables" grep -qF "Figures below 5 are shown as <5" out.txt
check "no suppression with --min-count 0" 0 "table,figure,shown,suppressed
overlap_org,overlap_org/org=alpha&org=beta,4,false" "" -- \
    bash -c "$UNIKA report --min-count 0 --overlap org --format csv cells | cut -d, -f1,2,7,13 | grep -e ^table -e ^overlap"

# ---- a two-way table in CSV: periods rolled up to years, totals as unions.
# Columns kept: table, row, col, shown, exact, suppressed (estimates carry a
# token-collision correction of a few millionths).
csv_cut() { cut -d, -f1,4,6,7,12,13 | sed 's/"[^"]*"//'; }
# alpha 2019 and beta 2019 are withheld (..): each is the one other cell of
# a row whose 2020 cell is below 5.
check "org x year, csv" 0 "table,row,col,shown,exact,suppressed
total,total,,24,true,false
org_x_period,alpha,2019,..,true,true
org_x_period,alpha,2020,<5,true,true
org_x_period,beta,2019,..,true,true
org_x_period,beta,2020,<5,true,true
org_x_period,alpha,total,14,true,false
org_x_period,beta,total,14,true,false
org_x_period,total,2019,22,true,false
org_x_period,total,2020,7,true,false
org_x_period,total,total,24,true,false" "" -- \
    bash -c "$UNIKA report --rows org --cols period --period-grain year --format csv cells | sed -E 's/^([a-z_]+),\"[^\"]*\"/\1,ID/' | grep -v '^#' | cut -d, -f1,4,6,7,12,13"
"$UNIKA" report --rows org --cols period --period-grain year --format csv cells >out.txt
assert "suppressed figures withhold estimate and interval" \
    grep -qF 'org_x_period,"org_x_period/org=alpha,period=2020",org,alpha,year,2020,<5,,,,,true,true' out.txt
assert "shown figures carry their interval" \
    grep -qE '^org_x_period,"org_x_period/org=\*,period=2019",org,total,year,2019,22,22\.[0-9]+,0\.[0-9]+,22\.[0-9]+,22\.[0-9]+,true,false,none,22,1,,$' out.txt
assert "secondary figures withhold estimate and interval" \
    grep -qF 'org_x_period,"org_x_period/org=beta,period=2019",org,beta,year,2019,..,,,,,true,true,secondary,,,,' out.txt

# ---- months roll up to the same half-years and years as half-year cells.
ingest_partner k alpha month/alpha --period month
ingest_partner k beta month/beta --period month
assert "month cells exist" test -e month/alpha/alpha_2019-09_gender-M.uks
for g in half-year year all; do
    "$UNIKA" report --rows period --cols org --period-grain $g --format csv cells | grep -v '^#' | cut -d, -f1-7 >a.csv
    "$UNIKA" report --rows period --cols org --period-grain $g --format csv month | grep -v '^#' | cut -d, -f1-7 >b.csv
    assert "months roll up to $g like half-year cells" cmp a.csv b.csv
done
check "month rows" 0 "| month | unique | 95% interval |
|---|---:|---|
| 2019-03 | 10 | exact |
| 2019-05 | 12 | exact |
| 2019-09 | 8 | exact |
| 2020-02 | 3 | exact |
| 2020-08 | 4 | exact |
| **total** | 24 | exact |" "" -- bash -c "$UNIKA report --rows period --period-grain month --min-count 0 month | sed -n '/^| month/,/total/p'"
# Half-year cells cannot be split into months: they are left out, and the note says so.
"$UNIKA" report --rows period --period-grain month cells month >out.txt
assert "coarser periods are named in a note" \
    grep -qF "Input files that lack the period label, or whose period is coarser than month, are left out of this table." out.txt
assert "the note counts no files (a count of files is a count of cells)" \
    sh -c '! grep -q "of 20 input files" out.txt'

# Overlaps between periods: people seen in both years (alpha 0..2, beta 20..21).
check "overlap between years" 0 "| year | year | in both | 95% interval |
|---|---|---:|---|
| 2019 | 2020 | 5 | exact |" "" -- \
    bash -c "$UNIKA report --overlap period --period-grain year month | sed -n '/^| year/,/^| 2019/p'"

# ---- JSON: versioned, every figure with its filter; the inputs only as a
# commitment keyed with the release key (issue 13: no digest of any input
# file, no path, no cell finer than the tables).
"$UNIKA" keygen -o rel.key >/dev/null
"$UNIKA" report --format json cells >r.json
assert "json schema" grep -q '^  "schema": "unika-report",$' r.json
assert "json version" grep -q '^  "version": 2,$' r.json
assert "json threshold" grep -q '^    "threshold": 5,$' r.json
assert "without a release key: no commitment" grep -q '^    "inputs_commitment": null,$' r.json
figure() { # ID -> that figure's JSON object
    awk -v id="$1" '$0 ~ "^    {$" {buf=""; on=1} on {buf=buf $0 "\n"} $0 ~ "^    }" && on {if (index(buf, "\"id\": \"" id "\",")) printf "%s", buf; on=0}' r.json
}
figure "by_year/period=2019" >f.txt
assert "a figure names its filter" grep -q '"period": "2019"' f.txt
assert "a figure names its grain" grep -q '"period_grain": "year"' f.txt
assert "a figure cites no input digest" test -z "$(grep -E '[0-9a-f]{64}' f.txt)"
figure "overlap_org/org=alpha&org=beta" >f.txt
assert "an overlap is an intersection" grep -q '"kind": "intersection"' f.txt
assert "a suppressed overlap withholds its value" grep -q '"estimate": null' f.txt
"$UNIKA" report --release-key rel.key --format json cells >rk.json
assert "with a release key: the commitment" grep -qE '^    "inputs_commitment": "[0-9a-f]{64}",$' rk.json
assert "with a release key: its fingerprint" \
    grep -qx "    \"release_key_fingerprint\": \"$("$UNIKA" key fingerprint rel.key)\"," rk.json
for file in cells/alpha/alpha_2019H1_gender-F.uks cells/beta/beta_2019H1_gender-M.uks; do
    d=$(b2sum -l 256 "$file" | cut -c1-64)
    for fmt in json csv markdown; do
        "$UNIKA" report --release-key rel.key --format $fmt cells >pub.$fmt
        assert "the $fmt report carries no digest of $file" sh -c "! grep -q $d pub.$fmt"
        assert "the $fmt report names no input file" sh -c '! grep -q "gender-[FM]\.uks" pub.'$fmt
    done
done
check "the partnership key is refused as the release key" 1 "" \
    "unika report: k: refusing the partnership key as the release key: every partner holds it, and with it could recompute the noise and test guesses against the commitment (make a release key with unika keygen)" -- \
    $UNIKA report --release-key k --format json cells

# ---- every other format is rendered from the JSON, and says from which ---------------
"$UNIKA" report --release-key rel.key --format json -o audited.json cells
src=$(b2sum -l 256 audited.json | cut -c1-64)
for fmt in markdown csv; do
    "$UNIKA" report --release-key rel.key --format $fmt -o direct.$fmt cells
    "$UNIKA" report --from audited.json --format $fmt -o from.$fmt
    assert "$fmt: made from the files = rendered from their JSON" cmp -s direct.$fmt from.$fmt
    assert "$fmt: stamped with the JSON's digest" grep -q "unika-rendering v1 format=$fmt source=$src" from.$fmt
done
assert "markdown stamp is an HTML comment on the last line" \
    test "$(tail -n 1 from.markdown)" = "<!-- unika-rendering v1 format=markdown source=$src -->"
assert "csv stamp is a comment on the last line" \
    test "$(tail -n 1 from.csv)" = "# unika-rendering v1 format=csv source=$src"
check "--from takes no sketch files" 2 "" "unika report: --from renders an existing report: no sketch files
try 'unika report --help'" -- $UNIKA report --from audited.json cells
check "--from renders markdown or csv" 2 "" "unika report: --from renders a report's JSON as markdown, csv, html, xlsx or csv-sv
try 'unika report --help'" -- $UNIKA report --from audited.json --format json
python3 -c "import json; r=json.load(open('audited.json')); r['version']=1; json.dump(r, open('v1.json','w'))"
check "--from refuses another schema version by name" 1 "" \
    "unika report: v1.json: version: this is unika-report version 1; this unika reads version 2 only (version 1 reports published unkeyed digests of their input files: make the report again)" -- \
    $UNIKA report --from v1.json --format csv
python3 -c "import json; r=json.load(open('audited.json')); r['release']['threshold']=-1; json.dump(r, open('neg.json','w'))"
check "--from refuses a negative threshold by name" 1 "" \
    "unika report: neg.json: release.threshold: must be a whole number from 0 to 2^53" -- \
    $UNIKA report --from neg.json --format csv

# ---- recipes: mixed recipes are refused unless one is chosen.
ingest_partner k beta dob/beta --recipe dob
check "mixed recipes refused" 1 "" "unika report: refusing to combine sketches made with different recipes: cells/alpha/alpha_2019H1_gender-F.uks has recipe fingerprint HEX (loose), dob/beta/beta_2019H1_gender-F.uks has HEX (dob)
unika report: hint: choose one recipe with --recipe NAME" -- $UNIKA report cells/alpha dob
check "--recipe picks one" 0 "| **total** | 14 | exact |" "" -- \
    bash -c "$UNIKA report --recipe dob --rows org cells dob 2>/dev/null | grep '^| \*\*total' | tail -1"
"$UNIKA" report --recipe dob --rows org cells dob >out.txt 2>err.txt
assert "skipped files are counted, for the analyst only" grep -qF "unika report: note: 10 file(s) of other recipes left out" err.txt
assert "and not in the report" sh -c '! grep -q "other recipes" out.txt'
check "--recipe with no such files" 1 "" "unika report: no sketch file made with recipe pnr among the 10 given" -- \
    $UNIKA report --recipe pnr cells
"$UNIKA" keygen -o other.key >/dev/null
ingest_partner other.key beta other-key
check_has "other key refused" 1 "unika report: refusing to combine sketches made under different keys" -- \
    $UNIKA report cells/alpha other-key

# ---- output file, usage errors.
check "report -o" 0 "" "" -- $UNIKA report -o r.md cells
assert "report -o wrote the report" grep -q "^# Unique individuals" r.md
check "report -o refuses an existing file" 1 "" "unika report: r.md: already exists (use --force to replace it)" -- \
    $UNIKA report -o r.md cells
check "report -o --force" 0 "" "" -- $UNIKA report -o r.md --force --format csv cells
assert "replaced by the CSV" grep -q "^table,figure," r.md
check "bad format" 2 "" "unika report: --format must be markdown, csv, json, html, xlsx or csv-sv
try 'unika report --help'" -- $UNIKA report --format xml cells
check "bad grain" 2 "" "unika report: --period-grain must be half-year, year, month or all
try 'unika report --help'" -- $UNIKA report --period-grain quarter cells
check "cols without rows" 2 "" "unika report: --cols needs --rows
try 'unika report --help'" -- $UNIKA report --cols org cells
check "no inputs" 2 "" "unika report: no sketch files or directories
try 'unika report --help'" -- $UNIKA report
cp cells/alpha/alpha_2019H1_gender-M.uks flipped.uks
flip_byte flipped.uks 70
check_has "corrupt input refused" 1 "unika report: flipped.uks: checksum: expected" -- \
    $UNIKA report cells flipped.uks

# ---- round trip on the bundled partnership: ingest -> merge -> report.
# The union is the union however it is taken: from the cells, from each
# partner's merged file, or from one merge of everything.
mkdir iop
for org in raddabarnen rodakorset stadsmissionen uppsok; do
    "$UNIKA" ingest --key k --profile "$SRC/examples/profiles/$org.profile" --org $org \
        --by gender "$SRC/examples/iop-visits/$org.csv" -o iop/$org 2>/dev/null
    "$UNIKA" merge -o iop-$org.uks iop/$org >/dev/null
done
"$UNIKA" merge -o iop-all.uks iop-*.uks >/dev/null
"$UNIKA" merge -o iop-all-cells.uks iop >/dev/null
assert "merge of merges = merge of cells (same people)" \
    test "$("$UNIKA" estimate --json iop-all.uks | grep '"estimate"')" = "$("$UNIKA" estimate --json iop-all-cells.uks | grep '"estimate"')"
total_est=$("$UNIKA" estimate --json iop-all.uks | sed -n 's/^      "estimate": //p' | tr -d ,)
"$UNIKA" report --format json --rows org iop >cells.json
"$UNIKA" report --format json --rows org iop-*.uks >merged.json
val() { awk -v id="$2" '$0 ~ "\"id\": \"" id "\"," {on=1} on && /"estimate"/ {gsub(/[ ,]/, ""); split($0, a, ":"); print a[2]; exit}' "$1"; }
assert "report total from cells = estimate of the merge" test "$(val cells.json total)" = "$total_est"
assert "report total from merged files = from cells" test "$(val merged.json total)" = "$total_est"
for org in raddabarnen rodakorset stadsmissionen uppsok; do
    e=$("$UNIKA" estimate --json iop-$org.uks | sed -n 's/^      "estimate": //p' | tr -d ,)
    assert "by org $org from cells = estimate of its merge" test "$(val cells.json "by_org/org=$org")" = "$e"
    assert "by org $org from merged files = from cells" test "$(val merged.json "by_org/org=$org")" = "$e"
done
# The default report over the example: every standard table is there.
"$UNIKA" report iop >out.txt
for t in "Whole period" "By half-year" "By year" "By organisation" "By gender" \
    "By half-year and organisation" "Overlaps between orgs"; do
    assert "example report has '$t'" grep -qx "## $t" out.txt
done
assert "14 half-years from 2017H2 to 2024H1" test "$(grep -cE '^\| 20[0-9]{2}H[12] \| [0-9]+ \|' out.txt)" = 28

finish
