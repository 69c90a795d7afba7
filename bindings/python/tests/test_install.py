"""Installing: `cmake --install` of the library and the package into a
throwaway prefix, then `pip install --no-build-isolation` of a clean copy of
the repository into a throwaway virtual environment, offline; each installed
package imported from a clean environment and made to compute.

Needs the build directory ($UNIKA_BINARY_DIR, set by CTest) and an interpreter
with setuptools, wheel, pip and venv ($UNIKA_VENV_PYTHON, which CMake picks:
Debian's /usr/bin/python3 with python3-setuptools, python3-wheel, python3-pip
and python3-venv, installed by scripts/setup-debian.sh).
"""
import ctypes.util
import json
import os
import shutil
import subprocess
import unittest

from support import SOURCE_DIR, TEST_KEY, TempDirCase, unika

BINARY_DIR = os.environ.get("UNIKA_BINARY_DIR")
CMAKE = os.environ.get("UNIKA_CMAKE") or shutil.which("cmake")
VENV_PYTHON = os.environ.get("UNIKA_VENV_PYTHON")
PY_DIR = os.environ.get("UNIKA_PYTHON_INSTALL_DIR")

# What each installed package computes: a sketch of three people, two of them
# written twice, and the pseudonym of one record (compared with this process).
PROBE = """
import json, unika
k = unika.Key.from_bytes(bytes(range(32)))
r = unika.Recipe("strict")
s = unika.Sketch(12, k, r)
s.add_columns(k, r, {"name": ["Zahra Ahmadi", "AHMADI, Zahra", "Hosein Amiri", "Nasir Haidari",
                              "Haidari Nasir"],
                     "birth_year": [2001, 2001, 2005, 1997, 1997],
                     "gender": ["f", "F", "m", "pojke", "m"]})
p = unika.pseudonymize(k, r, {"name": "Hosein Amiri", "birth_year": "2005", "gender": "m"})
print(json.dumps({"count": len(s), "exact": s.estimate().exact, "pseudonym": p.hex(),
                  "found_by": unika.library().found_by, "path": unika.library().path,
                  "module": unika.__file__}))
"""


def clean_env(**extra):
    env = {k: v for k, v in os.environ.items()
           if not k.startswith(("UNIKA_", "PKG_CONFIG", "PYTHON", "VIRTUAL_ENV"))}
    env.update(extra)
    return env


def copy_repository(dst):
    """The files a clone would have (tracked, and new files not ignored), as
    they are in the working tree; no build directory, nothing ignored. Outside
    a git work tree (an unpacked release), the tree less build output."""
    try:
        files = subprocess.run(["git", "-C", SOURCE_DIR, "ls-files", "-z", "--cached",
                                "--others", "--exclude-standard"], check=True,
                               capture_output=True).stdout
    except (OSError, subprocess.CalledProcessError):
        shutil.copytree(SOURCE_DIR, dst, ignore=shutil.ignore_patterns(
            ".git", "build*", "out", "__pycache__", "*.egg-info"))
        return
    for rel in filter(None, files.decode().split("\0")):
        src = os.path.join(SOURCE_DIR, rel)
        if os.path.isfile(src):  # a tracked file deleted in the working tree is gone
            os.makedirs(os.path.dirname(os.path.join(dst, rel)), exist_ok=True)
            shutil.copy2(src, os.path.join(dst, rel))


@unittest.skipUnless(BINARY_DIR and CMAKE, "run by CTest: needs $UNIKA_BINARY_DIR")
class Install(TempDirCase):
    def setUp(self):
        super().setUp()
        self.prefix = self.path("prefix")
        subprocess.run([CMAKE, "--install", BINARY_DIR, "--prefix", self.prefix], check=True,
                       capture_output=True)
        found = [os.path.join(d, f) for d, _, fs in os.walk(self.prefix) for f in fs
                 if f == "unika.pc"]
        self.assertEqual(len(found), 1, "cmake --install wrote no unika.pc")
        self.pc_dir = os.path.dirname(found[0])
        self.libdir = os.path.dirname(self.pc_dir)
        self.want = unika.pseudonymize(unika.Key.from_bytes(TEST_KEY), unika.Recipe("strict"),
                                       {"name": "Hosein Amiri", "birth_year": "2005",
                                        "gender": "m"}).hex()

    def probe(self, python, **env):
        r = subprocess.run([python, "-c", PROBE], cwd=self.dir, env=clean_env(**env),
                           capture_output=True, text=True)
        self.assertEqual(r.returncode, 0, r.stderr)
        out = json.loads(r.stdout)
        self.assertEqual((out["count"], out["exact"], out["pseudonym"]), (3, True, self.want))
        return out

    @unittest.skipUnless(os.environ.get("UNIKA_INSTALL_PYTHON") == "ON",
                         "the build does not install the package (UNIKA_INSTALL_PYTHON=OFF)")
    def test_cmake_install_puts_a_package_that_finds_its_library(self):
        site = os.path.join(self.prefix, PY_DIR)
        out = self.probe(VENV_PYTHON or "python3", PYTHONPATH=site)
        self.assertEqual(out["found_by"], "install prefix")
        self.assertEqual(os.path.dirname(out["path"]), self.libdir)
        self.assertTrue(out["module"].startswith(site))
        self.assertTrue(os.path.isfile(os.path.join(site, "unika", "py.typed")))

    @unittest.skipUnless(VENV_PYTHON, "no interpreter with setuptools, wheel, pip and venv "
                         "(scripts/setup-debian.sh installs Debian's)")
    def test_pip_install_of_a_clean_copy_into_a_venv(self):
        repo = self.path("repo")
        copy_repository(repo)
        venv = self.path("venv")
        # --system-site-packages: setuptools and wheel from the system, offline.
        subprocess.run([VENV_PYTHON, "-m", "venv", "--system-site-packages", "--without-pip",
                        venv], check=True, capture_output=True)
        python = os.path.join(venv, "bin", "python")
        r = subprocess.run([python, "-m", "pip", "install", "--no-build-isolation", "--no-index",
                            "--no-cache-dir", os.path.join(repo, "bindings", "python")],
                           env=clean_env(PKG_CONFIG_PATH=self.pc_dir), capture_output=True,
                           text=True)
        self.assertEqual(r.returncode, 0, r.stdout + r.stderr)
        out = self.probe(python)
        self.assertEqual((out["found_by"], os.path.dirname(out["path"])),
                         ("install prefix", os.path.normpath(self.libdir)))
        self.assertTrue(out["module"].startswith(venv), out["module"])
        version = subprocess.run([python, "-m", "pip", "show", "unika"], cwd=self.dir,
                                 env=clean_env(),
                                 capture_output=True, text=True).stdout
        self.assertIn("Version: %s" % unika.version(), version)
        # The library moved: the recorded place is gone, pkg-config finds the new one.
        moved = self.path("moved")
        shutil.move(self.prefix, moved)
        pc_dir = self.pc_dir.replace(self.prefix, moved, 1)
        out = self.probe(python, PKG_CONFIG_PATH=pc_dir)
        self.assertEqual(out["found_by"], "pkg-config")
        if not ctypes.util.find_library("unika"):  # else the system loader finds one
            r = subprocess.run([python, "-c", "import unika; print(unika.library())"],
                               cwd=self.dir, env=clean_env(PKG_CONFIG_LIBDIR=self.path()),
                               capture_output=True, text=True)
            self.assertNotEqual(r.returncode, 0, r.stdout)
            self.assertIn("install prefix: %s: no libunika.so there"
                          % os.path.normpath(self.libdir), r.stderr)


if __name__ == "__main__":
    unittest.main()
