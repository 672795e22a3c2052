"""The import review dialog and the subscription watcher, on Qt's offscreen platform."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QTreeWidgetItem
from pytestqt.qtbot import QtBot

from palette.core.store import Store
from palette.core.subscribe import Notice, NoticeKind, subscribe, subscriptions
from palette.core.team_library import ImportPlan, apply_layer, review, team_layer
from palette.ui.import_dialog import ImportChoice, ImportDialog, review_and_import
from palette.ui.subscriptions import SubscriptionWatcher, describe
from tests.library_files import HEADER, ROWS, read, write_csv

EDITED = [
    HEADER,
    ["1001", "投诉处理", "安抚", "您好,非常抱歉!", "ts1", ""],
    ROWS[2],
    ["1004", "新", "新增的", "新话术", "", ""],
]


def first(dialog: ImportDialog, group: str) -> QTreeWidgetItem:
    """The group's first row (Qt's child() may return None)."""
    item = dialog.groups[group].child(0)
    assert item is not None, f"no rows under {group}"
    return item


@pytest.fixture
def plan(store: Store, tmp_path: Path) -> ImportPlan:
    apply_layer(store, team_layer(store, read(write_csv(tmp_path / "一组.csv", [HEADER, *ROWS]))))
    return review(store, team_layer(store, read(write_csv(tmp_path / "一组.csv", EDITED))))


def test_dialog_lists_new_changed_removed_and_shows_before_after(qtbot: QtBot, plan: ImportPlan) -> None:
    dialog = ImportDialog(plan)
    qtbot.addWidget(dialog)
    assert dialog.summary.text() == "新增 1 条,修改 1 条,删除 1 条,未变 0 条"
    groups = {key: item.text(0) for key, item in dialog.groups.items()}
    assert groups == {"added": "新增 (1)", "changed": "修改 (1)", "removed": "删除 (1)", "warnings": "提示 (1)"}
    collision = first(dialog, "warnings").text(1)  # ts1 is also the standard library's code
    assert "'ts1'" in collision and "一组 › 安抚" in collision and "标准话术 › " in collision
    changed = first(dialog, "changed")
    assert changed.text(1) == "安抚"
    dialog.tree.setCurrentItem(changed)
    assert dialog.before.toPlainText().endswith("您好,非常抱歉给您带来不便。")
    assert dialog.after.toPlainText().endswith("您好,非常抱歉!")
    dialog.tree.setCurrentItem(first(dialog, "removed"))
    assert dialog.after.toPlainText() == "" and "已为您升级处理" in dialog.before.toPlainText()


def test_apply_cancel_and_subscribe(qtbot: QtBot, plan: ImportPlan) -> None:
    from PySide6.QtWidgets import QDialogButtonBox

    for subscribe_checked, button, expected in [
        (False, QDialogButtonBox.StandardButton.Apply, ImportChoice.APPLY),
        (True, QDialogButtonBox.StandardButton.Apply, ImportChoice.APPLY_AND_SUBSCRIBE),
        (True, QDialogButtonBox.StandardButton.Cancel, ImportChoice.CANCEL),
    ]:
        dialog = ImportDialog(plan, can_subscribe=True)
        qtbot.addWidget(dialog)
        dialog.subscribe_box.setChecked(subscribe_checked)
        with qtbot.waitSignal(dialog.finished):
            dialog.buttons.button(button).click()
        assert dialog.choice() is expected


def test_forbidden_words_and_warnings_are_listed(qtbot: QtBot, store: Store, tmp_path: Path) -> None:
    path = write_csv(tmp_path / "一组.csv", [HEADER, ROWS[0], ["1002", "c", "t", "", "", ""]])
    write_csv(tmp_path / "一组.禁语.csv", [["禁语"], ["不知道"]])
    dialog = ImportDialog(review(store, team_layer(store, read(path))))
    qtbot.addWidget(dialog)
    assert first(dialog, "forbidden").text(1) == "不知道"
    assert "no body" in first(dialog, "warnings").text(1)
    assert dialog.summary.text().startswith("新话术库「一组」")


@pytest.mark.parametrize("choice", list(ImportChoice))
def test_review_and_import_follows_the_choice(
    store: Store, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, choice: ImportChoice
) -> None:
    path = write_csv(tmp_path / "一组.csv", [HEADER, *ROWS])
    shown: list[ImportPlan] = []

    def ask(cls: type[ImportDialog], /, plan: ImportPlan, **kwargs: object) -> ImportChoice:
        shown.append(plan)
        return choice

    monkeypatch.setattr(ImportDialog, "ask", classmethod(ask))
    before = store.dump()
    diff = review_and_import(store, str(path))
    assert [p.title for p in shown[0].added] == ["安抚", "升级", "套餐"]
    if choice is ImportChoice.CANCEL:
        assert diff is None and store.dump() == before
        return
    assert diff is not None and len(diff.added) == 3 and len(store.phrases(library="一组")) == 3
    subscribed = [s.source for s in subscriptions(store)]
    assert subscribed == ([str(path)] if choice is ImportChoice.APPLY_AND_SUBSCRIBE else [])


# -- the watcher ----------------------------------------------------------------------------------


@pytest.fixture
def watched(store: Store, tmp_path: Path, qtbot: QtBot) -> Iterator[tuple[SubscriptionWatcher, Path]]:
    (tmp_path / "share").mkdir()
    path = write_csv(tmp_path / "share" / "一组.csv", [HEADER, *ROWS])
    apply_layer(store, team_layer(store, read(path)))
    subscribe(store, "一组", str(path))
    watcher = SubscriptionWatcher(store, interval_minutes=60, timeout=2)
    with qtbot.waitSignal(watcher.checked) as first:
        watcher.start()
    assert first.args == [[]]  # up to date at start: nothing to say
    yield watcher, path
    watcher.stop()


def test_a_changed_file_is_applied_and_announced_once(
    qtbot: QtBot, store: Store, watched: tuple[SubscriptionWatcher, Path]
) -> None:
    watcher, path = watched
    with qtbot.waitSignal(watcher.notify, timeout=20_000) as told:
        write_csv(path, EDITED)  # QFileSystemWatcher notices; no call to check_now
    assert told.args == ["话术库已更新", "「一组」:新增 1 条,修改 1 条,删除 1 条,1 条提示"]  # ts1: the standard's code
    assert store.get("一组#1004") is not None
    with qtbot.waitSignal(watcher.checked) as again:
        watcher.check_now()
    assert again.args == [[]]


def test_an_unreachable_source_is_announced_once(
    qtbot: QtBot, store: Store, watched: tuple[SubscriptionWatcher, Path]
) -> None:
    watcher, path = watched
    before = store.dump()
    path.unlink()
    with qtbot.waitSignal(watcher.notify, timeout=20_000) as told:
        watcher.check_now()
    assert told.args[0] == "话术库来源无法访问" and "继续使用上次的版本" in told.args[1]
    with qtbot.waitSignal(watcher.checked) as quiet:
        watcher.check_now()
    assert quiet.args == [[]] and store.dump() == before


@pytest.mark.parametrize(
    ("notice", "title"),
    [
        (Notice("一组", NoticeKind.INVALID, message="x.csv: row 3: id '1' repeats row 2"), "话术库来源有问题"),
        (Notice("一组", NoticeKind.UNREACHABLE, message="x.csv: no such file"), "话术库来源无法访问"),
    ],
)
def test_describe_failures(notice: Notice, title: str) -> None:
    assert describe(notice) == (title, f"「一组」继续使用上次的版本。{notice.message}")
