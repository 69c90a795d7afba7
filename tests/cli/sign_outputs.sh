#!/usr/bin/env bash
# sign_outputs.sh - `--sign PARTNER.sec` on `unika ingest` and `unika merge`:
# every output gets its FILE.sig, written with it (ingest: inside the staged
# DIR, so DIR is complete and signed or absent), the signatures verify
# against a roster (`unika roster check`, `unika merge --roster`), --force
# replaces a signed DIR, and a failed run leaves neither sketches nor .sig files.
#   usage: sign_outputs.sh path/to/unika
. "$(dirname "$0")/testlib.bash"

"$UNIKA" keygen -o k >/dev/null
"$UNIKA" sign-keygen --name rodakorset -o rk >/dev/null
"$UNIKA" sign-keygen --name analyst -o an >/dev/null
"$UNIKA" sign-keygen --name barnrattsbyran -o outsider >/dev/null
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
# The analyst signs merges of rodakorset's cells: the roster must say it may.
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" --sign coord.sec \
    --orgs analyst=rodakorset -o r.roster rk.pub an.pub >/dev/null
PIN=$("$UNIKA" key fingerprint coord.pub)
cp "$SRC"/examples/iop-visits/rodakorset.csv "$SRC"/examples/profiles/rodakorset.profile .
ingest() { "$UNIKA" ingest --key k --profile rodakorset.profile --org rodakorset --by gender "$@"; }

