"""Batch pseudonymise-and-add: dict records from any iterable, columns from
lists, NumPy arrays and pandas Series/DataFrames, and every error path."""
import datetime
import unittest

from support import as_records, key, optional, people, unika

np = optional("numpy")
pd = optional("pandas")


class Columns(unittest.TestCase):
    def setUp(self):
        self.key = key()
        self.recipe = unika.Recipe("strict")
        self.cols = people(2500)  # dense at p = 12, some names non-ASCII

    def sketch(self):
        return unika.Sketch(12, self.key, self.recipe)

    def reference_sketch(self, cols):
        """The sketch built one record at a time, the slow obvious way."""
        s = self.sketch()
        for rec in as_records(cols):
            s.add(self.key, unika.pseudonymize(self.key, self.recipe, rec))
        return s

    def test_columns_records_and_single_calls_agree(self):
        want = [unika.pseudonymize(self.key, self.recipe, r) for r in as_records(self.cols)]
        self.assertEqual(unika.pseudonymize_columns(self.key, self.recipe, self.cols).pseudonyms,
                         want)
        self.assertEqual(unika.pseudonymize_batch(self.key, self.recipe,
                                                  iter(as_records(self.cols))).pseudonyms, want)
        res = unika.pseudonymize_columns(self.key, self.recipe, self.cols, chunk_size=7)
        self.assertEqual((res.pseudonyms, res.n_failed, res.first_error), (want, 0, None))
        self.assertEqual(res.status, [0] * 2500)

    def test_add_columns_and_records_give_the_same_bytes_in_any_chunking(self):
        want = self.reference_sketch(self.cols).to_bytes()
        for chunk in (1, 999, 10000):
            s = self.sketch()
            r = s.add_columns(self.key, self.recipe, self.cols, chunk_size=chunk)
            self.assertEqual((r.records, r.n_failed, r.failures, r.first_error),
                             (2500, 0, [], None))
            self.assertEqual(s.to_bytes(), want, chunk)
            t = self.sketch()
            t.add_records(self.key, self.recipe, (r for r in as_records(self.cols)),
                          chunk_size=chunk)
            self.assertEqual(t.to_bytes(), want, chunk)
        # Spelled surname first, the same people: the same sketch.
        s = self.sketch()
        s.add_columns(self.key, self.recipe, people(2500, spelled=True))
        self.assertEqual(s.to_bytes(), want)

    def test_names_pick_and_rename(self):
        data = {"Namn": self.cols["name"], "Fodd": self.cols["birth_date"],
                "Kon": self.cols["gender"], "besok_id": list(range(2500))}
        s = self.sketch()
        s.add_columns(self.key, self.recipe, data,
                      names={"name": "Namn", "birth_date": "Fodd", "gender": "Kon"})
        self.assertEqual(s, self.reference_sketch(self.cols))
        with self.assertRaises(KeyError) as cm:
            s.add_columns(self.key, self.recipe, data)
        self.assertIn("Namn", str(cm.exception))
        with self.assertRaises(KeyError):
            s.add_columns(self.key, self.recipe, data, names={"name": "Missing"})

    def test_missing_values_in_a_column_are_empty_cells(self):
        # gender None, "" and NaN are all "unknown", as an empty CSV cell.
        base = {"name": ["Nasir Haidari"] * 3, "birth_date": ["1997-05-04"] * 3}
        res = unika.pseudonymize_columns(self.key, self.recipe,
                                         dict(base, gender=[None, "", float("nan")]))
        self.assertEqual(len(set(res.pseudonyms)), 1)
        self.assertEqual(res.pseudonyms[0], unika.pseudonymize(
            self.key, self.recipe, {"name": "Nasir Haidari", "birth_date": "1997-05-04",
                                    "gender": "okänt"}))
        # In a dict record, None is a column the source does not have.
        res = unika.pseudonymize_batch(self.key, self.recipe, [
            {"name": "Nasir Haidari", "birth_date": "1997-05-04", "gender": None}])
        self.assertEqual((res.first_error.name, res.first_error.field), ("UNIKA_EFIELD", "gender"))
        self.assertEqual(res.status, [res.first_error.code])

    def test_ints_floats_and_dates_as_cells(self):
        by_text = unika.pseudonymize_columns(self.key, self.recipe, {
            "name": ["A B", "C D"], "birth_year": ["1999", "2001"], "gender": ["m", "f"]})
        for years in ([1999, 2001], [1999.0, 2001.0]):
            got = unika.pseudonymize_columns(self.key, self.recipe, {
                "name": ["A B", "C D"], "birth_year": years, "gender": ["m", "f"]})
            self.assertEqual(got.pseudonyms, by_text.pseudonyms)
        dob = unika.Recipe("dob")
        want = unika.pseudonymize_columns(self.key, dob, {
            "name": ["A B"], "birth_date": ["2001-03-04"], "gender": ["m"]}).pseudonyms
        for d in (datetime.date(2001, 3, 4), datetime.datetime(2001, 3, 4, 12, 30)):
            got = unika.pseudonymize_columns(self.key, dob, {
                "name": [b"A B"], "birth_date": [d], "gender": ["m"]})
            self.assertEqual(got.pseudonyms, want)
        for bad in (object(), True, 1999.5):
            with self.assertRaises(TypeError) as cm:
                unika.pseudonymize_columns(self.key, self.recipe, {
                    "name": ["A B", "C D"], "birth_year": [1999, bad], "gender": ["m", "f"]})
            self.assertIn("column 'birth_year', record 1", str(cm.exception))

    def test_formats_and_reference(self):
        dob = unika.Recipe("dob")
        want = unika.pseudonymize(self.key, dob, {"name": "A B", "birth_date": "1997-05-04",
                                                  "gender": "m"})
        got = unika.pseudonymize_columns(self.key, dob, {
            "name": ["A B"], "birth_date": ["04.05.1997"], "gender": ["m"]},
            birth_date_format="DD.MM.YYYY")
        self.assertEqual(got.pseudonyms, [want])
        pnr = unika.Recipe("pnr")
        want = unika.pseudonymize(self.key, pnr, {"personnummer": "198112189876"})
        for extra in ({"reference": "2017-09-09"}, {"reference": (2017, 9, 9)},
                      {"reference": datetime.date(2017, 9, 9)}):
            got = unika.pseudonymize_columns(self.key, pnr, {"personnummer": ["8112189876"]},
                                             **extra)
            self.assertEqual(got.pseudonyms, [want])
        got = unika.pseudonymize_columns(self.key, pnr, {
            "personnummer": ["8112189876", "811218-9876"],
            "reference": ["2017-09-09", (2018, 1, 1)]})
        self.assertEqual(got.pseudonyms, [want, want])
        got = unika.pseudonymize_columns(self.key, pnr, {
            "personnummer": ["8112189876"], "visit_date": ["09.09.2017"]},
            visit_date_format="DD.MM.YYYY")
        self.assertEqual(got.pseudonyms, [want])
        with self.assertRaises(ValueError):
            unika.pseudonymize_columns(self.key, pnr, {
                "personnummer": ["8112189876"], "reference": ["2017-09-09"]},
                reference="2017-09-09")
        with self.assertRaises(TypeError):
            unika.pseudonymize_columns(self.key, dob, {"name": ["A B"]},
                                       birth_date_format=12)

    def test_a_failed_record_raises_with_its_index_and_changes_nothing(self):
        cols = people(20)
        cols["birth_date"][13] = "2001-02-30"
        s = self.sketch()
        s.set_label("org", "x")
        s.add_columns(self.key, self.recipe, people(5, seed=9))
        before = s.to_bytes()
        for add in (lambda: s.add_columns(self.key, self.recipe, cols, chunk_size=6),
                    lambda: s.add_records(self.key, self.recipe, iter(as_records(cols)),
                                          chunk_size=6)):
            with self.assertRaises(unika.UnikaError) as cm:
                add()
            e = cm.exception
            self.assertEqual((e.name, e.record, e.field), ("UNIKA_EDATE", 13, "birth_date"))
            self.assertTrue(e.message.startswith("record 13: "), e.message)
            self.assertNotIn("2001-02-30", e.message)
            self.assertEqual(s.to_bytes(), before)

    def test_skip_adds_the_others_and_reports_each_failure(self):
        cols = people(20)
        cols["birth_date"][13] = "2001-02-30"
        cols["name"][2] = ""
        s = self.sketch()
        r = s.add_columns(self.key, self.recipe, cols, on_error="skip", chunk_size=6)
        self.assertEqual((r.records, r.n_failed), (20, 2))
        self.assertEqual(r.failures, [(2, "UNIKA_EEMPTY"), (13, "UNIKA_EDATE")])
        self.assertEqual((r.first_error.record, r.first_error.name), (2, "UNIKA_EEMPTY"))
        good = {c: [v for i, v in enumerate(vals) if i not in (2, 13)]
                for c, vals in cols.items()}
        self.assertEqual(s, self.reference_sketch(good))
        res = unika.pseudonymize_columns(self.key, self.recipe, cols, chunk_size=6)
        self.assertEqual((res.n_failed, res.first_error.record), (2, 2))
        self.assertIsNone(res.pseudonyms[13])
        self.assertEqual(unika.UnikaError(res.status[13]).name, "UNIKA_EDATE")

    def test_refusals_before_any_work(self):
        s = self.sketch()
        before = s.to_bytes()
        calls = [
            (ValueError, lambda: s.add_columns(self.key, self.recipe, self.cols,
                                               on_error="ignore")),
            (ValueError, lambda: s.add_columns(self.key, self.recipe, self.cols,
                                               chunk_size=0)),
            (ValueError, lambda: s.add_columns(self.key, self.recipe,
                                               {"name": ["a"], "gender": ["m", "f"]})),
            (TypeError, lambda: s.add_columns(self.key, self.recipe, {"name": "Zahra"})),
            (TypeError, lambda: s.add_records(self.key, self.recipe, ["Zahra"])),
            (KeyError, lambda: s.add_records(self.key, self.recipe, [{"nmae": "x"}])),
            (unika.UnikaError, lambda: s.add_columns(self.key, unika.Recipe("loose"),
                                                     self.cols)),
            (unika.UnikaError, lambda: s.add_columns(unika.Key.generate(), self.recipe,
                                                     self.cols)),
        ]
        for exc, call in calls:
            with self.assertRaises(exc):
                call()
        self.assertEqual(s.to_bytes(), before)
        with self.assertRaises(unika.UnikaError) as cm:
            s.add_columns(self.key, unika.Recipe("loose"), self.cols)
        self.assertEqual(cm.exception.name, "UNIKA_ERECIPEMISMATCH")
        empty = s.add_columns(self.key, self.recipe, {})
        self.assertEqual(empty.records, 0)


