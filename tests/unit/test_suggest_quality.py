"""Suggestion quality on tests/data/suggest_messages.toml: customers' messages against 标准话术 plus the
team library of tests/data/suggest_team.json (客户问法 on part of its rows).

Fails below top-3 0.85 over the messages that want a phrase (the issue's bar), or when small talk gets
a confident suggestion. `bench/suggest_quality.py` prints the figures per kind, with and without the
客户问法 column, next to two baselines.
"""

from __future__ import annotations

import pytest

from palette.core.suggest import Suggester
from tests.suggest_data import KINDS, messages, phrases, rank, suggester

MESSAGES = messages()


@pytest.fixture(scope="module")
def engine() -> Suggester:
    return suggester()


def test_the_message_set_is_large_and_covers_every_kind() -> None:
    uids = {p.uid for p in phrases()}
    assert len(MESSAGES) >= 200
    assert {m["kind"] for m in MESSAGES} == set(KINDS)
    assert all(w in uids for m in MESSAGES for w in m["want"])
    assert all(bool(m["want"]) == (m["kind"] != "small-talk") for m in MESSAGES)
    assert len({m["text"] for m in MESSAGES}) == len(MESSAGES)


def test_top3_over_the_messages_that_want_a_phrase(engine: Suggester) -> None:
    wanting = [m for m in MESSAGES if m["want"]]
    ranks = [rank([s.uid for s in engine.suggest(m["text"], 10) if s.confident], m["want"]) for m in wanting]
    top3 = sum(r is not None and r <= 3 for r in ranks) / len(ranks)
    misses = [m["text"] for m, r in zip(wanting, ranks, strict=True) if r is None or r > 3]
    assert top3 >= 0.85, misses


def test_small_talk_gets_no_confident_suggestion(engine: Suggester) -> None:
    chatty = [m["text"] for m in MESSAGES if m["kind"] == "small-talk"]
    assert [t for t in chatty if any(s.confident for s in engine.suggest(t))] == []
