"""Opening `palette.db`: the tables, the migration steps and the connection, and the one way to write.

A new schema step is appended to MIGRATIONS (never an edit of a released one); `StoreBase` checks what
it opens and upgrades it under the write lock, so two processes opening a new database do it once.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Self

import sqlite_utils

from palette.core.model import PERSONAL_LIBRARY, LibraryKind
from palette.core.store.errors import StoreError, explain

SCHEMA_VERSION = 6
BUSY_TIMEOUT_S = 5.0


def _migrate_0_to_1(db: sqlite_utils.Database) -> None:
    db.executescript(
        """
        CREATE TABLE libraries (
            name TEXT PRIMARY KEY,
            kind TEXT NOT NULL CHECK (kind IN ('standard', 'team', 'personal')),
            source TEXT NOT NULL DEFAULT '',
            version TEXT NOT NULL DEFAULT '',
            imported_at TEXT NOT NULL DEFAULT '',
            checksum TEXT NOT NULL DEFAULT '',
            read_only INTEGER NOT NULL DEFAULT 1
        );
        CREATE TABLE phrases (
            uid TEXT PRIMARY KEY,
            library TEXT NOT NULL REFERENCES libraries(name) ON UPDATE CASCADE,
            category TEXT NOT NULL,
            title TEXT NOT NULL,
            body TEXT NOT NULL,
            shortcut TEXT NOT NULL DEFAULT '',
            tags TEXT NOT NULL DEFAULT '[]',
            sort_order INTEGER NOT NULL DEFAULT 0,
            override_of TEXT,
            updated_at REAL NOT NULL DEFAULT 0
        );
        CREATE INDEX phrases_library ON phrases(library, sort_order);
        CREATE UNIQUE INDEX phrases_override ON phrases(override_of) WHERE override_of IS NOT NULL;
        CREATE TABLE phrase_flags (
            uid TEXT PRIMARY KEY,
            pinned INTEGER NOT NULL DEFAULT 0,
            hidden INTEGER NOT NULL DEFAULT 0
        );
        CREATE TABLE usage (
            uid TEXT PRIMARY KEY,
            count INTEGER NOT NULL,
            last_used REAL NOT NULL,
            score REAL NOT NULL
        );
        CREATE TABLE usage_events (
            id INTEGER PRIMARY KEY,
            ts REAL NOT NULL,
            uid TEXT NOT NULL,
            prev_uid TEXT
        );
        CREATE INDEX usage_events_prev ON usage_events(prev_uid);
        CREATE TABLE profile (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL);
        CREATE TABLE forbidden_words (
            source TEXT NOT NULL,
            word TEXT NOT NULL,
            suggestion TEXT NOT NULL DEFAULT '',
            PRIMARY KEY (source, word)
        );
        """
    )
    db.table("libraries").insert({"name": PERSONAL_LIBRARY, "kind": LibraryKind.PERSONAL.value, "read_only": 0})


def _migrate_1_to_2(db: sqlite_utils.Database) -> None:
    """The change log other processes read (`Store.poll_external`); it names uids, never text."""
    db.executescript(
        """
        CREATE TABLE changes (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            writer TEXT NOT NULL,
            change TEXT NOT NULL
        );
        """
    )


def _migrate_2_to_3(db: sqlite_utils.Database) -> None:
    """Per-day counts for the lead's usage report (`core.report`): uids, kinds, normalised misses, never text."""
    db.executescript(
        """
        CREATE TABLE usage_daily (
            day TEXT NOT NULL,
            kind TEXT NOT NULL,
            key TEXT NOT NULL,
            library TEXT NOT NULL DEFAULT '',
            version TEXT NOT NULL DEFAULT '',
            n INTEGER NOT NULL,
            PRIMARY KEY (day, kind, key, library, version)
        );
        """
    )


