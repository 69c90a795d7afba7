#!/usr/bin/env bash
# compact.sh - `--compact` (payload encoding 2, docs/format.md §7.1) on the
# commands that write sketches (ingest, merge), and every reader taking
# compact and plain files alike: inspect, estimate, merge, report give the
# same figures from either; output is deterministic; damage is refused.
#   usage: compact.sh path/to/unika
. "$(dirname "$0")/testlib.bash"

# 4,000 distinct people (loose key of name, birth year, gender), enough for
# dense sketches at p = 10: alpha sees 0..2999, beta 2000..3999.
cat >gen.awk <<'AWK'
BEGIN {
    split("Ali Omar Hassan Reza Samir Yusuf Karim Nadia Fatima Layla Tariq Bilal Zainab Jamal Farid Kamal Walid Nabil Rashid Sultan", g, " ")
    split("Ahmadi Haidari Rahimi Karimi Hosseini Sadeghi Mohammadi Jafari Rezaei Moradi Ghasemi Kazemi Bakhtiari Noori Safavi Tehrani Shirazi Nazari Amini Sharifi", s, " ")
    print "visit_date,full_name,birth_date,sex,origin,migration_board_id,swedish_id"
    for (i = first; i <= last; i++)
        printf "%s,%s %s,%d-01-01,%s,Afghanistan,,\n", date, g[i % 20 + 1], s[int(i / 20) % 20 + 1], 1940 + int(i / 400), (i % 2 ? "male" : "female")
}
AWK
awk -v first=0 -v last=2999 -v date=2019-03-10 -f gen.awk >alpha.csv
awk -v first=2000 -v last=3999 -v date=2019-04-10 -f gen.awk >beta.csv
"$UNIKA" keygen -o k >/dev/null
ingest() { # ORG OUTDIR [options]
    local org=$1 out=$2
    shift 2
    mkdir -p "$(dirname "$out")"
    "$UNIKA" ingest --key k --profile "$SRC/examples/profiles/rodakorset.profile" --org "$org" \
        --precision 10 "$@" "$org.csv" -o "$out" 2>/dev/null
}
ingest alpha plain/alpha
ingest beta plain/beta
ingest alpha compact/alpha --compact
ingest beta compact/beta --compact
a_plain=plain/alpha/alpha_2019H1.uks a_compact=compact/alpha/alpha_2019H1.uks
assert "ingest --compact wrote the cell" test -e $a_compact
# about 3.7 bits a register at 3,000 people in 1,024 registers, plus labels
assert "the compact cell is under 60% of the plain one" \
    test $(($(wc -c <$a_compact) * 10)) -lt $(($(wc -c <$a_plain) * 6))
"$UNIKA" inspect $a_compact >out.txt
assert "inspect names encoding 2" grep -q "format       unika sketch v1, encoding 2 (compact)" out.txt
assert "inspect gives the coded payload's size" grep -q "payload      1024 registers, [0-9]* bytes (rANS-coded)" out.txt
"$UNIKA" inspect $a_plain >out.txt
assert "a plain cell stays encoding 1" grep -q "encoding 1$" out.txt

# The same registers: estimate prints the same figures for either file.
"$UNIKA" estimate $a_plain | sed 1d >plain.txt
"$UNIKA" estimate $a_compact | sed 1d >compact.txt
assert "estimate printed an estimate" grep -q "estimate   [0-9]" compact.txt
assert "estimate: compact = plain" cmp plain.txt compact.txt

# Merges: compact, plain and mixed inputs give the same union.
"$UNIKA" merge -o mp.uks plain >/dev/null
"$UNIKA" merge -o mx.uks compact/alpha plain/beta >/dev/null
"$UNIKA" merge --compact -o mc.uks compact >/dev/null
"$UNIKA" merge --compact -o mc2.uks compact/beta compact/alpha >/dev/null
assert "the union is estimated" grep -q "estimate   [0-9]" <("$UNIKA" estimate mp.uks)
for f in mx mc; do
    "$UNIKA" estimate $f.uks | sed 1d >$f.txt
    "$UNIKA" estimate mp.uks | sed 1d >mp.txt
    assert "merge of $f inputs = merge of plain inputs" cmp mp.txt $f.txt
done
assert "merge --compact is deterministic" cmp mc.uks mc2.uks
"$UNIKA" inspect mc.uks >out.txt
assert "merge --compact writes encoding 2" grep -q "encoding 2 (compact)" out.txt
assert "merge without --compact writes encoding 1" \
    sh -c "'$UNIKA' inspect mx.uks | grep -q 'encoding 1$'"
# A compact merged file merges again (its provenance file beside it).
check_has "merge of a compact merged file" 0 "" -- $UNIKA merge --compact -o mm.uks mc.uks
"$UNIKA" estimate mm.uks | sed 1d >mm.txt
assert "... with the same figures" cmp mp.txt mm.txt

# report reads both: the same tables from the compact and the plain cells.
"$UNIKA" report plain >rp.md 2>/dev/null
"$UNIKA" report compact >rc.md 2>/dev/null
assert "report: compact cells = plain cells" cmp rp.md rc.md
assert "report printed a table" grep -q "| total |" rc.md

# verify audits a report made from compact cells, signed and listed in manifests
# (the steps of verify.sh, on the compact cells).
"$UNIKA" keygen -o rel.key >/dev/null
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
for org in alpha beta; do
    "$UNIKA" sign-keygen --name $org -o $org >/dev/null
    "$UNIKA" sign --key $org.sec compact/$org/*.uks >/dev/null
    "$UNIKA" manifest --key $org.sec --sequence 1 -o compact/$org.manifest compact/$org >/dev/null
done
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" --sign coord.sec \
    -o r.roster alpha.pub beta.pub >/dev/null
"$UNIKA" report --release-key rel.key --format json -o report.json compact 2>/dev/null
check_has "verify audits a report of compact cells" 0 "" -- $UNIKA verify --roster r.roster \
    --coordinator "$("$UNIKA" key fingerprint coord.pub)" --release-key rel.key \
    --report report.json compact
assert "... and says so" grep -q "^ok .*compact/alpha/alpha_2019H1.uks: signed by alpha" out.txt

# Damage in the coded registers is refused, naming the file.
cp $a_compact bad.uks
size=$(wc -c <bad.uks)
flip_byte bad.uks $((size - 20))
check_has "a damaged compact file is refused" 1 "bad.uks: checksum" -- $UNIKA merge -o x.uks bad.uks
assert "nothing written" test ! -e x.uks

finish
