"""Library files: reading and writing a whole phrase library outside the user database.

Four formats carry a library, one module each: `xlsx` (what team leads keep), `csv_format`,
`json_format` (documented in the README) and `sqlite_format`, the library database that `phrases.db`
is. This module tells them apart by content and dispatches; `common` holds what they share.

Every row of every format goes through one `collector.Collector`, so the rules are the same everywhere:
problems that make the whole file untrustworthy (unreadable, no body column, duplicate ids, too many
rows) raise `LibraryFileError` with one line naming the file, row and column; problems confined to
one row (an empty body, a huge cell, control characters, a repeated shortcut) become warnings and
the rest of the file is used. Phrase ids here are the file's own ids; `team_library` namespaces them.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from palette.core.escaping import one_line
from palette.core.library_io.common import (
    DEFAULT_CATEGORY,
    DEFAULT_OPTIONS,
    FORMATS,
    LibraryBytes,
    LibraryData,
    LibraryFileError,
    ReadOptions,
    parse_map,
)
from palette.core.library_io.csv_format import companion_path, parse_csv, write_csv
from palette.core.library_io.json_format import parse_json, write_json
from palette.core.library_io.pictures import export_targets, images_folder
from palette.core.library_io.sqlite_format import parse_db, read_library_db, write_library_db
from palette.core.library_io.xlsx import parse_xlsx, write_xlsx

__all__ = [  # what callers outside the package use
    "DEFAULT_CATEGORY",
    "DEFAULT_OPTIONS",
    "FORMATS",
    "LibraryBytes",
    "LibraryData",
    "LibraryFileError",
    "ReadOptions",
    "companion_path",
    "export_targets",
    "images_folder",
    "parse_library",
    "parse_map",
    "read_library_db",
    "sniff_format",
    "write_library",
    "write_library_db",
]


def parse_library(
    source: LibraryBytes, options: ReadOptions = DEFAULT_OPTIONS, *, library: str | None = None
) -> LibraryData:
    """Read any supported format; `library` names the result (else the file's stored name or stem)."""
    source = replace(source, label=one_line(source.label))  # a name with a newline still prints on one line
    fmt = sniff_format(source)
    if fmt == ".db":
        return parse_db(source, library)
    if fmt == ".json":
        return parse_json(source, options, library)
    if fmt == ".xlsx":
        return parse_xlsx(source, options, library)
    return parse_csv(source, options, library)


def sniff_format(source: LibraryBytes) -> str:
    """The format by content (a renamed file still reads), refusing what is no library at all."""
    data, label = source.data, source.label
    if not data.strip():
        raise LibraryFileError(f"{label}: the file is empty")
    head = data[:4096]
    if head.startswith(b"SQLite format 3\0"):
        return ".db"
    if head.startswith(b"PK\x03\x04"):
        return ".xlsx"
    if head.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        if "EncryptionInfo".encode("utf-16-le") in data:
            raise LibraryFileError(f"{label}: the workbook is password-protected; save a copy without a password")
        raise LibraryFileError(f"{label}: an old Excel 97-2003 (.xls) file; save it as .xlsx")
    text_head = head.lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if text_head.startswith((b"<!doctype html", b"<html", b"<head", b"<body")):
        raise LibraryFileError(f"{label}: an HTML page, not a library file (a login or error page?)")
    if text_head.startswith((b"%pdf", b"\x89png", b"\xff\xd8\xff", b"gif8", b"{\\rtf")):
        raise LibraryFileError(f"{label}: not a spreadsheet (use .xlsx, .csv, .json or a Palette .db)")
    if source.suffix in (".xlsx", ".xlsm", ".db", ".sqlite"):
        kind = "an Excel workbook" if source.suffix.startswith(".xls") else "a SQLite database"
        raise LibraryFileError(f"{label}: not {kind} (the content does not match the name)")
    if source.suffix == ".json" or text_head.startswith((b"{", b"[")):
        return ".json"
    if head.count(0) > len(head) // 16 and not head.startswith(
        (b"\xff\xfe", b"\xfe\xff")
    ):  # a stray NUL is a row warning
        raise LibraryFileError(f"{label}: a binary file, not a spreadsheet (use .xlsx, .csv, .json or .db)")
    return ".csv"


def write_library(data: LibraryData, path: Path, *, overwrite: bool = True) -> list[Path]:
    """Write `data` in the format named by `path`'s extension; returns the files written.

    A CSV holds phrases only; its 禁语 go to `NAME.禁语.csv` beside it, which import reads back. A CSV
    or JSON library's pictures go to the folder `NAME.图片/` beside it, named in its 图片 column.
    Every file is written whole or not at all (`write_atomic`); `overwrite=False` refuses existing ones.
    """
    suffix = path.suffix.lower()
    if suffix == ".db":
        write_library_db(data, path, overwrite=overwrite)
    elif suffix == ".json":
        return write_json(data, path, overwrite=overwrite)
    elif suffix == ".csv":
        return write_csv(data, path, overwrite=overwrite)
    elif suffix == ".xlsx":
        write_xlsx(data, path, overwrite=overwrite)
    else:
        raise LibraryFileError(f"{path}: unknown format {suffix or '(none)'!r} (use {', '.join(FORMATS)})")
    return [path]
