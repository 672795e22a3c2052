"""How one typed word is matched against a phrase's text: folding, pinyin codes, regular expressions.

Every phrase is kept twice, character for character: folded (NFKC, lower case: full-width and
half-width forms and ASCII case compare equal) and *coded*, where each Chinese character is
replaced by one private-use character standing for its set of readings (还 and 环 differ: hai,
huan, fu against huan). A typed ASCII word becomes one regular expression over small classes of
codes — `kuand` → [codes with a reading kuan][codes with a reading starting with d] — so the `re`
engine walks every reading of every character in C; alternatives are grouped by kind, so
`m.lastgroup` names the kind of match. Which reading a heteronym takes in its 2-character word
(银行: hang) is looked up only to rank a match (`CodeBook.context_reading`).

An index keeps, per block of phrases, which pairs of adjacent codes occur, and keys derived from
them: single codes, a code followed by an initial letter, two initial letters (`text_keys`).
`Alternative.filter` holds the same keys for one reading of a typed word, so blocks that cannot
match are skipped, and `Alternative.anchors` the literal strings (the Chinese as typed, or pinyin
initials in a block's ASCII initials text) that `str.find` locates a match by.
"""

from __future__ import annotations

import re
import sys
import unicodedata
from array import array
from bisect import bisect_left
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from enum import IntEnum
from itertools import pairwise, product
from math import prod

from palette.core.pinyin import TWO_LETTER_INITIALS, VOWELLESS, PinyinTable

FIELD_SEP = "\x1f"  # between the fields of one phrase
PHRASE_SEP = "\x1e"  # between phrases in a block's text
_GAP = "[^\x1e\x1f]*?"  # a scattered match never crosses into another field

_CODE_BASE = 0xE000  # codes live in the Private Use Area …
_CODE_END = 0xF900
_MAX_PARSES = 48  # explored per word …
_KEEP_PARSES = 5  # … of which the simplest are matched (and the word as typed, always)
MAX_PINYIN_WORD = 40  # longer ASCII words are matched only as typed
_TYPO_LETTERS = 16  # longer ASCII words get no typo fallback …
_TYPO_CHARACTERS = 12  # … nor longer Chinese ones
_FILTER_UNITS = 32  # a long word's block filter looks at its first units only (a superset)
_SCATTER_UNITS = 8  # longer words are not looked for in pieces …
_SCATTER_WAYS = 16  # … nor cut more ways than this
_MAX_PAIR_KEYS = 256  # above this many code pairs a filter falls back to initial letters
_MAX_ANCHORS = 8  # literal strings looked for per alternative
_MAX_VARIANTS = 8  # typo corrections matched per word …
_TYPO_TRIES = 60  # … among the cheapest this many
ALT_READING_PENALTY = 0.15  # a match through a reading the context does not give (重新 as zhong-xin)


class Kind(IntEnum):
    """How a word matched, best last so `max` picks the best."""

    TYPO = 1
    SCATTERED = 2
    INITIALS = 3
    PINYIN = 4
    TEXT = 5


# -- folding --------------------------------------------------------------------------------------


def fold(text: str) -> str:
    """What two spellings of the same thing share: `Ｗｉ－Ｆｉ` and `wi-fi`, `＃投诉` and `#投诉`."""
    return unicodedata.normalize("NFKC", text).lower()


def fold_with_map(raw: str) -> tuple[str, tuple[int, ...] | None]:
    """The folded text and, when folding changed its length, the raw index of each folded character."""
    folded = fold(raw)
    if len(folded) == len(raw):
        return folded, None
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(raw):
        f = fold(ch)
        out.append(f)
        where.extend([i] * len(f))
    return "".join(out), tuple(where)


# -- the code alphabet ----------------------------------------------------------------------------

# Filter keys are integers: a code or character (its ordinal), a pair of adjacent ones
# (first | second << 16), and keys derived from those: an initial letter, a code or character
# followed by an initial letter, and two initial letters.
_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")
_INITIAL = 1 << 32
_THEN_INITIAL = 2 << 32
_INITIALS = 3 << 32


def initial_key(letter: str) -> int:
    return _INITIAL | ord(letter)


def then_initial_key(unit: str, letter: str) -> int:
    return _THEN_INITIAL | ord(unit) << 8 | ord(letter)


