#!/usr/bin/env python3
"""pseudonyms_from_docs.py - unika's pseudonyms, reimplemented from the documents.

Written from docs/pseudonyms.md (recipes, the encoding, a row's fields, the
name's normal form, the loose key), docs/normalisation.md (dates, personnummer,
dossier numbers, gender codes), docs/keys.md (the key file, the subkey) and
docs/profiles.md (a partner's CSV through its profile), without reading the
library's code: standard-library Python only. Where Python's unicodedata
(Unicode 14 in Python 3.11) and the library's utf8proc (Unicode 15) differ,
see docs/pseudonyms.md, section 5; the example data are ASCII apart from "ä".

It checks
  1. every vector of tests/vectors/name_loose.txt (normal form, loose tokens, key);
  2. every recipe, fields and record vector of tests/vectors/pseudonyms.txt;
  3. with a key made by `unika keygen`, every row of every example partner
     (examples/iop-visits/) for every named recipe its profile can feed: the
     pseudonym `unika pseudonymize` writes, or its empty cell for a rejected
     row, must be this program's.

usage: pseudonyms_from_docs.py path/to/unika       (exit 0 only if all agree)
"""
import csv
import hashlib
import io
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import unicodedata

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..")


class Refused(Exception):
    """A value the documents say is refused (the row gets no pseudonym)."""


# ---- docs/keys.md: the key file and the pseudonym subkey -------------------------

def read_key_file(path):
    lines = open(path, "rb").read().decode("ascii").split("\n")
    assert lines[0] == "unika-key v1" and lines[1].startswith("key ")
    return bytes.fromhex(lines[1][4:])


def pseudonym_subkey(key):
    # crypto_kdf_derive_from_key(32, 1, "unika-v1", key): BLAKE2b keyed with the
    # master key, the subkey id as salt (little-endian, zero-padded), the
    # context as personalisation (zero-padded), empty message.
    return hashlib.blake2b(b"", digest_size=32, key=key, salt=struct.pack("<Q", 1) + bytes(8),
                           person=b"unika-v1" + bytes(8)).digest()


# ---- docs/pseudonyms.md, sections 1-3: fields, recipes, the encoding ------------

FIELD_IDS = {"name": 1, "name_loose": 2, "birth_date": 3, "birth_year": 4, "birth_month": 5,
             "gender": 6, "country": 7, "personnummer": 8, "dossier": 9, "digits": 10}
NAMED = {"strict": ["name", "birth_year", "gender"],
         "loose": ["name_loose", "birth_year", "gender"],
         "dob": ["name", "birth_date", "gender"],
         "pnr": ["personnummer"], "dossier": ["dossier"]}


def recipe_fields(text):
    if text.lower() in NAMED:
        return NAMED[text.lower()]
    if text.startswith("unika-recipe-v1:"):
        return text[len("unika-recipe-v1:"):].split(",")
    sep = "+" if "+" in text else ","
    return [f.strip() for f in text.split(sep)]


def recipe_fingerprint(fields):
    canonical = "unika-recipe-v1:" + ",".join(fields)
    return hashlib.blake2b(canonical.encode(), digest_size=16,
                           person=b"unika-recipe-v1\0").digest()


def pseudonym(subkey, fields, values):
    enc = b"unika-pseudonym" + b"\x01" + recipe_fingerprint(fields) + bytes([len(fields)])
    for f, v in zip(fields, values):
        b = v.encode("utf-8")
        assert 1 <= len(b) <= 256
        enc += bytes([FIELD_IDS[f]]) + struct.pack("<I", len(b)) + b
    return hashlib.blake2b(enc, digest_size=32, key=subkey).hexdigest()


# ---- docs/pseudonyms.md, section 5: a name's normal form ------------------------

