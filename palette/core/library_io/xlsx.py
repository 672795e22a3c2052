"""Excel workbooks: read as a stream within zip-bomb limits, and written with text kept as text."""

from __future__ import annotations

import io
import itertools
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any

from palette.core.atomic import write_atomic
from palette.core.library_io.collector import Collector
from palette.core.library_io.common import (
    FORBIDDEN_HEADER,
    FORBIDDEN_SHEETS,
    IMAGES_HEADER,
    MAX_ROWS,
    LibraryBytes,
    LibraryData,
    LibraryFileError,
    ReadOptions,
    export_header,
    header_key,
    phrase_rows,
)
from palette.core.library_io.pictures import Picture, place_pictures, sheet_pictures
from palette.core.library_io.tables import check_mapping, no_body, read_forbidden, read_table

# Workbook limits, checked from the zip directory before anything is inflated. A 100,000-phrase sheet
# is 20-60 MB of XML; openpyxl streams sheets but holds the shared strings (and styles, workbook…) whole,
# so those get less room. XML deflates 5-20x, so a big member deflated more than 100x is a bomb.
XLSX_MAX_MEMBERS = 1_000
XLSX_MAX_TOTAL_BYTES = 256 * 1024 * 1024
XLSX_MAX_SHEET_BYTES = 128 * 1024 * 1024  # xl/worksheets/*.xml, read as a stream
XLSX_MAX_STRINGS_BYTES = 64 * 1024 * 1024  # xl/sharedStrings.xml, held as one Python list
# …where each string costs ~160 bytes besides its text: a million short ones are 200 MB of RSS. A
# 100,000-phrase sheet of six columns has at most 600,000 distinct cells.
XLSX_MAX_STRINGS = 1_000_000
XLSX_SCAN_FROM_BYTES = 4 * 1024 * 1024  # smaller parts cannot hold too many strings or too long a row
# openpyxl parses one <row> (or what precedes the first and follows the last: merged cells, links…)
# as a whole; a row of a phrase library is a few KB, so 4 MB of XML between two rows is a bomb.
XLSX_MAX_ROW_BYTES = 4 * 1024 * 1024
XLSX_MAX_PART_BYTES = 16 * 1024 * 1024  # every other member (styles, workbook, relationships, pictures)
XLSX_MAX_RATIO = 100
XLSX_RATIO_FROM_BYTES = 10 * 1024 * 1024  # small members (a sheet of empty rows) may deflate more
XLSX_MAX_ROWS_READ = 3 * MAX_ROWS  # rows read in a workbook, empty ones too, so no sheet scans forever
XLSX_MAX_EMPTY_RUN = 10_000  # this many empty rows in a row end a sheet (formatting to row 1,048,576)
XLSX_MAX_COLUMNS = 64  # a library has six columns, a busy sheet a few dozen; further right is never read


def parse_xlsx(source: LibraryBytes, options: ReadOptions, library: str | None) -> LibraryData:
    import openpyxl  # ~140 ms: only when a workbook is read
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    # openpyxl sizes each sheet on load from its <dimension>, and without one parses the whole sheet
    # (keeping every row): a bomb of empty rows costs GBs before a row is read. Sizes are never used
    # here (rows are read as they come), so the sheet is not sized at all.
    ReadOnlyWorksheet._get_size = _unsized

    label = source.label
    try:
        archive = zipfile.ZipFile(io.BytesIO(source.data))
        _check_zip(label, archive)
        wb = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except LibraryFileError:
        raise
    except zipfile.BadZipFile as e:
        raise LibraryFileError(f"{label}: not a valid .xlsx workbook ({e})") from None
    except Exception as e:  # openpyxl raises many types for a damaged package; each is a bad file
        raise LibraryFileError(f"{label}: damaged .xlsx workbook ({type(e).__name__}: {e})") from None
    try:
        collector = Collector(label, library or source.stem, source.folder)
        sheets = list(wb.sheetnames)
        forbidden = [s for s in sheets if header_key(s) in FORBIDDEN_SHEETS]
        if options.sheet is not None:
            if options.sheet not in sheets:
                raise LibraryFileError(f"{label}: no sheet {options.sheet!r} (sheets: {'、'.join(sheets)})")
            phrase_sheets = [options.sheet]
        else:
            phrase_sheets = [s for s in sheets if s not in forbidden]
        mapping = dict(options.mapping)
        found = False
        first_seen: list[str] = []
        budget = [XLSX_MAX_ROWS_READ]
        for name in phrase_sheets:
            ws = wb[name]
            if not hasattr(ws, "iter_rows"):
                continue  # a chart sheet
            rows = _numbered(collector, name, ws, budget)
            pictures = _pictures(collector, archive, name, ws)
            seen = read_table(collector, f"sheet {name}, ", rows, mapping, name, pictures)
            if seen is None:
                found = True
            elif seen:
                first_seen = first_seen or seen
                collector.warn(f"sheet {name}", "no body column; sheet skipped")
        if not found:
            raise no_body(label, first_seen)
        check_mapping(collector, mapping)
        for name in forbidden:
            if not hasattr(wb[name], "iter_rows"):
                continue  # a chart sheet
            read_forbidden(collector, f"sheet {name}, ", _numbered(collector, name, wb[name], budget))
        version = str(wb.properties.version or "")
    except LibraryFileError:
        raise
    except Exception as e:  # a damaged sheet inside a readable package
        raise LibraryFileError(f"{label}: damaged .xlsx workbook ({type(e).__name__}: {e})") from None
    finally:
        wb.close()
    return collector.result(version)


