"""unika - count unique people across organisations without sharing who they are.

A ctypes binding of libunika (no compiler needed). Each partner derives keyed
pseudonyms from normalised identifying fields, adds them to mergeable
sketches and shares only the sketches:

    import unika
    with unika.Key.load("partnership.key") as key, unika.Recipe("strict") as recipe:
        p = unika.pseudonymize(key, recipe, {"name": "Hosein Amiri",
                                             "birth_date": "2005-01-01", "gender": "m"})
        s = unika.Sketch.new(12, key, recipe)
        s.add(key, p)
        print(s.estimate())

Library lookup, first hit wins: $UNIKA_LIBRARY (a path to libunika.so);
libunika.so.* in $UNIKA_BUILD_DIR, else in the repository's build/ directory;
ctypes.util.find_library("unika"). docs/bindings.md describes the binding.

Identifiers are personal data: exceptions carry the library's messages, which
name the field and position but never the value. Python strings cannot be
wiped, so a key given to Key.from_bytes() stays in the caller's memory.
"""
import ctypes
import ctypes.util
import glob
import os
import struct
from collections import namedtuple
from ctypes import (POINTER, Structure, byref, c_char, c_char_p, c_double, c_int,
                    c_size_t, c_uint, c_uint64, c_void_p)

__all__ = ["UnikaError", "Key", "Recipe", "Sketch", "Estimate", "Date", "Personnummer",
           "BatchResult", "pseudonymize", "pseudonymize_fields", "pseudonymize_batch",
           "normalize_name", "parse_date", "personnummer", "dossier", "digits", "gender",
           "MatchKeys", "matchkeys", "matchkey_hash", "MATCHKEY_TYPES",
           "version", "EXPECTED_MAJOR"]

EXPECTED_MAJOR = 0  # the library's major version this binding was written for


# ---- loading -------------------------------------------------------------------------

def _candidates():
    env = os.environ.get("UNIKA_LIBRARY")
    if env:
        return [env]  # an explicit choice is never second-guessed
    here = os.path.dirname(os.path.abspath(__file__))
    build = os.environ.get("UNIKA_BUILD_DIR") or os.path.join(here, "..", "..", "..", "build")
    found = sorted(glob.glob(os.path.join(build, "libunika.so.%d*" % EXPECTED_MAJOR)))
    found += sorted(glob.glob(os.path.join(build, "libunika.so")))
    system = ctypes.util.find_library("unika")
    return found + ([system] if system else [])


def _load():
    tried = []
    for path in _candidates():
        try:
            return ctypes.CDLL(path)
        except OSError as exc:
            tried.append("%s (%s)" % (path, exc))
    raise ImportError("unika: cannot load libunika; set UNIKA_LIBRARY to its path. Tried: "
                      + ("; ".join(tried) or "nothing found"))


_lib = _load()


# ---- C types ---------------------------------------------------------------------------

class _Error(Structure):
    # UNIKA_ERROR_MESSAGE_BYTES and UNIKA_ERROR_FIELD_BYTES (error.h) have no
    # function twins; the struct is part of the ABI, pinned for the major version.
    _fields_ = [("code", c_int), ("message", c_char * 256), ("field", c_char * 32),
                ("line", c_uint64), ("column", c_uint64), ("position", c_uint64)]


class _Date(Structure):
    _fields_ = [("year", c_int), ("month", c_int), ("day", c_int)]


_REC_COLUMNS = ("visit_date", "name", "given_name", "surname", "birth_date", "birth_year",
                "gender", "country", "personnummer", "dossier", "digits",
                "id_auto")  # unika_column, in order (unika_column_name() checks it)


class _Record(Structure):
    _fields_ = [("cell", c_char_p * len(_REC_COLUMNS)), ("size", c_size_t * len(_REC_COLUMNS)),
                ("birth_date_format", c_char_p), ("visit_date_format", c_char_p),
                ("reference", _Date), ("gender_codes", c_void_p), ("n_gender_codes", c_size_t)]


class _Estimate(Structure):
    _fields_ = [("estimate", c_double), ("std_error", c_double), ("ci_low", c_double),
                ("ci_high", c_double), ("exact", c_int)]


