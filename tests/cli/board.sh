#!/usr/bin/env bash
# board.sh - the board's formats (docs/report.md, "The board's formats";
# docs/partnership.md): HTML opened in headless Chromium, the xlsx read back,
# the Swedish CSV, display names with å ä ö é and a hyphen end to end, the
# partnership file's refusals, byte-identical re-rendering, and a report
# JSON carrying counts under linkage error.
#   usage: board.sh path/to/unika
# Chromium (Debian's chromium, scripts/setup-debian.sh): where it cannot
# start, the browser checks are skipped with a message saying so; where
# this unika was built without libxlsxwriter, the workbook checks too.
. "$(dirname "$0")/testlib.bash"
. "$SRC/tests/cli/analyst_data.bash"
CHECK="python3 $SRC/tests/cli/board_check.py"

# ---- data: the analyst's tiny partnership (withheld figures, primary and
# secondary) and two partners of the bundled example (figures over 1,000).
make_partner_csvs
# A key from a fixed passphrase: the figures (and the "1,7xx" below) are the same every run.
printf '%s\n' "board test only, never a real key" >pass
"$UNIKA" keygen -o k --passphrase-file pass --salt board-test >/dev/null
ingest_partner k alpha cells/alpha
ingest_partner k beta cells/beta
"$UNIKA" report --min-count 3 --overlap org --rows period --cols org --format json -o small.json cells
"$UNIKA" report --min-count 0 --overlap org --rows period --cols org --format json -o small-raw.json cells
mkdir -p ex
"$UNIKA" keygen -o rel.key >/dev/null
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
PIN=$("$UNIKA" key fingerprint coord.pub)
for org in stadsmissionen uppsok; do
    "$UNIKA" sign-keygen --name "$org" -o "$org" >/dev/null
    "$UNIKA" ingest --key k --sign "$org.sec" --profile "$SRC/examples/profiles/$org.profile" \
        --org "$org" --period half-year --by gender "$SRC/examples/iop-visits/$org.csv" \
        -o "ex/$org" 2>/dev/null
    "$UNIKA" manifest --key "$org.sec" --sequence 1 -o "ex/$org.manifest" "ex/$org" >/dev/null
done
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" --sign coord.sec \
    -o ex.roster stadsmissionen.pub uppsok.pub >/dev/null
"$UNIKA" report --release-key rel.key --format json -o big.json ex

cat >small.partnership <<'EOF'
# display names with å ä ö é and a hyphen
format = unika-partnership 1
name = Samverkan på Söder – försök
language = sv
org.alpha = Rädda Barnen-Östra
org.beta = Café Åsö
EOF
cat >big.partnership <<'EOF'
format = unika-partnership 1
name = IOP Stockholm
org.stadsmissionen = Stockholms Stadsmission
org.uppsok = Uppsök-Café Järva
EOF

assert "withheld figures in the small report" python3 -c "
import json; f = json.load(open('small.json'))['figures']
assert any(x['suppression'] == 'primary' for x in f) and any(x['suppression'] == 'secondary' for x in f)"

# ---- rendering from the JSON, in every format, twice: the same bytes.
for name in small big; do
    for fmt in html csv-sv xlsx; do
        ext=$fmt; [ "$fmt" = csv-sv ] && ext=csv
        check "$name: $fmt" 0 "" "" -- "$UNIKA" report --from "$name.json" --format "$fmt" \
            --partnership "$name.partnership" -o "$name.sv.$ext"
        check "$name: $fmt again" 0 "" "" -- "$UNIKA" report --from "$name.json" --format "$fmt" \
            --partnership "$name.partnership" -o "again.$name.sv.$ext"
        assert "$name: $fmt byte-identical" cmp "$name.sv.$ext" "again.$name.sv.$ext"
    done
    assert "$name: csv-sv stamp file byte-identical" cmp "$name.sv.stamp.csv" "again.$name.sv.stamp.csv"
done
# From sketches directly: the JSON made in memory is the one rendered.
check "report --format html from sketches" 0 "" "" -- "$UNIKA" report --release-key rel.key \
    --format html --partnership big.partnership -o direct.html ex
assert "from sketches = from the JSON" cmp direct.html big.sv.html
check "English" 0 "" "" -- "$UNIKA" report --from big.json --format html --lang en \
    --partnership big.partnership -o big.en.html
