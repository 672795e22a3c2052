"""Composition root of the tray app: builds the store, engines, platform backends and windows, and wires them.

Nothing here runs an event loop in a constructor: `PaletteApp(app, store)` returns the wired objects so
tests can drive them, and `main()` adds the single-instance handshake and `exec()`. Widgets are
imported inside the functions that need them, so `palette show` (the Wayland hotkey path) stays quick.
"""

from __future__ import annotations

import logging
import sys
import time
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from PySide6.QtWidgets import QApplication

    from palette.core.search import PreparedIndex
    from palette.core.store import Store, StoreChange
    from palette.core.suggest import Suggester
    from palette.platform import Backends
    from palette.ui.background import Job
    from palette.ui.first_run import FirstRunDialog
    from palette.ui.manager import PhraseManager
    from palette.ui.settings_window import SettingsWindow

_STARTED = time.perf_counter()
IDLE_TRIM_MS = 5_000  # after the palette closes (or the index lands), return freed memory to the OS
EXTERNAL_POLL_MS = 400  # `palette add` in a terminal shows in the palette within half a second
REPORT_WAIT_S = 5.0  # at quit, for a report write still going to a slow share
SUGGEST_REBUILD_MS = 1_000  # phrases changed: rebuild the suggestions once the edits have settled


def _configure_logging() -> None:
    handler = logging.StreamHandler(sys.stderr)
    handler.setFormatter(logging.Formatter("%(message)s"))
    events_log = logging.getLogger("palette.events")
    events_log.addHandler(handler)
    events_log.setLevel(logging.INFO)
    events_log.propagate = False


