"""Finding the phrase an agent means from two or three keystrokes: an in-memory index and its ranking.

API (the palette window, the tray app and `palette search` use only this):

    index = SearchIndex(store, clock=time.time)   # cheap: listens to the store; no hits until installed
    source = index.snapshot()                      # GUI thread: reads phrases, usage, pins, transitions
    prepared = SearchIndex.prepare(source)         # any thread: the CPU work, touches neither store nor Qt
    index.install(prepared)                        # GUI thread: swaps it in, re-applies changes made meanwhile
    index.rebuild()                                # the three steps at once (CLI, tests)
    hits = index.query(text, limit=20)             # -> list[Hit], best first

    SearchIndex.from_phrases(phrases, usage=..., transitions=..., last_used=..., clock=...)   # no store

After `install`, every `StoreChange` the store announces updates the index in place: the phrases
named by uid are re-read (`Store.get`), usage changes re-read usage and transitions; only a change
to more than a fifth of the phrases rebuilds. `query` never touches the database.

`Hit(phrase, score, kind, spans)`: `kind` is a `MatchKind`; `spans` maps a field name ("title",
"body", "category", "shortcut", "tags") to (start, end) ranges in that field's raw text, end
exclusive, to highlight; for "tags" the text is `tags_text(phrase)` (the tags joined by a space).
Pinyin and initials matches highlight the characters they matched.

Query syntax: words separated by spaces must each match somewhere in the phrase; a word mixing
Latin letters and Chinese is a word per run (`sim补卡` as `sim 补卡`); a word starting with `#`
(or full-width `＃`) keeps phrases whose category matches it (`#投诉 升级`, `#ts sj`). Punctuation
alone finds nothing. A query longer than `LONG_QUERY` (a paste) is one word matched as typed, with
no fallbacks, and one longer than every field matches nothing: bounded work at any length.
An empty query lists pinned phrases, then the phrases most often used next after the last one
(within the store's conversation window), then by frecency, then in library order.

Ranking, for each typed word: the exact shortcut first (the nearest layer's first: 我的话术, a
team library, 标准话术), then the kind of match — the characters as typed > full pinyin > initials >
scattered pieces > one typo — then, within a kind, the field (title and shortcut > tags > category
> body), the position (whole field or segment > start of it > end of it > inside; the start of a
shortcut code counts most), how much of the field it covers, how many other fields also match,
minus a little for a heteronym read against its context or for the kind of typo; then frecency
(decayed with the store's half-life), pins and next-phrase statistics; ties go to the nearest
layer, then to library order. A within-kind bonus never lifts a phrase over a better kind. An ASCII
word is always also matched as typed (however many pinyin readings it has), and the phrases of
the `PREFIX_TAKE` shortest codes it begins are always scored, whatever the scan finds.

How it stays fast: phrases sit in blocks of `BLOCK_SIZE`, each kept as four texts (short fields
and bodies, folded and coded). Per block the index keeps which codes, pairs of adjacent codes and
initial letters occur (see `matching`), one bit per block, so a keystroke looks only in blocks that
can match; there it finds the typed word's *anchor* — the Chinese as typed, or the initials of its
pinyin in an ASCII initials text — with `str.find`, checks the regular expression right there, and
scores the phrase. Titles come before bodies, and the search stops after `SCAN_CAP` matching
phrases (only one- or two-key queries in a large library get that far: their best matches are
among those). Typing on narrows: the next key's matches are among the last query's when it found
them all and every reading of the longer word extends one of the shorter's (`matching.extends`),
so that typing key by key gives what typing at once gives. Scattered and typo matches are looked
for only when fewer than `FALLBACK_BELOW` phrases match exactly (they rank below every exact match
anyway), within `FALLBACK_WORK` anchor hits, and only for words of a few units.
Building reads pinyin from the shipped tables, never pypinyin. `warm()` makes the initials texts
that the first initials query would otherwise make; the app can run it once idle, and should then
call `gc.freeze()` so that no full garbage collection walks the index mid-typing.
"""

from __future__ import annotations

import heapq
import re
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from palette.core.matching import (
    FIELD_SEP,
    MAX_PINYIN_WORD,
    PHRASE_SEP,
    Alternative,
    CodeBook,
    Compiler,
    Filter,
    Kind,
    Pattern,
    WordPattern,
    extends,
    fold,
    fold_with_map,
    initial_key,
    initials_key,
    text_keys,
    then_initial_key,
)
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Phrase, Usage
from palette.core.pinyin import PinyinTable
from palette.core.pinyin import load as load_table
from palette.core.store import NEXT_PHRASE_WINDOW_S, StoreChange, decayed, effective_phrases

