"""Composition root of the tray app: builds the store, engines, platform backends and windows, and wires them.

Nothing here runs an event loop in a constructor: `build()` returns the wired objects so tests can drive
them, and `main()` adds the single-instance handshake and `exec()`.
"""

from __future__ import annotations

import logging
import sys
import time
from dataclasses import dataclass

_STARTED = time.perf_counter()


@dataclass
class PaletteApp:
    """Everything the running app holds on to."""

    store: object
    window: object
    controller: object
    tray: object
    backends: object


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    events_log = logging.getLogger("palette.events")
    events_log.addHandler(handler)
    events_log.setLevel(logging.INFO)
    events_log.propagate = False


def build(app: object, store: object) -> PaletteApp:
    """Wire the app around an open store. `app` is the running QApplication."""
    from PySide6.QtGui import QGuiApplication
    from PySide6.QtWidgets import QApplication

    from palette.core import events, paths
    from palette.core.config import Settings
    from palette.core.store import Store
    from palette.platform import load as load_backends
    from palette.platform.base import HotkeyError
    from palette.platform.clipboard import ClipboardKeeper
    from palette.platform.paster import Paster
    from palette.ui.controller import PaletteController
    from palette.ui.palette_window import PaletteWindow
    from palette.ui.tray import Tray, app_icon

    assert isinstance(app, QApplication) and isinstance(store, Store)
    settings = Settings(store)

    icon = app_icon(str(paths.resource("icons", "palette.svg")))
    app.setWindowIcon(icon)
    window = PaletteWindow()
    window.winId()  # create the native window now, so the first show is as fast as the others
    backends = load_backends(QGuiApplication.platformName())
    paster = Paster(backends.desktop, ClipboardKeeper(app))
    controller = PaletteController(store, window, paster, backends.desktop, _SubstringSearch(store).query)
    tray = Tray(icon, autostart=bool(settings.get("autostart")))
    tray.open_palette.connect(controller.open)
    tray.new_conversation.connect(controller.new_conversation)
    tray.quit.connect(app.quit)
    controller.notify.connect(tray.notify)

    if backends.hotkey is not None:
        combo = str(settings.get("hotkey"))
        try:
            backends.hotkey.start(combo, controller.bridge.fire)
            controller.attach_hotkey(backends.hotkey)
            events.emit("hotkey.armed", ms=events.ms_since(_STARTED))
        except HotkeyError as e:
            backends.problem = str(e)
            events.emit("hotkey.failed")
    if backends.problem:
        tray.notify(tray.tr("快捷键不可用"), _problem_text(tray, backends.problem), warning=True)
    if not tray.available:
        events.emit("tray.unavailable")
    return PaletteApp(store, window, controller, tray, backends)


class _SubstringSearch:
    def __init__(self, store: object) -> None:
        self.store = store

    def query(self, text: str, limit: int) -> list[object]:
        from palette.core.search import search

        class _Hit:
            def __init__(self, phrase: object) -> None:
                self.phrase = phrase

            def field_spans(self, field: str) -> list[tuple[int, int]]:
                return []

        return [_Hit(h.phrase) for h in search(self.store.visible_phrases(), text, limit)]  # type: ignore[attr-defined]


def _problem_text(tray: object, problem: str) -> str:
    from PySide6.QtCore import QCoreApplication

    tr = QCoreApplication.translate
    if problem in ("wayland", "no-hotkeys"):
        return tr("app", "此桌面不支持全局快捷键:请在系统设置里把快捷键绑定到命令 “palette show”。")
    return tr("app", "全局快捷键注册失败({0})。可在设置中换一个组合,或绑定命令 “palette show”。").format(problem)


def main(show_only: bool = False) -> int:
    """`palette` (start, or show the running one) and `palette show` (show the running one only)."""
    from PySide6.QtCore import QCoreApplication

    from palette.core import events, paths
    from palette.platform.instance import InstanceServer, ask_running, server_name

    _configure_logging()
    name = server_name(paths.data_dir())
    if show_only:
        QCoreApplication(sys.argv[:1])
        if ask_running(name, b"show"):
            return 0
        print("palette: error: Palette is not running (start it with: palette)", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store, StoreError

    app = QApplication(sys.argv[:1])
    app.setApplicationName("Palette")
    app.setApplicationDisplayName("快捷话术板")
    app.setQuitOnLastWindowClosed(False)
    server = InstanceServer(name)
    if not server.listen():
        ask_running(name, b"show")
        return 0
    try:
        store = Store(paths.database_path())
        ensure_standard_library(store)
    except StoreError as e:
        print(f"palette: error: {e}", file=sys.stderr)
        return 2
    palette = build(app, store)
    controller = palette.controller
    server.command.connect(
        lambda cmd: controller.open() if cmd == "show" else app.quit() if cmd == "quit" else None  # type: ignore[attr-defined]
    )
    events.emit("app.ready", ms=events.ms_since(_STARTED))
    code = app.exec()
    if palette.backends.hotkey is not None:  # type: ignore[attr-defined]
        palette.backends.hotkey.stop()  # type: ignore[attr-defined]
    server.close()
    store.close()
    return code
