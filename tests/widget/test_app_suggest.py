"""The suggester in the composition root: built after the hotkey and the search index, in the
background; following pastes in place and phrase edits by a rebuild (offscreen, no hotkey backend)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtWidgets import QApplication
from pytestqt.qtbot import QtBot

from palette.app import PaletteApp
from palette.core.store import Store
from tests.widget.test_app_windows import uninstall

MESSAGE = "我家宽带一直掉线，什么时候能修好"


@pytest.fixture
def palette(qapp: QApplication, store: Store) -> Iterator[PaletteApp]:
    app = PaletteApp(qapp, store)
    qapp.aboutToQuit.disconnect(app.stop)
    yield app
    app.stop()
    app.window.close()
    uninstall(qapp, app)


_STARTED_APP = (
    "import sys, time\n"
    "from PySide6.QtWidgets import QApplication\n"
    "from palette.app import PaletteApp\n"
    "from palette.core import paths\n"
    "from palette.core.standard import ensure_standard_library\n"
    "from palette.core.store import Store\n"
    "app = QApplication([])\n"
    "store = Store(paths.database_path())\n"
    "ensure_standard_library(store)\n"
    "p = PaletteApp(app, store)\n"
    "p.start()\n"  # arms the hotkey (none offscreen) and starts the index build
)


def _in_a_fresh_app(then: str) -> list[str]:
    """Start the app in a fresh interpreter (its imports are the point), run `then`, its printed words."""
    env = {**os.environ, "QT_QPA_PLATFORM": "offscreen"}
    code = _STARTED_APP + then + "p.stop()\n"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120, env=env)
    assert out.returncode == 0, out.stderr
    return out.stdout.split()


def test_the_segmenter_is_not_imported_before_the_hotkey_is_armed(home: Path) -> None:
    shown = _in_a_fresh_app("print('rjieba' in sys.modules, 'palette.core.suggest' in sys.modules)\n")
    assert shown[:2] == ["False", "False"]


def test_the_segmenter_never_lives_in_the_app(home: Path) -> None:
    """The build runs in a child process and messages are cut by the index's words: no rjieba here."""
    shown = _in_a_fresh_app(
        "end = time.monotonic() + 60\n"
        "while p.suggester is None and time.monotonic() < end:\n"
        "    app.processEvents(); time.sleep(0.02)\n"
        f"print(p.suggester.suggest({MESSAGE!r})[0].uid, 'rjieba' in sys.modules)\n"
    )
    assert shown[:2] == ["std-fault-ask", "False"]


def test_built_after_the_index_and_handed_to_the_palette(qtbot: QtBot, palette: PaletteApp) -> None:
    assert palette.suggester is None
    palette.start()
    qtbot.waitUntil(lambda: palette.suggester is not None, timeout=30_000)
    built = palette.suggester
    assert palette.index.ready and built is not None
    assert palette.controller._suggester is built
    assert built.suggest(MESSAGE, 3)[0].uid == "std-fault-ask"


def test_a_paste_is_learned_in_place_and_an_edit_rebuilds(qtbot: QtBot, palette: PaletteApp, store: Store) -> None:
    palette.start()
    qtbot.waitUntil(lambda: palette.suggester is not None, timeout=30_000)
    built = palette.suggester
    assert built is not None
    built.learn(store, MESSAGE, "std-fault-slow")  # what the controller does after a paste
    assert palette.suggester is built and not palette._suggest_rebuild.isActive()  # no rebuild for a paste
    assert store.learned_pairs() and built.learned

    reset = subprocess.run([sys.executable, "-m", "palette", "usage", "reset"], capture_output=True, timeout=60)
    assert reset.returncode == 0, reset.stderr
    palette.poll_external()  # the app's 400 ms timer: another process forgot the statistics
    assert built.learned == {} and palette.suggester is built

    phrase = store.add_phrase(category="宽带", title="宽带掉线上门维修", body="师傅今天就上门修宽带。", tags=["掉线"])
    assert palette._suggest_rebuild.isActive()
    qtbot.waitUntil(lambda: palette.suggester is not built, timeout=30_000)
    rebuilt = palette.suggester
    assert rebuilt is not None and palette.controller._suggester is rebuilt
    assert phrase.uid in [s.uid for s in rebuilt.suggest(MESSAGE, 5)]
