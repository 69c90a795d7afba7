#!/usr/bin/env bash
# verify.sh - CLI tests for `unika verify` on the bundled example data:
# an untouched set verifies; a tampered sketch byte, a signer not on the
# roster, a hand-edited report figure, a missing input and a sketch made
# under another key each fail with their own clear reason.
#
#   usage: verify.sh [path/to/unika]     (or UNIKA=... in the environment)
set -u
UNIKA=${1:-${UNIKA:-unika}}
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

# ---- a partnership: a derived (so reproducible) key, four signed partners -----------
printf 'correct horse battery staple orbit lantern quarry\n' >pass.txt
"$UNIKA" keygen -o p.key --passphrase-file pass.txt --salt unika-verify-test >/dev/null || exit 1
partners="raddabarnen rodakorset stadsmissionen uppsok"
mkdir cells
for org in $partners; do
    "$UNIKA" sign-keygen --name "$org" -o "$org" >/dev/null || exit 1
    "$UNIKA" ingest --key p.key --profile "$examples/profiles/$org.profile" --org "$org" \
        --by gender "$examples/iop-visits/$org.csv" -o "cells/$org" 2>/dev/null || exit 1
    "$UNIKA" sign --key "$org.sec" cells/"$org"/*.uks >/dev/null || exit 1
done
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint p.key)" -o r.roster \
    raddabarnen.pub rodakorset.pub stadsmissionen.pub uppsok.pub >/dev/null || exit 1
"$UNIKA" report --format json -o report.json cells || exit 1
nfig=$(grep -c '"kind": "\(union\|intersection\)"' report.json)
total=$(python3 -c 'import json,sys; r=json.load(open("report.json")); print([f["shown"] for f in r["figures"] if f["id"]=="total"][0])')

fresh() { rm -rf t && mkdir t && cp -r cells report.json t/ && cd t || exit 1; }

# ---- the untouched set ------------------------------------------------------------------
expect "an untouched set verifies" 0 \
    "ok    report made under the roster's partnership key" \
    "ok    cells/rodakorset/rodakorset_2019H1_gender-F.uks: signed by rodakorset; partnership key and recipe as the report's" \
    "ok    total: $total (95% " \
    "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    "$UNIKA" verify --roster r.roster --report report.json cells
expect "--quiet prints failures and the summary only" 0 \
    "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    "$UNIKA" verify --quiet --roster r.roster --report report.json cells
cases=$((cases + 1))
[ "$(wc -l <out.txt)" = 2 ] || fail "--quiet printed $(wc -l <out.txt) lines"

# ---- a tampered sketch byte --------------------------------------------------------------
fresh
f=cells/rodakorset/rodakorset_2019H1_gender-F.uks
printf '\001' | dd of=$f bs=1 seek=$(( $(stat -c %s $f) - 20 )) conv=notrunc 2>/dev/null
expect "a tampered sketch fails" 1 \
    "FAIL  $f: the file changed after \"rodakorset\" signed it" \
    "FAIL  total: rests on 1 cited file(s) that were not given or not readable" \
    "VERIFICATION FAILED" -- "$UNIKA" verify --quiet --roster ../r.roster --report report.json cells
cd ..

# ---- a sketch signed by a partner not on the roster ----------------------------------------
fresh
"$UNIKA" sign-keygen --name barnrattsbyran -o outsider >/dev/null
f=cells/uppsok/uppsok_2020H1_gender-M.uks
"$UNIKA" sign --force --key outsider.sec $f >/dev/null
expect "a signer not on the roster fails" 1 \
    "FAIL  $f: signer \"barnrattsbyran\" is not on the roster (partners: raddabarnen, rodakorset, stadsmissionen, uppsok)" \
    "FAIL  total: rests on $f, which failed verification" \
    "VERIFICATION FAILED" -- "$UNIKA" verify --quiet --roster ../r.roster --report report.json cells
cd ..

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
    "$UNIKA" verify --quiet --roster ../r.roster --report report.json cells
cd ..

# ---- a missing input ------------------------------------------------------------------------
fresh
rm cells/uppsok/uppsok_2020H1_gender-M.uks cells/uppsok/uppsok_2020H1_gender-M.uks.sig
expect "a missing input fails" 1 \
    "FAIL  missing input: the report cites " \
    "(cells/uppsok/uppsok_2020H1_gender-M.uks gender=M,org=uppsok,period=2020H1" \
    "FAIL  total: rests on 1 cited file(s) that were not given or not readable" -- \
    "$UNIKA" verify --quiet --roster ../r.roster --report report.json cells
cd ..

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
    "$UNIKA" verify --quiet --roster ../r.roster --report report.json cells
cd ..

# ---- a file the report leaves out -------------------------------------------------------------
fresh
"$UNIKA" report --format json -o partial.json cells/raddabarnen cells/rodakorset cells/stadsmissionen
expect "a file the report leaves out fails" 1 \
    "FAIL  cells/uppsok/uppsok_2017H2_gender-F.uks: not among the report's inputs" \
    "FAIL  total: its filter selects 39 file(s) the report does not cite in inputs" -- \
    "$UNIKA" verify --quiet --roster ../r.roster --report partial.json cells
cd ..

# ---- the release step: thresholds, secondary suppression, rounding, noise ---------------------
"$UNIKA" report --format json --release --rows period --cols gender -o released.json cells || exit 1
withheld=$(python3 -c 'import json; r=json.load(open("released.json")); print(sum(f["suppression"] == "secondary" for f in r["figures"]), sum(f["suppression"] == "primary" for f in r["figures"]))')
cases=$((cases + 1))
case "$withheld" in "0 "*|*" 0") fail "the released table withholds nothing ($withheld): no test of suppression";; esac
nrel=$(grep -c '"kind": "\(union\|intersection\)"' released.json)
expect "a released table (threshold, secondary suppression, sdc rounding) verifies" 0 \
    "release: threshold 5, secondary suppression on, rounding sdc, noise none" \
    "$nrel of $nrel figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    "$UNIKA" verify --roster r.roster --report released.json cells
python3 - <<'PY'
import json
r = json.load(open("released.json"))
f = next(f for f in r["figures"] if f["suppression"] == "secondary")
f.update(suppression="none", suppressed=False, shown="40", value=40, rounding_base=5)
open("revealed.id", "w").write(f["id"])
json.dump(r, open("revealed.json", "w"), indent=2)
PY
expect "a withheld figure revealed by hand fails" 1 \
    "FAIL  $(cat revealed.id): the report shows \"40\", the signed files give \"..\", withheld as secondary" -- \
    "$UNIKA" verify --quiet --roster r.roster --report revealed.json cells

"$UNIKA" keygen -o noise.key >/dev/null
"$UNIKA" keygen -o other-noise.key >/dev/null
"$UNIKA" report --format json --release --noise ckm --noise-key noise.key --release-id 2024-final \
    -o noisy.json cells || exit 1
expect "a perturbed report verifies with its noise key" 0 \
    "release: threshold 5, secondary suppression on, rounding sdc, noise ckm" \
    "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
    "$UNIKA" verify --noise-key noise.key --roster r.roster --report noisy.json cells
expect "a perturbed report needs the noise key" 1 \
    "FAIL  the report's figures carry noise: give the release noise key (--noise-key) to recompute them" -- \
    "$UNIKA" verify --roster r.roster --report noisy.json cells
expect "another noise key is named" 1 \
    "FAIL  the report's noise key is $("$UNIKA" key fingerprint noise.key), --noise-key is $("$UNIKA" key fingerprint other-noise.key)" -- \
    "$UNIKA" verify --noise-key other-noise.key --roster r.roster --report noisy.json cells

# ---- one release step for both: each parameter changes the report, and verify follows ----------
# report and verify call the same library function (unika_release_apply): for
# every parameter below the published figures differ from the default report's,
# and verify reproduces each report exactly; a report whose stamped parameter
# is edited afterwards (figures untouched) fails.
shown_of() { python3 -c 'import json,sys; print(" ".join(f["shown"] for f in json.load(open(sys.argv[1]))["figures"]))' "$1"; }
base_shown=$(shown_of report.json)
i=0
for params in "--min-count 40" "--min-count 40 --secondary off" "--round base5" "--round base10" \
              "--round sdc" "--noise ckm --noise-key noise.key --release-id p1" \
              "--noise geometric:0.5 --noise-key noise.key --release-id p1"; do
    i=$((i + 1))
    # shellcheck disable=SC2086
    "$UNIKA" report --format json $params -o "param$i.json" cells || exit 1
    cases=$((cases + 1))
    [ "$(shown_of "param$i.json")" != "$base_shown" ] || fail "report $params: the figures did not change"
    expect "report $params: verify follows" 0 \
        "$nfig of $nfig figure(s) reproduced from the signed files; 0 problem(s): verified" -- \
        "$UNIKA" verify --noise-key noise.key --roster r.roster --report "param$i.json" cells
done
python3 - <<'PY'
import json
r = json.load(open("param4.json"))             # made with --round base10
r["release"]["rounding"] = r["suppression"]["rounding"] = "base5"
json.dump(r, open("restamped.json", "w"), indent=2)
PY
expect "a report whose rounding is restamped fails" 1 \
    "release: threshold 5, secondary suppression on, rounding base5, noise none" \
    "FAIL  by_half-year/period=2018H1: the report shows \"280\", the signed files give \"275\"" -- \
    "$UNIKA" verify --roster r.roster --report restamped.json cells

# ---- refusals -----------------------------------------------------------------------------------
printf '{"schema": "unika-report", "version": 1,\n  "figures": [1,]}\n' >broken.json
expect "malformed JSON names line and column" 1 \
    "unika verify: broken.json: not a report verify can read: JSON line 2, column 17: an unexpected character" -- \
    "$UNIKA" verify --roster r.roster --report broken.json cells
expect "--roster is required" 2 "unika verify: --roster ROSTER is required" -- \
    "$UNIKA" verify --report report.json cells

echo "verify.sh: $((cases - failures)) of $cases cases passed"
[ "$failures" -eq 0 ]
