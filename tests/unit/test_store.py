"""The user database: schema and migrations, layers, agent state kept by uid, atomic changes."""

from __future__ import annotations

import gc
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
import sqlite_utils

from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY, ForbiddenWord, Library, LibraryKind, Phrase
from palette.core.standard import ensure_standard_library
from palette.core.store import SCHEMA_VERSION, Store, StoreChange, StoreError, decayed, effective_phrases
from tests.stored import stored

TEAM = Library("客服一组", LibraryKind.TEAM, source="/share/team.xlsx", version="w47")


def team_phrase(uid: str, title: str = "标题", body: str = "正文", order: int = 0) -> Phrase:
    return Phrase(uid=uid, library=TEAM.name, category="投诉处理", title=title, body=body, sort_order=order)


def test_new_database_has_schema_wal_and_personal_library(store: Store) -> None:
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION
    assert store.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert store.db.execute("PRAGMA busy_timeout").fetchone()[0] == 5000
    kinds = {lib.name: lib.kind for lib in store.libraries()}
    assert kinds[PERSONAL_LIBRARY] is LibraryKind.PERSONAL
    assert kinds[STANDARD_LIBRARY] is LibraryKind.STANDARD


def test_first_run_import_is_idempotent(store: Store) -> None:
    before = store.dump()
    assert ensure_standard_library(store) is False
    assert store.dump() == before


def test_standard_library_is_read_only(store: Store) -> None:
    greeting = store.phrases(library=STANDARD_LIBRARY)[0]
    with pytest.raises(StoreError, match="read-only"):
        store.update_phrase(greeting.uid, body="x")
    with pytest.raises(StoreError, match="read-only"):
        store.delete_phrase(greeting.uid)


def test_newer_schema_is_refused(home: Path) -> None:
    home.mkdir(parents=True)
    conn = sqlite3.connect(home / "palette.db")
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(StoreError, match="newer Palette"):
        Store(home / "palette.db")


