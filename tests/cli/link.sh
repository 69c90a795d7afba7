#!/usr/bin/env bash
# link.sh - the linkage path by role: partners write signed match-key files of
# examples/iop-visits, the linker resolves them (`unika link`), the analyst
# reports its cells, the auditor re-runs it (`unika verify-link`). Bad inputs
# are refused by name with nothing written; tampering fails the audit.
source "$(dirname "$0")/testlib.bash"
EX=$SRC/examples
ORGS="raddabarnen rodakorset stadsmissionen uppsok"

# ---- setup: keys, roster with the linker, the partners' files --------------------
"$UNIKA" keygen -o pk >/dev/null
"$UNIKA" keygen -o other.key >/dev/null
for o in $ORGS linker; do "$UNIKA" sign-keygen --name "$o" -o "$o" >/dev/null; done
"$UNIKA" sign-keygen --name outsider -o outsider >/dev/null
"$UNIKA" sign-keygen --name steering -o steering >/dev/null # the coordinator
PIN=$("$UNIKA" key fingerprint steering.pub)
fp=$("$UNIKA" key fingerprint pk)
check_has "a roster with a linker" 0 "" -- "$UNIKA" roster make --key-fingerprint "$fp" --sign steering.sec \
    --linker linker.pub -o r.roster raddabarnen.pub rodakorset.pub stadsmissionen.pub uppsok.pub
assert "the roster names the linker, for every partner's organisation" \
    grep -q '^linker: linker ed25519:[0-9a-f]* orgs=raddabarnen,rodakorset,stadsmissionen,uppsok$' r.roster
"$UNIKA" roster make --key-fingerprint "$fp" --sign steering.sec -o nolinker.roster raddabarnen.pub rodakorset.pub \
    stadsmissionen.pub uppsok.pub >/dev/null
for o in $ORGS; do
    "$UNIKA" matchkeys --key pk --profile "$EX/profiles/$o.profile" --org "$o" --by gender \
        --sign "$o.sec" "$EX/iop-visits/$o.csv" -o "$o.umk" 2>/dev/null || echo "matchkeys $o failed"
done
check "link-keygen" 0 "HEX" "" -- "$UNIKA" link-keygen -o linker.seed
assert "the seed is private" test "$(stat -c %a linker.seed)" = 600
check_has "link-keygen keeps an existing seed" 1 "already exists" -- "$UNIKA" link-keygen -o linker.seed
"$UNIKA" link-keygen -o other.seed >/dev/null

L() { "$UNIKA" link --roster r.roster --coordinator "$PIN" --seed linker.seed --sign linker.sec "$@"; }
UMK="raddabarnen.umk rodakorset.umk stadsmissionen.umk uppsok.umk"

# ---- the resolution ---------------------------------------------------------------
check_has "link the four partners" 0 "wrote 156 cells, estimates.json and manifest.json to out, signed" -- \
    L --by gender $UMK -o out --debug-clusters clusters.csv
assert "... with m measured, nothing said of it" sh -c '! grep -q "too few people" err.txt'
assert "a cell per organisation, half-year and gender, and the manifest" \
    test "$(ls out | grep -c '_draw-0\.uks$')" = 156 -a -f out/manifest.json
assert "every output signed" test "$(ls out | grep -c '\.sig$')" = 158
check "--quiet prints nothing" 0 "" "" -- L --by gender --quiet $UMK -o outq
assert "--quiet writes the same outputs" cmp out/estimates.json outq/estimates.json
check_has "the cells verify as the linker's against the roster" 0 "" -- \
    "$UNIKA" roster check --coordinator "$PIN" r.roster out/raddabarnen_2019H1_gender-M_draw-0.uks out/manifest.json
assert "the cells are labelled draw=0" grep -q "draw *= *0" <("$UNIKA" inspect out/uppsok_2019H1_gender-M_draw-0.uks)
persons=$(grep -o '"persons": [0-9]*' out/manifest.json | grep -o '[0-9]*$')
assert "the estimates: every figure's interval holds its estimate, the total's resolved count is the manifest's" \
    python3 -c "
