"""How one hit looks in the palette: the `Row` it shows, the two-line delegate that draws it, and the
colour rules (WCAG contrast) that keep every mark readable on light, dark and selected backgrounds.

Kept apart from the window so that drawing can be read, and tested, without the keyboard handling."""

from __future__ import annotations

import html
from collections.abc import Sequence
from dataclasses import dataclass, field

from PySide6.QtCore import QAbstractListModel, QModelIndex, QObject, QPersistentModelIndex, QRect, QSize, Qt
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextDocument,
)
from PySide6.QtWidgets import QApplication, QStyle, QStyledItemDelegate, QStyleOptionViewItem

from palette.core.guard import Finding, apply_suggestions
from palette.core.model import Phrase
from palette.ui.thumbnails import Thumbnails

Spans = tuple[tuple[int, int], ...]
MARGIN = 4  # a row's text margin, px


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
    phrase: Phrase | None = field(default=None, compare=False)  # the phrase the hit is for (None: a bare row)

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
    the selected row's included. A phrase with pictures shows its first one small at the right end (and
    "+N" for the others) when `thumbnails` is set."""

    thumbnails: Thumbnails | None = None

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
        assert isinstance(painter, QPainter)
        row: Row = index.data(Qt.ItemDataRole.UserRole)
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        opt.text = ""
        style = opt.widget.style() if opt.widget else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        text_option = self._paint_thumbnail(painter, row, option)
        doc = self.document(row, index.row() + 1, text_option)
        rect: QRect = option.rect
        painter.save()
        painter.translate(rect.topLeft())
        painter.setClipRect(0, 0, rect.width(), rect.height())
        doc.documentLayout().draw(painter, QAbstractTextDocumentLayout.PaintContext())
        painter.restore()

    def _paint_thumbnail(self, painter: QPainter, row: Row, option: QStyleOptionViewItem) -> QStyleOptionViewItem:
        """Draw the row's first picture at its right end; returns the option the text is laid out in."""
        images = row.phrase.images if row.phrase is not None else ()
        pixmap = self.thumbnails.get(images[0].sha256) if images and self.thumbnails is not None else None
        if pixmap is None:
            return option
        rect: QRect = option.rect
        side = min(rect.height() - 2 * MARGIN, self.thumbnails.side if self.thumbnails else 0)
        shown = pixmap.scaled(
            side, side, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation
        )
        x = rect.right() - MARGIN - side
        painter.drawPixmap(x + (side - shown.width()) // 2, rect.top() + (rect.height() - shown.height()) // 2, shown)
        if len(images) > 1:
            selected = bool(option.state & QStyle.StateFlag.State_Selected)
            painter.save()
            painter.setPen(row_colours(option.palette, selected=selected).muted)
            badge = QRect(x - 3 * MARGIN - option.fontMetrics.horizontalAdvance("+9"), rect.top(), 0, rect.height())
            badge.setRight(x - MARGIN)
            painter.drawText(
                badge, int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter), f"+{len(images) - 1}"
            )
            painter.restore()
            x = badge.left()
        narrower = QStyleOptionViewItem(option)
        narrower.rect = QRect(rect.left(), rect.top(), x - rect.left() - MARGIN, rect.height())
        return narrower

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex | QPersistentModelIndex) -> QSize:
        height = option.fontMetrics.height()
        return QSize(400, 2 * height + 14)
