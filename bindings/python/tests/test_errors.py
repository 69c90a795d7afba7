"""Every refusal the binding makes itself, before any C call, and the error
paths of match-key derivation: the exception class, and a message that says
what was wrong without quoting a value."""
import unittest

from support import key, unika

SECRET = "Zahra Secretname"


class Refusals(unittest.TestCase):
    def setUp(self):
        self.key, self.recipe = key(), unika.Recipe("strict")
        self.sketch = unika.Sketch(12, self.key, self.recipe)

    def test_each_refusal_raises_its_class_without_the_value(self):
        cases = [
            (ValueError, lambda: unika.Key.from_bytes(b"short")),
            (ValueError, lambda: unika.Key.from_bytes("x" * 32)),
            (TypeError, lambda: unika.Key.derive(12345678901234567890, "salt")),
            (TypeError, lambda: unika.Recipe(42)),
            (ValueError, lambda: unika.Sketch(12, "abc", self.recipe)),
            (ValueError, lambda: unika.Sketch(12, b"\0" * 15, self.recipe)),
            (TypeError, lambda: unika.Sketch(12)),
            (TypeError, lambda: unika.Sketch("12", self.key, self.recipe)),
            (TypeError, lambda: unika.Sketch(True, self.key, self.recipe)),
            (ValueError, lambda: self.sketch.add(self.key, SECRET.encode())),
            (ValueError, lambda: self.sketch.add_many(self.key, [bytes(32), b"x"])),
            (ValueError, lambda: self.sketch.estimate("hll")),
            (TypeError, lambda: self.sketch.merge(None)),
            (TypeError, lambda: self.sketch.intersection(3)),
            (TypeError, lambda: self.sketch.set_label("org", 3)),
            (TypeError, lambda: unika.normalize_name(3)),
            (TypeError, lambda: unika.parse_date(None)),
            (TypeError, lambda: unika.pseudonymize_fields(self.key, self.recipe,
                                                          [SECRET, 1999, "M"])),
            (KeyError, lambda: unika.pseudonymize(self.key, self.recipe, {"nmae": SECRET})),
            (TypeError, lambda: unika.pseudonymize(self.key, self.recipe, [SECRET])),
            (TypeError, lambda: unika.pseudonymize(self.key, self.recipe,
                                                   {"name": {"first": SECRET}})),
            (KeyError, lambda: unika.matchkey_hash(self.key, "shoe_size", "42")),
            (ValueError, lambda: unika.matchkeys_derive(self.key, name="a", gender="male")),
            (ValueError, lambda: unika.pseudonymize_batch(self.key, self.recipe, [],
                                                          chunk_size=-1)),
            (ValueError, lambda: unika.union([])),
            (TypeError, lambda: unika.union([3])),
        ]
        for exc, call in cases:
            with self.subTest(exc=exc.__name__):
                with self.assertRaises(exc) as cm:
                    call()
                self.assertNotIn("Secretname", str(cm.exception))
                self.assertIn("unika", str(cm.exception))


class MatchKeysDerive(unittest.TestCase):
    def setUp(self):
        self.key = key()

    def test_normalised_values_give_the_raw_record_keys(self):
        raw = unika.matchkeys(self.key, {"name": "Amiri, Hosein", "birth_date": "2005-03-14",
                                         "gender": "pojke", "dossier": "58-789885/1",
                                         "country": "Afghanistan"})
        derived = unika.matchkeys_derive(
            self.key, name=unika.normalize_name("Amiri, Hosein"), birth=(2005, 3, 14),
            gender="M", dossier=unika.dossier("58-789885/1"),
            country=unika.normalize_name("Afghanistan"))
        self.assertEqual(derived, raw)
        self.assertEqual((derived.precision, derived.jan1), ("day", False))
        year_only = unika.matchkeys_derive(self.key, name="amiri hosein", birth="2005")
        self.assertEqual((year_only.gender, year_only.precision), ("U", "year"))
        self.assertNotIn("birth_month_day", [t for t, _ in year_only.keys])
        self.assertEqual(dict(year_only.keys)["birth_year"],
                         unika.matchkey_hash(self.key, "birth_year", "2005"))

    def test_library_refusals_name_the_value(self):
        for kwargs, name, field in [({"birth": (2005, 1, 1)}, "UNIKA_EFIELD", None),
                                    ({"personnummer": "12345"}, "UNIKA_EPERSONNUMMER", None),
                                    ({"name": "a", "birth": (2005, 2, 30)}, "UNIKA_EDATE", None),
                                    ({"name": "Not Normalised"}, None, None)]:
            with self.subTest(kwargs=kwargs):
                with self.assertRaises(unika.UnikaError) as cm:
                    unika.matchkeys_derive(self.key, **kwargs)
                if name:
                    self.assertEqual(cm.exception.name, name)
                self.assertNotIn("Normalised", cm.exception.message)
        closed = key()
        closed.close()
        with self.assertRaises(ValueError):
            unika.matchkeys_derive(closed, name="a")


if __name__ == "__main__":
    unittest.main()