import json
e = json.load(open('out/estimates.json')); m = json.load(open('out/manifest.json'))
assert e['figures'], 'no figures'
for f in e['figures']:
    assert f['ci_low'] <= f['estimate'] <= f['ci_high'], f
    assert f['se'] >= 0, f
    assert f['excess'] < f['strong'] or f['strong'] == f['excess'] == 0, f
    assert f['estimate'] >= f['strong'] - f['excess'] - 1e-3, f
orgs = sorted({o for f in e['figures'] for o in f['orgs']})
tot = [f for f in e['figures'] if sorted(f['orgs']) == orgs and f['period'] == 'all' and f['gender'] == 'all']
assert len(tot) == 1 and tot[0]['resolved'] == m['counts']['persons'], (tot, m['counts'])
"

assert "the estimates name version 25 and its rates: m measured, m_dup, the agreement curve, m by partners, r by identifier" \
    python3 -c "
import json
e = json.load(open('out/estimates.json'))
assert e['version'] == 6 and e['estimator']['version'] == 25, (e['version'], e['estimator'])
r = e['rates']
assert r['m_measured'] is True, r  # four partners, three of them with strong records
assert 0 < r['m_dup'] <= 1 and 0 < r['m_pair'] <= 1, r
lv = r['m_eq0_by_partners']  # against 1, 2, 3 other partners: the four files' levels
assert len(lv) == 3 and all(0 < x <= 1 for p in lv for x in p), lv
for o, x in r['by_org'].items():  # each class's rate, or r for both where not measured apart
    with_id, without = x['r_by_identifier']
    assert 0 <= with_id <= 1 and 0 <= without <= 1, (o, x)
a = r['agreement']
assert 2 <= len(a) <= 10, a
xs = [p[0] for p in a]; ys = [p[1] for p in a]
assert xs == sorted(xs) and all(0 < y < 1 for y in ys), a
"

assert "the count lies within 4% of the 3,000 people" test "$persons" -gt 2880 -a "$persons" -lt 3120
assert "the range holds the count" python3 -c "
import json; c = json.load(open('out/manifest.json'))['counts']
assert c['low'] <= c['persons'] <= c['high'], c"
"$UNIKA" report --format json --min-count 0 -o report.json out 2>/dev/null
assert "the report's total is the resolution's count (exact at p = 14)" python3 -c "
import json; r = json.load(open('report.json'))
t = [f for f in r['figures'] if f['id'] == 'total'][0]
assert abs(t['estimate'] - $persons) <= 1, (t['estimate'], $persons)"
assert "the debug output maps every profile, without values" python3 -c "
import csv; rows = list(csv.DictReader(open('clusters.csv')))
assert len(rows) > 4000 and set(rows[0]) == {'org', 'profile', 'rows', 'cluster', 'person', 'kind', 'profile_digest'}"
check_has "the same inputs in another order give the same bytes" 0 "" -- \
    L --by gender uppsok.umk stadsmissionen.umk raddabarnen.umk rodakorset.umk -o out2
assert "byte-identical outputs and signatures" diff -r out out2
check_has "another seed: another resolution fingerprint" 0 "" -- \
    "$UNIKA" link --roster r.roster --coordinator "$PIN" --seed other.seed --sign linker.sec --by gender $UMK -o out3
assert "the cells differ" test "$(cksum <out/uppsok_2019H1_gender-M_draw-0.uks)" != \
    "$(cksum <out3/uppsok_2019H1_gender-M_draw-0.uks)"
check_has "cells of two resolutions never merge" 1 "different keys" -- \
    "$UNIKA" merge -o m.uks out/uppsok_2019H1_gender-M_draw-0.uks out3/uppsok_2019H1_gender-M_draw-0.uks
check_has "an existing output directory is kept" 1 "exists and is not empty" -- L $UMK -o out

