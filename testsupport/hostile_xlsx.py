"""Hostile .xlsx files, built byte by byte with zipfile, for the importer's defences.

Each builder returns the bytes of a workbook with one sheet whose first row is
``headers`` (inline strings, so no shared-strings part is needed) followed by the
hostile part. The files are small — what makes them hostile is what the sheet
declares or how much work the parser would do, not how big they are.
"""

import zipfile
from io import BytesIO
from xml.sax.saxutils import escape

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"

CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" '
    'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
ROOT_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><workbook xmlns="{MAIN}" '
    f'xmlns:r="{REL}"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Relationships xmlns="{PKG_REL}">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
    'relationships/worksheet" Target="worksheets/sheet1.xml"/></Relationships>'
)


_LAST_CELL = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'

_PARTS = {
    "[Content_Types].xml": CONTENT_TYPES,
    "_rels/.rels": ROOT_RELS,
    "xl/workbook.xml": WORKBOOK,
    "xl/_rels/workbook.xml.rels": WORKBOOK_RELS,
}


def _header_row(headers: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(header)}</t></is></c>' for header in headers)
    return f'<row r="1">{cells}</row>'


def _data_row(number: int, values: list[str]) -> str:
    cells = "".join(f'<c t="inlineStr"><is><t>{escape(v)}</t></is></c>' for v in values)
    return f'<row r="{number}">{cells}</row>'


def workbook(sheet_xml: str | bytes, *, extra: dict[str, bytes] | None = None) -> bytes:
    """A minimal valid package around ``sheet_xml`` (plus ``extra`` parts, e.g. a bomb)."""
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        archive.writestr("xl/worksheets/sheet1.xml", sheet_xml)
        for name, content in (extra or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def sheet(body: str, *, dimension: str = "", prolog: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    return (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{prolog}'
        f'<worksheet xmlns="{MAIN}">{dim}<sheetData>{body}</sheetData></worksheet>'
    )


def text_workbook(headers: list[str], rows: list[list[str]]) -> bytes:
    """A plain workbook whose every cell is text — as a user typed it, "=…" included."""
    body = _header_row(headers) + "".join(
        _data_row(number, values) for number, values in enumerate(rows, start=2)
    )
    return workbook(sheet(body))


def huge_dimension(headers: list[str], row: list[str]) -> bytes:
    """~2 KB: the sheet declares all 16,384 columns × 1,048,576 rows and has one cell in the
    last row, so a reader that trusts the declaration pads a million rows to 16,384 cells."""
    body = _header_row(headers) + _data_row(2, row) + _LAST_CELL
    return workbook(sheet(body, dimension="A1:XFD1048576"))


def empty_rows(headers: list[str], row: list[str], count: int = 300_000) -> bytes:
    """One real row, then ``count`` empty numbered ``<row>`` elements (~700 KB compressed)."""
    body = [_header_row(headers), _data_row(2, row)]
    body.extend(f'<row r="{n}"/>' for n in range(3, count + 3))
    return workbook(sheet("".join(body)))


def compressed_rows(headers: list[str], row: list[str], count: int = 3_000_000) -> bytes:
    """One real row, then ``count`` bare ``<row/>`` elements: 18 MB that zip to ~20 KB."""
    return workbook(sheet(_header_row(headers) + _data_row(2, row) + "<row/>" * count))


def far_row(headers: list[str], row: list[str]) -> bytes:
    """A single cell in the last row and column Excel allows: openpyxl fills the gap."""
    return workbook(sheet(_header_row(headers) + _data_row(2, row) + _LAST_CELL))


def truncated(headers: list[str], row: list[str]) -> bytes:
    """The sheet's XML stops in the middle of an element."""
    xml = sheet(_header_row(headers) + _data_row(2, row) + _data_row(3, row))
    return workbook(xml[: len(xml) - 60])


def external_entity(headers: list[str], row: list[str]) -> bytes:
    """XXE: a cell whose text is an external entity pointing at a local file."""
    prolog = '<!DOCTYPE worksheet [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
    body = _header_row(headers) + _data_row(2, row)
    body += '<row r="3"><c t="inlineStr"><is><t>&xxe;</t></is></c></row>'
    return workbook(sheet(body, prolog=prolog))


def billion_laughs(headers: list[str], row: list[str]) -> bytes:
    """Entity expansion: ten levels of ten references, a billion "lol"s from ~1 KB."""
    entities = ['<!ENTITY lol0 "lol">']
    for level in range(1, 10):
        refs = f"&lol{level - 1};" * 10
        entities.append(f'<!ENTITY lol{level} "{refs}">')
    prolog = f"<!DOCTYPE worksheet [{''.join(entities)}]>"
    body = _header_row(headers) + _data_row(2, row)
    body += '<row r="3"><c t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return workbook(sheet(body, prolog=prolog))


def zip_bomb(headers: list[str], row: list[str], megabytes: int = 320) -> bytes:
    """~0.3 MB that inflates to ``megabytes`` MB: one cell of the sheet holds that much text."""
    head, tail = sheet(
        _header_row(headers) + _data_row(2, row) + '<row r="3"><c t="inlineStr"><is><t>@</t>'
        "</is></c></row>"
    ).split("@")
    buffer = BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for name, content in _PARTS.items():
            archive.writestr(name, content)
        with archive.open("xl/worksheets/sheet1.xml", "w") as part:
            part.write(head.encode())
            chunk = b"A" * (1024 * 1024)
            for _n in range(megabytes):
                part.write(chunk)
            part.write(tail.encode())
    return buffer.getvalue()


def many_entries(headers: list[str], row: list[str], count: int = 20_000) -> bytes:
    """A valid sheet plus ``count`` tiny parts (the central directory is the work)."""
    xml = sheet(_header_row(headers) + _data_row(2, row))
    return workbook(xml, extra={f"xl/media/p{n}.bin": b"" for n in range(count)})


HOSTILE = {
    "huge_dimension": huge_dimension,
    "empty_rows": empty_rows,
    "compressed_rows": compressed_rows,
    "far_row": far_row,
    "truncated": truncated,
    "external_entity": external_entity,
    "billion_laughs": billion_laughs,
    "zip_bomb": zip_bomb,
    "many_entries": many_entries,
}
