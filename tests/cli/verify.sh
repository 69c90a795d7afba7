#!/usr/bin/env bash
# verify.sh - CLI tests for `unika verify` on the bundled example data:
# an untouched set verifies; a tampered sketch byte, a signer not on the
# roster, a hand-edited report figure, a missing input, a sketch made under
# another key, a report made from fewer files and one made without a release
# key each fail with their own clear reason; every release parameter is
# followed. The attacks of issue 13 are in attacks.sh.
#
#   usage: verify.sh [path/to/unika]     (or UNIKA=... in the environment)
set -u
UNIKA=${1:-${UNIKA:-unika}}
. "$(dirname "$0")/flip_byte.bash"
here=$(cd "$(dirname "$0")" && pwd)
examples=$here/../../examples
work=$(mktemp -d "${TMPDIR:-/tmp}/unika-cli-verify-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
cases=0

fail() { failures=$((failures + 1)); echo "FAIL: $*"; }

# expect NAME RC GREP_PATTERN... -- COMMAND... : the exit code is RC and
# stdout holds every fixed-string pattern as a whole line prefix.
expect() {
    local name=$1 want_rc=$2
    shift 2
    local patterns=()
    while [ "$1" != "--" ]; do patterns+=("$1"); shift; done
    shift
    cases=$((cases + 1))
    "$@" >out.txt 2>err.txt
    local rc=$?
    if [ "$rc" != "$want_rc" ]; then
        fail "$name: exit $rc, expected $want_rc"; head -5 out.txt err.txt; return
    fi
    for p in "${patterns[@]}"; do
        if ! grep -qF -- "$p" out.txt err.txt; then
            fail "$name: output lacks: $p"; head -8 out.txt err.txt; return
        fi
    done
}

# ---- a partnership: a derived (so reproducible) key, four signed partners, a -------
# coordinator who signs the roster, a manifest per partner, a release key.
printf 'correct horse battery staple orbit lantern quarry\n' >pass.txt
"$UNIKA" keygen -o p.key --passphrase-file pass.txt --salt unika-verify-test >/dev/null || exit 1
"$UNIKA" keygen -o rel.key --passphrase-file pass.txt --salt unika-verify-release >/dev/null || exit 1
"$UNIKA" sign-keygen --name steering -o coord >/dev/null || exit 1
PIN=$("$UNIKA" key fingerprint coord.pub)
partners="raddabarnen rodakorset stadsmissionen uppsok"
mkdir cells
for org in $partners; do
    "$UNIKA" sign-keygen --name "$org" -o "$org" >/dev/null || exit 1
    "$UNIKA" ingest --key p.key --profile "$examples/profiles/$org.profile" --org "$org" \
        --by gender "$examples/iop-visits/$org.csv" -o "cells/$org" 2>/dev/null || exit 1
    "$UNIKA" sign --key "$org.sec" cells/"$org"/*.uks >/dev/null || exit 1
    "$UNIKA" manifest --key "$org.sec" --sequence 1 -o "cells/$org.manifest" "cells/$org" >/dev/null || exit 1
done
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint p.key)" --sign coord.sec -o r.roster \
    raddabarnen.pub rodakorset.pub stadsmissionen.pub uppsok.pub >/dev/null || exit 1
"$UNIKA" report --release-key rel.key --format json -o report.json cells || exit 1
nfig=$(grep -c '"kind": "\(union\|intersection\)"' report.json)
total=$(python3 -c 'import json,sys; r=json.load(open("report.json")); print([f["shown"] for f in r["figures"] if f["id"]=="total"][0])')
V() { "$UNIKA" verify --roster "$R" --coordinator "$PIN" --release-key "$KEY" "$@"; }
R=r.roster KEY=rel.key

fresh() { rm -rf t && mkdir t && cp -r cells report.json t/ && cd t || exit 1; R=../r.roster KEY=../rel.key; }
back() { cd .. || exit 1; R=r.roster KEY=rel.key; }

# ---- the untouched set ------------------------------------------------------------------
expect "an untouched set verifies" 0 \
    "ok    report made under the roster's partnership key" \
    "ok    cells/rodakorset/rodakorset_2019H1_gender-F.uks: signed by rodakorset, who may sign for its organisation; partnership key and recipe as the report's" \
    "ok    manifest cells/rodakorset.manifest: rodakorset's delivery for all, #1: its 40 file(s) in the report's periods are all given" \
    "ok    the 156 file(s) given open the report's commitment to its inputs" \
    "ok    total: $total (95% " \
    "ok    the whole report (tables, titles, labels, notes and every figure) is, byte for byte" \
    "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    V --report report.json cells
expect "--quiet prints failures and the summary only" 0 \
    "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    V --quiet --report report.json cells
cases=$((cases + 1))
[ "$(wc -l <out.txt)" = 2 ] || fail "--quiet printed $(wc -l <out.txt) lines"

# ---- a tampered sketch byte --------------------------------------------------------------
fresh
f=cells/rodakorset/rodakorset_2019H1_gender-F.uks
flip_byte $f $(( $(stat -c %s $f) - 20 ))
expect "a tampered sketch fails" 1 \
    "FAIL  $f: the file changed after \"rodakorset\" signed it" \
    "FAIL  $f: not the file rodakorset's manifest #1 for all (cells/rodakorset.manifest) lists under that name" \
    "VERIFICATION FAILED" -- V --quiet --report report.json cells
back

# ---- a sketch signed by a partner not on the roster ----------------------------------------
fresh
"$UNIKA" sign-keygen --name barnrattsbyran -o outsider >/dev/null
f=cells/uppsok/uppsok_2020H1_gender-M.uks
"$UNIKA" sign --force --key outsider.sec $f >/dev/null
expect "a signer not on the roster fails" 1 \
    "FAIL  $f: signer \"barnrattsbyran\" is not on the roster (partners: raddabarnen, rodakorset, stadsmissionen, uppsok)" \
    "FAIL  total: rests on $f, which failed verification" \
    "VERIFICATION FAILED" -- V --quiet --report report.json cells
back

# ---- a report figure edited by hand ---------------------------------------------------------
fresh
python3 - "$total" <<'PY'
import json, sys
r = json.load(open("report.json"))
for f in r["figures"]:
    if f["id"] == "total":
        f["shown"] = str(int(sys.argv[1]) + 100)
    if f["id"] == "by_org/org=rodakorset":
        f["ci_high"] = f["ci_high"] + 1
json.dump(r, open("report.json", "w"), indent=2)
PY
expect "an edited figure fails" 1 \
    "FAIL  total: the report shows \"$((total + 100))\", the signed files give \"$total\"" \
    "FAIL  by_org/org=rodakorset: ci_high is " \
    "$((nfig - 2)) of $nfig figure(s) reproduced from the signed files; 2 problem(s): VERIFICATION FAILED" -- \
    V --quiet --report report.json cells
back

# ---- a missing input: the commitment does not open, the manifest names it --------------------
fresh
rm cells/uppsok/uppsok_2020H1_gender-M.uks cells/uppsok/uppsok_2020H1_gender-M.uks.sig
expect "a missing input fails" 1 \
    "FAIL  withheld: uppsok's manifest #1 for all (cells/uppsok.manifest) lists uppsok_2020H1_gender-M.uks (period 2020H1, digest " \
    "FAIL  the 155 file(s) given do not open the report's commitment to its inputs" -- \
    V --quiet --report report.json cells
back

# ---- a sketch made under another key, signed by a rightful partner ------------------------------
fresh
"$UNIKA" keygen -o other.key >/dev/null
"$UNIKA" ingest --key other.key --profile "$examples/profiles/uppsok.profile" --org uppsok \
    --by gender "$examples/iop-visits/uppsok.csv" -o other 2>/dev/null
f=cells/uppsok/uppsok_2020H1_gender-M.uks
cp other/uppsok_2020H1_gender-M.uks $f
"$UNIKA" sign --force --key ../uppsok.sec $f >/dev/null
expect "a sketch under another key fails" 1 \
    "FAIL  $f: signed by uppsok, made under key " \
    ", but the roster's partnership key is $("$UNIKA" key fingerprint ../p.key)" -- \
    V --quiet --report report.json cells
back

# ---- a file the report leaves out: the files given do not open its commitment -------------------
fresh
"$UNIKA" report --release-key ../rel.key --format json -o partial.json cells/raddabarnen cells/rodakorset cells/stadsmissionen
expect "a file the report leaves out fails" 1 \
    "FAIL  the 156 file(s) given do not open the report's commitment to its inputs" -- \
    V --quiet --report partial.json cells
expect "the same report, given only its own files and the manifests, names the partner left out" 1 \
    "FAIL  withheld: uppsok's manifest #1 for all (cells/uppsok.manifest) lists " -- \
    V --quiet --report partial.json --manifest cells/uppsok.manifest \
    cells/raddabarnen cells/rodakorset cells/stadsmissionen
back

# ---- without a release key, a report cannot be audited ---------------------------------------
"$UNIKA" report --format json -o unkeyed.json cells || exit 1
expect "a report made without a release key fails" 1 \
    "FAIL  the report commits to no input files (it was made without --release-key): nothing ties it to the files given, so it cannot be audited" -- \
    V --quiet --report unkeyed.json cells
expect "a keyed report needs its release key" 1 \
    "FAIL  the report's inputs are keyed with release key $("$UNIKA" key fingerprint rel.key): give it (--release-key) to check them" -- \
    "$UNIKA" verify --quiet --roster r.roster --coordinator "$PIN" --report report.json cells

# ---- the release step: thresholds, secondary suppression, rounding, noise ---------------------
"$UNIKA" report --format json --release --release-key rel.key --rows period --cols gender -o released.json cells || exit 1
withheld=$(python3 -c 'import json; r=json.load(open("released.json")); print(sum(f["suppression"] == "secondary" for f in r["figures"]), sum(f["suppression"] == "primary" for f in r["figures"]))')
cases=$((cases + 1))
case "$withheld" in "0 "*|*" 0") fail "the released table withholds nothing ($withheld): no test of suppression";; esac
nrel=$(grep -c '"kind": "\(union\|intersection\)"' released.json)
expect "a released table (threshold, secondary suppression, sdc rounding) verifies" 0 \
    "release: threshold 5, secondary suppression on, rounding sdc, noise none" \
    "$nrel of $nrel figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    V --report released.json cells
python3 - <<'PY'
import json
r = json.load(open("released.json"))
f = next(f for f in r["figures"] if f["suppression"] == "secondary")
f.update(suppression="none", suppressed=False, shown="40", value=40, rounding_base=5)
r["release"]["secondary_withheld"] -= 1
open("revealed.id", "w").write(f["id"])
json.dump(r, open("revealed.json", "w"), indent=2)
PY
expect "a withheld figure revealed by hand fails" 1 \
    "FAIL  $(cat revealed.id): the report shows \"40\", the signed files give \"..\", withheld as secondary" -- \
    V --quiet --report revealed.json cells

"$UNIKA" keygen -o other-key.key >/dev/null
"$UNIKA" report --format json --release --noise ckm --release-key rel.key --release-id 2024-final \
    -o noisy.json cells || exit 1
expect "a perturbed report verifies with its release key" 0 \
    "release: threshold 5, secondary suppression on, rounding sdc, noise ckm" \
    "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    V --report noisy.json cells
expect "a perturbed report needs the release key" 1 \
    "FAIL  the report's inputs and noise are keyed with release key $("$UNIKA" key fingerprint rel.key): give it (--release-key) to check them" -- \
    "$UNIKA" verify --roster r.roster --coordinator "$PIN" --report noisy.json cells
expect "another release key is named" 1 \
    "FAIL  the report's release key is $("$UNIKA" key fingerprint rel.key), --release-key is $("$UNIKA" key fingerprint other-key.key)" -- \
    "$UNIKA" verify --release-key other-key.key --roster r.roster --coordinator "$PIN" --report noisy.json cells

# ---- one release step for both: each parameter changes the report, and verify follows ----------
# report and verify call the same library function (unika_release_apply): for
# every parameter below the published figures differ from the default report's,
# and verify reproduces each report exactly; a report whose stamped parameter
# is edited afterwards (figures untouched) fails.
shown_of() { python3 -c 'import json,sys; print(" ".join(f["shown"] for f in json.load(open(sys.argv[1]))["figures"]))' "$1"; }
base_shown=$(shown_of report.json)
i=0
for params in "--min-count 40" "--min-count 40 --secondary off" "--round base5" "--round base10" \
              "--round sdc" "--noise ckm --release-id p1" "--noise geometric:0.5 --release-id p1"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    "$UNIKA" report --format json --release-key rel.key $params -o "param$i.json" cells || exit 1
    cases=$((cases + 1))
    [ "$(shown_of "param$i.json")" != "$base_shown" ] || fail "report $params: the figures did not change"
    expect "report $params: verify follows" 0 \
        "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
        V --report "param$i.json" cells
done
python3 - <<'PY'
import json
r = json.load(open("param4.json"))             # made with --round base10
r["release"]["rounding"] = "base5"
json.dump(r, open("restamped.json", "w"), indent=2)
PY
expect "a report whose rounding is restamped fails" 1 \
    "release: threshold 5, secondary suppression on, rounding base5, noise none" \
    "FAIL  by_half-year/period=2018H1: the report shows \"280\", the signed files give \"275\"" -- \
    V --report restamped.json cells

# ---- merged inputs: their provenance (docs/format.md §6.2) ----------------------------------------
# A partner merges its own cells (one org: the label survives) and signs the
# merge; a report over merged files is verified with each FILE.prov checked
# against the Merkle root the signed file commits to.
mkdir -p merged/uppsok
"$UNIKA" merge --sign uppsok.sec -o merged/uppsok/all.uks cells/uppsok >/dev/null || exit 1
n_up=$(ls cells/uppsok/*.uks | wc -l)
"$UNIKA" report --format json --release-key rel.key -o merged.json merged || exit 1
expect "verify checks a merged input's provenance" 0 \
    "merged/uppsok/all.uks: provenance: the $n_up partner files merged/uppsok/all.uks.prov lists are the ones it commits to" \
    "0 problem(s): verified" -- V --without-manifests --report merged.json merged
mv merged/uppsok/all.uks.prov all.prov.away
expect "a merged input without its provenance file fails" 1 \
    "merged/uppsok/all.uks: a merged sketch of $n_up sources whose provenance cannot be checked" -- \
    V --without-manifests --report merged.json merged
"$UNIKA" merge -o other.uks cells/rodakorset >/dev/null || exit 1
cp other.uks.prov merged/uppsok/all.uks.prov
expect "another merge's provenance file fails" 1 "merged/uppsok/all.uks: a merged sketch of" \
    "provenance count: the sketch commits to $n_up records" -- \
    V --without-manifests --report merged.json merged
mv all.prov.away merged/uppsok/all.uks.prov

# ---- refusals -----------------------------------------------------------------------------------
printf '{"schema": "unika-report", "version": 2,\n  "figures": [1,]}\n' >broken.json
expect "malformed JSON names line and column" 1 \
    "unika verify: broken.json: not a report verify can read: JSON line 2, column 17: an unexpected character" -- \
    V --report broken.json cells
expect "--roster is required" 2 "unika verify: --roster ROSTER is required" -- \
    "$UNIKA" verify --report report.json cells

echo "verify.sh: $((cases - failures)) of $cases cases passed"
[ "$failures" -eq 0 ]
