#!/usr/bin/env bash
# matchkeys.sh - `unika matchkeys`: the example partners' files, what a file
# holds (unika inspect), the same rows in any order giving the same bytes,
# rejected rows and dropped values by name, bad input refused with nothing
# written, --sign verified against a roster, seal and open in their size
# class, --json.
#   usage: matchkeys.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
command -v python3 >/dev/null || { echo "python3 needed to read --json"; exit 1; }

"$UNIKA" keygen -o k >/dev/null
"$UNIKA" keygen -o other >/dev/null
cp "$SRC"/examples/iop-visits/*.csv "$SRC"/examples/profiles/*.profile .
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }
mk() { "$UNIKA" matchkeys --key k "$@"; }

# ---- the four example partners -----------------------------------------------------
for p in stadsmissionen raddabarnen rodakorset uppsok; do
    check_has "$p: a match-key file" 0 "unika matchkeys: wrote $p.umk" -- \
        mk --profile $p.profile --org $p --by gender --by age_group $p.csv -o $p.umk
    assert "$p: no row rejected" grep -q " 0 rejected$" err.txt
    check_has "$p: the file reads back whole" 0 "" -- "$UNIKA" inspect $p.umk
    assert "$p: inspect names the org" grep -q "^  org          $p$" out.txt
done
rows() { grep -c . "$1"; }
assert "stadsmissionen: every row is in the file" \
    grep -q "^  profiles     [0-9]*, $(($(rows stadsmissionen.csv) - 1)) rows," \
    <("$UNIKA" inspect stadsmissionen.umk)
# The outreach unit has only a name, a birth year and a gender: still a file.
"$UNIKA" inspect uppsok.umk >u.txt
assert "uppsok: year precision only" grep -q "^  birth        0 day, 0 month, [1-9][0-9]* year (0 of them 1 January), 0 none$" u.txt
assert "uppsok: no identifier keys" bash -c '! grep -q "personnummer\|dossier" u.txt'
# Röda Korset's 1 January dates are years; the others days.
"$UNIKA" inspect rodakorset.umk >r.txt
assert "rodakorset: 1 January is a year" grep -Eq "^  birth        [1-9][0-9]* day, 0 month, ([0-9]+) year \(\1 of them 1 January\)" r.txt

# ---- the same rows in any order: the same bytes ------------------------------------------
{ head -n 1 raddabarnen.csv; tail -n +2 raddabarnen.csv | sort -R --random-source=raddabarnen.csv; } >shuffled.csv
mk --profile raddabarnen.profile --org raddabarnen --by gender --by age_group shuffled.csv -o shuffled.umk 2>/dev/null
assert "shuffled rows, identical file" cmp -s raddabarnen.umk shuffled.umk
mk --profile raddabarnen.profile --org raddabarnen --by gender --by age_group raddabarnen.csv -o again.umk 2>/dev/null
assert "a second run, identical file" cmp -s raddabarnen.umk again.umk

# ---- rejected rows, dropped values --------------------------------------------------------
cat >demo.profile <<'P'
delimiter = ;
column.date = datum
column.name = namn
column.birth_date = fodd
column.gender = kon
column.personnummer = pnr
column.dossier = dossier
P
# line 3: a wrong check digit (dropped, the name kept); line 4: an impossible
# birth date (dropped); line 5: no name and no number (rejected); line 6: a
# bad gender code (rejected); line 7: only a dossier number (kept).
printf '%s\n' 'datum;namn;fodd;kon;pnr;dossier' \
    '2019-06-14;Ali Reza;2001-06-15;man;;' \
    '2019-06-15;Ali Reza;2001-06-15;man;010615-2383;' \
    '2019-07-01;Sara Ahmadi;2003-02-30;kvinna;;' \
    '2019-07-02;;2003-01-01;kvinna;;' \
    '2019-07-03;Omar Hassan;1990-02-02;robot;;' \
    '2019-07-04;;;;;58-789885/1' >small.csv
check "rejects and drops, by name" 0 "" "unika matchkeys: small.csv: 6 rows read, 4 used, 2 rejected
  rejected 1: gender: unrecognised code [UNIKA_EGENDER], line 6
  rejected 1: identity: no identifying value: the record has no name, personnummer, samordningsnummer or dossier number [UNIKA_EFIELD], line 5
  2 values left out, their rows kept:
  dropped 1: birth_date: no such day in that month [UNIKA_EDATE], line 4
  dropped 1: personnummer: check digit does not match [UNIKA_ECHECKDIGIT], line 3
  3 profiles
unika matchkeys: wrote small.umk (376 bytes)
unika matchkeys: summary rows_read=6 rows_used=4 rows_rejected=2 values_dropped=2 max_rejected=none exit=0" -- \
    mk --profile demo.profile --org demo small.csv -o small.umk --rejects rej.csv
check "the rejects file: line, column, field, action, never the value" 0 'line,column,field,action,code,message
3,5,personnummer,dropped,UNIKA_ECHECKDIGIT,"line 3, column 5 (personnummer): check digit does not match"
4,3,birth_date,dropped,UNIKA_EDATE,"line 4, column 3 (fodd, birth_date): no such day in that month"
5,0,identity,rejected,UNIKA_EFIELD,"line 5: no identifying value: the record has no name, personnummer, samordningsnummer or dossier number"
6,4,gender,rejected,UNIKA_EGENDER,"line 6, column 4 (kon, gender): unrecognised code"' "" -- cat rej.csv
# Rows 2 and 3 are one record once the bad number is dropped: one profile.
assert "the rejects file is private" test "$(stat -c %a rej.csv)" = 600

# ---- bad input: refused, nothing written -------------------------------------------------
printf 'datum;namn;fodd;kon;pnr\n2019-06-14;Ali;2001-06-15;man;\n' >nocol.csv
check_has "a missing column" 1 "missing column 'dossier'" -- \
    mk --profile demo.profile --org demo nocol.csv -o nocol.umk
assert "nothing written" test ! -e nocol.umk
{ head -n 3 small.csv; printf '"unterminated\n'; } >broken.csv
check_has "malformed CSV" 1 "nothing written" -- mk --profile demo.profile --org demo broken.csv -o broken.umk
assert "no file after malformed CSV" test ! -e broken.umk
printf 'datum;namn;fodd;kon;pnr;dossier\n2019-06-14;Ali \xff;2001-06-15;man;;\n' >badutf8.csv
check_has "invalid UTF-8" 1 "nothing written" -- mk --profile demo.profile --org demo badutf8.csv -o badutf8.umk
assert "no file after invalid UTF-8" test ! -e badutf8.umk
printf 'delimiter = ;\ncolumn.date = datum\ncolumn.birth_date = fodd\ncolumn.gender = kon\n' >noid.profile
check "a profile without any identifying column" 1 "" "unika matchkeys: noid.profile: the profile maps no name, personnummer, dossier or id_auto column: nothing to make match keys of" -- \
    mk --profile noid.profile --org demo small.csv -o noid.umk
before=$(cksum <small.umk)
check "an existing output is kept" 1 "" "unika matchkeys: small.umk: already exists (use --force to replace it)" -- \
    mk --profile demo.profile --org demo small.csv -o small.umk
assert "the old file is untouched" test "$(cksum <small.umk)" = "$before"
check_has "--force replaces it" 0 "wrote small.umk" -- \
    mk --profile demo.profile --org demo --period year small.csv -o small.umk --force --rejects rej.csv
check_has "another key's fingerprint is refused" 1 "not the partnership's key" -- \
    mk --key-fingerprint "$("$UNIKA" key fingerprint other)" --profile demo.profile --org demo small.csv -o fp.umk
assert "no file for the wrong key" test ! -e fp.umk
check "an identifying --by is refused" 2 "" "unika matchkeys: --by personnummer: refused, it identifies people (its values would become labels and file names)
try 'unika matchkeys --help'" -- mk --profile demo.profile --org demo --by personnummer small.csv -o x.umk
check "no output" 2 "" "unika matchkeys: -o OUT.umk is required
try 'unika matchkeys --help'" -- mk --profile demo.profile --org demo small.csv
printf 'delimiter = ;\ncolumn.name = namn\n' >nodate.profile
check "a period needs a visit date" 1 "" "unika matchkeys: nodate.profile: the profile maps no column for 'date', which --period needs" -- \
    mk --profile nodate.profile --org demo small.csv -o nd.umk
check_has "--period all without visit dates" 0 "wrote nd.umk" -- \
    mk --profile nodate.profile --org demo --period all small.csv -o nd.umk
assert "undated rows" grep -q "^  months       none: 4 undated rows$" <("$UNIKA" inspect nd.umk)

# ---- --sign, a roster, seal and open -----------------------------------------------------
"$UNIKA" sign-keygen --name rodakorset -o rk >/dev/null
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" --sign coord.sec -o r.roster rk.pub >/dev/null
PIN=$("$UNIKA" key fingerprint coord.pub)
check_has "--sign" 0 "wrote signed.umk (421165 bytes), signed by rodakorset" -- \
    mk --profile rodakorset.profile --org rodakorset --by gender --by age_group --sign rk.sec rodakorset.csv -o signed.umk
assert "signed and unsigned files are the same bytes" cmp -s signed.umk rodakorset.umk
check_has "the signature verifies against the roster" 0 "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster signed.umk
flip_byte signed.umk 100
check_has "a changed file fails its signature" 1 "" -- "$UNIKA" roster check --coordinator "$PIN" r.roster signed.umk
"$UNIKA" box-keygen -o linker >/dev/null
check_has "seal a match-key file" 0 "" -- "$UNIKA" seal --to linker.pub uppsok.umk stadsmissionen.umk -o sealed
assert "every sealed file is 4 MiB + 84 bytes, whatever the partner's size" \
    test "$(stat -c %s sealed/uppsok.umk.sealed sealed/stadsmissionen.umk.sealed | sort -u)" = 4194388
check_has "open them" 0 "" -- "$UNIKA" open --key linker.sec sealed/uppsok.umk.sealed sealed/stadsmissionen.umk.sealed -o opened
assert "opened files are the originals" cmp -s opened/uppsok.umk uppsok.umk
assert "opened files are the originals (2)" cmp -s opened/stadsmissionen.umk stadsmissionen.umk

# ---- --json -------------------------------------------------------------------------------
mk --profile demo.profile --org demo --json small.csv -o j.umk >j.json 2>/dev/null
assert "json: rows" test "$(json j.json "d['rows_read'], d['rows_used'], d['rows_rejected'], d['values_dropped']")" = "6 4 2 2"
assert "json: reasons" test "$(json j.json "sorted(r['code'] for r in d['rejects'] + d['dropped'])")" = \
    "['UNIKA_ECHECKDIGIT', 'UNIKA_EDATE', 'UNIKA_EFIELD', 'UNIKA_EGENDER']"
assert "json: the file" test "$(json j.json "d['command'], d['output'], d['profiles'], d['matchkey_version']")" = "matchkeys j.umk 3 1"
"$UNIKA" inspect --json j.umk >ij.json
assert "inspect --json" test "$(json ij.json "d['kind'], d['profiles'], d['rows'], d['keys']['dossier']")" = "matchkeys 3 4 1"

finish
