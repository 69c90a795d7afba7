#!/usr/bin/env bash
# merge.sh - `unika merge`, `unika estimate` and `unika inspect`: the union
# and its provenance, determinism, and every refusal (other key, other
# recipe, flipped byte, truncated file, not a sketch, existing output,
# tampered signed input), with exact stdout, stderr and exit codes.
#   usage: merge.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
. "$SRC/tests/cli/analyst_data.bash"

for cmd in merge estimate inspect report; do
    "$UNIKA" $cmd --help >out.txt 2>err.txt
    rc=$?
    assert "$cmd --help exits 0" test $rc = 0
    assert "$cmd --help prints usage on stdout" grep -q "^usage: unika $cmd" out.txt
done

# Exact counts carry a token-collision correction of a few millionths: JSON
# keeps full precision, the comparison keeps the integer part.
round_json() { sed -E 's/("(estimate|std_error|ci_low|ci_high)": [0-9]+)\.[0-9]+/\1/'; }
export -f round_json

make_partner_csvs
"$UNIKA" keygen -o k >/dev/null
ingest_partner k alpha cells/alpha
ingest_partner k beta cells/beta
assert "ingest wrote the cells" test -e cells/alpha/alpha_2019H1_gender-F.uks

# ---- merge: the union of every cell is the 24 people of the construction.
check "merge all cells" 0 "m.uks: union of 10 sketches, p=12, sparse
  estimate 24 (95% 24..24, exact)
  labels kept: recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge -o m.uks cells
check "merge one org keeps its label" 0 "ma.uks: union of 6 sketches, p=12, sparse
  estimate 14 (95% 14..14, exact)
  labels kept: org=alpha recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge -o ma.uks cells/alpha
check "merge the other org" 0 "mb.uks: union of 4 sketches, p=12, sparse
  estimate 14 (95% 14..14, exact)
  labels kept: org=beta recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge -o mb.uks cells/beta
# Merging merged files gives the same people, and the same bytes as one merge
# of every file: a merged input brings its partner files' records (from its
# .prov), not itself (docs/format.md §6).
check "merge of merges" 0 "mab.uks: union of 2 sketches, p=12, sparse
  estimate 24 (95% 24..24, exact)
  labels kept: recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge -o mab.uks ma.uks mb.uks
"$UNIKA" inspect mab.uks >out.txt
assert "merge of merges records the 10 partner files" grep -q "provenance   10 records" out.txt
assert "merge in two stages = merge at once" cmp m.uks mab.uks
assert "... and the same provenance file" cmp m.uks.prov mab.uks.prov
mv mb.uks.prov mb.prov.away
check_has "a merged input without its provenance file is refused" 1 \
    "unika merge: mb.uks: a merged sketch of 4 sources; its provenance file mb.uks.prov is missing" -- \
    $UNIKA merge -o bad.uks ma.uks mb.uks
assert "nothing written without a provenance file" test ! -e bad.uks -a ! -e bad.uks.prov
"$UNIKA" inspect mb.uks >out.txt
assert "inspect without the provenance file: the commitment" grep -q "provenance   4 records (commitment only: mb.uks.prov not found)" out.txt
cp ma.uks.prov mb.uks.prov
check_has "another merge's provenance file is refused" 1 \
    "unika merge: mb.uks.prov: provenance count: the sketch commits to 4 records, the file has 6" -- \
    $UNIKA merge -o bad.uks ma.uks mb.uks
check_has "... and by inspect" 1 "mb.uks.prov: provenance count" -- $UNIKA inspect mb.uks
mv mb.prov.away mb.uks.prov