class _MatchKeys(Structure):
    # unika_matchkeys (matchkey.h); its size is checked against unika_matchkeys_size().
    _fields_ = [("key_fp", ctypes.c_uint8 * 16), ("gender", c_int), ("flags", c_uint),
                ("count", c_size_t), ("keys", (ctypes.c_uint8 * 17) * 512)]


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
    "unika_digest_bytes": (c_size_t, []),
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
    "unika_pseudonym_from_fields": (c_int, [c_char_p, c_void_p, c_void_p, POINTER(c_char_p),
                                            POINTER(c_size_t), c_size_t, _E]),
    "unika_pseudonym_from_record": (c_int, [c_char_p, c_void_p, c_void_p,
                                            POINTER(_Record), _E]),
    "unika_pseudonym_batch": (c_int, [c_char_p, POINTER(c_int), POINTER(c_size_t), c_void_p,
                                      c_void_p, POINTER(_Record), c_size_t, _E]),
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
    "unika_matchkey_bytes": (c_size_t, []),
    "unika_matchkeys_max": (c_size_t, []),
    "unika_matchkeys_size": (c_size_t, []),
    "unika_matchkey_type_name": (c_char_p, [c_uint]),
    "unika_matchkey_type_domain": (c_uint, [c_uint]),
    "unika_matchkey_hash": (c_int, [c_char_p, c_void_p, c_uint, c_char_p, c_size_t, _E]),
    "unika_matchkeys_from_record": (c_int, [POINTER(_MatchKeys), c_void_p, POINTER(_Record),
                                            _E]),
    "unika_sketch_new": (c_int, [_PP, c_uint, c_char_p, c_char_p, _E]),
    "unika_sketch_free": (None, [c_void_p]),
    "unika_sketch_add": (c_int, [c_void_p, c_void_p, c_char_p, _E]),
    "unika_sketch_add_batch": (c_int, [c_void_p, c_void_p, c_char_p, c_size_t, _E]),
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
    "unika_sketch_serialize": (c_int, [c_char_p, c_size_t, POINTER(c_size_t), c_void_p, _E]),
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
_c = _lib


def version():
    """The linked library's "MAJOR.MINOR.PATCH"."""
    return _c.unika_version_string().decode()


if _c.unika_version_number() // 10000 != EXPECTED_MAJOR:
    raise ImportError("unika: binding expects library major version %d, found %s"
                      % (EXPECTED_MAJOR, version()))

# Sizes come from the library, never from copies of its #defines.
FINGERPRINT_BYTES = _c.unika_fingerprint_bytes()
PSEUDONYM_BYTES = _c.unika_pseudonym_bytes()
KEY_BYTES = _c.unika_key_bytes()
DIGEST_BYTES = _c.unika_digest_bytes()
_NAME_MAX = _c.unika_name_max_bytes()
_PNR_BYTES = _c.unika_personnummer_bytes()
_DOSSIER_BYTES = _c.unika_dossier_bytes()
_DIGITS_MAX = _c.unika_digits_max_bytes()
MATCHKEY_BYTES = _c.unika_matchkey_bytes()
if (MATCHKEY_BYTES, _c.unika_matchkeys_max(), _c.unika_matchkeys_size()) != \
        (16, 512, ctypes.sizeof(_MatchKeys)):
    raise ImportError("unika: the library's unika_matchkeys differs from the binding's")
MATCHKEY_TYPES = {}
for _t in range(1, 256):
    _n = _c.unika_matchkey_type_name(_t)
    if _n is None:
        break
    MATCHKEY_TYPES[_t] = _n.decode()
if _c.unika_record_column_count() != len(_REC_COLUMNS) or any(
        _c.unika_column_name(i).decode() != c for i, c in enumerate(_REC_COLUMNS)):
    raise ImportError("unika: the library's record columns differ from the binding's %r"
                      % (_REC_COLUMNS,))


# ---- errors ----------------------------------------------------------------------------

class UnikaError(Exception):
    """A failure reported by libunika: code (negative UNIKA_E*), name ("UNIKA_EDATE"),
    message (the library's sentence), field, and 1-based line, column and position
    (0 when they do not apply). Never holds the offending value."""

    def __init__(self, code, message=None, field="", line=0, column=0, position=0):
        self.code = code
        self.name = _c.unika_err_name(code).decode()
        self.message = message or _c.unika_strerror(code).decode()
        self.field, self.line, self.column, self.position = field, line, column, position
        super().__init__(self.message)

    def __repr__(self):
        return "UnikaError(%s, %r, field=%r, position=%d)" % (
            self.name, self.message, self.field, self.position)

    @classmethod
    def _from(cls, rc, err):
        msg = err.message.decode("utf-8", "replace") if err.code else None
        return cls(rc, msg, err.field.decode("utf-8", "replace"), err.line, err.column,
                   err.position)


