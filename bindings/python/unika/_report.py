"""Reading the report JSON (schema "unika-report", version 2; docs/report.md,
"Formats") into Python objects, and into pandas DataFrames where pandas is
installed. Pure Python: a report needs no key and no sketch to be read.

The reader is as strict as `unika verify`'s (src/common/json.c) where it
matters: an object with the same key twice is refused (Python's json module
would keep the last value, verify's reader the first: an audited report
could then say one thing to the auditor and another to this reader), and so
are NaN and Infinity.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from typing import Any, Dict, Iterator, List, Mapping, Optional, Tuple, Union

SCHEMA, VERSION = "unika-report", 2

# The CSV columns of a report (docs/report.md), which Report.rows() mirrors.
ROW_FIELDS = ("table", "figure", "row_label", "row", "col_label", "col", "shown", "estimate",
              "std_error", "ci_low", "ci_high", "exact", "suppressed", "suppression", "value",
              "rounding_base", "value_ci_low", "value_ci_high")

_NUM = (int, float)


class _Reader:
    """Typed access to one JSON object, naming where a bad value is."""

    def __init__(self, obj: Any, where: str) -> None:
        if not isinstance(obj, dict):
            raise ValueError("unika: report %s is not a JSON object" % where)
        self.obj, self.where = obj, where

    def get(self, key: str, types: Any, null: bool = False, default: Any = ...) -> Any:
        if key not in self.obj:
            if default is not ...:
                return default
            raise ValueError("unika: report %s lacks %r" % (self.where, key))
        v = self.obj[key]
        if v is None and null:
            return None
        if not isinstance(v, types) or (isinstance(v, bool) and bool not in _tuple(types)):
            raise ValueError("unika: report %s: %r is %s, not %s" % (
                self.where, key, json.dumps(v)[:40], _names(types) + (" or null" if null
                                                                      else "")))
        return v

    def strings(self, key: str, default: Any = ...) -> Tuple[str, ...]:
        v = self.get(key, list, default=default)
        if v is default:
            return v
        if not all(isinstance(s, str) for s in v):
            raise ValueError("unika: report %s: %r must be a list of strings" % (self.where, key))
        return tuple(v)


def _tuple(types: Any) -> Tuple[type, ...]:
    return types if isinstance(types, tuple) else (types,)


def _names(types: Any) -> str:
    return " or ".join({"str": "a string", "int": "an integer", "float": "a number",
                        "bool": "true or false", "dict": "an object", "list": "a list"}
                       .get(t.__name__, t.__name__) for t in _tuple(types))


def _unique(pairs: List[Tuple[str, Any]]) -> Dict[str, Any]:
    """json.loads' object hook: a key given twice is an error, not the last one."""
    out: Dict[str, Any] = {}
    for k, v in pairs:
        if k in out:
            raise ValueError("unika: the report gives the key %r twice in one object: readers "
                             "disagree on which value counts" % (k,))
        out[k] = v
    return out


def _no_constant(name: str) -> Any:
    raise ValueError("unika: %s is not JSON" % name)


def _float(v: Optional[Union[int, float]]) -> Optional[float]:
    return None if v is None else float(v)


@dataclass(frozen=True)
class Overlap:
    """The sides of an overlap figure: |A & B| for label = a and label = b."""

    label: str
    a: str
    b: str


