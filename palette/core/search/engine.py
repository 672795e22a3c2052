"""`SearchIndex`, the one object the app, the palette and `palette search` use (docs/search.md)."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING

from palette.core.model import PERSONAL_LIBRARY, Phrase, Usage
from palette.core.pinyin import PinyinTable
from palette.core.search.blocks import _default_book, _Entry
from palette.core.search.codes import CodeBook
from palette.core.search.index import IndexSource, PreparedIndex, _slot
from palette.core.search.ranking import _USAGE_HALF, SCAN_CAP, Hit, MatchKind
from palette.core.search.scan import _Query, _split
from palette.core.store import NEXT_PHRASE_WINDOW_S, StoreChange, decayed
from palette.core.validity import in_window, today

if TYPE_CHECKING:
    from palette.core.store import Store


_REBUILD_SHARE = 0.2  # a change touching more than this share of phrases rebuilds the index


class SearchIndex:
    """The palette's search: docs/search.md has the API and the ranking."""

    def __init__(
        self,
        store: Store | None = None,
        *,
        clock: Callable[[], float] = time.time,
        table: PinyinTable | None = None,
    ) -> None:
        self._store = store
        self._clock = clock
        self._table = table
        self._state: PreparedIndex | None = None
        self._generation = 0
        self._pending: list[StoreChange] = []  # changes seen since the snapshot being prepared
        if store is not None:
            store.listen(self._on_change)

    # -- building -------------------------------------------------------------------------------

    @classmethod
    def from_phrases(
        cls,
        phrases: Iterable[Phrase],
        *,
        libraries: Sequence[str] = (),
        usage: Mapping[str, Usage] | None = None,
        transitions: Mapping[str, Mapping[str, int]] | None = None,
        last_used: tuple[str, float] | None = None,
        clock: Callable[[], float] = time.time,
        table: PinyinTable | None = None,
    ) -> SearchIndex:
        """An index over a fixed list (benches, tests): no store, no updates."""
        index = cls(clock=clock, table=table)
        order = {name: i for i, name in enumerate(libraries)}
        ordered = sorted(phrases, key=lambda p: (order.get(p.library, len(order)), p.sort_order, p.uid))
        source = IndexSource(tuple(ordered), tuple(libraries), usage or {}, transitions or {}, last_used)
        index.install(cls.prepare(source, table))
        return index

    @classmethod
    def from_store(cls, store: Store, *, clock: Callable[[], float] = time.time) -> SearchIndex:
        index = cls(store, clock=clock)
        index.rebuild()
        return index

    @property
    def ready(self) -> bool:
        return self._state is not None

    def snapshot(self) -> IndexSource:
        """Read what the index needs from the store (GUI thread)."""
        if self._store is None:
            raise RuntimeError("this index has no store")
        self._generation += 1
        self._pending = []
        return IndexSource.from_store(self._store, self._generation, day=today(self._clock()))

    @staticmethod
    def prepare(source: IndexSource, table: PinyinTable | None = None) -> PreparedIndex:
        """The heavy part of a build, safe on a worker thread: pure computation over `source`."""
        return PreparedIndex(CodeBook(table) if table is not None else _default_book(), source)

    def install(self, prepared: PreparedIndex) -> None:
        """Swap in a prepared index (GUI thread) and re-apply the store changes seen since its snapshot."""
        stale = self._store is not None and prepared.generation != self._generation
        self._state = prepared
        pending, self._pending = self._pending, []
        if stale:  # a newer snapshot was taken since: bring this one up to date wholesale
            self.rebuild()
            return
        for change in pending:
            self.apply(change)

    def rebuild(self) -> None:
        self.install(self.prepare(self.snapshot(), self._table))

    def warm(self) -> None:
        """Make now what the first queries of some kinds would otherwise make (initials texts): the
        app can call this when idle after `install`; it changes no result."""
        state = self._state
        if state is not None:
            for block in state.blocks:
                block.initials(state.book, True)

    # -- keeping up with the store ----------------------------------------------------------------

    def _on_change(self, change: StoreChange) -> None:
        if self._state is None or self._state.generation != self._generation:
            self._pending.append(change)
        else:
            self.apply(change)

    def apply(self, change: StoreChange) -> None:
        """Update from one store notification (GUI thread: reads the changed phrases by uid)."""
        state, store = self._state, self._store
        if state is None or store is None:
            return
        if change.everything:
            self.rebuild()
            return
        if change.libraries:
            order = {name: i for i, name in enumerate(lib.name for lib in store.libraries() if lib.enabled)}
            if order != state.lib_rank:
                self.rebuild()  # a library came, went, was disabled or enabled: every rank moves
                return
        if change.usage:  # a paste: counts and transitions only, no phrase changed
            state.set_usage(store.usage(), store.transitions(), store.last_used())
        elif change.uids:
            if len(change.uids) > max(64, _REBUILD_SHARE * len(state.slot_pid)):
                self.rebuild()
                return
            self._apply_uids(state, store, change.uids)

    def _recheck_day(self, state: PreparedIndex) -> None:
        """A new day since the index last looked (the app runs for weeks): re-resolve the dated phrases
        only, so a phrase enters or leaves the shelf when the palette opens. One date per query."""
        store = self._store
        if store is None or not state.day:
            return
        day = today(self._clock())
        if day != state.day:
            state.day = day
            self._apply_uids(state, store, store.dated_uids())

    @staticmethod
    def _apply_uids(state: PreparedIndex, store: Store, uids: Iterable[str]) -> None:
        """Re-resolve the slots these uids touch as `effective_phrases` does: an override shows in its
        original's place, a lone override (its original gone) in its own, hidden ones and those
        outside their validity window (`state.day`) not at all."""
        slots: set[str] = set()
        for uid in uids:
            p = store.get(uid)
            slots.add(uid if p is None else _slot(p))
            if uid in state.slot_pid:
                slots.add(uid)
        shown_in = {
            state.entry(pid).phrase.uid: slot
            for slot, pid in state.slot_pid.items()
            if slot != state.entry(pid).phrase.uid
        }
        slots.update(shown_in[uid] for uid in uids if uid in shown_in)
        overrides = {p.override_of: p for p in store.phrases(library=PERSONAL_LIBRARY) if p.override_of}
        for slot in slots:
            original = store.get(slot)
            if original is not None and original.library not in state.lib_rank:
                original = None  # its library is disabled: an override of it shows in its own place
            override = overrides.get(slot)
            placed = None
            if original is not None and override is not None:
                shown: Phrase | None = override
                placed = (original.library, original.sort_order)
            else:
                shown = override or original
            day = state.day
            if shown is None or shown.hidden or (day and not (in_window(shown, day) and _original_ok(original, day))):
                state.drop(slot)
            else:
                state.put(slot, shown, placed)

    # -- querying -------------------------------------------------------------------------------

    def query(self, text: str, limit: int = 20, *, scan: int = SCAN_CAP) -> list[Hit]:
        """The best `limit` hits. A crowded query stops after `scan` matching phrases (the palette's
        keystroke budget); the manager, which lists every match page by page, raises it to `limit`."""
        state = self._state
        if state is None or limit < 1:
            return []
        self._recheck_day(state)
        state.refresh()
        now = self._clock()
        words, categories = _split(text)
        if words and not any(ch.isalnum() for w in words for ch in w):
            return []  # punctuation alone (`？`) says nothing about which phrase is meant
        allowed = self._category_pids(state, categories) if categories else None
        if allowed is not None and not allowed:
            return []
        if not words:
            return self._browse(state, now, limit, allowed)
        return _Query(state, words, categories, allowed, now, limit, scan).run()

    def unknown_categories(self, text: str) -> list[str]:
        """The `#category` words of a query that match no category at all, so the palette and the CLI
        can say why the list is empty instead of showing nothing."""
        state = self._state
        if state is None:
            return []
        self._recheck_day(state)
        state.refresh()
        return [w for w in _split(text)[1] if not self._category_pids(state, [w])]

    @staticmethod
    def _category_pids(state: PreparedIndex, words: list[str]) -> set[int]:
        """The phrases in categories every `#word` matches; through a heteronym's other reading
        (餐 can|sun for `#ts`) only when no category matches as read."""
        pats = [state.compile(w).exact for w in words]
        if any(p is None for p in pats):
            return set()
        found: dict[int, set[int]] = {1: set(), 2: set()}
        for category, pids in state.by_category.items():
            if pids:
                grade = min(state.category_match(p, category) for p in pats if p is not None)
                if grade:
                    found[grade] |= pids
        return found[2] or found[1]

    @staticmethod
    def _browse(state: PreparedIndex, now: float, limit: int, allowed: set[int] | None) -> list[Hit]:
        """Pinned, then likely next, then frecent, then library order."""

        def ok(pid: int) -> bool:
            return allowed is None or pid in allowed

        frecency = {k: decayed(u.score, u.last_used, now) for k, u in state.usage.items()}
        hits: list[Hit] = []
        seen: set[int] = set()

        def order(pid: int) -> tuple[float, tuple[int, int, str]]:
            e = state.entry(pid)
            return (-frecency.get(e.key, 0.0), state.rank_of(e))

        def take(pids: Iterable[int], kind: MatchKind, score: Callable[[_Entry], float]) -> None:
            for pid in pids:
                if len(hits) < limit and pid not in seen and ok(pid):
                    seen.add(pid)
                    e = state.entry(pid)
                    hits.append(Hit(e.phrase, score(e), kind))

        take(sorted(state.pinned, key=order), MatchKind.PINNED, lambda e: 4.0)
        last = state.last_used
        if last is not None and 0 <= now - last[1] <= NEXT_PHRASE_WINDOW_S:
            counts = state.transitions.get(last[0], {})
            nxt = [pid for k in counts if k != last[0] and (pid := state.slot_pid.get(k)) is not None]
            nxt.sort(key=lambda pid: (-counts[state.entry(pid).key], *order(pid)))
            take(nxt, MatchKind.NEXT, lambda e: 3.0 + counts[e.key] / (counts[e.key] + 1))
        used = [pid for k, f in frecency.items() if f > 0 and (pid := state.slot_pid.get(k)) is not None]
        take(
            sorted(used, key=order),
            MatchKind.FRECENT,
            lambda e: 2.0 + frecency[e.key] / (frecency[e.key] + _USAGE_HALF),
        )
        if len(hits) < limit:
            rest = sorted(allowed, key=lambda pid: state.rank_of(state.entry(pid))) if allowed is not None else None
            take(
                rest if rest is not None else state.first_in_order(limit + len(seen)), MatchKind.LIBRARY, lambda e: 1.0
            )
        return hits


def _original_ok(original: Phrase | None, day: str) -> bool:
    """An override leaves the shelf with its original (a lone override answers for itself)."""
    return original is None or in_window(original, day)