if _c.unika_init() < 0:  # 0 the first time, 1 after; UNIKA_ESODIUM on failure
    raise ImportError("unika: libsodium could not be initialised")


def _call(fn, *args):
    """Calls fn(*args, &err); raises UnikaError on a negative return."""
    err = _Error()
    rc = fn(*args, byref(err))
    if rc < 0:
        raise UnikaError._from(rc, err)
    return rc


def _b(value, what="value"):
    if isinstance(value, bytes):
        return value
    if isinstance(value, str):
        return value.encode("utf-8")
    raise TypeError("unika: %s must be str or bytes, not %s" % (what, type(value).__name__))


def _fp(obj):
    """A fingerprint from a Key, a Recipe, 16 bytes or 32 hex digits."""
    if isinstance(obj, (Key, Recipe)):
        return obj.fingerprint
    if isinstance(obj, str):
        obj = bytes.fromhex(obj)
    if not isinstance(obj, bytes) or len(obj) != FINGERPRINT_BYTES:
        raise ValueError("unika: a fingerprint is %d bytes or %d hex digits"
                         % (FINGERPRINT_BYTES, 2 * FINGERPRINT_BYTES))
    return obj


class _Handle:
    """Owns one C object; freed by close(), the with-statement or the collector."""
    _free = None

    def __init__(self, ptr):
        self._ptr = ptr

    @property
    def _h(self):
        if not self._ptr:
            raise ValueError("unika: %s is closed" % type(self).__name__)
        return self._ptr

    def close(self):
        ptr, self._ptr = getattr(self, "_ptr", None), None
        if ptr:
            type(self)._free(ptr)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        self.close()


def _new(fn, *args):
    ptr = c_void_p()
    _call(fn, byref(ptr), *args)
    return ptr.value


# ---- keys and recipes ------------------------------------------------------------------

class Key(_Handle):
    """The partnership key. Its bytes stay in libsodium's guarded memory; only the
    fingerprint may be shown or shared."""
    _free = _c.unika_key_free

    @classmethod
    def generate(cls):
        return cls(_new(_c.unika_key_generate))

    @classmethod
    def from_bytes(cls, raw):
        if not isinstance(raw, bytes) or len(raw) != KEY_BYTES:
            raise ValueError("unika: a key is %d bytes" % KEY_BYTES)
        return cls(_new(_c.unika_key_from_bytes, raw))

    @classmethod
    def derive(cls, passphrase, salt):
        """Argon2id of a shared passphrase and a public partnership salt (~1 s, 256 MiB)."""
        p, s = _b(passphrase, "passphrase"), _b(salt, "salt")
        return cls(_new(_c.unika_key_derive, p, len(p), s, len(s)))

    @classmethod
    def load(cls, path, allow_open_permissions=False):
        return cls(_new(_c.unika_key_load, os.fsencode(path), 2 if allow_open_permissions else 0))

    def save(self, path, overwrite=False):
        """Writes the key file (mode 0600, atomically); refuses an existing path
        unless overwrite."""
        _call(_c.unika_key_save, self._h, os.fsencode(path), 1 if overwrite else 0)

    @property
    def fingerprint(self):
        buf = ctypes.create_string_buffer(FINGERPRINT_BYTES)
        _c.unika_key_fingerprint(buf, self._h)
        return buf.raw

    @property
    def fingerprint_hex(self):
        return self.fingerprint.hex()

    def __eq__(self, other):
        return isinstance(other, Key) and _c.unika_key_equal(self._h, other._h) == 1

    __hash__ = None

    def __repr__(self):
        return "<unika.Key %s>" % (self.fingerprint_hex if self._ptr else "closed")


