"""Tests of the Python binding: the API itself, and agreement with the C
implementation's checked-in known answers (tests/vectors, tests/golden) and
with the `unika` command (when $UNIKA_CLI names it).

Run from bindings/python:  UNIKA_LIBRARY=.../libunika.so python3 -m unittest discover -s tests
(CTest runs it so: ctest -R python_binding).
"""
import hashlib
import json
import os
import random
import stat
import subprocess
import tempfile
import unittest

from support import CLI, SOURCE_DIR, TEST_KEY, TempDirCase, unika

VECTORS = os.path.join(SOURCE_DIR, "tests", "vectors", "pseudonyms.txt")
GOLDEN = os.path.join(SOURCE_DIR, "tests", "golden")

# gen_golden.c's fixed inputs: the fingerprints every golden file carries.
GOLDEN_KEY_FP = "3f9a5107c26e8814d92b70e54a0cb396"
GOLDEN_RECIPE_FP = "5e11a07d23f49c680be7453ad1826f19"


def read_bytes(path):
    with open(path, "rb") as f:
        return f.read()


def golden(name):
    return read_bytes(os.path.join(GOLDEN, name))


class Import(unittest.TestCase):
    def test_sizes_and_version_come_from_the_library(self):
        self.assertEqual(unika.FINGERPRINT_BYTES, 16)
        self.assertEqual(unika.PSEUDONYM_BYTES, 32)
        self.assertEqual(unika.KEY_BYTES, 32)
        self.assertEqual(int(unika.version().split(".")[0]), unika.EXPECTED_MAJOR)
        self.assertEqual(unika.__version__, unika.version())


class Errors(unittest.TestCase):
    def test_error_carries_code_name_field_position_but_never_the_value(self):
        with self.assertRaises(unika.UnikaError) as cm:
            unika.normalize_name("Samir\x01Secretname")
        e = cm.exception
        self.assertEqual((e.code, e.name, e.field), (-42, "UNIKA_ENAME", "name"))
        self.assertEqual(e.position, 6)  # the control character
        self.assertNotIn("Secretname", str(e))
        self.assertNotIn("Samir", e.message)

    def test_invalid_utf8_position_is_a_byte_offset(self):
        with self.assertRaises(unika.UnikaError) as cm:
            unika.normalize_name(b"ab\xff")
        self.assertEqual((cm.exception.name, cm.exception.position), ("UNIKA_EUTF8", 3))

    def test_every_error_is_one_exception_class(self):
        for call in (lambda: unika.parse_date("1999-02-29"), lambda: unika.dossier("12"),
                     lambda: unika.Recipe("name+shoe_size"), lambda: unika.gender("tomato"),
                     lambda: unika.Sketch.new(3, GOLDEN_KEY_FP, GOLDEN_RECIPE_FP)):
            with self.assertRaises(unika.UnikaError):
                call()


class Normalisers(unittest.TestCase):
    def test_name(self):
        for raw, want in [("Al-Khalil, Samir", "al khalil samir"),
                          ("SAMIR AL KHALIL", "al khalil samir"),
                          ("Ségolène Öberg", "oberg segolene"),
                          ("محمد رضا", "رضا محمد")]:
            self.assertEqual(unika.normalize_name(raw), want)
        with self.assertRaises(unika.UnikaError) as cm:
            unika.normalize_name("   ")
        self.assertEqual(cm.exception.name, "UNIKA_EEMPTY")

    def test_dates(self):
        self.assertEqual(unika.parse_date("2005-01-01"), (2005, 1, 1))
        self.assertEqual(unika.parse_date("31/12/1999"), (1999, 12, 31))
        self.assertEqual(unika.parse_date("2003"), unika.Date(2003, 0, 0))
        self.assertEqual(unika.parse_date("04.05.1997", format="DD.MM.YYYY"), (1997, 5, 4))
        for bad, name in [("2001-02-29", "UNIKA_EDATE"), ("0201-01-01", "UNIKA_EDATE")]:
            with self.assertRaises(unika.UnikaError) as cm:
                unika.parse_date(bad)
            self.assertEqual(cm.exception.name, name)
        with self.assertRaises(unika.UnikaError) as cm:
            unika.parse_date("2001", format="QQ")
        self.assertEqual(cm.exception.name, "UNIKA_EDATEFORMAT")

    def test_personnummer(self):
        self.assertEqual(unika.personnummer("19811218-9876"), ("198112189876", "personnummer"))
        self.assertEqual(unika.personnummer("811218-9876", reference="2017-09-09").number,
                         "198112189876")
        self.assertEqual(unika.personnummer("701063-2391", reference=(2019, 1, 1)).kind,
                         "samordningsnummer")
        with self.assertRaises(unika.UnikaError) as cm:
            unika.personnummer("811218-9876")  # 10 digits without a reference
        self.assertEqual(cm.exception.name, "UNIKA_EINVAL")
        with self.assertRaises(unika.UnikaError) as cm:
            unika.personnummer("19811218-9875")
        self.assertEqual(cm.exception.name, "UNIKA_ECHECKDIGIT")

    def test_dossier_digits_gender(self):
        self.assertEqual(unika.dossier("58-789885/1"), "58789885")
        self.assertEqual(unika.digits(" 00-12.3/4 "), "001234")
        self.assertEqual([unika.gender(g) for g in ("pojke", "Kvinna", "annat", "", "okänt")],
                         ["M", "F", "X", "U", "U"])
        self.assertEqual(unika.gender("", fold=True), "X")
        with self.assertRaises(unika.UnikaError) as cm:
            unika.dossier("58-78988")
        self.assertEqual(cm.exception.name, "UNIKA_EDOSSIER")