assert "English labels" grep -q 'lang="en"' big.en.html
assert "English: girls" grep -q '>girls<' big.en.html
assert "English: 1,7" grep -q '>1,7[0-9][0-9]<' big.en.html
assert "Swedish: flickor, pojkar, annat" bash -c "grep -q '>flickor<' big.sv.html && grep -q '>pojkar<' big.sv.html && grep -q '>annat<' big.sv.html"
assert "Swedish: 2019 H1 and första halvåret 2019" grep -q 'första halvåret 2019' small.sv.html
assert "stamp last line" bash -c "tail -n 1 small.sv.html | grep -q '^<!-- unika-rendering v1 format=html lang=sv partnership=[0-9a-f]\{64\} source=[0-9a-f]\{64\} -->\$'"
assert "the stamp names the JSON" grep -q "source=$(b2sum -l 256 small.json | cut -c1-64)" small.sv.html
assert "no digest on the board's pages" bash -c "! sed -n '1,/id=\"appendix\"/p' small.sv.html | grep -q '[0-9a-f]\{64\}'"
assert "the digests in the appendix" bash -c "sed -n '/id=\"appendix\"/,\$p' small.sv.html | grep -q '[0-9a-f]\{64\}'"

# ---- the Swedish CSV
check_py() { # NAME ARGS...
    local name=$1
    shift
    cases=$((cases + 1))
    if ! $CHECK "$@" >py.txt 2>&1; then
        failures=$((failures + 1))
        echo "FAIL: $name"
        cat py.txt
    fi
}
check_py "small: Swedish CSV" csvsv small.json small.sv.csv small.sv.stamp.csv
check_py "big: Swedish CSV" csvsv big.json big.sv.csv big.sv.stamp.csv

# ---- the workbook, read back
if "$UNIKA" report --from small.json --format xlsx -o probe.xlsx 2>err.txt; then
    check_py "small: workbook" xlsx small.json small.sv.xlsx
    check_py "big: workbook" xlsx big.json big.sv.xlsx
    check_py "display names in page, workbook and CSV" names small.sv.html small.sv.xlsx small.sv.csv \
        "Rädda Barnen-Östra" "Café Åsö" "Samverkan på Söder – försök"
else
    echo "SKIP: the workbook checks: $(cat err.txt)"
fi

# ---- counts under linkage error: a JSON whose figures carry the optional
# linkage_low, linkage_high, deterministic and mode (docs/report.md)
$CHECK linkage big.json link.json
if [ -e big.sv.xlsx ]; then
    check "linkage: xlsx" 0 "" "" -- "$UNIKA" report --from link.json --format xlsx -o link.xlsx
    check_py "linkage: workbook columns" xlsx-linkage link.json link.xlsx
fi
check "linkage: csv-sv" 0 "" "" -- "$UNIKA" report --from link.json --format csv-sv -o link.csv
assert "linkage: csv-sv columns" bash -c "head -n 1 link.csv | grep -q 'Länkning, lägst;Länkning, högst;Deterministisk länkning'"

# ---- a real spreadsheet: LibreOffice Calc (Debian's libreoffice-calc-nogui) opens the
# workbook, and the Swedish CSV in a Swedish locale (1053), and says what it read.
calc() { # OUTDIR [soffice options...] FILE
    local out=$1
    shift
    timeout 180 soffice --headless -env:UserInstallation="file://$work/lo-profile" \
        --convert-to fods --outdir "$out" "$@" >calc.log 2>&1
}
if ! command -v soffice >/dev/null; then
    echo "SKIP: the spreadsheet checks: LibreOffice is not installed (scripts/setup-debian.sh installs it)"
elif calc calc-probe small.sv.csv && [ -s calc-probe/small.sv.fods ]; then
    sv_csv='Text - txt - csv (StarCalc):59,34,76,1,,1053,false,true'
    if [ -e big.sv.xlsx ]; then
        calc calc big.sv.xlsx
        check_py "Calc reads the workbook: numbers are numbers" calc-xlsx big.json calc/big.sv.fods
        calc calc small.sv.xlsx
        check_py "Calc reads the small workbook, <3 and .. as text" calc-xlsx small.json calc/small.sv.fods
    fi
    calc calc --infilter="$sv_csv" link.csv
    check_py "Calc reads the Swedish CSV: numbers, decimal commas" calc-csvsv link.json calc/link.fods
    calc calc --infilter="$sv_csv" small.sv.csv
    check_py "Calc reads the small Swedish CSV" calc-csvsv small.json calc/small.sv.fods
else
    echo "SKIP: the spreadsheet checks: LibreOffice could not start: $(tail -n 3 calc.log)"
fi

# ---- the page in a browser
chromium_dom() { # HTML OUT: Chromium's DOM of HTML with the probe script
    $CHECK probe "$1" "$1.probe.html"
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/chromium-profile" --dump-dom "file://$work/$1.probe.html" \
        >"$2" 2>chromium.log
}
browser=1
if ! command -v chromium >/dev/null; then
    browser=0 reason="chromium is not installed (scripts/setup-debian.sh installs it)"
