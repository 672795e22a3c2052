"""`palette report` and `palette report merge` through the real entry point: the files, the workbook, and
reports that are broken, huge, links or many."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from palette.cli import main
from palette.core import paths
from palette.core.model import Library, LibraryKind, Phrase, UsageKind
from palette.core.report_merge import MAX_REPORT_BYTES
from palette.core.store import Store

TEAM = "客服一组"


def report(agent: str, day: str = "2026-12-01", team: str = "", **counts: Any) -> dict[str, Any]:
    """A report as an agent's Palette writes it; counts: uid → {kind: n}, plus misses / guard_words lists."""
    phrases = [{"uid": uid, "library": TEAM, "version": "v7", **c} for uid, c in counts.get("uses", {}).items()]
    return {
        "schema": "palette.usage-report",
        "schema_version": 1,
        "agent": agent,
        "team": team,
        "day": day,
        "written_at": f"{day}T18:00:00+00:00",
        "libraries": [{"name": TEAM, "kind": "team", "version": "v7"}],
        "phrases": phrases,
        "guard_words": counts.get("guard_words", []),
        "misses": counts.get("misses", []),
    }


def put(path: Path, value: object) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False), encoding="utf-8")
    return path


@pytest.fixture
def lead(home: Path) -> Path:
    """The lead's own Palette with the team library they publish."""
    with Store(paths.database_path()) as store:
        store.replace_layer(
            Library(TEAM, LibraryKind.TEAM, version="v7"),
            [Phrase(f"t{n}", TEAM, "售后", f"话术{n}", f"正文{n}。", sort_order=n) for n in range(1, 5)],
        )
    return home


@pytest.fixture
def share(tmp_path: Path) -> Path:
    folder = tmp_path / "share"
    a1 = {"t1": {"pasted": 5, "copied": 1}, "t2": {"customised": 2}}
    words = [{"word": "不知道", "list": "标准话术", "n": 2}]
    put(
        folder / "一组" / "a1-2026-12-01.json",
        report("a1", uses=a1, misses=[{"query": "=1+1", "n": 3}], guard_words=words),
    )
    misses = [{"query": "=1+1", "n": 1}, {"query": "积分兑换", "n": 5}]
    put(
        folder / "一组" / "a2-2026-12-02.json",
        report("a2", "2026-12-02", uses={"t1": {"pasted": 2}, "t2": {"sent": 1}}, misses=misses),
    )
    put(folder / "二组" / "b1-2026-12-01.json", report("b1", team="", uses={"t3": {"abandoned": 3}}))
    return folder


