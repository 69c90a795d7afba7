#!/usr/bin/env bash
# compare.sh - `unika report --compare-recipes`: the totals of each recipe
# side by side, on a partnership whose counts are known by construction.
#   usage: compare.sh path/to/unika
#
# 14 people, "<given[i % 8]> <surname[i / 8]>", born 2005, female when
# i % 4 == 0 (0 4 8 12: 4 women, 10 men). alpha saw 0..9, beta saw 6..13 and
# spells some names its own way (Umar, Hasan, Jusuf, Kareem; Haidary), each a
# variant the loose key joins (docs/linkage.md). So:
#   loose:  total 14, alpha 10, beta 8, F 4, M 10 (the truth)
#   strict: persons 6 (Kareem), 8 (Ali Haidary) and 9 (Umar Haidary) are two
#           pseudonyms each, 7 (Nadia Ahmadi) is spelled alike: total 17,
#           alpha 10, beta 8, F 5 (person 8), M 12 (6 and 9).
# Every sketch stays sparse, so every figure is exact.
. "$(dirname "$0")/testlib.bash"

given=(Ali Omar Hassan Reza Samir Yusuf Karim Nadia)
given_beta=(Ali Umar Hasan Reza Samir Jusuf Kareem Nadia)
surname=(Ahmadi Haidari)
surname_beta=(Ahmadi Haidary)
header=visit_date,full_name,birth_date,sex,origin,migration_board_id,swedish_id
row() { # DATE I GIVEN_ARRAY SURNAME_ARRAY
    local i=$2 sex=male
    local -n g=$3 s=$4
    [ $((i % 4)) = 0 ] && sex=female
    printf '%s,%s %s,2005-01-01,%s,Afghanistan,,\n' "$1" "${g[i % 8]}" "${s[i / 8]}" "$sex"
}
{ echo "$header"; for i in $(seq 0 9); do row 2019-03-10 "$i" given surname; done; } >alpha.csv
{ echo "$header"; for i in $(seq 6 13); do row 2019-05-05 "$i" given_beta surname_beta; done; } >beta.csv
profile=$SRC/examples/profiles/rodakorset.profile
"$UNIKA" keygen -o k >/dev/null
mkdir cells
for org in alpha beta; do
    "$UNIKA" ingest --key k --profile "$profile" --org $org --by gender -r loose -r strict \
        $org.csv -o cells/$org 2>/dev/null
done

footer='
Recipes: loose `HEX` (4 files), strict `HEX` (4 files).
Spread: (largest - smallest) / smallest estimate of the row.
Each interval is the sketch'"'"'s own error. The difference between recipes is record
linkage, which no interval covers: docs/linkage.md gives each recipe'"'"'s measured bias.'
check "side by side, markdown" 0 "## Totals by recipe

8 sketch files; key HEX; 2 recipes; maximum-likelihood estimates with 95% intervals.

| figure | loose | 95% interval | strict | 95% interval | spread |
|---|---:|---|---:|---|---:|
| **total** | 14 | exact | 17 | exact | +21.4% |
| org alpha | 10 | exact | 10 | exact | +0.0% |
| org beta | 8 | exact | 8 | exact | +0.0% |
| gender F | 4 | exact | 5 | exact | +25.0% |
| gender M | 10 | exact | 12 | exact | +20.0% |
$footer
Estimates below 3 are shown as <3. Primary suppression only: this is an
analyst's comparison, not a release (publish with \`unika report --release\`)." "" -- \
    "$UNIKA" report --compare-recipes --min-count 3 cells

check "small figures suppressed (default 5), no spread over them" 0 "| gender F | <5 | – | 5 | exact | – |" "" -- \
    sh -c "'$UNIKA' report --compare-recipes cells | grep '^| gender F'"

# The same figures in CSV and JSON, and the fingerprints are the recipes'.
"$UNIKA" report --compare-recipes --min-count 0 --format csv cells >c.csv
assert "csv header" test "$(head -1 c.csv)" = \
    figure,label,value,recipe,recipe_fingerprint,files,shown,estimate,std_error,ci_low,ci_high,exact,suppressed
