"""Search quality on the query set in tests/data: agents' queries and the phrase each one wants.

Fails below top-1 0.85, top-3 0.95 or MRR 0.9 (the issue's bar), or when a query's phrase is not in its
top 10. `bench/search_quality.py` prints the same figures per kind of query, next to a naive baseline's.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest

from palette.core.model import STANDARD_LIBRARY
from palette.core.search import SearchIndex
from palette.core.standard import source_data

QUERIES = list(tomllib.loads((Path(__file__).parents[1] / "data" / "search_queries.toml").read_text("utf-8"))["query"])
KINDS = {
    "shortcut", "shortcut-prefix", "chinese", "scattered", "body", "pinyin", "pinyin-prefix", "initials",
    "mixed", "width-case", "multi-word", "category", "typo-pinyin", "typo-chinese",
}  # fmt: skip


@pytest.fixture(scope="module")
def ranks() -> list[int | None]:
    phrases = source_data().phrases
    index = SearchIndex.from_phrases(phrases, libraries=[STANDARD_LIBRARY], clock=lambda: 0.0)
    out = []
    for item in QUERIES:
        got = [h.phrase.uid for h in index.query(item["q"], 10)]
        out.append(got.index(item["want"]) + 1 if item["want"] in got else None)
    return out


def test_the_query_set_is_large_and_covers_every_kind() -> None:
    uids = {p.uid for p in source_data().phrases}
    assert len(QUERIES) >= 80
    assert {item["kind"] for item in QUERIES} == KINDS
    assert all(item["want"] in uids for item in QUERIES)
    assert len({item["q"] for item in QUERIES}) == len(QUERIES)


def test_top1_top3_and_mrr(ranks: list[int | None]) -> None:
    n = len(ranks)
    top1 = sum(r == 1 for r in ranks) / n
    top3 = sum(r is not None and r <= 3 for r in ranks) / n
    mrr = sum(1 / r for r in ranks if r is not None) / n
    misses = [item["q"] for item, r in zip(QUERIES, ranks, strict=True) if r != 1]
    assert top1 >= 0.85, misses
    assert top3 >= 0.95, misses
    assert mrr >= 0.9, misses  # a wanted phrase ranked 2nd-10th, or not found, pulls this down
    assert [item["q"] for item, r in zip(QUERIES, ranks, strict=True) if r is None] == []  # all in the top 10
