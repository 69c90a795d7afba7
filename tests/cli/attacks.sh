#!/usr/bin/env bash
# attacks.sh - the attacks of issue 13, each reproduced and shown failing:
#   1. the digest oracle: a partnership-key holder rebuilds candidate
#      sketches of a small cell and looks for their digests in the
#      published report (json, csv, markdown): nothing to find;
#   2. a partner's key signs a sketch labelled with another partner's org:
#      refused by roster check, merge --roster, report --roster and verify;
#   3. an unsigned, an edited and a re-signed roster: refused;
#   4. a partner's superseded signed file replayed, and a file withheld:
#      named by verify from the partners' signed manifests;
#   5. a report with a second "figures" key: refused by verify (and by
#      Python's reader it would have read the other one);
#   6. an edited markdown or CSV rendering: refused by verify, byte for byte;
#   7. stamped parameters outside the rules' domains, a table naming a
#      missing figure, invalid UTF-8, another schema version: refused by name.
#   usage: attacks.sh path/to/unika
. "$(dirname "$0")/testlib.bash"
. "$SRC/tests/cli/analyst_data.bash"
command -v python3 >/dev/null || { echo "python3 needed"; exit 1; }
command -v b2sum >/dev/null || { echo "b2sum needed"; exit 1; }

# A partnership of two: alpha and beta, each with a signing key, a coordinator
# who signs the roster, one manifest each, and a release key.
make_partner_csvs
"$UNIKA" keygen -o k >/dev/null
"$UNIKA" keygen -o rel.key >/dev/null
"$UNIKA" sign-keygen --name steering -o coord >/dev/null
PIN=$("$UNIKA" key fingerprint coord.pub)
for org in alpha beta; do
    "$UNIKA" sign-keygen --name $org -o $org >/dev/null
    ingest_partner k $org cells/$org --sign $org.sec
    "$UNIKA" manifest --key $org.sec --sequence 1 -o cells/$org.manifest cells/$org >/dev/null
done
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" --sign coord.sec \
    -o r.roster alpha.pub beta.pub >/dev/null
"$UNIKA" report --release-key rel.key --format json -o pub.json cells
"$UNIKA" report --from pub.json --format markdown -o pub.md
"$UNIKA" report --from pub.json --format csv -o pub.csv
verify() { "$UNIKA" verify --quiet --roster r.roster --coordinator "$PIN" --release-key rel.key "$@"; }
check "the untouched partnership verifies, renderings included" 0 \
    "$(grep -c '"kind": "\(union\|intersection\)"' pub.json) of $(grep -c '"kind": "\(union\|intersection\)"' pub.json) figure(s) reproduced from the signed files; 0 problem(s): verified" "" -- \
    bash -c "verify() { \"$UNIKA\" verify --quiet --roster r.roster --coordinator $PIN --release-key rel.key \"\$@\"; }; verify --report pub.json --rendering pub.md --rendering pub.csv cells | tail -n 1"

