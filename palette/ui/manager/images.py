"""The editor's pictures: thumbnails in paste order, added by file dialog, drag-and-drop or paste, removed
with a button or Delete; and the send-mode selector beside them.

A picture is checked (`core.images.probe`: PNG/JPEG/GIF by content, size and pixel limits) the moment
it is offered; the strip keeps its bytes until the phrase is saved, when the save command stores them
in the same transaction as the phrase (`commands`).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from PySide6.QtCore import QBuffer, QByteArray, QEvent, QIODevice, QMimeData, QSize, Qt, Signal
from PySide6.QtGui import QDragEnterEvent, QDropEvent, QGuiApplication, QIcon, QImage, QKeyEvent, QKeySequence
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from palette.core.images import MAX_IMAGE_BYTES, MAX_PHRASE_IMAGES, InvalidImageError, probe
from palette.core.model import ImageRef, SendMode
from palette.core.store import StoreError
from palette.ui.thumbnails import thumbnail

THUMB = 64


def read_picture_file(path: str) -> bytes:
    """A picture file's bytes, at most the size limit and one byte more (the check then refuses it)."""
    with open(path, "rb") as f:
        return f.read(MAX_IMAGE_BYTES + 1)


def image_png(image: QImage) -> bytes:
    """A pasted or dropped bitmap (no file behind it) as PNG bytes."""
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")  # type: ignore[call-overload]  # the stubs say bytes, PySide6 wants str
    buffer.close()
    return bytes(data.data())


