"""Library files: reading and writing a whole phrase library outside the user database.

A library file (`phrases.db`, or a team lead's export) is a small SQLite database of its own:
`meta` (format, name, version), `phrases` and `forbidden_words`. It is opened read-only and its
schema is checked before anything is read, so a wrong file is refused with one clear line.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from dataclasses import dataclass, field
from pathlib import Path

from palette.core.model import ForbiddenWord, Phrase

LIBRARY_FORMAT = "palette-library"
LIBRARY_FORMAT_VERSION = 1


class LibraryFileError(Exception):
    """A library file that cannot be used; the message starts with the file's name."""


@dataclass(frozen=True)
class LibraryData:
    """One library's content, as read from or written to a file."""

    name: str
    version: str
    phrases: tuple[Phrase, ...]
    forbidden: tuple[ForbiddenWord, ...] = ()
    warnings: tuple[str, ...] = field(default=())

    def checksum(self) -> str:
        """sha256 of the content (not of file bytes), so the same library always sums the same."""
        canon = {
            "phrases": [
                [p.uid, p.category, p.title, p.body, p.shortcut, list(p.tags), p.sort_order] for p in self.phrases
            ],
            "forbidden": [[w.word, w.suggestion] for w in self.forbidden],
        }
        blob = json.dumps(canon, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(blob.encode("utf-8")).hexdigest()


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


def write_library_db(data: LibraryData, path: Path) -> None:
    """Write `data` as a library database at `path`, replacing it atomically."""
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
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
    tmp.replace(path)


def read_library_db(path: Path, *, library: str | None = None) -> LibraryData:
    """Read a library database; `library` renames it (a team may import a file under its own name)."""
    if not path.is_file():
        raise LibraryFileError(f"{path}: no such file")
    try:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error as e:
        raise LibraryFileError(f"{path}: cannot open ({e})") from None
    try:
        return _read(conn, path, library)
    except sqlite3.DatabaseError as e:
        raise LibraryFileError(f"{path}: not a Palette library database ({e})") from None
    finally:
        conn.close()


def _read(conn: sqlite3.Connection, path: Path, library: str | None) -> LibraryData:
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not {"meta", "phrases"} <= tables:
        raise LibraryFileError(
            f"{path}: not a Palette library database (tables: {', '.join(sorted(tables)) or 'none'})"
        )
    meta = dict(conn.execute("SELECT key, value FROM meta").fetchall())
    if meta.get("format") != LIBRARY_FORMAT:
        raise LibraryFileError(f"{path}: not a Palette library database (format {meta.get('format')!r})")
    if int(meta.get("format_version", "0")) > LIBRARY_FORMAT_VERSION:
        raise LibraryFileError(f"{path}: made by a newer Palette (library format {meta['format_version']})")
    columns = {r[1] for r in conn.execute("PRAGMA table_info(phrases)")}
    if not columns >= _PHRASE_COLUMNS:
        raise LibraryFileError(f"{path}: table phrases lacks {', '.join(sorted(_PHRASE_COLUMNS - columns))}")
    name = library or meta.get("name", "")
    if not name:
        raise LibraryFileError(f"{path}: the library has no name; give one with --library")
    phrases = []
    rows = conn.execute(
        "SELECT uid, category, title, body, shortcut, tags, sort_order FROM phrases ORDER BY sort_order, rowid"
    )
    for n, (uid, category, title, body, shortcut, tags, order) in enumerate(rows, start=1):
        try:
            tag_list = json.loads(tags) if tags else []
            if not isinstance(tag_list, list):
                raise ValueError
        except ValueError:
            raise LibraryFileError(f"{path}: phrase {uid!r} (row {n}): tags are not a JSON list") from None
        phrases.append(
            Phrase(
                uid=str(uid),
                library=name,
                category=str(category),
                title=str(title),
                body=str(body),
                shortcut=str(shortcut or ""),
                tags=tuple(str(t) for t in tag_list),
                sort_order=int(order),
            )
        )
    forbidden: list[ForbiddenWord] = []
    if "forbidden_words" in tables:
        forbidden = [
            ForbiddenWord(str(w), str(s or ""), name)
            for w, s in conn.execute("SELECT word, suggestion FROM forbidden_words ORDER BY rowid")
        ]
    return LibraryData(name=name, version=meta.get("version", ""), phrases=tuple(phrases), forbidden=tuple(forbidden))
