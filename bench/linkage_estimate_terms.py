#!/usr/bin/env python3
"""Where the estimator's error comes from: each term of count = A + sum P - D - X against the truth.

docs/linkage.md 15 writes a figure's estimate as A (strong clusters with a record in it,
less S, those estimated to be a person's second cluster: printed as A) plus sum_o P_o
(people behind each partner's weak units) minus D (weak people counted at several
partners) minus X (strong people who also have weak units in it). With the generator's
truth ids, every term has a true value:

  A_true  the true people of the strong clusters' rows (A - A_true: strong splits, a
          person in two clusters, counted twice, and merges, counted once, that S
          missed)
  P_true  per partner, the true people of its weak-unit rows, summed
  D_true  P_true - the distinct true people of the weak-unit rows
  X_true  those weak people who are also people of the strong clusters in the figure

so the total's error splits exactly into (A - A_true) + (P - P_true) - (D - D_true) -
(X - X_true). This runs the real pipeline by role (matchkeys --debug-profiles, link
--debug-clusters: keyed digests and numbers only) on generator data with every
phenomenon (or those of --phenomena), for whole-span figures (every partner, every pair,
all together), and prints each term beside its truth, per run and summed over the runs.
With --by-gender, the figure of all partners for each gender too: a person's gender is
the one its rows show through the partners' profiles, unknown only where no row shows
one (the figure "X" counts other and unknown together, docs/linkage.md 16). With
--by-year, the figure of all partners for each calendar year too, over the rows of the
visits in that year. With --by-half, each partner's figure in each half-year, over the
rows of its visits then. With --by-band, the partners and the linker add --by age_group
and the figure of all partners for each age band over the whole span and in each year is
split too, over the rows whose age at the visit is in the band (as the eval's truth reads
it) and of the year's visits. With --splits, what parts the people the strong clusters split
(A's excess, docs/linkage.md 18): each such person's first two strong clusters compared
on the rows' identifiers and birth dates. With --overlaps, each pair's overlap too,
|a| + |b| - |a u b| term by term (the point estimates.json gives it), its D the pair's
duplicates taken away.

    bench/linkage_estimate_terms.py [--unika PATH] [--names generator|heldout|few|many]
        [--names-file LISTS.json] [--people 30000] [--phenomena all] [--seeds 1000,1001]
        [--work DIR] [--generator PATH] [--by-gender] [--by-year] [--by-half] [--by-band]
        [--splits] [--overlaps]

Standard library only. Asserts nothing; exits 0 unless the pipeline fails.
"""
import argparse
import collections
import csv
import itertools
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import linkage_estimate_eval as ev  # noqa: E402  (roles, generator, held-out names)
import linkage_eval2 as l2  # noqa: E402  (rows joined to their true person)

TERMS = ("A", "P", "D", "X")


def true_terms(rows, orgs):
    """The true A, P, D, X and count of the whole-span figure over orgs.
    rows: (org, true person, cluster, person, kind) per CSV row."""
    strong = {cl for o, t, cl, pe, k in rows if k == "strong"}
    in_fig = [r for r in rows if r[0] in orgs]
    a_people = {t for o, t, cl, pe, k in in_fig if cl in strong}
    per_org = collections.defaultdict(set)
    for o, t, cl, pe, k in in_fig:
        if cl not in strong:
            per_org[o].add(t)
    weak_people = set().union(*per_org.values()) if per_org else set()
    p = sum(len(s) for s in per_org.values())
    return {"A": len(a_people), "P": p, "D": p - len(weak_people),
            "X": len(weak_people & a_people), "count": len(a_people | weak_people)}


def whole_span(est, gender="all", period="all", band=None):
    return {tuple(sorted(f["orgs"])): f for f in est["figures"]
            if f["period"] == period and f["gender"] == gender and f.get("value") == band}


def per_used_row(run, data, read):
    """A value of each row join_truth gives, in its order: read(profile, header) returns
    the function of a partner's CSV row that gives it."""
    values = {}
    for o in l2.ORGS:
        p = ev.profile_of(o)
        with open(os.path.join(data, o + ".csv"), newline="") as f:
            rows = csv.reader(f, delimiter=p.get("delimiter", ","))
            of = read(p, next(rows))
            values[o] = [of(r) for r in rows]
    out = []
    for o in l2.ORGS:
        with open(os.path.join(run, o + ".rows")) as f:
            out += [values[o][int(r["line"]) - 2] for r in csv.DictReader(f)]
    return out


