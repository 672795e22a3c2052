"""A small, real stand-in for `palette.core.suggest` in the palette's widget tests: keywords per phrase.

The palette is the unit under test there; this gives it answers whose reasons are obvious (the
keywords of a phrase found in the message), unconfident ones for words listed as `unsure`, and keeps
what `learn` was told (the words, never the message) so a test can check the hook was called.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from palette.core.store import Store


@dataclass(frozen=True, slots=True)
class Suggestion:
    uid: str
    score: float
    why: tuple[str, ...]
    confident: bool


@dataclass
class KeywordSuggester:
    keywords: Mapping[str, Sequence[str]]  # uid -> words that make it an answer
    unsure: Mapping[str, Sequence[str]] = field(default_factory=dict)  # uid -> words that only hint at it
    learned: list[tuple[tuple[str, ...], str]] = field(default_factory=list)  # (words, uid)

    def suggest(self, message: str, limit: int = 10) -> list[Suggestion]:
        found = []
        for table, confident in ((self.keywords, True), (self.unsure, False)):
            for uid, words in table.items():
                why = tuple(w for w in words if w in message)
                if why:
                    found.append(Suggestion(uid, float(sum(map(len, why))), why, confident))
        found.sort(key=lambda s: (not s.confident, -s.score, s.uid))
        return found[:limit]

    def learn(self, store: Store, message: str, uid: str) -> None:
        words = tuple(w for table in (self.keywords, self.unsure) for ws in table.values() for w in ws if w in message)
        self.learned.append((words, uid))