class PaletteApp:
    """Everything the running app holds on to, wired; `start()` arms the hotkey and the subscriptions."""

    def __init__(self, app: QApplication, store: Store) -> None:
        from PySide6.QtCore import QTimer
        from PySide6.QtGui import QGuiApplication

        from palette.core import paths
        from palette.core.config import Settings
        from palette.core.search import SearchIndex
        from palette.platform import load as load_backends
        from palette.platform import release_memory
        from palette.platform.clipboard import ClipboardKeeper
        from palette.platform.paster import Paster
        from palette.ui.controller import PaletteController
        from palette.ui.i18n import Translations
        from palette.ui.palette_window import PaletteWindow
        from palette.ui.rows import RowDelegate
        from palette.ui.subscriptions import SubscriptionWatcher
        from palette.ui.thumbnails import Thumbnails
        from palette.ui.tray import Tray, app_icon

        self.app = app
        self.store = store
        self.settings = Settings(store)
        self.translations = Translations(app, store)  # before any widget sets its texts
        self.icon = app_icon(str(paths.resource("icons", "palette.svg")))
        app.setWindowIcon(self.icon)
        self.index = SearchIndex(store)  # built in start(), off the hotkey's path
        self.window = PaletteWindow()
        if isinstance(delegate := self.window.list.itemDelegate(), RowDelegate):
            delegate.thumbnails = Thumbnails(store.image_bytes)  # image phrases show a small picture
        self.window.winId()  # create the native window now, so the first show is as fast as the others
        self.backends = load_backends(QGuiApplication.platformName())
        self.paster = Paster(self.backends.desktop, ClipboardKeeper(app))
        self.controller = PaletteController(store, self.window, self.paster, self.backends.desktop, self.index.query)
        self.window.set_unknown_categories(self.index.unknown_categories)
        self.tray = Tray(self.icon, autostart=self.settings.config().autostart)
        self.subscriptions = SubscriptionWatcher(store, interval_minutes=self.settings.config().subscribe_minutes)

        self.tray.open_palette.connect(self.controller.open)
        self.tray.new_conversation.connect(self.controller.new_conversation)
        self.tray.import_library.connect(self.import_library)
        self.tray.quit.connect(app.quit)
        self._manager: PhraseManager | None = None  # built on first use: not on the start-up path
        self._first_run: FirstRunDialog | None = None
        self._settings_window: SettingsWindow | None = None
        self.tray.manage.connect(self.open_manager)
        self.tray.settings.connect(self.open_settings)
        self.window.manager_requested.connect(self.open_manager)
        self.window.settings_requested.connect(self.open_settings)
        self.window.create_requested.connect(self.create_phrase)
        self.tray.autostart_toggled.connect(self.set_autostart)
        store.listen(self._settings_changed)
        self.controller.notify.connect(self.tray.notify)
        self._idle = QTimer(singleShot=True, interval=IDLE_TRIM_MS)
        self._idle.timeout.connect(release_memory)
        self.window.hidden.connect(self._idle.start)
        self.subscriptions.notify.connect(self.tray.notify)
        self._external = QTimer(interval=EXTERNAL_POLL_MS)
        self._external.timeout.connect(self.poll_external)
        self._report = QTimer(interval=self.settings.config().report_minutes * 60_000)
        self._report.timeout.connect(self.write_report)
        self._report_job: Job | None = None  # the write in flight: the one at quit must come after it
        self.suggester: Suggester | None = None  # built after the search index, in the background
        self._suggest_generation = 0
        self._suggest_rebuild = QTimer(singleShot=True, interval=SUGGEST_REBUILD_MS)
        self._suggest_rebuild.timeout.connect(self._build_suggester)
        store.listen(self._follow_suggestions)
        app.aboutToQuit.connect(self.stop)

    def start(self) -> None:
        from PySide6.QtCore import QCoreApplication, QTimer

        from palette.core import events
        from palette.platform.base import HotkeyError

        hotkey = self.backends.hotkey
        if hotkey is not None:
            try:
                hotkey.start(self.settings.config().hotkey, self.controller.bridge.fire)
                self.controller.attach_hotkey(hotkey)
                events.emit("hotkey.armed", ms=events.ms_since(_STARTED))
            except HotkeyError as e:
                self.backends.failed(str(e))
                events.emit("hotkey.failed")
        if self.backends.problem is not None:
            title = QCoreApplication.translate("Tray", "快捷键不可用")
            self.tray.notify(title, _problem_text(self.backends), warning=True)
        if not self.tray.available:
            events.emit("tray.unavailable")
            if hotkey is not None and self.backends.problem is None:
                self.tray.notify(
                    QCoreApplication.translate("app", "快捷话术板已启动"),
                    QCoreApplication.translate("app", "此桌面没有系统托盘:按 {0} 打开话术板。").format(
                        self.settings.config().hotkey
                    ),
                )
        self._build_index()
        self.subscriptions.start()
        self._external.start()
        self._report.start()
        QTimer.singleShot(0, self.first_run)  # the hotkey is armed: the rest comes after the start
        QTimer.singleShot(0, self.warm)

    def warm(self) -> None:
        """Do once, hidden, what the first palette would otherwise pay for: lay out, style and paint the
        window with rows (the CJK fallback fonts, the row delegate's rich text), and run the search and
        placeholder code on one query. Again when the index lands (before it there are no rows)."""
        from palette.core import events

        if self.window.isVisible():
            return
        started = time.perf_counter()
        self.index.query("kc1", 9)
        self.window.refresh()
        self.window.grab()
        events.emit("palette.warmed", ms=events.ms_since(started))

    def first_run(self) -> None:
        """The first start with an empty profile: ask for 公司名称, 工号 and 坐席姓名 (once; skippable)."""
        from palette.core import events
        from palette.ui.first_run import FirstRunDialog, needs_first_run

        if not needs_first_run(self.store):
            return
        self._first_run = FirstRunDialog(self.store)
        self._first_run.finished.connect(lambda: events.emit("first_run.done"))
        self._first_run.present()
        events.emit("first_run.shown")

    def poll_external(self) -> None:
        """Apply what other processes wrote (the CLI, an import, a script): one pragma when nothing did."""
        from palette.core import events

        change = self.store.poll_external()
        if change is None:
            return
        events.emit("store.external", uids=len(change.uids), everything=change.everything)
        if change.usage and not (change.everything or change.libraries) and self.suggester is not None:
            self.suggester.apply(change, self.store)  # `palette usage reset`, or another app's learning
        if self.window.isVisible() and not self.window.loading:
            self.window.refresh()

    def _build_index(self) -> None:
        """Snapshot here, compute in the background, install back on the GUI thread."""
        from palette.core.search import SearchIndex
        from palette.ui.background import run_in_background

        self.window.loading = True
        source = self.index.snapshot()
        run_in_background(lambda: SearchIndex.prepare(source), self._install_index, name="index")

    def _install_index(self, prepared: PreparedIndex) -> None:
        from palette.core import events

        self.index.install(prepared)
        self._idle.start()
        events.emit("index.ready", ms=events.ms_since(_STARTED))
        self.window.results_ready()  # the agent may have been quicker than the build
        self.warm()
        if self.suggester is None and not self._suggest_generation:
            self._build_suggester()  # the search comes first: the segmenter loads after it

    def _build_suggester(self) -> None:
        """Snapshot the phrases, synonyms and learned pairs here; segment and index in a child process
        (`palette.core.suggest.child`: the segmenter never lives in the app, the build never holds its
        GIL), waited for on a pool thread. Until a build lands the previous suggester answers."""
        from palette.core.suggest import SuggestSource
        from palette.core.suggest.child import build_apart
        from palette.ui.background import run_in_background

        self._suggest_generation += 1
        generation, started = self._suggest_generation, time.perf_counter()
        source = SuggestSource.from_store(self.store)
        run_in_background(
            lambda: build_apart(source),
            lambda built: self._install_suggester(built, generation, started),
            name="suggest",
        )

    def _install_suggester(self, built: Suggester, generation: int, started: float) -> None:
        from palette.core import events

        if generation != self._suggest_generation:
            return  # the phrases changed again meanwhile: a newer build is on its way
        self.suggester = built
        self.controller.set_suggester(built)
        self._idle.start()  # the loaded result's garbage back to the OS
        events.emit("suggest.ready", ms=events.ms_since(started), phrases=len(built.docs))

    def _follow_suggestions(self, change: StoreChange) -> None:
        """Phrases, libraries or synonyms changed: a rebuild in the background, so an edit never stalls
        the palette. A paste here needs nothing: `learn` counted it in memory too (re-reading every
        learned pair takes ~0.8 s at the store's cap); other processes' usage: see `poll_external`."""
        phrases = change.everything or bool(change.libraries) or (bool(change.uids) and not change.usage)
        if phrases and self._suggest_generation:  # before the first build there is nothing to follow
            self._suggest_rebuild.start()

    def write_report(self, *, wait: bool = False) -> None:
        """Today's usage report into `report_dir`, if one is set: read here, written off the GUI thread (a
        share may be slow), or on it when quitting (`wait`)."""
        from palette.core import events
        from palette.core.report import ReportError, render_report, report_target, save_report
        from palette.ui.background import run_in_background

        config = self.settings.config()
        if not config.report_dir:
            return
        try:
            folder = report_target(config.report_dir)
        except ReportError:
            events.emit("report.failed")
            return
        name, data = render_report(self.store, anonymous=config.report_anonymous)
        if wait:
            if self._report_job is not None:
                self._report_job.wait(REPORT_WAIT_S)
            try:
                save_report(folder / name, data)
            except ReportError:
                events.emit("report.failed")
            return
        self._report_job = run_in_background(
            lambda: save_report(folder / name, data),
            lambda _: events.emit("report.written"),
            lambda _: events.emit("report.failed"),
            name="report",
        )

    def stop(self) -> None:
        self._report.stop()
        self.write_report(wait=True)
        self._external.stop()
        self.subscriptions.stop()
        if self.backends.hotkey is not None:
            self.backends.hotkey.stop()

    def open_manager(self) -> None:
        """Tray → 管理话术, `palette manage`, Ctrl+Shift+M in the palette."""
        if self._manager is None:
            from palette.ui.manager import PhraseManager

            self._manager = PhraseManager(self.store)
        self._manager.present()

    def create_phrase(self, body: str) -> None:
        """The palette found nothing: the manager's editor, a new phrase with what was typed as its body."""
        self.open_manager()
        assert self._manager is not None
        self._manager.new_phrase(body=body)

    def open_settings(self) -> None:
        """Tray → 设置, `palette settings`, Ctrl+, in the palette. A new hotkey is tried with the OS through
        the running app's hotkey backend."""
        if self._settings_window is None:
            from palette.ui.hotkey_edit import HotkeySwitch
            from palette.ui.settings_window import SettingsWindow

            hotkey = self.backends.hotkey
            bridge = self.controller.bridge
            switch = HotkeySwitch(hotkey, bridge.fire, self.controller.attach_hotkey) if hotkey else None
            self._settings_window = SettingsWindow(self.store, hotkey_switch=switch)
        self._settings_window.present()

    def set_autostart(self, enabled: bool) -> None:
        """Tray → 开机启动 (the settings window does the same through `apply_autostart`)."""
        from PySide6.QtCore import QCoreApplication

        from palette.platform.autostart import Autostart, AutostartError
        from palette.ui.settings_window import apply_autostart

        try:
            apply_autostart(self.store, Autostart(), enabled)
        except AutostartError as e:
            self.tray.notify(QCoreApplication.translate("app", "开机启动设置失败"), str(e), warning=True)
            self._show_autostart()

    def _settings_changed(self, change: StoreChange) -> None:
        if change.settings:
            self._show_autostart()
            self._report.setInterval(self.settings.config().report_minutes * 60_000)

    def _show_autostart(self) -> None:
        """Keep the tray's 开机启动 tick in line with the setting, whoever changed it."""
        from PySide6.QtCore import QSignalBlocker

        action = self.tray.autostart_action
        with QSignalBlocker(action):
            action.setChecked(self.settings.config().autostart)

    def import_library(self) -> None:
        """Tray → 导入团队话术库: pick a file, review the changes, apply."""
        from PySide6.QtCore import QCoreApplication
        from PySide6.QtWidgets import QFileDialog

        from palette.core.library_io import LibraryFileError
        from palette.core.store import StoreError
        from palette.ui.import_dialog import review_and_import

        path, _ = QFileDialog.getOpenFileName(
            None,
            QCoreApplication.translate("app", "导入团队话术库"),
            "",
            QCoreApplication.translate("app", "话术库 (*.xlsx *.csv *.json *.db)"),
        )
        if not path:
            return
        try:
            diff = review_and_import(self.store, path)
        except (LibraryFileError, StoreError) as e:
            self.tray.notify(QCoreApplication.translate("app", "导入失败"), str(e), warning=True)
            return
        if diff is not None:
            self.tray.notify(
                QCoreApplication.translate("app", "导入完成"),
                QCoreApplication.translate("app", "新增 {0} 条,修改 {1} 条,删除 {2} 条").format(
                    len(diff.added), len(diff.changed), len(diff.removed)
                ),
            )


