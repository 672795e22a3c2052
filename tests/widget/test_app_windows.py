"""The tray's 管理话术 / 设置 / 开机启动 items, wired in the composition root (offscreen, no hotkey backend)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from palette.app import PaletteApp
from palette.core.config import Settings
from palette.core.standard import source_data
from palette.core.store import Store


@pytest.fixture
def xdg(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("HOME", str(tmp_path / "agent"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(tmp_path / "config"))
    return tmp_path / "config" / "autostart" / "palette.desktop"


@pytest.fixture
def palette(qapp: QApplication, store: Store, xdg: Path) -> Iterator[PaletteApp]:
    app = PaletteApp(qapp, store)
    qapp.aboutToQuit.disconnect(app.stop)
    yield app
    app.stop()
    for w in (app._manager, app._settings_window, app.window):
        if w is not None:
            w.close()
            w.deleteLater()
    uninstall(qapp, app)


def uninstall(qapp: QApplication, app: PaletteApp) -> None:
    """Leave the shared QApplication without this app's translators, as the next test expects."""
    for translator in app.translations._installed:
        qapp.removeTranslator(translator)


def test_windows_are_built_on_first_use(qtbot: QtBot, palette: PaletteApp) -> None:
    assert palette._manager is None and palette._settings_window is None  # nothing on the start-up path
    palette.tray.manage.emit()
    manager = palette._manager
    assert manager is not None and manager.isVisible() and manager.model.rowCount() == len(source_data().phrases)
    palette.tray.manage.emit()
    assert palette._manager is manager  # built once, shown again

    palette.tray.settings.emit()
    settings = palette._settings_window
    assert settings is not None and settings.isVisible()
    assert settings.hotkey_switch is None  # offscreen: no global hotkeys, so none to check against


def test_autostart_from_the_tray_and_from_settings_agree(qtbot: QtBot, palette: PaletteApp, xdg: Path) -> None:
    action = palette.tray.autostart_action
    action.trigger()  # tick 开机启动 in the tray menu
    assert xdg.is_file() and Settings(palette.store).config().autostart is True
    palette.tray.settings.emit()
    assert palette._settings_window is not None
    box = palette._settings_window.autostart_box
    assert box.isChecked()
    box.click()  # untick it in the settings window
    assert not xdg.exists() and not action.isChecked()


def test_english_interface_from_the_setting(qtbot: QtBot, qapp: QApplication, store: Store, xdg: Path) -> None:
    Settings(store).set("language", "en")
    app = PaletteApp(qapp, store)
    qapp.aboutToQuit.disconnect(app.stop)
    try:
        texts = [a.text() for a in app.tray.menu.actions() if a.text()]
        assert texts[:2] == ["Open the palette", "New conversation"]
        assert "Manage phrases" in texts and "Start at login" in texts
    finally:
        app.stop()
        app.window.deleteLater()
        uninstall(qapp, app)
    assert QApplication.translate("Tray", "退出") == "退出"


def test_palette_keys_and_no_match_reach_the_manager_and_settings(qtbot: QtBot, palette: PaletteApp) -> None:
    """Without a tray: Ctrl+Shift+M, Ctrl+, and 新建话术 from the palette's no-match state."""
    from PySide6.QtCore import Qt

    window = palette.window
    ctrl = Qt.KeyboardModifier.ControlModifier
    palette.controller.open()
    qtbot.keyClick(window.search, Qt.Key.Key_Comma, ctrl)
    assert palette._settings_window is not None and palette._settings_window.isVisible()
    assert not window.isVisible()

    palette.controller.open()
    qtbot.keyClick(window.search, Qt.Key.Key_M, ctrl | Qt.KeyboardModifier.ShiftModifier)
    assert palette._manager is not None and palette._manager.isVisible()
    palette._manager.hide()

    palette.controller.open()
    window.search.setText("请问还有其他问题吗")  # nothing matches while the index is still empty
    assert window.create_button.isVisible()
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    editor = palette._manager.editor
    assert palette._manager.isVisible() and editor.is_new
    assert editor.body.toPlainText() == "请问还有其他问题吗" and editor.title.text() == ""
    assert editor.dirty  # unsaved until the agent names it and saves


def test_the_usage_report_is_written_on_the_timer_and_at_quit(
    qtbot: QtBot, palette: PaletteApp, store: Store, tmp_path: Path
) -> None:
    from datetime import date

    from palette.core.model import UsageKind

    share = tmp_path / "share"
    share.mkdir()
    Settings(store).set_text("report_dir", str(share))
    Settings(store).set_text("report_minutes", "5")
    assert palette._report.interval() == 5 * 60_000  # a changed setting retimes the running app
    store.set_profile("工号", "1024")
    palette._report.timeout.emit()  # the timer fired: written off the GUI thread
    written = share / f"1024-{date.today().isoformat()}.json"
    qtbot.waitUntil(written.exists, timeout=3000)  # the rename: whole or not there
    assert json.loads(written.read_bytes())["phrases"] == []
    store.record_event("std-open-phone", UsageKind.PASTED)
    palette.stop()  # quitting writes the day's last counts
    assert json.loads(written.read_bytes())["phrases"][0]["pasted"] == 1
    assert [p.name for p in share.iterdir()] == [written.name]
