#!/usr/bin/env bash
# release.sh - `unika report`'s release step: secondary suppression (rows,
# one-way tables, overlaps, differences), rounding at its boundaries, the
# deterministic keyed noise, the stamped parameters and the keyed commitment
# to the inputs (never their digests), and withheld values absent from every
# format.
#   usage: release.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
. "$SRC/tests/cli/analyst_data.bash"

make_partner_csvs
# Every key is derived from a fixed passphrase: the noise is drawn from the
# release key and the sketches' registers (the partnership key's
# pseudonyms), and with random keys the assertions below that two draws
# differ would fail now and then by chance (all of a few cells' noise zero,
# or equal under two keys).
printf 'release test passphrase, not a secret\n' >pass
"$UNIKA" keygen -o k --passphrase-file pass --salt release-test-partnership >/dev/null
ingest_partner k alpha cells/alpha
ingest_partner k beta cells/beta
ingest_partner k alpha month/alpha --period month
ingest_partner k beta month/beta --period month

# the CSV line of figure ID (IDs are quoted: they hold commas)
csv_line() { grep -F ",\"$2\"," "$1"; }
json_get() { # FILE EXPR (Python over r)
    python3 -c 'import json,sys; r = json.load(open(sys.argv[1])); print(eval(sys.argv[2]))' "$1" "$2"
}

# ---- secondary suppression in a two-way table ------------------------------------------
# org x year: alpha 2019 = 14, alpha 2020 = 3 (< 5), alpha total 14. With
# only the 2020 cell withheld, the row would give it away by differencing;
# the smallest other cell of the row, alpha 2019, is withheld too (..).
"$UNIKA" report --rows org --cols period --period-grain year cells >on.md
"$UNIKA" report --rows org --cols period --period-grain year --secondary off cells >off.md
assert "secondary on: the row's other cell is withheld" grep -qxF "| alpha | .. | <5 | 14 |" on.md
assert "secondary off: only the primary cell" grep -qxF "| alpha | 14 | <5 | 14 |" off.md
assert "the rule is stated under the table" grep -qF "Figures shown as .. are withheld so that" on.md
assert "the footer counts the withheld figures" grep -qxF -- "- Secondary suppression: on (2 figures withheld as ..)." on.md
assert "the footer says off" grep -qxF -- "- Secondary suppression: off (0 figures withheld as ..)." off.md

# One-way table: F = 6 below --min-count 7; M = 18 and total 24 would give
# F = 24 - 18 (categories are disjoint), so M is withheld as well.
check "one-way: the other category is withheld" 0 "| gender | unique | 95% interval |
|---|---:|---|
| F | <7 | – |
| M | .. | – |
| **total** | 24 | exact |" "" -- bash -c "$UNIKA report --rows gender --min-count 7 cells | sed -n '/^| gender/,/total/p'"

# Overlap: alpha & beta = 4 (< 5) would follow from alpha 14 + beta 14 -
# total 24, so the smaller side (tie: the first) is withheld, then beta,
# the row's other cell.
check "overlap: its sides are withheld" 0 "| alpha | .. | – |
| beta | .. | – |
| **total** | 24 | exact |
| alpha | beta | <5 | – |" "" -- bash -c "$UNIKA report cells | grep -E '^\| (alpha|beta|\*\*total)' | sed -n '/^| alpha | \.\./,/^| \*\*total/p;/^| alpha | beta/p' | head -4"

# Difference: 2019 = 22, 2020 = 7, both = 5, so "2020 only" = 7 - 5 = 2 < 3:
# the overlap is withheld although it is 5 itself.
check "difference: the overlap is withheld" 0 "| 2019 | 2020 | .. | – |" "" -- \
    bash -c "$UNIKA report --rows period --overlap period --period-grain year --min-count 3 month | grep '^| 2019 | 2020'"
check "difference rule off with --secondary off" 0 "| 2019 | 2020 | 5 | exact |" "" -- \
    bash -c "$UNIKA report --rows period --overlap period --period-grain year --min-count 3 --secondary off month | grep '^| 2019 | 2020'"

