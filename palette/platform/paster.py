"""Pasting into the window the agent came from, without blocking the GUI thread.

Sequence (each step on a timer, never a sleep, so the clipboard owner keeps answering):
put the text on the clipboard → give focus back to the target → wait for the focus to land (up to
5 s) and the hotkey's modifiers to be released (up to 300 ms) → release any still held → send the paste
key → restore the agent's clipboard after the target has read ours.

The focus wait is long because the window manager moves it, and a window manager can be busy: openbox
reloads its keymap and regrabs its bindings on every MappingNotify, about 35 ms each, and a program that
types characters missing from the keymap as keys (xdotool type does) sends two
per character; after 13 Chinese characters the focus came back 0.9–1.3 s after Enter, and a 300 ms wait
left the agent with copy-only 3 times in 3 (with both cores busy it took up to 3 s).
"""

from __future__ import annotations

import time
from enum import StrEnum

from PySide6.QtCore import QObject, QTimer, Signal

from palette.core import events
from palette.platform.base import Desktop, WindowRef
from palette.platform.clipboard import ClipboardKeeper

SETTLE_TIMEOUT_MS = 300  # for the hotkey's modifiers to be released
FOCUS_TIMEOUT_MS = 5000  # for the window manager to give the target its focus back
POLL_MS = 5


class PasteOutcome(StrEnum):
    """How a paste ended: sent into the target, or left on the clipboard to paste by hand, and why (the
    values are the `reason` of the `paste.copied` event)."""

    PASTED = "pasted"
    ASKED = "asked"  # Ctrl+Enter: copy only
    NO_TARGET = "no_target"  # no window to go back to, or no desktop backend
    REFUSED = "refused"  # the desktop will not inject keys into that window (an elevated one)
    FOCUS_LOST = "focus_lost"  # the target never took the focus back: no key sent to another window

    @property
    def copied(self) -> bool:
        return self is not PasteOutcome.PASTED


class Paster(QObject):
    """One paste at a time; `finished(PasteOutcome)` says how it ended."""

    finished = Signal(object)  # PasteOutcome

    def __init__(self, desktop: Desktop | None, clipboard: ClipboardKeeper, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desktop = desktop
        self.clipboard = clipboard
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._step)
        self._target: WindowRef | None = None
        self._combo = "ctrl+v"
        self._restore_ms: int | None = None
        self._started = 0.0
        self._settle_deadline = 0.0
        self._focus_deadline = 0.0

    def paste(self, text: str, target: WindowRef | None, combo: str, *, restore_ms: int | None) -> None:
        """Paste `text` into `target` with `combo`; `restore_ms` is the quiet time before the agent's
        clipboard returns (None: leave ours there)."""
        self._started = time.perf_counter()
        self.clipboard.put(text, selection_too=combo == "shift+insert")
        desktop = self._desktop
        if desktop is None or target is None or not desktop.can_paste_into(target):
            self.copy_only(text, PasteOutcome.NO_TARGET if target is None or desktop is None else PasteOutcome.REFUSED)
            return
        self._target, self._combo, self._restore_ms = target, combo, restore_ms
        desktop.activate(target)
        now = time.perf_counter()
        self._settle_deadline = now + SETTLE_TIMEOUT_MS / 1000.0
        self._focus_deadline = now + FOCUS_TIMEOUT_MS / 1000.0
        self._poll.start()

    def copy_only(self, text: str, reason: PasteOutcome = PasteOutcome.ASKED) -> None:
        """Leave `text` on the clipboard for the agent to paste by hand."""
        self._poll.stop()
        self.clipboard.put(text)
        self.clipboard.keep()
        events.emit("paste.copied", reason=reason.value)
        self.finished.emit(reason)

    def _step(self) -> None:
        desktop, target = self._desktop, self._target
        assert desktop is not None and target is not None
        now = time.perf_counter()
        if not desktop.is_active(target):
            if now < self._focus_deadline:
                return
            self._poll.stop()  # never send Ctrl+V to whatever window happens to have focus instead
            self.copy_only(self.clipboard.pending_text, PasteOutcome.FOCUS_LOST)
            return
        if desktop.modifiers_held() and now < self._settle_deadline:
            return
        self._poll.stop()
        desktop.release_modifiers()
        desktop.send_combo(self._combo)
        if self._restore_ms is None:
            self.clipboard.keep()
        else:
            self.clipboard.restore_later(self._restore_ms)
        events.emit("paste.done", ms=events.ms_since(self._started), key=self._combo)
        self.finished.emit(PasteOutcome.PASTED)
