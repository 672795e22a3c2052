"""The send sequence with the real controller, paster and clipboard, against a recording desktop.

Offscreen there are no X11 clipboard reads to see, so each paste is taken as read after the short
blind timer, and the clipboard is never owned, so the restore is left to the X11 end-to-end tests;
the desktop records every key combination it is asked to send and what the clipboard
held at that moment, and can lose the focus on cue.
"""

from __future__ import annotations

import io

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from palette.core.model import PERSONAL_LIBRARY, SendMode
from palette.core.store import Store
from palette.platform.base import WindowRef
from palette.platform.clipboard import PNG, ClipboardKeeper
from palette.platform.paster import PasteOutcome, Paster
from palette.ui.controller import PaletteController
from palette.ui.palette_window import PaletteWindow
from tests.pictures import picture, png


class RecordingDesk:
    """One target window of class `wm_class`; `lose_focus_after` send-key presses it loses the focus."""

    name = "test"

    def __init__(self, wm_class: str = "chromium") -> None:
        self.window = WindowRef(7, 7, wm_class)
        self.keys: list[tuple[str, str]] = []  # (combo, what the clipboard held: its text or "<png>")
        self.focused = True
        self.lose_focus_after: int | None = None

    def active_window(self) -> WindowRef | None:
        return self.window

    def activate(self, window: WindowRef) -> None:
        pass

    def is_active(self, window: WindowRef) -> bool:
        return self.focused

    def geometry(self, window: WindowRef) -> tuple[int, int, int, int] | None:
        return (0, 0, 400, 400)

    def modifiers_held(self) -> bool:
        return False

    def release_modifiers(self) -> None:
        pass

    def send_combo(self, combo: str) -> None:
        mime = QGuiApplication.clipboard().mimeData()
        held = "<png>" if mime is not None and mime.hasFormat(PNG) else QGuiApplication.clipboard().text()
        self.keys.append((combo, held))
        sends = sum(1 for c, _ in self.keys if c != "ctrl+v")
        if self.lose_focus_after is not None and sends >= self.lose_focus_after:
            self.focused = False

    def can_paste_into(self, window: WindowRef) -> bool:
        return True


@pytest.fixture
def desk() -> RecordingDesk:
    return RecordingDesk()


@pytest.fixture
def quick(store: Store) -> Store:
    """A store whose gaps and restore delays are short, so the tests do not wait long."""
    store.set_setting("send_gap_ms", 50)
    store.set_setting("restore_delay_ms", 50)
    return store


def build(qtbot: QtBot, store: Store, desk: RecordingDesk) -> PaletteController:
    """The controller over the phrases added so far (the index is built here)."""
    from palette.core.search import SearchIndex

    window = PaletteWindow()
    qtbot.addWidget(window)
    return PaletteController(store, window, Paster(desk, ClipboardKeeper()), desk, SearchIndex.from_store(store).query)