def _pictures(collector: Collector, archive: zipfile.ZipFile, name: str, ws: Any) -> dict[int, list[Picture]]:
    """The pictures anchored in the sheet's rows; a drawing that cannot be read is one warning."""
    try:
        return sheet_pictures(archive, ws._worksheet_path, f"sheet {name}", collector.warn)
    except Exception as e:  # a damaged drawing loses its pictures, not the phrases
        collector.warn(f"sheet {name}", f"the pictures cannot be read ({type(e).__name__}); left out")
        return {}


def _unsized(_sheet: object) -> None:
    """`ReadOnlyWorksheet._get_size` replaced: dimensions stay unknown, rows are as long as their cells."""


def _check_zip(label: str, archive: zipfile.ZipFile) -> None:
    """Refuse a workbook whose parts would inflate past what a phrase library needs (a zip bomb)."""
    members = archive.infolist()
    if len(members) > XLSX_MAX_MEMBERS:
        raise LibraryFileError(f"{label}: {len(members):,} parts in the workbook (limit {XLSX_MAX_MEMBERS:,})")
    total = 0
    for m in members:
        total += m.file_size
        if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
            limit = XLSX_MAX_SHEET_BYTES
        elif m.filename == "xl/sharedStrings.xml":
            limit = XLSX_MAX_STRINGS_BYTES
        else:
            limit = XLSX_MAX_PART_BYTES
        if m.file_size > limit:
            raise LibraryFileError(
                f"{label}: part {m.filename} inflates to {m.file_size / 2**20:,.0f} MB (limit {limit / 2**20:,.0f} MB)"
            )
        if m.file_size > XLSX_RATIO_FROM_BYTES and m.file_size > XLSX_MAX_RATIO * max(m.compress_size, 1):
            raise LibraryFileError(
                f"{label}: part {m.filename} inflates {m.file_size // max(m.compress_size, 1):,} times"
                f" (limit {XLSX_MAX_RATIO}); not a workbook Excel writes"
            )
    if total > XLSX_MAX_TOTAL_BYTES:
        raise LibraryFileError(f"{label}: the workbook inflates to {total / 2**20:,.0f} MB (limit 256 MB)")
    for m in members:
        if m.file_size <= XLSX_SCAN_FROM_BYTES:
            continue
        if m.filename == "xl/sharedStrings.xml":
            if sum(1 for _ in _tags(archive, m, _STRING_TAG)) > XLSX_MAX_STRINGS:
                raise LibraryFileError(
                    f"{label}: part xl/sharedStrings.xml holds more than {XLSX_MAX_STRINGS:,} strings;"
                    " split the library"
                )
        elif m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
            last = 0
            for at in itertools.chain(_tags(archive, m, _ROW_TAG), [m.file_size]):
                if at - last > XLSX_MAX_ROW_BYTES:
                    raise LibraryFileError(
                        f"{label}: part {m.filename}: {(at - last) / 2**20:,.0f} MB of XML in one row"
                        f" or around the rows (limit {XLSX_MAX_ROW_BYTES / 2**20:,.0f} MB); not a phrase sheet"
                    )
                last = at