if TYPE_CHECKING:
    from palette.core.store import Store

FIELDS = ("shortcut", "title", "tags", "category", "body")
_SHORTCUT, _TITLE, _TAGS, _CATEGORY, _BODY = range(5)
TAG_SEPARATOR = " "
BLOCK_SIZE = 512
SCAN_CAP = 50  # matching phrases a keystroke evaluates before it stops scanning
FALLBACK_BELOW = 3  # scattered and typo matches are looked for when fewer exact ones are found …
FALLBACK_WORK = 1000  # … checking at most this many places where their anchors occur
PREFIX_TAKE = 10  # phrases whose shortcut starts with the typed word, always considered (shortest codes) …
_PREFIX_SCAN = 1024  # … among this many codes in code order
LONG_QUERY = 64  # a longer query (a paste) is searched as typed, as one literal
_MATCHES_PER_FIELD = 2
_REBUILD_SHARE = 0.2  # a change touching more than this share of phrases rebuilds the index

# Scores: a kind's base is far above anything within a kind can add (at most ~3.4).
_KIND_BASE = {Kind.TEXT: 20.0, Kind.PINYIN: 16.0, Kind.INITIALS: 12.0, Kind.SCATTERED: 8.0, Kind.TYPO: 4.0}
_SHORTCUT_SCORE = 40.0
_FIELD_WEIGHT = (1.0, 1.0, 0.55, 0.5, 0.35)  # shortcut, title, tags, category, body
_FIELD_START, _SEGMENT_START, _FIELD_END, _SEGMENT_END, _WHOLE = 0.3, 0.2, 0.2, 0.15, 0.1
_CODE_START = 0.6  # the beginning of a shortcut code: an agent typing a code's first keys means the code
_COVERAGE = 0.3  # times the share of a short field (or tag) the match covers
_EVIDENCE = 0.1  # per other field the word also matches as well
_SCATTER_GAP = 0.1  # per extra piece
_USAGE = 0.5  # frecency bonus at most (saturating)
_USAGE_HALF = 2.0  # decayed uses at which frecency gives half its bonus
_PINNED = 0.3
_NEXT = 0.3  # likely after the last phrase used, at most


class MatchKind(StrEnum):
    SHORTCUT = "shortcut"  # the query is the phrase's shortcut code
    TEXT = "text"  # the characters as typed (Chinese, letters, a shortcut's beginning)
    PINYIN = "pinyin"  # full pinyin, the last syllable possibly unfinished
    INITIALS = "initials"  # pinyin initials
    SCATTERED = "scattered"  # pieces in order with gaps
    TYPO = "typo"  # after one typo or a homophone
    PINNED = "pinned"  # empty query: pinned by the agent
    NEXT = "next"  # empty query: often used right after the last phrase
    FRECENT = "frecent"  # empty query: used often and lately
    LIBRARY = "library"  # empty query or category only: library order


_KINDS = {int(k): k for k in Kind}
_KIND_NAME = {
    Kind.TEXT: MatchKind.TEXT,
    Kind.PINYIN: MatchKind.PINYIN,
    Kind.INITIALS: MatchKind.INITIALS,
    Kind.SCATTERED: MatchKind.SCATTERED,
    Kind.TYPO: MatchKind.TYPO,
}

Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Hit:
    phrase: Phrase
    score: float
    kind: MatchKind
    spans: Mapping[str, tuple[Span, ...]] = field(default_factory=dict)


def tags_text(phrase: Phrase) -> str:
    """The text "tags" spans index into."""
    return TAG_SEPARATOR.join(phrase.tags)


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

    @classmethod
    def from_store(cls, store: Store, generation: int = 0) -> IndexSource:
        libraries = tuple(lib.name for lib in store.libraries() if lib.enabled)  # a disabled one is not indexed
        everything = store.phrases()
        by_uid = {p.uid: p for p in everything}
        shown = effective_phrases(everything, libraries, disabled=store.disabled_libraries())
        placed = {
            p.uid: (o.library, o.sort_order)
            for p in shown
            if p.override_of and (o := by_uid.get(p.override_of)) is not None
        }
        return cls(shown, libraries, store.usage(), store.transitions(), store.last_used(), placed, generation)