class Keys(TempDirCase):
    def test_save_load_round_trip_and_file_mode(self):
        with unika.Key.generate() as k:
            k.save(self.path("a.key"))
            self.assertEqual(stat.S_IMODE(os.stat(self.path("a.key")).st_mode), 0o600)
            with unika.Key.load(self.path("a.key")) as k2:
                self.assertEqual(k, k2)
                self.assertEqual(k.fingerprint_hex, k2.fingerprint_hex)
            with self.assertRaises(unika.UnikaError) as cm:
                k.save(self.path("a.key"))
            self.assertEqual(cm.exception.name, "UNIKA_EEXIST")
            k.save(self.path("a.key"), overwrite=True)
        self.assertNotEqual(unika.Key.generate(), unika.Key.generate())

    def test_load_refusals(self):
        with self.assertRaises(unika.UnikaError) as cm:
            unika.Key.load(self.path("missing.key"))
        self.assertEqual(cm.exception.name, "UNIKA_ENOENT")
        k = unika.Key.generate()
        k.save(self.path("open.key"))
        os.chmod(self.path("open.key"), 0o644)
        with self.assertRaises(unika.UnikaError) as cm:
            unika.Key.load(self.path("open.key"))
        self.assertEqual(cm.exception.name, "UNIKA_EKEYPERM")
        self.assertEqual(unika.Key.load(self.path("open.key"), allow_open_permissions=True), k)
        with open(self.path("bad.key"), "w") as f:
            f.write("not a key\n")
        os.chmod(self.path("bad.key"), 0o600)
        with self.assertRaises(unika.UnikaError) as cm:
            unika.Key.load(self.path("bad.key"))
        self.assertIn(cm.exception.name, ("UNIKA_EKEYFILE", "UNIKA_EKEYVERSION"))

    def test_closed_key_is_refused_not_crashed(self):
        k = unika.Key.from_bytes(TEST_KEY)
        k.close()
        k.close()  # twice is harmless
        with self.assertRaises(ValueError):
            k.fingerprint
        with self.assertRaises(ValueError):
            unika.pseudonymize(k, unika.Recipe("pnr"), {"personnummer": "198112189876"})

    def test_derive_refuses_a_short_passphrase(self):
        with self.assertRaises(unika.UnikaError) as cm:
            unika.Key.derive("short", "stockholm-iop-2017")
        self.assertEqual(cm.exception.name, "UNIKA_EPASSPHRASE")


class Recipes(unittest.TestCase):
    def test_forms_of_one_recipe(self):
        forms = ["strict", "name+birth_year+gender", "unika-recipe-v1:name,birth_year,gender",
                 ["name", "birth_year", "gender"], ("name", "birth_year", "gender")]
        recipes = [unika.Recipe(f) for f in forms]
        for r in recipes:
            self.assertEqual(r.name, "strict")
            self.assertEqual(r.canonical, "unika-recipe-v1:name,birth_year,gender")
            self.assertEqual(r.fields, ("name", "birth_year", "gender"))
            self.assertEqual(r.fingerprint, recipes[0].fingerprint)
        self.assertNotEqual(unika.Recipe("loose"), recipes[0])
        self.assertIn(unika.Recipe().name, ("strict", "loose", "dob", "pnr", "dossier"))

    def test_refusals(self):
        for text, name in [("name+shoe_size", "UNIKA_EFIELD"), ("name+name", "UNIKA_ERECIPE"),
                           ("", "UNIKA_ERECIPE")]:
            with self.assertRaises(unika.UnikaError) as cm:
                unika.Recipe(text)
            self.assertEqual(cm.exception.name, name, text)


