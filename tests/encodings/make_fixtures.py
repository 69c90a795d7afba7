#!/usr/bin/env python3
"""Writes the encoding fixtures of tests/encodings/ (committed; rerun after a change).

The expected UTF-8 of every Windows-1252 and UTF-16 fixture comes from
Python's own codecs, an implementation independent of src/input/encoding.c,
so the tests compare unika's decoder against a second one.

  cp1252-all.bin / .utf8   every byte Windows-1252 defines (all but 0x81,
                           0x8D, 0x8F, 0x90, 0x9D; and no NUL), and Python's
                           decoding of them
  visits.utf8.csv          a partner's visit log with every Swedish letter,
                           the letters and marks of Arabic-script
                           transliteration (Ḥ ʿ ʾ ā ī ū ṣ ḍ ṭ ẓ ...), curly
                           quotes, dashes and an ellipsis as Excel writes
                           them, and one character beyond the BMP
  visits.utf8.tsv          the same, tab-separated
  visits.utf16le-bom.txt   that file as Excel's "Unicode text" writes it:
                           UTF-16 little-endian with a byte-order mark, tabs
  visits.utf16le.csv       the same without the byte-order mark
  visits.utf16be-bom.csv   big-endian, with the mark
  excel.utf8.csv           the visits whose names Windows-1252 can hold
  excel.cp1252.csv         that file as Swedish Excel's "CSV
                           (semikolonavgränsad)" writes it: Windows-1252
  workbook.xlsx            the same rows as an Excel workbook
"""
import os
import zipfile

HERE = os.path.dirname(os.path.abspath(__file__))

SWEDISH = "abcdefghijklmnopqrstuvwxyzåäö ABCDEFGHIJKLMNOPQRSTUVWXYZÅÄÖ"
EXCEL_ROWS = [  # names Windows-1252 can hold: Swedish, é ü, š ž, typography
    ("2019-01-07", "Åsa Öberg-Ängström", "2001-03-14", "kvinna", "Sverige"),
    ("2019-01-08", "André Müller", "1999-12-31", "man", "Österrike"),
    ("2019-02-11", "Zoë Åkesson", "2003-06-01", "kvinna", "Sverige"),
    ("2019-02-12", "Šarunas Žukauskas", "2000-01-20", "man", "Litauen"),
    ("2019-03-01", "Conor O’Brien", "1998-07-07", "man", "Irland"),
    ("2019-03-02", "“Lilla” Märta – Lind…", "2002-02-02", "kvinna", "Sverige"),
    ("2019-03-03", SWEDISH, "2004-04-04", "annat", "Sverige"),
    ("2019-04-05", "Œdipe Ÿves — € ‰ † ‡ • ™ ˆ ˜ ‹ › „ ‚ ƒ", "1997-05-05", "man", "Frankrike"),
]
TRANSLIT_ROWS = [  # Arabic-script transliteration (ISO 233 / DIN 31635 style)
    ("2019-05-01", "Muḥammad ʿAlī al-Ḥasan", "2001-01-01", "man", "Syrien"),
    ("2019-05-02", "Fāṭima bint ʿUmar", "2003-03-03", "kvinna", "Irak"),
    ("2019-05-03", "ʾAḥmad Ṣāliḥ Ḍāhir", "2000-10-10", "man", "Jemen"),
    ("2019-05-04", "Zaynab Ẓāhir Ṭūsī", "2004-11-11", "kvinna", "Iran"),
    ("2019-05-05", "Ḫālid Ġāzī Šāh", "1999-09-09", "man", "Afghanistan"),
    ("2019-05-06", "Ḏū Ṯābit Ūsāma Īsā", "2002-12-12", "man", "Sudan"),
    ("2019-05-07", "Ali 𝐀 Reza", "2001-02-03", "man", "Afghanistan"),  # U+1D400, a surrogate pair
]
HEADER = ("besoksdatum", "namn", "fodelsedatum", "kon", "land")


def csv_text(rows, delim, eol):
    lines = [delim.join(HEADER)] + [delim.join(r) for r in rows]
    return eol.join(lines) + eol


def write(name, data):
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(data)


def xlsx(path, rows):
    """A workbook laid out as Excel 2016 writes it (first entry [Content_Types].xml)."""
    def cell(ref, text):
        esc = text.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c r="{ref}" t="inlineStr"><is><t>{esc}</t></is></c>'
    sheet_rows = []
    for i, r in enumerate([HEADER] + list(rows), start=1):
        cells = "".join(cell(f"{chr(65 + j)}{i}", v) for j, v in enumerate(r))
        sheet_rows.append(f'<row r="{i}">{cells}</row>')
    files = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        '</Types>',
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        '</Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        '<sheets><sheet name="Besök" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
        '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        '</Relationships>',
        "xl/worksheets/sheet1.xml": '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<sheetData>{"".join(sheet_rows)}</sheetData></worksheet>',
    }
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in files.items():
            info = zipfile.ZipInfo(name, date_time=(2019, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            z.writestr(info, text.encode("utf-8"))


def main():
    defined = bytes(b for b in range(1, 256) if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D))
    write("cp1252-all.bin", defined)
    write("cp1252-all.utf8", defined.decode("cp1252").encode("utf-8"))

    visits = csv_text(EXCEL_ROWS + TRANSLIT_ROWS, ";", "\r\n")
    write("visits.utf8.csv", visits.encode("utf-8"))
    tab = csv_text(EXCEL_ROWS + TRANSLIT_ROWS, "\t", "\r\n")
    write("visits.utf8.tsv", tab.encode("utf-8"))
    write("visits.utf16le-bom.txt", b"\xff\xfe" + tab.encode("utf-16-le"))
    write("visits.utf16le.csv", visits.encode("utf-16-le"))
    write("visits.utf16be-bom.csv", b"\xfe\xff" + visits.encode("utf-16-be"))

    excel = csv_text(EXCEL_ROWS, ";", "\r\n")
    write("excel.utf8.csv", excel.encode("utf-8"))
    write("excel.cp1252.csv", excel.encode("cp1252"))
    xlsx(os.path.join(HERE, "workbook.xlsx"), EXCEL_ROWS)


if __name__ == "__main__":
    main()
