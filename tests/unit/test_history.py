"""A team library's versions and rollback, and the overrides a new version changes under the agent
(团队已更新): kept in the store, written in the import's own transaction."""

from __future__ import annotations

from pathlib import Path

import pytest

from palette.core.history import rollback
from palette.core.library_io import parse_library
from palette.core.model import Library, LibraryKind, Phrase
from palette.core.sources import fetch
from palette.core.store import Store, StoreError
from palette.core.store import history as store_history
from palette.core.subscribe import SubscriptionChecker, subscribe
from palette.core.team_library import apply_layer, team_layer
from tests.stored import stored

TEAM = "一组"


def publish(store: Store, path: Path, rows: dict[str, str], origin: str = "") -> None:
    """Write `rows` (id → body) as the team's CSV at `path` and import it."""
    path.write_text("编号,标题,内容\n" + "".join(f"{k},标题{k},{v}\n" for k, v in rows.items()), encoding="utf-8")
    apply_layer(store, team_layer(store, parse_library(fetch(str(path)), library=TEAM)), origin=origin or str(path))


def uid(local: str) -> str:
    return f"{TEAM}#{local}"


# -- versions and rollback ------------------------------------------------------------------------


def test_each_applied_import_is_a_version_with_who_and_what(store: Store, tmp_path: Path) -> None:
    store.set_profile("工号", "A1024")
    path = tmp_path / "team.csv"
    publish(store, path, {"1": "一", "2": "二"})
    publish(store, path, {"1": "一改", "3": "三"})
    publish(store, path, {"1": "一改", "3": "三"})  # nothing changed: no new version
    v1, v2 = store.library_versions(TEAM)
    assert (v1.version, v1.added, v1.changed, v1.removed, v1.phrases) == (1, 2, 0, 0, 2)
    assert (v2.version, v2.added, v2.changed, v2.removed, v2.phrases) == (2, 1, 1, 1, 2)
    assert v2.who == "A1024" and v2.source == str(path) and v2.checksum == stored_checksum(store)
    assert v2.restorable and v2.applied_at.endswith("+00:00")


def stored_checksum(store: Store) -> str:
    lib = store.library(TEAM)
    assert lib is not None
    return lib.checksum


