"""`palette import`, `export` and `library` through the real entry point; bad input leaves no trace."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from palette.cli import main
from palette.core.store import Store
from tests.library_files import BAD_FILES, HEADER, ROWS, XLSX_TYPE, Server, write_csv, write_xlsx


def run(*args: str, home: Path, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PALETTE_HOME": str(home)}
    return subprocess.run(
        [sys.executable, "-m", "palette", *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )


def dump(home: Path) -> list[str]:
    with Store(home / "palette.db") as s:
        return s.dump()


def layer(home: Path, library: str = "一组") -> dict[str, str]:
    with Store(home / "palette.db") as s:
        return {p.uid: p.body for p in s.phrases(library=library)}


@pytest.fixture
def team_csv(tmp_path: Path) -> Path:
    return write_csv(tmp_path / "一组.csv", [HEADER, *ROWS])


@pytest.fixture
def server() -> Iterator[Server]:
    s = Server()
    yield s
    s.close()


def test_import_prints_the_summary_and_phrases_become_searchable(home: Path, team_csv: Path) -> None:
    out = run("import", str(team_csv), home=home)
    assert out.returncode == 0, out.stderr
    # ts1 and ts2 are the standard library's codes too: each collision is a warning naming both phrases
    assert out.stdout.strip() == "imported 一组: 3 added, 0 changed, 0 removed, 0 unchanged, 2 warning(s)"
    assert out.stderr.count("is also the code of 标准话术 › ") == 2
    rows = json.loads(run("search", "24小时内回复", "--json", home=home).stdout)
    assert {(r["uid"], r["library"]) for r in rows} >= {("一组#1002", "一组")}


def test_dry_run_lists_changes_and_writes_nothing(home: Path, team_csv: Path, tmp_path: Path) -> None:
    assert run("import", str(team_csv), home=home).returncode == 0
    before = dump(home)
    edited = write_csv(tmp_path / "一组.csv", [HEADER, ["1001", "投诉处理", "安抚", "改过的", "ts1", ""], ROWS[2]])
    out = run("import", str(edited), "--dry-run", home=home)
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("一组 ← ") and "dry run, nothing written" in lines[0]
    assert lines[1].strip() == "0 added, 1 changed, 1 removed, 0 unchanged (1 only moved), 1 warning(s)"  # ts1
    assert "~ 投诉处理 › 安抚" in lines and "- 投诉处理 › 升级" in lines
    report = json.loads(run("import", str(edited), "--dry-run", "--json", home=home).stdout)
    assert (report["changed"], report["removed"], report["moved"]) == (["一组#1001"], ["一组#1002"], ["一组#1003"])
    assert dump(home) == before


def test_row_warnings_are_printed_and_the_rest_imported(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "w.csv", [HEADER, ROWS[0], ["1002", "c", "空", "", "", ""], ROWS[2]])
    out = run("import", str(path), "--library", "一组", home=home)
    assert out.returncode == 0
    want = f"warning: {path}: row 3: no body (empty, or a formula Excel never calculated); row skipped"
    assert out.stderr.splitlines()[0] == want
    assert out.stderr.count("\n") == 2 and "shortcut 'ts1' of 一组 › 安抚 (一组#1001)" in out.stderr
    assert set(layer(home)) == {"一组#1001", "一组#1003"}


@pytest.mark.parametrize("case", list(BAD_FILES))
def test_bad_files_exit_2_with_one_line_and_change_nothing(
    home: Path, tmp_path: Path, team_csv: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    assert main(["import", str(team_csv)]) == 0
    before = dump(home)
    name, build, needle = BAD_FILES[case]
    path = build(tmp_path / name)
    capsys.readouterr()
    assert main(["import", str(path), "--library", "一组"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and str(path) in err and needle in err, err
    assert dump(home) == before


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["import", "{std}"], "标准话术 is the bundled standard library"),
        (["import", "{csv}", "--library", "我的话术"], "your own phrases"),
        (["import", "{csv}", "--map", "话术"], "HEADER=FIELD"),
        (["import", "{csv}", "--sheet", "不存在"], "no sheet"),
        (["import", "{csv}", "--timeout", "0"], "--timeout"),
        (["import", "/nowhere/team.xlsx"], "no such file"),
        (["export", "{tmp}/x.txt"], "unknown format"),
        (["export", "{tmp}/x.json", "--library", "不存在"], "no library named"),
        (["export", "/proc/palette-cannot-write/x.json"], "cannot write"),
        (["library", "remove", "标准话术"], "not a team library"),
        (["library", "check", "一组"], "not subscribed"),
    ],
)
def test_command_errors_exit_2_with_one_line(home: Path, tmp_path: Path, args: list[str], needle: str) -> None:
    from palette.core import paths

    csv_path = write_xlsx(tmp_path / "一组.xlsx", {"话术": [HEADER, *ROWS]})
    fill = {"{std}": str(paths.standard_library_db()), "{csv}": str(csv_path)}
    argv = [fill.get(a, a.replace("{tmp}", str(tmp_path))) for a in args]
    assert run("import", str(csv_path), home=home).returncode == 0
    before = dump(home)
    out = run(*argv, home=home)
    assert out.returncode == 2, out
    assert out.stderr.count("\n") == 1 and needle in out.stderr and "Traceback" not in out.stderr
    assert dump(home) == before


def test_explicit_column_mapping(home: Path, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "faq.csv", [["问题", "答复"], ["宽带报修", "请您重启光猫"]])
    assert run("import", str(path), home=home).returncode == 2
    out = run("import", str(path), "--map", "问题=title", "--map", "答复=body", home=home)
    assert out.returncode == 0, out.stderr
    with Store(home / "palette.db") as s:
        [p] = s.phrases(library="faq")
    assert (p.title, p.body) == ("宽带报修", "请您重启光猫")


# -- confirmation ---------------------------------------------------------------------------------


def _as_terminal(monkeypatch: pytest.MonkeyPatch, answer: str | None) -> list[str]:
    asked: list[str] = []

    def fake_input(prompt: str) -> str:
        if answer is None:
            raise AssertionError("asked although it should not")
        asked.append(prompt)
        return answer

    monkeypatch.setattr(sys.stdin, "isatty", lambda: True)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    monkeypatch.setattr("builtins.input", fake_input)
    return asked


def test_terminal_asks_before_removing_and_no_means_nothing_changes(
    home: Path, team_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["import", str(team_csv)]) == 0
    before = dump(home)
    smaller = write_csv(tmp_path / "一组.csv", [HEADER, ROWS[0]])
    asked = _as_terminal(monkeypatch, "n")
    assert main(["import", str(smaller)]) == 1
    assert asked == ["remove 2 phrase(s) from 一组? [y/N] "] and dump(home) == before
    asked = _as_terminal(monkeypatch, "y")
    assert main(["import", str(smaller)]) == 0
    assert set(layer(home)) == {"一组#1001"}


def test_yes_and_additions_do_not_ask(
    home: Path, team_csv: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _as_terminal(monkeypatch, None)
    assert main(["import", str(team_csv)]) == 0  # nothing removed: nothing to ask
    assert main(["import", str(write_csv(tmp_path / "一组.csv", [HEADER, ROWS[0]])), "--yes"]) == 0
    assert set(layer(home)) == {"一组#1001"}


def test_without_a_terminal_it_never_blocks(home: Path, team_csv: Path, tmp_path: Path) -> None:
    assert run("import", str(team_csv), home=home).returncode == 0
    out = run("import", str(write_csv(tmp_path / "一组.csv", [HEADER, ROWS[0]])), home=home)
    assert out.returncode == 0 and "2 removed" in out.stdout


# -- subscribe, export, library -------------------------------------------------------------------


def test_subscribe_then_check_list_unsubscribe_remove(home: Path, team_csv: Path) -> None:
    out = run("import", str(team_csv), "--subscribe", home=home)
    assert out.returncode == 0 and out.stdout.strip().endswith("subscribed")
    [row] = [r for r in json.loads(run("library", "list", "--json", home=home).stdout) if r["name"] == "一组"]
    assert (row["kind"], row["phrases"], row["source"]) == ("team", 3, str(team_csv))
    assert run("library", "check", home=home).stdout.strip() == "every subscription is up to date"
    write_csv(team_csv, [HEADER, *ROWS, ["1004", "新", "新的", "新话术", "", ""]])
    out = run("library", "check", "一组", home=home)
    assert out.returncode == 0 and out.stdout.startswith("一组: updated: 1 added, 0 changed, 0 removed")
    team_csv.unlink()
    out = run("library", "check", home=home)
    assert out.returncode == 2 and "unreachable, the last good copy stays" in out.stderr and len(layer(home)) == 4
    assert run("library", "unsubscribe", "一组", home=home).returncode == 0
    assert run("library", "check", home=home).stdout.strip() == "no subscriptions"
    assert run("library", "remove", "一组", home=home).returncode == 0
    assert layer(home) == {}


def test_import_from_a_url(home: Path, server: Server, tmp_path: Path) -> None:
    blob = write_xlsx(tmp_path / "t.xlsx", {"话术": [HEADER, *ROWS]}).read_bytes()
    server.routes["/files/team.xlsx"] = (200, XLSX_TYPE, blob, 0.0)
    server.routes["/login"] = (200, "text/html", b"<html>sign in</html>", 0.0)
    out = run("import", server.url + "/files/team.xlsx", "--library", "一组", "--subscribe", home=home)
    assert out.returncode == 0, out.stderr
    assert len(layer(home)) == 3
    out = run("import", server.url + "/login", "--library", "一组", home=home)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "HTML page" in out.stderr


@pytest.mark.parametrize("suffix", [".xlsx", ".csv", ".json", ".db"])
def test_export_then_reimport_changes_nothing(home: Path, team_csv: Path, tmp_path: Path, suffix: str) -> None:
    assert run("import", str(team_csv), home=home).returncode == 0
    out = run("export", str(tmp_path / f"out{suffix}"), "--library", "一组", home=home)
    assert out.returncode == 0 and out.stdout.startswith("exported 一组: 3 phrases"), out.stderr
    before = dump(home)
    again = run("import", str(tmp_path / f"out{suffix}"), "--library", "一组", "--dry-run", home=home)
    assert "0 added, 0 changed, 0 removed, 3 unchanged" in again.stdout
    assert dump(home) == before


def test_export_defaults_to_the_personal_library(home: Path, tmp_path: Path) -> None:
    assert run("add", "--category", "我的", "--title", "回访", "--body", "您好,回访。", home=home).returncode == 0
    assert run("export", str(tmp_path / "mine.json"), home=home).returncode == 0
    doc = json.loads((tmp_path / "mine.json").read_text(encoding="utf-8"))
    assert doc["name"] == "我的话术" and [p["title"] for p in doc["phrases"]] == ["回访"]


# -- crash ----------------------------------------------------------------------------------------


@pytest.mark.slow
def test_killing_an_import_leaves_the_old_layer_or_the_new_one(home: Path, tmp_path: Path, qtbot: QtBot) -> None:
    """kill -9 while the import writes: the next start finds one whole layer, never a mix."""
    n = 40_000
    old_rows = [[f"T{i}", "类", f"标题{i}", f"旧的话术正文第{i}条," * 4, "", ""] for i in range(n)]
    new_rows = [[f"T{i}", "类", f"标题{i}", f"新的话术正文第{i}条," * 4, "", ""] for i in range(n // 4, n + n // 4)]
    old_path = write_csv(tmp_path / "old.csv", [HEADER, *old_rows])
    new_path = write_csv(tmp_path / "new.csv", [HEADER, *new_rows])
    assert run("import", str(old_path), "--library", "一组", home=home).returncode == 0
    old, new = layer(home), {f"一组#{r[0]}": r[3] for r in new_rows}
    wal = home / "palette.db-wal"
    seen = []
    for threshold in (1, 2_000_000, None):
        with Store(home / "palette.db") as s:
            s.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        assert not wal.exists() or wal.stat().st_size == 0
        env = {**os.environ, "PALETTE_HOME": str(home)}
        args = [sys.executable, "-m", "palette", "import", str(new_path), "--library", "一组", "--yes"]
        proc = subprocess.Popen(args, env=env, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL)
        try:
            if threshold is None:
                assert proc.wait(timeout=120) == 0
            else:

                def grown(t: int = threshold) -> bool:
                    return wal.exists() and wal.stat().st_size >= t

                qtbot.waitUntil(grown, timeout=60_000)
                proc.send_signal(signal.SIGKILL)
                proc.wait(timeout=30)
        finally:
            if proc.poll() is None:
                proc.kill()
                proc.wait()
        now = layer(home)
        assert now in (old, new), "a mix of the old and the new layer"
        seen.append("old" if now == old else "new")
        if now == new:
            old = new
    assert seen[0] == "old", "the first kill should land inside the write transaction"
    assert seen[-1] == "new"
