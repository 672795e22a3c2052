"""Cost of filling and checking phrases, against a bare regex substitution measured in the same run.

The palette may render every visible hit on each keystroke and checks the final text before each
paste, so both must stay far below a frame. Prints JSON: microseconds per phrase and the ratio to
the baseline. Run: .venv/bin/python bench/placeholders_bench.py
"""

from __future__ import annotations

import json
import re
import timeit
from datetime import datetime

from palette.core.config import KEYS
from palette.core.guard import Guard
from palette.core.placeholders import Context, render
from palette.core.standard import source_data


def main() -> None:
    data = source_data()
    bodies = [p.body for p in data.phrases]
    profile = {"公司名称": "中国电信", "工号": "1024", "坐席姓名": "小李", "部门": "客服部", "热线": "10000"}
    context = Context(
        profile=profile,
        conversation={"客户姓名": "张先生"},
        aliases=KEYS["placeholder_aliases"].default,
        clock=lambda: datetime(2026, 11, 24, 14, 5),
    )
    guard = Guard(data.forbidden)
    pattern = re.compile(r"\[(\w{1,20})\]")

    def baseline() -> None:
        for b in bodies:
            pattern.sub(lambda m: profile.get(m.group(1), m.group(0)), b)

    def fill() -> None:
        for b in bodies:
            render(b, context)

    def fill_and_check() -> None:
        for b in bodies:
            guard.check(render(b, context))

    def lint() -> None:
        for b in bodies:
            guard.lint(b)

    lint()  # pays the one-off table load outside the timing
    per_phrase = {}
    cases = {"baseline_regex": baseline, "render": fill, "render_and_check": fill_and_check, "lint": lint}
    for name, fn in cases.items():
        runs = 20
        best = min(timeit.repeat(fn, number=runs, repeat=5)) / runs
        per_phrase[name] = round(best / len(bodies) * 1e6, 2)
    print(
        json.dumps(
            {
                "phrases": len(bodies),
                "forbidden_words": len(guard.words),
                "us_per_phrase": per_phrase,
                "render_vs_baseline": round(per_phrase["render"] / per_phrase["baseline_regex"], 1),
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