# ---- bad inputs: refused by name, nothing written --------------------------------
refused() { # NAME STDERR FILES...
    local name=$1 want=$2
    shift 2
    check_has "$name" 1 "$want" -- L "$@" -o bad
    assert "$name: nothing written" test ! -e bad
}
refused "a file given twice" "uppsok.umk: the same file as uppsok.umk (given twice)" \
    uppsok.umk rodakorset.umk uppsok.umk
"$UNIKA" matchkeys --key pk --profile "$EX/profiles/uppsok.profile" --org uppsok --period year \
    --sign uppsok.sec "$EX/iop-visits/uppsok.csv" -o uppsok2.umk 2>/dev/null
refused "two files of one organisation" "a second match-key file of organisation uppsok" \
    uppsok.umk uppsok2.umk
"$UNIKA" matchkeys --key other.key --profile "$EX/profiles/uppsok.profile" --org uppsok \
    --sign uppsok.sec "$EX/iop-visits/uppsok.csv" -o otherkey.umk 2>/dev/null
refused "another partnership key" "but the roster's partnership key is" rodakorset.umk otherkey.umk
cp uppsok.umk unsigned.umk
refused "an unsigned file" "not signed" rodakorset.umk unsigned.umk
cp uppsok.umk forsaken.umk
"$UNIKA" sign --key rodakorset.sec forsaken.umk >/dev/null
refused "a signer not allowed for the organisation" \
    'signed by "rodakorset", who may not sign for organisation uppsok' rodakorset.umk forsaken.umk
cp uppsok.umk stranger.umk
"$UNIKA" sign --key outsider.sec stranger.umk >/dev/null
refused "a signer not on the roster" 'signer "outsider" is not on the roster' stranger.umk
head -c 5000 uppsok.umk >truncated.umk
"$UNIKA" sign --key uppsok.sec truncated.umk >/dev/null
refused "a truncated file" "truncated.umk: truncated" rodakorset.umk truncated.umk
cp uppsok.umk v3.umk
printf '\003' | dd of=v3.umk bs=1 seek=8 conv=notrunc 2>/dev/null
"$UNIKA" sign --key uppsok.sec v3.umk >/dev/null
refused "an unknown format version" "format version: expected 2, got 3" v3.umk
cp "$SRC/tests/golden/v1/mk_small.umk" v1.umk
refused "the layout before token indexes" "expected 2, got 1" v1.umk
refused "a --by field the files lack" "has no --by age_group" --by age_group $UMK
refused "records of a name and a year alone (the outreach unit's)" \
    "no strong cluster to measure the estimator's rates on: none of the" uppsok.umk
check_has "a roster without a linker" 1 "the roster names no linker" -- \
    "$UNIKA" link --roster nolinker.roster --coordinator "$PIN" --seed linker.seed --sign linker.sec $UMK -o bad
check_has "a signing key that is not the roster's linker" 1 'but the roster'"'"'s linker is "linker"' -- \
    "$UNIKA" link --roster r.roster --coordinator "$PIN" --seed linker.seed --sign uppsok.sec $UMK -o bad
check_has "the seed is required" 2 "--seed SEED is required" -- \
    "$UNIKA" link --roster r.roster --coordinator "$PIN" --sign linker.sec $UMK -o bad
assert "nothing written by the refusals" test ! -e bad

# ---- the audit ---------------------------------------------------------------------
V() { "$UNIKA" verify-link --roster r.roster --coordinator "$PIN" --seed linker.seed "$@"; }
check_has "the auditor re-runs the resolution" 0 "" -- V out $UMK
assert "... and says so" grep -q "the resolution is reproduced" out.txt
fails() { # NAME STDOUT_SUBSTRING ARGS...
    local name=$1 want=$2
    shift 2
    cases=$((cases + 1))
    V "$@" >out.txt 2>err.txt
    local rc=$?
    if [ "$rc" != 1 ] || ! grep -qF -- "$want" out.txt; then
        report_failure "$name" "$rc" 1
        echo "  expected stdout to contain: $want"
    fi
}
fails "a dropped partner file" "missing input: the manifest names organisation uppsok's file" \
    out raddabarnen.umk rodakorset.umk stadsmissionen.umk
