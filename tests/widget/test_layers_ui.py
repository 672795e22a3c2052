"""The manager's 启用此话术库 switch and collision marks, and the palette's note for a `#category` that
matches nothing, on Qt's offscreen platform with a real store and search index."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication, QTreeWidgetItem
from pytestqt.qtbot import QtBot

from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Library, LibraryKind, Phrase
from palette.core.search import SearchIndex
from palette.core.store import Store
from palette.ui.manager import PhraseManager
from palette.ui.manager.table import _WARN, EntryModel
from palette.ui.palette_window import PaletteWindow
from tests.stored import stored_library
from tests.widget.test_manager import shown_manager

TEAM = "客服一组"


@pytest.fixture
def team(store: Store) -> Store:
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [
            Phrase("t-open", TEAM, "开场", "团队开场", "您好,团队开场。", shortcut="KC1"),
            Phrase("t-wait", TEAM, "售后", "请稍候", "请您稍等。", shortcut="zz7", sort_order=1),
        ],
    )
    return store


@pytest.fixture
def manager(qtbot: QtBot, team: Store) -> Iterator[PhraseManager]:
    yield from shown_manager(qtbot, team)


def library_item(m: PhraseManager, name: str) -> QTreeWidgetItem:
    return next(i for i in m.tree.items() if i.data(0, Qt.ItemDataRole.UserRole) == (name, None))


def shortcut_cell(m: PhraseManager, uid: str, role: Qt.ItemDataRole) -> object:
    m.filter.clear()
    m.select_node(None)
    row = next(n for n, e in enumerate(m.model.rows) if e.key == uid)
    return m.model.data(m.model.index(row, EntryModel.SHORTCUT), role)


def test_switch_disables_and_enables_a_library(qtbot: QtBot, manager: PhraseManager, team: Store) -> None:
    index = SearchIndex.from_store(team)
    act = manager.act_enable_library
    manager.select_node(None)
    assert not act.isEnabled()  # 全部话术 is not a library
    manager.select_node(PERSONAL_LIBRARY)
    assert not act.isEnabled()  # the agent's own phrases cannot be switched off
    manager.select_node(STANDARD_LIBRARY)
    assert act.isEnabled() and act.isChecked() and act.text() == "启用此话术库"
    act.trigger()
    assert not stored_library(team, STANDARD_LIBRARY).enabled
    assert "std-open-phone" not in [h.phrase.uid for h in index.query("kc1")]
    grey = manager.palette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
    item = library_item(manager, STANDARD_LIBRARY)
    assert item.foreground(0).color() == grey and item.toolTip(0)
    assert not act.isChecked()
    assert shortcut_cell(manager, "std-open-phone", Qt.ItemDataRole.ForegroundRole) == QPalette().color(
        QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text
    )
    manager.select_node(STANDARD_LIBRARY)
    assert not act.isChecked()
    act.trigger()
    assert stored_library(team, STANDARD_LIBRARY).enabled
    assert index.query("kc1")[0].phrase.library in (STANDARD_LIBRARY, TEAM)
    assert library_item(manager, STANDARD_LIBRARY).foreground(0).color() != grey


def test_collisions_with_another_layer_are_marked(manager: PhraseManager, team: Store) -> None:
    assert shortcut_cell(manager, "t-open", Qt.ItemDataRole.ForegroundRole) == QColor(_WARN)
    tip = shortcut_cell(manager, "t-open", Qt.ItemDataRole.ToolTipRole)
    assert "KC1" in str(tip) and f"{STANDARD_LIBRARY} › " in str(tip)
    assert shortcut_cell(manager, "t-wait", Qt.ItemDataRole.ForegroundRole) is None
    assert shortcut_cell(manager, "t-wait", Qt.ItemDataRole.ToolTipRole) == "zz7"
    team.set_library_enabled(STANDARD_LIBRARY, False)
    manager.refresh()
    assert shortcut_cell(manager, "t-open", Qt.ItemDataRole.ForegroundRole) is None


def test_palette_says_when_no_category_matches(qtbot: QtBot, store: Store) -> None:
    index = SearchIndex.from_store(store)
    w = PaletteWindow()
    qtbot.addWidget(w)
    w.set_rows(lambda _q: [])
    w.set_unknown_categories(index.unknown_categories)
    w.present()
    qtbot.waitExposed(w)
    w.search.setText("#宽带")
    w.refresh()
    assert w.empty_label.text() == "没有与“宽带”匹配的分类"
    assert w.create_button.isHidden()  # a phrase called "#宽带" is not what the agent wanted
    w.search.setText("#问候 zzqqxx")
    w.refresh()
    assert w.empty_label.text() == "没有匹配的话术" and not w.create_button.isHidden()
    QApplication.processEvents()