@cache
def _default_book() -> CodeBook:
    """The code book from the shipped tables; the tables themselves are not kept (about 7 MB)."""
    return CodeBook(load_table())


# -- the prepared index ---------------------------------------------------------------------------


Maps = tuple[tuple[int, ...] | None, ...] | None  # per field, the raw index of each folded character


class _Entry:
    """One shown phrase: where its text sits in its block, and what ranking needs."""

    __slots__ = ("block", "index", "maps", "phrase", "place", "rank", "starts")

    def __init__(self, phrase: Phrase, place: tuple[str, int] | None = None) -> None:
        self.phrase = phrase
        self.place = place  # an override's original's (library, sort order)
        self.rank: tuple[int, int, str] | None = None  # library order, made when first needed
        self.block: _Block | None = None
        self.index = 0  # its place in the block
        self.starts: tuple[int, ...] = ()  # field i is text[starts[i] : starts[i + 1] - 1]
        self.maps: Maps = None

    @property
    def key(self) -> str:
        return self.phrase.usage_key

    def initials(self, book: CodeBook) -> tuple[str, str]:
        """Its two initials texts (see `CodeBook.initials`), aligned with `text`."""
        b = self.block
        assert b is not None
        i = self.index
        hs, bs = b.head_starts, b.body_starts
        (h1, h2), (b1, b2) = b.initials(book, True), b.initials(book, False)
        head, body = slice(hs[i], hs[i + 1] - 1), slice(bs[i], bs[i + 1] - 1)
        return h1[head] + FIELD_SEP + b1[body], h2[head] + FIELD_SEP + b2[body]

    def text(self, coded: bool) -> str:
        """Its folded (or coded) fields, joined by FIELD_SEP: shortcut, title, tags, category, body."""
        b = self.block
        assert b is not None
        i = self.index
        if coded:
            head, body = b.head_code, b.body_code
        else:
            head, body = b.head_lit, b.body_lit
        return (
            head[b.head_starts[i] : b.head_starts[i + 1] - 1]
            + FIELD_SEP
            + body[b.body_starts[i] : b.body_starts[i + 1] - 1]
        )

    def field(self, f: int) -> str:
        """One folded field."""
        return self.text(False)[self.starts[f] : self.starts[f + 1] - 1]


class _Block:
    """Up to BLOCK_SIZE phrases' short fields (head) and bodies, folded and coded, as four texts;
    `*_starts[i]` is where phrase i starts, with one more entry past the end."""

    __slots__ = (
        "_initials",
        "body_code",
        "body_lit",
        "body_starts",
        "head_code",
        "head_lit",
        "head_starts",
        "longest",
        "pids",
    )

    def __init__(self, book: CodeBook, pids: list[int], entries: Sequence[_Entry]) -> None:
        self.pids = pids
        self._initials: tuple[tuple[str, str], tuple[str, str]] | None = None
        heads: list[str] = []
        bodies: list[str] = []
        hs, bs = [0], [0]
        sep = TAG_SEPARATOR
        for i, e in enumerate(entries):
            p = e.phrase
            tags = sep.join(p.tags)
            heads.append(f"{p.shortcut}\x1f{p.title}\x1f{tags}\x1f{p.category}")
            bodies.append(p.body)
            a = len(p.shortcut) + 1
            b = a + len(p.title) + 1
            c = b + len(tags) + 1
            d = c + len(p.category) + 1
            e.block, e.index, e.maps = self, i, None
            e.starts = (0, a, b, c, d, d + len(p.body) + 1)
            hs.append(hs[-1] + d)
            bs.append(bs[-1] + len(p.body) + 1)
        n = len(entries)
        head_raw, body_raw = PHRASE_SEP.join(heads), PHRASE_SEP.join(bodies)
        clean = head_raw.count(FIELD_SEP) == 3 * n and body_raw.count(FIELD_SEP) == 0
        clean = clean and head_raw.count(PHRASE_SEP) == body_raw.count(PHRASE_SEP) == max(0, n - 1)
        head_lit = book.fold_block(head_raw) if clean else None
        body_lit = book.fold_block(body_raw) if head_lit is not None else None
        if head_lit is None or body_lit is None:  # rare: fold field by field, keeping where each came from
            head_lit, body_lit, hs, bs = self._fold_slowly(entries)
        self.head_lit, self.body_lit = head_lit, body_lit
        self.head_code, self.body_code = book.encode(head_lit), book.encode(body_lit)
        self.head_starts, self.body_starts = hs, bs
        self.longest = max((b - a - 1 for e in entries for a, b in pairwise(e.starts)), default=0)

    @staticmethod
    def _fold_slowly(entries: Sequence[_Entry]) -> tuple[str, str, list[int], list[int]]:
        heads, bodies = [], []
        hs, bs = [0], [0]
        for e in entries:
            p = e.phrase
            raw = [p.shortcut, p.title, TAG_SEPARATOR.join(p.tags), p.category, p.body]
            folded = [fold_with_map(f.translate(_CONTROL)) for f in raw]
            e.maps = tuple(m for _, m in folded) if any(m for _, m in folded) else None
            texts = [f for f, _ in folded]
            starts = [0]
            for t in texts:
                starts.append(starts[-1] + len(t) + 1)
            e.starts = tuple(starts)
            heads.append(FIELD_SEP.join(texts[:4]))
            bodies.append(texts[4])
            hs.append(hs[-1] + len(heads[-1]) + 1)
            bs.append(bs[-1] + len(texts[4]) + 1)
        return PHRASE_SEP.join(heads), PHRASE_SEP.join(bodies), hs, bs

    def initials(self, book: CodeBook, head: bool) -> tuple[str, str]:
        """The initials texts of the titles (or bodies), made when an initials query first needs them."""
        if self._initials is None:
            self._initials = (
                book.initials(self.head_code, self.head_lit),
                book.initials(self.body_code, self.body_lit),
            )
        return self._initials[0] if head else self._initials[1]


