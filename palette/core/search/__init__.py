"""Finding the phrase an agent means from two or three keystrokes: an in-memory index and its ranking.

The API, the query syntax, the ranking and how it stays fast: docs/search.md. The stages, each its
own module: `keys` (block filter keys), `codes` (folding and pinyin codes), `patterns`, `parsing`,
`readings` and `compiler` (a typed word to its readings, filters and patterns), `typos`, `blocks`
and `index` (the prepared index), `scan` (one query within a work budget), `ranking` (scores and
highlights), `engine` (`SearchIndex`, the one object callers use).
"""

from __future__ import annotations

from palette.core.search.blocks import TAG_SEPARATOR
from palette.core.search.engine import SearchIndex
from palette.core.search.index import IndexSource, PreparedIndex
from palette.core.search.ranking import LONG_QUERY, SCAN_CAP, Hit, MatchKind, Span, tags_text

__all__ = [
    "LONG_QUERY",
    "SCAN_CAP",
    "TAG_SEPARATOR",
    "Hit",
    "IndexSource",
    "MatchKind",
    "PreparedIndex",
    "SearchIndex",
    "Span",
    "tags_text",
]
