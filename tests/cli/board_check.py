#!/usr/bin/env python3
"""board_check.py - checks the board's formats against the report JSON they
were rendered from (tests/cli/board.sh). Standard library only.

  board_check.py probe HTML OUT            a copy of the page with a probe script
  board_check.py html JSON DOM SOURCE [RAW]  the page as Chromium laid it out
  board_check.py xlsx JSON XLSX            the workbook, read back with zipfile
  board_check.py csvsv JSON CSV STAMP      the Swedish CSV and its stamp file
  board_check.py linkage JSON OUT          a copy of JSON with linkage fields
  board_check.py names HTML XLSX CSV NAME...  display names present in all three
  board_check.py calc-xlsx JSON FODS       the workbook as LibreOffice Calc read it
  board_check.py calc-csvsv JSON FODS      the Swedish CSV as Calc read it (Swedish locale)

Each check prints what differs and exits 1; 0 when everything matches.
"""
import csv
import hashlib
import html
import io
import json
import math
import re
import sys
import xml.etree.ElementTree as ET
import zipfile

NBSP = "\u00a0"
failures = []


def fail(msg):
    failures.append(msg)


def sv_int(v):
    """A whole number as the Swedish HTML writes it: 2 927 (U+00A0)."""
    s = str(abs(int(v)))
    groups = []
    while s:
        groups.insert(0, s[-3:])
        s = s[:-3]
    return ("-" if v < 0 else "") + NBSP.join(groups)


def half_up(x):
    """Rounding as the renderers round (C's llround): halves away from zero."""
    return int(math.floor(x + 0.5))


def sv_range(lo, hi):
    return f"{sv_int(half_up(lo))}\u2013{sv_int(half_up(hi))}"


def figures(report):
    return {f["id"]: f for f in report["figures"]}


def interval(f):
    """The published interval the renderers show, or None."""
    if f["suppressed"] or f["exact"]:
        return None
    if f.get("value_ci_low") is not None:
        return f["value_ci_low"], f["value_ci_high"]
    if f.get("ci_low") is not None:
        return f["ci_low"], f["ci_high"]
    return None


# ---- HTML ------------------------------------------------------------------------

PROBE = r"""<script>
(function () {
  var out = {charts: [], cells: []};
  document.querySelectorAll('svg.chart').forEach(function (svg) {
    var r = svg.getBoundingClientRect(), c = {table: svg.getAttribute('data-table'),
      width: r.width, height: r.height, figures: []};
    svg.querySelectorAll('g.figure').forEach(function (g) {
      var bar = g.querySelector('rect.bar'), stub = g.querySelector('rect.stub'), b = null;
      if (bar) { var bb = bar.getBBox(); b = [bb.width, bb.height]; }
      c.figures.push({id: g.getAttribute('data-figure'), bar: b, stub: !!stub,
        linkage: g.querySelectorAll('rect.linkage').length,
        det: g.querySelectorAll('circle.deterministic').length,
        ci: g.querySelectorAll('path.ci').length, text: g.textContent});
    });
    out.charts.push(c);
  });
  document.querySelectorAll('td[data-figure]').forEach(function (td) {
    var v = td.querySelector('.v');
    out.cells.push({id: td.getAttribute('data-figure'), v: v ? v.textContent : null,
      row: td.parentNode.textContent, cell: td.textContent});
  });
  var pre = document.createElement('pre');
  pre.id = 'unika-probe';
  pre.textContent = JSON.stringify(out);
  document.body.appendChild(pre);
})();
</script>"""


def cmd_probe(src, dst):
    page = open(src, encoding="utf-8").read()
    open(dst, "w", encoding="utf-8").write(page.replace("</body>", PROBE + "</body>", 1))


