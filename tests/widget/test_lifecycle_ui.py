"""The team lead's loop in the windows: the manager's state filter and 团队已更新 panel, the palette's mark,
and a phrase that left its dates while the palette was open is not pasted."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, timedelta

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from palette.core.model import Library, LibraryKind, Phrase
from palette.core.search import SearchIndex
from palette.core.store import Store
from palette.platform.clipboard import ClipboardKeeper
from palette.platform.paster import Paster
from palette.ui.controller import PaletteController
from palette.ui.manager import PhraseManager
from palette.ui.manager.lifecycle import StateFilter, diff_html
from palette.ui.palette_window import PaletteWindow
from palette.ui.rows import RowDelegate
from tests.widget.test_manager import shown_manager

TEAM = "资费组"
TODAY = date.today()
YESTERDAY = (TODAY - timedelta(days=1)).isoformat()
TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def layer(store: Store, wait_body: str = "请您稍等,我马上为您查询。") -> None:
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [
            Phrase(f"{TEAM}#old", TEAM, "资费", "旧资费", "旧资费每月五十八元", valid_until=YESTERDAY),
            Phrase(f"{TEAM}#new", TEAM, "资费", "新资费", "新资费每月四十八元", valid_from=TOMORROW, sort_order=1),
            Phrase(f"{TEAM}#wait", TEAM, "服务", "请稍候", wait_body, sort_order=2),
        ],
    )


@pytest.fixture
def team(store: Store) -> Store:
    layer(store)
    store.add_phrase(category="服务", title="我的稍候", body="请稍等,马上为您查", override_of=f"{TEAM}#wait")
    layer(store, "请您稍等一分钟,我马上为您查询。")  # the team changed it under the agent's version
    return store


@pytest.fixture
def manager(qtbot: QtBot, team: Store) -> Iterator[PhraseManager]:
    yield from shown_manager(qtbot, team)


def keys(m: PhraseManager) -> list[str]:
    return [e.key for e in m.model.rows]


def test_the_state_filter_lists_upcoming_expired_and_team_updated(manager: PhraseManager) -> None:
    manager.select_node(TEAM)
    assert keys(manager) == [f"{TEAM}#old", f"{TEAM}#new", f"{TEAM}#wait"]
    for choice, expected in (
        (StateFilter.EXPIRED, [f"{TEAM}#old"]),
        (StateFilter.UPCOMING, [f"{TEAM}#new"]),
        (StateFilter.UPDATED, [f"{TEAM}#wait"]),
    ):
        manager.state_filter.setCurrentIndex(choice)
        assert keys(manager) == expected
    manager.state_filter.setCurrentIndex(StateFilter.ALL)
    states = [manager.model.state_text(e) for e in manager.model.rows]
    assert states == ["已失效", "未生效", "已自定义 · 团队已更新"]
    grey = QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    colours = [manager.model.data(manager.model.index(r, 0), Qt.ItemDataRole.ForegroundRole) for r in range(3)]
    assert colours[:2] == [grey, grey] and colours[2] is None  # off the shelf today: greyed


def test_the_panel_shows_old_new_and_mine_and_keep_clears_the_mark(
    qtbot: QtBot, manager: PhraseManager, team: Store
) -> None:
    manager.select_node(TEAM)
    assert manager.select_entry(f"{TEAM}#old")
    qtbot.waitUntil(lambda: not manager.updates.isVisible())
    assert manager.select_entry(f"{TEAM}#wait")
    qtbot.waitUntil(manager.updates.isVisible)
    assert "请您稍等," in manager.updates.old_text.toPlainText()
    assert "一分钟" in manager.updates.new_text.toPlainText()
    assert "请稍等,马上为您查" in manager.updates.mine_text.toPlainText()
    qtbot.mouseClick(manager.updates.keep_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not manager.updates.isVisible())
    assert team.team_updates() == {}
    assert any(p.override_of == f"{TEAM}#wait" for p in team.phrases())  # the agent's version stays


def test_take_the_teams_drops_the_override_undoably(qtbot: QtBot, manager: PhraseManager, team: Store) -> None:
    manager.select_node(TEAM)
    assert manager.select_entry(f"{TEAM}#wait")
    qtbot.waitUntil(manager.updates.isVisible)
    qtbot.mouseClick(manager.updates.take_button, Qt.MouseButton.LeftButton)
    assert not any(p.override_of == f"{TEAM}#wait" for p in team.phrases())
    assert team.team_updates() == {}
    qtbot.waitUntil(lambda: not manager.updates.isVisible())
    manager.undo_stack.undo()
    assert any(p.override_of == f"{TEAM}#wait" for p in team.phrases())


def test_diff_marks_what_went_and_what_came() -> None:
    old, new = diff_html("月租五十八元", "月租四十八元")
    assert "line-through" in old and "五" in old
    assert "background" in new and "四" in new and "五" not in new


# -- the palette -----------------------------------------------------------------------------------------


@pytest.fixture
def palette(qtbot: QtBot, team: Store) -> Iterator[tuple[PaletteController, list[datetime]]]:
    window = PaletteWindow()
    qtbot.addWidget(window)
    now = [datetime.now()]
    index = SearchIndex.from_store(team)
    controller = PaletteController(
        team, window, Paster(None, ClipboardKeeper()), None, index.query, clock=lambda: now[0]
    )
    yield controller, now
    window.hide()


def test_a_palette_row_marks_an_override_the_team_changed(
    palette: tuple[PaletteController, list[datetime]],
) -> None:
    controller, _ = palette
    (row,) = [r for r in controller.rows("稍候") if r.title == "我的稍候"]
    assert row.team_updated
    option = QStyleOptionViewItem()
    option.rect.setWidth(600)
    option.font = QApplication.font()
    assert "团队已更新" in RowDelegate().document(row, 1, option).toPlainText()
    assert not any(r.team_updated for r in controller.rows("资费"))


def test_a_phrase_that_left_its_dates_while_shown_is_not_pasted(
    qtbot: QtBot, palette: tuple[PaletteController, list[datetime]], team: Store
) -> None:
    controller, now = palette
    team.add_phrase(category="活动", title="今日活动", body="今日活动正文", valid_until=TODAY.isoformat())
    QGuiApplication.clipboard().setText("before")
    controller.open()
    qtbot.waitExposed(controller.window)
    controller.window.search.setText("今日活动")
    now[0] = datetime.now() + timedelta(days=1)  # midnight passes with the list on screen
    qtbot.keyClick(controller.window.search, Qt.Key.Key_Return)
    assert controller.window.warning.isVisible() and "有效期" in controller.window.warning.text()
    assert QGuiApplication.clipboard().text() == "before"
    assert team.usage() == {}
