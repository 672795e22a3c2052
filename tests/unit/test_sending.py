"""Send modes, `---` messages and the order of a send sequence (palette.core.sending)."""

from __future__ import annotations

import pytest

from palette.core.model import ImageRef, SendMode
from palette.core.sending import Step, joined, plan, send_key, send_mode_for, split_parts, takes_images

PIC = ImageRef("a" * 64, "image/png", 4, 3)
PIC2 = ImageRef("b" * 64, "image/jpeg", 8, 8)
RULES = (("wechat", SendMode.CTRL_ENTER), ("crm", SendMode.ENTER), ("xterm", SendMode.NEVER))


@pytest.mark.parametrize(
    ("text", "parts"),
    [
        ("您好\n请稍等\n马上为您查询", ("您好\n请稍等\n马上为您查询",)),  # line breaks stay inside one message
        ("您好\n---\n请稍等", ("您好", "请稍等")),
        ("一\n  ---\t\n二\n---\n三", ("一", "二", "三")),  # spaces around the marker
        ("---\n一\n---\n\n---\n", ("一",)),  # empty parts go
        ("价格 --- 面议\n----\n二", ("价格 --- 面议\n----\n二",)),  # only a line that is exactly ---
        ("一\n\n---\n\n二", ("一", "二")),  # the blank lines next to a marker belong to it
        ("", ()),
    ],
)
def test_split_parts(text: str, parts: tuple[str, ...]) -> None:
    assert split_parts(text) == parts


def test_parts_without_sending_are_one_text_with_a_blank_line_between() -> None:
    assert joined("一\n---\n二\n第二行") == "一\n\n二\n第二行"
    assert joined("没有分隔") == "没有分隔"


@pytest.mark.parametrize(
    ("phrase", "wm_class", "library", "mode"),
    [
        (SendMode.NEVER, "crm", SendMode.ENTER, SendMode.NEVER),  # the phrase's own comes first
        (SendMode.ENTER, "xterm", SendMode.NEVER, SendMode.ENTER),
        (None, "WeChat.exe", SendMode.ENTER, SendMode.CTRL_ENTER),  # then the window's rule, by substring
        (None, "xterm", SendMode.ENTER, SendMode.NEVER),
        (None, "mousepad", SendMode.ENTER, SendMode.ENTER),  # then the library's default
        (None, "", SendMode.NEVER, SendMode.NEVER),
    ],
)
def test_send_mode_resolution(phrase: SendMode | None, wm_class: str, library: SendMode, mode: SendMode) -> None:
    assert send_mode_for(phrase, wm_class, RULES, library) is mode


def test_send_keys() -> None:
    assert [send_key(m) for m in SendMode] == [None, "enter", "ctrl+enter"]


def test_terminals_take_no_pictures() -> None:
    assert not takes_images("xterm", ("xterm", "konsole"))
    assert takes_images("chromium", ("xterm", "konsole"))
    assert takes_images("anything", ())


def test_plan_never_pastes_pictures_then_the_joined_text_and_sends_nothing() -> None:
    steps = plan("一\n---\n二", [PIC], SendMode.NEVER)
    assert steps == (Step(image=PIC), Step(text="一\n\n二"))


def test_plan_sends_each_part_in_order() -> None:
    steps = plan("一\n---\n二\n---\n三", [], SendMode.ENTER)
    assert steps == (Step(text="一", send=True), Step(text="二", send=True), Step(text="三", send=True))


def test_plan_one_send_after_pictures_and_text_unless_each() -> None:
    assert plan("请看图", [PIC, PIC2], SendMode.ENTER) == (
        Step(image=PIC),
        Step(image=PIC2),
        Step(text="请看图", send=True),
    )
    assert plan("请看图", [PIC, PIC2], SendMode.ENTER, send_each=True) == (
        Step(image=PIC, send=True),
        Step(image=PIC2, send=True),
        Step(text="请看图", send=True),
    )


def test_plan_pictures_only_are_sent_after_the_last() -> None:
    assert plan("", [PIC, PIC2], SendMode.CTRL_ENTER) == (Step(image=PIC), Step(image=PIC2, send=True))
    assert plan("", [], SendMode.ENTER) == ()


def test_plan_for_a_terminal_leaves_the_pictures_out() -> None:
    assert plan("文字", [PIC], SendMode.NEVER, with_images=False) == (Step(text="文字"),)


def test_a_step_never_shows_its_text() -> None:
    assert "客户" not in repr(Step(text="客户王女士"))
