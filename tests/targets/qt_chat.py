"""A Qt chat client for the end-to-end tests: Ctrl+Enter sends, Enter is a newline, pictures attach.

usage: qt_chat.py OUT_FILE [--read-only]
Writes {messages: [{text, images: [{width, height, sha256}]}], draft, attached, sends} as JSON to
OUT_FILE on every change, sha256 being that of a pasted picture's decoded RGBA8888 pixels and `sends`
the number of Ctrl+Enter presses. `--read-only`: a box that takes no paste (and never reads the
clipboard), as a chat that is not ready for input.
"""

import hashlib
import json
import sys
from pathlib import Path

from PySide6.QtCore import QMimeData, Qt, QTimer
from PySide6.QtGui import QImage, QKeyEvent
from PySide6.QtWidgets import QApplication, QTextEdit

out_path = Path(sys.argv[1])
app = QApplication(sys.argv[:1])
app.setApplicationName("qt-chat")
messages: list[dict[str, object]] = []
attached: list[dict[str, object]] = []
sends = 0


class ChatBox(QTextEdit):
    def keyPressEvent(self, e: QKeyEvent) -> None:
        ctrl = e.modifiers() & Qt.KeyboardModifier.ControlModifier
        if e.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter) and ctrl:
            global sends
            sends += 1
            report()
            text = self.toPlainText()
            if text or attached:
                messages.append({"text": text, "images": list(attached)})
                attached.clear()
                self.clear()
                report()
            return
        super().keyPressEvent(e)

    def canInsertFromMimeData(self, source: QMimeData) -> bool:
        return source.hasImage() or source.hasText()

    def insertFromMimeData(self, source: QMimeData) -> None:
        if source.hasImage():  # a chat client attaches the picture; none of its HTML goes in the box
            image = QImage(source.imageData()).convertToFormat(QImage.Format.Format_RGBA8888)
            pixels = bytes(image.constBits())[: image.width() * image.height() * 4]
            attached.append({"width": image.width(), "height": image.height(),
                             "sha256": hashlib.sha256(pixels).hexdigest()})  # fmt: skip
            report()
            return
        self.insertPlainText(source.text())


def report() -> None:
    data = {"messages": messages, "draft": box.toPlainText(), "attached": len(attached), "sends": sends}
    out_path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


box = ChatBox()
box.setAcceptRichText(False)
box.setReadOnly("--read-only" in sys.argv[2:])
box.setWindowTitle("qt-chat")
box.setGeometry(40, 40, 600, 300)
box.textChanged.connect(report)
box.show()
box.activateWindow()


def ready() -> None:
    report()
    Path(str(out_path) + ".ready").touch()


QTimer.singleShot(100, ready)
app.exec()