def initials_key(first: str, second: str) -> int:
    return _INITIALS | ord(first) << 8 | ord(second)


class CodeBook:
    """Chinese characters → one code per distinct set of readings, the most common reading first.

    Codes are numbered in the order of their first reading, so "every code whose first reading
    starts with `kua`" is one range of characters; codes that have such a reading only among
    their others are listed one by one, and only those that occur in a library (`present`).
    Which reading a heteronym takes in context (银行: hang) is looked up in the folded text when a
    match is ranked (`context_reading`), not stored in the code.
    """

    def __init__(self, table: PinyinTable) -> None:
        ordered = sorted({(rs[0], *sorted(rs[1:])) for rs in table.readings.values()})
        assert _CODE_BASE + len(ordered) <= _CODE_END, "more reading sets than private-use characters"
        code_of = {k: chr(_CODE_BASE + i) for i, k in enumerate(ordered)}
        self.readings: dict[str, tuple[str, ...]] = {c: k for k, c in code_of.items()}
        self._first = [k[0] for k in ordered]
        self.heteronyms = frozenset(c for c, rs in self.readings.items() if len(rs) > 1)
        # initial letters each unit can show: a code's readings', an ASCII character its own (as in
        # the initials text)
        self.letters: dict[str, str] = {c: "".join(sorted({r[0] for r in rs})) for c, rs in self.readings.items()}
        self.letters.update((chr(i), chr(i)) for i in range(0x20, 0x7F))

        # Translation tables indexed by ordinal (a string: faster than a dict). Characters outside
        # the Basic Multilingual Plane are left as they are (and folded the slow way, see `fold_block`).
        encode = array("I", range(0x10000))  # code points, not 65,536 str objects (~5 MB for a moment)
        self._astral: dict[str, str] = {}  # codes of characters beyond the BMP; the rest are in _encode
        chars_of: dict[str, list[str]] = {}
        for ch, rs in table.readings.items():
            c = code_of[(rs[0], *sorted(rs[1:]))]
            chars_of.setdefault(c, []).append(ch)
            if ord(ch) < 0x10000:
                encode[ord(ch)] = ord(c)
            else:
                self._astral[ch] = c
        for cp in range(_CODE_BASE, _CODE_END):
            encode[cp] = 0xFFFD  # a private-use character in the text is not a code
        self._encode = encode.tobytes().decode(
            "utf-32-le" if sys.byteorder == "little" else "utf-32-be", "surrogatepass"
        )
        self.chars_of = {c: "".join(chars) for c, chars in chars_of.items()}
        initials = [chr(i) if i < 0x80 else "?" for i in range(0x10000)]
        other = list(initials)
        for c, rs in self.readings.items():
            initials[ord(c)] = rs[0][0]
            other[ord(c)] = next((r[0] for r in rs[1:] if r[0] != rs[0][0]), rs[0][0])
        self._initials = "".join(initials)
        self._other_initials = "".join(other)
        self.context = table.context
        self._base = {ch: rs[0] for ch, rs in table.readings.items() if len(rs) > 1}
        shifted = {
            ch
            for word, spelled in table.context.items()
            for ch, r in zip(word, spelled, strict=True)
            if ch in self._base and r != self._base[ch]
        }
        self._shifted = re.compile("[" + "".join(sorted(shifted)) + "]") if shifted else None

        syll_other: dict[str, set[str]] = {}
        pre_other: dict[str, set[str]] = {}
        prefixes: set[str] = set()
        for c, rs in self.readings.items():
            for r in rs:
                prefixes.update(r[:n] for n in range(1, len(r) + 1))
            for r in rs[1:]:
                syll_other.setdefault(r, set()).add(c)
                for n in range(1, len(r) + 1):
                    if not rs[0].startswith(r[:n]):
                        pre_other.setdefault(r[:n], set()).add(c)
        self._syll_other = {k: "".join(sorted(v)) for k, v in syll_other.items()}
        self._pre_other = {k: "".join(sorted(v)) for k, v in pre_other.items()}
        readings = {r for rs in self.readings.values() for r in rs}
        self.syllables = frozenset(readings - VOWELLESS)
        self.prefixes = frozenset(prefixes)
        self.initial_letters = frozenset(r[0] for r in readings)

    @staticmethod
    def fold_block(raw: str) -> str | None:
        """`fold(raw)`, fast for the usual text (lower case, full-width forms); None when that may not
        be the same (the caller then folds the text the slow way, character by character)."""
        folded = raw.lower()
        for ch in set(_FULL_WIDTH.findall(folded)):
            folded = folded.replace(ch, unicodedata.normalize("NFKC", ch))
        return folded if len(folded) == len(raw) and unicodedata.is_normalized("NFKC", folded) else None

    def encode(self, folded: str) -> str:
        """The coded text: each Chinese character replaced by the code of its readings."""
        return folded.translate(self._encode)

    def initials(self, coded: str, folded: str) -> tuple[str, str]:
        """Two ASCII texts with each unit's initial letter: that of the reading its context gives it
        (长期: c), else of its most common reading; and, for a heteronym whose readings start with
        different letters, another of them (z). ASCII characters stay as they are. A typed word's
        initials are in one of the two wherever it matches with at most one heteronym read
        against its context (a match needing two is found only by scanning, `Alternative`)."""
        first = coded.translate(self._initials)
        other = coded.translate(self._other_initials)
        if self._shifted is None:
            return first, other
        fixes = []
        for m in self._shifted.finditer(folded):
            i = m.start()
            reading = self.context_reading(folded, i)
            if reading and reading[0] != first[i]:
                fixes.append((i, reading[0]))
        if not fixes:
            return first, other
        a, b = list(first), list(other)
        for i, letter in fixes:
            a[i], b[i] = letter, a[i]
        return "".join(a), "".join(b)

    def code_of(self, ch: str) -> str | None:
        """The code of a character that has readings, else None (a string lookup, not a 40k-key dict)."""
        if ord(ch) >= 0x10000:
            return self._astral.get(ch)
        code = self._encode[ord(ch)]
        return code if _CODE_BASE <= ord(code) < _CODE_END else None

    def context_reading(self, folded: str, i: int) -> str | None:
        """The reading the 2-character word around folded[i] gives it, when that is not its first."""
        ch = folded[i]
        if ch not in self._base:
            return None
        for at in (i - 1, i):
            if at >= 0:
                spelled = self.context.get(folded[at : at + 2])
                if spelled is not None:
                    return spelled[i - at]
        return self._base[ch]

    def _range(self, lo: str, hi: str) -> tuple[int, int]:
        return bisect_left(self._first, lo), bisect_left(self._first, hi)

    def codes(self, reading: str, *, prefix: bool, present: Callable[[str], str]) -> tuple[str, str]:
        """(a regex class body, the codes it stands for among those present) for the codes with a
        reading that is `reading` (or starts with it): one range of those for which it is the
        first reading, plus the present few for which it is another."""
        lo, hi = self._range(reading, reading + "{") if prefix else self._range(reading, reading + "\x00")
        body = ""
        if hi > lo:
            first, last = chr(_CODE_BASE + lo), chr(_CODE_BASE + hi - 1)
            body = first if lo + 1 == hi else f"{first}-{last}"
        others = present((self._pre_other if prefix else self._syll_other).get(reading, ""))
        return body + others, present("".join(chr(_CODE_BASE + i) for i in range(lo, hi))) + others

    def in_context(self, parse: Parse, coded: str, folded: str, start: int) -> bool:
        """Whether each unit of a match takes the token it matched through the reading its context
        (or, alone, its most common reading) gives it."""
        for k, (t, c) in enumerate(zip(parse, coded, strict=True)):
            if t.kind == "L" or c not in self.heteronyms:
                continue
            reading = self.context_reading(folded, start + k) or self.readings[c][0]
            if reading != t.text if t.kind == "S" else not reading.startswith(t.text):
                return False
        return True

    def homophones(self, ch: str, present: Callable[[str], str]) -> tuple[str, str]:
        """Characters sounding like `ch` (a reading in common; a similar reading) whose codes are present."""
        same: set[str] = set()
        near: set[str] = set()
        for r in self.readings.get(self.code_of(ch) or "", ()):
            same.update(self.codes(r, prefix=False, present=present)[1])
            for v in fuzzy_syllables(r):
                near.update(self.codes(v, prefix=False, present=present)[1])
        near -= same

        def chars(codes: set[str]) -> str:
            return "".join(sorted({x for c in codes for x in self.chars_of.get(c, "") if x <= "\uffff"} - {ch}))

        return chars(same), chars(near)


