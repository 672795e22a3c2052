"""The manager's entries kept up to date one changed phrase at a time.

A team library can hold 100,000 phrases; after an edit the manager must not re-read, re-sort and
re-count all of them. `Listing` holds the entries in `editing.entries` order with what the window
derives from them (the shortcut-collision marks, the shortcut owners, the tree's counts) and patches
all of it for the phrases a store notification names. The result equals a full re-read (a property
test checks it), so the window can trust it.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Sequence
from typing import NamedTuple

from palette.core.editing import Entry, entries, offered
from palette.core.model import PERSONAL_LIBRARY, Phrase
from palette.core.phrase_rules import shortcut_key

Place = tuple[int, int, str]


class Patch(NamedTuple):
    """What an update changed: the entries taken out and those put in (an edited entry is in both)."""

    gone: list[Entry]
    came: list[Entry]


class Listing:
    """Every phrase as manager entries, plus the indexes an incremental update needs."""

    def __init__(self, phrases: Iterable[Phrase], libraries: Sequence[str], disabled: Collection[str] = ()) -> None:
        self.libraries = list(libraries)
        self.disabled = frozenset(disabled)
        self._rank = {name: i for i, name in enumerate(self.libraries)}
        self.entries = entries(phrases, self.libraries)
        self.by_key = {e.key: e for e in self.entries}
        self.collisions: dict[str, list[Phrase]] = {}  # entry key → other libraries' phrases with its code
        self.counts: dict[str, Counter[str]] = {}  # library → categories (first-appearance order) → entries
        self._holder: dict[str, str] = {}  # phrase uid → key of the entry holding it
        self._orphans: dict[str, str] = {}  # override_of → key of that override listed alone (original gone)
        self._codes: dict[str, list[str]] = {}  # shortcut code → keys of offered visible entries, in order
        self._build()

    def _build(self) -> None:
        """The indexes of every entry at once: one plain loop, as a window opens on 100,000 of them."""
        holder, orphans, codes, counts = self._holder, self._orphans, self._codes, self.counts
        disabled = self.disabled
        for e in self.entries:
            original, override = e
            shown = override or original
            assert shown is not None
            base = original or shown
            key = base.uid
            holder[key] = key
            if override is not None:
                holder[override.uid] = key
                if original is None and override.override_of is not None:
                    orphans[override.override_of] = key
            library = base.library
            if shown.shortcut and not shown.hidden and (override is not None or library not in disabled):
                codes.setdefault(shortcut_key(shown.shortcut), []).append(key)
            per = counts.get(library)
            if per is None:
                per = counts[library] = Counter()
            per[shown.category] += 1
        for code, keys in codes.items():
            if len(keys) > 1:
                self._mark(code, keys)

    def place(self, e: Entry) -> Place:
        """Where an entry sorts: library, sort order, uid (as `editing.entries` orders them)."""
        base = e.original or e.shown
        return self._rank.get(base.library, len(self._rank)), base.sort_order, base.uid

    def update(self, uids: Iterable[str], get: Callable[[str], Phrase | None]) -> Patch:
        """Re-read the phrases `uids` (and their entries' other halves) with `get` (`Store.get`) and
        patch everything for them. Not for a change of libraries (re-read them all then)."""
        wanted = set(uids)
        old_keys = {self._holder[u] for u in wanted if u in self._holder}
        wanted |= {p.uid for k in old_keys for p in (self.by_key[k].original, self.by_key[k].override) if p}
        fresh = {u: get(u) for u in wanted}
        for p in [p for p in fresh.values() if p is not None]:
            partner = self._partner(p)
            if partner is not None and partner.key not in old_keys:  # its entry changes too
                old_keys.add(partner.key)
                for q in (partner.original, partner.override):
                    if q is not None:
                        fresh.setdefault(q.uid, q)
        new = _pair([p for p in fresh.values() if p is not None])
        old = [self.by_key[k] for k in old_keys]
        for e in old:
            self._remove(e)
        for e in new:
            self._insert(e)
        self._recount(old, new)
        return Patch(old, new)

    def categories(self) -> list[str]:
        """The categories in use across all libraries, in the order they first appear."""
        seen: dict[str, None] = {}
        for name in sorted(self.counts, key=lambda n: self._rank.get(n, len(self._rank))):
            seen.update(dict.fromkeys(self.counts[name]))
        return list(seen)

    def owner(self, shortcut: str, exclude: str | None = None) -> Phrase | None:
        """The visible phrase the palette offers for `shortcut` (case-insensitive), other than the one
        `exclude` names (the answer of `editing.ShortcutOwners` over the offered entries)."""
        code = shortcut.strip().lower()
        for key in self._codes.get(shortcut_key(shortcut), ()):
            p = self.by_key[key].shown
            if p.shortcut.strip().lower() == code and (exclude is None or exclude not in (p.uid, p.override_of)):
                return p
        return None

    # -- keeping the indexes ---------------------------------------------------------------------------

    def _partner(self, p: Phrase) -> Entry | None:
        """The listed entry a re-read phrase joins: its original's, or an override listed alone of it."""
        if p.override_of is not None:
            key = self._holder.get(p.override_of)
            e = self.by_key.get(key) if key is not None else None
            return e if e is not None and e.original is not None and e.original.uid == p.override_of else None
        orphan = self._orphans.get(p.uid)
        return self.by_key[orphan] if orphan is not None else None

    def _code(self, e: Entry) -> str | None:
        p = e.shown
        return shortcut_key(p.shortcut) if p.shortcut and not p.hidden and offered(e, self.disabled) else None

    def _hold(self, e: Entry) -> None:
        """Remember which entry holds each of `e`'s phrases, and an override whose original is not listed."""
        for p in (e.original, e.override):
            if p is not None:
                self._holder[p.uid] = e.key
        if e.original is None and e.shown.override_of is not None:
            self._orphans[e.shown.override_of] = e.key

    def _index(self, e: Entry) -> None:
        self._hold(e)
        code = self._code(e)
        if code is not None:
            self._codes.setdefault(code, []).append(e.key)

    def _remove(self, e: Entry) -> None:
        del self.entries[self._position(e)]
        del self.by_key[e.key]
        for p in (e.original, e.override):
            if p is not None and self._holder.get(p.uid) == e.key:
                del self._holder[p.uid]
        if e.original is None and e.shown.override_of is not None:
            self._orphans.pop(e.shown.override_of, None)
        code = self._code(e)
        if code is not None:
            self._codes[code].remove(e.key)
            self._mark(code, self._codes[code], gone=e.key)
            if not self._codes[code]:
                del self._codes[code]

    def _insert(self, e: Entry) -> None:
        insort(self.entries, e, key=self.place)
        self.by_key[e.key] = e
        self._hold(e)
        code = self._code(e)
        if code is not None:
            keys = self._codes.setdefault(code, [])
            insort(keys, e.key, key=lambda k: self.place(self.by_key[k]))
            self._mark(code, keys)

    def _rank_of(self, e: Entry) -> int:
        return self.place(e)[0]

    def _position(self, e: Entry) -> int:
        i = bisect_left(self.entries, self.place(e), key=self.place)
        assert self.entries[i].key == e.key
        return i

    def _mark(self, code: str, keys: list[str], gone: str | None = None) -> None:
        """Recompute the collision marks of one code's entries (as `editing.layer_collisions` does)."""
        if gone is not None:
            self.collisions.pop(gone, None)
        group = [self.by_key[k] for k in keys]
        several = len({e.library for e in group}) > 1
        for e in group:
            if several:
                self.collisions[e.key] = [o.shown for o in group if o.library != e.library]
            else:
                self.collisions.pop(e.key, None)

    def _recount(self, old: list[Entry], new: list[Entry]) -> None:
        """The tree's counts: patched when no category can have moved, else that library counted again."""
        before = {e.key: (self.place(e), e.library, e.shown.category) for e in old}
        after = {e.key: (self.place(e), e.library, e.shown.category) for e in new}
        if before == after:
            return
        for name in {t[1] for t in (*before.values(), *after.values())}:
            r = self._rank.get(name, len(self._rank))
            lo = bisect_left(self.entries, r, key=self._rank_of)
            hi = bisect_left(self.entries, r + 1, key=self._rank_of)
            counts = Counter(e.shown.category for e in self.entries[lo:hi] if e.library == name)
            if counts:
                self.counts[name] = counts
            else:
                self.counts.pop(name, None)


def _pair(fresh: list[Phrase]) -> list[Entry]:
    """The entries some phrases make, each override with its original when that is among them."""
    by_uid = {p.uid: p for p in fresh}
    made: dict[str, Entry] = {}
    for p in fresh:
        if p.override_of is not None and p.override_of in by_uid:
            made[p.override_of] = Entry(by_uid[p.override_of], p)
    for p in fresh:
        if p.uid not in made and (p.override_of is None or p.override_of not in by_uid):
            made[p.uid] = Entry(None, p) if p.library == PERSONAL_LIBRARY else Entry(p, None)
    return list(made.values())
