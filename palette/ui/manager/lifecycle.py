"""The team lead's loop in the manager: which phrases are upcoming, expired or 团队已更新, and the panel
that shows an override whose team phrase changed, side by side with one action each.

The panel follows the table's current row and the store by itself, so the window only places it.
"""

from __future__ import annotations

import difflib
import html
from collections.abc import Collection
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QEvent, QTimer
from PySide6.QtWidgets import (
    QComboBox,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from palette.core.editing import Entry
from palette.core.model import TeamUpdate
from palette.core.store import Store, StoreChange
from palette.core.validity import today, window_state

if TYPE_CHECKING:
    from palette.ui.manager.window import PhraseManager

_INSERTED = "background:#c8f0c8;color:#0a3d0a"
_DELETED = "background:#f6c9c9;color:#5a0a0a;text-decoration:line-through"


class StateFilter(QComboBox):
    """全部 / 即将生效 / 已失效 / 团队已更新: narrows the table to what a lead or agent must look at."""

    ALL, UPCOMING, EXPIRED, UPDATED = range(4)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItems(["", "", "", ""])
        self.retranslate()

    def retranslate(self) -> None:
        for i, text in enumerate((self.tr("全部状态"), self.tr("即将生效"), self.tr("已失效"), self.tr("团队已更新"))):
            self.setItemText(i, text)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def keep(self, rows: list[Entry], store: Store) -> list[Entry]:
        """The entries of `rows` in the chosen state (every one for 全部状态)."""
        choice = self.currentIndex()
        if choice == self.UPDATED:
            marked = store.team_updates()
            return [e for e in rows if e.customised and e.key in marked]
        if choice in (self.UPCOMING, self.EXPIRED):
            wanted = "upcoming" if choice == self.UPCOMING else "expired"
            day = today()
            return [e for e in rows if _state(e, day) == wanted]
        return rows


def _state(e: Entry, day: str) -> str:
    """An entry's window state: its original's dates hold the agent's version too."""
    mine = window_state(e.shown, day)
    return (window_state(e.original, day) if e.original is not None else "") or mine


def off_shelf(e: Entry, day: str) -> bool:
    """Whether the palette leaves the entry out today for its dates (the table greys it)."""
    return bool(day) and bool(_state(e, day))


def state_words(e: Entry, day: str, marked: Collection[str]) -> list[str]:
    """What the table's 状态 column adds for an entry: 已失效 / 未生效, 团队已更新."""
    parts = []
    state = _state(e, day) if day else ""
    if state:
        parts.append(QCoreApplication.translate("PhraseManager", "已失效" if state == "expired" else "未生效"))
    if e.customised and e.key in marked:
        parts.append(QCoreApplication.translate("PhraseManager", "团队已更新"))
    return parts


def diff_html(before: str, after: str) -> tuple[str, str]:
    """`before` with what `after` dropped struck through, and `after` with what it added marked
    (character by character: Chinese has no spaces to split words on)."""
    left: list[str] = []
    right: list[str] = []
    for op, a0, a1, b0, b1 in difflib.SequenceMatcher(None, before, after, autojunk=False).get_opcodes():
        old, new = html.escape(before[a0:a1]), html.escape(after[b0:b1])
        if op == "equal":
            left.append(old)
            right.append(new)
            continue
        if old:
            left.append(f'<span style="{_DELETED}">{old}</span>')
        if new:
            right.append(f'<span style="{_INSERTED}">{new}</span>')
    return _block("".join(left)), _block("".join(right))


def _block(text: str) -> str:
    return f'<div style="white-space:pre-wrap">{text}</div>'


class TeamUpdatePanel(QFrame):
    """Shown under the editor for an override marked 团队已更新: the team's old text, its new text and
    the agent's own, and 保留我的版本 (the mark goes) or 采用团队新版本 (the override goes, undoable)."""

    def __init__(self, manager: PhraseManager) -> None:
        super().__init__(manager)
        self.manager = manager
        self.entry: Entry | None = None
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.heading = QLabel()
        self.heading.setWordWrap(True)
        self.old_label, self.new_label, self.mine_label = QLabel(), QLabel(), QLabel()
        self.old_text, self.new_text, self.mine_text = QTextBrowser(), QTextBrowser(), QTextBrowser()
        grid = QGridLayout()
        for col, (label, text) in enumerate(
            ((self.old_label, self.old_text), (self.new_label, self.new_text), (self.mine_label, self.mine_text))
        ):
            text.setMinimumHeight(self.fontMetrics().height() * 4)
            grid.addWidget(label, 0, col)
            grid.addWidget(text, 1, col)
        self.keep_button, self.take_button = QPushButton(), QPushButton()
        self.keep_button.clicked.connect(self.keep_mine)
        self.take_button.clicked.connect(self.take_team)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.keep_button)
        buttons.addWidget(self.take_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addLayout(grid)
        layout.addLayout(buttons)
        self.retranslate()
        self.hide()
        self._later = QTimer(self, singleShot=True, interval=0)
        self._later.timeout.connect(self.follow)
        manager.table.selectionModel().currentRowChanged.connect(lambda *_: self._later.start())
        manager.model.modelReset.connect(self._later.start)
        self.destroyed.connect(manager.store.listen(self._store_changed))

    def retranslate(self) -> None:
        self.heading.setText(self.tr("团队已更新:你自定义过的这条话术,团队已经修改了。请比较后选择。"))
        self.old_label.setText(self.tr("团队原来的"))
        self.new_label.setText(self.tr("团队现在的"))
        self.mine_label.setText(self.tr("我的版本"))
        self.keep_button.setText(self.tr("保留我的版本"))
        self.take_button.setText(self.tr("采用团队新版本"))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def _store_changed(self, _change: StoreChange) -> None:
        self._later.start()

    def follow(self) -> None:
        """Show the current entry's mark, or hide when it has none."""
        e = self.manager.current_entry()
        mark = self.manager.store.team_update(e.key) if e is not None and e.customised else None
        if e is None or mark is None or e.original is None or e.override is None:
            self.entry = None
            self.hide()
            return
        self.entry = e
        self._fill(mark, e)
        self.show()

    def _fill(self, mark: TeamUpdate, e: Entry) -> None:
        assert e.original is not None and e.override is not None
        old = _titled(mark.old_title, mark.old_body)
        new = _titled(e.original.title, e.original.body)
        mine = _titled(e.override.title, e.override.body)
        old_html, new_html = diff_html(old, new)
        self.old_text.setHtml(old_html)
        self.new_text.setHtml(new_html)
        self.mine_text.setHtml(diff_html(new, mine)[1])  # what the agent has that the team's new text has not

    def keep_mine(self) -> None:
        if self.entry is not None:
            self.manager.store.keep_mine(self.entry.key)
            self.manager.report(self.tr("已保留你的版本;团队以后再修改时会再次提示"))

    def take_team(self) -> None:
        if self.entry is not None and self.manager.select_entry(self.entry.key):
            self.manager.revert()  # an undoable command; dropping the override drops the mark


def stacked(*widgets: QWidget) -> QWidget:
    """One column of widgets (the editor above the 团队已更新 panel)."""
    box = QWidget()
    layout = QVBoxLayout(box)
    layout.setContentsMargins(0, 0, 0, 0)
    for w in widgets:
        layout.addWidget(w)
    return box


def _titled(title: str, body: str) -> str:
    return f"{title}\n\n{body}"