def text_keys(coded: str) -> set[int]:
    """The pairs of adjacent codes (and other characters) of a coded text, as integers first |
    second << 16, read straight from its UTF-16 bytes (4 bytes at an even offset are one pair).
    Single codes and initial-letter keys are derived from these, once per distinct pair."""
    data = coded.encode("utf-16-le", "surrogatepass")
    n = len(data) // 4 * 4
    keys = set(memoryview(data[:n]).cast("I"))
    m = (len(data) - 2) // 4 * 4
    keys.update(memoryview(data[2 : 2 + m]).cast("I"))
    return keys


# -- fuzzy pinyin (模糊音) and keyboard typos ---------------------------------------------------------

_FUZZY_INITIALS = (("zh", "z"), ("ch", "c"), ("sh", "s"), ("n", "l"), ("l", "n"), ("r", "l"), ("f", "h"), ("h", "f"))
_FUZZY_FINALS = (("ang", "an"), ("eng", "en"), ("ing", "in"))


def fuzzy_syllables(s: str) -> Iterator[str]:
    """Readings a southern or hurried speaker confuses with `s`: z/zh, c/ch, s/sh, n/l, an/ang …"""
    for a, b in _FUZZY_INITIALS:
        for x, y in ((a, b), (b, a)):
            if s.startswith(x) and not (len(x) == 1 and s[:2] in TWO_LETTER_INITIALS):
                yield y + s[len(x) :]
    for a, b in _FUZZY_FINALS:
        for x, y in ((a, b), (b, a)):
            if s.endswith(x) and not (x == b and s.endswith(a)):
                yield s[: -len(x)] + y


