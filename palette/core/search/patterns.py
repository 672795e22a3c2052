"""What a typed word compiles to: tokens, parses, alternatives and patterns."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import IntEnum, StrEnum
from typing import TYPE_CHECKING

from palette.core.search.keys import Filter

if TYPE_CHECKING:
    from palette.core.search.codes import CodeBook

ALT_READING_PENALTY = 0.15  # a match through a reading the context does not give (重新 as zhong-xin)


class Kind(IntEnum):
    """How a word matched, best last so `max` picks the best."""

    TYPO = 1
    SCATTERED = 2
    INITIALS = 3
    PINYIN = 4
    TEXT = 5


class TokenKind(StrEnum):
    """What a piece of a typed word stands for."""

    LITERAL = "L"  # the character itself
    SYLLABLE = "S"  # a whole syllable
    INITIAL = "I"  # an initial
    PREFIX = "P"  # an unfinished syllable


@dataclass(frozen=True, slots=True)
class Token:
    """One unit of text a piece of the typed word stands for."""

    kind: TokenKind
    text: str


Parse = tuple[Token, ...]


@dataclass(frozen=True, slots=True)
class Alternative:
    """One reading of a pattern, with what finds it fast: the block filter, and literal anchors one
    of which occurs wherever it matches, in the folded ("lit") or initials ("init") text; no anchors
    ("") means scanning with the regular expression."""

    filter: Filter
    domain: str
    anchors: tuple[str, ...]
    offset: int | None = None  # how many units into a match its anchor sits (None: not known)


@dataclass(frozen=True, slots=True)
class Pattern:
    """One compiled way for a word to match: the kinds its groups stand for, and its alternatives."""

    regex: re.Pattern[str]
    coded: bool  # matches the coded text (else the folded text)
    alternatives: tuple[Alternative, ...]
    group_kinds: dict[str, tuple[Kind, float]]  # group name → (kind, penalty)
    pieces: dict[int, tuple[int, int]]  # scattered: last group index → (first group, number of pieces)
    parses: dict[int, tuple[Parse, ...]]  # pinyin: the parses of each length, to check the context reading

    def context_penalty(self, book: CodeBook, coded: str, folded: str, start: int) -> float:
        """ALT_READING_PENALTY when a heteronym in the match is read against its context (重新 as zhong)."""
        if not self.parses or book.heteronyms.isdisjoint(coded):
            return 0.0
        if any(book.in_context(p, coded, folded, start) for p in self.parses.get(len(coded), ())):
            return 0.0
        return ALT_READING_PENALTY


class WordPattern:
    """A typed word, compiled: its exact kinds now, its scattered and typo fallbacks when first needed."""

    __slots__ = ("_fallback", "_make_fallback", "exact", "parses", "word")

    def __init__(
        self,
        word: str,
        exact: Pattern | None,
        make_fallback: Callable[[], list[Pattern]],
        parses: Sequence[Parse] | None = None,
    ) -> None:
        self.word = word
        self.exact = exact
        self.parses = parses  # the readings matched (None: the word as typed only)
        self._make_fallback: Callable[[], list[Pattern]] | None = make_fallback
        self._fallback: tuple[Pattern, ...] | None = None

    def fallback(self) -> tuple[Pattern, ...]:
        if self._fallback is None:
            assert self._make_fallback is not None
            self._fallback = tuple(self._make_fallback())
            self._make_fallback = None
        return self._fallback


def extends(longer: WordPattern, shorter: WordPattern) -> bool:
    """Whether every match of `longer` (a word typed on from `shorter`) starts a match of
    `shorter`: each of its readings, cut where `shorter` ends, is one of `shorter`'s readings. Not
    so when the readings kept for a word are only its simplest few (or the rules for literal runs
    read the shorter word otherwise): then the shorter word's matches do not bound the longer's."""
    if longer.parses is None:  # the word as typed only, and `shorter` keeps its typed form too
        return True
    if shorter.parses is None:
        return False
    kept = set(shorter.parses)
    n = len(shorter.word)
    for parse in longer.parses:
        cut: list[Token] = []
        at = 0
        for t in parse:
            if at + len(t.text) < n:
                cut.append(t)
                at += len(t.text)
                continue
            cut.append(
                t if t.kind == TokenKind.LITERAL else Token(TokenKind.PREFIX, t.text[: n - at])
            )  # an unfinished last unit
            break
        if tuple(cut) not in kept:
            return False
    return True
