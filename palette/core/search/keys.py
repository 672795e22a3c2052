"""Block filter keys: which codes, code pairs and initial letters occur in a block.

One dict (`PreparedIndex.postings`) maps every key to the blocks holding it, so the kinds of key
are plain ints kept apart by their ranges; each kind has its type and its constructor here:
a code or character (its ordinal, below 1 << 16), a pair of adjacent ones (first | second << 16,
below 1 << 32), and keys derived from those, from 1 << 32 on: an initial letter, a code or
character followed by an initial letter, and two initial letters.
"""

from __future__ import annotations

from typing import NewType

FilterKey = NewType("FilterKey", int)  # any key of a block filter
UnitKey = NewType("UnitKey", FilterKey)  # a code or character
PairKey = NewType("PairKey", FilterKey)  # two adjacent codes or characters
LetterKey = NewType("LetterKey", FilterKey)  # derived: initial letters, after a unit or not

Filter = list[frozenset[FilterKey]]  # all of (any of these keys)

_INITIAL = 1 << 32
_THEN_INITIAL = 2 << 32
_INITIALS = 3 << 32


def unit_key(unit: str) -> UnitKey:
    return UnitKey(FilterKey(ord(unit)))


def pair_key(first: str, second: str) -> PairKey:
    return PairKey(FilterKey(ord(first) | ord(second) << 16))


def pair_units(key: PairKey) -> tuple[UnitKey, UnitKey]:
    return UnitKey(FilterKey(key & 0xFFFF)), UnitKey(FilterKey(key >> 16))


def is_derived(key: FilterKey) -> bool:
    """Whether `key` is an initial-letter key (derived from pairs, not read from a text)."""
    return key >= _INITIAL


def initial_key(letter: str) -> LetterKey:
    return LetterKey(FilterKey(_INITIAL | ord(letter)))


def then_initial_key(unit: str, letter: str) -> LetterKey:
    return LetterKey(FilterKey(_THEN_INITIAL | ord(unit) << 8 | ord(letter)))


def initials_key(first: str, second: str) -> LetterKey:
    return LetterKey(FilterKey(_INITIALS | ord(first) << 8 | ord(second)))


def text_keys(coded: str) -> set[PairKey]:
    """The pairs of adjacent codes (and other characters) of a coded text, read straight from its
    UTF-16 bytes (4 bytes at an even offset are one pair, first | second << 16). Single codes and
    initial-letter keys are derived from these, once per distinct pair."""
    data = coded.encode("utf-16-le", "surrogatepass")
    n = len(data) // 4 * 4
    keys: set[PairKey] = set(memoryview(data[:n]).cast("I"))  # type: ignore[arg-type]  # ints, PairKeys by layout
    m = (len(data) - 2) // 4 * 4
    keys.update(memoryview(data[2 : 2 + m]).cast("I"))  # type: ignore[arg-type]
    return keys
