"""Reading `unika report --format json` into Python objects and pandas
DataFrames: the reader agrees with the command's CSV of the same report, and
every figure is recomputed from the sketch files its filter selects."""
import csv
import hashlib
import json
import math
import os
import shutil
import subprocess
import sys
import tempfile
import unittest
from unittest import mock

from support import CLI, key, optional, people, unika

pd = optional("pandas")
ORGS = ("raddabarnen", "rodakorset", "uppsok")


def cells(directory):
    """Cell sketches as partners ingest them: org x half-year x gender, the orgs
    overlapping; one cell of three people (gender X, at one org in one
    half-year), so that suppression has work to do."""
    k, recipe = key(), unika.Recipe("strict")
    everyone = people(4000, seed=11)
    everyone["gender"] = ["F" if g == "female" else "M" for g in everyone["gender"]]
    for o, org in enumerate(ORGS):
        for h, period in enumerate(("2024H1", "2024H2")):
            lo = o * 900 + h * 300
            part = {c: v[lo:lo + 1600 - 1000 * (org == "uppsok")] for c, v in everyone.items()}
            genders = ("M", "F", "X") if (org, period) == ("uppsok", "2024H2") else ("M", "F")
            for g in genders:
                if g == "X":
                    mine = {"name": ["Nour Ali", "Sam Lind", "Kim Berg"],
                            "birth_year": ["2001", "2002", "2003"], "gender": ["x"] * 3}
                else:
                    mine = {c: [v for v, x in zip(vals, part["gender"]) if x == g]
                            for c, vals in part.items()}
                s = unika.Sketch(12, k, recipe)
                s.add_columns(k, recipe, mine)
                for label, value in (("org", org), ("period", period), ("recipe", "strict"),
                                     ("gender", g)):
                    s.set_label(label, value)
                s.save(os.path.join(directory, "%s_%s_%s.uks" % (org, period, g)))


def csv_value(text, like):
    """A CSV cell as the JSON-side value it should equal."""
    if isinstance(like, str):
        return text
    if text == "":
        return None
    if text in ("true", "false"):
        return text == "true"
    return float(text) if isinstance(like, (int, float)) and not isinstance(like, bool) \
        else text


