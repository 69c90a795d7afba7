#!/usr/bin/env bash
# conventions.sh - what every command shares: one option table behind
# --help, the man page and both completions (every option in --help is in
# the other three); `unika help CMD`; unknown commands and options with
# "did you mean"; -q/--quiet; --version's formats checked against files the
# command writes; the progress line (rate, time left), on a terminal only.
#   usage: conventions.sh path/to/unika
. "$(dirname "$0")/testlib.bash"

commands=$("$UNIKA" help --commands)
assert "help --commands lists ingest and profile" sh -c "echo '$commands' | grep -qx ingest && echo '$commands' | grep -qx profile"

# ---- one table: --help, man page, bash and zsh completion agree -----------------
"$UNIKA" completion bash >bash_completion
"$UNIKA" completion zsh >zsh_completion
assert "bash completion parses" bash -n bash_completion
if command -v zsh >/dev/null; then
    assert "zsh completion parses" zsh -n zsh_completion
fi
# The options --help shows: "  -k, --key K" and "      --key-fingerprint HEX".
options_of() { sed -nE 's/^  (-[A-Za-z], )?--([a-z][a-z0-9-]*).*/\2/p; s/^      --([a-z][a-z0-9-]*).*/\1/p' | sort -u; }
# The part of a completion script for one command (or operation).
bash_block() { awk -v c="    \"$1\")" '$0 == c {on = 1; next} on && /^    "/ {exit} on && /^    esac/ {exit} on' bash_completion; }
zsh_block() { awk -v c="    \"$1\")" '$0 == c {on = 1; next} on && /^      ;;$/ {exit} on' zsh_completion; }
for cmd in $commands; do
    "$UNIKA" "$cmd" --help >help.txt 2>&1
    assert "$cmd --help exits 0" test $? = 0
    "$UNIKA" help --man "$cmd" >man.roff
    assert "$cmd has a man page" grep -q "^\.TH UNIKA\\\\-" man.roff
    if command -v groff >/dev/null; then
        groff -t -man -ww -z -Tutf8 man.roff 2>groff.txt
        assert "man page of $cmd renders without a warning" test ! -s groff.txt
    fi
    # Operations ("roster check") have their own blocks in the completions.
    ops=$(sed -nE "s/^unika $cmd ([a-z]+): .*/\1/p" help.txt)
    n=0
    for opt in $(options_of <help.txt); do
        n=$((n + 1))
        assert "$cmd --$opt is in its man page" grep -qF -- "\\-\\-$opt" man.roff
        if [ -z "$ops" ]; then
            assert "$cmd --$opt is in the bash completion" sh -c "$(declare -f bash_block); bash_block '$cmd' | grep -qF -- '--$opt'"
            assert "$cmd --$opt is in the zsh completion" sh -c "$(declare -f zsh_block); zsh_block '$cmd' | grep -qF -- '--$opt'"
        else
            found_b=0 found_z=0
            for op in $ops; do
                bash_block "$cmd $op" | grep -qF -- "--$opt" && found_b=1
                zsh_block "$cmd $op" | grep -qF -- "--$opt" && found_z=1
            done
            assert "$cmd --$opt is in the bash completion" test $found_b = 1
            assert "$cmd --$opt is in the zsh completion" test $found_z = 1
        fi
    done
    assert "$cmd --help shows options ($n)" test "$n" -ge 2
    assert "$cmd takes --quiet" grep -q -- "^  -q, --quiet" help.txt
done
# And the other way: the table decides, so a made-up option is in none of them.
assert "no --frobnicate anywhere" sh -c "! grep -q -- --frobnicate bash_completion zsh_completion"
"$UNIKA" help --man >man.roff
assert "unika(1) names every command's page" sh -c "for c in $(echo $commands); do grep -q \"unika\\\\\\\\-\$c (1)\" man.roff || exit 1; done"

