"""The import review dialog: what is new, what changed (before and after) and what goes, then Apply or Cancel.

The diff is computed by `palette.core.team_library.review`; this widget only shows it. `ask` is the
one entry point, so tests (and the app's own tests) can replace it without showing a window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from enum import StrEnum

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from palette.core.library_io import DEFAULT_OPTIONS, ReadOptions
from palette.core.model import LayerDiff, Phrase
from palette.core.sources import canonical
from palette.core.store import Store
from palette.core.subscribe import subscribe
from palette.core.team_library import ImportPlan, apply_layer, fetch_library, review, team_layer

ITEMS_PER_GROUP = 2_000  # a 100,000-row first import lists this many, then says how many more


class ImportChoice(StrEnum):
    CANCEL = "cancel"
    APPLY = "apply"
    APPLY_AND_SUBSCRIBE = "subscribe"  # apply, and keep following the source


class ImportDialog(QDialog):
    """Shows an ImportPlan; the agent applies it or not."""

    def __init__(self, plan: ImportPlan, *, can_subscribe: bool = False, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plan = plan
        name = plan.layer.library.name
        self.setWindowTitle(self.tr("导入话术库:{0}").format(name))
        self.resize(760, 520)

        d = plan.diff
        self.summary = QLabel(
            self.tr("新增 {0} 条,修改 {1} 条,删除 {2} 条,未变 {3} 条").format(
                len(d.added), len(plan.changed), len(d.removed), len(d.unchanged)
            )
        )
        if plan.is_new:
            self.summary.setText(self.tr("新话术库「{0}」:").format(name) + self.summary.text())

        self.tree = QTreeWidget()
        self.tree.setHeaderLabels([self.tr("分类"), self.tr("标题")])
        self.groups: dict[str, QTreeWidgetItem] = {}
        self._add_group("added", self.tr("新增"), [(None, p) for p in plan.added])
        self._add_group("changed", self.tr("修改"), plan.changed)
        self._add_group("removed", self.tr("删除"), [(p, None) for p in plan.removed])
        if plan.forbidden_changed:
            group = self._group("forbidden", self.tr("禁语"), len(plan.forbidden_added) + len(plan.forbidden_removed))
            for w in plan.forbidden_added:
                QTreeWidgetItem(group, [self.tr("新增禁语"), w])
            for w in plan.forbidden_removed:
                QTreeWidgetItem(group, [self.tr("删除禁语"), w])
        if d.warnings:
            group = self._group("warnings", self.tr("提示"), len(d.warnings))
            for w in d.warnings[:ITEMS_PER_GROUP]:
                item = QTreeWidgetItem(group, ["", w])
                item.setToolTip(1, w)
        self.tree.currentItemChanged.connect(self._show)

        self.before = QPlainTextEdit(readOnly=True, placeholderText=self.tr("(无)"))
        self.after = QPlainTextEdit(readOnly=True, placeholderText=self.tr("(无)"))
        texts = QHBoxLayout()
        for title, edit in ((self.tr("导入前"), self.before), (self.tr("导入后"), self.after)):
            column = QVBoxLayout()
            column.addWidget(QLabel(title))
            column.addWidget(edit)
            texts.addLayout(column)

        self.subscribe_box = QCheckBox(self.tr("来源更新时自动导入(订阅)"))
        self.subscribe_box.setVisible(can_subscribe)

        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Apply | QDialogButtonBox.StandardButton.Cancel)
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).setText(self.tr("应用"))
        self.buttons.button(QDialogButtonBox.StandardButton.Cancel).setText(self.tr("取消"))
        self.buttons.button(QDialogButtonBox.StandardButton.Apply).clicked.connect(self.accept)
        self.buttons.rejected.connect(self.reject)

        layout = QVBoxLayout(self)
        layout.addWidget(self.summary)
        layout.addWidget(self.tree, 3)
        layout.addLayout(texts, 2)
        layout.addWidget(self.subscribe_box)
        layout.addWidget(self.buttons)

    def _group(self, key: str, title: str, count: int) -> QTreeWidgetItem:
        group = QTreeWidgetItem(self.tree, [f"{title} ({count})"])
        group.setFirstColumnSpanned(True)
        self.groups[key] = group
        return group

    def _add_group(self, key: str, title: str, pairs: Sequence[tuple[Phrase | None, Phrase | None]]) -> None:
        if not pairs:
            return
        group = self._group(key, title, len(pairs))
        for before, after in pairs[:ITEMS_PER_GROUP]:
            shown = after or before
            assert shown is not None
            item = QTreeWidgetItem(group, [shown.category, shown.title])
            item.setData(0, Qt.ItemDataRole.UserRole, (before, after))
        if len(pairs) > ITEMS_PER_GROUP:
            QTreeWidgetItem(group, ["", self.tr("…还有 {0} 条").format(len(pairs) - ITEMS_PER_GROUP)])
        group.setExpanded(key != "added" or len(pairs) <= 50)

    def _show(self, item: QTreeWidgetItem | None) -> None:
        pair = item.data(0, Qt.ItemDataRole.UserRole) if item is not None else None
        before, after = pair if pair else (None, None)
        self.before.setPlainText(_describe(before))
        self.after.setPlainText(_describe(after))

    def choice(self) -> ImportChoice:
        if self.result() != QDialog.DialogCode.Accepted:
            return ImportChoice.CANCEL
        return ImportChoice.APPLY_AND_SUBSCRIBE if self.subscribe_box.isChecked() else ImportChoice.APPLY

    @classmethod
    def ask(cls, plan: ImportPlan, *, can_subscribe: bool = False, parent: QWidget | None = None) -> ImportChoice:
        """Show the review modally; what the agent chose."""
        dialog = cls(plan, can_subscribe=can_subscribe, parent=parent)
        dialog.exec()
        return dialog.choice()


def _describe(p: Phrase | None) -> str:
    if p is None:
        return ""
    extra = [f"[{p.shortcut}]"] if p.shortcut else []
    extra += [f"#{t}" for t in p.tags]
    head = f"{p.category} › {p.title}" + (f"  {' '.join(extra)}" if extra else "")
    return f"{head}\n\n{p.body}"


def review_and_import(
    store: Store,
    location: str,
    *,
    library: str | None = None,
    options: ReadOptions = DEFAULT_OPTIONS,
    parent: QWidget | None = None,
) -> LayerDiff | None:
    """Read a file or URL the agent chose, show the review, apply on Apply; None when cancelled.

    Raises LibraryFileError or StoreError (one line each) for the caller to show. Reading blocks
    for as long as the file takes (a second for 100,000 rows), like any file dialog's open.
    """
    data, validators = fetch_library(location, options, library=library)
    layer = team_layer(store, data)
    choice = ImportDialog.ask(review(store, layer), can_subscribe=True, parent=parent)
    if choice is ImportChoice.CANCEL:
        return None
    if choice is ImportChoice.APPLY_AND_SUBSCRIBE:
        layer = replace(layer, library=replace(layer.library, source=canonical(location)))
    diff = apply_layer(store, layer, origin=location)
    if choice is ImportChoice.APPLY_AND_SUBSCRIBE:
        subscribe(store, layer.library.name, location, options, validators)
    return diff
