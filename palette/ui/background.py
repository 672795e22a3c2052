"""The one way the app runs work off the GUI thread: `run_in_background(fn, done, failed)`.

`fn` runs on a pool thread; its result reaches `done`, or its exception reaches `failed`, on the GUI
thread, through a queued signal of a relay object that lives there. Nothing a job raises is lost:
without a `failed` callback it is logged (the exception's type and where, not its message, which may
quote phrase text or customer data). Callers keep their own rules on top (the subscriptions: one job per library).
"""

from __future__ import annotations

import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, Generic, TypeVar

from PySide6.QtCore import QObject, QRunnable, Qt, QThreadPool, Signal, Slot

T = TypeVar("T")
MAX_THREADS = 64  # each subscription may wait out its own deadline: a slow share must not queue the others

log = logging.getLogger("palette.background")
_pool: QThreadPool | None = None
_live: set[_Relay] = set()  # relays whose job has not reported yet: kept alive until it has


class Job:
    """A job in flight; `wait` lets a caller shutting down give it a bounded time to end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ended = threading.Event()  # set by the pool thread when `fn` has returned or raised

    def wait(self, timeout: float) -> bool:
        """True once `fn` has returned or raised (its callback may still be queued)."""
        return self.ended.wait(timeout)


class _Relay(QObject):
    """Lives on the GUI thread; the pool thread emits, the queued slot calls back there."""

    result = Signal(object)
    error = Signal(object)

    def __init__(self, done: Callable[[Any], None], failed: Callable[[BaseException], None]) -> None:
        super().__init__()
        self._done, self._failed = done, failed
        self.result.connect(self._deliver_result, Qt.ConnectionType.QueuedConnection)
        self.error.connect(self._deliver_error, Qt.ConnectionType.QueuedConnection)

    @Slot(object)
    def _deliver_result(self, value: object) -> None:
        _live.discard(self)
        self._done(value)

    @Slot(object)
    def _deliver_error(self, error: BaseException) -> None:
        _live.discard(self)
        self._failed(error)


class _Runnable(QRunnable, Generic[T]):
    def __init__(self, fn: Callable[[], T], relay: _Relay, job: Job) -> None:
        super().__init__()
        self._fn, self._relay, self._job = fn, relay, job

    def run(self) -> None:
        try:
            value = self._fn()
        except Exception as e:  # handed to the GUI thread, never swallowed
            self._job.ended.set()
            self._relay.error.emit(e)
            return
        self._job.ended.set()
        self._relay.result.emit(value)


def report(name: str) -> Callable[[BaseException], None]:
    """The default `failed`: log which job failed, the exception's type and the frames (function, file,
    line), not its message or source lines."""

    def failed(error: BaseException) -> None:
        where = " < ".join(
            f"{f.name} ({f.filename}:{f.lineno})" for f in reversed(traceback.extract_tb(error.__traceback__))
        )
        log.error("background job %s failed: %s in %s", name, type(error).__name__, where)

    return failed


def run_in_background(
    fn: Callable[[], T],
    done: Callable[[T], None],
    failed: Callable[[BaseException], None] | None = None,
    *,
    name: str = "job",
) -> Job:
    """Run `fn` on a pool thread; `done(result)` or `failed(error)` then runs on the GUI thread.

    Call it on the GUI thread (the relay must live there for its slots to run there)."""
    global _pool
    if _pool is None:
        _pool = QThreadPool()
        _pool.setMaxThreadCount(MAX_THREADS)
    job = Job(name)
    relay = _Relay(done, failed or report(name))
    _live.add(relay)
    _pool.start(_Runnable(fn, relay, job))
    return job