_CONTROL = str.maketrans({FIELD_SEP: " ", PHRASE_SEP: " "})


class _State:
    """One prepared index: entries by pid, blocks, block filters, and what ranking needs per phrase."""

    def __init__(self, book: CodeBook, source: IndexSource) -> None:
        self.book = book
        self.generation = source.generation
        self.lib_rank = {name: i for i, name in enumerate(source.libraries)}
        self.entries: list[_Entry | None] = []
        self.slot_pid: dict[str, int] = {}
        self.blocks: list[_Block] = []
        self.dirty: set[int] = set()
        self.postings: dict[int, int] = {}  # filter key (see matching) → blocks holding it, one bit each
        self.shortcuts: dict[str, set[int]] = {}
        self._shortcut_keys: list[str] | None = None  # sorted, made when a query first needs it
        self.longest = 0  # the longest field: no longer word can match
        self._by_category: dict[str, set[int]] | None = None
        self.letters = {ord(c): x for c, x in book.letters.items()}
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

    def _index_block(self, b: int, block: _Block) -> set[int]:
        """Record the block's codes and code pairs (returned, for `_derive` after an edit)."""
        bit = 1 << b
        keys = text_keys(block.head_code + PHRASE_SEP + block.body_code)
        posts = self.postings
        get = posts.get
        for key in keys:
            posts[key] = get(key, 0) | bit
        return keys

    def _derive(self, items: Iterable[tuple[int, int]]) -> None:
        """Single codes and initial-letter keys from pair keys: once over the distinct keys after a
        build (far fewer than their occurrences), or for one block after an edit."""
        posts = self.postings
        get = posts.get
        letters = self.letters
        for key, bits in items:
            if key >= 1 << 32:
                continue
            a, b = key & 0xFFFF, key >> 16
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
            return bool(posts.get(ord(run)))
        return all(posts.get(ord(a) | ord(b) << 16) for a, b in pairwise(run))

    def _present_only(self, chars: str) -> str:
        """The codes among `chars` that occur in the library."""
        posts = self.postings
        return "".join(ch for ch in chars if posts.get(ord(ch)))

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


# -- matching one phrase ----------------------------------------------------------------------------


@dataclass(slots=True)
class _WordHit:
    kind: Kind
    local: float
    spans: dict[int, list[Span]]  # field → spans in the folded field (only when asked for)


def _is_break(lit: str, i: int) -> bool:
    """Whether a segment starts at lit[i]: after punctuation, a space, or a change of script (5G|套餐)."""
    before = lit[i - 1]
    return not before.isalnum() or before.isascii() != lit[i].isascii()


