"""The prepared index: entries, blocks and their filters, kept up to date phrase by phrase."""

from __future__ import annotations

import heapq
from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import pairwise
from typing import TYPE_CHECKING

from palette.core.model import Phrase, Usage
from palette.core.search.blocks import _BODY, _CATEGORY, BLOCK_SIZE, _Block, _Entry
from palette.core.search.codes import PHRASE_SEP, CodeBook
from palette.core.search.compiler import Compiler
from palette.core.search.keys import (
    Filter,
    FilterKey,
    PairKey,
    initial_key,
    initials_key,
    is_derived,
    pair_key,
    pair_units,
    text_keys,
    then_initial_key,
    unit_key,
)
from palette.core.search.patterns import Pattern, WordPattern, extends
from palette.core.search.ranking import LONG_QUERY
from palette.core.search.readings import MAX_PINYIN_WORD
from palette.core.store import effective_phrases

if TYPE_CHECKING:
    from palette.core.store import Store


@dataclass(frozen=True, slots=True)
class IndexSource:
    """Everything an index is built from, read from the store in one go (on the GUI thread).
    `phrases` are in library order, as `Store.visible_phrases` gives them: that order breaks ties."""

    phrases: Sequence[Phrase]
    libraries: Sequence[str] = ()
    usage: Mapping[str, Usage] = field(default_factory=dict)
    transitions: Mapping[str, Mapping[str, int]] = field(default_factory=dict)
    last_used: tuple[str, float] | None = None
    placed: Mapping[str, tuple[str, int]] = field(default_factory=dict)  # override uid → its original's place
    generation: int = 0
    day: str = ""  # the date whose validity windows `phrases` respects ("" = none applied)

    @classmethod
    def from_store(cls, store: Store, generation: int = 0, *, day: str = "") -> IndexSource:
        libraries = tuple(lib.name for lib in store.libraries() if lib.enabled)  # a disabled one is not indexed
        everything = store.phrases()
        by_uid = {p.uid: p for p in everything}
        shown = effective_phrases(everything, libraries, disabled=store.disabled_libraries(), today=day or None)
        placed = {
            p.uid: (o.library, o.sort_order)
            for p in shown
            if p.override_of and (o := by_uid.get(p.override_of)) is not None
        }
        return cls(shown, libraries, store.usage(), store.transitions(), store.last_used(), placed, generation, day)


PREFIX_TAKE = 10  # phrases whose shortcut starts with the typed word, always considered (shortest codes) …
_PREFIX_SCAN = 1024  # … among this many codes in code order


