"""Library layers: disabling a library (store, running index, CLI), shortcut collisions across
layers (import and lint), and the note for a `#category` that matches nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from palette.cli import main
from palette.core.collisions import shortcut_collisions
from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, Library, LibraryKind, Phrase
from palette.core.search import SearchIndex
from palette.core.store import Store, StoreError
from tests.stored import stored, stored_library

TEAM = Library("宽带组", LibraryKind.TEAM)
KC1 = "std-open-phone"  # the standard library's phrase with the code kc1


def team(store: Store, *phrases: Phrase) -> None:
    store.replace_layer(TEAM, list(phrases))


def tp(uid: str, title: str, shortcut: str = "", category: str = "宽带") -> Phrase:
    return Phrase(f"{TEAM.name}#{uid}", TEAM.name, category, title, f"{title}的正文", shortcut)


def uids(index: SearchIndex, text: str) -> list[str]:
    return [h.phrase.uid for h in index.query(text, limit=50)]


# -- disable / enable: the store ---------------------------------------------------------------------


def test_disable_keeps_everything_and_hides_the_library(store: Store) -> None:
    store.set_flags(KC1, pinned=True)
    store.record_use(KC1)
    rows_before = len(store.phrases(library=STANDARD_LIBRARY))
    store.set_library_enabled(STANDARD_LIBRARY, False)
    assert not stored_library(store, STANDARD_LIBRARY).enabled
    assert all(p.library != STANDARD_LIBRARY for p in store.visible_phrases())
    assert len(store.phrases(library=STANDARD_LIBRARY)) == rows_before
    assert stored(store, KC1).pinned and KC1 in store.usage()
    assert store.shortcut_owner("kc1") is None  # a disabled library's code is free in the palette
    store.set_library_enabled(STANDARD_LIBRARY, True)
    assert stored_library(store, STANDARD_LIBRARY).enabled
    assert KC1 in {p.uid for p in store.visible_phrases()}


def test_the_agents_own_version_of_a_disabled_phrase_stays(store: Store) -> None:
    mine = store.add_phrase(category="问候", title="我的开场", body="您好", override_of=KC1)
    store.set_library_enabled(STANDARD_LIBRARY, False)
    shown = {p.uid for p in store.visible_phrases()}
    assert mine.uid in shown and KC1 not in shown


def test_personal_and_unknown_libraries_cannot_be_disabled(store: Store) -> None:
    before = store.dump()
    with pytest.raises(StoreError, match="cannot be disabled"):
        store.set_library_enabled(PERSONAL_LIBRARY, False)
    with pytest.raises(StoreError, match="no library named"):
        store.set_library_enabled("nope", False)
    assert store.dump() == before


def test_removing_a_disabled_library_forgets_the_flag(store: Store) -> None:
    team(store, tp("1", "提速"))
    store.set_library_enabled(TEAM.name, False)
    store.remove_library(TEAM.name)
    assert TEAM.name not in store.disabled_libraries()
    team(store, tp("1", "提速"))
    assert stored_library(store, TEAM.name).enabled


# -- the running index follows the switch ------------------------------------------------------------


def test_running_index_follows_disable_and_enable(store: Store) -> None:
    team(store, tp("1", "宽带提速", "ts1"))
    index = SearchIndex.from_store(store)
    assert uids(index, "kc1")[0] == KC1
    store.set_library_enabled(STANDARD_LIBRARY, False)
    assert KC1 not in uids(index, "kc1") and KC1 not in uids(index, "")
    assert index.query("ts1")[0].phrase.uid == f"{TEAM.name}#1"
    store.set_library_enabled(STANDARD_LIBRARY, True)
    assert uids(index, "kc1")[0] == KC1
    fresh = SearchIndex.from_store(store)
    assert uids(fresh, "kc1") == uids(index, "kc1")


def test_running_index_edits_inside_a_disabled_library_stay_out(store: Store) -> None:
    team(store, tp("1", "宽带提速", "ts1"))
    store.set_library_enabled(TEAM.name, False)
    mine = store.add_phrase(category="宽带", title="我的提速", body="x", override_of=f"{TEAM.name}#1")
    index = SearchIndex.from_store(store)
    team(store, tp("1", "宽带提速新版", "ts1"), tp("2", "宽带报修", "bx1"))  # a re-import while disabled
    assert f"{TEAM.name}#2" not in uids(index, "bx1") and f"{TEAM.name}#1" not in uids(index, "宽带提速新版")
    assert mine.uid in uids(index, "我的提速")
    store.update_phrase(mine.uid, title="我的提速二")
    assert mine.uid in uids(index, "我的提速二")
    assert uids(index, "宽带") == uids(SearchIndex.from_store(store), "宽带")


# -- the CLI -----------------------------------------------------------------------------------------


def test_cli_disable_enable_and_list(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["library", "disable", STANDARD_LIBRARY]) == 0
    capsys.readouterr()
    assert main(["library", "list", "--json"]) == 0
    rows = {r["name"]: r for r in json.loads(capsys.readouterr().out)}
    assert rows[STANDARD_LIBRARY]["enabled"] is False and rows[PERSONAL_LIBRARY]["enabled"] is True
    assert main(["library", "list"]) == 0
    assert "(disabled)" in next(line for line in capsys.readouterr().out.splitlines() if STANDARD_LIBRARY in line)
    assert main(["search", "kc1", "--json"]) == 0
    assert KC1 not in [r["uid"] for r in json.loads(capsys.readouterr().out)]
    assert main(["render", KC1, "--set", "公司名称=甲", "--set", "工号=1"]) == 0  # by uid: a script asked for it
    capsys.readouterr()
    assert main(["library", "enable", STANDARD_LIBRARY]) == 0
    capsys.readouterr()
    assert main(["search", "kc1", "--json"]) == 0
    assert json.loads(capsys.readouterr().out)[0]["uid"] == KC1


@pytest.mark.parametrize("args", [["disable", "nope"], ["enable", "nope"], ["disable", PERSONAL_LIBRARY]])
def test_cli_disable_bad_name_is_one_line_exit_2(
    home: Path, capsys: pytest.CaptureFixture[str], args: list[str]
) -> None:
    assert main(["library", *args]) == 2
    err = capsys.readouterr().err
    assert err.startswith("palette: error: ") and err.count("\n") == 1


# -- shortcut collisions across layers ----------------------------------------------------------------


def write_team_csv(path: Path) -> Path:
    path.write_text("id,category,title,body,shortcut\n1,查询,团队开场,团队开场白,KC1\n2,查询,其他,其他正文,zz9\n")
    return path


def test_import_and_dry_run_name_both_phrases(home: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    csv = write_team_csv(tmp_path / "team.csv")
    assert main(["import", str(csv), "--library", TEAM.name, "--dry-run", "--json"]) == 0
    plan = json.loads(capsys.readouterr().out)
    collisions = [w for w in plan["warnings"] if "shortcut" in w]
    assert len(collisions) == 1
    assert f"{TEAM.name} › 团队开场 ({TEAM.name}#1)" in collisions[0]
    assert f"{STANDARD_LIBRARY} › 电话标准开场 ({KC1})" in collisions[0]
    assert main(["import", str(csv), "--library", TEAM.name]) == 0
    out = capsys.readouterr()
    assert "1 warning(s)" in out.out and "KC1" in out.err


def test_lint_reports_collisions_on_both_sides_and_none_for_an_override(
    store: Store, capsys: pytest.CaptureFixture[str]
) -> None:
    team(store, tp("1", "团队开场", "Kc1"), tp("2", "提速", "kdts9"))
    store.add_phrase(category="宽带", title="我的提速", body="x", shortcut="kdts9", override_of=f"{TEAM.name}#2")
    assert main(["lint", "--json"]) == 1
    rows = [r for r in json.loads(capsys.readouterr().out) if r["kind"] == "shortcut_collision"]
    assert {(r["uid"], r["other"]) for r in rows} == {(f"{TEAM.name}#1", KC1), (KC1, f"{TEAM.name}#1")}
    store.set_library_enabled(STANDARD_LIBRARY, False)  # a disabled library collides with nothing
    assert main(["lint", "--library", TEAM.name]) == 0


def test_collisions_ignore_hidden_and_same_library(store: Store) -> None:
    team(store, tp("1", "甲", "ab"), tp("2", "乙", "AB"))
    assert shortcut_collisions(store.phrases(library=TEAM.name), store.coded_phrases()) == []
    store.set_flags(KC1, hidden=True)
    assert shortcut_collisions([tp("3", "丙", "kc1")], store.coded_phrases()) == []


# -- #category that matches nothing ------------------------------------------------------------------


def test_search_unknown_category_notes_it(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["search", "#宽带"]) == 0
    err = capsys.readouterr().err
    assert err == 'palette: note: no category matches "宽带"\n'
    assert main(["search", "#问候", "zzzzqqq"]) == 0
    assert "no category" not in capsys.readouterr().err


def test_unknown_categories_query(store: Store) -> None:
    index = SearchIndex.from_store(store)
    assert index.unknown_categories("#宽带 #问候 你好") == ["宽带"]
    team(store, tp("1", "提速", category="宽带"))
    assert index.unknown_categories("#宽带") == []


def test_manager_collisions_follow_what_the_palette_offers(store: Store) -> None:
    from palette.core import editing

    mine = store.add_phrase(category="问候", title="我的开场", body="您好", shortcut="kc1", override_of=KC1)
    team(store, tp("1", "团队开场", "KC1"))  # an import may bring a taken code (and warns); `add` may not
    entries = editing.entries(store.phrases(), [lib.name for lib in store.libraries()])
    found = editing.layer_collisions(entries)
    assert [p.uid for p in found[f"{TEAM.name}#1"]] == [mine.uid]  # the agent's version is what collides
    assert [p.uid for p in found[KC1]] == [f"{TEAM.name}#1"]
    # 标准话术 disabled: the agent's own version is still offered (and still collides); the team's alone is off
    assert KC1 in editing.layer_collisions(entries, {STANDARD_LIBRARY})
    assert editing.layer_collisions(entries, {TEAM.name}) == {}