@unittest.skipIf(np is None, "NumPy is not installed: its arrays are not tested here "
                 "(python_binding_numpy_pandas runs them where it is)")
class NumPyColumns(unittest.TestCase):
    def test_arrays_give_the_same_sketch_as_lists(self):
        k, recipe = key(), unika.Recipe("strict")
        cols = people(3000)
        want = unika.Sketch(12, k, recipe)
        want.add_columns(k, recipe, cols)
        for conv in (np.array, lambda v: np.array(v, dtype=object)):
            s = unika.Sketch(12, k, recipe)
            s.add_columns(k, recipe, {c: conv(v) for c, v in cols.items()})
            self.assertEqual(s.to_bytes(), want.to_bytes())
        years = {"name": np.array(["A B", "C D"]), "birth_year": np.array([1999, 2001]),
                 "gender": np.array(["m", "f"])}
        self.assertEqual(unika.pseudonymize_columns(k, recipe, years).pseudonyms,
                         unika.pseudonymize_columns(k, recipe, {
                             "name": ["A B", "C D"], "birth_year": ["1999", "2001"],
                             "gender": ["m", "f"]}).pseudonyms)


@unittest.skipIf(pd is None, "pandas is not installed: DataFrames and Series are not "
                 "tested here (python_binding_numpy_pandas runs them where it is)")
