"""Tables of rows (xlsx sheets, CSV files): finding the header, mapping columns, the 禁语 list."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass

from palette.core.library_io.collector import Collector
from palette.core.library_io.common import (
    FIELD_SYNONYMS,
    FORBIDDEN_INDEX,
    IGNORE,
    SYNONYM_INDEX,
    LibraryFileError,
    cell_text,
    header_key,
)
from palette.core.library_io.pictures import Picture

HEADER_SCAN_ROWS = 10  # a sheet may start with a title row or two above the header


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
    explicit = {header_key(h): f for h, f in mapping.items()}
    explicit_fields = set(explicit.values())
    for i, cell in enumerate(row):
        key = header_key(cell)
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
                f"{label}: columns {names[fld]!r} and {cell_text(cell).strip()!r} both look like the {fld};"
                f" choose one with --map {cell_text(cell).strip()}={fld}"
            )
        index[fld] = i
        names[fld] = cell_text(cell).strip()
    if "body" not in index and "word" not in index:
        return None
    return _Columns(index, names)


def _find_header(
    collector: Collector,
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
            seen = [cell_text(c).strip() for c in row if cell_text(c).strip()]
        if n >= HEADER_SCAN_ROWS:
            break
    return None, seen


def no_body(label: str, seen: Sequence[str]) -> LibraryFileError:
    found = "、".join(seen[:12]) or "none"
    return LibraryFileError(
        f"{label}: no body column (looked for {'/'.join(FIELD_SYNONYMS['body'][:7])}; found {found});"
        " name it with --map HEADER=body"
    )


def read_table(
    collector: Collector,
    where_prefix: str,
    rows: Iterator[tuple[int, Sequence[object]]],
    mapping: Mapping[str, str],
    default_category: str,
    pictures: Mapping[int, Sequence[Picture]] | None = None,
) -> list[str] | None:
    """Read one sheet or csv file of phrases; without a body column, the headers its first row had.
    `pictures`: sheet row → the pictures anchored in it (xlsx)."""
    pictures = pictures or {}
    columns, seen = _find_header(collector, where_prefix, rows, mapping, SYNONYM_INDEX)
    if columns is None or "body" not in columns.index:
        return seen
    used: set[int] = set()
    category = default_category
    body_i, body_key = columns.index["body"], header_key(columns.names["body"])
    for n, row in rows:
        head = row[body_i] if body_i < len(row) else None
        if type(head) is str and len(head) < 40 and header_key(head) == body_key and _is_header(columns, row, mapping):
            collector.warn(f"{where_prefix}row {n}", "the header again (two files joined?); row skipped")
            continue
        cells = columns.cells(row)
        text = cell_text(cells["category"][1]).replace("\ufeff", "").strip() if "category" in cells else ""
        category = text or category  # an empty category cell (a merged cell) continues the one above
        if collector.add(f"{where_prefix}row {n}", cells, category, pictures.get(n, ())):
            used.add(n)
    for n in sorted(set(pictures) - used):
        collector.warn(f"{where_prefix}row {n}", "a picture in a row that holds no phrase; left out")
    return None


def _is_header(columns: _Columns, row: Sequence[object], mapping: Mapping[str, str]) -> bool:
    """Whether `row` names the same fields in the same columns as the header `columns` came from."""
    try:
        again = _match_header("", row, mapping, SYNONYM_INDEX, set())
    except LibraryFileError:
        return False
    return again is not None and again.index == columns.index


def check_mapping(collector: Collector, mapping: Mapping[str, str]) -> None:
    missing = [h for h in mapping if header_key(h) not in collector.mapped_seen]
    if missing:
        raise LibraryFileError(f"{collector.label}: --map {missing[0]}=…: no column named {missing[0]!r}")


def read_forbidden(collector: Collector, where_prefix: str, rows: Iterator[tuple[int, Sequence[object]]]) -> None:
    """A 禁语 list: columns 禁语 and 建议 under a header, or the first two columns without one."""
    first = next(rows, None)
    if first is None:
        return
    columns = _match_header(collector.label, first[1], {}, FORBIDDEN_INDEX, set())
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