def check_charts(report, probe):
    fig = figures(report)
    charts = {c["table"]: c for c in probe["charts"]}
    for t in report["tables"]:
        c = charts.get(t["id"])
        if c is None:
            fail(f"table {t['id']}: no chart")
            continue
        if c["width"] <= 0 or c["height"] <= 0:
            fail(f"chart {t['id']}: not laid out ({c['width']}x{c['height']})")
        if not c["figures"]:
            fail(f"chart {t['id']}: draws no figure")
        for g in c["figures"]:
            f = fig.get(g["id"])
            if f is None:
                fail(f"chart {t['id']}: draws {g['id']}, which the JSON lacks")
            elif f["suppressed"]:
                if g["bar"] is not None or not g["stub"] or g["ci"]:
                    fail(f"chart {t['id']}: withheld {g['id']} drawn with a bar or interval")
                if re.sub(r"<\d+|\.\.", "", g["text"].split(":", 1)[1]).strip(" ()"):
                    fail(f"chart {t['id']}: withheld {g['id']} says {g['text']!r}")
            else:
                if not g["bar"] or g["bar"][0] <= 0 or g["bar"][1] <= 0:
                    if f["value"] != 0:
                        fail(f"chart {t['id']}: {g['id']} has no visible bar")
                if interval(f) and not g["ci"]:
                    fail(f"chart {t['id']}: {g['id']} lacks its interval")
                if sv_int(f["value"]) not in g["text"]:
                    fail(f"chart {t['id']}: {g['id']} title {g['text']!r} lacks {sv_int(f['value'])!r}")
    return charts


def check_cells(report, probe):
    fig = figures(report)
    seen = set()
    for cell in probe["cells"]:
        f = fig.get(cell["id"])
        if f is None:
            fail(f"cell {cell['id']}: not a figure of the JSON")
            continue
        seen.add(f["id"])
        if f["suppressed"]:
            if cell["cell"] != f["shown"]:
                fail(f"withheld {f['id']}: cell shows {cell['cell']!r}, not {f['shown']!r}")
            continue
        if cell["v"] != sv_int(f["value"]):
            fail(f"{f['id']}: cell shows {cell['v']!r}, the JSON {f['value']} ({sv_int(f['value'])!r})")
        iv = interval(f)
        if iv and sv_range(*iv) not in cell["row"]:
            fail(f"{f['id']}: its interval {sv_range(*iv)!r} is not in its row {cell['row']!r}")
    for f in report["figures"]:
        if f["id"] not in seen:
            fail(f"{f['id']}: in the JSON, not in any table of the page")


def check_source(report, source, raw):
    """No withheld number anywhere in the page's bytes."""
    page = open(source, encoding="utf-8").read()
    if "<script" in page.lower() or "http://" in page.replace("http://www.w3.org/2000/svg", ""):
        fail("the page holds a script or a network address")
    if not raw:
        return
    rawfig = figures(raw)
    for f in report["figures"]:
        if not f["suppressed"]:
            continue
        r = rawfig[f["id"]]
        for key in ("estimate", "std_error", "ci_low", "ci_high"):
            # the full digits of a raw number (a small integer occurs anyway)
            if isinstance(r.get(key), float) and len(repr(r[key])) > 6 and repr(r[key]) in page:
                fail(f"withheld {f['id']}: its {key} {r[key]!r} is in the page source")
        for m in re.finditer(r'data-figure="%s"[^>]*>(.*?)</(td|g)>' % re.escape(html.escape(f["id"])),
                             page, re.S):
            text = re.sub(r"<[^>]+>", "", m.group(1))
            text = html.unescape(text).split(":", 1)[-1]
            if re.sub(r"<\d+|\.\.", "", text).strip(" ()"):
                fail(f"withheld {f['id']}: its element says {text!r}")


def cmd_html(jpath, dom, source, rawpath=None):
    report = json.load(open(jpath, encoding="utf-8"))
    raw = json.load(open(rawpath, encoding="utf-8")) if rawpath else None
    text = open(dom, encoding="utf-8").read()
    m = re.search(r'<pre id="unika-probe">(.*?)</pre>', text, re.S)
    if not m:
        fail("Chromium's DOM has no probe output: the page did not load")
        return
    probe = json.loads(html.unescape(m.group(1)))
    check_charts(report, probe)
    check_cells(report, probe)
    check_source(report, source, raw)


# ---- xlsx --------------------------------------------------------------------------

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main",
      "r": "http://schemas.openxmlformats.org/officeDocument/2006/relationships"}


def col_index(ref):
    letters = re.match(r"[A-Z]+", ref).group(0)
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return int(ref[len(letters):]) - 1, n - 1  # (row, column), 0-based


