"""Suggestions in the palette, offscreen, with the real controller, store, search and clipboard keeper.

The agent "copies" the customer's message by setting the (in-process) clipboard, as another program
would; the engine is `tests.suggest_double.KeywordSuggester`, so each expected answer is obvious.
Offscreen there is no PRIMARY selection and no window to paste into: a paste ends on the clipboard.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QLabel, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from palette.core.search import SearchIndex
from palette.core.standard import source_data
from palette.core.store import Store
from palette.platform.clipboard import ClipboardKeeper
from palette.platform.paster import Paster
from palette.ui.controller import PaletteController
from palette.ui.palette_window import PaletteWindow
from palette.ui.rows import RowDelegate
from tests.suggest_double import KeywordSuggester

STD = {p.uid: p for p in source_data().phrases}
FAULT, TICKET, SORRY, PINNED = "std-fault-ask", "std-fault-ticket", "std-soothe-sorry", "std-bye-phone"
MESSAGE = "你好，我家宽带从昨天晚上开始就一直掉线，你们到底什么时候能派人来修？"
CTRL = Qt.KeyboardModifier.ControlModifier


@pytest.fixture
def engine() -> KeywordSuggester:
    return KeywordSuggester(
        {FAULT: ["宽带", "掉线"], TICKET: ["派人", "工单号"], SORRY: ["太过分"]},
        unsure={"std-more-solved": ["谢谢"]},
    )


@pytest.fixture
def flow(qtbot: QtBot, store: Store, engine: KeywordSuggester) -> Iterator[PaletteController]:
    store.set_profile("公司名称", "中国电信")
    store.set_profile("工号", "1024")
    store.set_flags(PINNED, pinned=True)
    window = PaletteWindow()
    qtbot.addWidget(window)
    paster = Paster(None, ClipboardKeeper())
    controller = PaletteController(store, window, paster, None, SearchIndex.from_store(store).query)
    controller.set_suggester(engine)
    yield controller
    window.hide()


def copy(text: str) -> None:
    """The agent copies text in another program."""
    QGuiApplication.clipboard().setText(text)


def open_palette(qtbot: QtBot, c: PaletteController) -> PaletteWindow:
    c.open()
    qtbot.waitExposed(c.window)
    QCoreApplication.processEvents()  # the clipboard snapshot runs right after the palette shows
    return c.window


def uids(w: PaletteWindow) -> list[str]:
    return [r.uid for r in w.model.rows]


def paste_first(qtbot: QtBot, c: PaletteController) -> None:
    with qtbot.waitSignal(c.paster.finished, timeout=2000):
        qtbot.keyClick(c.window.search, Qt.Key.Key_Return)


def test_a_copied_message_lists_suggestions_first_then_pinned(qtbot: QtBot, flow: PaletteController) -> None:
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    assert uids(w) == [FAULT, TICKET, PINNED]  # 建议 (by score), then the pinned phrase; nothing else
    first, second, pinned = w.model.rows
    assert first.suggested and first.why == ("宽带", "掉线") and second.why == ("派人",)
    assert not pinned.suggested
    assert w.message.isVisible() and "Ctrl+J" in w.hint.text()
    assert [first.title[a:b] for a, b in first.title_spans] == ["宽带"]  # 宽带断网询问
    assert {first.text[a:b] for a, b in first.text_spans} == {"宽带"}
    assert "建议依据:宽带、掉线" in w.preview.text()


def test_the_message_shows_the_current_rows_words_marked(qtbot: QtBot, flow: PaletteController) -> None:
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    marked = w.message.text()
    assert "客户消息" in marked and ">宽带</span>" in marked and ">掉线</span>" in marked
    qtbot.keyClick(w.search, Qt.Key.Key_Down)
    assert ">派人</span>" in w.message.text() and ">掉线</span>" not in w.message.text()
    qtbot.keyClick(w.search, Qt.Key.Key_Down)  # the pinned row matched nothing: the message unmarked
    assert "</span>派" not in w.message.text() and "<span" in w.message.text()  # only the label's colour


def test_the_badge_is_drawn_on_suggested_rows_only(qtbot: QtBot, flow: PaletteController) -> None:
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    option = QStyleOptionViewItem()
    option.initFrom(w.list)
    option.rect = w.list.visualRect(w.model.index(0))
    delegate = RowDelegate(w.list)
    html = [delegate.document(row, i + 1, option).toHtml() for i, row in enumerate(w.model.rows)]
    assert "建议" in html[0] and "建议" in html[1] and "建议" not in html[2]


def test_typing_searches_and_ctrl_j_toggles_back(qtbot: QtBot, flow: PaletteController) -> None:
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    qtbot.keyClicks(w.search, "kc1")
    assert uids(w) == ["std-open-phone"] and not w.model.rows[0].suggested
    assert not w.message.isVisible()
    qtbot.keyClick(w.search, Qt.Key.Key_J, CTRL)
    assert w.search.text() == "" and uids(w)[:2] == [FAULT, TICKET]
    qtbot.keyClick(w.search, Qt.Key.Key_J, CTRL)
    assert w.search.text() == "kc1" and uids(w) == ["std-open-phone"]


def test_ctrl_j_does_nothing_without_a_message(qtbot: QtBot, flow: PaletteController) -> None:
    copy("https://example.com/order/42")
    w = open_palette(qtbot, flow)
    qtbot.keyClicks(w.search, "kc1")
    qtbot.keyClick(w.search, Qt.Key.Key_J, CTRL)
    assert w.search.text() == "kc1" and "Ctrl+J" not in w.hint.text()


def test_enter_pastes_the_first_suggestion_and_learns_it(
    qtbot: QtBot, flow: PaletteController, engine: KeywordSuggester, store: Store
) -> None:
    copy(MESSAGE)
    open_palette(qtbot, flow)
    paste_first(qtbot, flow)
    assert QGuiApplication.clipboard().text() == STD[FAULT].body
    assert engine.learned == [(("宽带", "掉线", "派人"), FAULT)]
    assert store.usage()[FAULT].count == 1


def test_a_searched_phrase_after_a_message_is_learned_too(
    qtbot: QtBot, flow: PaletteController, engine: KeywordSuggester
) -> None:
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    w.search.setText("光猫重启")
    pasted = w.model.rows[0].uid
    paste_first(qtbot, flow)
    assert engine.learned == [(("宽带", "掉线", "派人"), pasted)]


def test_the_answered_message_is_not_suggested_again(qtbot: QtBot, flow: PaletteController) -> None:
    copy(MESSAGE)
    open_palette(qtbot, flow)
    paste_first(qtbot, flow)  # offscreen the phrase stays on the clipboard: Palette's own text
    w = open_palette(qtbot, flow)
    assert not any(r.suggested for r in w.model.rows) and not w.message.isVisible()
    w.hide()
    copy(MESSAGE)  # copied again: the customer said it again, answer again
    w = open_palette(qtbot, flow)
    assert w.model.rows[0].suggested


def test_closing_without_paste_keeps_the_message_for_the_next_opening(qtbot: QtBot, flow: PaletteController) -> None:
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    qtbot.keyClick(w.search, Qt.Key.Key_Escape)
    w = open_palette(qtbot, flow)
    assert w.model.rows[0].uid == FAULT


@pytest.mark.parametrize(
    "text",
    [
        "谢谢，没事了",  # small talk: the engine is not confident
        "今天天气不错",  # nothing matches at all
        "https://example.com/宽带掉线",  # not a message
        "宽带" * 300,  # too long for one
    ],
)
def test_no_section_without_a_confident_answer(qtbot: QtBot, flow: PaletteController, text: str) -> None:
    copy(text)
    w = open_palette(qtbot, flow)
    assert not any(r.suggested for r in w.model.rows)
    assert not w.message.isVisible() and "Ctrl+J" not in w.hint.text()
    assert len(w.model.rows) == 9  # the empty palette as before: pinned, then library order


def test_no_engine_yet_means_the_palette_as_before(qtbot: QtBot, flow: PaletteController) -> None:
    flow.set_suggester(None)
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    assert not any(r.suggested for r in w.model.rows) and len(w.model.rows) == 9


def test_the_form_takes_values_from_the_message_marked(qtbot: QtBot, flow: PaletteController) -> None:
    copy("我的宽带又掉线了，上次工单号 GD20261201001 派人来过，手机 139-0000-1111")
    w = open_palette(qtbot, flow)
    assert uids(w)[:2] == [FAULT, TICKET] or uids(w)[:2] == [TICKET, FAULT]
    w.list.setCurrentIndex(w.model.index(uids(w).index(TICKET)))
    qtbot.keyClick(w.search, Qt.Key.Key_Return)  # 已经为您提交报修工单，工单号是[工单号]…
    assert w.showing_form() and flow.form.names() == ["工单号"]
    field = flow.form.field("工单号")
    assert field.text() == "GD20261201001" and "客户消息" in field.toolTip()
    mark = flow.form.findChild(QLabel, "taken:工单号")
    assert mark is not None and mark.text() == "取自客户消息"
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(field, Qt.Key.Key_Return)
    assert QGuiApplication.clipboard().text().startswith("已经为您提交报修工单，工单号是GD20261201001，")


def test_values_from_the_message_go_with_the_conversation(qtbot: QtBot, flow: PaletteController) -> None:
    copy("工单号 GD20261201001 到底派人了没有")
    open_palette(qtbot, flow)
    flow.window.hide()
    flow.new_conversation()
    w = open_palette(qtbot, flow)  # the same message, still unanswered, is offered again ...
    w.list.setCurrentIndex(w.model.index(uids(w).index(TICKET)))
    qtbot.keyClick(w.search, Qt.Key.Key_Return)
    assert flow.form.field("工单号").text() == "GD20261201001"  # ... with its values taken afresh
    qtbot.keyClick(flow.form.field("工单号"), Qt.Key.Key_Escape)
    w.hide()

    flow.new_conversation()
    copy("我要办宽带")  # the next customer's message: no number in it
    w = open_palette(qtbot, flow)
    w.search.setText("提交报修工单")
    qtbot.keyClick(w.search, Qt.Key.Key_Return)
    assert flow.form.field("工单号").text() == ""
    assert flow.form.findChild(QLabel, "taken:工单号") is None


def test_a_typed_value_is_not_marked(qtbot: QtBot, flow: PaletteController) -> None:
    copy("我要办宽带")
    w = open_palette(qtbot, flow)
    w.search.setText("提交报修工单")
    qtbot.keyClick(w.search, Qt.Key.Key_Return)
    assert flow.form.field("工单号").toolTip() == ""


def test_no_message_or_value_reaches_the_event_log(
    qtbot: QtBot, flow: PaletteController, caplog: pytest.LogCaptureFixture
) -> None:
    message = "太过分了！工单号 GD20261201001 扣了我58元，手机13900001111，派人来修！"
    caplog.set_level(logging.DEBUG)
    copy(message)
    w = open_palette(qtbot, flow)
    w.list.setCurrentIndex(w.model.index(uids(w).index(TICKET)))
    qtbot.keyClick(w.search, Qt.Key.Key_Return)
    with qtbot.waitSignal(flow.paster.finished, timeout=2000):
        qtbot.keyClick(flow.form.field("工单号"), Qt.Key.Key_Return)
    logged = caplog.text
    assert any(r.getMessage().startswith('{"event":"suggest.shown"') for r in caplog.records)
    for secret in ("太过分", "GD20261201001", "13900001111", "58元", "派人"):
        assert secret not in logged


def test_a_pinned_row_pasted_under_the_suggestions_is_not_learned(
    qtbot: QtBot, flow: PaletteController, engine: KeywordSuggester
) -> None:
    copy(MESSAGE)
    w = open_palette(qtbot, flow)
    w.list.setCurrentIndex(w.model.index(uids(w).index(PINNED)))
    paste_first(qtbot, flow)
    assert QGuiApplication.clipboard().text() == STD[PINNED].body
    assert engine.learned == []


def test_keys_typed_with_the_hotkey_see_the_suggestions(qtbot: QtBot, flow: PaletteController) -> None:
    """The palette has focus (its early keys are replayed) before the clipboard timer ran: read it first."""
    copy(MESSAGE)
    flow.open()
    flow.window.ready.emit()  # no event processed in between
    assert flow.window.model.rows[0].uid == FAULT


@pytest.mark.parametrize(
    ("text", "words", "marked"),
    [
        ("宽带断网询问", ("家宽带", "掉线"), ["宽带"]),  # the phrase shares part of the message's word
        ("请问您的宽带是完全断网", ("宽带", "断网"), ["宽带", "断网"]),
        ("维修人员上门修理", ("修",), ["修", "修"]),  # a one-character word as itself
        ("维修人员", ("修好",), []),  # but not a single character of a longer word
        ("派人来修，派人", ("派人来修", "来修"), ["派人来修", "派人"]),  # overlapping pieces merge
        ("", ("宽带",), []),
    ],
)
def test_matched_words_are_marked_where_the_phrase_has_them(
    text: str, words: tuple[str, ...], marked: list[str]
) -> None:
    from palette.ui.suggestions import word_spans

    assert [text[a:b] for a, b in word_spans(text, words)] == marked
