"""Object semantics: each object owns one C handle; sketches pickle and copy
through their bytes, keys refuse; use after close raises; no double free;
sketches built in worker processes union to the single-process bytes."""
import copy
import gc
import multiprocessing
import pickle
import threading
import unittest
import weakref

from support import TEST_KEY, TempDirCase, key, people, unika


def build_in_worker(args):
    """A worker: loads the key from its file, builds a sketch of its slice of
    the columns and returns it (pickled back to the parent through its bytes)."""
    key_path, recipe, cols = args
    with unika.Key.load(key_path) as k:
        s = unika.Sketch(12, k, recipe)
        s.add_columns(k, recipe, cols)
        return s


def fail_in_worker(_):
    unika.parse_date("2001-02-30")


class Pickling(TempDirCase):
    def setUp(self):
        super().setUp()
        self.key, self.recipe = key(), unika.Recipe("strict")

    def sketches(self):
        for n in (0, 40, 3000):  # empty, sparse, dense
            s = unika.Sketch(12, self.key, self.recipe)
            s.add_columns(self.key, self.recipe, people(n))
            s.set_label("org", "rodakorset")
            yield s

    def test_sketch_pickle_and_deepcopy_round_trip(self):
        for s in self.sketches():
            for clone in (pickle.loads(pickle.dumps(s)),
                          pickle.loads(pickle.dumps(s, protocol=0)),
                          copy.deepcopy(s), copy.copy(s), s.copy()):
                self.assertIsNot(clone, s)
                self.assertEqual(clone, s)
                self.assertEqual(clone.to_bytes(), s.to_bytes())
                self.assertEqual(clone.estimate(), s.estimate())
                self.assertNotEqual(clone._h, s._h)  # its own C object
            # Independent: changing the copy leaves the original, and closing
            # the original leaves the copy usable (no shared handle, no double free).
            c = copy.deepcopy(s)
            c.add_columns(self.key, self.recipe, people(10, seed=99))
            self.assertNotEqual(c, s)
            before = c.to_bytes()
            s.close()
            self.assertEqual(c.to_bytes(), before)
            del c
            gc.collect()

    def test_a_sketch_inside_other_objects_pickles(self):
        s = next(iter(self.sketches()))
        box = {"cells": [s, s], "recipe": self.recipe}
        back = pickle.loads(pickle.dumps(box))
        self.assertIs(back["cells"][0], back["cells"][1])  # pickle's memo: one object
        self.assertEqual(back["cells"][0], s)
        self.assertEqual(back["recipe"], self.recipe)
        self.assertEqual(copy.deepcopy(box)["cells"][0], s)

    def test_recipe_pickles_and_copies_by_canonical_text(self):
        for r in (unika.Recipe("strict"), unika.Recipe(["name", "country"])):
            for clone in (pickle.loads(pickle.dumps(r)), copy.copy(r), copy.deepcopy(r)):
                self.assertEqual((clone, clone.fingerprint), (r, r.fingerprint))
                self.assertNotEqual(clone._h, r._h)

    def test_a_key_refuses_pickle_and_copy(self):
        for attempt in (lambda: pickle.dumps(self.key),
                        lambda: pickle.dumps(self.key, protocol=0),
                        lambda: pickle.dumps([1, {"k": self.key}]),
                        lambda: copy.copy(self.key), lambda: copy.deepcopy(self.key),
                        lambda: copy.deepcopy({"k": self.key})):
            with self.assertRaises(TypeError) as cm:
                attempt()
            self.assertIn("Key.save(path)", str(cm.exception))
            self.assertNotIn(TEST_KEY.hex(), str(cm.exception))
        self.assertEqual(self.key.fingerprint_hex, key().fingerprint_hex)  # still usable

    def test_unika_error_pickles_with_every_attribute(self):
        with self.assertRaises(unika.UnikaError) as cm:
            unika.normalize_name("Samir\x01")
        e = pickle.loads(pickle.dumps(cm.exception))
        for attr in ("code", "name", "message", "field", "line", "column", "position",
                     "record"):
            self.assertEqual(getattr(e, attr), getattr(cm.exception, attr), attr)
        self.assertEqual(str(e), str(cm.exception))