class Recipe(_Handle):
    """Which normalised fields make up an identity: a name ("strict"), fields joined
    by '+' ("name+birth_year+gender"), the canonical text, or a sequence of field
    names. None: the library's default recipe."""
    _free = _c.unika_recipe_free

    def __init__(self, name_or_fields=None):
        if name_or_fields is None:
            name_or_fields = _c.unika_recipe_default_name()
        elif not isinstance(name_or_fields, (str, bytes)):
            name_or_fields = "+".join(name_or_fields)
        text = _b(name_or_fields, "recipe")
        super().__init__(_new(_c.unika_recipe_parse, text, len(text)))

    @property
    def name(self):
        return _c.unika_recipe_name(self._h).decode()

    @property
    def canonical(self):
        return _c.unika_recipe_canonical(self._h).decode()

    @property
    def fields(self):
        h = self._h
        return tuple(_c.unika_field_name(_c.unika_recipe_field_at(h, i)).decode()
                     for i in range(_c.unika_recipe_field_count(h)))

    @property
    def fingerprint(self):
        buf = ctypes.create_string_buffer(FINGERPRINT_BYTES)
        _c.unika_recipe_fingerprint(buf, self._h)
        return buf.raw

    @property
    def fingerprint_hex(self):
        return self.fingerprint.hex()

    def __eq__(self, other):
        return isinstance(other, Recipe) and self.canonical == other.canonical

    __hash__ = None

    def __repr__(self):
        return "<unika.Recipe %s>" % (self.canonical if self._ptr else "closed")


# ---- pseudonyms ------------------------------------------------------------------------

# Records are packed with struct in the C layout, each value a pointer into one
# bytes object: filling ctypes Structures field by field cost more than the C call.
_NCOL = len(_REC_COLUMNS)
_SLOT = dict({c: i for i, c in enumerate(_REC_COLUMNS)},
             birth_date_format=_NCOL, visit_date_format=_NCOL + 1)
_REC_FMT = "@%dP%dNPP3iPN" % (_NCOL, _NCOL)
_REC_FMT += "%dx" % (ctypes.sizeof(_Record) - struct.calcsize(_REC_FMT))
if struct.calcsize(_REC_FMT) != ctypes.sizeof(_Record) or \
        _Record.reference.offset != struct.calcsize(_REC_FMT.split("3i")[0]):
    raise ImportError("unika: cannot lay out unika_record on this platform")
_pack_record = struct.Struct(_REC_FMT).pack


def _records(recs):
    """C records (unika_record[]) for dicts of column -> str/bytes (None: no such
    column). Returns (array, blob): blob holds the values and must outlive the call."""
    parts, rows, at, slot = [], [], 0, _SLOT.get
    append = parts.append
    for rec in recs:
        cells, ref = [], (0, 0, 0)
        for col, v in rec.items():
            i = slot(col)
            if i is None and col != "reference":
                raise KeyError("unika: unknown record column %r" % col)
            if v is None:
                continue
            if i is None:
                ref = tuple(parse_date(v) if isinstance(v, (str, bytes)) else Date(*v))
                continue
            v = v.encode() if type(v) is str else _b(v, col)
            if i >= _NCOL:
                v += b"\0"  # formats are C strings
            cells.append((i, at, len(v)))
            append(v)
            at += len(v)
        rows.append((cells, ref))
    blob = b"".join(parts)
    base = ctypes.cast(c_char_p(blob), c_void_p).value
    packed, pack, zeros = [], _pack_record, [0] * (2 * _NCOL + 2)
    for cells, ref in rows:
        f = zeros[:]  # pointers 0.._NCOL-1, sizes, then the two format pointers
        for i, off, n in cells:
            if i < _NCOL:
                f[i], f[_NCOL + i] = base + off, n  # never NULL: "" is (pointer, 0)
            else:
                f[i + _NCOL] = base + off
        packed.append(pack(*f, *ref, 0, 0))  # no gender codes of the source's own
    arr = ctypes.create_string_buffer(b"".join(packed), len(packed) * ctypes.sizeof(_Record))
    return ctypes.cast(arr, POINTER(_Record)), (arr, blob)


def pseudonymize(key, recipe, record):
    """The 32-byte pseudonym of one raw record: a dict whose keys are columns
    (visit_date, name, given_name, surname, birth_date, birth_year, gender, country,
    personnummer, dossier, digits, id_auto) plus optional birth_date_format, visit_date_format
    and reference (a date for 10-digit personnummer). A None value is an absent
    column; "" is an empty cell."""
    r, _keep = _records([record])
    out = ctypes.create_string_buffer(PSEUDONYM_BYTES)
    _call(_c.unika_pseudonym_from_record, out, key._h, recipe._h, r)
    return out.raw


