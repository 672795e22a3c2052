"""Half-width punctuation in Chinese text: the rules (a table), and properties on any text."""

from __future__ import annotations

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palette.core.punctuation import ELLIPSIS, Fix, fixes, to_full_width

CASES = [
    ("您好,请问", "您好，请问"),
    ("请问有什么可以帮您?", "请问有什么可以帮您？"),
    ("非常抱歉!", "非常抱歉！"),
    ("处理结果是:[处理结果]。", "处理结果是：[处理结果]。"),
    ("第一;第二", "第一；第二"),
    ("10:30", "10:30"),  # no Chinese on either side
    ("营业时间10:00-18:00,节假日休息", "营业时间10:00-18:00，节假日休息"),
    ("价格:99元", "价格：99元"),  # a label colon before a number
    ("5G,宽带", "5G，宽带"),  # the mark ends a Latin word but belongs to the Chinese sentence
    ("共1,000元", "共1,000元"),  # thousands separator: digits on both sides
    ("资费1.5元", "资费1.5元"),
    ("http://a.cn/x?y=1", "http://a.cn/x?y=1"),
    ("详见https://a.cn/x?y=1,谢谢", "详见https://a.cn/x?y=1，谢谢"),  # the URL keeps its '?', not the trailing ','
    ("网址:https://a.cn/q?a=中,文", "网址：https://a.cn/q?a=中，文"),  # a URL ends at non-ASCII text
    ("(可选)", "（可选）"),
    ("功能(WiFi)已开通", "功能（WiFi）已开通"),
    ("f(x) = 1", "f(x) = 1"),
    ("（可选)", "（可选）"),  # half of a pair already full-width
    ("(a)(b)好", "(a)（b）好"),
    ("好!!", "好！！"),
    ("真的吗?!", "真的吗？！"),
    ("请稍等...", "请稍等" + ELLIPSIS),
    ("请稍等......好的", "请稍等" + ELLIPSIS + "好的"),
    ("好..", "好.."),  # two dots are not an ellipsis
    ("Wait...", "Wait..."),
    ("hello, world! (ok?)", "hello, world! (ok?)"),  # no Chinese at all
    ("您好, 请问", "您好， 请问"),  # the space stays: nothing but an ellipsis is ever removed
    ("[客户姓名],您好", "[客户姓名]，您好"),  # a Chinese placeholder counts as Chinese
    ("[问候语],[公司名称]", "[问候语]，[公司名称]"),
    ("[名称=默认,值]好", "[名称=默认,值]好"),  # never inside a placeholder
    ("[name],ok", "[name],ok"),
    ("“好”,走", "“好”，走"),
    ("“OK”,thanks", "“OK”,thanks"),
]


@pytest.mark.parametrize(("text", "expected"), CASES)
def test_rules(text: str, expected: str) -> None:
    assert to_full_width(text) == expected
    assert to_full_width(expected) == expected


def test_fixes_name_what_and_where() -> None:
    text = "您好,稍等...(可选)"
    assert fixes(text) == [
        Fix(2, 3, ",", "，"),
        Fix(5, 8, "...", ELLIPSIS),
        Fix(8, 9, "(", "（"),
        Fix(11, 12, ")", "）"),
    ]
    assert fixes("no Chinese, here!") == []


# Text drawn mostly from what the rules look at: the marks of both widths, Chinese, Latin, digits,
# brackets, spaces, URL pieces.
_ALPHABET = [*",?!:;().，？！：；（）…。 aZ09好吗[]=/", "http://", "[客户姓名]", "[名称=默认,值]", "..."]
_TEXT = st.lists(st.sampled_from(_ALPHABET), max_size=30).map("".join)
_NO_CJK = st.text(st.characters(min_codepoint=0x20, max_codepoint=0x7E), max_size=40)
_PLACEHOLDER = re.compile(r"\[[^\[\]\n]*\]")


@given(_TEXT)
def test_idempotent(text: str) -> None:
    once = to_full_width(text)
    assert to_full_width(once) == once


@given(_NO_CJK)
def test_text_without_chinese_is_unchanged(text: str) -> None:
    assert to_full_width(text) == text


@given(_TEXT)
def test_only_marks_change_and_only_an_ellipsis_changes_length(text: str) -> None:
    out = to_full_width(text)
    dots = sum(len(f.found) - len(ELLIPSIS) for f in fixes(text) if f.replacement == ELLIPSIS)
    assert len(out) == len(text) - dots
    if "..." not in text:
        assert len(out) == len(text)
        for a, b in zip(text, out, strict=True):
            assert a == b or (a in ",?!:;()" and b == to_full_width("好" + a)[1])


@given(_TEXT)
def test_placeholders_are_never_touched(text: str) -> None:
    assert _PLACEHOLDER.findall(to_full_width(text)) == _PLACEHOLDER.findall(text)