class Pseudonyms(unittest.TestCase):
    def setUp(self):
        self.key = unika.Key.from_bytes(TEST_KEY)
        self.recipe = unika.Recipe("strict")

    def test_record_spellings_meet_and_missing_columns_fail(self):
        a = unika.pseudonymize(self.key, self.recipe, {
            "name": "Hosein Amiri", "birth_date": "2005-01-01", "gender": "male"})
        b = unika.pseudonymize(self.key, self.recipe, {
            "given_name": "HOSEIN", "surname": "amiri", "birth_year": "2005", "gender": b"m"})
        self.assertEqual(a, b)
        self.assertEqual(len(a), 32)
        with self.assertRaises(unika.UnikaError) as cm:
            unika.pseudonymize(self.key, self.recipe, {"name": "Hosein Amiri", "gender": "m"})
        self.assertEqual((cm.exception.name, cm.exception.field), ("UNIKA_EFIELD", "birth_year"))
        with self.assertRaises(KeyError):
            unika.pseudonymize(self.key, self.recipe, {"nmae": "x"})

    def test_absent_column_empty_cell_reference_and_formats(self):
        base = {"name": "Nasir Haidari", "birth_date": "1997-05-04"}
        # An empty gender cell is "unknown" (folded to X); no gender column fails.
        self.assertEqual(unika.pseudonymize(self.key, self.recipe, dict(base, gender="")),
                         unika.pseudonymize(self.key, self.recipe, dict(base, gender="okänt")))
        with self.assertRaises(unika.UnikaError) as cm:
            unika.pseudonymize(self.key, self.recipe, dict(base, gender=None))
        self.assertEqual((cm.exception.name, cm.exception.field), ("UNIKA_EFIELD", "gender"))
        dob = unika.Recipe("dob")
        self.assertEqual(
            unika.pseudonymize(self.key, dob, {"name": "Nasir Haidari", "gender": "m",
                                               "birth_date": "04.05.1997",
                                               "birth_date_format": "DD.MM.YYYY"}),
            unika.pseudonymize(self.key, dob, dict(base, gender="m")))
        pnr = unika.Recipe("pnr")
        want = unika.pseudonymize(self.key, pnr, {"personnummer": "198112189876"})
        for ref in ({"reference": "2017-09-09"}, {"reference": (2017, 9, 9)},
                    {"visit_date": "09/09/2017"},
                    {"visit_date": "2017.09.09", "visit_date_format": "YYYY.MM.DD"}):
            self.assertEqual(unika.pseudonymize(self.key, pnr,
                                                dict(ref, personnummer=b"811218-9876")), want)
        # An id_auto cell is a personnummer or a dossier number by its digit count.
        self.assertEqual(unika.pseudonymize(self.key, pnr, {"id_auto": "19811218-9876"}), want)
        self.assertEqual(unika.pseudonymize(self.key, unika.Recipe("dossier"), {"id_auto": "58-789885"}),
                         unika.pseudonymize(self.key, unika.Recipe("dossier"), {"dossier": "58789885"}))

    def test_batch_reports_each_record(self):
        recs = [{"name": "Hosein Amiri", "birth_date": "2005-01-01", "gender": "m"},
                {"name": "Zahra Ahmadi", "birth_date": "2001-02-30", "gender": "f"},
                {"name": "", "birth_year": "1999", "gender": ""},
                {"name": "Nasir Haidari", "birth_year": "1997", "gender": "pojke"}]
        res = unika.pseudonymize_batch(self.key, self.recipe, recs)
        self.assertEqual(res.status, [0, -43, -41, 0])
        self.assertEqual(res.n_failed, 2)
        self.assertEqual(res.pseudonyms[0], unika.pseudonymize(self.key, self.recipe, recs[0]))
        self.assertEqual(res.pseudonyms[3], unika.pseudonymize(self.key, self.recipe, recs[3]))
        self.assertIsNone(res.pseudonyms[1])
        self.assertEqual(res.first_error.name, "UNIKA_EDATE")
        self.assertTrue(res.first_error.message.startswith("record 1: "))
        empty = unika.pseudonymize_batch(self.key, self.recipe, [])
        self.assertEqual((empty.pseudonyms, empty.n_failed, empty.first_error), ([], 0, None))

    def test_known_answer_vectors(self):
        """Every line of tests/vectors/pseudonyms.txt, the C generator's output."""
        key, counts = None, {}
        with open(VECTORS, encoding="utf-8") as f:
            lines = [l.rstrip("\n").split("\t") for l in f if l.strip() and l[0] != "#"]
        for kind, *rest in lines:
            counts[kind] = counts.get(kind, 0) + 1
            with self.subTest(kind=kind, rest=rest[:2]):
                if kind == "recipe":
                    r = unika.Recipe(rest[0])
                    self.assertEqual((r.canonical, r.fingerprint_hex), (rest[1], rest[2]))
                elif kind == "derive":  # Argon2id at 256 MiB: about a second
                    self.assertEqual(unika.Key.derive(rest[0], rest[1]).fingerprint_hex, rest[2])
                elif kind == "key":
                    key = unika.Key.from_bytes(bytes.fromhex(rest[0]))
                    self.assertEqual(key.fingerprint_hex, rest[1])
                elif kind == "fields":
                    got = unika.pseudonymize_fields(key, unika.Recipe(rest[0]), rest[2:])
                    self.assertEqual(got.hex(), rest[1])
                elif kind == "record":
                    rec = {}
                    for cell in rest[2:]:
                        col, _, value = cell.partition("=")
                        rec[col.lstrip("@")] = value
                    self.assertEqual(unika.pseudonymize(key, unika.Recipe(rest[0]), rec).hex(),
                                     rest[1])
                else:
                    self.fail("unknown vector line kind %r" % kind)
        # The file is not empty or truncated to one kind.
        self.assertEqual(set(counts), {"recipe", "derive", "key", "fields", "record"})
        self.assertGreaterEqual(counts["record"], 10)