elif ! chromium_dom small.sv.html small.dom.html || ! grep -q 'unika-probe' small.dom.html; then
    browser=0 reason="chromium could not start: $(tail -n 3 chromium.log)"
fi
if [ "$browser" = 1 ]; then
    check_py "small: page in Chromium" html small.json small.dom.html small.sv.html small-raw.json
    chromium_dom big.sv.html big.dom.html
    check_py "big: page in Chromium" html big.json big.dom.html big.sv.html
    # the checker itself: a page with one figure changed must fail it
    sed 's|<span class="v">1\xc2\xa0|<span class="v">9\xc2\xa0|' big.sv.html >wrong.html
    chromium_dom wrong.html wrong.dom.html
    cases=$((cases + 1))
    if $CHECK html big.json wrong.dom.html wrong.html >py.txt 2>&1 || ! grep -q "cell shows" py.txt; then
        failures=$((failures + 1))
        echo "FAIL: the checker passed a page with a changed figure"
    fi
    assert "big: thousands grouped with U+00A0" grep -q '1 [0-9][0-9][0-9]' big.dom.html
    # counts under linkage error (link.json, above): drawn and tabled
    check "linkage: html" 0 "" "" -- "$UNIKA" report --from link.json --format html \
        --partnership big.partnership -o link.html
    chromium_dom link.html link.dom.html
    check_py "linkage: page in Chromium" html link.json link.dom.html link.html
    check_py "linkage: bands, dots, ranges, words" linkage-html link.json link.dom.html
    cases=$((cases + 1))
    timeout 120 chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
        --disable-background-networking --disable-component-update --disable-sync \
        --user-data-dir="$work/chromium-profile" --hide-scrollbars --window-size=800,1200 \
        --screenshot="$work/shot.png" "file://$work/big.sv.html" >/dev/null 2>&1
    [ "$(stat -c %s shot.png 2>/dev/null || echo 0)" -gt 20000 ] || {
        failures=$((failures + 1))
        echo "FAIL: screenshot of the page"
    }
else
    echo "SKIP: the browser checks: $reason"
fi

# ---- verify --rendering: each board format is the audited JSON's rendering
verify() {
    "$UNIKA" verify --quiet --roster ex.roster --coordinator "$PIN" --release-key rel.key \
        --report big.json "$@" ex
}
renderings=(--rendering big.sv.html --rendering big.sv.csv)
[ -e big.sv.xlsx ] && renderings+=(--rendering big.sv.xlsx)
check_has "verify: the board's files" 0 "" -- verify --partnership big.partnership "${renderings[@]}"
assert "verify: all verified" grep -q "0 problem(s): verified" out.txt
check_has "verify: the CSV's stamp file named" 0 "" -- verify --partnership big.partnership \
    --rendering big.sv.stamp.csv
python3 - <<'PY'
page = open("big.sv.html", encoding="utf-8").read()
old = '<span class="v">1\u00a0'
assert old in page
open("edited.html", "w", encoding="utf-8").write(page.replace(old, '<span class="v">2\u00a0', 1))
csv = open("big.sv.csv", encoding="utf-8-sig").read().replace(";682;", ";683;", 1)
open("edited.csv", "w", encoding="utf-8-sig", newline="").write(csv)
PY
cp big.sv.stamp.csv edited.stamp.csv
check_has "verify: an edited figure in the page" 1 "" -- verify --partnership big.partnership \
    --rendering edited.html
assert "verify: says where" grep -q "^FAIL  rendering edited.html: not the html rendering of the audited report, first at line" out.txt
check_has "verify: an edited Swedish CSV" 1 "" -- verify --partnership big.partnership \
    --rendering edited.csv
assert "verify: says the table file" grep -q "^FAIL  rendering edited.csv: not the csv-sv rendering of the audited report, first at line" out.txt
cp big.sv.csv stamped.csv
sed 's/^release.raw_estimates;true/release.raw_estimates;false/' big.sv.stamp.csv >stamped.stamp.csv
check_has "verify: an edited stamp file" 1 "" -- verify --partnership big.partnership \
    --rendering stamped.csv
assert "verify: says the stamp file" grep -q "^FAIL  rendering stamped.csv: its stamp file is not the csv-sv rendering's" out.txt
check_has "verify: a page of another report" 1 "" -- verify --partnership small.partnership \
    --rendering small.sv.html