def _position(lit: str, fs: int, fe: int, s: int, t: int, f: int) -> tuple[float, float]:
    """(position bonus, coverage) of lit[s:t] inside the field lit[fs:fe]: starting the field or a
    segment of it (after punctuation, a space, a change of script) counts, ending one a little less."""
    if f == _TAGS:  # each tag is a field of its own
        cut = lit.rfind(TAG_SEPARATOR, fs, s)
        fs = fs if cut < 0 else cut + 1
        cut = lit.find(TAG_SEPARATOR, t, fe)
        fe = fe if cut < 0 else cut
    if s == fs:
        pos = _FIELD_START
    elif _is_break(lit, s):
        pos = _SEGMENT_START
    else:
        pos = 0.0
    if t == fe:
        pos += _FIELD_END + (_WHOLE if s == fs else 0.0)
    elif _is_break(lit, t):
        pos += _SEGMENT_END
    coverage = 0.0 if f == _BODY else (t - s) / max(1, fe - fs)
    return pos, coverage


def _match_pattern(e: _Entry, pat: Pattern, spans: bool, book: CodeBook) -> _WordHit | None:
    """The best match of one pattern in one phrase, with a bonus for each other field it matches."""
    lit = e.text(False)
    text = e.text(True) if pat.coded else lit
    starts = e.starts
    best: dict[int, tuple[tuple[int, float], list[Span], Span]] = {}  # field → (kind, local), spans, match
    kinds = pat.group_kinds
    f, fs, fe, seen = -1, 0, -1, 0
    for m in pat.regex.finditer(text):
        s, t = m.span()
        if s > fe:  # the first match in a later field
            f = bisect_right(starts, s) - 1
            fs, fe, seen = starts[f], starts[f + 1] - 1, 0
        if seen >= _MATCHES_PER_FIELD:
            continue
        seen += 1
        kind, penalty = kinds[m.lastgroup or ""]
        if pat.pieces:
            first, count = pat.pieces[m.lastindex or 0]
            pieces = [m.span(g) for g in range(first, first + count)]
            bonus, _ = _position(lit, fs, fe, pieces[0][0], pieces[0][1], f)
            local = _FIELD_WEIGHT[f] * (1 + bonus / 2) - _SCATTER_GAP * (count - 1)
        else:
            pieces = [(s, t)]
            bonus, coverage = _position(lit, fs, fe, s, t, f)
            local = _FIELD_WEIGHT[f] * (1 + bonus + _COVERAGE * coverage) - penalty
            if f == _SHORTCUT and s == fs:
                local += _CODE_START
        key = (int(kind), local)
        current = best.get(f)
        if current is None or key > current[0]:
            best[f] = (key, [(a - fs, b - fs) for a, b in pieces] if spans else [], (s, t))
    if not best:
        return None
    if pat.parses:
        for f, ((k, local), sp, (s, t)) in list(best.items()):
            penalty = pat.context_penalty(book, text[s:t], lit, s)
            if penalty:
                best[f] = ((k, local - penalty), sp, (s, t))
    top, local = max(v[0] for v in best.values())
    also = sum(1 for v in best.values() if v[0][0] == top) - 1
    return _WordHit(_KINDS[top], local + _EVIDENCE * also, {f: v[1] for f, v in best.items() if v[0][0] == top})


def _match_word(e: _Entry, wp: WordPattern, book: CodeBook, fallback: bool, spans: bool = False) -> _WordHit | None:
    if wp.exact is not None:
        hit = _match_pattern(e, wp.exact, spans, book)
        if hit is not None:
            return hit
    if fallback:
        best = None
        for pat in wp.fallback():
            hit = _match_pattern(e, pat, spans, book)
            if hit is not None and (best is None or (hit.kind, hit.local) > (best.kind, best.local)):
                best = hit
        return best
    return None


# -- the public index -------------------------------------------------------------------------------


class SearchIndex:
    """The palette's search: see the module docstring for the API and the ranking."""

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
        self._state: _State | None = None
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
        return IndexSource.from_store(self._store, self._generation)

    @staticmethod
    def prepare(source: IndexSource, table: PinyinTable | None = None) -> object:
        """The heavy part of a build, safe on a worker thread: pure computation over `source`."""
        return _State(CodeBook(table) if table is not None else _default_book(), source)

    def install(self, prepared: object) -> None:
        """Swap in a prepared index (GUI thread) and re-apply the store changes seen since its snapshot."""
        assert isinstance(prepared, _State)
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

    @staticmethod
    def _apply_uids(state: _State, store: Store, uids: Iterable[str]) -> None:
        """Re-resolve the slots these uids touch as `effective_phrases` does: an override shows in its
        original's place, a lone override (its original gone) in its own, hidden ones not at all."""
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
            if shown is None or shown.hidden:
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
        state.refresh()
        return [w for w in _split(text)[1] if not self._category_pids(state, [w])]

    @staticmethod
    def _category_pids(state: _State, words: list[str]) -> set[int]:
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
    def _browse(state: _State, now: float, limit: int, allowed: set[int] | None) -> list[Hit]:
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


