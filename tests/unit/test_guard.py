"""The 禁语 guard: merged lists, tolerant matching, the paste decision, and the phrase linter."""

from __future__ import annotations

import subprocess
import sys

import pytest

from palette.core.guard import (
    Decision,
    Finding,
    Guard,
    GuardMode,
    Kind,
    apply_suggestions,
    decide,
    fold,
    known_names,
    likely_meant,
    merge,
)
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, ForbiddenWord
from palette.core.placeholders import Context, render
from palette.core.standard import source_data

TEAM = "客服一组"
WORDS = [
    ForbiddenWord("不知道", "我帮您核实一下", STANDARD_LIBRARY),
    ForbiddenWord("这是规定", "按照相关业务规定需要这样办理", STANDARD_LIBRARY),
    ForbiddenWord("OK", "好的", TEAM),
]


@pytest.fixture
def guard() -> Guard:
    return Guard(WORDS)


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("我不知道", (1, 4)),
        ("我不 知 道啊", (1, 6)),
        ("我不\u3000知\t道", (1, 6)),
        ("不\u200b知道", (0, 4)),
        ("这是规定。", (0, 4)),
        ("ok的", (0, 2)),
        ("OK的", (0, 2)),
        ("O K", (0, 3)),
    ],
)
def test_forbidden_matches_spacing_width_and_case_variants(guard: Guard, text: str, span: tuple[int, int]) -> None:
    found = guard.forbidden(text)
    assert [f.span for f in found] == [span]
    assert found[0].kind is Kind.FORBIDDEN


def test_forbidden_finding_carries_word_suggestion_source(guard: Guard) -> None:
    assert guard.forbidden("不知道,这是规定") == [
        Finding(Kind.FORBIDDEN, "不知道", (0, 3), "我帮您核实一下", STANDARD_LIBRARY),
        Finding(Kind.FORBIDDEN, "这是规定", (4, 8), "按照相关业务规定需要这样办理", STANDARD_LIBRARY),
    ]


@pytest.mark.parametrize("text", ["您好,我帮您核实一下", "知道了", "不知", "", "按照规定"])
def test_polite_text_is_clean(guard: Guard, text: str) -> None:
    assert guard.forbidden(text) == []


def test_every_occurrence_is_reported(guard: Guard) -> None:
    assert [f.span for f in guard.forbidden("不知道不知道")] == [(0, 3), (3, 6)]


def test_fold_keeps_positions() -> None:
    folded, where = fold("Ａ b\u3000ｃ")
    assert folded == "abc" and where == [0, 2, 4]


def test_merge_prefers_own_then_team_then_standard() -> None:
    merged = merge(
        [
            ForbiddenWord("不知道", "标准建议", STANDARD_LIBRARY),
            ForbiddenWord("不 知道", "", PERSONAL_LIBRARY),
            ForbiddenWord("不知道", "团队建议", TEAM),
            ForbiddenWord("  ", "空", TEAM),
            ForbiddenWord("你自己看", "我来为您说明", STANDARD_LIBRARY),
        ]
    )
    by_word = {fold(w.word)[0]: w for w in merged}
    assert set(by_word) == {"不知道", "你自己看"}
    # The agent's own entry wins; its empty suggestion is filled from the next list that has one.
    assert by_word["不知道"] == ForbiddenWord("不 知道", "团队建议", PERSONAL_LIBRARY)


def test_check_before_paste_finds_words_and_leftovers(guard: Guard) -> None:
    r = render("[客户姓名],不知道[工号]", Context(profile={"工号": "1024"}))
    found = guard.check(r)
    assert [(f.kind, f.word) for f in found] == [(Kind.UNFILLED, "客户姓名"), (Kind.FORBIDDEN, "不知道")]
    typed = render("[客户姓名]您好", Context(), typed={"客户姓名": "不 知道"})
    assert [(f.kind, f.span) for f in guard.check(typed)] == [(Kind.FORBIDDEN, (0, 4))]
    assert guard.check(render("[[x]]", Context())) == []  # written as a literal on purpose
    # Edited text (a plain str) keeps no record of escapes: anything shaped like a placeholder counts.
    assert [f.kind for f in guard.check("您好[x]")] == [Kind.UNFILLED]
    assert guard.check("您好[ ] [") == []


@pytest.mark.parametrize(
    ("kinds", "mode", "decision"),
    [
        ([], GuardMode.WARN, Decision.PASTE),
        ([], GuardMode.BLOCK, Decision.PASTE),
        ([Kind.FORBIDDEN], GuardMode.OFF, Decision.PASTE),
        ([Kind.FORBIDDEN], GuardMode.WARN, Decision.CONFIRM),
        ([Kind.FORBIDDEN], GuardMode.BLOCK, Decision.REFUSE),
        ([Kind.UNFILLED], GuardMode.OFF, Decision.REFUSE),
        ([Kind.UNFILLED], GuardMode.WARN, Decision.REFUSE),
        ([Kind.FORBIDDEN, Kind.UNFILLED], GuardMode.WARN, Decision.REFUSE),
    ],
)
def test_decide(kinds: list[Kind], mode: GuardMode, decision: Decision) -> None:
    assert decide([Finding(k, "w", (0, 1)) for k in kinds], mode) is decision


