"""The normalisers: names, dates, Swedish identity numbers, digits, gender."""
from __future__ import annotations

import ctypes
import datetime
from ctypes import byref, c_int, c_size_t
from typing import NamedTuple, Optional, Tuple, Union

from ._capi import DIGITS_MAX, DOSSIER_BYTES, NAME_MAX, PNR_BYTES, _Date, c, call, to_bytes


class Date(NamedTuple):
    """A parsed date; month and day are 0 when unknown (a year, a year-month)."""

    year: int
    month: int
    day: int


class Personnummer(NamedTuple):
    """A normalised Swedish identity number: 12 digits, and its kind
    ("personnummer", or "samordningsnummer" for a coordination number)."""

    number: str
    kind: str


DateLike = Union[str, bytes, Tuple[int, int, int], datetime.date]


def as_date(value: DateLike) -> Date:
    """A Date from text (parse_date), a (year, month, day) tuple or a datetime.date."""
    if isinstance(value, (str, bytes)):
        return parse_date(value)
    if isinstance(value, datetime.date):
        return Date(value.year, value.month, value.day)
    return Date(*value)


def normalize_name(name: Union[str, bytes]) -> str:
    """Canonical name: NFKC, case-folded, accents stripped, tokens sorted
    ("Al-Khalil, Samir" -> "al khalil samir")."""
    src = to_bytes(name, "name")
    buf = ctypes.create_string_buffer(NAME_MAX)
    n = c_size_t()
    call(c.unika_normalize_name, buf, NAME_MAX, byref(n), src, len(src))
    return buf.raw[:n.value].decode()


def parse_date(text: Union[str, bytes], format: Optional[str] = None) -> Date:
    """Date(year, month, day) of "YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY", "YYYY-MM",
    "YYYY", or of an explicit format such as "DD.MM.YYYY"."""
    src = to_bytes(text, "date")
    out = _Date()
    call(c.unika_date_parse, byref(out), src, len(src),
         None if format is None else to_bytes(format, "format"))
    return Date(out.year, out.month, out.day)


def personnummer(text: Union[str, bytes], reference: Optional[DateLike] = None) -> Personnummer:
    """Personnummer(12 digits, kind) of a Swedish personnummer or samordningsnummer;
    10-digit forms need `reference` (a date, its text or a tuple) to choose the
    century."""
    src = to_bytes(text, "personnummer")
    ref = None if reference is None else byref(_Date(*as_date(reference)))
    buf = ctypes.create_string_buffer(PNR_BYTES)
    kind = c_int()
    call(c.unika_personnummer_normalize, buf, byref(kind), src, len(src), ref)
    return Personnummer(buf.value.decode(),
                        "personnummer" if kind.value == 1 else "samordningsnummer")


def dossier(text: Union[str, bytes]) -> str:
    """The 8 digits of a Migration Agency dossier number ("58-789885/1" -> "58789885")."""
    src = to_bytes(text, "dossier")
    buf = ctypes.create_string_buffer(DOSSIER_BYTES)
    call(c.unika_dossier_normalize, buf, src, len(src))
    return buf.value.decode()


def digits(text: Union[str, bytes]) -> str:
    """An opaque numeric identifier's digits (spaces, '-', '.', '/' removed)."""
    src = to_bytes(text, "digits")
    buf = ctypes.create_string_buffer(DIGITS_MAX)
    call(c.unika_digits_normalize, buf, DIGITS_MAX, None, src, len(src))
    return buf.value.decode()


def gender(text: Union[str, bytes], fold: bool = False) -> str:
    """The canonical code: M, F, X (other) or U (unknown; also an empty cell).
    fold=True gives the recipes' three-way class, where unknown folds into X."""
    src = to_bytes(text, "gender")
    g = c_int()
    call(c.unika_gender_parse, byref(g), src, len(src))
    v = c.unika_gender_fold(g.value) if fold else g.value
    return c.unika_gender_code(v).decode()


GENDER_CODES = {"U": 0, "M": 1, "F": 2, "X": 3}  # unika_gender, by unika_gender_code()
for _code, _value in GENDER_CODES.items():
    if c.unika_gender_code(_value).decode() != _code:
        raise ImportError("unika: the library's gender codes differ from the binding's")