class ImageStrip(QWidget):
    """A phrase's pictures as a row of thumbnails, with 添加图片… and 移除."""

    changed = Signal()
    refused = Signal(str)  # one line: which picture and why

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.refs: list[ImageRef] = []
        self.data: dict[str, bytes] = {}  # sha256 → bytes of every picture shown (stored or just added)
        self.load_bytes: Callable[[str], bytes] = lambda sha: self.data[sha]
        self.list = QListWidget()
        self.list.setViewMode(QListWidget.ViewMode.IconMode)
        self.list.setFlow(QListWidget.Flow.LeftToRight)
        self.list.setWrapping(False)
        self.list.setIconSize(QSize(THUMB, THUMB))
        self.list.setFixedHeight(THUMB + 28)
        self.list.setMovement(QListWidget.Movement.Static)
        self.list.setSelectionMode(QListWidget.SelectionMode.ExtendedSelection)
        self.list.installEventFilter(self)
        self.add_button = QPushButton()
        self.remove_button = QPushButton()
        self.add_button.clicked.connect(self.choose_files)
        self.remove_button.clicked.connect(self.remove_selected)
        self.list.itemSelectionChanged.connect(self._update_buttons)
        buttons = QVBoxLayout()
        buttons.addWidget(self.add_button)
        buttons.addWidget(self.remove_button)
        buttons.addStretch(1)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.list, 1)
        layout.addLayout(buttons)
        self.setAcceptDrops(True)
        self.editable = True
        self.retranslate()

    def retranslate(self) -> None:
        self.add_button.setText(self.tr("添加图片…"))
        self.remove_button.setText(self.tr("移除"))
        self.list.setToolTip(self.tr("拖入或粘贴(Ctrl+V)图片;粘贴时先发图片,再发文字"))

    def set_images(self, refs: Sequence[ImageRef], *, editable: bool) -> None:
        """Show a phrase's pictures (their bytes come through `load_bytes`); what was held for the last
        phrase is let go."""
        self.refs = list(refs)
        self.data = {}
        self.editable = editable
        self._fill()

    def set_editable(self, editable: bool) -> None:
        self.editable = editable
        self._update_buttons()

    # -- adding -----------------------------------------------------------------------------------

    def choose_files(self) -> None:
        paths, _ = QFileDialog.getOpenFileNames(
            self, self.tr("添加图片"), "", self.tr("图片 (*.png *.jpg *.jpeg *.gif)")
        )
        self.add_files(paths)

    def add_files(self, paths: Sequence[str]) -> None:
        for path in paths:
            name = Path(path).name
            try:
                data = read_picture_file(path)
            except OSError as e:
                self.refused.emit(self.tr("{0}:无法读取({1})").format(name, e.strerror or e))
                continue
            self.add_bytes(data, name)

    def add_bytes(self, data: bytes, name: str) -> bool:
        """Add one picture after checking it; a refusal is told through `refused`."""
        if not self.editable:
            return False
        if len(self.refs) >= MAX_PHRASE_IMAGES:
            self.refused.emit(self.tr("一条话术最多 {0} 张图片").format(MAX_PHRASE_IMAGES))
            return False
        try:
            ref = probe(data)
        except InvalidImageError as e:
            self.refused.emit(f"{name}: {e}")
            return False
        self.data[ref.sha256] = data
        self.refs.append(ref)
        self._fill()
        self.changed.emit()
        return True

    def add_mime(self, mime: QMimeData) -> int:
        """Pictures from a drop or the clipboard: local image files first, else a bitmap. Returns how many."""
        before = len(self.refs)
        files = [u.toLocalFile() for u in mime.urls() if u.isLocalFile()]
        if files:
            self.add_files(files)
        elif mime.hasImage():
            image = QImage(mime.imageData())
            if not image.isNull():
                self.add_bytes(image_png(image), self.tr("粘贴的图片"))
        return len(self.refs) - before

    def paste(self) -> int:
        mime = QGuiApplication.clipboard().mimeData()
        return self.add_mime(mime) if mime is not None else 0

    def remove_selected(self) -> None:
        rows = sorted({self.list.row(item) for item in self.list.selectedItems()}, reverse=True)
        if not rows or not self.editable:
            return
        for row in rows:
            del self.refs[row]
        self._fill()
        self.changed.emit()

    # -- Qt ---------------------------------------------------------------------------------------

    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        mime = event.mimeData()
        if self.editable and (mime.hasImage() or any(u.isLocalFile() for u in mime.urls())):
            event.acceptProposedAction()

    def dropEvent(self, event: QDropEvent) -> None:
        if self.add_mime(event.mimeData()):
            event.acceptProposedAction()

    def eventFilter(self, watched: object, event: QEvent) -> bool:
        if watched is self.list and event.type() == QEvent.Type.KeyPress:
            assert isinstance(event, QKeyEvent)
            if event.matches(QKeySequence.StandardKey.Paste) and self.editable:
                self.paste()
                return True
            if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and self.editable:
                self.remove_selected()
                return True
        return super().eventFilter(watched, event)  # type: ignore[arg-type]

    def _fill(self) -> None:
        self.list.clear()
        for ref in self.refs:
            item = QListWidgetItem(f"{ref.width}×{ref.height}")
            data = self.data.get(ref.sha256)
            if data is None:
                try:
                    data = self.data[ref.sha256] = self.load_bytes(ref.sha256)
                except (StoreError, KeyError):  # gone from the store (a re-import): a blank tile
                    data = b""
            pixmap = thumbnail(data, THUMB) if data else None
            if pixmap is not None:
                item.setIcon(QIcon(pixmap))
            item.setToolTip(f"{ref.mime} {ref.width}×{ref.height}")
            self.list.addItem(item)
        self._update_buttons()

    def _update_buttons(self) -> None:
        self.add_button.setEnabled(self.editable and len(self.refs) < MAX_PHRASE_IMAGES)
        self.remove_button.setEnabled(self.editable and bool(self.list.selectedItems()))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)


class SendChoice(QComboBox):
    """A phrase's send mode: the library's default (None), or one of its own."""

    changed = Signal()
    MODES: tuple[SendMode | None, ...] = (None, SendMode.NEVER, SendMode.ENTER, SendMode.CTRL_ENTER)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.addItems(["", "", "", ""])
        self.currentIndexChanged.connect(lambda _i: self.changed.emit())
        self.retranslate()

    def retranslate(self) -> None:
        texts = (
            self.tr("跟随话术库"),
            self.tr("只粘贴,不发送"),
            self.tr("粘贴后按回车发送"),
            self.tr("粘贴后按 Ctrl+Enter 发送"),
        )
        for i, text in enumerate(texts):
            self.setItemText(i, text)

    def mode(self) -> SendMode | None:
        return self.MODES[max(self.currentIndex(), 0)]

    def set_mode(self, mode: SendMode | None) -> None:
        self.setCurrentIndex(self.MODES.index(mode))

    def changeEvent(self, event: QEvent) -> None:
        if event.type() == QEvent.Type.LanguageChange:
            self.retranslate()
        super().changeEvent(event)
