"""`run_in_background`: the work runs off the GUI thread, its result or its error comes back on it."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from palette.ui.background import run_in_background


def test_the_result_comes_back_on_the_gui_thread(qtbot: QtBot) -> None:
    ran_on: list[threading.Thread] = []
    got: list[tuple[int, threading.Thread]] = []

    def work() -> int:
        ran_on.append(threading.current_thread())
        return 42

    job = run_in_background(work, lambda value: got.append((value, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(got))
    assert job.wait(0)
    assert ran_on[0] is not threading.main_thread()
    assert got == [(42, threading.main_thread())]


def test_an_error_reaches_failed_on_the_gui_thread(qtbot: QtBot) -> None:
    done: list[object] = []
    failed: list[tuple[BaseException, threading.Thread]] = []

    def work() -> int:
        raise ValueError("broken")

    run_in_background(work, done.append, lambda e: failed.append((e, threading.current_thread())))
    qtbot.waitUntil(lambda: bool(failed))
    ((error, thread),) = failed
    assert isinstance(error, ValueError) and str(error) == "broken" and thread is threading.main_thread()
    assert done == []


def test_without_failed_an_error_is_logged_without_its_message(qtbot: QtBot, caplog: pytest.LogCaptureFixture) -> None:
    def work() -> int:
        raise ValueError("王女士 13800000000")  # an error may quote what it was working on

    with caplog.at_level(logging.ERROR, logger="palette.background"):
        run_in_background(work, lambda _v: None, name="index")
        qtbot.waitUntil(lambda: bool(caplog.records))
    assert "index" in caplog.text and "ValueError" in caplog.text and "work" in caplog.text
    assert "王女士" not in caplog.text and "13800000000" not in caplog.text


def test_jobs_run_side_by_side(qtbot: QtBot) -> None:
    """One job that waits (a hanging share) does not hold back the next (more than the cores: 2 here)."""
    release = threading.Event()
    got: list[str] = []
    hanging = [run_in_background(lambda: release.wait(10), lambda _v: None) for _ in range(4)]
    run_in_background(lambda: "quick", got.append)
    try:
        qtbot.waitUntil(lambda: got == ["quick"])
        assert not any(job.wait(0) for job in hanging)
    finally:
        release.set()
    assert all(job.wait(5) for job in hanging)


def test_many_short_jobs_each_report_once_on_the_gui_thread(qtbot: QtBot) -> None:
    """Jobs that end before, during or after their report is delivered: every callback runs once, on the
    GUI thread, and no Qt object is destroyed on a pool thread (the heap corruption of a per-job relay)."""
    got: dict[int, threading.Thread] = {}

    def number(n: int) -> Callable[[], int]:
        return lambda: n

    def arrived(value: int) -> None:
        got[value] = threading.current_thread()

    for n in range(300):
        run_in_background(number(n), arrived)
    qtbot.waitUntil(lambda: len(got) == 300, timeout=20_000)
    assert set(got) == set(range(300)) and set(got.values()) == {threading.main_thread()}
