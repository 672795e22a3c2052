"""The editor pane: the fields of one phrase, a live preview with placeholders filled from the profile,
and inline warnings (禁语, broken placeholders, a shortcut another phrase already uses)."""

from __future__ import annotations

import html
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import (
    QEvent,
    Qt,
    Signal,
)
from PySide6.QtGui import (
    QColor,
    QFont,
    QPalette,
    QSyntaxHighlighter,
    QTextCharFormat,
    QTextDocument,
)
from PySide6.QtWidgets import (
    QComboBox,
    QFormLayout,
    QFrame,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QVBoxLayout,
    QWidget,
)

from palette.core import editing
from palette.core.editing import Entry
from palette.core.guard import Finding, Guard, Kind
from palette.core.model import Phrase
from palette.core.phrase_rules import Problem, ProblemKind
from palette.core.placeholders import Context, Escape, Malformed, Placeholder, parse, render
from palette.ui.manager.images import ImageStrip, SendChoice
from palette.ui.manager.table import _WARN

_ERROR = "#c0392b"


class PlaceholderHighlighter(QSyntaxHighlighter):
    """Placeholders in the accent colour, literal `[[ ]]` muted, broken brackets underlined in red.

    A placeholder never spans lines (a newline breaks the group), so each line is parsed alone."""

    def __init__(self, document: QTextDocument, palette: QPalette) -> None:
        super().__init__(document)
        self.set_palette(palette)

    def set_palette(self, palette: QPalette) -> None:
        self.placeholder = QTextCharFormat()
        self.placeholder.setForeground(palette.color(QPalette.ColorRole.Link))
        self.placeholder.setFontWeight(QFont.Weight.DemiBold)
        self.escape = QTextCharFormat()
        self.escape.setForeground(palette.color(QPalette.ColorRole.PlaceholderText))
        self.malformed = QTextCharFormat()
        self.malformed.setUnderlineStyle(QTextCharFormat.UnderlineStyle.WaveUnderline)
        self.malformed.setUnderlineColor(QColor(_ERROR))
        self.rehighlight()

    def highlightBlock(self, text: str) -> None:
        for token in parse(text):
            start, end = token.span
            if isinstance(token, Placeholder):
                self.setFormat(start, end - start, self.placeholder)
            elif isinstance(token, Escape):
                self.setFormat(start, end - start, self.escape)
            elif isinstance(token, Malformed):
                self.setFormat(start, end - start, self.malformed)


@dataclass(frozen=True)
class EditorContext:
    """What the editor checks and previews against; the manager rebuilds it when the store changes."""

    profile: Mapping[str, str]
    aliases: Mapping[str, str]
    guard: Guard
    categories: Sequence[str]
    shortcut_owner: Callable[[str, str | None], Phrase | None]
    image_bytes: Callable[[str], bytes] | None = None  # a stored picture's bytes, for its thumbnail


