"""The phrase manager on Qt's offscreen platform, driven by its keyboard shortcuts, against a real store.

Every test also looks at what the palette would find: a `SearchIndex` built before the change and
kept current only by the store's notifications, as in the running app.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from palette.core.editing import Entry
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Library, LibraryKind, Phrase
from palette.core.search import Hit, SearchIndex
from palette.core.standard import source_data
from palette.core.store import Store
from palette.ui.manager import CategoryPicker, PhraseManager
from palette.ui.manager.table import PAGE
from tests.stored import stored

CTRL = Qt.KeyboardModifier.ControlModifier
ALT = Qt.KeyboardModifier.AltModifier
TEAM = "客服一组"
REFUND = "您好,退款将在3个工作日内原路退回。"


@pytest.fixture
def team(store: Store) -> Store:
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [
            Phrase("t-refund", TEAM, "售后", "退款说明", REFUND, shortcut="tk1"),
            Phrase("t-wait", TEAM, "售后", "请稍候", "请您稍等,我马上为您查询。", sort_order=1),
        ],
    )
    store.set_profile("公司名称", "中国电信")
    store.set_profile("工号", "1024")
    return store


@pytest.fixture
def index(team: Store) -> SearchIndex:
    return SearchIndex.from_store(team)


def shown_manager(qtbot: QtBot, store: Store) -> Iterator[PhraseManager]:
    """A manager on `store`, shown and active; the body of every manager fixture (`yield from`)."""
    m = PhraseManager(store)
    qtbot.addWidget(m)
    m.present()
    qtbot.waitExposed(m)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is m)
    yield m
    m.editor.load(None)  # nothing unsaved left to block closing


@pytest.fixture
def manager(qtbot: QtBot, team: Store) -> Iterator[PhraseManager]:
    yield from shown_manager(qtbot, team)


def key(qtbot: QtBot, m: PhraseManager, k: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier) -> None:
    """A shortcut as the agent presses it, with the keyboard in the phrase table."""
    m.table.setFocus()
    qtbot.keyClick(m.table, k, mods)


def choose(m: PhraseManager, uid_or_key: str, library: str | None = None) -> None:
    m.filter.clear()
    m.select_node(library)
    assert m.select_entry(uid_or_key), f"{uid_or_key} not in view"


def current(m: PhraseManager) -> Entry:
    entry = m.current_entry()
    assert entry is not None, "no phrase selected"
    return entry


def titles(hits: list[Hit]) -> list[str]:
    return [h.phrase.title for h in hits]


def new_phrase(qtbot: QtBot, m: PhraseManager, title: str, body: str, shortcut: str = "", category: str = "") -> Phrase:
    key(qtbot, m, Qt.Key.Key_N, CTRL)
    assert m.editor.is_new and m.editor.title.hasFocus()
    m.editor.title.setText(title)  # Chinese through setText: keyClicks with CJK aborts Qt
    m.editor.body.setPlainText(body)
    m.editor.shortcut.setText(shortcut)
    if category:
        m.editor.category.setCurrentText(category)
    qtbot.keyClick(m.editor.title, Qt.Key.Key_S, CTRL)
    made = [p for p in m.store.phrases(PERSONAL_LIBRARY) if p.title == title]
    assert len(made) == 1
    return made[0]


def test_create_edit_delete_and_undo(qtbot: QtBot, manager: PhraseManager, index: SearchIndex) -> None:
    store = manager.store
    manager.select_node(PERSONAL_LIBRARY)  # empty: a new phrase goes to 常用
    p = new_phrase(qtbot, manager, "宽带报修", "您好,[公司名称]已为您登记宽带报修。", shortcut="bx")
    assert (p.category, p.shortcut) == ("常用", "bx")
    assert current(manager).key == p.uid
    assert titles(index.query("bx", 3))[0] == "宽带报修"

    manager.editor.body.setPlainText("您好,已为您登记宽带报修,工程师两小时内联系您。")
    qtbot.keyClick(manager.editor.body, Qt.Key.Key_S, CTRL)
    assert stored(store, p.uid).body == "您好,已为您登记宽带报修,工程师两小时内联系您。"
    assert titles(index.query("工程师", 3)) == ["宽带报修"]

    key(qtbot, manager, Qt.Key.Key_Delete)
    assert store.get(p.uid) is None
    assert "宽带报修" not in titles(index.query("bx", 3))
    assert manager.act_undo.toolTip().startswith("撤销 删除「宽带报修」")
    assert "已删除" in manager.statusBar().currentMessage()

    key(qtbot, manager, Qt.Key.Key_Z, CTRL)  # the delete
    restored = store.get(p.uid)
    assert restored is not None and "工程师" in restored.body
    assert current(manager).key == p.uid
    key(qtbot, manager, Qt.Key.Key_Z, CTRL)  # the edit
    assert stored(store, p.uid).body == "您好,[公司名称]已为您登记宽带报修。"
    assert titles(index.query("工程师", 3)) == []
    key(qtbot, manager, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo the edit
    assert "工程师" in stored(store, p.uid).body


def test_customise_a_team_phrase_then_restore_the_team_version(
    qtbot: QtBot, manager: PhraseManager, index: SearchIndex
) -> None:
    store = manager.store
    choose(manager, "t-refund", TEAM)
    assert manager.editor.body.isReadOnly()
    assert not manager.act_revert.isEnabled()
    key(qtbot, manager, Qt.Key.Key_E, CTRL)
    override = next(p for p in store.phrases(PERSONAL_LIBRARY) if p.override_of == "t-refund")
    assert not manager.editor.body.isReadOnly()
    assert manager.editor.entry is not None and manager.editor.entry.customised

    manager.editor.body.setPlainText("您好,退款将在1个工作日内原路退回,请留意短信。")
    qtbot.keyClick(manager.editor.body, Qt.Key.Key_S, CTRL)
    assert stored(store, override.uid).body.startswith("您好,退款将在1个工作日")
    hits = index.query("tk1", 3)
    assert hits[0].phrase.uid == override.uid and "1个工作日" in hits[0].phrase.body
    assert stored(store, "t-refund").body == REFUND  # the team's text is untouched
    assert manager.model.state_text(current(manager)) == "已自定义"

    # a team re-import of the same layer keeps the override
    store.replace_layer(Library(TEAM, LibraryKind.TEAM), [stored(store, "t-refund"), stored(store, "t-wait")])
    assert index.query("tk1", 3)[0].phrase.uid == override.uid

    key(qtbot, manager, Qt.Key.Key_R, CTRL)
    assert store.get(override.uid) is None
    hits = index.query("tk1", 3)
    assert hits[0].phrase.uid == "t-refund" and hits[0].phrase.body == REFUND
    assert manager.editor.body.toPlainText() == REFUND and manager.editor.body.isReadOnly()

    key(qtbot, manager, Qt.Key.Key_Z, CTRL)  # undo the restore: the agent's version is back
    assert index.query("tk1", 3)[0].phrase.uid == override.uid


def test_delete_on_a_team_phrase_hides_it_and_ctrl_h_unhides(
    qtbot: QtBot, manager: PhraseManager, index: SearchIndex
) -> None:
    store = manager.store
    choose(manager, "t-wait", TEAM)
    key(qtbot, manager, Qt.Key.Key_Delete)
    assert stored(store, "t-wait").hidden
    assert "请稍候" not in titles(index.query("请稍候", 5))
    assert "已隐藏" in manager.model.state_text(current(manager))
    assert manager.act_hide.text() == "取消隐藏"

    key(qtbot, manager, Qt.Key.Key_H, CTRL)
    assert not stored(store, "t-wait").hidden
    assert titles(index.query("请稍候", 5))[0] == "请稍候"
    key(qtbot, manager, Qt.Key.Key_H, CTRL)
    assert stored(store, "t-wait").hidden
    key(qtbot, manager, Qt.Key.Key_Z, CTRL)
    assert not stored(store, "t-wait").hidden


def test_pin_puts_a_phrase_first_in_the_empty_palette(qtbot: QtBot, manager: PhraseManager, index: SearchIndex) -> None:
    choose(manager, "t-wait", TEAM)
    key(qtbot, manager, Qt.Key.Key_T, CTRL)
    assert stored(manager.store, "t-wait").pinned
    assert index.query("", 5)[0].phrase.uid == "t-wait"
    assert manager.act_pin.text() == "取消置顶"
    key(qtbot, manager, Qt.Key.Key_T, CTRL)
    assert index.query("", 5)[0].phrase.uid != "t-wait"


def test_duplicate_shortcut_and_forbidden_words_are_shown_before_saving(qtbot: QtBot, manager: PhraseManager) -> None:
    key(qtbot, manager, Qt.Key.Key_N, CTRL)
    editor = manager.editor
    editor.title.setText("我也不知道")
    editor.shortcut.setText("kc1")
    editor.body.setPlainText("这个我不知道,您好[坐席姓明]")
    lines = editor.warning_lines()
    assert any("快捷码“kc1”已被「电话标准开场」" in line for line in lines), lines
    assert any("标题含服务禁语“不知道”" in line for line in lines), lines
    assert any("内容含服务禁语“不知道”,建议改为“我帮您核实一下”" in line for line in lines), lines
    assert any("[坐席姓明] 可能写错了,是不是 [坐席姓名]" in line for line in lines), lines
    assert manager.store.phrases(PERSONAL_LIBRARY) == []  # warnings only: nothing saved yet

    editor.shortcut.setText("kc99")
    editor.body.setPlainText("您好,[公司名称][工号]为您服务,[客户姓名]")
    lines = editor.warning_lines()
    assert not any("快捷码" in line or "内容含服务禁语" in line for line in lines), lines
    assert lines.count("内容里的中文用了半角“,”，应为全角“，”") == 1, lines  # two commas, one line
    assert editor.preview.text().count("中国电信") == 1 and "1024" in editor.preview.text()
    assert editor.asks.text() == "粘贴时询问:客户姓名"


def test_a_phrase_without_a_body_is_not_saved(qtbot: QtBot, manager: PhraseManager) -> None:
    key(qtbot, manager, Qt.Key.Key_N, CTRL)
    manager.editor.title.setText("空的")
    qtbot.keyClick(manager.editor.title, Qt.Key.Key_S, CTRL)
    assert manager.store.phrases(PERSONAL_LIBRARY) == []
    assert "请填写内容" in manager.editor.warning_lines()
    assert manager.editor.body.hasFocus()


def test_switching_rows_saves_the_edit(qtbot: QtBot, manager: PhraseManager) -> None:
    p = new_phrase(qtbot, manager, "甲", "第一条")
    new_phrase(qtbot, manager, "乙", "第二条")
    choose(manager, p.uid, PERSONAL_LIBRARY)
    manager.editor.body.setPlainText("第一条,改过")
    manager.table.setFocus()
    qtbot.keyClick(manager.table, Qt.Key.Key_Down)
    qtbot.waitUntil(lambda: stored(manager.store, p.uid).body == "第一条,改过")
    assert manager.editor.title.text() == "乙"


def test_filter_uses_the_search_engine_and_finds_hidden_phrases(qtbot: QtBot, manager: PhraseManager) -> None:
    manager.store.set_flags("t-wait", hidden=True)
    manager.refresh()
    key(qtbot, manager, Qt.Key.Key_F, CTRL)
    assert manager.filter.hasFocus()
    manager.filter.setText("qsh")  # pinyin initials of 请稍候
    assert [e.key for e in manager.model.rows][:1] == ["t-wait"]
    manager.filter.setText("tk1")
    assert [e.key for e in manager.model.rows][:1] == ["t-refund"]
    manager.select_node(STANDARD_LIBRARY)  # the filter searches the node in view
    assert "t-refund" not in [e.key for e in manager.model.rows]
    qtbot.keyClick(manager.filter, Qt.Key.Key_Escape)
    assert manager.filter.text() == "" and manager.model.rowCount() == len(source_data().phrases)


def test_the_filter_lists_every_match_a_page_at_a_time(qtbot: QtBot, store: Store) -> None:
    """More matches than the palette's scan budget and than one page: scrolling lists them all, once."""
    n = 2 * PAGE + 37
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [Phrase(f"t-{i}", TEAM, "业务", f"业务说明{i}", f"关于第{i}号业务的说明。", sort_order=i) for i in range(n)],
    )
    m = PhraseManager(store)
    qtbot.addWidget(m)
    m.present()
    m.select_node(TEAM)
    m.filter.setText("业务说明")
    assert m.model.rowCount() == PAGE and m.model.canFetchMore(QModelIndex())
    while m.model.canFetchMore(QModelIndex()):
        m.model.fetchMore(QModelIndex())
    keys = [e.key for e in m.model.rows]
    assert sorted(keys) == sorted(f"t-{i}" for i in range(n))
    m.filter.setText("第7号")  # a short list needs no second page
    assert [e.key for e in m.model.rows][:1] == ["t-7"] and not m.model.canFetchMore(QModelIndex())