def _migrate_3_to_4(db: sqlite_utils.Database) -> None:
    """The team lead's loop: validity dates on phrases, overrides whose team phrase changed under them
    (`team_updates`: the team text the override was made from), and each team layer's last versions
    (`library_versions`: who, when, from where, the summary, and the rows to restore it, compressed)."""
    db.executescript(
        """
        ALTER TABLE phrases ADD COLUMN valid_from TEXT NOT NULL DEFAULT '';
        ALTER TABLE phrases ADD COLUMN valid_until TEXT NOT NULL DEFAULT '';
        CREATE INDEX phrases_dated ON phrases(uid) WHERE valid_from != '' OR valid_until != '';
        CREATE TABLE team_updates (
            uid TEXT PRIMARY KEY,
            old_title TEXT NOT NULL,
            old_body TEXT NOT NULL,
            marked_at REAL NOT NULL
        );
        CREATE TABLE library_versions (
            library TEXT NOT NULL,
            version INTEGER NOT NULL,
            applied_at TEXT NOT NULL,
            who TEXT NOT NULL,
            source TEXT NOT NULL,
            checksum TEXT NOT NULL,
            label TEXT NOT NULL,
            summary TEXT NOT NULL,
            layer BLOB,
            PRIMARY KEY (library, version)
        );
        """
    )


def _migrate_4_to_5(db: sqlite_utils.Database) -> None:
    """Suggestions (palette.core.suggest): a team library's 客户问法 and 关键词 per phrase, its 同义词
    groups, and the learned (word → phrase) counts. The counted words are index words, never a message."""
    db.executescript(
        """
        ALTER TABLE phrases ADD COLUMN questions TEXT NOT NULL DEFAULT '[]';
        ALTER TABLE phrases ADD COLUMN keywords TEXT NOT NULL DEFAULT '[]';
        CREATE TABLE synonyms (
            library TEXT NOT NULL,
            position INTEGER NOT NULL,
            words TEXT NOT NULL,
            PRIMARY KEY (library, position)
        );
        CREATE TABLE suggest_pairs (
            word TEXT NOT NULL,
            uid TEXT NOT NULL,
            count INTEGER NOT NULL,
            PRIMARY KEY (word, uid)
        );
        CREATE INDEX suggest_pairs_uid ON suggest_pairs(uid);
        """
    )


def _migrate_5_to_6(db: sqlite_utils.Database) -> None:
    """Image phrases and send modes. A picture is stored once by its SHA-256 and shared by the phrases
    that link to it, and kept while a kept library version names it (`version_images`, for a rollback).
    `send` NULL on a phrase means its library's default. No CHECK on phrases.send: it made a
    100,000-row import 40% slower; every write goes through `SendMode`, and a read of an unknown
    value is the default."""
    db.executescript(
        """
        CREATE TABLE images (
            sha256 TEXT PRIMARY KEY,
            mime TEXT NOT NULL CHECK (mime IN ('image/png', 'image/jpeg', 'image/gif')),
            width INTEGER NOT NULL,
            height INTEGER NOT NULL,
            data BLOB NOT NULL
        );
        CREATE TABLE phrase_images (
            uid TEXT NOT NULL REFERENCES phrases(uid) ON DELETE CASCADE,
            position INTEGER NOT NULL,
            sha256 TEXT NOT NULL REFERENCES images(sha256),
            PRIMARY KEY (uid, position)
        );
        CREATE INDEX phrase_images_sha256 ON phrase_images(sha256);
        CREATE TABLE version_images (
            library TEXT NOT NULL,
            version INTEGER NOT NULL,
            sha256 TEXT NOT NULL,
            PRIMARY KEY (library, version, sha256)
        );
        ALTER TABLE phrases ADD COLUMN send TEXT;
        ALTER TABLE libraries ADD COLUMN send TEXT NOT NULL DEFAULT 'never'
            CHECK (send IN ('never', 'enter', 'ctrl+enter'));
        ALTER TABLE libraries ADD COLUMN send_each INTEGER NOT NULL DEFAULT 0;
        """
    )


# MIGRATIONS[n] takes a database at schema n to n + 1; append, never edit a released step.
MIGRATIONS: Sequence[Callable[[sqlite_utils.Database], None]] = (
    _migrate_0_to_1,
    _migrate_1_to_2,
    _migrate_2_to_3,
    _migrate_3_to_4,
    _migrate_4_to_5,
    _migrate_5_to_6,
)
assert len(MIGRATIONS) == SCHEMA_VERSION

# The schema step that made a table, for those not made by the first: a database at an older schema
# lacks them until it is upgraded, and is not damaged for it.
_ADDED_IN = {
    "changes": 2,
    "usage_daily": 3,
    "team_updates": 4,
    "library_versions": 4,
    "synonyms": 5,
    "suggest_pairs": 5,
    "images": 6,
    "phrase_images": 6,
    "version_images": 6,
}
_OUR_TABLES = {"libraries", "phrases", "phrase_flags", "usage", "usage_events", "profile", "settings", *_ADDED_IN}