_KEYBOARD = ("qwertyuiop", "asdfghjkl", "zxcvbnm")
_NEIGHBOURS: dict[str, str] = {}
for _r, _row in enumerate(_KEYBOARD):
    for _i, _ch in enumerate(_row):
        near = {_row[j] for j in (_i - 1, _i + 1) if 0 <= j < len(_row)}
        for _other in (_r - 1, _r + 1):
            if 0 <= _other < len(_KEYBOARD):
                near.update(_KEYBOARD[_other][j] for j in (_i - 1, _i) if 0 <= j < len(_KEYBOARD[_other]))
        _NEIGHBOURS[_ch] = "".join(sorted(near))
_OFTEN_DROPPED = "aeiouvhgn"  # a missing vowel, the h of zh/ch/sh, the g of -ng, the n of -n


def pinyin_typos(word: str) -> Iterator[tuple[str, float]]:
    """(variant, cost) for one slip of the fingers: swapped, extra, missing or neighbouring letters."""
    n = len(word)
    for i in range(n - 1):
        if word[i] != word[i + 1]:
            yield word[:i] + word[i + 1] + word[i] + word[i + 2 :], 0.4
    for i in range(n):
        yield word[:i] + word[i + 1 :], 0.5
    for i in range(n + 1):
        for ch in _OFTEN_DROPPED:
            yield word[:i] + ch + word[i:], 0.5
    for i, ch in enumerate(word):
        for other in _NEIGHBOURS.get(ch, ""):
            yield word[:i] + other + word[i + 1 :], 0.6
        for a, b in (("n", "l"), ("l", "n"), ("r", "l"), ("f", "h"), ("h", "f"), ("v", "u"), ("u", "v")):
            if ch == a:
                yield word[:i] + b + word[i + 1 :], 0.3


# -- typed words ----------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Token:
    """One unit of text a piece of the typed word stands for."""

    kind: str  # "L" the character itself, "S" a whole syllable, "I" an initial, "P" an unfinished syllable
    text: str


Parse = tuple[Token, ...]
Filter = list[frozenset[int]]  # all of (any of these keys)


@dataclass(frozen=True, slots=True)
class Alternative:
    """One reading of a pattern, with what finds it fast: the block filter, and literal anchors one
    of which occurs wherever it matches, in the folded ("lit") or initials ("init") text; no anchors
    ("") means scanning with the regular expression."""

    filter: list[frozenset[int]]
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