class PhraseEditor(QWidget):
    """Title, category, shortcut, tags and body, with a live preview and inline warnings."""

    edited = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.entry: Entry | None = None
        self.is_new = False
        self._loaded: dict[str, Any] = {}
        self._context = EditorContext({}, {}, Guard(()), (), lambda _s, _u: None)
        self._loading = False

        self.banner = QLabel()
        self.banner.setObjectName("banner")
        self.banner.setWordWrap(True)
        self.banner_buttons = QHBoxLayout()
        self.title = QLineEdit()
        self.category = QComboBox()
        self.category.setEditable(True)
        self.category.setInsertPolicy(QComboBox.InsertPolicy.NoInsert)
        self.shortcut = QLineEdit()
        self.tags = QLineEdit()
        self.send = SendChoice()
        self.images = ImageStrip()
        self.image_problem = QLabel()
        self.image_problem.setWordWrap(True)
        self.image_problem.setStyleSheet(f"color:{_ERROR}")
        self.image_problem.hide()
        self.body = QPlainTextEdit()
        self.body.setTabChangesFocus(True)
        self.highlighter = PlaceholderHighlighter(self.body.document(), self.palette())
        self.preview = QLabel()
        self.preview.setObjectName("preview")
        self.preview.setWordWrap(True)
        self.preview.setTextFormat(Qt.TextFormat.RichText)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.preview.setFrameShape(QFrame.Shape.StyledPanel)
        self.preview.setMargin(6)
        self.asks = QLabel()
        self.asks.setWordWrap(True)
        self.warnings = QLabel()
        self.warnings.setObjectName("warnings")
        self.warnings.setWordWrap(True)
        self.warnings.setTextFormat(Qt.TextFormat.RichText)
        self.buttons = QHBoxLayout()

        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self._labels = [QLabel() for _ in range(8)]
        fields = (self.title, self.category, self.shortcut, self.tags, self.body, self.preview, self.images, self.send)
        for label, field in zip(self._labels, fields, strict=True):
            self.form.addRow(label, field)
            label.setBuddy(field)
        self.form.addRow("", self.image_problem)

        layout = QVBoxLayout(self)
        layout.addWidget(self.banner)
        layout.addLayout(self.banner_buttons)
        layout.addLayout(self.form, 1)
        layout.addWidget(self.asks)
        layout.addWidget(self.warnings)
        layout.addLayout(self.buttons)

        self.title.textChanged.connect(self._changed)
        self.category.currentTextChanged.connect(self._changed)
        self.shortcut.textChanged.connect(self._changed)
        self.tags.textChanged.connect(self._changed)
        self.body.textChanged.connect(self._changed)
        self.images.changed.connect(self._changed)
        self.send.changed.connect(self._changed)
        self.images.refused.connect(self._refused)
        self.retranslate()
        self.load(None)

    def retranslate(self) -> None:
        for label, text in zip(
            self._labels,
            (self.tr("标题(&T)"), self.tr("分类(&G)"), self.tr("快捷码(&K)"), self.tr("标签"), self.tr("内容(&B)"),
             self.tr("预览"), self.tr("图片(&I)"), self.tr("发送")),
            strict=True,
        ):  # fmt: skip
            label.setText(text)
        self.title.setPlaceholderText(self.tr("一眼认得出的短标题"))
        self.shortcut.setPlaceholderText(self.tr("如 nh、tk1(可选)"))
        self.tags.setPlaceholderText(self.tr("用逗号分隔(可选)"))
        self.body.setPlaceholderText(self.tr("话术正文;[客户姓名] 这样的占位符在粘贴时填写"))
        line = self.category.lineEdit()
        if line is not None:
            line.setPlaceholderText(self.tr("选择或输入新分类"))
        self._update_banner()
        self._update_checks()

    # -- loading and reading ----------------------------------------------------------------------

    def set_context(self, context: EditorContext) -> None:
        self._context = context
        if context.image_bytes is not None:
            self.images.load_bytes = context.image_bytes
        self._loading = True
        text = self.category.currentText()
        self.category.clear()
        self.category.addItems(list(context.categories))
        self.category.setCurrentText(text)
        self._loading = False
        self._update_checks()

    def load(self, entry: Entry | None, *, new_category: str | None = None) -> None:
        """Show `entry` (None: nothing, unless `new_category` is given for a new phrase)."""
        self.entry = entry
        self.is_new = entry is None and new_category is not None
        p = entry.shown if entry is not None else None
        self._loading = True
        self.title.setText(p.title if p else "")
        self.category.setCurrentText(p.category if p else (new_category or ""))
        self.shortcut.setText(p.shortcut if p else "")
        self.tags.setText(editing.tags_text(p.tags) if p else "")
        self.body.setPlainText(p.body if p else "")
        self.send.set_mode(p.send if p else None)
        self.images.set_images(p.images if p else (), editable=False)
        self._loading = False
        self._loaded = self.values()
        writable = self.is_new or (entry is not None and entry.editable)
        for w in (self.title, self.shortcut, self.tags):
            w.setReadOnly(not writable)
        self.body.setReadOnly(not writable)
        self.category.setEnabled(writable)
        self.send.setEnabled(writable)
        self.images.set_editable(writable)
        self.image_problem.hide()
        self.setEnabled(entry is not None or self.is_new)
        self._update_banner()
        self._update_checks()

    def values(self) -> dict[str, Any]:
        return {
            "title": self.title.text().strip(),
            "category": self.category.currentText().strip(),
            "body": self.body.toPlainText().strip(),
            "shortcut": self.shortcut.text().strip(),
            "tags": editing.parse_tags(self.tags.text()),
            "images": tuple(self.images.refs),
            "send": self.send.mode(),
        }

    @property
    def dirty(self) -> bool:
        return (self.is_new or (self.entry is not None and self.entry.editable)) and self.values() != self._loaded

    def problems(self) -> list[Problem]:
        v = self.values()
        fields = {k: v[k] for k in ("title", "category", "body", "shortcut")}
        return editing.problems(**fields, tags=self.tags.text())

    def mark_saved(self) -> None:
        self._loaded = self.values()

    # -- what the agent sees as they type ---------------------------------------------------------

    def _changed(self) -> None:
        if self._loading:
            return
        self.image_problem.hide()
        self._update_checks()
        self.edited.emit()

    def _refused(self, message: str) -> None:
        self.image_problem.setText(message)
        self.image_problem.show()

    def _update_banner(self) -> None:
        e = self.entry
        if self.is_new:
            text = self.tr("新话术,保存到「我的话术」。")
        elif e is None:
            text = self.tr("选择一条话术查看或编辑,或按 Ctrl+N 新建。")
        elif e.customised:
            text = self.tr("这是你自定义的版本,话术板显示它而不是「{0}」的原版;恢复团队版本会删除你的修改。").format(
                e.library
            )
        elif e.read_only:
            text = self.tr("「{0}」的话术是只读的。按 Ctrl+E 自定义:话术板将改用你的版本,团队版本保留。").format(
                e.library
            )
        else:
            text = self.tr("你自己的话术,修改后按 Ctrl+S 保存。")
        self.banner.setText(text)

    def _update_checks(self) -> None:
        v = self.values()
        ctx = self._context
        rendered = render(v["body"], Context(profile=ctx.profile, aliases=ctx.aliases))
        self.preview.setText(rendered.html(missing=f'<span style="color:{_WARN}">{{}}</span>') or "&nbsp;")
        self.asks.setText(self.tr("粘贴时询问:{0}").format("、".join(rendered.missing)) if rendered.missing else "")
        self.asks.setVisible(bool(rendered.missing))
        lines: list[tuple[str, str]] = []
        if self.dirty or self.is_new:
            lines += [(_ERROR, self.problem_text(p)) for p in self.problems()]
        for f in ctx.guard.forbidden(v["title"]):
            lines.append((_WARN, self.finding_text(f, self.tr("标题"))))
        for f in ctx.guard.lint(v["body"], profile_keys=list(ctx.profile), aliases=ctx.aliases):
            lines.append((_WARN, self.finding_text(f, self.tr("内容"))))
        if v["shortcut"] and (self.is_new or (self.entry is not None and self.entry.editable)):
            exclude = self.entry.shown.uid if self.entry is not None else None
            owner = ctx.shortcut_owner(v["shortcut"], exclude)
            if owner is not None:
                used = self.tr("快捷码“{0}”已被「{1}」({2})使用")
                lines.append((_WARN, used.format(v["shortcut"], owner.title, owner.library)))
        lines = list(dict.fromkeys(lines))  # ten half-width commas: one line
        self.warnings.setText("<br>".join(f'<span style="color:{c}">{html.escape(t)}</span>' for c, t in lines))
        self.warnings.setVisible(bool(lines))

    def warning_lines(self) -> list[str]:
        """The warnings as plain text (what the label shows), for the manager's status and for tests."""
        doc = QTextDocument()
        doc.setHtml(self.warnings.text())
        return [line for line in doc.toPlainText().split("\n") if line]

    def problem_text(self, problem: Problem) -> str:
        field = problem.field
        if problem.kind is ProblemKind.EMPTY:
            return {
                "title": self.tr("请填写标题"),
                "category": self.tr("请选择或输入分类"),
            }.get(field, self.tr("请填写内容"))
        if problem.kind is ProblemKind.SHORTCUT_CHARS:
            return self.tr("快捷码只能用字母、数字、_ . -(不能有空格)")
        names = {
            "title": self.tr("标题"),
            "category": self.tr("分类"),
            "body": self.tr("内容"),
            "shortcut": self.tr("快捷码"),
            "tags": self.tr("标签"),
        }
        return self.tr("{0}不能超过 {1} 个字符").format(names[field], problem.limit)

    def finding_text(self, f: Finding, where: str) -> str:
        if f.kind is Kind.FORBIDDEN:
            text = self.tr("{0}含服务禁语“{1}”").format(where, f.word)
            return text + (self.tr(",建议改为“{0}”").format(f.suggestion) if f.suggestion else "")
        if f.kind is Kind.MALFORMED:
            return self.tr("“{0}”不是占位符;要写方括号本身请用 [[ 和 ]]").format(f.word)
        if f.kind is Kind.PUNCTUATION:
            return self.tr("{0}里的中文用了半角“{1}”，应为全角“{2}”").format(where, f.word, f.suggestion)
        if f.suggestion:
            return self.tr("占位符 [{0}] 可能写错了,是不是 [{1}]?").format(f.word, f.suggestion)
        return self.tr("占位符 [{0}] 只有数字;要写方括号本身请用 [[{0}]]").format(f.word)

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        elif event.type() == QEvent.Type.PaletteChange:
            self.highlighter.set_palette(self.palette())
        super().changeEvent(event)
