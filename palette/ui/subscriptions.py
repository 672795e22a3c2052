"""Keeps subscribed team libraries current: at start, every N minutes and when a source file changes.

Each subscription is fetched and parsed as a background job of its own (`run_in_background`), with
its own deadline (a share or a URL may be slow or hang; parsing 100,000 rows takes a second), at most
one at a time per library; applying to the store happens back on the GUI thread. Each change,
each failure streak and each held-back update is announced once through `notify(title, message)`,
which the app shows as a tray message. Messages name libraries and sources, never phrase text.
"""

from __future__ import annotations

import time
from pathlib import Path

from PySide6.QtCore import QCoreApplication, QFileSystemWatcher, QObject, QTimer, Signal, Slot

from palette.core.sources import DEFAULT_TIMEOUT_S, is_url
from palette.core.store import Store
from palette.core.subscribe import (
    Fetched,
    Notice,
    NoticeKind,
    Subscription,
    SubscriptionChecker,
)
from palette.ui.background import Job, report, run_in_background

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
    if notice.kind is NoticeKind.PENDING and notice.pending is not None:
        message = QCoreApplication.translate(
            "SubscriptionWatcher",
            "「{0}」的新版本会删除 {1} 条话术(共 {2} 条),继续使用上次的版本;确认请运行 palette library check {0} --yes",
        ).format(notice.library, notice.pending.removed, notice.pending.total)
        return QCoreApplication.translate("SubscriptionWatcher", "话术库更新待确认"), message
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
    checked = Signal(list)  # the notices since the last time no fetch was running (possibly empty)

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
        self._workers: dict[str, Job] = {}  # library → its fetch in flight (at most one each)
        self._again: set[str] = set()  # libraries to fetch once more when their fetch is done
        self._round: list[Notice] = []
        self._stopped = False
        self._timer = QTimer(self)
        self._timer.timeout.connect(self.check_now)
        self.set_interval(interval_minutes)
        self._debounce = QTimer(self, singleShot=True, interval=DEBOUNCE_MS)
        self._debounce.timeout.connect(self.check_now)
        self._files = QFileSystemWatcher(self)
        self._files.fileChanged.connect(self._changed)
        self._files.directoryChanged.connect(self._changed)

    def set_interval(self, minutes: int) -> None:
        self._timer.setInterval(max(1, minutes) * 60_000)

    def start(self) -> None:
        """Check now, then on the timer and on file changes."""
        self.check_now()
        self._timer.start()

    def stop(self) -> None:
        """Stop checking and wait for the fetches in progress (together at most about one timeout)."""
        self._stopped = True
        self._timer.stop()
        self._debounce.stop()
        end = time.monotonic() + self._checker.timeout + 1
        for job in list(self._workers.values()):
            job.wait(max(0.0, end - time.monotonic()))

    @Slot()
    def check_now(self) -> None:
        """Fetch every subscription whose previous fetch is done; one still running is fetched again after."""
        if self._stopped:
            return
        pending = self._checker.pending()
        self._watch([sub for sub, _ in pending])
        if not pending and not self._workers:
            self.checked.emit([])
            return
        for sub, digest in pending:
            if sub.library in self._workers:
                self._again.add(sub.library)
            else:
                self._start(sub, digest)

    def _start(self, sub: Subscription, digest: str | None) -> None:
        """Each source its own job with its own deadline: a hanging share delays no other library."""
        name = sub.library
        self._workers[name] = run_in_background(
            lambda: self._checker.fetch(sub, digest),
            self._on_fetched,
            lambda error: self._fetch_failed(name, error),
            name="subscription",
        )

    def _on_fetched(self, fetched: Fetched) -> None:
        if self._stopped:
            return  # the app may be closing the store
        name = fetched.subscription.library
        self._workers.pop(name, None)
        notice = self._checker.apply(fetched)
        if notice is not None:
            self._round.append(notice)
            self.notify.emit(*describe(notice))
        self._ended(name)

    def _fetch_failed(self, name: str, error: BaseException) -> None:
        """A fetch raised (a bug: failures of the source come back as a `Fetched`): logged, and the
        library is fetched again on the next check."""
        report("subscription")(error)
        if self._stopped:
            return
        self._workers.pop(name, None)
        self._ended(name)

    def _ended(self, name: str) -> None:
        """`name`'s fetch is over: fetch it again if a check asked meanwhile; end the round when none runs."""
        if name in self._again and not self._stopped:
            self._again.discard(name)
            again = [(sub, digest) for sub, digest in self._checker.pending() if sub.library == name]
            for sub, digest in again:
                self._start(sub, digest)
        if not self._workers:
            notices, self._round = self._round, []
            self.checked.emit(notices)

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
