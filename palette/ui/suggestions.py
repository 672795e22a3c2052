"""The palette's side of suggestions: what it needs of the engine, and where the matched words show.

The engine (`palette.core.suggest`) is built in the background by the app and handed to the
controller once ready; nothing here imports it, so the segmenter never loads before the hotkey is
armed. A message the agent selected or copied is answered with the confident suggestions only.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from palette.core.store import Store

Spans = tuple[tuple[int, int], ...]
LIMIT = 5  # suggestions shown above the pinned and next phrases


class SuggestionLike(Protocol):
    """What the palette reads of a `palette.core.suggest.Suggestion`."""

    @property
    def uid(self) -> str: ...

    @property
    def why(self) -> tuple[str, ...]: ...

    @property
    def confident(self) -> bool: ...


class SuggesterLike(Protocol):
    """What the palette calls on a `palette.core.suggest.Suggester`."""

    def suggest(self, message: str, limit: int = 10) -> Sequence[SuggestionLike]: ...

    def learn(self, store: Store, message: str, uid: str) -> None: ...


def word_spans(text: str, words: Iterable[str]) -> Spans:
    """Where the matched words of a message show in `text`, merged and in order (for `marked_html`).

    A word of the message may be longer than what the phrase shares with it (家宽带 for 宽带), so every
    piece of two or more characters of a word counts too; a one-character word counts as itself."""
    pieces = set()
    for word in words:
        if len(word) == 1:
            pieces.add(word)
        for size in range(2, len(word) + 1):
            pieces.update(word[i : i + size] for i in range(len(word) - size + 1))
    found: list[tuple[int, int]] = []
    for piece in pieces:
        start = text.find(piece)
        while start >= 0:
            found.append((start, start + len(piece)))
            start = text.find(piece, start + 1)
    merged: list[tuple[int, int]] = []
    for a, b in sorted(found):
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(b, merged[-1][1]))
        else:
            merged.append((a, b))
    return tuple(merged)
