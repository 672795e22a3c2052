"""The palette window and the main flow on Qt's offscreen platform: keys, IME, the form, the guard.

The flow runs with the real controller, engines, store and paster. Offscreen there is no window to
paste into, so a paste ends as "copied": the finished text is on the (in-process) clipboard, which
is what these tests read.
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QPoint, QRect, Qt
from PySide6.QtGui import QColor, QGuiApplication, QInputMethodEvent, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QStyle, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from palette.core.standard import source_data
from palette.core.store import Store
from palette.platform.base import WindowRef
from palette.platform.clipboard import ClipboardKeeper
from palette.platform.instance import InstanceServer
from palette.platform.paster import PasteOutcome, Paster
from palette.ui.controller import PaletteController, key_label
from palette.ui.palette_window import Choice, ChoiceMode, PaletteWindow
from palette.ui.placement import GAP
from palette.ui.rows import (
    BAN_STYLE,
    SUGGESTED_STYLE,
    Row,
    RowDelegate,
    ban_mark,
    contrast,
    readable,
    row_colours,
)

STD = {p.shortcut or p.title: p for p in source_data().phrases}  # by shortcut, else by title
GREETING = STD["kc1"].body.replace("[公司名称]", "中国电信").replace("[工号]", "1024")
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def rows(n: int) -> list[Row]:
    return [Row(f"u{i}", "分类", f"标题{i}", "", f"正文{i}") for i in range(n)]


@pytest.fixture
def window(qtbot: QtBot) -> PaletteWindow:
    w = PaletteWindow()
    qtbot.addWidget(w)
    w.set_rows(lambda q: [r for r in rows(12) if q in r.title])
    w.present()
    qtbot.waitExposed(w)
    return w


def choose(
    qtbot: QtBot, w: PaletteWindow, key: Qt.Key, mods: Qt.KeyboardModifier = Qt.KeyboardModifier.NoModifier
) -> tuple[Row, ChoiceMode]:
    with qtbot.waitSignal(w.chosen, timeout=1000) as blocker:
        qtbot.keyClick(w.search, key, mods)
    assert blocker.args is not None
    row, choice = blocker.args
    assert isinstance(choice, Choice) and not choice.confirmed
    return row, choice.mode


def test_arrows_and_emacs_keys_move_enter_pastes(qtbot: QtBot, window: PaletteWindow) -> None:
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.keyClick(window.search, Qt.Key.Key_Down)
    qtbot.keyClick(window.search, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.search, Qt.Key.Key_P, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(window.search, Qt.Key.Key_Up)
    row, mode = choose(qtbot, window, Qt.Key.Key_Return)
    assert (row.uid, mode) == ("u1", "paste")


def test_results_follow_typing_and_show_at_most_nine(qtbot: QtBot, window: PaletteWindow) -> None:
    assert window.model.rowCount() == 9
    qtbot.keyClicks(window.search, "11")
    assert [r.uid for r in window.model.rows] == ["u11"]


def test_ctrl_enter_copies_and_alt_n_pastes_the_nth(qtbot: QtBot, window: PaletteWindow) -> None:
    assert choose(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)[1] == "copy"
    row, mode = choose(qtbot, window, Qt.Key.Key_3, Qt.KeyboardModifier.AltModifier)
    assert (row.uid, mode) == ("u2", "paste")


def test_escape_closes(qtbot: QtBot, window: PaletteWindow) -> None:
    with qtbot.waitSignal(window.hidden, timeout=1000):
        qtbot.keyClick(window.search, Qt.Key.Key_Escape)
    assert not window.isVisible()


def test_losing_focus_closes(qtbot: QtBot, window: PaletteWindow) -> None:
    with qtbot.waitSignal(window.hidden, timeout=1000):
        QApplication.sendEvent(window, QEvent(QEvent.Type.WindowDeactivate))
    assert not window.isVisible()


def test_enter_while_composing_commits_instead_of_pasting(qtbot: QtBot, window: PaletteWindow) -> None:
    """espanso #2687: Enter that ends a pinyin composition must not paste."""
    window.set_rows(lambda q: rows(3))
    pasted: list[object] = []
    window.chosen.connect(lambda *a: pasted.append(a))
    QApplication.sendEvent(window.search, QInputMethodEvent("biao", []))
    assert window.search.preedit == "biao"
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert pasted == []
    assert window.search.text() == "biao" and window.search.preedit == ""
    row, _mode = choose(qtbot, window, Qt.Key.Key_Return)  # composition over: Enter pastes again
    assert row.uid == "u0"


