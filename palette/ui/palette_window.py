"""The palette: a frameless, always-on-top search box with ranked phrases, built once and shown on demand.

It knows nothing of the database or the OS: it asks a `rows` callable for what matches the query and
emits `chosen` with the row and the mode ("paste" or "copy"). Missing placeholder values are asked in an
embedded form page; a 禁语 is marked on its row and in the preview before Enter, a warning is shown
inline and confirmed with a second Enter, and Ctrl+R swaps the suggested wording in for this paste.
"""

from __future__ import annotations

import dataclasses
import html
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import (
    QAbstractListModel,
    QEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPoint,
    QRect,
    QSize,
    Qt,
    QTimer,
    Signal,
)
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QGuiApplication,
    QInputMethodEvent,
    QKeyEvent,
    QMouseEvent,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QApplication,
    QFrame,
    QLabel,
    QLayout,
    QLineEdit,
    QListView,
    QPushButton,
    QStackedWidget,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QVBoxLayout,
    QWidget,
)

from palette.core.guard import Finding, apply_suggestions

Spans = tuple[tuple[int, int], ...]
MAX_ROWS = 9
MARGIN = 4  # a row's text margin, px
FULL_HEIGHT = 600
STATUS_MS = 4000


@dataclass(frozen=True)
class Row:
    """One hit as the palette shows it; `text` is rendered with what is known, gaps shown as [名称]."""

    uid: str
    category: str
    title: str
    shortcut: str
    text: str
    missing: tuple[str, ...] = ()
    title_spans: Spans = ()
    text_spans: Spans = ()
    gap_spans: Spans = ()  # where `text` still has an unfilled placeholder
    forbidden: tuple[Finding, ...] = ()  # 禁语 in `text` (spans into it)
    replace: bool = False  # Ctrl+R: paste with the suggested wording instead of the 禁语, this time only
    payload: object = field(default=None, compare=False)  # the caller's own object (the search hit)

    def replaceable(self) -> bool:
        return any(f.suggestion for f in self.forbidden)

    def shown(self) -> tuple[str, Spans, Spans, Spans, Spans]:
        """Text and (hits, gaps, 禁语, suggestions) spans as the preview shows them: replaced if asked."""
        if not self.replace:
            return self.text, self.text_spans, self.gap_spans, tuple(f.span for f in self.forbidden), ()
        text, put = apply_suggestions(self.text, self.forbidden)
        return text, (), (), (), tuple(put)


BAN_STYLE = "color:#922b21;background-color:#fadbd8;font-weight:600;text-decoration:line-through"
SUGGESTED_STYLE = "color:#1e6f3f;background-color:#d5f5e3;font-weight:600"


MIN_CONTRAST = 4.5  # WCAG AA for normal text
WARN = QColor("#d35400")  # unfilled placeholders: orange, darkened or lightened until readable


def luminance(c: QColor) -> float:
    """WCAG relative luminance of an opaque colour."""

    def channel(v: float) -> float:
        return v / 12.92 if v <= 0.04045 else ((v + 0.055) / 1.055) ** 2.4

    return 0.2126 * channel(c.redF()) + 0.7152 * channel(c.greenF()) + 0.0722 * channel(c.blueF())


def contrast(a: QColor, b: QColor) -> float:
    """WCAG contrast ratio, 1 to 21."""
    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def flatten(colour: QColor, background: QColor) -> QColor:
    """A translucent colour (Qt's placeholder text is Text at half alpha) as painted on `background`."""
    a = colour.alphaF()
    return QColor.fromRgbF(
        colour.redF() * a + background.redF() * (1 - a),
        colour.greenF() * a + background.greenF() * (1 - a),
        colour.blueF() * a + background.blueF() * (1 - a),
    )


def readable(colour: QColor, background: QColor) -> QColor:
    """`colour`, or the nearest mix of it towards black or white that reads on `background` (≥ 4.5:1).

    One of black and white always reaches 4.58:1 on any background, so the mix always ends readable."""
    colour = flatten(colour, background)
    if contrast(colour, background) >= MIN_CONTRAST:
        return colour
    black, white = QColor(0, 0, 0), QColor(255, 255, 255)
    end = black if contrast(black, background) >= contrast(white, background) else white
    for step in range(1, 21):
        t = step / 20
        mixed = QColor.fromRgbF(
            colour.redF() + (end.redF() - colour.redF()) * t,
            colour.greenF() + (end.greenF() - colour.greenF()) * t,
            colour.blueF() + (end.blueF() - colour.blueF()) * t,
        )
        if contrast(mixed, background) >= MIN_CONTRAST:
            return mixed
    return end


@dataclass(frozen=True)
class RowColours:
    """The colours of one row, each readable on `background`: on the selected row matches take the
    selection's own text colour (they are bold and underlined there, so they still stand out), and
    unfilled placeholders sit on a patch of the list's base colour (`warn_background`), in orange."""

    background: QColor
    text: QColor
    accent: QColor
    warn: QColor
    muted: QColor
    underline: bool
    warn_background: QColor | None = None