MK_VECTORS = os.path.join(SOURCE_DIR, "tests", "vectors", "matchkeys.txt")


class MatchKeys(unittest.TestCase):
    def setUp(self):
        self.key = unika.Key.from_bytes(TEST_KEY)

    def test_known_answer_vectors(self):
        """tests/vectors/matchkeys.txt: every hash, and every record's keys, from the
        binding as from the C generator."""
        key, checked, record, want = None, 0, None, []

        def check_record():
            if record is None:
                return
            name = record.pop("name")
            rec = {"name": name or None, "birth_date": None, "gender": record["gender"],
                   "country": record["country"] or None,
                   "personnummer": record["personnummer"] or None,
                   "dossier": record["dossier"] or None}
            y, m, d = (int(x) for x in record["birth"].split("-"))
            if y:
                rec["birth_date"] = "%04d" % y + ("-%02d" % m if m else "") + \
                                    ("-%02d" % d if d else "")
            got = unika.matchkeys(key, rec)
            self.assertEqual([(t, v.hex(), w) for (t, v), w in zip(got.keys, got.words)], want)
            self.assertEqual(got.precision, ("none", "year", "month", "day")[int(record["flags"]) & 3])

        with open(MK_VECTORS, encoding="utf-8") as f:
            for line in f:
                if not line.strip() or line[0] == "#":
                    continue
                kind, *rest = line.rstrip("\n").split("\t")
                if kind == "key":
                    check_record()
                    record = None
                    key = unika.Key.from_bytes(bytes.fromhex(rest[0]))
                    self.assertEqual(key.fingerprint_hex, rest[1])
                elif kind == "hash":
                    self.assertEqual(unika.matchkey_hash(key, rest[0], rest[1]).hex(), rest[2])
                    checked += 1
                elif kind == "derive":
                    check_record()
                    record = dict(cell.split("=", 1) for cell in rest)
                    want = []
                    checked += 1
                elif kind == "mk":
                    word = int(rest[3].split("=")[1]) if len(rest) > 3 else None
                    want.append((rest[0], rest[2], word))
                else:
                    self.fail("unknown vector line kind %r" % kind)
        check_record()
        self.assertGreaterEqual(checked, 30)

    def test_raw_record_and_refusals(self):
        mk = unika.matchkeys(self.key, {"given_name": "Hosein", "surname": "AMIRI",
                                        "birth_date": "2005-01-01", "gender": "pojke",
                                        "dossier": "58-789885/1"})
        self.assertEqual((mk.gender, mk.precision, mk.jan1), ("M", "year", True))
        types = [t for t, _ in mk.keys]
        self.assertIn("dossier", types)
        self.assertNotIn("birth_month_day", types)
        self.assertEqual(types, sorted(types, key=lambda t: list(unika.MATCHKEY_TYPES.values()).index(t)))
        self.assertTrue(all(len(v) == 16 for _, v in mk.keys))
        # The same person spelled otherwise shares the name key.
        other = unika.matchkeys(self.key, {"name": "Amiri, Hossein", "birth_year": "2005"})
        self.assertEqual(dict(mk.keys)["name"], dict(other.keys)["name"])
        with self.assertRaises(unika.UnikaError) as cm:
            unika.matchkeys(self.key, {"name": "Hosein", "personnummer": "811218-9875",
                                       "reference": "2017-01-01"})
        self.assertEqual((cm.exception.name, cm.exception.field),
                         ("UNIKA_ECHECKDIGIT", "personnummer"))
        with self.assertRaises(unika.UnikaError) as cm:
            unika.matchkeys(self.key, {"birth_date": "2001-02-03", "country": "Syrien"})
        self.assertEqual(cm.exception.name, "UNIKA_EFIELD")
        with self.assertRaises(KeyError):
            unika.matchkey_hash(self.key, "shoe_size", "42")

    def test_cli_file_holds_the_binding_keys(self):
        """A record's keys from the binding are the ones `unika matchkeys` writes."""
        if not CLI:
            self.skipTest("the unika command is not built")
        with tempfile.TemporaryDirectory() as d:
            raw = bytes(range(32))
            with open(os.path.join(d, "k"), "w") as f:
                f.write("unika-key v1\nkey %s\nfingerprint %s\n"
                        % (raw.hex(), unika.Key.from_bytes(raw).fingerprint_hex))
            os.chmod(os.path.join(d, "k"), 0o600)
            with open(os.path.join(d, "p.profile"), "w") as f:
                f.write("column.name = name\ncolumn.birth_date = dob\ncolumn.dossier = d\n")
            with open(os.path.join(d, "in.csv"), "w") as f:
                f.write("name,dob,d\nSamir Al-Khalil,1999-05-10,79417419\n")
            subprocess.run([CLI, "matchkeys", "--key", "k", "--profile", "p.profile", "--org",
                            "x", "--period", "all", "in.csv", "-o", "x.umk"], cwd=d,
                           check=True, capture_output=True)
            data = read_bytes(os.path.join(d, "x.umk"))
        mk = unika.matchkeys(unika.Key.from_bytes(raw), {"name": "Samir Al-Khalil",
                                                        "birth_date": "1999-05-10",
                                                        "dossier": "79417419"})
        for _, v in mk.keys:
            self.assertIn(v, data)