_STRING_TAG = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")
_ROW_TAG = re.compile(rb"<(?:[\w.-]+:)?row[\s/>]")


def _tags(archive: zipfile.ZipFile, member: zipfile.ZipInfo, tag: re.Pattern[bytes]) -> Iterator[int]:
    """Offsets of `tag` in a member, read as a stream 1 MB at a time (the stream ends at its stated size)."""
    offset = 0  # of `carry` in the member
    carry = b""
    with archive.open(member) as f:
        while chunk := f.read(1 << 20):
            data = carry + chunk
            cut = data.rfind(b"<")  # no tag straddles the cut: each starts with "<"
            cut = len(data) if cut <= 0 else cut
            for m in tag.finditer(data, 0, cut):
                yield offset + m.start()
            carry = data[cut:]
            offset += cut
    for m in tag.finditer(carry):
        yield offset + m.start()


def _numbered(collector: Collector, sheet: str, ws: Any, budget: list[int]) -> Iterator[tuple[int, Sequence[object]]]:
    """Cell values numbered as Excel shows the rows; formula errors (#REF! …) reported and left empty.

    Cells, not bare values: only the cell type tells a formula error from the text "#N/A". Every row
    read, empty or not, spends `budget` (shared by the workbook's sheets); a long run of empty rows
    ends the sheet, so neither a sheet formatted to its last row nor a hostile one is scanned forever.
    """
    empty_run = 0
    # max_col: openpyxl pads each row to its last cell, and one cell in column XFD makes that 16,384
    for n, cells in enumerate(ws.iter_rows(max_col=XLSX_MAX_COLUMNS), start=1):
        budget[0] -= 1
        if budget[0] < 0:
            raise LibraryFileError(
                f"{collector.label}: sheet {sheet}, row {n}: more than {XLSX_MAX_ROWS_READ:,} rows"
                " read (empty ones count); split the library"
            )
        row = [c.value for c in cells]
        if row.count(None) + row.count("") == len(row):
            empty_run += 1
            if empty_run >= XLSX_MAX_EMPTY_RUN:
                collector.warn(
                    f"sheet {sheet}, rows {n - empty_run + 1:,}-{n:,}",
                    f"{XLSX_MAX_EMPTY_RUN:,} empty rows; the rest of the sheet is not read",
                )
                return
            yield n, row
            continue
        empty_run = 0
        types = [c.data_type for c in cells]
        if "e" not in types:
            yield n, row
            continue
        for i, c in enumerate(cells):
            if types[i] == "e":
                row[i] = None
                collector.warn(f"sheet {sheet}, row {n}, column {c.column_letter}", f"formula error {c.value}")
        yield n, row


def write_xlsx(data: LibraryData, path: Path, *, overwrite: bool) -> None:
    import openpyxl
    from openpyxl.cell import WriteOnlyCell

    wb = openpyxl.Workbook(write_only=True)
    wb.properties.title = data.name
    wb.properties.version = data.version or None

    def cells(ws: Any, values: Sequence[str]) -> list[Any]:
        out = []
        for v in values:
            c = WriteOnlyCell(ws, value=v)
            c.data_type = "s"  # text stays text, even '=1+1' or '0012'
            out.append(c)
        return out

    ws = wb.create_sheet("话术")
    header = export_header(data)
    with_images = any(p.images for p in data.phrases)
    ws.append(cells(ws, [*header, IMAGES_HEADER] if with_images else header))
    for row in phrase_rows(data):
        ws.append(cells(ws, row))
    if with_images:  # each phrase's pictures anchored in its row, under 图片 and rightwards
        ordered = sorted(data.phrases, key=lambda p: p.sort_order)
        place_pictures(ws, ((n, p) for n, p in enumerate(ordered, start=2)), len(header), data.images.__getitem__)
    if data.forbidden:
        fw = wb.create_sheet("禁语")
        fw.append(cells(fw, FORBIDDEN_HEADER))
        for w in data.forbidden:
            fw.append(cells(fw, [w.word, w.suggestion]))
    write_atomic(path, wb.save, overwrite=overwrite)
