"""Placeholders: the parser, where values come from, rendering, the paste check, the conversation."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from datetime import datetime
from itertools import pairwise
from typing import TypedDict, Unpack

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from palette.core.placeholders import (
    Context,
    Conversation,
    Escape,
    Malformed,
    Placeholder,
    Rendered,
    Text,
    UnfilledPlaceholderError,
    builtin_values,
    canonical,
    ensure_pasteable,
    greeting,
    malformed,
    parse,
    placeholders,
    render,
)

TUESDAY_AFTERNOON = datetime(2026, 11, 24, 14, 5)
PROFILE = {"公司名称": "中国电信", "工号": "1024"}
ALIASES = {"员工号": "工号", "公司": "公司名称"}


class ContextFields(TypedDict, total=False):
    profile: Mapping[str, str]
    conversation: Mapping[str, str]
    aliases: Mapping[str, str]
    clipboard: str | None
    clock: Callable[[], datetime]


def ctx(**kw: Unpack[ContextFields]) -> Context:
    kw.setdefault("clock", lambda: TUESDAY_AFTERNOON)
    return Context(**kw)


# -- parsing --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("[工号]", [Placeholder("工号", None, (0, 4), "[工号]")]),
        ("[工号 ]", [Placeholder("工号", None, (0, 5), "[工号 ]")]),
        ("[ 客户姓名\u3000]", [Placeholder("客户姓名", None, (0, 8), "[ 客户姓名\u3000]")]),
        ("[ID]", [Placeholder("ID", None, (0, 4), "[ID]")]),  # full-width letters fold to ASCII
        ("[order_no2]", [Placeholder("order_no2", None, (0, 11), "[order_no2]")]),
        ("[套餐名称=畅享套餐]", [Placeholder("套餐名称", "畅享套餐", (0, 11), "[套餐名称=畅享套餐]")]),
        ("[时限=24小时]", [Placeholder("时限", "24小时", (0, 9), "[时限=24小时]")]),
        ("[套餐 = 畅享 套餐 ]", [Placeholder("套餐", "畅享 套餐", (0, 13), "[套餐 = 畅享 套餐 ]")]),
        ("[备注=]", [Placeholder("备注", "", (0, 5), "[备注=]")]),
        ("[a=b=c]", [Placeholder("a", "b=c", (0, 7), "[a=b=c]")]),
        ("[" + "字" * 20 + "]", [Placeholder("字" * 20, None, (0, 22), "[" + "字" * 20 + "]")]),
        ("[[", [Escape("[", (0, 2))]),
        ("]]", [Escape("]", (0, 2))]),
        ("[[工号]]", [Escape("[", (0, 2)), Text("工号", (2, 4)), Escape("]", (4, 6))]),
        ("[客户姓名]]", [Placeholder("客户姓名", None, (0, 6), "[客户姓名]"), Malformed("]", (6, 7), "x")]),
        ("[", [Malformed("[", (0, 1), "x")]),
        ("]", [Malformed("]", (0, 1), "x")]),
        ("[ ]", [Malformed("[ ]", (0, 3), "empty name")]),
        ("[]", [Malformed("[]", (0, 2), "empty name")]),
        ("[=默认]", [Malformed("[=默认]", (0, 5), "empty name")]),
        ("[" + "字" * 21 + "]", [Malformed("[" + "字" * 21 + "]", (0, 23), "name longer than 20 characters")]),
        ("[客户 姓名]", [Malformed("[客户 姓名]", (0, 7), "x")]),
        ("[客户-姓名]", [Malformed("[客户-姓名]", (0, 7), "x")]),
        ("[a[b]]", [Malformed("[a[b]]", (0, 6), "nested brackets")]),
        ("[客户\n姓名]", [Malformed("[", (0, 1), "x"), Text("客户\n姓名", (1, 6)), Malformed("]", (6, 7), "x")]),
        ("【工号】", [Text("【工号】", (0, 4))]),  # full-width brackets are ordinary text
    ],
)
def test_parse(body: str, expected: list[object]) -> None:
    tokens = parse(body)
    assert len(tokens) == len(expected), tokens

    # Reasons are prose: the table pins those worth pinning, and "x" stands for any reason.
    def loose(t: object, e: object) -> object:
        if isinstance(t, Malformed) and isinstance(e, Malformed) and e.reason == "x":
            return Malformed(t.raw, t.span, "x")
        return t

    assert [loose(t, e) for t, e in zip(tokens, expected, strict=True)] == expected


def test_tokens_cover_the_body_in_order() -> None:
    body = "您好,[公司名称]客服[工号 ],[[注]] [ ] [时限=24小时] ["
    spans = [t.span for t in parse(body)]
    assert spans[0][0] == 0 and spans[-1][1] == len(body)
    assert all(a[1] == b[0] for a, b in pairwise(spans))


def test_placeholders_and_malformed_helpers() -> None:
    body = "[客户姓名]您好,[ ]请稍等[时限=2小时]"
    assert [p.name for p in placeholders(body)] == ["客户姓名", "时限"]
    assert [m.raw for m in malformed(body)] == ["[ ]"]


@pytest.mark.parametrize(
    ("name", "aliases", "expected"),
    [
        ("工号", ALIASES, "工号"),
        (" 员工号 ", ALIASES, "工号"),
        ("员工号", {}, "员工号"),
        ("公司", ALIASES, "公司名称"),
        ("客户姓名", ALIASES, "客户姓名"),
    ],
)
def test_canonical(name: str, aliases: dict[str, str], expected: str) -> None:
    assert canonical(name, aliases) == expected


# -- values ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("hour", "minute", "expected"),
    [
        (0, 0, "晚上好"),
        (4, 59, "晚上好"),
        (5, 0, "上午好"),
        (10, 59, "上午好"),
        (11, 0, "中午好"),
        (12, 59, "中午好"),
        (13, 0, "下午好"),
        (17, 59, "下午好"),
        (18, 0, "晚上好"),
        (23, 59, "晚上好"),
    ],
)
def test_greeting_by_the_clock(hour: int, minute: int, expected: str) -> None:
    now = datetime(2026, 11, 24, hour, minute)
    assert greeting(now) == expected
    assert render("[问候语]", ctx(clock=lambda: now)).text == expected


def test_builtins_with_a_fixed_clock() -> None:
    assert builtin_values(TUESDAY_AFTERNOON) == {
        "日期": "2026年11月24日",
        "时间": "14:05",
        "星期": "星期二",
        "问候语": "下午好",
    }
    assert builtin_values(datetime(2026, 3, 1, 9, 7))["日期"] == "2026年3月1日"
    assert builtin_values(datetime(2026, 3, 1, 9, 7))["时间"] == "09:07"
    assert builtin_values(datetime(2026, 11, 29, 9, 7))["星期"] == "星期日"
    assert render("截至[日期][时间]", ctx()).text == "截至2026年11月24日14:05"


@pytest.mark.parametrize(("clipboard", "expected"), [("138 0000 1111", "138 0000 1111"), ("  ", None), (None, None)])
def test_clipboard_builtin(clipboard: str | None, expected: str | None) -> None:
    r = render("号码:[剪贴板]", ctx(clipboard=clipboard))
    if expected is None:
        assert r.missing == ("剪贴板",)
    else:
        assert r.text == "号码:" + expected and r.missing == ()


def test_the_seed_greeting() -> None:
    body = "您好,[公司名称]客服[工号],很高兴为您服务,请问有什么可以帮您?"
    r = render(body, ctx(profile=PROFILE))
    assert r.text == "您好,中国电信客服1024,很高兴为您服务,请问有什么可以帮您?"
    assert r.missing == () and r.complete


@pytest.mark.parametrize(
    ("typed", "conversation", "profile", "expected", "source"),
    [
        ({"日期": "a"}, {"日期": "b"}, {"日期": "c"}, "a", "typed"),
        ({}, {"日期": "b"}, {"日期": "c"}, "b", "conversation"),
        ({}, {}, {"日期": "c"}, "c", "profile"),
        ({}, {}, {}, "2026年11月24日", "builtin"),
        ({"日期": "  "}, {"日期": ""}, {}, "2026年11月24日", "builtin"),  # blank is no value
    ],
)
def test_precedence(
    typed: dict[str, str], conversation: dict[str, str], profile: dict[str, str], expected: str, source: str
) -> None:
    r = render("[日期=明天]", ctx(conversation=conversation, profile=profile), typed=typed)
    assert r.text == expected
    assert [(s.name, s.source) for s in r.segments if s.kind == "value"] == [("日期", source)]


def test_default_is_last() -> None:
    body = "[套餐名称=畅享套餐]"
    assert render(body, ctx()).text == "畅享套餐"
    assert render(body, ctx(profile={"套餐名称": "5G套餐"})).text == "5G套餐"
    assert render(body, ctx(conversation={"套餐名称": "冰激凌套餐"})).text == "冰激凌套餐"
    assert render("[备注=]完", ctx()).text == "完"


def test_aliases_and_trimming() -> None:
    body = "客服[员工号]/[工号 ]/[公司]"
    assert render(body, ctx(profile=PROFILE)).text == "客服[员工号]/1024/[公司]"
    r = render(body, ctx(profile=PROFILE, aliases=ALIASES))
    assert r.text == "客服1024/1024/中国电信" and r.missing == ()
    # A profile key spelled like the phrase (no alias) also counts.
    assert render("[员工号]", ctx(profile={"员工号": "7"}, aliases=ALIASES)).text == "7"


def test_missing_is_canonical_ordered_and_once() -> None:
    body = "[客户姓名]您好,[员工号]为您服务,[客户姓名],[金额]元,[ 客户姓名 ]"
    r = render(body, ctx(aliases=ALIASES))
    assert r.missing == ("客户姓名", "工号", "金额")
    assert r.text == body  # unfilled placeholders stay as written, so the text still reads
    assert [s.text for s in r.segments if s.kind == "missing"] == [
        "[客户姓名]",
        "[员工号]",
        "[客户姓名]",
        "[金额]",
        "[ 客户姓名 ]",
    ]


def test_escapes_and_malformed_render_as_written() -> None:
    body = "[[注]]请按[ ]键,[a[b]] ["
    r = render(body, ctx())
    assert r.text == "[注]请按[ ]键,[a[b]] [" and r.missing == ()


def test_html_marks_values_and_gaps() -> None:
    r = render("<[客户姓名]>[工号]", ctx(profile={"工号": "1&2"}))
    html = r.html(value="<b>{}</b>", missing="<u>{}</u>")
    assert html == "&lt;<u>[客户姓名]</u>&gt;<b>1&amp;2</b>"


def test_nothing_private_in_reprs() -> None:
    r = render("[客户姓名]", ctx(clipboard="秘密剪贴", conversation={"客户姓名": "张三丰"}))
    context = ctx(clipboard="秘密剪贴", conversation={"客户姓名": "张三丰"})
    conv = Conversation()
    conv.remember({"客户姓名": "张三丰"})
    for obj in (r, context, conv, *r.segments):
        assert "张三丰" not in repr(obj) and "秘密" not in repr(obj)


# -- the paste check ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "typed", "leftover"),
    [
        ("[工号]", {"工号": "1024"}, []),
        ("[[工号]]", {}, []),  # written as a literal on purpose
        ("[[[工号]]]", {"工号": "1"}, []),  # "[1]" on purpose
        ("[工号]", {}, ["工号"]),
        ("[客户姓名]", {"客户姓名": "[工号]"}, ["工号"]),  # a typed value brought one in
        ("[[客户姓名]", {}, ["客户姓名"]),  # a stray ] completes a shape
        ("[a[b]]", {}, ["b"]),  # nested: left as written, and never pasted
        ("[ ] [", {}, []),  # not placeholder-shaped: may be pasted as written
    ],
)
def test_ensure_pasteable(body: str, typed: dict[str, str], leftover: list[str]) -> None:
    r = render(body, ctx(), typed=typed)
    if leftover:
        with pytest.raises(UnfilledPlaceholderError) as e:
            ensure_pasteable(r)
        assert list(e.value.names) == leftover
    else:
        assert ensure_pasteable(r) == r.text


def test_ensure_pasteable_on_edited_text_refuses_any_shape() -> None:
    assert ensure_pasteable("您好,张三") == "您好,张三"
    with pytest.raises(UnfilledPlaceholderError, match=r"\[工号\]"):
        ensure_pasteable("您好,[工号]")


# -- properties -----------------------------------------------------------------------------------

NAMES = st.sampled_from(["工号", "公司名称", "客户姓名", "金额", "x", "日期", "剪贴板", "员工号"])
NOISY = st.text(alphabet=st.sampled_from(list("[]=  \n工号客户姓名ab1_,。")), max_size=40)
VALUES = st.text(alphabet=st.characters(exclude_characters="[]"), min_size=1, max_size=8).filter(str.strip)


@settings(deadline=None)
@given(
    body=st.one_of(NOISY, st.text(max_size=40)),
    values=st.dictionaries(st.text(max_size=5), st.text(max_size=5), max_size=4),
    clipboard=st.none() | st.text(max_size=5),
)
def test_render_never_raises(body: str, values: dict[str, str], clipboard: str | None) -> None:
    r = render(body, ctx(profile=values, conversation=values, clipboard=clipboard, aliases=values), typed=values)
    assert isinstance(r, Rendered)
    assert r.text == "".join(s.text for s in r.segments)


@settings(deadline=None)
@given(body=NOISY, value=VALUES)
def test_all_values_given_leaves_nothing_unfilled(body: str, value: str) -> None:
    typed = {p.name: value for p in placeholders(body)}
    r = render(body, ctx(), typed=typed)
    assert r.missing == ()
    assert not [s for s in r.segments if s.kind == "missing"]
    if not malformed(body):  # a well-formed body, all values given: always pasteable
        assert ensure_pasteable(r) == r.text


PIECE = st.one_of(
    st.text(alphabet=st.characters(exclude_characters="[]"), min_size=1, max_size=6).map(lambda t: (t, t)),
    st.just(("[[", "[")),
    st.just(("]]", "]")),
    NAMES.map(lambda n: (f"[{n}]", f"<{n}>")),
    NAMES.map(lambda n: (f"[ {n} ]", f"<{n}>")),
    st.tuples(NAMES, VALUES.filter(lambda v: "\n" not in v)).map(lambda t: (f"[{t[0]}={t[1]}]", f"<{t[0]}>")),
)


@settings(deadline=None)
@given(pieces=st.lists(PIECE, max_size=12))
def test_well_formed_bodies_render_exactly(pieces: list[tuple[str, str]]) -> None:
    """Built from well-formed pieces, the output is known: every placeholder filled, escapes unescaped."""
    body = "".join(src for src, _ in pieces)
    assert malformed(body) == []
    r = render(body, ctx(), typed={p.name: f"<{p.name}>" for p in placeholders(body)})
    assert r.text == "".join(out for _, out in pieces)
    assert r.missing == () and ensure_pasteable(r) == r.text


# -- the conversation -----------------------------------------------------------------------------


class FakeClock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_conversation_remembers_and_feeds_render() -> None:
    conv = Conversation(idle_minutes=30, clock=FakeClock())
    conv.remember({"客户姓名": "张先生", "备注": "  "})
    assert dict(conv) == {"客户姓名": "张先生"}
    assert render("[客户姓名]您好", ctx(conversation=conv)).text == "张先生您好"


def test_conversation_reset_forgets() -> None:
    conv = Conversation(clock=FakeClock())
    conv.remember({"客户姓名": "张先生"})
    conv.reset()
    assert len(conv) == 0
    assert render("[客户姓名]", ctx(conversation=conv)).missing == ("客户姓名",)


def test_conversation_forgets_after_idle_time() -> None:
    clock = FakeClock()
    conv = Conversation(idle_minutes=30, clock=clock)
    conv.remember({"客户姓名": "张先生"})
    clock.now += 29 * 60
    assert conv.get("客户姓名") == "张先生"  # reading is not activity ...
    clock.now += 60
    assert conv.get("客户姓名") is None  # ... so 30 minutes after remember() it is gone
    conv.remember({"客户姓名": "李女士"})
    clock.now += 29 * 60
    conv.touch()  # a paste keeps the conversation alive
    clock.now += 29 * 60
    assert conv["客户姓名"] == "李女士"
    clock.now += 60 * 60
    conv.touch()  # touching an expired conversation does not revive it
    assert "客户姓名" not in conv


def test_conversation_idle_time_can_change() -> None:
    clock = FakeClock()
    conv = Conversation(idle_minutes=30, clock=clock)
    conv.remember({"a": "1"})
    conv.idle_minutes = 5
    clock.now += 5 * 60
    assert len(conv) == 0


def test_values_from_the_message_go_with_the_conversation() -> None:
    clock = FakeClock()
    conv = Conversation(idle_minutes=30, clock=clock)
    conv.take_from_message({"手机号": "13812345678", "金额": "58"})
    conv.take_from_message({"金额": "60"})  # the customer's newer message wins
    assert dict(conv.from_message) == {"手机号": "13812345678", "金额": "60"}
    assert len(conv) == 0  # offered in the form, never filled in unasked
    assert render("[金额]元", ctx(conversation=conv)).missing == ("金额",)
    assert "13812345678" not in repr(conv)
    clock.now += 30 * 60
    assert not conv.from_message  # idle: gone with the typed values
    conv.take_from_message({"金额": "5"})
    conv.reset()
    assert not conv.from_message


def test_display_spans_map_matches_and_gaps_onto_the_finished_text() -> None:
    from palette.core.placeholders import display_spans

    body = "您好,[公司名称]客服[工号],请问[客户姓名]"
    r = render(body, Context(profile={"公司名称": "中国电信", "工号": "1024"}))
    assert r.text == "您好,中国电信客服1024,请问[客户姓名]"
    matched, gaps = display_spans(body, r, [(0, 2), (9, 11), (4, 6)])  # 您好, 客服, and inside [公司名称]
    assert [r.text[a:b] for a, b in matched] == ["您好", "中国电信", "客服"]
    assert [r.text[a:b] for a, b in gaps] == ["[客户姓名]"]


@given(st.text(alphabet="[]=你好名称 ab1\n_", max_size=40))
def test_bracket_tokens_are_the_bracket_part_of_parse(body: str) -> None:
    from palette.core.placeholders import Malformed, Placeholder, bracket_tokens, parse

    assert bracket_tokens(body) == [t for t in parse(body) if isinstance(t, Placeholder | Malformed)]
