"""Select the customer's line in a web chat page, press the hotkey, Enter: the suggested phrase arrives.

Under Xvfb (no WM and openbox), with chromium showing the customer's message above its input box:
a triple-click selects the message (chromium puts it on PRIMARY), a click back in the input box is
where the agent types, and the app, started before any of it, answers from the selection. What the
first suggestion should be is asked of the same engine over the same home (`palette suggest`), so
the test checks the palette, not the ranking. The event log must hold neither message nor values.
"""

from __future__ import annotations

import json
from pathlib import Path

from palette.core.store import Store
from tests.e2e.test_app_x11 import palette_cli
from tests.e2e.xsession import App, Target, XSession, start_target, wait_for

HOTKEY = "ctrl+alt+space"
MESSAGE = "你好，我家宽带从昨天晚上开始就一直掉线，你们到底什么时候能派人来修？我的手机是139 0000 1111"
ORDER = "GD20261201001"
TICKET_MESSAGE = f"上次报修的工单号是{ORDER}，到现在都没人联系我，太过分了"


def first_suggestion(session: XSession, home: Path, message: str) -> str:
    """What the first confident suggestion pastes for this home's profile, as `palette suggest` says."""
    out = palette_cli(session, home, "suggest", message, "--json")
    assert out.returncode == 0, out.stderr
    hits = [h for h in json.loads(out.stdout) if h["confident"]]
    assert hits, "the engine has no confident answer for the test message"
    return str(hits[0]["rendered"])


def select_message(session: XSession, target: Target, message: str) -> None:
    """Triple-click the customer's line (it goes to PRIMARY), then click into the input box."""
    session.xdotool("mousemove", "--window", target.window, "60", "30")
    session.xdotool("click", "--repeat", "3", "--delay", "120", "1")
    wait_for(lambda: session.clipboard_get(selection="primary").decode().strip() == message, 10, "PRIMARY")
    session.xdotool("mousemove", "--window", target.window, "60", "140")
    session.xdotool("click", "1")


def test_selected_message_hotkey_enter_pastes_the_suggestion(
    session: XSession, app: App, agent_home: Path, tmp_path: Path
) -> None:
    app.wait_event("suggest.ready", timeout=60)
    expected = first_suggestion(session, agent_home, MESSAGE)
    target = start_target(session, "chromium", tmp_path, message=MESSAGE)
    select_message(session, target, MESSAGE)
    mark = app.mark()
    session.xdotool("key", HOTKEY)
    app.wait_event("palette.shown", after=mark)
    assert app.wait_event("suggest.shown", after=mark)["hits"] >= 1
    session.xdotool("key", "Return")
    app.wait_event("paste.done", after=mark)
    wait_for(lambda: target.text() == expected, 10, f"the suggestion in the chat box (got {target.text()!r})")
    app.wait_event("clipboard.restored", after=mark)

    mark = app.mark()  # the same line still selected, and answered: the palette opens as usual
    session.xdotool("key", HOTKEY)
    assert app.wait_event("message.read", after=mark)["found"] is False
    session.xdotool("key", "Escape")
    select_message(session, target, MESSAGE)  # selected again: the customer said it again
    mark = app.mark()
    session.xdotool("key", HOTKEY)
    assert app.wait_event("message.read", after=mark)["found"] is True
    assert app.wait_event("suggest.shown", after=mark)["hits"] >= 1
    session.xdotool("key", "Escape")

    log = app.log()
    for secret in (MESSAGE, "掉线", "派人", "13900001111", "139 0000 1111", "1111"):
        assert secret not in log, f"{secret!r} is in the event log"


def test_a_value_from_the_message_fills_the_form_and_is_not_logged(
    session: XSession, app: App, agent_home: Path, tmp_path: Path
) -> None:
    """The work-order number in the selected message fills 报修工单受理's [工单号] (gz5): Enter, Enter."""
    app.wait_event("suggest.ready", timeout=60)
    target = start_target(session, "chromium", tmp_path, message=TICKET_MESSAGE)
    select_message(session, target, TICKET_MESSAGE)
    mark = app.mark()
    session.xdotool("key", HOTKEY)
    app.wait_event("palette.shown", after=mark)
    app.wait_event("suggest.shown", after=mark)
    session.xdotool("type", "gz5")
    session.xdotool("key", "Return")  # the form, 工单号 already typed in from the message
    session.xdotool("key", "Return")
    app.wait_event("paste.done", after=mark)
    want = f"已经为您提交报修工单，工单号是{ORDER}，维修人员预计在24小时内与您联系，请您保持电话畅通。"
    wait_for(lambda: target.text() == want, 10, f"the filled phrase (got {target.text()!r})")

    log = app.log()
    for secret in (ORDER, ORDER.lower(), "太过分", "报修的"):
        assert secret not in log, f"{secret!r} is in the event log"
    store = Store(agent_home / "palette.db")
    try:
        learned = store.learned_pairs()
    finally:
        store.close()
    assert learned and not any(ORDER.lower() in w.lower() or "2026" in w for w in learned)  # words, not numbers
