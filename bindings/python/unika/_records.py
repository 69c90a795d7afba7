"""Records: raw cells into unika_record arrays, and pseudonyms of them.

Records are laid out column by column. Each column's values become one bytes
object, and the record array's pointer and size words are written for all
records at once by strided slice assignment into an array.array: a column of
10,000 ASCII strings costs a join, an encode, and a few C-speed passes, never
a Python statement per cell. (Filling ctypes Structures field by field cost
several times the C work itself; docs/bindings.md, "Cost".) The layout is
taken from ctypes' own _Record at import and checked.
"""
from __future__ import annotations

import ctypes
import datetime
import re
from array import array
from ctypes import byref, c_int, c_size_t, c_void_p
from itertools import accumulate, islice
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional,
                    Sequence, Tuple, Union)

from ._capi import PSEUDONYM_BYTES, REC_COLUMNS, UnikaError, _Date, _Error, _Record, c, call
from ._keys import Key, Recipe
from ._normalize import DateLike, as_date

Cell = Union[str, bytes, None]
Record = Mapping[str, Any]

# ---- the layout ------------------------------------------------------------------------

_WORD = ctypes.sizeof(c_void_p)
_T = next((t for t in "QLI" if array(t).itemsize == _WORD), "")
_INT = ctypes.sizeof(c_int)


def _layout_ok() -> bool:
    offsets = [_Record.cell.offset, _Record.size.offset, _Record.birth_date_format.offset,
               _Record.visit_date_format.offset, ctypes.sizeof(_Record)]
    return (bool(_T) and ctypes.sizeof(c_size_t) == _WORD and array("i").itemsize == _INT
            and all(o % _WORD == 0 for o in offsets) and _Record.reference.offset % _INT == 0
            and (_Date.month.offset, _Date.day.offset) == (_INT, 2 * _INT))


if not _layout_ok():
    raise ImportError("unika: cannot lay out unika_record on this platform")