def row_colours(pal: QPalette, *, selected: bool) -> RowColours:
    if selected:
        bg = pal.color(QPalette.ColorRole.Highlight)
        text = readable(pal.color(QPalette.ColorRole.HighlightedText), bg)
        patch = pal.color(QPalette.ColorRole.Base)
        return RowColours(bg, text, text, readable(WARN, patch), text, underline=True, warn_background=patch)
    bg = pal.color(QPalette.ColorRole.Base)
    return RowColours(
        bg,
        readable(pal.color(QPalette.ColorRole.Text), bg),
        readable(pal.color(QPalette.ColorRole.Link), bg),
        readable(WARN, bg),
        readable(pal.color(QPalette.ColorRole.PlaceholderText), bg),
        underline=False,
    )


def elide(text: str, spans: Spans, metrics: QFontMetrics, width: int) -> tuple[str, Spans]:
    """`text` cut at a character boundary to fit `width`, ending in "…", with `spans` cut to match."""
    cut = metrics.elidedText(text, Qt.TextElideMode.ElideRight, max(0, width))
    if cut == text:
        return text, spans
    keep = len(cut) - 1 if cut.endswith("…") else 0
    if text[:keep] != cut[:keep]:  # elidedText did more than cut the end: fall back to just the mark
        keep = 0
    return text[:keep] + "…", tuple((a, min(b, keep)) for a, b in spans if a < keep)


def marked_html(
    text: str,
    spans: Spans,
    gaps: Spans = (),
    *,
    accent: str,
    warn: str,
    underline: bool = False,
    patch: str = "",
    bans: Spans = (),
    suggested: Spans = (),
) -> str:
    """`text` as HTML: matched spans in bold accent (underlined on the selected row), unfilled
    placeholders in the warning colour (on `patch` where given), a 禁语 struck through on red, a
    suggested wording that replaced one on green."""
    style = [""] * (len(text) + 1)
    for kind, marked in (("hit", spans), ("ban", bans), ("ok", suggested), ("gap", gaps)):  # later ones win
        for start, end in marked:
            for i in range(max(0, start), min(len(text), end)):
                style[i] = kind
    css = {
        "hit": f"color:{accent};font-weight:600" + (";text-decoration:underline" if underline else ""),
        "gap": f"color:{warn};font-weight:600" + (f";background-color:{patch}" if patch else ""),
        "ban": BAN_STYLE,
        "ok": SUGGESTED_STYLE,
    }
    out: list[str] = []
    current = ""
    for i, ch in enumerate(text):
        if style[i] != current:
            if current:
                out.append("</span>")
            if style[i]:
                out.append(f'<span style="{css[style[i]]}">')
            current = style[i]
        out.append(html.escape(ch))
    if current:
        out.append("</span>")
    return "".join(out).replace("\n", " ⏎ ")


