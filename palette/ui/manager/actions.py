"""What the manager's actions look like: enabled or not for the entry in hand, their names and tooltips
(with the undo stack's next step), their icons; the category picker the move action asks; and the
keys that move between the filter, the table and the editor."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QObject, Qt
from PySide6.QtGui import QAction, QKeyEvent, QKeySequence
from PySide6.QtWidgets import QInputDialog, QMainWindow, QWidget

from palette.core.model import PERSONAL_LIBRARY
from palette.ui.icons import icon

if TYPE_CHECKING:
    from palette.ui.manager.window import PhraseManager


class CategoryPicker:
    """Asks which category to move a phrase to; tests replace `ask`."""

    @classmethod
    def ask(cls, parent: QWidget, categories: Sequence[str], current: str) -> str | None:
        items = list(dict.fromkeys([current, *categories]))
        text, ok = QInputDialog.getItem(
            parent,
            QCoreApplication.translate("CategoryPicker", "移动到分类"),
            QCoreApplication.translate("CategoryPicker", "分类(可输入新分类):"),
            items,
            0,
            True,
        )
        text = text.strip()
        return text if ok and text else None


def apply_icons(window: QMainWindow) -> None:
    """Icons drawn for the current palette (light or dark)."""
    pal = window.palette()
    for action in window.findChildren(QAction):
        name = action.property("icon_name")
        if name:
            action.setIcon(icon(str(name), pal))
    window.setWindowIcon(icon("manage", pal))


def set_tooltips(window: QMainWindow) -> None:
    for action in window.findChildren(QAction):
        keys = action.shortcut().toString(QKeySequence.SequenceFormat.NativeText)
        action.setToolTip(f"{action.text()} ({keys})" if keys else action.text())


def name_actions(m: PhraseManager) -> None:
    """The actions' names, in the agent's language (tooltips come from `update_actions`)."""
    texts = {
        m.act_new: QCoreApplication.translate("PhraseManager", "新建"),
        m.act_duplicate: QCoreApplication.translate("PhraseManager", "复制"),
        m.act_save: QCoreApplication.translate("PhraseManager", "保存"),
        m.act_delete: QCoreApplication.translate("PhraseManager", "删除"),
        m.act_move: QCoreApplication.translate("PhraseManager", "移动到分类…"),
        m.act_up: QCoreApplication.translate("PhraseManager", "上移"),
        m.act_down: QCoreApplication.translate("PhraseManager", "下移"),
        m.act_customise: QCoreApplication.translate("PhraseManager", "自定义"),
        m.act_revert: QCoreApplication.translate("PhraseManager", "恢复团队版本"),
        m.act_filter: QCoreApplication.translate("PhraseManager", "筛选"),
        m.act_discard: QCoreApplication.translate("PhraseManager", "放弃修改"),
        m.act_close: QCoreApplication.translate("PhraseManager", "关闭"),
        m.act_enable_library: QCoreApplication.translate("PhraseManager", "启用此话术库"),
    }
    for action, text in texts.items():
        action.setText(text)


def update_actions(m: PhraseManager) -> None:
    """Enable, name and explain each action for the selected entry and the undo stack."""
    e = m.current_entry()
    has = e is not None
    m.act_duplicate.setEnabled(has)
    m.act_delete.setEnabled(has)
    m.act_move.setEnabled(has)
    m.act_pin.setEnabled(has)
    m.act_hide.setEnabled(has)
    m.act_customise.setEnabled(has and e is not None and e.read_only)
    m.act_revert.setEnabled(has and e is not None and e.customised)
    library = m._node[0]
    m.act_enable_library.setEnabled(library is not None and library != PERSONAL_LIBRARY)
    m.act_enable_library.setChecked(library not in m._disabled)
    for action, button in m._layer_buttons.items():
        button.setVisible(action.isEnabled())
    movable = has and e is not None and e.original is None and m.model.reorderable
    m.act_up.setEnabled(movable)
    m.act_down.setEnabled(movable)
    stack = m.undo_stack
    m.act_undo.setEnabled(stack.canUndo())
    m.act_redo.setEnabled(stack.canRedo())
    m.act_undo.setText(QCoreApplication.translate("PhraseManager", "撤销"))
    m.act_redo.setText(QCoreApplication.translate("PhraseManager", "重做"))
    m.act_save.setEnabled(m.editor.dirty)
    m.act_discard.setEnabled(m.editor.dirty)
    pinned = e is not None and e.shown.pinned
    hidden = e is not None and e.shown.hidden
    m.act_pin.setText(
        QCoreApplication.translate("PhraseManager", "取消置顶")
        if pinned
        else QCoreApplication.translate("PhraseManager", "置顶")
    )
    m.act_hide.setText(
        QCoreApplication.translate("PhraseManager", "取消隐藏")
        if hidden
        else QCoreApplication.translate("PhraseManager", "隐藏")
    )
    m.act_hide.setProperty("icon_name", "show" if hidden else "hide")
    m.act_hide.setIcon(icon("show" if hidden else "hide", m.palette()))
    set_tooltips(m)
    m.act_discard.setToolTip(f"{m.act_discard.text()} (Esc)")  # Esc: keyPressEvent, not a shortcut
    for action, what in ((m.act_undo, stack.undoText()), (m.act_redo, stack.redoText())):
        if what:  # 撤销 删除「宽带报修」 (Ctrl+Z)
            action.setToolTip(action.toolTip().replace(action.text(), f"{action.text()} {what}", 1))


def filter_keys(m: PhraseManager, watched: QObject, event: QEvent) -> bool:
    """The filter's and the table's keys: Down/Enter from the filter into the table, Esc clears the
    filter, Enter in the table into the editor. True when the key was used."""
    if event.type() != QEvent.Type.KeyPress or not isinstance(event, QKeyEvent):
        return False
    key = event.key()
    if watched is m.filter and key in (Qt.Key.Key_Down, Qt.Key.Key_Return, Qt.Key.Key_Enter):
        m.table.setFocus()
        if not m.table.currentIndex().isValid() and m.model.rows:
            m.table.selectRow(0)
        return True
    if watched is m.filter and key == Qt.Key.Key_Escape and m.filter.text():
        m.filter.clear()
        return True
    if watched is m.table and key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
        target = m.editor.body if m.editor.entry is not None and m.editor.entry.editable else None
        if target is not None:
            target.setFocus()
        return True
    return False
