"""The team lead's loop end to end on a real nginx, through the command line of a few agents: publish,
pick up a version (304s in between), roll it back, expire a phrase by date, merge the reports."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path

import openpyxl
import pytest

from palette.cli import main
from palette.core.atomic import write_atomic
from palette.core.library_io import write_library
from tests.team_scale import LIBRARY, library, nginx, nginx_available, statuses

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not nginx_available(), reason="needs Debian's nginx (bootstrap.sh --test installs it)"),
]
AGENTS = 3


def _palette(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path, *args: str) -> str:
    """`palette ARGS` as the agent whose data is in `home`; its stdout (a failure fails the test)."""
    monkeypatch.setenv("PALETTE_HOME", str(home))
    try:
        code = main(list(args))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 2
    out = capsys.readouterr()
    assert code == 0, f"palette {' '.join(args)}: {out.err}"
    return out.out


def _publish(root: Path, version: str, *, expired: str = "") -> None:
    """The lead saves a version; `expired`: phrase t1's 失效日期."""
    data = library(version, phrases=10)
    if expired:
        data = replace(
            data, phrases=tuple(replace(p, valid_until=expired) if p.uid == "t1" else p for p in data.phrases)
        )
    tmp = root / ".staging.xlsx"
    write_library(data, tmp, overwrite=True)
    write_atomic(root / "team.xlsx", tmp.read_bytes())
    tmp.unlink()


def _version(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], home: Path) -> str:
    rows = json.loads(_palette(monkeypatch, capsys, home, "library", "list", "--json"))
    return str(next(r["version"] for r in rows if r["name"] == LIBRARY))


def test_publish_pick_up_roll_back_expire_and_merge(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    homes = [tmp_path / f"agent{n}" for n in range(AGENTS)]
    with nginx(tmp_path / "nginx") as (base, root, log):
        url = base + "/team.xlsx"
        _publish(root, "v1")
        for n, home in enumerate(homes):
            _palette(monkeypatch, capsys, home, "profile", "set", "工号", f"10{n:02d}")
            _palette(monkeypatch, capsys, home, "import", url, "--library", LIBRARY, "--subscribe")
        _, mark = statuses(log)

        for home in homes:  # unchanged: a 304 each
            _palette(monkeypatch, capsys, home, "library", "check")
        seen, mark = statuses(log, mark)
        assert seen == {"304": AGENTS}

        _publish(root, "v2")
        for home in homes:
            _palette(monkeypatch, capsys, home, "library", "check")
            assert _version(monkeypatch, capsys, home) == "v2"
        seen, mark = statuses(log, mark)
        assert seen == {"200": AGENTS}

        # agent 0 rolls the library back; the next poll (a 304) does not undo it
        _palette(monkeypatch, capsys, homes[0], "library", "rollback", LIBRARY)
        assert _version(monkeypatch, capsys, homes[0]) == "v1"
        _palette(monkeypatch, capsys, homes[0], "library", "check")
        assert _version(monkeypatch, capsys, homes[0]) == "v1"
        assert statuses(log, mark)[0] == {"304": 1}
        log_rows = json.loads(_palette(monkeypatch, capsys, homes[0], "library", "log", LIBRARY, "--json"))
        assert len(log_rows) == 3  # v1, v2, the rollback

        # the lead expires phrase t1 by date: no agent finds it after the next poll
        yesterday = (date.today() - timedelta(days=1)).isoformat()
        _publish(root, "v3", expired=yesterday)
        for home in homes:
            _palette(monkeypatch, capsys, home, "library", "check")
            hits = json.loads(_palette(monkeypatch, capsys, home, "search", "话术1", "--json", "--limit", "20"))
            uids = {h["uid"] for h in hits}
            assert f"{LIBRARY}#t1" not in uids and f"{LIBRARY}#t2" in uids

    reports = tmp_path / "reports"
    reports.mkdir()
    for n, home in enumerate(homes):
        _palette(monkeypatch, capsys, home, "report", "--out", str(reports / f"agent{n}.json"))
    merged = tmp_path / "merged.xlsx"
    _palette(monkeypatch, capsys, homes[0], "report", "merge", str(reports), "--out", str(merged))
    workbook = openpyxl.load_workbook(merged)
    assert {"最常用", "从未使用", "未找到的搜索"} <= set(workbook.sheetnames)
