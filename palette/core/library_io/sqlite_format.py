"""The SQLite library database (the standard library ships as one): read-only, its schema checked first.

It has `meta` (format, name, version, and the library's send default), `phrases` and
`forbidden_words`, and, for image phrases, `images` (blobs by sha256) and `phrase_images` (which
phrase shows which, in order); files written before those existed still read. `read_library_db`
reads it as stored; an import (`parse_db`) then passes every row, pictures too, through the shared
`Collector`.
"""

from __future__ import annotations

import json
import sqlite3
import tempfile
from pathlib import Path

from palette.core.atomic import write_atomic
from palette.core.escaping import one_line
from palette.core.library_io.collector import Collector
from palette.core.library_io.common import (
    DEFAULT_CATEGORY,
    LIBRARY_FORMAT,
    LIBRARY_FORMAT_VERSION,
    MAX_ROWS,
    LibraryBytes,
    LibraryData,
    LibraryFileError,
    cell_text,
    check_format_version,
)
from palette.core.model import ForbiddenWord, ImageRef, Phrase, SendMode

_SCHEMA = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE phrases (
    uid TEXT PRIMARY KEY,
    category TEXT NOT NULL,
    title TEXT NOT NULL,
    body TEXT NOT NULL,
    shortcut TEXT NOT NULL DEFAULT '',
    tags TEXT NOT NULL DEFAULT '[]',
    sort_order INTEGER NOT NULL DEFAULT 0,
    send TEXT
);
CREATE TABLE forbidden_words (word TEXT PRIMARY KEY, suggestion TEXT NOT NULL DEFAULT '');
CREATE TABLE images (sha256 TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE phrase_images (uid TEXT NOT NULL, position INTEGER NOT NULL, sha256 TEXT NOT NULL,
    PRIMARY KEY (uid, position));
"""
_PHRASE_COLUMNS = {"uid", "category", "title", "body", "shortcut", "tags", "sort_order"}


def parse_db(source: LibraryBytes, library: str | None) -> LibraryData:
    with tempfile.TemporaryDirectory(prefix="palette-lib-") as tmp:
        path = Path(tmp) / "library.db"
        path.write_bytes(source.data)
        raw = read_library_db(path, library=library, label=source.label, fallback_name=source.stem)
    collector = Collector(source.label, raw.name)
    collector.warnings.extend(raw.warnings)
    for n, p in enumerate(raw.phrases, start=1):
        cells: dict[str, tuple[str, object]] = {
            "id": ("uid", p.uid),
            "category": ("category", p.category),
            "title": ("title", p.title),
            "body": ("body", p.body),
            "shortcut": ("shortcut", p.shortcut),
            "tags": ("tags", ",".join(p.tags)),
            "send": ("send", p.send.value if p.send else None),
        }
        pictures = [(f"image {r.sha256[:12]}", raw.images[r.sha256]) for r in p.images]
        collector.add(f"phrase {n} ({p.uid})", cells, DEFAULT_CATEGORY, pictures)
    for n, w in enumerate(raw.forbidden, start=1):
        collector.add_forbidden(f"forbidden word {n}", w.word, w.suggestion)
    return collector.result(raw.version, raw.send, raw.send_each)


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
        return cell_text(value)
    raise _SkipRow(f"column {column} holds binary data (a BLOB), not text; row skipped")


def _read(conn: sqlite3.Connection, path: str, library: str | None, fallback_name: str) -> LibraryData:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"meta", "phrases"} <= tables:
        raise LibraryFileError(
            f"{path}: not a Palette library database (tables: {', '.join(sorted(map(str, tables))) or 'none'})"
        )
    meta = {str(k): v for k, v in conn.execute("SELECT key, value FROM meta")}
    if meta.get("format") != LIBRARY_FORMAT:
        raise LibraryFileError(f"{path}: not a Palette library database (format {str(meta.get('format'))[:40]!r})")
    check_format_version(path, meta.get("format_version"))
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
    images, links = _db_images(conn, tables, path, warnings)
    send_column = "send" if "send" in columns else "NULL"
    rows = conn.execute(
        f"SELECT uid, category, title, body, shortcut, tags, sort_order, {send_column} FROM phrases"
        " ORDER BY sort_order, rowid"
    )
    for n, (uid, category, title, body, shortcut, tags, order, send) in enumerate(rows, start=1):
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
                    images=links.get(uid, ()),
                    send=_db_send(send),
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
    send, send_each = _db_send(meta.get("send")), meta.get("send_each")
    return LibraryData(
        name,
        version,
        tuple(phrases),
        tuple(forbidden),
        tuple(warnings),
        images=images,
        send=send,
        send_each=None if send_each is None else str(send_each) == "1",
    )


def _db_send(value: object) -> SendMode | None:
    """A send column's value; anything but a known mode is the library's default (the Collector warns
    about text it does not know when it reads the row again)."""
    return SendMode(value) if type(value) is str and value in SendMode.__members__.values() else None


def _db_images(
    conn: sqlite3.Connection, tables: set[str], path: str, warnings: list[str]
) -> tuple[dict[str, bytes], dict[str, tuple[ImageRef, ...]]]:
    """The blobs by sha256 and each phrase's pictures in order; a link to a missing blob is a warning.

    A ref's kind and size are placeholders here: `parse_db` checks every picture again from its bytes.
    """
    if not {"images", "phrase_images"} <= tables:
        return {}, {}
    blobs = {str(k): bytes(v) for k, v in conn.execute("SELECT sha256, data FROM images") if type(v) is bytes}
    links: dict[str, list[ImageRef]] = {}
    for uid, sha in conn.execute("SELECT uid, sha256 FROM phrase_images ORDER BY uid, position"):
        if sha not in blobs:
            warnings.append(one_line(f"{path}: table phrase_images: phrase {uid!r}: image {str(sha)[:12]} is missing"))
            continue
        links.setdefault(uid, []).append(ImageRef(sha, "", 0, 0))
    return blobs, {uid: tuple(refs) for uid, refs in links.items()}


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
                    *([("send", data.send.value)] if data.send is not None else []),
                    *([("send_each", str(int(data.send_each)))] if data.send_each is not None else []),
                ],
            )
            conn.executemany(
                "INSERT INTO phrases VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        p.uid,
                        p.category,
                        p.title,
                        p.body,
                        p.shortcut,
                        json.dumps(list(p.tags), ensure_ascii=False),
                        p.sort_order,
                        p.send.value if p.send else None,
                    )
                    for p in data.phrases
                ],
            )
            used = {r.sha256 for p in data.phrases for r in p.images}
            conn.executemany("INSERT INTO images VALUES (?, ?)", [(sha, data.images[sha]) for sha in sorted(used)])
            conn.executemany(
                "INSERT INTO phrase_images VALUES (?, ?, ?)",
                [(p.uid, i, r.sha256) for p in data.phrases for i, r in enumerate(p.images)],
            )
            conn.executemany(
                "INSERT INTO forbidden_words VALUES (?, ?)", [(w.word, w.suggestion) for w in data.forbidden]
            )
    finally:
        conn.close()