def _problem_text(backends: Backends) -> str:
    from PySide6.QtCore import QCoreApplication

    from palette.platform import Problem

    if backends.problem is not Problem.FAILED:
        return QCoreApplication.translate(
            "app", "此桌面不支持全局快捷键:请在系统设置里把快捷键绑定到命令 “palette show”。"
        )
    return QCoreApplication.translate(
        "app", "全局快捷键注册失败({0})。可在设置中换一个组合,或绑定命令 “palette show”。"
    ).format(backends.message)


def main(command: str | None = None) -> int:
    """`palette` (start, or show the running one's palette); `palette show|manage|settings` (the
    running one's palette, phrase manager or settings: the way in on desktops without a tray)."""
    from PySide6.QtCore import QCoreApplication

    from palette.core import events, paths
    from palette.platform.instance import InstanceServer, ask_running, server_name

    _configure_logging()
    name = server_name(paths.data_dir())
    if command is not None:
        QCoreApplication(sys.argv[:1])
        if ask_running(name, command.encode()):
            return 0
        print("palette: error: Palette is not running (start it with: palette)", file=sys.stderr)
        return 2

    from PySide6.QtWidgets import QApplication

    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store, StoreError
    from palette.platform import display_problem

    problem = display_problem()
    if problem:
        print(f"palette: error: {problem}", file=sys.stderr)
        return 2
    app = QApplication(sys.argv[:1])
    app.setApplicationName("Palette")
    app.setApplicationDisplayName("快捷话术板")
    app.setQuitOnLastWindowClosed(False)
    server = InstanceServer(paths.data_dir())
    if not server.listen():
        ask_running(name, b"show")
        return 0
    try:
        store = Store(paths.database_path())
        ensure_standard_library(store)
    except StoreError as e:
        print(f"palette: error: {e}", file=sys.stderr)
        return 2
    palette = PaletteApp(app, store)
    commands = {"show": palette.controller.open, "manage": palette.open_manager, "settings": palette.open_settings,
                "new-conversation": palette.controller.new_conversation, "quit": app.quit}  # fmt: skip
    server.command.connect(lambda cmd: commands[cmd]())
    palette.start()
    events.emit("app.ready", ms=events.ms_since(_STARTED))
    code = app.exec()
    server.close()
    store.close()
    return code