class PandasColumns(unittest.TestCase):
    def test_dataframe_with_missing_values_and_dates(self):
        k, recipe = key(), unika.Recipe("strict")
        cols = people(3000)
        want = unika.Sketch(12, k, recipe)
        want.add_columns(k, recipe, cols)
        df = pd.DataFrame({"namn": cols["name"], "fodd": pd.to_datetime(cols["birth_date"]),
                           "kon": cols["gender"], "besok": range(3000)})
        df.loc[df["kon"] == "", "kon"] = None  # an empty cell as pandas reads one
        s = unika.Sketch(12, k, recipe)
        r = s.add_columns(k, recipe, df, names={"name": "namn", "birth_date": "fodd",
                                                "gender": "kon"})
        self.assertEqual(r.n_failed, 0)
        self.assertEqual(s.to_bytes(), want.to_bytes())
        # A Series with NaN, pd.NA and NaT as missing values.
        g = pd.Series(["m", pd.NA, None], dtype="string")
        res = unika.pseudonymize_columns(k, recipe, {
            "name": pd.Series(["A B"] * 3), "birth_year": pd.Series([1999.0, 1999.0, 1999]),
            "gender": g})
        self.assertEqual(res.n_failed, 0)
        self.assertEqual(res.pseudonyms[1], res.pseudonyms[2])
        dob = unika.Recipe("dob")
        res = unika.pseudonymize_columns(k, dob, {
            "name": ["A B"], "birth_date": pd.Series([pd.NaT]), "gender": ["m"]})
        self.assertEqual((res.n_failed, res.first_error.field), (1, "birth_date"))


if __name__ == "__main__":
    unittest.main()
