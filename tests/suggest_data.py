"""The suggestion quality set (tests/data/suggest_messages.toml) against 标准话术 plus the team library
of tests/data/suggest_team.json: shared by tests/unit/test_suggest_quality.py and bench/suggest_quality.py."""

from __future__ import annotations

import tomllib
from dataclasses import replace
from pathlib import Path
from typing import Any

from palette.core.library_io import LibraryData, parse_library
from palette.core.model import Phrase
from palette.core.sources import fetch
from palette.core.standard import source_data
from palette.core.suggest import Suggester, SuggestSource
from palette.core.suggest.synonyms import shipped_groups

DATA = Path(__file__).parent / "data"
KINDS = ("direct", "paraphrase", "colloquial", "angry", "long", "typo", "two", "numbers", "small-talk")


def messages() -> list[dict[str, Any]]:
    return list(tomllib.loads((DATA / "suggest_messages.toml").read_text("utf-8"))["message"])


def team() -> LibraryData:
    return parse_library(fetch(str(DATA / "suggest_team.json")))


def phrases(*, questions: bool = True) -> list[Phrase]:
    """标准话术 then the team library (its file ids as uids); without 客户问法 when `questions` is False."""
    own = [p if questions else replace(p, questions=()) for p in team().phrases]
    return [*source_data().phrases, *own]


def suggester(*, questions: bool = True) -> Suggester:
    return Suggester.build(SuggestSource(phrases(questions=questions), (*shipped_groups(), *team().synonyms)))


def rank(got: list[str], want: list[str]) -> int | None:
    """1-based rank of the first wanted phrase among `got`, None when none is there."""
    return next((n for n, uid in enumerate(got, start=1) if uid in want), None)