# The bash completion at work (bash's own completion machinery is not needed).
complete_words() { # the words bash would offer for the command line "$@" (last word is being typed)
    bash -c '. ./bash_completion; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _unika; printf "%s\n" "${COMPREPLY[@]}"' _ "$@"
}
check "bash: commands" 0 "ingest
inspect" "" -- complete_words unika in
check "bash: an option" 0 "--period" "" -- complete_words unika ingest --pe
check "bash: an option's values" 0 "half-year
year
month
all" "" -- complete_words unika ingest --period ""
check "bash: operations" 0 "check
make
--help" "" -- complete_words unika roster ""
check "bash: an operation's options" 0 "--rows" "" -- complete_words unika profile check --ro
mkdir -p dirA && : >fileA
check "bash: -o DIR offers directories" 0 "dirA" "" -- complete_words unika ingest -o dir
# The zsh completion's dispatch, with zsh's completion functions stubbed.
if command -v zsh >/dev/null; then
    zsh_args() { # the _arguments specs zsh would get for "$@"
        zsh -fc '_arguments() { print -rl -- "$@" } ; _describe() { print -r -- describe } ; compadd() { print -r -- "compadd $*" }
                 source ./zsh_completion >/dev/null 2>&1; words=("$@"); CURRENT=$#; _unika' _ "$@"
    }
    zsh_args unika ingest --p >z.txt
    assert "zsh: ingest's --period spec" grep -qF -- "--period[Cells by half-year (the default), year, month, or all]:G:(half-year year month all)" z.txt
    zsh_args unika roster "" >z.txt
    assert "zsh: roster's operations" grep -qx "compadd check make" z.txt
    zsh_args unika roster make -o >z.txt
    assert "zsh: roster make's options" grep -qF -- "--key-fingerprint[" z.txt
fi

# ---- help, unknown commands and options ----------------------------------------------
"$UNIKA" ingest --help >a.txt
check "help CMD is CMD --help" 0 "$(cat a.txt)" "" -- "$UNIKA" help ingest
"$UNIKA" roster check --help >a.txt
check "help of an operation" 0 "$(cat a.txt)" "" -- "$UNIKA" help roster check
check "unknown command: one line, a suggestion" 2 "" "unika: unknown command 'ingets' (did you mean 'ingest'?)" -- "$UNIKA" ingets
check "unknown command: nothing close" 2 "" "unika: unknown command 'frobnicate' (see 'unika --help')" -- "$UNIKA" frobnicate
check "help of an unknown command" 2 "" "unika: unknown command 'inspekt' (did you mean 'inspect'?)" -- "$UNIKA" help inspekt
check "unknown option: a suggestion" 2 "" "unika ingest: unknown option '--perod' (did you mean '--period'?)
try 'unika ingest --help'" -- "$UNIKA" ingest --perod year x.csv
check "a flag given a value" 2 "" "unika merge: option '--json' takes no value
try 'unika merge --help'" -- "$UNIKA" merge --json=yes -o m.uks a.uks
check "completion needs a shell" 2 "" "unika completion: expected 'bash' or 'zsh'" -- "$UNIKA" completion fish

# ---- -q/--quiet: only errors on stderr, results on stdout ---------------------------
"$UNIKA" keygen -o k >/dev/null
check "keygen -q still prints the fingerprint" 0 "HEX" "" -- "$UNIKA" keygen -q -o k2
printf 'name = q\ndelimiter = ;\ncolumn.date = datum\ncolumn.name = namn\ncolumn.birth_date = fodd\ncolumn.gender = kon\n' >q.profile
printf '%s\n' 'datum;namn;fodd;kon' '2019-01-05;Ali Reza;2001-02-03;man' '2019-01-06;;2001-02-03;man' >q.csv
check "ingest -q: nothing on stderr" 0 "" "" -- "$UNIKA" ingest -q --key k --profile q.profile --org q q.csv -o qd
check "ingest --quiet, over --max-rejected: the refusal only" 4 "" "unika ingest: q.csv: 1 of 2 rows rejected (50.0%), more than --max-rejected 0 allows: no sketch written" -- \
    "$UNIKA" ingest --quiet --max-rejected 0 --key k --profile q.profile --org q q.csv -o qd2
check "profile check -q: the verdict only" 0 "unika profile check: q.profile fits q.csv" "" -- "$UNIKA" profile check -q q.profile q.csv
"$UNIKA" sign-keygen --name q -o signer >/dev/null
check "sign -q: no line per file" 0 "" "" -- "$UNIKA" sign -q --key signer.sec q.csv

