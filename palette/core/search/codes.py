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
from collections.abc import Callable

from palette.core.pinyin import VOWELLESS, PinyinTable
from palette.core.search.patterns import Parse, TokenKind
from palette.core.search.typos import fuzzy_syllables

FIELD_SEP = "\x1f"  # between the fields of one phrase
PHRASE_SEP = "\x1e"  # between phrases in a block's text
_GAP = "[^\x1e\x1f]*?"  # a scattered match never crosses into another field

_CODE_BASE = 0xE000  # codes live in the Private Use Area …
_CODE_END = 0xF900


_FULL_WIDTH = re.compile("[\u3000\uff01-\uff5e]")


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

    def readings_of(self, ch: str) -> tuple[str, ...]:
        """A character's readings, the most common first (() for a character without any)."""
        code = self._encode[ord(ch)] if ord(ch) < 0x10000 else self._astral.get(ch, ch)
        return self.readings.get(code, ())

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
            if t.kind == TokenKind.LITERAL or c not in self.heteronyms:
                continue
            reading = self.context_reading(folded, start + k) or self.readings[c][0]
            if reading != t.text if t.kind == TokenKind.SYLLABLE else not reading.startswith(t.text):
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
