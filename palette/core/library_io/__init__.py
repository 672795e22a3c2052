"""Library files: reading and writing a whole phrase library outside the user database.

Four formats carry a library: `.xlsx` (what team leads keep), `.csv`, `.json` (documented in the
README) and the SQLite library database that `phrases.db` is. The SQLite file has `meta` (format,
name, version), `phrases` and `forbidden_words`; it is opened read-only and its schema is checked
before anything is read.

Every row of every format goes through one `_Collector`, so the rules are the same everywhere:
problems that make the whole file untrustworthy (unreadable, no body column, duplicate ids, too many
rows) raise `LibraryFileError` with one line naming the file, row and column; problems confined to
one row (an empty body, a huge cell, control characters, a repeated shortcut) become warnings and
the rest of the file is used. Phrase ids here are the file's own ids; `team_library` namespaces them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import itertools
import json
import os
import re
import sqlite3
import tempfile
import unicodedata
import zipfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from pathlib import Path
from typing import Any

from palette.core.atomic import write_atomic
from palette.core.escaping import one_line
from palette.core.model import ForbiddenWord, Phrase
from palette.core.phrase_rules import UNSAFE, clean_text

LIBRARY_FORMAT = "palette-library"
LIBRARY_FORMAT_VERSION = 1

MAX_ROWS = 100_000  # phrases in one library; more is a mistake (a log, a whole CRM export)
MAX_BODY_CHARS = 10_000  # a phrase longer than this is pasted by nobody; Excel itself stops at 32,767
MAX_FIELD_CHARS = 200  # id, category, title
MAX_TAGS_CHARS = 1_000
MAX_SHORTCUT_CHARS = 20
HEADER_SCAN_ROWS = 10  # a sheet may start with a title row or two above the header
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
DEFAULT_CATEGORY = "未分类"
FORMATS = (".xlsx", ".csv", ".json", ".db")

# Header synonyms, compared after `_header_key` (NFKC, lower case, no spaces, no "(必填)" suffix).
FIELD_SYNONYMS: Mapping[str, tuple[str, ...]] = {
    "id": ("编号", "id", "uid", "话术编号", "话术id"),
    "category": ("分类", "类别", "场景", "category", "分组", "类型", "话术分类", "场景分类", "业务分类"),
    "title": ("标题", "名称", "title", "话术标题", "话术名称", "name", "主题"),
    "body": ("内容", "话术", "话术内容", "正文", "回复内容", "body", "text", "回复", "content", "话术正文"),
    "shortcut": ("快捷码", "快捷键", "缩写", "code", "shortcut", "快捷词", "简码", "短码"),
    "tags": ("标签", "tags", "tag", "关键词", "关键字"),
}
FORBIDDEN_SHEETS = ("禁语", "服务禁语", "禁用语", "敏感词", "forbidden", "forbiddenwords")
FORBIDDEN_FIELDS: Mapping[str, tuple[str, ...]] = {
    "word": ("禁语", "服务禁语", "禁用语", "敏感词", "词语", "word", "forbidden"),
    "suggestion": ("建议", "建议用语", "建议话术", "推荐用语", "替换", "替代用语", "suggestion"),
}
IGNORE = "ignore"  # `--map 备注=ignore` leaves a column out
EXPORT_HEADER = ("编号", "分类", "标题", "内容", "快捷码", "标签")
EXPORT_FIELDS = ("id", "category", "title", "body", "shortcut", "tags")
FORBIDDEN_HEADER = ("禁语", "建议")
_TAG_SPLIT = re.compile(r"[,,、;;\n]")
_SPACE = re.compile(r"\s")
_FIELD_LIMITS = {"body": MAX_BODY_CHARS, "tags": MAX_TAGS_CHARS, "shortcut": MAX_BODY_CHARS}  # else MAX_FIELD_CHARS
# A CSV cell starting with one of these is run as a formula by Excel, WPS and LibreOffice (OWASP CSV
# injection); export puts a ' before it (shown as text, the quote hidden) and import takes exactly that ' off.
_FORMULA_START = re.compile(r"'*[=+\-@\t\r]")


class LibraryFileError(Exception):
    """A library file that cannot be used; the message starts with the file's name and is one line."""

    def __init__(self, message: str) -> None:
        super().__init__(one_line(message))