# ---- withheld values are absent from every format -----------------------------------------
for fmt in csv json; do
    "$UNIKA" report --rows org --cols period --period-grain year --format $fmt cells >on.$fmt
done
id="org_x_period/org=alpha,period=2019"
assert "csv: withheld cell has no numbers" \
    test "$(csv_line on.csv "$id")" = "org_x_period,\"$id\",org,alpha,year,2019,..,,,,,true,true,secondary,,,,"
keys='("ci_high", "ci_low", "estimate", "rounding_base", "shown", "std_error", "suppressed", "suppression", "value", "value_ci_high", "value_ci_low")'
assert "json: withheld cell has no numbers" test \
    "$(json_get on.json "[[f[k] for k in $keys] for f in r['figures'] if f['id'] == '$id'][0]")" = \
    "[None, None, None, None, '..', None, True, 'secondary', None, None, None]"
assert "json: the primary cell says primary" \
    test "$(json_get on.json '[f["suppression"] for f in r["figures"] if f["id"] == "org_x_period/org=alpha,period=2020"][0]')" = primary

# ---- rounding ---------------------------------------------------------------------------------
# alpha: 97 people in 2019-03, two of them again in 2019-09: 2019H1 = 97,
# 2019H2 = 2, whole period 97. beta: 103 people in 2019-05.
header=visit_date,full_name,birth_date,sex,origin,migration_board_id,swedish_id
# The strict recipe (given explicitly: the default, loose, would merge some of
# these made-up names) keys name, birth year and gender: person i gets a
# two-syllable given name (100), a surname (3) and a birth year (1990 + i / 300).
people() { # DATE FIRST LAST
    python3 -c 'import sys
syl = "Ka Ri Mo Sa Na Le To Hu Ba Zi".split(); s = "Ahmadi Haidari Rahimi".split()
for i in range(int(sys.argv[2]), int(sys.argv[3]) + 1):
    given = syl[i % 10] + syl[(i // 10) % 10].lower()
    print("%s,%s %s,%d-01-01,male,Afghanistan,," % (sys.argv[1], given, s[(i // 100) % 3], 1990 + i // 300))' "$@"
}
{ echo $header; people 2019-03-10 0 96; people 2019-09-02 0 1; } >alpha.csv
{ echo $header; people 2019-05-05 200 302; } >beta.csv
ingest_partner k alpha r/alpha -r strict
ingest_partner k beta r/beta -r strict
check "sdc: 97 -> 95, whole-period total 97 -> 100" 0 "| 2019H1 | 95 | exact |
| 2019H2 | <5 | – |
| **total** | 100 | exact |" "" -- bash -c "$UNIKA report --round sdc --secondary off --rows period r/alpha | grep -E '^\| (2019|\*\*total)'"
check "sdc: 103 -> 100" 0 "| beta | 100 | exact |" "" -- \
    bash -c "$UNIKA report --round sdc --rows org r | grep '^| beta'"
check "base5: 103 -> 105, 97 -> 95" 0 "| alpha | 95 | exact |
| beta | 105 | exact |" "" -- bash -c "$UNIKA report --round base5 --rows org r | grep -E '^\| (alpha|beta) '"
check "base10: 97 -> 100, 103 -> 100" 0 "| alpha | 100 | exact |
| beta | 100 | exact |" "" -- bash -c "$UNIKA report --round base10 --rows org r | grep -E '^\| (alpha|beta) '"
check "none: 97 and 103" 0 "| alpha | 97 | exact |
| beta | 103 | exact |" "" -- bash -c "$UNIKA report --rows org r | grep -E '^\| (alpha|beta) '"
# 2995 people, one cell: exact at precision 14 (sparse up to 4,096). Under a
# random key two of them share a token about once in 45 runs (docs/sketch.md
# "Collisions": n^2 / (6 * 2^26) = 0.022 lost), and 2994 rounds to 2990: a
# fixed key, whose 2995 tokens were checked distinct, makes the case certain.
{ echo $header; people 2020-03-03 1000 3994; } >big.csv
printf 'release rounding test passphrase\n' >big.pass
"$UNIKA" keygen --passphrase-file big.pass --salt release.sh -o bigk >/dev/null
"$UNIKA" ingest --key bigk --profile "$SRC/examples/profiles/rodakorset.profile" --org big \
    --precision 14 -r strict big.csv -o big 2>/dev/null
check "sdc: whole-period total 2995 -> 3000" 0 "| total | 3000 | exact |" "" -- \
    bash -c "$UNIKA report --round sdc big | grep '^| total'"
check "none: 2995" 0 "| total | 2995 | exact |" "" -- bash -c "$UNIKA report big | grep '^| total'"

# Rounded releases publish no unrounded estimate, and their interval is
# widened to the rounding base.
"$UNIKA" keygen -o release.key >/dev/null
"$UNIKA" report --release --release-key release.key --rows org --format json r >rel.json
"$UNIKA" report --release --release-key release.key --rows org --format csv r >rel.csv
assert "json: no raw estimate in a rounded release" \
    test "$(json_get rel.json 'sorted(set(str(f["estimate"]) + str(f["std_error"]) + str(f["ci_low"]) + str(f["ci_high"]) for f in r["figures"]))')" = "['NoneNoneNoneNone']"
assert "json: values are the rounded ones" \
    test "$(json_get rel.json '[(f["value"], f["rounding_base"]) for f in r["figures"] if f["id"] in ("by_org/org=alpha", "by_org/org=beta", "total")]')" = "[(200, 10), (95, 5), (100, 10)]"
assert "csv: no raw estimate in a rounded release" \
    test -z "$(grep -v '^#' rel.csv | tail -n +2 | cut -d, -f8-11 | grep -v '^,,,$')"
assert "csv: alpha is 95 at base 5" grep -qxF 'by_org,by_org/org=alpha,org,alpha,,,95,,,,,true,false,none,95,5,,' rel.csv
# A dense (estimated) figure: the interval is widened outwards to the base.
mkdir iop
for org in raddabarnen uppsok; do
    "$UNIKA" ingest --key k --profile "$SRC/examples/profiles/$org.profile" --org $org \
        "$SRC/examples/iop-visits/$org.csv" -o iop/$org 2>/dev/null
done
"$UNIKA" report --format json --rows org iop >iop-raw.json
"$UNIKA" report --format json --rows org --round base10 iop >iop-10.json
lo=$(json_get iop-raw.json '[f["ci_low"] for f in r["figures"] if f["id"] == "total"][0]')
hi=$(json_get iop-raw.json '[f["ci_high"] for f in r["figures"] if f["id"] == "total"][0]')
est=$(json_get iop-raw.json '[f["estimate"] for f in r["figures"] if f["id"] == "total"][0]')
assert "the example total is estimated, not exact" test "$(json_get iop-raw.json '[f["exact"] for f in r["figures"] if f["id"] == "total"][0]')" = False
assert "rounded interval = raw interval widened to base 10" \
    test "$(json_get iop-10.json '[(f["value"], f["value_ci_low"], f["value_ci_high"]) for f in r["figures"] if f["id"] == "total"][0]')" = \
    "$(python3 -c "import math; v=round($est); print((int(math.floor((v+5)/10)*10), int(math.floor($lo/10)*10), int(math.ceil($hi/10)*10)))")"

# ---- noise -----------------------------------------------------------------------------------
"$UNIKA" keygen -o noise.key --passphrase-file pass --salt release-test-noise >/dev/null
"$UNIKA" keygen -o other-noise.key --passphrase-file pass --salt release-test-other >/dev/null
nfp=$("$UNIKA" key fingerprint noise.key)
"$UNIKA" report --format json --noise ckm --noise-key noise.key cells >n1.json
"$UNIKA" report --format json --noise ckm --noise-key noise.key cells >n2.json
"$UNIKA" report --format json --noise ckm --noise-key other-noise.key cells >n3.json
"$UNIKA" report --format json cells >plain.json
shown() { json_get "$1" '[f["shown"] for f in r["figures"]]'; }
assert "noise: the same inputs give the same figures" test "$(shown n1.json)" = "$(shown n2.json)"
assert "noise: another noise key gives other figures" test "$(shown n1.json)" != "$(shown n3.json)"
assert "noise: the figures differ from the unperturbed ones" test "$(shown n1.json)" != "$(shown plain.json)"
assert "noise: within -2..+2 of the estimate, never below 0" \
    test "$(json_get n1.json '[f["id"] for f in r["figures"] if not f["suppressed"]]')" = \
    "$(python3 - n1.json plain.json <<'PY'
import json, sys
n = {f["id"]: f for f in json.load(open(sys.argv[1]))["figures"]}
p = {f["id"]: f for f in json.load(open(sys.argv[2]))["figures"]}
print([i for i in n if not n[i]["suppressed"] and p[i]["value"] is not None
       and abs(n[i]["value"] - p[i]["value"]) <= 2 and n[i]["value"] >= 0])
PY
)"
assert "noise: one number, one noise (every table's total is the grand total)" \
    test "$(json_get n1.json 'len(set(f["shown"] for f in r["figures"] if f["id"] in ("total", "by_org", "by_gender", "by_half-year", "by_year")))')" = 1
assert "noise: the release id changes the draw" \
    test "$(shown n1.json)" != "$("$UNIKA" report --format json --noise ckm --noise-key noise.key --release-id r2027 cells >n4.json; shown n4.json)"
assert "noise: the file order does not" \
    test "$(shown n1.json)" = "$("$UNIKA" report --format json --noise ckm --noise-key noise.key cells/beta cells/alpha >n5.json; shown n5.json)"
"$UNIKA" report --format json --noise geometric:0.5 --noise-key noise.key cells >g.json
assert "geometric: stamped with its epsilon" test "$(json_get g.json 'r["release"]["noise"], r["release"]["epsilon"]')" = "('geometric', 0.5)"
assert "noise: raw estimates withheld" \
    test "$(json_get n1.json 'set(f["estimate"] for f in r["figures"])')" = "{None}"
check "noise needs a key" 2 "" "unika report: --noise needs --release-key FILE
try 'unika report --help'" -- $UNIKA report --noise ckm cells
check "a release id needs a key" 2 "" "unika report: --release-id needs --release-key FILE
try 'unika report --help'" -- $UNIKA report --release-id pub cells
check "--release needs a release key" 2 "" "unika report: --release needs --release-key FILE: a published report commits to its inputs under it, so that it can be audited
try 'unika report --help'" -- $UNIKA report --release cells
assert "--noise-key is the older name of --release-key" \
    test "$(shown n1.json)" = "$("$UNIKA" report --format json --noise ckm --release-key noise.key cells >n6.json; shown n6.json)"
check "bad epsilon" 2 "" "unika report: --noise must be none, ckm or geometric:EPS with EPS from 0.01 to 20
try 'unika report --help'" -- $UNIKA report --noise geometric:0 --noise-key noise.key cells
check "the partnership key is refused as release key" 1 "" "unika report: k: refusing the partnership key as the release key: every partner holds it, and with it could recompute the noise and test guesses against the commitment (make a release key with unika keygen)" -- \
    $UNIKA report --noise ckm --noise-key k cells
cp noise.key open.key && chmod 644 open.key
check_has "an open noise key file is refused" 1 "open.key" -- $UNIKA report --noise ckm --noise-key open.key cells
check "bad rounding" 2 "" "unika report: --round must be none, base5, base10 or sdc
try 'unika report --help'" -- $UNIKA report --round base3 cells
check "bad secondary" 2 "" "unika report: --secondary must be on or off
try 'unika report --help'" -- $UNIKA report --secondary yes cells

# ---- every parameter stamped ----------------------------------------------------------------
kfp=$("$UNIKA" key fingerprint k)
secret=$(sed -n 's/^key //p' noise.key)
"$UNIKA" report --release --noise ckm --noise-key noise.key --release-id pub-2026 --format json cells >s.json
"$UNIKA" report --release --noise ckm --noise-key noise.key --release-id pub-2026 --format csv cells >s.csv
"$UNIKA" report --release --noise ckm --noise-key noise.key --release-id pub-2026 cells >s.md
# The commitment, computed here independently (Python hashlib): BLAKE2b-256
# keyed with the release key's pseudonym subkey (crypto_kdf id 1, "unika-v1"),
# personalisation "unika-inputs-v1", over u32le(n) and the sorted digests.
commitment=$(python3 - noise.key cells/*/*.uks <<'PY'
import hashlib, struct, sys
hexkey = [l.split()[1] for l in open(sys.argv[1]) if l.startswith("key ")][0]
sub = hashlib.blake2b(b"", digest_size=32, key=bytes.fromhex(hexkey), salt=struct.pack("<Q", 1) + bytes(8),
                      person=b"unika-v1" + bytes(8)).digest()
d = sorted({hashlib.blake2b(open(f, "rb").read(), digest_size=32).digest() for f in sys.argv[2:]})
print(hashlib.blake2b(struct.pack("<I", len(d)) + b"".join(d), digest_size=32, key=sub,
                      person=b"unika-inputs-v1\0").hexdigest())
PY
)
assert "json: release object" test "$(json_get s.json 'sorted(r["release"].items())')" = \
    "[('epsilon', None), ('inputs_commitment', '$commitment'), ('linkage', \"not in the intervals; docs/linkage.md gives the recipe's measured split and false-merge rates\"), ('noise', 'ckm'), ('raw_estimates', False), ('release_id', 'pub-2026'), ('release_key_fingerprint', '$nfp'), ('rounding', 'sdc'), ('secondary', True), ('secondary_withheld', $(json_get s.json 'r["release"]["secondary_withheld"]')), ('threshold', 5)]"
assert "json: no suppression object in version 2 (release holds every parameter)" \
    test "$(json_get s.json '"suppression" in r, "inputs" in r')" = "(False, False)"
assert "json: key fingerprint and recipe" test "$(json_get s.json 'r["key_fingerprint"], r["recipe"]')" = "('$kfp', 'loose')"
assert "csv: parameters in trailing comments" grep -qxF "# release: threshold=5 secondary=on rounding=sdc noise=ckm release_key_fingerprint=$nfp release_id=pub-2026 secondary_withheld=$(json_get s.json 'r["release"]["secondary_withheld"]')" s.csv
assert "csv: recipe and key" grep -qE "^# recipe=loose recipe_fingerprint=[0-9a-f]{32} key_fingerprint=$kfp estimator=ml confidence=0.95$" s.csv
assert "csv: the commitment" grep -qxF "# inputs_commitment=$commitment" s.csv
assert "csv: the header is still the first line" test "$(head -c 12 s.csv)" = "table,figure"
assert "markdown: footer" grep -qxF -- "- Noise: ckm (-2..+2 with probabilities .05 .20 .50 .20 .05), release key $nfp." s.md
assert "markdown: release id" grep -qxF -- "- Release id: pub-2026." s.md
assert "markdown: rounding" grep -qxF -- "- Rounding: figures below 100 to the nearest 5, others and whole-period totals to the nearest 10 (ties up)." s.md
assert "markdown: linkage note names the recipe" grep -qF -- "- Linkage: figures count distinct pseudonyms of recipe loose" s.md
assert "markdown: the commitment" grep -qxF -- "  $commitment." s.md
for f in cells/*/*.uks; do
    d=$(b2sum -l 256 "$f" | cut -c1-64)
    for out in s.md s.csv s.json; do
        assert "$out does not list input $f" test -z "$(grep -F "$d" $out)"
    done
done
for out in s.md s.csv s.json; do
    assert "$out never holds the release key" test -z "$(grep -F "$secret" $out)"
done
assert "--release-id is checked" test "$("$UNIKA" report --release-id "" cells 2>&1 >/dev/null | head -1)" = \
    "unika report: --release-id must be 1 to 128 bytes on one line"
# Without --release-id the id is derived from the commitment: the same files, the same id.
"$UNIKA" report --format json --release-key noise.key cells >keyed.json
assert "default release id from the commitment" \
    test "$(json_get keyed.json 'r["release"]["release_id"]')" = "inputs-${commitment:0:16}"
assert "no release key, no release id" test "$(json_get plain.json 'r["release"]["release_id"]')" = None

finish