cp uppsok.umk changed.umk
"$UNIKA" matchkeys --key pk --profile "$EX/profiles/uppsok.profile" --org uppsok --by gender \
    --sign uppsok.sec <(head -n 400 "$EX/iop-visits/uppsok.csv") -o changed.umk --force 2>/dev/null
fails "a changed match-key file, signed again by its partner" \
    "is not among the manifest's inputs" out raddabarnen.umk rodakorset.umk stadsmissionen.umk changed.umk
cp uppsok.umk flipped.umk
cp uppsok.umk.sig flipped.umk.sig
flip_byte flipped.umk 300
fails "a changed match-key file" "a match-key file was refused" \
    out raddabarnen.umk rodakorset.umk stadsmissionen.umk flipped.umk
check_has "... and why" 1 "flipped.umk" -- V out raddabarnen.umk rodakorset.umk stadsmissionen.umk flipped.umk
fails "the wrong seed" "resolution fingerprint: the manifest says" --seed other.seed out $UMK
cp -r out forged
flip_byte forged/uppsok_2019H1_gender-M_draw-0.uks 120
fails "a cell changed after the linker signed it" \
    "uppsok_2019H1_gender-M_draw-0.uks: the file changed after \"linker\" signed it" forged $UMK
"$UNIKA" sign --force --key linker.sec forged/uppsok_2019H1_gender-M_draw-0.uks >/dev/null
fails "a forged cell the linker signed" "uppsok_2019H1_gender-M_draw-0.uks: differs from the re-run" \
    forged $UMK
rm -rf forged && cp -r out forged
python3 - forged/estimates.json <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
d["figures"][0]["estimate"] += 25  # a linker that publishes more people than it found
json.dump(d, open(sys.argv[1], "w"), indent=1)
PY
"$UNIKA" sign --force --key linker.sec forged/estimates.json >/dev/null
fails "edited estimates the linker signed again" "estimates.json: differs from the re-run" forged $UMK
# Another platform's libm may move an estimate's last printed digit by one
# (bench/bench_libm.py): the audit accepts that, and nothing more, and the
# manifest must name the estimates published.
last_digit() { # DIR UNITS [manifest|count]: the first estimate (or count) moved by UNITS
    python3 - "$1" "$2" "${3:-}" <<'PY'
import hashlib, re, sys
d, units, what = sys.argv[1], int(sys.argv[2]), sys.argv[3]
digest = lambda b: hashlib.blake2b(b, digest_size=32).hexdigest()
text = open(d + "/estimates.json").read()
old = digest(text.encode())
if what == "count":  # a resolved count, an integer: no libm computes it
    m = re.search(r'"resolved": (\d+)', text)
    text = text[:m.start(1)] + str(int(m.group(1)) + units) + text[m.end(1):]
else:
    m = re.search(r'"estimate": (\d+)\.(\d{3})', text)
    value = int(m.group(1)) * 1000 + int(m.group(2)) + units
    text = text[:m.start(1)] + "%d.%03d" % divmod(value, 1000) + text[m.end(2):]
manifest = what != ""
open(d + "/estimates.json", "w").write(text)
if manifest:
    mt = open(d + "/manifest.json").read()
    assert mt.count(old) == 1
    open(d + "/manifest.json", "w").write(mt.replace(old, digest(text.encode())))
PY
    "$UNIKA" sign --force --key linker.sec "$1/estimates.json" >/dev/null
    "$UNIKA" sign --force --key linker.sec "$1/manifest.json" >/dev/null
}
rm -rf forged && cp -r out forged && last_digit forged -1 manifest
check_has "an estimate one unit apart in its last digit, as another libm makes it" 0 "" -- \
    V forged $UMK
