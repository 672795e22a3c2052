"""Size of the installable Linux bundle, and its start-up against the source install, in the same run.

usage: .venv/bin/python bench/bundle.py [--runs 5] [--rebuild]

Prints JSON. The bundle is dist/palette (built with `bash packaging/build.sh` when missing, or with
--rebuild); the baseline is the same code started from the checkout (`.venv/bin/python -m palette`).
Start-up is the wall time from starting the process to its `hotkey.armed` event under Xvfb (the xcb
platform plugin and a real X11 hotkey grab), median and max over the runs, bundle and source alternating:
- first_start: a fresh PALETTE_HOME (creates the database, imports the standard library);
- start: the same home again (every later start of the day).
`in_app_ms` is the app's own figure (from importing palette.app); the rest is the interpreter (or the
PyInstaller bootloader) and the imports before it. The OS file cache is warm: every variant ran before.
Target: start ≤ 1.5 s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.e2e.xsession import XSession, x_session  # noqa: E402

BUNDLE = REPO / "dist" / "palette"


def size_mb(path: Path) -> float:
    return round(sum(p.stat().st_size for p in path.rglob("*") if p.is_file() and not p.is_symlink()) / 2**20, 1)


def start_once(session: XSession, command: list[str], home: Path) -> tuple[float, float]:
    """(seconds to hotkey.armed, the app's own ms) for one start; the app is stopped afterwards."""
    started = time.perf_counter()
    proc = subprocess.Popen(
        command, env={**session.env, "PALETTE_HOME": str(home)}, stderr=subprocess.PIPE, stdout=subprocess.DEVNULL
    )
    try:
        assert proc.stderr is not None
        for raw in proc.stderr:
            line = raw.decode("utf-8", errors="replace")
            if '"hotkey.armed"' in line:
                return time.perf_counter() - started, float(json.loads(line)["ms"])
        raise RuntimeError(f"{command[0]} exited ({proc.wait()}) before arming the hotkey")
    finally:
        proc.terminate()
        proc.wait(timeout=10)
        if proc.stderr is not None:
            proc.stderr.close()


def stats(values: list[float], digits: int = 3) -> dict[str, float]:
    return {"median": round(statistics.median(values), digits), "max": round(max(values), digits)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--rebuild", action="store_true", help="run packaging/build.sh even when dist/palette exists")
    args = parser.parse_args()
    if args.rebuild or not (BUNDLE / "palette").exists():
        subprocess.run(["bash", "packaging/build.sh"], cwd=REPO, check=True, stdout=subprocess.DEVNULL)
    variants = {
        "bundle": [str(BUNDLE / "palette")],
        "source": [str(REPO / ".venv" / "bin" / "python"), "-m", "palette"],
    }
    timings: dict[str, dict[str, list[float]]] = {v: {"first": [], "again": [], "in_app": []} for v in variants}
    with tempfile.TemporaryDirectory() as tmp, x_session() as session:
        for run in range(args.runs):
            for name, command in variants.items():
                home = Path(tmp) / f"{name}-{run}"
                first, _ = start_once(session, command, home)
                again, in_app = start_once(session, command, home)
                timings[name]["first"].append(first)
                timings[name]["again"].append(again)
                timings[name]["in_app"].append(in_app)
    tarballs = sorted((REPO / "dist").glob("palette-*-linux-*.tar.gz"))
    result: dict[str, Any] = {
        "runs": args.runs,
        "target_start_s": 1.5,
        "bundle": {
            "size_mb": size_mb(BUNDLE),
            "files": sum(1 for p in BUNDLE.rglob("*") if p.is_file()),
            "tarball_mb": round(tarballs[-1].stat().st_size / 2**20, 1) if tarballs else None,
        },
        "source": {},
    }
    for name, t in timings.items():
        result[name].update(
            first_start_s=stats(t["first"]), start_s=stats(t["again"]), in_app_ms=stats(t["in_app"], digits=1)
        )
    result["bundle_vs_source_start"] = round(
        result["bundle"]["start_s"]["median"] / result["source"]["start_s"]["median"], 2
    )
    print(json.dumps(result, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
