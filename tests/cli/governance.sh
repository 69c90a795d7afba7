#!/usr/bin/env bash
# governance.sh - CLI tests for signing, rosters and sealed transfer:
#   sign-keygen, sign, roster make/check, box-keygen, seal, open.
# Each case runs a command and compares its exit code, stdout and stderr
# with the expected ones (random key material is replaced by HEX first).
#
#   usage: governance.sh [path/to/unika]     (or UNIKA=... in the environment)
set -u
UNIKA=${1:-${UNIKA:-unika}}
work=$(mktemp -d "${TMPDIR:-/tmp}/unika-cli-gov-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work" || exit 1
failures=0
cases=0

# Long hex runs (keys, fingerprints, key ids) differ per run.
normalise() { sed -E 's/[0-9a-f]{16,}/HEX/g'; }

# check NAME EXPECTED_RC EXPECTED_STDOUT EXPECTED_STDERR -- COMMAND...
check() {
    local name=$1 want_rc=$2 want_out=$3 want_err=$4
    shift 5
    cases=$((cases + 1))
    "$@" >out.txt 2>err.txt
    local rc=$?
    local out err
    out=$(normalise <out.txt)
    err=$(normalise <err.txt)
    if [ "$rc" != "$want_rc" ] || [ "$out" != "$want_out" ] || [ "$err" != "$want_err" ]; then
        failures=$((failures + 1))
        echo "FAIL: $name"
        echo "  exit $rc (expected $want_rc)"
        echo "  stdout: $out"
        echo "  expected stdout: $want_out"
        echo "  stderr: $err"
        echo "  expected stderr: $want_err"
    fi
}

# assert NAME CONDITION...
assert() {
    local name=$1
    shift
    cases=$((cases + 1))
    if ! "$@"; then
        failures=$((failures + 1))
        echo "FAIL: $name"
    fi
}

mode_of() { stat -c %a "$1"; }
differ() { ! cmp -s "$1" "$2"; }

# ---- keys ------------------------------------------------------------------------
"$UNIKA" keygen -o p.key >/dev/null || { echo "keygen failed"; exit 1; }
FP=$("$UNIKA" key fingerprint p.key)

check "sign-keygen prints the roster line" 0 "partner: rodakorset ed25519:HEX" "" -- \
    "$UNIKA" sign-keygen --name rodakorset -o rk
"$UNIKA" sign-keygen --name raddabarnen -o rb >/dev/null
"$UNIKA" sign-keygen --name barnrattsbyran -o outsider >/dev/null
mkdir impostor && "$UNIKA" sign-keygen --name rodakorset -o impostor/rk >/dev/null
assert "secret signing key is 0600" [ "$(mode_of rk.sec)" = 600 ]
assert "public signing key is 0644" [ "$(mode_of rk.pub)" = 644 ]
check "sign-keygen refuses to replace" 1 "" "unika sign-keygen: rk.sec: already exists (use --force to replace it)" -- \
    "$UNIKA" sign-keygen --name rodakorset -o rk
check "sign-keygen needs --name" 2 "" "unika sign-keygen: --name PARTNER is required
try 'unika sign-keygen --help'" -- "$UNIKA" sign-keygen -o x
check "sign-keygen refuses a bad name" 2 "" "unika sign-keygen: --name: signer name: character 5 is not allowed (letters, digits, '.', '_', '-'; first a letter or digit)
try 'unika sign-keygen --help'" -- "$UNIKA" sign-keygen --name "roda korset" -o x
check "sign-keygen --json" 0 '{
  "version": 1,
  "name": "stadsmissionen",
  "ed25519": "HEX",
  "key_id": "HEX",
  "fingerprint": "HEX",
  "secret": "sm.sec",
  "public": "sm.pub"
}' "" -- "$UNIKA" sign-keygen --name stadsmissionen -o sm --json

check "box-keygen prints the fingerprint" 0 "HEX" "" -- "$UNIKA" box-keygen -o agg
"$UNIKA" box-keygen -o other >/dev/null
assert "secret box key is 0600" [ "$(mode_of agg.sec)" = 600 ]
assert "public box key is 0644" [ "$(mode_of agg.pub)" = 644 ]

