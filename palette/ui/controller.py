"""The main flow, hotkey to paste: remember the target, show the palette, fill, check, paste, record.

This is the one object that knows the order of things; the palette window, the paster and the
engines stay ignorant of each other. Everything here runs on the GUI thread: the hotkey thread only
reaches it through the queued signals of `HotkeyBridge`.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from palette.core import events
from palette.core.config import Settings, paste_key_for
from palette.core.store import Store
from palette.platform.base import Desktop, HotkeyBackend, WindowRef
from palette.platform.paster import Paster
from palette.ui.palette_window import PaletteWindow, Row


class HotkeyBridge(QObject):
    """The signal the hotkey thread emits; connected queued, so the slot runs on the GUI thread."""

    activated = Signal()

    def fire(self) -> None:
        self.activated.emit()


class PaletteController(QObject):
    """Runs one palette session at a time and records what was used."""

    notify = Signal(str, str)  # title, message: for the tray

    def __init__(
        self,
        store: Store,
        settings: Settings,
        window: PaletteWindow,
        paster: Paster,
        desktop: Desktop | None,
        finish: Callable[[Row], str],
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self.store = store
        self.settings = settings
        self.window = window
        self.paster = paster
        self.desktop = desktop
        self._finish = finish
        self.target: WindowRef | None = None
        self._opened_at = 0.0
        self.bridge = HotkeyBridge(self)
        self.bridge.activated.connect(self.open, Qt.ConnectionType.QueuedConnection)
        window.chosen.connect(self._chosen)
        window.ready.connect(self._ready)
        window.hidden.connect(self._hidden)
        paster.finished.connect(self._pasted)
        self._hotkey: HotkeyBackend | None = None
        self._pasting = False

    def attach_hotkey(self, hotkey: HotkeyBackend) -> None:
        self._hotkey = hotkey

    def open(self) -> None:
        """Hotkey, tray or `palette show`: remember where the agent was, then show the palette."""
        if self.window.isVisible():
            self.window.raise_()
            self.window.activateWindow()
            return
        self._opened_at = time.perf_counter()
        self.target = self.desktop.active_window() if self.desktop is not None else None
        self.window.present()
        QTimer.singleShot(0, self.paster.clipboard.snapshot)

    def _ready(self) -> None:
        if self._opened_at:
            events.emit("palette.shown", ms=events.ms_since(self._opened_at))
            self._opened_at = 0.0
        if self._hotkey is not None:
            early = self._hotkey.palette_ready()
            if early:  # replayed before control returns to the event loop, so order is kept
                self.window.replay_keys([(k.qt_key, k.text) for k in early])

    def _hidden(self) -> None:
        if not self._pasting:
            self.paster.clipboard.forget_snapshot()

    def _chosen(self, row: Row, mode: str) -> None:
        confirmed = mode.endswith("!")
        mode = mode.rstrip("!")
        text = self._finish(row)
        del confirmed  # the 禁语 check lands with the guard
        self._pasting = True
        self.window.dismiss()
        if mode == "copy":
            self.paster.copy_only(text)
        else:
            wm_class = self.target.wm_class if self.target else ""
            combo = paste_key_for(wm_class, self.settings.get("paste_rules"), self.settings.get("paste_key"))
            restore = self.settings.get("restore_delay_ms") if self.settings.get("restore_clipboard") else None
            self.paster.paste(text, self.target, combo, restore_ms=restore)
        self.store.record_use(row.uid)

    def _pasted(self, outcome: str, reason: str) -> None:
        self._pasting = False
        if outcome == "copied" and reason != "asked":
            self.notify.emit(self.tr("已复制"), self.tr("已复制,请按 Ctrl+V 粘贴"))