def read_xlsx(path):
    """{sheet name: {(row, col): ('n', float) | ('s', text)}}, in workbook order."""
    z = zipfile.ZipFile(path)
    shared = []
    if "xl/sharedStrings.xml" in z.namelist():
        for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS):
            shared.append("".join(t.text or "" for t in si.iter("{%s}t" % NS["m"])))
    rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
    book = {}
    for sh in ET.fromstring(z.read("xl/workbook.xml")).find("m:sheets", NS):
        target = rels[sh.get("{%s}id" % NS["r"])]
        cells = {}
        for c in ET.fromstring(z.read("xl/" + target)).iter("{%s}c" % NS["m"]):
            v = c.find("m:v", NS)
            if v is None:
                continue
            kind = c.get("t", "n")
            cells[col_index(c.get("r"))] = ("s", shared[int(v.text)]) if kind == "s" else (kind, float(v.text))
        book[sh.get("name")] = cells
    return z, book


def expect_value(cells, where, f, sheet):
    got = cells.get(where)
    if f["suppressed"]:
        if got != ("s", f["shown"]):
            fail(f"{sheet}{where}: withheld {f['id']} is {got}, not the text {f['shown']!r}")
    elif got != ("n", float(f["value"])):
        fail(f"{sheet}{where}: {f['id']} is {got}, not the number {f['value']}")


def expect_interval(cells, row, col, f, sheet):
    iv = interval(f)
    if iv is None:
        return
    for k, want in enumerate(iv):
        got = cells.get((row, col + k))
        if got != ("n", float(half_up(want))):
            fail(f"{sheet}{(row, col + k)}: interval of {f['id']} is {got}, not {half_up(want)}")


def check_sheet(t, cells, fig, name):
    if t["kind"] == "overlap":
        for k, fid in enumerate(t["pairs"]):
            expect_value(cells, (k + 1, 2), fig[fid], name)
            expect_interval(cells, k + 1, 3, fig[fid], name)
    elif t["kind"] == "two-way":
        nc = len(t["cols"])
        grid = [row + [t["row_totals"][i]] for i, row in enumerate(t["cells"])]
        grid.append(t["col_totals"] + [t["total"]])
        for i, row in enumerate(grid):
            for j, fid in enumerate(row):
                expect_value(cells, (i + 1, 1 + 3 * j), fig[fid], name)
                expect_interval(cells, i + 1, 2 + 3 * j, fig[fid], name)
        if len(grid[0]) != nc + 1:
            fail(f"{name}: two-way grid of the wrong width")
    else:
        ids = [row[0] for row in t.get("cells", [])] + [t["total"]]
        for i, fid in enumerate(ids):
            expect_value(cells, (i + 1, 1), fig[fid], name)
            expect_interval(cells, i + 1, 2, fig[fid], name)


def cmd_xlsx(jpath, path):
    report = json.load(open(jpath, encoding="utf-8"))
    fig = figures(report)
    z, book = read_xlsx(path)
    names = list(book)
    if len(names) != len(report["tables"]) + 1:
        fail(f"{len(names)} sheets for {len(report['tables'])} tables and the release sheet")
        return
    for t, name in zip(report["tables"], names):
        check_sheet(t, book[name], fig, name)
    withheld = [f for f in report["figures"] if f["suppressed"]]
    comments = "".join(z.read(n).decode() for n in z.namelist() if "comments" in n)
    if withheld and ("tröskeln" not in comments and "threshold" not in comments):
        fail("withheld cells carry no note")
    release = book[names[-1]]
    stamp = [v for (r, c), v in release.items() if c == 1 and v[0] == "s" and v[1].startswith("unika-rendering v1")]
    if not stamp or z.comment.decode() != stamp[0][1]:
        fail(f"the stamp sheet says {stamp}, the zip comment {z.comment!r}")
    if b"1980-01-01T00:00:00Z" not in z.read("docProps/core.xml"):
        fail("docProps/core.xml does not carry the fixed creation time")


# ---- the Swedish CSV ---------------------------------------------------------------------

