#!/usr/bin/env bash
# bad_input.sh - `unika` on hostile and broken inputs (tests/bad-input/):
# truncated, oversized and header-patched sketch files, bad CSV bytes and
# shapes, huge lines and records, empty files, directories, unreadable files
# and a full disk. Each must end with exit 1, a clear message on stderr, and
# nothing in the output place: no output, no temporary or staging file.
#   usage: bad_input.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
command -v python3 >/dev/null || { echo "python3 needed (tests/bad-input/patch_sketch.py)"; exit 1; }

BAD=$SRC/tests/bad-input
GOOD=$SRC/tests/golden/good
PATCH="python3 $BAD/patch_sketch.py"
"$UNIKA" keygen -o k >/dev/null
mkdir in
cp "$BAD"/*.csv "$BAD"/stream.profile in/
# A real partner file: one --period all cell of it is a 4 KiB sketch.
cp "$SRC"/examples/iop-visits/raddabarnen.csv in/rb.csv
cp "$SRC"/examples/profiles/raddabarnen.profile in/rb.profile

# nothing_left NAME: the working directory holds only k, in/ and the
# check's own out.txt/err.txt: no output, temporary or staging file.
nothing_left() {
    cases=$((cases + 1))
    local left
    left=$(ls -A | grep -v -x -e k -e in -e out.txt -e err.txt)
    if [ -n "$left" ]; then
        failures=$((failures + 1))
        echo "FAIL: $1: left behind: $left"
        rm -rf -- $left
    fi
}

# ingest_bad NAME FILE STDERR_SUBSTRING [extra ingest options]
ingest_bad() {
    local name=$1 file=$2 want=$3
    shift 3
    check_has "ingest: $name" 1 "$want" -- \
        "$UNIKA" ingest -k k -p in/stream.profile --org t "$file" -o out --rejects rej.csv "$@"
    nothing_left "ingest: $name"
}

# ---- CSV bytes and shapes ---------------------------------------------------
ingest_bad "invalid UTF-8 byte" in/not_utf8.csv "line 3, column 2 (name): invalid UTF-8"
ingest_bad "overlong 2-byte form" in/overlong_2byte.csv "line 3, column 2 (name): invalid UTF-8"
ingest_bad "overlong 3-byte form" in/overlong_3byte.csv "line 3, column 2 (name): invalid UTF-8"
ingest_bad "UTF-16 surrogate" in/surrogate.csv "line 3, column 5 (country): invalid UTF-8"
ingest_bad "code point above U+10FFFF" in/above_10ffff.csv "line 3, column 5 (country): invalid UTF-8"
ingest_bad "sequence cut by the line end" in/truncated_sequence.csv "column 5 (country): invalid UTF-8"
ingest_bad "NUL inside a field" in/nul_in_field.csv "line 3, column 2 (name): NUL byte"
ingest_bad "NUL line" in/nul_line.csv "line 3, column 1 (visit_date): NUL byte"
ingest_bad "quote that never closes" in/quote_never_closes.csv "line 3, column 2 (name): quoted field never closes"
ingest_bad "quote inside an unquoted field" in/quote_inside_field.csv "quote inside an unquoted field"
ingest_bad "text after a closing quote" in/text_after_quote.csv "text after a closing quote"
ingest_bad "old Mac CR line ends" in/cr_only.csv "line 1, column 6: carriage return not followed by line feed"
ingest_bad "a bare CR among LF lines" in/mixed_cr_lf.csv "line 2, column 6 (dossier): carriage return not followed by line feed"
ingest_bad "record with too many fields" in/too_many_fields.csv "line 2: record has 7 fields, the header has 6"
ingest_bad "record with too few fields" in/too_few_fields.csv "line 2: record has 2 fields, the header has 6"
ingest_bad "wrong delimiter" in/wrong_delimiter.csv "the file's delimiter is probably not the profile's ','"
ingest_bad "empty file" in/empty.csv "empty file: no header line"
ingest_bad "byte-order mark only" in/bom_only.csv "empty file: no header line"
# LF and CRLF mixed is what exporters and hand edits produce; RFC 4180
# readers accept both, so this is read, and gives the same sketch as LF only.
"$UNIKA" ingest -k k -p in/stream.profile --org t in/good.csv -o lf >/dev/null 2>&1
check_has "ingest: mixed LF and CRLF is read" 0 "2 rows read, 2 used" -- \
    "$UNIKA" ingest -k k -p in/stream.profile --org t in/mixed_lf_crlf.csv -o mixed
assert "mixed line ends: same sketch as LF" cmp lf/t_2024H2.uks mixed/t_2024H2.uks
rm -rf lf mixed

# ---- generated at test time: a 100 MB line, 10^6 columns ----------------------
# The reader stops at its field bound (64 KiB) without buffering the line.
{
    echo "visit_date,name,birth_date,gender,country,dossier"
    printf '2024-10-18,'
    head -c 100000000 /dev/zero | tr '\0' a
    echo ',2005-03-12,M,Afghanistan,10000000'
} >in/long_line.csv
ingest_bad "one line of 100 MB" in/long_line.csv "line 2, column 2 (name): field longer than 65536 bytes"
if [ -x /usr/bin/time ]; then
    # Memory stays bounded: well under the line's size (limit: 64 MB).
    /usr/bin/time -f %M -o rss.txt "$UNIKA" ingest -k k -p in/stream.profile --org t \
        in/long_line.csv -o out >/dev/null 2>&1
    rss=$(tail -n 1 rss.txt)
    assert "100 MB line read in bounded memory ($rss KiB)" test "$rss" -lt 65536
    rm -f rss.txt
fi
rm -f in/long_line.csv
python3 -c '
import sys
cols = ["visit_date", "name", "birth_date", "gender", "country", "dossier"]
cols += ["c%d" % i for i in range(10**6 - len(cols))]
sys.stdout.write(",".join(cols) + "\n")' >in/wide.csv
ingest_bad "10^6 columns" in/wide.csv "line 1, column 4097: more than 4096 fields in a record"
rm -f in/wide.csv

# 16,385 distinct countries: one cell too many for --by country. The cells
# are capped (16,384) so memory and output files cannot grow with the rows.
python3 -c '
print("visit_date,name,birth_date,gender,country,dossier")
for i in range(16385): print("2024-10-18,Person %d,2005-03-12,M,C%d," % (i, i))' >in/countries.csv
ingest_bad "more cells than the cap" in/countries.csv "more than 16384 cells" --by country
rm -f in/countries.csv

# ---- not a readable regular file -------------------------------------------------
mkdir in/dir.csv
ingest_bad "a directory as the CSV" in/dir.csv "Is a directory"
ingest_bad "a missing file" in/missing.csv "cannot open: No such file or directory"
ln -s missing.csv in/dangling.csv
ingest_bad "a dangling symlink" in/dangling.csv "cannot open: No such file or directory"
ingest_bad "a path through a file" in/good.csv/x "cannot open: Not a directory"
if [ "$(id -u)" != 0 ]; then
    cp in/good.csv in/unreadable.csv && chmod 000 in/unreadable.csv
    ingest_bad "an unreadable file" in/unreadable.csv "Permission denied"
    rm -f in/unreadable.csv
else
    # root reads a mode-000 file anyway (CAP_DAC_OVERRIDE), so chmod cannot
    # make it unreadable; the open failures above cover the same path.
    echo "skipped: unreadable file (running as root: mode 000 does not stop root)"
fi
rmdir in/dir.csv
rm -f in/dangling.csv

# ---- sketch files: truncated, oversized, every header field out of range --------
# sketch_bad NAME FILE STDERR_SUBSTRING: inspect, estimate and merge refuse it,
# and merge writes nothing.
sketch_bad() {
    local name=$1 file=$2 want=$3
    check_has "inspect: $name" 1 "$want" -- "$UNIKA" inspect "$file"
    check_has "estimate: $name" 1 "$want" -- "$UNIKA" estimate "$file"
    check_has "merge: $name" 1 "$want" -- "$UNIKA" merge -o merged.uks "$GOOD/sparse_p12_small.uks" "$file"
    nothing_left "sketch: $name"
}

for keep in 0 7 9 63 64 100; do
    head -c $keep "$GOOD/dense_p12.uks" >in/cut.uks
    want="truncated"
    [ $keep = 0 ] && want="0 bytes, the header alone has 64"
    sketch_bad "cut to $keep bytes" in/cut.uks "$want"
done
size=$(stat -c %s "$GOOD/dense_p12.uks")
head -c $((size - 1)) "$GOOD/dense_p12.uks" >in/cut.uks
sketch_bad "last byte missing" in/cut.uks "file truncated: total_size says $size bytes, got $((size - 1))"
{ cat "$GOOD/dense_p12.uks"; printf '\0'; } >in/cut.uks
sketch_bad "one trailing byte" in/cut.uks "trailing"
# Oversized: refused from its size alone, before it is read.
truncate -s 5000000 in/cut.uks
sketch_bad "5 MB file" in/cut.uks "5000000 bytes, larger than any sketch file can be"
truncate -s 3G in/cut.uks
sketch_bad "3 GB sparse file" in/cut.uks "larger than any sketch file can be"
rm -f in/cut.uks

# header_bad BASE OFFSET SIZE VALUE STDERR_SUBSTRING: the field at OFFSET set to
# VALUE, checksum repaired, so the field check itself must refuse it.
header_bad() {
    $PATCH "$GOOD/$1" in/patched.uks "$2" "$3" "$4"
    sketch_bad "$1 bytes $2+$3 = $4" in/patched.uks "$5"
    rm -f in/patched.uks
}
header_bad sparse_p12_small.uks 8 2 0 "format version: expected <= 2, got 0"
header_bad sparse_p12_small.uks 8 2 3 "format version: expected <= 2, got 3"
header_bad sparse_p12_small.uks 8 2 0xffff "got 65535"
header_bad sparse_p12_small.uks 10 1 0 "kind: expected 1 (sparse) or 2 (dense), got 0"
header_bad sparse_p12_small.uks 10 1 3 "kind: expected 1 (sparse) or 2 (dense), got 3"
header_bad sparse_p12_small.uks 11 1 3 "p: expected 4..18, got 3"
header_bad sparse_p12_small.uks 11 1 19 "p: expected 4..18, got 19"
header_bad sparse_p12_small.uks 11 1 255 "p: expected 4..18, got 255"
header_bad sparse_p12_small.uks 12 1 0 "encoding: expected 1, got 0"
header_bad sparse_p12_small.uks 12 1 2 "encoding: expected 1, got 2 (a sparse sketch has no encoding 2)"
header_bad dense_p12.uks 12 1 3 "encoding: expected 1 or 2, got 3"
# plain registers announced as compact (docs/format.md §7.1): refused, never decoded
header_bad dense_p12.uks 12 1 2 "compact payload of 4096 bytes is not shorter than the 4096 plain register bytes"
header_bad sparse_p12_small.uks 13 1 1 "flags: reserved bits must be 0"
header_bad sparse_p12_small.uks 13 1 0x80 "flags: reserved bits must be 0"
header_bad sparse_p12_small.uks 14 2 1 "reserved bytes 14..15 must be 0"
header_bad sparse_p12_small.uks 16 4 0 "total_size: expected 72..4886792, got 0"
header_bad sparse_p12_small.uks 16 4 71 "total_size: expected 72..4886792, got 71"
header_bad sparse_p12_small.uks 16 4 4886793 "total_size: expected 72..4886792, got 4886793"
header_bad sparse_p12_small.uks 16 4 0xffffffff "total_size: expected 72..4886792, got 4294967295"
header_bad sparse_p12_small.uks 16 4 total+1 "truncated"
header_bad sparse_p12_small.uks 16 4 total+-1 "trailing"
header_bad sparse_p12_small.uks 20 2 65 "label_count: expected <= 64, got 65"
header_bad sparse_p12_small.uks 20 2 0xffff "label_count: expected <= 64, got 65535"
header_bad sparse_p12_small.uks 22 2 4097 "source_count: expected <= 4096, got 4097"
header_bad sparse_p12_small.uks 22 2 0xffff "source_count: expected <= 4096, got 65535"
header_bad sparse_p12_small.uks 24 4 1025 "a sparse sketch of p=12 has at most 1024 tokens, got 1025"
header_bad sparse_p12_small.uks 24 4 0xffffffff "at most 1024 tokens, got 4294967295"
header_bad sparse_p12_small.uks 28 4 1 "reserved bytes 28..31 must be 0"
header_bad sparse_p12_small.uks 28 4 0x80000000 "reserved bytes 28..31 must be 0"
header_bad dense_p12.uks 24 4 0 "a dense sketch of p=12 has 4096 registers, got 0"
header_bad dense_p12.uks 24 4 4097 "a dense sketch of p=12 has 4096 registers, got 4097"
header_bad dense_p12.uks 24 4 0xffffffff "has 4096 registers, got 4294967295"
header_bad dense_p12.uks 11 1 13 "a dense sketch of p=13 has 8192 registers, got 4096"
header_bad dense_p12.uks 11 1 18 "a dense sketch of p=18 has 262144 registers, got 4096"
# The damaged golden files (each a named rejection of docs/format.md).
for f in "$SRC"/tests/golden/bad/*.uks; do
    sketch_bad "golden bad $(basename "$f")" "$f" "$(basename "$f"): "
done
mkdir in/empty-dir
check_has "merge: directory without sketches" 1 "no sketch files (*.uks) in this directory" -- \
    "$UNIKA" merge -o merged.uks in/empty-dir
check_has "inspect: a directory" 1 "not a regular file" -- "$UNIKA" inspect in/empty-dir
nothing_left "merge: directory without sketches"
rmdir in/empty-dir
# --force replaces a file, never what a path names that is not one (-o /dev/null once
# replaced the machine's /dev/null with a regular file by the atomic rename).
mkfifo fifo.out && ln -s merged.uks link.out
check_has "merge --force onto a FIFO" 1 "fifo.out is not a regular file" -- \
    "$UNIKA" merge --force -o fifo.out "$SRC/tests/golden/good"
assert "... the FIFO is still a FIFO" test -p fifo.out
check_has "keygen --force onto a symbolic link" 1 "link.out is not a regular file" -- \
    "$UNIKA" keygen --force -o link.out
assert "... the link is still a link" test -L link.out
rm -f fifo.out link.out

# ---- a FIFO given as a sketch (or signature) file is refused, never waited on ------
# (issue 13: inspect, estimate, merge, report and verify hung on open(2)). Each
# command runs under `timeout`: exit 124 would be the hang.
mkfifo in/pipe.uks
cp "$GOOD/sparse_p12_small.uks" in/real.uks
fifo_refused() {
    local name=$1
    shift
    cases=$((cases + 1))
    timeout 20 "$@" >out.txt 2>err.txt
    local rc=$?
    if [ "$rc" != 1 ] || ! cat out.txt err.txt | grep -q "not a regular file"; then
        report_failure "FIFO: $name" "$rc" 1
    fi
}
fifo_refused "inspect" "$UNIKA" inspect in/pipe.uks
fifo_refused "estimate" "$UNIKA" estimate in/pipe.uks
fifo_refused "merge" "$UNIKA" merge -o merged.uks in/real.uks in/pipe.uks
fifo_refused "report" "$UNIKA" report in/real.uks in/pipe.uks
nothing_left "FIFO: merge and report write nothing"
mkdir fifo && cd fifo || exit 1
"$UNIKA" sign-keygen --name t -o t >/dev/null
"$UNIKA" sign-keygen --name c -o c >/dev/null
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" inspect --json ../in/real.uks |
    python3 -c 'import json,sys; print(json.load(sys.stdin)["key_fingerprint"])')" --sign c.sec \
    -o r.roster t.pub >/dev/null
PIN=$("$UNIKA" key fingerprint c.pub)
cp ../in/real.uks a.uks
"$UNIKA" sign --key t.sec a.uks >/dev/null
"$UNIKA" report --format json -o r.json a.uks
mkfifo b.uks
cp a.uks.sig b.uks.sig
fifo_refused "verify (a FIFO sketch)" "$UNIKA" verify --roster r.roster --coordinator "$PIN" --report r.json a.uks b.uks
fifo_refused "roster check (a FIFO file)" "$UNIKA" roster check --coordinator "$PIN" r.roster b.uks
rm a.uks.sig && mkfifo a.uks.sig
fifo_refused "roster check (a FIFO signature)" "$UNIKA" roster check --coordinator "$PIN" r.roster a.uks
mkfifo p.json
fifo_refused "verify (a FIFO report)" "$UNIKA" verify --roster r.roster --coordinator "$PIN" --report p.json a.uks
cd .. && rm -rf fifo in/pipe.uks in/real.uks

# ---- small text files over their bound are refused before parsing ------------
# (docs/resources.md): a profile over 64 KiB, a key file over 512 bytes, a
# roster over 64 KiB. Each is read into a bounded buffer, never whole.
{ cat in/stream.profile; head -c 70000 /dev/zero | tr '\0' '#'; echo; } >in/big.profile
ingest_bad "profile over 64 KiB" in/good.csv "in/big.profile: larger than 65536 bytes" -p in/big.profile
rm -f in/big.profile
{ cat k; head -c 5000 /dev/zero | tr '\0' x; } >in/big.key
chmod 600 in/big.key
check_has "ingest: key file over 512 bytes" 1 "key file is too large (over 512 bytes)" -- \
    "$UNIKA" ingest -k in/big.key -p in/stream.profile --org t in/good.csv -o out
nothing_left "ingest: key file over 512 bytes"
rm -f in/big.key
head -c 100000 /dev/zero | tr '\0' a >in/big.roster
check_has "roster check: roster over 64 KiB" 1 "larger than 65536 bytes, too large for a roster" -- \
    "$UNIKA" roster check --coordinator 00000000000000000000000000000000 in/big.roster in/good.csv
rm -f in/big.roster

# ---- a full disk: a file size limit, so writes fail with EFBIG -------------------
# SIGXFSZ is ignored so the write returns the error instead of killing unika;
# stderr goes to a pipe (a pipe is not limited) so the message is seen.
full_disk() {
    local name=$1 want=$2
    shift 2
    cases=$((cases + 1))
    (trap '' XFSZ; ulimit -f "$LIMIT"; exec "$@") 2>&1 >/dev/null | cat >err.txt
    local rc=${PIPESTATUS[0]}
    if [ "$rc" != 1 ] || ! grep -qF -- "$want" err.txt; then
        failures=$((failures + 1))
        echo "FAIL: full disk: $name: exit $rc (expected 1), stderr: $(cat err.txt)"
    fi
    nothing_left "full disk: $name"
}
# Limit 0: the first byte fails; limit 2 KiB: a write fails part way, after
# some bytes reached the (temporary) file.
for LIMIT in 0 2; do
    full_disk "ingest (limit $LIMIT KiB)" "File too large" \
        "$UNIKA" ingest -k k -p in/rb.profile --org t in/rb.csv -o out --period all
    full_disk "ingest with rejects (limit $LIMIT KiB)" "File too large" \
        "$UNIKA" ingest -k k -p in/rb.profile --org t in/rb.csv -o out --period all --rejects rej.csv
    full_disk "merge (limit $LIMIT KiB)" "File too large" \
        "$UNIKA" merge -o merged.uks "$GOOD/dense_p12.uks" "$GOOD/sparse_p12_small.uks"
    full_disk "pseudonymize (limit $LIMIT KiB)" "File too large" \
        "$UNIKA" pseudonymize -k k -p in/rb.profile in/rb.csv -o pseudo.csv
done
LIMIT=0
full_disk "keygen" "File too large" "$UNIKA" keygen -o k2

finish
