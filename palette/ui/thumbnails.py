"""Small pictures of a phrase's images for the palette rows and the manager, decoded once and kept.

Images are stored by the SHA-256 of their bytes, so a thumbnail never goes stale: the cache is keyed
by digest and only bounded in size. Decoding goes through `QImageReader` with a scaled size, so a
JPEG is decoded at the small size directly; the store has already refused picture bombs.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable

from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt
from PySide6.QtGui import QImageReader, QPixmap

from palette.core.store import StoreError


def thumbnail(data: bytes, side: int) -> QPixmap | None:
    """`data` decoded to fit a `side` × `side` square (never enlarged); None when Qt cannot read it."""
    buffer = QBuffer()
    buffer.setData(QByteArray(data))
    buffer.open(QIODevice.OpenModeFlag.ReadOnly)
    reader = QImageReader(buffer)
    size = reader.size()
    if size.isValid() and (size.width() > side or size.height() > side):
        reader.setScaledSize(size.scaled(QSize(side, side), Qt.AspectRatioMode.KeepAspectRatio))
    image = reader.read()
    if image.isNull():
        return None
    return QPixmap.fromImage(image)


class Thumbnails:
    """sha256 → thumbnail, the bytes read through `load` (the store's `image_bytes`) on first use."""

    def __init__(self, load: Callable[[str], bytes], side: int = 40, cap: int = 256) -> None:
        self.load = load
        self.side = side
        self.cap = cap
        self._cache: OrderedDict[str, QPixmap | None] = OrderedDict()

    def get(self, sha256: str) -> QPixmap | None:
        if sha256 in self._cache:
            self._cache.move_to_end(sha256)
            return self._cache[sha256]
        try:
            pixmap = thumbnail(self.load(sha256), self.side)
        except StoreError:  # deleted since the row was made (a re-import): no picture, and not kept
            return None
        self._cache[sha256] = pixmap
        if len(self._cache) > self.cap:
            self._cache.popitem(last=False)
        return pixmap