def random_pseudonyms(rng, n):
    return [rng.getrandbits(256).to_bytes(32, "little") for _ in range(n)]


class Sketches(TempDirCase):
    def setUp(self):
        super().setUp()
        self.key = unika.Key.from_bytes(TEST_KEY)
        self.recipe = unika.Recipe("strict")
        self.rng = random.Random(20240101)

    def new(self, p=12):
        return unika.Sketch.new(p, self.key, self.recipe)

    def test_exact_while_sparse_and_duplicates_count_once(self):
        s = self.new()
        ps = random_pseudonyms(self.rng, 300)
        s.add_many(self.key, ps)
        s.add_many(self.key, ps[:100])
        for p in ps[:10]:
            s.add(self.key, p)
        e = s.estimate()
        self.assertTrue(e.exact and s.is_sparse)
        self.assertEqual(s.token_count, 300)
        self.assertEqual(round(e.estimate), 300)
        self.assertLessEqual(e.ci_low, e.estimate)
        self.assertLessEqual(e.estimate, e.ci_high)

    def test_dense_estimate_within_theory(self):
        # p = 12: RSE = sqrt(4.631 / (8 * 4096)) = 1.19% (docs/sketch.md), so at
        # n = 20,000 a 5-sigma band is +-5.9%; a fixed seed makes it repeatable.
        s = self.new()
        s.add_many(self.key, random_pseudonyms(self.rng, 20000))
        self.assertFalse(s.is_sparse)
        for est in ("ml", "fgra"):
            e = s.estimate(est)
            self.assertFalse(e.exact)
            self.assertLess(abs(e.estimate - 20000) / 20000, 5 * 0.0119, est)
            self.assertLess(e.ci_low, e.estimate)
            self.assertLess(e.estimate, e.ci_high)
            self.assertAlmostEqual(e.std_error / e.estimate, 0.0119, delta=0.004)
        with self.assertRaises(ValueError):
            s.estimate("hll")

    def test_merge_is_the_union_and_intersection_is_exact_when_sparse(self):
        ps = random_pseudonyms(self.rng, 500)
        a, b, union = self.new(), self.new(), self.new()
        a.add_many(self.key, ps[:300])
        b.add_many(self.key, ps[200:])
        union.add_many(self.key, ps)
        self.assertEqual(a.intersection(b).estimate, 100)
        self.assertTrue(a.intersection(b).exact)
        self.assertEqual(a.difference(b).estimate, 200)
        merged = a.copy().merge(b)
        self.assertEqual(merged, union)
        self.assertEqual(merged.to_bytes(), union.to_bytes())
        self.assertNotEqual(a, union)

    def test_merge_refuses_other_key_or_recipe(self):
        other_key = unika.Sketch.new(12, unika.Key.generate(), self.recipe)
        other_recipe = unika.Sketch.new(12, self.key, unika.Recipe("loose"))
        for other, name in [(other_key, "UNIKA_EKEYMISMATCH"),
                            (other_recipe, "UNIKA_ERECIPEMISMATCH")]:
            with self.assertRaises(unika.UnikaError) as cm:
                self.new().merge(other)
            self.assertEqual(cm.exception.name, name)
        with self.assertRaises(unika.UnikaError) as cm:
            other_key.add(self.key, bytes(32))
        self.assertEqual(cm.exception.name, "UNIKA_EKEYMISMATCH")
        with self.assertRaises(ValueError):
            self.new().add(self.key, b"short")

    def test_labels(self):
        s = self.new()
        s.set_label("org", "rodakorset")
        s.set_label("period", "2024-H1")
        s.set_label("note", "")
        self.assertEqual(s.labels, {"note": "", "org": "rodakorset", "period": "2024-H1"})
        self.assertEqual(list(s.labels), ["note", "org", "period"])
        self.assertEqual(s.get_label("org"), "rodakorset")
        self.assertIsNone(s.get_label("gender"))
        s.remove_label("note")
        with self.assertRaises(unika.UnikaError) as cm:
            s.remove_label("note")
        self.assertEqual(cm.exception.name, "UNIKA_ENOENT")
        with self.assertRaises(unika.UnikaError) as cm:
            s.set_label("Org", "x")
        self.assertEqual((cm.exception.name, cm.exception.position), ("UNIKA_ELABEL", 1))
        with self.assertRaises(unika.UnikaError):
            s.set_label("org", "two\nlines")

    def test_bytes_and_files_round_trip(self):
        for n in (0, 5, 3000):  # empty, sparse, dense
            s = self.new()
            s.add_many(self.key, random_pseudonyms(self.rng, n))
            s.set_label("org", "x")
            data = s.to_bytes()
            t = unika.Sketch.from_bytes(data)
            self.assertEqual(t, s)
            self.assertEqual(t.to_bytes(), data)
            s.save(self.path("s%d.uks" % n))
            with unika.Sketch.load(self.path("s%d.uks" % n)) as u:
                self.assertEqual(u, s)
                self.assertEqual(u.estimate(), s.estimate())
            with self.assertRaises(unika.UnikaError) as cm:
                s.save(self.path("s%d.uks" % n))
            self.assertEqual(cm.exception.name, "UNIKA_EEXIST")
            s.save(self.path("s%d.uks" % n), overwrite=True)
        with self.assertRaises(unika.UnikaError) as cm:
            unika.Sketch.load(self.path("missing.uks"))
        self.assertEqual(cm.exception.name, "UNIKA_ENOENT")

    def test_precision_bounds(self):
        for p, ok in [(3, False), (4, True), (18, True), (19, False)]:
            if ok:
                self.assertEqual(self.new(p).precision, p)
            else:
                with self.assertRaises(unika.UnikaError) as cm:
                    self.new(p)
                self.assertEqual(cm.exception.name, "UNIKA_EPRECISION")
        self.assertEqual(unika.Sketch.new(None, self.key, self.recipe).precision, 12)
        with self.assertRaises(ValueError):
            unika.Sketch.new(12, "abc", self.recipe)