def _denoise(text: str) -> str:
    """Without the index's separators, nor apostrophes (xi'an: it only separates syllables). Three
    `replace` calls: `translate` with a table costs 2 ms on a 40,000-character paste."""
    return text.replace(FIELD_SEP, " ").replace(PHRASE_SEP, " ").replace("'", "")


_RUNS = re.compile(r"[\x00-\x7f]+|[^\x00-\x7f]+")


def _split(text: str) -> tuple[list[str], list[str]]:
    """The words of a query, and its `#category` words. A word mixing Latin letters with Chinese
    is one word per run (`sim补卡` → sim 补卡; `3天` stays whole). A query longer than `LONG_QUERY`
    (a paste) is one literal word, as typed: bounded work whatever its length."""
    folded = fold(text)
    if len(folded) > LONG_QUERY:
        whole = " ".join(_denoise(folded).split())
        return ([whole] if whole else []), []
    words: list[str] = []
    categories: list[str] = []
    for w in folded.split():
        w = _denoise(w).strip()
        if w.startswith("#"):
            if len(w) > 1:
                categories.append(w[1:])
        elif w.isascii() or not any("a" <= ch <= "z" for ch in w):
            if w:
                words.append(w)
        else:
            words.extend(_RUNS.findall(w))
    return words, categories


def _layer(library: str) -> int:
    """Which layer wins a tie: the agent's own phrases, then a team's, then the standard library."""
    return 0 if library == PERSONAL_LIBRARY else 2 if library == STANDARD_LIBRARY else 1


