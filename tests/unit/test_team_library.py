"""Team libraries in the user database: uid namespaces, review, apply, agent state kept, export."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import pytest

from palette.core.library_io import FORMATS, LibraryData, LibraryFileError
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, ForbiddenWord, LibraryKind, Phrase
from palette.core.store import Store, StoreError
from palette.core.team_library import (
    LibraryNameError,
    apply_layer,
    export_library,
    library_data,
    review,
    team_layer,
)
from tests.library_files import HEADER, ROWS, read, write_csv, write_xlsx
from tests.stored import stored, stored_library


def data(name: str, rows: Sequence[Sequence[str]], forbidden: Sequence[str] = ()) -> LibraryData:
    phrases = tuple(
        Phrase(uid=r[0], library=name, category=r[1], title=r[2], body=r[3], sort_order=i) for i, r in enumerate(rows)
    )
    return LibraryData(name, "w1", phrases, tuple(ForbiddenWord(w, "", name) for w in forbidden))


def imported(store: Store, d: LibraryData, source: str | None = None) -> None:
    apply_layer(store, team_layer(store, d, source=source))


def test_team_uids_are_namespaced_so_two_teams_may_share_ids(store: Store) -> None:
    imported(store, data("一组", [["1", "c", "t", "一组的话术"]]))
    imported(store, data("二组", [["1", "c", "t", "二组的话术"]]))
    assert stored(store, "一组#1").body == "一组的话术"
    assert stored(store, "二组#1").body == "二组的话术"


def test_a_team_may_republish_the_standard_library_under_its_own_name(store: Store, tmp_path: Path) -> None:
    export_library(store, STANDARD_LIBRARY, tmp_path / "std.json")
    copy = read(tmp_path / "std.json", library="标准副本")
    imported(store, copy)
    assert len(store.phrases(library="标准副本")) == len(store.phrases(library=STANDARD_LIBRARY)) == 127
    assert store.get("标准副本#std-open-phone") is not None


@pytest.mark.parametrize(
    ("name", "needle"),
    [
        (STANDARD_LIBRARY, "bundled standard library"),
        (PERSONAL_LIBRARY, "your own phrases"),
        ("一#组", "'#'"),
        ("x" * 41, "at most 40"),
        ("  ", "no name"),
    ],
)
def test_reserved_and_unusable_names_are_refused(store: Store, name: str, needle: str) -> None:
    before = store.dump()
    with pytest.raises(LibraryNameError, match=needle):
        team_layer(store, data(name, [["1", "c", "t", "b"]]))
    assert store.dump() == before


def test_review_lists_new_changed_with_before_and_after_and_removed(store: Store) -> None:
    imported(store, data("一组", [["1", "c", "问候", "您好"], ["2", "c", "道别", "再见"]], ["不知道"]))
    layer = team_layer(store, data("一组", [["1", "c", "问候", "您好!"], ["3", "c", "致歉", "抱歉"]], ["没办法"]))
    before = store.dump()
    plan = review(store, layer)
    assert store.dump() == before  # a review writes nothing
    assert [p.title for p in plan.added] == ["致歉"]
    assert [(old.body, new.body) for old, new in plan.changed] == [("您好", "您好!")]
    assert [p.title for p in plan.removed] == ["道别"]
    assert (plan.forbidden_added, plan.forbidden_removed, plan.is_new) == (("没办法",), ("不知道",), False)
    diff = apply_layer(store, layer)
    assert (diff.added, diff.changed, diff.removed) == (plan.diff.added, plan.diff.changed, plan.diff.removed)
    assert [w.word for w in store.forbidden_words() if w.source == "一组"] == ["没办法"]


def test_review_shows_the_guard_warnings(store: Store) -> None:
    layer = team_layer(store, data("一组", [["1", "c", "t", "我不知道"]]))
    (warning,) = review(store, layer).diff.warnings
    assert "c › t" in warning and "不知道" in warning and "我帮您核实一下" in warning


def test_reimport_keeps_pins_hidden_flags_usage_and_personal_phrases(store: Store, tmp_path: Path) -> None:
    first = write_csv(tmp_path / "一组.csv", [HEADER, *ROWS])
    imported(store, read(first))
    store.set_flags("一组#1001", pinned=True)
    store.set_flags("一组#1002", hidden=True)
    store.record_use("一组#1001", now=1000.0)
    override = store.add_phrase(category="投诉处理", title="我的安抚", body="我的版本", override_of="一组#1003")
    mine = store.add_phrase(category="我的", title="自己的", body="我自己的话术")

    edited = [
        HEADER,
        ["1001", "投诉处理", "安抚", "您好,非常抱歉!", "ts1", ""],
        ROWS[1],
        ["1004", "新", "新", "新", "", ""],
    ]
    diff = apply_layer(store, team_layer(store, read(write_csv(tmp_path / "一组.csv", edited))))
    assert (diff.added, diff.changed, diff.removed) == (("一组#1004",), ("一组#1001",), ("一组#1003",))
    kept = store.get("一组#1001")
    assert kept is not None and kept.pinned and kept.body == "您好,非常抱歉!"
    assert stored(store, "一组#1002").hidden
    assert store.usage()["一组#1001"].count == 1
    assert store.get(mine.uid) == mine and store.get(override.uid) is not None


def test_removing_a_library_keeps_personal_phrases(store: Store) -> None:
    imported(store, data("一组", [["1", "c", "t", "b"]]))
    mine = store.add_phrase(category="我的", title="t", body="b")
    store.remove_library("一组")
    assert store.library("一组") is None and store.get(mine.uid) == mine


def test_apply_keeps_the_subscription_unless_given_a_new_one(store: Store) -> None:
    imported(store, data("一组", [["1", "c", "t", "b"]]), source="/share/team.xlsx")
    imported(store, data("一组", [["1", "c", "t", "b2"]]))
    assert stored_library(store, "一组").source == "/share/team.xlsx"
    lib = store.library("一组")
    assert lib is not None and lib.kind is LibraryKind.TEAM and lib.version == "w1" and lib.checksum


def test_a_failed_apply_changes_nothing(store: Store) -> None:
    imported(store, data("一组", [["1", "c", "t", "b"]]))
    before = store.dump()
    bad = team_layer(store, data("一组", [["1", "c", "t", "b2"], ["2", "c", "t", "b"]]))
    bad = type(bad)(bad.library, (*bad.phrases, bad.phrases[0]), bad.forbidden)  # a duplicate uid
    with pytest.raises(StoreError, match="duplicate uid"):
        apply_layer(store, bad)
    assert store.dump() == before


@pytest.mark.parametrize("suffix", FORMATS)
def test_store_round_trip_through_every_format(store: Store, tmp_path: Path, suffix: str) -> None:
    sheet = write_xlsx(
        tmp_path / "一组.xlsx",
        {
            "话术": [HEADER, *ROWS, ["", "感谢", "道别", "感谢您的来电,\n再见!", "", "结束"]],
            "禁语": [["禁语", "建议"], ["不知道", "我帮您核实一下"]],
        },
    )
    imported(store, read(sheet))
    stored = library_data(store, "一组")
    export_library(store, "一组", tmp_path / f"out{suffix}")
    again = team_layer(store, read(tmp_path / f"out{suffix}", library="一组"))
    plan = review(store, again)
    assert plan.diff.is_empty and len(plan.diff.unchanged) == 4 and not plan.forbidden_changed
    assert [p.uid for p in again.phrases] == [p.uid for p in store.phrases(library="一组")]
    assert library_data(store, "一组") == stored


def test_personal_phrases_export_and_import_as_a_team_library(store: Store, tmp_path: Path) -> None:
    store.add_phrase(category="我的", title="提速回访", body="您好,这里是提速回访。", shortcut="tshf", tags=["宽带"])
    store.add_forbidden_word("笨", "")
    _, written = export_library(store, PERSONAL_LIBRARY, tmp_path / "mine.csv")
    assert written == [tmp_path / "mine.csv", tmp_path / "mine.禁语.csv"]
    back = read(tmp_path / "mine.csv", library="分享")
    assert [(p.title, p.shortcut, p.tags) for p in back.phrases] == [("提速回访", "tshf", ("宽带",))]
    assert [w.word for w in back.forbidden] == ["笨"]


def test_export_of_an_unknown_library(store: Store, tmp_path: Path) -> None:
    with pytest.raises(LibraryFileError, match="no library named '不存在'"):
        export_library(store, "不存在", tmp_path / "x.json")


def test_an_import_warns_of_forbidden_words_with_the_suggestion(store: Store) -> None:
    from palette.core.library_io import LibraryData
    from palette.core.model import ForbiddenWord, Phrase
    from palette.core.team_library import team_layer

    data = LibraryData(
        name="客服一组",
        version="1",
        phrases=(
            Phrase("1", "客服一组", "投诉处理", "推诿", "这不归我管,您找别人。"),
            Phrase("2", "客服一组", "投诉处理", "团队自己的禁语", "随便你怎么说。"),
        ),
        forbidden=(ForbiddenWord("随便你", "您看这样是否可以", "客服一组"),),
    )
    warnings = team_layer(store, data).warnings
    assert any("推诿" in w and "这不归我管" in w and "相关部门" in w for w in warnings)
    assert any("团队自己的禁语" in w and "随便你" in w for w in warnings)