class Compiler:
    """Turns typed words into patterns for one index: its code book, the ASCII words and the characters
    it holds, and how many blocks a filter lets through (to keep only typo corrections that can match,
    and to anchor on the rarest piece)."""

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
        """Depth first, longest syllables first; then the simplest `limit` (fewest units, fewest
        initials, fewest literal letters), plus the word as typed. A word is typed either as
        syllables (the last one maybe unfinished) or as initials, around literal runs (`wifiduan`,
        `5gtc`, `kdvipzx`): `yin|h|an` for 银行 mixes the two in a way nobody types, and would only
        widen the search. The recursion is as deep as the word is long: callers cap that length."""
        book = self.book
        out: list[Parse] = []
        n = len(word)
        dead: set[tuple[int, int]] = set()
        free, after_literal, syllables, initials = 0, 1, 2, 3

        def literal_ok(j: int, stop: int, state: int) -> bool:
            """Letters typed as themselves begin or end the word, or touch a digit: wifi|duan,
            duan|wifi, 5g|tc; after initials, a word of three letters or more with a vowel
            (kd|vip|zx); not tucked between syllables (nan|sh|na)."""
            at_edge = j == 0 or stop == n
            near_other = (j > 0 and not word[j - 1].isalpha()) or (stop < n and not word[stop].isalpha())
            if state == initials:  # after initials only a word of its own (vip), not more initials (k|dbz)
                run = word[j:stop]
                return len(run) >= 3 and any(v in run for v in "aeiou") and self.ascii_ok(run)
            if not (at_edge or near_other) or (stop - j < 2 and not near_other and not (j == 0 and stop == n)):
                return False
            return self.ascii_ok(word[j:stop])

        def rec(j: int, acc: list[Token], state: int) -> bool:
            if len(out) >= _MAX_PARSES:
                return True
            if j == n:
                out.append(tuple(acc))
                return True
            if (j, state) in dead:
                return False
            found = False
            ch = word[j]

            def push(tokens: list[Token], nxt: int, new_state: int) -> None:
                nonlocal found
                acc.extend(tokens)
                found = rec(nxt, acc, new_state) or found
                del acc[len(acc) - len(tokens) :]

            if not ("a" <= ch <= "z"):
                push([Token("L", ch)], j + 1, free)
            else:
                if state != initials:
                    for size in range(min(6, n - j), 0, -1):
                        piece = word[j : j + size]
                        if j + size == n:
                            if piece in book.prefixes:
                                push([Token("P", piece)], n, syllables)
                        elif piece in book.syllables:
                            push([Token("S", piece)], j + size, syllables)
                if state != syllables:
                    rest = word[j:]
                    if (len(rest) == 1 or rest in TWO_LETTER_INITIALS) and rest in book.prefixes:
                        push([Token("P", rest)], n, initials)
                    if j + 1 < n:
                        if word[j : j + 2] in TWO_LETTER_INITIALS and j + 2 < n:
                            push([Token("I", word[j : j + 2])], j + 2, initials)
                        if ch in book.initial_letters:
                            push([Token("I", ch)], j + 1, initials)
                if state != after_literal:
                    end = j
                    while end < n and "a" <= word[end] <= "z":
                        end += 1
                    for stop in range(end, j, -1):
                        if literal_ok(j, stop, state):
                            push([Token("L", c) for c in word[j:stop]], stop, after_literal)
            if not found:
                dead.add((j, state))
            return found

        rec(0, [], free)
        out = list(dict.fromkeys(out))
        out.sort(key=lambda p: (len(p), sum(t.kind == "I" for t in p), sum(t.kind == "L" for t in p)))
        kept = out[:limit]
        typed: Parse = tuple(Token("L", c) for c in word)
        if typed not in kept and self.ascii_ok(word):  # (every code and ASCII word of the library is)
            kept.append(typed)
        return kept

    @staticmethod
    def parse_kind(parse: Parse) -> Kind:
        kinds = {t.kind for t in parse}
        if kinds == {"L"}:
            return Kind.TEXT
        return Kind.INITIALS if "I" in kinds else Kind.PINYIN

    def token_regex(self, t: Token) -> str:
        if t.kind == "L":
            return re.escape(t.text)
        body = self._codes(t)[0]
        return f"[{body}]" if body else ""

    def _codes(self, t: Token) -> tuple[str, str]:
        key = (t.text, t.kind != "S")
        got = self._codes_cache.get(key)
        if got is None:
            got = self._codes_cache[key] = self.book.codes(t.text, prefix=key[1], present=self.present)
        return got

    # -- filters ----------------------------------------------------------------------------------

    def _code_keys(self, t: Token) -> str | None:
        """The codes (or characters) a token can match, or None when too many to be a useful key."""
        if t.kind == "L":
            return self.book.code_of(t.text) or t.text
        members = self._codes(t)[1]
        return members if len(members) <= 16 else None

    def _letters(self, t: Token) -> str:
        """The initial letters a unit matching `t` can show (an ASCII character shows itself)."""
        if t.kind == "L":
            if t.text.isascii():
                return t.text
            return self.book.letters.get(self.book.code_of(t.text) or t.text, "")
        return t.text[0]

    def parse_filter(self, parse: Parse, *, adjacent: bool = True) -> list[frozenset[int]]:
        """Keys a block must hold (each entry: at least one of its keys) for `parse` to match there."""
        key = (parse, adjacent)
        got = self._filter_cache.get(key)
        if got is None:
            if len(self._filter_cache) > 8192:
                self._filter_cache.clear()
            got = self._filter_cache[key] = self._parse_filter(parse, adjacent)
        return got

    def _parse_filter(self, parse: Parse, adjacent: bool) -> list[frozenset[int]]:
        out: list[frozenset[int]] = []
        if not adjacent or len(parse) == 1:
            for t in parse:
                codes = self._code_keys(t)
                group = (
                    frozenset(map(ord, codes))
                    if codes is not None
                    else frozenset(initial_key(x) for x in self._letters(t))
                )
                if group:
                    out.append(group)
            return out
        for a, b in pairwise(parse):
            ca, cb, lb = self._code_keys(a), self._code_keys(b), self._letters(b)
            if ca is not None and cb is not None and len(ca) * len(cb) <= _MAX_PAIR_KEYS:
                out.append(frozenset(ord(x) | ord(y) << 16 for x in ca for y in cb))
            elif ca is not None and lb and len(ca) * len(lb) <= _MAX_PAIR_KEYS:
                out.append(frozenset(then_initial_key(x, y) for x in ca for y in lb))
            elif (la := self._letters(a)) and lb:
                out.append(frozenset(initials_key(x, y) for x in la for y in lb))
        last = self._code_keys(parse[-1])
        if last is not None:  # the last unit's codes, when few enough to say more than its initial
            out.append(frozenset(map(ord, last)))
        return out

    def parse_anchor(self, parse: Parse) -> tuple[str, tuple[str, ...]]:
        """(domain, anchors): literal strings one of which a match of `parse` holds. The initials text
        is ASCII (searched several times faster than text with Chinese in it), so a typed ASCII
        word is looked for by its initials (kuan|dai → "kd", kc1 → "kc1"); a Chinese word as typed."""
        if all(t.kind == "L" for t in parse) and not "".join(t.text for t in parse).isascii():
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
        if t.kind == "L":
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

    def runs_filter(self, runs: Iterable[Sequence[Token]]) -> list[frozenset[int]]:
        """Keys for pieces of text that each occur contiguously (a scattered match, a typo's intact parts)."""
        out: list[frozenset[int]] = []
        for run in runs:
            if run:
                out.extend(self.parse_filter(tuple(run)))
        return out

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
            pieces = [p for p in parses if 4 <= len(p) <= _SCATTER_UNITS and all(t.kind != "I" for t in p)]
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
                        out.append((Token("P", piece),))
                elif piece in book.syllables:
                    out.extend((Token("S", piece), *rest) for rest in best[j + size])
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
                kind = "P" if final else "S"
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
        ranked = sorted(found.items(), key=lambda pc: (pc[1], len(pc[0]), sum(t.kind == "I" for t in pc[0])))
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
        parse: Parse = tuple(Token("L", ch) for ch in word)
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
            pieces = [tuple(Token("L", ch) for ch in run) for run, _ in runs]
            keys = self.runs_filter(pieces)
            if not runs:
                alternatives.append(Alternative(keys, "", ()))
                return
            anchor, offset = min(runs, key=lambda ra: self._rarity(tuple(Token("L", ch) for ch in ra[0])))
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
            cut.append(t if t.kind == "L" else Token("P", t.text[: n - at]))  # an unfinished last unit
            break
        if tuple(cut) not in kept:
            return False
    return True


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
        if any(t.kind != "L" for t in p):
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