def run(qtbot: QtBot, flow: PaletteController, shortcut: str, key: Qt.Key = Qt.Key.Key_Return,
        mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> PasteOutcome:  # fmt: skip
    outcomes: list[PasteOutcome] = []
    flow.paster.finished.connect(outcomes.append)
    flow.open()
    qtbot.waitExposed(flow.window)
    flow.window.search.setText(shortcut)
    with qtbot.waitSignal(flow.paster.finished, timeout=5000):
        qtbot.keyClick(flow.window.search, key, mods)
    flow.paster.finished.disconnect(outcomes.append)
    return outcomes[0]


def add(store: Store, body: str, shortcut: str, **kw: object) -> None:
    store.add_phrase(category="发送", title=shortcut, body=body, shortcut=shortcut, **kw)  # type: ignore[arg-type]


def test_parts_are_pasted_and_sent_in_order(qtbot: QtBot, quick: Store, desk: RecordingDesk) -> None:
    add(quick, "第一条\n第一条的第二行\n---\n第二条\n---\n第三条", "fsa")
    quick.set_setting("send_rules", [["chromium", "enter"]])
    flow = build(qtbot, quick, desk)
    assert run(qtbot, flow, "fsa") is PasteOutcome.PASTED
    assert desk.keys == [
        ("ctrl+v", "第一条\n第一条的第二行"),
        ("enter", "第一条\n第一条的第二行"),  # the send key only after the paste, never between its lines
        ("ctrl+v", "第二条"),
        ("enter", "第二条"),
        ("ctrl+v", "第三条"),
        ("enter", "第三条"),
    ]


@pytest.mark.parametrize(
    ("phrase_send", "rule", "library", "keys"),
    [
        (None, "", SendMode.NEVER, ["ctrl+v"]),
        (None, "", SendMode.ENTER, ["ctrl+v", "enter"]),  # the library's default
        (None, "ctrl+enter", SendMode.ENTER, ["ctrl+v", "ctrl+enter"]),  # the window's rule before it
        (SendMode.NEVER, "enter", SendMode.ENTER, ["ctrl+v"]),  # the phrase's own before both
    ],
)
def test_the_send_mode_comes_from_phrase_then_window_then_library(
    qtbot: QtBot, quick: Store, desk: RecordingDesk,
    phrase_send: SendMode | None, rule: str, library: SendMode, keys: list[str],
) -> None:  # fmt: skip
    add(quick, "一\n---\n二", "fsb", send=phrase_send)
    quick.set_library_send(PERSONAL_LIBRARY, library)
    quick.set_setting("send_rules", [["chromium", rule]] if rule else [])
    flow = build(qtbot, quick, desk)
    run(qtbot, flow, "fsb")
    pasted_once = keys == ["ctrl+v"]
    expected = [("ctrl+v", "一\n\n二")] if pasted_once else [(k, t) for t in ("一", "二") for k in keys]
    assert desk.keys == expected


def test_shift_enter_pastes_without_sending_this_once(qtbot: QtBot, quick: Store, desk: RecordingDesk) -> None:
    add(quick, "一\n---\n二", "fsc", send=SendMode.ENTER)
    flow = build(qtbot, quick, desk)
    run(qtbot, flow, "fsc", Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    assert desk.keys == [("ctrl+v", "一\n\n二")]
    desk.keys.clear()
    run(qtbot, flow, "fsc")
    assert [k for k, _ in desk.keys] == ["ctrl+v", "enter", "ctrl+v", "enter"]


def test_a_forbidden_word_sends_nothing_until_confirmed(qtbot: QtBot, quick: Store, desk: RecordingDesk) -> None:
    add(quick, "这个我不知道。", "fsd", send=SendMode.ENTER)
    flow = build(qtbot, quick, desk)
    flow.open()
    qtbot.waitExposed(flow.window)
    flow.window.search.setText("fsd")
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert flow.window.warning.isVisible() and desk.keys == []
    with qtbot.waitSignal(flow.paster.finished, timeout=5000):
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert desk.keys == [("ctrl+v", "这个我不知道。"), ("enter", "这个我不知道。")]


def test_focus_lost_after_a_part_stops_and_leaves_the_rest_on_the_clipboard(
    qtbot: QtBot, quick: Store, desk: RecordingDesk
) -> None:
    add(quick, "一\n---\n二\n---\n三", "fse", send=SendMode.ENTER)
    flow = build(qtbot, quick, desk)
    desk.lose_focus_after = 1
    notices: list[tuple[str, str]] = []
    flow.notify.connect(lambda t, m: notices.append((t, m)))
    assert run(qtbot, flow, "fse") is PasteOutcome.STOPPED
    assert desk.keys == [("ctrl+v", "一"), ("enter", "一")]  # nothing went to the other window
    assert QGuiApplication.clipboard().text() == "二\n\n三"
    assert notices and notices[0][0] == "发送已停止"


def test_an_image_phrase_pastes_the_picture_then_the_text_and_sends_once_or_each(
    qtbot: QtBot, quick: Store, desk: RecordingDesk
) -> None:
    ref = quick.add_image(picture("JPEG"))  # stored as JPEG, pasted as PNG
    add(quick, "请看图。", "fsf", images=[ref], send=SendMode.ENTER)
    flow = build(qtbot, quick, desk)
    run(qtbot, flow, "fsf")
    assert desk.keys == [("ctrl+v", "<png>"), ("ctrl+v", "请看图。"), ("enter", "请看图。")]
    quick.set_library_send(PERSONAL_LIBRARY, SendMode.ENTER, send_each=True)
    desk.keys.clear()
    run(qtbot, flow, "fsf")
    assert desk.keys == [("ctrl+v", "<png>"), ("enter", "<png>"), ("ctrl+v", "请看图。"), ("enter", "请看图。")]


def test_a_terminal_gets_the_text_and_a_notice(qtbot: QtBot, quick: Store) -> None:
    desk = RecordingDesk("xterm")
    add(quick, "请看图。", "fsg", images=[quick.add_image(png())], send=SendMode.ENTER)
    flow = build(qtbot, quick, desk)
    notices: list[str] = []
    flow.notify.connect(lambda t, m: notices.append(t))
    run(qtbot, flow, "fsg")
    assert desk.keys == [("shift+insert", "请看图。"), ("enter", "请看图。")]  # the phrase says send; no picture
    assert notices == ["图片未粘贴"]


def test_the_picture_on_the_clipboard_is_the_stored_one(qtbot: QtBot) -> None:
    from PIL import Image

    from palette.platform.clipboard import as_png

    data = picture("GIF", 9, 5)
    converted = as_png(data)
    assert converted.startswith(b"\x89PNG")
    assert Image.open(io.BytesIO(converted)).size == (9, 5)
    assert as_png(png()) == png()
    keeper = ClipboardKeeper()
    keeper.put_image(converted)
    mime = QGuiApplication.clipboard().mimeData()
    assert mime is not None and bytes(mime.data(PNG).data()) == converted
    assert mime.html().startswith('<img src="data:image/png;base64,')