GOOD = ["sparse_p12_small.uks", "sparse_p12_empty.uks", "dense_p4.uks", "dense_p12.uks",
        "merged_v2.uks", "sparse_p12_other_org.uks", "dense_p12_compact.uks",
        "dense_p6_compact.uks"]
# The code, field and byte position each damaged file must give: the same table
# as tests/test_format.c, positions from docs/format.md's layout.
BAD = [("truncated_in_magic", "ETRUNCATED", "magic", 6),
       ("truncated_in_header", "ETRUNCATED", "header", 41),
       ("truncated_in_payload", "ETRUNCATED", "total_size", 122),
       ("wrong_magic", "EMAGIC", "magic", 1),
       ("wrong_version", "EVERSION", "version", 9),
       ("flipped_checksum", "ECHECKSUM", "checksum", 127),
       ("flipped_payload", "ECHECKSUM", "checksum", 127),
       ("reserved_flag_set", "EFORMAT", "flags", 14),
       ("p_out_of_range", "EPRECISION", "p", 12),
       ("unknown_kind", "EFORMAT", "kind", 11),
       ("tokens_not_increasing", "EFORMAT", "token", 115),
       ("label_not_utf8", "ELABEL", "label.value", 74),
       ("label_key_uppercase", "ELABEL", "label.key", 68),
       ("trailing_bytes", "EFORMAT", "trailing", 135),
       ("register_impossible", "EFORMAT", "register", 81),
       ("sources_not_sorted", "EFORMAT", "source.digest", 175),
       ("source_labels_bad_key", "ELABEL", "source.labels", 127)]