def test_report_needs_report_dir_or_out(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "report_dir" in err
    assert main(["config", "set", "report_dir", str(home / "absent")]) == 0
    assert main(["report"]) == 2
    assert "not a folder that exists" in capsys.readouterr().err


def test_report_into_report_dir_is_one_file_per_agent_and_day(home: Path, tmp_path: Path) -> None:
    folder = tmp_path / "reports"
    folder.mkdir()
    assert main(["profile", "set", "工号", "1024"]) == 0
    assert main(["config", "set", "report_dir", str(folder)]) == 0
    with Store(paths.database_path()) as store:
        store.record_event("std-open-phone", UsageKind.PASTED)
    assert main(["report"]) == 0
    assert main(["report"]) == 0  # rewritten, not a second file
    (written,) = folder.iterdir()
    assert written.name.startswith("1024-") and json.loads(written.read_text())["phrases"][0]["pasted"] == 1
    assert main(["config", "set", "report_anonymous", "on"]) == 0
    assert main(["report"]) == 0
    assert sorted(p.name[:5] for p in folder.iterdir()) == ["1024-", "anon-"]


def test_report_out_never_replaces_a_file_without_force(home: Path, tmp_path: Path) -> None:
    out = tmp_path / "mine.json"
    out.write_text("keep")
    assert main(["report", "--out", str(out)]) == 2 and out.read_text() == "keep"
    assert main(["report", "--out", str(out), "--force"]) == 0
    assert json.loads(out.read_text())["schema"] == "palette.usage-report"
    assert main(["report", "--out", str(tmp_path / "mine.txt")]) == 2


def test_merge_gives_the_lead_a_workbook(
    lead: Path, share: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "团队报告.xlsx"
    assert main(["report", "merge", str(share), "--out", str(out)]) == 0
    assert "merged 3 reports of 3 agents (2026-12-01 to 2026-12-02)" in capsys.readouterr().out
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames == [
        "概况",
        "最常用",
        "从未使用",
        "常被自定义",
        "禁语仍发送",
        "未找到的搜索",
        "按版本",
        "按团队",
    ]
    used = list(wb["最常用"].iter_rows(values_only=True))
    assert used[0][:5] == ("话术库", "编号", "分类", "标题", "使用")
    assert [(r[1], r[3], r[4]) for r in used[1:]] == [("t1", "话术1", 8), ("t2", "话术2", 1)]
    assert [r[1] for r in wb["从未使用"].iter_rows(min_row=2, values_only=True)] == ["t3", "t4"]
    assert [r[1] for r in wb["常被自定义"].iter_rows(min_row=2, values_only=True)] == ["t2", "t3"]
    misses = wb["未找到的搜索"]
    assert [c.value for c in misses["A"]][1:] == ["积分兑换", "=1+1"] and misses["A3"].data_type == "s"
    teams = {r[0]: r[1] for r in wb["按团队"].iter_rows(min_row=2, values_only=True)}
    assert teams == {"一组": 2, "二组": 1}  # no team in the reports: the subfolder names it
    assert wb["按版本"]["C2"].value == 3  # agents on v7
    assert len(wb["最常用"]._charts) == 1 and len(wb["未找到的搜索"]._charts) == 1
    assert wb["最常用"].column_dimensions["D"].width >= len("话术1") + 2


def test_merge_as_json_and_copies_of_one_report_count_once(lead: Path, share: Path, tmp_path: Path) -> None:
    put(share / "copy-of-a1.json", json.loads((share / "一组" / "a1-2026-12-01.json").read_text()))
    out = tmp_path / "merged.json"
    assert main(["report", "merge", str(share), "--out", str(out)]) == 0
    merged = json.loads(out.read_text())
    assert merged["period"] == {"from": "2026-12-01", "to": "2026-12-02"} and merged["reports"] == 3
    assert merged["most_used"][0] == {
        "library": TEAM, "uid": "t1", "category": "售后", "title": "话术1", "uses": 8, "pasted": 7, "copied": 1,
        "sent": 0, "abandoned": 0, "guard_overridden": 0, "customised": 0, "agents": 2,
    }  # fmt: skip
    assert merged["guard_overridden"] == [{"word": "不知道", "list": "标准话术", "overridden": 2, "agents": 1}]


def test_merge_never_replaces_out_without_force(lead: Path, share: Path, tmp_path: Path) -> None:
    out = tmp_path / "merged.xlsx"
    out.write_bytes(b"keep")
    assert main(["report", "merge", str(share), "--out", str(out)]) == 2 and out.read_bytes() == b"keep"
    assert main(["report", "merge", str(share), "--out", str(out), "--force"]) == 0
    assert main(["report", "merge", str(share), "--out", str(tmp_path / "x.csv")]) == 2
    assert main(["report", "merge", str(tmp_path / "absent"), "--out", str(tmp_path / "y.json")]) == 2
    assert main(["report", "merge", str(share), "--out", str(paths.database_path()), "--force"]) == 2


HOSTILE: dict[str, bytes] = {
    "not-json.json": b"{\"schema\": ",
    "binary.json": b"\xff\xfe\x00garbage",
    "list.json": b"[1, 2, 3]",
    "other-schema.json": json.dumps({"schema": "something.else", "schema_version": 1}).encode(),
    "future.json": json.dumps({**report("f1"), "schema_version": 99}).encode(),
    "negative.json": json.dumps(report("n1", uses={"t1": {"pasted": -5}})).encode(),
    "nan.json": json.dumps(report("n2", uses={"t1": {"pasted": 1}})).replace('"pasted": 1', '"pasted": NaN').encode(),
    "bad-day.json": json.dumps(report("d1", day="2026-13-45")).encode(),
    "agent-path.json": json.dumps(report("../../x")).encode(),
    "long-miss.json": json.dumps(report("m1", misses=[{"query": "您好我的快递单号是多少呢啊", "n": 1}])).encode(),
    "control.json": json.dumps(report("c1", misses=[{"query": "a\u0007b", "n": 1}])).encode(),
    "deep.json": b"[" * 100_000 + b"]" * 100_000,
    "huge.json": b'{"schema": "palette.usage-report", "pad": "' + b"x" * MAX_REPORT_BYTES + b'"}',
}  # fmt: skip


def test_a_folder_of_hostile_reports_is_merged_with_a_warning_line_per_bad_file(
    lead: Path, share: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = share / "bad"
    bad.mkdir()
    for name, data in HOSTILE.items():
        (bad / name).write_bytes(data)
    os.symlink(share / "一组" / "a1-2026-12-01.json", bad / "link.json")
    os.symlink(share / "一组", share / "linked-folder")
    os.mkfifo(bad / "fifo.json")
    (bad / "dir.json").mkdir()  # a folder named like a report: looked into, nothing there
    out = tmp_path / "merged.json"
    assert main(["report", "merge", str(share), "--out", str(out)]) == 0
    err = capsys.readouterr().err.splitlines()
    named = len(HOSTILE) + 2  # every hostile file, the file link, the fifo
    assert len(err) == named + 1  # and the folder link
    assert all(line.startswith("palette: warning: ") for line in err)
    for name in [*HOSTILE, "link.json", "fifo.json"]:
        assert sum(name in line for line in err) == 1, name
    assert any("linked-folder: a symbolic link to a folder, skipped" in line for line in err)
    merged = json.loads(out.read_text())
    assert merged["reports"] == 3 and merged["skipped"] == named


def test_a_bad_file_named_directly_is_one_line_and_exit_2(
    lead: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    bad = tmp_path / "bad.json"
    for data in HOSTILE.values():
        bad.write_bytes(data)
        assert main(["report", "merge", str(bad), "--out", str(tmp_path / "m.json")]) == 2
        err = capsys.readouterr().err
        assert err.count("\n") == 1 and str(bad) in err and "Traceback" not in err
    assert not (tmp_path / "m.json").exists()


def test_a_folder_without_a_usable_report_is_exit_2(
    lead: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    put(tmp_path / "share" / "x.json", {"schema": "other"})
    assert main(["report", "merge", str(tmp_path / "share"), "--out", str(tmp_path / "m.xlsx")]) == 2
    assert "no usable report" in capsys.readouterr().err.splitlines()[-1]


def test_ten_thousand_reports_merge(lead: Path, tmp_path: Path) -> None:
    folder = tmp_path / "many"
    folder.mkdir()
    data = [report(f"a{n}", uses={f"t{n % 4 + 1}": {"pasted": 1}}) for n in range(10_000)]
    for n, r in enumerate(data):
        (folder / f"a{n}-2026-12-01.json").write_text(json.dumps(r, ensure_ascii=False))
    out = tmp_path / "m.json"
    assert main(["report", "merge", str(folder), "--out", str(out)]) == 0
    merged = json.loads(out.read_text())
    assert merged["agents"] == 10_000 and sum(r["uses"] for r in merged["most_used"]) == 10_000


@pytest.mark.parametrize(
    ("limit", "value", "words"), [("MAX_REPORTS", 2, "more than 2 reports"), ("MAX_TOTAL_ENTRIES", 5, "over 5 counts")]
)
def test_a_merge_too_big_to_hold_is_one_line_and_exit_2(
    lead: Path, share: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
    limit: str, value: int, words: str,
) -> None:  # fmt: skip
    import palette.core.report_merge as report_merge

    monkeypatch.setattr(report_merge, limit, value)
    assert main(["report", "merge", str(share), "--out", str(tmp_path / "m.json")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and words in err and not (tmp_path / "m.json").exists()


def test_every_sheet_has_its_header_when_it_has_no_rows(lead: Path, tmp_path: Path) -> None:
    put(tmp_path / "share" / "a1-2026-12-01.json", report("a1"))  # an agent who used nothing that day
    out = tmp_path / "m.xlsx"
    assert main(["report", "merge", str(tmp_path / "share"), "--out", str(out)]) == 0
    wb = openpyxl.load_workbook(out)
    assert next(wb["禁语仍发送"].iter_rows(values_only=True)) == ("禁语", "来源", "仍发送次数", "坐席数")
    assert wb["未找到的搜索"].max_row == 1 and wb["从未使用"].max_row == 5  # t1…t4, all unused