def cmd_csvsv(jpath, path, stamp):
    report = json.load(open(jpath, encoding="utf-8"))
    data = open(path, "rb").read()
    if not data.startswith(b"\xef\xbb\xbf"):
        fail("no byte order mark")
    lines = data[3:].split(b"\r\n")
    if lines[-1] != b"" or any(b"\n" in ln for ln in lines):
        fail("lines are not CRLF-terminated")
    rows = list(csv.reader(io.StringIO(data[3:].decode("utf-8"), newline=""), delimiter=";"))
    if any(len(r) != len(rows[0]) for r in rows):
        fail("rows of different widths")
    body = rows[1:]
    if len(body) != len(report["figures"]):
        fail(f"{len(body)} rows for {len(report['figures'])} figures")
    shown = sorted(str(f["value"]) if not f["suppressed"] else f["shown"] for f in report["figures"])
    if sorted(r[3] for r in body) != shown:
        fail("the value column is not the JSON's figures")
    for r in body:
        for cell in r[3:6]:
            if cell and not re.fullmatch(r"\d+(,\d+)?|<\d+|\.\.", cell):
                fail(f"not a Swedish number: {cell!r}")
    srows = list(csv.reader(io.StringIO(open(stamp, encoding="utf-8-sig").read(), newline=""), delimiter=";"))
    want = hashlib.blake2b(data, digest_size=32).hexdigest()
    if not any(want in r for r in srows):
        fail("the stamp file does not hold the table file's BLAKE2b-256")
    if not srows[-1][1].startswith("unika-rendering v1 format=csv-sv"):
        fail(f"the stamp file's last row is {srows[-1]}")


# ---- linkage fields, display names ----------------------------------------------------------

def cmd_linkage(jpath, out):
    report = json.load(open(jpath, encoding="utf-8"))
    for f in report["figures"]:
        if f["suppressed"]:
            continue
        v = f["value"]
        f["linkage_low"] = round(v * 0.93, 1)
        f["linkage_high"] = round(v * 1.12 + 1, 1)
        f["deterministic"] = round(v * 1.04)
        f["mode"] = {"kind": "match keys + resolution (estimator v1)", "version": 1}
    json.dump(report, open(out, "w", encoding="utf-8"), ensure_ascii=False, indent=1)


def cmd_linkage_html(jpath, dom):
    report = json.load(open(jpath, encoding="utf-8"))
    fig = figures(report)
    probe = json.loads(html.unescape(re.search(r'<pre id="unika-probe">(.*?)</pre>', open(dom).read(), re.S).group(1)))
    for c in probe["charts"]:
        for g in c["figures"]:
            f = fig[g["id"]]
            want = 0 if f["suppressed"] else 1
            if g["linkage"] != want or g["det"] != want:
                fail(f"chart {c['table']}: {g['id']} has {g['linkage']} linkage bands, {g['det']} dots")
    for cell in probe["cells"]:
        f = fig[cell["id"]]
        if not f["suppressed"] and "linkage_low" in f and \
                sv_range(f["linkage_low"], f["linkage_high"]) not in cell["row"]:
            fail(f"{cell['id']}: linkage range {sv_range(f['linkage_low'], f['linkage_high'])!r} not in {cell['row']!r}")
    page = open(dom, encoding="utf-8").read()
    for words in ("länkningsintervallet", "match keys + resolution (estimator v1)"):
        if words not in page:
            fail(f"the page does not say {words!r}")


def cmd_xlsx_linkage(jpath, path):
    """One-way and overlap sheets: linkage low, high and the deterministic count."""
    report = json.load(open(jpath, encoding="utf-8"))
    fig = figures(report)
    cmd_xlsx(jpath, path)
    _, book = read_xlsx(path)
    for t, (name, cells) in zip(report["tables"], book.items()):
        if t["kind"] == "two-way":
            continue
        ids = t["pairs"] if t["kind"] == "overlap" else [r[0] for r in t.get("cells", [])] + [t["total"]]
        col = 7 if t["kind"] == "overlap" else 6
        for i, fid in enumerate(ids):
            f = fig[fid]
            if f["suppressed"]:
                continue
            want = [f["linkage_low"], f["linkage_high"], f["deterministic"]]
            got = [cells.get((i + 1, col + k)) for k in range(3)]
            if got != [("n", float(w)) for w in want]:
                fail(f"{name} row {i + 1}: linkage cells {got}, the JSON {want}")