class GoldenFiles(unittest.TestCase):
    def test_good_files_parse_and_reserialise_byte_identically(self):
        for name in GOOD:
            with self.subTest(name):
                data = golden("good/" + name)
                s = unika.Sketch.from_bytes(data)
                s.check_origin(GOLDEN_KEY_FP, GOLDEN_RECIPE_FP)
                self.assertEqual(s.to_bytes(compact=data[12] == 2), data)
                self.assertEqual(unika.Sketch.load(os.path.join(GOLDEN, "good", name)), s)

    def test_compact_is_the_same_sketch(self):
        plain = unika.Sketch.from_bytes(golden("good/dense_p12.uks"))
        compact = unika.Sketch.from_bytes(golden("good/dense_p12_compact.uks"))
        self.assertEqual(plain, compact)
        self.assertEqual(plain.to_bytes(), golden("good/dense_p12.uks"))
        self.assertEqual(plain.to_bytes(compact=True), golden("good/dense_p12_compact.uks"))
        self.assertLess(len(golden("good/dense_p12_compact.uks")), 1500)

    def test_contents(self):
        s = unika.Sketch.from_bytes(golden("good/sparse_p12_small.uks"))
        self.assertTrue(s.is_sparse)
        self.assertEqual(s.token_count, 5)
        self.assertEqual(s.labels, {"gender": "f", "org": "rodakorset", "period": "2024-H1"})
        d = unika.Sketch.from_bytes(golden("good/dense_p4.uks"))
        self.assertEqual((d.precision, d.is_sparse), (4, False))
        m = unika.Sketch.from_bytes(golden("good/merged_with_sources.uks"))
        self.assertEqual(m.labels, {"gender": "f", "period": "2024-H1"})
        # Each provenance record names its input by the BLAKE2b-256 of its bytes.
        sources = {digest: (labels, signer) for digest, labels, signer in m.sources}
        for name, org in [("sparse_p12_small.uks", "rodakorset"),
                          ("sparse_p12_other_org.uks", "stadsmissionen")]:
            digest = hashlib.blake2b(golden("good/" + name), digest_size=32).digest()
            labels, signer = sources[digest]
            self.assertEqual(signer, org)
            self.assertIn("org=" + org, labels.split("\n"))
        # The union of the two inputs, merged here, has the merged file's tokens.
        a = unika.Sketch.from_bytes(golden("good/sparse_p12_small.uks"))
        a.merge(unika.Sketch.from_bytes(golden("good/sparse_p12_other_org.uks")))
        self.assertEqual(a.token_count, m.token_count)
        self.assertEqual(a.estimate(), m.estimate())

    def test_damaged_files_fail_with_their_error(self):
        for name, code, field, position in BAD:
            with self.subTest(name):
                with self.assertRaises(unika.UnikaError) as cm:
                    unika.Sketch.from_bytes(golden("bad/%s.uks" % name))
                e = cm.exception
                self.assertEqual((e.name, e.field, e.position),
                                 ("UNIKA_" + code, field, position))
                with self.assertRaises(unika.UnikaError) as cm:
                    unika.Sketch.load(os.path.join(GOLDEN, "bad", name + ".uks"))
                self.assertEqual(cm.exception.name, "UNIKA_" + code)
        with self.assertRaises(unika.UnikaError) as cm:
            unika.Sketch.from_bytes(golden("bad/wrong_version.uks"))
        self.assertEqual(cm.exception.message, "format version: expected <= 2, got 3")

    def test_other_origin_is_caught(self):
        for name, err in [("other_key", "UNIKA_EKEYMISMATCH"),
                          ("other_recipe", "UNIKA_ERECIPEMISMATCH")]:
            s = unika.Sketch.from_bytes(golden("origin/%s.uks" % name))
            with self.assertRaises(unika.UnikaError) as cm:
                s.check_origin(GOLDEN_KEY_FP, GOLDEN_RECIPE_FP)
            self.assertEqual(cm.exception.name, err)
            self.assertIn("expected", cm.exception.message)