def _wal_mode(conn: sqlite3.Connection) -> str:
    """Switch to WAL. On a brand-new file two processes switching at once make one of them fail with
    "locked" at once, without waiting on the busy timeout: retry for as long as that timeout."""
    deadline = time.monotonic() + BUSY_TIMEOUT_S
    while True:
        try:
            return str(conn.execute("PRAGMA journal_mode = WAL").fetchone()[0])
        except sqlite3.OperationalError as e:
            if "locked" not in str(e) or time.monotonic() > deadline:
                raise
            time.sleep(0.01)


class StoreBase:
    """One open connection, its schema checked: what every data area of the store builds on."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.db = self._connect(path)
        try:
            self._migrate()
        except BaseException:
            self.db.close()
            raise

    @staticmethod
    def _connect(path: Path) -> sqlite_utils.Database:
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise StoreError(f"{path.parent}: cannot create the data directory ({e.strerror})") from None
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_S, isolation_level=None)
        except sqlite3.Error as e:
            raise StoreError(f"{path}: cannot open the database ({e})") from None
        db = sqlite_utils.Database(conn, execute_plugins=False)  # no entry-point scan: ~40 ms, ~3 MB
        try:
            conn.execute("PRAGMA foreign_keys = ON")
            mode = _wal_mode(conn)
            if mode.lower() != "wal":
                raise sqlite3.OperationalError(f"journal mode is {mode}, not wal")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as e:
            conn.close()
            raise StoreError(explain(path, e)) from None
        return db

    def _migrate(self) -> None:
        """Check the schema, and create or upgrade it under the write lock.

        The version is read again inside `BEGIN IMMEDIATE`: two processes opening a brand-new
        database at once both see version 0 outside, but only the first migrates; the second
        then finds the current schema and does nothing.
        """
        if self._schema_version() == SCHEMA_VERSION:
            return
        try:
            with self.transaction():
                version = self._schema_version()
                for step in MIGRATIONS[version:]:
                    step(self.db)
                if version < SCHEMA_VERSION:
                    self.db.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        except sqlite3.DatabaseError as e:
            raise StoreError(explain(self.path, e)) from None

    def _schema_version(self) -> int:
        """The stored schema version, after checking that the tables are what it promises."""
        try:  # one statement, one snapshot: another process may commit the schema between two reads
            row = self.db.execute(
                "SELECT (SELECT user_version FROM pragma_user_version),"
                " (SELECT json_group_array(name) FROM sqlite_master WHERE type = 'table')"
            ).fetchone()
        except sqlite3.DatabaseError as e:
            raise StoreError(explain(self.path, e)) from None
        version: int = row[0]
        tables = set(json.loads(row[1])) - {"sqlite_sequence"}
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer Palette (schema {version}, this one knows {SCHEMA_VERSION});"
                " update Palette"
            )
        if version == 0 and tables:
            raise StoreError(f"{self.path}: not a Palette database (it has tables {', '.join(sorted(tables))})")
        expected = {t for t in _OUR_TABLES if _ADDED_IN.get(t, 1) <= version}  # an older schema has fewer
        if version > 0 and not tables >= expected:
            raise StoreError(f"{self.path}: damaged Palette database (missing {expected - tables})")
        return version

    def files(self) -> list[Path]:
        """The files this store keeps open: nothing may be written onto them (an export, say)."""
        return [self.path, self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm")]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- writing ---------------------------------------------------------------------------------

    @contextmanager
    def transaction(self) -> Iterator[None]:
        """One atomic write. Nested calls join the outer transaction through savepoints."""
        conn = self.db.conn
        if conn.in_transaction:
            with self.db.atomic():
                yield
            return
        try:
            conn.execute("BEGIN IMMEDIATE")
        except sqlite3.DatabaseError as e:
            raise StoreError(explain(self.path, e)) from None
        try:
            yield
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        try:
            conn.execute("COMMIT")
        except sqlite3.DatabaseError as e:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise StoreError(explain(self.path, e)) from None

    # -- maintenance -------------------------------------------------------------------------------

    def dump(self) -> list[str]:
        """Every row of every table as SQL, for tests that prove a failed change left nothing behind."""
        return list(self.db.conn.iterdump())
