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
from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QGuiApplication, QInputMethodEvent
from PySide6.QtWidgets import QApplication, QLabel
from pytestqt.qtbot import QtBot

from palette.core.store import Store
from palette.platform.clipboard import ClipboardKeeper
from palette.platform.instance import InstanceServer
from palette.platform.paster import Paster
from palette.ui.controller import PaletteController
from palette.ui.palette_window import BAN_STYLE, SUGGESTED_STYLE, PaletteWindow, Row, ban_mark

GREETING = "您好,中国电信客服1024,很高兴为您服务,请问有什么可以帮您?"


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
) -> tuple[Row, str]:
    with qtbot.waitSignal(w.chosen, timeout=1000) as blocker:
        qtbot.keyClick(w.search, key, mods)
    row, mode = blocker.args  # type: ignore[misc]
    return row, mode


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
    assert store.usage()["std-open-phone"].count == 1


def test_form_asks_once_per_conversation(qtbot: QtBot, flow: PaletteController) -> None:
    pick(qtbot, flow, "kc5")  # 回访开场: [客户姓名]您好,我是[公司名称]客服[工号] …
    assert flow.window.showing_form()
    assert flow.form.names() == ["客户姓名"]
    flow.form.field("客户姓名").setText("王女士")
    preview = flow.form.findChild(type(flow.window.preview), "preview")
    assert preview is not None and "王女士您好,我是中国电信客服1024" in preview.text().replace("<b>", "").replace(
        "</b>", ""
    )
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.form.field("客户姓名"), Qt.Key.Key_Return)
    assert clipboard().startswith("王女士您好,我是中国电信客服1024,")

    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        pick(qtbot, flow, "称呼客户")  # another phrase with [客户姓名]: already known
    assert clipboard() == "王女士您好,很高兴为您服务,请问今天有什么可以帮您?"

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
    pick(qtbot, flow, "禁语测试")
    assert flow.window.warning.isVisible() and "不知道" in flow.window.warning.text()
    assert flow.window.isVisible()
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    assert clipboard() == "这个我不知道。"


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
    assert clipboard() == "王女士,这个我不知道。"


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
    chosen: list[tuple[Row, str]] = []
    window.chosen.connect(lambda row, mode: chosen.append((row, mode)))
    qtbot.keyClick(window.search, Qt.Key.Key_Return)
    assert chosen == []
    window.set_rows(lambda q: [r for r in rows(12) if q in r.title])
    window.results_ready()
    assert [(r.uid, m) for r, m in chosen] == [("u11", "paste")]