ASCII_SPACE = " \t\n\v\f\r"
# Default_Ignorable_Code_Point (DerivedCoreProperties.txt, Unicode 15), as listed.
IGNORABLE = [(0x00AD, 0x00AD), (0x034F, 0x034F), (0x061C, 0x061C), (0x115F, 0x1160),
             (0x17B4, 0x17B5), (0x180B, 0x180F), (0x200B, 0x200F), (0x202A, 0x202E),
             (0x2060, 0x206F), (0x3164, 0x3164), (0xFE00, 0xFE0F), (0xFEFF, 0xFEFF),
             (0xFFA0, 0xFFA0), (0xFFF0, 0xFFF8), (0x1BCA0, 0x1BCA3), (0x1D173, 0x1D17A),
             (0xE0000, 0xE0FFF)]


def ignorable(ch):
    c = ord(ch)
    return any(a <= c <= b for a, b in IGNORABLE)


def normal_form(text):
    s = text.strip(ASCII_SPACE)
    if not s:
        raise Refused("EEMPTY")
    saw_visible = False
    for ch in s:
        cat = unicodedata.category(ch)
        if ch in ASCII_SPACE or ch == "\x85" or cat in ("Zs", "Zl", "Zp"):
            continue
        if cat in ("Cc", "Co", "Cn", "Cs"):
            raise Refused("ENAME")
        if cat != "Cf":
            saw_visible = True
    # Step 3: case fold and NFKD until nothing changes, marks and ignorables out, NFC.
    prev = None
    while s != prev:
        prev = s
        s = unicodedata.normalize("NFKD", unicodedata.normalize("NFKD", s).casefold())
        s = "".join(ch for ch in s if not unicodedata.category(ch).startswith("M")
                    and not ignorable(ch))
    s = unicodedata.normalize("NFC", s)
    s = s.replace("\u0640", "")
    tokens, cur = [], ""
    for ch in s:
        cat = unicodedata.category(ch)
        token = not (0x02B9 <= ord(ch) <= 0x02FF) and cat[0] in ("L", "N", "M")
        if token:
            cur += ch
        elif cur:
            tokens.append(cur)
            cur = ""
    if cur:
        tokens.append(cur)
    if not tokens:
        raise Refused("ENAME" if saw_visible else "EEMPTY")
    out = " ".join(sorted(tokens, key=lambda t: t.encode("utf-8")))
    if len(out.encode("utf-8")) > 255:
        raise Refused("ETOOLONG")
    return out


# ---- docs/pseudonyms.md, section 6: the loose name key --------------------------

VOWELS = "aeiou"
PARTICLES = {"ash", "esh", "ush", "ath", "adh", "bin", "ibn", "ben", "bint", "binti", "ould",
             "walad"}


def is_particle(w):
    if len(w) == 2:
        if w[1] == "l" and w[0] in VOWELS:
            return True
        return w[0] in "aeu" and w[1] in "drstz"
    return w in PARTICLES


def units(q):
    """The units of a piece: (symbol or None for a vowel, index after the unit)."""
    out, i, n = [], 0, len(q)
    while i < n:
        rest = q[i:]
        c = q[i]
        if ord(c) >= 0x80:
            sym, k = c, 1
        elif rest.startswith("dsch"):
            sym, k = "j", 4
        elif rest.startswith("dzh"):
            sym, k = "j", 3
        elif rest.startswith("dj"):
            sym, k = "j", 2
        elif rest.startswith("dh"):
            sym, k = "d", 2
        elif rest.startswith("sch"):
            sym, k = "x", 3
        elif rest.startswith("sh") or rest.startswith("sj"):
            sym, k = "x", 2
        elif rest.startswith("ch"):
            sym, k = "x", 2
        elif rest.startswith("ck"):
            sym, k = "k", 2
        elif c == "c":
            sym, k = None, 1
        elif rest.startswith("ph"):
            sym, k = "f", 2
        elif rest.startswith("kh"):
            sym, k = "h", 2
        elif rest.startswith("gh"):
            sym, k = "k", 2
        elif c == "g":
            sym, k = "k", 1
        elif rest.startswith("th"):
            sym, k = "s", 2
        elif c == "y":
            sym = "j" if i == 0 and i + 1 < n and q[i + 1] in VOWELS else None
            k = 1
        elif c in VOWELS:
            sym, k = None, 1
        else:
            sym, k = {"q": "k", "v": "w", "x": "h"}.get(c, c), 1
        i += k
        out.append((sym, i))
    return out