class Ownership(unittest.TestCase):
    def setUp(self):
        self.key, self.recipe = key(), unika.Recipe("strict")

    def objects(self):
        return [unika.Key.from_bytes(TEST_KEY), unika.Recipe("strict"),
                unika.Sketch(12, self.key, self.recipe)]

    def test_no_public_way_to_wrap_a_pointer(self):
        s = unika.Sketch(12, self.key, self.recipe)
        with self.assertRaises(TypeError):
            unika.Key()
        with self.assertRaises(TypeError):
            unika.Sketch(s._h)  # a pointer is not a fingerprint
        with self.assertRaises(TypeError):
            s.__init__(12, self.key, self.recipe)  # a second C object into one owner
        with self.assertRaises(TypeError):
            unika.Recipe("strict").__init__("loose")
        with self.assertRaises(AttributeError):
            s.extra = 1  # __slots__: no per-object dict to copy a handle through

    def test_use_after_close_raises_for_every_call(self):
        k, r, s = self.objects()
        other = unika.Sketch(12, self.key, self.recipe)
        for obj in (k, r, s):
            obj.close()
            obj.close()  # twice is harmless
            self.assertTrue(obj.closed)
            self.assertIn("closed", repr(obj))
        calls = {
            "Key.fingerprint": lambda: k.fingerprint,
            "Key.save": lambda: k.save("/nonexistent/x"),
            "Key ==": lambda: k == self.key,
            "Recipe.name": lambda: r.name, "Recipe.fields": lambda: r.fields,
            "Recipe.fingerprint": lambda: r.fingerprint,
            "Recipe pickle": lambda: pickle.dumps(r),
            "pseudonymize(closed key)": lambda: unika.pseudonymize(
                k, self.recipe, {"name": "A", "birth_year": "2000", "gender": "m"}),
            "pseudonymize(closed recipe)": lambda: unika.pseudonymize(
                self.key, r, {"name": "A", "birth_year": "2000", "gender": "m"}),
            "pseudonymize_columns": lambda: unika.pseudonymize_columns(
                self.key, r, {"name": ["A"]}),
            "matchkeys": lambda: unika.matchkeys(k, {"name": "A"}),
            "Sketch.add": lambda: s.add(self.key, bytes(32)),
            "Sketch.add_columns": lambda: s.add_columns(self.key, self.recipe, {"name": []}),
            "Sketch.add_records(closed key)": lambda: other.add_records(k, self.recipe, []),
            "Sketch.estimate": lambda: s.estimate(), "len": lambda: len(s),
            "Sketch.to_bytes": lambda: s.to_bytes(), "pickle": lambda: pickle.dumps(s),
            "deepcopy": lambda: copy.deepcopy(s), "a | b": lambda: s | other,
            "b | a": lambda: other | s, "b |= a": lambda: other.__ior__(s),
            "merge into": lambda: other.merge(s), "intersection": lambda: other.intersection(s),
            "labels": lambda: s.labels, "==": lambda: s == other,
        }
        for name, call in calls.items():
            with self.subTest(name):
                with self.assertRaises(ValueError) as cm:
                    call()
                self.assertIn("closed", str(cm.exception))
        self.assertEqual(len(other), 0)  # the open operand is unharmed

    def test_with_blocks_and_the_collector_free_each_handle_once(self):
        with unika.Sketch(12, self.key, self.recipe) as s:
            pass
        self.assertTrue(s.closed)
        for _ in range(3):
            objs = self.objects()
            refs = [weakref.ref(o) for o in objs]
            del objs
            gc.collect()
            self.assertEqual([r() for r in refs], [None] * 3)

    def test_concurrent_close_frees_once(self):
        # Many threads close the same objects; a double free would crash the
        # interpreter (or trip glibc's checks), not fail an assertion.
        for _ in range(50):
            objs = self.objects()
            barrier = threading.Barrier(8)

            def close_all():
                barrier.wait()
                for o in objs:
                    o.close()
            threads = [threading.Thread(target=close_all) for _ in range(8)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            self.assertTrue(all(o.closed for o in objs))


class Operators(unittest.TestCase):
    def setUp(self):
        self.key, self.recipe = key(), unika.Recipe("strict")
        cols = people(3000)
        self.a = unika.Sketch(12, self.key, self.recipe)
        self.a.add_columns(self.key, self.recipe, {c: v[:2000] for c, v in cols.items()})
        self.b = unika.Sketch(12, self.key, self.recipe)
        self.b.add_columns(self.key, self.recipe, {c: v[1000:] for c, v in cols.items()})
        self.all = unika.Sketch(12, self.key, self.recipe)
        self.all.add_columns(self.key, self.recipe, cols)

    def test_union_operators(self):
        a_bytes = self.a.to_bytes()
        u = self.a | self.b
        self.assertEqual(u.to_bytes(), self.all.to_bytes())
        self.assertEqual(self.a.to_bytes(), a_bytes)  # | leaves its operands
        self.assertEqual(unika.union([self.b, self.a]).to_bytes(), self.all.to_bytes())
        a = self.a
        a |= self.b
        self.assertIs(a, self.a)  # |= merges in place
        self.assertEqual(a.to_bytes(), self.all.to_bytes())
        with self.assertRaises(TypeError):
            self.a | 3
        with self.assertRaises(TypeError):
            self.a.merge("b.uks")
        with self.assertRaises(ValueError):
            unika.union([])
        with self.assertRaises(unika.UnikaError) as cm:
            self.a | unika.Sketch(12, unika.Key.generate(), self.recipe)
        self.assertEqual(cm.exception.name, "UNIKA_EKEYMISMATCH")

    def test_len_and_estimate(self):
        e = self.all.estimate()
        self.assertIsInstance(e, unika.Estimate)
        self.assertEqual(len(self.all), round(e.estimate))
        self.assertEqual(e.interval, (e.ci_low, e.ci_high))
        self.assertLess(abs(len(self.all) - 3000), 5 * 0.0119 * 3000)
        empty = unika.Sketch(12, self.key, self.recipe)
        self.assertEqual(len(empty), 0)
        self.assertFalse(empty)
        self.assertTrue(self.all)
        small = unika.Sketch(12, self.key, self.recipe)
        small.add_columns(self.key, self.recipe, people(7))
        self.assertEqual((len(small), small.estimate().exact), (7, True))

    def test_from_bytes_to_bytes(self):
        data = self.all.to_bytes()
        self.assertEqual(unika.Sketch.from_bytes(data), self.all)
        self.assertEqual(unika.Sketch.from_bytes(bytearray(data)), self.all)
        self.assertEqual(unika.Sketch.from_bytes(memoryview(data)), self.all)


class Processes(TempDirCase):
    def test_pool_builds_in_workers_and_the_union_matches_one_process(self):
        k, recipe = key(), unika.Recipe("loose")
        k.save(self.path("k.key"))
        cols = people(6000, seed=5)
        parts = [{c: v[i:i + 1500] for c, v in cols.items()} for i in range(0, 6000, 1500)]
        single = unika.Sketch(12, k, recipe)
        single.add_columns(k, recipe, cols)
        ctx = multiprocessing.get_context("spawn")  # a fresh interpreter: all by pickle
        with ctx.Pool(2) as pool:
            built = pool.map(build_in_worker, [(self.path("k.key"), recipe, p) for p in parts])
            with self.assertRaises(unika.UnikaError) as cm:  # errors come back intact
                pool.map(fail_in_worker, [0])
        self.assertEqual((cm.exception.name, cm.exception.field), ("UNIKA_EDATE", "birth_date"))
        self.assertEqual(len(built), 4)
        self.assertTrue(all(isinstance(s, unika.Sketch) for s in built))
        total = unika.union(built)
        self.assertFalse(total.is_sparse)
        self.assertEqual(total.to_bytes(), single.to_bytes())
        # The workers never saw a Key object: one cannot be sent.
        with ctx.Pool(1) as pool:
            with self.assertRaises(TypeError):
                pool.map(len, [k])


if __name__ == "__main__":
    unittest.main()