@dataclass(frozen=True)
class Figure:
    """One published figure (docs/report.md, "json"). kind is "union" or
    "intersection"; shown is the text published ("<5", ".." when withheld);
    value and its interval are what was published after rounding and noise;
    estimate, std_error, ci_low and ci_high are the raw sketch estimate (None
    when withheld or when the release publishes no raw estimates). Which input
    files a figure rests on is not published (version 1 listed their digests,
    which let a partnership-key holder test guessed small cells): an auditor
    selects them again from the signed files with the figure's filter.
    In a report corrected for linkage error (`unika report --estimates`,
    docs/linkage.md 16), estimate and its interval are the corrected ones,
    deterministic the resolution's own count (None when withheld) and mode
    the estimator that corrected it (None otherwise), with m_measured False
    where the partners' agreement was assumed, not measured."""

    id: str
    table: str
    kind: str
    filter: Dict[str, str]
    period_grain: str
    shown: str
    suppressed: bool
    suppression: str
    value: Optional[int]
    rounding_base: Optional[int]
    value_ci_low: Optional[float]
    value_ci_high: Optional[float]
    estimate: Optional[float]
    std_error: Optional[float]
    ci_low: Optional[float]
    ci_high: Optional[float]
    exact: bool
    overlap: Optional[Overlap] = None
    deterministic: Optional[float] = None
    mode: Optional[Dict[str, Any]] = None

    @classmethod
    def _read(cls, obj: Any, i: int) -> "Figure":
        r = _Reader(obj, "figures[%d]" % i)
        r.where = "figure %r" % r.get("id", str)
        ov = r.get("overlap", dict, null=True, default=None)
        if ov is not None:
            o = _Reader(ov, r.where + " overlap")
            ov = Overlap(o.get("label", str), o.get("a", str), o.get("b", str))
        flt = r.get("filter", dict)
        if not all(isinstance(k, str) and isinstance(v, str) for k, v in flt.items()):
            raise ValueError("unika: report %s: 'filter' must map strings to strings" % r.where)
        return cls(
            id=r.get("id", str), table=r.get("table", str), kind=r.get("kind", str),
            filter=dict(flt), period_grain=r.get("period_grain", str),
            shown=r.get("shown", str), suppressed=r.get("suppressed", bool),
            suppression=r.get("suppression", str),
            value=r.get("value", int, null=True),
            rounding_base=r.get("rounding_base", int, null=True),
            value_ci_low=_float(r.get("value_ci_low", _NUM, null=True)),
            value_ci_high=_float(r.get("value_ci_high", _NUM, null=True)),
            estimate=_float(r.get("estimate", _NUM, null=True)),
            std_error=_float(r.get("std_error", _NUM, null=True)),
            ci_low=_float(r.get("ci_low", _NUM, null=True)),
            ci_high=_float(r.get("ci_high", _NUM, null=True)),
            exact=r.get("exact", bool), overlap=ov,
            deterministic=_float(r.get("deterministic", _NUM, null=True, default=None)),
            mode=r.get("mode", dict, null=True, default=None))


@dataclass(frozen=True)
class Table:
    """One table of the report: kind "total", "one-way", "two-way" or
    "overlap"; rows and cols the label values; cells the figure ids per row
    (one per column), row_totals, col_totals and total figure ids; values and
    pairs for an overlap table. rows_label / cols_label name the labels
    ("period" at period_grain)."""

    id: str
    title: str
    kind: str
    period_grain: str
    rows_label: Optional[str] = None
    cols_label: Optional[str] = None
    rows: Tuple[str, ...] = ()
    cols: Tuple[str, ...] = ()
    cells: Tuple[Tuple[str, ...], ...] = ()
    row_totals: Tuple[str, ...] = ()
    col_totals: Tuple[str, ...] = ()
    total: Optional[str] = None
    values: Tuple[str, ...] = ()
    pairs: Tuple[str, ...] = ()
    note: Optional[str] = None

    @classmethod
    def _read(cls, obj: Any, i: int) -> "Table":
        r = _Reader(obj, "tables[%d]" % i)
        r.where = "table %r" % r.get("id", str)
        cells = r.get("cells", list, default=[])
        if not all(isinstance(row, list) and all(isinstance(x, str) for x in row)
                   for row in cells):
            raise ValueError("unika: report %s: 'cells' must be lists of figure ids" % r.where)
        return cls(
            id=r.get("id", str), title=r.get("title", str, default=""), kind=r.get("kind", str),
            period_grain=r.get("period_grain", str),
            rows_label=r.get("rows_label", str, null=True, default=None),
            cols_label=r.get("cols_label", str, null=True, default=None),
            rows=r.strings("rows", ()), cols=r.strings("cols", ()),
            cells=tuple(tuple(row) for row in cells), row_totals=r.strings("row_totals", ()),
            col_totals=r.strings("col_totals", ()),
            total=r.get("total", str, null=True, default=None),
            values=r.strings("values", ()), pairs=r.strings("pairs", ()),
            note=r.get("note", str, null=True, default=None))

    def _title(self, label: Optional[str]) -> str:
        if not label:
            return ""
        return self.period_grain if label == "period" else label

    def positions(self, figures: Mapping[str, Figure]) -> Iterator[Tuple[str, str, str]]:
        """(figure id, row, col) in the order of the report's CSV: cells, row
        totals, column totals, then the total ("total" names a total's row or
        column; col is "" in a one-way table)."""
        if self.kind == "overlap":
            for fid in self.pairs:
                ov = figures[fid].overlap
                yield fid, ov.a if ov else "", ov.b if ov else ""
            return
        two_way = bool(self.cols_label)
        for i, row in enumerate(self.cells):
            for j, fid in enumerate(row):
                yield fid, self.rows[i], self.cols[j] if two_way else ""
        for i, fid in enumerate(self.row_totals):
            yield fid, self.rows[i], "total"
        for j, fid in enumerate(self.col_totals):
            yield fid, "total", self.cols[j]
        if self.total is not None:
            yield self.total, "total", "total" if two_way else ""


