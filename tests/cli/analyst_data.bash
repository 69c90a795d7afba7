# analyst_data.bash - sourced by merge.sh and report.sh: a tiny partnership
# whose true counts are known by construction, small enough that every
# sketch stays sparse, so every figure is an exact count.
#
# Person i (0..23) is "<given[i % 8]> <surname[i / 8]>", born 2005-01-01,
# female when i % 4 == 0 (6 women: 0 4 8 12 16 20), else male.
#   alpha: 0..9 in 2019-03, 6..13 in 2019-09, 0..2 in 2020-02
#   beta:  10..21 in 2019-05, 20..23 in 2020-08
# Hence: total 24; alpha 14, beta 14, both 4 (10..13); 2019H1 22, 2019H2 8,
# 2020H1 3, 2020H2 4; 2019 22 (not 22 + 8), 2020 7; F 6, M 18.

given=(Ali Omar Hassan Reza Samir Yusuf Karim Nadia)
surname=(Ahmadi Haidari Rahimi)

person_row() { # DATE I
    local i=$2 sex=male
    [ $((i % 4)) = 0 ] && sex=female
    printf '%s,%s %s,2005-01-01,%s,Afghanistan,,\n' "$1" "${given[i % 8]}" "${surname[i / 8]}" "$sex"
}

visits() { # DATE FIRST LAST
    local i
    for ((i = $2; i <= $3; i++)); do person_row "$1" "$i"; done
}

make_partner_csvs() {
    local header=visit_date,full_name,birth_date,sex,origin,migration_board_id,swedish_id
    { echo "$header"; visits 2019-03-10 0 9; visits 2019-09-02 6 13; visits 2020-02-20 0 2; } >alpha.csv
    { echo "$header"; visits 2019-05-05 10 21; visits 2020-08-08 20 23; } >beta.csv
}

# ingest_partner KEY ORG OUTDIR [extra ingest options...]
ingest_partner() {
    local key=$1 org=$2 out=$3
    shift 3
    mkdir -p "$(dirname "$out")"
    "$UNIKA" ingest --key "$key" --profile "$SRC/examples/profiles/rodakorset.profile" \
        --org "$org" --by gender "$@" "$org.csv" -o "$out" 2>/dev/null
}
