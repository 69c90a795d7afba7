"""What the binding's test modules share: paths, fixed keys, records."""
import os
import random
import shutil
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
PACKAGE_DIR = os.path.dirname(HERE)  # bindings/python
if sys.path[:1] != [PACKAGE_DIR]:
    sys.path.insert(0, PACKAGE_DIR)  # the package under test, never an installed one
import unika  # noqa: E402
SOURCE_DIR = os.environ.get("UNIKA_SOURCE_DIR") or os.path.normpath(
    os.path.join(HERE, "..", "..", ".."))
CLI = os.path.abspath(os.environ["UNIKA_CLI"]) if os.environ.get("UNIKA_CLI") else None
TEST_KEY = bytes(range(32))
# Set where the NumPy/pandas run is registered: skipping them is then a failure.
REQUIRE_PANDAS = os.environ.get("UNIKA_REQUIRE_PANDAS") == "1"

SYLLABLES = ["ha", "mi", "ra", "zo", "ke", "li", "na", "sa", "ta", "ri", "mo", "di"]


def optional(module):
    """The module, or None; with UNIKA_REQUIRE_PANDAS=1 its absence is an error."""
    try:
        return __import__(module)
    except ImportError:
        if REQUIRE_PANDAS:
            raise
        return None


def people(n, seed=1, spelled=False):
    """n synthetic people as column lists (name, birth_date, gender); some names
    with non-ASCII letters. spelled=True writes each name surname first."""
    rng = random.Random(seed)
    names, dobs, genders = [], [], []
    for i in range(n):
        given = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize()
        family = "".join(rng.choice(SYLLABLES) for _ in range(3)).capitalize() + \
            ("ö" if i % 7 == 0 else "") + str(i)
        names.append("%s, %s" % (family.upper(), given) if spelled else "%s %s" % (given, family))
        dobs.append("%04d-%02d-%02d" % (rng.randint(1995, 2008), rng.randint(1, 12),
                                        rng.randint(1, 28)))
        genders.append(rng.choice(["male", "female", "", "pojke"]))
    return {"name": names, "birth_date": dobs, "gender": genders}


def as_records(columns):
    keys = list(columns)
    return [dict(zip(keys, row)) for row in zip(*columns.values())]


class TempDirCase(unittest.TestCase):
    def setUp(self):
        self.dir = tempfile.mkdtemp(prefix="unika-py-")
        self.addCleanup(shutil.rmtree, self.dir)

    def path(self, *names):
        return os.path.join(self.dir, *names)


def key():
    return unika.Key.from_bytes(TEST_KEY)
