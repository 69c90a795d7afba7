#!/usr/bin/env bash
# pseudonymize.sh - `unika pseudonymize`: identifying columns out, one
# pseudonym column in, the same rows, stable pseudonyms, refusals.
#   usage: pseudonymize.sh path/to/unika
. "$(dirname "$0")/testlib.bash"

"$UNIKA" keygen -o k >/dev/null
"$UNIKA" keygen -o other >/dev/null
cp "$SRC"/examples/iop-visits/*.csv "$SRC"/examples/profiles/*.profile .

# Lines 2, 3 and 5 are one person (the default recipe, loose: the loose key
# of the name, birth year, gender); line 4 has a comma inside a kept column; line 6 has no name.
printf '%s\r\n' 'datum;namn;fodelsear;kon' \
    '2019-06-30;Ali Reza;2001;pojke' \
    '2019-07-01;"Reza, Ali";2001;pojke' \
    '2019-08-01;Sara Ahmadi;2003;"flicka;"' \
    '2020-01-01;ALI REZA;2001;pojke' \
    '2020-02-01;;2001;pojke' >small.csv
printf 'name = small\ndelimiter = ;\ncolumn.date = datum\ncolumn.name = namn\ncolumn.birth_year = fodelsear\ncolumn.gender = kon\ngender.flicka; = F\ngender.pojke = M\n' >small.profile

check "pseudonymize" 0 "" "unika pseudonymize: small.csv: 5 rows read, 4 pseudonymised, 1 rejected
  rejected 1 (recipe loose): name: empty [UNIKA_EEMPTY], line 6
unika pseudonymize: wrote out.csv
unika pseudonymize: summary rows_read=5 rows_used=4 rows_rejected=1 max_rejected=none exit=0" -- \
    $UNIKA pseudonymize --key k --profile small.profile small.csv -o out.csv
check "output rows" 0 'datum;pseudonym;fodelsear;kon
2019-06-30;HEX;2001;pojke
2019-07-01;HEX;2001;pojke
2019-08-01;HEX;2003;"flicka;"
2020-01-01;HEX;2001;pojke
2020-02-01;;2001;pojke' "" -- sh -c "tr -d '\r' <out.csv"
assert "CRLF line ends" test "$(grep -c $'\r$' out.csv)" = 6
p2=$(sed -n 2p out.csv | cut -d';' -f2)
assert "one person, one pseudonym" test "$(sed -n 3p out.csv | cut -d';' -f2)" = "$p2" -a \
    "$(sed -n 5p out.csv | cut -d';' -f2)" = "$p2"
assert "another person, another pseudonym" test "$(sed -n 4p out.csv | cut -d';' -f2)" != "$p2"
assert "no name in the output" sh -c '! grep -qi "ali\|reza\|sara" out.csv'
assert "output is private" test "$(stat -c %a out.csv)" = 600

# Another key gives other pseudonyms for the same rows.
$UNIKA pseudonymize --key other --profile small.profile small.csv -o out-other.csv 2>/dev/null
assert "pseudonyms depend on the key" test "$(sed -n 2p out-other.csv | cut -d';' -f2)" != "$p2"
# A recipe with the birth date cannot come from a birth year alone.
check "recipe needs what the profile lacks" 1 "" "unika pseudonymize: small.profile: the profile maps no column for 'country', which recipe name+birth_year+country needs" -- \
    $UNIKA pseudonymize --key k --profile small.profile -r name+birth_year+country small.csv -o x.csv

# A partner file: every row kept, id columns gone.
check_has "rodakorset" 0 "wrote rk.csv" -- \
    $UNIKA pseudonymize --key k --profile rodakorset.profile rodakorset.csv -o rk.csv
assert "header" test "$(head -1 rk.csv | tr -d '\r')" = "visit_date,pseudonym,sex,origin"
assert "same row count" test "$(wc -l <rk.csv)" = "$(wc -l <rodakorset.csv)"
$UNIKA pseudonymize --key k --profile raddabarnen.profile -r dossier raddabarnen.csv -o rb.csv \
    --rejects rb-rejects.csv 2>/dev/null
assert "id_auto column replaced" test "$(head -1 rb.csv | tr -d '\r')" = "date,pseudonym,gender,country"
assert "rows without a dossier are listed" test "$(grep -c ',dossier,dossier,UNIKA_EEMPTY,' rb-rejects.csv)" -gt 1000

# Refusals and usage errors.
check "output exists" 1 "" "unika pseudonymize: out.csv: already exists (use --force to replace it)" -- \
    $UNIKA pseudonymize --key k --profile small.profile small.csv -o out.csv
check_has "--force replaces" 0 "wrote out.csv" -- \
    $UNIKA pseudonymize --key k --profile small.profile small.csv -o out.csv --force
check "other key" 1 "" "unika pseudonymize: other: key fingerprint: expected HEX, got HEX (not the partnership's key)" -- \
    $UNIKA pseudonymize --key other --key-fingerprint "$($UNIKA key fingerprint k)" --profile small.profile small.csv -o o2.csv
tr ';' ',' <small.csv >commas.csv
check_has "bad delimiter" 1 "the file's delimiter is probably not the profile's ';'" -- \
    $UNIKA pseudonymize --key k --profile small.profile commas.csv -o o3.csv
printf '%s\r\n' 'datum;namn;fodelsear;kon' '2019-06-30;Ali Reza;2001' >short.csv
check "too few fields" 1 "" "unika pseudonymize: short.csv: line 2: record has 3 fields, the header has 4
unika pseudonymize: nothing written" -- \
    $UNIKA pseudonymize --key k --profile small.profile short.csv -o o4.csv
printf 'datum;namn;fodelsear;kon\r\n2019-06-30;Ali \xe9;2001;pojke\r\n' >latin1.csv
check "invalid UTF-8" 1 "" "unika pseudonymize: latin1.csv: line 2, column 2 (namn): invalid UTF-8; the file looks like Windows-1252: put \"encoding = windows-1252\" in the profile, or save it as \"CSV UTF-8\"
unika pseudonymize: nothing written" -- \
    $UNIKA pseudonymize --key k --profile small.profile latin1.csv -o o5.csv
for f in o2.csv o3.csv o4.csv o5.csv; do assert "nothing written ($f)" test ! -e $f; done
assert "no temporary files left" test "$(ls -A | grep -c '^\.')" = 0
check "two recipes" 2 "" "unika pseudonymize: one --recipe only: a file gets one pseudonym column
try 'unika pseudonymize --help'" -- \
    $UNIKA pseudonymize --key k -r strict -r dob --profile small.profile small.csv -o o6.csv
check "no output" 2 "" "unika pseudonymize: -o OUT.csv is required
try 'unika pseudonymize --help'" -- $UNIKA pseudonymize --key k --profile small.profile small.csv

finish
