"""The phrase table's model: the entries in view, their columns and colours, and drag-to-reorder of the
agent's own phrases (the drop is handed to the window as `move_requested`)."""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import (
    QAbstractTableModel,
    QByteArray,
    QMimeData,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
)
from PySide6.QtWidgets import QAbstractItemView, QHeaderView, QTableView

from palette.core import editing
from palette.core.editing import Entry
from palette.core.listing import Place
from palette.core.model import Phrase
from palette.ui.manager.lifecycle import off_shelf, state_words

PAGE = 200  # filter hits listed at a time; scrolling to the end lists the next ones
_MIME = "application/x-palette-entry-keys"
_WARN = "#d35400"  # readable on light and dark backgrounds


class EntryModel(QAbstractTableModel):
    """The entries in view; rows of the agent's own phrases can be dragged to reorder them."""

    move_requested = Signal(list, object)  # entry keys, the key to put them before (None: the end)
    TITLE, SHORTCUT, CATEGORY, BODY, STATE = range(5)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Entry] = []
        self.reorderable = False  # the view lists personal phrases in their own order (no filter)
        self.disabled: frozenset[str] = frozenset()  # libraries out of the palette: their rows are greyed
        self.collisions: dict[str, list[Phrase]] = {}  # entry key → other libraries' phrases with its code
        self.day = ""  # today (ISO), for the 已失效 / 未生效 words; "" before the first view
        self.marked: frozenset[str] = frozenset()  # entry keys whose override is marked 团队已更新
        self._more: Callable[[int], list[Entry]] | None = None
        self._asked = 0  # rows asked of `_more` so far

    def set_rows(
        self, rows: Sequence[Entry], *, reorderable: bool, more: Callable[[int], list[Entry]] | None = None
    ) -> None:
        """Show `rows`; `more(n)`, when given, finds the first `n` rows of a longer list (the filter's
        hits), asked for a page at a time as the view scrolls to the end."""
        self.beginResetModel()
        self.rows = list(rows)
        self.reorderable = reorderable
        self._more = more
        self._asked = len(self.rows)
        self.endResetModel()

    def patch(self, gone: Sequence[Entry], came: Sequence[Entry], place: Callable[[Entry], Place]) -> None:
        """Rows in `place` order: take out the `gone` entries, put in the `came` ones where they sort; an
        entry that stays in its row is redrawn in place (the selection stays on it)."""
        stays = {e.key: e for e in came}
        for e in gone:
            i = self._find(e, place)
            if i is None:
                continue
            new = stays.get(e.key)
            if new is not None and place(new) == place(e):
                self.rows[i] = new
                del stays[e.key]
                self.dataChanged.emit(self.index(i, 0), self.index(i, self.STATE))
                continue
            self.beginRemoveRows(QModelIndex(), i, i)
            del self.rows[i]
            self.endRemoveRows()
        for e in stays.values():
            i = bisect_left(self.rows, place(e), key=place)
            self.beginInsertRows(QModelIndex(), i, i)
            self.rows.insert(i, e)
            self.endInsertRows()
        self._asked = len(self.rows)

    def _find(self, e: Entry, place: Callable[[Entry], Place]) -> int | None:
        i = bisect_left(self.rows, place(e), key=place)
        return i if i < len(self.rows) and self.rows[i].key == e.key else None

    def canFetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._more is not None

    def fetchMore(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> None:  # noqa: B008
        """The next page. A longer search may rank a new hit above ones already listed: it is appended,
        so the rows the agent has seen keep their places."""
        if parent.isValid() or self._more is None:
            return
        self._asked += PAGE
        found = self._more(self._asked)
        if len(found) < self._asked:
            self._more = None  # that was every match
        have = {e.key for e in self.rows}
        new = [e for e in found if e.key not in have]
        if new:
            self.beginInsertRows(QModelIndex(), len(self.rows), len(self.rows) + len(new) - 1)
            self.rows += new
            self.endInsertRows()

    def headers(self) -> list[str]:
        return [self.tr("标题"), self.tr("快捷码"), self.tr("分类"), self.tr("内容"), self.tr("状态")]

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else 5

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.headers()[section]
        return None

    def state_text(self, e: Entry) -> str:
        parts = []
        if e.shown.pinned:
            parts.append(self.tr("置顶"))
        if e.customised:
            parts.append(self.tr("已自定义"))
        if e.shown.hidden:
            parts.append(self.tr("已隐藏"))
        parts += state_words(e, self.day, self.marked)
        return " · ".join(parts)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        e = self.rows[index.row()]
        p = e.shown
        col = index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            if col == self.TITLE:
                return p.title
            if col == self.SHORTCUT:
                others = self.collisions.get(e.key)
                if role == Qt.ItemDataRole.ToolTipRole and others:
                    names = "、".join(f"{o.library} › {o.title}" for o in others)
                    return self.tr("快捷码“{0}”也是另一话术库的「{1}」的快捷码").format(p.shortcut, names)
                return p.shortcut
            if col == self.CATEGORY:
                return p.category
            if col == self.BODY:
                return p.body if role == Qt.ItemDataRole.ToolTipRole else " ".join(p.body.split())
            return self.state_text(e)
        if role == Qt.ItemDataRole.UserRole:
            return e
        if role == Qt.ItemDataRole.FontRole and (p.hidden or p.pinned):
            font = QFont()
            font.setItalic(p.hidden)
            font.setBold(p.pinned and col == self.TITLE)
            return font
        if role == Qt.ItemDataRole.ForegroundRole:
            if p.hidden or not editing.offered(e, self.disabled) or off_shelf(e, self.day):
                return QPalette().color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.Text)
            if col == self.SHORTCUT and e.key in self.collisions:
                return QColor(_WARN)
        return None

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        base = super().flags(index)
        if not self.reorderable:
            return base
        if not index.isValid():
            return base | Qt.ItemFlag.ItemIsDropEnabled
        if self.rows[index.row()].original is None:
            return base | Qt.ItemFlag.ItemIsDragEnabled | Qt.ItemFlag.ItemIsDropEnabled
        return base

    def supportedDropActions(self) -> Qt.DropAction:
        return Qt.DropAction.MoveAction

    def mimeTypes(self) -> list[str]:
        return [_MIME]

    def mimeData(self, indexes: Sequence[QModelIndex]) -> QMimeData:
        keys = list(dict.fromkeys(self.rows[i.row()].key for i in indexes if i.isValid()))
        data = QMimeData()
        data.setData(_MIME, QByteArray("\n".join(keys).encode("utf-8")))
        return data

    def dropMimeData(
        self,
        data: QMimeData,
        action: Qt.DropAction,
        row: int,
        column: int,
        parent: QModelIndex | QPersistentModelIndex,
    ) -> bool:
        if not self.reorderable or not data.hasFormat(_MIME):
            return False
        keys = [k for k in bytes(data.data(_MIME).data()).decode("utf-8").split("\n") if k]
        if row < 0:
            row = parent.row() if parent.isValid() else len(self.rows)
        before = self.rows[row].key if row < len(self.rows) else None
        self.move_requested.emit(keys, before)  # the manager connects this queued: the view is mid-drop
        return True


class EntryTable(QTableView):
    """The phrase table: whole rows, one at a time, dragged to reorder; the body column takes the room."""

    def __init__(self, model: EntryModel) -> None:
        super().__init__()
        self.setModel(model)
        self.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setDragDropMode(QAbstractItemView.DragDropMode.DragDrop)
        self.setDefaultDropAction(Qt.DropAction.MoveAction)
        self.setDragDropOverwriteMode(False)
        self.setDropIndicatorShown(True)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        header = self.horizontalHeader()
        header.setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        header.setStretchLastSection(False)
        header.setSectionResizeMode(EntryModel.BODY, QHeaderView.ResizeMode.Stretch)

    def size_columns(self, em: int) -> None:
        """Widths in characters of the font, so they scale on HiDPI."""
        for column, chars in ((EntryModel.TITLE, 10), (EntryModel.SHORTCUT, 4), (EntryModel.CATEGORY, 6)):
            self.setColumnWidth(column, em * chars)
        self.setColumnWidth(EntryModel.STATE, em * 6)
