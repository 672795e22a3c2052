"""The one way the app runs work off the GUI thread: `run_in_background(fn, done, failed)`.

`fn` runs on a pool thread; its result reaches `done`, or its exception reaches `failed`, on the GUI
thread, through a queued signal of the one relay object that lives there. Nothing a job raises is lost:
without a `failed` callback it is logged (the exception's type and where, not its message, which may
quote phrase text or customer data). Callers keep their own rules on top (the subscriptions: one job per library).
"""

from __future__ import annotations

import itertools
import logging
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

from PySide6.QtCore import QObject, Qt, QThreadPool, Signal, Slot

T = TypeVar("T")
MAX_THREADS = 64  # each subscription may wait out its own deadline: a slow share must not queue the others

log = logging.getLogger("palette.background")
_pool: QThreadPool | None = None
_relay: _Relay | None = None
_numbers = itertools.count(1)


class Job:
    """A job in flight; `wait` lets a caller shutting down give it a bounded time to end."""

    def __init__(self, name: str) -> None:
        self.name = name
        self.ended = threading.Event()  # set by the pool thread when `fn` has returned or raised

    def wait(self, timeout: float) -> bool:
        """True once `fn` has returned or raised (its callback may still be queued)."""
        return self.ended.wait(timeout)


class _Relay(QObject):
    """Lives on the GUI thread for the whole process; pool threads emit (job id, value), the queued
    slots call the job's callbacks there. One relay that is never deleted, rather than one per job:
    a per-job QObject whose last reference a pool thread dropped was destroyed on that thread, and
    the corrupted heap aborted a test run (`corrupted size vs. prev_size`)."""

    result = Signal(int, object)
    error = Signal(int, object)

    def __init__(self) -> None:
        super().__init__()
        self.waiting: dict[int, tuple[Callable[[Any], None], Callable[[BaseException], None]]] = {}
        self.result.connect(self._deliver_result, Qt.ConnectionType.QueuedConnection)
        self.error.connect(self._deliver_error, Qt.ConnectionType.QueuedConnection)

    @Slot(int, object)
    def _deliver_result(self, job: int, value: object) -> None:
        done, _ = self.waiting.pop(job)
        done(value)

    @Slot(int, object)
    def _deliver_error(self, job: int, error: BaseException) -> None:
        _, failed = self.waiting.pop(job)
        failed(error)


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
    global _pool, _relay
    if _pool is None or _relay is None:
        _pool, _relay = QThreadPool(), _Relay()
        _pool.setMaxThreadCount(MAX_THREADS)
    job, relay, number = Job(name), _relay, next(_numbers)
    relay.waiting[number] = (done, failed or report(name))

    def work() -> None:  # on a pool thread: it holds no Qt object but the relay, which is never deleted
        try:
            value = fn()
        except Exception as e:  # handed to the GUI thread, never swallowed
            job.ended.set()
            relay.error.emit(number, e)
            return
        job.ended.set()
        relay.result.emit(number, value)

    _pool.start(work)
    return job
