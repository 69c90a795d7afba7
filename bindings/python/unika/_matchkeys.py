"""Match keys (docs/matchkeys.md): every identifying trace of a record, each
keyed on its own, for a resolver that groups records into persons.

The resolution itself (include/unika/linkage.h, `unika link`) has no binding
yet; see the end of this module for where it goes.
"""
from __future__ import annotations

import ctypes
from ctypes import byref
from typing import Dict, List, NamedTuple, Optional, Tuple, Union

from ._capi import MATCHKEY_BYTES, _Date, _MatchKeyInput, _MatchKeys, c, call, to_bytes
from ._keys import Key
from ._normalize import GENDER_CODES, DateLike, as_date
from ._records import Record, _pack, _transpose

MATCHKEY_TYPES: Dict[int, str] = {}
for _t in range(1, 256):
    _n = c.unika_matchkey_type_name(_t)
    if _n is None:
        break
    MATCHKEY_TYPES[_t] = _n.decode()
_TYPE_NUMBERS = {name: number for number, name in MATCHKEY_TYPES.items()}
_PRECISIONS = ("none", "year", "month", "day")


class MatchKeys(NamedTuple):
    """A record's match keys: gender "M", "F", "X" or "U" as recorded; the
    precision of the birth date the keys carry ("none", "year", "month",
    "day"); jan1 True when a 1 January date was taken as a year; keys a list of
    (type name, 16 bytes), sorted as the library sorts them (type, bytes, word);
    words, one per key, the index among the record's token keys of the word a
    token_delete key deletes a symbol of (None for every other type)."""

    gender: str
    precision: str
    jan1: bool
    keys: List[Tuple[str, bytes]]
    words: List[Optional[int]]


def _result(out: _MatchKeys) -> MatchKeys:
    keys = [(MATCHKEY_TYPES[out.keys[i][0]], bytes(out.keys[i])[1:17]) for i in range(out.count)]
    words = [out.keys[i][17] if keys[i][0] == "token_delete" else None
             for i in range(out.count)]
    return MatchKeys(c.unika_gender_code(out.gender).decode(), _PRECISIONS[out.flags & 3],
                     bool(out.flags & 4), keys, words)


def matchkeys(key: Key, record: Record) -> MatchKeys:
    """Every match key of one raw record: a dict of columns as for pseudonymize()
    (name or given_name/surname, birth_date or birth_year, gender, country,
    personnummer, dossier or id_auto, visit_date or reference for a 10-digit
    personnummer, birth_date_format). Every value given is used; one that does
    not parse raises UnikaError naming its column. A record without a name and
    without a number raises UNIKA_EFIELD."""
    packed = _pack(_transpose([record]), 1, True)
    out = _MatchKeys()
    call(c.unika_matchkeys_from_record, byref(out), key._h, packed.records.buffer_info()[0])
    return _result(out)


def matchkeys_derive(key: Key, *, name: Optional[str] = None,
                     personnummer: Optional[str] = None, dossier: Optional[str] = None,
                     country: Optional[str] = None, birth: Optional[DateLike] = None,
                     gender: str = "U") -> MatchKeys:
    """The match keys of values that are ALREADY normalised (unika_matchkeys_derive):
    name and country as normalize_name() gives them, personnummer as 12 digits,
    dossier as 8, birth a date (month or day 0 when unknown), gender a code
    "M", "F", "X" or "U". None leaves a value out."""
    if gender not in GENDER_CODES:
        raise ValueError("unika: gender is one of %s" % ", ".join(GENDER_CODES))
    n = to_bytes(name, "name") if name is not None else None
    co = to_bytes(country, "country") if country is not None else None
    inp = _MatchKeyInput(
        name=n, name_size=len(n or b""),
        personnummer=None if personnummer is None else to_bytes(personnummer, "personnummer"),
        dossier=None if dossier is None else to_bytes(dossier, "dossier"),
        country=co, country_size=len(co or b""),
        birth=_Date(*as_date(birth)) if birth is not None else _Date(0, 0, 0),
        gender=GENDER_CODES[gender])
    out = _MatchKeys()
    call(c.unika_matchkeys_derive, byref(out), key._h, byref(inp))
    return _result(out)


def matchkey_hash(key: Key, type_name: str, value: Union[str, bytes]) -> bytes:
    """One match key: the keyed BLAKE2b-128 of `value` as the domain of
    `type_name` encodes it (e.g. "birth_year", "2002"); the primitive of the
    known-answer vectors (tests/vectors/matchkeys.txt)."""
    if type_name not in _TYPE_NUMBERS:
        raise KeyError("unika: unknown match-key type %r; the types are %s"
                       % (type_name, ", ".join(_TYPE_NUMBERS)))
    v = to_bytes(value)
    out = ctypes.create_string_buffer(MATCHKEY_BYTES)
    call(c.unika_matchkey_hash, out, key._h, _TYPE_NUMBERS[type_name], v, len(v))
    return out.raw


# ---- linkage ---------------------------------------------------------------------------
# The resolver that groups match keys into persons (include/unika/linkage.h,
# reading match-key files through include/unika/matchkey_file.h) gets its
# binding here:
# declare each function in _capi._SIGNATURES, wrap it below with type hints
# and a docstring, export it from __init__.py, and regenerate the reference
# in docs/bindings.md (python3 bindings/python/gen_reference.py).