class RowModel(QAbstractListModel):
    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.rows: list[Row] = []

    def set_rows(self, rows: Sequence[Row]) -> None:
        self.beginResetModel()
        self.rows = list(rows)
        self.endResetModel()

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.rows)

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> object:
        if not index.isValid():
            return None
        row = self.rows[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return f"{row.category} › {row.title}"
        if role == Qt.ItemDataRole.UserRole:
            return row
        return None


def ban_mark(row: Row) -> str:
    """The small mark a row with a 禁语 carries in the list: the word(s), or ✓ once replaced."""
    if not row.forbidden:
        return ""
    if row.replace:
        return f' &nbsp;<span style="{SUGGESTED_STYLE}">&nbsp;✓&nbsp;</span>'
    words = "、".join(dict.fromkeys(f.word for f in row.forbidden))
    return f' &nbsp;<span style="{BAN_STYLE};text-decoration:none">&nbsp;⚠ {html.escape(words)}&nbsp;</span>'


class RowDelegate(QStyledItemDelegate):
    """Two lines per hit: number, category › title (matches highlighted), shortcut; then the finished text.

    Both lines are elided with "…" to the row's width; every colour is readable on the row's background,
    the selected row's included."""

    def document(self, row: Row, number: int, option: QStyleOptionViewItem) -> QTextDocument:
        selected = bool(option.state & QStyle.StateFlag.State_Selected)
        c = row_colours(option.palette, selected=selected)
        accent, warn, muted = c.accent.name(), c.warn.name(), c.muted.name()
        font = QFont(option.font)
        bold = QFont(font)
        bold.setBold(True)
        plain, strong = QFontMetrics(font), QFontMetrics(bold)
        width = option.rect.width() - 2 * MARGIN - 4  # the document's margins, and a little slack
        lead = f"{number}\u00a0 {row.category} › "
        code = f" {row.shortcut}" if row.shortcut else ""
        title_room = width - plain.horizontalAdvance(lead) - plain.horizontalAdvance(code)
        title, title_spans = elide(row.title, row.title_spans, strong, title_room)
        shown, hits, gaps, bans, suggested = row.shown()  # with the suggested wording, when Ctrl+R asked
        flat = shown.replace("\n", "⏎")  # one character for one: the spans still point at the right text
        text, text_spans = elide(flat, hits, strong, width)

        def cut(spans: Spans) -> Spans:
            return tuple((a, min(b, len(text))) for a, b in spans if a < len(text))

        shortcut = f' <span style="color:{muted}">{html.escape(row.shortcut)}</span>' if row.shortcut else ""
        head = (
            f'<span style="color:{muted}">{number}</span>&nbsp; <span style="color:{muted}">'
            f"{html.escape(row.category)} ›</span> "
            f"<b>{marked_html(title, title_spans, accent=accent, warn=warn, underline=c.underline)}</b>{shortcut}"
            f"{ban_mark(row)}"
        )
        patch = c.warn_background.name() if c.warn_background is not None else ""
        body = marked_html(
            text, text_spans, cut(gaps), accent=accent, warn=warn, underline=c.underline, patch=patch,
            bans=cut(bans), suggested=cut(suggested),
        )  # fmt: skip
        doc = QTextDocument()
        doc.setDefaultFont(font)
        doc.setDocumentMargin(MARGIN)
        doc.setDefaultStyleSheet(f"body {{ color: {c.text.name()}; }}")
        doc.setHtml(
            f'<body><div style="white-space:nowrap">{head}</div><div style="white-space:nowrap">{body}</div></body>'
        )
        return doc

    def paint(self, painter: object, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> None:
        from PySide6.QtGui import QPainter

        assert isinstance(painter, QPainter)
        row: Row = index.data(Qt.ItemDataRole.UserRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        doc = self.document(row, index.row() + 1, option)
        rect: QRect = option.rect
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, QAbstractTextDocumentLayout.PaintContext())
        painter.restore()

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = option.fontMetrics.height()
        return QSize(400, 2 * height + 14)


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
    """The palette. `set_rows(fn)` supplies hits; `chosen(row, mode)` fires on Enter / Ctrl+Enter / Alt+n."""

    chosen = Signal(object, str)  # Row, "paste" | "copy"
    fill_requested = Signal(object, str)  # Row, mode: the caller loads its form, then show_form()
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
        self.list.doubleClicked.connect(lambda _i: self._choose("paste"))

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

        list_page = QWidget(self)
        lay = QVBoxLayout(list_page)
        lay.setContentsMargins(0, 0, 0, 0)
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
        self._pending: tuple[Row, str] | None = None  # a choice waiting for the agent to confirm a 禁语 warning
        self.retranslate()
        self.loading = False  # the search engine is still loading: see results_ready()
        self._early_choice = ""
        self._drag_from: QPoint | None = None  # pointer offset inside the window while dragging it
        self._drag_start = QPoint()

    def retranslate(self) -> None:
        """Visible strings in the current language (again on a language switch)."""
        self.setWindowTitle(self.tr("快捷话术板"))
        self.search.setPlaceholderText(self.tr("输入拼音、首字母、快捷码或关键词…"))
        self.hint.setText(
            self.tr("Enter 粘贴 · Ctrl+Enter 复制 · Alt+1…9 直接粘贴 · Tab 填写 · Ctrl+Shift+N 新会话 · Esc 关闭")
        )
        self.hint.setToolTip(self.tr("Ctrl+Shift+M 管理话术 · Ctrl+, 设置 · 拖动边缘可移动话术板"))
        self._update_preview()

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)

    def set_rows(self, rows: Callable[[str], list[Row]]) -> None:
        """Where hits come from: `rows(query)`, best first."""
        self._rows = rows

    def set_unknown_categories(self, unknown: Callable[[str], list[str]]) -> None:
        """The query's `#category` words that match no category (`SearchIndex.unknown_categories`), so an
        empty list says why."""
        self._unknown_categories = unknown

    # -- showing and hiding --------------------------------------------------------------------------

    def present(self, screen_geometry: QRect | None = None, position: QPoint | None = None) -> None:
        """Show at `position` (the caller's placement), else centred on the given screen (default: the
        one under the pointer) a fifth of the way down; empty and ready to type."""
        self.back_to_list()
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
            mode, self._early_choice = self._early_choice, ""
            if mode:
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

    def _update_preview(self) -> None:
        row = self.current_row()
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
            self._choose("copy" if ctrl else "paste")
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
                self._choose("paste")
            return True
        if key == Qt.Key.Key_Tab:
            row = self.current_row()
            if row is not None and row.missing:
                self.fill_requested.emit(row, "paste")
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

    def _choose(self, mode: str) -> None:
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
            self.chosen.emit(row, mode + "!")  # "!": the agent confirmed past the warning
            return
        if row.missing:
            self.fill_requested.emit(row, mode)
            return
        self.chosen.emit(row, mode)

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

    def warn(self, row: Row, mode: str, message: str, *, blocking: bool) -> None:
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