@unittest.skipUnless(CLI, "the unika command is not built (it writes the reports read here)")
class Reports(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.dir = tempfile.mkdtemp(prefix="unika-report-")
        cls.cells = os.path.join(cls.dir, "cells")
        os.makedirs(cls.cells)
        cells(cls.cells)
        release_key = os.path.join(cls.dir, "release.key")
        subprocess.run([CLI, "keygen", "-o", release_key], check=True, capture_output=True)
        rel = ["--release", "--release-key", release_key]
        for name, args in (("plain.json", ["--format", "json"]), ("plain.csv", ["--format", "csv"]),
                           ("release.json", ["--format", "json", *rel]),
                           ("release.csv", ["--format", "csv", *rel])):
            subprocess.run([CLI, "report", *args, "-o", os.path.join(cls.dir, name), cls.cells],
                           check=True, capture_output=True)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.dir)

    def read(self, name):
        return unika.read_report(os.path.join(self.dir, name))

    def test_corrected_members(self):
        """A report corrected for linkage error (report --estimates, docs/linkage.md 16)
        adds deterministic and mode to each figure; a plain one has neither."""
        self.assertEqual((self.read("plain.json").figure("total").deterministic,
                          self.read("plain.json").figure("total").mode), (None, None))
        with open(os.path.join(self.dir, "plain.json")) as f:
            doc = json.load(f)
        mode = {"kind": "corrected", "estimator": "occupancy", "version": 24,
                "m_measured": False}
        for fig in doc["figures"]:
            fig["deterministic"] = None if fig["suppressed"] else 1234.5
            fig["mode"] = mode
        path = os.path.join(self.dir, "corrected.json")
        with open(path, "w") as f:
            json.dump(doc, f)
        total = unika.read_report(path).figure("total")
        self.assertEqual((total.deterministic, total.mode), (1234.5, mode))
        self.assertIs(total.mode["m_measured"], False)
        doc["figures"][0]["deterministic"] = "many"
        with open(path, "w") as f:
            json.dump(doc, f)
        with self.assertRaises(ValueError):
            unika.read_report(path)

    def test_structure(self):
        r = self.read("plain.json")
        self.assertEqual((r.schema, r.version, r.recipe, r.estimator), ("unika-report", 2,
                                                                        "strict", "ml"))
        self.assertEqual(r.request["period_grain"], "half-year")
        self.assertEqual([t.id for t in r.tables][:1], ["total"])
        self.assertIn("half-year_x_org", [t.id for t in r.tables])
        t = r.table("by_org")
        self.assertEqual((t.kind, t.rows_label, t.rows), ("one-way", "org", ORGS))
        total = r.figure("total")
        self.assertIsInstance(total.estimate, float)
        self.assertEqual(total.filter, {})
        ov = r.figure("overlap_org/org=raddabarnen&org=rodakorset")
        self.assertEqual((ov.kind, ov.overlap), ("intersection", unika.Overlap(
            "org", "raddabarnen", "rodakorset")))
        with self.assertRaises(KeyError):
            r.figure("nope")
        with self.assertRaises(KeyError) as cm:
            r.table("nope")
        self.assertIn("by_org", str(cm.exception))
        with open(os.path.join(self.dir, "plain.json"), encoding="utf-8") as f:
            self.assertEqual(r, unika.Report.from_json(f.read()))

    def test_rows_are_the_commands_csv(self):
        for name in ("plain", "release"):
            rows = self.read(name + ".json").rows()
            with open(os.path.join(self.dir, name + ".csv"), encoding="utf-8") as f:
                lines = [l for l in csv.reader(f) if l and not l[0].startswith("#")]
            header, body = lines[0], lines[1:]
            self.assertEqual(tuple(header), unika._report.ROW_FIELDS)
            self.assertEqual(len(rows), len(body), name)
            for row, line in zip(rows, body):
                for field, text in zip(header, line):
                    want, got = csv_value(text, row[field]), row[field]
                    if isinstance(want, float):
                        self.assertAlmostEqual(got, want, delta=1e-6, msg=(name, row["figure"],
                                                                           field))
                    else:
                        self.assertEqual(got, want, (name, row["figure"], field))

    def test_every_figure_recomputed_from_its_sketch_files(self):
        """The files a figure rests on are selected again with its filter
        (docs/report.md, "Recomputing a figure"), as unika verify does."""
        sketches = [unika.Sketch.from_bytes(open(os.path.join(self.cells, f), "rb").read())
                    for f in sorted(os.listdir(self.cells))]

        def rolled(period, grain):
            return {"half-year": period, "year": period[:4], "all": "all"}[grain]

        def selected(filt, grain):
            out = []
            for s in sketches:
                labels = s.labels
                ok = True
                for k, v in filt.items():
                    have = labels.get(k)
                    if have is not None and k == "period":
                        have = rolled(have, grain)
                    ok = ok and have is not None and (v == "*" or v == have)
                if ok:
                    out.append(s)
            return out
        r = self.read("plain.json")
        checked = 0
        for f in r.figures:
            if f.suppressed:
                self.assertIsNone(f.estimate)
                continue
            if f.kind == "intersection":
                ov = f.overlap
                a = unika.union(selected({ov.label: ov.a}, f.period_grain))
                b = unika.union(selected({ov.label: ov.b}, f.period_grain))
                e = a.intersection(b)
            else:
                e = unika.union(selected(f.filter, f.period_grain)).estimate()
            self.assertEqual((f.estimate, f.std_error, f.ci_low, f.ci_high, f.exact), tuple(e),
                             f.id)
            self.assertEqual(f.shown, "%.0f" % e.estimate)
            checked += 1
        self.assertGreater(checked, 20)
        self.assertTrue(any(f.suppression == "primary" for f in r.figures))

    def test_release_report_withholds_raw_estimates(self):
        r = self.read("release.json")
        self.assertIs(r.release["raw_estimates"], False)
        self.assertEqual(r.release["rounding"], "sdc")
        for f in r.figures:
            self.assertIsNone(f.estimate)
            if f.suppressed:
                self.assertIn(f.shown, ("<5", ".."))
                self.assertIsNone(f.value)
            else:
                self.assertIn(f.rounding_base, (5, 10))
                self.assertEqual(f.value % f.rounding_base, 0)
                self.assertEqual(f.shown, str(f.value))

    def test_refusals_name_what_does_not_fit(self):
        with open(os.path.join(self.dir, "plain.json"), encoding="utf-8") as f:
            good = json.load(f)

        def broken(change):
            doc = json.loads(json.dumps(good))
            change(doc)
            return doc
        cases = [
            (lambda d: d.update(schema="unika-compare-recipes"), "schema 'unika-compare-recipes'"),
            (lambda d: d.update(version=1), "version 1"),
            (lambda d: d["figures"][0].pop("estimate"), "figure 'total' lacks 'estimate'"),
            (lambda d: d["figures"][1].update(exact="yes"), "'exact' is \"yes\", not true or false"),
            (lambda d: d["figures"][0].update(value=1.5), "'value' is 1.5, not an integer or null"),
            (lambda d: d["tables"][1].update(total="missing"), "names figure 'missing'"),
            (lambda d: d["figures"].append(d["figures"][0]), "not unique"),
            (lambda d: d.pop("tables"), "document lacks 'tables'"),
            (lambda d: d["figures"].__setitem__(0, "x"), "figures[0] is not a JSON object"),
        ]
        for change, message in cases:
            with self.assertRaises(ValueError) as cm:
                unika.Report.from_json(broken(change))
            self.assertIn(message, str(cm.exception))
        with open(os.path.join(self.dir, "plain.json"), encoding="utf-8") as f:
            text = f.read()
        dup = text.rstrip()[:-1] + ', "figures": []}'
        with self.assertRaises(ValueError) as cm:
            unika.Report.from_json(dup)
        self.assertIn("gives the key 'figures' twice", str(cm.exception))
        with self.assertRaises(ValueError) as cm:
            unika.Report.from_json(text.replace('"confidence": 0.95', '"confidence": NaN'))
        self.assertIn("NaN is not JSON", str(cm.exception))
        with self.assertRaises(ValueError):
            unika.Report.from_json("[1, 2]")
        with self.assertRaises(ValueError):  # json.JSONDecodeError is a ValueError
            unika.Report.from_json("{not json")
        with self.assertRaises(FileNotFoundError):
            unika.read_report(os.path.join(self.dir, "missing.json"))

    def test_without_pandas_the_dataframe_calls_say_so(self):
        r = self.read("plain.json")
        with mock.patch.dict(sys.modules, {"pandas": None}):
            for call in (r.to_dataframe, lambda: r.table_dataframe("by_org")):
                with self.assertRaises(ImportError) as cm:
                    call()
                self.assertIn("needs pandas", str(cm.exception))
        with self.assertRaises(ValueError):
            r.table_dataframe("by_org", field="colour")

    @unittest.skipIf(pd is None, "pandas is not installed: Report.to_dataframe() and "
                     "table_dataframe() are not tested here (python_binding_numpy_pandas "
                     "runs them where it is)")
    def test_dataframes(self):
        r = self.read("plain.json")
        df = r.to_dataframe()
        self.assertEqual(list(df.columns), list(unika._report.ROW_FIELDS))
        self.assertEqual(len(df), len(r.rows()))
        self.assertEqual(df.loc[df.figure == "total", "value"].item(), r.figure("total").value)
        two = r.table_dataframe("half-year_x_org")
        self.assertEqual(list(two.index), ["2024H1", "2024H2", "total"])
        self.assertEqual(list(two.columns), list(ORGS) + ["total"])
        self.assertEqual(two.loc["total", "total"], r.figure("half-year_x_org/period=*,org=*").value)
        self.assertEqual(two.loc["2024H2", "uppsok"],
                         r.figure("half-year_x_org/period=2024H2,org=uppsok").value)
        one = r.table_dataframe("by_gender", field="estimate")
        self.assertEqual(list(one.index), ["F", "M", "X", "total"])
        self.assertEqual(one.loc["M", "estimate"], r.figure("by_gender/gender=M").estimate)
        ov = r.table_dataframe("overlap_org", field="shown")
        self.assertEqual(len(ov), 3)
        self.assertEqual(ov.loc[("raddabarnen", "rodakorset"), "shown"],
                         r.figure("overlap_org/org=raddabarnen&org=rodakorset").shown)
        rel = self.read("release.json").to_dataframe()
        self.assertTrue(rel["estimate"].isna().all())
        self.assertTrue(math.isnan(rel.loc[rel.suppressed, "value"].astype(float).iloc[0])
                        if rel.suppressed.any() else True)


if __name__ == "__main__":
    unittest.main()
