"""Telling what changed: `StoreChange`, the listeners, and the change log other processes read.

The search index, the palette and the windows update themselves from a `StoreChange` instead of
re-reading everything. A listener is held weakly when it is a bound method, so a window that is gone
drops out by itself; `Store.listen` returns the function that stops listening, for the owners that
want to leave earlier ("subscribe" means following a team source, elsewhere). The `changes` table
names uids, never text.
"""

from __future__ import annotations

import json
import sqlite3
import uuid
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from types import MethodType

from palette.core.store.errors import StoreError
from palette.core.store.schema import StoreBase

CHANGE_LOG_CAP = 1_000  # rows kept for other processes; one that fell further behind re-reads everything
CHANGE_LOG_UIDS = 1_000  # a change naming more uids is logged as "everything"

ChangeListener = Callable[["StoreChange"], None]


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


class Listeners:
    """The store's listeners, in the order they came; bound methods held weakly, other callables strongly."""

    def __init__(self) -> None:
        self._refs: dict[int, Callable[[], ChangeListener | None]] = {}
        self._next = 0

    def add(self, listener: ChangeListener) -> Callable[[], None]:
        """Hold `listener`; returns the function that lets it go (calling it twice is harmless)."""
        ref: Callable[[], ChangeListener | None]
        if isinstance(listener, MethodType):
            ref = weakref.WeakMethod(listener)  # the method dies with its object
        else:

            def ref() -> ChangeListener:
                return listener

        key = self._next
        self._next += 1
        self._refs[key] = ref

        def remove() -> None:
            self._refs.pop(key, None)

        return remove

    def tell(self, change: StoreChange) -> None:
        """Call each live listener; one removed by an earlier one in this round is not called."""
        for key, ref in list(self._refs.items()):
            if key not in self._refs:
                continue
            listener = ref()
            if listener is None:
                del self._refs[key]
            else:
                listener(change)


class ChangesArea(StoreBase):
    """Change notification for this process's listeners and, through the `changes` table, for others."""

    def __init__(self, path: Path) -> None:
        self._listeners = Listeners()
        self._writer = uuid.uuid4().hex  # tells this connection's change-log rows from other processes'
        super().__init__(path)
        try:
            self._data_version, self._seen_seq = self._change_mark()
        except BaseException:
            self.db.close()
            raise

    def listen(self, listener: ChangeListener) -> Callable[[], None]:
        """Call `listener` after every change, ours or (through `poll_external`) another process's.

        Returns the function that stops it. A bound method is held weakly: it stops being called once
        its object is gone; a plain function or lambda is held until that function is called.
        """
        return self._listeners.add(listener)

    def _notify(self, change: StoreChange) -> None:
        self._log_change(change)
        self._listeners.tell(change)

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
        self._listeners.tell(change)
        return change

    def _everything(self) -> StoreChange:
        uids = [r[0] for r in self.db.execute("SELECT uid FROM phrases")]
        libraries = [r[0] for r in self.db.execute("SELECT name FROM libraries")]
        return StoreChange(uids, libraries, usage=True, settings=True, everything=True)