# ---- roster ------------------------------------------------------------------------
# The coordinator's key signs the roster; everyone pins its fingerprint.
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
PIN=$("$UNIKA" key fingerprint coord.pub)
check "key fingerprint of a public signing key" 0 "HEX" "" -- "$UNIKA" key fingerprint coord.pub
check "roster make" 0 "r.roster: 2 partner(s) and the aggregator, serial 1, signed by coordinator steering -> r.roster.sig" "" -- \
    "$UNIKA" roster make --key-fingerprint "$FP" --sign coord.sec --aggregator analyst=agg.pub -o r.roster rk.pub rb.pub
assert "roster is v2" grep -qx "unika-roster v2" r.roster
assert "roster names the key" grep -qx "partnership-key: $FP" r.roster
assert "roster names the coordinator" grep -q "^coordinator: steering ed25519:" r.roster
assert "roster lists rodakorset" grep -q "^partner: rodakorset ed25519:" r.roster
assert "roster is signed" grep -qx "signer: steering" r.roster.sig
check "roster make refuses a duplicate partner" 1 "" \
    "unika roster: rk.pub: \"rodakorset\" is already on the roster" -- \
    "$UNIKA" roster make --key-fingerprint "$FP" --sign coord.sec -o r2.roster rk.pub rk.pub
check "roster make checks the fingerprint" 2 "" "unika roster: --key-fingerprint must be 32 hex digits
try 'unika roster --help'" -- "$UNIKA" roster make --key-fingerprint abc --sign coord.sec -o r2.roster rk.pub
check "roster make needs the coordinator's key" 2 "" "unika roster: --sign COORDINATOR.sec is required: a roster counts only when its coordinator signed it
try 'unika roster --help'" -- "$UNIKA" roster make --key-fingerprint "$FP" -o r2.roster rk.pub
check "roster make --orgs" 0 "r3.roster: 2 partner(s), serial 4, signed by coordinator steering -> r3.roster.sig" "" -- \
    "$UNIKA" roster make --key-fingerprint "$FP" --sign coord.sec --serial 4 --orgs rodakorset=rodakorset,uppsok -o r3.roster rk.pub rb.pub
assert "--orgs is written" grep -q "^partner: rodakorset ed25519:[0-9a-f]* orgs=rodakorset,uppsok$" r3.roster
assert "a partner's own org is the default" grep -q "^partner: raddabarnen ed25519:[0-9a-f]*$" r3.roster
check "--orgs for a partner not given" 2 "" "unika roster: --orgs nobody=x: no PARTNER.pub of that name is given
try 'unika roster --help'" -- "$UNIKA" roster make --key-fingerprint "$FP" --sign coord.sec --orgs nobody=x -o r4.roster rk.pub

# ---- signing and checking ---------------------------------------------------------------
printf 'sketch bytes of rodakorset\n' >a.uks
printf 'sketch bytes of raddabarnen\n' >b.uks
cp a.uks c.uks
cp a.uks d.uks
cp a.uks e.uks
check "sign" 0 "a.uks: signed by rodakorset -> a.uks.sig" "" -- "$UNIKA" sign --key rk.sec a.uks
"$UNIKA" sign --key rb.sec b.uks >/dev/null
"$UNIKA" sign --key outsider.sec c.uks >/dev/null
"$UNIKA" sign --key impostor/rk.sec d.uks >/dev/null
check "sign keeps an existing signature" 1 "" \
    "unika sign: a.uks.sig: already exists (use --force to replace it)" -- "$UNIKA" sign --key rk.sec a.uks
check "sign --force replaces it" 0 "a.uks: signed by rodakorset -> a.uks.sig" "" -- \
    "$UNIKA" sign --force --key rk.sec a.uks
check "an untouched set verifies" 0 "ok    a.uks: signed by rodakorset (key HEX)
ok    b.uks: signed by raddabarnen (key HEX)
2 of 2 file(s) verified against r.roster" "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster a.uks b.uks

