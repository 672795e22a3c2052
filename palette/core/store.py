"""The user database (`palette.db`): schema, migrations and every read and write of user data.

All SQL lives here. Multi-row changes run in one `BEGIN IMMEDIATE` transaction (nested work uses
sqlite-utils savepoints), so a crash or a bad file leaves either the old state or the new one.
Library layers hold phrase content; agent state (pins, hidden flags, usage) is keyed by uid outside
the layers, so replacing a team layer can never lose it.
"""

from __future__ import annotations

import json
import math
import sqlite3
import time
import uuid
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlite_utils

from palette.core.model import (
    PERSONAL_LIBRARY,
    ForbiddenWord,
    LayerDiff,
    Library,
    LibraryKind,
    Phrase,
    Usage,
)
from palette.core.phrase_rules import clean_line, clean_text

SCHEMA_VERSION = 2
BUSY_TIMEOUT_S = 5.0
FRECENCY_HALF_LIFE_S = 7 * 24 * 3600.0  # a use a week ago counts half as much as one now
NEXT_PHRASE_WINDOW_S = 30 * 60.0  # two uses this close are one conversation's consecutive steps
EVENT_LOG_CAP = 50_000
CHANGE_LOG_CAP = 1_000  # rows kept for other processes; one that fell further behind re-reads everything
CHANGE_LOG_UIDS = 1_000  # a change naming more uids is logged as "everything"
DISABLED_LIBRARIES_SETTING = "disabled_libraries"  # names of libraries out of the search and the palette
SOURCE_DIGESTS_SETTING = "source_digests"  # library → digest of the source bytes its layer came from

ChangeListener = Callable[["StoreChange"], None]


class StoreError(Exception):
    """A database problem worth one line to the user: corrupt, too new, read-only, conflicting."""


class ShortcutTakenError(StoreError):
    """The shortcut is already used by another visible phrase (checked under the write lock)."""


class StoreChange:
    """What changed, so the search index can update itself without a full rebuild."""

    __slots__ = ("everything", "libraries", "settings", "uids", "usage")

    def __init__(
        self,
        uids: Iterable[str] = (),
        libraries: Iterable[str] = (),
        *,
        usage: bool = False,
        settings: bool = False,
        everything: bool = False,
    ) -> None:
        self.uids = frozenset(uids)
        self.libraries = frozenset(libraries)
        self.usage = usage
        self.settings = settings
        self.everything = everything  # another process changed what it did not say: read it all again


# -- schema ---------------------------------------------------------------------------------------


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


# MIGRATIONS[n] takes a database at schema n to n + 1; append, never edit a released step.
MIGRATIONS: Sequence[Callable[[sqlite_utils.Database], None]] = (_migrate_0_to_1, _migrate_1_to_2)
assert len(MIGRATIONS) == SCHEMA_VERSION

_OUR_TABLES = {"libraries", "phrases", "phrase_flags", "usage", "usage_events", "profile", "settings", "changes"}

_PHRASE_COLUMNS = "p.uid, p.library, p.category, p.title, p.body, p.shortcut, p.tags, p.sort_order, p.override_of"
_PHRASE_SELECT = f"""
    SELECT {_PHRASE_COLUMNS}, COALESCE(f.pinned, 0), COALESCE(f.hidden, 0)
    FROM phrases p LEFT JOIN phrase_flags f ON f.uid = COALESCE(p.override_of, p.uid)
"""


def _row_to_phrase(row: Sequence[Any]) -> Phrase:
    return Phrase(
        uid=row[0],
        library=row[1],
        category=row[2],
        title=row[3],
        body=row[4],
        shortcut=row[5],
        tags=tuple(json.loads(row[6])),
        sort_order=row[7],
        override_of=row[8],
        pinned=bool(row[9]),
        hidden=bool(row[10]),
    )


def _content(p: Phrase) -> tuple[object, ...]:
    """The fields a library layer owns; agent state (pins, hidden, usage) is not part of it.

    `sort_order` stays last: `_diff` tells a moved phrase from an edited one by it.
    """
    return (p.category, p.title, p.body, p.shortcut, tuple(p.tags), p.sort_order)


def decayed(score: float, since: float, now: float) -> float:
    """A frecency score `since` seconds ago, decayed to `now`."""
    return score * math.pow(0.5, max(0.0, now - since) / FRECENCY_HALF_LIFE_S)