def test_keys_typed_while_opening_are_replayed_in_order(qtbot: QtBot, window: PaletteWindow) -> None:
    window.replay_keys([(ord("1"), "1"), (ord("1"), "1")])
    assert window.search.text() == "11"


# -- the whole flow with the real controller ---------------------------------------------------------


@pytest.fixture
def flow(qtbot: QtBot, store: Store) -> Iterator[PaletteController]:
    from palette.core.search import SearchIndex

    store.set_profile("公司名称", "中国电信")
    store.set_profile("工号", "1024")
    window = PaletteWindow()
    qtbot.addWidget(window)
    paster = Paster(None, ClipboardKeeper())
    controller = PaletteController(store, window, paster, None, SearchIndex.from_store(store).query)
    yield controller
    window.hide()


def pick(qtbot: QtBot, c: PaletteController, query: str) -> None:
    c.open()
    qtbot.waitExposed(c.window)
    c.window.search.setText(query)
    qtbot.keyClick(c.window.search, Qt.Key.Key_Return)


def clipboard() -> str:
    return QGuiApplication.clipboard().text()


def test_a_complete_phrase_is_pasted_and_recorded(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        pick(qtbot, flow, "kc1")
    assert clipboard() == GREETING
    assert store.usage()[STD["kc1"].uid].count == 1


def test_form_asks_once_per_conversation(qtbot: QtBot, flow: PaletteController) -> None:
    pick(qtbot, flow, "kc5")  # 回访开场: [客户姓名]您好，我是[公司名称]客服[工号] …
    assert flow.window.showing_form()
    assert flow.form.names() == ["客户姓名"]
    flow.form.field("客户姓名").setText("王女士")
    preview = flow.form.findChild(type(flow.window.preview), "preview")
    assert preview is not None and "王女士您好，我是中国电信客服1024" in preview.text().replace("<b>", "").replace(
        "</b>", ""
    )
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.form.field("客户姓名"), Qt.Key.Key_Return)
    assert clipboard().startswith("王女士您好，我是中国电信客服1024，")

    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        pick(qtbot, flow, "称呼客户")  # another phrase with [客户姓名]: already known
    assert clipboard() == STD["称呼客户问候"].body.replace("[客户姓名]", "王女士")

    flow.new_conversation()
    pick(qtbot, flow, "称呼客户")
    assert flow.window.showing_form() and flow.form.names() == ["客户姓名"]


def test_form_values_typed_through_an_input_method(qtbot: QtBot, flow: PaletteController) -> None:
    pick(qtbot, flow, "称呼客户")
    field = flow.form.field("客户姓名")
    event = QInputMethodEvent()
    event.setCommitString("李先生")
    QApplication.sendEvent(field, event)
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert clipboard().startswith("李先生您好")


def test_escape_in_the_form_returns_to_the_list(qtbot: QtBot, flow: PaletteController) -> None:
    pick(qtbot, flow, "称呼客户")
    qtbot.keyClick(flow.form.field("客户姓名"), Qt.Key.Key_Escape)
    assert not flow.window.showing_form() and flow.window.isVisible()


def test_the_form_is_compact_with_one_hint_line(qtbot: QtBot, flow: PaletteController) -> None:
    flow.open()
    qtbot.waitExposed(flow.window)
    list_height = flow.window.height()
    flow.window.search.setText("称呼客户")
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert flow.window.showing_form()
    field = flow.form.field("客户姓名")
    assert flow.window.height() < list_height / 2  # no tall empty panel around one field
    assert field.mapTo(flow.window, field.rect().bottomLeft()).y() < flow.window.height()
    hints = [w for w in flow.window.findChildren(QLabel) if w.isVisible() and "Esc" in w.text()]
    assert [h.text() for h in hints] == ["Tab 下一项 · Enter 粘贴 · Esc 返回列表"]
    qtbot.keyClick(field, Qt.Key.Key_Escape)
    assert flow.window.height() == list_height and flow.window.hint.isVisible()


