"""The fill-in form: one field per value a phrase still misses, a live preview, Enter to paste, Esc back.

Esc goes back to the result list (the palette's own Esc closes it): the form's one hint line says so,
and the palette hides its hint while the form is shown. The form is as tall as its fields, not more.

A plain QWidget so the palette window can embed it in place of its result list. It knows no store
and no conversation: `load()` gets the body, the missing names and the render `Context`; `accepted`
hands back what was typed (and which profile fields to save), and the palette decides what to keep.
Typed values are customer data: they are cleared from the fields once handed back or cancelled.
A value found in the customer's message comes in already typed (`prefill`), marked 取自客户消息 so the
agent checks it rather than trusts it.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

from PySide6.QtCore import QEvent, QObject, Qt, Signal
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QCheckBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QVBoxLayout,
    QWidget,
)

from palette.core.guard import Guard
from palette.core.placeholders import Context, Rendered, render

_ENTER = (Qt.Key.Key_Return, Qt.Key.Key_Enter)
WARNING_STYLE = (
    "QLabel#warning { color: #922b21; background: #fdedec; border: 1px solid #f1948a;"
    " border-radius: 4px; padding: 4px 6px; font-weight: 600; }"
)


class FillForm(QWidget):
    accepted = Signal(dict, list)  # {name: value} for every field, [profile names the agent chose to save]
    cancelled = Signal()

    def __init__(self, parent: QWidget | None = None, *, guard: Guard | None = None) -> None:
        super().__init__(parent)
        self.guard = guard  # the 禁语 check behind the inline warning; the owner may replace it
        self._body = ""
        self._context = Context()
        self._edits: dict[str, QLineEdit] = {}
        self._save: dict[str, QCheckBox] = {}

        self._title = QLabel(self.tr("请补全以下内容:"))
        self._fields = QWidget()
        self._form = QFormLayout(self._fields)
        self._form.setContentsMargins(0, 0, 0, 0)
        self._preview = QLabel()
        self._preview.setObjectName("preview")
        self._preview.setWordWrap(True)
        self._preview.setTextFormat(Qt.TextFormat.RichText)
        self._warning = QLabel()
        self._warning.setObjectName("warning")
        self._warning.setWordWrap(True)
        self._warning.setStyleSheet(WARNING_STYLE)
        self._warning.hide()
        hint = QLabel(self.tr("Tab 下一项 · Enter 粘贴 · Esc 返回列表"))
        hint.setObjectName("formHint")
        hint.setStyleSheet("QLabel#formHint { color: palette(placeholder-text); }")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 6, 0, 0)
        layout.addWidget(self._title)
        layout.addWidget(self._fields)
        layout.addWidget(self._preview)
        layout.addWidget(self._warning)
        layout.addWidget(hint)
        layout.addStretch(1)  # in a taller page the form stays at the top, not spread out

    # -- what the palette window calls ------------------------------------------------------------

    def load(
        self,
        body: str,
        missing: Sequence[str],
        context: Context,
        *,
        profile_fields: Collection[str] = (),
        prefill: Mapping[str, str] | None = None,
    ) -> None:
        """Ask for `missing` (canonical names, as `Rendered.missing` gives them) in `body`.

        `profile_fields`: those of `missing` that belong in the profile; each gets a "save" checkbox,
        ticked, so the agent's own 工号 is asked once, not once per conversation. `prefill`: values taken
        from the customer's message, typed in and marked as such.
        """
        self.clear()
        self._body, self._context = body, context
        prefill = prefill or {}
        for name in missing:
            edit = QLineEdit()
            edit.setObjectName(f"field:{name}")
            edit.setPlaceholderText(name)
            taken = prefill.get(name, "")
            if taken:
                edit.setText(taken)
                edit.setToolTip(self.tr("取自客户消息,请核对"))
            edit.textChanged.connect(self._refresh)
            edit.installEventFilter(self)
            self._edits[name] = edit
            row: QWidget = edit
            extra: QWidget | None = None
            if name in profile_fields:
                save = QCheckBox(self.tr("保存到个人资料"))
                save.setObjectName(f"save:{name}")
                save.setChecked(True)
                save.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # Tab goes field to field
                self._save[name] = save
                extra = save
            elif taken:
                extra = QLabel(self.tr("取自客户消息"))
                extra.setObjectName(f"taken:{name}")
                extra.setStyleSheet("color: palette(placeholder-text);")
            if extra is not None:
                row = QWidget()
                box = QHBoxLayout(row)
                box.setContentsMargins(0, 0, 0, 0)
                box.addWidget(edit, 1)
                box.addWidget(extra)
            self._form.addRow(name, row)
        self._refresh()
        self.focus_first_blank()

    def field(self, name: str) -> QLineEdit:
        return self._edits[name]

    def names(self) -> list[str]:
        return list(self._edits)

    def values(self) -> dict[str, str]:
        """What is typed so far, trimmed; blank fields left out."""
        return {name: e.text().strip() for name, e in self._edits.items() if e.text().strip()}

    def rendered(self) -> Rendered:
        """The finished text as the preview shows it."""
        return render(self._body, self._context, typed=self.values())

    def focus_first_blank(self) -> None:
        blank = next((e for e in self._edits.values() if not e.text().strip()), None)
        target = blank or next(iter(self._edits.values()), None)
        if target is not None:
            target.setFocus(Qt.FocusReason.OtherFocusReason)

    def submit(self) -> bool:
        """Enter: emit `accepted` when every field has a value, else move to the first blank one."""
        values = self.values()
        if len(values) < len(self._edits):
            self.focus_first_blank()
            return False
        save = [name for name, box in self._save.items() if box.isChecked()]
        self.clear()
        self.accepted.emit(values, save)
        return True

    def cancel(self) -> None:
        self.clear()
        self.cancelled.emit()

    def clear(self) -> None:
        """Drop the fields and whatever was typed in them."""
        while self._form.rowCount():
            self._form.removeRow(0)
        self._edits.clear()
        self._save.clear()
        self._body = ""
        self._context = Context()
        self._preview.clear()
        self._warning.clear()
        self._warning.hide()

    # -- internals --------------------------------------------------------------------------------

    def _refresh(self) -> None:
        if not self._edits:
            return
        rendered = self.rendered()
        self._preview.setText(rendered.html(value="<b>{}</b>"))
        findings = self.guard.forbidden(rendered.text) if self.guard else []
        lines = [
            self.tr("“%1”是服务禁语,建议:%2").replace("%1", f.word).replace("%2", f.suggestion)
            if f.suggestion
            else self.tr("“%1”是服务禁语").replace("%1", f.word)
            for f in findings
        ]
        self._warning.setText("\n".join("⚠ " + line for line in lines))
        self._warning.setVisible(bool(lines))

    def focusNextPrevChild(self, forward: bool) -> bool:
        """Tab and Shift+Tab cycle through the fields instead of leaving the form."""
        edits = list(self._edits.values())
        current = next((i for i, e in enumerate(edits) if e.hasFocus()), None)
        if current is None:
            return super().focusNextPrevChild(forward)
        edits[(current + (1 if forward else -1)) % len(edits)].setFocus(Qt.FocusReason.TabFocusReason)
        return True

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched in self._edits.values() and isinstance(event, QKeyEvent):
            key = event.key()
            if key == Qt.Key.Key_Escape or key in _ENTER:
                if event.type() == QEvent.Type.ShortcutOverride:
                    event.accept()  # ours, not a window shortcut's
                    return True
                if event.type() == QEvent.Type.KeyPress:
                    if key == Qt.Key.Key_Escape:
                        self.cancel()
                    else:
                        self.submit()
                    return True
        return super().eventFilter(watched, event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Escape:
            self.cancel()
        elif event.key() in _ENTER:
            self.submit()
        else:
            super().keyPressEvent(event)