# ---- as a real spreadsheet read them (LibreOffice Calc, converted to flat ODF) -----

ODF = {"office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
       "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
       "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0"}


def read_fods(path):
    """{sheet name: {(row, col): ('n', float) | ('s', text)}}, as Calc typed each cell."""
    def q(ns, name):
        return "{%s}%s" % (ODF[ns], name)
    book = {}
    for sheet in ET.parse(path).getroot().iter(q("table", "table")):
        cells, r = {}, 0
        for row in sheet.iter(q("table", "table-row")):
            c = 0
            for cell in row:
                reps = int(cell.get(q("table", "number-columns-repeated"), "1"))
                kind = cell.get(q("office", "value-type"))
                text = "\n".join("".join(p.itertext()) for p in cell.findall(q("text", "p")))
                for _ in range(min(reps, 64)):
                    if kind == "float":
                        cells[(r, c)] = ("n", float(cell.get(q("office", "value"))))
                    elif text:
                        cells[(r, c)] = ("s", text)
                    c += 1
            r += int(row.get(q("table", "number-rows-repeated"), "1"))
        book[sheet.get(q("table", "name"))] = cells
    return book


def cmd_calc_xlsx(jpath, fods):
    report = json.load(open(jpath, encoding="utf-8"))
    fig = figures(report)
    book = read_fods(fods)
    names = list(book)
    if len(names) != len(report["tables"]) + 1:
        fail(f"Calc sees {len(names)} sheets for {len(report['tables'])} tables and the release sheet")
        return
    for t, name in zip(report["tables"], names):
        check_sheet(t, book[name], fig, "Calc: " + name)


def cmd_calc_csvsv(jpath, fods):
    report = json.load(open(jpath, encoding="utf-8"))
    (cells,) = read_fods(fods).values()
    nrows = 1 + max(r for r, _ in cells)
    if nrows != len(report["figures"]) + 1:
        fail(f"Calc reads {nrows} rows for {len(report['figures'])} figures and the header")
    got = sorted(cells.get((r, 3)) for r in range(1, nrows))
    want = sorted(("s", f["shown"]) if f["suppressed"] else ("n", float(f["value"]))
                  for f in report["figures"])
    if got != want:
        fail("Calc does not read the value column as the JSON's figures, numbers as numbers")
    for col, key in ((8, "linkage_low"), (9, "linkage_high"), (10, "deterministic")):
        want = sorted(float(f[key]) for f in report["figures"] if key in f)
        got = sorted(v[1] for r in range(1, nrows) if (v := cells.get((r, col))) and v[0] == "n")
        if got != want:
            fail(f"Calc does not read column {col} ({key}) as the JSON's numbers (decimal comma)")


def cmd_names(page, xlsx, csvpath, *names):
    """The names in the page, the workbook and the Swedish CSV with its stamp file."""
    text = open(page, encoding="utf-8").read()
    _, book = read_xlsx(xlsx)
    strings = {v[1] for cells in book.values() for v in cells.values() if v[0] == "s"} | set(book)
    stamp = csvpath[:-4] + ".stamp.csv"
    csvtext = open(csvpath, encoding="utf-8-sig").read() + open(stamp, encoding="utf-8-sig").read()
    for n in names:
        if html.escape(n, quote=False) not in text:
            fail(f"{n!r} is not in the page")
        if not any(n in s for s in strings):
            fail(f"{n!r} is not in the workbook")
        if n not in csvtext:
            fail(f"{n!r} is not in the Swedish CSV")


def main(argv):
    cmds = {"probe": cmd_probe, "html": cmd_html, "xlsx": cmd_xlsx, "csvsv": cmd_csvsv,
            "linkage": cmd_linkage, "linkage-html": cmd_linkage_html, "xlsx-linkage": cmd_xlsx_linkage,
            "calc-xlsx": cmd_calc_xlsx, "calc-csvsv": cmd_calc_csvsv, "names": cmd_names}
    cmds[argv[1]](*argv[2:])
    for f in failures[:40]:
        print("  " + f)
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
