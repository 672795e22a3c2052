"""Store lookups for tests that expect the row to be there: a missing one fails on the line that reads it."""

from __future__ import annotations

from palette.core.model import Library, Phrase
from palette.core.store import Store


def stored(store: Store, uid: str) -> Phrase:
    phrase = store.get(uid)
    assert phrase is not None, f"no phrase {uid!r} in the store"
    return phrase


def stored_library(store: Store, name: str) -> Library:
    library = store.library(name)
    assert library is not None, f"no library {name!r} in the store"
    return library