assert "... and says so" grep -qF \
    "as the re-run makes it but for 1 number(s) one unit apart in their last printed digit" out.txt
rm -rf forged && cp -r out forged && last_digit forged 2 manifest
fails "an estimate two units apart" "estimates.json: differs from the re-run (line" forged $UMK
rm -rf forged && cp -r out forged && last_digit forged 1
fails "... and one unit apart, the manifest naming the re-run's" "manifest.json: line" forged $UMK
rm -rf forged && cp -r out forged && last_digit forged 1 count
fails "a resolved count one apart" "estimates.json: differs from the re-run (line" forged $UMK
rm -rf forged && cp -r out forged
sed -i "s/\"persons\": $persons/\"persons\": $((persons - 40))/" forged/manifest.json
"$UNIKA" sign --force --key linker.sec forged/manifest.json >/dev/null
fails "a manifest with another count, signed" "manifest.json: line" forged $UMK
check_has "a changed parameter: link with tau 0.2" 0 "" -- L --by gender --tau 0.2 $UMK -o tau
sed -i 's/"tau": 0.2,/"tau": 0.05,/' tau/manifest.json
"$UNIKA" sign --force --key linker.sec tau/manifest.json >/dev/null
fails "... but claim 0.05" "resolution fingerprint: the manifest says" tau $UMK
fails "... its cells do not follow" "differs from the re-run" tau $UMK
rm -f tau/manifest.json.sig
fails "an unsigned manifest" "manifest.json: not signed" tau $UMK

# ---- the report over the linker's cells, audited ---------------------------------
"$UNIKA" keygen -o release.key >/dev/null # the aggregator's release key
"$UNIKA" report --release-key release.key --format json -o linked.json out 2>/dev/null
VR() { "$UNIKA" verify --roster r.roster --coordinator "$PIN" --release-key release.key \
    --report linked.json "$@"; }
check_has "verify a report over the linker's cells" 0 "" -- VR --link-manifest out/manifest.json out
assert "... every figure reproduced" grep -q "0 problem(s): verified" out.txt
check_has "without the manifest, the cells are not under the partnership key" 1 "" -- VR out
cp -r out mixed && cp out3/uppsok_2019H1_gender-M_draw-0.uks out3/uppsok_2019H1_gender-M_draw-0.uks.sig mixed/
check_has "a cell of another resolution" 1 "" -- VR --link-manifest out/manifest.json mixed
assert "... is named" grep -q "not a cell of the linker's resolution" out.txt

# ---- the report corrected for linkage error (docs/linkage.md 15), audited ----------
"$UNIKA" report --release-key release.key --estimates out/estimates.json --format json \
    -o corrected.json out 2>/dev/null
assert "the corrected report: every figure has its deterministic count and mode" python3 -c "
import json
r = json.load(open('corrected.json')); e = json.load(open('out/estimates.json'))
assert r['release']['linkage_resolution'] == e['resolution']
tot = [f for f in r['figures'] if f['id'] == 'total'][0]
et = [f for f in e['figures'] if len(f['orgs']) == 4 and f['period'] == 'all' and f['gender'] == 'all'][0]
assert abs(tot['estimate'] - et['estimate']) < 1e-6, (tot, et)
assert tot['deterministic'] > tot['estimate'] and tot['mode']['kind'] == 'corrected'
assert all(f['mode']['kind'] == 'corrected' for f in r['figures'])
assert all(f['mode']['m_measured'] is True for f in r['figures'])
"
"$UNIKA" report --release-key release.key --estimates out/estimates.json --format markdown \
    --round base10 -o corrected.md out 2>/dev/null
assert "the corrected markdown says the linkage error is in the intervals" \
    grep -qF -- "- Linkage: in the intervals. Every figure is corrected" corrected.md
