"""Hostile workbooks built with zipfile, the sheet XML written as a stream so building stays cheap.

Shared by tests/test_hostile_files.py and bench/import_speed.py (which measures the peak memory of
importing each). Every builder returns the path it wrote.
"""

from __future__ import annotations

import struct
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    "</Types>"
)
_ROOT_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="xl/workbook.xml"'
    ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument"/>'
    "</Relationships>"
)
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    ' xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="话术" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Target="worksheets/sheet1.xml"'
    ' Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet"/>'
    "</Relationships>"
)
_SHEET_HEAD = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
)
_SHEET_TAIL = "</sheetData></worksheet>"


def _row(n: int, *cells: str) -> str:
    inner = "".join(f'<c r="{chr(65 + i)}{n}" t="inlineStr"><is><t>{text}</t></is></c>' for i, text in enumerate(cells))
    return f'<row r="{n}">{inner}</row>'


def workbook(path: Path, sheet_xml: Iterable[str | bytes], *, level: int = 9) -> Path:
    """A one-sheet workbook whose sheet XML is written piece by piece as `sheet_xml` yields it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _ROOT_RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            buf: list[str] = []
            size = 0
            for piece in (_SHEET_HEAD, *sheet_xml, _SHEET_TAIL):
                if isinstance(piece, bytes):  # a big block, written as it is
                    f.write("".join(buf).encode())
                    f.write(piece)
                    buf, size = [], 0
                    continue
                buf.append(piece)
                size += len(piece)
                if size > 1 << 20:
                    f.write("".join(buf).encode())
                    buf, size = [], 0
            f.write("".join(buf).encode())
    return path


def _header() -> Iterator[str]:
    yield _row(1, "标题", "内容")
    yield _row(2, "问候", "您好,请问有什么可以帮您?")


def bomb(path: Path, inflated: int = 1_100_000_000) -> Path:
    """About 1 MB on disk, a sheet of `inflated` bytes: one cell of text repeated past any use."""

    def xml() -> Iterator[str | bytes]:
        yield from _header()
        yield '<row r="3"><c r="B3" t="inlineStr"><is><t>'
        chunk = ("话" * (1 << 22)).encode()
        for _ in range(inflated // len(chunk)):
            yield chunk
        yield "</t></is></c></row>"

    return workbook(path, xml())


def lying_bomb(path: Path, inflated: int = 1_100_000_000) -> Path:
    """The same bomb with its zip directory claiming the sheet is 1 KB: only the stream can tell."""
    bomb(path, inflated)
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    at = data.rfind(b"PK\x01\x02", 0, data.rfind(name))  # the sheet's central directory entry
    # zip64: the real sizes sit in the extra field; claim 1 KB both there and in the fixed fields
    struct.pack_into("<I", data, at + 24, 1024)
    name_len, extra_len = struct.unpack_from("<HH", data, at + 28)
    extra = at + 46 + name_len
    end = extra + extra_len
    while extra + 4 <= end:
        tag, size = struct.unpack_from("<HH", data, extra)
        if tag == 1:
            struct.pack_into("<Q", data, extra + 4, 1024)
        extra += 4 + size
    path.write_bytes(bytes(data))
    return path


def empty_rows(path: Path, rows: int = 4_000_000) -> Path:
    """Two phrases, then `rows` empty (formatted) rows, then one more phrase that is never reached."""

    def xml() -> Iterator[str]:
        yield from _header()
        for n in range(3, rows + 3):
            yield f'<row r="{n}"/>'
        yield _row(rows + 3, "迟到", "这一行在四百万空行之后")

    return workbook(path, xml())


def spaced_rows(path: Path, gap: int = 9_999, phrases: int = 40) -> Path:
    """A phrase after every `gap` empty rows, so no run of empty rows ends the sheet: 400,000 rows."""

    def xml() -> Iterator[str]:
        yield from _header()
        n = 2
        for i in range(phrases):
            yield "".join(f'<row r="{r}"/>' for r in range(n + 1, n + gap + 1))
            n += gap + 1
            yield _row(n, f"第{i}条", f"话术{i}")

    return workbook(path, xml())


def wide_rows(path: Path, rows: int = 20_000) -> Path:
    """Rows whose last cell sits in column XFD (16,384), as a sheet formatted across every column."""

    def xml() -> Iterator[str]:
        yield from _header()
        for n in range(3, rows + 3):
            yield f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>题{n}</t></is></c>'
            yield f'<c r="B{n}" t="inlineStr"><is><t>话术{n}</t></is></c><c r="XFD{n}" s="0"/></row>'

    return workbook(path, xml())


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "bomb_1gb": bomb,
    "lying_directory": lying_bomb,
    "empty_rows_4m": empty_rows,
    "spaced_rows": spaced_rows,
    "wide_rows": wide_rows,
}
