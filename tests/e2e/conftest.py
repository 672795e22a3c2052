"""Fixtures for the end-to-end tests (marked `e2e`): a real X server, real targets, the real app."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Generator, Iterator
from pathlib import Path

import pytest

from palette.core.standard import source_data
from tests.e2e.xsession import App, XSession, x_session

# kc1 as pasted for the agent_home profile: 您好，中国电信客服1024，很高兴为您服务，请问有什么可以帮您？
_OPENING = next(p.body for p in source_data().phrases if p.uid == "std-open-phone")
GREETING = _OPENING.replace("[公司名称]", "中国电信").replace("[工号]", "1024")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(
    item: pytest.Item, call: pytest.CallInfo[None]
) -> Generator[None, pytest.TestReport, pytest.TestReport]:
    """A failed e2e test shows the event log of every app it started: what happened, in order."""
    report = yield
    if report.failed:
        for n, palette in enumerate(App.started):
            report.sections.append((f"palette event log #{n + 1}", palette.log()))
    if call.when == "teardown":
        App.started.clear()
    return report


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/e2e/" in str(item.fspath).replace(os.sep, "/"):
            item.add_marker(pytest.mark.e2e)


@pytest.fixture
def agent_home(tmp_path: Path) -> Path:
    """A PALETTE_HOME with the agent's profile filled in, as after their first-day setup."""
    home = tmp_path / "home"
    env = {**os.environ, "PALETTE_HOME": str(home)}
    for name, value in (("公司名称", "中国电信"), ("工号", "1024")):
        subprocess.run([sys.executable, "-m", "palette", "profile", "set", name, value], env=env, check=True)
    return home


@pytest.fixture(params=["none", "openbox"], ids=["no-wm", "openbox"])
def session(request: pytest.FixtureRequest) -> Iterator[XSession]:
    with x_session(request.param) as s:
        yield s


@pytest.fixture
def app(session: XSession, agent_home: Path) -> App:
    palette = App(session, agent_home)
    palette.wait_event("hotkey.armed", timeout=20)
    return palette
