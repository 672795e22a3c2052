"""The usage report after real sessions: the controller's paste, fill-in, guard and search paths and the
manager's override save count what they should, and no report carries customer data.

Offscreen there is no window to paste into, so a paste ends as "copied" (as in test_palette_window).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from palette.cli.entry import main
from palette.core.model import Library, LibraryKind, Phrase
from palette.core.search import SearchIndex
from palette.core.store import Store
from palette.platform.clipboard import ClipboardKeeper
from palette.platform.paster import Paster
from palette.ui.controller import PaletteController
from palette.ui.manager import PhraseManager
from palette.ui.palette_window import PaletteWindow

TEAM = "售后一组"
PHRASES = [
    Phrase("t-callback", TEAM, "售后", "回访登记", "[客户姓名]您好，您登记的手机号[手机号]已更新。", shortcut="hf1"),
    Phrase("t-order", TEAM, "售后", "核对单号", "您提供的单号是[剪贴板]，我来查询。", shortcut="cx1", sort_order=1),
    Phrase("t-ban", TEAM, "售后", "不清楚", "这个我不知道，[客户姓名]。", shortcut="jy1", sort_order=2),
]
CUSTOMER_DATA = [
    "王秀英",
    "13912345678",
    "赵六",
    "李建国",
    "SF2233445566",
    "幸福路8号",
    "快递单号",
    "SF1234567890",
    "13900001111",
    "怎么还没到",
]
CLIPBOARD = "订单号 SF2233445566 地址 北京市朝阳区幸福路8号"
MESSAGE = "您好我的快递单号SF1234567890怎么还没到，电话13900001111"


@pytest.fixture
def team(store: Store) -> Store:
    store.replace_layer(Library(TEAM, LibraryKind.TEAM, version="2026.12"), PHRASES)
    store.set_profile("公司名称", "中国电信")
    store.set_profile("工号", "1024")
    return store


@pytest.fixture
def flow(qtbot: QtBot, team: Store) -> Iterator[PaletteController]:
    window = PaletteWindow()
    qtbot.addWidget(window)
    controller = PaletteController(
        team, window, Paster(None, ClipboardKeeper()), None, SearchIndex.from_store(team).query
    )
    yield controller
    window.hide()


def open_with(qtbot: QtBot, c: PaletteController, query: str) -> None:
    c.open()
    qtbot.waitExposed(c.window)
    qtbot.wait(20)  # the clipboard snapshot runs just after the palette shows
    c.window.search.setText(query)


def fill_and_paste(qtbot: QtBot, c: PaletteController, values: dict[str, str]) -> None:
    assert c.window.showing_form() and c.form.names() == list(values)
    for name, value in values.items():
        c.form.field(name).setText(value)
    with qtbot.waitSignal(c.paster.finished, timeout=2000):
        qtbot.keyClick(c.form.field(list(values)[-1]), Qt.Key.Key_Return)


def counts(store: Store) -> dict[tuple[str, str], int]:
    return {(kind, key): n for kind, key, _lib, _version, n in store.daily_counts(date.today())}


def test_a_realistic_session_is_counted_and_the_report_carries_no_customer_data(
    qtbot: QtBot, flow: PaletteController, team: Store, tmp_path: Path
) -> None:
    # a fill-in with a customer's name and phone, pasted
    open_with(qtbot, flow, "hf1")
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    fill_and_paste(qtbot, flow, {"客户姓名": "王秀英", "手机号": "13912345678"})
    assert QGuiApplication.clipboard().text().startswith("王秀英您好")

    # the agent's clipboard (an order and an address) pasted into a phrase, copy-only
    QGuiApplication.clipboard().setText(CLIPBOARD)
    open_with(qtbot, flow, "cx1")
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert "SF2233445566" in QGuiApplication.clipboard().text()

    # a customer's message in the search box, and a typed search, both finding nothing
    open_with(qtbot, flow, MESSAGE)
    assert not flow.window.model.rows
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Escape)
    open_with(qtbot, flow, "QQZZ 退货7天")
    assert not flow.window.model.rows
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Escape)

    # a new customer: a fill-in started and abandoned, then a 禁语 warning pasted through
    flow.new_conversation()
    open_with(qtbot, flow, "hf1")
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    flow.form.field("客户姓名").setText("赵六")
    qtbot.keyClick(flow.form.field("客户姓名"), Qt.Key.Key_Escape)
    flow.window.search.setText("jy1")
    qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)
    flow.form.field("客户姓名").setText("李建国")
    qtbot.keyClick(flow.form.field("客户姓名"), Qt.Key.Key_Return)
    assert flow.window.warning.isVisible()
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.window.search, Qt.Key.Key_Return)

    assert counts(team) == {
        ("copied", "t-callback"): 1,  # no target window offscreen: left on the clipboard
        ("copied", "t-order"): 1,
        ("copied", "t-ban"): 1,
        ("abandoned", "t-callback"): 1,
        ("guard_overridden", "t-ban"): 1,
        ("guard_word", "不知道"): 1,
        ("miss", "qqzz 退货#天"): 1,
    }
    out = tmp_path / "report.json"
    assert main(["report", "--out", str(out)]) == 0
    data = out.read_bytes()
    for secret in [*CUSTOMER_DATA, CLIPBOARD, MESSAGE]:
        assert secret.encode() not in data, secret
    assert b"\\u" not in data  # nothing hidden behind JSON escapes either
    report = json.loads(data)
    assert report["agent"] == "1024" and report["libraries"][-1] == {"name": TEAM, "kind": "team", "version": "2026.12"}
    assert {p["uid"]: p.get("copied", 0) for p in report["phrases"]} == {"t-callback": 1, "t-order": 1, "t-ban": 1}
    assert report["misses"] == [{"query": "qqzz 退货#天", "n": 1}]


def test_saving_an_override_counts_as_customised_once_per_wording_change(qtbot: QtBot, team: Store) -> None:
    m = PhraseManager(team)
    qtbot.addWidget(m)
    m.present()
    qtbot.waitExposed(m)
    qtbot.waitUntil(lambda: QApplication.activeWindow() is m)
    m.select_entry("t-ban")
    qtbot.keyClick(m.table, Qt.Key.Key_E, Qt.KeyboardModifier.ControlModifier)  # 自定义: a copy, not yet changed
    assert ("customised", "t-ban") not in counts(team)
    m.editor.body.setPlainText("这个问题我帮您确认一下，[客户姓名]。")
    qtbot.keyClick(m.editor.body, Qt.Key.Key_S, Qt.KeyboardModifier.ControlModifier)
    assert counts(team)[("customised", "t-ban")] == 1
    m.editor.load(None)