def skeleton(q):
    """A list of symbols (an ASCII letter or digit, or a whole non-ASCII character)."""
    if len(q) >= 2 and q[-1] == "h" and (q[-2] in VOWELS or q[-2] == "y"):
        q = q[:-1]
    kept, last, prev_vowel, prev_kept = [], None, False, None
    for sym, end in units(q):
        if sym is None:
            prev_vowel = True
            continue
        if ord(sym[0]) >= 0x80:
            if prev_kept != sym:
                kept.append(sym)
            prev_kept, last, prev_vowel = sym, None, False
            continue
        if sym == "m" and end == len(q) and prev_vowel:
            sym = "n"
        prev_vowel = False
        if sym == last:
            continue
        kept.append(sym)
        last, prev_kept = sym, sym
    return kept


def length(symbols):
    return sum(len(s.encode("utf-8")) for s in symbols)


def split(w, depth, pieces):
    t = w
    if len(t) >= 2 and t[0] == "c" and t[1] in VOWELS:
        t = t[1:]
    if depth < 4 and t.startswith("a"):
        if t.startswith("abd") and len(t) > 3:
            pieces.append("abd")
            i = 3
            while i < len(t) and t[i] in VOWELS:
                i += 1
            while i < len(t) and t[i] == "l":
                i += 1
            if i < len(t):
                split(t[i:], depth + 1, pieces)
            return
        for h in ("abou", "abu", "abo"):
            if t.startswith(h) and len(t) > len(h) and length(skeleton(t[len(h):])) >= 2:
                pieces.append(h)
                split(t[len(h):], depth + 1, pieces)
                return
        if (t.startswith("ali") or t.startswith("aly")) and len(t) > 3 and \
                length(skeleton(t[3:])) >= 2:
            pieces.append(t[:3])
            split(t[3:], depth + 1, pieces)
            return
    if depth < 4:
        if t[:1] in ("m", "g", "k", "q"):
            want, ends = (["m", "h", "m", "d"], "d") if t[0] == "m" else (["k", "l", "n"], "mn")
            p = 3
            while p + 1 < len(t):
                if t[p - 1] in ends:
                    sk = skeleton(t[:p])
                    if sk == want and length(sk) < p and length(skeleton(t[p:])) >= 1:
                        pieces.append(t[:p])
                        split(t[p:], depth + 1, pieces)
                        return
                p += 1
        if len(t) >= 6 and t[0] in "ae" and t[1] == "l" and t[2] not in "iy":
            split(t[2:], depth + 1, pieces)
            return
        if len(t) >= 6 and t.startswith("ben"):
            split(t[3:], depth + 1, pieces)
            return
    pieces.append(w)


def loose(normal):
    """(tokens, key) of a name's normal form."""
    words = normal.split(" ")
    pieces = []
    if all(is_particle(w) for w in words):
        pieces = list(words)
    else:
        for w in words:
            if not is_particle(w):
                split(w, 0, pieces)
    skels = [skeleton(p) or ["a"] for p in pieces]
    as_bytes = lambda sk: "".join(sk).encode("utf-8")
    tokens = " ".join(s.decode("utf-8") for s in sorted(as_bytes(sk) for sk in skels))
    symbols = sorted((s.encode("utf-8") for sk in skels for s in sk))
    return tokens, b"".join(symbols).decode("utf-8")


# ---- docs/normalisation.md, section 3: dates -------------------------------------

