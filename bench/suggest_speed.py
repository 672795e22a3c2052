"""Suggestion speed on synthetic libraries of 10,000 and 100,000 phrases, and what the segmenter costs.

    .venv/bin/python bench/suggest_speed.py [--sizes 10000,100000] [--rounds 2]

For each size (the libraries of bench/search_speed.py): build time of the suggestion index (rjieba
already loaded: the app builds it in the background after the search index), the memory it keeps
(RSS growth once the build's garbage is returned to the OS) and at its peak; under `app`, what an
app keeps, in a fresh interpreter, building here (rjieba included) or, the app's way, in a child
process (`palette.core.suggest.child`) loaded back; and p50/p95/max latency of `suggest` over every message of
tests/data/suggest_messages.toml, `rounds` times. Then,
each in a fresh interpreter: the import time and RSS of rjieba (and of jieba, when installed, for
the comparison) and of rapidfuzz. Prints JSON.
Targets (issue 17): p95 ≤ 15 ms at 10k and ≤ 40 ms at 100k.
"""

from __future__ import annotations

import argparse
import ctypes
import gc
import json
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search_speed import synthetic_library  # noqa: E402
from palette.core.suggest import Suggester, SuggestSource  # noqa: E402
from palette.core.suggest.synonyms import shipped_groups  # noqa: E402
from palette.core.suggest.text import words  # noqa: E402
from tests.suggest_data import messages  # noqa: E402

_IMPORT = """
import time
def rss(): return int(open("/proc/self/statm").read().split()[1]) * 4096
before = rss()
t = time.perf_counter()
{code}
ms = (time.perf_counter() - t) * 1000
print(ms, rss() - before)
"""


_APP = """
import gc, ctypes, sys, time
sys.path.insert(0, {root!r})
from bench.search_speed import synthetic_library
from palette.core.suggest import Suggester, SuggestSource
from palette.core.suggest.child import build_in_child
from palette.core.suggest.synonyms import shipped_groups
def rss():
    gc.collect(); ctypes.CDLL("libc.so.6").malloc_trim(0)
    return int(open("/proc/self/statm").read().split()[1]) * 4096
groups = shipped_groups()
before = rss()
source = SuggestSource(synthetic_library({n}), groups)
t = time.perf_counter()
built = build_in_child(source) if {way!r} == "child" else Suggester.build(source)
s = time.perf_counter() - t
del source
print(s, rss() - before)
"""


def app_figures(n: int, way: str) -> dict[str, float]:
    """What the app keeps, in a fresh interpreter as in the app (the source read, built, dropped):
    built here (with rjieba loaded) or in a child process and loaded back (the app's way)."""
    code = _APP.format(root=str(ROOT), n=n, way=way)
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    s, grown = out.stdout.split()
    return {"build_s": round(float(s), 2), "kept_mb": round(int(grown) / 2**20, 1)}


def import_cost(code: str) -> dict[str, float] | None:
    """Import time and RSS growth of `code` in a fresh interpreter (None when it fails: not installed)."""
    out = subprocess.run([sys.executable, "-c", _IMPORT.format(code=code)], capture_output=True, text=True)
    if out.returncode != 0:
        return None
    ms, grown = out.stdout.split()
    return {"ms": round(float(ms), 1), "rss_mb": round(int(grown) / 2**20, 1)}


def _rss() -> int:
    return int(Path("/proc/self/statm").read_text().split()[1]) * 4096


def _trim() -> None:
    gc.collect()
    ctypes.CDLL("libc.so.6").malloc_trim(0)


def size_figures(n: int, texts: list[str], rounds: int) -> dict[str, float]:
    phrases = synthetic_library(n)
    source = SuggestSource(phrases, shipped_groups())
    _trim()
    before = _rss()
    t = time.perf_counter()
    suggester = Suggester.build(source)
    build_s = time.perf_counter() - t
    peak = _rss()
    _trim()
    retained = _rss() - before
    times = []
    for _ in range(rounds):
        for text in texts:
            t = time.perf_counter()
            suggester.suggest(text, 10)
            times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return {
        "phrases": n,
        "build_s": round(build_s, 2),
        "memory_mb": round(retained / 2**20, 1),
        "build_peak_mb": round((peak - before) / 2**20, 1),
        "app": {way: app_figures(n, way) for way in ("here", "child")},
        "p50_ms": round(statistics.median(times), 2),
        "p95_ms": round(times[int(0.95 * len(times)) - 1], 2),
        "max_ms": round(times[-1], 2),
        "queries": len(times),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10000,100000")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args(argv)
    texts = [m["text"] for m in messages()]
    words("预热")  # the segmenter is loaded before the builds are timed (its cost is reported below)
    report = {
        "sizes": [size_figures(int(n), texts, args.rounds) for n in args.sizes.split(",")],
        "imports": {
            "rjieba": import_cost("import rjieba; rjieba.cut('宽带断网')"),
            "jieba": import_cost("import jieba; jieba.setLogLevel(60); jieba.lcut('宽带断网')"),
            "rapidfuzz": import_cost("from rapidfuzz import fuzz; fuzz.partial_ratio('a', 'b')"),
        },
        "targets": {"p95_ms_10000": 15, "p95_ms_100000": 40},
    }
    print(json.dumps(report, ensure_ascii=False, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
