"""What the manager lists and how it renumbers: `core.editing`, with plain phrases and no Qt."""

from __future__ import annotations

from typing import Unpack

import pytest
from hypothesis import given
from hypothesis import strategies as st

from palette.core.editing import (
    ShortcutOwners,
    categories,
    entries,
    in_view,
    move_before,
    nudge,
    parse_tags,
    problems,
    tags_text,
    valid_profile_key,
)
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Library, LibraryKind, Phrase
from palette.core.phrase_rules import Problem, ProblemKind
from palette.core.store import Store
from tests.phrases import UnorderedFields

TEAM = "客服一组"


def phrase(
    uid: str,
    library: str = PERSONAL_LIBRARY,
    category: str = "常用",
    order: int = 0,
    *,
    title: str | None = None,
    body: str | None = None,
    **kw: Unpack[UnorderedFields],
) -> Phrase:
    return Phrase(
        uid, library, category, uid if title is None else title, uid if body is None else body, sort_order=order, **kw
    )


LAYERS = [
    phrase("m1", order=1),
    phrase("t1", TEAM, "售后", 0),
    phrase("s2", STANDARD_LIBRARY, "结束语", 1),
    phrase("s1", STANDARD_LIBRARY, "问候", 0, hidden=True),
    phrase("o-t1", category="我的分类", order=0, override_of="t1"),
    phrase("o-gone", order=2, override_of="removed-by-reimport"),
    phrase("t2", TEAM, "售后", 1),
]
ORDER = [STANDARD_LIBRARY, TEAM, PERSONAL_LIBRARY]


def test_entries_pair_overrides_with_their_originals_in_library_order() -> None:
    listed = entries(LAYERS, ORDER)
    assert [(e.key, e.shown.uid) for e in listed] == [
        ("s1", "s1"),
        ("s2", "s2"),
        ("t1", "o-t1"),  # customised: shown where the team phrase sits, under the original's uid
        ("t2", "t2"),
        ("m1", "m1"),
        ("o-gone", "o-gone"),  # its original is gone: the agent's own phrase now
    ]
    by_key = {e.key: e for e in listed}
    assert by_key["t1"].customised and by_key["t1"].editable and by_key["t1"].library == TEAM
    assert by_key["t2"].read_only and not by_key["t2"].editable
    assert by_key["m1"].editable and not by_key["m1"].customised and by_key["m1"].original is None
    assert by_key["s1"].shown.hidden  # hidden ones are listed (greyed), so they can be unhidden


@pytest.mark.parametrize(
    ("library", "category", "keys"),
    [
        (None, None, ["s1", "s2", "t1", "t2", "m1", "o-gone"]),
        (TEAM, None, ["t1", "t2"]),
        (TEAM, "售后", ["t2"]),  # t1 moved to the agent's own category
        (TEAM, "我的分类", ["t1"]),
        (PERSONAL_LIBRARY, "常用", ["m1", "o-gone"]),
        (STANDARD_LIBRARY, "没有", []),
    ],
)
def test_in_view(library: str | None, category: str | None, keys: list[str]) -> None:
    assert [e.key for e in in_view(entries(LAYERS, ORDER), library, category)] == keys


def test_categories_in_first_appearance_order() -> None:
    listed = entries(LAYERS, ORDER)
    assert categories(listed) == ["问候", "结束语", "我的分类", "售后", "常用"]
    assert categories(listed, TEAM) == ["我的分类", "售后"]


MINE = [phrase("a", order=0), phrase("b", order=1), phrase("c", order=2), phrase("d", order=3)]


@pytest.mark.parametrize(
    ("moving", "before", "changes"),
    [
        (["c"], "a", {"c": 0, "a": 1, "b": 2}),
        (["a"], None, {"b": 0, "c": 1, "d": 2, "a": 3}),
        (["a", "c"], "d", {"b": 0, "a": 1}),  # c is already third
        (["b"], "c", {}),  # already right before c
        (["b"], "b", {}),
    ],
)
def test_move_before(moving: list[str], before: str | None, changes: dict[str, int]) -> None:
    assert move_before(MINE, moving, before) == changes