cp b.uks b.orig
printf 'X' | dd of=b.uks bs=1 seek=3 conv=notrunc 2>/dev/null
check "each failure says why" 1 "ok    a.uks: signed by rodakorset (key HEX)
FAIL  b.uks: the file changed after \"raddabarnen\" signed it (its BLAKE2b-512 digest differs from the signed one)
FAIL  c.uks: signer \"barnrattsbyran\" is not on the roster (partners: rodakorset, raddabarnen)
FAIL  d.uks: signed as \"rodakorset\" with key HEX, but \"rodakorset\"'s key is HEX
FAIL  e.uks: not signed: e.uks.sig does not exist
1 of 5 file(s) verified against r.roster" "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster a.uks b.uks c.uks d.uks e.uks
cp b.orig b.uks
sed -i -E 's/^signature: 0/signature: 1/;t;s/^signature: ./signature: 0/' b.uks.sig
check "an altered signature is named" 1 "FAIL  b.uks: the signature bytes do not verify under \"raddabarnen\"'s key (the signature file was altered)
0 of 1 file(s) verified against r.roster" "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster b.uks
check "roster check --json" 1 '{
  "version": 1,
  "roster": "r.roster",
  "serial": 1,
  "files": [
    {
      "file": "a.uks",
      "ok": true,
      "signer": "rodakorset"
    },
    {
      "file": "c.uks",
      "ok": false,
      "reason": "unknown-signer",
      "error": "UNIKA_ESIGNER",
      "message": "c.uks: signer \"barnrattsbyran\" is not on the roster (partners: rodakorset, raddabarnen)"
    }
  ],
  "failed": 1
}' "" -- "$UNIKA" roster check --json --coordinator "$PIN" r.roster a.uks c.uks
printf 'unika-roster v2\nserial: 1\npartnership-key: %s\npartner: x\n' "$FP" >bad.roster
"$UNIKA" sign --key coord.sec bad.roster >/dev/null
check "a malformed roster names its line" 1 "" \
    "unika roster: bad.roster: roster line 4: expected \"NAME ed25519:HEX\"" -- "$UNIKA" roster check --coordinator "$PIN" bad.roster a.uks
check "roster check needs the pinned coordinator" 2 "" "unika roster: a roster needs --coordinator FINGERPRINT|FILE: it counts only when the coordinator you pinned signed it
try 'unika roster --help'" -- "$UNIKA" roster check r.roster a.uks
printf 'unika-roster v1\npartnership-key: %s\npartner: rodakorset ed25519:%s\n' "$FP" \
    "$(sed -n 's/^ed25519: //p' rk.pub)" >v1.roster
check "an unsigned v1 roster is no longer read" 1 "" \
    "unika roster: v1.roster: roster line 1: an unsigned v1 roster is no longer read: make a signed v2 roster (unika roster make --sign COORDINATOR.sec)" -- \
    "$UNIKA" roster check --coordinator "$PIN" v1.roster a.uks

chmod 644 rk.sec
check "a 0644 signing key is refused" 1 "" \
    "unika sign: rk.sec: rk.sec has mode 0644: group or others may access this secret key; run chmod 600 on it" -- \
    "$UNIKA" sign --force --key rk.sec a.uks
chmod 600 rk.sec

# ---- sealed transfer ------------------------------------------------------------------
check "seal" 0 "a.uks -> out/a.uks.sealed
a.uks.sig -> out/a.uks.sig.sealed" "" -- "$UNIKA" seal --to agg.pub a.uks a.uks.sig -o out
assert "sealed output is not the plain file" differ a.uks out/a.uks.sealed
check "open" 0 "out/a.uks.sealed -> in/a.uks
out/a.uks.sig.sealed -> in/a.uks.sig" "" -- "$UNIKA" open --key agg.sec out/a.uks.sealed out/a.uks.sig.sealed -o in
assert "opened file equals the original" cmp -s a.uks in/a.uks
assert "opened file is 0600" [ "$(mode_of in/a.uks)" = 600 ]
check "the opened file still verifies" 0 "ok    in/a.uks: signed by rodakorset (key HEX)
1 of 1 file(s) verified against r.roster" "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster in/a.uks
check "another box key cannot open" 1 "" \
    "unika open: out/a.uks.sealed: sealed for recipient HEX, but this box key is HEX" -- \
    "$UNIKA" open --key other.sec out/a.uks.sealed -o in2
cp out/a.uks.sealed t.uks.sealed
# flip one bit of byte 60 (writing a fixed byte would leave it unchanged 1 time in 256)
python3 -c "import sys; b = bytearray(open(sys.argv[1], 'rb').read()); b[60] ^= 1; open(sys.argv[1], 'wb').write(b)" t.uks.sealed
check "a tampered envelope is refused" 1 "" \
    "unika open: t.uks.sealed: the sealed bytes were altered or damaged (authentication failed)" -- \
    "$UNIKA" open --key agg.sec t.uks.sealed -o in3
assert "nothing is written for a refused envelope" [ ! -e in3/t.uks ]
head -c 50 out/a.uks.sealed >short.uks.sealed
check "a truncated envelope is named" 1 "" \
    "unika open: short.uks.sealed: envelope truncated: 14 sealed bytes, 4144 expected" -- \
    "$UNIKA" open --key agg.sec short.uks.sealed -o in3
