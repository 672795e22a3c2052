"""The search package's stages through their own surfaces: filter keys, reading a typed word, the scan budget."""

from __future__ import annotations

import time

from palette.core.model import Phrase
from palette.core.search import IndexSource, SearchIndex
from palette.core.search.blocks import _default_book
from palette.core.search.compiler import Compiler
from palette.core.search.keys import (
    initial_key,
    initials_key,
    is_derived,
    pair_key,
    pair_units,
    text_keys,
    then_initial_key,
    unit_key,
)
from palette.core.search.parsing import read_ascii
from palette.core.search.patterns import Kind, Token, TokenKind
from palette.core.search.scan import Budget, _Query


def test_key_kinds_never_collide() -> None:
    keys = [unit_key("a"), unit_key("b"), pair_key("a", "b"), pair_key("b", "a")]
    keys += [initial_key("a"), then_initial_key("a", "b"), initials_key("a", "b")]
    assert len(set(keys)) == len(keys)
    assert [is_derived(k) for k in keys] == [False] * 4 + [True] * 3


def test_pair_keys_split_into_their_units() -> None:
    assert pair_units(pair_key("还", "款")) == (unit_key("还"), unit_key("款"))


def test_text_keys_are_the_adjacent_pairs() -> None:
    assert text_keys("abc") == {pair_key("a", "b"), pair_key("b", "c")}
    assert text_keys("ab") == {pair_key("a", "b")}


def test_a_word_reads_as_syllables_or_initials_never_both() -> None:
    parses = read_ascii("kuandai", _default_book(), lambda run: False, 48)
    assert (Token(TokenKind.SYLLABLE, "kuan"), Token(TokenKind.PREFIX, "dai")) in parses
    for parse in parses:
        kinds = {t.kind for t in parse}
        assert not {TokenKind.SYLLABLE, TokenKind.INITIAL} <= kinds, parse


def test_a_word_the_library_holds_is_also_read_as_typed() -> None:
    typed = tuple(Token(TokenKind.LITERAL, c) for c in "wifi")
    assert typed in read_ascii("wifi", _default_book(), lambda run: run == "wifi", 48)
    assert typed not in read_ascii("wifi", _default_book(), lambda run: False, 48)


def test_the_kind_of_a_reading() -> None:
    lit, syl, ini = Token(TokenKind.LITERAL, "a"), Token(TokenKind.SYLLABLE, "kuan"), Token(TokenKind.INITIAL, "d")
    assert Compiler.parse_kind((lit,)) is Kind.TEXT
    assert Compiler.parse_kind((syl, lit)) is Kind.PINYIN
    assert Compiler.parse_kind((ini, lit)) is Kind.INITIALS


def test_budget() -> None:
    assert Budget(0).exhausted
    assert not Budget(1).exhausted
    assert not Budget.unlimited().exhausted


def test_a_spent_budget_scans_nothing() -> None:
    phrases = [Phrase(f"p{i}", "团队", "账单", f"退款说明{i}", "您的退款已受理") for i in range(5)]
    state = SearchIndex.prepare(IndexSource(phrases, ("团队",)))
    query = _Query(state, ["退款"], [], None, time.time(), 20)
    alts, blocks = query._readings(False)

    def scanned(budget: Budget) -> list[int]:
        found: list[int] = []
        query._scan_blocks(alts[0][1], blocks, found, set(), 50, budget)
        return found

    assert scanned(Budget(0)) == []
    assert len(scanned(Budget(2))) == 2
    assert len(scanned(Budget.unlimited())) == 5
