"""The store's errors and the one-line words for SQLite's failures, shared by every part of the store."""

from __future__ import annotations

import sqlite3
from collections.abc import Sequence
from pathlib import Path

from palette.core.phrase_rules import Problem


class StoreError(Exception):
    """A database problem worth one line to the user: corrupt, too new, read-only, conflicting."""


class ShortcutTakenError(StoreError):
    """The shortcut is already used by another visible phrase (checked under the write lock)."""


def explain(path: Path, e: sqlite3.Error) -> str:
    text = str(e)
    if "not a database" in text or "malformed" in text:
        return f"{path}: not a valid Palette database ({text}); move it aside to start afresh"
    if "readonly" in text or "read-only" in text or "unable to open" in text:
        return f"{path}: cannot write the database ({text}); check that the data directory is writable"
    if "locked" in text or "busy" in text:
        return f"{path}: the database is busy ({text}); another Palette may be importing, try again"
    return f"{path}: database error ({text})"


class InvalidPhraseError(StoreError):
    """A phrase `phrase_rules.check_phrase` refuses; `problems` says which fields and why."""

    def __init__(self, problems: Sequence[Problem], where: str = "") -> None:
        self.problems = tuple(problems)
        words = "; ".join(p.describe() for p in self.problems)
        super().__init__(f"{where}: {words}" if where else words)