def visit_years(run, data, half=False):
    """The visit year of each row join_truth gives, in its order; with half, its half-year
    as estimates.json labels one ("2019H2")."""
    def read(p, head):
        di = head.index(p["column.date"])

        def when(r):
            y, m, _ = ev.parse_date(r[di], p.get("date_format.date", ""))
            return "%dH%d" % (y, 1 if m <= 6 else 2) if half else y
        return when
    return per_used_row(run, data, read)


def row_bands(run, data):
    """The age band at the visit of each row join_truth gives, in its order (None: no
    birth year or visit date to read one from)."""
    def read(p, head):
        vi = head.index(p["column.date"])
        bi = head.index(p.get("column.birth_date") or p.get("column.birth_year"))

        def band(r):
            visit = ev.parse_date(r[vi], p["date_format.date"]) if vi < len(r) else None
            birth = (ev.parse_date(r[bi], p.get("date_format.birth_date", "YYYY"))
                     if bi < len(r) else None)
            return ev.age_band(visit, birth) if visit and birth else None
        return band
    return per_used_row(run, data, read)


def true_genders(data):
    """{true person: "M", "F" or "X"}: the gender its rows show through the profiles'
    codes (gender.CODE = M, F, X or U); a person no row shows a known gender of is "X",
    as the figures count unknown with other."""
    shown = collections.defaultdict(set)
    for o in ev.ORGS:
        p = ev.profile_of(o)
        with open(os.path.join(data, "truth", o + ".txt")) as f:
            who = [int(x) for x in f]
        with open(os.path.join(data, o + ".csv"), newline="") as f:
            rows = csv.reader(f, delimiter=p.get("delimiter", ","))
            gi = next(rows).index(p["column.gender"])
            for n, row in enumerate(rows):
                code = row[gi].strip() if gi < len(row) else ""
                shown[who[n]].add(p.get("gender." + code, "U") if code else "U")
    return {t: next((g for g in "MFX" if g in s), "X") for t, s in shown.items()}


ID_COLUMNS = ("column.personnummer", "column.samordningsnummer", "column.dossier", "column.id_auto")


def row_facts(data):
    """Per partner, per CSV row: (birth date as (y, m, d) or None, identifiers written)."""
    facts = {}
    for o in l2.ORGS:
        p = ev.profile_of(o)
        with open(os.path.join(data, o + ".csv"), newline="") as f:
            rows = csv.reader(f, delimiter=p.get("delimiter", ","))
            head = next(rows)
            bi = head.index(p["column.birth_date"]) if "column.birth_date" in p else None
            ids = [head.index(p[c]) for c in ID_COLUMNS if c in p]
            facts[o] = [(ev.parse_date(r[bi], p.get("date_format.birth_date", ""))
                         if bi is not None and r[bi].strip() else None,
                         frozenset(r[i].strip() for i in ids if r[i].strip())) for r in rows]
    return facts


def split_kind(a, b):
    """Why two strong clusters of one person stayed apart; a, b: their rows' facts."""
    ia, ib = set().union(*(x[1] for x in a)), set().union(*(x[1] for x in b))
    da, db = {x[0] for x in a if x[0]}, {x[0] for x in b if x[0]}
    if ia and ib and not ia & ib:
        return "two identifiers"
    if da & db:
        return "same birth date, the name differs"
    if any(x[1:] == y[1:] for x in da for y in db):
        return "birth year revised"
    if any(x[0] == y[0] for x in da for y in db):
        return "same year, day and month differ"
    return "other"


def strong_splits(run, data):
    """Counter of (kind, "one partner" or "two partners") over the people the strong
    clusters split, and (split people, people of the strong clusters)."""
    facts = row_facts(data)
    at = []  # (org, CSV row) of each row join_truth gives, in its order
    for o in l2.ORGS:
        with open(os.path.join(run, o + ".rows")) as f:
            at += [(o, int(r["line"]) - 2) for r in csv.DictReader(f)]
    rows = l2.join_truth(run, data)
    per = collections.defaultdict(lambda: collections.defaultdict(list))
    for (o, t, cl, pe, kind), (_, n) in zip(rows, at):
        if kind == "strong":
            per[t][cl].append((o, facts[o][n]))
    kinds = collections.Counter()
    split = 0
    for t, cls in per.items():
        if len(cls) < 2:
            continue
        split += 1
        a, b = (cls[c] for c in sorted(cls)[:2])
        where = "one partner" if {o for o, _ in a} & {o for o, _ in b} else "two partners"
        kinds[(split_kind([x for _, x in a], [x for _, x in b]), where)] += 1
    return kinds, split, len(per)


