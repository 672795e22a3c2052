"""What a valid phrase is: one table for `phrase_rules`, and the store refusing what it refuses."""

from __future__ import annotations

from pathlib import Path

import pytest

from palette.core.model import Library, LibraryKind, Phrase
from palette.core.phrase_rules import (
    MAX_BODY_CHARS,
    MAX_CATEGORY_CHARS,
    MAX_SHORTCUT_CHARS,
    MAX_TAGS_CHARS,
    MAX_TITLE_CHARS,
    Problem,
    ProblemKind,
    check_phrase,
    shortcut_key,
    split_tags,
)
from palette.core.store import InvalidPhraseError, Store

OK = {"category": "常用", "title": "问候", "body": "您好", "shortcut": "", "tags": ()}
EMPTY, LONG, CHARS = ProblemKind.EMPTY, ProblemKind.TOO_LONG, ProblemKind.SHORTCUT_CHARS


@pytest.mark.parametrize(
    ("change", "found"),
    [
        ({}, []),
        ({"shortcut": "nh"}, []),
        ({"shortcut": "a.b-c_9"}, []),
        ({"shortcut": "x" * MAX_SHORTCUT_CHARS}, []),
        ({"shortcut": "  nh  "}, []),  # trimmed before the check
        ({"category": " "}, [Problem(EMPTY, "category")]),
        ({"title": ""}, [Problem(EMPTY, "title")]),
        ({"body": "\n\t"}, [Problem(EMPTY, "body")]),
        ({"category": "c" * (MAX_CATEGORY_CHARS + 1)}, [Problem(LONG, "category", MAX_CATEGORY_CHARS)]),
        ({"title": "t" * (MAX_TITLE_CHARS + 1)}, [Problem(LONG, "title", MAX_TITLE_CHARS)]),
        ({"body": "b" * MAX_BODY_CHARS}, []),
        ({"body": "b" * (MAX_BODY_CHARS + 1)}, [Problem(LONG, "body", MAX_BODY_CHARS)]),
        ({"tags": ("t" * MAX_TAGS_CHARS,)}, []),
        ({"tags": ("t" * MAX_TAGS_CHARS, "u")}, [Problem(LONG, "tags", MAX_TAGS_CHARS)]),
        ({"shortcut": "x" * (MAX_SHORTCUT_CHARS + 1)}, [Problem(LONG, "shortcut", MAX_SHORTCUT_CHARS)]),
        ({"shortcut": "n h"}, [Problem(CHARS, "shortcut", value="n h")]),
        ({"shortcut": "问候"}, [Problem(CHARS, "shortcut", value="问候")]),
        ({"shortcut": "nh!"}, [Problem(CHARS, "shortcut", value="nh!")]),
        (
            {"title": "", "body": "", "shortcut": "a b"},
            [Problem(EMPTY, "title"), Problem(EMPTY, "body"), Problem(CHARS, "shortcut", value="a b")],
        ),
    ],
)
def test_what_a_valid_phrase_is(change: dict[str, object], found: list[Problem], tmp_path: Path) -> None:
    fields = {**OK, **change}
    assert check_phrase(**fields) == found  # type: ignore[arg-type]
    with Store(tmp_path / "p.db") as store:
        if found:
            with pytest.raises(InvalidPhraseError) as caught:
                store.add_phrase(**fields)  # type: ignore[arg-type]
            assert caught.value.problems == tuple(found)
            assert store.phrases() == []
        else:
            store.add_phrase(**fields)  # type: ignore[arg-type]
    for p in found:
        assert p.field in p.describe()


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("VIP 客户", ("VIP 客户",)),  # spaces never split a tag
        ("售后,退款,投诉、催单;回访;质检\n加急", ("售后", "退款", "投诉", "催单", "回访", "质检", "加急")),
        (" a ,, a ; b ", ("a", "b")),
        ("", ()),
        ("\x1b[31m红\x1b[0m;蓝", ("红", "蓝")),  # the ';' of an escape sequence separates nothing
    ],
)
def test_split_tags(text: str, tags: tuple[str, ...]) -> None:
    assert split_tags(text) == tags


def test_one_case_rule_for_codes() -> None:
    assert shortcut_key(" NH ") == shortcut_key("nh")
    assert shortcut_key("STRASSE") == shortcut_key("straße")  # casefold, not lower


def test_every_store_write_is_checked(tmp_path: Path) -> None:
    with Store(tmp_path / "p.db") as store:
        p = store.add_phrase(**OK)  # type: ignore[arg-type]
        with pytest.raises(InvalidPhraseError):
            store.update_phrase(p.uid, shortcut="a b")
        with pytest.raises(InvalidPhraseError):
            store.update_phrase(p.uid, title="t" * (MAX_TITLE_CHARS + 1))
        assert store.get(p.uid) == p


def test_a_layer_row_is_checked_too(tmp_path: Path) -> None:
    bad = Phrase("t-1", "客服一组", "常用", "问候", "\x1b[31m")  # nothing left once cleaned
    with Store(tmp_path / "p.db") as store:
        with pytest.raises(InvalidPhraseError, match="客服一组: phrase 't-1': the body is empty"):
            store.replace_layer(Library("客服一组", LibraryKind.TEAM), [bad])
        assert store.library("客服一组") is None