_RW = ctypes.sizeof(_Record) // _WORD  # words per record
_RI = ctypes.sizeof(_Record) // _INT   # ints per record
_CELL = _Record.cell.offset // _WORD
_SIZE = _Record.size.offset // _WORD
_REF = _Record.reference.offset // _INT
_FORMATS = {"birth_date_format": _Record.birth_date_format.offset // _WORD,
            "visit_date_format": _Record.visit_date_format.offset // _WORD}
_SLOT = {col: i for i, col in enumerate(REC_COLUMNS)}
COLUMNS = REC_COLUMNS + tuple(_FORMATS) + ("reference",)  # what a record may hold
_ZERO = array(_T, [0])
_MISSING = frozenset({"NAType", "NaTType"})  # pandas' missing values, by type name


def _address(blob: bytes) -> int:
    return ctypes.cast(ctypes.c_char_p(blob), c_void_p).value or 0


def _cell(v: Any, column: str, i: int) -> bytes:
    """One cell that is not a str: bytes unchanged, an int or integral float as
    digits, a date as YYYY-MM-DD; NaN, pandas' NA and NaT as an empty cell."""
    if isinstance(v, bytes):
        return bytes(v)
    if isinstance(v, str):
        return str(v).encode()
    if type(v).__name__ in _MISSING:
        return b""
    if isinstance(v, float):
        if v != v:
            return b""
        if v.is_integer():
            return b"%d" % v
    elif isinstance(v, int) and not isinstance(v, bool):
        return b"%d" % v
    elif isinstance(v, datetime.date):
        return v.isoformat()[:10].encode()
    raise TypeError("unika: column %r, record %d: a cell is str, bytes, an int, a date or "
                    "missing, not %s" % (column, i, type(v).__name__))


def _encode(values: List[Any], column: str, none_absent: bool
            ) -> Tuple[bytes, "array[int]", List[int]]:
    """(blob, sizes, indices of absent cells) of one column. None is an absent
    cell when none_absent (dict records), else an empty one (columns)."""
    try:
        text = "".join(values)
    except TypeError:
        text = None
    if text is not None:
        blob = text.encode()
        if len(blob) == len(text):  # ASCII: sizes are the str lengths
            return blob, array(_T, map(len, values)), []
        encoded = [v.encode() for v in values]
        return b"".join(encoded), array(_T, map(len, encoded)), []
    encoded, absent = [], []
    for i, v in enumerate(values):
        if type(v) is str:
            encoded.append(v.encode())
        elif v is None:
            encoded.append(b"")
            if none_absent:
                absent.append(i)
        else:
            encoded.append(_cell(v, column, i))
    return b"".join(encoded), array(_T, map(len, encoded)), absent


class _Packed(NamedTuple):
    records: "array[int]"  # the unika_record array, as words
    keep: List[bytes]       # what its pointers point into


def _pack(cols: Mapping[str, List[Any]], n: int, none_absent: bool) -> _Packed:
    """n unika_records from columns of n values each (COLUMNS names)."""
    rec = _ZERO * (_RW * n)
    keep: List[bytes] = []
    for col, values in cols.items():
        if col == "reference":
            _pack_reference(rec, values)
            continue
        if col in _FORMATS:  # C strings
            values = [None if v is None else _format(v, col) for v in values]
        blob, sizes, absent = _encode(values, col, none_absent or col in _FORMATS)
        keep.append(blob)
        ptrs = array(_T, accumulate(sizes, initial=_address(blob)))
        del ptrs[-1]
        for i in absent:
            ptrs[i] = 0
        slot = _FORMATS.get(col)
        if slot is None:
            rec[_CELL + _SLOT[col]::_RW] = ptrs
            rec[_SIZE + _SLOT[col]::_RW] = sizes
        else:
            rec[slot::_RW] = ptrs
    return _Packed(rec, keep)


def _format(v: Any, column: str) -> bytes:
    if not isinstance(v, (str, bytes)):
        raise TypeError("unika: %s must be str or bytes, not %s" % (column, type(v).__name__))
    return (v.encode() if isinstance(v, str) else v) + b"\0"


def _pack_reference(rec: "array[int]", values: List[Optional[DateLike]]) -> None:
    dates = [(0, 0, 0) if v is None else as_date(v) for v in values]
    with memoryview(rec).cast("B").cast("i") as ints:
        for part in range(3):
            ints[_REF + part::_RI] = array("i", [d[part] for d in dates])


# ---- inputs: dict records and columns --------------------------------------------------

def _unknown(col: Any) -> KeyError:
    return KeyError("unika: unknown record column %r; the columns are %s" % (
        col, ", ".join(COLUMNS)))


def _transpose(records: Sequence[Record]) -> Dict[str, List[Any]]:
    """Columns of dict records; a column a record lacks is None (absent) there."""
    n, cols = len(records), {}  # type: int, Dict[str, List[Any]]
    for i, rec in enumerate(records):
        try:
            items = rec.items()
        except AttributeError:
            raise TypeError("unika: record %d is a %s, not a mapping of column -> cell"
                            % (i, type(rec).__name__)) from None
        for col, v in items:
            values = cols.get(col)
            if values is None:
                if col not in COLUMNS:
                    raise _unknown(col)
                values = cols[col] = [None] * n
            values[i] = v
    return cols


def _as_list(values: Any) -> List[Any]:
    """A column as a list: NumPy arrays and pandas Series through tolist()."""
    if isinstance(values, list):
        return values
    if isinstance(values, (str, bytes)):
        raise TypeError("unika: a column is a sequence of cells, not one %s"
                        % type(values).__name__)
    tolist = getattr(values, "tolist", None)
    return tolist() if callable(tolist) else list(values)


def columns_of(data: Any, names: Optional[Mapping[str, str]] = None,
               **single: Any) -> Tuple[Dict[str, List[Any]], int]:
    """Columns from a mapping of column -> sequence (a dict of lists, NumPy arrays
    or pandas Series; a pandas DataFrame), picked and renamed by names
    ({record column: data column}); single values (formats, reference) apply to
    every record. Returns (columns, record count)."""
    items = ([(col, data[src]) for col, src in names.items()] if names is not None
             else list(data.items()))
    cols: Dict[str, List[Any]] = {}
    for col, values in items:
        if col not in COLUMNS:
            raise _unknown(col)
        cols[col] = _as_list(values)
    lengths = {col: len(v) for col, v in cols.items()}
    if len(set(lengths.values())) > 1:
        raise ValueError("unika: the columns differ in length: %s" % ", ".join(
            "%s %d" % kv for kv in lengths.items()))
    n = next(iter(lengths.values()), 0)
    for col, value in single.items():
        if value is None:
            continue
        if col in cols:
            raise ValueError("unika: %s given both as a column and as a value" % col)
        cols[col] = [value] * n
    return cols, n


# ---- the batch call --------------------------------------------------------------------

_PREFIX = re.compile(r"^record \d+: ")


class Chunk(NamedTuple):
    """One call of unika_pseudonym_batch: records [offset, offset + n)."""

    offset: int
    n: int
    out: Any                 # n * PSEUDONYM_BYTES, ctypes buffer
    status: "array[int]"     # 0 or the record's UNIKA_E* code
    n_failed: int
    first_error: Optional[UnikaError]

    def pseudonyms(self) -> List[Optional[bytes]]:
        """Each record's pseudonym, None where it failed."""
        raw, P = self.out.raw, PSEUDONYM_BYTES
        if not self.n_failed:
            return [raw[i:i + P] for i in range(0, self.n * P, P)]
        return [None if self.status[i] else raw[i * P:(i + 1) * P] for i in range(self.n)]

    def good(self) -> bytes:
        """The pseudonyms of the records that succeeded, back to back."""
        raw, P = self.out.raw[:self.n * PSEUDONYM_BYTES], PSEUDONYM_BYTES
        if not self.n_failed:
            return raw
        return b"".join(raw[i * P:(i + 1) * P] for i in range(self.n) if not self.status[i])

    def failures(self) -> List[Tuple[int, str]]:
        """(record index, error name) of each failed record."""
        return [(self.offset + i, c.unika_err_name(s).decode())
                for i, s in enumerate(self.status[:self.n]) if s]


def _call_batch(key: Key, recipe: Recipe, packed: _Packed, n: int, offset: int,
                out: Any, status: "array[int]") -> Chunk:
    failed, err = c_size_t(), _Error()
    rc = c.unika_pseudonym_batch(ctypes.addressof(out), status.buffer_info()[0],
                                 byref(failed), key._h, recipe._h,
                                 packed.records.buffer_info()[0], n, byref(err))
    if rc < 0 and failed.value == 0:  # UNIKA_EINVAL on the call itself: nothing done
        raise UnikaError._from(rc, err)
    first = None
    if rc < 0:
        at = next(i for i in range(n) if status[i])
        first = UnikaError._from(rc, err, offset + at)
        first.message = _PREFIX.sub("record %d: " % (offset + at), first.message)
        first.args = (first.message,)
    return Chunk(offset, n, out, status, failed.value, first)


def _chunks(key: Key, recipe: Recipe, columns: Iterator[Tuple[Dict[str, List[Any]], int]],
            none_absent: bool, chunk_size: int) -> Iterator[Chunk]:
    out = ctypes.create_string_buffer(max(1, chunk_size) * PSEUDONYM_BYTES)
    status = array("i", [0]) * max(1, chunk_size)
    offset = 0
    for cols, n in columns:
        yield _call_batch(key, recipe, _pack(cols, n, none_absent), n, offset, out, status)
        offset += n


def _check_chunk_size(chunk_size: int) -> int:
    if not isinstance(chunk_size, int) or chunk_size < 1:
        raise ValueError("unika: chunk_size is a positive int")
    return chunk_size


def record_chunks(key: Key, recipe: Recipe, records: Iterable[Record],
                  chunk_size: int) -> Iterator[Chunk]:
    """Batch calls over dict records, chunk_size at a time (any iterable)."""
    def parts() -> Iterator[Tuple[Dict[str, List[Any]], int]]:
        it = iter(records)
        while True:
            part = list(islice(it, chunk_size))
            if not part:
                return
            yield _transpose(part), len(part)
    return _chunks(key, recipe, parts(), True, _check_chunk_size(chunk_size))


def column_chunks(key: Key, recipe: Recipe, cols: Dict[str, List[Any]], n: int,
                  chunk_size: int) -> Iterator[Chunk]:
    """Batch calls over columns (columns_of()), chunk_size records at a time."""
    _check_chunk_size(chunk_size)

    def parts() -> Iterator[Tuple[Dict[str, List[Any]], int]]:
        for at in range(0, n, chunk_size):
            m = min(chunk_size, n - at)
            yield ({col: v if m == n else v[at:at + m] for col, v in cols.items()}, m)
    return _chunks(key, recipe, parts(), False, chunk_size)


# ---- pseudonyms ------------------------------------------------------------------------

class BatchResult(NamedTuple):
    """A batch's pseudonyms: pseudonyms[i] is 32 bytes, or None where status[i]
    is the record's UNIKA_E* code; first_error is the UnikaError of the first
    failed record (its message starts "record <i>: ", its record attribute is
    i) or None."""

    pseudonyms: List[Optional[bytes]]
    status: List[int]
    n_failed: int
    first_error: Optional[UnikaError]


def _collect(chunks: Iterator[Chunk]) -> BatchResult:
    ps: List[Optional[bytes]] = []
    status: List[int] = []
    failed, first = 0, None
    for ch in chunks:
        ps += ch.pseudonyms()
        status += ch.status[:ch.n].tolist()
        failed += ch.n_failed
        first = first or ch.first_error
    return BatchResult(ps, status, failed, first)


def pseudonymize(key: Key, recipe: Recipe, record: Record) -> bytes:
    """The 32-byte pseudonym of one raw record: a dict whose keys are columns
    (visit_date, name, given_name, surname, birth_date, birth_year, gender,
    country, personnummer, dossier, digits, id_auto) plus optional
    birth_date_format, visit_date_format and reference (a date for 10-digit
    personnummer). A missing key or None is an absent column; "" is an empty
    cell. Raises UnikaError naming the column that failed."""
    cols = _transpose([record])
    packed = _pack(cols, 1, True)
    out = ctypes.create_string_buffer(PSEUDONYM_BYTES)
    call(c.unika_pseudonym_from_record, out, key._h, recipe._h,
         packed.records.buffer_info()[0])
    return out.raw


def pseudonymize_fields(key: Key, recipe: Recipe, values: Sequence[Union[str, bytes]]) -> bytes:
    """The pseudonym of already-normalised values, one per recipe field in order."""
    vals = [v.encode() if isinstance(v, str) else v for v in values]
    if not all(isinstance(v, bytes) for v in vals):
        raise TypeError("unika: field values must be str or bytes")
    arr = (ctypes.c_char_p * max(1, len(vals)))(*vals)
    sizes = (c_size_t * max(1, len(vals)))(*map(len, vals))
    out = ctypes.create_string_buffer(PSEUDONYM_BYTES)
    call(c.unika_pseudonym_from_fields, out, key._h, recipe._h, arr, sizes, len(vals))
    return out.raw


def pseudonymize_batch(key: Key, recipe: Recipe, records: Iterable[Record],
                       chunk_size: int = 10000) -> BatchResult:
    """pseudonymize() of many dict records (any iterable), chunk_size per library
    call; every record is done whatever happens to the others."""
    return _collect(record_chunks(key, recipe, records, chunk_size))


def pseudonymize_columns(key: Key, recipe: Recipe, columns: Any,
                         names: Optional[Mapping[str, str]] = None, *,
                         birth_date_format: Optional[str] = None,
                         visit_date_format: Optional[str] = None,
                         reference: Optional[DateLike] = None,
                         chunk_size: int = 10000) -> BatchResult:
    """Pseudonyms of records given column-wise: a mapping of column -> sequence
    (lists, NumPy arrays, pandas Series) or a pandas DataFrame; `names` picks
    and renames ({"name": "Namn", ...}). Every column given is a column the
    source has: None, NaN and pandas' NA/NaT are empty cells. ints are digits,
    dates YYYY-MM-DD. The formats and reference apply to every record."""
    cols, n = columns_of(columns, names, birth_date_format=birth_date_format,
                         visit_date_format=visit_date_format, reference=reference)
    return _collect(column_chunks(key, recipe, cols, n, chunk_size))
