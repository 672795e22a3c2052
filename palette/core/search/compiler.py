"""The query compiler: a typed word to the patterns, filters and anchors that find it."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from palette.core.search.codes import _GAP
from palette.core.search.patterns import Alternative, Kind, Parse, Pattern, Token, TokenKind, WordPattern
from palette.core.search.readings import _FILTER_UNITS, MAX_PINYIN_WORD, Readings
from palette.core.search.typos import pinyin_typos

_TYPO_LETTERS = 16  # longer ASCII words get no typo fallback …
_TYPO_CHARACTERS = 12  # … nor longer Chinese ones
_SCATTER_UNITS = 8  # longer words are not looked for in pieces …
_SCATTER_WAYS = 16  # … nor cut more ways than this
_MAX_VARIANTS = 8  # typo corrections matched per word …
_TYPO_TRIES = 60  # … among the cheapest this many


class Compiler(Readings):
    """Turns typed words into patterns for one index: its code book, the ASCII words and the characters
    it holds, and how many blocks a filter lets through (to keep only typo corrections that can match,
    and to anchor on the rarest piece)."""

    # -- patterns ---------------------------------------------------------------------------------

    def compile(self, word: str) -> WordPattern:
        """A typed word's patterns; a long one (a paste) only as typed, so that the work stays
        bounded whatever its length."""
        if word.isascii() and len(word) <= MAX_PINYIN_WORD:
            return self._compile_ascii(word)
        return self._compile_literal(word)

    def _compile_ascii(self, word: str) -> WordPattern:
        parses = self.parses(word)
        by_kind: dict[Kind, list[Parse]] = {}
        for p in parses:
            by_kind.setdefault(self.parse_kind(p), []).append(p)
        groups: list[str] = []
        kinds: dict[str, tuple[Kind, float]] = {}
        for kind, name in ((Kind.TEXT, "T"), (Kind.PINYIN, "P"), (Kind.INITIALS, "I")):
            alts = self._alternatives(by_kind.get(kind, []))
            if alts:
                groups.append(f"(?P<{name}>{'|'.join(alts)})")
                kinds[name] = (kind, 0.0)
        exact = None
        if groups:
            alternatives = tuple(self.alternative(p) for p in parses)
            exact = Pattern(re.compile("|".join(groups)), True, alternatives, kinds, {}, _by_length(parses))

        def fallback() -> list[Pattern]:
            # in pieces: syllables only (initials in pieces match almost anywhere)
            pieces = [
                p for p in parses if 4 <= len(p) <= _SCATTER_UNITS and all(t.kind != TokenKind.INITIAL for t in p)
            ]
            scattered = self._scattered(pieces[:2], coded=True)
            spelled = 4 <= len(word) <= _TYPO_LETTERS and word.isalpha() and any(v in word for v in "aeiouv")
            typo = self._typo_ascii(word) if spelled else None  # (not initials)
            return [p for p in (scattered, typo) if p is not None]

        return WordPattern(word, exact, fallback, parses)

    def _alternatives(self, parses: Iterable[Parse]) -> list[str]:
        """The parses as regex alternatives, common beginnings shared (xie(?:hao|ha[o…])): each
        character class costs the `re` compiler a good deal, so fewer of them compile faster."""
        rows = []
        for p in parses:
            parts = [self.token_regex(t) for t in p]
            if all(parts):
                rows.append(parts)
        return _shared(rows)

    def _scattered(self, parses: list[Parse], *, coded: bool) -> Pattern | None:
        """Pieces of at least two units each, in order, with gaps, inside one field (宽带…装机)."""
        alts: list[str] = []
        pieces: dict[int, tuple[int, int]] = {}
        alternatives: list[Alternative] = []
        group = 1
        for p in parses:
            parts = [self.token_regex(t) for t in p]
            if not all(parts):
                continue
            for split in _compositions(len(p)):
                chunks: list[str] = []
                runs: list[Parse] = []
                at = 0
                for size in split:
                    chunks.append("(" + "".join(parts[at : at + size]) + ")")
                    runs.append(p[at : at + size])
                    at += size
                # anchored on the first piece, so that a candidate is checked right where it starts
                alternatives.append(Alternative(self.runs_filter(runs), *self.parse_anchor(runs[0]), offset=0))
                alts.append(_GAP.join(chunks))
                pieces[group + len(split) - 1] = (group, len(split))
                group += len(split)
                if len(alts) >= _SCATTER_WAYS:
                    break
            if len(alts) >= _SCATTER_WAYS:
                break
        if not alts:
            return None
        # no enclosing group, so that `lastindex` names the last piece of the alternative that matched
        kinds = {"": (Kind.SCATTERED, 0.0)}
        return Pattern(re.compile("|".join(alts)), coded, tuple(alternatives), kinds, pieces, {})

    def _syllables(self, text: str, *, final: bool, limit: int = 2) -> list[Parse]:
        """The simplest ways to read `text` as whole syllables (the last one maybe unfinished when
        `final`): around a typo, the rest of the word is read as pinyin."""
        book = self.book
        n = len(text)
        best: list[list[Parse]] = [[] for _ in range(n)] + [[()]]
        for j in range(n - 1, -1, -1):
            out: list[Parse] = []
            for size in range(1, min(6, n - j) + 1):
                piece = text[j : j + size]
                if j + size == n and final:
                    if piece in book.prefixes:
                        out.append((Token(TokenKind.PREFIX, piece),))
                elif piece in book.syllables:
                    out.extend((Token(TokenKind.SYLLABLE, piece), *rest) for rest in best[j + size])
            out.sort(key=len)
            best[j] = out[:limit]
        return best[0]

    def _typo_ascii(self, word: str) -> Pattern | None:
        """One slip of the fingers inside one syllable (kaun, kuadn → kuan; dia → dai), or two letters
        swapped across syllables: the corrected parses that can match in this library, cheapest first."""
        book = self.book
        n = len(word)
        found: dict[Parse, float] = {}

        def add(parse: Parse, cost: float) -> None:
            if cost < found.get(parse, 9.0):
                found[parse] = cost

        for j in range(n):
            heads = self._syllables(word[:j], final=False)
            if not heads:
                continue
            for k in range(j + 2, min(n, j + 7) + 1):
                final = k == n
                tails = [()] if final else self._syllables(word[k:], final=True)
                if not tails:
                    continue
                pool = book.prefixes if final else book.syllables
                fixes: dict[str, float] = {}
                for variant, cost in pinyin_typos(word[j:k]):
                    if variant in pool and cost < fixes.get(variant, 9.0):
                        fixes[variant] = cost
                kind = TokenKind.PREFIX if final else TokenKind.SYLLABLE
                picked = 0
                for variant, cost in sorted(fixes.items(), key=lambda vc: (vc[1], vc[0])):
                    token = Token(kind, variant)
                    # keep the cheapest corrections this library can match, not just the cheapest
                    parses = [(*head, token, *tail) for head in heads for tail in tails]
                    parses = [p for p in parses if self.block_count(self.parse_filter(p))]
                    for parse in parses:
                        add(parse, cost)
                    picked += bool(parses)
                    if picked == 3:
                        break
        for i in range(n - 1):
            if word[i] != word[i + 1]:
                for parse in self._syllables(word[:i] + word[i + 1] + word[i] + word[i + 2 :], final=True):
                    add(parse, 0.4)
        ranked = sorted(
            found.items(), key=lambda pc: (pc[1], len(pc[0]), sum(t.kind == TokenKind.INITIAL for t in pc[0]))
        )
        by_cost: dict[float, list[str]] = {}
        alternatives: list[Alternative] = []
        kept: list[Parse] = []
        for parse, cost in ranked[:_TYPO_TRIES]:
            f = self.parse_filter(parse)
            if not self.block_count(f):
                continue
            alts = self._alternatives([parse])
            if alts:
                by_cost.setdefault(cost, []).extend(alts)
                alternatives.append(self.alternative(parse))
                kept.append(parse)
                if len(kept) >= _MAX_VARIANTS:
                    break
        return self._typo_pattern(by_cost, alternatives, coded=True, parses=_by_length(kept))

    def _typo_pattern(
        self,
        by_cost: dict[float, list[str]],
        alternatives: list[Alternative],
        *,
        coded: bool,
        parses: dict[int, tuple[Parse, ...]],
    ) -> Pattern | None:
        if not by_cost:
            return None
        groups: list[str] = []
        kinds: dict[str, tuple[Kind, float]] = {}
        for i, cost in enumerate(sorted(by_cost)):
            name = f"Y{i}"
            groups.append(f"(?P<{name}>{'|'.join(by_cost[cost])})")
            kinds[name] = (Kind.TYPO, cost)
        return Pattern(re.compile("|".join(groups)), coded, tuple(alternatives), kinds, {}, parses)

    def _compile_literal(self, word: str) -> WordPattern:
        """A word with Chinese (or other non-ASCII) characters: matched as typed, with fallbacks."""
        parse: Parse = tuple(Token(TokenKind.LITERAL, ch) for ch in word)
        alternative = Alternative(self.parse_filter(parse[:_FILTER_UNITS]), "lit", (word,), offset=0)
        exact = Pattern(re.compile(f"(?P<T>{re.escape(word)})"), False, (alternative,), {"T": (Kind.TEXT, 0.0)}, {}, {})

        def fallback() -> list[Pattern]:
            scattered = self._scattered([parse], coded=False) if 4 <= len(parse) <= _SCATTER_UNITS else None
            out = [scattered, self._typo_literal(word) if len(word) <= _TYPO_CHARACTERS else None]
            return [p for p in out if p is not None]

        return WordPattern(word, exact, fallback)

    def _typo_literal(self, word: str) -> Pattern | None:
        """One wrong (best: a homophone), missing, extra or swapped character."""
        n = len(word)
        if n < 2:
            return None
        esc = [re.escape(ch) for ch in word]
        by_cost: dict[float, list[str]] = {}
        alternatives: list[Alternative] = []

        def add_variant(cost: float, parts: list[str], head: str, tail: str = "", gap: int = 0) -> None:
            """A variant matching `head`, `gap` other characters, then `tail`."""
            by_cost.setdefault(cost, []).append("".join(parts))
            runs = [(run, at) for run, at in ((head, 0), (tail, len(head) + gap)) if run]
            pieces = [tuple(Token(TokenKind.LITERAL, ch) for ch in run) for run, _ in runs]
            keys = self.runs_filter(pieces)
            if not runs:
                alternatives.append(Alternative(keys, "", ()))
                return
            anchor, offset = min(runs, key=lambda ra: self._rarity(tuple(Token(TokenKind.LITERAL, ch) for ch in ra[0])))
            alternatives.append(Alternative(keys, "lit", (anchor,), offset))

        for i, ch in enumerate(word):
            head, tail = word[:i], word[i + 1 :]
            same, near = self.book.homophones(ch, self.present)
            if same:
                add_variant(0.2, [*esc[:i], f"[{same}]", *esc[i + 1 :]], head, tail, 1)
            if near:
                add_variant(0.35, [*esc[:i], f"[{near}]", *esc[i + 1 :]], head, tail, 1)
            if n >= 3:
                add_variant(0.8, [*esc[:i], "[^\x1e\x1f]", *esc[i + 1 :]], head, tail, 1)
                add_variant(0.6, esc[:i] + esc[i + 1 :], head + tail)
        for i in range(n - 1):
            if word[i] != word[i + 1]:
                swapped = word[:i] + word[i + 1] + word[i] + word[i + 2 :]
                add_variant(0.4, [*esc[:i], esc[i + 1], esc[i], *esc[i + 2 :]], swapped)
            add_variant(0.6, [*esc[: i + 1], "[^\x1e\x1f]", *esc[i + 1 :]], word[: i + 1], word[i + 1 :], 1)
        return self._typo_pattern(by_cost, alternatives, coded=False, parses={})


def _shared(rows: list[list[str]]) -> list[str]:
    """Alternatives for token sequences, in their order, with equal first tokens merged."""
    groups: dict[str, list[list[str]]] = {}
    for row in rows:
        groups.setdefault(row[0], []).append(row[1:])
    out = []
    for head, rests in groups.items():
        tails = _shared([r for r in rests if r])
        ends = any(not r for r in rests)
        if not tails:
            out.append(head)
        elif len(tails) == 1 and not ends:
            out.append(head + tails[0])
        else:
            out.append(head + "(?:" + "|".join(tails) + ")" + ("?" if ends else ""))
    return out


def _by_length(parses: Iterable[Parse]) -> dict[int, tuple[Parse, ...]]:
    out: dict[int, list[Parse]] = {}
    for p in parses:
        if any(t.kind != TokenKind.LITERAL for t in p):
            out.setdefault(len(p), []).append(p)
    return {n: tuple(ps) for n, ps in out.items()}


def _compositions(n: int) -> Iterator[tuple[int, ...]]:
    """Ways to cut n units into at least two pieces of at least two units each."""

    def rec(left: int) -> Iterator[tuple[int, ...]]:
        if left == 0:
            yield ()
            return
        for size in range(2, left + 1):
            if left - size == 1:
                continue
            for rest in rec(left - size):
                yield (size, *rest)

    for split in rec(n):
        if len(split) >= 2:
            yield split
