"""The running app follows changes other processes make, and opens its windows on command (no tray needed)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.e2e.xsession import App, XSession, start_target, wait_for


def palette_cli(session: XSession, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **session.env, "PALETTE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "palette", *args], env=env, capture_output=True, text=True, timeout=60)


def test_a_phrase_added_in_a_terminal_is_pasted_by_the_running_app(
    session: XSession, app: App, agent_home: Path, tmp_path: Path
) -> None:
    app.wait_event("index.ready")
    target = start_target(session, "qt", tmp_path)
    body = "实时生效，终端里刚加的话术。"
    mark = app.mark()
    added = palette_cli(session, agent_home, "add", "--category", "测试", "--title", "实时", "--body", body,
                        "--shortcut", "live7")  # fmt: skip
    assert added.returncode == 0, added.stderr
    app.wait_event("store.external", after=mark, timeout=5)

    session.focus(target.window)
    mark = app.mark()
    session.xdotool("key", "ctrl+alt+space")
    app.wait_event("palette.shown", after=mark)
    session.xdotool("type", "--delay", "20", "live7")
    session.xdotool("key", "Return")
    wait_for(lambda: target.text() == body, 5, f"the new phrase in the target (got {target.text()!r})")


@pytest.mark.parametrize(("command", "title"), [("manage", "管理话术"), ("settings", "设置")])
def test_manage_and_settings_open_the_running_apps_windows(
    session: XSession, app: App, agent_home: Path, command: str, title: str
) -> None:
    app.wait_event("app.ready")
    out = palette_cli(session, agent_home, command)
    assert out.returncode == 0, out.stderr
    wait_for(lambda: session.run("xdotool", "search", "--onlyvisible", "--name", f"^{title}$", check=False), 10,
             f"the {title} window")  # fmt: skip


def test_manage_without_a_running_app_says_so(session: XSession, tmp_path: Path) -> None:
    out = palette_cli(session, tmp_path / "nobody", "manage")
    assert out.returncode == 2
    assert out.stderr.strip() == "palette: error: Palette is not running (start it with: palette)"
