"""The command-line contract of DESIGN.md, through the real `palette` entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from palette.cli import main
from palette.core.standard import source_data

SEED_GREETING = next(p.body for p in source_data().phrases if p.uid == "std-open-phone")


def run(*args: str, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PALETTE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "palette", *args], capture_output=True, text=True, env=env, timeout=60)


def test_version(home: Path) -> None:
    out = run("--version", home=home)
    assert out.returncode == 0 and out.stdout.startswith("palette ")


def test_search_json_lists_the_seed_greeting(home: Path) -> None:
    out = run("search", "您好", "--json", home=home)
    assert out.returncode == 0, out.stderr
    rows = json.loads(out.stdout)
    assert {"uid", "library", "category", "title", "body", "shortcut", "score", "rendered", "missing"} <= set(rows[0])
    assert any(r["body"] == SEED_GREETING for r in rows)


def test_add_then_search_finds_it(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert (
        main(
            [
                "add",
                "--category",
                "我的",
                "--title",
                "宽带提速回访",
                "--body",
                "您好,这里是提速回访。",
                "--shortcut",
                "tshf",
                "--tags",
                "宽带,回访",
            ]
        )
        == 0
    )
    uid = capsys.readouterr().out.strip()
    assert uid.startswith("p-")
    assert main(["search", "提速回访", "--json"]) == 0
    rows = json.loads(capsys.readouterr().out)
    assert rows[0]["uid"] == uid and rows[0]["library"] == "我的话术"


def test_add_refuses_a_taken_shortcut(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["add", "--category", "c", "--title", "t", "--body", "b", "--shortcut", "kc1"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "kc1" in err


def test_profile_and_config_round_trip(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "set", "公司名称", "中国电信"]) == 0
    assert main(["profile", "set", "工号", "1024"]) == 0
    assert main(["profile", "show", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == {"公司名称": "中国电信", "工号": "1024"}
    assert main(["config", "set", "hotkey", "Ctrl + Alt + K"]) == 0
    assert main(["config", "set", "restore_clipboard", "off"]) == 0
    assert main(["config", "show", "--json"]) == 0
    values = json.loads(capsys.readouterr().out)
    assert values["hotkey"] == "ctrl+alt+k" and values["restore_clipboard"] is False


@pytest.mark.parametrize(
    ("args", "needle"),
    [
        (["no-such-command"], "invalid choice"),
        (["search"], "required"),
        (["search", "x", "--limit", "0"], "--limit"),
        (["config", "set", "nonsense", "1"], "unknown setting"),
        (["config", "set", "hotkey", "ctrl+space"], "input methods"),
        (["config", "set", "restore_delay_ms", "fast"], "restore_delay_ms"),
        (["add", "--category", "c", "--title", " ", "--body", "b"], "--title"),
    ],
)
def test_bad_input_is_one_line_and_exit_2(home: Path, args: list[str], needle: str) -> None:
    out = run(*args, home=home)
    assert out.returncode == 2
    assert out.stderr.count("\n") == 1 and needle in out.stderr and "Traceback" not in out.stderr


def test_corrupt_database_is_one_line_and_untouched(home: Path) -> None:
    home.mkdir(parents=True)
    garbage = os.urandom(4096)
    (home / "palette.db").write_bytes(garbage)
    out = run("search", "您好", home=home)
    assert out.returncode == 2 and out.stderr.count("\n") == 1 and "palette.db" in out.stderr
    assert "Traceback" not in out.stderr
    assert (home / "palette.db").read_bytes() == garbage


def test_newer_schema_is_one_line(home: Path) -> None:
    import sqlite3

    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "palette.db")
    conn.execute("PRAGMA user_version = 99")
    conn.close()
    out = run("profile", "show", home=home)
    assert out.returncode == 2 and "newer Palette" in out.stderr and out.stderr.count("\n") == 1


def test_read_only_data_directory(tmp_path: Path) -> None:
    """A data directory the user cannot write: a read-only mount as root, a 0555 directory otherwise."""
    ro = tmp_path / "ro"
    ro.mkdir()
    if os.geteuid() == 0:
        mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "ro,size=1m", "tmpfs", str(ro)], capture_output=True)
        if mounted.returncode != 0:
            pytest.skip(f"cannot mount a read-only tmpfs here: {mounted.stderr.decode().strip()}")
    else:
        ro.chmod(0o555)
    try:
        out = run("search", "您好", home=ro / "palette")
        assert out.returncode == 2, out.stderr
        assert out.stderr.count("\n") == 1 and str(ro) in out.stderr and "Traceback" not in out.stderr
    finally:
        if os.geteuid() == 0:
            subprocess.run(["umount", str(ro)], check=True)
        else:
            ro.chmod(0o755)


def test_nothing_is_written_when_a_command_fails(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["profile", "show"]) == 0
    from palette.core.store import Store

    with Store(home / "palette.db") as s:
        before = s.dump()
    assert main(["config", "set", "idle_minutes", "-5"]) == 2
    assert main(["add", "--category", "c", "--title", "t", "--body", "b", "--shortcut", "kc1"]) == 2
    with Store(home / "palette.db") as s:
        assert s.dump() == before
