"""The real Windows backend: RegisterHotKey, SendInput and the clipboard against a Notepad window.

Runs only on Windows (CI's Windows job, `pytest -m win32` with QT_QPA_PLATFORM=windows: the offscreen
platform has its own clipboard, not the system's). Everywhere else the pure parts are tested by
tests/unit/test_platform_logic.py.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from typing import TYPE_CHECKING

import pytest
from PySide6.QtGui import QGuiApplication
from pytestqt.qtbot import QtBot

from palette.platform.base import HotkeyError, WindowRef

pytestmark = [
    pytest.mark.win32,
    pytest.mark.skipif(sys.platform != "win32", reason="the real Windows backend"),
]

if TYPE_CHECKING or sys.platform == "win32":  # mypy checks it on every platform
    from palette.platform.clipboard import ClipboardKeeper
    from palette.platform.win32 import Win32Desktop, Win32Hotkey

COMBO = "ctrl+alt+shift+f11"  # nobody's shortcut on a CI machine


@pytest.fixture
def desktop() -> Win32Desktop:
    return Win32Desktop()


@pytest.fixture
def notepad(qtbot: QtBot, desktop: Win32Desktop) -> Iterator[WindowRef]:
    proc = subprocess.Popen(["notepad.exe"])
    found: list[WindowRef] = []

    def focused() -> bool:
        window = desktop.active_window()
        if window is not None and "notepad" in window.wm_class:
            found.append(window)
        return bool(found)

    try:
        qtbot.waitUntil(focused, timeout=10000)
        yield found[0]
    finally:
        proc.kill()
        proc.wait(10)


def clipboard() -> str:
    return QGuiApplication.clipboard().text()


def test_the_hotkey_fires_on_the_combination_and_a_second_registration_is_refused(
    qtbot: QtBot, desktop: Win32Desktop
) -> None:
    fired: list[bool] = []
    hotkey = Win32Hotkey()
    hotkey.start(COMBO, lambda: fired.append(True))
    try:
        with pytest.raises(HotkeyError):
            Win32Hotkey().start(COMBO, lambda: None)
        desktop.send_combo(COMBO)
        qtbot.waitUntil(lambda: bool(fired), timeout=5000)
    finally:
        hotkey.stop()


def test_a_paste_reaches_notepad_and_the_agents_clipboard_comes_back(
    qtbot: QtBot, desktop: Win32Desktop, notepad: WindowRef
) -> None:
    QGuiApplication.clipboard().setText("the agent's own copy")
    keeper = ClipboardKeeper()
    keeper.snapshot()
    keeper.put("您好，很高兴为您服务")
    desktop.activate(notepad)
    assert desktop.is_active(notepad) and desktop.can_paste_into(notepad)
    desktop.send_combo("ctrl+v")
    with qtbot.waitSignal(keeper.restored, timeout=10000) as restored:
        keeper.restore_later(200)
    assert restored.args == [True]
    assert clipboard() == "the agent's own copy"

    desktop.send_combo("ctrl+a")  # what Notepad holds now, through the clipboard
    desktop.send_combo("ctrl+c")
    qtbot.waitUntil(lambda: clipboard() == "您好，很高兴为您服务", timeout=5000)
