"""Under Xvfb, the real app: the first-run step on an empty profile, and Ctrl+R pasting a 禁语's suggestion."""

from __future__ import annotations

from pathlib import Path

from tests.e2e.test_app_x11 import palette_cli
from tests.e2e.xsession import App, XSession, start_target, wait_for


def test_first_run_asks_once_and_fills_the_profile(session: XSession, tmp_path: Path) -> None:
    home = tmp_path / "fresh"
    app = App(session, home)
    app.wait_event("hotkey.armed", timeout=20)
    app.wait_event("first_run.shown")
    window = session.find_window("欢迎使用快捷话术板")
    session.focus(window)
    session.xdotool("type", "--delay", "20", "ACME")  # 公司名称 has the focus
    session.xdotool("key", "Tab")
    session.xdotool("type", "--delay", "20", "1024")
    session.xdotool("key", "Return")
    app.wait_event("first_run.done")
    profile = palette_cli(session, home, "profile", "show")
    assert "ACME" in profile.stdout and "1024" in profile.stdout, profile.stdout
    app.proc.terminate()
    app.proc.wait(10)

    palette_cli(session, home, "profile", "set", "公司名称", "")  # even with the profile emptied again: done is done
    palette_cli(session, home, "profile", "set", "工号", "")
    again = App(session, home)
    again.wait_event("palette.warmed", timeout=20)  # queued after the first-run check
    assert not any(e["event"].startswith("first_run") for e in again.events)


def test_ctrl_r_pastes_the_suggested_wording(session: XSession, app: App, agent_home: Path, tmp_path: Path) -> None:
    added = palette_cli(session, agent_home, "add", "--category", "测试", "--title", "禁语测试",
                        "--body", "这个我不知道。", "--shortcut", "jy1")  # fmt: skip
    assert added.returncode == 0, added.stderr
    app.wait_event("store.external")
    target = start_target(session, "qt", tmp_path)
    mark = app.mark()
    session.xdotool("key", "ctrl+alt+space")
    app.wait_event("palette.shown", after=mark)
    session.xdotool("type", "--delay", "20", "jy1")
    session.xdotool("key", "Return")
    assert app.wait_event("guard.warned", after=mark)["blocked"] is False
    session.xdotool("key", "ctrl+r")
    session.xdotool("key", "Return")
    app.wait_event("paste.done", after=mark)
    wait_for(lambda: target.text() == "这个我我帮您核实一下。", 5, f"the suggested wording (got {target.text()!r})")