def pseudonymize_fields(key, recipe, values):
    """The pseudonym of already-normalised values, one per recipe field in order."""
    vals = [_b(v) for v in values]
    arr = (c_char_p * max(1, len(vals)))(*vals)
    sizes = (c_size_t * max(1, len(vals)))(*map(len, vals))
    out = ctypes.create_string_buffer(PSEUDONYM_BYTES)
    _call(_c.unika_pseudonym_from_fields, out, key._h, recipe._h, arr, sizes, len(vals))
    return out.raw


BatchResult = namedtuple("BatchResult", "pseudonyms status n_failed first_error")
BatchResult.__doc__ = """pseudonymize_batch's result: pseudonyms[i] is 32 bytes or None,
status[i] 0 or the record's UNIKA_E* code, first_error the UnikaError of the first
failed record (its message starts "record <i>: ") or None."""


def pseudonymize_batch(key, recipe, records):
    """pseudonymize() of many records in one library call; every record is done
    whatever happens to the others."""
    records = list(records)
    n = len(records)
    arr, _keep = _records(records)
    out = ctypes.create_string_buffer(max(1, n) * PSEUDONYM_BYTES)
    status = (c_int * max(1, n))()
    failed = c_size_t()
    err = _Error()
    rc = _c.unika_pseudonym_batch(out, status, byref(failed), key._h, recipe._h, arr, n,
                                  byref(err))
    if rc < 0 and failed.value == 0:  # UNIKA_EINVAL on the call itself: nothing done
        raise UnikaError._from(rc, err)
    raw = out.raw
    ps = [raw[i * PSEUDONYM_BYTES:(i + 1) * PSEUDONYM_BYTES] if status[i] == 0 else None
          for i in range(n)]
    first = UnikaError._from(rc, err) if rc < 0 else None
    return BatchResult(ps, list(status[:n]), failed.value, first)


# ---- match keys ------------------------------------------------------------------------

MatchKeys = namedtuple("MatchKeys", "gender precision jan1 keys")
MatchKeys.__doc__ = """A record's match keys (docs/matchkeys.md): gender "M", "F", "X" or
"U" as recorded; precision of the birth date the keys carry ("none", "year", "month",
"day"); jan1 True when a 1 January date was taken as a year; keys a list of
(type name, 16 bytes), sorted as the library sorts them (type, then bytes)."""

_PRECISIONS = ("none", "year", "month", "day")


def matchkeys(key, record):
    """Every match key of one raw record: a dict of columns as for pseudonymize()
    (name or given_name/surname, birth_date or birth_year, gender, country,
    personnummer, dossier or id_auto, visit_date or reference for a 10-digit
    personnummer, birth_date_format). Every value given is used; one that does not
    parse raises UnikaError naming its column. A record without a name and without
    a number raises UNIKA_EFIELD."""
    r, _keep = _records([record])
    out = _MatchKeys()
    _call(_c.unika_matchkeys_from_record, byref(out), key._h, r)
    keys = [(MATCHKEY_TYPES[out.keys[i][0]], bytes(out.keys[i])[1:]) for i in range(out.count)]
    return MatchKeys(_c.unika_gender_code(out.gender).decode(), _PRECISIONS[out.flags & 3],
                     bool(out.flags & 4), keys)


def matchkey_hash(key, type_name, value):
    """One match key: the keyed BLAKE2b-128 of `value` as the domain of `type_name`
    encodes it (e.g. "birth_year", "2002"); the primitive of the known-answer vectors."""
    types = {v: k for k, v in MATCHKEY_TYPES.items()}
    if type_name not in types:
        raise KeyError("unika: unknown match-key type %r" % (type_name,))
    v = _b(value)
    out = ctypes.create_string_buffer(MATCHKEY_BYTES)
    _call(_c.unika_matchkey_hash, out, key._h, types[type_name], v, len(v))
    return out.raw


# ---- normalisers -----------------------------------------------------------------------

Date = namedtuple("Date", "year month day")  # month, day 0 = unknown
Personnummer = namedtuple("Personnummer", "number kind")  # 12 digits; "personnummer" or
                                                          # "samordningsnummer"


