"""The fill-in form on Qt's offscreen platform: Chinese input, live preview, Enter/Esc, Tab, embedding."""

from __future__ import annotations

from datetime import datetime

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QInputMethodEvent, QKeySequence, QShortcut
from PySide6.QtWidgets import QApplication, QCheckBox, QLabel, QLayout, QLineEdit, QVBoxLayout, QWidget
from pytestqt.qtbot import QtBot

from palette.core.guard import Guard
from palette.core.model import STANDARD_LIBRARY, ForbiddenWord
from palette.core.placeholders import Context, Conversation, render
from palette.ui.fill_form import FillForm

BODY = "[客户姓名]您好,[公司名称]客服[工号]为您服务。"
CONTEXT = Context(profile={"公司名称": "中国电信"}, clock=lambda: datetime(2026, 11, 24, 14, 5))


def type_chinese(edit: QLineEdit, text: str) -> None:
    """What an input method does: a preedit, then a commit (qtbot.keyClicks cannot type Chinese)."""
    QApplication.sendEvent(edit, QInputMethodEvent(text, []))
    commit = QInputMethodEvent()
    commit.setCommitString(text)
    QApplication.sendEvent(edit, commit)


class Host(QWidget):
    """A window standing in for the palette; it records each time its own Esc shortcut fires."""

    def __init__(self) -> None:
        super().__init__()
        self.closed_by_shortcut: list[bool] = []


@pytest.fixture
def host(qtbot: QtBot) -> Host:
    """The form embedded under a search box, Esc bound on the window."""
    window = Host()
    layout = QVBoxLayout(window)
    # A top-level minimum size would be pushed to the platform, which offscreen warns it cannot do.
    layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
    search = QLineEdit()
    search.setObjectName("search")
    layout.addWidget(search)
    form = FillForm(window, guard=Guard([ForbiddenWord("不知道", "我帮您核实一下", STANDARD_LIBRARY)]))
    form.setObjectName("form")
    layout.addWidget(form)
    esc = QShortcut(QKeySequence(Qt.Key.Key_Escape), window)
    esc.activated.connect(lambda: window.closed_by_shortcut.append(True))
    qtbot.addWidget(window)
    window.show()
    qtbot.waitExposed(window)
    window.activateWindow()
    qtbot.waitUntil(window.isActiveWindow)
    return window


def form_of(host: QWidget) -> FillForm:
    form = host.findChild(FillForm, "form")
    assert form is not None
    return form


def preview(form: FillForm) -> str:
    label = form.findChild(QLabel, "preview")
    assert label is not None
    return label.text()