assert "... and never that it is not" sh -c '! grep -q "not in the intervals" corrected.md'
assert "... and of which errors its intervals are" \
    grep -qF -- "- Intervals: 95% intervals of the linkage and the sketch error" corrected.md
assert "... and, with m measured, never that it was assumed" sh -c '! grep -q "^- Agreement" corrected.md'
VE() { "$UNIKA" verify --roster r.roster --coordinator "$PIN" --release-key release.key \
    --link-manifest out/manifest.json "$@"; }
check_has "verify re-derives every corrected figure" 0 "" -- \
    VE --report corrected.json --estimates out/estimates.json out
assert "... and says so" grep -q "0 problem(s): verified" out.txt
check_has "a corrected report needs the estimates" 1 "give them with --estimates" -- \
    VE --report corrected.json out
check_has "estimates of another resolution" 1 "not the estimates the report names" -- \
    VE --report corrected.json --estimates out3/estimates.json out
python3 - corrected.json edited.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
for f in r["figures"]:
    if f["id"] == "by_org/org=uppsok":
        for k in ("estimate", "ci_low", "ci_high"): f[k] += 30
json.dump(r, open(sys.argv[2], "w"), indent=2)
PY
check_has "a corrected figure edited" 1 "" -- VE --report edited.json --estimates out/estimates.json out
assert "... is named" grep -q "FAIL  by_org/org=uppsok: estimate is" out.txt
check_has "the cells of another resolution refused by report --estimates" 1 \
    "not a cell of that resolution" -- "$UNIKA" report --estimates out3/estimates.json out

# One strong partner with the outreach unit: too few people have an identifier or full
# date at both to measure the partners' agreement m (docs/linkage.md 15, "Agreement not
# measured"). Every figure's mode and every rendering says it was assumed.
check_has "link says it could not measure m" 0 \
    "unika link: too few people have an identifier or a full birth date at two partners" -- \
    L --by gender stadsmissionen.umk uppsok.umk -o sm
L --by gender stadsmissionen.umk uppsok.umk -o sm-json --json --quiet >sm-link.json 2>/dev/null
assert "... and --json says m_measured false" python3 -c "
import json; assert json.load(open('sm-link.json'))['m_measured'] is False"
"$UNIKA" report --release-key release.key --estimates sm/estimates.json --format json \
    -o sm.json sm 2>/dev/null
assert "m not measured: the estimates and every figure's mode say so" python3 -c "
import json
e = json.load(open('sm/estimates.json')); r = json.load(open('sm.json'))
assert e['rates']['m_measured'] is False
assert r['figures'] and all(f['mode']['m_measured'] is False for f in r['figures'])
assert 'not measured' in r['release']['linkage'], r['release']['linkage']
low = 'from %.2f to 1' % e['rates']['m_eq0_rare']
assert low in r['release']['linkage'], (low, r['release']['linkage'])
"
"$UNIKA" report --from sm.json --format markdown -o sm.md
assert "... the markdown's release notes" grep -qF -- "- Agreement: too few people have" sm.md
"$UNIKA" report --from sm.json --format html --lang en -o sm.html
assert "... the board's page, in English" grep -qF "So the estimate assumes only" sm.html
"$UNIKA" report --from sm.json --format html --lang sv -o sm.sv.html
assert "... and in Swedish" grep -qF "Skattningen antar därför bara" sm.sv.html
assert "... never on the four partners' page" sh -c \
    "'$UNIKA' report --from corrected.json --format html -o c.html && ! grep -q 'antar därför' c.html"
VS() { "$UNIKA" verify --roster r.roster --coordinator "$PIN" --release-key release.key \
    --link-manifest sm/manifest.json --estimates sm/estimates.json "$@" sm; }