def test_forbidden_word_warns_then_second_enter_pastes(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    store.add_phrase(category="测试", title="禁语测试", body="这个我不知道。")
    choices: list[Choice] = []
    flow.window.chosen.connect(lambda _row, choice: choices.append(choice))
    pick(qtbot, flow, "禁语测试")
    assert flow.window.warning.isVisible() and "不知道" in flow.window.warning.text()
    assert flow.window.isVisible()
    with qtbot.waitSignal(flow.paster.finished, timeout=2000) as done:
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert clipboard() == "这个我不知道。"
    assert choices == [Choice(ChoiceMode.PASTE), Choice(ChoiceMode.PASTE, confirmed=True)]
    assert done.args == [PasteOutcome.NO_TARGET]  # no desktop backend here: left on the clipboard


def test_ctrl_enter_copies_without_a_notice(qtbot: QtBot, flow: PaletteController) -> None:
    told: list[object] = []
    flow.notify.connect(lambda *a: told.append(a))
    flow.open()
    qtbot.waitExposed(flow.window)
    flow.window.search.setText("kc1")
    with qtbot.waitSignal(flow.paster.finished, timeout=2000) as done:
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert done.args == [PasteOutcome.ASKED] and clipboard() == GREETING
    assert told == []  # the agent asked for a copy: nothing to explain


def test_half_width_punctuation_in_chinese_is_pasted_full_width(
    qtbot: QtBot, flow: PaletteController, store: Store
) -> None:
    store.add_phrase(category="测试", title="标点测试", body="[客户姓名]您好,10:30到店可以吗?详见http://a.cn/x?y=1")
    pick(qtbot, flow, "标点测试")
    flow.form.field("客户姓名").setText("王(女士)")  # what is typed into the form is normalised too
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.form.field("客户姓名"), Qt.Key.Key_Return)
    assert clipboard() == "王（女士）您好，10:30到店可以吗？详见http://a.cn/x?y=1"
    flow.settings.set("normalize_punctuation", False)
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        pick(qtbot, flow, "标点测试")
    assert clipboard() == "王(女士)您好,10:30到店可以吗?详见http://a.cn/x?y=1"


