"""Changes made by another process reach this one's listeners and search index (`Store.poll_external`)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from palette.core import paths
from palette.core.search import SearchIndex
from palette.core.store import CHANGE_LOG_CAP, Store, StoreChange


def other_process(home: Path) -> Store:
    return Store(paths.database_path())


def test_nothing_changed_is_none_and_own_writes_are_not_external(store: Store) -> None:
    assert store.poll_external() is None
    store.add_phrase(category="我的", title="自己", body="自己加的")
    assert store.poll_external() is None


def test_another_stores_add_names_its_uid_and_the_index_finds_it(store: Store, home: Path) -> None:
    index = SearchIndex.from_store(store)
    seen: list[StoreChange] = []
    store.listen(seen.append)
    with other_process(home) as other:
        uid = other.add_phrase(category="我的", title="外来", body="另一个进程加的话术", shortcut="ext9").uid
    change = store.poll_external()
    assert change is not None and uid in change.uids and not change.everything
    assert seen == [change]
    assert index.query("ext9")[0].phrase.uid == uid
    assert store.poll_external() is None

    with other_process(home) as other:
        other.delete_phrase(uid)
    assert store.poll_external() is not None
    assert all(h.phrase.uid != uid for h in index.query("ext9"))


def test_settings_from_another_process_are_flagged(store: Store, home: Path) -> None:
    with other_process(home) as other:
        other.set_profile("工号", "2048")
    change = store.poll_external()
    assert change is not None and change.settings


def test_a_write_the_log_cannot_explain_reads_everything(store: Store, home: Path) -> None:
    """Another tool (sqlite3, an older Palette) wrote without a log row: every uid, and the index rebuilds."""
    index = SearchIndex.from_store(store)
    uid = index.query("nh")[0].phrase.uid
    conn = sqlite3.connect(paths.database_path())
    conn.execute("UPDATE phrases SET shortcut = 'zz42' WHERE uid = ?", [uid])
    conn.commit()
    conn.close()
    change = store.poll_external()
    assert change is not None and change.everything and uid in change.uids
    assert index.query("zz42")[0].phrase.uid == uid


def test_falling_behind_the_log_reads_everything(store: Store, home: Path) -> None:
    with other_process(home) as other:
        for n in range(CHANGE_LOG_CAP + 150):
            other.set_profile("计数", str(n))
    change = store.poll_external()
    assert change is not None and change.everything
