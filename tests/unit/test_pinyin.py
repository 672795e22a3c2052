"""The shipped reading tables, and how typed words are read."""

from __future__ import annotations

import pytest

from palette.core import paths, pinyin
from palette.core.model import Phrase
from palette.core.search import SearchIndex
from palette.core.search.codes import CodeBook, fold, fold_with_map
from palette.core.search.compiler import Compiler
from palette.core.search.patterns import Token
from palette.core.search.typos import fuzzy_syllables
from palette.core.standard import source_data


def test_shipped_tables_are_what_pypinyin_gives() -> None:
    readings_text, context_text = pinyin.generate()
    base = paths.resource()
    assert (base / pinyin.READINGS_FILE).read_text(encoding="utf-8") == readings_text, (
        "rebuild: python -m palette.core.pinyin build"
    )
    assert (base / pinyin.CONTEXT_FILE).read_text(encoding="utf-8") == context_text


def test_every_reading_of_a_heteronym_most_common_first() -> None:
    table = pinyin.default_table()
    assert table.readings["还"][0] == "hai" and "huan" in table.readings["还"]
    assert set(table.readings["重"]) >= {"zhong", "chong"}
    assert table.readings["绿"][0] == "lv"
    assert table.context["银行"] == ("yin", "hang")
    assert table.context["长期"] == ("chang", "qi")


@pytest.mark.parametrize(
    ("raw", "folded"),
    [("ＷｉＦｉ断线", "wifi断线"), ("＃投诉", "#投诉"), ("SIM卡", "sim卡"), ("　", " ")],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded
    assert fold_with_map(raw) == (folded, None)


def test_fold_keeps_where_each_character_came_from() -> None:
    assert fold_with_map("a㎡b") == ("am2b", (0, 1, 1, 2))


def test_fold_block_agrees_with_fold() -> None:
    text = "您好，ＳＩＭ卡（补卡）\x1fWiFi\x1e５Ｇ"
    assert CodeBook.fold_block(text) == fold(text)
    assert CodeBook.fold_block("面积㎡") is None  # changes length: folded the slow way


@pytest.fixture(scope="module")
def compiler() -> Compiler:
    """The compiler of an index over the standard library (its ASCII words: WiFi, SIM, 5G, kc1 …)."""
    state = SearchIndex.from_phrases(source_data().phrases)._state
    assert state is not None
    return state.compiler


def spelled(parses: list[tuple[Token, ...]]) -> list[str]:
    return [" ".join(f"{t.kind}:{t.text}" for t in p) for p in parses]


@pytest.mark.parametrize(
    ("word", "first"),
    [
        ("kuandai", "S:kuan P:dai"),
        ("kuand", "S:kuan P:d"),
        ("nh", "I:n P:h"),
        ("kdbz", "I:k I:d I:b P:z"),
        ("zhongguoyd", None),  # syllables then initials: not how anybody types
        ("wifiduan", "L:w L:i L:f L:i P:duan"),
        ("5gtc", "L:5 L:g I:t P:c"),
        ("xgwifimm", "I:x I:g L:w L:i L:f L:i L:m P:m"),  # 修改WiFi密码: a Latin run amid initials
    ],
)
def test_parses(compiler: Compiler, word: str, first: str | None) -> None:
    typed = " ".join(f"L:{c}" for c in word)
    got = [p for p in spelled(compiler.parses(word)) if p != typed]
    assert (got[0] if got else None) == first


CODES = ["cancel", "online", "morning", "xian1", "huifang2", "mine1", "zhongguoyd", "a"]


@pytest.mark.parametrize("word", CODES)
def test_the_word_as_typed_is_always_a_reading(word: str) -> None:
    """However many pinyin readings an ASCII word has, the simplest kept ones never crowd out the
    word itself when the library holds it (a shortcut code, an English word in a title)."""
    team = [Phrase(f"t{i}", "团队", "测试", "核对", "正文", code) for i, code in enumerate(CODES)]
    state = SearchIndex.from_phrases([*source_data().phrases, *team])._state
    assert state is not None
    typed = " ".join(f"L:{c}" for c in word)
    assert typed in spelled(state.compiler.parses(word))
    assert "L:z L:z L:q L:q L:x" not in spelled(state.compiler.parses("zzqqx"))  # not when no text holds it


def test_fuzzy_syllables() -> None:
    assert set(fuzzy_syllables("shu")) == {"su"}
    assert set(fuzzy_syllables("zhang")) == {"zang", "zhan"}
    assert "lan" in set(fuzzy_syllables("nan"))