def one_run(ctx, seed):
    spec = {"names": ctx["names"], "phenomena": ctx["phenomena"], "people": ctx["people"],
            "seed": seed, "age": ctx["by_band"], "names_file": ctx["names_file"]}
    tag = ev.run_tag(spec)
    data = os.path.join(ctx["work"], "data", tag)
    ev.generate(ctx["generator"], data, dict(spec, truth_ids=True))
    est = ev.link(ctx["unika"], ctx["keys"], data, os.path.join(ctx["work"], "runs", tag), spec,
                  debug=True)[0]
    rows = l2.join_truth(os.path.join(ctx["work"], "runs", tag), data)
    out = []
    for orgs, f in sorted(whole_span(est).items(), key=lambda x: (len(x[0]), x[0])):
        out.append(("+".join(orgs) if len(orgs) < len(ev.ORGS) else "all",
                    true_terms(rows, set(orgs)), terms_of(f)))
    if ctx["overlaps"]:
        out += overlaps(out)
    if ctx["by_gender"]:
        gender = true_genders(data)
        for g in "MFX":
            f = whole_span(est, g)[tuple(sorted(ev.ORGS))]
            out.append(("all, gender " + g,
                        true_terms([r for r in rows if gender[r[1]] == g], set(ev.ORGS)),
                        terms_of(f)))
    if ctx["by_year"]:
        years = visit_years(os.path.join(ctx["work"], "runs", tag), data)
        for y in sorted(set(years)):
            f = whole_span(est, period=str(y)).get(tuple(sorted(ev.ORGS)))
            if f:
                out.append(("all, year %d" % y,
                            true_terms([r for r, ry in zip(rows, years) if ry == y],
                                       set(ev.ORGS)), terms_of(f)))
    if ctx["by_half"]:
        run, by_half = os.path.join(ctx["work"], "runs", tag), collections.defaultdict(list)
        for r, h in zip(rows, visit_years(run, data, half=True)):
            by_half[h].append(r)
        for o in sorted(ev.ORGS):
            for h in sorted(by_half):
                f = whole_span(est, period=h).get((o,))
                t = true_terms(by_half[h], {o})
                if f and t["count"]:
                    out.append(("%s, %s" % (o, h), t, terms_of(f)))
    if ctx["by_band"]:
        run = os.path.join(ctx["work"], "runs", tag)
        bands, years = row_bands(run, data), visit_years(run, data)
        for b in [label for _, _, label in ev.AGE_BANDS]:
            for y in [None] + sorted(set(years)):
                f = whole_span(est, period="all" if y is None else str(y), band=b).get(
                    tuple(sorted(ev.ORGS)))
                t = true_terms([r for r, rb, ry in zip(rows, bands, years)
                                if rb == b and y in (None, ry)], set(ev.ORGS))
                if f and t["count"]:
                    out.append(("all, band " + b + ("" if y is None else ", year %d" % y), t,
                                terms_of(f)))
    if ctx["splits"]:
        kinds, split, people = strong_splits(os.path.join(ctx["work"], "runs", tag), data)
        print("\n%s: %d of the %d people of the strong clusters are in two or more; "
              "by their first two:" % (tag, split, people))
        for (kind, where), n in sorted(kinds.items(), key=lambda x: (-x[1], x[0])):
            print("  %5d  %s, %s" % (n, kind, where))
    return tag, out


def overlaps(out):
    """Each pair's overlap, |a| + |b| - |a u b|, term by term (estimated and true), as
    estimates.json gives its point (section 15, "An overlap's error taken once")."""
    fig = {name: (t, e) for name, t, e in out}
    res = []
    for a, b in itertools.combinations(sorted(ev.ORGS), 2):
        (ta, ea), (tb, eb), (tu, eu) = fig[a], fig[b], fig[a + "+" + b]
        res.append((a + "&" + b, {k: ta[k] + tb[k] - tu[k] for k in TERMS + ("count",)},
                    {k: ea[k] + eb[k] - eu[k] for k in TERMS + ("count",)}))
    return res


def terms_of(f):
    """A figure's estimated terms (A: its strong clusters less their estimated excess, the
    people they hold, as A_true counts them)."""
    return {"A": f["strong"] - f.get("excess", 0), "P": f["weak"], "D": f["dedup"],
            "X": f["shared"], "count": f["estimate"]}


def show_run(tag, out):
    print("\n%s: each term, estimated / true, and its error in %% of the figure's truth "
          "(D and X enter the count with a minus sign)" % tag)
    print("  %-28s %7s  %-22s %-22s %-22s %-22s %s" % ("figure", "truth", "A", "P", "D", "X", "count"))
    for name, t, e in out:
        cells = ["%7.0f/%-6d %+5.2f%%" % (e[k], t[k], 100 * (e[k] - t[k]) / t["count"]) for k in TERMS]
        print("  %-28s %7d  %s %+.2f%%" % (name, t["count"], " ".join("%-22s" % c for c in cells),
                                          100 * (e["count"] / t["count"] - 1)))


