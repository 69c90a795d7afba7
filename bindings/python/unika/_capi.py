"""The C side: the loaded library, the C structs, every function's signature,
the sizes read from the library, and the one exception class.

Every function the binding calls is declared in _SIGNATURES, so a call never
runs with a guessed signature and a missing symbol fails the import.
"""
from __future__ import annotations

import ctypes
from ctypes import (POINTER, Structure, byref, c_char, c_char_p, c_double, c_int, c_size_t,
                    c_uint, c_uint64, c_void_p)
from typing import Any, Optional, Union

from . import _loader

_lib, FOUND_BY = _loader.load()


class _Error(Structure):
    # UNIKA_ERROR_MESSAGE_BYTES and UNIKA_ERROR_FIELD_BYTES (error.h) have no
    # function twins; the struct is part of the ABI, pinned for the major version.
    _fields_ = [("code", c_int), ("message", c_char * 256), ("field", c_char * 32),
                ("line", c_uint64), ("column", c_uint64), ("position", c_uint64)]


class _Date(Structure):
    _fields_ = [("year", c_int), ("month", c_int), ("day", c_int)]


# unika_column, in order (unika_column_name() checks it at import).
REC_COLUMNS = ("visit_date", "name", "given_name", "surname", "birth_date", "birth_year",
               "gender", "country", "personnummer", "dossier", "digits", "id_auto")


class _Record(Structure):
    _fields_ = [("cell", c_char_p * len(REC_COLUMNS)), ("size", c_size_t * len(REC_COLUMNS)),
                ("birth_date_format", c_char_p), ("visit_date_format", c_char_p),
                ("reference", _Date), ("gender_codes", c_void_p), ("n_gender_codes", c_size_t)]


class _Estimate(Structure):
    _fields_ = [("estimate", c_double), ("std_error", c_double), ("ci_low", c_double),
                ("ci_high", c_double), ("exact", c_int)]


class _MatchKeys(Structure):
    # unika_matchkeys (matchkey.h); its size is checked against unika_matchkeys_size().
    _fields_ = [("key_fp", ctypes.c_uint8 * 16), ("gender", c_int), ("flags", c_uint),
                ("count", c_size_t), ("keys", (ctypes.c_uint8 * 18) * 512)]


class _MatchKeyInput(Structure):
    # unika_matchkey_input (matchkey.h): already-normalised values.
    _fields_ = [("name", c_char_p), ("name_size", c_size_t), ("personnummer", c_char_p),
                ("dossier", c_char_p), ("country", c_char_p), ("country_size", c_size_t),
                ("birth", _Date), ("gender", c_int)]


_u8p = POINTER(ctypes.c_uint8)
_E = POINTER(_Error)
_PP = POINTER(c_void_p)

