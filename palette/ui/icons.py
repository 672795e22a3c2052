"""Toolbar and window icons from the SVG files in `resources/icons/`, drawn in the theme's text colour.

The icons are line drawings in `currentColor`; Qt's SVG renderer does not resolve that, so it is
replaced here by the palette's text colour (and its disabled colour), which keeps them legible on a
light or a dark theme. Pixmaps are rendered at several sizes and at the screen's device pixel ratio,
so they stay sharp on HiDPI screens.
"""

from __future__ import annotations

from functools import cache

from PySide6.QtCore import QBuffer, QByteArray, QSize
from PySide6.QtGui import QGuiApplication, QIcon, QImageReader, QPalette, QPixmap

from palette.core import paths

SIZES = (16, 20, 24, 32, 48)


@cache
def _svg(name: str) -> str:
    return paths.resource("icons", f"{name}.svg").read_text(encoding="utf-8")


def _pixmap(svg: str, size: int, ratio: float) -> QPixmap:
    data = QByteArray(svg.encode("utf-8"))
    buffer = QBuffer(data)
    reader = QImageReader(buffer, QByteArray(b"svg"))
    side = round(size * ratio)
    reader.setScaledSize(QSize(side, side))
    pixmap = QPixmap.fromImage(reader.read())
    pixmap.setDevicePixelRatio(ratio)
    return pixmap


def icon(name: str, palette: QPalette | None = None) -> QIcon:
    """`resources/icons/<name>.svg` as an icon in `palette`'s text colours (the application's by default)."""
    palette = palette or QGuiApplication.palette()
    screen = QGuiApplication.primaryScreen()
    ratio = screen.devicePixelRatio() if screen is not None else 1.0
    normal = palette.color(QPalette.ColorRole.WindowText).name()
    disabled = palette.color(QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText).name()
    return _icon(name, normal, disabled, ratio)


@cache
def _icon(name: str, normal_colour: str, disabled_colour: str, ratio: float) -> QIcon:
    svg = _svg(name)
    normal = svg.replace("currentColor", normal_colour)
    disabled = svg.replace("currentColor", disabled_colour)
    result = QIcon()
    for size in SIZES:
        result.addPixmap(_pixmap(normal, size, ratio), QIcon.Mode.Normal)
        result.addPixmap(_pixmap(disabled, size, ratio), QIcon.Mode.Disabled)
    return result