check "csv rows" 0 "figure,label,value,recipe,recipe_fingerprint,files,shown
total,,,loose,HEX,4,14
total,,,strict,HEX,4,17
org=alpha,org,alpha,loose,HEX,4,10
org=alpha,org,alpha,strict,HEX,4,10
org=beta,org,beta,loose,HEX,4,8
org=beta,org,beta,strict,HEX,4,8
gender=F,gender,F,loose,HEX,4,4
gender=F,gender,F,strict,HEX,4,5
gender=M,gender,M,loose,HEX,4,10
gender=M,gender,M,strict,HEX,4,12
# compare-recipes key_fingerprint=HEX estimator=ml confidence=0.95 min_count=0 inputs=8
# linkage error is not in the intervals: see docs/linkage.md" "" -- cut -d, -f1-7 c.csv
loose_fp=$(grep '^total,,,loose,' c.csv | cut -d, -f5)
strict_fp=$(grep '^total,,,strict,' c.csv | cut -d, -f5)
assert "csv: loose fingerprint is the loose recipe's" test "$loose_fp" = 938c23d09e5816ff44fa743e47bdaa48
assert "csv: strict fingerprint is the strict recipe's" test "$strict_fp" = 8cbea7900ee0086c7c3b1bf46b488bb9

"$UNIKA" report --compare-recipes --format json -o c.json cells 2>/dev/null
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
assert "json: schema, recipes" test "$(json c.json '(d["schema"], d["version"], [(r["name"], r["files"]) for r in d["recipes"]])')" = \
    "('unika-compare-recipes', 1, [('loose', 4), ('strict', 4)])"
assert "json: total per recipe" test \
    "$(json c.json '[(f["id"], f["recipes"]["loose"]["shown"], f["recipes"]["strict"]["shown"]) for f in d["figures"]][:1]')" = \
    "[('total', '14', '17')]"
assert "json: suppressed figure has no estimate" test \
    "$(json c.json '[f["recipes"]["loose"] for f in d["figures"] if f["id"] == "gender=F"][0]')" = \
    "{'shown': '<5', 'estimate': None, 'std_error': None, 'ci_low': None, 'ci_high': None, 'exact': None, 'suppressed': True}"
assert "json: an exact figure's interval holds it" python3 -c "
import json; d = json.load(open('c.json'))
x = d['figures'][0]['recipes']['strict']
assert x['exact'] and x['ci_low'] <= x['estimate'] <= x['ci_high'] and round(x['estimate']) == 17"

# One recipe: one column, no spread; files without a gender label have no
# gender row for their recipe.
"$UNIKA" ingest --key k --profile "$profile" --org alpha -r dob alpha.csv -o dob 2>/dev/null
check "one recipe" 0 "| figure | dob | 95% interval |
|---|---:|---|
| **total** | 10 | exact |
| org alpha | 10 | exact |" "" -- sh -c "'$UNIKA' report --compare-recipes dob | grep '^|'"
check "a recipe without the label" 0 "| gender F | – | not labelled | 4 | exact | 5 | exact | – |" "" -- \
    sh -c "'$UNIKA' report --compare-recipes --min-count 0 dob cells | grep '^| gender F'"

# Refusals.
"$UNIKA" keygen -o other >/dev/null
"$UNIKA" ingest --key other --profile "$profile" --org beta -r loose beta.csv -o otherkey 2>/dev/null
check_has "other key refused" 1 "refusing to compare sketches made under different keys" -- \
    "$UNIKA" report --compare-recipes cells otherkey
check "report options that do not apply" 2 "" "unika report: --compare-recipes takes only --min-count, --format, -o and --force
try 'unika report --help'" -- "$UNIKA" report --compare-recipes --rows org cells
check_has "existing output" 1 "c.json: already exists" -- \
    "$UNIKA" report --compare-recipes -o c.json cells
check_has "not a sketch" 1 "" -- "$UNIKA" report --compare-recipes alpha.csv
assert "help names the option" sh -c "'$UNIKA' report --help | grep -q -- --compare-recipes"

finish
