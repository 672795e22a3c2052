"""How the manager keeps its table cheap on a big store: the first page while opening, rows patched after
an edit, an entry's row found by where it sorts. Functions of the window, like `actions`."""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from typing import TYPE_CHECKING

from palette.core.editing import Entry
from palette.core.listing import Listing, Patch
from palette.core.model import Phrase
from palette.ui.manager.table import PAGE

if TYPE_CHECKING:
    from palette.ui.manager.window import PhraseManager

BIG = 20_000  # more phrases than this: opening shows the tree and a first page, then reads the rest


def preview(m: PhraseManager) -> bool:
    """Opening on a big store: the tree (counted in SQL) and the first page now, every phrase read
    once the window is shown (the refresh timer). False: the store is small, read it all now."""
    counts: dict[str, Counter[str]] = {}
    for library, category, n in m.store.category_counts():
        counts.setdefault(library, Counter())[category] = n
    if sum(c.total() for c in counts.values()) <= BIG:
        return False
    libraries = m.store.libraries()
    m._library_names = [lib.name for lib in libraries]
    m._disabled = frozenset(lib.name for lib in libraries if not lib.enabled)
    first: list[Phrase] = []
    for name in m._library_names:
        if len(first) < PAGE:
            first += m.store.phrases(name, limit=PAGE - len(first))
    m.listing = Listing(first, m._library_names, m._disabled)
    m.by_key = m.listing.by_key
    m.model.disabled = m._disabled
    m.model.collisions = m.listing.collisions
    m._generation += 1
    m._selecting = True
    m._node = m.tree.rebuild(counts, m._library_names, m._disabled, m._node)
    m._selecting = False
    m._show_view()
    m._changed = None
    m._refresh_timer.start()
    return True


def in_view(m: PhraseManager, e: Entry) -> bool:
    library, category = m._node
    return (library is None or e.library == library) and (category is None or e.shown.category == category)


def patch_view(m: PhraseManager, patch: Patch, select: str | None) -> None:
    """After an edit, in a view in entry order: only the rows that changed are redrawn."""
    m._selecting = True
    m.model.patch(patch.gone, [e for e in patch.came if in_view(m, e)], m.listing.place)
    m._selecting = False
    if select is not None:
        m.select_entry(select)
    m._update_actions()


def row_of(m: PhraseManager, key: str) -> int | None:
    """The table row of an entry: found by its place when the table lists entries in order."""
    rows = m.model.rows
    if m._ordered:
        entry = m.by_key.get(key)
        i = bisect_left(rows, m.listing.place(entry), key=m.listing.place) if entry is not None else 0
        return i if i < len(rows) and rows[i].key == key else None
    return next((i for i, e in enumerate(rows) if e.key == key), None)