def test_rollback_restores_the_layer_and_is_itself_a_version(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    publish(store, path, {"1": "一", "2": "二"})
    before = store.phrases(library=TEAM)
    publish(store, path, {"1": "一改", "3": "三"})
    mine = store.add_phrase(category="我的", title="自己的", body="自己写的")
    store.set_flags(uid("1"), pinned=True)
    store.record_use(uid("1"))
    target, diff = rollback(store, TEAM)
    assert target.version == 1 and set(diff.removed) == {uid("3")} and set(diff.added) == {uid("2")}
    assert [(p.uid, p.body) for p in store.phrases(library=TEAM)] == [(p.uid, p.body) for p in before]
    assert store.library_versions(TEAM)[-1].source == "rollback to 1"
    assert stored_checksum(store) == target.checksum
    assert stored(store, mine.uid).body == "自己写的"  # personal layer, pins and usage untouched
    assert stored(store, uid("1")).pinned and store.usage()[uid("1")].count == 1
    again, _ = rollback(store, TEAM, 2)  # rolling forward is one more rollback
    assert again.version == 2 and stored(store, uid("3")).body == "三"
    assert [v.version for v in store.library_versions(TEAM)] == [1, 2, 3, 4]


@pytest.mark.parametrize(("to", "message"), [(None, "no earlier version"), (7, "no version 7"), (1, "the current one")])
def test_a_rollback_that_cannot_be_changes_nothing(store: Store, tmp_path: Path, to: int | None, message: str) -> None:
    publish(store, tmp_path / "team.csv", {"1": "一"})
    dump = store.dump()
    with pytest.raises(StoreError, match=message):
        rollback(store, TEAM, to)
    assert store.dump() == dump


def test_only_team_libraries_roll_back(store: Store) -> None:
    for name in ("标准话术", "我的话术", "没有"):
        with pytest.raises(StoreError, match="not a team library"):
            rollback(store, name)


def test_the_last_twenty_versions_are_kept(store: Store, tmp_path: Path) -> None:
    for n in range(23):
        publish(store, tmp_path / "team.csv", {"1": f"第{n}版"})
    versions = store.library_versions(TEAM)
    assert [v.version for v in versions] == list(range(4, 24))
    with pytest.raises(StoreError, match="no version 3"):
        rollback(store, TEAM, 3)


def test_a_layer_too_big_to_keep_is_logged_not_restorable(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    publish(store, tmp_path / "team.csv", {"1": "一"})
    monkeypatch.setattr(store_history, "MAX_LAYER_BYTES", 10)
    publish(store, tmp_path / "team.csv", {"1": "二"})
    publish(store, tmp_path / "team.csv", {"1": "三"})
    assert [v.restorable for v in store.library_versions(TEAM)] == [True, False, False]
    with pytest.raises(StoreError, match="too big"):
        rollback(store, TEAM, 2)
    rollback(store, TEAM, 1)
    assert stored(store, uid("1")).body == "一"


def test_a_subscription_does_not_reapply_what_was_rolled_back(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    publish(store, path, {"1": "一"})
    subscribe(store, TEAM, str(path))
    publish(store, path, {"1": "二"})
    rollback(store, TEAM)
    assert SubscriptionChecker(store).check_all() == []  # a fresh process: the file still holds 二
    assert stored(store, uid("1")).body == "一"
    path.write_text("编号,标题,内容\n1,标题1,三\n", encoding="utf-8")  # the lead's next version arrives
    (notice,) = SubscriptionChecker(store).check_all()
    assert notice.diff is not None and notice.diff.changed == (uid("1"),)
    assert stored(store, uid("1")).body == "三"


def test_removing_a_library_drops_its_versions(store: Store, tmp_path: Path) -> None:
    publish(store, tmp_path / "team.csv", {"1": "一"})
    store.remove_library(TEAM)
    assert store.library_versions(TEAM) == []


# -- 团队已更新 --------------------------------------------------------------------------------------


def test_a_team_change_under_an_override_is_marked_with_its_base(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    publish(store, path, {"1": "原文", "2": "别的"})
    store.add_phrase(category="c", title="我的", body="我的说法", override_of=uid("1"))
    publish(store, path, {"1": "新文", "2": "别的也改了"})  # 2 has no override: no mark
    assert set(store.team_updates()) == {uid("1")}
    mark = store.team_update(uid("1"))
    assert mark is not None and (mark.old_title, mark.old_body) == ("标题1", "原文")
    publish(store, path, {"1": "又改", "2": "别的也改了"})  # the base stays what the override was made from
    mark = store.team_update(uid("1"))
    assert mark is not None and mark.old_body == "原文"
    publish(store, path, {"1": "原文", "2": "别的也改了"})  # back to the base: nothing changed under the agent
    assert store.team_updates() == {}


def test_keep_mine_makes_the_new_text_the_base(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    publish(store, path, {"1": "原文"})
    store.add_phrase(category="c", title="我的", body="我的说法", override_of=uid("1"))
    publish(store, path, {"1": "新文"})
    store.keep_mine(uid("1"))
    assert store.team_updates() == {}
    publish(store, path, {"1": "第三版"})
    mark = store.team_update(uid("1"))
    assert mark is not None and mark.old_body == "新文"


def test_dropping_the_override_or_the_team_phrase_drops_the_mark(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "team.csv"
    publish(store, path, {"1": "原文", "2": "二"})
    mine = store.add_phrase(category="c", title="我的", body="我的说法", override_of=uid("1"))
    store.add_phrase(category="c", title="我的二", body="我的二", override_of=uid("2"))
    publish(store, path, {"1": "新文", "2": "二改"})
    store.delete_phrase(mine.uid)  # 采用团队新版本
    assert set(store.team_updates()) == {uid("2")}
    publish(store, path, {"1": "新文"})  # the team removed 2
    assert store.team_updates() == {}


def test_a_failed_import_leaves_no_version_and_no_mark(store: Store, tmp_path: Path) -> None:
    publish(store, tmp_path / "team.csv", {"1": "原文"})
    store.add_phrase(category="c", title="我的", body="我的说法", override_of=uid("1"))
    store.replace_layer(Library("别的", LibraryKind.TEAM), [Phrase("别的#x", "别的", "c", "t", "b")])
    dump = store.dump()
    clash = [Phrase(uid("1"), TEAM, "c", "t", "新文"), Phrase("别的#x", TEAM, "c", "t", "b", sort_order=1)]
    with pytest.raises(StoreError, match="already belongs"):
        store.replace_layer(Library(TEAM, LibraryKind.TEAM), clash)
    assert store.dump() == dump


def test_a_schema_2_database_upgrades_with_its_phrases_undated(tmp_path: Path) -> None:
    """The step that brings validity dates, marks and versions keeps what a schema-2 database held."""
    import sqlite3

    import sqlite_utils

    from palette.core.store import schema

    path = tmp_path / "palette.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    for step in schema.MIGRATIONS[:2]:
        step(db)
    db.execute("PRAGMA user_version = 2")
    db.table("phrases").insert({"uid": "p-1", "library": "我的话术", "category": "c", "title": "t", "body": "b"})
    conn.close()
    with Store(path) as store:
        assert store.get("p-1") == Phrase("p-1", "我的话术", "c", "t", "b")
        assert store.team_updates() == {} and store.library_versions(TEAM) == []
        assert store.dated_uids() == []