check_has "verify re-derives the report of an unmeasured m" 0 "" -- VS --report sm.json
sed 's/"m_measured": false/"m_measured": true/' sm.json >sm-edited.json
check_has "a report that hides the assumption fails" 1 "" -- VS --report sm-edited.json
assert "... named" grep -qF '"m_measured": true` where it should be `        "m_measured": false`' out.txt
sed 's/"m_measured": false/"m_measured": 0/' sm/estimates.json >sm-m0.json
check_has "estimates whose m_measured is not true or false are refused" 1 \
    "sm-m0.json: rates.m_measured must be true or false (schema version 6)" -- \
    "$UNIKA" report --estimates sm-m0.json sm

# The overlaps of two partners are the estimator's own (estimates version 5), their
# error taken once: narrower than the three figures' errors added as if independent.
"$UNIKA" report --release-key release.key --estimates out/estimates.json --overlap org \
    --min-count 0 --format json -o overlaps.json out 2>/dev/null
assert "a corrected overlap is the estimates' own, narrower than three independent errors" \
    python3 -c "
import json
r = json.load(open('overlaps.json')); e = json.load(open('out/estimates.json'))
whole = {(frozenset(f['orgs']), f['gender']): f for f in e['figures']
         if f['period'] == 'all' and 'by' not in f}
seen = 0
for f in r['figures']:
    if not f['id'].startswith('overlap_org/'): continue
    a, b = [p.split('=')[1] for p in f['id'].split('/')[1].split('&')]
    ov = whole[(frozenset((a, b)), 'all')]['overlap']
    fa, fb, fab = (whole[(frozenset(k), 'all')] for k in ((a,), (b,), (a, b)))
    assert abs(f['estimate'] - ov['estimate']) < 1e-6, (f, ov)
    assert abs(ov['estimate'] - (fa['estimate'] + fb['estimate'] - fab['estimate'])) < 0.004
    assert ov['se'] < (fa['se'] ** 2 + fb['se'] ** 2 + fab['se'] ** 2) ** 0.5, (ov, fa, fb, fab)
    assert abs(f['ci_high'] - ov['ci_high']) < 1e-6, (f, ov)
    seen += 1
assert seen == 6, seen
"
check_has "verify re-derives the corrected overlaps" 0 "" -- \
    VE --report overlaps.json --estimates out/estimates.json out
python3 - out/estimates.json no-se.json <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
for f in e["figures"]:
    f.get("overlap", {}).pop("se", None)
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY
check_has "an overlap without its standard error is refused, and nothing written" 1 \
    "an overlap of the linker's estimates lacks its numbers" -- \
    "$UNIKA" report --estimates no-se.json --overlap org --format json -o no-se-report.json out
assert "... no report" test ! -e no-se-report.json
# An estimates file of schema 4 has no overlaps: the report derives each from three
# figures, their variances added, as it did.
python3 - out/estimates.json v4.json <<'PY'
import json, sys
e = json.load(open(sys.argv[1]))
e["version"] = 4
for f in e["figures"]:
    f.pop("overlap", None)
json.dump(e, open(sys.argv[2], "w"), indent=2)
PY
"$UNIKA" report --release-key release.key --estimates v4.json --overlap org --min-count 0 \
    --format json -o overlaps-v4.json out 2>/dev/null
assert "... and from schema 4, three figures with their variances added" python3 -c "
import json
r = json.load(open('overlaps-v4.json')); e = json.load(open('v4.json'))
whole = {frozenset(f['orgs']): f for f in e['figures']
         if f['period'] == 'all' and f['gender'] == 'all' and 'by' not in f}
seen = 0
for f in r['figures']:
    if not f['id'].startswith('overlap_org/'): continue
    a, b = [p.split('=')[1] for p in f['id'].split('/')[1].split('&')]
    fa, fb, fab = (whole[frozenset(k)] for k in ((a,), (b,), (a, b)))
    se = (fa['se'] ** 2 + fb['se'] ** 2 + fab['se'] ** 2) ** 0.5
    assert abs(f['estimate'] - (fa['estimate'] + fb['estimate'] - fab['estimate'])) < 1e-6, f
    assert abs(f['std_error'] - se) < 1e-6, (f, se)
    seen += 1
