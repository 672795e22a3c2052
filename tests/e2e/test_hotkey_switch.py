"""A new hotkey from the settings window is checked against a real X server before it is saved.

"Another program" is a second X client holding a grab on Ctrl+Alt+K; Palette's hotkey is a real
`X11Hotkey` on its own connection, pressed with xdotool. The settings window itself runs on Qt's
offscreen platform: only the hotkey talks to the X server, as in the app.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from pytestqt.qtbot import QtBot

from palette.core.config import Settings
from palette.core.store import Store
from palette.platform.base import HotkeyError
from palette.platform.x11 import X11Hotkey
from palette.ui.hotkey_edit import HotkeySwitch
from palette.ui.settings_window import SettingsWindow
from tests.e2e.xsession import XSession, wait_for, x_session

CTRL_ALT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.AltModifier


@pytest.fixture
def xserver() -> Iterator[XSession]:
    with x_session("none") as s:
        yield s


class Ours:
    """Palette's hotkey: counts activations and lets go of the keyboard as the palette would."""

    def __init__(self, display: str) -> None:
        self.hotkey = X11Hotkey(display)
        self.fired = threading.Event()

    def fire(self) -> None:
        self.fired.set()

    def pressed(self, session: XSession, combo: str) -> bool:
        self.fired.clear()
        session.xdotool("key", combo)
        hit = self.fired.wait(2)
        self.hotkey.palette_ready()  # release the keyboard grab the hotkey takes when it fires
        return hit


def test_taken_combination_is_refused_and_the_old_hotkey_still_works(
    qtbot: QtBot, xserver: XSession, store: Store
) -> None:
    other = X11Hotkey(xserver.display)
    other.start("ctrl+alt+k", lambda: None)
    ours = Ours(xserver.display)
    ours.hotkey.start("ctrl+alt+space", ours.fire)
    try:
        switch = HotkeySwitch(ours.hotkey, ours.fire)
        with pytest.raises(HotkeyError):
            switch.switch("ctrl+alt+k", "ctrl+alt+space")
        assert ours.pressed(xserver, "ctrl+alt+space")

        window = SettingsWindow(store, hotkey_switch=switch)
        qtbot.addWidget(window)
        window.show()
        window.hotkey.setFocus()
        qtbot.keyClick(window.hotkey, Qt.Key.Key_K, CTRL_ALT)
        assert "可能已被其他程序占用" in window.hotkey_status.text()
        assert Settings(store).config().hotkey == "ctrl+alt+space"
        assert ours.pressed(xserver, "ctrl+alt+space")

        qtbot.keyClick(window.hotkey, Qt.Key.Key_J, CTRL_ALT)
        assert Settings(store).config().hotkey == "ctrl+alt+j"
        wait_for(lambda: ours.pressed(xserver, "ctrl+alt+j"), 5, "the new hotkey to fire")
        assert not ours.pressed(xserver, "ctrl+alt+space")  # the old combination was let go
    finally:
        ours.hotkey.stop()
        other.stop()