def show_sum(results, figure="all", prefix=False):
    """A figure's error, term by term, over every run (signs as they enter the count); with
    prefix, over every figure of at least 100 true people whose name begins with `figure`."""
    sign = {"A": 1, "P": 1, "D": -1, "X": -1}
    acc = collections.defaultdict(list)
    for tag, out in results:
        for name, t, e in out:
            if name == figure or (prefix and name.startswith(figure) and t["count"] >= 100):
                for k in TERMS:
                    acc[k].append(100 * sign[k] * (e[k] - t[k]) / t["count"])
                    acc[k + "rel"].append(100 * (e[k] / t[k] - 1) if t[k] else 0.0)
                acc["count"].append(100 * (e["count"] / t["count"] - 1))
    n = len(acc["count"])
    if not n:
        return
    print("\n%s, %d figures: mean contribution to the figure's error "
          "(and the term's own relative error)" % (
              "all partners together" if figure == "all" else figure.rstrip(", "), n))
    for k in TERMS:
        print("  %s  %+6.2f%% of the figure (term %+6.1f%%, range %+.1f..%+.1f%%)" % (
            k, sum(acc[k]) / n, sum(acc[k + "rel"]) / n, min(acc[k + "rel"]), max(acc[k + "rel"])))
    print("  count %+6.2f%% (range %+.2f..%+.2f%%)" % (sum(acc["count"]) / n, min(acc["count"]),
                                                     max(acc["count"])))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--unika")
    ap.add_argument("--names", default="generator", choices=ev.NAMES)
    ap.add_argument("--names-file",
                    help="an evaluator's own name lists, as linkage_estimate_eval.py takes them")
    ap.add_argument("--people", type=int, default=30000)
    ap.add_argument("--phenomena", default="all",
                    help="as linkage_estimate_eval.py takes one (all+typos=0.10): %(default)s")
    ap.add_argument("--seeds", default="1000,1001")
    ap.add_argument("--work", default="linkage-terms")
    ap.add_argument("--generator")
    ap.add_argument("--by-gender", action="store_true",
                    help="also the figure of all partners for each gender")
    ap.add_argument("--by-year", action="store_true",
                    help="also the figure of all partners for each calendar year")
    ap.add_argument("--by-half", action="store_true",
                    help="also each partner's figure in each half-year")
    ap.add_argument("--by-band", action="store_true",
                    help="also the figure of all partners for each age band, whole span")
    ap.add_argument("--overlaps", action="store_true",
                    help="also each pair's overlap, |a| + |b| - |a u b|, term by term")
    ap.add_argument("--splits", action="store_true",
                    help="also why the strong clusters split the people they split")
    a = ap.parse_args()
    names = a.names
    if a.names_file:
        try:
            ev.names_from_file(a.names_file)
        except (OSError, ValueError) as e:
            ap.error("--names-file: %s" % e)
        names = ev.names_label(a.names_file)
    ctx = {"unika": os.path.abspath(l2.find_unika(a.unika)), "names": names,
           "names_file": os.path.abspath(a.names_file) if a.names_file else "",
           "people": a.people, "phenomena": a.phenomena, "work": os.path.abspath(a.work),
           "generator": a.generator or l2.default_generator(), "by_gender": a.by_gender,
           "splits": a.splits, "overlaps": a.overlaps, "by_year": a.by_year, "by_band": a.by_band,
           "by_half": a.by_half}
    ctx["keys"] = os.path.join(ctx["work"], "keys")
    ev.setup_roles(ctx["unika"], ctx["keys"])
    results = []
    for seed in [int(s) for s in a.seeds.split(",")]:
        results.append(one_run(ctx, seed))
        show_run(*results[-1])
    show_sum(results)
    if a.overlaps:
        for a_, b_ in itertools.combinations(sorted(ev.ORGS), 2):
            show_sum(results, a_ + "&" + b_)
    if a.by_gender:
        for g in "MFX":
            show_sum(results, "all, gender " + g)
    if a.by_year:
        years = {n for _, out in results for n, _, _ in out if n.startswith("all, year")}
        for name in sorted(years):
            show_sum(results, name)
    if a.by_half:
        for o in sorted(ev.ORGS):
            show_sum(results, o + ", ", prefix=True)
    if a.by_band:
        for _, _, b in ev.AGE_BANDS:
            show_sum(results, "all, band " + b)
            show_sum(results, "all, band %s, year" % b, prefix=True)


if __name__ == "__main__":
    main()