# Determinism: the same inputs in any order, byte for byte.
ls cells/*/*.uks | sort -r >rev.txt
"$UNIKA" merge -o m-rev.uks $(cat rev.txt) >/dev/null
assert "reverse order gives identical bytes" cmp m.uks m-rev.uks
"$UNIKA" merge -o m-mixed.uks cells/beta $(ls cells/alpha/*.uks | sort -r) >/dev/null
assert "mixed order gives identical bytes" cmp m.uks m-mixed.uks

# Provenance: one record per input file, with its digest and labels.
"$UNIKA" inspect m.uks >out.txt
assert "inspect shows 10 provenance records" grep -q "provenance   10 records" out.txt
assert "a record names its labels" grep -q "gender=F org=beta period=2020H2 recipe=loose  signer: (unsigned)" out.txt
d=$("$UNIKA" inspect --json cells/beta/beta_2020H2_gender-F.uks | sed -n 's/^  "digest": "\(.*\)",$/\1/p')
assert "the input's digest is in the merged file's provenance" grep -q "^    $d  gender=F org=beta" out.txt
assert "the digest is b2sum's BLAKE2b-256 of the file" \
    test "$(b2sum -l 256 cells/beta/beta_2020H2_gender-F.uks | cut -d' ' -f1)" = "$d"

check "merge --json" 0 '{
  "version": 1,
  "command": "merge",
  "output": "mj.uks",
  "digest": "HEX",
  "precision": 12,
  "kind": "sparse",
  "key_fingerprint": "HEX",
  "recipe_fingerprint": "HEX",
  "labels": {
    "gender": "M",
    "org": "beta",
    "period": "2020H2",
    "recipe": "loose"
  },
  "estimate": 3,
  "std_error": 0,
  "ci_low": 3,
  "ci_high": 3,
  "exact": true,
  "inputs": [
    {
      "path": "cells/beta/beta_2020H2_gender-M.uks",
      "digest": "HEX",
      "signer": null,
      "labels": {
        "gender": "M",
        "org": "beta",
        "period": "2020H2",
        "recipe": "loose"
      }
    }
  ]
}' "" -- bash -c "$UNIKA merge --json -o mj.uks cells/beta/beta_2020H2_gender-M.uks | round_json"

# ---- refusals: nothing is written, the message names both files.
check "output exists without --force" 1 "" \
    "unika merge: m.uks: already exists (use --force to replace it)" -- $UNIKA merge -o m.uks cells
check "--force replaces it" 0 "m.uks: union of 10 sketches, p=12, sparse
  estimate 24 (95% 24..24, exact)
  labels kept: recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge --force -o m.uks cells
assert "and gives the same bytes" cmp m.uks m-rev.uks

"$UNIKA" keygen -o other.key >/dev/null
ingest_partner other.key beta other-key
check "other key refused" 1 "" "unika merge: refusing to combine sketches made under different keys: cells/alpha/alpha_2019H1_gender-F.uks has key fingerprint HEX, other-key/beta_2019H1_gender-F.uks has HEX" \
    -- $UNIKA merge -o bad.uks cells/alpha other-key
assert "nothing written after a key refusal" test ! -e bad.uks

ingest_partner k beta other-recipe --recipe dob
check "other recipe refused" 1 "" "unika merge: refusing to combine sketches made with different recipes: cells/alpha/alpha_2019H1_gender-F.uks has recipe fingerprint HEX (loose), other-recipe/beta_2019H1_gender-F.uks has HEX (dob)" \
    -- $UNIKA merge -o bad.uks cells/alpha other-recipe
assert "nothing written after a recipe refusal" test ! -e bad.uks

cp cells/alpha/alpha_2019H1_gender-M.uks flipped.uks
flip_byte flipped.uks 70
check_has "flipped byte refused" 1 "unika merge: flipped.uks: checksum: expected" -- \
    $UNIKA merge -o bad.uks cells/alpha flipped.uks
assert "nothing written after a corrupt input" test ! -e bad.uks
check_has "estimate names the corrupt file" 1 "unika estimate: flipped.uks: checksum: expected" -- \
    $UNIKA estimate flipped.uks
cp err.txt flipped.err
size=$(stat -c %s cells/alpha/alpha_2019H1_gender-M.uks)
head -c 100 cells/alpha/alpha_2019H1_gender-M.uks >truncated.uks
check "truncated file refused" 1 "" \
    "unika inspect: truncated.uks: file truncated: total_size says $size bytes, got 100" -- \
    $UNIKA inspect truncated.uks
echo "visit_date,full_name" >not-a-sketch.uks
check "not a sketch" 1 "" \
    "unika merge: not-a-sketch.uks: magic: expected 81 55 4b 53 0d 0a 1a 0a, byte 0 is 76" -- \
    $UNIKA merge -o bad.uks not-a-sketch.uks
check "missing input" 1 "" "unika merge: nope.uks: No such file or directory" -- \
    $UNIKA merge -o bad.uks cells nope.uks
mkdir empty
check "directory without sketches" 1 "" \
    "unika merge: empty: no sketch files (*.uks) in this directory" -- $UNIKA merge -o bad.uks empty
assert "still nothing written" test ! -e bad.uks

# ---- signed inputs: the signer is recorded; a changed file is refused.
"$UNIKA" sign-keygen --name beta -o beta >/dev/null
"$UNIKA" sign --key beta.sec cells/beta/*.uks >/dev/null 2>&1
check "merge signed files" 0 "ms.uks: union of 4 sketches, p=12, sparse
  estimate 14 (95% 14..14, exact)
  labels kept: org=beta recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge -o ms.uks cells/beta
"$UNIKA" inspect ms.uks >out.txt
assert "signer recorded in the provenance" grep -q "gender=M org=beta period=2019H1 recipe=loose  signer: beta" out.txt
cp -r cells/beta signed
flip_byte signed/beta_2019H1_gender-M.uks 13
check_has "a file changed after signing is refused" 1 "unika merge: signed/beta_2019H1_gender-M.uks:" -- \
    $UNIKA merge -o bad.uks signed
assert "nothing written after a signature failure" test ! -e bad.uks

# With the roster (signed by the pinned coordinator): a partner on it is
# named; one who is not is refused; an unsigned input is refused; a partner
# signing for another organisation is refused (issue 13).
"$UNIKA" sign-keygen --name alpha -o alpha >/dev/null
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" --sign coord.sec -o roster beta.pub >/dev/null
PIN=$("$UNIKA" key fingerprint coord.pub)
check "merge --roster names the partner" 0 "mr.uks: union of 4 sketches, p=12, sparse
  estimate 14 (95% 14..14, exact)
  labels kept: org=beta recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge --roster roster --coordinator "$PIN" -o mr.uks cells/beta
"$UNIKA" inspect mr.uks >out.txt
assert "roster-verified signer recorded" grep -q "gender=F org=beta period=2020H2 recipe=loose  signer: beta" out.txt
check_has "merge --roster needs the pinned coordinator" 2 "a roster needs --coordinator" -- \
    $UNIKA merge --roster roster -o bad.uks cells/beta
check_has "merge --roster refuses an unsigned input" 1 \
    "unika merge: cells/alpha/alpha_2019H1_gender-M.uks: not signed" -- \
    $UNIKA merge --roster roster --coordinator "$PIN" -o bad.uks cells/alpha/alpha_2019H1_gender-M.uks cells/beta
"$UNIKA" sign --key alpha.sec cells/alpha/alpha_2019H1_gender-F.uks >/dev/null 2>&1
check_has "merge --roster refuses a signer not on the roster" 1 \
    "unika merge: cells/alpha/alpha_2019H1_gender-F.uks: signer \"alpha\" is not on the roster" -- \
    $UNIKA merge --roster roster --coordinator "$PIN" -o bad.uks cells/alpha/alpha_2019H1_gender-F.uks cells/beta
rm cells/alpha/alpha_2019H1_gender-F.uks.sig
# beta's key signs a sketch labelled org=alpha: a signature, but not beta's to give.
cp cells/alpha/alpha_2019H1_gender-F.uks forged.uks
"$UNIKA" sign --key beta.sec forged.uks >/dev/null
check_has "merge --roster refuses a cross-organisation signature" 1 \
    "forged.uks: signed by \"beta\", whose key may sign for org beta only, but the file is labelled org=alpha" -- \
    $UNIKA merge --roster roster --coordinator "$PIN" -o bad.uks forged.uks cells/beta
assert "nothing written after a roster refusal" test ! -e bad.uks
rm forged.uks forged.uks.sig

# Different precisions merge at the lowest.
ingest_partner k alpha p10 --precision 10
check "precisions 10 and 12 merge at 10" 0 "mp.uks: union of 10 sketches, p=10, sparse
  estimate 24 (95% 24..24, exact)
  labels kept: recipe=loose
  blake2b-256 HEX" "" -- $UNIKA merge -o mp.uks p10 cells/beta

# ---- estimate and inspect.
check "estimate" 0 "cells/alpha/alpha_2019H1_gender-F.uks
  estimate   3.0  (95% 3.0..3.0, std error 0.00, exact)
  labels     gender=F org=alpha period=2019H1 recipe=loose
  sketch     p=12, sparse
  key        HEX
  recipe     HEX" "" -- $UNIKA estimate cells/alpha/alpha_2019H1_gender-F.uks
check "estimate --json" 0 '{
  "version": 1,
  "command": "estimate",
  "estimator": "fgra",
  "files": [
    {
      "path": "mb.uks",
      "digest": "HEX",
      "precision": 12,
      "kind": "sparse",
      "estimate": 14,
      "std_error": 0,
      "ci_low": 14,
      "ci_high": 14,
      "exact": true,
      "labels": {
        "org": "beta",
        "recipe": "loose"
      },
      "key_fingerprint": "HEX",
      "recipe_fingerprint": "HEX"
    }
  ]
}' "" -- bash -c "$UNIKA estimate --json --estimator fgra mb.uks | round_json"
check "estimate reports good files beside a bad one" 1 "mb.uks
  estimate   14.0  (95% 14.0..14.0, std error 0.00, exact)
  labels     org=beta recipe=loose
  sketch     p=12, sparse
  key        HEX
  recipe     HEX" "$(cat flipped.err)" -- $UNIKA estimate flipped.uks mb.uks
check "estimate without files" 2 "" "unika estimate: no sketch files
try 'unika estimate --help'" -- $UNIKA estimate
check "estimate with an unknown estimator" 2 "" "unika estimate: --estimator must be ml or fgra
try 'unika estimate --help'" -- $UNIKA estimate --estimator hll mb.uks

size=$(stat -c %s cells/beta/beta_2020H2_gender-F.uks)
check "inspect" 0 "cells/beta/beta_2020H2_gender-F.uks
  format       unika sketch v1, encoding 1
  kind         sparse, p=12 (4096 registers)
  payload      1 token, 4 bytes
  file         $size bytes, blake2b-256 HEX
  key          HEX
  recipe       HEX
  labels       gender=F org=beta period=2020H2 recipe=loose
  provenance   0 records" "" -- $UNIKA inspect cells/beta/beta_2020H2_gender-F.uks
"$UNIKA" inspect --json ma.uks >out.txt
assert "inspect --json: format version" grep -q '^  "format_version": 2,$' out.txt
assert "inspect --json: 14 tokens" grep -q '^  "payload_count": 14,$' out.txt
assert "inspect --json: 6 provenance records" test "$(grep -c '"signer": null' out.txt)" = 6
check "inspect two files" 2 "" "unika inspect: expected exactly one FILE
try 'unika inspect --help'" -- $UNIKA inspect ma.uks mb.uks
check "merge without -o" 2 "" "unika merge: -o OUT is required
try 'unika merge --help'" -- $UNIKA merge cells
check "merge without inputs" 2 "" "unika merge: no input sketch files
try 'unika merge --help'" -- $UNIKA merge -o x.uks

finish