def test_block_mode_refuses_a_forbidden_word(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    store.add_phrase(category="测试", title="禁语测试", body="这个我不知道。")
    flow.settings.set("guard_mode", "block")
    pasted: list[object] = []
    flow.paster.finished.connect(lambda *a: pasted.append(a))
    pick(qtbot, flow, "禁语测试")
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert pasted == [] and flow.window.warning.isVisible()


def test_forbidden_word_is_marked_before_enter(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    store.add_phrase(category="测试", title="禁语测试", body="这个我不知道。")
    flow.open()
    qtbot.waitExposed(flow.window)
    flow.window.search.setText("禁语测试")
    row = flow.window.current_row()
    assert row is not None and [f.word for f in row.forbidden] == ["不知道"]
    assert "⚠ 不知道" in ban_mark(row)  # the mark on the row in the list
    assert "不知道</span>" in flow.window.preview.text() and BAN_STYLE in flow.window.preview.text()
    assert "Ctrl+R" in flow.window.preview.text()


def test_ctrl_r_pastes_the_suggested_wording_once(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    uid = store.add_phrase(category="测试", title="禁语测试", body="这个我不知道。").uid
    pick(qtbot, flow, "禁语测试")  # Enter: the warning names the key
    assert "Ctrl+R" in flow.window.warning.text()
    qtbot.keyClick(flow.window.search, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    assert not flow.window.warning.isVisible()
    assert "我帮您核实一下" in flow.window.preview.text()
    assert SUGGESTED_STYLE in flow.window.preview.text()
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)  # no second warning: the text is clean now
    assert clipboard() == "这个我我帮您核实一下。"
    saved = store.get(uid)
    assert saved is not None and saved.body == "这个我不知道。"  # the phrase stays as saved
    pick(qtbot, flow, "禁语测试")  # and the next paste warns again
    assert flow.window.warning.isVisible()


def test_ctrl_r_works_in_block_mode_and_toggles_back(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    store.add_phrase(category="测试", title="禁语测试", body="这个我不知道。")
    flow.settings.set("guard_mode", "block")
    pick(qtbot, flow, "禁语测试")
    assert flow.window.warning.isVisible()
    qtbot.keyClick(flow.window.search, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(flow.window.search, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    row = flow.window.current_row()
    assert row is not None and not row.replace
    qtbot.keyClick(flow.window.search, Qt.Key.Key_R, Qt.KeyboardModifier.ControlModifier)
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert clipboard() == "这个我我帮您核实一下。"


def test_confirmation_keeps_the_values_just_filled_in(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    store.add_phrase(category="测试", title="禁语测试", body="[客户姓名],这个我不知道。")
    pick(qtbot, flow, "禁语测试")
    flow.form.field("客户姓名").setText("王女士")
    qtbot.keyClick(flow.form.field("客户姓名"), Qt.Key.Key_Return)
    assert flow.window.warning.isVisible()
    assert "王女士" in flow.window.preview.text() and "[客户姓名]" not in flow.window.preview.text()
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert clipboard() == "王女士，这个我不知道。"  # normalize_punctuation is on by default


def test_profile_value_missing_is_asked_and_saved(qtbot: QtBot, flow: PaletteController, store: Store) -> None:
    store.set_profile("工号", "")
    pick(qtbot, flow, "kc1")
    assert flow.form.names() == ["工号"]
    flow.form.field("工号").setText("2048")
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.form.field("工号"), Qt.Key.Key_Return)
    assert store.profile()["工号"] == "2048"


# -- one instance per user and data directory ----------------------------------------------------------


def test_second_start_asks_the_running_one_to_show(qtbot: QtBot, home: Path) -> None:
    server = InstanceServer(home)
    assert server.listen()
    assert not InstanceServer(home).listen()  # a second start in the same home is not the instance
    env = {**os.environ, "PALETTE_HOME": str(home)}
    with qtbot.waitSignal(server.command, timeout=10000) as blocker:
        proc = subprocess.Popen([sys.executable, "-m", "palette", "show"], env=env)
        qtbot.waitUntil(lambda: proc.poll() is not None, timeout=10000)
    assert blocker.args == ["show"] and proc.returncode == 0
    server.close()


def test_show_with_nothing_running_exits_2(home: Path) -> None:
    env = {**os.environ, "PALETTE_HOME": str(home)}
    out = subprocess.run([sys.executable, "-m", "palette", "show"], env=env, capture_output=True, text=True, timeout=30)
    assert out.returncode == 2 and "not running" in out.stderr and out.stderr.count("\n") == 1


def test_enter_before_the_index_is_ready_is_honoured_once_it_is(qtbot: QtBot, window: PaletteWindow) -> None:
    window.set_rows(lambda q: [])
    window.loading = True
    window.search.setText("11")
    chosen: list[tuple[Row, Choice]] = []
    window.chosen.connect(lambda row, choice: chosen.append((row, choice)))
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert chosen == []
    window.set_rows(lambda q: [r for r in rows(12) if q in r.title])
    window.results_ready()
    assert [(r.uid, c) for r, c in chosen] == [("u11", Choice(ChoiceMode.PASTE))]


# -- readable, elided, placed, and what happens when nothing matches (issue 16) ------------------------


def themed(dark: bool) -> QPalette:
    """Fusion's own light palette, or the dark one KDE/GNOME dark themes give Qt apps."""
    if not dark:
        return QApplication.style().standardPalette()
    pal = QPalette(QColor("#353535"))
    for role, colour in {
        QPalette.ColorRole.Base: "#2a2a2a",
        QPalette.ColorRole.Text: "#ffffff",
        QPalette.ColorRole.WindowText: "#ffffff",
        QPalette.ColorRole.Highlight: "#2a82da",
        QPalette.ColorRole.HighlightedText: "#ffffff",
        QPalette.ColorRole.Link: "#2a82da",
        QPalette.ColorRole.PlaceholderText: "#7f7f7f",
    }.items():
        pal.setColor(role, QColor(colour))
    return pal


def row_option(pal: QPalette, *, selected: bool, width: int = 640) -> QStyleOptionViewItem:
    option = QStyleOptionViewItem()
    option.palette = pal
    option.rect = QRect(0, 0, width, 60)
    option.font = QApplication.font()
    option.state = QStyle.StateFlag.State_Selected if selected else QStyle.StateFlag.State_None
    return option


HIT = Row(
    "u1", "问候", "开场白", "kc1", "[客户姓名]您好,很高兴为您服务", ("客户姓名",), ((0, 2),), ((7, 10),), ((0, 6),)
)


@pytest.mark.parametrize("dark", [False, True], ids=["light", "dark"])
@pytest.mark.parametrize("selected", [False, True], ids=["row", "selected"])
def test_highlights_are_readable_on_every_row(qtbot: QtBot, dark: bool, selected: bool) -> None:
    """Issue 16: dark-blue matches and orange placeholders vanished on the blue selection."""
    pal = themed(dark)
    c = row_colours(pal, selected=selected)
    for name, colour in {"text": c.text, "match": c.accent, "muted": c.muted}.items():
        assert contrast(colour, c.background) >= 4.5, (name, colour.name(), c.background.name())
    behind = c.warn_background or c.background  # on the selection, placeholders sit on their own patch
    assert contrast(c.warn, behind) >= 4.5, (c.warn.name(), behind.name())
    assert (c.warn_background is not None) == selected
    html_text = RowDelegate().document(HIT, 1, row_option(pal, selected=selected)).toHtml()
    painted = (c.accent, c.warn, c.muted) + ((behind,) if selected else ())
    for colour in painted:  # what is painted is what was measured
        assert colour.name() in html_text
    assert ("underline" in html_text) == selected  # on the selection, matches differ by more than colour


def test_readable_fixes_a_colour_that_is_not_and_keeps_one_that_is() -> None:
    blue = QColor("#308cc6")
    assert contrast(QColor("#d35400"), blue) < 4.5
    assert contrast(readable(QColor("#d35400"), blue), blue) >= 4.5
    assert readable(QColor("#000000"), QColor("#ffffff")) == QColor("#000000")
    grey = QColor("#767676")  # the hardest background: black and white both barely pass
    assert contrast(readable(grey, grey), grey) >= 4.5


def test_long_phrases_are_elided_with_an_ellipsis_never_cut(qtbot: QtBot) -> None:
    long = Row("u", "很长的分类名称", "标题" * 40, "", "您好," * 80 + "\n第二行", text_spans=((0, 2), (300, 310)))
    doc = RowDelegate().document(long, 1, row_option(themed(False), selected=False, width=320))
    head, body = doc.toPlainText().split("\n")
    assert head.endswith("…") and body.endswith("…")
    assert body.startswith("您好,您好,") and head.count("标题") >= 1
    assert doc.idealWidth() <= 320
    short = RowDelegate().document(HIT, 1, row_option(themed(False), selected=False)).toPlainText()
    assert "…" not in short


def test_no_match_is_a_compact_offer_to_create_the_phrase(qtbot: QtBot, window: PaletteWindow) -> None:
    full = window.height()
    window.search.setText("退款到账")
    assert window.empty.isVisible() and not window.list.isVisible() and not window.preview.isVisible()
    assert window.height() < full // 2
    assert "退款到账" in window.create_button.text() and window.create_button.isVisible()
    with qtbot.waitSignal(window.create_requested, timeout=1000) as blocker:
        qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert blocker.args == ["退款到账"] and not window.isVisible()
    window.present()
    assert window.list.isVisible() and window.height() == full


def test_new_conversation_says_so(qtbot: QtBot, window: PaletteWindow) -> None:
    assert not window.status.isVisible()
    with qtbot.waitSignal(window.new_conversation, timeout=1000):
        qtbot.keyClick(window.search, Qt.Key.Key_N, CTRL_SHIFT)
    assert window.status.isVisible() and "已开始新会话" in window.status.text()
    window.hide()
    window.present()
    assert not window.status.isVisible()


def test_keys_ask_for_the_manager_and_the_settings(qtbot: QtBot, window: PaletteWindow) -> None:
    with qtbot.waitSignal(window.manager_requested, timeout=1000):
        qtbot.keyClick(window.search, Qt.Key.Key_M, CTRL_SHIFT)
    window.present()
    with qtbot.waitSignal(window.settings_requested, timeout=1000):
        qtbot.keyClick(window.search, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert window.search.text() == ""


class Desk:
    """A desktop with one window, `wm_class`, at `geo`, that refuses pasted keys (like an elevated
    program on Windows), so the flow ends in the copy-only notice."""

    name = "test"

    def __init__(self, wm_class: str, geo: tuple[int, int, int, int]) -> None:
        self.window = WindowRef(1, 1, wm_class)
        self.geo = geo

    def active_window(self) -> WindowRef | None:
        return self.window

    def activate(self, window: WindowRef) -> None:
        pass

    def is_active(self, window: WindowRef) -> bool:
        return True

    def geometry(self, window: WindowRef) -> tuple[int, int, int, int] | None:
        return self.geo

    def modifiers_held(self) -> bool:
        return False

    def release_modifiers(self) -> None:
        pass

    def send_combo(self, combo: str) -> None:
        pass

    def can_paste_into(self, window: WindowRef) -> bool:
        return False


def desk_flow(qtbot: QtBot, store: Store, desk: Desk) -> PaletteController:
    from palette.core.search import SearchIndex

    window = PaletteWindow()
    qtbot.addWidget(window)
    return PaletteController(store, window, Paster(desk, ClipboardKeeper()), desk, SearchIndex.from_store(store).query)


@pytest.mark.parametrize(
    ("wm_class", "key"), [("xterm", "Shift+Insert"), ("konsole", "Ctrl+Shift+V"), ("crm", "Ctrl+V")]
)
def test_copy_only_notice_names_the_windows_paste_key(qtbot: QtBot, store: Store, wm_class: str, key: str) -> None:
    store.set_profile("公司名称", "中国电信")
    store.set_profile("工号", "1024")
    flow = desk_flow(qtbot, store, Desk(wm_class, (0, 0, 800, 800)))
    outcomes: list[PasteOutcome] = []
    flow.paster.finished.connect(outcomes.append)
    with qtbot.waitSignal(flow.notify, timeout=2000) as blocker:
        pick(qtbot, flow, "kc1")
    assert blocker.args is not None and f"请按 {key} 粘贴" in blocker.args[1]
    assert outcomes == [PasteOutcome.REFUSED]
    assert clipboard() == GREETING
    flow.window.hide()


def test_key_labels() -> None:
    assert [key_label(k) for k in ("shift+insert", "ctrl+shift+v", "ctrl+v")] == [
        "Shift+Insert",
        "Ctrl+Shift+V",
        "Ctrl+V",
    ]


def test_palette_opens_beside_the_window_else_where_it_was_dragged(qtbot: QtBot, store: Store) -> None:
    desk = Desk("chat", (0, 0, 120, 700))  # a narrow chat window at the left of the 800 px offscreen screen
    flow = desk_flow(qtbot, store, desk)
    flow.open()
    qtbot.waitExposed(flow.window)
    assert flow.window.pos() == QPoint(120 + GAP, 0)  # beside it, not over it
    flow.window.hide()

    desk.geo = (0, 0, 800, 800)  # maximised: no room beside it; the agent drags the palette down-right
    flow.open()
    qtbot.waitExposed(flow.window)
    start = flow.window.pos()
    qtbot.mouseClick(flow.window, Qt.MouseButton.LeftButton, pos=QPoint(4, 4))
    assert flow.settings.config().palette_positions == {}  # a click is not a drag
    qtbot.mousePress(flow.window, Qt.MouseButton.LeftButton, pos=QPoint(4, 4))
    qtbot.mouseMove(flow.window, QPoint(4 + 60, 4 + 30))
    qtbot.mouseRelease(flow.window, Qt.MouseButton.LeftButton, pos=QPoint(4 + 60, 4 + 30))
    dragged = flow.window.pos()
    assert dragged != start
    assert flow.settings.config().palette_positions == {flow.window.screen().name(): (dragged.x(), dragged.y())}
    flow.window.hide()

    flow.open()  # and it opens there again (clamped to the screen)
    qtbot.waitExposed(flow.window)
    assert flow.window.pos() == dragged
    flow.window.hide()
