"""The tray app as a process under Xvfb: one instance per home, `palette show`, a hotkey that is taken."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.conftest import GREETING
from tests.e2e.xsession import App, XSession, start_target, wait_for


def palette_cli(session: XSession, home: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {**session.env, "PALETTE_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "palette", *args], env=env, capture_output=True, text=True, timeout=60)


def test_no_tray_is_said_once_and_the_app_runs(app: App) -> None:
    app.wait_event("app.ready")
    assert sum(e["event"] == "tray.unavailable" for e in app.events) == 1


def test_second_start_and_show_open_the_running_palette(
    session: XSession, app: App, agent_home: Path, tmp_path: Path
) -> None:
    target = start_target(session, "qt", tmp_path)
    mark = app.mark()
    second = palette_cli(session, agent_home)
    assert second.returncode == 0, second.stderr
    app.wait_event("palette.shown", after=mark)
    session.xdotool("key", "Escape")
    wait_for(
        lambda: not session.run("xdotool", "search", "--onlyvisible", "--name", "快捷话术板", check=False),
        5,
        "the palette to close",
    )

    session.focus(target.window)
    mark = app.mark()
    shown = palette_cli(session, agent_home, "show")
    assert shown.returncode == 0, shown.stderr
    app.wait_event("palette.shown", after=mark)
    session.xdotool("type", "kc1")
    session.xdotool("key", "Return")
    wait_for(lambda: target.text() == GREETING, 5, "the greeting after `palette show`")


def test_a_taken_hotkey_is_reported_and_show_still_works(
    session: XSession, app: App, agent_home: Path, tmp_path: Path
) -> None:
    """A second agent profile (another home) cannot have the same combination: it says so and keeps running."""
    other_home = tmp_path / "other"
    other = App(session, other_home)
    other.wait_event("hotkey.failed", timeout=20)
    other.wait_event("app.ready")
    assert other.proc.poll() is None
    mark = other.mark()
    env = {**os.environ, **session.env, "PALETTE_HOME": str(other_home)}
    subprocess.run([sys.executable, "-m", "palette", "show"], env=env, check=True, timeout=60)
    other.wait_event("palette.shown", after=mark)