# ---- ingest --sign -----------------------------------------------------------------
check_has "ingest --sign" 0 ", signed by rodakorset" -- ingest --sign rk.sec rodakorset.csv -o cells
nuks=$(ls cells/*.uks | wc -l)
assert "some cells were written" test "$nuks" -gt 4
assert "one .sig per .uks and nothing else" test "$(ls cells | wc -l)" = $((2 * nuks))
missing=0
for f in cells/*.uks; do [ -f "$f.sig" ] || missing=1; done
assert "every sketch has its signature" test "$missing" = 0
check_has "the signed cells verify against the roster" 0 "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster cells/*.uks
assert "roster check names every file ok" test "$(grep -c '^ok    cells/.*: signed by rodakorset' out.txt)" = "$nuks"
assert "roster check summary" grep -qx "$nuks of $nuks file(s) verified against r.roster" out.txt
assert "no staging directories left" test "$(ls -d cells.unika-* 2>/dev/null)" = ""

ingest --sign rk.sec --json rodakorset.csv -o cj >cj.json 2>/dev/null
assert "ingest --json names the signer" grep -q '"signer": "rodakorset"' cj.json
ingest --json rodakorset.csv -o cu >cu.json 2>/dev/null
assert "unsigned ingest --json: signer null" grep -q '"signer": null' cu.json
assert "unsigned ingest writes no .sig" test "$(ls cu | grep -c '\.sig$')" = 0

# The readers ignore .sig files in a directory and use them beside the sketch.
check_has "report reads a signed DIR" 0 "" -- "$UNIKA" report --format json -o rep.json cells
check_has "merge --roster over a signed DIR" 0 "" -- "$UNIKA" merge --json --roster r.roster --coordinator $PIN -o all.uks cells
assert "merge records the signer of every input" \
    test "$(grep -c '"signer": "rodakorset"' out.txt)" = "$nuks"

# --force replaces a DIR of sketches and signatures, with or without --sign.
check_has "ingest --force replaces a signed DIR" 0 "wrote" -- \
    ingest --sign rk.sec --period year rodakorset.csv -o cells --force
assert "the replaced DIR holds only the new run" \
    test "$(ls cells | grep -vc '_20[0-9][0-9]_gender-.\.uks\(\.sig\)\?$')" = 0
check_has "signatures of the new run verify" 0 "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster cells/*.uks
check_has "ingest --force without --sign drops the old signatures" 0 "wrote" -- \
    ingest --period year rodakorset.csv -o cells --force
assert "no .sig left after an unsigned run" test "$(ls cells | grep -c '\.sig$')" = 0
touch cells/notes.txt
check "--force still refuses foreign files" 1 "" \
    "unika ingest: cells: holds files other than .uks sketches and their .sig files; refusing to replace it even with --force" -- \
    ingest --sign rk.sec rodakorset.csv -o cells --force

# ---- a failed ingest leaves no .sig either ---------------------------------------------
{ head -n 50 rodakorset.csv; printf '"unterminated\n'; } >broken.csv
check_has "malformed CSV with --sign" 1 "nothing written" -- ingest --sign rk.sec broken.csv -o failed
assert "no DIR after a failed run" test ! -e failed
assert "no staging directory or .sig anywhere" test "$(find . -name '*.unika-*' -o -path './failed*' | wc -l)" = 0
chmod 644 rk.sec
check_has "an open signing key is refused before any work" 1 "group or others may access" -- \
    ingest --sign rk.sec rodakorset.csv -o failed2
chmod 600 rk.sec
assert "no DIR after a refused key" test ! -e failed2
check_has "a missing signing key is refused" 1 "" -- ingest --sign nosuch.sec rodakorset.csv -o failed3
assert "no DIR after a missing key" test ! -e failed3

# ---- merge --sign ------------------------------------------------------------------
ingest --sign rk.sec rodakorset.csv -o c2 2>/dev/null
check_has "merge --sign" 0 "" -- "$UNIKA" merge --sign an.sec -o m.uks c2
assert "merge prints the signature" grep -qx "  signed by analyst -> m.uks.sig" out.txt
check_has "the merged file verifies against the roster" 0 "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster m.uks
assert "roster check names the merge's signer" grep -qE '^ok    m\.uks: signed by analyst \(key [0-9a-f]{16}\)$' out.txt
mv m.uks.prov m.prov.away
check_has "without its provenance file a merged file's organisations cannot be checked" 1 "" -- \
    "$UNIKA" roster check --coordinator "$PIN" r.roster m.uks
assert "... and the message says why" \
    grep -q "^FAIL  m.uks: a merged sketch of .* provenance file is not attached" out.txt
mv m.prov.away m.uks.prov
"$UNIKA" merge --json --sign an.sec -o mj.uks c2 >mj.json
assert "merge --json names signer and signature" \
    python3 -c "import json; d=json.load(open('mj.json')); assert d['signed_by']=='analyst' and d['signature']=='mj.uks.sig'"
check "merge keeps an existing OUT.sig" 1 "" "unika merge: m2.uks.sig: already exists (use --force to replace it)" -- \
    bash -c "touch m2.uks.sig; $UNIKA merge --sign an.sec -o m2.uks c2"
assert "and writes no OUT" test ! -e m2.uks
rm -f m2.uks.sig
check_has "merge --force --sign replaces OUT and OUT.sig" 0 "" -- "$UNIKA" merge --force --sign an.sec -o m.uks c2/*_2019H1_*.uks
check_has "the replaced signature verifies" 0 "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster m.uks
check_has "merge --force without --sign removes the stale OUT.sig" 0 "" -- "$UNIKA" merge --force -o m.uks c2
assert "no stale signature" test ! -e m.uks.sig
check_has "merge of a merged, signed file keeps its signer" 0 "" -- \
    bash -c "$UNIKA merge --sign an.sec -o mm.uks c2 && $UNIKA merge --json --roster r.roster --coordinator $PIN -o mm2.uks mm.uks"
assert "signer recorded from the roster" grep -q '"signer": "analyst"' out.txt
chmod 644 an.sec
check_has "merge refuses an open signing key, writes nothing" 1 "group or others may access" -- \
    "$UNIKA" merge --sign an.sec -o m3.uks c2
chmod 600 an.sec
assert "no OUT after a refused key" test ! -e m3.uks
check_has "merge signed by a partner not on the roster fails roster check" 0 "" -- \
    "$UNIKA" merge --sign outsider.sec -o mo.uks c2
check_has "roster check names the unknown signer" 1 "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster mo.uks
assert "unknown signer message" grep -q 'signer "barnrattsbyran" is not on the roster' out.txt

finish
