"""Reading a typed ASCII word as pinyin: syllables, initials, an unfinished last syllable, literal runs.

Depth first, longest syllables first. A word is typed either as syllables (the last one maybe
unfinished) or as initials, around literal runs (`wifiduan`, `5gtc`, `kdvipzx`): `yin|h|an` for 银行
mixes the two in a way nobody types, and would only widen the search. The recursion is as deep as
the word is long: callers cap that length.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from enum import IntEnum

from palette.core.pinyin import TWO_LETTER_INITIALS
from palette.core.search.codes import CodeBook
from palette.core.search.patterns import Parse, Token, TokenKind

Step = tuple[list[Token], int, "_Mode"]  # the tokens a piece reads as, where the rest starts, the mode after


class _Mode(IntEnum):
    """What the reading so far ends with, which decides what may follow."""

    FREE = 0  # the start, or after a character that is not a letter
    AFTER_LITERAL = 1
    SYLLABLES = 2
    INITIALS = 3


def read_ascii(word: str, book: CodeBook, ascii_ok: Callable[[str], bool], most: int) -> list[Parse]:
    """The distinct readings of `word`, at most `most` explored, in the order found."""
    reader = _Reader(word, book, ascii_ok, most)
    reader.rec(0, [], _Mode.FREE)
    return list(dict.fromkeys(reader.out))


class _Reader:
    def __init__(self, word: str, book: CodeBook, ascii_ok: Callable[[str], bool], most: int) -> None:
        self.word = word
        self.n = len(word)
        self.book = book
        self.ascii_ok = ascii_ok
        self.most = most
        self.out: list[Parse] = []
        self.dead: set[tuple[int, _Mode]] = set()  # (position, mode) from which no reading ends

    def rec(self, j: int, acc: list[Token], mode: _Mode) -> bool:
        if len(self.out) >= self.most:
            return True
        if j == self.n:
            self.out.append(tuple(acc))
            return True
        if (j, mode) in self.dead:
            return False
        found = False
        for tokens, nxt, new_mode in self._steps(j, mode):
            acc.extend(tokens)
            found = self.rec(nxt, acc, new_mode) or found
            del acc[len(acc) - len(tokens) :]
        if not found:
            self.dead.add((j, mode))
        return found

    def _steps(self, j: int, mode: _Mode) -> Iterator[Step]:
        ch = self.word[j]
        if not ("a" <= ch <= "z"):
            yield [Token(TokenKind.LITERAL, ch)], j + 1, _Mode.FREE
            return
        if mode != _Mode.INITIALS:
            yield from self._syllables(j)
        if mode != _Mode.SYLLABLES:
            yield from self._initials(j)
        if mode != _Mode.AFTER_LITERAL:
            yield from self._literals(j, mode)

    def _syllables(self, j: int) -> Iterator[Step]:
        word, n, book = self.word, self.n, self.book
        for size in range(min(6, n - j), 0, -1):
            piece = word[j : j + size]
            if j + size == n:
                if piece in book.prefixes:
                    yield [Token(TokenKind.PREFIX, piece)], n, _Mode.SYLLABLES
            elif piece in book.syllables:
                yield [Token(TokenKind.SYLLABLE, piece)], j + size, _Mode.SYLLABLES

    def _initials(self, j: int) -> Iterator[Step]:
        word, n, book = self.word, self.n, self.book
        rest = word[j:]
        if (len(rest) == 1 or rest in TWO_LETTER_INITIALS) and rest in book.prefixes:
            yield [Token(TokenKind.PREFIX, rest)], n, _Mode.INITIALS
        if j + 1 < n:
            if word[j : j + 2] in TWO_LETTER_INITIALS and j + 2 < n:
                yield [Token(TokenKind.INITIAL, word[j : j + 2])], j + 2, _Mode.INITIALS
            if word[j] in book.initial_letters:
                yield [Token(TokenKind.INITIAL, word[j])], j + 1, _Mode.INITIALS

    def _literals(self, j: int, mode: _Mode) -> Iterator[Step]:
        word, n = self.word, self.n
        end = j
        while end < n and "a" <= word[end] <= "z":
            end += 1
        for stop in range(end, j, -1):
            if self._literal_ok(j, stop, mode):
                yield [Token(TokenKind.LITERAL, c) for c in word[j:stop]], stop, _Mode.AFTER_LITERAL

    def _literal_ok(self, j: int, stop: int, mode: _Mode) -> bool:
        """Letters typed as themselves begin or end the word, or touch a digit: wifi|duan,
        duan|wifi, 5g|tc; after initials, a word of three letters or more with a vowel
        (kd|vip|zx); not tucked between syllables (nan|sh|na)."""
        word, n = self.word, self.n
        at_edge = j == 0 or stop == n
        near_other = (j > 0 and not word[j - 1].isalpha()) or (stop < n and not word[stop].isalpha())
        if mode == _Mode.INITIALS:  # after initials only a word of its own (vip), not more initials (k|dbz)
            run = word[j:stop]
            return len(run) >= 3 and any(v in run for v in "aeiou") and self.ascii_ok(run)
        if not (at_edge or near_other) or (stop - j < 2 and not near_other and not (j == 0 and stop == n)):
            return False
        return self.ascii_ok(word[j:stop])
