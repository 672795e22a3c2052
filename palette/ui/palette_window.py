"""The palette: a frameless, always-on-top search box with ranked phrases, built once and shown on demand.

It knows nothing of the database or the OS: it asks a `rows` callable for what matches the query and
emits `chosen` with the row and a `Choice` (paste or copy, confirmed past a warning or not). Missing
placeholder values are asked in an embedded form page; a 禁语 is marked on its row and in the preview
before Enter, a warning is shown inline and confirmed with a second Enter, and Ctrl+R swaps the
suggested wording in for this paste. With a customer's message (`set_message`) and nothing typed, the
rows come first as 建议 and the message shows above them, the current row's matched words marked;
typing searches as always, and Ctrl+J (建议, jiànyì) toggles between the suggestions and the query.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QGuiApplication, QInputMethodEvent, QKeyEvent, QMouseEvent, QPalette
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QVBoxLayout,
    QWidget,
)

from palette.ui.rows import WARN, Row, RowDelegate, RowModel, marked_html, readable
from palette.ui.suggestions import word_spans

MAX_ROWS = 9
FULL_HEIGHT = 600
STATUS_MS = 4000
MESSAGE_CHARS = 120  # of the customer's message shown above the suggestions


class ChoiceMode(StrEnum):
    """What Enter (paste into the agent's window, and send where a send mode says so), Shift+Enter
    (paste, but send nothing this once) or Ctrl+Enter (leave on the clipboard) asked for."""

    PASTE = "paste"
    PASTE_ONLY = "paste_only"
    COPY = "copy"


@dataclass(frozen=True)
class Choice:
    """What the agent chose to do with a row; `confirmed`: Enter again, past the 禁语 warning."""

    mode: ChoiceMode
    confirmed: bool = False


class SearchField(QLineEdit):
    """A line edit that knows when an input method is composing, so Enter commits instead of pasting."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.preedit = ""

    def inputMethodEvent(self, event: QInputMethodEvent) -> None:
        self.preedit = event.preeditString()
        super().inputMethodEvent(event)

    def commit_preedit(self) -> None:
        """What Enter does while composing: the composition becomes text, nothing is pasted."""
        commit = QInputMethodEvent()
        commit.setCommitString(self.preedit)
        self.inputMethodEvent(commit)


class PaletteWindow(QWidget):
    """The palette. `set_rows(fn)` supplies hits; `chosen(row, choice)` fires on Enter / Ctrl+Enter / Alt+n."""

    chosen = Signal(object, object)  # Row, Choice
    fill_requested = Signal(object, object)  # Row, ChoiceMode: the caller loads its form, then show_form()
    new_conversation = Signal()
    create_requested = Signal(str)  # no match: open the manager's editor with what was typed as the body
    manager_requested = Signal()
    settings_requested = Signal()
    dragged = Signal(QPoint)  # the agent dragged the palette here (top-left, global): remember it
    hidden = Signal()
    ready = Signal()  # shown and holding the keyboard focus

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self._rows: Callable[[str], list[Row]] = lambda _query: []
        self._unknown_categories: Callable[[str], list[str]] = lambda _query: []
        self._form: QWidget | None = None
        self._message = ""  # the customer's message the empty query answers (customer data: never logged)
        self._stashed = ""  # the query Ctrl+J put aside to show the suggestions
        self._list_height = 0  # the height to return to from the (shorter) form page
        self.setWindowFlags(Qt.WindowType.Tool | Qt.WindowType.FramelessWindowHint | Qt.WindowType.WindowStaysOnTopHint)
        self.setObjectName("palette")
        self.resize(660, FULL_HEIGHT)

        self.search = SearchField(self)
        self.search.setClearButtonEnabled(True)
        self.search.installEventFilter(self)
        self.search.textChanged.connect(self.refresh)

        self.model = RowModel(self)
        self.list = QListView(self)
        self.list.setModel(self.model)
        self.list.setItemDelegate(RowDelegate(self.list))
        self.list.setUniformItemSizes(True)
        self.list.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.list.selectionModel().currentChanged.connect(self._update_preview)
        self.list.doubleClicked.connect(lambda _i: self._choose(ChoiceMode.PASTE))

        self.warning = QLabel(self)
        self.warning.setWordWrap(True)
        self.warning.setObjectName("guardWarning")
        self.warning.setStyleSheet("QLabel#guardWarning { color: #b03a2e; font-weight: 600; }")
        self.warning.hide()

        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.preview.setMinimumHeight(72)
        self.preview.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)

        self.empty = QWidget(self)  # no match: a compact line and an offer to create the phrase
        self.empty_label = QLabel(self.empty)
        self.create_button = QPushButton(self.empty)
        self.create_button.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Enter in the search box does the same
        self.create_button.clicked.connect(self._create)
        empty_lay = QVBoxLayout(self.empty)
        empty_lay.setContentsMargins(0, 6, 0, 6)
        empty_lay.addWidget(self.empty_label)
        empty_lay.addWidget(self.create_button, 0, Qt.AlignmentFlag.AlignLeft)
        self.empty.hide()

        self.status = QLabel(self)  # a short confirmation, e.g. 已开始新会话
        self.status.setObjectName("status")
        self.status.hide()
        self._status_timer = QTimer(self, singleShot=True, interval=STATUS_MS)
        self._status_timer.timeout.connect(self.status.hide)

        self.hint = hint = QLabel(self)
        hint.setObjectName("hint")
        hint.setStyleSheet("QLabel#hint { color: palette(placeholder-text); }")

        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.message.setTextFormat(Qt.TextFormat.RichText)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.NoTextInteraction)
        self.message.hide()

        list_page = QWidget(self)
        lay = QVBoxLayout(list_page)
        lay.setContentsMargins(0, 0, 0, 0)
        lay.addWidget(self.message)
        lay.addWidget(self.list, 1)
        lay.addWidget(self.empty)
        lay.addWidget(self.warning)
        self._line = line = QFrame(list_page)
        line.setFrameShape(QFrame.Shape.HLine)
        lay.addWidget(line)
        lay.addWidget(self.preview)

        self.pages = QStackedWidget(self)
        self.pages.addWidget(list_page)

        outer = QVBoxLayout(self)
        outer.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)  # the palette keeps its size
        outer.setContentsMargins(10, 10, 10, 8)
        outer.addWidget(self.search)
        outer.addWidget(self.pages, 1)
        outer.addWidget(self.status)
        outer.addWidget(hint)
        self.setStyleSheet(
            "QWidget#palette { border: 1px solid palette(mid); border-radius: 8px; background: palette(window); }"
        )
        self._pending: tuple[Row, ChoiceMode] | None = None  # a choice waiting for the agent to confirm a 禁语 warning
        self.retranslate()
        self.loading = False  # the search engine is still loading: see results_ready()
        self._early_choice: ChoiceMode | None = None
        self._drag_from: QPoint | None = None  # pointer offset inside the window while dragging it
        self._drag_start = QPoint()

    def retranslate(self) -> None:
        """Visible strings in the current language (again on a language switch)."""
        self.setWindowTitle(self.tr("快捷话术板"))
        self.search.setPlaceholderText(self.tr("输入拼音、首字母、快捷码或关键词…"))
        self._update_hint()
        more = self.tr("Ctrl+Shift+M 管理话术 · Ctrl+, 设置 · 拖动边缘可移动话术板")
        self.hint.setToolTip(self.tr("Shift+Enter 只粘贴不发送") + " · " + more)
        self._update_preview()

    def _update_hint(self) -> None:
        keys = self.tr("Enter 粘贴 · Ctrl+Enter 复制 · Alt+1…9 直接粘贴 · Tab 填写 · Ctrl+Shift+N 新会话 · Esc 关闭")
        if self._message:
            keys = self.tr("Ctrl+J 建议/搜索") + " · " + keys
        self.hint.setText(keys)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_rows(self, rows: Callable[[str], list[Row]]) -> None:
        """Where hits come from: `rows(query)`, best first."""
        self._rows = rows

    def set_message(self, text: str) -> None:
        """The customer's message the suggestions answer ("" for none): shown while nothing is typed."""
        self._message = text
        self._stashed = ""
        self._update_hint()
        self.refresh()

    def toggle_suggestions(self) -> None:
        """Ctrl+J: from the query to the suggestions for the customer's message, and back."""
        if not self._message:
            return
        query = self.search.text()
        if query:
            self._stashed = query
            self.search.clear()
        elif self._stashed:
            self.search.setText(self._stashed)
            self.search.end(False)

    def set_unknown_categories(self, unknown: Callable[[str], list[str]]) -> None:
        """The query's `#category` words that match no category (`SearchIndex.unknown_categories`), so an
        empty list says why."""
        self._unknown_categories = unknown

    # -- showing and hiding --------------------------------------------------------------------------

    def present(self, screen_geometry: QRect | None = None, position: QPoint | None = None) -> None:
        """Show at `position` (the caller's placement), else centred on the given screen (default: the
        one under the pointer) a fifth of the way down; empty and ready to type."""
        self.back_to_list()
        self._message = self._stashed = ""  # the caller brings this opening's message, if there is one
        self._update_hint()
        self.search.clear()
        self.refresh()
        if position is None:
            geo = screen_geometry or self._pointer_screen()
            position = QPoint(geo.x() + (geo.width() - self.width()) // 2, geo.y() + geo.height() // 5)
        self.move(position)
        self.show()
        self.raise_()
        self.activateWindow()
        self.search.setFocus(Qt.FocusReason.ActiveWindowFocusReason)

    @staticmethod
    def _pointer_screen() -> QRect:
        from PySide6.QtGui import QCursor

        screen = QGuiApplication.screenAt(QCursor.pos()) or QGuiApplication.primaryScreen()
        return screen.availableGeometry()

    def replay_keys(self, strokes: Sequence[tuple[int, str]]) -> None:
        """Keys the agent typed before the palette had focus, in order, as if typed now."""
        for key, text in strokes:
            target = self.focusWidget() or self.search
            for kind in (QEvent.Type.KeyPress, QEvent.Type.KeyRelease):
                QApplication.sendEvent(target, QKeyEvent(kind, key, Qt.KeyboardModifier.NoModifier, text))

    def dismiss(self) -> None:
        if self.isVisible():
            self.hide()

    def hideEvent(self, event: object) -> None:
        self._pending = None
        self.warning.hide()
        self.status.hide()
        self.hidden.emit()

    def show_status(self, text: str) -> None:
        """A short line above the key hints, gone after a few seconds or when the palette closes."""
        self.status.setText(text)
        self.status.show()
        self._status_timer.start()

    # -- dragging: the window is frameless, so its margins are the handle --------------------------------

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self._drag_from = event.globalPosition().toPoint() - self.pos()
            self._drag_start = self.pos()
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            self.move(event.globalPosition().toPoint() - self._drag_from)
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._drag_from is not None:
            moved = event.globalPosition().toPoint() - self._drag_from != self._drag_start
            self._drag_from = None
            if moved:  # a click on the border is not a choice of place
                self.dragged.emit(self.pos())
        super().mouseReleaseEvent(event)

    def event(self, e: QEvent) -> bool:
        if e.type() == QEvent.Type.WindowActivate:
            self.ready.emit()
        elif e.type() == QEvent.Type.WindowDeactivate and self.isVisible():
            self.hide()  # focus went elsewhere: the agent moved on
        return super().event(e)

    # -- results ---------------------------------------------------------------------------------------

    def results_ready(self) -> None:
        """The search engine finished loading: show what matches, and act on an Enter pressed meanwhile."""
        self.loading = False
        if self.isVisible():
            self.refresh()
            mode, self._early_choice = self._early_choice, None
            if mode is not None:
                self._choose(mode)

    def refresh(self) -> None:
        self._pending = None
        self.warning.hide()
        self.model.set_rows(self._rows(self.search.text())[:MAX_ROWS])
        if self.model.rows:
            self.list.setCurrentIndex(self.model.index(0))
        self._show_empty(not self.model.rows)
        self._update_preview()

    def _show_empty(self, empty: bool) -> None:
        """No match: the list and the preview give way to one line and 新建话术, and the palette shrinks."""
        query = self.search.text().strip()
        if empty:
            unknown = [] if self.loading else self._unknown_categories(query)
            if self.loading:
                self.empty_label.setText(self.tr("正在载入话术…"))
            elif unknown:
                self.empty_label.setText(self.tr("没有与“{0}”匹配的分类").format("、".join(unknown)))
            else:
                self.empty_label.setText(self.tr("没有匹配的话术"))
            self.create_button.setText(self.tr("Enter 新建话术:“{0}”").format(query))
            self.create_button.setVisible(bool(query) and not self.loading and not unknown)
        for w in (self.list, self._line, self.preview):
            w.setVisible(not empty)
        self.empty.setVisible(empty)
        height = self.minimumSizeHint().height() if empty else FULL_HEIGHT
        if self.height() != height:
            self.resize(self.width(), height)

    def _create(self) -> None:
        query = self.search.text().strip()
        if query:
            self.hide()
            self.create_requested.emit(query)

    def current_row(self) -> Row | None:
        index = self.list.currentIndex()
        return self.model.rows[index.row()] if index.isValid() else None

    def _update_message(self, row: Row | None) -> None:
        """The customer's message above the 建议 rows, with the current row's matched words marked."""
        shown = bool(self._message) and not self.search.text()
        self.message.setVisible(shown)
        if not shown:
            self.message.clear()
            return
        text = self._message.strip()
        cut = text if len(text) <= MESSAGE_CHARS else text[: MESSAGE_CHARS - 1] + "…"
        pal = self.palette()
        bg = pal.color(QPalette.ColorRole.Window)
        accent = readable(pal.color(QPalette.ColorRole.Link), bg).name()
        muted = readable(pal.color(QPalette.ColorRole.PlaceholderText), bg).name()
        words = row.why if row is not None and row.suggested else ()
        body = marked_html(cut, word_spans(cut, words), accent=accent, warn=muted, underline=True)
        label = html.escape(self.tr("客户消息:"))
        self.message.setText(f'<span style="color:{muted}">{label}</span>{body}')

    def _update_preview(self) -> None:
        row = self.current_row()
        self._update_message(row)
        if row is None:
            self.preview.clear()
            return
        pal = self.palette()
        bg = pal.color(QPalette.ColorRole.Window)
        accent, warn = readable(pal.color(QPalette.ColorRole.Link), bg).name(), readable(WARN, bg).name()
        muted = readable(pal.color(QPalette.ColorRole.PlaceholderText), bg).name()
        text, hits, gaps, bans, suggested = row.shown()
        body = marked_html(text, hits, gaps, accent=accent, warn=warn, bans=bans, suggested=suggested)
        notes = []
        if row.suggested and row.why:
            notes.append(self.tr("建议依据:") + "、".join(row.why))
        if row.missing:
            notes.append(self.tr("待填写:") + "、".join(row.missing))
        if row.replace:
            notes.append(self.tr("已换成建议用语(仅这一次)· Ctrl+R 还原"))
        elif row.replaceable():
            notes.append(self.tr("含服务禁语 · Ctrl+R 换成建议用语"))
        elif row.forbidden:
            notes.append(self.tr("含服务禁语"))
        note = "".join(f'<br><span style="color:{muted}">{html.escape(n)}</span>' for n in notes)
        self.preview.setText(body.replace(" ⏎ ", "<br>") + note)

    def _move(self, delta: int) -> None:
        n = len(self.model.rows)
        if not n:
            return
        current = self.list.currentIndex().row()
        self.list.setCurrentIndex(self.model.index(max(0, min(n - 1, current + delta))))

    # -- keys ----------------------------------------------------------------------------------------

    def eventFilter(self, obj: QObject, e: QEvent) -> bool:
        if obj is self.search and e.type() == QEvent.Type.KeyPress:
            assert isinstance(e, QKeyEvent)
            return self._key(e)
        if obj is self._form and e.type() == QEvent.Type.LayoutRequest and self.showing_form():
            self._fit_form()
        return super().eventFilter(obj, e)

    def _key(self, e: QKeyEvent) -> bool:
        key, mods = e.key(), e.modifiers()
        ctrl = bool(mods & Qt.KeyboardModifier.ControlModifier)
        alt = bool(mods & Qt.KeyboardModifier.AltModifier)
        shift = bool(mods & Qt.KeyboardModifier.ShiftModifier)
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if self.search.preedit:
                self.search.commit_preedit()
                return True
            self._choose(ChoiceMode.COPY if ctrl else ChoiceMode.PASTE_ONLY if shift else ChoiceMode.PASTE)
            return True
        if key == Qt.Key.Key_Escape:
            if self._pending is not None:
                self._pending = None
                self.warning.hide()
            else:
                self.hide()
            return True
        if key in (Qt.Key.Key_Down, Qt.Key.Key_Up) or (ctrl and key in (Qt.Key.Key_N, Qt.Key.Key_P) and not shift):
            self._move(1 if key in (Qt.Key.Key_Down, Qt.Key.Key_N) else -1)
            return True
        if key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageUp):
            self._move(MAX_ROWS if key == Qt.Key.Key_PageDown else -MAX_ROWS)
            return True
        if ctrl and key == Qt.Key.Key_R:
            self.toggle_replace()
            return True
        if ctrl and key == Qt.Key.Key_J:
            self.toggle_suggestions()
            return True
        if ctrl and shift and key == Qt.Key.Key_N:
            self.new_conversation.emit()
            self.refresh()
            self.show_status(self.tr("已开始新会话:上一位客户填写的内容已清除"))
            return True
        if ctrl and shift and key == Qt.Key.Key_M:
            self.hide()
            self.manager_requested.emit()
            return True
        if ctrl and key == Qt.Key.Key_Comma:
            self.hide()
            self.settings_requested.emit()
            return True
        if alt and Qt.Key.Key_1 <= key <= Qt.Key.Key_9:
            n = key - Qt.Key.Key_1
            if n < len(self.model.rows):
                self.list.setCurrentIndex(self.model.index(n))
                self._choose(ChoiceMode.PASTE)
            return True
        if key == Qt.Key.Key_Tab:
            row = self.current_row()
            if row is not None and row.missing:
                self.fill_requested.emit(row, ChoiceMode.PASTE)
            return True
        return False

    def toggle_replace(self) -> None:
        """Ctrl+R: paste the current row with its 禁语 replaced by the suggested wording (or not, again)."""
        row = self.current_row()
        if row is None or not row.replaceable():
            return
        self._pending = None  # the replaced text is checked afresh on Enter
        self.warning.hide()
        self._put_row(dataclasses.replace(row, replace=not row.replace))

    def _put_row(self, row: Row) -> None:
        """Show `row` in place of the row with its uid (and make it current)."""
        for i, old in enumerate(self.model.rows):
            if old.uid == row.uid:
                self.model.rows[i] = row
                index = self.model.index(i)
                self.model.dataChanged.emit(index, index)
                self.list.setCurrentIndex(index)
                self._update_preview()
                return

    def _choose(self, mode: ChoiceMode) -> None:
        row = self.current_row()
        if row is None:
            if self.loading:
                self._early_choice = mode  # Enter before the index was ready: honour it when it is
            else:
                self._create()
            return
        if self._pending is not None and self._pending[0].uid == row.uid:
            row = self._pending[0]
            self._pending = None
            self.warning.hide()
            self.chosen.emit(row, Choice(mode, confirmed=True))
            return
        if row.missing:
            self.fill_requested.emit(row, mode)
            return
        self.chosen.emit(row, Choice(mode))

    # -- the form page and the 禁语 warning -------------------------------------------------------------

    def set_form(self, form: QWidget) -> None:
        """The fill-in form page, built once by the caller and shown by `show_form`."""
        self._form = form
        self.pages.addWidget(form)
        form.installEventFilter(self)  # its LayoutRequest: the form grew or shrank (a warning, a wrap)

    def show_form(self) -> None:
        """The form page, with the window shrunk to fit it and its hint line instead of the palette's."""
        assert self._form is not None
        self.warning.hide()
        self.hint.hide()
        self.pages.setCurrentWidget(self._form)
        self._fit_form()

    def _fit_form(self) -> None:
        assert self._form is not None
        if not self._list_height:
            self._list_height = self.height()
        outer = self.layout()
        assert outer is not None
        margins = outer.contentsMargins()
        height = margins.top() + margins.bottom() + self.search.sizeHint().height() + outer.spacing()
        self.resize(self.width(), min(self._list_height, height + self._form.sizeHint().height()))

    def showing_form(self) -> bool:
        return self._form is not None and self.pages.currentWidget() is self._form

    def back_to_list(self) -> None:
        self.pages.setCurrentIndex(0)
        self.hint.show()
        if self._list_height:
            self.resize(self.width(), self._list_height)
            self._list_height = 0
        self.search.setFocus(Qt.FocusReason.OtherFocusReason)

    def warn(self, row: Row, mode: ChoiceMode, message: str, *, blocking: bool) -> None:
        """Show a 禁语 warning; unless `blocking`, Enter again on the same row pastes anyway.

        `row` is the text as it would be pasted (values just filled in included): it replaces the
        listed row, so the preview under the warning shows what Enter would send.
        """
        self.back_to_list()
        self._put_row(row)
        self._pending = None if blocking else (row, mode)
        if blocking:
            suffix = self.tr("按 Ctrl+R 换成建议用语。") if row.replaceable() else self.tr("请修改后再发送。")
        elif row.replaceable():
            suffix = self.tr("再按 Enter 仍然发送,Ctrl+R 换成建议用语,Esc 取消。")
        else:
            suffix = self.tr("再按 Enter 仍然发送,Esc 取消。")
        self.warning.setText(f"⚠ {message} {suffix}")
        self.warning.show()
