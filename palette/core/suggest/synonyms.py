"""Synonym groups: the shipped telecom table (resources/synonyms.txt) and a team library's 同义词.

A word may sit in several groups; a message word and a phrase word match when they share one.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from palette.core import paths
from palette.core.suggest.text import Token, normalise

SYNONYMS_FILE = "synonyms.txt"
MAX_WORD = 12  # longer "words" in a group are sentences: left out of the substring scan


def parse_groups(text: str) -> list[tuple[str, ...]]:
    """One group per line, words separated by spaces, `;` or `；`; `#` starts a comment line."""
    groups: list[tuple[str, ...]] = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        words = split_group(line)
        if len(words) >= 2:
            groups.append(words)
    return groups


def split_group(cell: str) -> tuple[str, ...]:
    """A group's words as written in a cell: separated by whitespace, `;`, `；`, `,` or `、`."""
    for sep in (";", "；", ",", "，", "、"):
        cell = cell.replace(sep, " ")
    seen: dict[str, None] = {}
    for w in cell.split():
        seen.setdefault(w, None)
    return tuple(seen)


@cache
def shipped_groups() -> tuple[tuple[str, ...], ...]:
    return tuple(parse_groups(paths.resource(SYNONYMS_FILE).read_text(encoding="utf-8")))


class Synonyms:
    """word (normalised) → the ids of the groups holding it."""

    def __init__(self, groups: Iterable[Sequence[str]]) -> None:
        self.groups: dict[str, set[int]] = {}
        self.lengths: dict[str, set[int]] = {}  # first character → lengths of the words starting with it
        self.starting: dict[str, set[str]] = {}  # first character → the short CJK words starting with it
        for gid, group in enumerate(groups):
            for word in group:
                w = normalise(word.strip())
                if not w:
                    continue
                self.groups.setdefault(w, set()).add(gid)
                if 2 <= len(w) <= MAX_WORD:
                    self.lengths.setdefault(w[0], set()).add(len(w))
                if 2 <= len(w) <= 4 and not w.isascii():
                    self.starting.setdefault(w[0], set()).add(w)

    def of(self, word: str) -> set[int]:
        return self.groups.get(word, set())

    def words(self) -> list[str]:
        return list(self.groups)

    def find_spread(self, text: str, gap: int = 2) -> list[tuple[int, Token]]:
        """Words of 2 to 4 characters found with up to `gap` other characters among theirs (a
        message's 扣我钱 for 扣钱); exact occurrences are `find`'s."""
        norm = normalise(text)
        out: list[tuple[int, Token]] = []
        for i, ch in enumerate(norm):
            for word in self.starting.get(ch, ()):
                end = _spread_end(norm, i, word, gap)
                if end is not None and end - i > len(word):
                    for gid in self.groups[word]:
                        out.append((gid, Token(norm[i:end], i, end)))
        return out

    def find(self, text: str, *, normalised: bool = False) -> list[tuple[int, Token]]:
        """Every (group, occurrence) of a group's word in `text`, overlapping ones included."""
        norm = text if normalised else normalise(text)
        out: list[tuple[int, Token]] = []
        lengths, groups = self.lengths, self.groups
        for i, ch in enumerate(norm):
            for n in lengths.get(ch, ()):
                w = norm[i : i + n]
                if len(w) == n:
                    for gid in groups.get(w, ()):
                        out.append((gid, Token(w, i, i + n)))
        return out


def _spread_end(text: str, at: int, word: str, gap: int) -> int | None:
    """Where `word` ends when its characters follow `at` in order with at most `gap` others between."""
    pos, spare = at + 1, gap
    for ch in word[1:]:
        found = text.find(ch, pos, pos + spare + 1)
        if found < 0:
            return None
        spare -= found - pos
        pos = found + 1
    return pos
