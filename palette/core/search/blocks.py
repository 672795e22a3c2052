"""The phrases an index holds, in blocks of texts that one `str.find` or regex pass can search."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from itertools import pairwise
from typing import TYPE_CHECKING

from palette.core.model import Phrase
from palette.core.pinyin import load as load_table
from palette.core.search.codes import FIELD_SEP, PHRASE_SEP, CodeBook, fold_with_map

if TYPE_CHECKING:
    pass


@cache
def _default_book() -> CodeBook:
    """The code book from the shipped tables; the tables themselves are not kept (about 7 MB)."""
    return CodeBook(load_table())


def shared_book() -> CodeBook:
    """The process's code book (the search's own), for others needing readings: no second table."""
    return _default_book()


# -- the prepared index ---------------------------------------------------------------------------


FIELDS = ("shortcut", "title", "tags", "category", "body")
_SHORTCUT, _TITLE, _TAGS, _CATEGORY, _BODY = range(5)
TAG_SEPARATOR = " "
BLOCK_SIZE = 512

_CONTROL = str.maketrans({FIELD_SEP: " ", PHRASE_SEP: " "})

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