def _pandas() -> Any:
    try:
        import pandas  # type: ignore[import-not-found]
    except ImportError:
        raise ImportError("unika: this needs pandas, which is not installed (pip install "
                          "pandas, or apt-get install python3-pandas); Report.rows() gives "
                          "the same data as plain dicts") from None
    return pandas


@dataclass(frozen=True)
class Report:
    """A report as `unika report --format json` writes it (schema
    "unika-report", version 2): the request that chose the tables, the release
    parameters (with the commitment to the inputs, keyed with the release
    key), the tables and the figures. Read one with Report.load(path) or
    Report.from_json(text); look figures up with figure(id) and tables with
    table(id)."""

    schema: str
    version: int
    generator: str
    generator_version: str
    key_fingerprint: str
    recipe_fingerprint: str
    recipe: Optional[str]
    estimator: str
    confidence: float
    request: Dict[str, Any]
    release: Dict[str, Any]
    tables: Tuple[Table, ...]
    figures: Tuple[Figure, ...]

    @classmethod
    def from_json(cls, data: Union[str, bytes, Mapping[str, Any]]) -> "Report":
        """A report from its JSON text, or from the object json.loads() made of it.
        Raises ValueError naming the first field that does not fit the schema,
        or a key given twice in one object (JSON text only)."""
        obj = json.loads(data, object_pairs_hook=_unique, parse_constant=_no_constant) \
            if isinstance(data, (str, bytes)) else data
        r = _Reader(obj, "document")
        schema, version = r.get("schema", str), r.get("version", int)
        if (schema, version) != (SCHEMA, VERSION):
            raise ValueError("unika: not a unika report of a version this package reads: "
                             "schema %r version %d (expected %r version %d)"
                             % (schema, version, SCHEMA, VERSION))
        tables = tuple(Table._read(t, i) for i, t in enumerate(r.get("tables", list)))
        figures = tuple(Figure._read(f, i) for i, f in enumerate(r.get("figures", list)))
        report = cls(schema, version, r.get("generator", str), r.get("generator_version", str),
                     r.get("key_fingerprint", str), r.get("recipe_fingerprint", str),
                     r.get("recipe", str, null=True, default=None), r.get("estimator", str),
                     float(r.get("confidence", _NUM)), dict(r.get("request", dict)),
                     dict(r.get("release", dict)), tables, figures)
        report._check_ids()
        return report

    @classmethod
    def load(cls, path: Union[str, "os.PathLike[str]"]) -> "Report":
        """Reads a report JSON file."""
        with open(path, "rb") as f:
            return cls.from_json(f.read())

    def _check_ids(self) -> None:
        ids = [f.id for f in self.figures]
        if len(set(ids)) != len(ids):
            raise ValueError("unika: report figure ids are not unique")
        known = set(ids)
        for t in self.tables:
            refs = [fid for row in t.cells for fid in row] + list(t.row_totals) + \
                list(t.col_totals) + list(t.pairs) + ([t.total] if t.total else [])
            for fid in refs:
                if fid not in known:
                    raise ValueError("unika: report table %r names figure %r, which the "
                                     "report lacks" % (t.id, fid))

    def figure(self, figure_id: str) -> Figure:
        """The figure with this id (e.g. "total", "by_year/period=2019");
        KeyError when there is none."""
        for f in self.figures:
            if f.id == figure_id:
                return f
        raise KeyError("unika: the report has no figure %r" % (figure_id,))

    def table(self, table_id: str) -> Table:
        """The table with this id (e.g. "by_org"); KeyError when there is none."""
        for t in self.tables:
            if t.id == table_id:
                return t
        raise KeyError("unika: the report has no table %r; its tables are %s"
                       % (table_id, ", ".join(t.id for t in self.tables)))

    def rows(self) -> List[Dict[str, Any]]:
        """One dict per figure and table position, with the columns and in the
        order of the report's CSV (ROW_FIELDS); numbers as the JSON has them."""
        figures = {f.id: f for f in self.figures}
        out = []
        for t in self.tables:
            row_label, col_label = t._title(t.rows_label), t._title(
                t.cols_label or (t.rows_label if t.kind == "overlap" else None))
            for fid, row, col in t.positions(figures):
                f = figures[fid]
                out.append({"table": t.id, "figure": fid, "row_label": row_label, "row": row,
                            "col_label": col_label, "col": col, "shown": f.shown,
                            "estimate": f.estimate, "std_error": f.std_error,
                            "ci_low": f.ci_low, "ci_high": f.ci_high, "exact": f.exact,
                            "suppressed": f.suppressed, "suppression": f.suppression,
                            "value": f.value, "rounding_base": f.rounding_base,
                            "value_ci_low": f.value_ci_low, "value_ci_high": f.value_ci_high})
        return out

    def to_dataframe(self) -> Any:
        """rows() as a pandas DataFrame (ImportError naming pandas when it is not
        installed). Withheld numbers are missing values."""
        pd = _pandas()
        return pd.DataFrame(self.rows(), columns=list(ROW_FIELDS))

    def table_dataframe(self, table_id: str, field: str = "value") -> Any:
        """One table as a pandas DataFrame shaped like the table: rows by the row
        label's values plus "total", columns by the column label's (one column
        named `field` for a one-way table); each cell the figure's `field`
        ("value", "estimate", "shown", ...). An overlap table has one row per
        pair (a, b)."""
        if field not in ROW_FIELDS[6:]:
            raise ValueError("unika: field is one of %s" % ", ".join(ROW_FIELDS[6:]))
        pd = _pandas()
        t = self.table(table_id)
        rows = [r for r in self.rows() if r["table"] == t.id]
        if t.kind == "overlap":
            return pd.DataFrame({field: [r[field] for r in rows]},
                                index=pd.MultiIndex.from_tuples(
                                    [(r["row"], r["col"]) for r in rows], names=["a", "b"]))
        if not t.cols_label:
            return pd.DataFrame({field: [r[field] for r in rows]},
                                index=pd.Index([r["row"] for r in rows],
                                               name=t._title(t.rows_label) or None))
        frame = pd.DataFrame(rows).pivot(index="row", columns="col", values=field)
        frame = frame.reindex(index=list(t.rows) + ["total"], columns=list(t.cols) + ["total"])
        frame.index.name, frame.columns.name = t._title(t.rows_label), t._title(t.cols_label)
        return frame


def read_report(path: Union[str, "os.PathLike[str]"]) -> Report:
    """Report.load(path): a report JSON file as a Report."""
    return Report.load(path)
