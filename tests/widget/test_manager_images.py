"""The manager's pictures and send mode, offscreen against a real store: add by file, drop and paste,
remove, undo and redo (the store drops unlinked pictures, the commands bring them back), read-only
team phrases, and the palette row's thumbnail."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from PySide6.QtCore import QMimeData, QModelIndex, QPoint, QPointF, QRect, Qt, QUrl
from PySide6.QtGui import QColor, QDropEvent, QFontMetrics, QGuiApplication, QImage, QPainter
from PySide6.QtWidgets import QApplication, QStyleOptionViewItem
from pytestqt.qtbot import QtBot

from palette.core.images import probe
from palette.core.model import PERSONAL_LIBRARY, Library, LibraryKind, Phrase, SendMode
from palette.core.store import Store
from palette.ui.manager import PhraseManager
from palette.ui.manager.images import image_png
from palette.ui.rows import Row, RowDelegate, RowModel
from palette.ui.thumbnails import Thumbnails
from tests.pictures import png, png_bomb
from tests.stored import stored
from tests.widget.test_manager import CTRL, choose, key, new_phrase, shown_manager

RED, BLUE = png(30, 20, (255, 0, 0)), png(16, 16, (0, 0, 255))
TEAM = "客服一组"


@pytest.fixture
def manager(qtbot: QtBot, store: Store) -> Iterator[PhraseManager]:
    yield from shown_manager(qtbot, store)


def save(qtbot: QtBot, m: PhraseManager) -> None:
    qtbot.keyClick(m.editor.title, Qt.Key.Key_S, CTRL)
    assert not m.editor.dirty


def test_add_by_file_remove_send_mode_and_undo(qtbot: QtBot, manager: PhraseManager, tmp_path: Path) -> None:
    store = manager.store
    (tmp_path / "red.png").write_bytes(RED)
    (tmp_path / "blue.png").write_bytes(BLUE)
    p = new_phrase(qtbot, manager, "扫码关注", "请扫码关注公众号")
    assert p.images == () and p.send is None

    manager.editor.images.add_files([str(tmp_path / "red.png"), str(tmp_path / "blue.png")])
    assert manager.editor.images.list.count() == 2
    assert not manager.editor.images.list.item(0).icon().isNull()  # a real thumbnail of the real bytes
    manager.editor.send.set_mode(SendMode.ENTER)
    assert manager.editor.dirty
    save(qtbot, manager)
    saved = stored(store, p.uid)
    assert [r.sha256 for r in saved.images] == [probe(RED).sha256, probe(BLUE).sha256]
    assert saved.send is SendMode.ENTER and store.image_bytes(probe(BLUE).sha256) == BLUE

    manager.editor.images.list.item(0).setSelected(True)
    manager.editor.images.remove_button.click()
    save(qtbot, manager)
    assert stored(store, p.uid).images == (probe(BLUE),) and store.image_count() == 1  # red dropped

    key(qtbot, manager, Qt.Key.Key_Z, CTRL)  # undo the removal: red comes back, bytes and all
    assert [r.sha256 for r in stored(store, p.uid).images] == [probe(RED).sha256, probe(BLUE).sha256]
    assert store.image_bytes(probe(RED).sha256) == RED
    key(qtbot, manager, Qt.Key.Key_Z, CTRL)  # undo adding both
    assert stored(store, p.uid).images == () and store.image_count() == 0
    key(qtbot, manager, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo: they are back
    assert len(stored(store, p.uid).images) == 2 and store.image_count() == 2

    choose(manager, p.uid, PERSONAL_LIBRARY)
    key(qtbot, manager, Qt.Key.Key_Delete)
    assert store.get(p.uid) is None and store.image_count() == 0
    key(qtbot, manager, Qt.Key.Key_Z, CTRL)
    assert len(stored(store, p.uid).images) == 2 and store.image_bytes(probe(RED).sha256) == RED


def test_refused_pictures_are_named_and_not_added(qtbot: QtBot, manager: PhraseManager, tmp_path: Path) -> None:
    new_phrase(qtbot, manager, "甲", "正文")
    (tmp_path / "bomb.png").write_bytes(png_bomb())
    (tmp_path / "notes.txt").write_text("hello")
    manager.editor.images.add_files([str(tmp_path / "bomb.png")])
    assert manager.editor.images.refs == [] and not manager.editor.dirty
    assert "bomb.png: image is more than the 24 megapixels allowed" in manager.editor.image_problem.text()
    manager.editor.images.add_files([str(tmp_path / "notes.txt"), str(tmp_path / "missing.png")])
    assert "missing.png" in manager.editor.image_problem.text() and manager.editor.images.refs == []


def test_drop_files_and_paste_a_bitmap(qtbot: QtBot, manager: PhraseManager, tmp_path: Path) -> None:
    p = new_phrase(qtbot, manager, "截图说明", "如图操作")
    (tmp_path / "red.png").write_bytes(RED)
    strip = manager.editor.images
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(tmp_path / "red.png"))])
    drop = QDropEvent(
        QPointF(5, 5), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier
    )
    strip.dropEvent(drop)
    assert strip.refs == [probe(RED)]

    bitmap = QImage(12, 7, QImage.Format.Format_RGB32)
    bitmap.fill(QColor(0, 200, 0))
    QGuiApplication.clipboard().setImage(bitmap)
    strip.list.setFocus()
    qtbot.keyClick(strip.list, Qt.Key.Key_V, CTRL)
    assert len(strip.refs) == 2 and (strip.refs[1].mime, strip.refs[1].width, strip.refs[1].height) == (
        "image/png",
        12,
        7,
    )
    save(qtbot, manager)
    pasted = manager.store.image_bytes(stored(manager.store, p.uid).images[1].sha256)
    back = QImage.fromData(pasted)
    assert (back.width(), back.height()) == (12, 7) and back.pixelColor(3, 3) == QColor(0, 200, 0)

    strip.list.item(1).setSelected(True)
    qtbot.keyClick(strip.list, Qt.Key.Key_Delete)
    assert strip.refs == [probe(RED)]


def test_a_team_phrase_shows_its_pictures_read_only_and_customising_keeps_them(
    qtbot: QtBot, manager: PhraseManager
) -> None:
    store = manager.store
    ref = probe(RED)
    store.replace_layer(
        Library(TEAM, LibraryKind.TEAM),
        [Phrase("t-qr", TEAM, "指引", "二维码", "请扫码", images=(ref,))],
        images={ref.sha256: RED},
    )
    qtbot.waitUntil(lambda: "t-qr" in manager.by_key)
    choose(manager, "t-qr", TEAM)
    strip = manager.editor.images
    assert strip.refs == [ref] and not strip.list.item(0).icon().isNull()
    assert not strip.add_button.isEnabled() and not manager.editor.send.isEnabled()
    assert not strip.add_bytes(BLUE, "blue.png") and strip.refs == [ref]

    key(qtbot, manager, Qt.Key.Key_E, CTRL)  # 自定义: the personal copy carries the same picture
    mine = [p for p in store.phrases(PERSONAL_LIBRARY) if p.override_of == "t-qr"]
    assert len(mine) == 1 and mine[0].images == (ref,) and store.image_count() == 1


def test_png_of_a_bitmap_is_a_real_png() -> None:
    image = QImage(3, 2, QImage.Format.Format_RGB32)
    image.fill(QColor(1, 2, 3))
    assert probe(image_png(image)).mime == "image/png"


def test_palette_row_draws_the_first_picture(qtbot: QtBot, store: Store) -> None:
    ref = store.add_image(png(40, 40, (255, 0, 0)))
    phrase = store.add_phrase(category="指引", title="扫码", body="请扫码", images=[ref])
    delegate = RowDelegate()
    loads: list[str] = []

    def load(sha: str) -> bytes:
        loads.append(sha)
        return store.image_bytes(sha)

    delegate.thumbnails = Thumbnails(load)
    model = RowModel()
    model.set_rows([Row(phrase.uid, "指引", "扫码", "", "请扫码", phrase=phrase)])
    canvas = QImage(400, 60, QImage.Format.Format_RGB32)
    for _ in range(2):
        canvas.fill(QColor("white"))
        painter = QPainter(canvas)
        option = QStyleOptionViewItem()
        option.rect = QRect(QPoint(0, 0), canvas.size())
        option.palette = QApplication.palette()
        option.fontMetrics = QFontMetrics(QApplication.font())
        delegate.paint(painter, option, model.index(0, 0, QModelIndex()))
        painter.end()
    assert loads == [ref.sha256]  # decoded once, then from the cache
    assert canvas.pixelColor(400 - 4 - 20, 30) == QColor(255, 0, 0)  # the thumbnail at the right end
    assert canvas.pixelColor(200, 30) != QColor(255, 0, 0)
