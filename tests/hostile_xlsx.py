"""Hostile workbooks built with zipfile, the sheet XML written as a stream so building stays cheap.

Shared by tests/test_hostile_files.py and bench/import_speed.py (which measures the peak memory of
importing each). Every builder returns the path it wrote.
"""

from __future__ import annotations

import os
import struct
import subprocess
import sys
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
    '<Override PartName="/xl/sharedStrings.xml"'
    ' ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
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


def workbook(path: Path, sheet_xml: Iterable[str | bytes], *, level: int = 9, strings: Iterable[str] = ()) -> Path:
    """A one-sheet workbook whose sheet XML is written piece by piece as `sheet_xml` yields it."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        with z.open("xl/sharedStrings.xml", "w", force_zip64=True) as f:
            f.write(b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">')
            for chunk in strings:
                f.write(chunk.encode())
            f.write(b"</sst>")
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


def many_strings(path: Path, count: int = 999_999) -> Path:
    """`count` shared strings, as short as they come: the most memory a workbook under the limits takes."""

    def strings() -> Iterator[str]:
        for start in range(0, count, 50_000):
            yield "".join(f"<si><t>{n:x}</t></si>" for n in range(start, min(start + 50_000, count)))

    return workbook(path, _header(), strings=strings())


def giant_row(path: Path, cells: int = 1_000_000) -> Path:
    """One row of `cells` numbers (18 MB of XML): openpyxl would hold the whole row at once."""

    def xml() -> Iterator[str]:
        yield from _header()
        yield '<row r="3">'
        for start in range(0, cells, 100_000):
            yield "".join(f"<c><v>{n}</v></c>" for n in range(start, start + 100_000))
        yield "</row>"

    return workbook(path, xml())


def merged_cells(path: Path, merges: int = 1_000_000) -> Path:
    """A sheet followed by a million merged ranges (26 MB): parsed into objects after the last row."""

    def xml() -> Iterator[str]:
        yield from _header()
        yield "</sheetData><mergeCells>"
        for start in range(0, merges, 50_000):
            yield "".join(f'<mergeCell ref="A{n}:B{n}"/>' for n in range(start + 3, start + 50_003))
        yield "</mergeCells><sheetData>"

    return workbook(path, xml())


def measured_import(path: Path, home: Path) -> tuple[subprocess.CompletedProcess[str], float]:
    """`palette import PATH --yes` and the peak resident memory (MB) of that process alone.

    ru_maxrss from wait4 would count the caller's own peak too (the child is started with vfork and
    exec keeps the old address space's high-water mark), so the child reports its VmHWM itself.
    """
    hwm = home.with_name(home.name + ".hwm")
    code = (
        "import atexit, os, sys\n"
        "def hwm():\n"
        "    kb = next(line.split()[1] for line in open('/proc/self/status') if line.startswith('VmHWM'))\n"
        "    open(os.environ['PALETTE_BENCH_HWM'], 'w').write(kb)\n"
        "atexit.register(hwm)\n"
        "from palette.cli import main\n"
        "sys.exit(main(sys.argv[1:]))\n"
    )
    env = {**os.environ, "PALETTE_HOME": str(home), "PALETTE_BENCH_HWM": str(hwm)}
    args = [sys.executable, "-c", code, "import", str(path), "--yes"]
    out = subprocess.run(args, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True, timeout=600)
    return out, int(hwm.read_text()) / 1024


HOSTILE: dict[str, Callable[[Path], Path]] = {
    "bomb_1gb": bomb,
    "lying_directory": lying_bomb,
    "empty_rows_4m": empty_rows,
    "spaced_rows": spaced_rows,
    "wide_rows": wide_rows,
    "many_strings": many_strings,
    "giant_row": giant_row,
    "merged_cells": merged_cells,
}
