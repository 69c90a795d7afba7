"""unika - count unique people across organisations without sharing who they are.

A ctypes binding of libunika (standard library only, no compiler). Each
partner derives keyed pseudonyms from normalised identifying fields, adds
them to mergeable sketches and shares only the sketches:

    import unika
    key = unika.Key.load("partnership.key")
    recipe = unika.Recipe("strict")
    s = unika.Sketch(12, key, recipe)
    s.add_columns(key, recipe, {"name": names, "birth_date": dobs, "gender": genders})
    total = s | unika.Sketch.load("other_partner.uks")
    print(len(total), total.estimate().interval)

The library is found through $UNIKA_LIBRARY, $UNIKA_BUILD_DIR, the prefix
recorded at install, a source checkout's build directories, pkg-config, then
the system loader (unika.library() says which); docs/bindings.md describes
the binding and holds its reference.

Identifiers are personal data: exceptions carry the library's messages, which
name the field and position but never the value. Python strings cannot be
wiped, so a key given to Key.from_bytes() stays in the caller's memory.
"""
from ._loader import EXPECTED_MAJOR, LibraryInfo
from ._capi import (DIGEST_BYTES, FINGERPRINT_BYTES, FOUND_BY, KEY_BYTES, LIBRARY_PATH,
                    MATCHKEY_BYTES, PSEUDONYM_BYTES, UnikaError, version)
from ._keys import Key, Recipe
from ._normalize import (Date, Personnummer, digits, dossier, gender, normalize_name,
                         parse_date, personnummer)
from ._records import (COLUMNS, BatchResult, pseudonymize, pseudonymize_batch,
                       pseudonymize_columns, pseudonymize_fields)
from ._matchkeys import MATCHKEY_TYPES, MatchKeys, matchkey_hash, matchkeys, matchkeys_derive
from ._sketch import AddResult, Estimate, Sketch, union
from ._report import Figure, Overlap, Report, ReportInput, Table, read_report

__all__ = [
    # the library
    "version", "library", "LibraryInfo", "UnikaError", "EXPECTED_MAJOR",
    "FINGERPRINT_BYTES", "PSEUDONYM_BYTES", "KEY_BYTES", "DIGEST_BYTES", "MATCHKEY_BYTES",
    # keys and recipes
    "Key", "Recipe",
    # pseudonyms
    "COLUMNS", "pseudonymize", "pseudonymize_fields", "pseudonymize_batch",
    "pseudonymize_columns", "BatchResult",
    # sketches
    "Sketch", "union", "Estimate", "AddResult",
    # match keys
    "matchkeys", "matchkeys_derive", "matchkey_hash", "MatchKeys", "MATCHKEY_TYPES",
    # normalisers
    "normalize_name", "parse_date", "personnummer", "dossier", "digits", "gender", "Date",
    "Personnummer",
    # reports
    "read_report", "Report", "Table", "Figure", "Overlap", "ReportInput",
]

__version__ = version()


def library() -> LibraryInfo:
    """Which libunika this process loaded: LibraryInfo(path, found_by, version)."""
    return LibraryInfo(LIBRARY_PATH, FOUND_BY, version())
