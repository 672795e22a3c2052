"""Suggestions: the phrases that answer a customer's message, local and explainable (issue 17).

`text` turns text into words (rjieba, imported on first use), synonym groups and bigrams;
`synonyms` holds the shipped and team synonym tables; `engine` ranks and learns. No Qt here.
"""

from __future__ import annotations

from palette.core.suggest.engine import Suggester, Suggestion, SuggestSource, build_suggester

__all__ = ["SuggestSource", "Suggester", "Suggestion", "build_suggester"]
