"""Windows stop listening to the store when their C++ side is deleted, though a Python wrapper outlives it."""

from __future__ import annotations

import shiboken6
from pytestqt.qtbot import QtBot

from palette.core.store import Store
from palette.ui.manager import PhraseManager
from palette.ui.settings_window import SettingsWindow


def test_a_deleted_settings_window_is_not_told_of_changes(qtbot: QtBot, store: Store) -> None:
    window = SettingsWindow(store)
    window.show()
    shiboken6.delete(window)  # the wrapper stays referenced here, as an app attribute would keep it
    assert not shiboken6.isValid(window)
    store.set_setting("idle_minutes", 7)  # would raise "C++ object already deleted" if it still listened
    store.set_profile("公司名称", "中国电信")


def test_a_deleted_manager_is_not_told_of_changes(qtbot: QtBot, store: Store) -> None:
    manager = PhraseManager(store)
    manager.show()
    shiboken6.delete(manager)
    assert not shiboken6.isValid(manager)
    store.add_phrase(category="c", title="t", body="b")
