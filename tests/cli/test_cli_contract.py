"""The one-line rule at the doors every command shares: arguments, error lines, the display, --set values."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from palette.core.escaping import one_line
from palette.platform import display_problem


def run(args: list[str | bytes], home: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {**os.environ, "PALETTE_HOME": str(home)}
    return subprocess.run(
        [sys.executable.encode(), b"-m", b"palette", *(a.encode() if isinstance(a, str) else a for a in args)],
        capture_output=True,
        text=True,
        env=base if env is None else {**base, **env},
        timeout=60,
        errors="replace",
    )


def assert_one_error_line(out: subprocess.CompletedProcess[str]) -> str:
    assert out.returncode == 2, (out.returncode, out.stderr)
    lines = out.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("palette: error: "), out.stderr
    assert "Traceback" not in out.stderr
    return lines[0]


def test_an_argument_that_is_not_utf8_is_named_not_a_crash(home: Path) -> None:
    line = assert_one_error_line(run([b"search", b"\xff\xfe"], home))
    assert "argument 2 is not valid UTF-8" in line


def test_a_file_name_with_a_newline_stays_on_one_line(home: Path) -> None:
    line = assert_one_error_line(run(["import", str(home.parent / "a\nb\x1b[31m.csv")], home))
    assert "a\\nb\\x1b[31m.csv" in line


def test_a_malformed_set_never_echoes_what_was_typed_for_the_customer(home: Path) -> None:
    out = run(["search", "nh", "--json"], home)
    uid = next(u for u in out.stdout.split('"') if u.startswith("std-"))
    line = assert_one_error_line(run(["render", uid, "--set", "客户姓名=张三", "--set", "李四先生"], home))
    assert "李四" not in line and "张三" not in line and "number 2" in line


@pytest.mark.parametrize(
    ("env", "says"),
    [
        ({"DISPLAY": "", "WAYLAND_DISPLAY": ""}, "no display: set DISPLAY"),
        ({"DISPLAY": ":87", "WAYLAND_DISPLAY": ""}, "cannot open the display ':87'"),
        ({"DISPLAY": "", "WAYLAND_DISPLAY": "wayland-87", "XDG_RUNTIME_DIR": "/nonexistent"}, "Wayland display"),
    ],
)
def test_no_display_is_one_line_not_a_core_dump(home: Path, env: dict[str, str], says: str) -> None:
    env = {**env, "QT_QPA_PLATFORM": ""}
    line = assert_one_error_line(run([], home, env))
    assert says in line


def test_display_problem_trusts_an_explicit_platform() -> None:
    assert display_problem({"QT_QPA_PLATFORM": "offscreen"}) is None
    assert display_problem({"QT_QPA_PLATFORM": "xcb", "DISPLAY": ""}) is not None


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("a\nb", "a\\nb"),
        ("x\x1b[2Jy", "x\\x1b[2Jy"),
        ("abc\u202edef", "abc\\u202edef"),
        ("您好,\t世界", "您好,\\t世界"),
        ("\udcff", "\\udcff"),
    ],
)
def test_one_line_escapes_what_a_terminal_would_act_on(raw: str, shown: str) -> None:
    assert one_line(raw) == shown
    assert "\n" not in one_line(raw)
