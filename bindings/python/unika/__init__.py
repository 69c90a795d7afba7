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
from ._capi import (DIGEST_BYTES, FINGERPRINT_BYTES, KEY_BYTES, MATCHKEY_BYTES,
                    PSEUDONYM_BYTES, UnikaError, version)
from ._capi import FOUND_BY as _FOUND_BY, LIBRARY_PATH as _LIBRARY_PATH
from ._keys import Key, Recipe
from ._normalize import (Date, Personnummer, digits, dossier, gender, normalize_name,
                         parse_date, personnummer)
from ._records import (COLUMNS, BatchResult, pseudonymize, pseudonymize_batch,
                       pseudonymize_columns, pseudonymize_fields)
from ._matchkeys import MATCHKEY_TYPES, MatchKeys, matchkey_hash, matchkeys, matchkeys_derive
from ._sketch import AddResult, Estimate, Sketch, union
from ._report import Figure, Overlap, Report, Table, read_report

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
    "read_report", "Report", "Table", "Figure", "Overlap",
]

__version__ = version()

# What the names that cannot carry a docstring hold (docs/bindings.md's
# reference is generated from these and from the docstrings).
_CONSTANT_DOCS = {
    "EXPECTED_MAJOR": "The library major version this binding is written for (0): the ABI "
                      "and the file formats change only with it.",
    "FINGERPRINT_BYTES": "Bytes of a key or recipe fingerprint (16), from the library.",
    "PSEUDONYM_BYTES": "Bytes of a pseudonym (32), from the library.",
    "KEY_BYTES": "Bytes of a partnership key (32), from the library.",
    "DIGEST_BYTES": "Bytes of a provenance digest, BLAKE2b-256 (32), from the library.",
    "MATCHKEY_BYTES": "Bytes of a match key (16), from the library.",
    "COLUMNS": "The names a record may hold: the library's columns (unika_column_name()) "
               "in order, then birth_date_format, visit_date_format and reference.",
    "MATCHKEY_TYPES": "Match-key type number -> name, as the library names them "
                      "(unika_matchkey_type_name()).",
}


def library() -> LibraryInfo:
    """Which libunika this process loaded: LibraryInfo(path, found_by, version)."""
    return LibraryInfo(_LIBRARY_PATH, _FOUND_BY, version())