AUTO_SHAPES = ["YYYY-MM-DD", "YYYYMMDD", "DD/MM/YYYY", "YYYY-MM", "YYYY"]


def pattern_tokens(pattern):
    out, i = [], 0
    while i < len(pattern):
        for tok in ("YYYY", "MM", "DD"):
            if pattern.startswith(tok, i):
                out.append(tok)
                i += len(tok)
                break
        else:
            out.append(pattern[i])
            i += 1
    return out


def match_pattern(pattern, s):
    """The (year, month, day) a pattern's shape gives s, or None when it does not fit."""
    toks = pattern_tokens(pattern)
    got, i = {}, 0
    for k, tok in enumerate(toks):
        if tok == "YYYY":
            if len(s) - i < 4 or not s[i:i + 4].isdigit() or not s[i:i + 4].isascii():
                return None
            got[tok], i = int(s[i:i + 4]), i + 4
        elif tok in ("MM", "DD"):
            nxt = toks[k + 1] if k + 1 < len(toks) else None
            width = 2 if nxt in ("YYYY", "MM", "DD") else None
            j = i
            while j < len(s) and j - i < 2 and s[j] in "0123456789":
                j += 1
            if j == i or (width == 2 and j - i != 2):
                return None
            got[tok], i = int(s[i:j]), j
        else:
            if i >= len(s) or s[i] != tok:
                return None
            i += 1
    if i != len(s):
        return None
    return got.get("YYYY"), got.get("MM", 0), got.get("DD", 0)


def days_in(year, month):
    if month == 2:
        return 29 if (year % 4 == 0 and year % 100 != 0) or year % 400 == 0 else 28
    return 30 if month in (4, 6, 9, 11) else 31


def valid_date(y, m, d):
    if not 1800 <= y <= 2199 or not 0 <= m <= 12 or (m == 0 and d != 0):
        return False
    return d == 0 or 1 <= d <= days_in(y, m)


def parse_date(text, fmt=None):
    s = text.strip(ASCII_SPACE)
    if not s:
        raise Refused("EEMPTY")
    patterns = [p.strip(" ") for p in fmt.split("|")] if fmt else AUTO_SHAPES
    for p in patterns:
        ymd = match_pattern(p, s)
        if ymd is not None:
            if not valid_date(*ymd):
                raise Refused("EDATE")
            return ymd
    raise Refused("EDATE")


# ---- docs/normalisation.md, sections 4-6: identity numbers, gender --------------

def luhn(nine):
    total = 0
    for i, ch in enumerate(nine):
        p = int(ch) * (2 if i % 2 == 0 else 1)
        total += p // 10 + p % 10
    return (10 - total % 10) % 10


def personnummer(text, ref):
    s = text.strip(ASCII_SPACE)
    digits = "".join(c for c in s if c in "0123456789")
    sep = [c for c in s if c not in "0123456789"]
    if len(sep) > 1 or any(c not in "-+" for c in sep):
        raise Refused("EPERSONNUMMER")
    if sep:
        at = s.index(sep[0])
        if at != len(s) - 5 or (sep[0] == "+" and len(digits) == 12):
            raise Refused("EPERSONNUMMER")
    if len(digits) not in (10, 12):
        raise Refused("EPERSONNUMMER")
    ten = digits[-10:]
    yy, mm, dd = int(ten[0:2]), int(ten[2:4]), int(ten[4:6])
    if not 1 <= mm <= 12 or not (1 <= dd <= 31 or 61 <= dd <= 91):
        raise Refused("EPERSONNUMMER")
    day = dd - 60 if dd > 60 else dd
    if len(digits) == 12:
        year = int(digits[:4])
    else:
        if ref is None:
            raise Refused("EINVAL")
        ry, rm, rd = ref
        year = ry - ((ry - yy) % 100)
        if year == ry and (mm, day) > (rm, rd):
            year -= 100
        if sep == ["+"]:
            year -= 100
    if year // 100 not in (18, 19, 20) or day > days_in(year, mm):
        raise Refused("EPERSONNUMMER")
    if int(ten[9]) != luhn(ten[:9]):
        raise Refused("ECHECKDIGIT")
    return "%04d" % year + ten[2:]


