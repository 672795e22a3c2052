"""Shortcut codes that collide across layers: a team code that is also the standard library's (or the
agent's own) makes the agent paste whichever phrase ranks first, so import and lint name both.

Codes compare as the CLI compares them when it refuses a taken code: stripped and casefolded.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from palette.core.model import Phrase
from palette.core.phrase_rules import shortcut_key


@dataclass(frozen=True, slots=True)
class Collision:
    phrase: Phrase  # the phrase checked
    other: Phrase  # a visible phrase of another library with the same code

    def describe(self) -> str:
        return f"shortcut {self.phrase.shortcut!r} of {_name(self.phrase)} is also the code of {_name(self.other)}"


def _name(p: Phrase) -> str:
    return f"{p.library} › {p.title} ({p.uid})"


def shortcut_collisions(phrases: Iterable[Phrase], others: Sequence[Phrase]) -> list[Collision]:
    """Every pair of a phrase in `phrases` and one in `others` (the store's `coded_phrases`) that share
    a code but sit in different libraries; a personal override of the phrase itself is no collision."""
    by_code: dict[str, list[Phrase]] = {}
    for o in others:
        by_code.setdefault(shortcut_key(o.shortcut), []).append(o)
    found: list[Collision] = []
    for p in phrases:
        key = shortcut_key(p.shortcut)
        if not key:
            continue
        for o in by_code.get(key, ()):
            if o.library != p.library and p.uid not in (o.override_of, o.uid) and o.uid != p.override_of:
                found.append(Collision(p, o))
    return found
