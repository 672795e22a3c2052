"""The manager's left pane: 全部话术, then each library with its categories and counts.

A node is `(library, category)`, `(None, None)` for everything; the window lists a node's entries."""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping

from PySide6.QtCore import QCoreApplication, QPoint, Qt
from PySide6.QtGui import QAction, QPalette
from PySide6.QtWidgets import QMenu, QTreeWidget, QTreeWidgetItem, QWidget

from palette.core.model import PERSONAL_LIBRARY, STANDARD_LIBRARY
from palette.ui.icons import icon

Node = tuple[str | None, str | None]


def library_label(name: str) -> str:
    if name == STANDARD_LIBRARY:
        return QCoreApplication.translate("PhraseManager", "标准话术")
    if name == PERSONAL_LIBRARY:
        return QCoreApplication.translate("PhraseManager", "我的话术")
    return name


class LibraryTree(QTreeWidget):
    """The tree of nodes; `rebuild` keeps what was expanded and the current node where it still exists."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setHeaderHidden(True)
        self.setMinimumWidth(160)

    def node(self, item: QTreeWidgetItem) -> Node:
        node: Node = item.data(0, Qt.ItemDataRole.UserRole)
        return node

    def items(self) -> list[QTreeWidgetItem]:
        items: list[QTreeWidgetItem] = []
        for i in range(self.topLevelItemCount()):
            top = self.topLevelItem(i)
            if top is not None:
                items.append(top)
                items += [c for j in range(top.childCount()) if (c := top.child(j)) is not None]
        return items

    def select(self, node: Node) -> bool:
        for item in self.items():
            if self.node(item) == node:
                self.setCurrentItem(item)
                return True
        return False

    def offer(self, pos: QPoint, action: QAction) -> None:
        """A right click: make the node under `pos` current, then offer `action` if it applies there."""
        item = self.itemAt(pos)
        if item is None:
            return
        self.setCurrentItem(item)
        if action.isEnabled():
            menu = QMenu(self)
            menu.addAction(action)
            menu.exec(self.viewport().mapToGlobal(pos))

    def rebuild(
        self, per_library: Mapping[str, Counter[str]], libraries: list[str], disabled: frozenset[str], node: Node
    ) -> Node:
        """Fill the tree from each library's category counts (in first-appearance order); returns the
        node now current (`node`, or 全部话术 when it is gone)."""
        expanded = {self.node(item) for item in self.items() if item.isExpanded()}
        total = sum(c.total() for c in per_library.values())
        pal = self.palette()
        self.clear()
        every = QTreeWidgetItem([QCoreApplication.translate("PhraseManager", "全部话术 ({0})").format(total)])
        every.setData(0, Qt.ItemDataRole.UserRole, (None, None))
        self.addTopLevelItem(every)
        select = every
        for name in libraries:
            counts = per_library.get(name, Counter())
            lib_item = QTreeWidgetItem([f"{library_label(name)} ({counts.total()})"])
            lib_item.setData(0, Qt.ItemDataRole.UserRole, (name, None))
            lib_item.setIcon(0, icon("library", pal))
            if name in disabled:
                lib_item.setForeground(0, pal.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text))
                lib_item.setToolTip(
                    0, QCoreApplication.translate("PhraseManager", "已停用:不在搜索和话术板中,话术都还在")
                )
            self.addTopLevelItem(lib_item)
            if node == (name, None):
                select = lib_item
            for category, n in counts.items():
                item = QTreeWidgetItem(lib_item, [f"{category} ({n})"])
                item.setData(0, Qt.ItemDataRole.UserRole, (name, category))
                item.setIcon(0, icon("folder", pal))
                if node == (name, category):
                    select = item
            lib_item.setExpanded((name, None) in expanded or node[0] == name)
        self.setCurrentItem(select)
        return self.node(select)