def normalize_name(name):
    """Canonical name: NFKC, case-folded, accents stripped, tokens sorted
    ("Al-Khalil, Samir" -> "al khalil samir")."""
    src = _b(name, "name")
    buf = ctypes.create_string_buffer(_NAME_MAX)
    n = c_size_t()
    _call(_c.unika_normalize_name, buf, _NAME_MAX, byref(n), src, len(src))
    return buf.raw[:n.value].decode()


def parse_date(text, format=None):
    """Date(year, month, day) of "YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY", "YYYY-MM",
    "YYYY", or of an explicit format such as "DD.MM.YYYY"."""
    src = _b(text, "date")
    out = _Date()
    _call(_c.unika_date_parse, byref(out), src, len(src),
          None if format is None else _b(format, "format"))
    return Date(out.year, out.month, out.day)


def personnummer(text, reference=None):
    """Personnummer(12 digits, kind) of a Swedish personnummer or samordningsnummer;
    10-digit forms need `reference` (a date, or its text) to choose the century."""
    src = _b(text, "personnummer")
    ref = None
    if reference is not None:
        d = parse_date(reference) if isinstance(reference, (str, bytes)) else Date(*reference)
        ref = byref(_Date(*d))
    buf = ctypes.create_string_buffer(_PNR_BYTES)
    kind = c_int()
    _call(_c.unika_personnummer_normalize, buf, byref(kind), src, len(src), ref)
    return Personnummer(buf.value.decode(),
                        "personnummer" if kind.value == 1 else "samordningsnummer")


def dossier(text):
    """The 8 digits of a Migration Agency dossier number ("58-789885/1" -> "58789885")."""
    src = _b(text, "dossier")
    buf = ctypes.create_string_buffer(_DOSSIER_BYTES)
    _call(_c.unika_dossier_normalize, buf, src, len(src))
    return buf.value.decode()


def digits(text):
    """An opaque numeric identifier's digits (spaces, '-', '.', '/' removed)."""
    src = _b(text, "digits")
    buf = ctypes.create_string_buffer(_DIGITS_MAX)
    _call(_c.unika_digits_normalize, buf, _DIGITS_MAX, None, src, len(src))
    return buf.value.decode()


def gender(text, fold=False):
    """The canonical code: M, F, X (other) or U (unknown; also an empty cell).
    fold=True gives the recipes' three-way class, where unknown folds into X."""
    src = _b(text, "gender")
    g = c_int()
    _call(_c.unika_gender_parse, byref(g), src, len(src))
    v = _c.unika_gender_fold(g.value) if fold else g.value
    return _c.unika_gender_code(v).decode()


# ---- sketches --------------------------------------------------------------------------

Estimate = namedtuple("Estimate", "estimate std_error ci_low ci_high exact")
_ESTIMATORS = {"ml": 0, "fgra": 1}


def _estimate(fn, *args):
    e = _Estimate()
    _call(fn, byref(e), *args)
    return Estimate(e.estimate, e.std_error, e.ci_low, e.ci_high, bool(e.exact))