def dossier(text):
    s = text.strip(ASCII_SPACE).replace("-", "").replace(" ", "")
    if "/" in s:
        head, tail = s.split("/", 1)
        if not (1 <= len(tail) <= 4 and tail.isdigit() and tail.isascii()):
            raise Refused("EDOSSIER")
        s = head
    if len(s) != 8 or not all(c in "0123456789" for c in s):
        raise Refused("EDOSSIER")
    return s


BUILTIN = {}
for g, codes in (("M", ["m", "male", "man", "boy", "pojke", "kille"]),
                 ("F", ["f", "female", "woman", "girl", "k", "kvinna", "flicka", "tjej"]),
                 ("X", ["x", "other", "annat", "annan", "ickebinär", "icke-binär", "icke binär",
                        "ickebinar", "icke-binar", "non-binary", "nonbinary", "non binary",
                        "nb"]),
                 ("U", ["u", "unknown", "okänt", "okänd", "okant", "okand"])):
    for code in codes:
        BUILTIN[code] = g


def ascii_lower(b):
    return bytes(c + 32 if 65 <= c <= 90 else c for c in b)


def gender(cell, profile_codes):
    """The folded gender (M, F, X) of a cell: the profile's codes first (ASCII
    case-insensitive), then the built-in ones (ASCII lowercase, otherwise NFKC and
    case folding); empty is unknown; unknown folds to X."""
    s = cell.strip(ASCII_SPACE)
    g = None
    if not s:
        g = "U"
    for code, mapped in profile_codes:
        if g is None and ascii_lower(code.encode()) == ascii_lower(s.encode()):
            g = mapped
    if g is None:
        key = s.lower() if s.isascii() else unicodedata.normalize("NFKC", s).casefold()
        g = BUILTIN.get(key)
    if g is None:
        raise Refused("EGENDER")
    return "X" if g == "U" else g


# ---- docs/profiles.md: a partner's CSV through its profile ----------------------

GENDER_WORDS = {"male": "M", "female": "F", "other": "X", "unknown": "U", "m": "M", "f": "F",
                "x": "X", "u": "U"}


def read_profile(path):
    prof = {"delimiter": ",", "column": {}, "date_format": {}, "gender": []}
    text = open(path, encoding="utf-8-sig").read()
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, value = (x.strip() for x in line.split("=", 1))
        if len(value) >= 2 and value[0] == '"' and value[-1] == '"':
            value = value[1:-1]
        k = key.lower()
        if k == "delimiter":
            prof["delimiter"] = {"comma": ",", "semicolon": ";", "tab": "\t", "pipe": "|"}.get(
                value, value)
        elif k.startswith("column."):
            prof["column"][k[7:]] = value
        elif k.startswith("date_format."):
            prof["date_format"][k[12:]] = value
        elif k.startswith("gender."):
            prof["gender"].append((key[7:], GENDER_WORDS[value.lower()]))
    return prof


def needs(fields):
    need = set()
    for f in fields:
        need.add({"name": "name", "name_loose": "name", "birth_date": "birth",
                  "birth_year": "birth", "birth_month": "birth", "gender": "gender",
                  "country": "country", "personnummer": "id", "dossier": "id"}[f])
    return need