def test_duplicate_copies_without_the_shortcut(qtbot: QtBot, manager: PhraseManager) -> None:
    choose(manager, "t-refund", TEAM)
    key(qtbot, manager, Qt.Key.Key_D, CTRL)
    copy = next(p for p in manager.store.phrases(PERSONAL_LIBRARY))
    assert (copy.title, copy.body, copy.shortcut, copy.override_of) == ("退款说明(副本)", REFUND, "", None)
    assert manager.editor.entry is not None and manager.editor.entry.key == copy.uid
    key(qtbot, manager, Qt.Key.Key_Z, CTRL)
    assert manager.store.phrases(PERSONAL_LIBRARY) == []


def test_move_to_category(qtbot: QtBot, manager: PhraseManager, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(CategoryPicker, "ask", classmethod(lambda cls, parent, cats, current: "投诉处理"))
    p = new_phrase(qtbot, manager, "加急处理", "已为您加急处理。")
    key(qtbot, manager, Qt.Key.Key_M, CTRL)
    assert stored(manager.store, p.uid).category == "投诉处理"

    choose(manager, "t-refund", TEAM)  # a team phrase moves as the agent's own version
    key(qtbot, manager, Qt.Key.Key_M, CTRL)
    override = next(q for q in manager.store.phrases(PERSONAL_LIBRARY) if q.override_of == "t-refund")
    assert override.category == "投诉处理" and stored(manager.store, "t-refund").category == "售后"
    key(qtbot, manager, Qt.Key.Key_Z, CTRL)
    assert all(q.override_of is None for q in manager.store.phrases(PERSONAL_LIBRARY))


def order(store: Store) -> list[str]:
    return [p.title for p in sorted(store.phrases(PERSONAL_LIBRARY), key=lambda p: p.sort_order)]


def test_reorder_with_keys_and_by_dragging(qtbot: QtBot, manager: PhraseManager) -> None:
    store = manager.store
    a, _b, c = (new_phrase(qtbot, manager, t, f"{t}的内容") for t in ("一", "二", "三"))
    choose(manager, a.uid, PERSONAL_LIBRARY)
    assert [e.shown.title for e in manager.model.rows] == ["一", "二", "三"]
    key(qtbot, manager, Qt.Key.Key_Down, ALT)
    assert order(store) == ["二", "一", "三"]
    assert [e.shown.title for e in manager.model.rows] == ["二", "一", "三"]
    assert current(manager).key == a.uid
    key(qtbot, manager, Qt.Key.Key_Up, ALT)
    assert order(store) == ["一", "二", "三"]

    model = manager.model
    data = model.mimeData([model.index(2, 0)])  # drag 三 onto the first row
    assert model.dropMimeData(data, Qt.DropAction.MoveAction, 0, 0, QModelIndex())
    qtbot.waitUntil(lambda: order(store) == ["三", "一", "二"])
    assert current(manager).key == c.uid
    key(qtbot, manager, Qt.Key.Key_Z, CTRL)
    assert order(store) == ["一", "二", "三"]

    manager.select_node(STANDARD_LIBRARY)  # team and standard phrases keep their library's order
    assert not manager.model.flags(manager.model.index(0, 0)) & Qt.ItemFlag.ItemIsDragEnabled
    assert not manager.act_up.isEnabled()


def test_changes_made_elsewhere_show_while_open(qtbot: QtBot, manager: PhraseManager) -> None:
    manager.select_node(PERSONAL_LIBRARY)
    manager.store.add_phrase(category="常用", title="命令行添加", body="palette add 加的")
    qtbot.waitUntil(lambda: [e.shown.title for e in manager.model.rows] == ["命令行添加"])
    labels = [item.text(0) for item in manager.tree.items() if item.parent() is None]
    assert "我的话术 (1)" in labels


def test_escape_in_the_editor_discards_the_typing(qtbot: QtBot, manager: PhraseManager) -> None:
    p = new_phrase(qtbot, manager, "甲", "原来的内容")
    manager.editor.body.setPlainText("改了一半")
    assert manager.act_save.isEnabled() and manager.act_discard.isEnabled()
    manager.editor.body.setFocus()
    qtbot.keyClick(manager.editor.body, Qt.Key.Key_Escape)
    assert manager.editor.body.toPlainText() == "原来的内容" and not manager.act_save.isEnabled()
    assert stored(manager.store, p.uid).body == "原来的内容"
    assert manager.table.hasFocus()


def test_a_big_store_opens_on_the_first_page_then_lists_everything(
    qtbot: QtBot, team: Store, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above `BIG` phrases the window shows the tree and one page at once and reads the rest after it
    is shown; then it lists what a small store's window lists, and an edit patches it."""
    from palette.ui.manager import loading

    many = [Phrase(f"b-{i}", "大库", f"k{i % 3}", f"b{i}", "b", sort_order=i) for i in range(PAGE * 2)]
    team.replace_layer(Library("大库", LibraryKind.TEAM), many)
    monkeypatch.setattr(loading, "BIG", PAGE)
    m = PhraseManager(team)
    qtbot.addWidget(m)
    m.present()
    total = len(team.phrases())
    assert m.model.rowCount() == PAGE  # the first page only
    top = m.tree.topLevelItem(0)
    assert top is not None and top.text(0).endswith(f"({total})")  # counted without reading them
    qtbot.waitUntil(lambda: m.model.rowCount() == total)
    assert m.up_to_date
    assert [e.key for e in m.model.rows] == [e.key for e in m.listing.entries]
    m.select_entry("b-7")
    m.customise()
    assert m.by_key["b-7"].customised and m.model.rows[m.table.currentIndex().row()].key == "b-7"
    assert m.model.rowCount() == total
    m.editor.load(None)
