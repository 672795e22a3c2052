"""The first-run step (公司名称, 工号, 坐席姓名): asked once on an empty profile, skippable; the warm-up."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from palette.app import PaletteApp
from palette.core.config import Settings
from palette.core.store import Store
from palette.ui.first_run import FirstRunDialog, needs_first_run
from tests.widget.test_app_windows import uninstall


@pytest.fixture
def dialog(qtbot: QtBot, store: Store) -> FirstRunDialog:
    d = FirstRunDialog(store)
    qtbot.addWidget(d)
    d.present()
    qtbot.waitExposed(d)
    return d


def test_saved_values_reach_the_profile_and_it_is_not_asked_again(
    qtbot: QtBot, dialog: FirstRunDialog, store: Store
) -> None:
    assert needs_first_run(store)
    dialog.edits["公司名称"].setText("中国电信")  # as an input method commits it
    dialog.edits["坐席姓名"].setText(" 小李 ")  # 工号 left blank: not stored as ""
    with qtbot.waitSignal(dialog.finished, timeout=1000):
        qtbot.keyClick(dialog.edits["坐席姓名"], Qt.Key.Key_Return)
    assert store.profile() == {"公司名称": "中国电信", "坐席姓名": "小李"}
    assert not dialog.isVisible() and not needs_first_run(store)


@pytest.mark.parametrize("how", ["button", "escape", "close"])
def test_skipping_in_any_way_is_remembered(qtbot: QtBot, dialog: FirstRunDialog, store: Store, how: str) -> None:
    qtbot.keyClicks(dialog.edits["工号"], "1024")
    with qtbot.waitSignal(dialog.finished, timeout=1000):
        if how == "button":
            dialog.skip_button.click()
        elif how == "escape":
            qtbot.keyClick(dialog.edits["工号"], Qt.Key.Key_Escape)
        else:
            dialog.close()
    assert store.profile() == {} and Settings(store).config().first_run_done is True
    assert not needs_first_run(store)


def test_an_agent_with_a_profile_is_not_asked(store: Store) -> None:
    store.set_profile("工号", "1024")
    assert not needs_first_run(store)


@pytest.fixture
def started(qapp: QApplication, store: Store, monkeypatch: pytest.MonkeyPatch) -> Iterator[PaletteApp]:
    monkeypatch.setenv("XDG_CONFIG_HOME", str(store.path.parent / "config"))
    app = PaletteApp(qapp, store)
    qapp.aboutToQuit.disconnect(app.stop)
    app.start()
    yield app
    app.stop()
    for w in (app._first_run, app.window):
        if w is not None:
            w.close()
            w.deleteLater()
    uninstall(qapp, app)


def test_the_app_asks_after_the_start_and_warms_the_palette_hidden(qtbot: QtBot, started: PaletteApp) -> None:
    qtbot.waitUntil(lambda: started._first_run is not None and started._first_run.isVisible())
    qtbot.waitUntil(lambda: not started.window.loading)
    assert started.window.model.rowCount() > 0  # warmed with rows, for the fonts and the delegate
    assert not started.window.isVisible()
    assert started._first_run is not None
    started._first_run.skip()
    assert not needs_first_run(started.store)