def test_an_unknown_guard_mode_is_no_mode() -> None:
    with pytest.raises(ValueError, match="loud"):
        GuardMode("loud")


# -- lint -----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("您好，[公司名称]客服[工号]，[客户姓名]", []),  # conversation placeholders are normal
        ("[问候语]，[日期][星期][时间] [剪贴板]", []),
        ("[员工号] [套餐名称=畅享套餐] [[注]]", []),
        ("[日其]", [(Kind.UNKNOWN, "日其", "日期")]),  # a pinyin input-method typo
        ("[坐席姓明]", [(Kind.UNKNOWN, "坐席姓明", "坐席姓名")]),
        ("[工號]", [(Kind.UNKNOWN, "工號", "工号")]),
        ("[日其=今天]", []),  # has a default: whatever the name, it is filled
        ("[客服姓名] [工单号] [时限]", []),  # one character off a known name is not a typo
        ("请按[1]键", [(Kind.UNKNOWN, "1", "")]),
        ("[ ] [a[b]] [", [(Kind.MALFORMED, "[ ]", ""), (Kind.MALFORMED, "[a[b]]", ""), (Kind.MALFORMED, "[", "")]),
        ("这是规定", [(Kind.FORBIDDEN, "这是规定", "按照相关业务规定需要这样办理")]),
        ("您好,请问?", [(Kind.PUNCTUATION, ",", "，"), (Kind.PUNCTUATION, "?", "？")]),
        (
            "[问候语],稍等...(可选)",
            [(Kind.PUNCTUATION, m, full) for m, full in ((",", "，"), ("...", "……"), ("(", "（"), (")", "）"))],
        ),
        ("10:30 http://a.cn/?x=1 [名称=a,b]", []),
    ],
)
def test_lint(guard: Guard, body: str, expected: list[tuple[Kind, str, str]]) -> None:
    found = guard.lint(body, aliases={"员工号": "工号"})
    assert [(f.kind, f.word, f.suggestion) for f in found] == expected


def test_lint_knows_the_agents_own_profile_keys(guard: Guard) -> None:
    assert guard.lint("[微信号]", profile_keys=["微信号"]) == []
    assert "微信号" in known_names(("微信号",))
    assert likely_meant("微信好", known_names(("微信号",))) == "微信号"


def test_a_heteronym_sounds_like_any_of_its_readings() -> None:
    """行 reads xing or hang: 银航 is a likely typo of 银行 though 行's first reading is xing."""
    assert likely_meant("银航", ["银行"]) == "银行"
    assert likely_meant("银河", ["银行"]) is None


def test_lint_reads_the_shipped_tables_not_pypinyin() -> None:
    code = (
        "import sys\n"
        "from palette.core.guard import Guard\n"
        "assert Guard([]).lint('[日其]')\n"
        "print('pypinyin' in sys.modules)\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip() == "False"


def test_lint_can_leave_punctuation_out(guard: Guard) -> None:
    """An import's warnings leave it out: the paste normalises it, and a team library would drown in it."""
    assert [f.kind for f in guard.lint("您好,不知道", punctuation=False)] == [Kind.FORBIDDEN]
    assert [f.kind for f in guard.lint("您好,不知道")] == [Kind.PUNCTUATION, Kind.FORBIDDEN]


def test_describe_is_one_line_per_kind(guard: Guard) -> None:
    found = guard.lint("[日其][1][ ]不知道,") + guard.check("[x]")
    lines = [f.describe() for f in found]
    assert len(lines) == 6 and all("\n" not in line for line in lines)
    assert "half-width ',' in Chinese text at 13: use '，'" in lines
    assert any("did you mean [日期]" in line for line in lines)
    assert any("suggest “我帮您核实一下”" in line for line in lines)


def test_the_standard_library_lints_clean() -> None:
    data = source_data()
    guard = Guard(data.forbidden)
    problems = {p.uid: guard.lint(p.body) for p in data.phrases}
    assert {uid: f for uid, f in problems.items() if f} == {}
    assert len(guard.words) == len(data.forbidden) >= 20


def test_apply_suggestions_replaces_each_word_and_says_where() -> None:
    guard = Guard([*WORDS, ForbiddenWord("没办法", "", PERSONAL_LIBRARY)])
    text = "王先生,不 知 道,OK?没办法,不知道"
    replaced, spans = apply_suggestions(text, guard.check(text))
    assert replaced == "王先生,我帮您核实一下,好的?没办法,我帮您核实一下"
    assert [replaced[a:b] for a, b in spans] == ["我帮您核实一下", "好的", "我帮您核实一下"]
    assert [(f.word, replaced[slice(*f.span)]) for f in guard.check(replaced)] == [
        ("没办法", "没办法")
    ]  # no suggestion


def test_apply_suggestions_leaves_placeholders_overlaps_and_clean_text() -> None:
    assert apply_suggestions("您好", []) == ("您好", [])
    overlapping = [
        Finding(Kind.FORBIDDEN, "不知道", (0, 3), "我核实"),
        Finding(Kind.FORBIDDEN, "知道了", (1, 4), "明白"),
        Finding(Kind.UNFILLED, "客户姓名", (4, 10)),
    ]
    assert apply_suggestions("不知道了[客户姓名]", overlapping) == ("我核实了[客户姓名]", [(0, 3)])