@pytest.mark.parametrize(
    ("view", "uid", "delta", "changes"),
    [
        (["a", "b", "c", "d"], "b", -1, {"b": 0, "a": 1}),
        (["a", "b", "c", "d"], "b", 1, {"c": 1, "b": 2}),
        (["a", "b", "c", "d"], "a", -1, {}),  # already first
        (["a", "b", "c", "d"], "d", 1, {}),
        (["a", "c"], "a", 1, {"b": 0, "c": 1, "a": 2}),  # a category view: skips over phrases not shown
        (["a", "c"], "c", -1, {"c": 0, "a": 1, "b": 2}),
        (["a", "c"], "x", 1, {}),
    ],
)
def test_nudge(view: list[str], uid: str, delta: int, changes: dict[str, int]) -> None:
    assert nudge(MINE, view, uid, delta) == changes


@given(st.lists(st.integers(0, 5), min_size=1, max_size=8), st.data())
def test_move_before_renumbers_into_the_wanted_order(orders: list[int], data: st.DataObject) -> None:
    mine = [phrase(f"p{i}", order=o) for i, o in enumerate(orders)]
    uids = [p.uid for p in mine]
    moving = data.draw(st.lists(st.sampled_from(uids), min_size=1, unique=True))
    before = data.draw(st.sampled_from([u for u in uids if u not in moving] + [None]))
    shown = sorted(uids, key=lambda u: (orders[uids.index(u)], u))  # ties by uid, as the manager lists them
    kept = [u for u in shown if u not in moving]
    at = kept.index(before) if before is not None else len(kept)
    wanted = kept[:at] + [u for u in shown if u in moving] + kept[at:]

    new = {p.uid: p.sort_order for p in mine} | move_before(mine, moving, before)
    assert [new[u] for u in wanted] == list(range(len(uids)))


@pytest.mark.parametrize(
    ("text", "tags"),
    [
        ("售后, 退款、投诉", ("售后", "退款", "投诉")),
        ("a,,b ; a", ("a", "b")),
        ("  ", ()),
        ("VIP 客户, 开场", ("VIP 客户", "开场")),  # spaces do not split: one rule with the CLI and import
    ],
)
def test_parse_tags(text: str, tags: tuple[str, ...]) -> None:
    assert parse_tags(text) == tags
    assert parse_tags(tags_text(tags)) == tags


@pytest.mark.parametrize(
    ("fields", "found"),
    [
        ({"title": "t", "category": "c", "body": "b", "shortcut": "nh"}, []),
        ({"title": " ", "category": "c", "body": "b", "shortcut": ""}, [Problem(ProblemKind.EMPTY, "title")]),
        (
            {"title": "t", "category": "", "body": "\n", "shortcut": "n h"},
            [
                Problem(ProblemKind.EMPTY, "category"),
                Problem(ProblemKind.EMPTY, "body"),
                Problem(ProblemKind.SHORTCUT_CHARS, "shortcut", value="n h"),
            ],
        ),
    ],
)
def test_problems(fields: dict[str, str], found: list[Problem]) -> None:
    assert problems(**fields) == found


@pytest.mark.parametrize(
    ("name", "ok"),
    [
        ("分机号", True),
        ("ext_1", True),
        ("工 号", False),
        ("a=b", False),
        ("", False),
        ("字" * 21, False),
        (" 工号", False),
    ],
)
def test_valid_profile_key(name: str, ok: bool) -> None:
    assert valid_profile_key(name) is ok


def test_shortcut_owners_answer_as_the_store_does(store: Store) -> None:
    store.add_phrase(category="c", title="mine", body="b", shortcut="tk")  # before the team brings TK
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [
            phrase("t-a", TEAM, shortcut="kc1"),
            phrase("t-b", TEAM, shortcut="TK", order=1),
            phrase("t-c", TEAM, order=2),
        ],
    )
    store.add_phrase(category="c", title="over", body="b", shortcut="ov", override_of="t-c")
    store.set_flags("std-open-phone", hidden=True)  # kc1 of the standard library: hidden, so not an owner
    owners = ShortcutOwners(entries(store.phrases(), [lib.name for lib in store.libraries()]))
    codes = {p.shortcut for p in store.phrases() if p.shortcut} | {"KC1", "nope", ""}
    excludes = [None, "t-a", "t-b", "t-c", *(p.uid for p in store.phrases(PERSONAL_LIBRARY))]
    for code in codes:
        for exclude in excludes:
            want = store.shortcut_owner(code, exclude=exclude)
            got = owners.owner(code, exclude)
            assert (got.uid if got else None) == (want.uid if want else None), (code, exclude)