assert "verify: another JSON" grep -q "^FAIL  rendering small.sv.html: rendered from another report" out.txt
check_has "verify: without the partnership file" 1 "" -- verify --rendering big.sv.html
assert "verify: names the partnership file" grep -q "needs the partnership file whose BLAKE2b-256 is" out.txt
check_has "verify: the JSON is no rendering" 1 "" -- verify --rendering small.json
assert "verify: says so" grep -q "^FAIL  rendering small.json: carries no unika rendering stamp" out.txt
if [ -e big.sv.xlsx ]; then
    cp big.sv.xlsx edited.xlsx
    flip_byte edited.xlsx 2000
    check_has "verify: an edited workbook" 1 "" -- verify --partnership big.partnership \
        --rendering edited.xlsx
    assert "verify: the workbook differs" grep -q "^FAIL  rendering edited.xlsx: not the xlsx rendering of the audited report" out.txt
fi

# ---- refusals, by name
partnership() { printf 'format = unika-partnership 1\n%s\n' "$1" >p.txt; }
partnership $'org.alpha = A\norg.beta = B\norg.alpha = C'
check "duplicate organisation" 1 "" "unika report: p.txt line 4: organisation named twice: 'alpha'
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
partnership $'org.alpha = Café\norg.beta = Café'
check "two organisations, one display name" 1 "" "unika report: p.txt line 3: organisation a display name given twice: 'Café'
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
partnership $'language = de\norg.alpha = A'
check "unknown language in the file" 1 "" "unika report: p.txt line 2: unknown language (sv or en): 'de'
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
check "unknown language --lang" 2 "" "unika report: --lang: unknown language 'fi' (sv or en)
try 'unika report --help'
" -- "$UNIKA" report --from small.json --format html --lang fi -o x.html
partnership $'org.alpha = A\norg.beta = B\norg.gamma = C'
check "an organisation not in the data" 1 "" "unika report: p.txt: the partnership file names organisation 'gamma', which is not in the report
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
partnership $'org.alpha = A\norg.beta = B\nperiod.2031H1 = Våren 2031'
check "a period not in the data" 1 "" "unika report: p.txt: the partnership file names period '2031H1', which is not in the report
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
partnership $'org.alpha = A'
check "an organisation of the data without a name" 1 "" "unika report: p.txt: organisation 'beta' of the report has no display name in the partnership file (add org.beta = ...)
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
printf 'format = unika-partnership 2\n' >p.txt
check "another version" 1 "" "unika report: p.txt line 1: unknown format 'unika-partnership 2' (this unika reads 'unika-partnership 1')
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
printf 'name = x\n' >p.txt
check "no version line" 1 "" "unika report: p.txt line 1: the first key must be 'format'
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
partnership $'colour = blue'
check "unknown key" 1 "" "unika report: p.txt line 2: unknown key (format, name, language, org.LABEL, period.LABEL): 'colour'
" -- "$UNIKA" report --from small.json --format html --partnership p.txt -o x.html
assert "nothing written on a refusal" test ! -e x.html
check "--lang without a board format" 2 "" "unika report: --lang and --partnership go with --format html, xlsx or csv-sv
try 'unika report --help'
" -- "$UNIKA" report --lang sv cells
check "xlsx needs -o" 2 "" "unika report: --format xlsx needs -o FILE
try 'unika report --help'
" -- "$UNIKA" report --from small.json --format xlsx
printf '{"schema": "unika-report", "version": 2, "figures": [], "tables": []}' >bad.json
check_has "a JSON without release" 1 "missing" -- "$UNIKA" report --from bad.json --format html -o x.html
python3 -c "
import json; r = json.load(open('small.json'))
r['figures'].append(dict(r['figures'][0])); json.dump(r, open('dup.json', 'w'))
r = json.load(open('small.json')); r['tables'][0]['total'] = 'nowhere'; json.dump(r, open('missing.json', 'w'))"
check_has "a figure id twice" 1 "dup.json: figures: the id \"total\" is given to two figures" -- \
    "$UNIKA" report --from dup.json --format html -o x.html
check_has "a table naming a missing figure" 1 "names figure \"nowhere\", which the report does not contain" -- \
    "$UNIKA" report --from missing.json --format html -o x.html
check "existing output" 1 "" "unika report: small.sv.html: already exists (use --force to replace it)
" -- "$UNIKA" report --from small.json --format html -o small.sv.html
cp small.sv.stamp.csv y.stamp.csv
check "an existing stamp file" 1 "" "unika report: y.stamp.csv: already exists (use --force to replace it)
" -- "$UNIKA" report --from small.json --format csv-sv -o y.csv
assert "no table file without its stamp file" test ! -e y.csv

finish
