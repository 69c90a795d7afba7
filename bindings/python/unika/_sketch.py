"""Sketches: mergeable distinct counts of pseudonyms, shaped like the sketch
libraries analysts know (union operators, len(), bytes in and out, pickling)."""
from __future__ import annotations

import ctypes
import os
from ctypes import byref, c_char_p, c_size_t
from typing import (Any, Dict, Iterable, Iterator, List, Mapping, NamedTuple, Optional,
                    Tuple)

from ._capi import (DIGEST_BYTES, FINGERPRINT_BYTES, PSEUDONYM_BYTES, UnikaError,
                    _Estimate, _u8p, c, call, new_handle, to_bytes)
from ._handle import Handle
from ._keys import Fingerprint, Key, PathLike, Recipe, fingerprint
from ._normalize import DateLike
from ._records import Chunk, Record, column_chunks, columns_of, record_chunks


class Estimate(NamedTuple):
    """A distinct count: the estimate (not rounded), its standard error, the 95%
    interval [ci_low, ci_high], and exact (True when counted from the sparse
    token set rather than estimated from registers)."""

    estimate: float
    std_error: float
    ci_low: float
    ci_high: float
    exact: bool

    @property
    def interval(self) -> Tuple[float, float]:
        """The 95% interval as (ci_low, ci_high)."""
        return (self.ci_low, self.ci_high)


class AddResult(NamedTuple):
    """What a batch add did: records read, n_failed of them not added, failures
    as (record index, error name) pairs, and the first failure's UnikaError (or
    None)."""

    records: int
    n_failed: int
    failures: List[Tuple[int, str]]
    first_error: Optional[UnikaError]


_ESTIMATORS = {"ml": 0, "fgra": 1}


def _estimate(fn: Any, *args: Any) -> Estimate:
    e = _Estimate()
    call(fn, byref(e), *args)
    return Estimate(e.estimate, e.std_error, e.ci_low, e.ci_high, bool(e.exact))


def _from_bytes(data: bytes) -> "Sketch":
    return Sketch.from_bytes(data)


def _pseudonym(p: Any) -> bytes:
    if not isinstance(p, bytes) or len(p) != PSEUDONYM_BYTES:
        raise ValueError("unika: a pseudonym is %d bytes" % PSEUDONYM_BYTES)
    return p


def _sketch(other: Any) -> "Sketch":
    if not isinstance(other, Sketch):
        raise TypeError("unika: expected a Sketch, not %s" % type(other).__name__)
    return other


