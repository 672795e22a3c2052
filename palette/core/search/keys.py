"""Block filter keys: which codes, code pairs and initial letters occur in a block."""

from __future__ import annotations

# -- the code alphabet ----------------------------------------------------------------------------

# Filter keys are integers: a code or character (its ordinal), a pair of adjacent ones
# (first | second << 16), and keys derived from those: an initial letter, a code or character
# followed by an initial letter, and two initial letters.
_INITIAL = 1 << 32
_THEN_INITIAL = 2 << 32
_INITIALS = 3 << 32


def initial_key(letter: str) -> int:
    return _INITIAL | ord(letter)


def then_initial_key(unit: str, letter: str) -> int:
    return _THEN_INITIAL | ord(unit) << 8 | ord(letter)


def initials_key(first: str, second: str) -> int:
    return _INITIALS | ord(first) << 8 | ord(second)


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
