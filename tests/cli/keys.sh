#!/usr/bin/env bash
# keys.sh - `unika keygen`, `unika key fingerprint`, and the top-level
# command's --help, --version and usage errors.
#   usage: keys.sh path/to/unika
. "$(dirname "$0")/testlib.bash"

check "no command is a usage error" 2 "" "$($UNIKA 2>&1 >/dev/null)" -- $UNIKA
check_has "unknown command" 2 "unika: unknown command 'frobnicate'" -- $UNIKA frobnicate
check_has "--help lists ingest" 0 "" -- $UNIKA --help
assert "--help names every command" grep -q "^  pseudonymize " out.txt
"$UNIKA" --version >out.txt
assert "--version prints the version" grep -Eq '^unika [0-9]+\.[0-9]+\.[0-9]+$' out.txt
for cmd in keygen key ingest pseudonymize; do
    "$UNIKA" $cmd --help >out.txt 2>err.txt
    rc=$?
    assert "$cmd --help exits 0" test $rc = 0
    assert "$cmd --help prints usage on stdout" grep -q "^usage: unika $cmd" out.txt
done

# Random keys: 0600, fingerprint on stdout, never replaced without --force.
check "keygen" 0 "HEX" "" -- $UNIKA keygen -o k1
fp1=$(cat out.txt)
assert "key file is 0600" test "$(stat -c %a k1)" = 600
check "key fingerprint" 0 "$fp1" "" -- $UNIKA key fingerprint k1
assert "key fingerprint equals keygen's" test "$(cat out.txt)" = "$fp1"
check "keygen refuses an existing file" 1 "" \
    "unika keygen: k1: already exists (use --force to replace it)" -- $UNIKA keygen -o k1
check "key unchanged after refusal" 0 "$fp1" "" -- $UNIKA key fingerprint k1
assert "same fingerprint after refusal" test "$(cat out.txt)" = "$fp1"
check "keygen --force replaces" 0 "HEX" "" -- $UNIKA keygen -o k1 --force
assert "a new random key differs" test "$(cat out.txt)" != "$fp1"
check "keygen --json" 0 '{
  "version": 1,
  "fingerprint": "HEX",
  "file": "k2"
}' "" -- $UNIKA keygen --json -o k2
check "key fingerprint --json" 0 '{
  "version": 1,
  "fingerprint": "HEX",
  "file": "k2"
}' "" -- $UNIKA key fingerprint --json k2

# Passphrase keys: the same passphrase and salt give the same key anywhere.
printf 'seven random diceware words go here\n' >pass
check "derive" 0 "HEX" "" -- $UNIKA keygen -o d1 --passphrase-file pass --salt stockholm-iop-2017
fpd=$(cat out.txt)
printf 'seven random diceware words go here' >pass-no-newline
check "derive again, no trailing newline" 0 "$fpd" "" -- \
    $UNIKA keygen -o d2 --passphrase-file pass-no-newline --salt stockholm-iop-2017
assert "same passphrase and salt, same key" test "$(cat out.txt)" = "$fpd"
check "other salt, other key" 0 "HEX" "" -- \
    $UNIKA keygen -o d3 --passphrase-file pass --salt malmo-iop-2019
assert "other salt gives another fingerprint" test "$(cat out.txt)" != "$fpd"
printf 'short\n' >short
check_has "short passphrase refused" 1 "unika keygen: short:" -- \
    $UNIKA keygen -o d4 --passphrase-file short --salt stockholm-iop-2017
assert "no key file after a refusal" test ! -e d4
check "salt without passphrase" 2 "" "unika keygen: --passphrase-file and --salt go together
try 'unika keygen --help'" -- $UNIKA keygen -o d5 --salt stockholm-iop-2017
check "keygen without -o" 2 "" "unika keygen: -o FILE is required
try 'unika keygen --help'" -- $UNIKA keygen
check "keygen with a stray argument" 2 "" "unika keygen: unexpected argument 'extra'
try 'unika keygen --help'" -- $UNIKA keygen -o d6 extra

# Loading refuses what is not a private, intact key file.
check_has "missing key file" 1 "unika key: nope:" -- $UNIKA key fingerprint nope
cp k2 open && chmod 644 open
check_has "group-readable key refused" 1 "unika key: open:" -- $UNIKA key fingerprint open
check "--allow-open-permissions" 0 "HEX" "" -- $UNIKA key fingerprint --allow-open-permissions open
printf 'not a key\n' >bad && chmod 600 bad
check_has "malformed key refused" 1 "unika key: bad:" -- $UNIKA key fingerprint bad
check "key without operation" 2 "" "$($UNIKA key 2>&1 >/dev/null)" -- $UNIKA key
check "key unknown operation" 2 "" "unika key: unknown key operation 'show' (expected 'fingerprint')
try 'unika key --help'" -- $UNIKA key show k1

finish
