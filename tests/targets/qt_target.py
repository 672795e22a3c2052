"""A Qt paste target for the end-to-end tests: a text box that reports what arrived.

usage: qt_target.py OUT_FILE KEYLOG_FILE
Writes the whole text to OUT_FILE on every change, and one line per key press to KEYLOG_FILE
(Qt key, modifiers and text), so a test can see both the paste and any key that leaked through.
"""

import sys
from pathlib import Path

from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import QApplication, QPlainTextEdit

out_path, keylog_path = Path(sys.argv[1]), Path(sys.argv[2])
app = QApplication(sys.argv[:1])
app.setApplicationName("qt-target")
editor = QPlainTextEdit()
editor.setWindowTitle("qt-target")
editor.setGeometry(40, 40, 600, 300)
keylog = keylog_path.open("a", buffering=1, encoding="utf-8")


class KeyLogger(QObject):
    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.KeyPress and obj is editor and isinstance(event, QKeyEvent):
            keylog.write(f"{event.key()} {int(event.modifiers().value)} {event.text()!r}\n")
        return False


logger = KeyLogger()
editor.installEventFilter(logger)
editor.textChanged.connect(lambda: out_path.write_text(editor.toPlainText(), encoding="utf-8"))
editor.show()
editor.activateWindow()
QTimer.singleShot(100, lambda: Path(str(out_path) + ".ready").touch())
app.exec()
