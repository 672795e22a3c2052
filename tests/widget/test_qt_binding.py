"""The Qt binding itself: a release that miscounts references to None or True crashes the app after a
few dozen pastes (PySide6 6.12.0 on Python 3.11: `Fatal Python error: none_dealloc`). Checked in a child
process, since the failure is an abort."""

from __future__ import annotations

import subprocess
import sys

_PROBE = """
import sys
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal
from PySide6.QtGui import QGuiApplication

app = QGuiApplication([])
class Source(QObject):
    fired = Signal()
source = Source()
timer = QTimer(singleShot=True, interval=1000)
clipboard = app.clipboard()
before = sys.getrefcount(None), sys.getrefcount(True)
for n in range(200):
    timer.start()
    source.fired.emit()
    clipboard.setText(str(n))
after = sys.getrefcount(None), sys.getrefcount(True)
print(before[0] - after[0], before[1] - after[1])
"""


def test_the_binding_keeps_its_references_to_none_and_true() -> None:
    done = subprocess.run(
        [sys.executable, "-c", _PROBE],
        capture_output=True,
        text=True,
        timeout=60,
        env={"QT_QPA_PLATFORM": "offscreen", "PATH": "/usr/bin:/bin"},
    )
    assert done.returncode == 0, done.stderr[-500:]
    lost_none, lost_true = (int(x) for x in done.stdout.split())
    # a few are the probe's own temporaries; a broken release drops one or more per call (600 calls)
    assert lost_none < 50 and lost_true < 50, f"{lost_none} references to None and {lost_true} to True dropped"