@dataclass(frozen=True)
class LibraryData:
    """One library's content, as read from or written to a file."""

    name: str
    version: str
    phrases: tuple[Phrase, ...]
    forbidden: tuple[ForbiddenWord, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def checksum(self) -> str:
        """sha256 of the content (not of file bytes), so the same library always sums the same.

        Fields are joined by control characters, which stored text never holds (`phrase_rules`):
        four times faster than a canonical JSON at 100,000 phrases.
        """
        phrases = "\x01".join(
            "\x00".join((p.uid, p.category, p.title, p.body, p.shortcut, "\x02".join(p.tags), str(p.sort_order)))
            for p in self.phrases
        )
        words = "\x01".join(f"{w.word}\x00{w.suggestion}" for w in self.forbidden)
        return hashlib.sha256(f"{phrases}\x03{words}".encode()).hexdigest()


@dataclass(frozen=True)
class ReadOptions:
    """How to read a spreadsheet: one sheet or all, and columns the synonyms do not cover."""

    sheet: str | None = None
    mapping: tuple[tuple[str, str], ...] = ()  # (header as written, field)


DEFAULT_OPTIONS = ReadOptions()


@dataclass(frozen=True)
class LibraryBytes:
    """A library file's bytes and how to name it in messages; `companion` is a CSV's 禁语 file."""

    label: str  # the path or URL as the user gave it
    suffix: str  # ".xlsx", ".csv" … from the name; the content decides when they disagree
    stem: str  # the default library name
    data: bytes
    companion: bytes | None = None

    def digest(self) -> str:
        h = hashlib.sha256(self.data)
        if self.companion is not None:
            h.update(b"\0companion\0" + self.companion)
        return h.hexdigest()


def parse_map(items: Iterable[str]) -> tuple[tuple[str, str], ...]:
    """`话术=body` (or `话术=内容`): a column header and the field it holds."""
    pairs: list[tuple[str, str]] = []
    for item in items:
        header, sep, target = item.partition("=")
        if not sep or not header.strip() or not target.strip():
            raise LibraryFileError(f"--map {item!r}: expected HEADER=FIELD, e.g. 话术=body")
        key = _header_key(target)
        if key == IGNORE:
            pairs.append((header.strip(), IGNORE))
            continue
        fld = next((f for f, names in FIELD_SYNONYMS.items() if key == f or key in names), None)
        if fld is None:
            known = ", ".join([*FIELD_SYNONYMS, IGNORE])
            raise LibraryFileError(f"--map {item!r}: unknown field {target.strip()!r} (use {known})")
        pairs.append((header.strip(), fld))
    return tuple(pairs)


# -- reading --------------------------------------------------------------------------------------


def parse_library(
    source: LibraryBytes, options: ReadOptions = DEFAULT_OPTIONS, *, library: str | None = None
) -> LibraryData:
    """Read any supported format; `library` names the result (else the file's stored name or stem)."""
    source = replace(source, label=one_line(source.label))  # a name with a newline still prints on one line
    fmt = sniff_format(source)
    if fmt == ".db":
        return _parse_db(source, library)
    if fmt == ".json":
        return _parse_json(source, options, library)
    if fmt == ".xlsx":
        return _parse_xlsx(source, options, library)
    return _parse_csv(source, options, library)


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


def _header_key(text: object) -> str:
    t = unicodedata.normalize("NFKC", _cell_text(text)).replace("\ufeff", "").strip().lower()
    t = re.sub(r"\(.*?\)$|\[.*?\]$|【.*?】$", "", t)  # 内容(必填)
    return re.sub(r"[\s_\-*::]+", "", t)


_SYNONYM_INDEX = {name: fld for fld, names in FIELD_SYNONYMS.items() for name in names}
_FORBIDDEN_INDEX = {name: fld for fld, names in FORBIDDEN_FIELDS.items() for name in names}


def _cell_text(value: object) -> str:
    """A spreadsheet cell as text: whole numbers without '.0', dates as ISO."""
    if type(value) is str:
        return value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date | time):
        return value.isoformat()
    return str(value)