class Store:
    """One open user database. Use from one thread (SQLite connections refuse others anyway)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._listeners: list[ChangeListener] = []
        self._writer = uuid.uuid4().hex  # tells this connection's change-log rows from other processes'
        self.db = self._connect(path)
        try:
            self._migrate()
            self._data_version, self._seen_seq = self._change_mark()
        except BaseException:
            self.db.close()
            raise

    # -- opening ----------------------------------------------------------------------------------

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
            mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
            if mode.lower() != "wal":
                raise sqlite3.OperationalError(f"journal mode is {mode}, not wal")
            conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as e:
            conn.close()
            raise StoreError(_explain(path, e)) from None
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
            raise StoreError(_explain(self.path, e)) from None

    def _schema_version(self) -> int:
        """The stored schema version, after checking that the tables are what it promises."""
        try:
            version: int = self.db.execute("PRAGMA user_version").fetchone()[0]
            tables = set(self.db.table_names())
        except sqlite3.DatabaseError as e:
            raise StoreError(_explain(self.path, e)) from None
        if version > SCHEMA_VERSION:
            raise StoreError(
                f"{self.path}: written by a newer Palette (schema {version}, this one knows {SCHEMA_VERSION});"
                " update Palette"
            )
        if version == 0 and tables:
            raise StoreError(f"{self.path}: not a Palette database (it has tables {', '.join(sorted(tables))})")
        if version > 0 and not tables >= _OUR_TABLES:
            raise StoreError(f"{self.path}: damaged Palette database (missing {_OUR_TABLES - tables})")
        return version

    def files(self) -> list[Path]:
        """The files this store keeps open: nothing may be written onto them (an export, say)."""
        return [self.path, self.path.with_name(self.path.name + "-wal"), self.path.with_name(self.path.name + "-shm")]

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- transactions and change notification ------------------------------------------------------

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
            raise StoreError(_explain(self.path, e)) from None
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
            raise StoreError(_explain(self.path, e)) from None

    def subscribe(self, listener: ChangeListener) -> None:
        self._listeners.append(listener)

    def _notify(self, change: StoreChange) -> None:
        self._log_change(change)
        for listener in list(self._listeners):
            listener(change)

    # -- changes made by other processes (`palette add` in a terminal, an import, a lead's script) ---

    def _change_mark(self) -> tuple[int, int]:
        version = self.db.execute("PRAGMA data_version").fetchone()[0]
        seq = self.db.execute("SELECT COALESCE(MAX(seq), 0) FROM changes").fetchone()[0]
        return int(version), int(seq)

    def _log_change(self, change: StoreChange) -> None:
        """Tell other processes what this commit touched. After the commit, not in it: `PRAGMA
        data_version` is what proves a change happened, this row only spares them a full re-read."""
        uids = sorted(change.uids)
        record = {
            "uids": uids if len(uids) <= CHANGE_LOG_UIDS else None,
            "libraries": sorted(change.libraries),
            "usage": change.usage,
            "settings": change.settings,
        }
        try:
            with self.transaction():
                seq = self.db.execute(
                    "INSERT INTO changes (writer, change) VALUES (?, ?)", [self._writer, json.dumps(record)]
                ).lastrowid
                if seq is not None and seq % 100 == 0:
                    self.db.execute("DELETE FROM changes WHERE seq <= ?", [seq - CHANGE_LOG_CAP])
        except (StoreError, sqlite3.DatabaseError):
            return  # a read-only or busy database: the others fall back to a full re-read

    def poll_external(self) -> StoreChange | None:
        """What other processes changed since the last call, told to the listeners too; None if nothing.

        Cheap enough for a timer (one pragma) when nothing changed. When the log cannot say what
        changed (another tool wrote, or this process fell behind the log), the change names everything.
        """
        version = int(self.db.execute("PRAGMA data_version").fetchone()[0])
        if version == self._data_version:
            return None
        self._data_version = version
        rows = self.db.execute(
            "SELECT seq, writer, change FROM changes WHERE seq > ? ORDER BY seq", [self._seen_seq]
        ).fetchall()
        gap = bool(rows) and rows[0][0] != self._seen_seq + 1  # AUTOINCREMENT: only pruning leaves holes
        theirs = [json.loads(r[2]) for r in rows if r[1] != self._writer]
        if rows:
            self._seen_seq = rows[-1][0]
        if gap or not theirs or any(c.get("uids") is None for c in theirs):
            change = self._everything()
        else:
            change = StoreChange(
                uids=[u for c in theirs for u in c["uids"]],
                libraries=[n for c in theirs for n in c["libraries"]],
                usage=any(c["usage"] for c in theirs),
                settings=any(c["settings"] for c in theirs),
            )
        for listener in list(self._listeners):
            listener(change)
        return change

    def _everything(self) -> StoreChange:
        uids = [r[0] for r in self.db.execute("SELECT uid FROM phrases")]
        return StoreChange(uids, [lib.name for lib in self.libraries()], usage=True, settings=True, everything=True)

    # -- libraries ---------------------------------------------------------------------------------

    def libraries(self) -> list[Library]:
        rows = self.db.execute(
            "SELECT name, kind, source, version, imported_at, checksum, read_only FROM libraries"
            " ORDER BY CASE kind WHEN 'standard' THEN 0 WHEN 'team' THEN 1 ELSE 2 END, name"
        ).fetchall()
        disabled = self.disabled_libraries()
        return [
            Library(r[0], LibraryKind(r[1]), r[2], r[3], r[4], r[5], bool(r[6]), r[0] not in disabled) for r in rows
        ]

    def library(self, name: str) -> Library | None:
        return next((lib for lib in self.libraries() if lib.name == name), None)

    def disabled_libraries(self) -> frozenset[str]:
        row = self.db.execute("SELECT value FROM settings WHERE key = ?", [DISABLED_LIBRARIES_SETTING]).fetchone()
        names = json.loads(row[0]) if row else []
        return frozenset(n for n in names if isinstance(n, str)) if isinstance(names, list) else frozenset()

    def set_library_enabled(self, name: str, enabled: bool) -> None:
        """Take a library out of the search and the palette, or back in; its phrases and the agent's
        pins, usage and overrides stay. 我的话术 cannot be disabled: it holds the agent's own fixes
        (overrides), and hiding them would silently bring back the versions they replaced."""
        with self.transaction():
            lib = self.library(name)
            if lib is None:
                raise StoreError(f"no library named {name!r} (see palette library list)")
            if lib.kind is LibraryKind.PERSONAL and not enabled:
                raise StoreError(f"{name} holds your own phrases and cannot be disabled; hide single phrases instead")
            disabled = set(self.disabled_libraries())
            (disabled.discard if enabled else disabled.add)(name)
            self._write_disabled(disabled)
        self._notify(StoreChange(libraries=[name]))

    def _write_disabled(self, names: set[str]) -> None:
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [DISABLED_LIBRARIES_SETTING, json.dumps(sorted(names), ensure_ascii=False)],
        )

    def set_library_source(self, name: str, source: str) -> None:
        with self.transaction():
            cur = self.db.execute("UPDATE libraries SET source = ? WHERE name = ?", [source, name])
            if cur.rowcount == 0:
                raise StoreError(f"no library named {name!r}")
        self._notify(StoreChange(libraries=[name]))

    def diff_layer(self, name: str, phrases: Sequence[Phrase]) -> LayerDiff:
        """What `replace_layer(name, phrases)` would change, without writing."""
        rows = self.db.execute(
            "SELECT uid, category, title, body, shortcut, tags, sort_order FROM phrases"
            " WHERE library = ? ORDER BY sort_order, rowid",
            [name],
        )
        # raw rows, compared with the stored tags JSON: at 100,000 phrases several times faster than Phrases
        tags_json: dict[tuple[str, ...], str] = {}

        def stored_form(p: Phrase) -> tuple[object, ...]:
            tags = tags_json.get(p.tags)
            if tags is None:
                tags = tags_json[p.tags] = json.dumps(list(p.tags), ensure_ascii=False)
            return (p.category, p.title, p.body, p.shortcut, tags, p.sort_order)

        return _diff({r[0]: r[1:] for r in rows}, phrases, stored_form)

    def layer_bodies(self, name: str) -> dict[str, str]:
        """uid → body of one layer: enough to tell which phrases an import really changes."""
        return dict(self.db.execute("SELECT uid, body FROM phrases WHERE library = ?", [name]).fetchall())

    def phrase_count(self, name: str) -> int:
        count: int = self.db.execute("SELECT COUNT(*) FROM phrases WHERE library = ?", [name]).fetchone()[0]
        return count

    def source_digest(self, name: str) -> str:
        """The digest `replace_layer` stored with the layer's source bytes; "" when none."""
        value = self.settings().get(SOURCE_DIGESTS_SETTING, {})
        return str(value.get(name, "")) if isinstance(value, dict) else ""

    def replace_layer(
        self,
        library: Library,
        phrases: Sequence[Phrase],
        forbidden: Sequence[ForbiddenWord] | None = None,
        *,
        source_digest: str = "",
    ) -> LayerDiff:
        """Make `library`'s layer exactly `phrases` in one transaction; other layers and agent state stay.

        Only what differs is written: added and changed rows, deleted ones; an unchanged phrase costs a
        comparison. `forbidden`, when given, replaces the library's own 禁语 list. `source_digest`
        names the source bytes this layer came from, so importing them again can be skipped unread.
        """
        if library.kind is LibraryKind.PERSONAL:
            raise StoreError("the personal library is edited phrase by phrase, not replaced")
        seen: set[str] = set()
        for p in phrases:
            if p.uid in seen:
                raise StoreError(f"{library.name}: duplicate uid {p.uid!r}")
            seen.add(p.uid)
        now = time.time()
        with self.transaction():
            diff = self.diff_layer(library.name, phrases)  # inside: a concurrent import cannot leave a mix
            if diff.added:
                clash = self._uids_elsewhere(set(diff.added), library.name)
                if clash:
                    uid, other = clash
                    raise StoreError(f"{library.name}: uid {uid!r} already belongs to library {other!r}")
            self.db.conn.execute(
                "INSERT INTO libraries (name, kind, source, version, imported_at, checksum, read_only)"
                " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET kind = excluded.kind,"
                " source = excluded.source, version = excluded.version, imported_at = excluded.imported_at,"
                " checksum = excluded.checksum, read_only = excluded.read_only",
                [
                    library.name,
                    library.kind.value,
                    library.source,
                    library.version,
                    library.imported_at or _utc_now(),
                    library.checksum,
                    int(library.read_only),
                ],
            )
            if diff.removed:
                self.db.conn.executemany("DELETE FROM phrases WHERE uid = ?", [(u,) for u in diff.removed])
            write = set(diff.added) | set(diff.changed)
            if write:
                tags_json: dict[tuple[str, ...], str] = {}  # a library repeats a few tag sets
                self.db.conn.executemany(  # plain executemany: 3x faster than upsert_all at 100,000 rows
                    _UPSERT_PHRASE,
                    (_layer_row(p, library.name, now, tags_json) for p in phrases if p.uid in write),
                )
            if forbidden is not None:
                self._replace_forbidden(library.name, forbidden)
            self._set_source_digest(library.name, source_digest)
        self._notify(StoreChange(uids=[*diff.added, *diff.changed, *diff.removed], libraries=[library.name]))
        return diff

    def _set_source_digest(self, name: str, digest: str) -> None:
        digests = self.settings().get(SOURCE_DIGESTS_SETTING, {})
        digests = dict(digests) if isinstance(digests, dict) else {}
        if digests.get(name, "") == digest:
            return
        if digest:
            digests[name] = digest
        else:
            digests.pop(name, None)
        self.db.execute(
            "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
            [SOURCE_DIGESTS_SETTING, json.dumps(digests, ensure_ascii=False)],
        )

    def remove_library(self, name: str) -> None:
        lib = self.library(name)
        if lib is None:
            raise StoreError(f"no library named {name!r}")
        if lib.kind is LibraryKind.PERSONAL:
            raise StoreError("the personal library cannot be removed")
        uids = [p.uid for p in self.phrases(library=name)]
        with self.transaction():
            self.db.execute("DELETE FROM phrases WHERE library = ?", [name])
            self.db.execute("DELETE FROM forbidden_words WHERE source = ?", [name])
            self.db.execute("DELETE FROM libraries WHERE name = ?", [name])
            if name in (disabled := set(self.disabled_libraries())):  # a later import of the name starts enabled
                disabled.discard(name)
                self._write_disabled(disabled)
            self._set_source_digest(name, "")
        self._notify(StoreChange(uids=uids, libraries=[name]))

    def _uids_elsewhere(self, uids: set[str], library: str) -> tuple[str, str] | None:
        found: tuple[str, str] | None = None
        for uid, other in self.db.execute("SELECT uid, library FROM phrases WHERE library != ?", [library]):
            if uid in uids:
                found = (uid, other)
                break
        return found

    # -- phrases -----------------------------------------------------------------------------------

    def phrases(self, library: str | None = None) -> list[Phrase]:
        """Every stored phrase (hidden ones and overridden originals included), in library order."""
        sql = _PHRASE_SELECT
        params: list[str] = []
        if library is not None:
            sql += " WHERE p.library = ?"
            params.append(library)
        sql += " ORDER BY p.library, p.sort_order, p.rowid"
        return [_row_to_phrase(r) for r in self.db.execute(sql, params)]

    def get(self, uid: str) -> Phrase | None:
        row = self.db.execute(_PHRASE_SELECT + " WHERE p.uid = ?", [uid]).fetchone()
        return _row_to_phrase(row) if row else None

    def visible_phrases(self) -> list[Phrase]:
        """What the palette offers: personal overrides replace their originals, hidden ones and disabled
        libraries are left out."""
        libraries = self.libraries()
        return effective_phrases(
            self.phrases(), [lib.name for lib in libraries], disabled={lib.name for lib in libraries if not lib.enabled}
        )

    def coded_phrases(self, *, exclude_library: str | None = None) -> list[Phrase]:
        """The visible phrases that have a shortcut code, without reading every phrase: the rows with a
        code plus every override (an override without a code still hides its original's). An import
        leaves out its own library: a 100,000-phrase layer is not read back to check itself."""
        rows = self.db.execute(
            _PHRASE_SELECT + " WHERE (p.shortcut != '' OR p.override_of IS NOT NULL) AND p.library IS NOT ?"
            " ORDER BY p.library, p.sort_order, p.rowid",
            [exclude_library],
        )
        libraries = self.libraries()
        shown = effective_phrases(
            map(_row_to_phrase, rows),
            [lib.name for lib in libraries],
            disabled={lib.name for lib in libraries if not lib.enabled},
        )
        return [p for p in shown if p.shortcut]

    def add_phrase(
        self,
        *,
        category: str,
        title: str,
        body: str,
        shortcut: str = "",
        tags: Sequence[str] = (),
        override_of: str | None = None,
    ) -> Phrase:
        """A new personal phrase (or a personal override of a read-only one); returns it with its uid."""
        if override_of is not None:
            base = self.get(override_of)
            if base is None:
                raise StoreError(f"no phrase with uid {override_of!r} to customise")
            if base.library == PERSONAL_LIBRARY:
                raise StoreError(f"{override_of!r} is already a personal phrase; edit it instead")
        fields = _clean_fields({"category": category, "title": title, "body": body, "shortcut": shortcut, "tags": tags})
        with self.transaction():  # the shortcut check and the insert under one lock: two adds cannot both win
            self._claim_shortcut(fields["shortcut"], exclude=override_of)
            order = self.db.execute(
                "SELECT COALESCE(MAX(sort_order), -1) + 1 FROM phrases WHERE library = ?", [PERSONAL_LIBRARY]
            ).fetchone()[0]
            phrase = Phrase(
                uid="p-" + uuid.uuid4().hex[:12],
                library=PERSONAL_LIBRARY,
                sort_order=order,
                override_of=override_of,
                **fields,
            )
            try:
                self.db.table("phrases").insert(_phrase_row(phrase, time.time()))
            except sqlite3.IntegrityError:
                raise StoreError(f"{override_of!r} is already customised") from None
        self._notify(StoreChange(uids=[phrase.uid] + ([override_of] if override_of else [])))
        return phrase

    def _claim_shortcut(self, shortcut: str, *, exclude: str | None) -> None:
        """Refuse a shortcut another visible phrase has; call inside the write transaction."""
        owner = self.shortcut_owner(shortcut, exclude=exclude)
        if owner is not None:
            raise ShortcutTakenError(f"shortcut {shortcut!r} is already used by {owner.title!r} ({owner.uid})")

    def update_phrase(self, uid: str, **fields: Any) -> Phrase:
        """Edit a personal phrase's content fields (category, title, body, shortcut, tags, sort_order)."""
        current = self.get(uid)
        if current is None:
            raise StoreError(f"no phrase with uid {uid!r}")
        if current.library != PERSONAL_LIBRARY:
            raise StoreError(f"{uid!r} belongs to the read-only library {current.library!r}; customise it instead")
        allowed = {"category", "title", "body", "shortcut", "tags", "sort_order"}
        unknown = set(fields) - allowed
        if unknown:
            raise StoreError(f"cannot edit {', '.join(sorted(unknown))}")
        updated = replace(current, **_clean_fields(fields))
        with self.transaction():
            if updated.shortcut.strip().lower() != current.shortcut.strip().lower():
                self._claim_shortcut(updated.shortcut, exclude=uid)
            self.db.table("phrases").update(uid, _phrase_row(updated, time.time()))
        self._notify(StoreChange(uids=[uid]))
        return updated

    def delete_phrase(self, uid: str) -> Phrase:
        """Delete a personal phrase (dropping an override restores the team version); returns it for undo."""
        current = self.get(uid)
        if current is None:
            raise StoreError(f"no phrase with uid {uid!r}")
        if current.library != PERSONAL_LIBRARY:
            raise StoreError(f"{uid!r} belongs to the read-only library {current.library!r}; hide it instead")
        with self.transaction():
            self.db.execute("DELETE FROM phrases WHERE uid = ?", [uid])
        self._notify(StoreChange(uids=[uid] + ([current.override_of] if current.override_of else [])))
        return current

    def restore_phrase(self, phrase: Phrase) -> None:
        """Put back a personal phrase exactly as `delete_phrase` returned it (undo)."""
        phrase = replace(phrase, **_clean_fields(_content_fields(phrase)))
        with self.transaction():
            self.db.table("phrases").insert(_phrase_row(phrase, time.time()), replace=True)
        self._notify(StoreChange(uids=[phrase.uid] + ([phrase.override_of] if phrase.override_of else [])))

    def set_flags(self, uid: str, *, pinned: bool | None = None, hidden: bool | None = None) -> None:
        """Pin or hide any phrase; kept by uid, so a team re-import never undoes it."""
        phrase = self.get(uid)
        if phrase is None:
            raise StoreError(f"no phrase with uid {uid!r}")
        key = phrase.usage_key
        with self.transaction():
            self.db.execute("INSERT OR IGNORE INTO phrase_flags (uid) VALUES (?)", [key])
            if pinned is not None:
                self.db.execute("UPDATE phrase_flags SET pinned = ? WHERE uid = ?", [int(pinned), key])
            if hidden is not None:
                self.db.execute("UPDATE phrase_flags SET hidden = ? WHERE uid = ?", [int(hidden), key])
        self._notify(StoreChange(uids=[uid, key]))

    def shortcut_owner(self, shortcut: str, *, exclude: str | None = None) -> Phrase | None:
        """The visible phrase already using `shortcut` (case-insensitive), if any."""
        wanted = shortcut.strip().lower()
        if not wanted:
            return None
        # Only the rows that may carry the code (SQLite folds ASCII only: every non-ASCII code is read
        # and compared here) and every override (one without the code still hides its original's).
        rows = self.db.execute(
            _PHRASE_SELECT + " WHERE ((p.shortcut != '' AND (lower(trim(p.shortcut)) = ?"
            " OR p.shortcut GLOB '*[^ -~]*')) OR p.override_of IS NOT NULL)"
            " ORDER BY p.library, p.sort_order, p.rowid",
            [wanted],
        )
        libraries = self.libraries()
        shown = effective_phrases(
            map(_row_to_phrase, rows),
            [lib.name for lib in libraries],
            disabled={lib.name for lib in libraries if not lib.enabled},
        )
        for p in shown:
            if p.shortcut.lower() != wanted:
                continue
            if exclude is None or exclude not in (p.uid, p.override_of):
                return p
        return None

    # -- usage -------------------------------------------------------------------------------------

    def record_use(self, uid: str, now: float | None = None) -> None:
        """Count one paste: frecency for ranking, and which phrase followed which for suggestions."""
        now = time.time() if now is None else now
        phrase = self.get(uid)
        key = phrase.usage_key if phrase else uid
        with self.transaction():
            row = self.db.execute("SELECT count, last_used, score FROM usage WHERE uid = ?", [key]).fetchone()
            if row is None:
                self.db.execute("INSERT INTO usage VALUES (?, 1, ?, 1.0)", [key, now])
            else:
                score = decayed(row[2], row[1], now) + 1.0
                self.db.execute(
                    "UPDATE usage SET count = ?, last_used = ?, score = ? WHERE uid = ?",
                    [row[0] + 1, now, score, key],
                )
            last = self.db.execute("SELECT ts, uid FROM usage_events ORDER BY id DESC LIMIT 1").fetchone()
            prev = last[1] if last and 0 <= now - last[0] <= NEXT_PHRASE_WINDOW_S and last[1] != key else None
            self.db.execute("INSERT INTO usage_events (ts, uid, prev_uid) VALUES (?, ?, ?)", [now, key, prev])
            self.db.execute(
                "DELETE FROM usage_events WHERE id <= (SELECT MAX(id) FROM usage_events) - ?", [EVENT_LOG_CAP]
            )
        self._notify(StoreChange(uids=[key], usage=True))

    def usage(self) -> dict[str, Usage]:
        return {r[0]: Usage(*r) for r in self.db.execute("SELECT uid, count, last_used, score FROM usage")}

    def last_used(self) -> tuple[str, float] | None:
        """The most recently used phrase key and when, for next-phrase suggestions."""
        row = self.db.execute("SELECT uid, ts FROM usage_events ORDER BY id DESC LIMIT 1").fetchone()
        return (row[0], row[1]) if row else None

    def transitions(self) -> dict[str, Counter[str]]:
        """prev uid → how often each uid followed it within one conversation."""
        table: dict[str, Counter[str]] = {}
        for prev, uid, n in self.db.execute(
            "SELECT prev_uid, uid, COUNT(*) FROM usage_events WHERE prev_uid IS NOT NULL GROUP BY prev_uid, uid"
        ):
            table.setdefault(prev, Counter())[uid] = n
        return table

    # -- profile and settings ----------------------------------------------------------------------

    def profile(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT key, value FROM profile ORDER BY rowid").fetchall())

    def set_profile(self, key: str, value: str) -> None:
        key, value = clean_line(key), clean_line(value)
        if not key:
            raise StoreError("a profile key cannot be empty")
        with self.transaction():
            if value == "":
                self.db.execute("DELETE FROM profile WHERE key = ?", [key])
            else:
                self.db.execute(
                    "INSERT INTO profile (key, value) VALUES (?, ?)"
                    " ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                    [key, value],
                )
        self._notify(StoreChange(settings=True))

    def settings(self) -> dict[str, Any]:
        """Stored settings only (JSON values); `config.Settings` adds defaults and validation."""
        return {k: json.loads(v) for k, v in self.db.execute("SELECT key, value FROM settings")}

    def set_setting(self, key: str, value: Any) -> None:
        with self.transaction():
            self.db.execute(
                "INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                [key, json.dumps(value, ensure_ascii=False)],
            )
        self._notify(StoreChange(settings=True))

    # -- forbidden words (服务禁语) ------------------------------------------------------------------

    def forbidden_words(self) -> list[ForbiddenWord]:
        rows = self.db.execute("SELECT word, suggestion, source FROM forbidden_words ORDER BY source, rowid")
        return [ForbiddenWord(*r) for r in rows]

    def add_forbidden_word(self, word: str, suggestion: str = "", source: str = PERSONAL_LIBRARY) -> None:
        word, suggestion = clean_line(word), clean_line(suggestion)
        if not word:
            raise StoreError("a forbidden word cannot be empty")
        with self.transaction():
            self.db.execute(
                "INSERT INTO forbidden_words (source, word, suggestion) VALUES (?, ?, ?)"
                " ON CONFLICT(source, word) DO UPDATE SET suggestion = excluded.suggestion",
                [source, word, suggestion],
            )
        self._notify(StoreChange(settings=True))

    def remove_forbidden_word(self, word: str, source: str = PERSONAL_LIBRARY) -> None:
        with self.transaction():
            self.db.execute("DELETE FROM forbidden_words WHERE source = ? AND word = ?", [source, word])
        self._notify(StoreChange(settings=True))

    def _replace_forbidden(self, source: str, words: Sequence[ForbiddenWord]) -> None:
        self.db.execute("DELETE FROM forbidden_words WHERE source = ?", [source])
        self.db.conn.executemany(
            "INSERT OR REPLACE INTO forbidden_words (source, word, suggestion) VALUES (?, ?, ?)",
            [(source, clean_text(w.word), clean_text(w.suggestion)) for w in words],
        )

    # -- maintenance -------------------------------------------------------------------------------

    def dump(self) -> list[str]:
        """Every row of every table as SQL, for tests that prove a failed change left nothing behind."""
        return list(self.db.conn.iterdump())


def diff_phrases(old: Iterable[Phrase], new: Sequence[Phrase]) -> LayerDiff:
    """Compare a layer's stored phrases with a replacement, by uid and layer-owned content."""
    return _diff({p.uid: _content(p) for p in old}, new)


def _diff(
    before: dict[str, tuple[object, ...]],
    new: Sequence[Phrase],
    content: Callable[[Phrase], tuple[object, ...]] = _content,
) -> LayerDiff:
    added, changed, unchanged, moved = [], [], [], []
    for p in new:
        prev = before.get(p.uid)
        if prev is None:
            added.append(p.uid)
            continue
        mine = content(p)
        if prev == mine:
            unchanged.append(p.uid)
            continue
        changed.append(p.uid)
        if prev[:-1] == mine[:-1]:  # sort_order is last
            moved.append(p.uid)
    new_uids = {p.uid for p in new}
    removed = [uid for uid in before if uid not in new_uids]
    return LayerDiff(tuple(added), tuple(changed), tuple(removed), tuple(unchanged), moved=tuple(moved))


def effective_phrases(
    phrases: Iterable[Phrase], library_order: Sequence[str] = (), *, disabled: Collection[str] = ()
) -> list[Phrase]:
    """Resolve layers: an override takes its original's place; hidden phrases are dropped.

    The phrases of `disabled` libraries are dropped first, so the agent's own version of one of them
    stays, shown in 我的话术's place like an override whose original is gone.
    """
    phrases = [p for p in phrases if p.library not in disabled] if disabled else list(phrases)
    by_uid = {p.uid: p for p in phrases}
    overrides = {p.override_of: p for p in phrases if p.override_of in by_uid}
    rank = {name: i for i, name in enumerate(library_order)}
    placed: list[tuple[int, int, Phrase]] = []
    for p in phrases:
        if p.override_of in by_uid:
            continue  # shown where its original sits
        shown = overrides.get(p.uid, p)
        if not shown.hidden:
            placed.append((rank.get(p.library, len(rank)), p.sort_order, shown))
    placed.sort(key=lambda t: (t[0], t[1]))
    return [p for _, _, p in placed]


_PHRASE_ROW_COLUMNS = (
    "uid",
    "library",
    "category",
    "title",
    "body",
    "shortcut",
    "tags",
    "sort_order",
    "override_of",
    "updated_at",
)
_UPSERT_PHRASE = (
    f"INSERT INTO phrases ({', '.join(_PHRASE_ROW_COLUMNS)}) VALUES ({', '.join('?' * len(_PHRASE_ROW_COLUMNS))})"
    f" ON CONFLICT(uid) DO UPDATE SET {', '.join(f'{c} = excluded.{c}' for c in _PHRASE_ROW_COLUMNS[1:])}"
)


def _layer_row(p: Phrase, library: str, now: float, tags_json: dict[tuple[str, ...], str]) -> tuple[object, ...]:
    """A phrases row for a library layer, in `_PHRASE_ROW_COLUMNS` order, its text cleaned."""
    tags = tags_json.get(p.tags)
    if tags is None:
        tags = tags_json[p.tags] = json.dumps([clean_text(t) for t in p.tags], ensure_ascii=False)
    text = (clean_text(p.category), clean_text(p.title), clean_text(p.body), clean_text(p.shortcut))
    return (p.uid, library, *text, tags, p.sort_order, p.override_of, now)


def _phrase_row(p: Phrase, now: float) -> dict[str, Any]:
    """A phrases row; keys in `_PHRASE_ROW_COLUMNS` order."""
    return {
        "uid": p.uid,
        "library": p.library,
        "category": p.category,
        "title": p.title,
        "body": p.body,
        "shortcut": p.shortcut,
        "tags": json.dumps(list(p.tags), ensure_ascii=False),
        "sort_order": p.sort_order,
        "override_of": p.override_of,
        "updated_at": now,
    }


_LINE_FIELDS = ("category", "title", "shortcut")


def _clean_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Content fields as they may be stored (`phrase_rules`); a required field left empty is refused."""
    out = dict(fields)
    for name in _LINE_FIELDS:
        if name in out:
            out[name] = clean_line(out[name])
    if "body" in out:
        out["body"] = clean_text(out["body"])
    if "tags" in out:
        out["tags"] = tuple(t for t in (clean_line(t) for t in out["tags"]) if t)
    for name in ("category", "title", "body"):
        if name in out and not out[name].strip():
            raise StoreError(f"the {name} is empty (control characters are not kept)")
    return out


def _content_fields(p: Phrase) -> dict[str, Any]:
    return {"category": p.category, "title": p.title, "body": p.body, "shortcut": p.shortcut, "tags": p.tags}


def _utc_now() -> str:
    return datetime.now(UTC).replace(microsecond=0).isoformat()


def _explain(path: Path, e: sqlite3.Error) -> str:
    text = str(e)
    if "not a database" in text or "malformed" in text:
        return f"{path}: not a valid Palette database ({text}); move it aside to start afresh"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"{path}: cannot write the database ({text}); check that the data directory is writable"
    if "locked" in text or "busy" in text:
        return f"{path}: the database is busy ({text}); another Palette may be importing, try again"
    return f"{path}: database error ({text})"
