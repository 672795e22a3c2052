"""Finding phrases for what the agent typed (a substring match; the ranked pinyin engine replaces it)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from palette.core.model import Phrase


@dataclass(frozen=True, slots=True)
class Hit:
    phrase: Phrase
    score: float


def search(phrases: Iterable[Phrase], query: str, limit: int = 20) -> list[Hit]:
    q = query.strip().lower()
    hits = []
    for p in phrases:
        fields = (p.shortcut.lower(), p.title.lower(), p.body.lower(), p.category.lower())
        if not q or any(q in f for f in fields):
            hits.append(Hit(p, 1.0))
    return hits[:limit]
