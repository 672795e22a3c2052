"""`palette --self-test`: what IT runs after a mass install, and the bundle's smoke test."""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Callable
from typing import Any, NoReturn

from palette import __version__
from palette.cli.common import EXIT_BAD_INPUT, EXIT_OK

_QT_CHILD = "_PALETTE_SELF_TEST_QT"  # set in the child process that loads Qt's platform plugin


class SelfTest(argparse.Action):
    """`palette --self-test`: one `ok`/`FAIL` line per check, exit 0 when all pass, else 2."""

    def __call__(self, parser: argparse.ArgumentParser, *_: Any) -> NoReturn:
        if os.environ.get(_QT_CHILD):
            print(_self_test_qt_here())
            parser.exit(EXIT_OK)
        parser.exit(EXIT_OK if _self_test() else EXIT_BAD_INPUT)


def _self_test() -> bool:
    from palette.core import paths
    from palette.core.model import STANDARD_LIBRARY
    from palette.core.search import SearchIndex
    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store

    store: Any = None

    def database() -> str:
        nonlocal store
        store = Store(paths.database_path())
        return str(store.path)

    def standard_library() -> str:
        ensure_standard_library(store)
        count = len(store.phrases(library=STANDARD_LIBRARY))
        if not count:
            raise RuntimeError(f"{STANDARD_LIBRARY} is empty after importing {paths.standard_library_db()}")
        return f"{count} phrases in {STANDARD_LIBRARY}"

    def search() -> str:
        index = SearchIndex.from_store(store)
        counts = {q: len(index.query(q, limit=5)) for q in ("您好", "nh")}
        if not all(counts.values()):
            raise RuntimeError(f"no hits: {counts}")
        return ", ".join(f"{q} → {n} hits" for q, n in counts.items())

    checks: list[tuple[str, Callable[[], str]]] = [
        ("database", database),
        ("standard", standard_library),
        ("search", search),
        ("qt", _self_test_qt),
    ]
    failed = 0
    for name, check in checks:
        if store is None and name in ("standard", "search"):
            print(f"FAIL {name:<9} skipped: no database")
            failed += 1
            continue
        try:
            print(f"ok   {name:<9} {check()}", flush=True)
        except Exception as e:
            print(f"FAIL {name:<9} {type(e).__name__}: {e}", flush=True)
            failed += 1
    if store is not None:
        store.close()
    print(f"palette {__version__} self-test: " + (f"{failed} of {len(checks)} checks FAILED" if failed else "all ok"))
    return not failed


def _self_test_qt() -> str:
    """Qt in a child process: a platform plugin that cannot load aborts the process, not just a check."""
    import subprocess

    env = dict(os.environ, **{_QT_CHILD: "1"})
    headless = not (env.get("DISPLAY") or env.get("WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not env.get("QT_QPA_PLATFORM"):
        env["QT_QPA_PLATFORM"] = "offscreen"
    me = [sys.executable] if getattr(sys, "frozen", False) else [sys.executable, "-m", "palette"]
    out = subprocess.run([*me, "--self-test"], env=env, capture_output=True, text=True, timeout=120)
    if out.returncode != 0:
        lines = [line.strip() for line in out.stderr.splitlines() if line.strip()]
        qt_says = [line.split(": ", 1)[-1] for line in lines if line.startswith("qt.")]  # Qt's reasons, in order
        why = " / ".join(qt_says) or (lines[-1] if lines else "no output")
        raise RuntimeError(f"exit {out.returncode}: {why}")
    return out.stdout.strip()


def _self_test_qt_here() -> str:
    from PySide6 import __version__ as pyside_version
    from PySide6.QtGui import QIcon
    from PySide6.QtNetwork import QLocalServer
    from PySide6.QtWidgets import QApplication

    from palette.core import paths

    app = QApplication(sys.argv[:1])
    icon = QIcon(str(paths.resource("icons", "palette.svg")))
    if icon.pixmap(32, 32).isNull():
        raise SystemExit("qt: cannot render the app icon (the SVG image plugin is missing)")
    QLocalServer(app)  # the single-instance socket: proves QtNetwork loads
    return f"platform {app.platformName()}, PySide6 {pyside_version}, icon rendered"
