"""Keeps subscribed team libraries current: at start, every N minutes and when a source file changes.

Fetching and parsing run on one worker thread (a share or a URL may be slow; parsing 100,000 rows
takes a second); the worker only emits a signal, and applying to the store happens back on the GUI
thread. Each change and each failure streak is announced once through `notify(title, message)`,
which the app shows as a tray message. Messages name libraries and sources, never phrase text.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QObject, Qt, QTimer, Signal, Slot

from palette.core.sources import DEFAULT_TIMEOUT_S, is_url
from palette.core.store import Store
from palette.core.subscribe import (
    Fetched,
    Notice,
    NoticeKind,
    Subscription,
    SubscriptionChecker,
    fetch_subscription,
)

DEBOUNCE_MS = 1_500  # Excel and file shares write in several steps; check once they are done


def describe(notice: Notice) -> tuple[str, str]:
    """Title and message for a tray notification."""
    # the context written out in each call: lupdate reads only literal QCoreApplication.translate(...) calls
    if notice.kind is NoticeKind.UPDATED and notice.diff is not None:
        d = notice.diff
        message = QCoreApplication.translate(
            "SubscriptionWatcher", "「{0}」:新增 {1} 条,修改 {2} 条,删除 {3} 条"
        ).format(notice.library, len(d.added), len(d.changed) - len(d.moved), len(d.removed))
        if d.warnings:
            message += QCoreApplication.translate("SubscriptionWatcher", ",{0} 条提示").format(len(d.warnings))
        return QCoreApplication.translate("SubscriptionWatcher", "话术库已更新"), message
    if notice.kind is NoticeKind.UNREACHABLE:
        title = QCoreApplication.translate("SubscriptionWatcher", "话术库来源无法访问")
    else:
        title = QCoreApplication.translate("SubscriptionWatcher", "话术库来源有问题")
    return title, QCoreApplication.translate("SubscriptionWatcher", "「{0}」继续使用上次的版本。{1}").format(
        notice.library, notice.message
    )


class SubscriptionWatcher(QObject):
    """Checks subscriptions on a timer and on file changes; lives on the GUI thread with the store."""

    notify = Signal(str, str)  # title, message: something the agent should see once
    checked = Signal(list)  # the notices of one finished round (possibly empty)
    _fetched = Signal(object)  # worker thread → GUI thread

    def __init__(
        self,
        store: Store,
        *,
        interval_minutes: int = 15,
        timeout: float = DEFAULT_TIMEOUT_S,
        parent: QObject | None = None,
    ) -> None:
        super().__init__(parent)
        self._checker = SubscriptionChecker(store, timeout=timeout)
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="palette-subscriptions")
        self._in_flight = 0
        self._again = False
        self._round: list[Notice] = []
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check_now)
        self.set_interval(interval_minutes)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.check_now)
        self._files = QFileSystemWatcher(self)
        self._files.fileChanged.connect(self._changed)
        self._files.directoryChanged.connect(self._changed)
        self._fetched.connect(self._on_fetched, Qt.ConnectionType.QueuedConnection)

    def set_interval(self, minutes: int) -> None:
        self._timer.setInterval(max(1, minutes) * 60_000)

    def start(self) -> None:
        """Check now, then on the timer and on file changes."""
        self.check_now()
        self._timer.start()

    def stop(self) -> None:
        """Stop checking and wait for a fetch in progress (at most the timeout)."""
        self._timer.stop()
        self._debounce.stop()
        self._pool.shutdown(wait=True, cancel_futures=True)

    @Slot()
    def check_now(self) -> None:
        if self._in_flight:
            self._again = True  # one more round when this one is done
            return
        pending = self._checker.pending()
        self._watch([sub for sub, _ in pending])
        if not pending:
            self.checked.emit([])
            return
        self._in_flight = len(pending)
        self._round = []
        for sub, digest in pending:
            self._pool.submit(self._work, sub, digest)

    def _work(self, sub: Subscription, digest: str | None) -> None:
        self._fetched.emit(fetch_subscription(sub, digest, timeout=self._checker.timeout))

    @Slot(object)
    def _on_fetched(self, fetched: Fetched) -> None:
        notice = self._checker.apply(fetched)
        if notice is not None:
            self._round.append(notice)
            self.notify.emit(*describe(notice))
        self._in_flight -= 1
        if self._in_flight:
            return
        self.checked.emit(self._round)
        if self._again:
            self._again = False
            self.check_now()

    @Slot(str)
    def _changed(self, _path: str) -> None:
        self._debounce.start()

    def _watch(self, subs: list[Subscription]) -> None:
        """Watch each local source and its folder (a save that replaces the file drops the file watch)."""
        wanted: set[str] = set()
        for sub in subs:
            if is_url(sub.source):
                continue
            path = Path(sub.source)
            wanted |= {str(p) for p in (path, path.parent) if p.exists()}
        current = set(self._files.files()) | set(self._files.directories())
        stale = sorted(current - wanted)
        new = sorted(wanted - current)
        if stale:
            self._files.removePaths(stale)
        if new:
            self._files.addPaths(new)