class PreparedIndex:
    """One prepared index: entries by pid, blocks, block filters, and what ranking needs per phrase.
    `SearchIndex.prepare` makes one on any thread; `SearchIndex.install` swaps it in on the GUI thread."""

    def __init__(self, book: CodeBook, source: IndexSource) -> None:
        self.book = book
        self.generation = source.generation
        self.day = source.day
        self.lib_rank = {name: i for i, name in enumerate(source.libraries)}
        self.entries: list[_Entry | None] = []
        self.slot_pid: dict[str, int] = {}
        self.blocks: list[_Block] = []
        self.dirty: set[int] = set()
        self.postings: dict[FilterKey, int] = {}  # filter key (see keys) → blocks holding it, one bit each
        self.shortcuts: dict[str, set[int]] = {}
        self._shortcut_keys: list[str] | None = None  # sorted, made when a query first needs it
        self.longest = 0  # the longest field: no longer word can match
        self._by_category: dict[str, set[int]] | None = None
        self.letters = {unit_key(c): x for c, x in book.letters.items()}
        self.pinned: set[int] = set()
        self.unordered: set[int] = set()  # pids placed by an edit, so pid order may not be rank order
        self.patterns: dict[str, WordPattern] = {}
        self.categories: dict[str, str] = {}  # folded category → coded
        self.compiler = Compiler(book, self._ascii_ok, self._present_only, lambda f: self.blocks_for(f).bit_count())
        self.last: tuple[tuple[str, ...], tuple[str, ...], list[int]] | None = None
        self.usage: dict[str, Usage] = {}
        self.transitions: dict[str, dict[str, int]] = {}
        self.last_used: tuple[str, float] | None = None
        self.set_usage(source.usage, source.transitions, source.last_used)
        placed = source.placed
        phrases = source.phrases
        for at in range(0, len(phrases), BLOCK_SIZE):
            self._append_block([_Entry(p, placed.get(p.uid)) for p in phrases[at : at + BLOCK_SIZE]])
        self._derive(list(self.postings.items()))

    # -- contents -------------------------------------------------------------------------------

    def rank_of(self, e: _Entry) -> tuple[int, int, str]:
        """Library order: library (as the store lists them), sort order, uid."""
        if e.rank is None:
            p = e.phrase
            library, order = e.place or (p.library, p.sort_order)
            e.rank = (self.lib_rank.get(library, len(self.lib_rank)), order, p.uid)
        return e.rank

    def set_usage(
        self, usage: Mapping[str, Usage], transitions: Mapping[str, Mapping[str, int]], last: tuple[str, float] | None
    ) -> None:
        self.usage = dict(usage)
        self.transitions = {k: dict(v) for k, v in transitions.items()}
        self.last_used = last

    def _append_block(self, entries: list[_Entry]) -> None:
        b = len(self.blocks)
        first = len(self.entries)
        pids = list(range(first, first + len(entries)))
        self.entries.extend(entries)
        slot_pid = self.slot_pid
        for pid, e in zip(pids, entries, strict=True):
            slot_pid[e.phrase.override_of or e.phrase.uid] = pid
        block = _Block(self.book, pids, entries)
        self.blocks.append(block)
        head, hs = block.head_lit, block.head_starts
        shortcuts = self.shortcuts
        self._shortcut_keys = None
        for i, (pid, e) in enumerate(zip(pids, entries, strict=True)):
            at, starts = hs[i], e.starts
            if e.phrase.shortcut:
                shortcuts.setdefault(head[at : at + starts[1] - 1].strip(), set()).add(pid)
            if e.phrase.pinned:
                self.pinned.add(pid)
        self.longest = max(self.longest, block.longest)
        self._index_block(b, block)

    def _note(self, pid: int, e: _Entry) -> None:
        text = e.text(False)
        if e.phrase.shortcut:
            self.shortcuts.setdefault(text[: e.starts[1] - 1].strip(), set()).add(pid)
            self._shortcut_keys = None
        if e.phrase.pinned:
            self.pinned.add(pid)

    def _forget(self, pid: int) -> None:
        e = self.entries[pid]
        if e is None or e.block is None:
            return
        text = e.text(False)
        if e.phrase.shortcut:
            self.shortcuts.get(text[: e.starts[1] - 1].strip(), set()).discard(pid)
        self.pinned.discard(pid)

    def _index_block(self, b: int, block: _Block) -> set[PairKey]:
        """Record the block's codes and code pairs (returned, for `_derive` after an edit)."""
        bit = 1 << b
        keys = text_keys(block.head_code + PHRASE_SEP + block.body_code)
        posts = self.postings
        get = posts.get
        for key in keys:
            posts[key] = get(key, 0) | bit
        return keys

    def _derive(self, items: Iterable[tuple[FilterKey, int]]) -> None:
        """Single codes and initial-letter keys from pair keys: once over the distinct keys after a
        build (far fewer than their occurrences), or for one block after an edit."""
        posts = self.postings
        get = posts.get
        letters = self.letters
        for key, bits in items:
            if is_derived(key):
                continue
            a, b = pair_units(PairKey(key))
            posts[a] = get(a, 0) | bits
            posts[b] = get(b, 0) | bits
            la, lb = letters.get(a, ""), letters.get(b, "")
            for x in la:
                k = initial_key(x)
                posts[k] = get(k, 0) | bits
            for y in lb:
                k = initial_key(y)
                posts[k] = get(k, 0) | bits
                k = then_initial_key(chr(a), y)
                posts[k] = get(k, 0) | bits
                for x in la:
                    k = initials_key(x, y)
                    posts[k] = get(k, 0) | bits

    def put(self, slot: str, phrase: Phrase, placed: tuple[str, int] | None) -> None:
        """Show `phrase` for `slot` (the original's uid when it is overridden): add it or replace it.
        Its block is rebuilt before the next query (`refresh`)."""
        pid = self.slot_pid.get(slot)
        if pid is not None:
            old = self.entries[pid]
            if old is not None and old.phrase == phrase and old.place == placed:
                return
            self._forget(pid)
        else:
            pid = len(self.entries)
            self.entries.append(None)
            self.slot_pid[slot] = pid
        self.entries[pid] = _Entry(phrase, placed)
        self.unordered.add(pid)
        self.dirty.add(pid // BLOCK_SIZE)

    def drop(self, slot: str) -> None:
        pid = self.slot_pid.pop(slot, None)
        if pid is None:
            return
        self._forget(pid)
        self.entries[pid] = None
        self.unordered.discard(pid)
        self.dirty.add(pid // BLOCK_SIZE)

    def refresh(self) -> None:
        """Rebuild the blocks edits touched. Their old filter bits stay: a superset only costs a scan."""
        if not self.dirty:
            return
        for b in sorted(self.dirty):
            pids = [pid for pid in range(b * BLOCK_SIZE, min(len(self.entries), (b + 1) * BLOCK_SIZE))]
            live = [pid for pid in pids if self.entries[pid] is not None]
            entries = [self.entry(pid) for pid in live]
            for pid, e in zip(live, entries, strict=True):
                if e.block is not None:
                    self._forget(pid)
            block = _Block(self.book, live, entries)
            while len(self.blocks) <= b:
                self.blocks.append(_Block(self.book, [], []))
            self.blocks[b] = block
            self.longest = max(self.longest, block.longest)
            for pid, e in zip(live, entries, strict=True):
                self._note(pid, e)
            bit = 1 << b
            self._derive((key, bit) for key in self._index_block(b, block))
        self.dirty.clear()
        self.last = None
        self._by_category = None
        self.categories.clear()
        self.patterns.clear()  # what patterns hold depends on which codes and blocks the library has
        self.compiler.clear()

    def remember(self, words: list[str], categories: list[str], matched: list[int] | None) -> None:
        """What the last query matched exactly, when that is all it matches (for `narrowed`)."""
        self.last = None if matched is None else (tuple(words), tuple(categories), matched)

    def narrowed(self, words: list[str], categories: list[str]) -> list[int] | None:
        """Typing on narrows: when the last query was these words with the last one shorter, and
        it found every exact match, this one's exact matches are among them."""
        last = self.last
        if last is None or tuple(categories) != last[1] or len(words) != len(last[0]):
            return None
        before, word = last[0], words[-1]
        if tuple(words[:-1]) != before[:-1] or len(word) <= len(before[-1]) or not word.startswith(before[-1]):
            return None
        if not extends(self.compile(word), self.compile(before[-1])):
            return None
        return last[2]

    @property
    def by_category(self) -> dict[str, set[int]]:
        """Folded category → its phrases, made when a query first filters by category."""
        if self._by_category is None:
            groups: dict[str, set[int]] = {}
            for pid, e in self.live():
                groups.setdefault(e.text(False)[e.starts[_CATEGORY] : e.starts[_BODY] - 1], set()).add(pid)
            self._by_category = groups
        return self._by_category

    def live(self) -> Iterator[tuple[int, _Entry]]:
        for pid, e in enumerate(self.entries):
            if e is not None and e.block is not None:
                yield pid, e

    def first_in_order(self, limit: int) -> list[int]:
        """The `limit` first pids in library order."""
        head: list[int] = []
        for pid, e in enumerate(self.entries):
            if len(head) >= limit:
                break
            if e is not None and pid not in self.unordered:
                head.append(pid)
        head.extend(self.unordered)
        return sorted(head, key=lambda pid: self.rank_of(self.entry(pid)))[:limit]

    def favourites(self) -> set[int]:
        """Pinned phrases and phrases the agent has used."""
        out = set(self.pinned)
        for key in self.usage:
            pid = self.slot_pid.get(key)  # a slot is named by its usage key
            if pid is not None:
                out.add(pid)
        return out

    def entry(self, pid: int) -> _Entry:
        e = self.entries[pid]
        assert e is not None
        return e

    # -- compiling --------------------------------------------------------------------------------

    def _ascii_ok(self, run: str) -> bool:
        """Whether the library's text may hold `run` as typed (wifi, sim, 5g, kc1 …): every pair of
        adjacent characters in it occurs somewhere."""
        posts = self.postings
        if len(run) == 1:
            return bool(posts.get(unit_key(run)))
        return all(posts.get(pair_key(a, b)) for a, b in pairwise(run))

    def _present_only(self, chars: str) -> str:
        """The codes among `chars` that occur in the library."""
        posts = self.postings
        return "".join(ch for ch in chars if posts.get(unit_key(ch)))

    def compile(self, word: str) -> WordPattern:
        if len(word) > self.longest and (len(word) > MAX_PINYIN_WORD or not word.isascii()):
            # matched only as typed (see `Compiler.compile`), and longer than any field: nothing matches
            return WordPattern(word, None, list)
        wp = self.patterns.get(word)
        if wp is None:
            if len(self.patterns) > 256:
                self.patterns.clear()
            wp = self.compiler.compile(word)
            if len(word) <= LONG_QUERY:
                self.patterns[word] = wp
        return wp

    def shortcut_prefixed(self, word: str) -> tuple[list[int], bool]:
        """The phrases whose shortcut starts with `word` (and is longer): those of the `PREFIX_TAKE`
        shortest codes, and whether that is all of them. They are scored whatever the scan finds,
        so that `sh` keeps `sh1` however many titles read sh…"""
        keys = self._shortcut_keys
        if keys is None:
            keys = self._shortcut_keys = sorted(k for k, pids in self.shortcuts.items() if pids)
        lo = bisect_right(keys, word)  # past the code that is the word itself
        hi = bisect_left(keys, word + "\U0010ffff", lo)
        codes = heapq.nsmallest(PREFIX_TAKE, keys[lo : min(hi, lo + _PREFIX_SCAN)], key=len)
        return sorted({pid for code in codes for pid in self.shortcuts[code]}), hi - lo <= PREFIX_TAKE

    def blocks_for(self, groups: Filter) -> int:
        """Blocks holding at least one key of every group (all blocks when there are no groups)."""
        posts = self.postings
        acc = (1 << len(self.blocks)) - 1
        for keys in groups:
            bits = 0
            for k in keys:
                bits |= posts.get(k, 0)
            acc &= bits
            if not acc:
                break
        return acc

    def category_match(self, pattern: Pattern, category: str) -> int:
        """2 when `pattern` matches the category as read, 1 only through another reading, else 0."""
        coded = self.categories.get(category)
        if coded is None:
            coded = self.categories[category] = self.book.encode(category)
        text = coded if pattern.coded else category
        found = 0
        for m in pattern.regex.finditer(text):
            s, t = m.span()
            if not pattern.context_penalty(self.book, text[s:t], category, s):
                return 2
            found = 1
        return found


def _slot(p: Phrase) -> str:
    return p.override_of or p.uid


def _bits(x: int) -> Iterator[int]:
    while x:
        low = x & -x
        yield low.bit_length() - 1
        x ^= low