def test_one_field_per_missing_name_and_a_save_box_for_profile_fields(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load(BODY, ["客户姓名", "工号"], CONTEXT, profile_fields=["工号"])
    assert form.names() == ["客户姓名", "工号"]
    boxes = {b.objectName(): b.isChecked() for b in form.findChildren(QCheckBox)}
    assert boxes == {"save:工号": True}
    qtbot.waitUntil(form.field("客户姓名").hasFocus)
    assert "中国电信" in preview(form) and "[客户姓名]" in preview(form)


def test_preview_follows_chinese_typing(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load(BODY, ["客户姓名", "工号"], CONTEXT, profile_fields=["工号"])
    type_chinese(form.field("客户姓名"), "张先生")
    assert form.field("客户姓名").text() == "张先生"
    assert "<b>张先生</b>您好" in preview(form) and "[工号]" in preview(form)
    form.field("工号").setText("1024")
    assert "[工号]" not in preview(form)
    assert form.rendered().text == "张先生您好,中国电信客服1024为您服务。"


def test_enter_accepts_with_values_and_profile_choices(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load(BODY, ["客户姓名", "工号"], CONTEXT, profile_fields=["工号"])
    type_chinese(form.field("客户姓名"), "张先生")
    form.field("工号").setText(" 1024 ")
    with qtbot.waitSignal(form.accepted) as signal:
        qtbot.keyClick(form.field("工号"), Qt.Key.Key_Return)
    assert signal.args == [{"客户姓名": "张先生", "工号": "1024"}, ["工号"]]
    assert form.names() == []  # typed values do not linger in the widget
    assert host.closed_by_shortcut == []


def test_unticked_profile_field_is_not_saved(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load("[工号]", ["工号"], CONTEXT, profile_fields=["工号"])
    box = form.findChild(QCheckBox, "save:工号")
    assert box is not None
    qtbot.waitUntil(box.isVisible)
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton)
    assert not box.isChecked()
    form.field("工号").setText("1024")
    with qtbot.waitSignal(form.accepted) as signal:
        qtbot.keyClick(form.field("工号"), Qt.Key.Key_Enter)
    assert signal.args == [{"工号": "1024"}, []]


def test_enter_with_a_blank_field_moves_there_instead(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load(BODY, ["客户姓名", "工号"], CONTEXT)
    form.field("工号").setText("1024")
    form.field("工号").setFocus()
    qtbot.waitUntil(form.field("工号").hasFocus)
    with qtbot.assertNotEmitted(form.accepted):
        qtbot.keyClick(form.field("工号"), Qt.Key.Key_Return)
    qtbot.waitUntil(form.field("客户姓名").hasFocus)
    form.field("客户姓名").setText("   ")
    assert not form.submit()


def test_escape_cancels_even_with_a_window_shortcut(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load(BODY, ["客户姓名"], CONTEXT)
    type_chinese(form.field("客户姓名"), "张先生")
    with qtbot.waitSignal(form.cancelled), qtbot.assertNotEmitted(form.accepted):
        qtbot.keyClick(form.field("客户姓名"), Qt.Key.Key_Escape)
    assert host.closed_by_shortcut == []
    assert form.names() == []


def test_tab_cycles_through_the_fields(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load("[a][b][工号]", ["a", "b", "工号"], CONTEXT, profile_fields=["工号"])
    a, b, c = (form.field(n) for n in ("a", "b", "工号"))
    qtbot.waitUntil(a.hasFocus)
    qtbot.keyClick(a, Qt.Key.Key_Tab)
    qtbot.waitUntil(b.hasFocus)
    qtbot.keyClick(b, Qt.Key.Key_Tab)
    qtbot.waitUntil(c.hasFocus)  # the save box is skipped
    qtbot.keyClick(c, Qt.Key.Key_Tab)
    qtbot.waitUntil(a.hasFocus)  # wraps instead of leaving the form for the search box
    qtbot.keyClick(a, Qt.Key.Key_Backtab, Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(c.hasFocus)


def test_a_forbidden_word_typed_in_is_flagged_live(host: Host, qtbot: QtBot) -> None:
    form = form_of(host)
    form.load("[备注]", ["备注"], CONTEXT)
    warning = form.findChild(QLabel, "warning")
    assert warning is not None and warning.isHidden()
    type_chinese(form.field("备注"), "我也不知道")
    assert warning.isVisible() and "不知道" in warning.text() and "我帮您核实一下" in warning.text()
    assert "#922b21" in warning.styleSheet()  # styled as a warning, not plain text
    form.field("备注").setText("我帮您核实一下")
    assert warning.isHidden()


def test_customer_name_is_asked_once_per_conversation(host: Host, qtbot: QtBot) -> None:
    """The flow the palette runs: render, ask what is missing, remember it, render the next phrase."""
    form = form_of(host)
    conversation = Conversation(idle_minutes=30)
    accepted: list[str] = []

    def on_accepted(values: dict[str, str], save: list[str]) -> None:
        conversation.remember(values)
        accepted.append(render(BODY, Context(profile=CONTEXT.profile, conversation=conversation), values).text)

    form.accepted.connect(on_accepted)

    def context() -> Context:
        return Context(profile={"公司名称": "中国电信", "工号": "1024"}, conversation=conversation)

    first = render(BODY, context())
    assert first.missing == ("客户姓名",)
    form.load(BODY, first.missing, context())
    type_chinese(form.field("客户姓名"), "张先生")
    with qtbot.waitSignal(form.accepted):
        qtbot.keyClick(form.field("客户姓名"), Qt.Key.Key_Return)
    assert accepted == ["张先生您好,中国电信客服[工号]为您服务。"]

    second = render("[客户姓名],请问还有其他可以帮您的吗?", context())
    assert second.missing == () and second.text == "张先生,请问还有其他可以帮您的吗?"

    conversation.reset()  # "new conversation"
    assert render("[客户姓名],再见", context()).missing == ("客户姓名",)
