"""A contact centre's scale: 500 agents subscribed to one team library on nginx, and the lead merging
500 agents' usage reports.

`subscriptions`: tests/team_scale.py's simulation (real nginx with ETag, one palette.db per agent, each
poll what `palette library check` does, 8 threads). Two unchanged rounds, a publish, the round that
carries it, one more unchanged round: the requests and statuses counted in nginx's access log, the
share of 304s among the unchanged polls, and the seconds of a round (unchanged, and the one that takes
the change to every agent: the time a change needs to reach all, on top of the poll interval).

`merge`: 500 reports (one day, 60-phrase library, realistic counts and misses) merged by the real
command line into a workbook, against `palette --version` (start-up) and reading the same files with
json.loads (the floor) in the same run; target ≤ 10 s. Every figure is the median of `--runs` (3).

    .venv/bin/python bench/team_scale.py [--runs 3] [--agents 500]   prints JSON; exit 1 when a target is missed
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.team_scale import LIBRARY, make_agents, nginx, poll_round, publish, statuses  # noqa: E402

MERGE_TARGET_S = 10.0


def subscriptions(agents: int, tmp: Path) -> dict[str, float]:
    with nginx(tmp / "nginx") as (base, root, log):
        url = base + publish(root, "v1")
        homes = make_agents(tmp / "agents", url, agents)
        _, mark = statuses(log)
        unchanged: list[float] = []
        counts: dict[str, int] = {}
        for step in ("same", "same", "publish", "same"):
            if step == "publish":
                publish(root, "v2")
            versions, seconds = poll_round(homes)
            seen, mark = statuses(log, mark)
            for status, n in seen.items():
                counts[status] = counts.get(status, 0) + n
            if step == "publish":
                reach_all = seconds
                assert versions == ["v2"] * agents, "a change did not reach every agent in one round"
            else:
                unchanged.append(seconds)
                assert seen == {"304": agents}, seen
    polls_unchanged = 3 * agents
    return {
        "requests": sum(counts.values()),
        "status_304": counts.get("304", 0),
        "status_200": counts.get("200", 0),
        "share_304_unchanged": counts.get("304", 0) / polls_unchanged,
        "unchanged_round_s": statistics.median(unchanged),
        "reach_all_s": reach_all,
    }


def write_reports(folder: Path, agents: int) -> None:
    rnd = random.Random(7)
    for n in range(agents):
        uses = {f"t{k}": rnd.randint(0, 30) for k in rnd.sample(range(60), 40)}
        phrases = [
            {"uid": uid, "library": LIBRARY, "version": "v2", "pasted": c, "copied": c // 3, "abandoned": c % 2}
            for uid, c in uses.items()
        ]
        report = {
            "schema": "palette.usage-report",
            "schema_version": 1,
            "agent": f"A{n:04d}",
            "team": f"{n % 10 + 1}组",
            "day": "2026-12-01",
            "written_at": "2026-12-01T18:00:00+00:00",
            "libraries": [{"name": LIBRARY, "kind": "team", "version": "v2"}],
            "phrases": phrases,
            "guard_words": [{"word": "不知道", "list": "标准话术", "n": rnd.randint(0, 3)}],
            "misses": [{"query": f"积分{rnd.randint(0, 40)}号", "n": 1} for _ in range(rnd.randint(0, 6))],
        }
        (folder / f"A{n:04d}-2026-12-01.json").write_text(json.dumps(report, ensure_ascii=False), encoding="utf-8")


def timed(args: list[str], home: Path) -> float:
    env = {**os.environ, "PALETTE_HOME": str(home)}
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "palette", *args], check=True, env=env, capture_output=True, timeout=120)
    return time.perf_counter() - started


def merge(agents: int, tmp: Path) -> dict[str, float]:
    folder = tmp / "reports"
    folder.mkdir()
    write_reports(folder, agents)
    home = tmp / "lead"
    startup = timed(["--version"], home)
    started = time.perf_counter()
    for path in folder.iterdir():
        json.loads(path.read_bytes())
    floor = time.perf_counter() - started
    seconds = timed(["report", "merge", str(folder), "--out", str(tmp / "merged.xlsx")], home)
    return {"merge_s": seconds, "startup_s": startup, "json_loads_s": floor}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--agents", type=int, default=500)
    args = parser.parse_args()
    sub: list[dict[str, float]] = []
    mer: list[dict[str, float]] = []
    for _ in range(args.runs):
        with tempfile.TemporaryDirectory() as tmp:
            sub.append(subscriptions(args.agents, Path(tmp)))
        with tempfile.TemporaryDirectory() as tmp:
            mer.append(merge(args.agents, Path(tmp)))
    merged = {k: round(statistics.median(r[k] for r in mer), 3) for k in mer[0]}
    out: dict[str, object] = {
        "agents": args.agents,
        "runs": args.runs,
        "subscriptions": {k: round(statistics.median(r[k] for r in sub), 3) for k in sub[0]},
        "merge": merged,
        "merge_target_s": MERGE_TARGET_S,
        "ok": merged["merge_s"] <= MERGE_TARGET_S,
    }
    print(json.dumps(out, indent=2))
    return 0 if out["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