class Sketch(Handle):
    """A mergeable distinct-count sketch (UltraLogLog, exact while small) of the
    pseudonyms made under one key and recipe.

    ``Sketch(p, key_fp, recipe_fp)`` is an empty sketch. ``a | b`` is the union
    (a new sketch), ``a |= b`` merges in place, ``len(s)`` is the rounded
    estimate and ``s.estimate()`` the Estimate with its interval. A sketch
    pickles and deep-copies through its serialised bytes, so it crosses process
    boundaries (multiprocessing, joblib, Dask) intact.
    """

    __slots__ = ()
    _free = c.unika_sketch_free

    def __init__(self, p: Optional[int] = None, key_fp: Optional[Fingerprint] = None,
                 recipe_fp: Optional[Fingerprint] = None) -> None:
        if not self.closed:
            raise TypeError("unika: a Sketch is initialised once")
        if key_fp is None or recipe_fp is None:
            raise TypeError("unika: Sketch(p, key_fp, recipe_fp) needs the key's and the "
                            "recipe's fingerprints (a Key, a Recipe, 16 bytes or 32 hex "
                            "digits)")
        p = c.unika_sketch_p_default() if p is None else p
        if not isinstance(p, int) or isinstance(p, bool):
            raise TypeError("unika: the precision p is an int")
        self._adopt(new_handle(c.unika_sketch_new, p, fingerprint(key_fp),
                               fingerprint(recipe_fp)))

    @classmethod
    def new(cls, p: Optional[int] = None, key_fp: Optional[Fingerprint] = None,
            recipe_fp: Optional[Fingerprint] = None) -> "Sketch":
        """An empty sketch of precision p (4..18, None for the library's default,
        12). key_fp and recipe_fp: a Key, a Recipe, 16 bytes or 32 hex digits.
        The same as Sketch(p, key_fp, recipe_fp)."""
        return cls(p, key_fp, recipe_fp)

    @classmethod
    def from_bytes(cls, data: bytes) -> "Sketch":
        """Parses a sketch file's bytes (the library's parser: untrusted input is
        fine; a damaged file raises UnikaError naming the field and byte)."""
        data = bytes(data)
        return cls._own(new_handle(c.unika_sketch_parse, data, len(data)))

    @classmethod
    def load(cls, path: PathLike) -> "Sketch":
        """Reads and checks a sketch file (.uks)."""
        return cls._own(new_handle(c.unika_sketch_load, os.fsencode(path)))

    def to_bytes(self, compact: bool = False) -> bytes:
        """The sketch file's bytes (docs/format.md): the same state gives the same
        bytes. compact=True: dense registers in payload encoding 2 (section 7.1),
        about half the bytes; the plain size bounds it."""
        h, n = self._h, c_size_t()
        rc = c.unika_sketch_serialized_size(byref(n), h)
        if rc < 0:
            raise UnikaError(rc)
        buf = ctypes.create_string_buffer(max(1, n.value))
        call(c.unika_sketch_serialize_as, buf, n.value, byref(n), h, 2 if compact else 1)
        return buf.raw[:n.value]

    def save(self, path: PathLike, overwrite: bool = False, compact: bool = False) -> None:
        """Writes the file atomically; refuses an existing path unless overwrite.
        compact=True writes payload encoding 2 (docs/format.md section 7.1)."""
        flags = (1 if overwrite else 0) | (2 if compact else 0)
        call(c.unika_sketch_save, self._h, os.fsencode(path), flags)

    # adding
    def add(self, key: Key, pseudonym: bytes) -> None:
        """Adds one 32-byte pseudonym made under `key` (the sketch's key)."""
        call(c.unika_sketch_add, self._h, key._h, _pseudonym(pseudonym))

    def add_many(self, key: Key, pseudonyms: Iterable[bytes]) -> None:
        """Adds pseudonyms (an iterable of 32-byte values) in one library call."""
        data = b"".join(_pseudonym(p) for p in pseudonyms)
        call(c.unika_sketch_add_batch, self._h, key._h, data, len(data) // PSEUDONYM_BYTES)

    def add_records(self, key: Key, recipe: Recipe, records: Iterable[Record], *,
                    on_error: str = "raise", chunk_size: int = 10000) -> AddResult:
        """Pseudonymises dict records (any iterable, read chunk_size at a time:
        memory does not grow with a generator's length) and adds them.

        Records are dicts as for pseudonymize(). on_error="raise" (the default)
        raises the first failed record's UnikaError (its ``record`` attribute is
        the index) and leaves the sketch unchanged; on_error="skip" adds the
        records that succeed and reports the others in the AddResult. Either way
        an exception leaves the sketch as it was."""
        self.check_origin(key, recipe)
        return self._add(key, record_chunks(key, recipe, records, chunk_size), on_error)

    def add_columns(self, key: Key, recipe: Recipe, columns: Any,
                    names: Optional[Mapping[str, str]] = None, *,
                    birth_date_format: Optional[str] = None,
                    visit_date_format: Optional[str] = None,
                    reference: Optional[DateLike] = None, on_error: str = "raise",
                    chunk_size: int = 10000) -> AddResult:
        """Pseudonymises records given column-wise and adds them: the fast path.

        columns: a mapping of record column -> sequence (lists, NumPy arrays,
        pandas Series) or a pandas DataFrame; names picks and renames
        ({"name": "Namn", "birth_date": "Fodd", "gender": "Kon"}). None, NaN and
        pandas' NA/NaT are empty cells. on_error as for add_records()."""
        self.check_origin(key, recipe)
        cols, n = columns_of(columns, names, birth_date_format=birth_date_format,
                             visit_date_format=visit_date_format, reference=reference)
        return self._add(key, column_chunks(key, recipe, cols, n, chunk_size), on_error)

    def _add(self, key: Key, chunks: Iterator[Chunk], on_error: str) -> AddResult:
        if on_error not in ("raise", "skip"):
            raise ValueError("unika: on_error is 'raise' or 'skip', not %r" % (on_error,))
        records, failures, first = 0, [], None  # type: int, List[Tuple[int, str]], Any
        with self.copy() as work:  # all or nothing: self changes only at the end
            for ch in chunks:
                records += ch.n
                if ch.n_failed:
                    if on_error == "raise":
                        raise ch.first_error  # type: ignore[misc]
                    failures += ch.failures()
                    first = first or ch.first_error
                    good = ch.good()
                    call(c.unika_sketch_add_batch, work._h, key._h, good,
                         len(good) // PSEUDONYM_BYTES)
                else:
                    call(c.unika_sketch_add_batch, work._h, key._h,
                         ctypes.addressof(ch.out), ch.n)
            self._adopt(work._take())
        return AddResult(records, len(failures), failures, first)

    # combining
    def merge(self, other: "Sketch") -> "Sketch":
        """self := self UNION other (same key and recipe; precisions merge at the
        lower one). Labels: self keeps those common to both. Returns self."""
        call(c.unika_sketch_merge, self._h, _sketch(other)._h)
        return self

    def __or__(self, other: Any) -> "Sketch":
        """``a | b``: a new sketch, the union of a and b."""
        if not isinstance(other, Sketch):
            return NotImplemented
        return self.copy().merge(other)

    def __ior__(self, other: Any) -> "Sketch":
        """``a |= b``: merges b into a."""
        if not isinstance(other, Sketch):
            return NotImplemented
        return self.merge(other)

    def copy(self) -> "Sketch":
        """An independent copy (its own C object), labels included."""
        return Sketch._own(new_handle(c.unika_sketch_copy, self._h))

    def __copy__(self) -> "Sketch":
        """copy.copy() is a full, independent copy (never a shared handle)."""
        return self.copy()

    def __deepcopy__(self, memo: Any) -> "Sketch":
        """copy.deepcopy() is a full, independent copy."""
        return self.copy()

    def __reduce_ex__(self, protocol: Any) -> Any:
        """Pickles as the sketch file's bytes (to_bytes / from_bytes)."""
        return (_from_bytes, (self.to_bytes(),))

    # estimates
    def estimate(self, estimator: str = "ml") -> Estimate:
        """The number of distinct pseudonyms added, with its standard error and 95%
        interval; estimator "ml" (maximum likelihood, the default) or "fgra"."""
        if estimator not in _ESTIMATORS:
            raise ValueError("unika: estimator is 'ml' or 'fgra'")
        return _estimate(c.unika_sketch_estimate, self._h, _ESTIMATORS[estimator])

    def __len__(self) -> int:
        """``len(s)``: the estimate rounded to the nearest integer (so an empty
        sketch is falsy, like an empty set)."""
        return int(round(self.estimate().estimate))

    def intersection(self, other: "Sketch") -> Estimate:
        """Estimate of |self & other|: exact when both are sparse, else joint ML."""
        return _estimate(c.unika_sketch_intersection, self._h, _sketch(other)._h)

    def difference(self, other: "Sketch") -> Estimate:
        """Estimate of |self - other|."""
        return _estimate(c.unika_sketch_difference, self._h, _sketch(other)._h)

    def check_origin(self, key_fp: Optional[Fingerprint] = None,
                     recipe_fp: Optional[Fingerprint] = None) -> None:
        """Raises UnikaError (UNIKA_EKEYMISMATCH / UNIKA_ERECIPEMISMATCH) unless the
        sketch was made under the given key and recipe (None skips one)."""
        call(c.unika_sketch_check_origin, self._h,
             None if key_fp is None else fingerprint(key_fp),
             None if recipe_fp is None else fingerprint(recipe_fp))

    # labels and provenance
    def get_label(self, key: str, default: Optional[str] = None) -> Optional[str]:
        """The value of label `key`, or default when the sketch has none."""
        v = c.unika_sketch_get_label(self._h, to_bytes(key, "label key"))
        return default if v is None else v.decode()

    def set_label(self, key: str, value: str) -> None:
        """Sets a label (key: lowercase letters, digits, '_', '-', '.'; value: one
        line of UTF-8)."""
        call(c.unika_sketch_set_label, self._h, to_bytes(key, "label key"),
             to_bytes(value, "label value"))

    def remove_label(self, key: str) -> None:
        """Removes a label; UNIKA_ENOENT when there is none."""
        call(c.unika_sketch_remove_label, self._h, to_bytes(key, "label key"))

    @property
    def labels(self) -> Dict[str, str]:
        """A copy of the labels, in key order."""
        h, out = self._h, {}
        k, v = c_char_p(), c_char_p()
        for i in range(c.unika_sketch_label_count(h)):
            c.unika_sketch_label_at(h, i, byref(k), byref(v))
            out[k.value.decode()] = v.value.decode()  # type: ignore[union-attr]
        return out

    @property
    def sources(self) -> List[Tuple[bytes, str, str]]:
        """Provenance records of a merged sketch: (digest bytes, labels text, signer)."""
        h, out = self._h, []
        d, lab, sig = _u8p(), c_char_p(), c_char_p()
        for i in range(c.unika_sketch_source_count(h)):
            c.unika_sketch_source_at(h, i, byref(d), byref(lab), byref(sig))
            out.append((ctypes.string_at(d, DIGEST_BYTES), lab.value.decode(),  # type: ignore
                        sig.value.decode()))  # type: ignore[union-attr]
        return out

    # state
    @property
    def precision(self) -> int:
        """The precision p (2^p registers when dense)."""
        return c.unika_sketch_precision(self._h)

    @property
    def is_sparse(self) -> bool:
        """True while the sketch keeps exact tokens (at most 2^p / 4 of them)."""
        return c.unika_sketch_is_sparse(self._h) == 1

    @property
    def token_count(self) -> int:
        """Distinct tokens held while sparse; 0 when dense."""
        return c.unika_sketch_token_count(self._h)

    @property
    def key_fingerprint(self) -> bytes:
        """The fingerprint of the key the sketch's pseudonyms were made under."""
        return ctypes.string_at(c.unika_sketch_key_fingerprint(self._h), FINGERPRINT_BYTES)

    @property
    def recipe_fingerprint(self) -> bytes:
        """The fingerprint of the recipe the sketch's pseudonyms were made with."""
        return ctypes.string_at(c.unika_sketch_recipe_fingerprint(self._h), FINGERPRINT_BYTES)

    def __eq__(self, other: object) -> bool:
        """Equal precision, state, fingerprints and labels (unika_sketch_equal)."""
        return isinstance(other, Sketch) and c.unika_sketch_equal(self._h, other._h) == 1

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        if self.closed:
            return "<unika.Sketch closed>"
        return "<unika.Sketch p=%d %s key=%s recipe=%s>" % (
            self.precision, "sparse" if self.is_sparse else "dense",
            self.key_fingerprint.hex(), self.recipe_fingerprint.hex())


def union(sketches: Iterable[Sketch]) -> Sketch:
    """A new sketch, the union of one or more sketches (same key and recipe);
    the inputs are unchanged."""
    it = iter(sketches)
    try:
        out = _sketch(next(it)).copy()
    except StopIteration:
        raise ValueError("unika: union() of no sketches") from None
    try:
        for s in it:
            out.merge(s)
    except BaseException:
        out.close()
        raise
    return out
