"""The team lead's loop on the command line: validity dates, 团队已更新, `library log` and `rollback`."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from palette.cli import main
from palette.core import paths
from palette.core.store import Store

TODAY = date.today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
SOON = (TODAY + timedelta(days=3)).isoformat()
LATER = (TODAY + timedelta(days=30)).isoformat()


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """`palette ARGS` in this process: exit code, stdout, stderr (argparse's mistakes exit too)."""
    try:
        code = main(list(args))
    except SystemExit as e:
        code = e.code if isinstance(e.code, int) else 2
    out = capsys.readouterr()
    return code, out.out, out.err


def publish(tmp_path: Path, rows: list[str]) -> Path:
    path = tmp_path / "资费.csv"
    path.write_text("编号,标题,内容,生效日期,失效日期\n" + "\n".join(rows) + "\n", encoding="utf-8")
    return path


@pytest.fixture
def dated(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    path = publish(
        tmp_path,
        [
            f"old,旧资费套餐,旧资费套餐每月五十八元,,{YESTERDAY}",
            f"soon,将停资费套餐,将停资费套餐每月四十元,,{SOON}",
            f"new,新资费套餐,新资费套餐每月四十八元,{LATER},",
        ],
    )
    assert run(capsys, "import", str(path))[0] == 0
    return path


def found(capsys: pytest.CaptureFixture[str], query: str) -> list[dict[str, object]]:
    code, out, _ = run(capsys, "search", query, "--json", "--limit", "50")
    assert code == 0
    rows: list[dict[str, object]] = json.loads(out)
    return [r for r in rows if r["library"] in ("资费", "我的话术")]


def test_search_and_render_offer_only_what_is_in_its_dates(dated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert [r["uid"] for r in found(capsys, "资费套餐")] == ["资费#soon"]
    code, _, err = run(capsys, "render", "资费#old")
    assert code == 2 and err.count("\n") == 1 and f"expired on {YESTERDAY}" in err
    code, _, err = run(capsys, "render", "资费#new")
    assert code == 2 and f"valid from {LATER}" in err
    assert run(capsys, "render", "资费#soon")[1] == "将停资费套餐每月四十元\n"


def test_lint_warns_about_what_expires_within_a_week(dated: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lint", "--library", "资费", "--json")
    assert code == 1
    assert [(r["uid"], r["kind"]) for r in json.loads(out)] == [("资费#soon", "expiring")]


def test_library_list_counts_expired_upcoming_and_team_updated(
    dated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with Store(paths.database_path()) as store:
        store.add_phrase(category="资费", title="我的", body="我的将停资费说法", override_of="资费#soon")
    publish(
        tmp_path,
        [
            f"old,旧资费套餐,旧资费套餐每月五十八元,,{YESTERDAY}",
            f"soon,将停资费套餐,将停资费套餐每月三十元,,{SOON}",
            f"new,新资费套餐,新资费套餐每月四十八元,{LATER},",
        ],
    )
    assert run(capsys, "import", str(tmp_path / "资费.csv"))[0] == 0
    _, out, _ = run(capsys, "library", "list", "--json")
    (team,) = [r for r in json.loads(out) if r["name"] == "资费"]
    assert (team["expired"], team["upcoming"], team["team_updated"]) == (1, 1, 1)
    (hit,) = found(capsys, "将停资费")
    assert hit["title"] == "我的" and hit["team_updated"] is True and hit["valid_until"] == ""
    assert "团队已更新" in run(capsys, "library", "list")[1]


def test_add_with_validity_dates(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys, "add", "--category", "活动", "--title", "双十二", "--body", "双十二活动", "--valid-until", YESTERDAY
    )
    assert code == 0
    with Store(paths.database_path()) as store:
        p = store.get(out.strip())
        assert p is not None and p.valid_until == YESTERDAY
    code, out, err = run(capsys, "add", "--category", "c", "--title", "t", "--body", "b", "--valid-from", "2026/2/30")
    assert code == 2 and err.count("\n") == 1 and "--valid-from" in err
    code, _, err = run(
        capsys, "add", "--category", "c", "--title", "t", "--body", "b", "--valid-from", LATER, "--valid-until", SOON
    )
    assert code == 2 and "is after" in err


def test_log_and_rollback(dated: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "profile", "set", "工号", "A1024")
    publish(tmp_path, [f"soon,将停资费套餐,将停资费套餐每月四十元,,{SOON}"])
    assert run(capsys, "import", str(dated), "--yes")[0] == 0
    code, out, _ = run(capsys, "library", "log", "资费", "--json")
    log = json.loads(out)
    assert code == 0 and [v["version"] for v in log] == [2, 1]  # newest first
    assert (log[0]["removed"], log[0]["who"], log[0]["source"]) == (2, "A1024", str(dated))
    code, out, _ = run(capsys, "library", "rollback", "资费")
    assert code == 0 and "rolled back to version 1 (now version 3): 2 added" in out
    assert "rollback to 1" in run(capsys, "library", "log", "资费")[1]
    code, out, _ = run(capsys, "library", "list", "--json")
    assert next(r for r in json.loads(out) if r["name"] == "资费")["phrases"] == 3


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["library", "log", "没有"], "'没有' is not a team library"),
        (["library", "rollback", "标准话术"], "is not a team library"),
        (["library", "rollback", "资费", "--to", "9"], "no version 9 (kept: 1-1"),
        (["library", "rollback", "资费", "--to", "x"], "invalid int value"),
        (["library", "rollback", "资费"], "no earlier version"),
    ],
)
def test_bad_name_or_version_is_one_line_and_exit_2(
    dated: Path, capsys: pytest.CaptureFixture[str], args: list[str], needle: str
) -> None:
    with Store(paths.database_path()) as store:
        before = store.dump()
    code, _, err = run(capsys, *args)
    assert code == 2 and err.count("\n") == 1 and needle in err, err
    with Store(paths.database_path()) as store:
        assert store.dump() == before
