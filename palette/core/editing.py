"""What the phrase manager lists and what its reordering and field editing change: pure functions.

Libraries are layers (docs/DESIGN.md, "Data model"). The manager shows each read-only team or standard phrase once,
with the agent's override of it (if any) in the same entry, where the original sits: that is what the
palette shows, and the entry keeps its identity (`Entry.key`, the original's uid) when the agent
customises it or reverts. The agent's own phrases, and overrides whose original a re-import removed,
are entries of the personal library.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from typing import NamedTuple

from palette.core.model import PERSONAL_LIBRARY, Phrase
from palette.core.phrase_rules import Problem, check_phrase, shortcut_key, split_tags
from palette.core.placeholders import Placeholder, parse


class Entry(NamedTuple):
    """One row of the manager: a read-only phrase and the agent's version of it, or a personal phrase.

    A named tuple, not a dataclass: the manager makes one per phrase on every refresh (100,000 of them
    in a big team library), and a tuple is made several times faster."""

    original: Phrase | None  # the team or standard phrase; None for the agent's own phrase
    override: Phrase | None  # the agent's version: a personal phrase, or an override of `original`

    @property
    def shown(self) -> Phrase:
        """What the palette offers for this entry."""
        phrase = self.override or self.original
        assert phrase is not None
        return phrase

    @property
    def key(self) -> str:
        """Stable across customising and reverting: the original's uid, or the personal phrase's."""
        return (self.original or self.shown).uid

    @property
    def library(self) -> str:
        return (self.original or self.shown).library

    @property
    def editable(self) -> bool:
        return self.override is not None

    @property
    def customised(self) -> bool:
        return self.original is not None and self.override is not None

    @property
    def read_only(self) -> bool:
        return self.override is None


def entries(phrases: Iterable[Phrase], library_order: Sequence[str] = ()) -> list[Entry]:
    """Every phrase as manager entries, in library order then sort order (hidden ones included)."""
    phrases = list(phrases)
    by_uid = {p.uid: p for p in phrases}
    overrides = {p.override_of: p for p in phrases if p.override_of is not None and p.override_of in by_uid}
    rank = {name: i for i, name in enumerate(library_order)}
    last = len(rank)
    placed: list[tuple[int, int, str, Entry]] = []
    for p in phrases:
        if p.override_of is not None and p.override_of in by_uid:
            continue  # listed with its original
        entry = Entry(None, p) if p.library == PERSONAL_LIBRARY else Entry(p, overrides.get(p.uid))
        placed.append((rank.get(p.library, last), p.sort_order, p.uid, entry))
    placed.sort(key=_place)
    return [t[3] for t in placed]


def _place(t: tuple[int, int, str, Entry]) -> tuple[int, int, str]:
    return t[0], t[1], t[2]  # library, sort order, uid: the order the search engine's ties follow


def categories(items: Iterable[Entry], library: str | None = None) -> list[str]:
    """The categories in use (in one library, or in all), in the order they first appear."""
    seen: dict[str, None] = {}
    for e in items:
        if library is None or e.library == library:
            seen.setdefault(e.shown.category)
    return list(seen)


def in_view(items: Iterable[Entry], library: str | None = None, category: str | None = None) -> list[Entry]:
    """The entries under a tree node: everything, one library, or one category of one library."""
    return [
        e
        for e in items
        if (library is None or e.library == library) and (category is None or e.shown.category == category)
    ]


class ShortcutOwners:
    """Which phrase the palette offers for a shortcut code, from the entries already in memory (the
    same answer as `Store.shortcut_owner`, without re-reading every phrase on each keystroke)."""

    def __init__(self, items: Iterable[Entry]) -> None:
        self._by_code: dict[str, list[Phrase]] = {}
        for e in items:
            p = e.shown
            if p.shortcut and not p.hidden:
                self._by_code.setdefault(shortcut_key(p.shortcut), []).append(p)

    def owner(self, shortcut: str, exclude: str | None = None) -> Phrase | None:
        """The visible phrase using `shortcut` (case-insensitive), other than the one `exclude` names."""
        for p in self._by_code.get(shortcut_key(shortcut), ()):
            if exclude is None or exclude not in (p.uid, p.override_of):
                return p
        return None


def offered(e: Entry, disabled: Collection[str]) -> bool:
    """Whether the palette can offer this entry: the agent's own version stays when its original's
    library is disabled (`store.effective_phrases`)."""
    return e.override is not None or e.library not in disabled


def layer_collisions(items: Iterable[Entry], disabled: Collection[str] = ()) -> dict[str, list[Phrase]]:
    """Entry key → what other libraries offer under the same shortcut code (visible phrases of enabled
    libraries, codes compared as `collisions.shortcut_key` does), for marking them in the manager."""
    by_code: dict[str, list[Entry]] = {}
    for e in items:
        p = e.shown
        if p.shortcut and not p.hidden and offered(e, disabled):
            by_code.setdefault(shortcut_key(p.shortcut), []).append(e)
    found: dict[str, list[Phrase]] = {}
    for group in by_code.values():
        if len({e.library for e in group}) > 1:
            for e in group:
                found[e.key] = [o.shown for o in group if o.library != e.library]
    return found


# -- reordering the agent's own phrases ------------------------------------------------------------


def _order(personal: Sequence[Phrase]) -> list[str]:
    return [p.uid for p in sorted(personal, key=lambda p: (p.sort_order, p.uid))]  # ties as `entries` orders them


def _renumber(personal: Sequence[Phrase], order: list[str]) -> dict[str, int]:
    current = {p.uid: p.sort_order for p in personal}
    return {uid: n for n, uid in enumerate(order) if current[uid] != n}


def move_before(personal: Sequence[Phrase], moving: Sequence[str], before: str | None) -> dict[str, int]:
    """New sort orders (only those that change) after putting `moving` right before `before`, or at
    the end when it is None. `personal`: every phrase of the personal library."""
    order = _order(personal)
    wanted = set(moving)
    if before in wanted:
        return {}
    kept = [u for u in order if u not in wanted]
    block = [u for u in order if u in wanted]
    at = kept.index(before) if before is not None and before in kept else len(kept)
    return _renumber(personal, kept[:at] + block + kept[at:])


def nudge(personal: Sequence[Phrase], view: Sequence[str], uid: str, delta: int) -> dict[str, int]:
    """New sort orders after moving `uid` `delta` places up (negative) or down within `view`, the
    personal phrases the agent sees in their current order (a category, or the whole library)."""
    if uid not in view:
        return {}
    i = view.index(uid)
    j = max(0, min(len(view) - 1, i + delta))
    if i == j:
        return {}
    if delta < 0:
        return move_before(personal, [uid], view[j])
    order = [u for u in _order(personal) if u != uid]
    after = order.index(view[j])
    return move_before(personal, [uid], order[after + 1] if after + 1 < len(order) else None)


# -- fields as the agent types them ----------------------------------------------------------------


def parse_tags(text: str) -> tuple[str, ...]:
    """`售后, 退款、投诉` → ("售后", "退款", "投诉"): `phrase_rules.split_tags`, the one rule."""
    return split_tags(text)


def tags_text(tags: Iterable[str]) -> str:
    return ", ".join(tags)


def problems(*, title: str, category: str, body: str, shortcut: str, tags: str = "") -> list[Problem]:
    """What the store would refuse in the fields as typed (`phrase_rules.check_phrase`)."""
    return check_phrase(category, title, body, shortcut, split_tags(tags))


def valid_profile_key(name: str) -> bool:
    """Whether `name` can be a profile key, i.e. `[name]` is a placeholder a phrase can use."""
    tokens = parse(f"[{name}]")
    token = tokens[0] if len(tokens) == 1 else None
    return isinstance(token, Placeholder) and token.default is None and token.name == name