# name: (restype, argtypes). Every function the binding calls is declared here.
_SIGNATURES = {
    "unika_version_number": (c_uint, []),
    "unika_version_string": (c_char_p, []),
    "unika_init": (c_int, []),
    "unika_err_name": (c_char_p, [c_int]),
    "unika_strerror": (c_char_p, [c_int]),
    "unika_fingerprint_bytes": (c_size_t, []),
    "unika_pseudonym_bytes": (c_size_t, []),
    "unika_key_bytes": (c_size_t, []),
    "unika_name_max_bytes": (c_size_t, []),
    "unika_personnummer_bytes": (c_size_t, []),
    "unika_dossier_bytes": (c_size_t, []),
    "unika_digits_max_bytes": (c_size_t, []),
    "unika_record_column_count": (c_size_t, []),
    "unika_column_name": (c_char_p, [c_int]),
    "unika_sketch_p_default": (c_uint, []),
    "unika_sketch_p_min": (c_uint, []),
    "unika_sketch_p_max": (c_uint, []),
    "unika_digest_bytes": (c_size_t, []),
    # keys and recipes
    "unika_key_generate": (c_int, [_PP, _E]),
    "unika_key_from_bytes": (c_int, [_PP, c_char_p, _E]),
    "unika_key_derive": (c_int, [_PP, c_char_p, c_size_t, c_char_p, c_size_t, _E]),
    "unika_key_save": (c_int, [c_void_p, c_char_p, c_uint, _E]),
    "unika_key_load": (c_int, [_PP, c_char_p, c_uint, _E]),
    "unika_key_free": (None, [c_void_p]),
    "unika_key_fingerprint": (c_int, [c_char_p, c_void_p]),
    "unika_key_equal": (c_int, [c_void_p, c_void_p]),
    "unika_recipe_parse": (c_int, [_PP, c_char_p, c_size_t, _E]),
    "unika_recipe_default_name": (c_char_p, []),
    "unika_recipe_free": (None, [c_void_p]),
    "unika_recipe_name": (c_char_p, [c_void_p]),
    "unika_recipe_canonical": (c_char_p, [c_void_p]),
    "unika_recipe_fingerprint": (c_int, [c_char_p, c_void_p]),
    "unika_recipe_field_count": (c_size_t, [c_void_p]),
    "unika_recipe_field_at": (c_int, [c_void_p, c_size_t]),
    "unika_field_name": (c_char_p, [c_int]),
    # pseudonyms (records are passed as addresses: the packers lay them out)
    "unika_pseudonym_from_fields": (c_int, [c_char_p, c_void_p, c_void_p, POINTER(c_char_p),
                                            POINTER(c_size_t), c_size_t, _E]),
    "unika_pseudonym_from_record": (c_int, [c_char_p, c_void_p, c_void_p, c_void_p, _E]),
    "unika_pseudonym_batch": (c_int, [c_void_p, c_void_p, POINTER(c_size_t), c_void_p,
                                      c_void_p, c_void_p, c_size_t, _E]),
    # normalisers
    "unika_normalize_name": (c_int, [c_char_p, c_size_t, POINTER(c_size_t), c_char_p,
                                     c_size_t, _E]),
    "unika_date_parse": (c_int, [POINTER(_Date), c_char_p, c_size_t, c_char_p, _E]),
    "unika_personnummer_normalize": (c_int, [c_char_p, POINTER(c_int), c_char_p, c_size_t,
                                             POINTER(_Date), _E]),
    "unika_dossier_normalize": (c_int, [c_char_p, c_char_p, c_size_t, _E]),
    "unika_digits_normalize": (c_int, [c_char_p, c_size_t, POINTER(c_size_t), c_char_p,
                                       c_size_t, _E]),
    "unika_gender_parse": (c_int, [POINTER(c_int), c_char_p, c_size_t, _E]),
    "unika_gender_code": (c_char_p, [c_int]),
    "unika_gender_fold": (c_int, [c_int]),
    # match keys
    "unika_matchkey_bytes": (c_size_t, []),
    "unika_matchkeys_max": (c_size_t, []),
    "unika_matchkeys_size": (c_size_t, []),
    "unika_matchkey_type_name": (c_char_p, [c_uint]),
    "unika_matchkey_type_domain": (c_uint, [c_uint]),
    "unika_matchkey_hash": (c_int, [c_char_p, c_void_p, c_uint, c_char_p, c_size_t, _E]),
    "unika_matchkeys_derive": (c_int, [POINTER(_MatchKeys), c_void_p,
                                       POINTER(_MatchKeyInput), _E]),
    "unika_matchkeys_from_record": (c_int, [POINTER(_MatchKeys), c_void_p, c_void_p, _E]),
    # (linkage: the resolver's functions are declared here when they land in
    # the library; see the end of _matchkeys.py.)
    # sketches
    "unika_sketch_new": (c_int, [_PP, c_uint, c_char_p, c_char_p, _E]),
    "unika_sketch_free": (None, [c_void_p]),
    "unika_sketch_add": (c_int, [c_void_p, c_void_p, c_char_p, _E]),
    "unika_sketch_add_batch": (c_int, [c_void_p, c_void_p, c_void_p, c_size_t, _E]),
    "unika_sketch_merge": (c_int, [c_void_p, c_void_p, _E]),
    "unika_sketch_copy": (c_int, [_PP, c_void_p, _E]),
    "unika_sketch_equal": (c_int, [c_void_p, c_void_p]),
    "unika_sketch_precision": (c_uint, [c_void_p]),
    "unika_sketch_is_sparse": (c_int, [c_void_p]),
    "unika_sketch_token_count": (c_size_t, [c_void_p]),
    "unika_sketch_key_fingerprint": (_u8p, [c_void_p]),
    "unika_sketch_recipe_fingerprint": (_u8p, [c_void_p]),
    "unika_sketch_estimate": (c_int, [POINTER(_Estimate), c_void_p, c_int, _E]),
    "unika_sketch_intersection": (c_int, [POINTER(_Estimate), c_void_p, c_void_p, _E]),
    "unika_sketch_difference": (c_int, [POINTER(_Estimate), c_void_p, c_void_p, _E]),
    "unika_sketch_set_label": (c_int, [c_void_p, c_char_p, c_char_p, _E]),
    "unika_sketch_get_label": (c_char_p, [c_void_p, c_char_p]),
    "unika_sketch_remove_label": (c_int, [c_void_p, c_char_p, _E]),
    "unika_sketch_label_count": (c_size_t, [c_void_p]),
    "unika_sketch_label_at": (c_int, [c_void_p, c_size_t, POINTER(c_char_p),
                                      POINTER(c_char_p)]),
    "unika_sketch_source_count": (c_size_t, [c_void_p]),
    "unika_sketch_source_at": (c_int, [c_void_p, c_size_t, POINTER(_u8p), POINTER(c_char_p),
                                       POINTER(c_char_p)]),
    "unika_sketch_check_origin": (c_int, [c_void_p, c_char_p, c_char_p, _E]),
    "unika_sketch_serialized_size": (c_int, [POINTER(c_size_t), c_void_p]),
    "unika_sketch_serialize": (c_int, [c_char_p, c_size_t, POINTER(c_size_t), c_void_p, _E]),
    "unika_sketch_serialize_as": (c_int, [c_char_p, c_size_t, POINTER(c_size_t), c_void_p,
                                          c_uint, _E]),
    "unika_sketch_parse": (c_int, [_PP, c_char_p, c_size_t, _E]),
    "unika_sketch_save": (c_int, [c_void_p, c_char_p, c_uint, _E]),
    "unika_sketch_load": (c_int, [_PP, c_char_p, _E]),
}