def row_pseudonym(subkey, fields, prof, cells):
    """The pseudonym of one row (a dict column name -> trimmed cell), or None."""
    col = prof["column"]
    try:
        visit = None
        if "date" in col:  # always read: a bad visit date rejects the row
            visit = parse_date(cells[col["date"]], prof["date_format"].get("date"))
            if visit[2] == 0:
                raise Refused("EDATE")
        need = needs(fields)
        name = birth = g = None
        if "name" in need:
            if "name" in col:
                name = cells[col["name"]]
            else:
                parts = [cells[col[c]] for c in ("given_name", "surname") if c in col]
                name = " ".join(p for p in parts if p)
        if "birth" in need:
            d = cells.get(col.get("birth_date", ""), "")
            if "birth_date" in col and d:
                birth = parse_date(d, prof["date_format"].get("birth_date"))
            elif "birth_year" in col and cells[col["birth_year"]]:
                birth = parse_date(cells[col["birth_year"]], "YYYY")
            else:
                raise Refused("EEMPTY")
        if "gender" in need:
            g = gender(cells[col["gender"]], prof["gender"])
        pnr = dos = None
        if "id" in need:
            if "id_auto" in col:
                s = cells[col["id_auto"]]
                n = sum(c in "0123456789" for c in s)
                if s and n in (10, 12):
                    pnr = personnummer(s, visit)
                elif s and n == 8:
                    dos = dossier(s)
                elif s:
                    raise Refused("EDIGITS")
            else:
                if "personnummer" in fields:
                    pnr = personnummer(cells[col["personnummer"]], visit) \
                        if cells[col["personnummer"]] else None
                if "dossier" in fields:
                    dos = dossier(cells[col["dossier"]]) if cells[col["dossier"]] else None
        values = []
        for f in fields:
            if f == "name":
                values.append(normal_form(name))
            elif f == "name_loose":
                values.append(loose(normal_form(name))[1])
            elif f in ("birth_year", "birth_month", "birth_date"):
                y, m, d = birth
                if f == "birth_year":
                    values.append("%04d" % y)
                elif m == 0 or (f == "birth_date" and d == 0):
                    raise Refused("EDATE")
                else:
                    values.append("%04d-%02d" % (y, m) + ("-%02d" % d if f == "birth_date" else ""))
            elif f == "gender":
                values.append(g)
            elif f == "country":
                values.append(normal_form(cells[col["country"]]))
            elif f == "personnummer":
                if pnr is None:
                    raise Refused("EEMPTY")
                values.append(pnr)
            elif f == "dossier":
                if dos is None:
                    raise Refused("EEMPTY")
                values.append(dos)
        return pseudonym(subkey, fields, values)
    except Refused:
        return None


# ---- the checks ----------------------------------------------------------------

def check_loose_vectors(problems):
    path = os.path.join(ROOT, "tests", "vectors", "name_loose.txt")
    n = 0
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        raw, normal, tokens, key = line.rstrip("\n").split("\t")
        got_normal = normal_form(raw)
        got = (got_normal,) + loose(got_normal)
        if got != (normal, tokens, key):
            problems.append("name_loose.txt: %r gives %r, the file says %r" % (
                raw, got, (normal, tokens, key)))
        n += 1
    return n


def check_pseudonym_vectors(problems):
    path = os.path.join(ROOT, "tests", "vectors", "pseudonyms.txt")
    subkey, n = None, 0
    for line in open(path, encoding="utf-8"):
        if line.startswith("#") or not line.strip():
            continue
        f = line.rstrip("\n").split("\t")
        if f[0] == "recipe":
            fp = recipe_fingerprint(recipe_fields(f[1])).hex()
            if fp != f[3]:
                problems.append("recipe %s: fingerprint %s, the file says %s" % (f[1], fp, f[3]))
        elif f[0] == "key":
            subkey = pseudonym_subkey(bytes.fromhex(f[1]))
        elif f[0] == "fields":
            fields = recipe_fields(f[1])
            got = pseudonym(subkey, fields, f[3:])
            if got != f[2]:
                problems.append("fields vector %s %s: %s" % (f[1], f[3:], got))
        elif f[0] == "record":
            fields = recipe_fields(f[1])
            cols = dict(c.split("=", 1) for c in f[3:])
            prof = {"column": {}, "date_format": {}, "gender": []}
            for c in cols:
                if c.startswith("@"):
                    prof["date_format"][c[1:].replace("_format", "")] = cols[c]
                else:
                    prof["column"][c if c != "visit_date" else "date"] = c
            got = row_pseudonym(subkey, fields, prof, cols)
            if got != f[2]:
                problems.append("record vector %s %s: %s" % (f[1], f[3:], got))
        else:
            continue
        n += 1
    return n


