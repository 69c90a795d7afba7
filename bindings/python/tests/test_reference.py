"""Every public name is documented, and docs/bindings.md's reference is what
gen_reference.py writes from the docstrings (so the two cannot drift)."""
import inspect
import os
import subprocess
import sys
import types
import unittest

from support import PACKAGE_DIR, unika


class Reference(unittest.TestCase):
    def test_all_lists_every_public_name_and_each_has_a_docstring(self):
        public = {n for n, v in vars(unika).items()
                  if not n.startswith("_") and not isinstance(v, types.ModuleType)}
        self.assertEqual(public, set(unika.__all__))
        for name in unika.__all__:
            obj = getattr(unika, name)
            if callable(obj):
                self.assertTrue(inspect.getdoc(obj), name)
            else:
                self.assertTrue(unika._CONSTANT_DOCS.get(name), name)
            if inspect.isclass(obj):
                for member, value in vars(obj).items():
                    if member.startswith("_") or member in getattr(obj, "_fields", ()) \
                            or member in getattr(obj, "__dataclass_fields__", {}):
                        continue
                    fn = getattr(value, "__func__", value)
                    self.assertTrue(inspect.getdoc(fn), "%s.%s" % (name, member))

    def test_docs_reference_is_generated_from_the_docstrings(self):
        r = subprocess.run([sys.executable, os.path.join(PACKAGE_DIR, "gen_reference.py"),
                            "--check"], capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)


if __name__ == "__main__":
    unittest.main()