assert seen == 6, seen
"
python3 - overlaps.json overlaps-edited.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = [f for f in r["figures"] if f["id"].startswith("overlap_org/")][0]
f["ci_low"] -= 40  # a wider interval than the estimator gives, to look safer
json.dump(r, open(sys.argv[2], "w"), indent=2)
open("edited-id.txt", "w").write(f["id"])
PY
check_has "a corrected overlap's interval edited" 1 "" -- \
    VE --report overlaps-edited.json --estimates out/estimates.json out
assert "... is named" grep -q "FAIL  $(cat edited-id.txt): ci_low is" out.txt

# ---- figures by age group, corrected (docs/linkage.md 15, "By another --by value") --
# ages/: the default bands; one/: a single band 0+, where a figure by it must be
# the figure without it (every unit, cluster and person shows it).
for bands in "" "0-"; do
    d=ages; [ -n "$bands" ] && d=one
    mkdir -p "$d"
    for o in $ORGS; do
        "$UNIKA" matchkeys --key pk --profile "$EX/profiles/$o.profile" --org "$o" --by gender \
            --by age_group ${bands:+--age-bands "$bands"} --sign "$o.sec" "$EX/iop-visits/$o.csv" \
            -o "$d/$o.umk" 2>/dev/null || echo "matchkeys $o by age group failed"
    done
    L --by gender --by age_group "$d"/*.umk -o "$d/out" >/dev/null 2>&1 || echo "link $d failed"
done
assert "one band covering every age: each figure by it equals the figure without it" python3 -c "
import json
e = json.load(open('one/out/estimates.json'))
plain = {(tuple(f['orgs']), f['period']): f for f in e['figures'] if f['gender'] == 'all' and 'by' not in f}
by = [f for f in e['figures'] if f.get('by') == 'age_group']
assert by and len(by) == len([k for k in plain if len(k[0]) != 2]), (len(by), len(plain))
for f in by:
    g = plain[(tuple(f['orgs']), f['period'])]
    for k in ('estimate', 'se', 'strong', 'resolved'):
        assert abs(f[k] - g[k]) <= 0.01 + 1e-6 * g[k], (k, f, g)
"
"$UNIKA" report --release-key release.key --estimates ages/out/estimates.json --format json \
    -o ages.json ages/out 2>/dev/null
assert "the report's figures by age group are corrected: the estimates' own" python3 -c "
import json
r = json.load(open('ages.json')); e = json.load(open('ages/out/estimates.json'))
ages = [f for f in r['figures'] if f['id'].startswith('by_age_group/') and not f['id'].endswith('=*')]
assert len(ages) >= 4, [f['id'] for f in r['figures']]
for f in ages:
    v = f['id'].split('=', 1)[1]
    est = [x for x in e['figures'] if x.get('value') == v and len(x['orgs']) == 4 and x['period'] == 'all']
    assert len(est) == 1 and abs(f['estimate'] - est[0]['estimate']) < 1e-6, (f, est)
    assert f['mode']['kind'] == 'corrected' and f['deterministic'] > 0
"
VA() { "$UNIKA" verify --roster r.roster --coordinator "$PIN" --release-key release.key \
    --link-manifest ages/out/manifest.json "$@"; }
check_has "verify re-derives the figures by age group" 0 "" -- \
    VA --report ages.json --estimates ages/out/estimates.json ages/out
python3 - ages.json ages-edited.json <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))
f = [f for f in r["figures"] if f["id"].startswith("by_age_group/age_group=1")][0]
f["estimate"] += 20
print(f["id"], file=open("edited-id.txt", "w"))
json.dump(r, open(sys.argv[2], "w"), indent=2)
PY
check_has "a corrected figure by age group edited" 1 "" -- \
    VA --report ages-edited.json --estimates ages/out/estimates.json ages/out
assert "... is named" grep -q "FAIL  $(cat edited-id.txt): estimate is" out.txt
finish