class _Collector:
    """Turns located rows into phrases with the same checks for every format."""

    def __init__(self, label: str, name: str) -> None:
        self.label = label
        self.name = name
        self.phrases: list[Phrase] = []
        self.forbidden: list[ForbiddenWord] = []
        self.warnings: list[str] = []
        self._ids: dict[str, str] = {}  # id → where it was first seen
        self._shortcuts: dict[str, str] = {}
        self._titles: dict[tuple[str, str], tuple[int, str]] = {}  # (category, title) → (count, where)
        self._words: set[str] = set()
        self.mapped_seen: set[str] = set()  # --map headers found in some header row

    def warn(self, where: str, message: str) -> None:
        self.warnings.append(one_line(f"{self.label}: {where}: {message}"))

    def _clean(self, where: str, column: str, value: object, limit: int) -> str | None:
        """Text of one cell, or None (with a warning) when it is too long to be a phrase field."""
        text = _cell_text(value)
        if not text:
            return ""
        if len(text) > limit:
            self.warn(f"{where}, column {column}", f"{len(text):,} characters (limit {limit:,}); row skipped")
            return None
        if "\ufeff" in text:
            text = text.replace("\ufeff", "")  # a BOM is no content: dropped without a word
        if UNSAFE.search(text) is not None:  # rare: the common row takes no copy
            text = text.replace("\r\n", "\n").replace("\r", "\n")
            cleaned = clean_text(text)
            if cleaned != text:
                self.warn(f"{where}, column {column}", f"removed {len(text) - len(cleaned)} control character(s)")
            text = cleaned
        return text.strip()

    def add(self, where: str, cells: Mapping[str, tuple[str, object]], default_category: str) -> bool:
        """One row: field → (column name, raw value). Returns False when the row was skipped."""
        values: dict[str, str] = {}
        for fld in EXPORT_FIELDS:
            column, raw = cells.get(fld, ("", None))
            text = self._clean(where, column or fld, raw, _FIELD_LIMITS.get(fld, MAX_FIELD_CHARS))
            if text is None:
                return False
            values[fld] = text
        if not any(values.values()):
            return False  # a blank row: nothing to say
        body = values["body"]
        if not body:
            self.warn(where, "no body (empty, or a formula Excel never calculated); row skipped")
            return False
        if len(self.phrases) >= MAX_ROWS:
            raise LibraryFileError(f"{self.label}: more than {MAX_ROWS:,} phrases; split the library")
        category = values["category"] or default_category
        title = values["title"] or _title_from(body)
        phrase_id = values["id"]
        if phrase_id:
            first = self._ids.get(phrase_id)
            if first is not None:
                raise LibraryFileError(f"{self.label}: {where}: id {phrase_id!r} repeats {first}; ids must be unique")
        else:
            phrase_id = self._derive_id(where, category, title)
        self._ids[phrase_id] = where
        shortcut = self._shortcut(where, cells.get("shortcut", ("", None))[0] or "shortcut", values["shortcut"])
        self.phrases.append(
            Phrase(
                uid=phrase_id,
                library=self.name,
                category=category,
                title=title,
                body=body,
                shortcut=shortcut,
                tags=split_tags(values["tags"]),
                sort_order=len(self.phrases),
            )
        )
        return True

    def _derive_id(self, where: str, category: str, title: str) -> str:
        """Without an id column: the same category and title give the same id on every import."""
        count, first = self._titles.get((category, title), (0, where))
        count += 1
        self._titles[(category, title)] = (count, first)
        if count > 1:
            self.warn(
                where,
                f"title {title!r} repeats {first} in category {category!r}; add an id column (编号)"
                " or distinct titles so each keeps its pins and statistics if the rows are reordered",
            )
        key = f"{category}\x1f{title}" + (f"\x1f{count}" if count > 1 else "")
        phrase_id = "k-" + hashlib.blake2b(key.encode("utf-8"), digest_size=8).hexdigest()
        if phrase_id in self._ids:
            raise LibraryFileError(f"{self.label}: {where}: id {phrase_id!r} repeats {self._ids[phrase_id]}")
        return phrase_id

    def _shortcut(self, where: str, column: str, code: str) -> str:
        if not code:
            return ""
        if len(code) > MAX_SHORTCUT_CHARS or _SPACE.search(code):
            self.warn(f"{where}, column {column}", f"shortcut {code[:30]!r} has spaces or is too long; dropped")
            return ""
        first = self._shortcuts.get(code.casefold())
        if first is not None:
            self.warn(f"{where}, column {column}", f"shortcut {code!r} repeats {first}; dropped here")
            return ""
        self._shortcuts[code.casefold()] = where
        return code

    def add_forbidden(self, where: str, word: object, suggestion: object) -> None:
        w = self._clean(where, "禁语", word, MAX_FIELD_CHARS)
        s = self._clean(where, "建议", suggestion, MAX_BODY_CHARS)
        if not w or s is None:
            if w == "" and s:
                self.warn(where, "a suggestion without a forbidden word; skipped")
            return
        if w in self._words:
            self.warn(where, f"forbidden word {w!r} listed twice; the first is kept")
            return
        self._words.add(w)
        self.forbidden.append(ForbiddenWord(w, s, self.name))

    def result(self, version: str) -> LibraryData:
        if not self.phrases:
            raise LibraryFileError(f"{self.label}: no phrases found (every row is empty or was skipped)")
        return LibraryData(self.name, version, tuple(self.phrases), tuple(self.forbidden), tuple(self.warnings))


def _title_from(body: str) -> str:
    first = body.split("\n", 1)[0].strip()
    return first if len(first) <= 20 else first[:20] + "…"


def split_tags(text: str) -> tuple[str, ...]:
    """Tags as typed in a cell: separated by commas (either width), 、 or semicolons; no repeats."""
    seen: dict[str, None] = {}
    for t in _TAG_SPLIT.split(text):
        t = t.strip()
        if t:
            seen.setdefault(t, None)
    return tuple(seen)


# -- tables (xlsx sheets, csv files, json objects) ------------------------------------------------