# ---- --version: each format it names is the one the command writes ------------------
"$UNIKA" --version >version.txt
assert "--version: the program's version first" grep -Eq '^unika [0-9]+\.[0-9]+\.[0-9]+$' <(head -1 version.txt)
line_of() { grep -F "$1" version.txt; }
assert "--version: key file" sh -c "echo '$(line_of "partnership key file")' | grep -qF \"$(head -1 k)\""
assert "--version: signature" sh -c "echo '$(line_of "signatures")' | grep -qF \"$(head -1 q.csv.sig)\""
"$UNIKA" roster make --key-fingerprint "$("$UNIKA" key fingerprint k)" -o r.roster signer.pub >/dev/null
assert "--version: roster" sh -c "echo '$(line_of "roster")' | grep -qF \"$(grep -m1 '^unika-roster' r.roster)\""
"$UNIKA" inspect --json qd/q_2019H1.uks >i.json
assert "--version: sketch format" sh -c "echo '$(line_of "sketch file")' | grep -qF \"format $(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["format_version"])' i.json)\""
"$UNIKA" box-keygen -o box >/dev/null
"$UNIKA" seal --to box.pub -o sealed qd/q_2019H1.uks >/dev/null
assert "--version: sealed envelope" sh -c "echo '$(line_of "sealed envelope")' | grep -qF \"version $(od -An -tu2 -j8 -N2 sealed/q_2019H1.uks.sealed | tr -d ' ')\""
"$UNIKA" report --format json qd >rep.json
assert "--version: report schema" sh -c "echo '$(line_of "report JSON")' | grep -qF \"$(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(d["schema"], d["version"])' rep.json)\""
"$UNIKA" matchkeys --key k --profile q.profile --org q q.csv -o q.umk 2>/dev/null
"$UNIKA" inspect --json q.umk >m.json
assert "--version: match-key file" sh -c "echo '$(line_of "match-key file")' | grep -qF \"format $(python3 -c 'import json,sys; d=json.load(open(sys.argv[1])); print(str(d["format_version"]) + ", match keys " + str(d["matchkey_version"]))' m.json)\""

# ---- progress: rows/s on a terminal (script(1) gives one), never otherwise ----------
if command -v script >/dev/null; then
    { echo 'datum;namn;fodd;kon'; for i in $(seq 1 3000); do echo "2019-01-05;Person $i;2001-02-03;man"; done; } >p1.csv
    tail -n +2 p1.csv >p2.csv
    slow="( cat p1.csv; sleep 1.2; cat p2.csv )"
    script -qec "bash -c '$slow | \"$UNIKA\" ingest --key k --profile q.profile --org p - -o pd1'" /dev/null >tty.txt 2>&1
    assert "progress on a terminal: rows and rate" grep -qE 'unika ingest: [0-9,]+ rows, [0-9,]+ rows/s' tty.txt
    assert "progress erased at the end" grep -qF $'\r\033[K' tty.txt
    script -qec "bash -c '$slow | \"$UNIKA\" ingest --no-progress --key k --profile q.profile --org p - -o pd2'" /dev/null >tty.txt 2>&1
    assert "--no-progress: none" sh -c "! grep -q 'rows/s' tty.txt"
    script -qec "bash -c '$slow | \"$UNIKA\" ingest -q --key k --profile q.profile --org p - -o pd3'" /dev/null >tty.txt 2>&1
    assert "--quiet: none" sh -c "! grep -q 'rows/s' tty.txt"
    # A file: percent and the time left, once the run has lasted half a second
    # (3 million rows: 2.6 s on the 2-core CI machine, so at least 0.5 s on
    # one five times faster).
    awk 'BEGIN { print "datum;namn;fodd;kon"; for (i = 0; i < 3000000; i++) printf "2019-01-05;P%d;2001-02-03;man\n", i % 5000 }' >big.csv
    script -qec "\"$UNIKA\" ingest --key k --profile q.profile --org p big.csv -o pd4" /dev/null >tty.txt 2>&1
    assert "progress of a file: percent and time left" grep -qE 'rows/s, [0-9]+%, about [0-9]+ (s|min [0-9]+ s) left' tty.txt
    rm -f big.csv
    "$UNIKA" ingest --key k --profile q.profile --org p - -o pd5 <p1.csv >/dev/null 2>err.txt
    assert "not a terminal: no progress" sh -c "! grep -q 'rows/s' err.txt"
fi
finish
