"""A typed word's readings and what finds them fast: its parses, block filters and anchors."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Sequence
from itertools import pairwise, product
from math import prod

from palette.core.search.codes import CodeBook
from palette.core.search.keys import Filter, initial_key, initials_key, pair_key, then_initial_key, unit_key
from palette.core.search.parsing import read_ascii
from palette.core.search.patterns import Alternative, Kind, Parse, Token, TokenKind

_MAX_PARSES = 48  # explored per word …
_KEEP_PARSES = 5  # … of which the simplest are matched (and the word as typed, always)
MAX_PINYIN_WORD = 40  # longer ASCII words are matched only as typed
_FILTER_UNITS = 32  # a long word's block filter looks at its first units only (a superset)
_MAX_PAIR_KEYS = 256  # above this many code pairs a filter falls back to initial letters
_MAX_ANCHORS = 8  # literal strings looked for per alternative


class Readings:
    """The part of the compiler that reads words and makes filters, with the caches they share."""

    def __init__(
        self,
        book: CodeBook,
        ascii_ok: Callable[[str], bool],
        present: Callable[[str], str],
        block_count: Callable[[Filter], int],
    ) -> None:
        self.book = book
        self.ascii_ok = ascii_ok  # is this run of letters part of some ASCII word in the library?
        self.present = present  # keep the characters of a string that occur in the library
        self.block_count = block_count  # how many blocks could hold a match
        self._codes_cache: dict[tuple[str, bool], tuple[str, str]] = {}
        self._parse_cache: dict[tuple[str, int], list[Parse]] = {}
        self._filter_cache: dict[tuple[Parse, bool], Filter] = {}

    def clear(self) -> None:
        """Forget what depended on the library's vocabulary (it changed)."""
        for cache in (self._codes_cache, self._parse_cache, self._filter_cache):
            cache.clear()

    # -- parsing ----------------------------------------------------------------------------------

    def parses(self, word: str, limit: int = _KEEP_PARSES) -> list[Parse]:
        """Readings of an ASCII word as syllables, initials, an unfinished last syllable and
        literal runs; the word as typed is always among them when the library may hold it (a
        shortcut code, an English word)."""
        key = (word, limit)
        cached = self._parse_cache.get(key)
        if cached is None:
            if len(self._parse_cache) > 4096:
                self._parse_cache.clear()
            cached = self._parse_cache[key] = self._parses(word, limit)
        return cached

    def _parses(self, word: str, limit: int) -> list[Parse]:
        """The simplest `limit` readings (fewest units, fewest initials, fewest literal letters),
        plus the word as typed."""
        out = read_ascii(word, self.book, self.ascii_ok, _MAX_PARSES)
        out.sort(
            key=lambda p: (
                len(p),
                sum(t.kind is TokenKind.INITIAL for t in p),
                sum(t.kind is TokenKind.LITERAL for t in p),
            )
        )
        kept = out[:limit]
        typed: Parse = tuple(Token(TokenKind.LITERAL, c) for c in word)
        if typed not in kept and self.ascii_ok(word):  # (every code and ASCII word of the library is)
            kept.append(typed)
        return kept

    @staticmethod
    def parse_kind(parse: Parse) -> Kind:
        kinds = {t.kind for t in parse}
        if kinds == {TokenKind.LITERAL}:
            return Kind.TEXT
        return Kind.INITIALS if TokenKind.INITIAL in kinds else Kind.PINYIN

    def token_regex(self, t: Token) -> str:
        if t.kind == TokenKind.LITERAL:
            return re.escape(t.text)
        body = self._codes(t)[0]
        return f"[{body}]" if body else ""

    def _codes(self, t: Token) -> tuple[str, str]:
        key = (t.text, t.kind != TokenKind.SYLLABLE)
        got = self._codes_cache.get(key)
        if got is None:
            got = self._codes_cache[key] = self.book.codes(t.text, prefix=key[1], present=self.present)
        return got

    # -- filters ----------------------------------------------------------------------------------

    def _code_keys(self, t: Token) -> str | None:
        """The codes (or characters) a token can match, or None when too many to be a useful key."""
        if t.kind == TokenKind.LITERAL:
            return self.book.code_of(t.text) or t.text
        members = self._codes(t)[1]
        return members if len(members) <= 16 else None

    def _letters(self, t: Token) -> str:
        """The initial letters a unit matching `t` can show (an ASCII character shows itself)."""
        if t.kind == TokenKind.LITERAL:
            if t.text.isascii():
                return t.text
            return self.book.letters.get(self.book.code_of(t.text) or t.text, "")
        return t.text[0]

    def parse_filter(self, parse: Parse, *, adjacent: bool = True) -> Filter:
        """Keys a block must hold (each entry: at least one of its keys) for `parse` to match there."""
        key = (parse, adjacent)
        got = self._filter_cache.get(key)
        if got is None:
            if len(self._filter_cache) > 8192:
                self._filter_cache.clear()
            got = self._filter_cache[key] = self._parse_filter(parse, adjacent)
        return got

    def _parse_filter(self, parse: Parse, adjacent: bool) -> Filter:
        out: Filter = []
        if not adjacent or len(parse) == 1:
            for t in parse:
                codes = self._code_keys(t)
                group = (
                    frozenset(map(unit_key, codes))
                    if codes is not None
                    else frozenset(initial_key(x) for x in self._letters(t))
                )
                if group:
                    out.append(group)
            return out
        for a, b in pairwise(parse):
            ca, cb, lb = self._code_keys(a), self._code_keys(b), self._letters(b)
            if ca is not None and cb is not None and len(ca) * len(cb) <= _MAX_PAIR_KEYS:
                out.append(frozenset(pair_key(x, y) for x in ca for y in cb))
            elif ca is not None and lb and len(ca) * len(lb) <= _MAX_PAIR_KEYS:
                out.append(frozenset(then_initial_key(x, y) for x in ca for y in lb))
            elif (la := self._letters(a)) and lb:
                out.append(frozenset(initials_key(x, y) for x in la for y in lb))
        last = self._code_keys(parse[-1])
        if last is not None:  # the last unit's codes, when few enough to say more than its initial
            out.append(frozenset(map(unit_key, last)))
        return out

    def parse_anchor(self, parse: Parse) -> tuple[str, tuple[str, ...]]:
        """(domain, anchors): literal strings one of which a match of `parse` holds. The initials text
        is ASCII (searched several times faster than text with Chinese in it), so a typed ASCII
        word is looked for by its initials (kuan|dai → "kd", kc1 → "kc1"); a Chinese word as typed."""
        if all(t.kind == TokenKind.LITERAL for t in parse) and not "".join(t.text for t in parse).isascii():
            return "lit", ("".join(t.text for t in parse),)
        options: list[str] = []
        for t in parse:
            shown = self._shown(t)
            if not shown or (options and prod(len(o) for o in options) * len(shown) > _MAX_ANCHORS):
                break
            options.append(shown)
        if options:  # the initials of as many of its first units as stay few strings
            return "init", tuple("".join(p) for p in product(*options))
        return "", ()

    def _shown(self, t: Token) -> str:
        """The letters the initials texts show for a unit `t` matches."""
        if t.kind == TokenKind.LITERAL:
            if t.text.isascii():
                return t.text
            code = self.book.code_of(t.text)
            return self.book.letters.get(code, "") if code else ""
        return t.text[0]

    def _rarity(self, run: Parse) -> tuple[int, int]:
        """How many blocks hold `run` (fewer is a better anchor), longer first among equals."""
        return self.block_count(self.parse_filter(run)), -len(run)

    def alternative(self, parse: Parse) -> Alternative:
        """A whole parse: its anchors (its initials, or itself) start where it matches."""
        return Alternative(self.parse_filter(parse), *self.parse_anchor(parse), offset=0)

    def runs_filter(self, runs: Iterable[Sequence[Token]]) -> Filter:
        """Keys for pieces of text that each occur contiguously (a scattered match, a typo's intact parts)."""
        out: Filter = []
        for run in runs:
            if run:
                out.extend(self.parse_filter(tuple(run)))
        return out