@unittest.skipUnless(CLI and os.access(CLI, os.X_OK), "UNIKA_CLI does not name the unika command")
class AgainstTheCommand(TempDirCase):
    def run_cli(self, *args):
        r = subprocess.run([CLI] + list(args), cwd=self.dir, capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        return r.stdout

    def test_key_files_are_shared_both_ways(self):
        out = json.loads(self.run_cli("keygen", "-o", "cli.key", "--json"))
        self.assertEqual(unika.Key.load(self.path("cli.key")).fingerprint_hex, out["fingerprint"])
        k = unika.Key.generate()
        k.save(self.path("py.key"))
        self.assertEqual(self.run_cli("key", "fingerprint", "py.key").split()[0],
                         k.fingerprint_hex)

    def test_cli_ingest_equals_binding_sketch_byte_for_byte(self):
        key = unika.Key.generate()
        key.save(self.path("k.key"))
        with open(self.path("t.profile"), "w") as f:
            f.write("name = t\ncolumn.date = visit_date\ncolumn.name = name\n"
                    "column.birth_date = birth_date\ncolumn.gender = gender\n")
        # 1,500 people (dense at p = 12, whose sparse limit is 1,024), each twice,
        # spelled differently the second time.
        rng = random.Random(7)
        syll = ["ha", "mi", "ra", "zo", "ke", "li", "na", "sa", "ta", "ri", "mo", "di"]
        rows, recs = [], []
        for i in range(1500):
            given = "".join(rng.choice(syll) for _ in range(3)).capitalize()
            family = "".join(rng.choice(syll) for _ in range(3)).capitalize() + str(i)
            dob = "%04d-%02d-%02d" % (rng.randint(1995, 2008), rng.randint(1, 12),
                                      rng.randint(1, 28))
            g = rng.choice(["male", "female", ""])
            rows.append("2024-01-05,%s %s,%s,%s" % (given, family, dob, g))
            rows.append('2024-02-07,"%s, %s",%s,%s' % (family.upper(), given, dob, g[:1]))
            recs.append({"name": "%s %s" % (given, family), "birth_date": dob, "gender": g})
        with open(self.path("in.csv"), "w") as f:
            f.write("visit_date,name,birth_date,gender\n" + "\n".join(rows) + "\n")
        self.run_cli("ingest", "--key", "k.key", "--profile", "t.profile", "--org", "test",
                     "--period", "all", "-r", "strict", "in.csv", "-o", "out")
        cli_bytes = read_bytes(self.path("out/test_all.uks"))
        cli = unika.Sketch.from_bytes(cli_bytes)

        recipe = unika.Recipe("strict")
        res = unika.pseudonymize_batch(key, recipe, recs)
        self.assertEqual(res.n_failed, 0)
        mine = unika.Sketch.new(12, key, recipe)
        mine.add_many(key, res.pseudonyms)
        for k, v in cli.labels.items():  # the command's labels: org, period, recipe
            mine.set_label(k, v)
        self.assertFalse(mine.is_sparse)
        self.assertEqual(mine.to_bytes(), cli_bytes)

    def test_binding_sketch_is_read_by_inspect(self):
        key, recipe = unika.Key.generate(), unika.Recipe("dob")
        s = unika.Sketch.new(10, key, recipe)
        s.add_many(key, random_pseudonyms(random.Random(3), 40))
        s.set_label("org", "rodakorset")
        s.set_label("period", "2024-H1")
        s.save(self.path("py.uks"))
        info = json.loads(self.run_cli("inspect", "--json", "py.uks"))
        data = read_bytes(self.path("py.uks"))
        self.assertEqual(info["digest"], hashlib.blake2b(data, digest_size=32).hexdigest())
        self.assertEqual(info["file_size"], len(data))
        self.assertEqual((info["kind"], info["precision"], info["payload_count"]),
                         ("sparse", 10, 40))
        self.assertEqual(info["key_fingerprint"], key.fingerprint_hex)
        self.assertEqual(info["recipe_fingerprint"], recipe.fingerprint_hex)
        self.assertEqual(info["labels"], s.labels)
        # A damaged copy is refused by the command too.
        with open(self.path("bad.uks"), "wb") as f:
            f.write(data[:-1] + bytes([data[-1] ^ 1]))
        r = subprocess.run([CLI, "inspect", "--json", "bad.uks"], cwd=self.dir,
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 1)


if __name__ == "__main__":
    unittest.main()
