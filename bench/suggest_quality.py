"""Suggestion quality per kind of message, with and without the team's 客户问法, against two baselines.

    .venv/bin/python bench/suggest_quality.py

The messages of tests/data/suggest_messages.toml against 标准话术 plus tests/data/suggest_team.json.
For each kind: top-1, top-3 and MRR@10 (a hit is any phrase the message wants; for the engine only
confident suggestions count). Small talk wants no phrase: its figure is the share left without a
confident suggestion (the baselines have no notion of confidence, so they have none). Baselines, on
the same phrases: rapidfuzz `token_set_ratio` of the message against title + body, and BM25 over
character bigrams of title + body. Prints JSON.
"""

from __future__ import annotations

import json
import math
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process, utils  # noqa: E402

from palette.core.model import Phrase  # noqa: E402
from tests.suggest_data import KINDS, messages, phrases, rank, suggester  # noqa: E402

Ranker = Callable[[str], list[str]]


def engine(*, questions: bool) -> Ranker:
    s = suggester(questions=questions)
    return lambda text: [x.uid for x in s.suggest(text, 10) if x.confident]


def fuzzy_baseline(items: Sequence[Phrase]) -> Ranker:
    choices = [f"{p.title} {p.body}" for p in items]
    uids = [p.uid for p in items]

    def ranked(text: str) -> list[str]:
        found = process.extract(text, choices, scorer=fuzz.token_set_ratio, processor=utils.default_process, limit=10)
        return [uids[i] for _, _, i in found]

    return ranked


def _pairs(text: str) -> list[str]:
    return [text[i : i + 2] for i in range(len(text) - 1) if not any(c.isspace() for c in text[i : i + 2])]


def bm25_baseline(items: Sequence[Phrase], k1: float = 1.2, b: float = 0.75) -> Ranker:
    docs = [_pairs(f"{p.title} {p.body}") for p in items]
    avg = sum(map(len, docs)) / len(docs)
    df: dict[str, int] = {}
    for d in docs:
        for t in set(d):
            df[t] = df.get(t, 0) + 1
    n = len(docs)
    idf = {t: math.log(1 + (n - c + 0.5) / (c + 0.5)) for t, c in df.items()}
    tfs = [{t: d.count(t) for t in set(d)} for d in docs]

    def ranked(text: str) -> list[str]:
        terms = set(_pairs(text))
        scores = []
        for i, tf in enumerate(tfs):
            s = sum(
                idf[t] * tf[t] * (k1 + 1) / (tf[t] + k1 * (1 - b + b * len(docs[i]) / avg)) for t in terms if t in tf
            )
            if s > 0:
                scores.append((-s, i))
        return [items[i].uid for _, i in sorted(scores)[:10]]

    return ranked


def figures(ranker: Ranker, *, confidence: bool) -> dict[str, dict[str, float]]:
    per: dict[str, list[int | None]] = {k: [] for k in KINDS}
    quiet: list[bool] = []
    for m in messages():
        got = ranker(m["text"])
        if m["want"]:
            per[m["kind"]].append(rank(got, m["want"]))
        else:
            quiet.append(not got)
    out: dict[str, dict[str, float]] = {}
    everything: list[int | None] = []
    for kind, ranks in per.items():
        if ranks:
            out[kind] = _summary(ranks)
            everything += ranks
    out["all"] = _summary(everything)
    if confidence:
        out["small-talk"] = {"no_confident_hit": round(sum(quiet) / len(quiet), 3), "n": len(quiet)}
    return out


def _summary(ranks: list[int | None]) -> dict[str, float]:
    n = len(ranks)
    return {
        "top1": round(sum(r == 1 for r in ranks) / n, 3),
        "top3": round(sum(r is not None and r <= 3 for r in ranks) / n, 3),
        "mrr10": round(sum(1 / r for r in ranks if r is not None) / n, 3),
        "n": n,
    }


def main() -> int:
    items = phrases()
    report = {
        "messages": len(messages()),
        "phrases": len(items),
        "engine": figures(engine(questions=True), confidence=True),
        "engine_without_questions": figures(engine(questions=False), confidence=True),
        "baseline_token_set_ratio": figures(fuzzy_baseline(items), confidence=False),
        "baseline_bm25_bigrams": figures(bm25_baseline(items), confidence=False),
        "target": {"top3": 0.85},
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
