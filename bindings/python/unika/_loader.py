"""Finding and loading libunika: the lookup order of docs/bindings.md, in one place.

First hit wins:

1. ``$UNIKA_LIBRARY``: a path to libunika.so, used as given (nothing else is
   tried, so an explicit choice is never second-guessed);
2. ``$UNIKA_BUILD_DIR``: a build directory holding libunika.so;
3. the library directory recorded when the package was installed (``_install.py``,
   written by ``pip install`` from pkg-config, or by ``cmake --install``);
4. in a source checkout (the package at ``bindings/python/unika``): the
   repository's ``build/`` (the tests' build) and ``out/build/`` (the main job's);
5. ``pkg-config --variable=libdir unika``;
6. the system loader (``ctypes.util.find_library``, then ``libunika.so.<major>``).

A library of another major version is passed over (and named in the error).
When nothing loads, the ImportError lists every place looked and why each
failed.
"""
from __future__ import annotations

import ctypes
import ctypes.util
import os
import shutil
import subprocess
from typing import Iterator, List, NamedTuple, Optional, Tuple

EXPECTED_MAJOR = 0  # the library's major version this binding was written for

_SONAME = "libunika.so.%d" % EXPECTED_MAJOR
_HERE = os.path.dirname(os.path.abspath(__file__))


class LibraryInfo(NamedTuple):
    """Which libunika the package loaded: its path, how it was found (one of
    "UNIKA_LIBRARY", "UNIKA_BUILD_DIR", "install prefix", "source checkout",
    "pkg-config", "system loader") and its "MAJOR.MINOR.PATCH"."""

    path: str
    found_by: str
    version: str


def _in_dir(directory: str) -> List[str]:
    """The shared libraries of this major version in a directory, best first."""
    names = [_SONAME, "libunika.so"]
    return [os.path.join(directory, n) for n in names
            if os.path.exists(os.path.join(directory, n))]


def _recorded_libdir() -> Optional[str]:
    try:
        from . import _install  # type: ignore[attr-defined]  # written at install time
    except ImportError:
        return None
    return getattr(_install, "LIBDIR", None)


def _source_root() -> Optional[str]:
    """The repository root when the package runs from bindings/python/unika."""
    root = os.path.normpath(os.path.join(_HERE, "..", "..", ".."))
    if os.path.isfile(os.path.join(root, "include", "unika.h")) and \
            os.path.isfile(os.path.join(root, "bindings", "python", "unika", "__init__.py")):
        return root
    return None


def _pkg_config_libdir() -> Tuple[Optional[str], str]:
    exe = shutil.which("pkg-config")
    if not exe:
        return None, "pkg-config is not installed"
    try:
        r = subprocess.run([exe, "--variable=libdir", "unika"], capture_output=True,
                           text=True, timeout=30)
    except (OSError, subprocess.SubprocessError) as exc:
        return None, "pkg-config failed (%s)" % exc
    if r.returncode != 0 or not r.stdout.strip():
        return None, "pkg-config knows no unika.pc (PKG_CONFIG_PATH=%s)" % (
            os.environ.get("PKG_CONFIG_PATH", ""))
    return r.stdout.strip(), ""


def _places() -> Iterator[Tuple[str, str, List[str], str]]:
    """(how, where, candidate paths, why there are none) in lookup order; lazy,
    so pkg-config and the loader's cache are asked only when reached."""
    build = os.environ.get("UNIKA_BUILD_DIR")
    if build:
        yield "UNIKA_BUILD_DIR", build, _in_dir(build), "no libunika.so there"
    libdir = _recorded_libdir()
    if libdir:
        yield "install prefix", libdir, _in_dir(libdir), "no libunika.so there"
    else:
        yield ("install prefix", "none recorded (not installed by pip or cmake --install)",
               [], "")
    root = _source_root()
    if root:
        for sub in ("build", os.path.join("out", "build")):
            d = os.path.join(root, sub)
            yield "source checkout", d, _in_dir(d), "no libunika.so there"
    pc, why = _pkg_config_libdir()
    yield ("pkg-config", pc or "pkg-config unika", _in_dir(pc) if pc else [],
           why or "no libunika.so there")
    system = ctypes.util.find_library("unika")
    yield "system loader", "ld.so search path", [system] if system else [_SONAME], ""


def _open(path: str) -> Tuple[Optional[ctypes.CDLL], str]:
    """The library at path if it is a libunika of the expected major version."""
    try:
        lib = ctypes.CDLL(path)
    except OSError as exc:
        return None, str(exc)
    try:
        fn = lib.unika_version_number
    except AttributeError:
        return None, "not libunika (no unika_version_number)"
    fn.restype, fn.argtypes = ctypes.c_uint, []
    major = fn() // 10000
    if major != EXPECTED_MAJOR:
        return None, "major version %d, this binding needs %d" % (major, EXPECTED_MAJOR)
    return lib, ""


def load() -> Tuple[ctypes.CDLL, str]:
    """The library and how it was found; ImportError naming every place looked."""
    explicit = os.environ.get("UNIKA_LIBRARY")
    if explicit:
        lib, why = _open(explicit)
        if lib is None:
            raise ImportError("unika: cannot load libunika from $UNIKA_LIBRARY=%s: %s "
                              "(set UNIKA_LIBRARY to the path of libunika.so, or unset it "
                              "to search)" % (explicit, why))
        return lib, "UNIKA_LIBRARY"
    looked = ["$UNIKA_LIBRARY: not set"]
    for how, where, paths, none_why in _places():
        if not paths:
            looked.append("%s: %s%s" % (how, where, ": " + none_why if none_why else ""))
        for path in paths:
            lib, why = _open(path)
            if lib is not None:
                return lib, how
            looked.append("%s: %s: %s" % (how, path, why))
    raise ImportError("unika: cannot find libunika (the C library this package binds). "
                      "Looked, in order:\n  - " + "\n  - ".join(looked) +
                      "\nInstall libunika (cmake --install), or set UNIKA_LIBRARY to the "
                      "path of libunika.so.")
