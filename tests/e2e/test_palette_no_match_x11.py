"""Nothing matches: Enter in the palette opens the manager's editor with the typed text, which saves."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

from tests.e2e.xsession import App, XSession, start_target, wait_for


def test_no_match_enter_creates_the_phrase_in_the_manager(
    session: XSession, app: App, agent_home: Path, tmp_path: Path
) -> None:
    app.wait_event("index.ready")
    target = start_target(session, "qt", tmp_path)
    session.focus(target.window)
    mark = app.mark()
    session.xdotool("key", "ctrl+alt+space")
    app.wait_event("palette.shown", after=mark)
    session.xdotool("type", "--delay", "20", "zqxwv please hold")
    session.xdotool("key", "Return")
    manager = session.find_window("^管理话术$")
    session.focus(manager)  # the title field has the keyboard: name the new phrase and save it
    session.xdotool("type", "--delay", "20", "hold on")
    session.xdotool("key", "ctrl+s")
    env = {**os.environ, **session.env, "PALETTE_HOME": str(agent_home)}

    def saved() -> list[dict[str, str]]:
        out = subprocess.run([sys.executable, "-m", "palette", "search", "zqxwv", "--json"], env=env,
                             capture_output=True, text=True, timeout=60)  # fmt: skip
        return [h for h in json.loads(out.stdout or "[]") if h["title"] == "hold on"]

    hits = wait_for(saved, 10, "the new phrase in the store")
    assert hits[0]["body"] == "zqxwv please hold" and hits[0]["library"] == "我的话术"
    assert target.text() == ""  # nothing was pasted into the conversation
