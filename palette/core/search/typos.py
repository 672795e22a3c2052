"""Fuzzy pinyin (模糊音) and keyboard typos a typed word may carry."""

from __future__ import annotations

from collections.abc import Iterator

from palette.core.pinyin import TWO_LETTER_INITIALS

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