for _name, (_res, _args) in _SIGNATURES.items():
    try:
        _fn = getattr(_lib, _name)
    except AttributeError:
        raise ImportError("unika: %s lacks %s (too old a library?)" % (_lib._name, _name))
    _fn.restype, _fn.argtypes = _res, _args
c = _lib
LIBRARY_PATH = _lib._name


def version() -> str:
    """The linked library's "MAJOR.MINOR.PATCH"."""
    return c.unika_version_string().decode()


# Sizes come from the library, never from copies of its #defines.
FINGERPRINT_BYTES = c.unika_fingerprint_bytes()
PSEUDONYM_BYTES = c.unika_pseudonym_bytes()
KEY_BYTES = c.unika_key_bytes()
DIGEST_BYTES = c.unika_digest_bytes()
NAME_MAX = c.unika_name_max_bytes()
PNR_BYTES = c.unika_personnummer_bytes()
DOSSIER_BYTES = c.unika_dossier_bytes()
DIGITS_MAX = c.unika_digits_max_bytes()
MATCHKEY_BYTES = c.unika_matchkey_bytes()
if (MATCHKEY_BYTES, c.unika_matchkeys_max(), c.unika_matchkeys_size()) != \
        (16, 512, ctypes.sizeof(_MatchKeys)):
    raise ImportError("unika: the library's unika_matchkeys differs from the binding's")
if c.unika_record_column_count() != len(REC_COLUMNS) or any(
        c.unika_column_name(i).decode() != col for i, col in enumerate(REC_COLUMNS)):
    raise ImportError("unika: the library's record columns differ from the binding's %r"
                      % (REC_COLUMNS,))


class UnikaError(Exception):
    """A failure reported by libunika.

    Attributes: ``code`` (negative UNIKA_E* number), ``name`` ("UNIKA_EDATE"),
    ``message`` (the library's sentence), ``field`` (the column or field it
    names, or ""), 1-based ``line``, ``column`` and ``position`` (0 when they do
    not apply), and ``record``: the 0-based index of the failed record in a
    batch call, else None. Never holds the offending value. Pickles, so an
    error raised in a worker process reaches the parent intact.
    """

    def __init__(self, code: int, message: Optional[str] = None, field: str = "",
                 line: int = 0, column: int = 0, position: int = 0,
                 record: Optional[int] = None) -> None:
        self.code = code
        self.name = c.unika_err_name(code).decode()
        self.message = message or c.unika_strerror(code).decode()
        self.field, self.line, self.column, self.position = field, line, column, position
        self.record = record
        super().__init__(self.message)

    def __repr__(self) -> str:
        return "UnikaError(%s, %r, field=%r, position=%d)" % (
            self.name, self.message, self.field, self.position)

    def __reduce__(self) -> Any:
        return (UnikaError, (self.code, self.message, self.field, self.line, self.column,
                             self.position, self.record))

    @classmethod
    def _from(cls, rc: int, err: _Error, record: Optional[int] = None) -> "UnikaError":
        msg = err.message.decode("utf-8", "replace") if err.code else None
        return cls(rc, msg, err.field.decode("utf-8", "replace"), err.line, err.column,
                   err.position, record)


if c.unika_init() < 0:  # 0 the first time, 1 after; UNIKA_ESODIUM on failure
    raise ImportError("unika: libsodium could not be initialised")


def call(fn: Any, *args: Any) -> int:
    """Calls fn(*args, &err); raises UnikaError on a negative return."""
    err = _Error()
    rc = fn(*args, byref(err))
    if rc < 0:
        raise UnikaError._from(rc, err)
    return rc


def new_handle(fn: Any, *args: Any) -> int:
    """The object a unika_*_new-style function makes: fn(&out, *args, &err)."""
    ptr = c_void_p()
    call(fn, byref(ptr), *args)
    return ptr.value  # type: ignore[return-value]


def to_bytes(value: Union[str, bytes], what: str = "value") -> bytes:
    """str as UTF-8, bytes unchanged (so invalid UTF-8 reaches the library's checks)."""
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError("unika: %s must be str or bytes, not %s" % (what, type(value).__name__))
