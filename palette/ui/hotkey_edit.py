"""A field that records a key combination as the agent presses it, and the switch to a new global hotkey.

`HotkeyEdit` turns the key press into the settings' spelling (`ctrl+alt+space`, as
`config.parse_key_combo` writes it) and emits `captured`; it never saves anything itself.
`HotkeySwitch` grabs a new combination with the OS before the old one is let go, so a combination
another program owns is reported (HotkeyError) while the old hotkey keeps working.
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable

from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QFocusEvent, QKeyEvent
from PySide6.QtWidgets import QLineEdit, QWidget

from palette.platform.base import HotkeyBackend, HotkeyError

Key = Qt.Key
_NAMED: dict[Key, str] = {
    Key.Key_Space: "space", Key.Key_Tab: "tab", Key.Key_Return: "enter", Key.Key_Enter: "enter",
    Key.Key_Insert: "insert", Key.Key_Backspace: "backspace", Key.Key_Escape: "escape", Key.Key_Home: "home",
    Key.Key_End: "end", Key.Key_PageUp: "pageup", Key.Key_PageDown: "pagedown", Key.Key_Up: "up",
    Key.Key_Down: "down", Key.Key_Left: "left", Key.Key_Right: "right", Key.Key_QuoteLeft: "grave",
    Key.Key_Minus: "minus", Key.Key_Equal: "equal", Key.Key_Semicolon: "semicolon", Key.Key_Comma: "comma",
    Key.Key_Period: "period", Key.Key_Slash: "slash", Key.Key_Backslash: "backslash",
    Key.Key_Apostrophe: "apostrophe", Key.Key_BracketLeft: "bracketleft", Key.Key_BracketRight: "bracketright",
}  # fmt: skip
# With Shift held, Qt reports the shifted symbol (US layout); the hotkey is the unshifted key.
_SHIFTED: dict[Key, str] = {
    Key.Key_Exclam: "1", Key.Key_At: "2", Key.Key_NumberSign: "3", Key.Key_Dollar: "4", Key.Key_Percent: "5",
    Key.Key_AsciiCircum: "6", Key.Key_Ampersand: "7", Key.Key_Asterisk: "8", Key.Key_ParenLeft: "9",
    Key.Key_ParenRight: "0", Key.Key_Underscore: "minus", Key.Key_Plus: "equal", Key.Key_Colon: "semicolon",
    Key.Key_Less: "comma", Key.Key_Greater: "period", Key.Key_Question: "slash", Key.Key_Bar: "backslash",
    Key.Key_QuoteDbl: "apostrophe", Key.Key_BraceLeft: "bracketleft", Key.Key_BraceRight: "bracketright",
    Key.Key_AsciiTilde: "grave",
}  # fmt: skip
_MODIFIER_KEYS: dict[Key, Qt.KeyboardModifier] = {
    Key.Key_Control: Qt.KeyboardModifier.ControlModifier, Key.Key_Alt: Qt.KeyboardModifier.AltModifier,
    Key.Key_Shift: Qt.KeyboardModifier.ShiftModifier, Key.Key_Meta: Qt.KeyboardModifier.MetaModifier,
    Key.Key_Super_L: Qt.KeyboardModifier.MetaModifier, Key.Key_Super_R: Qt.KeyboardModifier.MetaModifier,
    Key.Key_AltGr: Qt.KeyboardModifier.NoModifier, Key.Key_CapsLock: Qt.KeyboardModifier.NoModifier,
    Key.Key_NumLock: Qt.KeyboardModifier.NoModifier,
}  # fmt: skip
_MODIFIERS = (
    (Qt.KeyboardModifier.ControlModifier, "ctrl"),
    (Qt.KeyboardModifier.AltModifier, "alt"),
    (Qt.KeyboardModifier.ShiftModifier, "shift"),
    (Qt.KeyboardModifier.MetaModifier, "super"),  # the Windows / Super key on Linux and Windows
)


def key_name(key: Key) -> str | None:
    """The settings' name of one non-modifier key, or None for a key a hotkey cannot use."""
    if Key.Key_A <= key <= Key.Key_Z or Key.Key_0 <= key <= Key.Key_9:
        return chr(key.value).lower()
    if Key.Key_F1 <= key <= Key.Key_F24:
        return f"f{key.value - Key.Key_F1.value + 1}"
    return _NAMED.get(key) or _SHIFTED.get(key)


def combo_for(key: Key, modifiers: Qt.KeyboardModifier) -> str | None:
    """`ctrl+alt+space` for Ctrl+Alt+Space: modifiers in the settings' order, then the key."""
    name = key_name(key)
    if name is None:
        return None
    mods = [text for flag, text in _MODIFIERS if modifiers & flag]
    return "+".join([*mods, name])


def display(combo: str) -> str:
    """`ctrl+alt+space` → `Ctrl+Alt+Space`, as the agent reads it."""
    return "+".join(part if len(part) == 1 and not part.isalpha() else part.capitalize() for part in combo.split("+"))


class HotkeyEdit(QLineEdit):
    """Click, then press the combination. Esc gives up, Backspace or Delete alone restores the old one."""

    captured = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setReadOnly(True)
        self.combo = ""
        self.retranslate()

    def retranslate(self) -> None:
        self.setPlaceholderText(self.tr("点击后按下组合键"))
        self.setToolTip(self.tr("点击这里,然后按下想用的组合键(如 Ctrl+Alt+Space);Esc 放弃"))

    def set_combo(self, combo: str) -> None:
        self.combo = combo
        self.setText(display(combo) if combo else "")

    def focusInEvent(self, event: QFocusEvent) -> None:
        super().focusInEvent(event)
        self.setText("")
        self.setPlaceholderText(self.tr("请按下组合键…"))

    def focusOutEvent(self, event: QFocusEvent) -> None:
        super().focusOutEvent(event)
        self.retranslate()
        self.set_combo(self.combo)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key = Key(event.key())
        mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
        if key in _MODIFIER_KEYS:  # show what is held so far (the key's own flag may not be set yet)
            held = combo_for(Key.Key_A, mods | _MODIFIER_KEYS[key])
            self.setText(display(held.rsplit("+", 1)[0]) + "+…" if held and "+" in held else "")
            return
        plain = mods == Qt.KeyboardModifier.NoModifier
        if plain and key in (Key.Key_Tab, Key.Key_Backtab):
            super().keyPressEvent(event)  # still move between fields
            return
        if plain and key in (Key.Key_Escape, Key.Key_Backspace, Key.Key_Delete):
            self.set_combo(self.combo)
            self.clearFocus()
            return
        combo = combo_for(key, mods)
        if combo is None:
            self.setText(self.tr("这个键不能用作快捷键"))
            return
        self.setText(display(combo))
        self.captured.emit(combo)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        event.accept()


class HotkeySwitch:
    """Moves the running app's global hotkey to a new combination, checked with the OS first."""

    def __init__(
        self,
        backend: HotkeyBackend,
        on_activate: Callable[[], None],
        on_armed: Callable[[HotkeyBackend], None] = lambda _b: None,
    ) -> None:
        self.backend = backend
        self.on_activate = on_activate
        self.on_armed = on_armed

    def switch(self, new: str, old: str) -> None:
        """Arm `new`; HotkeyError when the OS refuses it (taken by another program), `old` re-armed."""
        try:
            self.backend.start(new, self.on_activate)
        except HotkeyError:
            with contextlib.suppress(HotkeyError):  # it may never have been armed (taken at start-up)
                self.backend.start(old, self.on_activate)
                self.on_armed(self.backend)
            raise
        self.on_armed(self.backend)