@dataclass
class _Columns:
    """Which column index holds which field, found from a header row."""

    index: dict[str, int]
    names: dict[str, str]  # field → header as written, for messages

    def cells(self, row: Sequence[object]) -> dict[str, tuple[str, object]]:
        return {f: (self.names[f], row[i] if i < len(row) else None) for f, i in self.index.items()}


def _match_header(
    label: str, row: Sequence[object], mapping: Mapping[str, str], synonyms: Mapping[str, str], mapped: set[str]
) -> _Columns | None:
    index: dict[str, int] = {}
    names: dict[str, str] = {}
    explicit = {_header_key(h): f for h, f in mapping.items()}
    explicit_fields = set(explicit.values())
    for i, cell in enumerate(row):
        key = _header_key(cell)
        if not key:
            continue
        fld = explicit.get(key)
        if fld is not None:
            mapped.add(key)
        else:
            fld = synonyms.get(key)
            if fld is None or fld in explicit_fields:
                continue
        if fld == IGNORE:
            continue
        if fld in index:
            raise LibraryFileError(
                f"{label}: columns {names[fld]!r} and {_cell_text(cell).strip()!r} both look like the {fld};"
                f" choose one with --map {_cell_text(cell).strip()}={fld}"
            )
        index[fld] = i
        names[fld] = _cell_text(cell).strip()
    if "body" not in index and "word" not in index:
        return None
    return _Columns(index, names)


def _find_header(
    collector: _Collector,
    where: str,
    rows: Iterator[tuple[int, Sequence[object]]],
    mapping: Mapping[str, str],
    synonyms: Mapping[str, str],
) -> tuple[_Columns | None, list[str]]:
    """Scan the first rows for the header; returns the columns, or what the first row held."""
    seen: list[str] = []
    label = f"{collector.label}: {where.rstrip(', ')}" if where else collector.label
    for n, row in rows:
        mapped: set[str] = set()
        columns = _match_header(label, row, mapping, synonyms, mapped)
        if columns is not None:
            collector.mapped_seen |= mapped
            return columns, seen
        if not seen:
            seen = [_cell_text(c).strip() for c in row if _cell_text(c).strip()]
        if n >= HEADER_SCAN_ROWS:
            break
    return None, seen


def _no_body(label: str, seen: Sequence[str]) -> LibraryFileError:
    found = "、".join(seen[:12]) or "none"
    return LibraryFileError(
        f"{label}: no body column (looked for {'/'.join(FIELD_SYNONYMS['body'][:7])}; found {found});"
        " name it with --map HEADER=body"
    )


def _read_table(
    collector: _Collector,
    where_prefix: str,
    rows: Iterator[tuple[int, Sequence[object]]],
    mapping: Mapping[str, str],
    default_category: str,
) -> list[str] | None:
    """Read one sheet or csv file of phrases; without a body column, the headers its first row had."""
    columns, seen = _find_header(collector, where_prefix, rows, mapping, _SYNONYM_INDEX)
    if columns is None or "body" not in columns.index:
        return seen
    category = default_category
    body_i, body_key = columns.index["body"], _header_key(columns.names["body"])
    for n, row in rows:
        head = row[body_i] if body_i < len(row) else None
        if type(head) is str and len(head) < 40 and _header_key(head) == body_key and _is_header(columns, row, mapping):
            collector.warn(f"{where_prefix}row {n}", "the header again (two files joined?); row skipped")
            continue
        cells = columns.cells(row)
        text = _cell_text(cells["category"][1]).replace("\ufeff", "").strip() if "category" in cells else ""
        category = text or category  # an empty category cell (a merged cell) continues the one above
        collector.add(f"{where_prefix}row {n}", cells, category)
    return None


def _is_header(columns: _Columns, row: Sequence[object], mapping: Mapping[str, str]) -> bool:
    """Whether `row` names the same fields in the same columns as the header `columns` came from."""
    try:
        again = _match_header("", row, mapping, _SYNONYM_INDEX, set())
    except LibraryFileError:
        return False
    return again is not None and again.index == columns.index


def _check_mapping(collector: _Collector, mapping: Mapping[str, str]) -> None:
    missing = [h for h in mapping if _header_key(h) not in collector.mapped_seen]
    if missing:
        raise LibraryFileError(f"{collector.label}: --map {missing[0]}=…: no column named {missing[0]!r}")


def _read_forbidden(collector: _Collector, where_prefix: str, rows: Iterator[tuple[int, Sequence[object]]]) -> None:
    """A 禁语 list: columns 禁语 and 建议 under a header, or the first two columns without one."""
    first = next(rows, None)
    if first is None:
        return
    columns = _match_header(collector.label, first[1], {}, _FORBIDDEN_INDEX, set())
    word_i, sugg_i = (columns.index.get("word", 0), columns.index.get("suggestion", 1)) if columns else (0, 1)
    body = rows if columns else _chain(first, rows)
    for n, row in body:
        word = row[word_i] if word_i < len(row) else None
        sugg = row[sugg_i] if sugg_i < len(row) else None
        collector.add_forbidden(f"{where_prefix}row {n}", word, sugg)