class _Query:
    """One query against one prepared index."""

    def __init__(
        self,
        state: _State,
        words: list[str],
        categories: list[str],
        allowed: set[int] | None,
        now: float,
        limit: int,
        scan: int = SCAN_CAP,
    ) -> None:
        self.state = state
        self.limit = limit
        self.scan = scan
        self.categories = categories
        self.words = words
        self.patterns = [state.compile(w) for w in words]
        self.allowed = allowed
        self.now = now
        self.scores: dict[int, tuple[float, Kind, list[_WordHit]]] = {}

    def run(self) -> list[Hit]:
        limit = self.limit
        state = self.state
        shortcut_pids: set[int] = set()
        if len(self.words) == 1:
            shortcut_pids = {p for p in state.shortcuts.get(self.words[0], ()) if self._allowed(p)}
        self._phase(fallback=False, extra=shortcut_pids)
        if not shortcut_pids and len(self.scores) < min(limit, FALLBACK_BELOW):
            self._phase(fallback=True, extra=set())

        def order(
            item: tuple[int, tuple[float, Kind, list[_WordHit]]],
        ) -> tuple[int, int, float, int, tuple[int, int, str]]:
            """The exact shortcut first, the agent's or team's own code before the standard one; then
            by score, ties to the nearer layer, then to library order."""
            e = self._entry(item[0])
            layer = _layer(e.phrase.library)
            if item[0] in shortcut_pids:
                return 0, layer, -item[1][0], layer, state.rank_of(e)
            return 1, 0, -item[1][0], layer, state.rank_of(e)

        ranked = sorted(self.scores.items(), key=order)[:limit]
        out = []
        for pid, (score, kind, hits) in ranked:
            e = self._entry(pid)
            if pid in shortcut_pids:
                out.append(Hit(e.phrase, score, MatchKind.SHORTCUT, _spans(e, hits, shortcut=True)))
            else:
                out.append(Hit(e.phrase, score, _KIND_NAME[kind], _spans(e, hits)))
        return out

    def _entry(self, pid: int) -> _Entry:
        return self.state.entry(pid)

    def _allowed(self, pid: int) -> bool:
        return self.allowed is None or pid in self.allowed

    def _phase(self, *, fallback: bool, extra: set[int]) -> None:
        """Find candidate phrases (titles and other short fields first, then bodies) and score them.

        Blocks are narrowed by every word's filters; inside them the most selective word's anchors
        are looked for with `str.find`, and each phrase holding one is matched with the patterns."""
        state = self.state
        per_word: list[tuple[int, list[tuple[Pattern, Alternative, int]]]] = []
        blocks = -1
        for wp in self.patterns:
            # a single word's exact matches were all found already when its fallbacks are looked for
            pats = [wp.exact] if wp.exact is not None and not (fallback and len(self.patterns) == 1) else []
            if fallback:
                pats += wp.fallback()
            alts = [(p, a, state.blocks_for(a.filter)) for p in pats for a in p.alternatives]
            union = 0
            for _, _, bits in alts:
                union |= bits
            blocks &= union
            per_word.append((union, alts))
        if fallback and not blocks:
            return
        found: list[int] = sorted(extra)
        all_prefixed = True  # every phrase a shortcut prefix names is among `found`
        if not fallback:  # the codes the words begin: considered whatever the scan finds
            for w in self.words:
                if w.isascii():
                    prefixed, every = state.shortcut_prefixed(w)
                    found += [pid for pid in prefixed if pid not in extra]
                    all_prefixed = all_prefixed and every
        have = set(found)
        cap = self.limit + len(self.scores) if fallback else self.scan  # fallbacks only fill the list
        narrowed = None if fallback or not blocks else state.narrowed(self.words, self.categories)
        if narrowed is not None:  # the last query, one key shorter, matched only these
            found += [pid for pid in narrowed if pid not in have and self._matches(pid)]
        else:
            lead = min(range(len(per_word)), key=lambda k: (per_word[k][0] & blocks).bit_count())
            merged: dict[tuple[int, str, tuple[str, ...], int | None], tuple[Pattern, Alternative, int]] = {}
            for pat, alt, bits in per_word[lead][1]:  # readings sharing anchors are looked for once
                key = (id(pat), alt.domain, alt.anchors, alt.offset) if alt.domain else (id(pat), "", (), id(alt))
                seen_before = merged.get(key)
                merged[key] = (pat, alt, bits | (seen_before[2] if seen_before else 0))
            driver = list(merged.values())
            checked: dict[int, set[int]] = {id(pat): set() for pat, _, _ in driver}  # per pattern
            budget = [FALLBACK_WORK if fallback else 1 << 62]
            for head in (True, False):
                for b in _bits(blocks):
                    if len(found) >= cap or budget[0] <= 0:
                        break
                    bit = 1 << b
                    block = state.blocks[b]
                    for pat, alt, bits in driver:
                        if bits & bit:
                            self._scan(block, pat, alt, head, found, have, checked[id(pat)], cap, budget)
            if not fallback and len(per_word) > 1:  # the other words, held to what the scan holds the first to
                found = [pid for pid in found if pid in extra or self._matches(pid, skip=lead)]
        complete = len(have) < cap and not fallback and all_prefixed
        if not complete:  # a crowded query: make sure the phrases the agent uses are considered
            found.extend(sorted(state.favourites() - have))
        matched = []
        for pid in found:
            if pid in self.scores or not self._allowed(pid):
                continue
            scored = self._score(pid, fallback, pid in extra)
            if scored is not None:
                self.scores[pid] = scored
                matched.append(pid)
        if not fallback:
            state.remember(self.words, self.categories, matched if complete else None)

    def _matches(self, pid: int, skip: int = -1) -> bool:
        """Whether every word (but the `skip`th) matches the phrase exactly where the scan would find it."""
        e = self._entry(pid)
        return all(
            wp.exact is not None and self._anchored(e, wp.exact) for k, wp in enumerate(self.patterns) if k != skip
        )

    def _anchored(self, e: _Entry, pat: Pattern) -> bool:
        """`_scan`'s test for one phrase: a match of `pat` at one of its alternatives' anchors."""
        whole = e.text(pat.coded)
        for alt in pat.alternatives:
            if not alt.domain or alt.offset is None:
                if pat.regex.search(whole):
                    return True
                continue
            for text in e.initials(self.state.book) if alt.domain == "init" else (e.text(False),):
                for anchor in alt.anchors:
                    at = text.find(anchor)
                    while at >= 0:
                        if at >= alt.offset and pat.regex.match(whole, at - alt.offset):
                            return True
                        at = text.find(anchor, at + 1)
        return False

    def _scan(
        self,
        block: _Block,
        pat: Pattern,
        alt: Alternative,
        head: bool,
        found: list[int],
        have: set[int],
        seen: set[int],
        cap: int,
        budget: list[int],
    ) -> None:
        """Add to `found` the phrases of the block's titles (or bodies) that `pat` matches: found by
        the alternative's anchors and checked with the regex (right at the anchor when the anchor
        marks where a match starts, else in the whole phrase); or by scanning with the regex."""
        starts = block.head_starts if head else block.body_starts
        pids = block.pids
        last = len(pids) - 1
        if pat.coded:
            whole = block.head_code if head else block.body_code
        else:
            whole = block.head_lit if head else block.body_lit
        if not alt.domain:
            search = pat.regex.search
            pos = 0
            while len(found) < cap and (m := search(whole, pos)) is not None:
                i = bisect_right(starts, m.start()) - 1
                if pids[i] not in have:
                    have.add(pids[i])
                    found.append(pids[i])
                if i >= last:
                    return
                pos = starts[i + 1]
            return
        texts = (
            block.initials(self.state.book, head)
            if alt.domain == "init"
            else (block.head_lit if head else block.body_lit,)
        )
        match = pat.regex.match
        search = pat.regex.search
        entries = self.state.entries
        offset = alt.offset
        for text in texts:
            find = text.find
            for anchor in alt.anchors:
                at = find(anchor)
                while at >= 0 and len(found) < cap and budget[0] > 0:
                    budget[0] -= 1
                    i = bisect_right(starts, at) - 1
                    pid = pids[i]
                    if offset is not None:  # check right where the match would start
                        start = at - offset
                        if pid in have or start < starts[i] or not match(whole, start):
                            at = find(anchor, at + 1)
                            continue
                    elif pid in seen or pid in have:
                        at = find(anchor, starts[i + 1]) if i < last else -1
                        continue
                    else:
                        seen.add(pid)
                        e = entries[pid]
                        if e is None or not search(e.text(pat.coded)):
                            at = find(anchor, starts[i + 1]) if i < last else -1
                            continue
                    have.add(pid)
                    found.append(pid)
                    at = find(anchor, starts[i + 1]) if i < last else -1

    def _score(self, pid: int, fallback: bool, shortcut: bool) -> tuple[float, Kind, list[_WordHit]] | None:
        e = self._entry(pid)
        local = 0.0
        worst = Kind.TEXT
        hits = []
        for wp in self.patterns:
            hit = _match_word(e, wp, self.state.book, fallback, spans=True)
            if hit is None:
                if shortcut:
                    local, worst = 0.0, Kind.TEXT
                    break
                return None
            hits.append(hit)
            local += hit.local
            worst = min(worst, hit.kind)
        base = _SHORTCUT_SCORE if shortcut else _KIND_BASE[worst]
        return base + local / len(self.patterns) + self._usage_bonus(e), worst, hits

    def _usage_bonus(self, e: _Entry) -> float:
        state = self.state
        bonus = _PINNED if e.phrase.pinned else 0.0
        u = state.usage.get(e.key)
        if u is not None:
            f = decayed(u.score, u.last_used, self.now)
            bonus += _USAGE * f / (f + _USAGE_HALF)
        last = state.last_used
        if last is not None and 0 <= self.now - last[1] <= NEXT_PHRASE_WINDOW_S and last[0] != e.key:
            c = state.transitions.get(last[0], {}).get(e.key, 0)
            bonus += _NEXT * c / (c + 2)
        return bonus


def _spans(e: _Entry, hits: list[_WordHit], shortcut: bool = False) -> dict[str, tuple[Span, ...]]:
    """Each field's matched ranges, in the raw field text (folding can change lengths)."""
    found: dict[int, set[Span]] = {}
    if shortcut:
        found[_SHORTCUT] = {(0, e.starts[1] - 1)}
    for hit in hits:
        for f, spans in hit.spans.items():
            found.setdefault(f, set()).update(spans)
    out: dict[str, tuple[Span, ...]] = {}
    for f, field_spans in sorted(found.items()):
        fmap = e.maps[f] if e.maps is not None else None
        raw = []
        for a, b in sorted(field_spans):
            if fmap is not None:
                a, b = fmap[a], (fmap[b - 1] + 1 if b > 0 else 0)
            raw.append((a, b))
        out[FIELDS[f]] = tuple(_merge(raw))
    return out


def _merge(spans: list[Span]) -> list[Span]:
    out: list[Span] = []
    for a, b in sorted(spans):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out