class Sketch(_Handle):
    """A mergeable distinct-count sketch of pseudonyms made under one key and recipe."""
    _free = _c.unika_sketch_free

    @classmethod
    def new(cls, p=None, key_fp=None, recipe_fp=None):
        """An empty sketch of precision p (4..18, default 12). key_fp and recipe_fp:
        a Key, a Recipe, 16 bytes or 32 hex digits."""
        p = _c.unika_sketch_p_default() if p is None else p
        return cls(_new(_c.unika_sketch_new, p, _fp(key_fp), _fp(recipe_fp)))

    @classmethod
    def from_bytes(cls, data):
        """Parses a sketch file's bytes (untrusted input is fine)."""
        data = bytes(data)
        return cls(_new(_c.unika_sketch_parse, data, len(data)))

    @classmethod
    def load(cls, path):
        return cls(_new(_c.unika_sketch_load, os.fsencode(path)))

    def to_bytes(self):
        n = c_size_t()
        err = _Error()
        _c.unika_sketch_serialize(None, 0, byref(n), self._h, byref(err))  # sizes it
        buf = ctypes.create_string_buffer(max(1, n.value))
        _call(_c.unika_sketch_serialize, buf, n.value, byref(n), self._h)
        return buf.raw[:n.value]

    def save(self, path, overwrite=False):
        """Writes the file atomically; refuses an existing path unless overwrite."""
        _call(_c.unika_sketch_save, self._h, os.fsencode(path), 1 if overwrite else 0)

    def add(self, key, pseudonym):
        _call(_c.unika_sketch_add, self._h, key._h, self._pseudonym(pseudonym))

    def add_many(self, key, pseudonyms):
        """Adds pseudonyms (an iterable of 32-byte values) in one library call."""
        data = b"".join(self._pseudonym(p) for p in pseudonyms)
        _call(_c.unika_sketch_add_batch, self._h, key._h, data,
              len(data) // PSEUDONYM_BYTES)

    @staticmethod
    def _pseudonym(p):
        if not isinstance(p, bytes) or len(p) != PSEUDONYM_BYTES:
            raise ValueError("unika: a pseudonym is %d bytes" % PSEUDONYM_BYTES)
        return p

    def merge(self, other):
        """self := self UNION other (same key and recipe); returns self."""
        _call(_c.unika_sketch_merge, self._h, other._h)
        return self

    def copy(self):
        return Sketch(_new(_c.unika_sketch_copy, self._h))

    def estimate(self, estimator="ml"):
        if estimator not in _ESTIMATORS:
            raise ValueError("unika: estimator is 'ml' or 'fgra'")
        return _estimate(_c.unika_sketch_estimate, self._h, _ESTIMATORS[estimator])

    def intersection(self, other):
        """Estimate of |self & other|: exact when both are sparse, else joint ML."""
        return _estimate(_c.unika_sketch_intersection, self._h, other._h)

    def difference(self, other):
        """Estimate of |self - other|."""
        return _estimate(_c.unika_sketch_difference, self._h, other._h)

    def check_origin(self, key_fp=None, recipe_fp=None):
        """Raises UnikaError (UNIKA_EKEYMISMATCH / UNIKA_ERECIPEMISMATCH) unless the
        sketch was made under the given key and recipe (None skips one)."""
        _call(_c.unika_sketch_check_origin, self._h,
              None if key_fp is None else _fp(key_fp),
              None if recipe_fp is None else _fp(recipe_fp))

    # labels and provenance
    def get_label(self, key, default=None):
        v = _c.unika_sketch_get_label(self._h, _b(key, "label key"))
        return default if v is None else v.decode()

    def set_label(self, key, value):
        _call(_c.unika_sketch_set_label, self._h, _b(key, "label key"),
              _b(value, "label value"))

    def remove_label(self, key):
        _call(_c.unika_sketch_remove_label, self._h, _b(key, "label key"))

    @property
    def labels(self):
        """A copy of the labels, in key order."""
        h, out = self._h, {}
        k, v = c_char_p(), c_char_p()
        for i in range(_c.unika_sketch_label_count(h)):
            _c.unika_sketch_label_at(h, i, byref(k), byref(v))
            out[k.value.decode()] = v.value.decode()
        return out

    @property
    def sources(self):
        """Provenance records of a merged sketch: (digest bytes, labels text, signer)."""
        h, out = self._h, []
        d, lab, sig = _u8p(), c_char_p(), c_char_p()
        for i in range(_c.unika_sketch_source_count(h)):
            _c.unika_sketch_source_at(h, i, byref(d), byref(lab), byref(sig))
            out.append((ctypes.string_at(d, DIGEST_BYTES), lab.value.decode(),
                        sig.value.decode()))
        return out

    # state
    @property
    def precision(self):
        return _c.unika_sketch_precision(self._h)

    @property
    def is_sparse(self):
        return _c.unika_sketch_is_sparse(self._h) == 1

    @property
    def token_count(self):
        return _c.unika_sketch_token_count(self._h)

    @property
    def key_fingerprint(self):
        return ctypes.string_at(_c.unika_sketch_key_fingerprint(self._h), FINGERPRINT_BYTES)

    @property
    def recipe_fingerprint(self):
        return ctypes.string_at(_c.unika_sketch_recipe_fingerprint(self._h), FINGERPRINT_BYTES)

    def __eq__(self, other):
        return isinstance(other, Sketch) and _c.unika_sketch_equal(self._h, other._h) == 1

    __hash__ = None

    def __repr__(self):
        if not self._ptr:
            return "<unika.Sketch closed>"
        return "<unika.Sketch p=%d %s key=%s recipe=%s>" % (
            self.precision, "sparse" if self.is_sparse else "dense",
            self.key_fingerprint.hex(), self.recipe_fingerprint.hex())
