#!/usr/bin/env bash
# count_people.sh COUNT_PEOPLE UNIKA: three people, one written twice with
# its fields spelled differently, and one malformed line.
set -euo pipefail
count_people=$1 unika=$2
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
"$unika" keygen -o "$dir/k" >/dev/null
out=$(printf '%s\n' \
    'Hosseini, Mohammad;2004-01-01;pojke' \
    'Sakina Sultani;20000312;F' \
    'Yusuf Tesfay;1997-05-02;male' \
    'MOHAMMAD  HOSSEINI;01/01/2004;M' \
    'no fields here' | "$count_people" "$dir/k" 2>"$dir/err")
expected_err='count_people: line 5: expected name;birth date;gender'
if [ "$out" != "3 people (95%: 3 to 3)" ] || [ "$(cat "$dir/err")" != "$expected_err" ]; then
    printf 'unexpected output:\n%s\nstderr:\n%s\n' "$out" "$(cat "$dir/err")" >&2
    exit 1
fi
echo "count_people: ok"
