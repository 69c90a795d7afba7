"""Build hooks of the unika package (the rest is in pyproject.toml).

- The version is the library's: include/unika/common.h when building from the
  repository, else `pkg-config --modversion unika`.
- The directory of the installed libunika is recorded in unika/_install.py
  (in the build, never in the source tree): $UNIKA_LIBDIR when set, else
  `pkg-config --variable=libdir unika`. At import it is the first place looked
  after $UNIKA_LIBRARY and $UNIKA_BUILD_DIR (unika/_loader.py).
"""
import os
import re
import shutil
import subprocess

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = os.path.dirname(os.path.abspath(__file__))
HEADER = os.path.join(HERE, "..", "..", "include", "unika", "common.h")


def pkg_config(*args):
    exe = shutil.which("pkg-config")
    if not exe:
        return None
    r = subprocess.run([exe, *args, "unika"], capture_output=True, text=True)
    return (r.stdout.strip() or None) if r.returncode == 0 else None


def version():
    if os.path.isfile(HEADER):
        with open(HEADER, encoding="utf-8") as f:
            text = f.read()
        parts = [re.search(r"#define UNIKA_VERSION_%s (\d+)" % p, text)
                 for p in ("MAJOR", "MINOR", "PATCH")]
        if all(parts):
            return ".".join(m.group(1) for m in parts)
    found = pkg_config("--modversion")
    if not found:
        raise SystemExit("unika: cannot tell the version: build from the unika repository "
                         "(bindings/python), or where pkg-config finds unika.pc")
    return found


class BuildPy(build_py):
    """build_py, then unika/_install.py naming the library directory."""

    def run(self):
        super().run()
        target = os.path.join(self.build_lib, "unika", "_install.py")
        libdir = os.environ.get("UNIKA_LIBDIR") or pkg_config("--variable=libdir")
        if not libdir:
            if os.path.exists(target):
                os.remove(target)
            print("unika: no libunika found to record (set UNIKA_LIBDIR or PKG_CONFIG_PATH); "
                  "the package will look for it at import")
            return
        with open(target, "w", encoding="utf-8") as f:
            f.write('"""Written when the package was built: where libunika is installed."""\n'
                    "LIBDIR = %r\n" % os.path.abspath(libdir))
        print("unika: recorded libunika's directory %s" % libdir)


setup(version=version(), cmdclass={"build_py": BuildPy})