def _chain(
    first: tuple[int, Sequence[object]], rest: Iterator[tuple[int, Sequence[object]]]
) -> Iterator[tuple[int, Sequence[object]]]:
    yield first
    yield from rest


# -- xlsx -----------------------------------------------------------------------------------------


def _parse_xlsx(source: LibraryBytes, options: ReadOptions, library: str | None) -> LibraryData:
    import openpyxl  # ~140 ms: only when a workbook is read
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    # openpyxl sizes each sheet on load from its <dimension>, and without one parses the whole sheet
    # (keeping every row): a bomb of empty rows costs GBs before a row is read. Sizes are never used
    # here (rows are read as they come), so the sheet is not sized at all.
    ReadOnlyWorksheet._get_size = _unsized

    label = source.label
    try:
        _check_zip(label, zipfile.ZipFile(io.BytesIO(source.data)))
        wb = openpyxl.load_workbook(io.BytesIO(source.data), read_only=True, data_only=True)
    except LibraryFileError:
        raise
    except zipfile.BadZipFile as e:
        raise LibraryFileError(f"{label}: not a valid .xlsx workbook ({e})") from None
    except Exception as e:  # openpyxl raises many types for a damaged package; each is a bad file
        raise LibraryFileError(f"{label}: damaged .xlsx workbook ({type(e).__name__}: {e})") from None
    try:
        collector = _Collector(label, library or source.stem)
        sheets = list(wb.sheetnames)
        forbidden = [s for s in sheets if _header_key(s) in FORBIDDEN_SHEETS]
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
            seen = _read_table(collector, f"sheet {name}, ", rows, mapping, name)
            if seen is None:
                found = True
            elif seen:
                first_seen = first_seen or seen
                collector.warn(f"sheet {name}", "no body column; sheet skipped")
        if not found:
            raise _no_body(label, first_seen)
        _check_mapping(collector, mapping)
        for name in forbidden:
            if not hasattr(wb[name], "iter_rows"):
                continue  # a chart sheet
            _read_forbidden(collector, f"sheet {name}, ", _numbered(collector, name, wb[name], budget))
        version = str(wb.properties.version or "")
    except LibraryFileError:
        raise
    except Exception as e:  # a damaged sheet inside a readable package
        raise LibraryFileError(f"{label}: damaged .xlsx workbook ({type(e).__name__}: {e})") from None
    finally:
        wb.close()
    return collector.result(version)


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


def _numbered(collector: _Collector, sheet: str, ws: Any, budget: list[int]) -> Iterator[tuple[int, Sequence[object]]]:
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


# -- csv ------------------------------------------------------------------------------------------