def profile_can(prof, fields):
    col = prof["column"]
    for need in needs(fields):
        if need == "name" and not ("name" in col or "given_name" in col or "surname" in col):
            return False
        if need == "birth" and not ("birth_date" in col or "birth_year" in col):
            return False
        if need == "gender" and "gender" not in col:
            return False
        if need == "country" and "country" not in col:
            return False
        if need == "id" and not ("id_auto" in col or all(
                f not in fields or f in col for f in ("personnummer", "dossier"))):
            return False
    return True


def check_example(unika, problems):
    tmp = tempfile.mkdtemp(prefix="unika-docs-")
    key_path = os.path.join(tmp, "k")
    subprocess.run([unika, "keygen", "-o", key_path], check=True, capture_output=True)
    subkey = pseudonym_subkey(read_key_file(key_path))
    rows = compared = 0
    for org in ("raddabarnen", "rodakorset", "stadsmissionen", "uppsok"):
        csv_path = os.path.join(ROOT, "examples", "iop-visits", org + ".csv")
        prof_path = os.path.join(ROOT, "examples", "profiles", org + ".profile")
        prof = read_profile(prof_path)
        text = open(csv_path, encoding="utf-8").read()
        records = list(csv.reader(io.StringIO(text, newline=""), delimiter=prof["delimiter"],
                                  strict=True))
        header = [h.strip(ASCII_SPACE).lower() for h in records[0]]
        prof["column"] = {f: header.index(c.strip().lower()) for f, c in prof["column"].items()}
        for recipe, fields in NAMED.items():
            if not profile_can(prof, fields):
                continue
            out = os.path.join(tmp, "%s-%s.csv" % (org, recipe))
            subprocess.run([unika, "pseudonymize", "--key", key_path, "--profile", prof_path,
                            "-r", recipe, csv_path, "-o", out], check=True, capture_output=True)
            got = list(csv.reader(open(out, encoding="utf-8", newline=""),
                                  delimiter=prof["delimiter"]))
            col = got[0].index("pseudonym")
            for i, rec in enumerate(records[1:]):
                cells = {k: v.strip(ASCII_SPACE) for k, v in enumerate(rec)}
                mine = row_pseudonym(subkey, fields, prof, cells) or ""
                theirs = got[i + 1][col]
                if mine != theirs:
                    problems.append("%s line %d, recipe %s: the documents give %r, unika %r" % (
                        org, i + 2, recipe, mine[:16], theirs[:16]))
                compared += 1
            rows += len(records) - 1
            print("  %-14s %-8s %5d rows, %5d pseudonyms, %d rejected" % (
                org, recipe, len(records) - 1,
                sum(1 for r in got[1:] if r[col]), sum(1 for r in got[1:] if not r[col])))
    shutil.rmtree(tmp)
    return compared


def main():
    if len(sys.argv) != 2:
        print(__doc__)
        return 2
    problems = []
    n = check_loose_vectors(problems)
    print("name_loose.txt: %d vectors" % n)
    n = check_pseudonym_vectors(problems)
    print("pseudonyms.txt: %d vectors" % n)
    n = check_example(os.path.abspath(sys.argv[1]), problems)
    print("example data: %d row pseudonyms compared" % n)
    for p in problems[:40]:
        print("MISMATCH " + p)
    print("%d mismatch(es)" % len(problems))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
