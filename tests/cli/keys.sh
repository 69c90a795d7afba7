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

# ---- no core dump may hold a key (issue 13) ------------------------------------------
# `ingest` reads its rows from a FIFO that stays silent, so it waits with the
# partnership key in memory; meanwhile its core size limit must be 0 and the
# process not dumpable (PR_SET_DUMPABLE 0: the kernel then gives its /proc
# files to root, which a process of another user can see).
printf 'name = t\ncolumn.date = date\ncolumn.name = name\ncolumn.birth_date = birth\ncolumn.gender = gender\n' >t.profile
# waiting PID: true once PID sleeps (blocked on its input) with its core limit at 0.
waiting() {
    local i
    for i in $(seq 1 500); do
        if grep -q '^Max core file size *0 *0 ' "/proc/$1/limits" 2>/dev/null &&
           [ "$(awk '{print $3}' "/proc/$1/stat" 2>/dev/null)" = S ]; then return 0; fi
        sleep 0.02
    done
    return 1
}
mkfifo rows.fifo
exec 8<>rows.fifo
$UNIKA ingest --key k1 --profile t.profile --org t - -o held <rows.fifo 2>/dev/null 8>&- &
pid=$!
assert "a command holding a key has a core size limit of 0 (soft and hard)" waiting $pid
printf 'date,name,birth,gender\n2019-01-01,Ali Reza,2001-01-01,M\n' >rows.fifo
exec 8>&-
wait $pid
assert "the held command then finished normally" test -s held/t_2019H1.uks
if [ "$(id -u)" != 0 ]; then
    exec 8<>rows.fifo
    $UNIKA ingest --key k1 --profile t.profile --org t - -o held2 <rows.fifo 2>/dev/null 8>&- &
    pid=$!
    waiting $pid
    assert "the process is not dumpable (its /proc files belong to root)" \
        test "$(stat -c %u /proc/$pid/environ)" = 0
    printf 'date,name,birth,gender\n' >rows.fifo
    exec 8>&-
    wait $pid
elif command -v setpriv >/dev/null && setpriv --reuid=65534 --regid=65534 --clear-groups \
        test -x "$UNIKA" 2>/dev/null; then
    # As root every /proc file is root's anyway: run the command as nobody.
    nb=$(mktemp -d "${TMPDIR:-/tmp}/unika-cli-nobody-XXXXXX")
    chmod 755 "$nb"
    cp k1 t.profile "$nb/" && chown 65534:65534 "$nb" "$nb/k1"
    mkfifo "$nb/rows.fifo" && chmod 666 "$nb/rows.fifo"
    exec 8<>"$nb/rows.fifo"
    (cd "$nb" && exec setpriv --reuid=65534 --regid=65534 --clear-groups \
        "$UNIKA" ingest --key k1 --profile t.profile --org t - -o held <rows.fifo 2>/dev/null) 8>&- &
    pid=$!
    waiting $pid
    assert "the process is not dumpable (run as nobody, its /proc files belong to root)" \
        test "$(stat -c %u /proc/$pid/environ)" = 0
    assert "the command really runs as nobody" test "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 65534
    printf 'date,name,birth,gender\n' >"$nb/rows.fifo"
    exec 8>&-
    wait $pid
    rm -rf "$nb"
else
    echo "skipped: the dumpable check (running as root, and setpriv cannot run $UNIKA as nobody)"
fi

finish