def decode_text(data: bytes, label: str) -> str:
    """UTF-8 (with or without BOM), UTF-16 with BOM, else GBK/GB18030 as Chinese Excel writes it."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as e:
            raise LibraryFileError(f"{label}: damaged UTF-16 text at byte {e.start}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError as e:
        raise LibraryFileError(
            f"{label}: not text in UTF-8 or GBK/GB18030 (byte {e.start}); save it as CSV UTF-8 or .xlsx"
        ) from None


def _parse_csv(source: LibraryBytes, options: ReadOptions, library: str | None) -> LibraryData:
    label = source.label
    text = decode_text(source.data, label)
    collector = _Collector(label, library or source.stem)
    mapping = dict(options.mapping)
    seen = _read_table(collector, "", _csv_rows(text, label), mapping, DEFAULT_CATEGORY)
    if seen is not None:
        raise _no_body(label, seen)
    _check_mapping(collector, mapping)
    if source.companion is not None:
        words = decode_text(source.companion, f"{label} (禁语 file)")
        _read_forbidden(collector, "禁语 file, ", _csv_rows(words, f"{label} (禁语 file)"))
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


# -- json -----------------------------------------------------------------------------------------


def _parse_json(source: LibraryBytes, options: ReadOptions, library: str | None) -> LibraryData:
    label = source.label
    try:
        doc = json.loads(decode_text(source.data, label))
    except json.JSONDecodeError as e:
        raise LibraryFileError(f"{label}: not valid JSON (line {e.lineno}, column {e.colno}: {e.msg})") from None
    except RecursionError:
        raise LibraryFileError(f"{label}: JSON nested too deeply to be a library") from None
    except ValueError as e:  # a number of more than 4,300 digits
        raise LibraryFileError(f"{label}: not a usable JSON library ({e})") from None
    meta: Mapping[str, Any] = {k.replace("\ufeff", ""): v for k, v in doc.items()} if isinstance(doc, dict) else {}
    _format_version(label, meta.get("format_version"))
    items = doc if isinstance(doc, list) else _json_key(meta, ("phrases", "话术"))
    if not isinstance(items, list):
        raise LibraryFileError(f'{label}: expected a list of phrases under "phrases", found {_json_type(items)}')
    collector = _Collector(label, library or _json_text(meta.get("name")) or source.stem)
    mapping = {_header_key(h): f for h, f in options.mapping}
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            raise LibraryFileError(f"{label}: phrase {n}: expected an object, found {_json_type(item)}")
        cells: dict[str, tuple[str, object]] = {}
        bad = ""
        for key, value in item.items():
            k = _header_key(key)
            fld = mapping.get(k) or (k if k in EXPORT_FIELDS else _SYNONYM_INDEX.get(k))
            if fld is None or fld == IGNORE or fld in cells:
                continue
            if fld == "tags" and isinstance(value, list) and all(type(v) in (str, int) for v in value):
                value = ",".join(map(str, value))
            elif not (value is None or type(value) is str or (fld in ("id", "shortcut") and type(value) is int)):
                bad = bad or f"field {key!r}: expected text, found {_json_type(value)}; row skipped"
            cells[fld] = (str(key), value)
        if "body" not in cells:
            raise LibraryFileError(f'{label}: phrase {n}: no body (use "body" or map a key with --map KEY=body)')
        if bad:
            collector.warn(f"phrase {n}", bad)
            continue
        collector.add(f"phrase {n}", cells, DEFAULT_CATEGORY)
    words = _json_key(meta, ("forbidden", "forbidden_words", "禁语"))
    if words is not None:
        if not isinstance(words, list):
            raise LibraryFileError(f'{label}: "forbidden" should be a list')
        for n, w in enumerate(words, start=1):
            if isinstance(w, str):
                collector.add_forbidden(f"forbidden word {n}", w, "")
            elif isinstance(w, dict) and all(v is None or type(v) is str for v in (w.get("word"), w.get("suggestion"))):
                collector.add_forbidden(f"forbidden word {n}", w.get("word"), w.get("suggestion"))
            else:
                raise LibraryFileError(f"{label}: forbidden word {n}: expected text or an object of text")
    return collector.result(_json_text(meta.get("version")))


def _json_key(meta: Mapping[str, Any], keys: Sequence[str]) -> Any:
    return next((meta[k] for k in keys if k in meta), None)


def _json_text(value: object) -> str:
    return value.strip() if isinstance(value, str) else ""


def _json_type(value: object) -> str:
    """A JSON value's kind as JSON names it, for messages (never the value: it may be huge)."""
    kinds = {dict: "an object", list: "a list", str: "text", bool: "true/false", int: "a number", float: "a number"}
    return "null" if value is None else kinds.get(type(value), type(value).__name__)


# -- SQLite library database ----------------------------------------------------------------------


def _parse_db(source: LibraryBytes, library: str | None) -> LibraryData:
    with tempfile.TemporaryDirectory(prefix="palette-lib-") as tmp:
        path = Path(tmp) / "library.db"
        path.write_bytes(source.data)
        raw = read_library_db(path, library=library, label=source.label, fallback_name=source.stem)
    collector = _Collector(source.label, raw.name)
    collector.warnings.extend(raw.warnings)
    for n, p in enumerate(raw.phrases, start=1):
        cells: dict[str, tuple[str, object]] = {
            "id": ("uid", p.uid),
            "category": ("category", p.category),
            "title": ("title", p.title),
            "body": ("body", p.body),
            "shortcut": ("shortcut", p.shortcut),
            "tags": ("tags", ",".join(p.tags)),
        }
        collector.add(f"phrase {n} ({p.uid})", cells, DEFAULT_CATEGORY)
    for n, w in enumerate(raw.forbidden, start=1):
        collector.add_forbidden(f"forbidden word {n}", w.word, w.suggestion)
    return collector.result(raw.version)


def read_library_db(
    path: Path, *, library: str | None = None, label: str | None = None, fallback_name: str = ""
) -> LibraryData:
    """Read a library database as stored (the standard library's loader; no cleaning).

    `library` renames it (a team may import a file under its own name); `label` names it in messages;
    `fallback_name` applies when the file stores no name. A value of the wrong type (NULL, a number
    where text belongs, a BLOB) is never turned into text like "None": see `_db_text`.
    """
    shown = label or str(path)
    if not path.is_file():
        raise LibraryFileError(f"{shown}: no such file")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise LibraryFileError(f"{shown}: cannot open ({e})") from None
    try:
        return _read(conn, shown, library or None, fallback_name)
    except sqlite3.DatabaseError as e:
        raise LibraryFileError(f"{shown}: not a Palette library database ({e})") from None
    finally:
        conn.close()


class _SkipRow(Exception):
    """A row of a library database that cannot be used; the message says which column and why."""