# ---- 1. the digest oracle ------------------------------------------------------------------
# alpha's girls of 2019H1 (persons 0, 4 and 8: a cell of 3, suppressed or
# never shown on its own). A partner holds the partnership key and a list
# of ten candidate girls; it builds the cell's sketch for every set of 1 to
# 3 of them and looks for its digest in what was published.
target=cells/alpha/alpha_2019H1_gender-F.uks
assert "the target cell exists" test -s $target
python3 - <<'PY'
import itertools
given = "Ali Omar Hassan Reza Samir Yusuf Karim Nadia".split()
surname = "Ahmadi Haidari Rahimi".split()
girls = ["%s %s" % (given[i % 8], surname[i // 8]) for i in range(24) if i % 4 == 0]
girls += ["Amina Sultani", "Leila Karimi", "Zahra Noori", "Maryam Jafari"]
header = "visit_date,full_name,birth_date,sex,origin,migration_board_id,swedish_id\n"
n = 0
for size in (1, 2, 3):
    for subset in itertools.combinations(girls, size):
        n += 1
        with open("cand%03d.csv" % n, "w") as f:
            f.write(header + "".join("2019-03-10,%s,2005-01-01,female,Afghanistan,,\n" % g for g in subset))
PY
tries=0 hits=0 rebuilt=0
want=$(b2sum -l 256 $target | cut -c1-64)
for c in cand*.csv; do
    tries=$((tries + 1))
    rm -rf cand
    "$UNIKA" ingest --key k --profile "$SRC/examples/profiles/rodakorset.profile" --org alpha --by gender \
        "$c" -o cand 2>/dev/null || continue
    d=$(b2sum -l 256 cand/alpha_2019H1_gender-F.uks | cut -c1-64)
    [ "$d" = "$want" ] && rebuilt=$((rebuilt + 1))
    grep -qF "$d" pub.json pub.md pub.csv && hits=$((hits + 1))
done
echo "digest oracle: $tries candidate sketches, $rebuilt byte-identical to the real cell, $hits found in the published report"
assert "the attack tried every set of 1 to 3 of the 10 candidates" test "$tries" = 175
assert "the key holder does rebuild the real cell exactly (the oracle would have worked)" test "$rebuilt" = 1
assert "no candidate's digest is published: the oracle recovers nothing" test "$hits" = 0
for f in cells/*/*.uks; do
    d=$(b2sum -l 256 "$f" | cut -c1-64)
    grep -qF "$d" pub.json pub.md pub.csv && { failures=$((failures + 1)); echo "FAIL: $f's digest is published"; }
done
cases=$((cases + 1))
assert "no published figure names a cell finer than its table (org, half-year and gender)" \
    python3 -c '
import json
r = json.load(open("pub.json"))
assert "inputs" not in r
for f in r["figures"]:
    assert set(f) & {"inputs", "inputs_a", "inputs_b"} == set(), f["id"]
    assert len(f["filter"]) <= 2, f["id"]
'
assert "no input file is named in any format" sh -c '! grep -q "gender-[FM]" pub.json pub.md pub.csv'
# The commitment is keyed with the release key: the partnership key (all a
# partner holds) does not reproduce it from the very files it was made from.
assert "the partnership key does not open the commitment" python3 - k pub.json cells/*/*.uks <<'PY'
import hashlib, json, struct, sys
hexkey = [l.split()[1] for l in open(sys.argv[1]) if l.startswith("key ")][0]
sub = hashlib.blake2b(b"", digest_size=32, key=bytes.fromhex(hexkey), salt=struct.pack("<Q", 1) + bytes(8),
                      person=b"unika-v1" + bytes(8)).digest()
d = sorted({hashlib.blake2b(open(f, "rb").read(), digest_size=32).digest() for f in sys.argv[3:]})
msg = struct.pack("<I", len(d)) + b"".join(d)
guesses = [hashlib.blake2b(msg, digest_size=32, key=sub, person=b"unika-inputs-v1\0").hexdigest(),
           hashlib.blake2b(msg, digest_size=32).hexdigest()]
assert json.load(open(sys.argv[2]))["release"]["inputs_commitment"] not in guesses
PY

# ---- 2. a partner's key signs for another partner's organisation ------------------------------
# beta re-signs one of alpha's cells: a valid signature, by a key on the
# roster, over an unchanged file; but the file speaks for alpha.
mkdir -p cross && cp -r cells cross/ && cd cross || exit 1
f=cells/alpha/alpha_2019H1_gender-M.uks
"$UNIKA" sign --force --key ../beta.sec $f >/dev/null
why="signed by \"beta\", whose key may sign for org beta only, but the file is labelled org=alpha"
check "roster check refuses a cross-organisation signature" 1 "FAIL  $f: $why
0 of 1 file(s) verified against ../r.roster" "" -- "$UNIKA" roster check --coordinator "$PIN" ../r.roster $f
check_has "merge --roster refuses it" 1 "unika merge: $f: $why" -- \
    "$UNIKA" merge --roster ../r.roster --coordinator "$PIN" -o m.uks cells/alpha
check_has "report --roster refuses it" 1 "unika report: $f: $why" -- \
    "$UNIKA" report --roster ../r.roster --coordinator "$PIN" cells
"$UNIKA" verify --quiet --roster ../r.roster --coordinator "$PIN" --release-key ../rel.key \
    --report ../pub.json cells >out.txt 2>err.txt
assert "verify refuses it" grep -qxF "FAIL  $f: $why" out.txt
assert "and fails the figures resting on it" grep -q "^FAIL  total: rests on $f, which failed verification" out.txt
check_has "report --roster accepts the partners' own signatures" 0 "" -- \
    "$UNIKA" report --roster ../r.roster --coordinator "$PIN" ../cells
cd .. || exit 1

# ---- 3. the roster itself -----------------------------------------------------------------
cp r.roster r0.roster
check_has "an unsigned roster is refused" 1 "r0.roster: not signed: r0.roster.sig does not exist" -- \
    "$UNIKA" roster check --coordinator "$PIN" r0.roster cells/alpha/alpha_2019H1_gender-M.uks
cp r.roster r1.roster && cp r.roster.sig r1.roster.sig
# An aggregator adds its own key under a partner's organisation...
"$UNIKA" sign-keygen --name analyst -o analyst >/dev/null
printf 'partner: analyst ed25519:%s orgs=alpha\n' "$(sed -n 's/^ed25519: //p' analyst.pub)" >>r1.roster
check_has "an edited roster is refused" 1 "r1.roster: the file changed after \"steering\" signed it" -- \
    "$UNIKA" roster check --coordinator "$PIN" r1.roster cells/alpha/alpha_2019H1_gender-M.uks
# ...and signs the result with a coordinator key of its own.
"$UNIKA" sign-keygen --name steering -o fake-coord >/dev/null
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" --sign fake-coord.sec \
    --orgs analyst=alpha -o r2.roster alpha.pub beta.pub analyst.pub >/dev/null
check_has "a re-signed roster is refused" 1 \
    "r2.roster: its coordinator \"steering\" has key fingerprint $("$UNIKA" key fingerprint fake-coord.pub), but the pinned coordinator is $PIN" -- \
    "$UNIKA" roster check --coordinator "$PIN" r2.roster cells/alpha/alpha_2019H1_gender-M.uks
check_has "... with the coordinator's public key as the pin, too" 1 "but the pinned coordinator is $PIN" -- \
    "$UNIKA" verify --roster r2.roster --coordinator coord.pub --report pub.json cells
printf '# pinned 2024-01-10, read aloud by the steering group\n%s\n' "$PIN" >coordinator.pin
check_has "... and with a pin file" 1 "but the pinned coordinator is $PIN" -- \
    "$UNIKA" merge --roster r2.roster --coordinator coordinator.pin -o m.uks cells/alpha
check "a pin that is neither hex nor a file is a usage error" 1 "" \
    "unika roster: --coordinator nosuchfile: neither 32 hex digits nor a readable file (nosuchfile: No such file or directory)" -- \
    "$UNIKA" roster check --coordinator nosuchfile r.roster cells/alpha/alpha_2019H1_gender-M.uks

# ---- 4. a superseded file replayed, a file withheld ------------------------------------------
# alpha corrects its delivery: one more girl in 2019H1, a new cell, manifest #2.
mkdir -p v2 && cp alpha.csv v2/alpha.csv && cd v2 || exit 1
printf '2019-03-11,Amina Sultani,2005-01-01,female,Afghanistan,,\n' >>alpha.csv
ingest_partner ../k alpha cells --sign ../alpha.sec
"$UNIKA" manifest --key ../alpha.sec --sequence 2 -o alpha2.manifest cells >/dev/null
cd .. || exit 1
mkdir -p replay/cells && cp -r cells/beta cells/beta.manifest cells/beta.manifest.sig replay/cells/
cp -r v2/cells replay/cells/alpha
cp v2/alpha2.manifest v2/alpha2.manifest.sig cells/alpha.manifest cells/alpha.manifest.sig replay/cells/
# The aggregator puts the old, superseded 2019H1 girls' cell back in its place.
cp cells/alpha/alpha_2019H1_gender-F.uks cells/alpha/alpha_2019H1_gender-F.uks.sig replay/cells/alpha/
"$UNIKA" report --release-key rel.key --format json -o replay.json replay/cells
verify --report replay.json replay/cells >out.txt 2>err.txt
assert "a replayed superseded file is detected" grep -qF \
    "FAIL  replay/cells/alpha/alpha_2019H1_gender-F.uks: superseded: alpha's manifest #1 for all listed it, but the latest, #2 (replay/cells/alpha2.manifest), does not" out.txt
assert "and the current version is named as left out" grep -qF \
    "FAIL  replay/cells/alpha/alpha_2019H1_gender-F.uks: not the file alpha's manifest #2 for all (replay/cells/alpha2.manifest) lists under that name" out.txt
rm replay/cells/alpha.manifest replay/cells/alpha.manifest.sig
verify --report replay.json replay/cells >out.txt 2>err.txt
assert "with the latest manifest only, the old file is not in it" grep -qF \
    "FAIL  replay/cells/alpha/alpha_2019H1_gender-F.uks: not in alpha's manifest #2 for all" out.txt
# Two different deliveries under one sequence number are a conflict.
cp cells/alpha.manifest replay/cells/alpha1.manifest && cp cells/alpha.manifest.sig replay/cells/alpha1.manifest.sig
"$UNIKA" manifest --key alpha.sec --sequence 2 -o replay/cells/alpha-other.manifest cells/alpha >/dev/null
verify --report replay.json replay/cells >out.txt 2>err.txt
assert "two manifests with one sequence number conflict" grep -q \
    "^FAIL  manifests .* two different deliveries of alpha for all under one sequence number (2)" out.txt
# Withheld: the aggregator drops beta's 2019H1 boys from the report and from
# what it gives the auditor; beta's manifest still lists them.
mkdir -p short && cp -r cells short/ && rm short/cells/beta/beta_2019H1_gender-M.uks*
"$UNIKA" report --release-key rel.key --format json -o short.json short/cells
verify --report short.json short/cells >out.txt 2>err.txt
assert "a withheld file is detected" grep -q \
    "^FAIL  withheld: beta's manifest #1 for all (short/cells/beta.manifest) lists beta_2019H1_gender-M.uks (period 2019H1, digest [0-9a-f]\{16\}…), which is not among the files given" out.txt
rm short/cells/beta.manifest*
verify --report short.json short/cells >out.txt 2>err.txt
assert "withholding beta's manifest too is named" grep -qF \
    "FAIL  no manifest from beta: whether files of it are missing cannot be checked" out.txt
check_has "--without-manifests says what goes unchecked" 0 "" -- \
    verify --without-manifests --report short.json short/cells
"$UNIKA" verify --roster r.roster --coordinator "$PIN" --release-key rel.key --without-manifests \
    --report short.json short/cells >out.txt
assert "and says so in the log" grep -qF "a file left out or replaced by an older signed version would go unnoticed" out.txt

# A manifest covers one recipe: another recipe's delivery is not this report's.
"$UNIKA" manifest --key beta.sec --sequence 1 --empty --recipe strict -o beta-strict.manifest >/dev/null
"$UNIKA" verify --roster r.roster --coordinator "$PIN" --release-key rel.key --report pub.json \
    --manifest beta-strict.manifest cells >out.txt 2>err.txt
assert "another recipe's manifest is set aside, named" grep -qxF \
    "ok    manifest beta-strict.manifest: beta's delivery of another recipe: not this report's" out.txt
check "an empty manifest names its recipe" 2 "" "unika manifest: --empty needs --recipe NAME
try 'unika manifest --help'" -- "$UNIKA" manifest --key beta.sec --sequence 1 --empty -o x.manifest
mkdir -p mixed && cp cells/beta/beta_2019H1_gender-M.uks* mixed/
ingest_partner k beta mixed/strict -r strict --sign beta.sec
check_has "one manifest, one recipe" 1 "made with another recipe than the files before it" -- \
    "$UNIKA" manifest --key beta.sec --sequence 3 -o mixed.manifest mixed

# ---- 5. a report with a second "figures" key -------------------------------------------------
python3 - <<'PY'
import json
r = json.load(open("pub.json"))
forged = [dict(f) for f in r["figures"]]
for f in forged:
    if f["id"] == "total":
        f["shown"] = "9999"
        f["value"] = 9999
text = open("pub.json").read().rstrip()
assert text.endswith("}")
text = text[:-1].rstrip() + ',\n  "figures": ' + json.dumps(forged) + "\n}\n"
open("dup.json", "w").write(text)
# What Python (and jq) read: the second one.
assert [f["shown"] for f in json.load(open("dup.json"))["figures"] if f["id"] == "total"] == ["9999"]
PY
check "verify refuses a duplicate key, naming it" 1 "" \
    "unika verify: dup.json: not a report verify can read: JSON line $(grep -c '' pub.json), column 14: the key \"figures\" appears twice in one object (first at line $(grep -n '^  "figures": \[$' pub.json | cut -d: -f1), column 14): readers disagree on which value counts" -- \
    verify --report dup.json cells
check_has "report --from refuses it too" 1 "the key \"figures\" appears twice" -- \
    "$UNIKA" report --from dup.json --format csv

# ---- 6. an edited rendering -------------------------------------------------------------------
total=$(python3 -c 'import json; print([f["shown"] for f in json.load(open("pub.json"))["figures"] if f["id"] == "total"][0])')
sed "s/^| total | $total | /| total | $((total + 100)) | /" pub.md >edited.md
assert "the markdown was edited" sh -c "! cmp -s pub.md edited.md"
check_has "an edited markdown rendering fails" 1 "" -- verify --report pub.json --rendering edited.md cells
assert "verify names the line" grep -qF \
    "FAIL  rendering edited.md: not the markdown rendering of the audited report, first at line $(grep -n "^| total | $total |" pub.md | cut -d: -f1): \`| total | $((total + 100)) | exact |\` where it should be \`| total | $total | exact |\`" out.txt
sed "s/^total,total,,total,,,$total,/total,total,,total,,,$((total + 100)),/" pub.csv >edited.csv
assert "the csv was edited" sh -c "! cmp -s pub.csv edited.csv"
check_has "an edited CSV rendering fails" 1 "" -- verify --report pub.json --rendering edited.csv cells
assert "verify names the CSV line" grep -qF "FAIL  rendering edited.csv: not the csv rendering of the audited report, first at line 2:" out.txt
head -n -1 pub.md >nostamp.md
check_has "a rendering without its stamp fails" 1 "" -- verify --report pub.json --rendering nostamp.md cells
assert "and says so" grep -qF "FAIL  rendering nostamp.md: carries no unika rendering stamp where its format keeps one" out.txt
"$UNIKA" report --release-key rel.key --min-count 3 --format json -o other.json cells
"$UNIKA" report --from other.json --format markdown -o other.md
check_has "a rendering of another report fails" 1 "" -- verify --report pub.json --rendering other.md cells
assert "and names both" grep -qF "FAIL  rendering other.md: rendered from another report (JSON $(b2sum -l 256 other.json | cut -c1-16)…), not from the audited one ($(b2sum -l 256 pub.json | cut -c1-16)…)" out.txt
check_has "the true renderings pass" 0 "" -- verify --report pub.json --rendering pub.md --rendering pub.csv cells

# ---- 7. every stamped parameter in its domain, by name -----------------------------------------
edit() { # NAME PYTHON: r is the report; writes NAME.json
    python3 -c "import json; r = json.load(open('pub.json')); $2; json.dump(r, open('$1.json', 'w'), indent=2)"
}
refused() { # NAME EXPECTED_MESSAGE
    verify --report "$1.json" cells >out.txt 2>err.txt
    local rc=$?
    cases=$((cases + 1))
    if [ $rc != 1 ] || ! grep -qF "FAIL  the report is not one verify can audit: $2" out.txt; then
        failures=$((failures + 1))
        echo "FAIL: $1: exit $rc, log: $(head -c 400 out.txt)"
    fi
}
edit negative 'r["release"]["threshold"] = -1'
refused negative "release.threshold: must be a whole number from 0 to 2^53"
edit fraction 'r["release"]["threshold"] = 5.5'
refused fraction "release.threshold: must be a whole number from 0 to 2^53"
edit huge 'r["release"]["threshold"] = 10**7'
refused huge "release.threshold: 10000000 is more than 1000000"
edit rounding 'r["release"]["rounding"] = "base7"'
refused rounding "release.rounding: must be none, base5, base10 or sdc"
edit epsilon 'r["release"]["epsilon"] = 0.5'
refused epsilon "release.epsilon: set, but the noise is not geometric"
edit raw 'r["release"]["raw_estimates"] = False'
refused raw "release.raw_estimates: must be true with rounding none and noise none"
edit missing 'r["tables"][1]["cells"][0][0] = "by_half-year/period=1999H1"'
refused missing "table by_half-year: cells[0]: names figure \"by_half-year/period=1999H1\", which the report does not contain"
edit orphan 'r["figures"].append(dict(r["figures"][0], id="orphan"))'
refused orphan "figures: figure \"orphan\" is in no table"
edit unknown 'r["figures"][0]["valeu"] = 1'
refused unknown "figures[0].valeu: a member the report schema does not have"
edit newer 'r["version"] = 3'
refused newer "version: this is unika-report version 3; this unika reads version 2 only"
edit shown 'r["figures"][0]["shown"] = "1e3"'
refused shown "figure total: shown as \"1e3\", which is not a count"
python3 -c 'open("badutf8.json", "wb").write(open("pub.json", "rb").read().replace(b"Whole period", b"Whole p\xe9riod", 1))'
check "invalid UTF-8 is refused by name" 1 "" \
    "unika verify: badutf8.json: not a report verify can read: JSON line $(grep -n 'Whole period' pub.json | head -1 | cut -d: -f1), column $(($(grep 'Whole period' pub.json | head -1 | awk '{print index($0, "Whole period")}') + 7)): invalid UTF-8 (byte $(($(grep -b -o 'Whole period' pub.json | head -1 | cut -d: -f1) + 8)))" -- \
    verify --report badutf8.json cells

finish
