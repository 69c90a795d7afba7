#!/usr/bin/env bash
# encodings.sh - a partner's first day: files as Excel writes them
# (Windows-1252, UTF-16 with and without a byte-order mark, an .xlsx), a
# profile with a wrong column, through `unika profile check` (no key) and
# `unika ingest`; the messages, and sketches byte for byte equal to those of
# the UTF-8 twin. Then --max-rejected and its exit status 4.
#   usage: encodings.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
command -v python3 >/dev/null || { echo "python3 needed to read --json"; exit 1; }
json() { python3 -c "import json,sys; d=json.load(open(sys.argv[1])); print($2)" "$1"; }

cp "$SRC"/tests/encodings/*.csv "$SRC"/tests/encodings/*.tsv "$SRC"/tests/encodings/*.txt \
   "$SRC"/tests/encodings/workbook.xlsx .
"$UNIKA" keygen -o k >/dev/null
profile() { # NAME DELIMITER ENCODING-LINE
    { echo "name = $1"; echo "delimiter = $2"; [ -z "$3" ] || echo "$3"
      echo 'column.date = besoksdatum'; echo 'column.name = namn'
      echo 'column.birth_date = fodelsedatum'; echo 'column.gender = kon'
      echo 'column.country = land'
      echo 'gender.man = M'; echo 'gender.kvinna = F'; echo 'gender.annat = X'; } >"$1.profile"
}
profile utf8 ';' ''
profile cp1252 ';' 'encoding = windows-1252'
profile utf16 ';' 'encoding = utf-16'
profile utf16tab tab 'encoding = utf-16'
profile utf8tab tab ''

# ---- Windows-1252: "CSV (semikolonavgränsad)" ------------------------------------
check "1252 under a UTF-8 profile: what it is, and the fix" 1 "" "unika ingest: excel.cp1252.csv: line 2, column 2 (namn): invalid UTF-8; the file looks like Windows-1252: put \"encoding = windows-1252\" in the profile, or save it as \"CSV UTF-8\"
unika ingest: nothing written" -- "$UNIKA" ingest --key k --profile utf8.profile --org x excel.cp1252.csv -o bad1
check_has "1252 under a UTF-8 profile: profile check says the same" 1 "(namn): invalid UTF-8; the file looks like Windows-1252" -- \
    "$UNIKA" profile check utf8.profile excel.cp1252.csv
check "profile check of the 1252 file under encoding = windows-1252" 0 "profile cp1252.profile (cp1252): delimiter ';', encoding windows-1252
file excel.cp1252.csv: read as windows-1252, 5 columns in the header
columns:
  date          'besoksdatum'  column 1
  name          'namn'  column 2
  birth_date    'fodelsedatum'  column 3
  gender        'kon'  column 4
  country       'land'  column 5
values of the first 8 rows:
  date          8 parse
  name          8 parse
  birth_date    8 parse
  gender        8 parse
  country       8 parse
unika profile check: cp1252.profile fits excel.cp1252.csv" "" -- "$UNIKA" profile check cp1252.profile excel.cp1252.csv
for f in excel.cp1252.csv excel.utf8.csv; do
    p=utf8; [ $f = excel.cp1252.csv ] && p=cp1252
    check "ingest $f" 0 "" "unika ingest: $f: 8 rows read, 8 used, 0 rejected
  x_all.uks: 8 rows
unika ingest: wrote 1 sketch to out-$f
unika ingest: summary rows_read=8 rows_used=8 rows_rejected=0 max_rejected=none exit=0" -- \
        "$UNIKA" ingest --key k --profile $p.profile --org x --period all $f -o out-$f
done
assert "Windows-1252 and its UTF-8 twin: the same sketch, byte for byte" cmp out-excel.cp1252.csv/x_all.uks out-excel.utf8.csv/x_all.uks
"$UNIKA" estimate --json out-excel.cp1252.csv >e.json
assert "8 people (every name told apart)" test "$(json e.json 'round(d["files"][0]["estimate"])')" = 8
# A UTF-8 file under encoding = windows-1252 would be read as mojibake: refused.
check "UTF-8 under a Windows-1252 profile" 1 "" "unika ingest: visits.utf8.csv: line 2: the file is UTF-8, not Windows-1252 (read as Windows-1252, \"å\" would become \"Ã¥\"): put \"encoding = utf-8\" in the profile" -- "$UNIKA" ingest --key k --profile cp1252.profile --org x visits.utf8.csv -o bad2
# A byte Windows-1252 leaves undefined: refused where it is.
printf 'besoksdatum;namn;fodelsedatum;kon;land\r\n2019-01-07;S\xe4ra\x81;2001-03-14;kvinna;Sverige\r\n' >undefined.csv
check "an undefined Windows-1252 byte, by position" 1 "" "unika ingest: undefined.csv: line 2, column 2 (namn): byte 0x81, which Windows-1252 does not define
unika ingest: nothing written" -- "$UNIKA" ingest --key k --profile cp1252.profile --org x undefined.csv -o bad3

# ---- UTF-16: "Unicode text", and without the byte-order mark ------------------------
check "UTF-16 under a UTF-8 profile: what it is, and the fix" 1 "" "unika ingest: visits.utf16le-bom.txt: the file is UTF-16 (little-endian, with a byte-order mark), not UTF-8: put \"encoding = utf-16\" in the profile, or save it as \"CSV UTF-8\"" -- \
    "$UNIKA" ingest --key k --profile utf8tab.profile --org x visits.utf16le-bom.txt -o bad4
check "UTF-16 without BOM under a UTF-8 profile" 1 "" "unika profile check: visits.utf16le.csv: the file is UTF-16 (little-endian, without a byte-order mark), not UTF-8: put \"encoding = utf-16\" in the profile, or save it as \"CSV UTF-8\"" -- \
    "$UNIKA" profile check utf8.profile visits.utf16le.csv
check_has "profile check of Unicode text" 0 "" -- "$UNIKA" profile check utf16tab.profile visits.utf16le-bom.txt
assert "read as utf-16le, 15 rows, every name parses" sh -c "grep -qx 'file visits.utf16le-bom.txt: read as utf-16le, 5 columns in the header' out.txt && grep -qx '  name          15 parse' out.txt"
"$UNIKA" ingest --key k --profile utf8tab.profile --org x --period all visits.utf8.tsv -o out-tsv 2>/dev/null
"$UNIKA" ingest --key k --profile utf8.profile --org x --period all visits.utf8.csv -o out-utf8 2>/dev/null
for f in visits.utf16le-bom.txt visits.utf16le.csv visits.utf16be-bom.csv; do
    p=utf16 twin=out-utf8; [ $f = visits.utf16le-bom.txt ] && p=utf16tab twin=out-tsv
    check_has "ingest $f" 0 "unika ingest: $f: 15 rows read, 15 used, 0 rejected" -- \
        "$UNIKA" ingest --key k --profile $p.profile --org x --period all $f -o out-$f
    assert "$f and its UTF-8 twin: the same sketch" cmp out-$f/x_all.uks $twin/x_all.uks
done

# ---- an .xlsx: named, with how to export it -------------------------------------------
xlsx_msg="this is an Excel workbook (.xlsx), not a CSV file: save it from the spreadsheet as \"CSV UTF-8\" (File > Save As)"
check "ingest of an .xlsx" 1 "" "unika ingest: workbook.xlsx: $xlsx_msg" -- \
    "$UNIKA" ingest --key k --profile utf8.profile --org x workbook.xlsx -o bad5
check "profile check of an .xlsx, whatever the encoding" 1 "" "unika profile check: workbook.xlsx: $xlsx_msg" -- \
    "$UNIKA" profile check cp1252.profile workbook.xlsx
assert "nothing written for the refused files" sh -c '! ls -d bad1 bad2 bad3 bad4 bad5 2>/dev/null'

# ---- a wrong column ---------------------------------------------------------------------
sed 's/column.name = namn/column.name = fullname/; s/column.gender = kon/column.gender = kön/' utf8.profile >wrong.profile
sed '1s/;namn;/;full_name;/' excel.utf8.csv >renamed.csv
check "profile check: the mapping, did you mean, the header" 1 "profile wrong.profile (utf8): delimiter ';', encoding utf-8
file renamed.csv: read as utf-8, 5 columns in the header
columns:
  date          'besoksdatum'  column 1
  name          'fullname'  MISSING; did you mean 'full_name' (column 2)?
  birth_date    'fodelsedatum'  column 3
  gender        'kön'  MISSING; did you mean 'kon' (column 4)?
  country       'land'  column 5
the header has 5 columns: besoksdatum, full_name, fodelsedatum, kon, land
unika profile check: wrong.profile does not fit renamed.csv: 2 columns missing" "" -- \
    "$UNIKA" profile check wrong.profile renamed.csv
check "ingest names the first, with the suggestion" 1 "" "unika ingest: renamed.csv: header line 1: missing column 'fullname' (name); did you mean 'full_name'? The header has 5 columns: besoksdatum, full_name, fodelsedatum, kon, land" -- \
    "$UNIKA" ingest --key k --profile wrong.profile --org x renamed.csv -o bad6
# A file without its header line: no cell of it is shown.
tail -n +2 excel.utf8.csv >headless.csv
check_has "headless: no cell shown" 1 "" -- "$UNIKA" profile check utf8.profile headless.csv
assert "headless: says why, shows no value" sh -c "grep -q 'the file needs its header line' out.txt && ! grep -q 'Åsa' out.txt && ! grep -q '2019' out.txt"

# ---- values that do not parse: profile check exits 4; ingest --max-rejected -------------
sed 's/^\(20[0-9][0-9]\)-\([0-9][0-9]\)-\([0-9][0-9]\);/\3.\2.\1;/' excel.utf8.csv >dmy.csv
# Rows 2-9 now have a DD.MM.YYYY visit date; the profile expects ISO.
echo 'date_format.date = YYYY-MM-DD' >>utf8.profile
check "profile check: a date format that does not fit" 4 "profile utf8.profile (utf8): delimiter ';', encoding utf-8
file dmy.csv: read as utf-8, 5 columns in the header
columns:
  date          'besoksdatum'  column 1
  name          'namn'  column 2
  birth_date    'fodelsedatum'  column 3
  gender        'kon'  column 4
  country       'land'  column 5
values of the first 8 rows:
  date          0 parse, 8 do not
      8: expected YYYY-MM-DD [UNIKA_EDATE], lines 2, 3, 4, 5, 6, ...
  name          8 parse
  birth_date    8 parse
  gender        8 parse
  country       8 parse
unika profile check: utf8.profile fits the columns of dmy.csv, but values of 8 rows do not parse" "" -- \
    "$UNIKA" profile check utf8.profile dmy.csv
check_has "--rows 3 checks three" 4 "" -- "$UNIKA" profile check --rows 3 utf8.profile dmy.csv
assert "three rows" grep -qF "  date          0 parse, 3 do not" out.txt
# A gender code the profile does not know: the message names the profile's.
sed '3s/;man;/;robot;/' excel.utf8.csv >robot.csv
check_has "a gender code the profile lacks" 4 "" -- "$UNIKA" profile check utf8.profile robot.csv
assert "the profile's codes are named" grep -qF "      1: expected man, kvinna, annat (the profile's codes) or a built-in code [UNIKA_EGENDER], line 3" out.txt
# Rows 2 and 3 keep ISO dates: 6 of 8 rows rejected.
{ head -3 excel.utf8.csv; tail -n +4 dmy.csv; } >mixed.csv
check "over --max-rejected 50%: exit 4, no sketch, the rejects file" 4 "" "unika ingest: mixed.csv: 8 rows read, 2 used, 6 rejected
  rejected 6 (recipe loose): date: expected YYYY-MM-DD [UNIKA_EDATE], lines 4, 5, 6, 7, 8, ...
unika ingest: mixed.csv: 6 of 8 rows rejected (75.0%), more than --max-rejected 50% allows: no sketch written
unika ingest: summary rows_read=8 rows_used=2 rows_rejected=6 max_rejected=50% exit=4" -- \
    "$UNIKA" ingest --max-rejected 50% --rejects rej.csv --key k --profile utf8.profile --org x mixed.csv -o over1
assert "no DIR after exit 4" test ! -e over1
assert "the rejects file names the expected pattern" grep -qF '4,1,date,loose,UNIKA_EDATE,"line 4, column 1 (besoksdatum, date): expected YYYY-MM-DD (no match at character 3)"' rej.csv
check_has "--max-rejected 6: not over" 0 "max_rejected=6 exit=0" -- \
    "$UNIKA" ingest --max-rejected 6 --key k --profile utf8.profile --org x mixed.csv -o under1
check_has "--max-rejected 75%: not over" 0 "max_rejected=75% exit=0" -- \
    "$UNIKA" ingest --max-rejected 75% --key k --profile utf8.profile --org x mixed.csv -o under2
check_has "--max-rejected 74.9%: over" 4 "max_rejected=74.9% exit=4" -- \
    "$UNIKA" ingest --max-rejected 74.9% --key k --profile utf8.profile --org x mixed.csv -o over2
"$UNIKA" ingest --json --max-rejected 5 --key k --profile utf8.profile --org x mixed.csv -o over3 >j.json 2>/dev/null
assert "JSON: max_rejected, written false, no cells" test "$(json j.json '(d["max_rejected"], d["written"], d["cells"], d["rows_rejected"])')" = "('5', False, [], 6)"
check "--max-rejected: a bad value" 2 "" "unika ingest: --max-rejected must be a number of rows or a percentage from 0% to 100%, e.g. 25 or 2.5%
try 'unika ingest --help'" -- "$UNIKA" ingest --max-rejected 120% --key k --profile utf8.profile --org x mixed.csv -o o
check_has "matchkeys: over --max-rejected" 4 "unika matchkeys: mixed.csv: 6 of 8 rows rejected (75.0%), more than --max-rejected 1 allows: mixed.umk not written" -- \
    "$UNIKA" matchkeys --max-rejected 1 --key k --profile utf8.profile --org x mixed.csv -o mixed.umk
assert "matchkeys: no file" test ! -e mixed.umk
check_has "matchkeys: the summary line" 4 "unika matchkeys: summary rows_read=8 rows_used=2 rows_rejected=6 values_dropped=0 max_rejected=1 exit=4" -- \
    "$UNIKA" matchkeys --max-rejected 1 --key k --profile utf8.profile --org x mixed.csv -o mixed.umk
check_has "pseudonymize: over --max-rejected" 4 "mixed.out.csv not written" -- \
    "$UNIKA" pseudonymize --max-rejected 10% --key k --profile utf8.profile mixed.csv -o mixed.out.csv
assert "pseudonymize: no file" test ! -e mixed.out.csv
finish