def _db_text(column: str, value: object, *, required: bool = False) -> str:
    """A text column's value: NULL is empty (or skips the row when `required`), a number its digits."""
    if type(value) is str:
        return value
    if value is None:
        if required:
            raise _SkipRow(f"column {column} is NULL; row skipped")
        return ""
    if isinstance(value, int | float):
        return _cell_text(value)
    raise _SkipRow(f"column {column} holds binary data (a BLOB), not text; row skipped")


def _format_version(path: str, value: object) -> None:
    """Refuse a library written in a format this Palette does not know (`format_version` ≠ 1)."""
    if value is None:
        return  # written before the field existed
    text = str(value).strip() if isinstance(value, str | int) and not isinstance(value, bool) else ""
    if not text.isdigit() or len(text) > 9:
        shown = repr(value)[:30] if isinstance(value, str | int | float) else type(value).__name__
        raise LibraryFileError(f"{path}: field format_version is {shown}, not a whole number")
    if int(text) > LIBRARY_FORMAT_VERSION:
        raise LibraryFileError(f"{path}: made by a newer Palette (library format {text})")
    if int(text) < 1:
        raise LibraryFileError(f"{path}: field format_version is {text}; no Palette wrote that")


def _read(conn: sqlite3.Connection, path: str, library: str | None, fallback_name: str) -> LibraryData:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"meta", "phrases"} <= tables:
        raise LibraryFileError(
            f"{path}: not a Palette library database (tables: {', '.join(sorted(map(str, tables))) or 'none'})"
        )
    meta = {str(k): v for k, v in conn.execute("SELECT key, value FROM meta")}
    if meta.get("format") != LIBRARY_FORMAT:
        raise LibraryFileError(f"{path}: not a Palette library database (format {str(meta.get('format'))[:40]!r})")
    _format_version(path, meta.get("format_version"))
    columns = {r[1] for r in conn.execute("PRAGMA table_info(phrases)")}
    if not columns >= _PHRASE_COLUMNS:
        raise LibraryFileError(f"{path}: table phrases lacks {', '.join(sorted(_PHRASE_COLUMNS - columns))}")
    try:
        name = library or _db_text("name", meta.get("name")).strip() or fallback_name
        version = _db_text("version", meta.get("version")).strip()
    except _SkipRow as e:
        raise LibraryFileError(f"{path}: table meta: {e}".removesuffix("; row skipped")) from None
    if not name:
        raise LibraryFileError(f"{path}: the library has no name; give one with --library")
    phrases: list[Phrase] = []
    warnings: list[str] = []
    rows = conn.execute(
        "SELECT uid, category, title, body, shortcut, tags, sort_order FROM phrases ORDER BY sort_order, rowid"
    )
    for n, (uid, category, title, body, shortcut, tags, order) in enumerate(rows, start=1):
        if n > MAX_ROWS:
            raise LibraryFileError(f"{path}: more than {MAX_ROWS:,} phrases; split the library")
        try:
            tag_list = _db_tags(_db_text("tags", tags))
            if tag_list is None:
                tag_list = ()
                warnings.append(
                    one_line(f"{path}: table phrases, row {n}: column tags is not a JSON list of text; tags emptied")
                )
            phrases.append(
                Phrase(
                    uid=_db_text("uid", uid),
                    library=name,
                    category=_db_text("category", category),
                    title=_db_text("title", title),
                    body=_db_text("body", body, required=True),
                    shortcut=_db_text("shortcut", shortcut),
                    tags=tag_list,
                    sort_order=order if type(order) is int else len(phrases),
                )
            )
        except _SkipRow as e:
            warnings.append(one_line(f"{path}: table phrases, row {n}: {e}"))
    forbidden: list[ForbiddenWord] = []
    if "forbidden_words" in tables:
        for n, (w, s) in enumerate(conn.execute("SELECT word, suggestion FROM forbidden_words ORDER BY rowid"), 1):
            try:
                forbidden.append(ForbiddenWord(_db_text("word", w, required=True), _db_text("suggestion", s), name))
            except _SkipRow as e:
                warnings.append(one_line(f"{path}: table forbidden_words, row {n}: {e}"))
    return LibraryData(name, version, tuple(phrases), tuple(forbidden), tuple(warnings))


def _db_tags(text: str) -> tuple[str, ...] | None:
    """The tags column, a JSON list of text; None when it is something else."""
    if not text:
        return ()
    try:
        tags = json.loads(text)
    except (ValueError, RecursionError):
        return None
    if not isinstance(tags, list) or not all(type(t) is str for t in tags):
        return None
    return tuple(tags)


