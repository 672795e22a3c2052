"""Search quality on a query set: top-1, top-3 and MRR@10 for Palette's engine and for a naive baseline.

    .venv/bin/python bench/search_quality.py [--queries tests/data/search_queries.toml] [--library FILE]

The baseline is what a generic launcher does: rapidfuzz WRatio of the query against title + body.
`--library` takes a library file (`.db` as written by `palette export`, or a TOML source like
resources/standard_library.toml); the default is the standard library. Prints JSON.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import tomllib
from collections.abc import Callable, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from rapidfuzz import fuzz, process  # noqa: E402

from palette.core.model import Phrase  # noqa: E402
from palette.core.search import SearchIndex  # noqa: E402
from palette.core.search.codes import fold  # noqa: E402

Ranker = Callable[[str], list[str]]  # query → uids, best first


def load_queries(path: Path) -> list[dict[str, str]]:
    return list(tomllib.loads(path.read_text(encoding="utf-8"))["query"])


def load_library(path: Path | None) -> list[Phrase]:
    from palette.core import paths
    from palette.core.library_io import read_library_db
    from palette.core.standard import load_source

    if path is None:
        path = paths.resource("standard_library.toml")
    if path.suffix == ".toml":
        return list(load_source(path, paths.resource("forbidden_words.toml")).phrases)
    return list(read_library_db(path).phrases)


def engine(phrases: Sequence[Phrase]) -> Ranker:
    index = SearchIndex.from_phrases(phrases, clock=lambda: 0.0)
    return lambda q: [h.phrase.uid for h in index.query(q, limit=10)]


def naive(phrases: Sequence[Phrase]) -> Ranker:
    texts = [fold(p.title + " " + p.body) for p in phrases]
    uids = [p.uid for p in phrases]
    return lambda q: [uids[i] for _, _, i in process.extract(fold(q), texts, scorer=fuzz.WRatio, limit=10)]


def metrics(ranker: Ranker, queries: Sequence[dict[str, str]]) -> dict[str, dict[str, float]]:
    """top-1, top-3 and MRR@10, overall ("all") and per kind of query."""
    groups: dict[str, list[int | None]] = {}
    for item in queries:
        got = ranker(item["q"])
        rank = got.index(item["want"]) + 1 if item["want"] in got else None
        for key in ("all", item["kind"]):
            groups.setdefault(key, []).append(rank)
    out = {}
    for key, ranks in groups.items():
        n = len(ranks)
        out[key] = {
            "n": n,
            "top1": round(sum(r == 1 for r in ranks) / n, 3),
            "top3": round(sum(r is not None and r <= 3 for r in ranks) / n, 3),
            "mrr10": round(sum(1 / r for r in ranks if r is not None) / n, 3),
        }
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--queries", type=Path, default=ROOT / "tests" / "data" / "search_queries.toml")
    parser.add_argument("--library", type=Path, default=None)
    parser.add_argument("--misses", action="store_true", help="also list the engine's top-1 misses")
    args = parser.parse_args(argv)
    queries = load_queries(args.queries)
    phrases = load_library(args.library)
    report: dict[str, object] = {"queries": len(queries), "phrases": len(phrases)}
    for name, make in (("engine", engine), ("naive_wratio", naive)):
        start = time.perf_counter()
        ranker = make(phrases)
        report[name] = metrics(ranker, queries)
        report[f"{name}_seconds"] = round(time.perf_counter() - start, 3)
        if name == "engine" and args.misses:
            titles = {p.uid: p.title for p in phrases}
            report["engine_misses"] = [
                {"q": item["q"], "want": item["want"], "got": [titles.get(u, u) for u in ranker(item["q"])[:3]]}
                for item in queries
                if ranker(item["q"])[:1] != [item["want"]]
            ]
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