def test_foreign_sqlite_file_is_refused_untouched(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE notes (x)")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="not a Palette database"):
        Store(path)
    conn = sqlite3.connect(path)
    assert conn.execute("PRAGMA user_version").fetchone()[0] == 0
    assert [r[0] for r in conn.execute("SELECT name FROM sqlite_master")] == ["notes"]


def test_random_bytes_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "palette.db"
    path.write_bytes(bytes(range(256)) * 16)
    with pytest.raises(StoreError, match="not a valid Palette database"):
        Store(path)


def test_migration_runs_from_an_older_schema(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A later schema step runs once, in order, on a database left at the previous version."""
    from palette.core.store import schema

    path = tmp_path / "palette.db"
    Store(path).close()
    ran: list[int] = []

    latest = schema.SCHEMA_VERSION

    def step_to_next(db: sqlite_utils.Database) -> None:
        ran.append(1)
        db.execute("ALTER TABLE profile ADD COLUMN note TEXT")

    monkeypatch.setattr(schema, "SCHEMA_VERSION", latest + 1)
    monkeypatch.setattr(schema, "MIGRATIONS", (*schema.MIGRATIONS, step_to_next))
    with Store(path) as s:
        assert s.db.execute("PRAGMA user_version").fetchone()[0] == latest + 1
        assert "note" in s.db["profile"].columns_dict
    with Store(path):
        pass
    assert ran == [1]


def test_replace_layer_reports_diff_and_keeps_agent_state(store: Store) -> None:
    first = store.replace_layer(TEAM, [team_phrase("t1", "A"), team_phrase("t2", "B"), team_phrase("t3", "C")])
    assert first.added == ("t1", "t2", "t3")
    store.set_flags("t1", pinned=True)
    store.set_flags("t2", hidden=True)
    store.record_use("t1", now=1000.0)
    mine = store.add_phrase(category="我的", title="自己的", body="我自己的话术")
    override = store.add_phrase(category="投诉处理", title="A改", body="我的版本", override_of="t3")

    diff = store.replace_layer(TEAM, [team_phrase("t1", "A"), team_phrase("t2", "B2"), team_phrase("t4", "D")])
    assert (diff.added, diff.changed, diff.removed, diff.unchanged) == (("t4",), ("t2",), ("t1", "t3")[1:], ("t1",))
    assert stored(store, "t1").pinned
    assert stored(store, "t2").hidden
    assert store.usage()["t1"].count == 1
    assert store.get(mine.uid) == mine
    assert store.get(override.uid) is not None  # an override outlives its removed original


def test_replace_layer_is_atomic_on_conflict(store: Store) -> None:
    store.replace_layer(TEAM, [team_phrase("t1")])
    before = store.dump()
    std_uid = store.phrases(library=STANDARD_LIBRARY)[0].uid
    with pytest.raises(StoreError, match="already belongs"):
        store.replace_layer(TEAM, [team_phrase("t9"), team_phrase(std_uid)])
    assert store.dump() == before


def test_replace_layer_rejects_duplicate_uids(store: Store) -> None:
    with pytest.raises(StoreError, match="duplicate uid"):
        store.replace_layer(TEAM, [team_phrase("t1"), team_phrase("t1")])


def test_transaction_rolls_back_everything(store: Store) -> None:
    before = store.dump()
    with pytest.raises(RuntimeError), store.transaction():
        store.set_profile("工号", "1024")
        store.add_phrase(category="c", title="t", body="b")
        raise RuntimeError("power cut")
    assert store.dump() == before


def test_override_replaces_original_in_place_and_revert_restores(store: Store) -> None:
    store.replace_layer(TEAM, [team_phrase("t1", "A", order=0), team_phrase("t2", "B", order=1)])
    mine = store.add_phrase(category="投诉处理", title="A", body="我的说法", override_of="t1")
    team_view = [p for p in store.visible_phrases() if p.category == "投诉处理" and p.library != STANDARD_LIBRARY]
    assert [p.uid for p in team_view] == [mine.uid, "t2"]
    with pytest.raises(StoreError, match="already customised"):
        store.add_phrase(category="x", title="y", body="z", override_of="t1")
    store.delete_phrase(mine.uid)
    assert "t1" in {p.uid for p in store.visible_phrases()}


def test_hidden_flag_follows_override(store: Store) -> None:
    store.replace_layer(TEAM, [team_phrase("t1")])
    mine = store.add_phrase(category="c", title="t", body="b", override_of="t1")
    store.set_flags(mine.uid, hidden=True)
    uids = {p.uid for p in store.visible_phrases()}
    assert "t1" not in uids and mine.uid not in uids


def test_delete_and_restore_round_trip(store: Store) -> None:
    p = store.add_phrase(category="c", title="t", body="b", shortcut="zz9", tags=["a", "b"])
    gone = store.delete_phrase(p.uid)
    assert store.get(p.uid) is None
    store.restore_phrase(gone)
    assert store.get(p.uid) == p


def test_record_use_decays_and_learns_sequences(store: Store) -> None:
    a, b = (store.add_phrase(category="c", title=t, body=t) for t in ("a", "b"))
    store.record_use(a.uid, now=0.0)
    store.record_use(b.uid, now=60.0)
    store.record_use(a.uid, now=7 * 24 * 3600.0)
    usage = store.usage()
    assert usage[a.uid].count == 2
    assert usage[a.uid].score == pytest.approx(1.5)
    assert store.transitions() == {a.uid: {b.uid: 1}}  # a week apart is not one conversation
    assert decayed(4.0, 0.0, 14 * 24 * 3600.0) == pytest.approx(1.0)


def test_usage_of_an_override_counts_for_the_original(store: Store) -> None:
    store.replace_layer(TEAM, [team_phrase("t1")])
    mine = store.add_phrase(category="c", title="t", body="b", override_of="t1")
    store.record_use(mine.uid, now=10.0)
    assert set(store.usage()) == {"t1"}


def test_profile_settings_and_forbidden_words(store: Store) -> None:
    store.set_profile("公司名称", "中国电信")
    store.set_profile("工号", "1024")
    store.set_profile("工号", "2048")
    assert store.profile() == {"公司名称": "中国电信", "工号": "2048"}
    store.set_profile("工号", "")
    assert store.profile() == {"公司名称": "中国电信"}
    store.set_setting("restore_clipboard", False)
    assert store.settings()["restore_clipboard"] is False
    store.add_forbidden_word("随便你", "您看这样是否可以")
    assert ForbiddenWord("随便你", "您看这样是否可以", PERSONAL_LIBRARY) in store.forbidden_words()
    assert any(w.source == STANDARD_LIBRARY for w in store.forbidden_words())


def test_listeners_hear_changes(store: Store) -> None:
    heard: list[frozenset[str]] = []
    store.listen(lambda change: heard.append(change.uids))
    p = store.add_phrase(category="c", title="t", body="b")
    store.update_phrase(p.uid, body="b2")
    assert heard == [frozenset({p.uid}), frozenset({p.uid})]


class _Window:
    """Stands in for a widget: its listener is a bound method, as the windows' are."""

    def __init__(self, heard: list[str]) -> None:
        self.heard = heard

    def on_change(self, change: StoreChange) -> None:
        self.heard.extend(change.uids)


def test_a_listener_of_a_deleted_object_stops_being_called(store: Store) -> None:
    heard: list[str] = []
    window = _Window(heard)
    store.listen(window.on_change)
    first = store.add_phrase(category="c", title="t", body="b")
    assert heard == [first.uid]
    del window
    gc.collect()
    store.add_phrase(category="c", title="t2", body="b")
    assert heard == [first.uid]  # the store held the method weakly: nothing kept the window alive


def test_the_returned_function_stops_a_listener(store: Store) -> None:
    kept: list[str] = []
    left: list[str] = []
    store.listen(lambda change: kept.extend(change.uids))  # a lambda is held strongly: nothing else holds it
    stop = store.listen(lambda change: left.extend(change.uids))
    first = store.add_phrase(category="c", title="t", body="b")
    stop()
    stop()  # twice is harmless
    second = store.add_phrase(category="c", title="t2", body="b")
    assert left == [first.uid]
    assert kept == [first.uid, second.uid]


def test_a_listener_stopped_by_an_earlier_one_is_not_called_in_that_round(store: Store) -> None:
    heard: list[str] = []
    stops: list[Callable[[], None]] = []
    store.listen(lambda change: stops[0]())
    stops.append(store.listen(lambda change: heard.append("late")))
    store.add_phrase(category="c", title="t", body="b")
    assert heard == []


def test_effective_phrases_orders_by_library_then_position() -> None:
    a = Phrase("a", "L1", "c", "a", "a", sort_order=1)
    b = Phrase("b", "L1", "c", "b", "b", sort_order=0)
    c = Phrase("c", "L0", "c", "c", "c", sort_order=5)
    assert [p.uid for p in effective_phrases([a, b, c], ["L0", "L1"])] == ["c", "b", "a"]