# -- writing --------------------------------------------------------------------------------------

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE phrases (
    uid TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    shortcut TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    sort_order INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE forbidden_words (word TEXT PRIMARY KEY, suggestion TEXT NOT NULL DEFAULT '');
"""
_PHRASE_COLUMNS = {"uid", "category", "title", "body", "shortcut", "tags", "sort_order"}


def write_library(data: LibraryData, path: Path, *, overwrite: bool = True) -> list[Path]:
    """Write `data` in the format named by `path`'s extension; returns the files written.

    A CSV holds phrases only; its 禁语 go to `NAME.禁语.csv` beside it, which import reads back.
    Every file is written whole or not at all (`write_atomic`); `overwrite=False` refuses existing ones.
    """
    suffix = path.suffix.lower()
    if suffix == ".db":
        write_library_db(data, path, overwrite=overwrite)
    elif suffix == ".json":
        write_atomic(path, _json_bytes(data), overwrite=overwrite)
    elif suffix == ".csv":
        companion = companion_path(path)
        stale = os.path.lexists(companion)  # never leave stale words to be read back
        write_atomic(path, _csv_bytes(_phrase_rows(data), EXPORT_HEADER), overwrite=overwrite)
        if data.forbidden or stale:
            words = _csv_bytes(([w.word, w.suggestion] for w in data.forbidden), FORBIDDEN_HEADER)
            write_atomic(companion, words, overwrite=overwrite)
            return [path, companion]
    elif suffix == ".xlsx":
        _write_xlsx(data, path, overwrite=overwrite)
    else:
        raise LibraryFileError(f"{path}: unknown format {suffix or '(none)'!r} (use {', '.join(FORMATS)})")
    return [path]


def companion_path(csv_path: Path) -> Path:
    """Where a CSV library keeps its 禁语 list: `team.csv` → `team.禁语.csv`."""
    return csv_path.with_name(f"{csv_path.stem}.禁语{csv_path.suffix}")


def _phrase_rows(data: LibraryData) -> Iterator[list[str]]:
    for p in sorted(data.phrases, key=lambda p: p.sort_order):
        yield [p.uid, p.category, p.title, p.body, p.shortcut, ", ".join(p.tags)]


def _json_bytes(data: LibraryData) -> bytes:
    doc = {
        "format": LIBRARY_FORMAT,
        "format_version": LIBRARY_FORMAT_VERSION,
        "name": data.name,
        "version": data.version,
        "phrases": [
            {
                "id": p.uid,
                "category": p.category,
                "title": p.title,
                "body": p.body,
                "shortcut": p.shortcut,
                "tags": list(p.tags),
            }
            for p in sorted(data.phrases, key=lambda p: p.sort_order)
        ],
        "forbidden": [{"word": w.word, "suggestion": w.suggestion} for w in data.forbidden],
    }
    return json.dumps(doc, ensure_ascii=False, indent=1).encode("utf-8")


def _csv_bytes(rows: Iterable[Sequence[str]], header: Sequence[str]) -> bytes:
    """CSV text Excel opens as UTF-8, with every cell a spreadsheet would run as a formula quoted."""
    buf = io.StringIO(newline="")
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([f"'{c}" if _FORMULA_START.match(c) else c for c in row] for row in rows)
    return buf.getvalue().encode("utf-8-sig")  # the BOM makes Excel read it as UTF-8


def _write_xlsx(data: LibraryData, path: Path, *, overwrite: bool) -> None:
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
    ws.append(cells(ws, EXPORT_HEADER))
    for row in _phrase_rows(data):
        ws.append(cells(ws, row))
    if data.forbidden:
        fw = wb.create_sheet("禁语")
        fw.append(cells(fw, FORBIDDEN_HEADER))
        for w in data.forbidden:
            fw.append(cells(fw, [w.word, w.suggestion]))
    write_atomic(path, wb.save, overwrite=overwrite)


def write_library_db(data: LibraryData, path: Path, *, overwrite: bool = True) -> None:
    """Write `data` as a library database at `path`: built whole at a temporary file, then renamed."""
    write_atomic(path, lambda tmp: _build_library_db(data, tmp), overwrite=overwrite)


def _build_library_db(data: LibraryData, tmp: Path) -> None:
    conn = sqlite3.connect(tmp)
    try:
        with conn:
            conn.executescript(_SCHEMA)
            conn.executemany(
                "INSERT INTO meta VALUES (?, ?)",
                [
                    ("format", LIBRARY_FORMAT),
                    ("format_version", str(LIBRARY_FORMAT_VERSION)),
                    ("name", data.name),
                    ("version", data.version),
                ],
            )
            conn.executemany(
                "INSERT INTO phrases VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        p.uid,
                        p.category,
                        p.title,
                        p.body,
                        p.shortcut,
                        json.dumps(list(p.tags), ensure_ascii=False),
                        p.sort_order,
                    )
                    for p in data.phrases
                ],
            )
            conn.executemany(
                "INSERT INTO forbidden_words VALUES (?, ?)", [(w.word, w.suggestion) for w in data.forbidden]
            )
    finally:
        conn.close()
