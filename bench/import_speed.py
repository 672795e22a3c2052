"""How fast a team library imports: a 10,000-row .xlsx and a 100,000-row .csv.

Each file is imported by the real command line (`palette import … --yes`) into a fresh PALETTE_HOME,
then re-imported with 10% of the rows changed, then once more unchanged (the same bytes: skipped
unread). The cost must follow the change: a 10% re-import within 40% of the first import, an
unchanged one within 0.2 s. With `--runs N` every figure is the median of N runs. Every run is a
separate process, so the seconds include start-up and the peak memory is that process's own
(ru_maxrss from wait4). Baselines in the same run make the figures comparable across machines:
`startup_s` is `palette --version`, and `parse_only_s` is reading the same file with openpyxl or
the csv module and nothing else.

`hostile` imports each workbook of tests/hostile_xlsx.py (a 1 MB zip bomb of 1.1 GB, millions of
empty rows …) and reports the exit code and peak RSS of that process against HOSTILE_MAX_RSS_MB.

    .venv/bin/python bench/import_speed.py [--runs 3]   prints JSON; exit 1 when a target is missed
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGETS_S = {"xlsx_10k": 1.5, "csv_100k": 3.0}
REIMPORT_SHARE = 0.4  # a re-import with 10% changed, against the first import
UNCHANGED_S = 0.2
REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from tests.hostile_xlsx import HOSTILE, measured_import  # noqa: E402

HOSTILE_MAX_RSS_MB = 300
HEADER = ["编号", "分类", "标题", "话术内容", "快捷码", "标签"]
CATEGORIES = ["问候与开场", "身份核验", "业务咨询", "套餐推荐", "话费与流量查询", "故障报修", "投诉处理", "感谢与道别"]


def rows(n: int, changed_every: int = 0) -> list[list[str]]:
    """`n` phrases; with `changed_every`, every such row has a different body (a weekly edit)."""
    out = []
    for i in range(n):
        body = (
            f"您好,[客户姓名],关于您咨询的第{i}号业务,[公司名称]已为您核实:当前套餐[套餐名称=畅享套餐]"
            f"本月剩余流量充足,如需办理变更请告知,客服[工号]竭诚为您服务。"
        )
        if changed_every and i % changed_every == 0:
            body += "(本周更新)"
        out.append([f"T{i:06d}", CATEGORIES[i % len(CATEGORIES)], f"业务说明{i}", body, f"b{i}", "咨询,业务"])
    return out


def write_xlsx(path: Path, data: list[list[str]]) -> None:
    import openpyxl

    wb = openpyxl.Workbook(write_only=True)
    ws = wb.create_sheet("话术")
    ws.append(HEADER)
    for r in data:
        ws.append(r)
    wb.save(path)


def write_csv(path: Path, data: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f)
        w.writerow(HEADER)
        w.writerows(data)


def run(args: list[str], home: Path) -> tuple[float, float]:
    """Seconds and peak resident memory (MB) of one process."""
    env = {**os.environ, "PALETTE_HOME": str(home)}
    start = time.perf_counter()
    proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(proc.pid, 0)
    elapsed = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        err = proc.stderr.read().decode() if proc.stderr else ""
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}): {err}")
    return round(elapsed, 3), round(usage.ru_maxrss / 1024, 1)


PARSE_ONLY = {
    ".xlsx": "import openpyxl,sys\n"
    "wb=openpyxl.load_workbook(sys.argv[1],read_only=True,data_only=True)\n"
    "n=sum(1 for ws in wb.worksheets for _ in ws.iter_rows(values_only=True))",
    ".csv": "import csv,sys\nn=sum(1 for _ in csv.reader(open(sys.argv[1],encoding='utf-8-sig',newline='')))",
}


def case(name: str, suffix: str, n: int, tmp: Path, runs: int) -> dict[str, object]:
    writer = write_xlsx if suffix == ".xlsx" else write_csv
    first, second = tmp / f"{name}{suffix}", tmp / f"{name}-changed{suffix}"
    writer(first, rows(n))
    writer(second, rows(n, changed_every=10))
    palette = [sys.executable, "-m", "palette"]
    figures: dict[str, list[float]] = {}
    for k in range(runs):
        home = tmp / f"home-{name}-{k}"
        steps = {
            "first_import": first,
            "reimport_10pct_changed": second,
            "reimport_unchanged": second,
        }
        for step, path in steps.items():
            s, mb = run([*palette, "import", str(path), "--library", "基准", "--yes"], home)
            figures.setdefault(f"{step}_s", []).append(s)
            figures.setdefault("peak_rss_mb", []).append(mb)
        s, mb = run([sys.executable, "-c", PARSE_ONLY[suffix], str(first)], home)
        figures.setdefault("parse_only_s", []).append(s)
        figures.setdefault("parse_only_rss_mb", []).append(mb)
    med = {k: round(statistics.median(v), 3) for k, v in figures.items()}
    med["peak_rss_mb"] = max(figures["peak_rss_mb"])
    share = round(med["reimport_10pct_changed_s"] / med["first_import_s"], 3)
    return {
        "rows": n,
        "file_mb": round(first.stat().st_size / 1e6, 1),
        "runs": runs,
        **med,
        "reimport_share": share,
        "target_s": TARGETS_S[name],
        "ok": med["first_import_s"] <= TARGETS_S[name]
        and share <= REIMPORT_SHARE
        and med["reimport_unchanged_s"] <= UNCHANGED_S,
    }


def hostile(tmp: Path) -> dict[str, object]:
    """Peak memory of importing each hostile workbook; none may pass HOSTILE_MAX_RSS_MB."""
    out: dict[str, object] = {}
    for name, build in HOSTILE.items():
        path = build(tmp / f"{name}.xlsx")
        start = time.perf_counter()
        done, rss = measured_import(path, tmp / name)
        out[name] = {
            "file_mb": round(path.stat().st_size / 1e6, 1),
            "exit": done.returncode,
            "seconds": round(time.perf_counter() - start, 2),
            "peak_rss_mb": round(rss, 1),
            "ok": rss <= HOSTILE_MAX_RSS_MB and done.returncode in (0, 2),
        }
        path.unlink()
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1, help="median of this many runs (default 1)")
    runs = max(1, parser.parse_args().runs)
    with tempfile.TemporaryDirectory(prefix="palette-bench-") as t:
        tmp = Path(t)
        startup_s, startup_mb = run([sys.executable, "-m", "palette", "--version"], tmp / "home-startup")
        cases = {
            "xlsx_10k": case("xlsx_10k", ".xlsx", 10_000, tmp, runs),
            "csv_100k": case("csv_100k", ".csv", 100_000, tmp, runs),
        }
        bad = hostile(tmp)
    report = {"startup_s": startup_s, "startup_rss_mb": startup_mb, **cases, "hostile": bad}
    print(json.dumps(report, ensure_ascii=False, indent=2))
    return 0 if all(c["ok"] for c in [*cases.values(), *bad.values()]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