# All or nothing: one bad envelope in a batch, and not even the good ones are written.
check "a batch with one bad envelope opens nothing" 1 "" \
    "unika open: t.uks.sealed: the sealed bytes were altered or damaged (authentication failed)
unika open: nothing opened: one envelope that does not open stops the whole batch of 3" -- \
    "$UNIKA" open --key agg.sec out/a.uks.sealed t.uks.sealed out/a.uks.sig.sealed -o batch
assert "nothing of the batch is written" [ -z "$(ls -A batch)" ]
"$UNIKA" seal --to agg.pub b.uks -o out >/dev/null
check "an existing output stops the batch before any decryption" 1 "" \
    "unika open: in/a.uks: already exists (use --force to replace it)" -- \
    "$UNIKA" open --key agg.sec out/b.uks.sealed out/a.uks.sealed -o in
assert "the batch did not write its other file" [ ! -e in/b.uks ]
mkdir twice && cp out/a.uks.sealed twice/
check "one output name given twice is refused" 1 "" \
    "unika open: batch2/a.uks: given twice (as out/a.uks.sealed and twice/a.uks.sealed)" -- \
    "$UNIKA" open --key agg.sec out/a.uks.sealed twice/a.uks.sealed -o batch2
assert "no staging directory is left" [ -z "$(ls -A batch)$(ls -A batch2)$(ls -A in | grep -v '^a\.uks')" ]
check "a good batch opens every file" 0 "out/a.uks.sealed -> batch/a.uks
out/a.uks.sig.sealed -> batch/a.uks.sig" "" -- "$UNIKA" open --key agg.sec out/a.uks.sealed out/a.uks.sig.sealed -o batch
check "open keeps existing outputs" 1 "" "unika open: in/a.uks: already exists (use --force to replace it)" -- \
    "$UNIKA" open --key agg.sec out/a.uks.sealed -o in
check "open wants .sealed names" 1 "" "unika open: a.uks: not a .sealed file name" -- \
    "$UNIKA" open --key agg.sec a.uks -o in4
chmod 644 agg.sec
check "a 0644 box key is refused" 1 "" \
    "unika open: agg.sec has mode 0644: group or others may access this secret key; run chmod 600 on it" -- \
    "$UNIKA" open --key agg.sec out/a.uks.sealed -o in5
chmod 600 agg.sec
# Padding: sealed cells of different counts have one size (p = 12: 8,192 + 84).
"$UNIKA" keygen -o pk.key >/dev/null
printf 'name = t\ncolumn.date = date\ncolumn.name = name\ncolumn.birth_date = birth\ncolumn.gender = gender\n' >t.profile
{ echo date,name,birth,gender; echo 2019-01-01,Ali Reza,2001-01-01,M
  for i in $(seq 1 40); do echo "2019-02-01,Person$i Name,2000-01-01,F"; done; } >cells.csv
"$UNIKA" ingest --key pk.key --profile t.profile --org t --by gender cells.csv -o padcells 2>/dev/null
"$UNIKA" seal --to agg.pub padcells/t_2019H1_gender-M.uks padcells/t_2019H1_gender-F.uks -o padout >/dev/null
assert "cells of 1 and 40 people differ in size" differ padcells/t_2019H1_gender-M.uks padcells/t_2019H1_gender-F.uks
assert "a sealed cell of 1 person is 8276 bytes" [ "$(stat -c %s padout/t_2019H1_gender-M.uks.sealed)" = 8276 ]
assert "a sealed cell of 40 people is 8276 bytes" [ "$(stat -c %s padout/t_2019H1_gender-F.uks.sealed)" = 8276 ]
"$UNIKA" open --key agg.sec padout/*.sealed -o padin >/dev/null
assert "the padded cell opens to its exact bytes" cmp -s padcells/t_2019H1_gender-F.uks padin/t_2019H1_gender-F.uks

check "seal needs --to" 2 "" "unika seal: --to KEYFILE is required
try 'unika seal --help'" -- "$UNIKA" seal a.uks -o out
check "seal refuses a secret key as recipient" 1 "" \
    "unika seal: agg.sec: public box key file: line 1 is not \"unika-box-public-key v1\"" -- \
    "$UNIKA" seal --to agg.sec a.uks -o out6

echo "governance.sh: $((cases - failures)) of $cases cases passed"
[ "$failures" -eq 0 ]
