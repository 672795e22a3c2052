"""Pasting into the window the agent came from, and sending it in a chat, without blocking the GUI thread.

Sequence (each step on a timer, never a sleep, so the clipboard owner keeps answering):
put the first part on the clipboard → give focus back to the target → wait for the focus to land (up to
5 s) and the hotkey's modifiers to be released (up to 300 ms) → release any still held → send the paste
key. A
part that is to be sent, or that another part follows, is then confirmed: the target read the
clipboard and asked nothing more for a short quiet time (X11's SelectionRequest), or a short timer
passed (elsewhere), and the focus never left the target meanwhile. Only then the send key, the gap,
a focus check and the next part. The agent's clipboard returns after the last part has been read.
A sequence that cannot go on stops there: no key ever goes to another window, and the parts not
pasted yet are left on the clipboard to paste by hand.

The first focus wait is long because the window manager moves it, and a window manager can be busy:
openbox reloads its keymap and regrabs its bindings on every MappingNotify, about 35 ms each, and a
program that types characters missing from the keymap as keys (xdotool type does) sends two per
character; after 13 Chinese characters the focus came back 0.9–1.3 s after Enter, and a 300 ms wait
left the agent with copy-only 3 times in 3 (with both cores busy it took up to 3 s). A later part does
not wait: the focus never left the target, or the sequence stops.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum, StrEnum

from PySide6.QtCore import QObject, QTimer, Signal

from palette.core import events
from palette.core.sending import PART_JOIN
from palette.platform.base import Desktop, WindowRef
from palette.platform.clipboard import ClipboardKeeper

SETTLE_TIMEOUT_MS = 300  # for the hotkey's modifiers to be released
FOCUS_TIMEOUT_MS = 5000  # for the window manager to give the target its focus back (the first part)
POLL_MS = 5
CONFIRM_QUIET_MS = 60  # no read for this long after the last one: the target has what it asked for
CONFIRM_TIMEOUT_MS = 2000  # no read at all by then: the paste did not arrive, nothing is sent
BLIND_CONFIRM_MS = 150  # where reads cannot be seen, the time after the paste key a paste is taken as done
DEFAULT_GAP_MS = 300


class PasteOutcome(StrEnum):
    """How a paste ended: sent into the target, or left on the clipboard to paste by hand, and why (the
    values are the `reason` of the `paste.copied` event)."""

    PASTED = "pasted"
    ASKED = "asked"  # Ctrl+Enter: copy only
    NO_TARGET = "no_target"  # no window to go back to, or no desktop backend
    REFUSED = "refused"  # the desktop will not inject keys into that window (an elevated one)
    FOCUS_LOST = "focus_lost"  # the target never took the focus back: no key sent to another window
    STOPPED = "stopped"  # after a part: focus left or the target never read it; the rest is on the clipboard

    @property
    def copied(self) -> bool:
        return self is not PasteOutcome.PASTED


@dataclass(frozen=True, slots=True)
class Part:
    """One paste of a sequence: a text, or a picture as PNG bytes; `send`: press the send key after it."""

    text: str = ""
    png: bytes = b""
    send: bool = False

    def __repr__(self) -> str:  # never the text: it may carry customer data
        return f"Part({'picture' if self.png else 'text'}, send={self.send})"


class _Phase(Enum):
    IDLE = 0
    SETTLE = 1  # focus back, modifiers up: then the paste key
    CONFIRM = 2  # the paste key went: wait for the target to read the clipboard
    GAP = 3  # between two parts


class Paster(QObject):
    """One paste sequence at a time; `finished(PasteOutcome)` says how it ended, `sent` how many sends."""

    finished = Signal(object)  # PasteOutcome

    def __init__(self, desktop: Desktop | None, clipboard: ClipboardKeeper, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._desktop = desktop
        self.clipboard = clipboard
        self._poll = QTimer(self, interval=POLL_MS)
        self._poll.timeout.connect(self._tick)
        clipboard.read.connect(self._read)
        self._target: WindowRef | None = None
        self._combo = "ctrl+v"
        self._send_key = ""
        self._gap_s = DEFAULT_GAP_MS / 1000.0
        self._restore_ms: int | None = None
        self._parts: list[Part] = []
        self._index = 0
        self._phase = _Phase.IDLE
        self._started = 0.0
        self._deadline = 0.0
        self._focus_deadline = 0.0
        self._pasted_at = 0.0
        self._last_read = 0.0
        self.sent = 0  # send keys pressed in the last sequence
        self.last_send_ms = 0.0  # from the start of the sequence to its last send key

    def paste(self, text: str, target: WindowRef | None, combo: str, *, restore_ms: int | None) -> None:
        """Paste `text` into `target` with `combo`; `restore_ms` is the quiet time before the agent's
        clipboard returns (None: leave ours there)."""
        self.run([Part(text)], target, combo, restore_ms=restore_ms)

    def run(
        self,
        parts: Sequence[Part],
        target: WindowRef | None,
        combo: str,
        *,
        send_key: str = "",
        gap_ms: int = DEFAULT_GAP_MS,
        restore_ms: int | None,
    ) -> None:
        """Paste `parts` in order into `target` with `combo`, pressing `send_key` after those that ask
        for it and waiting `gap_ms` after each send."""
        self._poll.stop()
        self._started = time.perf_counter()
        self._parts, self._index, self.sent, self.last_send_ms = list(parts), 0, 0, 0.0
        self._send_key, self._gap_s = send_key, gap_ms / 1000.0
        self._put(self._parts[0], selection_too=combo == "shift+insert")
        desktop = self._desktop
        if desktop is None or target is None or not desktop.can_paste_into(target):
            self._stop(PasteOutcome.NO_TARGET if target is None or desktop is None else PasteOutcome.REFUSED)
            return
        self._target, self._combo, self._restore_ms = target, combo, restore_ms
        desktop.activate(target)
        self._settle()
        self._poll.start()

    def copy_only(self, text: str, reason: PasteOutcome = PasteOutcome.ASKED) -> None:
        """Leave `text` on the clipboard for the agent to paste by hand."""
        self._poll.stop()
        self._phase = _Phase.IDLE
        self.clipboard.put(text)
        self.clipboard.keep()
        events.emit("paste.copied", reason=reason.value)
        self.finished.emit(reason)

    def _put(self, part: Part, *, selection_too: bool = False) -> None:
        if part.png:
            self.clipboard.put_image(part.png)
        else:
            self.clipboard.put(part.text, selection_too=selection_too)

    def _settle(self) -> None:
        self._phase = _Phase.SETTLE
        now = time.perf_counter()
        self._deadline = now + SETTLE_TIMEOUT_MS / 1000.0
        self._focus_deadline = now + (FOCUS_TIMEOUT_MS / 1000.0 if self._index == 0 else 0.0)

    def _read(self) -> None:
        if self._phase is _Phase.CONFIRM:
            self._last_read = time.perf_counter()

    def _tick(self) -> None:
        if self._phase is _Phase.SETTLE:
            self._settle_tick()
        elif self._phase is _Phase.CONFIRM:
            self._confirm_tick()
        elif self._phase is _Phase.GAP and time.perf_counter() >= self._deadline:
            self._next_part()

    def _settle_tick(self) -> None:
        desktop, target = self._desktop, self._target
        assert desktop is not None and target is not None
        now = time.perf_counter()
        if not desktop.is_active(target):
            if now < self._focus_deadline:
                return
            # never send Ctrl+V to whatever window happens to have focus instead
            self._stop(PasteOutcome.FOCUS_LOST if self._index == 0 else PasteOutcome.STOPPED, why="focus")
            return
        if desktop.modifiers_held() and now < self._deadline:
            return
        desktop.release_modifiers()
        desktop.send_combo(self._combo)
        if self._index == 0:
            events.emit("paste.done", ms=events.ms_since(self._started), key=self._combo)
        part = self._parts[self._index]
        if not part.send and self._index == len(self._parts) - 1:
            self._done(read_seen=False)  # a plain paste: the restore waits for the reads itself
            return
        self._phase, self._pasted_at, self._last_read = _Phase.CONFIRM, time.perf_counter(), 0.0

    def _confirm_tick(self) -> None:
        desktop, target = self._desktop, self._target
        assert desktop is not None and target is not None
        now = time.perf_counter()
        if not desktop.is_active(target):  # focus left before the send: the send key would go elsewhere
            self._stop(PasteOutcome.STOPPED, why="focus", pasted=True)
            return
        if self.clipboard.watches_reads:
            confirmed = self._last_read > 0 and now - self._last_read >= CONFIRM_QUIET_MS / 1000.0
        else:
            confirmed = now - self._pasted_at >= BLIND_CONFIRM_MS / 1000.0
        if not confirmed:
            if now - self._pasted_at >= CONFIRM_TIMEOUT_MS / 1000.0:
                self._stop(PasteOutcome.STOPPED, why="unread")
            return
        part = self._parts[self._index]
        if part.send:
            desktop.release_modifiers()  # a key the agent holds now must not turn Enter into another combo
            desktop.send_combo(self._send_key)
            self.sent += 1
            self.last_send_ms = events.ms_since(self._started)
        if self._index == len(self._parts) - 1:
            self._done(read_seen=True)
            return
        self._phase = _Phase.GAP
        self._deadline = now + (self._gap_s if part.send else 0.0)

    def _next_part(self) -> None:
        """After the gap: the focus must still be on the target, then the next part goes on the clipboard."""
        self._index += 1
        self._put(self._parts[self._index], selection_too=self._combo == "shift+insert")
        self._settle()

    def _done(self, *, read_seen: bool) -> None:
        self._poll.stop()
        self._phase = _Phase.IDLE
        if self._restore_ms is None:
            self.clipboard.keep()
        else:
            self.clipboard.restore_later(self._restore_ms, read_seen=read_seen)
        self.finished.emit(PasteOutcome.PASTED)

    def _stop(self, outcome: PasteOutcome, *, why: str = "", pasted: bool = False) -> None:
        """The sequence ends early: what was not pasted yet (the current part too unless `pasted`) is
        left on the clipboard, or the agent's clipboard returns when nothing is left."""
        self._poll.stop()
        self._phase = _Phase.IDLE
        rest = self._parts[self._index + 1 if pasted else self._index :]
        text = PART_JOIN.join(p.text for p in rest if p.text)
        if outcome is PasteOutcome.STOPPED:
            events.emit("paste.stopped", why=why, part=self._index + 1, sent=self.sent)
        if text:
            self.copy_only(text, outcome)
            return
        if rest:  # pictures only: the first one, to paste by hand
            self._put(rest[0])
            self.clipboard.keep()
            events.emit("paste.copied", reason=outcome.value)
        elif self._restore_ms is None:
            self.clipboard.keep()
        else:
            self.clipboard.restore_later(self._restore_ms)
        self.finished.emit(outcome)
