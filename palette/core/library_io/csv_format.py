"""CSV files: encodings, the delimiter, and the formula quoting that keeps Excel from running a cell."""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterable, Iterator, Sequence
from pathlib import Path

from palette.core.atomic import write_atomic
from palette.core.library_io.collector import Collector
from palette.core.library_io.common import (
    DEFAULT_CATEGORY,
    FORBIDDEN_HEADER,
    IMAGES_HEADER,
    LibraryBytes,
    LibraryData,
    LibraryFileError,
    ReadOptions,
    decode_text,
    export_header,
    phrase_rows,
)
from palette.core.library_io.pictures import write_images_folder
from palette.core.library_io.tables import check_mapping, no_body, read_forbidden, read_table

# A CSV cell starting with one of these is run as a formula by Excel, WPS and LibreOffice (OWASP CSV
# injection); export puts a ' before it (shown as text, the quote hidden) and import takes exactly that ' off.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


def parse_csv(source: LibraryBytes, options: ReadOptions, library: str | None) -> LibraryData:
    label = source.label
    text = decode_text(source.data, label)
    collector = Collector(label, library or source.stem, source.folder)
    mapping = dict(options.mapping)
    seen = read_table(collector, "", _csv_rows(text, label), mapping, DEFAULT_CATEGORY)
    if seen is not None:
        raise no_body(label, seen)
    check_mapping(collector, mapping)
    if source.companion is not None:
        words = decode_text(source.companion, f"{label} (禁语 file)")
        read_forbidden(collector, "禁语 file, ", _csv_rows(words, f"{label} (禁语 file)"))
    return collector.result("")


def _csv_rows(text: str, label: str) -> Iterator[tuple[int, Sequence[object]]]:
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max(",\t;", key=first_line.count)
    limit = csv.field_size_limit()
    if limit < 64 * 1024 * 1024:
        csv.field_size_limit(64 * 1024 * 1024)  # a huge cell is reported on its row, not as a parse error
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    n = 0
    try:
        for n, row in enumerate(reader, start=1):
            if "'" in "".join(row):  # rare: only then is any cell looked at
                row = [c[1:] if _FORMULA_START.match(c, 1) and c[:1] == "'" else c for c in row]
            yield n, row
    except csv.Error as e:
        raise LibraryFileError(f"{label}: row {n + 1}: not valid CSV ({e})") from None


def write_csv(data: LibraryData, path: Path, *, overwrite: bool) -> list[Path]:
    """The phrases at `path`; the 禁语 (or an empty list over stale ones) in its companion file; the
    pictures in the images folder beside it (`pictures.images_folder`), named in a 图片 column."""
    companion = companion_path(path)
    stale = os.path.lexists(companion)  # never leave stale words to be read back
    names = write_images_folder(data.images, data.phrases, path, overwrite=overwrite)
    header, rows = export_header(data), phrase_rows(data)
    if names:
        ordered = sorted(data.phrases, key=lambda p: p.sort_order)
        header = [*header, IMAGES_HEADER]
        rows = ([*row, ";".join(names[r.sha256] for r in p.images)] for row, p in zip(rows, ordered, strict=True))
    write_atomic(path, _csv_bytes(rows, header), overwrite=overwrite)
    written = [path, *(path.parent / n for n in dict.fromkeys(names.values()))]
    if data.forbidden or stale:
        words = _csv_bytes(([w.word, w.suggestion] for w in data.forbidden), FORBIDDEN_HEADER)
        write_atomic(companion, words, overwrite=overwrite)
        written.insert(1, companion)
    return written


def companion_path(csv_path: Path) -> Path:
    """Where a CSV library keeps its 禁语 list: `team.csv` → `team.禁语.csv`."""
    return csv_path.with_name(f"{csv_path.stem}.禁语{csv_path.suffix}")


def _csv_bytes(rows: Iterable[Sequence[str]], header: Sequence[str]) -> bytes:
    """CSV text Excel opens as UTF-8, with every cell a spreadsheet would run as a formula quoted."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([f"'{c}" if _FORMULA_START.match(c) else c for c in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8
