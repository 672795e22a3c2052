"""Render the README's picture of an image phrase in the palette (and in the manager's editor), offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python docs/image_phrase_shot.py

A throw-away PALETTE_HOME gets the standard library and two phrases with pictures: a QR code drawn
from a fixed pattern and a small "screenshot" of an app's menu, both made here, so every run gives
the same pixels. The palette is searched for 扫码 and grabbed with QWidget.grab() into
docs/palette-image.png; the manager's editor on the same phrase into docs/manager-image.png.
"""

from __future__ import annotations

import os
import random
import sys
import tempfile
from pathlib import Path

DOCS = Path(__file__).resolve().parent


def qr_png(cells: int = 21, cell: int = 8) -> bytes:
    """A QR-looking picture: three finder squares and a fixed pseudo-random grid (seed 18)."""
    from PySide6.QtCore import QRect
    from PySide6.QtGui import QColor, QImage, QPainter

    from palette.ui.manager.images import image_png

    rng = random.Random(18)
    size = (cells + 2) * cell
    image = QImage(size, size, QImage.Format.Format_RGB32)
    image.fill(QColor("white"))
    p = QPainter(image)
    black = QColor("black")
    for y in range(cells):
        for x in range(cells):
            finder = (x < 7 and y < 7) or (x >= cells - 7 and y < 7) or (x < 7 and y >= cells - 7)
            if not finder and rng.random() < 0.5:
                p.fillRect(QRect((x + 1) * cell, (y + 1) * cell, cell, cell), black)
    for fx, fy in ((0, 0), (cells - 7, 0), (0, cells - 7)):
        for ring, colour in ((7, black), (5, QColor("white")), (3, black)):
            off = (7 - ring) // 2
            p.fillRect(QRect((fx + 1 + off) * cell, (fy + 1 + off) * cell, ring * cell, ring * cell), colour)
    p.end()
    return image_png(image)


def menu_png() -> bytes:
    """A small app screen with its 我的 → 账单 menu, as an agent would send to show where to tap."""
    from PySide6.QtCore import QRect, Qt
    from PySide6.QtGui import QColor, QFont, QImage, QPainter

    from palette.ui.manager.images import image_png

    image = QImage(180, 240, QImage.Format.Format_RGB32)
    image.fill(QColor("#f4f6fa"))
    p = QPainter(image)
    p.fillRect(QRect(0, 0, 180, 36), QColor("#2f65ca"))
    font = QFont()
    font.setPixelSize(14)
    p.setFont(font)
    p.setPen(QColor("white"))
    p.drawText(QRect(0, 0, 180, 36), Qt.AlignmentFlag.AlignCenter, "我的")
    p.setPen(QColor("#333333"))
    for i, text in enumerate(("账单查询", "套餐变更", "宽带报修", "设置")):
        row = QRect(12, 48 + i * 44, 156, 36)
        p.fillRect(row, QColor("#ffe08a") if i == 0 else QColor("white"))
        p.drawText(row.adjusted(10, 0, 0, 0), Qt.AlignmentFlag.AlignVCenter, text)
    p.end()
    return image_png(image)


def main() -> None:
    os.environ["PALETTE_HOME"] = tempfile.mkdtemp(prefix="palette-image-shot-")
    from PySide6.QtWidgets import QApplication

    from palette.core import paths
    from palette.core.model import SendMode
    from palette.core.search import SearchIndex
    from palette.core.standard import ensure_standard_library
    from palette.core.store import Store
    from palette.platform.clipboard import ClipboardKeeper
    from palette.platform.paster import Paster
    from palette.ui.controller import PaletteController
    from palette.ui.manager import PhraseManager
    from palette.ui.palette_window import PaletteWindow
    from palette.ui.rows import RowDelegate
    from palette.ui.thumbnails import Thumbnails

    app = QApplication(sys.argv[:1])
    store = Store(paths.database_path())
    ensure_standard_library(store)
    with store.transaction():
        qr, menu = store.add_image(qr_png()), store.add_image(menu_png())
        scan = store.add_phrase(
            category="操作指引", title="扫码关注公众号", body="您好，请扫描上方二维码关注公众号，即可查询账单。",
            shortcut="smgz", images=[qr], send=SendMode.ENTER,
        )  # fmt: skip
        store.add_phrase(
            category="操作指引", title="扫码后查看账单", body="扫码后点「我的」→「账单查询」即可看到本月账单。",
            images=[qr, menu],
        )  # fmt: skip

    window = PaletteWindow()
    delegate = window.list.itemDelegate()
    assert isinstance(delegate, RowDelegate)
    delegate.thumbnails = Thumbnails(store.image_bytes)
    controller = PaletteController(
        store, window, Paster(None, ClipboardKeeper(app)), None, SearchIndex.from_store(store).query
    )
    window.present()
    window.search.setText("扫码")
    for _ in range(20):
        app.processEvents()
    window.grab().save(str(DOCS / "palette-image.png"))
    window.hide()

    manager = PhraseManager(store)
    manager.resize(1100, 720)
    manager.present()
    manager.select_entry(scan.uid)
    for _ in range(20):
        app.processEvents()
    manager.grab().save(str(DOCS / "manager-image.png"))
    manager.editor.load(None)
    manager.close()
    del controller
    store.close()


if __name__ == "__main__":
    main()
