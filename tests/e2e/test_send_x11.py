"""Paste-and-send into chat windows under Xvfb: a web chat in chromium (Enter sends) and a Qt chat client
(Ctrl+Enter sends), with and without a window manager.

Both targets write every change as JSON to a file (the page through a tiny local HTTP server): the
messages sent so far, each with its text and its pictures' decoded size and RGBA pixel digest, and
the draft still in the input box.
"""

from __future__ import annotations

import hashlib
import io
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from palette.core.model import SendMode
from palette.core.store import Store
from tests.e2e.xsession import App, Target, XSession, start_target, wait_for

THREE_LINES = "您好，请提供以下信息：\n一、订单号\n二、下单手机号"
PARTS = ("您好，我是客服小王。", "您的订单已发货，\n请留意短信通知。", "还有其他可以帮您的吗？")
CAPTION = "请按图中步骤操作。"
FORBIDDEN = "这个我不知道。"
OWN = "客户的订单号 A-20261124".encode()
RULES = "chromium=enter;qt-chat=ctrl+enter"  # the window-class rules the two chats need


def picture() -> bytes:
    """A 37×23 PNG with a different colour in every pixel, so a wrong pixel anywhere shows."""
    from PIL import Image

    image = Image.new("RGB", (37, 23))
    image.putdata([(x * 6, y * 11, (x * y) % 256) for y in range(23) for x in range(37)])
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


def pixels_digest(data: bytes) -> str:
    from PIL import Image

    return hashlib.sha256(Image.open(io.BytesIO(data)).convert("RGBA").tobytes()).hexdigest()


@pytest.fixture
def chat_app(session: XSession, agent_home: Path) -> Iterator[App]:
    """The app with the phrases these tests send, the chats' send rules and nothing else changed."""
    store = Store(agent_home / "palette.db")
    try:
        add = store.add_phrase
        add(category="发送", title="三行", body=THREE_LINES, shortcut="fsa")
        add(category="发送", title="三条", body="\n---\n".join(PARTS), shortcut="fsb")
        add(category="发送", title="不发送", body="只粘贴，不发送。", shortcut="fsc", send=SendMode.NEVER)
        add(category="发送", title="禁语", body=FORBIDDEN, shortcut="fsd")
        add(category="发送", title="看图", body=CAPTION, shortcut="fse", images=[store.add_image(picture())])
        from palette.core.config import Settings

        Settings(store).set_text("send_rules", RULES)
    finally:
        store.close()
    app = App(session, agent_home)
    app.wait_event("index.ready", timeout=30)
    yield app


@pytest.fixture(params=["chat", "qt-chat"])
def chat(request: pytest.FixtureRequest, session: XSession, tmp_path: Path) -> Target:
    target = start_target(session, str(request.param), tmp_path)
    session.clipboard_set(OWN)  # the agent's own clipboard, to be back after the last message
    return target


def state(target: Target) -> dict[str, Any]:
    text = target.out.read_text(encoding="utf-8") if target.out.exists() else ""
    try:
        return dict(json.loads(text))
    except ValueError:  # caught mid-write
        return {"messages": [], "draft": None, "attached": 0}


def texts(target: Target) -> list[str]:
    return [m["text"] for m in state(target)["messages"]]


def choose(session: XSession, app: App, shortcut: str, key: str = "Return") -> int:
    """Hotkey, the shortcut, `key` in the palette; returns the event mark before it."""
    mark = app.mark()
    session.xdotool("key", "ctrl+alt+space")
    session.xdotool("type", "--delay", "20", shortcut)
    app.wait_event("palette.shown", after=mark)
    session.xdotool("key", key)
    return mark


def sent(session: XSession, app: App, shortcut: str) -> dict[str, Any]:
    mark = choose(session, app, shortcut)
    done = app.wait_event("paste.sent", after=mark)
    assert app.wait_event("clipboard.restored", after=mark)["restored"] is True
    return done


def test_a_three_line_phrase_is_one_message_and_parts_go_in_order(
    session: XSession, chat_app: App, chat: Target
) -> None:
    event = sent(session, chat_app, "fsa")
    assert event["messages"] == 1 and event["mode"] in ("enter", "ctrl+enter")
    wait_for(lambda: texts(chat) == [THREE_LINES], 10, f"one message with its line breaks (got {state(chat)})")

    event = sent(session, chat_app, "fsb")
    assert event["messages"] == 3
    wait_for(lambda: texts(chat) == [THREE_LINES, *PARTS], 10, f"the parts in order (got {state(chat)})")
    assert state(chat)["draft"] == ""
    assert session.clipboard_get() == OWN


def test_never_and_shift_enter_paste_without_sending(session: XSession, chat_app: App, chat: Target) -> None:
    mark = choose(session, chat_app, "fsc")  # the phrase says never, the window's rule says send
    chat_app.wait_event("clipboard.restored", after=mark)
    wait_for(lambda: state(chat)["draft"] == "只粘贴，不发送。", 10, f"the text in the box (got {state(chat)})")

    mark = choose(session, chat_app, "fsa", key="shift+Return")  # this once: paste only
    chat_app.wait_event("clipboard.restored", after=mark)
    wait_for(lambda: state(chat)["draft"] == "只粘贴，不发送。" + THREE_LINES, 10, f"both in the box ({state(chat)})")
    assert texts(chat) == []
    assert not any(e["event"] == "paste.sent" for e in chat_app.events)
    assert session.clipboard_get() == OWN


def test_a_forbidden_word_sends_nothing_until_confirmed(session: XSession, chat_app: App, chat: Target) -> None:
    mark = choose(session, chat_app, "fsd")
    assert chat_app.wait_event("guard.warned", after=mark)["blocked"] is False
    assert not any(e["event"].startswith("paste.") for e in chat_app.events[mark:])  # nothing pasted or sent
    assert (state(chat)["messages"], state(chat)["draft"]) == ([], "")
    session.xdotool("key", "Return")  # confirmed
    chat_app.wait_event("paste.sent", after=mark)
    wait_for(lambda: texts(chat) == [FORBIDDEN], 10, f"the confirmed message (got {state(chat)})")


def test_an_image_phrase_delivers_the_picture_and_the_text_in_one_message(
    session: XSession, chat_app: App, chat: Target
) -> None:
    own = (Path(__file__).parents[2] / "resources" / "icons" / "palette.svg").read_bytes()
    session.clipboard_set(own, mime="image/svg+xml")  # this time the agent had copied a picture
    event = sent(session, chat_app, "fse")
    assert event["messages"] == 1  # one send after both: the library's default
    expected = {"width": 37, "height": 23, "sha256": pixels_digest(picture())}
    wait_for(lambda: state(chat)["messages"], 10, f"a message (got {state(chat)})")
    assert state(chat)["messages"] == [{"text": CAPTION, "images": [expected]}]
    assert session.clipboard_get("image/svg+xml") == own


def test_a_paste_the_target_never_reads_is_not_sent(session: XSession, chat_app: App, tmp_path: Path) -> None:
    """A box that takes no paste never asks for the clipboard: no send key, and the phrase stays on the
    clipboard to paste by hand."""
    target = start_target(session, "qt-chat-read-only", tmp_path)
    mark = choose(session, chat_app, "fsb")
    assert chat_app.wait_event("paste.stopped", after=mark)["why"] == "unread"
    assert not any(e["event"] == "paste.sent" for e in chat_app.events)
    assert state(target)["sends"] == 0 and state(target)["messages"] == []
    assert session.clipboard_get().decode() == "\n\n".join(PARTS)
