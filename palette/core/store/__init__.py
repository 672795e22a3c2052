"""The user database (`palette.db`): schema, migrations and every read and write of user data.

All SQL lives in this package, one module per concern: `schema` opens and upgrades the database,
`changes` tells listeners and other processes what changed, and the data areas (`settings`,
`images`, `libraries`, `phrases`, `usage`) each add their tables' reads and writes to `Store`. Multi-row
changes run in one `BEGIN IMMEDIATE` transaction (nested work uses sqlite-utils savepoints), so a
crash or a bad file leaves either the old state or the new one.
"""

from __future__ import annotations

from palette.core.store.changes import CHANGE_LOG_CAP, ChangeListener, ChangesArea, StoreChange
from palette.core.store.errors import InvalidPhraseError, ShortcutTakenError, StoreError
from palette.core.store.images import ImagesArea, InvalidImageStoreError
from palette.core.store.libraries import LibrariesArea
from palette.core.store.phrases import PhrasesArea
from palette.core.store.rows import diff_phrases, effective_phrases
from palette.core.store.schema import MIGRATIONS, SCHEMA_VERSION, StoreBase
from palette.core.store.settings import SettingsArea
from palette.core.store.suggest import SuggestArea
from palette.core.store.usage import NEXT_PHRASE_WINDOW_S, UsageArea, decayed

__all__ = [
    "CHANGE_LOG_CAP",
    "MIGRATIONS",
    "NEXT_PHRASE_WINDOW_S",
    "SCHEMA_VERSION",
    "ChangeListener",
    "ImagesArea",
    "InvalidImageStoreError",
    "InvalidPhraseError",
    "ShortcutTakenError",
    "Store",
    "StoreChange",
    "StoreError",
    "decayed",
    "diff_phrases",
    "effective_phrases",
]


class Store(SuggestArea, UsageArea, PhrasesArea, LibrariesArea, SettingsArea, ChangesArea, StoreBase):
    """One open user database. Use from one thread (SQLite connections refuse others anyway).

    The areas are a chain, each built on the one before it names (phrases read libraries, usage reads
    phrases), so mypy checks every call between them.
    """
