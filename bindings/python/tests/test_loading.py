"""Finding libunika: each place of the lookup order, in a fresh interpreter
running a copy of the package laid out as a source checkout, an install
record or a pkg-config file would have it; and the ImportError when nothing
is found."""
import ctypes.util
import json
import os
import shutil
import subprocess
import sys
import unittest

from support import PACKAGE_DIR, TempDirCase, unika

LIB = os.path.abspath(unika.library().path)
CC = shutil.which("cc")


class Lookup(TempDirCase):
    def setUp(self):
        super().setUp()
        # A source checkout: include/unika.h and bindings/python/unika/.
        os.makedirs(self.path("include"))
        open(self.path("include", "unika.h"), "w").close()
        shutil.copytree(os.path.join(PACKAGE_DIR, "unika"), self.path("bindings", "python", "unika"),
                        ignore=shutil.ignore_patterns("__pycache__", "_install.py"))
        os.makedirs(self.path("empty"))

    def lib_in(self, *parts, name="libunika.so.0", target=LIB):
        d = self.path(*parts)
        os.makedirs(d, exist_ok=True)
        os.symlink(target, os.path.join(d, name))
        return d

    def run_import(self, **env):
        clean = {k: v for k, v in os.environ.items()
                 if not k.startswith("UNIKA_") and not k.startswith("PKG_CONFIG")}
        clean.update(PYTHONPATH=self.path("bindings", "python"), PYTHONDONTWRITEBYTECODE="1",
                     PKG_CONFIG_LIBDIR=self.path("empty"))  # no system unika.pc
        clean.update(env)
        r = subprocess.run([sys.executable, "-c", "import json, unika; "
                            "print(json.dumps(unika.library()._asdict()))"],
                           cwd=self.dir, env=clean, capture_output=True, text=True)
        if r.returncode == 0:
            return json.loads(r.stdout), ""
        self.assertIn("ImportError", r.stderr)
        return None, r.stderr

    def assert_found(self, how, path, **env):
        info, err = self.run_import(**env)
        self.assertIsNotNone(info, err)
        self.assertEqual((info["found_by"], info["path"]), (how, path))
        self.assertEqual(info["version"], unika.version())

    @unittest.skipIf(ctypes.util.find_library("unika"), "a libunika is installed system-wide")
    def test_nothing_found_names_every_place_looked(self):
        info, err = self.run_import()
        self.assertIsNone(info)
        for place in ("$UNIKA_LIBRARY: not set", "install prefix: none recorded",
                      "source checkout: %s" % self.path("build"),
                      "source checkout: %s" % self.path("out", "build"),
                      "pkg-config: pkg-config unika", "system loader: libunika.so.0",
                      "set UNIKA_LIBRARY"):
            self.assertIn(place, err)

    def test_source_checkout_build_then_out_build(self):
        # The main job (scripts/demo.sh) builds into out/build, the tests into build.
        d = self.lib_in("out", "build")
        self.assert_found("source checkout", os.path.join(d, "libunika.so.0"))
        d = self.lib_in("build", name="libunika.so")
        self.assert_found("source checkout", os.path.join(d, "libunika.so"))

    def test_explicit_settings_come_first(self):
        self.lib_in("out", "build")
        d = self.lib_in("elsewhere")
        self.assert_found("UNIKA_BUILD_DIR", os.path.join(d, "libunika.so.0"),
                          UNIKA_BUILD_DIR=d)
        self.assert_found("UNIKA_LIBRARY", LIB, UNIKA_LIBRARY=LIB, UNIKA_BUILD_DIR=d)
        # An explicit library is used as given, never second-guessed.
        with open(self.path("not-a-library.so"), "w") as f:
            f.write("text\n")
        info, err = self.run_import(UNIKA_LIBRARY=self.path("not-a-library.so"))
        self.assertIn("$UNIKA_LIBRARY=%s" % self.path("not-a-library.so"), err)
        info, err = self.run_import(UNIKA_LIBRARY="libc.so.6")
        self.assertIn("not libunika (no unika_version_number)", err)

    def test_install_record_then_pkg_config(self):
        d = self.lib_in("prefix", "lib")
        record = self.path("bindings", "python", "unika", "_install.py")
        with open(record, "w") as f:
            f.write("LIBDIR = %r\n" % d)
        self.assert_found("install prefix", os.path.join(d, "libunika.so.0"))
        # A recorded directory that lost its library falls through to pkg-config.
        with open(record, "w") as f:
            f.write("LIBDIR = %r\n" % self.path("gone"))
        pc = self.lib_in("pc-prefix", "lib")
        os.makedirs(self.path("pc"))
        with open(self.path("pc", "unika.pc"), "w") as f:
            f.write("libdir=%s\nName: unika\nDescription: test\nVersion: %s\nLibs: -lunika\n"
                    % (pc, unika.version()))
        self.assert_found("pkg-config", os.path.join(pc, "libunika.so.0"),
                          PKG_CONFIG_PATH=self.path("pc"))
        if not ctypes.util.find_library("unika"):
            info, err = self.run_import()
            self.assertIn("install prefix: %s: no libunika.so there" % self.path("gone"), err)

    @unittest.skipUnless(CC, "no C compiler to build a library of another major version")
    def test_another_major_version_is_passed_over(self):
        with open(self.path("v1.c"), "w") as f:
            f.write("unsigned unika_version_number(void) { return 10000; }\n")
        d = self.path("v1")
        os.makedirs(d)
        subprocess.run([CC, "-shared", "-fPIC", "-o", os.path.join(d, "libunika.so.0"),
                        self.path("v1.c")], check=True)
        info, err = self.run_import(UNIKA_BUILD_DIR=d)
        self.assertIn("major version 1, this binding needs 0", err)
        real = self.lib_in("out", "build")
        self.assert_found("source checkout", os.path.join(real, "libunika.so.0"),
                          UNIKA_BUILD_DIR=d)
        info, err = self.run_import(UNIKA_LIBRARY=os.path.join(d, "libunika.so.0"))
        self.assertIn("major version 1, this binding needs 0", err)

    @unittest.skipUnless(CC, "no C compiler to build a library that lacks functions")
    def test_a_library_lacking_a_function_is_named(self):
        with open(self.path("old.c"), "w") as f:
            f.write("unsigned unika_version_number(void) { return 1; }\n")
        lib = self.path("libunika.so.0")
        subprocess.run([CC, "-shared", "-fPIC", "-o", lib, self.path("old.c")], check=True)
        info, err = self.run_import(UNIKA_LIBRARY=lib)
        self.assertIn("%s lacks unika_version_string (too old a library?)" % lib, err)


if __name__ == "__main__":
    unittest.main()
